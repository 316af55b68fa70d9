"""The interview: every question that matters, the answered ones greyed above the open ones.

Keyboard (the row with focus shows its own keys; F1 lists them all, `main_window.KEYS`): ↑/↓
move between questions, answered ones included; a digit answers, or changes an answer at once
(the determination follows); Del takes an answer back. A question about several members is one
row whose ▶ starts on 全員 while two or more are unanswered: a digit there answers them all at
once (the same for the household); →/← move ▶ to one member, whom a digit answers before ▶ moves
on to the next one not yet answered; A then a digit gives everyone not yet answered the same
answer, Enter gives them the answer just before ▶ (children their parents' insurance). A
household question (who among you…?) ticks members with digits and Enter sends; when it
concerns one member only, 1 answers はい (that member) and 2 いいえ. The top row confirms the
フリガナ the app proposes (Enter); a digit opens one member's reading to type or correct.

Rules stay in `counter_app.reception`: the page only reads `session.interview()` and runs
session operations through the controller (a refused one shows its message, nothing changes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain import Step
from counter_app.domain.kana import propose_reading
from counter_app.domain.text import display_name
from counter_app.reception import InterviewRow, PromptKind, ReceptionSession
from counter_app.reception.interview import (
    KanaLine,
    kana_lines,
    kana_to_confirm,
    set_aside_lines,
)
from counter_app.ui.controller import CounterController
from counter_app.ui.event_number import NumberDialog
from counter_app.ui.tasks import run_task
from counter_app.ui.views.common import confirm_row
from counter_app.ui.views.interview_view import InterviewView, QuestionFrame, wrapping_label

log = logging.getLogger(__name__)

KANA_ROW = "kana"
FIRST_OPEN = ""  # focus goes to the first row still waiting for an answer
SET_ASIDE_TITLE = "前の手続ルールでの回答（再度確認してください）"
ALL_SAME_HINT = "A：まだ回答のない方全員に同じ回答をします。番号を押してください（Escで取消）"
EVERYONE = -1  # ▶ on the 全員 slot of a question about several members
YES_NO = ((True, "はい"), (False, "いいえ"))

Operation = Callable[[ReceptionSession], object]


def _digit(event: QKeyEvent) -> int:
    """1–9 from the main keys or the keypad; 0 for any other key."""
    key = event.key()
    return key - Qt.Key.Key_0 if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 else 0


class KanaDialog(QDialog):
    """Type or correct one member's フリガナ; the session checks it (katakana, one space)."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget, name: str, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("フリガナの入力")
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapping_label(
            f"{name}さんのフリガナを入力してください。カタカナで、氏と名の間は空白ひとつです"
            "（ひらがなで入力してもカタカナになります）。"))
        self.edit = QLineEdit(text)
        self.edit.selectAll()
        layout.addWidget(self.edit)
        self.error = wrapping_label(name="interviewMessage")
        layout.addWidget(self.error)
        self.ok, cancel = confirm_row(layout)
        self.ok.clicked.connect(lambda: self.submitted.emit(self.edit.text()))
        cancel.clicked.connect(self.reject)


class InterviewPage(InterviewView):
    next_requested = Signal()
    back_requested = Signal()

    def __init__(self, controller: CounterController) -> None:
        super().__init__()
        self.controller = controller
        self.rows: list[QuestionFrame] = []
        self.items: dict[str, InterviewRow] = {}  # row id (the fact) → what it shows
        self.kana: list[KanaLine] = []
        self.kana_dialog: KanaDialog | None = None
        self.number_dialog: NumberDialog | None = None
        self._proposals: dict[str, str] = {}  # name → proposed reading
        self._proposing: set[str] = set()
        self._cursor: dict[str, int] = {}  # fact → the member marked ▶
        self._ticks: dict[str, set[int]] = {}  # fact → members ticked, not yet sent
        self._all_same: str | None = None  # the fact whose next digit answers everyone left
        self._place: str | None = None  # where focus goes after the next redraw
        self._refresh_pending = False
        self._last_refusal = ""

        self.back.clicked.connect(self.back_requested)  # signal to signal: no Python emit
        self.next_step.clicked.connect(self.go_next)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.go_next)
        controller.session_replaced.connect(self._session_replaced)
        controller.case_changed.connect(self.schedule_refresh)
        controller.refused.connect(self._refused)
        self.next_step.installEventFilter(self)  # ↑ from 次へ goes back into the list
        self.refresh()

    # --- drawing -------------------------------------------------------------------------------

    def schedule_refresh(self) -> None:
        # A change from another page (or a resumed case) is drawn on the next turn of the event
        # loop, once; the page's own answers are drawn at once (`_run`), so that the next key,
        # however fast, acts on what the case now holds.
        if not self._refresh_pending:
            self._refresh_pending = True
            QTimer.singleShot(0, self, self._refresh_if_pending)

    def _refresh_if_pending(self) -> None:
        if self._refresh_pending:  # not drawn meanwhile (shown, or a direct refresh)
            self.refresh()

    @property
    def redrawing(self) -> bool:
        """A redraw is queued (scripts and tests wait for it before the next key)."""
        return self._refresh_pending

    def _session_replaced(self) -> None:
        self._cursor.clear()
        self._ticks.clear()
        self._all_same = None
        self._place = FIRST_OPEN
        self.message.clear()
        self.schedule_refresh()

    def refresh(self) -> None:
        self._refresh_pending = False
        self._request_proposals()
        if not self.isVisible():
            return  # drawn when shown (showEvent): a hidden page costs no determinations
        session = self.controller.session
        names = self._names()
        focus = QApplication.focusWidget()
        focused = next((r for r in self.rows if r is focus), None)
        place = self._place if self._place is not None else (
            focused.row_id if focused is not None else FIRST_OPEN)
        index = self.rows.index(focused) if focused is not None else 0
        # Only a page just shown, or one the clerk is working in, takes the keyboard.
        take_focus = self._place == FIRST_OPEN or focus is None or self.isAncestorOf(focus)
        self._place = None

        rows = session.interview()
        done = [r for r in rows if not r.is_open]
        still_open = [r for r in rows if r.is_open]
        self.kana = kana_lines(session.case, self._proposals)
        container = QWidget()
        column = QVBoxLayout(container)
        column.setContentsMargins(0, 0, 12, 0)
        column.setSpacing(8)
        self.rows, self.items = [], {}
        if self.kana:
            self._add(column, self._kana_frame())
        for row in done + still_open:
            self.items[row.prompt.fact] = row
            self._add(column, self._question_frame(row, names))
        column.addStretch(1)
        previous = self.scroll.takeWidget()
        self.scroll.setWidget(container)
        if previous is not None:
            # Later, not now: the key or click that caused this redraw may still be running
            # in one of the previous rows.
            previous.hide()
            previous.deleteLater()

        summary = f"残り {len(still_open)} 問／回答済み {len(done)} 問"
        waiting = sum(line.waiting for line in self.kana)
        if waiting:
            summary += f"／フリガナ未確認 {waiting} 名"
        if not session.case.members:
            summary = "世帯員がまだいません。受付（Ctrl+1）でカードを読むか、手入力してください"
        elif not still_open:
            summary += "　聞き取りは終わりました。回答を確かめて Ctrl+Enter で手続一覧へ"
        self.summary.setText(summary)
        aside = set_aside_lines(session.case, self.controller.catalogue)
        self.set_aside_text.setText("\n".join([SET_ASIDE_TITLE, *("・" + a for a in aside)]))
        self.set_aside.setVisible(bool(aside))
        self.next_step.setEnabled(not still_open)
        if take_focus:
            self._focus(place, index)

    def _add(self, column: QVBoxLayout, frame: QuestionFrame) -> None:
        frame.key_handler = self._on_key
        frame.focus_handler = self._scroll_to
        column.addWidget(frame)
        self.rows.append(frame)

    def _kana_frame(self) -> QuestionFrame:
        frame = QuestionFrame(KANA_ROW, "フリガナの確認（カードにはフリガナがありません。"
                                        "読み方を住民の方に確かめてください）")
        for number, line in enumerate(self.kana, start=1):
            if line.kana:
                reading = line.kana
            elif line.proposal is None:
                reading = "候補を準備しています…"
            elif line.proposal:
                reading = f"{line.proposal}（候補）"
            else:
                reading = "—（候補なし：番号キーで入力）"
            frame.add_line(number, line.name, reading)
        frame.add_button("候補をすべて確定（Enter）").clicked.connect(self._confirm_kana)
        frame.set_hint(f"Enter：候補をすべて確定／1〜{len(self.kana)}："
                           "その方のフリガナを入力・訂正／↓：次の質問")
        frame.waiting = any(line.waiting for line in self.kana)
        complete = all(line.kana for line in self.kana)
        frame.answer.setText("／".join(line.kana for line in self.kana))
        frame.answer.setVisible(complete)
        frame.set_answered(complete)
        return frame

    def _question_frame(self, row: InterviewRow, names: list[str]) -> QuestionFrame:
        prompt = row.prompt
        frame = QuestionFrame(prompt.fact, prompt.text_ja)
        frame.waiting = row.is_open
        frame.answer.setText("回答：" + row.summary_ja(names))
        frame.answer.setVisible(not row.is_open)
        change = "番号キーで回答を変える（すぐに反映）／Del：回答を取消／Enter：次の質問へ"
        if prompt.kind is PromptKind.WHO and len(prompt.members) == 1:
            # One member concerned: still asked of the household (it is a sensitive question),
            # answered yes (that member) or no with one key.
            member = prompt.members[0]
            for number, (value, label) in enumerate(YES_NO, start=1):
                button = frame.add_choice(
                    number, f"{label}（{names[member]}）" if value else f"{label}（該当なし）",
                    not row.is_open and (row.value(member) is True) == value)
                button.clicked.connect(lambda _=False, f=frame, n=number: self._yes_no(f, n))
            frame.set_hint(f"1：はい（{names[member]}）／2：いいえ" if row.is_open else change)
        elif prompt.kind is PromptKind.WHO:
            ticked = self._ticked(row)
            for number, member in enumerate(prompt.members, start=1):
                box = frame.add_tick(number, names[member], member in ticked)
                box.clicked.connect(lambda _=False, f=frame, n=number: self._tick(f, n))
            frame.add_button("決定（Enter）", after_slots=True).clicked.connect(
                lambda _=False, f=frame: self._send_who(f))
            frame.set_hint("番号で該当する方を選び、Enter で決定（いなければそのまま Enter）"
                               if row.is_open else change)
        elif prompt.kind is PromptKind.WHICH_ONE:
            for number, member in enumerate(prompt.members, start=1):
                button = frame.add_choice(number, names[member], row.value(member) is True)
                button.clicked.connect(lambda _=False, f=frame, n=number: self._pick(f, n))
            frame.set_hint("番号で選ぶ" if row.is_open else change)
        else:
            if len(prompt.members) > 1:
                frame.answer.setVisible(False)  # each member's slot shows their answer
                frame.add_slot(EVERYONE)
                for member in prompt.members:
                    frame.add_slot(member)
            else:
                frame.set_hint("番号キーで回答" if row.is_open else change)
            for number, (_value, label) in enumerate(prompt.choices(), start=1):
                button = frame.add_choice(number, label)
                button.clicked.connect(lambda _=False, f=frame, n=number: self._choose(f, n))
            self._mark_member(frame, row, names)
        frame.set_answered(not row.is_open)
        return frame

    def _mark_member(self, frame: QuestionFrame, row: InterviewRow, names: list[str]) -> None:
        """Show which member ▶ a digit answers, and that member's answer among the choices."""
        member = self._cursor_of(row)
        labels = dict(row.prompt.choices())
        if row.prompt.spec.type == "int":  # numbers are shown as they are
            labels = {row.value(m): f"{row.value(m):,}" for m in row.prompt.members
                      if isinstance(row.value(m), int)}
        texts = {other: f"{names[other]}：{labels.get(row.value(other), '—')}"
                 for other in frame.member_slots if other != EVERYONE}
        left, everyone = len(row.unanswered()), len(row.prompt.members)
        texts[EVERYONE] = (f"全員（{everyone}名）" if left in (0, everyone)
                           else f"未回答の全員（{left}名）")
        frame.set_slots(texts, member)
        current = row.value(member) if member != EVERYONE else None
        for button, (value, _label) in zip(frame.choice_buttons, row.prompt.choices(),
                                           strict=True):
            button.setChecked(value == current and current is not None)
        if frame.member_slots:  # several members: the keys depend on ▶
            same = self._same_as_before(row)
            frame.set_hint(
                (f"Enter：未回答の方を「{labels.get(same, same)}」に／" if same is not None else "")
                + ("番号：全員に同じ回答／→：一人ずつ答える／Del：全員の回答を取消"
                   if member == EVERYONE else
                   "番号：▶の方に回答／A→番号：未回答の全員に同じ回答／←→：▶を移す"
                   "／Del：▶の回答を取消"))

    def _same_as_before(self, row: InterviewRow) -> object | None:
        """What Enter gives the members not yet answered: the answer just before ▶."""
        member = self._cursor_of(row)
        if member == EVERYONE or member not in row.unanswered():
            return None
        return row.previous_answer(member)

    def _focus(self, place: str, index: int) -> None:
        target = None
        if place == FIRST_OPEN:
            target = next((r for r in self.rows if r.waiting), None)
        else:
            target = next((r for r in self.rows if r.row_id == place), None)
            if target is None and self.rows:  # the row went away: keep the clerk's place
                target = self.rows[min(index, len(self.rows) - 1)]
        if target is not None:
            target.setFocus()
        elif self.next_step.isEnabled():
            self.next_step.setFocus()
        elif self.rows:
            self.rows[0].setFocus()

    def _scroll_to(self, frame: QuestionFrame) -> None:
        # After the layout has made room for the row's choices, which show on focus.
        QTimer.singleShot(0, frame, lambda: self.scroll.ensureWidgetVisible(frame, 0, 40))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.next_step and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Up
                and self.rows):
            self._enter(self.rows[-1])
            return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self._place = FIRST_OPEN
        self.refresh()

    # --- keys ----------------------------------------------------------------------------------

    def _on_key(self, frame: QuestionFrame, event: QKeyEvent) -> bool:
        if event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.AltModifier):
            return False  # page and window shortcuts
        key = event.key()
        # A, then a digit: any other key (Esc included) leaves the all-same answer undone.
        all_same = self._all_same == frame.row_id
        self._all_same = None
        frame.restore_hint()
        if all_same and key == Qt.Key.Key_Escape:
            return True
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._place = None  # the clerk moved: a redraw still queued keeps this place
            position = self.rows.index(frame) + (1 if key == Qt.Key.Key_Down else -1)
            if 0 <= position < len(self.rows):
                self._enter(self.rows[position])
            return True
        if frame.row_id == KANA_ROW:
            return self._kana_key(event)
        row = self.items[frame.row_id]
        kind, multi = row.prompt.kind, len(row.prompt.members) > 1
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            same = self._same_as_before(row) if multi else None
            if kind is PromptKind.WHO and row.is_open and multi:
                self._send_who(frame)
            elif same is not None:  # the rest as the one before (children as their parents)
                members = row.unanswered()
                self._run(lambda s: s.set_answers({row.key(i): same for i in members}),
                          FIRST_OPEN)
            else:
                self._focus(FIRST_OPEN, 0)
            return True
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._clear(row)
            return True
        if kind is PromptKind.EACH_MEMBER and multi:
            if key == Qt.Key.Key_A:
                self._all_same = row.prompt.fact
                frame.hint.setText(ALL_SAME_HINT)
                return True
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                self._move_cursor(frame, row, -1 if key == Qt.Key.Key_Left else 1)
                return True
        number = _digit(event)
        if not number:
            return False
        if kind is PromptKind.WHO and not multi:
            self._yes_no(frame, number)
        elif kind is PromptKind.WHO:
            self._tick(frame, number)
        elif kind is PromptKind.WHICH_ONE:
            self._pick(frame, number)
        elif all_same:
            self._answer_all(frame, number)
        else:
            self._choose(frame, number)
        return True

    def _enter(self, frame: QuestionFrame) -> None:
        """Arrive on a row: ▶ starts again at its first member not yet answered."""
        row = self.items.get(frame.row_id)
        if row is not None and frame.member_slots:
            self._cursor.pop(row.prompt.fact, None)
            self._mark_member(frame, row, self._names())
        frame.setFocus()

    def _names(self) -> list[str]:
        return [display_name(m.name) for m in self.controller.session.case.members]

    def _kana_key(self, event: QKeyEvent) -> bool:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._confirm_kana()
            return True
        number = _digit(event)
        if number:
            self._open_kana_dialog(number)
            return True
        return False

    # --- answering ------------------------------------------------------------------------------

    def _run(self, operation: Operation, place: str) -> bool:
        """Run a session operation; focus goes to `place` once the page has redrawn."""
        self._place = place
        if self.controller.apply(operation):
            self.message.clear()
            self.refresh()
            return True
        self._place = None
        return False

    def _after(self, row: InterviewRow, still_open: bool) -> str:
        """Where the clerk continues: a question being changed (or still partly open) keeps
        focus; one just answered hands it to the next open question."""
        return row.prompt.fact if still_open or not row.is_open else FIRST_OPEN

    def _choice(self, row: InterviewRow, number: int) -> object | None:
        choices = row.prompt.choices()
        if number > len(choices):
            self.message.setText(f"選べる番号は 1〜{len(choices)} です")
            return None
        return choices[number - 1][0]

    def _choose(self, frame: QuestionFrame, number: int) -> None:
        row = self.items[frame.row_id]
        if row.prompt.spec.type == "int":  # a number (出生体重): typed in a field
            self._open_number_dialog(row, number)
            return
        value = self._choice(row, number)
        if value is None:
            return
        if not row.prompt.members:
            self._run(lambda s: s.answer(row.key(), value), self._after(row, False))
            return
        member = self._cursor_of(row)
        if member == EVERYONE:
            self._answer_all(frame, number)
            return
        left = [i for i in row.unanswered() if i != member]
        self._cursor[row.prompt.fact] = self._next_member(row, member, left)
        if not self._run(lambda s: s.answer(row.key(member), value),
                         self._after(row, bool(left))):
            self._cursor[row.prompt.fact] = member  # refused: ▶ stays where it was

    def _open_number_dialog(self, row: InterviewRow, digit: int) -> None:
        """One member's number at a time (twins weigh differently): ▶ on 全員 means the first
        member not yet answered."""
        member = self._cursor_of(row) if row.prompt.members else None
        if member == EVERYONE:
            member = (row.unanswered() or list(row.prompt.members))[0]
        question = (row.prompt.member_texts[row.prompt.members.index(member)]
                    if member is not None and row.prompt.member_texts else row.prompt.text_ja)
        key = row.key(member) if member is not None else row.key()
        dialog = NumberDialog(self, question, str(digit))

        def submit(value: int) -> None:
            if self._run(lambda s: s.answer(key, value), FIRST_OPEN):
                dialog.accept()
            else:
                dialog.error.setText(self._last_refusal)  # stays open to correct it
                self.message.clear()

        dialog.submitted.connect(submit)
        dialog.finished.connect(lambda _result: (dialog.deleteLater(), self.activateWindow()))
        self.number_dialog = dialog
        dialog.open()

    def _answer_all(self, frame: QuestionFrame, number: int) -> None:
        row = self.items[frame.row_id]
        value = self._choice(row, number)
        if value is None:
            return
        members = row.unanswered() or row.prompt.members
        self._run(lambda s: s.set_answers({row.key(i): value for i in members}),
                  self._after(row, False))

    def _next_member(self, row: InterviewRow, member: int, left: list[int]) -> int:
        """The next member not yet answered after `member` (round the row), or simply the next
        one when everybody is answered (reading a row back, changing as it goes)."""
        members = row.prompt.members
        position = members.index(member)
        later = [i for i in members[position + 1:] + members[:position] if i in left]
        if later:
            return later[0]
        return members[min(position + 1, len(members) - 1)]

    def _move_cursor(self, frame: QuestionFrame, row: InterviewRow, step: int) -> None:
        places = (EVERYONE, *row.prompt.members)
        position = places.index(self._cursor_of(row)) + step
        if 0 <= position < len(places):
            self._cursor[row.prompt.fact] = places[position]
            self._mark_member(frame, row, self._names())

    def _cursor_of(self, row: InterviewRow) -> int:
        """The member ▶ marks: 全員 while two or more are unanswered (the household's answer
        is most often one for all), else the first one not yet answered."""
        members = row.prompt.members or (0,)
        cursor = self._cursor.get(row.prompt.fact)
        several = row.prompt.kind is PromptKind.EACH_MEMBER and len(members) > 1
        if cursor not in members and not (several and cursor == EVERYONE):
            left = row.unanswered()
            cursor = EVERYONE if several and len(left) > 1 else (left or members)[0]
            self._cursor[row.prompt.fact] = cursor
        return cursor

    def _ticked(self, row: InterviewRow) -> set[int]:
        if row.prompt.fact in self._ticks:
            return self._ticks[row.prompt.fact]
        return {i for i in row.prompt.members if row.value(i) is True}

    def _tick(self, frame: QuestionFrame, number: int) -> None:
        row = self.items[frame.row_id]
        members = row.prompt.members
        if number > len(members):
            self.message.setText(f"選べる番号は 1〜{len(members)} です")
            return
        ticked = self._ticked(row) ^ {members[number - 1]}
        if row.is_open:  # ticks wait for Enter
            self._ticks[row.prompt.fact] = ticked
            for box, member in zip(frame.tick_boxes, members, strict=True):
                box.setChecked(member in ticked)
            return
        self._run(lambda s: s.answer_who(row.prompt, ticked), row.prompt.fact)  # a change

    def _yes_no(self, frame: QuestionFrame, number: int) -> None:
        """A question about one member: 1 はい (they are the one), 2 いいえ."""
        row = self.items[frame.row_id]
        if number > len(YES_NO):
            self.message.setText("選べる番号は 1〜2 です")
            return
        chosen = set(row.prompt.members) if YES_NO[number - 1][0] else set()
        self._run(lambda s: s.answer_who(row.prompt, chosen),
                  self._after(row, False) if row.is_open else row.prompt.fact)

    def _send_who(self, frame: QuestionFrame) -> None:
        row = self.items[frame.row_id]
        ticked = self._ticked(row)
        if self._run(lambda s: s.answer_who(row.prompt, ticked), self._after(row, False)):
            self._ticks.pop(row.prompt.fact, None)

    def _pick(self, frame: QuestionFrame, number: int) -> None:
        row = self.items[frame.row_id]
        members = row.prompt.members
        if number > len(members):
            self.message.setText(f"選べる番号は 1〜{len(members)} です")
            return
        self._run(lambda s: s.answer_which_one(row.prompt, members[number - 1]),
                  self._after(row, False))

    def _clear(self, row: InterviewRow) -> None:
        """Take the answer back (on a question about several members, the ▶ member's)."""
        member = self._cursor_of(row)
        if (row.prompt.kind is PromptKind.EACH_MEMBER and len(row.prompt.members) > 1
                and member != EVERYONE):
            keys = [row.key(member)]
        else:
            keys = list(row.values)
        keys = [k for k in keys if k in row.values]
        if keys and self._run(lambda s: s.clear_answers(keys), row.prompt.fact):
            self._ticks.pop(row.prompt.fact, None)

    # --- フリガナ -------------------------------------------------------------------------------

    def _request_proposals(self) -> None:
        """Work out readings for the names still without フリガナ, off the GUI thread (the
        dictionary takes a moment to load the first time)."""
        wanted = sorted({m.name for m in self.controller.session.case.members if not m.kana}
                        - set(self._proposals) - self._proposing)
        if not wanted:
            return
        self._proposing.update(wanted)
        run_task(lambda: {name: propose_reading(name) for name in wanted},
                 lambda result, error: self._proposed(wanted, result, error))

    def _proposed(self, wanted: list[str], result: dict[str, str] | None,
                  error: BaseException | None) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed meanwhile
        if error is not None:
            log.warning("kana proposals failed: %s", type(error).__name__)
        self._proposing.difference_update(wanted)
        self._proposals.update(result or {name: "" for name in wanted})
        self.schedule_refresh()

    def _confirm_kana(self) -> None:
        readings = kana_to_confirm(self.kana)
        if readings:
            self._run(lambda s: s.set_kana(readings), FIRST_OPEN)
        elif any(line.proposal is None and not line.kana for line in self.kana):
            self.message.setText("フリガナの候補を準備しています。少し待ってから Enter を"
                                 "押してください")
        else:
            self._focus(FIRST_OPEN, 0)

    def _open_kana_dialog(self, number: int) -> None:
        if number > len(self.kana):
            self.message.setText(f"選べる番号は 1〜{len(self.kana)} です")
            return
        line = self.kana[number - 1]
        dialog = KanaDialog(self, line.name, line.kana or line.proposal or "")
        dialog.submitted.connect(lambda text: self._submit_kana(dialog, line.member, text))
        dialog.finished.connect(lambda _result: self._kana_dialog_closed(dialog))
        self.kana_dialog = dialog
        dialog.open()

    def _submit_kana(self, dialog: KanaDialog, member: int, text: str) -> None:
        if self._run(lambda s: s.set_kana({member: text}), KANA_ROW):
            dialog.accept()
        else:
            dialog.error.setText(self._last_refusal)  # the dialog stays open to correct it
            self.message.clear()

    def _kana_dialog_closed(self, dialog: KanaDialog) -> None:
        if self.kana_dialog is dialog:
            self.kana_dialog = None
        dialog.deleteLater()
        self.activateWindow()
        self._focus(KANA_ROW, 0)

    # --- leaving ---------------------------------------------------------------------------------

    def _refused(self, message: str) -> None:
        self._last_refusal = message
        if self.isVisible():
            self.message.setText(message)

    def go_next(self) -> None:
        left = len(self.controller.session.prompts())
        if left:
            self.message.setText(f"まだ回答していない質問が {left} 問あります。番号キーで回答して"
                                 "ください")
            self._focus(FIRST_OPEN, 0)
            return
        self.message.clear()
        if self.controller.apply(lambda s: s.go_to(Step.CHECKLIST)):
            self.next_requested.emit()
