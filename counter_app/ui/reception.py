"""The reception page: the move, and the household's members from cards, typed by hand or from
the resident's pre-entry QR code, with who is who (世帯主, 届出人).

Keyboard first: a new case starts as a 転入 in 異動日; Enter walks 異動日 → 〒 → 番地 → the
household; F2 card, F3 type a member, F4 続柄, F5 〒, F6 a member's details, F7 世帯主・届出人,
Ctrl+Enter on. Alt+1–3 choose the move (転入・転居・転出; the chosen one again takes the move
away when an event remains), Alt+4–7 the life event (おくやみ・出生・婚姻・離婚: its dialog for who
it is about; again to change it or add a twin), Alt+0 takes the event away.
"""

from __future__ import annotations

import datetime as dt
import logging

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLineEdit, QTableWidgetItem

from card_reader.monitor import INSERTED, REMOVED, PresenceEvent
from card_reader.sources import CardSource, VirtualCardSource
from counter_app.address import PostalCodeError, look_up
from counter_app.demo import DemoResident
from counter_app.domain import EventKind, Member, MemberSource, MoveKind, Step, roles
from counter_app.domain.dates import DateInputError, DateKind
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import RELATIONSHIPS
from counter_app.domain.members import NAME_SEPARATOR
from counter_app.domain.text import display_name, sex_label
from counter_app.training.panel import CardPanel
from counter_app.ui.card_reading import CardReadFlow
from counter_app.ui.controller import CounterController
from counter_app.ui.event_code_b import CodeBDialog
from counter_app.ui.event_newborn import NewbornDialog
from counter_app.ui.event_people import BY_CODE_B, BY_HAND, PeopleDialog
from counter_app.ui.event_views import (
    CHANGE_LABELS,
    CLEAR_EVENT_KEY,
    DATE_LABELS,
    EVENT_KEYS,
    MOVE_KEYS,
)
from counter_app.ui.member_details import MemberDetailsDialog
from counter_app.ui.member_dialog import MemberDialog
from counter_app.ui.roles_dialog import RolesDialog
from counter_app.ui.scanner import ScanCatcher
from counter_app.ui.tasks import run_task
from counter_app.ui.views.reception_view import ReceptionView

log = logging.getLogger(__name__)

PREVIOUS_LABELS = {MoveKind.MOVE_IN: "前住所", MoveKind.MOVE_WITHIN: "前住所（市内）",
                   MoveKind.MOVE_OUT: "現住所"}
WEEKDAYS = "月火水木金土日"
NEW_LABELS = {MoveKind.MOVE_IN: "新住所", MoveKind.MOVE_WITHIN: "新住所",
              MoveKind.MOVE_OUT: "転出先"}


class SelectOnFocus(QObject):
    """A field whose whole text is replaced by what staff type next (the date shown as 和暦,
    a postal code): its text is selected whenever it gets the focus."""

    def __init__(self, *fields: QLineEdit) -> None:
        super().__init__()
        for field in fields:
            field.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            watched.selectAll()
            QTimer.singleShot(0, watched.selectAll)  # after a mouse click placed the cursor
        return False


class ReceptionPage(ReceptionView):
    next_requested = Signal()  # go on to the interview
    demo_event = Signal(object)  # a PresenceEvent of the simulated reader, after the page's

    def __init__(self, controller: CounterController, source: CardSource,
                 demo_residents: list[DemoResident] | None = None,
                 demo_titles: dict[str, str] | None = None) -> None:
        super().__init__()
        self.controller = controller
        self.card_flow = CardReadFlow(source, self)
        self.card_flow.hint.connect(self.hint.setText)
        self.card_flow.busy_changed.connect(lambda busy: self.read_card.setEnabled(not busy))
        self.card_flow.member_read.connect(self.add_member)
        self.card_flow.failed.connect(self._show_card_problem)
        self.member_dialog: MemberDialog | None = None
        self.details_dialog: MemberDetailsDialog | None = None
        self.roles_dialog: RolesDialog | None = None
        self.people_dialog: PeopleDialog | None = None
        self.code_b_dialog: CodeBDialog | None = None
        self.newborn_dialog: NewbornDialog | None = None
        self._source = source
        self.relationship.addItem("（未選択）", "")
        for relationship in RELATIONSHIPS:
            self.relationship.addItem(relationship, relationship)

        for kind, button in self.kinds.moves.items():
            button.clicked.connect(lambda _=False, k=kind: self.choose_move(k))
        for event_kind, button in self.kinds.events.items():
            button.clicked.connect(lambda _=False, k=event_kind: self.choose_event(k))
        self.event_box.change.clicked.connect(self._change_event)
        self.event_box.remove.clicked.connect(self.clear_event)
        self.event_box.date.editingFinished.connect(self._apply_event_date)
        self.event_box.date.returnPressed.connect(self._after_event_date)
        self.event_box.date.textChanged.connect(self._echo_event_date)
        self.event_box.known.editingFinished.connect(self._apply_known_date)

        move = self.move
        for field in (move.date, move.previous_address, move.previous_building,
                      move.new_address, move.new_building):
            field.editingFinished.connect(self._apply_move)
        move.date.textChanged.connect(self._echo_date)
        self._select_on_focus = SelectOnFocus(move.date, move.postal_code, self.event_box.date)
        move.postal_code.returnPressed.connect(self._look_up_postal_code)
        move.date.returnPressed.connect(self._after_date)
        move.previous_address.returnPressed.connect(move.postal_code.setFocus)
        move.previous_building.returnPressed.connect(move.postal_code.setFocus)
        move.new_address.returnPressed.connect(self.members.setFocus)
        move.new_building.returnPressed.connect(self.members.setFocus)

        self.read_card.clicked.connect(lambda: self.card_flow.start())
        self.add_manual.clicked.connect(self.open_member_dialog)
        self.details.clicked.connect(self.open_details)
        self.roles_button.clicked.connect(self.open_roles)
        self.remove_member.clicked.connect(self.remove_selected)
        self.move_up.clicked.connect(lambda: self.move_selected(-1))
        self.move_down.clicked.connect(lambda: self.move_selected(1))
        self.relationship.activated.connect(lambda _: self._apply_relationship())
        self.members.currentCellChanged.connect(lambda *_: self._show_relationship())
        self.members.cellDoubleClicked.connect(lambda *_: self.open_details())
        self.next_step.clicked.connect(self.go_next)
        shortcuts = (
            (QKeySequence(Qt.Key.Key_F2), self, lambda: self.card_flow.start()),
            (QKeySequence(Qt.Key.Key_F3), self, self.open_member_dialog),
            (QKeySequence(Qt.Key.Key_F4), self, self._focus_relationship),
            (QKeySequence(Qt.Key.Key_F5), self, self._focus_postal_code),
            (QKeySequence(Qt.Key.Key_F6), self, self.open_details),
            (QKeySequence(Qt.Key.Key_F7), self, self.open_roles),
            *((QKeySequence(key), self, lambda k=kind: self.choose_move(k))
              for kind, key in MOVE_KEYS.items()),
            *((QKeySequence(key), self, lambda k=kind: self.choose_event(k))
              for kind, key in EVENT_KEYS.items()),
            (QKeySequence(CLEAR_EVENT_KEY), self, self.clear_event),
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

        # Demo mode: the trainer's card panel (F9, counter_app/ui/training_panel.py) is the one
        # way cards reach the simulated reader; its events come here as a real reader's do.
        self._demo_source = source if isinstance(source, VirtualCardSource) else None
        self._demo_residents = demo_residents or []
        self.card_panel: CardPanel | None = None
        if self._demo_source is not None and demo_residents is not None:
            self.card_panel = CardPanel(demo_residents, self._demo_source, self._demo_event,
                                        demo_titles)

        self.scanner = ScanCatcher(self)
        self.scanner.scanned.connect(self.apply_preentry)
        self.scanner.broken.connect(lambda: self.message.setText(
            "QRコードを最後まで読み取れませんでした。もう一度読み取ってください"))

        controller.session_replaced.connect(lambda: self.refresh(replaced=True))
        controller.case_changed.connect(self.refresh)
        controller.refused.connect(self.message.setText)
        self.refresh(replaced=True)

    @property
    def household(self) -> list[Member]:
        return self.controller.session.case.members

    # --- drawing from the session ------------------------------------------------------------

    def refresh(self, replaced: bool = False) -> None:
        """Draw the session. A field being typed in keeps its text, unless the whole case was
        replaced (Ctrl+N, resume): then nothing of the previous case may stay on screen."""
        case = self.controller.session.case
        move = case.move
        era = default_era_table()
        self.move.setVisible(move is not None)
        moving_only = move is not None and case.event is None
        self.household_box.setTitle("世帯員（異動する方）" if moving_only else "世帯員")
        for kind, button in self.kinds.moves.items():
            button.setChecked(move is not None and move.kind is kind)
        self._refresh_event(replaced)
        if move is not None:
            self.move.setTitle(f"異動（{move.kind.label}）")
            if replaced or not self.move.date.hasFocus():
                self.move.date.setText(era.display(move.date))
            self._echo_date(self.move.date.text())
            self.move.previous_label.setText(PREVIOUS_LABELS[move.kind])
            self.move.new_label.setText(NEW_LABELS[move.kind])
            for field, text in ((self.move.previous_address, move.previous_address),
                                (self.move.previous_building, move.previous_building),
                                (self.move.new_address, move.new_address),
                                (self.move.new_building, move.new_building)):
                if replaced or not field.hasFocus():
                    field.setText(text)
            if replaced:
                self.move.postal_code.setText(move.new_postal_code)
        if replaced:
            self.move.error.setText("")
            self.event_box.error.setText("")
            self.message.setText("")
            self.hint.setText("")
            self._show_card_problem("")
        head, filer = roles.head_member(case), roles.filer(case)
        row = self.members.currentRow()
        self.members.setRowCount(len(case.members))
        for r, member in enumerate(case.members):
            marks = []
            if r == head:
                marks.append("世帯主")
            if filer is not None and filer.member == r:
                marks.append("届出人")
            if not member.moves and move is not None:
                marks.append("異動しない")
            marks += self._event_marks(r)
            cells = [member.relationship or "（未選択）", display_name(member.name),
                     display_name(member.kana) or "（未確認）", era.display(member.birth_date),
                     sex_label(member.sex), "・".join(marks), member.source.label]
            for column, text in enumerate(cells):
                self.members.setItem(r, column, QTableWidgetItem(text))
        if case.members:
            self.members.selectRow(min(max(row, 0), len(case.members) - 1))
        self._show_relationship()
        self.roles.setText(self._roles_text())

    def _roles_text(self) -> str:
        case = self.controller.session.case
        if not case.members:
            return ""
        head = roles.resolve(case, roles.head(case))
        filer_ref = roles.filer(case)
        filer = roles.resolve(case, filer_ref)
        head_text = display_name(head.name) if head else "未定（F7で選んでください）"
        if filer is None:
            filer_text = "未定（F7）"
        else:
            relation = roles.filer_relation(case)
            filer_text = display_name(filer.name) + (f"（{relation}）" if relation else "")
        phone = filer_ref.phone if filer_ref is not None and filer_ref.phone else "未入力"
        return f"世帯主：{head_text}　　届出人：{filer_text}　　電話：{phone}（F7で変更）"

    # --- the move ----------------------------------------------------------------------------

    def _echo_date(self, text: str) -> None:
        try:
            date = self._typed_date()
        except DateInputError:
            self.move.date_era.setText("")
            return
        self.move.date_era.setText(f"{default_era_table().format(date)}"
                                   f"（{WEEKDAYS[date.weekday()]}）")

    def _after_date(self) -> None:
        """On to the new address's 〒: the previous address comes from the first card (or is
        typed there, Shift+Tab back)."""
        self._apply_move()
        if not self.move.error.text():
            self.move.postal_code.setFocus()

    def _typed_date(self) -> object:
        text = self.move.date.text()
        case_move = self.controller.session.case.move
        if case_move is not None and text == default_era_table().display(case_move.date):
            return case_move.date  # what the page shows for the stored date
        return default_era_table().parse_typed(text, DateKind.MOVE, self.controller.today())

    def _apply_move(self) -> None:
        move = self.controller.session.case.move
        if move is None:
            return  # a life event without a move
        try:
            date = self._typed_date()
        except DateInputError as exc:
            self.move.error.setText(f"異動日: {exc}")
            return
        self.move.error.setText("")
        kind = move.kind
        fields = {
            "previous_address": self.move.previous_address.text().strip(),
            "new_address": self.move.new_address.text().strip(),
            "previous_building": self.move.previous_building.text().strip(),
            "new_building": self.move.new_building.text().strip(),
        }
        if date == move.date and all(
                getattr(move, key) == value for key, value in fields.items()):
            return
        postal = move.new_postal_code
        self.controller.apply(lambda s: s.set_move(
            kind, date, fields["previous_address"], fields["new_address"],  # type: ignore[arg-type]
            previous_building=fields["previous_building"], new_building=fields["new_building"],
            new_postal_code=postal))

    def commit_edits(self) -> None:
        """Save what is typed in the move fields to the current case (before leaving it)."""
        self._apply_move()
        self._apply_event_date()

    def _focus_postal_code(self) -> None:
        self.move.postal_code.setFocus()
        self.move.postal_code.selectAll()

    def _look_up_postal_code(self) -> None:
        # On a worker: Japan Post's data for the rest of Japan is opened on the first look-up.
        code = self.move.postal_code.text()
        self.move.lookup_busy.setVisible(True)
        self.move.error.setText("")
        run_task(lambda: look_up(code), self._show_town)

    def _show_town(self, found: tuple[str, str] | None, error: BaseException | None) -> None:
        self.move.lookup_busy.setVisible(False)
        if isinstance(error, PostalCodeError):
            self.move.error.setText(str(error))
            self.move.postal_code.selectAll()  # the next digits replace the wrong code
            return
        if error is not None or found is None:
            log.error("postal code look-up failed: %s: %s", type(error).__name__, error)
            self.move.error.setText("郵便番号を調べられませんでした。住所を直接入力してください")
            self.move.new_address.setFocus()
            return
        code, town = found
        self.move.postal_code.setText(f"{code[:3]}-{code[3:]}")
        self.move.new_address.setText(town)
        self.move.new_address.setFocus()
        self.move.new_address.end(False)  # staff type the block number straight after
        move = self.controller.session.case.move
        if move is not None:
            self.controller.apply(lambda s: s.set_move(
                move.kind, move.date, move.previous_address, town,
                previous_building=move.previous_building, new_building=move.new_building,
                new_postal_code=code))

    # --- the life event and the choice of move ------------------------------------------------

    def _refresh_event(self, replaced: bool) -> None:
        event = self.controller.session.case.event
        self.event_box.setVisible(event is not None)
        for kind, button in self.kinds.events.items():
            button.setChecked(event is not None and event.kind is kind)
        if event is None:
            return
        self.event_box.setTitle(f"届出の事由（{event.kind.label}）")
        self.event_box.date_label.setText(DATE_LABELS[event.kind])
        if replaced or not self.event_box.date.hasFocus():
            self.event_box.date.setText(default_era_table().display(event.date))
        self._echo_event_date(self.event_box.date.text())
        self.event_box.change.setText(f"{CHANGE_LABELS[event.kind]}（{EVENT_KEYS[event.kind]}）")
        death = event.kind is EventKind.DEATH
        for widget in (self.event_box.known_label, self.event_box.known,
                       self.event_box.known_era):
            widget.setVisible(death)
        known = event.known_date
        if death and (replaced or not self.event_box.known.hasFocus()):
            self.event_box.known.setText(default_era_table().display(known) if known else "")
        self.event_box.known_era.setText(
            f"{default_era_table().format(known)}（{WEEKDAYS[known.weekday()]}）"
            if known else "")
        self.event_box.people.setText(self._event_people_text())

    def _event_people_text(self) -> str:
        case = self.controller.session.case
        event = case.event
        assert event is not None

        def names(indexes: list[int]) -> str:
            return "・".join(display_name(case.members[i].name) for i in indexes)

        if event.kind is EventKind.DEATH:
            return "亡くなった方：" + (names([event.subject]) if event.subject is not None
                                   else "未選択（Alt+4）")
        if event.kind is EventKind.BIRTH:
            born = [i for i, m in enumerate(case.members) if m.newborn]
            if not born:
                return "新生児：未登録（Alt+5で追加）"
            weights = [case.answers.get(f"member.{i}.birth_weight_g") for i in born]
            return "新生児：" + "、".join(
                f"{names([i])}（{w:,}g）" if isinstance(w, int) else names([i])
                for i, w in zip(born, weights, strict=True)) + "（双子はもう一度 Alt+5）"
        court = "（裁判・調停）" if event.court else ""
        return f"お二人：{names(list(event.spouses or ()))}{court}"

    def _event_marks(self, row: int) -> list[str]:
        case = self.controller.session.case
        event = case.event
        if event is None:
            return []
        if event.kind is EventKind.DEATH and row == event.subject:
            return ["亡くなった方"]
        if event.kind is EventKind.BIRTH and case.members[row].newborn:
            return ["新生児"]
        if row in (event.spouses or ()):
            return [event.kind.label]
        return []

    def _echo_event_date(self, text: str) -> None:
        try:
            date = self._typed_event_date()
        except DateInputError:
            self.event_box.date_era.setText("")
            return
        self.event_box.date_era.setText(f"{default_era_table().format(date)}"
                                    f"（{WEEKDAYS[date.weekday()]}）")

    def _typed_event_date(self) -> dt.date:
        text = self.event_box.date.text()
        event = self.controller.session.case.event
        if event is not None and text == default_era_table().display(event.date):
            return event.date
        return default_era_table().parse_typed(text, DateKind.EVENT, self._today())

    def _today(self) -> dt.date:
        return self.controller.session.case.filed_on or dt.date.today()

    def _apply_event_date(self) -> None:
        event = self.controller.session.case.event
        if event is None:
            return
        label = DATE_LABELS[event.kind]
        try:
            date = self._typed_event_date()
        except DateInputError as exc:
            self.event_box.error.setText(f"{label}: {exc}")
            return
        self.event_box.error.setText("")
        if date != event.date:
            self.controller.apply(lambda s: s.set_event_date(date))

    def _apply_known_date(self) -> None:
        """おくやみ: the day the death became known; empty is the death date itself."""
        event = self.controller.session.case.event
        if event is None or event.kind is not EventKind.DEATH:
            return
        text = self.event_box.known.text().strip()
        shown = default_era_table().display(event.known_date) if event.known_date else ""
        if text == shown:
            return
        try:
            known = default_era_table().parse_typed(text, DateKind.EVENT, self._today()) \
                if text else None
        except DateInputError as exc:
            self.event_box.error.setText(f"死亡を知った日: {exc}")
            return
        self.event_box.error.setText("")
        self.controller.apply(lambda s: s.set_known_date(known))

    def _after_event_date(self) -> None:
        """On to the move's date when there is a move, else to the household."""
        self._apply_event_date()
        event = self.controller.session.case.event
        if self.event_box.error.text() or event is None:
            return
        self.event_box.date.setText(default_era_table().display(event.date))  # as 和暦
        if self.controller.session.case.move is not None:
            self.move.date.setFocus()
            self.move.date.selectAll()
        else:
            self.members.setFocus()

    def _focus_event_date(self) -> None:
        self.event_box.date.setFocus()
        self.event_box.date.selectAll()

    def choose_move(self, kind: MoveKind) -> None:
        """The move's kind; the chosen kind again takes the move away while an event remains."""
        case = self.controller.session.case
        if case.move is not None and case.move.kind is kind:
            if case.event is None:
                self.message.setText(f"{kind.label}の受付です。届出の事由はAlt+4〜7で選べます")
            elif self.controller.apply(lambda s: s.clear_move()):
                self.message.setText(f"{kind.label}を外しました（もう一度 {MOVE_KEYS[kind]} で"
                                     "戻せます）")
                self._focus_event_date()
            return
        if self.controller.apply(lambda s: s.set_move_kind(kind)):
            self.message.setText("")
            self.move.date.setFocus()
            self.move.date.selectAll()

    def choose_event(self, kind: EventKind) -> None:
        """Open the event's dialog: who it is about (おくやみ・婚姻・離婚) or a newborn (出生)."""
        if kind is EventKind.BIRTH:
            self.open_newborn_dialog()
        else:
            self.open_people_dialog(kind)

    def _change_event(self) -> None:
        event = self.controller.session.case.event
        if event is not None:
            self.choose_event(event.kind)

    def clear_event(self) -> None:
        if self.controller.session.case.event is None:
            return
        if self.controller.apply(lambda s: s.clear_event()):
            self.message.setText("")
            self.focus_first()

    def open_people_dialog(self, kind: EventKind) -> None:
        case = self.controller.session.case
        event = case.event
        chosen: tuple[int, ...] = ()
        court = False
        if event is not None and event.kind is kind:
            chosen = (event.subject,) if event.subject is not None else event.spouses or ()
            court = event.court
        dialog = PeopleDialog(kind, case.members, chosen, court, self)
        dialog.accepted.connect(lambda: self._people_chosen(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.people_dialog = dialog
        dialog.open()

    def _people_chosen(self, dialog: PeopleDialog) -> None:
        if dialog.way == BY_CODE_B:
            self.open_code_b_dialog()
        elif dialog.way == BY_HAND:
            self.open_deceased_by_hand()
        else:
            self._set_event_people(dialog.kind, dialog.chosen, dialog.court.isChecked())

    def _set_event_people(self, kind: EventKind, chosen: list[int], court: bool) -> None:
        event = self.controller.session.case.event
        date = event.date if event is not None else self._today()
        if kind is EventKind.DEATH:
            done = self.controller.apply(lambda s: s.set_event(kind, date, subject=chosen[0]))
        else:
            pair = (chosen[0], chosen[1])
            done = self.controller.apply(lambda s: s.set_event(kind, date, spouses=pair,
                                                               court=court))
        if done:
            log.info("event %s set", kind.value)
            self.message.setText("")
            self._focus_event_date()

    def open_code_b_dialog(self) -> None:
        """The deceased's card, without a PIN; the birth date is filled in when known."""
        case = self.controller.session.case
        event = case.event
        known = None
        if event is not None and event.kind is EventKind.DEATH and event.subject is not None:
            known = case.members[event.subject].birth_date
        dialog = CodeBDialog(self._source, known, self)
        dialog.member_read.connect(self._deceased_added)
        dialog.finished.connect(dialog.deleteLater)
        self.code_b_dialog = dialog
        dialog.open()

    def open_deceased_by_hand(self) -> None:
        address = self.household[0].address if self.household else ""
        dialog = MemberDialog(self, address=address)
        dialog.setWindowTitle("亡くなった方を手入力（券面を見て）")
        dialog.accepted.connect(lambda: self._deceased_added(dialog.member))
        dialog.finished.connect(dialog.deleteLater)
        self.member_dialog = dialog
        dialog.open()

    def _deceased_added(self, member: Member) -> None:
        event = self.controller.session.case.event
        subject = event.subject if event is not None and event.kind is EventKind.DEATH else None
        if subject is not None and member.source is MemberSource.CARD and \
                self.household[subject].source is not MemberSource.CARD:
            # The card of the deceased typed earlier: it confirms that member, no second row.
            if self.controller.apply(lambda s: s.confirm_by_card(subject, member)):
                self.hint.setText(self.controller.session.notice)
            return
        before = len(self.household)
        if not self.controller.apply(lambda s: s.add_member(member)):
            return
        if len(self.household) > before:
            index = before
        else:  # the card confirmed a pre-entered member
            index = next(i for i, m in enumerate(self.household)
                         if m.birth_date == member.birth_date and m.name == member.name)
        log.info("deceased added (%s)", member.source.value)
        self._set_event_people(EventKind.DEATH, [index], False)

    def open_newborn_dialog(self) -> None:
        case = self.controller.session.case
        twins = [m.birth_date for m in case.members if m.newborn]
        head = roles.head_member(case)
        surname = case.members[head].name.split(NAME_SEPARATOR)[0] if head is not None else ""
        dialog = NewbornDialog(self, self._today(), surname, twins[0] if twins else None)
        dialog.accepted.connect(lambda: self._newborn_added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.newborn_dialog = dialog
        dialog.open()

    def _newborn_added(self, dialog: NewbornDialog) -> None:
        member, weight = dialog.member, dialog.weight_g
        if member is None or weight is None:
            return
        event = self.controller.session.case.event
        if (event is None or event.kind is not EventKind.BIRTH) and not self.controller.apply(
                lambda s: s.set_event(EventKind.BIRTH, member.birth_date)):
            return
        if self.controller.apply(lambda s: s.add_newborn(member, weight)):
            log.info("newborn added, household of %d", len(self.household))
            self.members.selectRow(len(self.household) - 1)
            self.hint.setText("新生児を追加しました。双子のときはもう一度 Alt+5 で追加します")
            self.members.setFocus()

    # --- card presence -----------------------------------------------------------------------

    def on_presence(self, event: PresenceEvent) -> None:
        """A card placed on the reader starts a read, as staff expect; removal clears the hint.
        While the 照合番号B dialog is open the card is the deceased's: it only asks the tries."""
        dialog = self.code_b_dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            if event.kind == INSERTED:
                dialog.ask_tries()
            return
        if event.kind == INSERTED and self.isVisible():
            self._show_card_problem("")
            self.card_flow.start(event.reader)
        elif event.kind == REMOVED and not self.card_flow.busy:
            self.hint.setText("")

    def _demo_event(self, event: PresenceEvent) -> None:
        self.on_presence(event)
        self.demo_event.emit(event)

    def _show_card_problem(self, message: str) -> None:
        self.card_problem.setText(message)
        self.card_problem.setVisible(bool(message))

    # --- members -----------------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        self._show_card_problem("")
        if self.controller.apply(lambda s: s.add_member(member)):
            if self.controller.session.notice:
                self.hint.setText(self.controller.session.notice)
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
        self.details.setEnabled(0 <= row < len(self.household))
        if 0 <= row < len(self.household):
            self.relationship.setCurrentIndex(
                max(0, self.relationship.findData(self.household[row].relationship)))
        else:
            self.relationship.setCurrentIndex(0)  # nothing of a previous case stays

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
        move = self.controller.session.case.move
        dialog = MemberDialog(self, address=move.previous_address if move else "")
        dialog.accepted.connect(lambda: self.add_member(dialog.member))
        dialog.finished.connect(dialog.deleteLater)
        self.member_dialog = dialog
        dialog.open()

    def open_details(self) -> None:
        row = self.members.currentRow()
        if not 0 <= row < len(self.household):
            self.message.setText("詳細を入力する世帯員を選んでください")
            return
        others = [(i, display_name(m.name)) for i, m in enumerate(self.household) if i != row]
        dialog = MemberDetailsDialog(self.household[row], others, self)

        def save() -> None:
            fields = dict(dialog.fields)
            guardian = fields.pop("guardian")
            if self.controller.apply(lambda s: s.update_member(row, **fields)) and \
                    guardian != self.household[row].guardian:
                self.controller.apply(lambda s: s.set_guardian(row, guardian))

        dialog.accepted.connect(save)
        dialog.finished.connect(dialog.deleteLater)
        self.details_dialog = dialog
        dialog.open()

    def open_roles(self) -> None:
        if not self.household:
            self.message.setText("先に世帯員を登録してください（カードを読むか、F3で手入力）")
            return
        dialog = RolesDialog(self.controller.session.case, self)
        dialog.accepted.connect(lambda: self.controller.apply(
            lambda s: s.set_roles(dialog.head, dialog.filer, dialog.previous_head)))
        dialog.finished.connect(dialog.deleteLater)
        self.roles_dialog = dialog
        dialog.open()

    # --- the resident's pre-entry QR code -----------------------------------------------------

    def apply_preentry(self, text: str) -> None:
        """A scanned pre-entry code fills the case; a damaged, foreign or tampered one changes
        nothing and says so."""
        from counter_app.preentry.codec import PreEntryError, decode

        try:
            document = decode(text, self.controller.catalogue)
        except PreEntryError as exc:
            log.warning("pre-entry code refused: %s", exc)  # field names only, no values
            self.message.setText(exc.message_ja)
            return
        if self.controller.apply(lambda s: s.apply_preentry(document)):
            log.info("pre-entry code read: %d members", len(self.household))
            self.refresh(replaced=True)  # every field shows the resident's entry
            self.hint.setText("事前入力の内容を読み込みました。ご本人に確認し、"
                              "カードがあれば置いていただいてください（事前入力を確認します）")

    # --- moving on ---------------------------------------------------------------------------

    def go_next(self) -> None:
        self._apply_move()
        if self.move.error.text():
            self.move.date.setFocus()
            return
        self._apply_event_date()
        if self.event_box.error.text():
            self.event_box.date.setFocus()
            return
        self.message.setText("")
        if self.controller.apply(lambda s: s.go_to(Step.INTERVIEW)):  # refusals shown by signal
            self.next_requested.emit()

    def show_place(self, target: str) -> None:
        """Put the focus where a problem of the print gate is put right
        (reception.problems.place_of)."""
        move = self.controller.session.case.move
        addresses = {"previous": self.move.previous_address, "new": self.move.new_address}
        city = move.city_side if move is not None else "new"
        other = "new" if city == "previous" else "previous"
        fields = {"move.date": self.move.date, "move.postal_code": self.move.postal_code,
                  "move.previous_address": addresses["previous"],
                  "move.new_address": addresses["new"],
                  "move.city_address": addresses[city], "move.other_address": addresses[other]}
        fields["event.date"] = self.event_box.date
        event = self.controller.session.case.event
        if target in fields and fields[target].isVisible():
            fields[target].setFocus()
            fields[target].selectAll()
        elif target == "event.subject" and event is not None:
            self.open_people_dialog(event.kind)
        elif target == "roles":
            self.open_roles()
        elif target in ("details", "members") and self.household:
            if self.members.currentRow() < 0:
                self.members.selectRow(0)
            self.members.setFocus()
            if target == "details":
                self.hint.setText("直す世帯員を↑↓で選び、F6で詳細を開いてください")
        else:
            self.focus_first()

    def focus_first(self) -> None:
        """Where a new case starts: the move date (cards are read as residents place them); the
        event's date in a case with only an event."""
        field = self.move.date if self.controller.session.case.move is not None \
            else self.event_box.date
        field.setFocus()
        field.selectAll()
