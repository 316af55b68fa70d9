"""Who the life event is about, chosen among the household by number keys.

おくやみ: the deceased is one member (a number key), or the deceased's own card read with
照合番号B (B), or typed by hand (F3). 婚姻・離婚: the two spouses (two number keys; a key again
takes a choice back), and for a divorce whether a court decided it (C).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import EventKind, Member
from counter_app.domain.era import default_era_table
from counter_app.domain.text import display_name

MAX_LISTED = 9  # one number key each

# What the dialog was closed with (besides the members chosen).
BY_CODE_B, BY_HAND = "code_b", "typed"


def member_line(number: int, member: Member) -> str:
    born = default_era_table().display(member.birth_date)
    relation = f"・{member.relationship}" if member.relationship else ""
    return f"{number}　{display_name(member.name)}（{born}生{relation}）"


class PeopleDialog(QDialog):
    """`kind` DEATH: one member or another way; MARRIAGE/DIVORCE: two members."""

    def __init__(self, kind: EventKind, members: list[Member], chosen: tuple[int, ...] = (),
                 court: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.needed = 1 if kind is EventKind.DEATH else 2
        self.listed = min(len(members), MAX_LISTED)
        self.chosen: list[int] = [i for i in chosen if i < self.listed]
        self.way = ""  # BY_CODE_B or BY_HAND when the deceased is not a member listed
        self.setWindowTitle("亡くなった方" if kind is EventKind.DEATH else f"{kind.label}のお二人")
        self.setMinimumWidth(760)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        if kind is EventKind.DEATH:
            text = ("亡くなった方を番号で選んでください。世帯員にいなければ、亡くなった方の"
                    "カードを照合番号Bで読むか（B）、券面を見て手入力してください（F3）。")
        else:
            text = (f"{kind.label}のお二人を番号で選んでください（もう一度押すと外れます）。"
                    "お二人がそろったら Enter で決定します。")
        prompt = QLabel(text)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)

        self.list = QListWidget()
        self.list.setObjectName("eventPeople")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the dialog takes the keys
        for number, member in enumerate(members[:MAX_LISTED], start=1):
            self.list.addItem(QListWidgetItem(member_line(number, member)))
        if not members:
            self.list.addItem(QListWidgetItem("（世帯員はまだ登録されていません）"))
        self.list.setMinimumHeight(min(9, max(len(members), 1)) * 40 + 12)
        layout.addWidget(self.list)

        self.court = QCheckBox("裁判・調停による離婚（C）")
        self.court.setObjectName("divorceCourt")
        self.court.setChecked(court)
        self.court.setVisible(kind is EventKind.DIVORCE)
        layout.addWidget(self.court)

        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)

        buttons = QHBoxLayout()
        self.code_b = QPushButton("カードを照合番号Bで読む（B）")
        self.code_b.setObjectName("byCodeB")
        self.by_hand = QPushButton("手入力（F3）")
        self.by_hand.setObjectName("byHand")
        self.ok = QPushButton("決定（Enter）")
        self.ok.setObjectName("ok")
        cancel = QPushButton("取消（Esc）")
        for button in (self.code_b, self.by_hand):
            button.setVisible(kind is EventKind.DEATH)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        for button in (self.code_b, self.by_hand, self.ok, cancel):
            button.setAutoDefault(False)
        layout.addLayout(buttons)
        self.code_b.clicked.connect(lambda: self._finish_by(BY_CODE_B))
        self.by_hand.clicked.connect(lambda: self._finish_by(BY_HAND))
        self.ok.clicked.connect(self.accept)
        cancel.clicked.connect(self.reject)
        self._show_chosen()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self._toggle(key - Qt.Key.Key_1)
        elif key == Qt.Key.Key_B and self.kind is EventKind.DEATH:
            self._finish_by(BY_CODE_B)
        elif key == Qt.Key.Key_F3 and self.kind is EventKind.DEATH:
            self._finish_by(BY_HAND)
        elif key == Qt.Key.Key_C and self.kind is EventKind.DIVORCE:
            self.court.toggle()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.accept()
        else:
            super().keyPressEvent(event)

    def _toggle(self, index: int) -> None:
        if index >= self.listed:
            return
        if index in self.chosen:
            self.chosen.remove(index)
        else:
            self.chosen.append(index)
            if len(self.chosen) > self.needed:
                self.chosen.pop(0)  # the newest choice wins
        self._show_chosen()
        if self.needed == 1:
            self.accept()  # one key chooses the deceased

    def _show_chosen(self) -> None:
        for row in range(self.listed):
            item = self.list.item(row)
            item.setSelected(row in self.chosen)
            item.setCheckState(Qt.CheckState.Checked if row in self.chosen
                               else Qt.CheckState.Unchecked)
        self.ok.setEnabled(len(self.chosen) == self.needed)

    def _finish_by(self, way: str) -> None:
        self.way = way
        self.chosen = []
        super().accept()

    def accept(self) -> None:
        if len(self.chosen) != self.needed:
            if self.listed < self.needed:
                self.error.setText("先にお二人を世帯員に登録してください（取消してから、"
                                   "カード F2・手入力 F3）")
            else:
                self.error.setText("亡くなった方を番号で選んでください" if self.needed == 1
                                   else "お二人を番号で選んでください")
            return
        super().accept()
