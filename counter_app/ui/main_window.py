"""Main window behaviour: page switching by keyboard, status probes, geometry memory."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox, QWidget

from counter_app.preferences import Preferences
from counter_app.ui.tasks import run_task
from counter_app.ui.views.main_window_view import MainWindowView, PageSpec

log = logging.getLogger(__name__)

APP_TITLE = "窓口支援システム Madoguchi"
DEMO_BANNER = (
    "デモモード（研修用）：架空の住民と模擬カードリーダーを使います。"
    "実際の記録には一切反映されず、印刷物には「見本」と入ります。"
)
PROBE_INTERVAL_MS = 10_000

PAGES = [
    PageSpec(
        "reception", "受付",
        "転入・転居・転出の受付を始めます。",
        "異動の種類と日付、旧住所・新住所（郵便番号から検索）を入力し、世帯員をマイナンバーカードの"
        "読み取り（基本4情報）または手入力で登録します。",
    ),
    PageSpec(
        "interview", "聞き取り",
        "手続の判定に足りないことだけを、住民の方と一緒に確認します。",
        "カードや生年月日から分かることは質問しません。妊娠など配慮が必要な質問は世帯向けの"
        "言い方で表示します。",
    ),
    PageSpec(
        "checklist", "手続一覧",
        "この世帯に必要な手続を、担当課ごとに一覧にします。",
        "手続ごとに対象者・期限・理由を示し、「済」「不要（理由）」「後日」を記録します。"
        "未対応の手続が残っている間は受付を完了できません。",
    ),
    PageSpec(
        "printing", "印刷",
        "記入済みの申請書と窓口案内シートを印刷します。住民の方は確認して署名するだけです。",
        "申請書一式のプレビュー、プリンタへの印刷またはPDF保存、印刷状況の記録。",
    ),
    PageSpec(
        "open_cases", "受付中の案件",
        "中断した受付を、止まったところから再開します。",
        "保存済みで未完了の案件を、異動の種類・日付・人数で一覧にします（氏名は一覧に出しません）。",
    ),
    PageSpec(
        "statistics", "統計",
        "受付件数、課ごとの手続数、処理時間、記入済みで印刷した申請書の数を期間ごとに集計します。",
        "個人を特定できる情報は含みません。CSVに保存できます。",
    ),
    PageSpec(
        "config", "設定（監督者）",
        "手続ルール・課・市の設定と休日を変更し、テスト世帯で確かめてから公開します。",
        "監督者のサインインが必要です。版の一覧、下書きの編集、テスト、公開、過去の版の復元、"
        "変更履歴。",
    ),
]


KEYS: dict[str, list[tuple[str, str]]] = {
    "reception": [("Alt+1〜3", "異動：転入・転居・転出（選んでいる種類をもう一度で異動を外す）"),
                  ("Alt+4〜7", "届出の事由：おくやみ・出生・婚姻・離婚（もう一度で選び直す・"
                               "双子を追加）"),
                  ("Alt+0", "届出の事由を外す"),
                  ("Tab（死亡日から）", "死亡を知った日（死亡日と違うときだけ）"),
                  ("F2", "カードを読む"), ("F3", "手入力で世帯員を追加"),
                  ("F4", "続柄を選ぶ（↑↓）"),
                  ("F5", "郵便番号へ（市内は下4桁）"), ("F6", "世帯員の詳細（フリガナ・本籍など）"),
                  ("F7", "世帯主・届出人・電話番号"), ("Ctrl+↑/↓", "世帯員の順を変える"),
                  ("Del", "世帯員を削除"), ("Ctrl+Enter", "聞き取りへ")],
    "interview": [("数字", "回答する／回答を変える（手続はすぐに判定し直します）"),
                  ("↑/↓", "質問を選ぶ（回答済みも変更できます）"),
                  ("Enter", "世帯への質問を決定／フリガナの候補をすべて確定"),
                  ("数字（▶全員）", "複数の方への質問で、全員に同じ回答"),
                  ("←/→", "複数の方への質問で、回答する方（▶）を選ぶ"),
                  ("A→数字", "複数の方への質問で、未回答の方全員に同じ回答"),
                  ("Enter", "複数の方への質問で、未回答の方を直前の方と同じ回答に（子は親と同じ）"),
                  ("Del", "回答を取り消す"), ("Ctrl+Enter", "手続一覧へ")],
    "checklist": [("D", "済"), ("N", "不要（理由）"), ("L", "後日"),
                  ("S", "その課の手続をまとめて済"),
                  ("F6", "直すことの一覧へ（Enterで入力画面へ）"),
                  ("Ctrl+P", "印刷へ"), ("Ctrl+Enter", "受付を完了")],
    "printing": [("Ctrl+P", "印刷（プリンタがなければPDF保存）"), ("Ctrl+S", "PDFに保存"),
                 ("Esc", "印刷を取り消す"), ("F6", "直すことの一覧へ（Enterで入力画面へ）"),
                 ("Ctrl+Enter", "受付を完了")],
    "open_cases": [("Enter", "選んだ案件を再開"), ("Del", "取り消す（理由）"),
                   ("QRコード", "申請書のQRを読み取ると、その案件を開きます")],
    "statistics": [("1～5", "期間を選ぶ（今日・7日・30日・今月・1年）"), ("Ctrl+S", "CSVに保存")],
    "config": [("Ctrl+D", "公開中の版から新しい下書き"), ("Ctrl+S", "下書きを保存"),
               ("Ctrl+T", "テスト世帯で確かめる"), ("Ctrl+K", "選んだ世帯の結果を期待値に"),
               ("Ctrl+P", "下書きを公開"), ("Ctrl+R", "選んだ過去の版を復元"),
               ("Ctrl+O／Ctrl+E", "ファイルから読込／書出"),
               ("F5", "読み直す（保存していない変更を破棄）"),
               ("Ctrl+Tab", "編集する項目を切り替える"),
               ("Alt+A／Del", "一覧に追加／一覧から削除"), ("Ctrl+↑／↓", "一覧の順番を変える"),
               ("Enter", "問題の一覧で、その場所へ"), ("Ctrl+Q", "サインアウト")],
    # Demo mode only (counter_app/ui/scenario_pages.py).
    "training": [("F9", "研修担当：カードの操作（検索して置く・暗証番号・故障）"),
                 ("F10", "研修シナリオを選んで始める"), ("F11", "研修の結果一覧（CSV出力）"),
                 ("F12", "研修をリセット（確認あり）")],
    "all": [("Ctrl+1～7", "画面を切り替える"), ("Ctrl+N", "次の方の受付"), ("F1", "このキー一覧")],
}


@dataclass(frozen=True)
class StatusSources:
    """How the window learns the state of the counter's equipment; each call may block."""

    demo: bool
    database_label: str
    list_readers: Callable[[], list[str]]
    find_printer: Callable[[], str | None]


class MainWindow(MainWindowView):
    probes_finished = Signal()

    def __init__(self, sources: StatusSources, preferences: Preferences,
                 built_pages: dict[str, QWidget] | None = None) -> None:
        super().__init__(PAGES, built_pages)
        self._sources = sources
        self._preferences = preferences
        self._probes_running = 0

        self.setWindowTitle(f"【デモ】{APP_TITLE}" if sources.demo else APP_TITLE)
        self.demo_banner.setText(DEMO_BANNER)
        self.demo_banner.setVisible(sources.demo)
        self.demo_banner.setWordWrap(True)
        self.status.database.setText(f"データベース: {sources.database_label}")
        if sources.demo:
            self.status.mode.setText(" デモモード ")
            self.status.mode.setObjectName("demoBadge")
            self.status.mode.style().polish(self.status.mode)  # pick up the badge style
        else:
            self.status.mode.setText("本番")
        self.status.reader.setText("カードリーダー: 確認中…")
        self.status.printer.setText("プリンタ: 確認中…")

        self.navigation.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.navigation.setCurrentRow(0)
        for number in range(1, len(PAGES) + 1):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{number}"), self)
            shortcut.activated.connect(lambda row=number - 1: self.show_page(row))

        # A counter PC's screen may be 1366x768: the app opens maximized (app.py); this is only
        # the size before that, and never more than a 1366x768 screen holds.
        self.resize(1280, 720)
        geometry = preferences.window_geometry
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.help_box: QMessageBox | None = None
        QShortcut(QKeySequence(Qt.Key.Key_F1), self).activated.connect(self.show_keys)

        self._probe_timer = QTimer(self)
        self._probe_timer.setInterval(PROBE_INTERVAL_MS)
        self._probe_timer.timeout.connect(self.refresh_status)
        self._probe_timer.start()
        self.refresh_status()

    def show_keys(self) -> None:
        """F1: the keys of the page on screen."""
        keys = KEYS.get(self.current_page_key(), []) + KEYS["all"]
        if self._sources.demo:
            keys += KEYS["training"]
        rows = "".join(f"<tr><td style='padding-right:24px'><b>{key}</b></td><td>{action}</td>"
                       "</tr>" for key, action in keys)
        box = QMessageBox(QMessageBox.Icon.Information, "キー操作",
                          f"<table>{rows}</table>", QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.finished.connect(box.deleteLater)
        self.help_box = box
        box.open()

    def show_page(self, row: int) -> None:
        self.navigation.setCurrentRow(row)
        self.navigation.setFocus()

    def show_page_key(self, key: str) -> None:
        self.navigation.setCurrentRow([p.key for p in PAGES].index(key))

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()].key

    def refresh_status(self) -> None:
        if self._probes_running:
            return  # a slow print service must not pile up probes
        self._probes_running = 2
        run_task(self._sources.list_readers, self._on_readers)
        run_task(self._sources.find_printer, self._on_printer)

    def _probe_done(self) -> None:
        self._probes_running -= 1
        if self._probes_running == 0:
            self.probes_finished.emit()

    def show_reader_state(self, text: str) -> None:
        self.status.reader.setText(f"カードリーダー: {text}")

    def _on_readers(self, names: list[str] | None, error: BaseException | None) -> None:
        if error is not None:
            log.warning("card reader probe failed: %s", error)
            text = getattr(error, "message_ja", "カードリーダーを確認できません")
            self.status.reader.setText(f"カードリーダー: {text}")
        elif not names:
            self.status.reader.setText("カードリーダー: 未接続")
        else:
            preferred = self._preferences.reader_name
            name = preferred if preferred in names else names[0]
            self.status.reader.setText(f"カードリーダー: {name}")
        self._probe_done()

    def _on_printer(self, name: str | None, error: BaseException | None) -> None:
        if error is not None:
            log.warning("printer probe failed: %s", error)
            self.status.printer.setText("プリンタ: 確認できません（PDF保存）")
        elif name is None:
            self.status.printer.setText("プリンタ: なし（PDF保存）")
        else:
            self.status.printer.setText(f"プリンタ: {name}")
        self._probe_done()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._probe_timer.stop()
        self._preferences.window_geometry = self.saveGeometry()
        super().closeEvent(event)
