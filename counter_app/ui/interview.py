"""The interview: only the questions the determination still needs, changing as answers come in.

Each question is a row answered with the number keys (1 はい, 2 いいえ, or the numbered choices);
a sensitive question is asked of the household, with the members it could concern to tick.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import Step
from counter_app.reception import Prompt, PromptKind
from counter_app.ui.controller import CounterController
from counter_app.ui.views.common import page_layout

BOOL_CHOICES = [(True, "はい"), (False, "いいえ")]


def choices_for(prompt: Prompt, names: list[str] | None = None) -> list[tuple[object, str]]:
    if prompt.kind is PromptKind.WHICH_ONE:
        return [(i, (names or [])[i] if names else str(i)) for i in prompt.members]
    return list(prompt.choices())


def split(prompt: Prompt) -> list[Prompt]:
    """One row per member for a question about several of them (each answered in turn)."""
    if prompt.kind is not PromptKind.EACH_MEMBER or len(prompt.members) < 2:
        return [prompt]
    return [Prompt(prompt.fact, prompt.kind, text, prompt.spec, (i,), (text,))
            for i, text in zip(prompt.members, prompt.member_texts, strict=True)]


class PromptRow(QFrame):
    """One question. Digits answer it; for a household question they tick members, Enter sends."""

    answered = Signal(object)  # the answer, or the set of members ticked

    def __init__(self, prompt: Prompt, member_names: list[str]) -> None:
        super().__init__()
        self.prompt = prompt
        self.setObjectName("promptRow")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        question = QLabel(prompt.member_texts[0] if prompt.member_texts else prompt.text_ja)
        question.setObjectName("promptText")
        question.setWordWrap(True)
        layout.addWidget(question)
        row = QHBoxLayout()
        self.household = prompt.kind is PromptKind.WHO
        self.buttons: list[QPushButton] = []
        self.boxes: list[QCheckBox] = []
        if self.household:
            for n, index in enumerate(prompt.members, start=1):
                box = QCheckBox(f"{n}  {member_names[index]}")
                box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                self.boxes.append(box)
                row.addWidget(box)
            send = QPushButton("決定（Enter）")
            send.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            send.clicked.connect(self._send_household)
            row.addWidget(send)
            hint = "番号で該当する方を選び、Enter（いなければそのままEnter）"
        else:
            for n, (_value, label) in enumerate(choices_for(prompt, member_names), start=1):
                button = QPushButton(f"{n}  {label}")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                button.clicked.connect(lambda _=False, n=n - 1: self._choose(n))
                self.buttons.append(button)
                row.addWidget(button)
            hint = "番号キーで回答"
        row.addStretch(1)
        self.hint = QLabel(hint)
        self.hint.setObjectName("promptHint")
        self.hint.setVisible(False)
        row.addWidget(self.hint)
        layout.addLayout(row)

    def _choose(self, position: int) -> None:
        self.answered.emit(choices_for(self.prompt, ["" for _ in range(99)])[position][0])

    def _send_household(self) -> None:
        members = zip(self.prompt.members, self.boxes, strict=True)
        self.answered.emit({index for index, box in members if box.isChecked()})

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            n = key - Qt.Key.Key_1
            if self.household and n < len(self.boxes):
                self.boxes[n].toggle()
                return
            if not self.household and n < len(self.buttons):
                self.buttons[n].click()
                return
        if self.household and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._send_household()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.hint.setVisible(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.hint.setVisible(False)
        super().focusOutEvent(event)


class InterviewPage(QWidget):
    next_requested = Signal()
    back_requested = Signal()

    def __init__(self, controller: CounterController) -> None:
        super().__init__()
        self.controller = controller
        layout = page_layout(self, "interview", "聞き取り")
        self.summary = QLabel()
        self.summary.setObjectName("interviewSummary")
        layout.addWidget(self.summary)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self.scroll, 1)
        footer = QHBoxLayout()
        self.back = QPushButton("戻る：受付")
        self.message = QLabel()
        self.message.setStyleSheet("color: #c92a2a;")
        self.next_step = QPushButton("次へ：手続一覧（Ctrl+Enter）")
        self.next_step.setObjectName("nextStep")
        footer.addWidget(self.back)
        footer.addWidget(self.message, 1)
        footer.addWidget(self.next_step)
        layout.addLayout(footer)
        self.rows: list[PromptRow] = []

        self.back.clicked.connect(self.back_requested)  # signal to signal: no Python emit
        self.next_step.clicked.connect(self.go_next)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.go_next)
        controller.session_replaced.connect(self.schedule_refresh)
        controller.case_changed.connect(self.schedule_refresh)
        self._refresh_pending = False
        self.refresh()

    def schedule_refresh(self) -> None:
        # Not at once: the change may come from a question row's own click or key handler,
        # and rebuilding the list then would delete the row while it is still running.
        if not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self.refresh)

    def refresh(self) -> None:
        self._refresh_pending = False
        session = self.controller.session
        prompts = session.prompts()
        names = [m.name.replace("\u3000", " ") for m in session.case.members]
        container = QWidget()
        rows_layout = QVBoxLayout(container)
        rows_layout.setSpacing(10)
        self.rows = []
        for prompt in [part for p in prompts for part in split(p)]:
            row = PromptRow(prompt, names)
            row.answered.connect(lambda value, r=row: self._answer(r.prompt, value))
            rows_layout.addWidget(row)
            self.rows.append(row)
        rows_layout.addStretch(1)
        self.scroll.setWidget(container)  # the previous list is deleted with its container
        if prompts:
            self.summary.setText(f"残りの質問：{len(prompts)}問（カードや生年月日から分かることは聞きません）")
        else:
            self.summary.setText("聞き取りは完了しました。手続一覧へ進んでください。")
        self.next_step.setEnabled(not prompts)
        if self.isVisible():
            self.focus_first()

    def focus_first(self) -> None:
        if self.rows:
            self.rows[0].setFocus()
        else:
            self.next_step.setFocus()

    def _answer(self, prompt: Prompt, value: object) -> None:
        if prompt.kind is PromptKind.WHO:
            self.controller.apply(lambda s: s.answer_who(prompt, value))  # type: ignore[arg-type]
        elif prompt.kind is PromptKind.WHICH_ONE:
            self.controller.apply(lambda s: s.answer_which_one(prompt, value))  # type: ignore[arg-type]
        else:
            key = prompt.keys()[0]
            self.controller.apply(lambda s: s.answer(key, value))

    def go_next(self) -> None:
        if self.controller.session.open_keys():
            self.message.setText("まだ回答していない質問があります")
            return
        self.message.setText("")
        if self.controller.apply(lambda s: s.go_to(Step.CHECKLIST)):
            self.next_requested.emit()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.focus_first()
