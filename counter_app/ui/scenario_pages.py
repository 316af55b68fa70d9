"""Training in demo mode: a trainee picks a scenario (F10) and does the reception with its task
in view; closing the case scores it (training.scoring) and stores it (training.results); the
trainer lists the results and exports them as CSV (F11) and resets the demo (F12).

The widgets are thin: what is right, what a score is and where results live is the Qt-free
`counter_app.training` package.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from card_reader.monitor import PresenceEvent
from card_reader.sources import VirtualCardSource
from counter_app.domain import Case, CaseStatus
from counter_app.domain.era import default_era_table
from counter_app.store import DatabaseError
from counter_app.training.results import TraineeNameError, TrainingResult, TrainingResults
from counter_app.training.scenarios import Scenario
from counter_app.training.scoring import EXTRA, KIND_LABELS, MISSING, WRONG, Score
from counter_app.ui.card_reading import reader_status_text
from counter_app.ui.training_panel import TrainingPanel, banner
from counter_app.ui.views.common import row_table

if TYPE_CHECKING:
    from counter_app.ui.assembly import CounterWindow

log = logging.getLogger(__name__)

RESULT_COLUMNS = ["研修者", "シナリオ", "得点", "所要時間", "開始"]
TASK_STYLE = ("background: #e7f5ff; color: #1d3f5e; border-bottom: 2px solid #1c7ed6;"
              " padding: 4px 16px;")
# The banner over every page: a size smaller than the pages' text, so that a long task leaves
# the 1366x768 pages their room.
BANNER_STYLE = TASK_STYLE + " font-size: 12pt;"
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
STORE_FAILED_JA = "研修の記録を保存できませんでした。もう一度お試しください。"


@dataclass(frozen=True)
class TrainingSetup:
    """What the training screens need besides the window (built by app.build_gui)."""

    scenarios: list[Scenario]
    results: TrainingResults
    reset: Callable[[], int]  # empties the demo database but the results; cases removed
    titles: dict[str, str]  # roster household → title, for the card search


@dataclass
class Running:
    """The attempt under way: scored when its case is closed."""

    attempt: int
    scenario: Scenario
    trainee: str
    case_id: str


def duration_ja(seconds: int | None) -> str:
    if seconds is None:
        return "―"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}分{rest:02d}秒" if minutes else f"{rest}秒"


def started_ja(value: dt.datetime) -> str:
    local = value.astimezone()
    return f"{default_era_table().format(local.date())} {local:%H:%M}"


# --- the trainee's scenario picker --------------------------------------------------------------


class ScenarioPicker(QDialog):
    """F10: a scenario (↑↓, its task below), the trainee's name, Enter to start."""

    start_requested = Signal(object, str)  # Scenario, trainee name

    def __init__(self, scenarios: list[Scenario], parent: QWidget) -> None:
        super().__init__(parent)
        self.scenarios = scenarios
        self.setWindowTitle("研修シナリオを選ぶ（F10）")
        self.setMinimumWidth(1000)
        self.resize(1080, 640)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(banner())
        layout.addWidget(QLabel("シナリオ（↑↓で選ぶ）"))
        self.list = QListWidget()
        self.list.setObjectName("scenarioList")
        for number, scenario in enumerate(scenarios, start=1):
            self.list.addItem(f"{number}  {scenario.title}")
        layout.addWidget(self.list, 1)
        layout.addWidget(QLabel("課題"))
        self.task = QLabel()
        self.task.setObjectName("scenarioTask")
        self.task.setWordWrap(True)
        self.task.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.task.setStyleSheet(TASK_STYLE)
        self.task.setMinimumHeight(150)
        self.task.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.task)
        name_row = QHBoxLayout()
        name_row.addWidget(QLabel("研修者の名前"))
        self.name = QLineEdit()
        self.name.setObjectName("traineeName")
        self.name.setPlaceholderText("例：窓口 花子（結果の一覧に載ります）")
        name_row.addWidget(self.name, 1)
        layout.addLayout(name_row)
        self.message = QLabel()
        self.message.setObjectName("pickerMessage")
        self.message.setStyleSheet("color: #c92a2a;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start = QPushButton("この課題で始める（Enter）")
        self.start.setObjectName("startScenario")
        self.cancel = QPushButton("やめる（Esc）")
        buttons.addWidget(self.start)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        for button in (self.start, self.cancel):
            button.setAutoDefault(False)

        self.list.currentRowChanged.connect(self._show_task)
        self.start.clicked.connect(self._start)
        self.cancel.clicked.connect(self.reject)
        self.name.returnPressed.connect(self._start)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.list)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._after_choice)
        if scenarios:
            self.list.setCurrentRow(0)
        self.list.setFocus()

    def chosen(self) -> Scenario | None:
        row = self.list.currentRow()
        return self.scenarios[row] if 0 <= row < len(self.scenarios) else None

    def _show_task(self, row: int) -> None:
        self.task.setText(self.scenarios[row].task if 0 <= row < len(self.scenarios) else "")

    def _after_choice(self) -> None:
        """Enter on the list: on to the name (or start, when it is already typed)."""
        if self.name.text().strip():
            self._start()
        else:
            self.name.setFocus()

    def _start(self) -> None:
        scenario = self.chosen()
        if scenario is None:
            self.message.setText("シナリオを↑↓で選んでください。")
            self.list.setFocus()
            return
        if not self.name.text().strip():
            self.message.setText("研修者の名前を入力してください。")
            self.name.setFocus()
            return
        self.start_requested.emit(scenario, self.name.text())


# --- the trainee's result -------------------------------------------------------------------


def wareki(text: str) -> str:
    """The scoring's texts give dates as stored (ISO); staff read them as 和暦."""
    def convert(match: re.Match[str]) -> str:
        try:
            return default_era_table().format(dt.date.fromisoformat(match.group(0)))
        except ValueError:
            return match.group(0)

    return ISO_DATE.sub(convert, text)


def findings_html(score: Score) -> str:
    """The findings by kind, each with the rules' reasons; for a QTextBrowser."""
    if not score.findings:
        return "<p>すべて正しく受付できました。</p>"
    parts = []
    for kind in (MISSING, EXTRA, WRONG):
        found = score.of_kind(kind)
        if not found:
            continue
        parts.append(f"<h3>{KIND_LABELS[kind]}（{len(found)}件）</h3><ul>")
        for finding in found:
            reasons = "".join(f"<br>　理由：{html.escape(wareki(reason))}"
                              for reason in finding.reasons)
            parts.append(f"<li>{html.escape(wareki(finding.text))}{reasons}</li>")
        parts.append("</ul>")
    return "".join(parts)


class ResultDialog(QDialog):
    """What the trainee got right and wrong, shown when the scenario's case is closed."""

    def __init__(self, result: TrainingResult, score: Score, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("研修の結果")
        self.setMinimumWidth(1000)
        self.resize(1080, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(banner())
        title = QLabel(f"{result.title}")
        title.setObjectName("pageTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.summary = QLabel(
            f"{result.trainee}さん　得点 {score.percent}点（{score.points}／{score.total}）"
            f"　所要時間 {duration_ja(result.seconds)}　"
            f"不足 {len(score.of_kind(MISSING))}件・余分 {len(score.of_kind(EXTRA))}件・"
            f"誤り {len(score.of_kind(WRONG))}件")
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.findings = QTextBrowser()
        self.findings.setObjectName("resultFindings")
        self.findings.setHtml(findings_html(score))
        layout.addWidget(self.findings, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("結果は保存しました（研修担当がF11で一覧できます）。"), 1)
        self.close_button = QPushButton("閉じて次へ（Enter）")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        row.addWidget(self.close_button)
        layout.addLayout(row)
        self.close_button.setFocus()


# --- the trainer's list of results ----------------------------------------------------------


class ResultsDialog(QDialog):
    """F11: every attempt, newest last, and the CSV export to a file the trainer picks."""

    def __init__(self, results: TrainingResults, parent: QWidget) -> None:
        super().__init__(parent)
        self._results = results
        self.setWindowTitle("研修の結果一覧（F11）")
        self.setMinimumWidth(1000)
        self.resize(1080, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(banner())
        self.table = row_table("trainingResults", RESULT_COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setObjectName("resultsMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        self.export = QPushButton("CSVファイルに出力（Ctrl+S）")
        self.export.setObjectName("exportCsv")
        self.close_button = QPushButton("閉じる（Esc）")
        for button in (self.export, self.close_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.export.clicked.connect(self.choose_file)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.choose_file)
        self.file_dialog: QFileDialog | None = None
        self.reload()
        self.table.setFocus()

    def reload(self) -> None:
        try:
            rows = self._results.all()
        except (SQLAlchemyError, DatabaseError) as exc:
            log.error("training results cannot be read: %s", type(exc).__name__)
            self.message.setText("研修の結果を読み込めませんでした。")
            return
        self.table.setRowCount(len(rows))
        for r, result in enumerate(rows):
            score = "未完了" if result.score is None else f"{result.score}点"
            cells = (result.trainee, result.title, score, duration_ja(result.seconds),
                     started_ja(result.started_at))
            for column, text in enumerate(cells):
                self.table.setItem(r, column, QTableWidgetItem(text))
        if rows:
            self.table.selectRow(len(rows) - 1)
        self.message.setText(f"{len(rows)}件" if rows else "まだ研修の結果はありません。")

    def choose_file(self) -> None:
        dialog = QFileDialog(self, "CSVファイルの保存先",
                             str(Path.home() / "研修結果.csv"), "CSVファイル (*.csv)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.fileSelected.connect(self.export_to)
        dialog.finished.connect(dialog.deleteLater)
        self.file_dialog = dialog
        dialog.open()

    def export_to(self, path: str) -> None:
        """Written beside the target and moved in place: a failed export leaves no half
        file (and an earlier export with that name as it was)."""
        target = Path(path)
        partial = target.with_name(target.name + ".part")
        try:
            with open(partial, "w", encoding="utf-8-sig", newline="") as out:
                count = self._results.export_csv(out)
            os.replace(partial, target)
        except (OSError, SQLAlchemyError, DatabaseError) as exc:
            log.error("training results CSV export failed: %s", type(exc).__name__)
            partial.unlink(missing_ok=True)
            self.message.setText("CSVファイルを保存できませんでした。保存先を選び直してください。")
            return
        log.info("training results exported as CSV (%d rows)", count)
        self.message.setText(f"研修の結果{count}件をCSVファイルに保存しました。")


# --- wiring into the counter window -----------------------------------------------------------


class TrainingDesk(QObject):
    """Demo mode's keys on the counter window: F9 the card panel, and with a training setup
    F10 a scenario, F11 the results, F12 the reset; the task stays in view while it runs."""

    def __init__(self, window: CounterWindow, setup: TrainingSetup | None) -> None:
        super().__init__(window)
        self.window = window
        self.setup = setup
        card_panel = window.reception.card_panel
        assert card_panel is not None  # built only for a window with the simulated reader
        self.panel = TrainingPanel(card_panel, window, with_reset=setup is not None)
        self.running: Running | None = None
        self.picker: ScenarioPicker | None = None
        self.result_dialog: ResultDialog | None = None
        self.results_dialog: ResultsDialog | None = None
        self.question_box: QMessageBox | None = None

        # The task in words, under the demo banner, while a scenario runs.
        self.task = QLabel()
        self.task.setObjectName("trainingTask")
        self.task.setWordWrap(True)
        self.task.setStyleSheet(BANNER_STYLE)
        self.task.setTextFormat(Qt.TextFormat.RichText)
        self.task.setVisible(False)
        window.centralWidget().layout().insertWidget(1, self.task)

        reception = window.reception
        reception.card_flow.busy_changed.connect(lambda _busy: self._refresh_panel())
        # The trainer sees what the read met without looking at the counter's screen.
        reception.card_flow.failed.connect(
            lambda message: self.panel.message.setText(f"読み取りの結果：{message}"))
        reception.card_flow.member_read.connect(
            lambda _member: self.panel.message.setText("読み取りの結果：読み取れました。"))
        reception.demo_event.connect(self._reader_event)
        QShortcut(QKeySequence("F9"), window).activated.connect(self.panel.open_panel)
        if setup is not None:
            self.panel.reset_requested.connect(self.ask_reset)
            window.case_closed.connect(self._case_closed)
            for key, slot in (("F10", self.open_picker), ("F11", self.open_results),
                              ("F12", self.ask_reset)):
                QShortcut(QKeySequence(key), window).activated.connect(slot)

    def _reader_event(self, event: PresenceEvent) -> None:
        text = reader_status_text(event)
        if text:
            self.window.show_reader_state(text)
        self._refresh_panel()

    def _fresh_cards(self) -> None:
        """Every card as the roster writes it and none on the reader, shown as such."""
        card_panel = self.window.reception.card_panel
        assert card_panel is not None
        card_panel.reset()
        self.window.show_reader_state(VirtualCardSource.label)
        self._refresh_panel()

    def _refresh_panel(self) -> None:
        if self.panel.isVisible():
            self.panel.refresh()

    # --- scenarios ---------------------------------------------------------------------------

    def open_picker(self) -> None:
        assert self.setup is not None
        picker = ScenarioPicker(self.setup.scenarios, self.window)
        picker.start_requested.connect(self.start)
        picker.finished.connect(picker.deleteLater)
        self.picker = picker
        picker.open()

    def start(self, scenario: Scenario, trainee: str) -> None:
        """The attempt is stored as it starts; the trainee begins from an empty reception (or
        from the scenario's open case), with the roster's cards as the roster writes them."""
        assert self.setup is not None
        window = self.window
        window.reception.commit_edits()
        try:
            attempt = self.setup.results.start(trainee, scenario, window.controller.repository)
        except TraineeNameError as exc:
            self._picker_message(exc.message_ja)
            return
        except (SQLAlchemyError, DatabaseError) as exc:
            log.error("training attempt not stored: %s", type(exc).__name__)
            self._picker_message(STORE_FAILED_JA)
            return
        if self.picker is not None:
            self.picker.accept()
        self._fresh_cards()
        left = window.controller.session.case
        if attempt.case_id is not None:
            case_id = attempt.case_id
            window.resume(case_id)
        else:
            window.controller.new_case()
            case_id = window.controller.session.case.id
            window.show_page_key("reception")
            window.reception.focus_first()
        if left.status is CaseStatus.OPEN and left.members and left.id != case_id:
            window.reception.hint.setText("前の受付は「受付中の案件」に残しました。")
        self.running = Running(attempt.id, scenario, " ".join(trainee.split()), case_id)
        self.task.setText(f"<b>研修中（{html.escape(self.running.trainee)}さん）："
                          f"{html.escape(scenario.title)}</b><br>{html.escape(scenario.task)}")
        self.task.setVisible(True)

    def _picker_message(self, text: str) -> None:
        if self.picker is not None:
            self.picker.message.setText(text)

    def _case_closed(self, case: Case) -> None:
        running = self.running
        if running is None or case.id != running.case_id or self.setup is None:
            return
        self.running = None
        self.task.setVisible(False)
        try:
            result, score = self.setup.results.finish(running.attempt, running.scenario, case,
                                                      self.window.controller.catalogue)
        except (SQLAlchemyError, DatabaseError, KeyError) as exc:
            log.error("training attempt %d not scored: %s", running.attempt,
                      type(exc).__name__)
            self.window.reception.hint.setText("研修の結果を保存できませんでした。")
            return
        dialog = ResultDialog(result, score, self.window)
        dialog.finished.connect(dialog.deleteLater)
        self.result_dialog = dialog
        dialog.open()

    # --- the trainer's results and reset ------------------------------------------------------

    def open_results(self) -> None:
        assert self.setup is not None
        dialog = ResultsDialog(self.setup.results, self.window)
        dialog.finished.connect(dialog.deleteLater)
        self.results_dialog = dialog
        dialog.open()

    def ask_reset(self) -> None:
        parent = self.panel if self.panel.isVisible() else self.window
        box = QMessageBox(QMessageBox.Icon.Question, "研修のリセット",
                          "研修をリセットしますか？\n受付中・完了した案件はすべて消え、カードは"
                          "名簿のとおりに戻ります。研修の結果は残ります。",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          parent)
        box.button(QMessageBox.StandardButton.Yes).setText("リセットする（&Y）")
        box.button(QMessageBox.StandardButton.No).setText("やめる（Esc）")
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def answered(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.reset()

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        self.question_box = box
        box.open()

    def reset(self) -> None:
        """Back to an empty reception over an empty demo database (results stay)."""
        assert self.setup is not None
        window = self.window
        window.controller.new_case()  # the case on screen is let go before it is deleted
        try:
            window.controller.saver.flush()
            removed = self.setup.reset()
        except (SQLAlchemyError, DatabaseError) as exc:
            log.error("demo reset failed: %s", type(exc).__name__)
            window.reception.hint.setText("研修をリセットできませんでした。もう一度F12を押してください。")
            return
        log.info("demo reset by the trainer: %d cases removed", removed)
        self._fresh_cards()
        self.running = None
        self.task.setVisible(False)
        window.open_cases.reload()
        window.show_page_key("reception")
        window.reception.hint.setText("研修をリセットしました。案件は消え、カードは名簿のとおりに"
                                      "戻りました（研修の結果は残っています）。")
        window.reception.focus_first()
