"""Layout of the interview page: one framed row per question, answered rows greyed above the
open ones, and the widgets a row is made of. Behaviour lives in `counter_app.ui.interview`."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.ui.views.common import page_layout

# Only colours and frames of the page's own parts: the focus ring is the application's.
STYLE = """
QFrame#promptRow[answered="true"] QLabel, QFrame#promptRow[answered="true"] QCheckBox {
    color: #5c636a; }
QLabel#promptAnswer { font-size: 15pt; font-weight: bold; }
QLabel#promptHint { color: #1d3f5e; }
QLabel#memberSlot { border: 1px solid #adb5bd; border-radius: 4px; padding: 3px 8px; }
QLabel#memberSlot[current="true"] { border: 2px solid #1c7ed6; background: #d0ebff;
                                    color: #0b2e4f; font-weight: bold; }
QPushButton:checked { background: #1c7ed6; color: white; font-weight: bold; }
QLabel#interviewMessage { color: #c92a2a; }
QLabel#interviewSummary { font-size: 16pt; }
"""


class FlowLayout(QLayout):
    """Items left to right, wrapping onto further lines as the width requires: a question's
    choices or members never need a sideways scrollbar."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 8) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize(0, 0)
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the items out in `rect` (or only measure); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no place
                continue
            hint = item.sizeHint()
            width = min(hint.width(), max(area.width(), 1))
            if x > area.x() and x + width > area.x() + area.width():
                x, y, line_height = area.x(), y + line_height + self._gap, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self._gap
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()


def wrapping_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


class QuestionFrame(QFrame):
    """One row of the interview: the question, its answer, the members it is about, the numbered
    choices and a key hint. An answered row shows only question and answer until it has focus."""

    def __init__(self, row_id: str, title: str) -> None:
        super().__init__()
        self.row_id = row_id
        self.setObjectName("promptRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.key_handler: Callable[[QuestionFrame, QKeyEvent], bool] | None = None
        self.focus_handler: Callable[[QuestionFrame], None] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(6)
        self.title = wrapping_label(title, "promptText")
        self.answer = wrapping_label(name="promptAnswer")
        self.lines = QVBoxLayout()  # one line per member (フリガナ)
        self.lines.setSpacing(2)
        self.slots = FlowLayout()  # members with their answer, or members to tick
        self.choices = FlowLayout()
        self.hint = wrapping_label(name="promptHint")
        layout.addWidget(self.title)
        layout.addWidget(self.answer)
        layout.addLayout(self.lines)
        layout.addLayout(self.slots)
        layout.addLayout(self.choices)
        layout.addWidget(self.hint)
        self.hint.setVisible(False)  # the keys of the row with focus only
        self.answered = False  # greyed, details hidden until focused
        self.waiting = False  # still to be answered: the first such row gets focus
        self.choice_buttons: list[QPushButton] = []
        self.tick_boxes: list[QCheckBox] = []
        self.member_slots: dict[int, QLabel] = {}  # member index → its answer slot
        self._details: list[QWidget] = []  # shown while open or focused
        self._keys_hint = ""
        self._marked: int | None = None
        self._slot_texts: dict[int, str] = {}

    def set_answered(self, answered: bool) -> None:
        self.answered = answered
        self.setProperty("answered", "true" if answered else "false")
        self._show_details(not answered or self.hasFocus())

    def add_choice(self, number: int, label: str, checked: bool = False) -> QPushButton:
        button = QPushButton(f"{number}  {label}")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setCheckable(True)
        button.setChecked(checked)
        self.choices.addWidget(button)
        self._details.append(button)
        self.choice_buttons.append(button)
        return button

    def add_tick(self, number: int, label: str, ticked: bool) -> QCheckBox:
        box = QCheckBox(f"{number}  {label}")
        box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        box.setChecked(ticked)
        self.slots.addWidget(box)
        self._details.append(box)
        self.tick_boxes.append(box)
        return box

    def add_slot(self, member: int) -> QLabel:
        """A member with their answer: always shown, it is the answer of the row."""
        slot = QLabel()
        slot.setObjectName("memberSlot")
        self.slots.addWidget(slot)
        self.member_slots[member] = slot
        return slot

    def set_slots(self, texts: dict[int, str], marked: int) -> None:
        """Each member's slot text, and the member ▶ a digit answers (marked only while the
        row has focus: one ▶ on the screen)."""
        self._slot_texts = texts
        self._marked = marked
        self._show_mark()

    def _show_mark(self) -> None:
        for member, slot in self.member_slots.items():
            current = member == self._marked and self.hasFocus()
            slot.setText(("▶ " if current else "") + self._slot_texts.get(member, ""))
            if slot.property("current") != current:
                slot.setProperty("current", current)
                slot.style().unpolish(slot)
                slot.style().polish(slot)

    def add_line(self, number: int, name: str, reading: str) -> QLabel:
        line = QLabel(f"{number}  {name}　　{reading}")
        line.setWordWrap(True)
        self.lines.addWidget(line)
        self._details.append(line)
        return line

    def add_button(self, text: str, after_slots: bool = False) -> QPushButton:
        """A command of the row (its key in its text), after the choices or the members."""
        button = QPushButton(text)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        (self.slots if after_slots else self.choices).addWidget(button)
        self._details.append(button)
        return button

    def set_hint(self, text: str) -> None:
        """The keys of this row, shown while it has focus."""
        self._keys_hint = text
        self.hint.setText(text)

    def restore_hint(self) -> None:
        self.hint.setText(self._keys_hint)

    def _show_details(self, shown: bool) -> None:
        for widget in self._details:
            widget.setVisible(shown)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.key_handler is not None and self.key_handler(self, event):
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self._show_details(True)
        self.hint.setVisible(True)
        self._show_mark()
        if self.focus_handler is not None:
            self.focus_handler(self)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.hint.setVisible(False)
        self._show_mark()
        if self.answered:
            self._show_details(False)


class InterviewView(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = page_layout(self, "interview", "聞き取り")
        self.setStyleSheet(STYLE)
        self.summary = wrapping_label(name="interviewSummary")
        layout.addWidget(self.summary)
        self.set_aside = QFrame()
        self.set_aside.setObjectName("pageNotice")
        notice = QVBoxLayout(self.set_aside)
        self.set_aside_text = wrapping_label(name="setAsideAnswers")
        notice.addWidget(self.set_aside_text)
        self.set_aside.setVisible(False)
        layout.addWidget(self.set_aside)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        footer = QHBoxLayout()
        self.back = QPushButton("戻る：受付（Ctrl+1）")
        self.back.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.message = wrapping_label(name="interviewMessage")
        self.next_step = QPushButton("次へ：手続一覧（Ctrl+Enter）")
        self.next_step.setObjectName("nextStep")
        footer.addWidget(self.back)
        footer.addWidget(self.message, 1)
        footer.addWidget(self.next_step)
        layout.addLayout(footer)
