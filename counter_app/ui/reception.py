"""The reception page: the household's members, read from cards or typed by hand."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTableWidgetItem

from card_reader.basic_four import SEX_CODES, SEX_LABELS_JA
from card_reader.monitor import INSERTED, REMOVED, PresenceEvent
from card_reader.sources import CardSource, VirtualCardSource
from counter_app.demo import DemoResident
from counter_app.domain import Member, MemberSource
from counter_app.ui.card_reading import CardReadFlow
from counter_app.ui.member_dialog import MemberDialog
from counter_app.ui.views.reception_view import ReceptionView

log = logging.getLogger(__name__)

SOURCE_LABELS = {MemberSource.CARD: "カード", MemberSource.MANUAL: "手入力"}
_SEX_BY_VALUE = {value: SEX_LABELS_JA[code] for code, value in SEX_CODES.items()}


def sex_label(sex: str) -> str:
    return _SEX_BY_VALUE.get(sex) or SEX_LABELS_JA.get(sex, f"コード {sex}")


class ReceptionPage(ReceptionView):
    members_changed = Signal()

    def __init__(self, source: CardSource, demo_residents: list[DemoResident] | None = None
                 ) -> None:
        super().__init__(with_demo_reader=demo_residents is not None)
        self.household: list[Member] = []
        self.card_flow = CardReadFlow(source, self)
        self.card_flow.hint.connect(self.hint.setText)
        self.card_flow.busy_changed.connect(lambda busy: self.read_card.setEnabled(not busy))
        self.card_flow.member_read.connect(self.add_member)
        self.member_dialog: MemberDialog | None = None

        self.read_card.clicked.connect(lambda: self.card_flow.start())
        self.add_manual.clicked.connect(self.open_member_dialog)
        self.remove_member.clicked.connect(self.remove_selected)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self).activated.connect(
            lambda: self.card_flow.start())
        QShortcut(QKeySequence(Qt.Key.Key_F3), self).activated.connect(self.open_member_dialog)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.members).activated.connect(
            self.remove_selected)

        self._demo_source = source if isinstance(source, VirtualCardSource) else None
        self._demo_residents = demo_residents or []
        if self.demo_reader is not None:
            for resident in self._demo_residents:
                self.demo_reader.residents.addItem(resident.label)
            self.demo_reader.residents.currentIndexChanged.connect(self._show_demo_note)
            self.demo_reader.place.clicked.connect(self.place_demo_card)
            self.demo_reader.take_off.clicked.connect(self.remove_demo_card)
            self._show_demo_note(0)

    # --- card presence -------------------------------------------------------------------

    def on_presence(self, event: PresenceEvent) -> None:
        """A card placed on the reader starts a read, as staff expect; removal clears the hint."""
        if event.kind == INSERTED and self.isVisible():
            self.card_flow.start(event.reader)
        elif event.kind == REMOVED and not self.card_flow.busy:
            self.hint.setText("")

    # --- members ---------------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        self.household.append(member)
        self._refresh()
        self.members.selectRow(len(self.household) - 1)
        log.info("member added (%s), household of %d", member.source.value, len(self.household))

    def remove_selected(self) -> None:
        row = self.members.currentRow()
        if 0 <= row < len(self.household):
            del self.household[row]
            self._refresh()

    def open_member_dialog(self) -> None:
        dialog = MemberDialog(self)
        dialog.accepted.connect(lambda: self.add_member(dialog.member))
        dialog.finished.connect(dialog.deleteLater)
        self.member_dialog = dialog
        dialog.open()

    def _refresh(self) -> None:
        self.members.setRowCount(len(self.household))
        for row, member in enumerate(self.household):
            cells = [member.name, member.birth_date.isoformat(), sex_label(member.sex),
                     member.address, SOURCE_LABELS[member.source]]
            for column, text in enumerate(cells):
                self.members.setItem(row, column, QTableWidgetItem(text))
        self.members_changed.emit()

    # --- demo reader -----------------------------------------------------------------------

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
