"""Layout of the first screen's choice of what the visit is for, and of the life event.

The kinds bar: 転入・転居・転出 (a move) and おくやみ・出生・婚姻・離婚 (a life event), one key
each, shown on the button; a move and an event may be combined. The event box: its date (typed
as 和暦 like the move date) and who it is about.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from counter_app.domain import EventKind, MoveKind

MOVE_KEYS = {MoveKind.MOVE_IN: "Alt+1", MoveKind.MOVE_WITHIN: "Alt+2", MoveKind.MOVE_OUT: "Alt+3"}
EVENT_KEYS = {EventKind.DEATH: "Alt+4", EventKind.BIRTH: "Alt+5", EventKind.MARRIAGE: "Alt+6",
              EventKind.DIVORCE: "Alt+7"}
CLEAR_EVENT_KEY = "Alt+0"
DATE_LABELS = {EventKind.DEATH: "死亡日", EventKind.BIRTH: "出生日",
               EventKind.MARRIAGE: "婚姻の届出日", EventKind.DIVORCE: "離婚の日"}
CHANGE_LABELS = {EventKind.DEATH: "亡くなった方", EventKind.BIRTH: "新生児を追加",
                 EventKind.MARRIAGE: "お二人", EventKind.DIVORCE: "お二人"}
SELECTED_STYLE = ("QPushButton:checked { background: #1864ab; color: white;"
                  " font-weight: bold; }")


class KindsBar(QWidget):
    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("受付の種類"))
        self.moves: dict[MoveKind, QPushButton] = {}
        self.events: dict[EventKind, QPushButton] = {}
        for kind, key in MOVE_KEYS.items():
            self.moves[kind] = self._button(row, f"{kind.label}\n{key}", f"kind_{kind.value}")
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        row.addWidget(line)
        for event, key in EVENT_KEYS.items():
            self.events[event] = self._button(row, f"{event.label}\n{key}",
                                              f"kind_{event.value}")
        row.addStretch(1)

    @staticmethod
    def _button(row: QHBoxLayout, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setCheckable(True)
        button.setStyleSheet(SELECTED_STYLE)
        button.setMinimumWidth(96)  # the key under the word: seven fit 1366 px beside the menu
        # Chosen by its key or a click; Tab walks the fields, not the seven kinds.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        row.addWidget(button)
        return button


class EventView(QGroupBox):
    def __init__(self) -> None:
        super().__init__("届出の事由")
        self.setObjectName("eventBox")
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        self.date_label = QLabel("日付")
        self.date = QLineEdit()
        self.date.setObjectName("eventDate")
        self.date.setPlaceholderText("月日4桁 1117 ／ 和暦 5081117")
        self.date.setMaximumWidth(330)
        self.date_era = QLabel()
        self.date_era.setObjectName("eventDateEra")
        self.people = QLabel()
        self.people.setObjectName("eventPeopleText")
        self.people.setWordWrap(True)
        self.change = QPushButton()
        self.change.setObjectName("eventChange")
        self.remove = QPushButton(f"届出の事由を外す（{CLEAR_EVENT_KEY}）")
        self.remove.setObjectName("eventRemove")
        self.error = QLabel()
        self.error.setObjectName("eventError")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        # おくやみ only: the day the family learned of the death, when later (deadlines such
        # as the 死亡届's count from it).
        self.known_label = QLabel("死亡を知った日")
        self.known = QLineEdit()
        self.known.setObjectName("eventKnownDate")
        self.known.setPlaceholderText("死亡日と同じなら空欄")
        self.known.setMaximumWidth(330)
        self.known_era = QLabel()
        grid.addWidget(self.date_label, 0, 0)
        grid.addWidget(self.date, 0, 1)
        grid.addWidget(self.date_era, 0, 2)
        grid.addWidget(self.change, 0, 4)
        grid.addWidget(self.remove, 0, 5)
        QWidget.setTabOrder(self.date, self.known)  # Tab from 死亡日
        grid.addWidget(self.known_label, 1, 0)
        grid.addWidget(self.known, 1, 1)
        grid.addWidget(self.known_era, 1, 2)
        grid.addWidget(self.people, 2, 0, 1, 6)
        grid.addWidget(self.error, 3, 0, 1, 6)
        grid.setColumnStretch(3, 1)
