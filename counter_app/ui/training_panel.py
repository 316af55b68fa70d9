"""The trainer's card panel (demo mode, F9): find a roster card, place it on the simulated
reader, watch its PIN and tries as reads spend them, set them, provoke card and reader faults.

A thin window over `counter_app.training.panel.CardPanel`. A card is placed only by Enter or
the 置く button on the chosen row (or Enter on a search that leaves exactly one card): a click
on a row only chooses it, so a slip of the mouse never spends a try of the wrong card.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from card_reader.sources import ATTACHED, NO_READER, UNPLUGGED
from card_reader.virtual_card import LOCKED, MUTE, NOT_MY_NUMBER, PIN_TRIES, PULLED
from counter_app.training.panel import CardPanel, CardState, PanelError
from counter_app.ui.views.common import row_table

log = logging.getLogger(__name__)

TRAINING_BANNER = "研修（デモ）：架空の住民と模擬カードリーダーです。実際の記録には反映されません。"
COLUMNS = ["カード", "暗証番号", "残り回数", "状態"]
FAULTS = [(None, "なし（正常）"), (LOCKED, "暗証番号ロック"),
          (PULLED, "読み取り中にカードが離れる"),
          (NOT_MY_NUMBER, "マイナンバーカードではない"), (MUTE, "カードが応答しない")]
READER_STATES = [(ATTACHED, "接続している"), (NO_READER, "接続されていない"),
                 (UNPLUGGED, "使用中に抜けた（サービス停止）")]
FAULT_TEXT = {PULLED: "読み取り中に離れる", NOT_MY_NUMBER: "マイナンバーカードではない",
              MUTE: "応答しない"}
WRONG_PIN_HINT = ("暗証番号の誤りは、住民役が違う番号を入力すれば起こせます。"
                  "カードを選んでEnterで読み取り機に置きます（クリックでは置きません）。")


def banner() -> QLabel:
    """The 研修 banner every training window carries (styled as the main window's)."""
    label = QLabel(TRAINING_BANNER)
    label.setObjectName("demoBanner")
    label.setWordWrap(True)
    return label


def state_text(state: CardState) -> str:
    parts = []
    if state.on_reader:
        parts.append("読み取り機の上")
    if state.tries_left == 0:
        parts.append("暗証番号ロック")
    if state.fault in FAULT_TEXT:
        parts.append(FAULT_TEXT[state.fault])
    return "・".join(parts)


class TrainingPanel(QDialog):
    """F9: beside the counter window, not modal, so the trainer works while the trainee does."""

    reset_requested = Signal()

    def __init__(self, panel: CardPanel, parent: QWidget, with_reset: bool) -> None:
        super().__init__(parent)
        self.panel = panel
        self.setWindowTitle("研修担当：カードと読み取り機（F9）")
        self.setMinimumWidth(980)
        self.resize(1040, 660)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(banner())

        search_row = QHBoxLayout()
        search_row.addWidget(QLabel("検索（Ctrl+F）"))
        self.search = QLineEdit()
        self.search.setObjectName("cardSearch")
        self.search.setPlaceholderText("氏名・よみがな・世帯の題名で絞り込み（1枚ならEnterで置く）")
        search_row.addWidget(self.search, 1)
        layout.addLayout(search_row)

        self.table = row_table("rosterCards", COLUMNS)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        card_row = QHBoxLayout()
        self.place = QPushButton("選んだカードを置く（Enter）")
        self.place.setObjectName("placeCard")
        self.take_off = QPushButton("カードを外す（Ctrl+D）")
        self.take_off.setObjectName("removeCard")
        card_row.addWidget(self.place)
        card_row.addWidget(self.take_off)
        card_row.addStretch(1)
        layout.addLayout(card_row)

        settings = QGroupBox("選んだカード")
        grid = QGridLayout(settings)
        self.pin = QLineEdit()
        self.pin.setObjectName("cardPin")
        self.pin.setMaxLength(4)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,4}")))
        self.pin.setMaximumWidth(120)
        self.tries = QSpinBox()
        self.tries.setObjectName("cardTries")
        self.tries.setRange(0, PIN_TRIES)
        self.tries.setSuffix("回")
        self.apply_pin = QPushButton("設定する（Ctrl+S）")
        self.apply_pin.setObjectName("applyPin")
        self.fault = QComboBox()
        self.fault.setObjectName("cardFault")
        for fault, text in FAULTS:
            self.fault.addItem(text, fault)
        grid.addWidget(QLabel("暗証番号（Ctrl+P）"), 0, 0)
        grid.addWidget(self.pin, 0, 1)
        grid.addWidget(QLabel("残り回数"), 0, 2)
        grid.addWidget(self.tries, 0, 3)
        grid.addWidget(self.apply_pin, 0, 4)
        grid.addWidget(QLabel("故障を起こす（Ctrl+E、↑↓ですぐ変わります）"), 1, 0, 1, 2)
        grid.addWidget(self.fault, 1, 2, 1, 3)
        grid.setColumnStretch(5, 1)
        layout.addWidget(settings)

        reader_row = QHBoxLayout()
        reader_row.addWidget(QLabel("模擬カードリーダー（Ctrl+R）"))
        self.reader = QComboBox()
        self.reader.setObjectName("readerState")
        for state, text in READER_STATES:
            self.reader.addItem(text, state)
        reader_row.addWidget(self.reader)
        reader_row.addStretch(1)
        layout.addLayout(reader_row)

        self.message = QLabel(WRONG_PIN_HINT)
        self.message.setObjectName("panelMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)

        bottom = QHBoxLayout()
        self.reset = QPushButton("研修をリセット（F12）") if with_reset else None
        if self.reset is not None:
            self.reset.setObjectName("resetDemo")
            bottom.addWidget(self.reset)
        bottom.addStretch(1)
        self.close_button = QPushButton("閉じる（Esc／F9）")
        bottom.addWidget(self.close_button)
        layout.addLayout(bottom)

        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)  # Enter places a card; it never presses a button
            button.setDefault(False)

        self._keys: list[str] = []
        self.search.textChanged.connect(lambda _text: self.fill())
        self.search.returnPressed.connect(self._search_entered)
        self.table.currentCellChanged.connect(lambda *_: self._show_chosen())
        self.place.clicked.connect(self.place_chosen)
        self.take_off.clicked.connect(self.take_card_off)
        self.apply_pin.clicked.connect(self.set_pin_and_tries)
        self.pin.returnPressed.connect(self.set_pin_and_tries)
        self.fault.activated.connect(lambda _index: self.provoke_fault())
        self.reader.activated.connect(lambda _index: self.set_reader())
        self.close_button.clicked.connect(self.close)
        if self.reset is not None:
            self.reset.clicked.connect(self.reset_requested.emit)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.place_chosen)
        for keys, slot in (("Ctrl+F", self._focus_search), ("Ctrl+D", self.take_card_off),
                           ("Ctrl+S", self.set_pin_and_tries), ("Ctrl+P", self._focus_pin),
                           ("Ctrl+E", self.fault.setFocus), ("Ctrl+R", self.reader.setFocus),
                           ("F9", self.close)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        if self.reset is not None:
            QShortcut(QKeySequence("F12"), self).activated.connect(self.reset_requested.emit)
        self.search.installEventFilter(self)
        self.fill()

    # --- the list -----------------------------------------------------------------------------

    def fill(self) -> None:
        """The cards the search finds, with their live state; the chosen card stays chosen."""
        chosen = self.chosen_key()
        self._keys = [card.key for card in self.panel.search(self.search.text())]
        self.table.setRowCount(len(self._keys))
        for row, key in enumerate(self._keys):
            self._show_row(row, self.panel.state(key))
        if self._keys:
            row = self._keys.index(chosen) if chosen in self._keys else 0
            self.table.selectRow(row)
        self._show_chosen()

    def refresh(self) -> None:
        """Read every listed card again: a read spends or restores tries, a fault may lock."""
        for row, key in enumerate(self._keys):
            self._show_row(row, self.panel.state(key))
        self._show_chosen()
        self.reader.setCurrentIndex(self.reader.findData(self.panel.reader_state))

    def _show_row(self, row: int, state: CardState) -> None:
        tries = "ロック" if state.tries_left == 0 else f"{state.tries_left}回"
        for column, text in enumerate((state.label, state.pin, tries, state_text(state))):
            item = QTableWidgetItem(text)
            if column in (1, 2):
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(row, column, item)

    def chosen_key(self) -> str | None:
        row = self.table.currentRow()
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def _show_chosen(self) -> None:
        key = self.chosen_key()
        for widget in (self.place, self.pin, self.tries, self.apply_pin, self.fault):
            widget.setEnabled(key is not None)
        if key is None:
            return
        state = self.panel.state(key)
        if not self.pin.hasFocus():
            self.pin.setText(state.pin)
        if not self.tries.hasFocus():
            self.tries.setValue(state.tries_left)
        # A lock is the tries spent, not a fault the card keeps: shown as the choice made.
        fault = state.fault or (LOCKED if state.tries_left == 0 else None)
        self.fault.setCurrentIndex(max(0, self.fault.findData(fault)))

    # --- actions ------------------------------------------------------------------------------

    def _search_entered(self) -> None:
        if len(self._keys) == 1:
            self._place(self._keys[0])
        elif self._keys:
            self.table.setFocus()
            self.message.setText("カードが1枚に絞れていません。↑↓でカードを選び、Enterで置いてください。")
        else:
            self.message.setText("該当するカードがありません。検索の文字を変えてください。")

    def place_chosen(self) -> None:
        key = self.chosen_key()
        if key is None:
            self.message.setText("置くカードを↑↓で選んでください。")
            return
        self._place(key)

    def _place(self, key: str) -> None:
        try:
            state = self.panel.place(key)
        except PanelError as exc:
            self.message.setText(exc.message_ja)
            return
        log.info("demo card %s placed on the simulated reader", key)
        self.message.setText(f"「{state.label}」を読み取り機に置きました。")
        self.refresh()

    def take_card_off(self) -> None:
        self.panel.take_off()
        self.message.setText("読み取り機からカードを外しました。")
        self.refresh()

    def set_pin_and_tries(self) -> None:
        key = self.chosen_key()
        if key is None:
            return
        pin = self.pin.text()
        if len(pin) != 4:
            self.message.setText("暗証番号は数字4桁で入力してください。")
            self.pin.setFocus()
            return
        self.panel.set_pin(key, pin)
        state = self.panel.set_tries(key, self.tries.value())
        log.info("demo card %s: PIN and tries set", key)
        self.message.setText(f"「{state.label}」の暗証番号と残り回数を設定しました。")
        self.refresh()
        self.table.setFocus()

    def provoke_fault(self) -> None:
        key = self.chosen_key()
        if key is None:
            return
        fault = self.fault.currentData()
        state = self.panel.provoke(key, fault)
        log.info("demo card %s: fault %s", key, fault)
        self.message.setText(f"「{state.label}」：{self.fault.currentText()}にしました。"
                             "次の読み取りから起こります。")
        self.refresh()

    def set_reader(self) -> None:
        state = self.reader.currentData()
        self.panel.set_reader(state)
        log.info("demo reader state: %s", state)
        self.message.setText(f"模擬カードリーダー：{self.reader.currentText()}")

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_pin(self) -> None:
        self.pin.setFocus()
        self.pin.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """↓ in the search goes down into the list, as in a search box of any program."""
        if (watched is self.search and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Down
                and self._keys):
            self.table.setFocus()
            return True
        return False

    def open_panel(self) -> None:
        """F9: show the panel with the search ready (or close it when it is open)."""
        if self.isVisible():
            self.close()
            return
        self.refresh()
        self.show()
        self.raise_()
        self.activateWindow()
        self._focus_search()
