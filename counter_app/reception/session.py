"""One reception at the counter: the case, its determination, and every change saved.

Plain Python, no Qt. Every operation works on a copy of the case and is checked whole before it
replaces the case: a refused change (with a Japanese message) leaves the case exactly as it was.
A change that passes is determined again and handed to `save` (which the UI runs on a worker,
in order), so a crash never loses more than the keystroke in progress.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from counter_app.domain import (
    Case,
    CaseFormatError,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Event,
    EventKind,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PersonRef,
    PrintRecord,
    Step,
    Transfer,
    roles,
)
from counter_app.domain.case import MEMBER_KEY, member_key
from counter_app.domain.dates import DateInputError, DateKind, check_date
from counter_app.domain.kana import KanaInputError, check_kana, normalize_kana
from counter_app.domain.members import suggest_relationship
from counter_app.domain.text import TextInputError, check_text, display_name
from counter_app.reception.errors import NotReady, Refused
from counter_app.reception.interview import (
    CLAIMANT,
    Answered,
    InterviewRow,
    Prompt,
    answered,
    build_prompts,
    interview_rows,
)
from counter_app.reception.outputs import GateReport, form_outputs
from counter_app.reception.problems import Gate, Problem, case_problems
from counter_app.rules import Catalogue, ChosenProcedure, Determination, determine
from counter_app.rules.engine import case_facts, check_answers

# A plausible birth weight (grams): below or above is a typing slip, not a baby.
BIRTH_WEIGHT_G = (300, 6000)


def concerned(chosen: ChosenProcedure) -> tuple[int, ...]:
    """The members a procedure is about: its members, or for a household procedure the
    members its rule was about (the children of a child-allowance claim)."""
    if chosen.members:
        return tuple(chosen.members)
    return tuple(sorted({c.member for c in chosen.checks if c.member is not None}))


class ReceptionSession:
    def __init__(self, case: Case, catalogue: Catalogue, save: Callable[[Case], None],
                 today: dt.date | None = None,
                 form_facts: Mapping[str, frozenset[str]] | None = None,
                 gate: Gate | None = None) -> None:
        self.catalogue = catalogue
        self._save = save
        # The facts each form prints (a chosen form that prints the claimant needs him known).
        self._form_facts = form_facts or {}
        # What the printed packet still lacks (required fields, unprintable characters).
        self._gate = gate
        if case.filed_on is None:
            case.filed_on = today or dt.date.today()
        if case.catalogue_version is None:
            case.catalogue_version = catalogue.version
        self.case = case
        self.notice = ""  # something staff should read about the last change (on screen only)
        self.read_only = ""  # why this counter may only look (the case is held elsewhere)
        self.set_aside = self._set_aside_unknown_answers()
        self.determination = self._determine(case)
        self._mark_checklist(case, self.determination)

    @classmethod
    def new(cls, catalogue: Catalogue, save: Callable[[Case], None], today: dt.date,
            kind: MoveKind = MoveKind.MOVE_IN,
            form_facts: Mapping[str, frozenset[str]] | None = None,
            gate: Gate | None = None) -> ReceptionSession:
        return cls(Case(Move(kind, today)), catalogue, save, today, form_facts, gate)

    # --- bookkeeping -------------------------------------------------------------------------

    def _set_aside_unknown_answers(self) -> dict[str, Any]:
        """Answers the catalogue in use no longer accepts (it changed since the case began) are
        kept aside on the case, shown to staff and asked again — never a crash on resume."""
        moved: dict[str, Any] = {}
        for key, value in list(self.case.answers.items()):
            try:
                check_answers(Case(self.case.move, self.case.members, {key: value},
                                   self.case.event), self.catalogue)
            except CaseFormatError:
                moved[key] = self.case.answers.pop(key)
        self.case.set_aside.update(moved)
        return moved

    def _determine(self, case: Case) -> Determination:
        try:
            return determine(case, self.catalogue, case.filed_on)
        except CaseFormatError as exc:  # the operation broke the case: refuse it
            raise Refused("入力内容に誤りがあるため、変更しませんでした", str(exc),
                          exc.field) from None

    @staticmethod
    def _mark_checklist(case: Case, result: Determination) -> None:
        for chosen in result.procedures:
            basis = concerned(chosen)
            entry = case.checklist.get(chosen.id)
            if entry is None or entry.members != basis:
                # New, or now about other members: whatever was marked must be looked at again.
                case.checklist[chosen.id] = ChecklistEntry(members=basis)

    def _apply(self, change: Callable[[Case], None], editable: bool = True) -> None:
        """Change a copy; if the result holds together, it becomes the case and is saved."""
        if editable:
            self._editable()
        candidate = self.case.copy()
        change(candidate)
        result = self._determine(candidate)
        self._mark_checklist(candidate, result)
        self.case, self.determination = candidate, result
        self._save(self.case.copy())

    def _editable(self) -> None:
        if self.read_only:
            raise NotReady(self.read_only, "case held by another counter")
        if self.case.status is not CaseStatus.OPEN:
            raise NotReady("完了した受付は変更できません（再印刷はできます）", "case closed")

    def _member_index(self, index: int) -> None:
        if not 0 <= index < len(self.case.members):
            raise Refused("その世帯員はいません", f"no member {index}")

    # --- move and event ----------------------------------------------------------------------

    def set_move(self, kind: MoveKind, date: dt.date, previous_address: str,
                 new_address: str, **details: Any) -> None:
        """The move; `details` are Move's other fields (buildings, postal code, transfer…)."""
        previous, new = _clean(previous_address, "住所"), _clean(new_address, "住所")
        for value in details.values():
            if isinstance(value, str):
                _clean(value, "住所")

        stripped: dict[str, Any] = {k: v.strip() if isinstance(v, str) else v
                                    for k, v in details.items()}

        def change(case: Case) -> None:
            case.move = Move(kind, date, previous, new, **stripped)
        self._apply(change)

    def set_move_kind(self, kind: MoveKind) -> None:
        """The move's kind (転入・転居・転出), keeping what is typed; a case with only an event
        gains a move on the event's date."""
        def change(case: Case) -> None:
            if case.move is None:
                case.move = Move(kind, case.date)
            else:
                case.move.kind = kind
        self._apply(change)

    def clear_move(self) -> None:
        """An event without a move (おくやみ only): the move and what was typed for it go."""
        if self.case.event is None:
            raise Refused("異動も届出の事由もない受付にはできません。先におくやみ・出生・婚姻・"
                          "離婚（Alt+4〜7）を選んでください", "clear_move without an event")

        def change(case: Case) -> None:
            case.move = None
            for member in case.members:
                member.moves = True  # "does not move" means nothing without a move
        self._apply(change)

    def set_event(self, kind: EventKind, date: dt.date, *, subject: int | None = None,
                  spouses: tuple[int, int] | None = None, court: bool = False) -> None:
        """The life event with the roles its kind needs (LIFE_EVENTS.md): the deceased for a
        death, the two spouses for a marriage or divorce; newborns come with `add_newborn`.
        A move nothing was typed for yet (a new case starts as 転入) gives way to the event."""
        self._check_event_date(date)
        if kind is EventKind.DEATH:
            if subject is None:
                raise Refused("亡くなった方を選んでください", "death without a subject")
            self._member_index(subject)
        elif subject is not None:
            raise Refused("亡くなった方を選ぶのはおくやみの受付だけです", "subject outside death")
        if kind in (EventKind.MARRIAGE, EventKind.DIVORCE):
            spouses = self._checked_spouses(kind, spouses)
        elif spouses is not None:
            raise Refused("夫婦を選ぶのは婚姻・離婚の受付だけです", "spouses outside marriage")
        newborns = [i for i, m in enumerate(self.case.members) if m.newborn]
        if newborns and kind is not EventKind.BIRTH:
            raise Refused("出生の受付で登録した新生児がいます。別の届出にするには、先に新生児を"
                          "削除してください（Del）", "newborns in a non-birth event")
        if court and kind is not EventKind.DIVORCE:
            raise Refused("裁判・調停は離婚の受付だけです", "court outside divorce")

        def change(case: Case) -> None:
            case.event = Event(kind, date, subject=subject, spouses=spouses, court=court)
            if case.move is not None and _untouched(case.move):
                case.move = None
        self._apply(change)

    def set_event_date(self, date: dt.date) -> None:
        """死亡日・出生日・届出日 as typed; for a birth it is the newborns' birth date too."""
        event = self._event()
        self._check_event_date(date)
        if event.kind is EventKind.BIRTH and date > self._today():
            raise Refused("出生日に今日より後の日付は入力できません", "birth in the future")
        if event.known_date is not None and date > event.known_date:
            raise Refused("死亡日が死亡を知った日より後になります。先に死亡を知った日を直して"
                          "ください", "death after the known date")

        def change(case: Case) -> None:
            assert case.event is not None
            case.event.date = date
            if case.event.kind is EventKind.BIRTH:
                for member in case.members:
                    if member.newborn:
                        member.birth_date = date
        self._apply(change)

    def set_known_date(self, date: dt.date | None) -> None:
        """おくやみ: the day the family learned of the death, when later than the death (some
        deadlines count from it); None or the death date itself: the same day."""
        event = self._event()
        if event.kind is not EventKind.DEATH:
            raise Refused("死亡を知った日を入力するのはおくやみの受付だけです",
                          "known date outside death")
        if date is not None:
            if date < event.date:
                raise Refused("死亡を知った日は死亡日と同じか、それより後の日付にしてください",
                              "known date before the death")
            if date > self._today():
                raise Refused("死亡を知った日に今日より後の日付は入力できません",
                              "known date in the future")
        known = None if date == event.date else date

        def change(case: Case) -> None:
            assert case.event is not None
            case.event.known_date = known
        self._apply(change)

    def clear_event(self) -> None:
        """Back to a move only; a case needs a move or an event."""
        if self.case.event is None:
            return
        if self.case.move is None:
            raise Refused("異動も届出の事由もない受付にはできません。先に転入・転居・転出"
                          "（Alt+1〜3）を選んでください", "clear_event without a move")
        if any(m.newborn for m in self.case.members):
            raise Refused("新生児を削除してから、出生の届出を外してください（Del）",
                          "clear_event with newborns")

        def change(case: Case) -> None:
            case.event = None
        self._apply(change)

    def choose_subject(self, index: int) -> None:
        """The deceased, among the household's members."""
        if self._event().kind is not EventKind.DEATH:
            raise Refused("亡くなった方を選ぶのはおくやみの受付だけです", "subject outside death")
        self._member_index(index)

        def change(case: Case) -> None:
            assert case.event is not None
            case.event.subject = index
        self._apply(change)

    def set_spouses(self, first: int, second: int) -> None:
        event = self._event()
        spouses = self._checked_spouses(event.kind, (first, second))

        def change(case: Case) -> None:
            assert case.event is not None
            case.event.spouses = spouses
        self._apply(change)

    def add_newborn(self, member: Member, birth_weight_g: int) -> None:
        """A child born (twins: twice), with the birth weight the rules ask for."""
        event = self.case.event
        if event is None or event.kind is not EventKind.BIRTH:
            raise Refused("新生児の登録は出生の受付で行います（Alt+5）", "newborn outside birth")
        if isinstance(birth_weight_g, bool) or not isinstance(birth_weight_g, int) or not (
                BIRTH_WEIGHT_G[0] <= birth_weight_g <= BIRTH_WEIGHT_G[1]):
            raise Refused(f"出生体重は{BIRTH_WEIGHT_G[0]}〜{BIRTH_WEIGHT_G[1]}グラムの数字で入力"
                          "してください", "birth weight out of range")
        if member.birth_date > self._today():
            raise Refused("出生日に今日より後の日付は入力できません", "birth in the future")
        self._check_event_date(member.birth_date)
        _clean(member.name, "氏名")
        _clean(member.kana, "フリガナ")
        if member.sex not in ("male", "female"):
            raise Refused("性別を選んでください", "newborn without a sex")
        member = dataclasses.replace(member, newborn=True, source=MemberSource.MANUAL)
        first = not any(m.newborn for m in self.case.members)

        def change(case: Case) -> None:
            assert case.event is not None
            if not member.relationship:
                head = _register_head(case)
                member.relationship = suggest_relationship(
                    case.members[head] if head is not None else None, member)
            if not member.address and case.members:
                member.address = case.members[0].address
            case.members.append(member)
            index = len(case.members) - 1
            case.answers[member_key(index, "birth_weight_g")] = birth_weight_g
            if first or member.birth_date < case.event.date:
                case.event.date = member.birth_date  # event.date is the birth (LIFE_EVENTS.md)
        self._apply(change)

    def _event(self) -> Event:
        if self.case.event is None:
            raise Refused("先に届出の事由（おくやみ・出生・婚姻・離婚）を選んでください",
                          "no event")
        return self.case.event

    def _today(self) -> dt.date:
        return self.case.filed_on or dt.date.today()

    def _check_event_date(self, date: dt.date) -> None:
        try:
            check_date(date, DateKind.EVENT, self._today())
        except DateInputError as exc:
            raise Refused(str(exc), "event date out of range") from None

    def _checked_spouses(self, kind: EventKind, spouses: tuple[int, int] | None
                         ) -> tuple[int, int]:
        if spouses is None or len(self.case.members) < 2:
            raise Refused(f"{kind.label}のお二人を世帯員に登録してから選んでください"
                          "（カード F2・手入力 F3）", "spouses missing")
        first, second = spouses
        self._member_index(first)
        self._member_index(second)
        if first == second:
            raise Refused("夫婦には別々のお二人を選んでください", "same member twice")
        return (first, second)

    # --- household ---------------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        _clean(member.name, "氏名")
        _clean(member.address, "住所")
        _clean(member.kana, "フリガナ")

        member = dataclasses.replace(member)  # the caller's object stays as it was
        self.notice = ""
        confirmed = self._pre_entered(member) if member.source is MemberSource.CARD else None
        if confirmed is not None:
            self._confirm_by_card(confirmed, member)
            return

        def change(case: Case) -> None:
            if not member.relationship:
                head = _register_head(case)
                member.relationship = suggest_relationship(
                    case.members[head] if head is not None else None, member)
            case.members.append(member)
            move = case.move
            if move is not None and member.address and not move.previous_address:
                # The first card's address is where the household comes from (転入) or where
                # it lives now (転居, 転出): staff need not retype it.
                move.previous_address = member.address
        self._apply(change)

    # --- the resident's pre-entry ------------------------------------------------------------

    def apply_preentry(self, document: Mapping[str, Any]) -> None:
        """Fill the case from a decoded pre-entry code (counter_app.preentry.codec.decode): the
        move, the members (marked 事前入力 until a card confirms them), the answers and the
        filer's phone. Only into a case without members: nobody typed is overwritten."""
        self._editable()
        if self.case.members:
            raise Refused("事前入力のQRコードは、世帯員を登録する前に読み取ってください"
                          "（Ctrl+Nで新しい受付を始めてから）",
                          "pre-entry into a case with members")
        try:
            scanned = Case.from_dict({**document, "id": self.case.id})
        except CaseFormatError as exc:
            raise Refused("事前入力の内容を読み込めませんでした", str(exc), exc.field) from None
        try:
            check_answers(scanned, self.catalogue)
        except CaseFormatError as exc:
            raise Refused("事前入力の回答がこの市の手続ルールと合いません", str(exc),
                          exc.field) from None

        def change(case: Case) -> None:
            case.move = scanned.move or case.move
            case.members = scanned.members
            case.answers = dict(scanned.answers)
            case.filer = scanned.filer
            case.head = scanned.head
        self._apply(change)

    def confirm_by_card(self, index: int, card: Member) -> None:
        """A card read for a member typed earlier (the deceased's card found after all): the
        card's four fields replace what was typed; the birth date must be the same person's."""
        self._editable()
        self._member_index(index)
        _clean(card.name, "氏名")
        _clean(card.address, "住所")
        if self.case.members[index].birth_date != card.birth_date:
            raise Refused("カードの生年月日が、入力した方と違います。別の方のカードではないか"
                          "確かめてください", "card for another member")
        self.notice = ""
        self._confirm_by_card(index, card)

    def _pre_entered(self, card: Member) -> int | None:
        """The pre-entered member a card read is for: the only one with its birth date."""
        matches = [i for i, m in enumerate(self.case.members)
                   if m.source is MemberSource.PREENTRY and m.birth_date == card.birth_date]
        return matches[0] if len(matches) == 1 else None

    def _confirm_by_card(self, index: int, card: Member) -> None:
        """The card confirms who the person is: its four fields win over what was typed at
        home, and staff are told what differed (on screen only, never in the log)."""
        typed = self.case.members[index]
        differences = [label for label, a, b in (("氏名", typed.name, card.name),
                                                 ("性別", typed.sex, card.sex),
                                                 ("住所", typed.address, card.address))
                       if a and a != b]

        def change(case: Case) -> None:
            member = case.members[index]
            member.name, member.sex, member.birth_date = card.name, card.sex, card.birth_date
            member.address = card.address or member.address
            member.source = MemberSource.CARD
            move = case.move
            if move is not None and card.address and not move.previous_address:
                move.previous_address = card.address
        self._apply(change)
        self.notice = (f"{display_name(card.name)}さんの{typed.source.label}をカードで確認しました"
                       + (f"（カードの{'・'.join(differences)}にしました）" if differences else ""))

    def update_member(self, index: int, **fields: Any) -> None:
        """Change a member's own fields (フリガナ, 本籍, 住民票コード, 外国人住民 items, moves…)."""
        self._member_index(index)
        if "guardian" in fields:
            raise Refused("保護者は保護者の欄で選んでください", "guardian via update_member")
        for key, value in fields.items():
            if isinstance(value, str):
                _clean(value, key)
        if fields.get("kana"):
            try:
                fields = {**fields, "kana": check_kana(normalize_kana(fields["kana"]))}
            except KanaInputError as exc:
                raise Refused(str(exc), "kana refused") from None
        if fields.get("resident_code") and not re.fullmatch(r"\d{11}", fields["resident_code"]):
            raise Refused("住民票コードは11桁の数字です", "resident code refused")

        def change(case: Case) -> None:
            member = case.members[index]
            for key, value in fields.items():
                if not hasattr(member, key):
                    raise Refused("その項目はありません", f"no member field {key}")
                setattr(member, key, value.strip() if isinstance(value, str) else value)
        self._apply(change)

    def set_kana(self, readings: Mapping[int, str]) -> None:
        """Members' フリガナ (member index → reading as typed or proposed), normalised and all
        checked before any is written."""
        cleaned = {}
        for index, text in readings.items():
            self._member_index(index)
            try:
                cleaned[index] = check_kana(normalize_kana(text))
            except KanaInputError as exc:
                raise Refused(str(exc), f"kana of member {index} refused") from None

        def change(case: Case) -> None:
            for index, kana in cleaned.items():
                case.members[index].kana = kana
        self._apply(change)

    def remove_member(self, index: int) -> None:
        self._member_index(index)
        event = self.case.event
        if event is not None and (index == event.subject or index in (event.spouses or ())):
            role = "亡くなった方" if index == event.subject else "夫婦のお一人"
            raise Refused(f"{role}は削除できません。先に別の方を選ぶか、届出の事由を外して"
                          "ください（Alt+0）", "remove a member the event names")
        self._apply(lambda case: case.reorder(
            [i for i in range(len(case.members)) if i != index]))

    def move_member(self, index: int, offset: int) -> None:
        self._member_index(index)
        target = index + offset
        if not 0 <= target < len(self.case.members):
            return
        order = list(range(len(self.case.members)))
        order[index], order[target] = order[target], order[index]
        self._apply(lambda case: case.reorder(order))

    def set_relationship(self, index: int, relationship: str) -> None:
        self._member_index(index)

        def change(case: Case) -> None:
            case.members[index].relationship = relationship
        self._apply(change)

    def set_head(self, ref: PersonRef | None) -> None:
        """The 世帯主 after the move: a member, or somebody who stays where they are."""
        self._not_the_deceased(ref)
        if ref is not None and ref.member is not None:
            self._member_index(ref.member)
        if ref is not None and ref.member is None:
            _clean(ref.name, "世帯主の氏名")

        def change(case: Case) -> None:
            case.head = ref
            if ref is not None and ref.member is not None and not _death(case):
                for i, member in enumerate(case.members):
                    if i == ref.member:
                        member.relationship = roles.HEAD
                    elif member.relationship == roles.HEAD:
                        member.relationship = ""  # staff choose the new 続柄
        self._apply(change)

    def set_roles(self, head: PersonRef | None, filer: PersonRef | None,
                  previous_head: PersonRef | None) -> None:
        """The F7 dialog's three roles in one change (checked as the single setters check)."""
        self._not_the_deceased(head, filer)
        for ref in (head, filer, previous_head):
            if ref is not None and ref.member is not None:
                self._member_index(ref.member)
            elif ref is not None:
                _clean(ref.name, "氏名")
                _clean(ref.address, "住所")
        if filer is not None:
            _clean(filer.phone, "電話番号")

        def change(case: Case) -> None:
            case.filer = filer
            case.previous_head = previous_head
            case.head = head
            if head is not None and head.member is not None and not _death(case):
                for i, member in enumerate(case.members):
                    if i == head.member:
                        member.relationship = roles.HEAD
                    elif member.relationship == roles.HEAD:
                        member.relationship = ""  # staff choose the new 続柄
        self._apply(change)

    def _not_the_deceased(self, *refs: PersonRef | None) -> None:
        event = self.case.event
        subject = event.subject if event is not None and event.kind is EventKind.DEATH else None
        if subject is not None and any(r is not None and r.member == subject for r in refs):
            raise Refused("亡くなった方は世帯主・届出人にできません。ご家族の中から選んでください",
                          "the deceased as head or filer")

    def set_previous_head(self, ref: PersonRef | None) -> None:
        if ref is not None and ref.member is not None:
            self._member_index(ref.member)

        def change(case: Case) -> None:
            case.previous_head = ref
        self._apply(change)

    def set_filer(self, ref: PersonRef | None) -> None:
        """The 届出人: a member, or a 代理人/使者 with name, address and phone."""
        self._not_the_deceased(ref)
        if ref is not None:
            if ref.member is not None:
                self._member_index(ref.member)
            else:
                _clean(ref.name, "届出人の氏名")
                if not ref.name.strip():
                    raise Refused("届出人の氏名を入力してください", "filer without a name")
            _clean(ref.phone, "電話番号")

        def change(case: Case) -> None:
            case.filer = ref
        self._apply(change)

    def set_guardian(self, child: int, guardian: int | None) -> None:
        self._member_index(child)
        if guardian is not None:
            self._member_index(guardian)
            if guardian == child:
                raise Refused("本人を保護者にはできません", "guardian is the child")

        def change(case: Case) -> None:
            case.members[child].guardian = guardian
        self._apply(change)

    # --- interview ---------------------------------------------------------------------------

    def open_keys(self) -> list[str]:
        """Answer keys still needed: by the rules, and by the forms of chosen procedures."""
        return self._open_keys(self.case, self.determination)

    def _open_keys(self, case: Case, result: Determination) -> list[str]:
        keys = list(result.unanswered)
        for key in self._form_keys(case, result):
            if key not in keys:
                keys.append(key)
        return keys

    def _form_keys(self, case: Case, result: Determination) -> list[str]:
        needed: list[str] = []
        # A derived fact (move.other_prefecture from two addresses) is known without an answer.
        known = case_facts(case, self.catalogue)
        for chosen in result.procedures:
            entry = case.checklist.get(chosen.id)
            if entry is not None and entry.status is ChecklistStatus.NOT_NEEDED:
                continue
            facts = set().union(*(self._form_facts.get(f, frozenset())
                                  for f in chosen.procedure.forms))
            if CLAIMANT in facts and roles.claimant(case) is None:
                needed += [member_key(i, CLAIMANT) for i in roles.claimant_candidates(case)]
            for fact in sorted(facts - {CLAIMANT}):
                spec = self.catalogue.facts.get(fact)
                if spec is None or not spec.askable or fact not in self.catalogue.questions:
                    continue
                if spec.scope == "case":
                    keys = [] if known.case_facts.get(fact) is not None else [fact]
                else:
                    keys = [member_key(i, fact) for i in concerned(chosen)
                            if known.member_facts[i].get(fact) is None]
                needed += [k for k in keys if k not in case.answers]
        return needed

    def prompts(self) -> list[Prompt]:
        """The questions still open, in the catalogue's order."""
        return build_prompts(self.case, self.catalogue, self.open_keys())

    def answered(self) -> list[Answered]:
        """The questions answered that still matter, with their answers (to check or change)."""
        return answered(self.case, self.catalogue, self._answered_keys())

    def interview(self) -> list[InterviewRow]:
        """Every question that matters, answered or open, one row per fact (for the screen)."""
        return interview_rows(self.case, self.catalogue, self.open_keys(),
                              self._answered_keys())

    def _answered_keys(self) -> list[str]:
        """The answers that still matter: without each, the determination would ask for it."""
        needed = []
        for key in self.case.answers:
            without = self.case.copy()
            del without.answers[key]
            result = determine(without, self.catalogue, without.filed_on)
            if key in result.unanswered or key in self._form_keys(without, result):
                needed.append(key)
        return needed

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Give (or change) answers; all are checked before any is written."""
        for key, value in answers.items():
            self._check_answer(key, value)

        def change(case: Case) -> None:
            case.answers.update(answers)
            for key in answers:
                case.set_aside.pop(key, None)
        self._apply(change)

    def answer(self, key: str, value: object) -> None:
        self.set_answers({key: value})

    def answer_who(self, prompt: Prompt, chosen: Iterable[int]) -> None:
        """A household-phrased yes/no question: yes for the chosen members, no for the rest."""
        picked = set(chosen)
        self.set_answers({member_key(i, prompt.fact): i in picked for i in prompt.members})

    def answer_which_one(self, prompt: Prompt, index: int) -> None:
        """Exactly one of the prompt's members (the claimant): true for them, false for the rest."""
        if index not in prompt.members:
            raise Refused("選べる方の中から選んでください", f"member {index} not a candidate")
        self.set_answers({member_key(i, prompt.fact): i == index for i in prompt.members})

    def clear_answers(self, keys: Iterable[str]) -> None:
        """Take answers back: their questions are asked again."""
        keys = list(keys)

        def change(case: Case) -> None:
            for key in keys:
                case.answers.pop(key, None)
        self._apply(change)

    def _check_answer(self, key: str, value: object) -> None:
        match = MEMBER_KEY.match(key)
        fact = match.group(2) if match else key
        if match:
            self._member_index(int(match.group(1)))
        spec = self.catalogue.facts.get(fact)
        if spec is None or (spec.scope == "member") != bool(match):
            raise Refused("この質問はありません", f"unknown fact {fact}")
        if not spec.askable:
            raise Refused("この項目は回答するものではありません（カードや生年月日から決まります）",
                          f"{fact} is derived")
        if not spec.accepts(value):
            raise Refused(f"「{spec.label_ja}」の回答として選べない値です", f"{fact}: bad value")
        low, high = BIRTH_WEIGHT_G
        if fact == "birth_weight_g" and isinstance(value, int) and not low <= value <= high:
            raise Refused(f"出生体重は{BIRTH_WEIGHT_G[0]}〜{BIRTH_WEIGHT_G[1]}グラムの数字で入力"
                          "してください", "birth weight out of range")

    # --- checklist, printing and closing -----------------------------------------------------

    def set_status(self, procedure_id: str, status: ChecklistStatus, reason: str = "") -> None:
        self.set_statuses([procedure_id], status, reason)

    def set_statuses(self, procedure_ids: Iterable[str], status: ChecklistStatus,
                     reason: str = "") -> None:
        """Mark procedures (one, or a whole section) 済 / 不要 (with a reason) / 後日."""
        ids = list(procedure_ids)
        if self.open_keys():
            raise NotReady(f"聞き取りが終わっていません（残り{len(self.prompts())}問）。"
                           "先に聞き取りを終えてください", "interview open")
        if status is ChecklistStatus.NOT_NEEDED and not reason.strip():
            raise Refused("「不要」には理由を入力してください", "not_needed without a reason")
        chosen = [self.determination.chosen(p) for p in ids]
        if any(c is None for c in chosen):
            raise Refused("その手続はこの受付にありません", "unknown procedure")
        _clean(reason, "理由")

        def change(case: Case) -> None:
            for c in chosen:
                assert c is not None
                case.checklist[c.id] = ChecklistEntry(status, reason.strip(), concerned(c))
        self._apply(change)

    def entry(self, procedure_id: str) -> ChecklistEntry:
        return self.case.checklist.get(procedure_id, ChecklistEntry())

    def unaddressed(self) -> list[str]:
        """Procedures still to be marked (a notice, with nothing to do at a counter, needs no
        mark)."""
        return [p.id for p in self.determination.procedures if p.procedure.visit
                and self.entry(p.id).status is ChecklistStatus.PENDING]

    def record_output(self, form_fingerprints: Mapping[str, str], how: str, where: str,
                      at: dt.datetime | None = None) -> None:
        """The forms left the counter (printed, or saved as a PDF), each with the fingerprint of
        what it printed. A failed or cancelled job records nothing: its forms stay 未印刷."""
        when = at or dt.datetime.now(dt.UTC)

        def change(case: Case) -> None:
            case.prints.extend(PrintRecord(form, how, where, when, fingerprint)
                               for form, fingerprint in form_fingerprints.items())
        self._apply(change, editable=False)  # a closed case may be reprinted

    def go_to(self, step: Step) -> None:
        self._editable()
        if step is not Step.MOVE:
            if not self.case.members:
                raise NotReady("世帯員を登録してください（カードを読むか、F3で手入力）",
                               "no members")
            missing = [display_name(m.name) for m in self.case.members if not m.relationship]
            if missing:
                raise NotReady(f"続柄を選んでください：{'、'.join(missing)}",
                               "relationship missing")
        if step is Step.CHECKLIST and self.open_keys():
            raise NotReady(f"聞き取りが終わっていません（残り{len(self.prompts())}問）",
                           "interview open")

        def change(case: Case) -> None:
            case.step = step
        self._apply(change)

    def problems(self) -> list[Problem]:
        """The print gate: what must be put right before printing or closing."""
        return self._problems(self.case, self.determination)

    def _problems(self, case: Case, result: Determination) -> list[Problem]:
        open_questions = build_prompts(case, self.catalogue, self._open_keys(case, result))
        found = case_problems(case, len(open_questions))
        if self._gate is not None and case.members:
            found += self._gate(case, result, self.catalogue)
        return found

    def gate_check(self) -> Callable[[], GateReport]:
        """The print gate of the case as it is now, and where its forms stand, as a call that
        may run on a worker thread: it reads a copy, so later changes neither disturb it nor
        leak into it. (The packet's part loads the fonts on first use: about half a second.)"""
        case, result = self.case.copy(), self.determination

        def check() -> GateReport:
            fingerprints = {}
            if self._gate is not None and case.members:
                fingerprints = self._gate.fingerprints(case, result, self.catalogue)
            return GateReport(self._problems(case, result), form_outputs(case, fingerprints))
        return check

    def close(self) -> None:
        """Close the reception; refused while the print gate has problems or any procedure is
        unaddressed."""
        self._editable()
        problems = self.problems()
        if problems:
            raise NotReady("確認事項が残っています：" + "／".join(p.message_ja for p in problems),
                           "print gate problems")
        pending = self.unaddressed()
        if pending:
            titles = "、".join(self.determination.chosen(p).procedure.title_ja  # type: ignore[union-attr]
                              for p in pending)
            raise NotReady(f"未対応の手続があります：{titles}", "procedures pending")

        chosen = {p.id for p in self.determination.procedures}

        def change(case: Case) -> None:
            case.status = CaseStatus.CLOSED
            # Marks of procedures no longer chosen (an answer changed since) are not kept.
            case.checklist = {k: v for k, v in case.checklist.items() if k in chosen}
        self._apply(change)

    def discard(self, reason: str) -> None:
        """Abandon the reception (the resident left, started by mistake), with a reason."""
        self._editable()
        _clean(reason, "理由")
        if not reason.strip():
            raise Refused("取消の理由を入力してください", "discard without a reason")

        def change(case: Case) -> None:
            case.status = CaseStatus.DISCARDED
            case.discard_reason = reason.strip()
        self._apply(change)


def _death(case: Case) -> bool:
    """A death case keeps the register's 続柄 from before the death (LIFE_EVENTS.md): choosing
    the new head sets household.head only, so the deceased stays 世帯主 (death.was_head)."""
    return case.event is not None and case.event.kind is EventKind.DEATH


def _register_head(case: Case) -> int | None:
    """Whom a new member's 続柄 is suggested against: the 世帯主, or in a death case the
    deceased head (続柄 there are the register's before the death, LIFE_EVENTS.md)."""
    head = roles.head_member(case)
    if head is None:
        head = next((i for i, m in enumerate(case.members) if m.relationship == roles.HEAD),
                    None)
    return head


def _untouched(move: Move) -> bool:
    """Nothing was typed for this move yet (the first card's address comes by itself)."""
    return not (move.new_address or move.new_postal_code or move.new_building
                or move.previous_building or move.transfer is not Transfer.NONE)


def _clean(value: str, what_ja: str) -> str:
    try:
        return check_text(value, what_ja)
    except TextInputError as exc:
        raise Refused(exc.message_ja, str(exc)) from None

