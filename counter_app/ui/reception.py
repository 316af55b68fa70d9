"""The reception page: the move, and the household's members from cards or typed by hand."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTableWidgetItem

from card_reader.basic_four import SEX_CODES, SEX_LABELS_JA
from card_reader.monitor import INSERTED, REMOVED, PresenceEvent
from card_reader.sources import CardSource, VirtualCardSource
from counter_app.address import PostalCodeError, town_for_postal_code
from counter_app.demo import DemoResident
from counter_app.domain import Member, MemberSource, MoveKind, Step
from counter_app.domain.dates import DateInputError
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import RELATIONSHIPS
from counter_app.ui.card_reading import CardReadFlow
from counter_app.ui.controller import CounterController
from counter_app.ui.member_dialog import MemberDialog
from counter_app.ui.tasks import run_task
from counter_app.ui.views.reception_view import ReceptionView

log = logging.getLogger(__name__)

SOURCE_LABELS = {MemberSource.CARD: "カード", MemberSource.MANUAL: "手入力"}
PREVIOUS_LABELS = {MoveKind.MOVE_IN: "前住所", MoveKind.MOVE_WITHIN: "前住所（市内）",
                   MoveKind.MOVE_OUT: "現住所"}
NEW_LABEL_HINT = {MoveKind.MOVE_OUT: "転出先の住所"}
_SEX_BY_VALUE = {value: SEX_LABELS_JA[code] for code, value in SEX_CODES.items()}


def sex_label(sex: str) -> str:
    return _SEX_BY_VALUE.get(sex) or SEX_LABELS_JA.get(sex, f"コード {sex}")


class ReceptionPage(ReceptionView):
    next_requested = Signal()  # go on to the interview

    def __init__(self, controller: CounterController, source: CardSource,
                 demo_residents: list[DemoResident] | None = None) -> None:
        super().__init__(with_demo_reader=demo_residents is not None)
        self.controller = controller
        self.card_flow = CardReadFlow(source, self)
        self.card_flow.hint.connect(self.hint.setText)
        self.card_flow.busy_changed.connect(lambda busy: self.read_card.setEnabled(not busy))
        self.card_flow.member_read.connect(self.add_member)
        self.member_dialog: MemberDialog | None = None

        for kind in MoveKind:
            self.move.kind.addItem(kind.label, kind.value)
        self.relationship.addItem("（未選択）", "")
        for relationship in RELATIONSHIPS:
            self.relationship.addItem(relationship, relationship)

        self.move.kind.activated.connect(lambda _: self._apply_move())
        self.move.date.editingFinished.connect(self._apply_move)
        self.move.previous_address.editingFinished.connect(self._apply_move)
        self.move.new_address.editingFinished.connect(self._apply_move)
        self.move.postal_code.returnPressed.connect(self._look_up_postal_code)
        self.move.date.returnPressed.connect(self.move.previous_address.setFocus)
        self.move.previous_address.returnPressed.connect(self.move.postal_code.setFocus)
        self.move.new_address.returnPressed.connect(self.members.setFocus)

        self.read_card.clicked.connect(lambda: self.card_flow.start())
        self.add_manual.clicked.connect(self.open_member_dialog)
        self.remove_member.clicked.connect(self.remove_selected)
        self.move_up.clicked.connect(lambda: self.move_selected(-1))
        self.move_down.clicked.connect(lambda: self.move_selected(1))
        self.relationship.activated.connect(lambda _: self._apply_relationship())
        self.members.currentCellChanged.connect(lambda *_: self._show_relationship())
        self.next_step.clicked.connect(self.go_next)
        shortcuts = (
            (QKeySequence(Qt.Key.Key_F2), self, lambda: self.card_flow.start()),
            (QKeySequence(Qt.Key.Key_F3), self, self.open_member_dialog),
            (QKeySequence(Qt.Key.Key_F4), self, self._focus_relationship),
            (QKeySequence("Ctrl+Return"), self, self.go_next),
            (QKeySequence("Ctrl+Enter"), self, self.go_next),
            (QKeySequence(Qt.Key.Key_Delete), self.members, self.remove_selected),
            (QKeySequence("Ctrl+Up"), self.members, lambda: self.move_selected(-1)),
            (QKeySequence("Ctrl+Down"), self.members, lambda: self.move_selected(1)),
        )
        for keys, parent, slot in shortcuts:
            shortcut = QShortcut(keys, parent)
            if parent is not self:
                # Only while the household table has focus: Delete in an address field
                # must delete a character, not a member.
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

        self._demo_source = source if isinstance(source, VirtualCardSource) else None
        self._demo_residents = demo_residents or []
        if self.demo_reader is not None:
            for resident in self._demo_residents:
                self.demo_reader.residents.addItem(resident.label)
            self.demo_reader.residents.currentIndexChanged.connect(self._show_demo_note)
            self.demo_reader.place.clicked.connect(self.place_demo_card)
            self.demo_reader.take_off.clicked.connect(self.remove_demo_card)
            self._show_demo_note(0)

        controller.session_replaced.connect(lambda: self.refresh(replaced=True))
        controller.case_changed.connect(self.refresh)
        controller.refused.connect(self.message.setText)
        self.refresh()

    @property
    def household(self) -> list[Member]:
        return self.controller.session.case.members

    # --- drawing from the session ------------------------------------------------------------

    def refresh(self, replaced: bool = False) -> None:
        """Draw the session. A field being typed in keeps its text, unless the whole case was
        replaced (Ctrl+N, resume): then nothing of the previous case may stay on screen."""
        case = self.controller.session.case
        move = case.move
        self.move.kind.setCurrentIndex(self.move.kind.findData(move.kind.value))
        if replaced or not self.move.date.hasFocus():
            self.move.date.setText(move.date.isoformat())
        self.move.date_era.setText(default_era_table().format(move.date))
        self.move.previous_label.setText(PREVIOUS_LABELS[move.kind])
        for field, text in ((self.move.previous_address, move.previous_address),
                            (self.move.new_address, move.new_address)):
            if replaced or not field.hasFocus():
                field.setText(text)
        if replaced:
            self.move.postal_code.clear()
            self.move.error.setText("")
            self.message.setText("")
        row = self.members.currentRow()
        self.members.setRowCount(len(case.members))
        for r, member in enumerate(case.members):
            cells = [member.relationship or "（未選択）", member.name,
                     member.birth_date.isoformat(), sex_label(member.sex), member.address,
                     SOURCE_LABELS[member.source]]
            for column, text in enumerate(cells):
                self.members.setItem(r, column, QTableWidgetItem(text))
        if case.members:
            self.members.selectRow(min(max(row, 0), len(case.members) - 1))
        self._show_relationship()

    # --- the move ----------------------------------------------------------------------------

    def _apply_move(self) -> None:
        try:
            date = default_era_table().parse_typed(self.move.date.text())
        except DateInputError as exc:
            self.move.error.setText(f"異動日: {exc}")
            return
        self.move.error.setText("")
        kind = MoveKind(self.move.kind.currentData())
        previous = self.move.previous_address.text()
        new = self.move.new_address.text()
        move = self.controller.session.case.move
        if (kind, date, previous.strip(), new.strip()) == (
                move.kind, move.date, move.previous_address, move.new_address):
            return
        self.controller.apply(lambda s: s.set_move(kind, date, previous, new))

    def commit_edits(self) -> None:
        """Save what is typed in the move fields to the current case (before leaving it)."""
        self._apply_move()

    def _look_up_postal_code(self) -> None:
        # On a worker: the first look-up loads Japan Post's data (80 MB) from disk.
        code = self.move.postal_code.text()
        run_task(lambda: town_for_postal_code(code), self._show_town)

    def _show_town(self, town: str | None, error: BaseException | None) -> None:
        if isinstance(error, PostalCodeError):
            self.move.error.setText(str(error))
            return
        if error is not None:
            log.error("postal code look-up failed: %s", type(error).__name__)
            self.move.error.setText("郵便番号を調べられませんでした。住所を入力してください")
            return
        self.move.error.setText("")
        self.move.new_address.setText(town)
        self.move.new_address.setFocus()
        self.move.new_address.end(False)  # staff type the block number straight after

    # --- card presence -----------------------------------------------------------------------

    def on_presence(self, event: PresenceEvent) -> None:
        """A card placed on the reader starts a read, as staff expect; removal clears the hint."""
        if event.kind == INSERTED and self.isVisible():
            self.card_flow.start(event.reader)
        elif event.kind == REMOVED and not self.card_flow.busy:
            self.hint.setText("")

    # --- members -----------------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        if self.controller.apply(lambda s: s.add_member(member)):
            self.members.selectRow(len(self.household) - 1)
            log.info("member added (%s), household of %d", member.source.value,
                     len(self.household))

    def remove_selected(self) -> None:
        row = self.members.currentRow()
        if 0 <= row < len(self.household):
            self.controller.apply(lambda s: s.remove_member(row))

    def move_selected(self, offset: int) -> None:
        row = self.members.currentRow()
        if 0 <= row < len(self.household) and 0 <= row + offset < len(self.household):
            self.controller.apply(lambda s: s.move_member(row, offset))
            self.members.selectRow(row + offset)

    def _show_relationship(self) -> None:
        row = self.members.currentRow()
        self.relationship.setEnabled(0 <= row < len(self.household))
        if 0 <= row < len(self.household):
            self.relationship.setCurrentIndex(
                max(0, self.relationship.findData(self.household[row].relationship)))

    def _focus_relationship(self) -> None:
        # Arrow keys then change it; Enter or Tab goes back to the household.
        if self.relationship.isEnabled():
            self.relationship.setFocus()

    def _apply_relationship(self) -> None:
        row = self.members.currentRow()
        value = self.relationship.currentData()
        if 0 <= row < len(self.household) and value != self.household[row].relationship:
            self.controller.apply(lambda s: s.set_relationship(row, value))
            self.members.setFocus()

    def open_member_dialog(self) -> None:
        dialog = MemberDialog(self)
        dialog.accepted.connect(lambda: self.add_member(dialog.member))
        dialog.finished.connect(dialog.deleteLater)
        self.member_dialog = dialog
        dialog.open()

    # --- moving on ---------------------------------------------------------------------------

    def go_next(self) -> None:
        self._apply_move()
        if self.move.error.text():
            self.move.date.setFocus()
            return
        self.message.setText("")
        if self.controller.apply(lambda s: s.go_to(Step.INTERVIEW)):  # refusals shown by signal
            self.next_requested.emit()

    # --- demo reader -------------------------------------------------------------------------

    def _show_demo_note(self, index: int) -> None:
        if self.demo_reader is not None and 0 <= index < len(self._demo_residents):
            self.demo_reader.note.setText(self._demo_residents[index].note)

    def place_demo_card(self) -> None:
        if self._demo_source is None or self.demo_reader is None:
            return
        resident = self._demo_residents[self.demo_reader.residents.currentIndex()]
        self._demo_source.place(resident.new_card())
        self.on_presence(PresenceEvent(INSERTED, self._demo_source.label))

    def remove_demo_card(self) -> None:
        if self._demo_source is not None:
            self._demo_source.remove()
            self.on_presence(PresenceEvent(REMOVED, self._demo_source.label))
