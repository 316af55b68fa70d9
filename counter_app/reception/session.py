"""One reception at the counter: the case, its determination, and every change saved.

Plain Python, no Qt. The UI calls these operations; each one changes the case, works out the
determination again and hands a snapshot of the case to `save` (which the UI runs on a
worker), so a crash never loses more than the keystroke in progress.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Member,
    Move,
    MoveKind,
    PrintRecord,
    Step,
)
from counter_app.domain.members import suggest_relationship
from counter_app.rules import Catalogue, ChosenProcedure, Determination, determine
from counter_app.rules.conditions import FactSpec

_MEMBER_KEY = re.compile(r"^member\.(\d+)\.(.+)$")


class NotReady(Exception):
    """The case cannot be closed yet; `str()` is a Japanese message for staff."""


@dataclass(frozen=True)
class Prompt:
    """A question for the interview. `members` is () for a household fact; several members
    when a sensitive question is asked of the household as a whole."""

    fact: str
    text_ja: str
    spec: FactSpec
    members: tuple[int, ...] = ()
    asked_of_household: bool = False  # yes/no per member, phrased for the whole household

    def keys(self) -> list[str]:
        if not self.members:
            return [self.fact]
        return [f"member.{i}.{self.fact}" for i in self.members]


def concerned(chosen: ChosenProcedure) -> tuple[int, ...]:
    """The members a procedure is about: its members, or for a household procedure the
    members its rule was about (the children of a child-allowance claim)."""
    if chosen.members:
        return tuple(chosen.members)
    return tuple(sorted({c.member for c in chosen.checks if c.member is not None}))


class ReceptionSession:
    def __init__(self, case: Case, catalogue: Catalogue, save: Callable[[Case], None],
                 today: dt.date | None = None) -> None:
        self.case = case
        self.catalogue = catalogue
        self._save = save
        if case.filed_on is None:
            case.filed_on = today or dt.date.today()
        self.determination = self._determine()

    @classmethod
    def new(cls, catalogue: Catalogue, save: Callable[[Case], None], today: dt.date,
            kind: MoveKind = MoveKind.MOVE_IN) -> ReceptionSession:
        return cls(Case(Move(kind, today)), catalogue, save, today)

    # --- bookkeeping -------------------------------------------------------------------------

    def _determine(self) -> Determination:
        result = determine(self.case, self.catalogue, self.case.filed_on)
        for chosen in result.procedures:
            basis = concerned(chosen)
            entry = self.case.checklist.get(chosen.id)
            if entry is None or entry.members != basis:
                # New, or now about other members: whatever was marked must be looked at again.
                self.case.checklist[chosen.id] = ChecklistEntry(members=basis)
        return result

    def _changed(self) -> None:
        self.determination = self._determine()
        self._save(copy.deepcopy(self.case))

    def _editable(self) -> None:
        if self.case.status is CaseStatus.CLOSED:
            raise NotReady("完了した受付は変更できません（再印刷はできます）")

    # --- move --------------------------------------------------------------------------------

    def set_move(self, kind: MoveKind, date: dt.date, previous_address: str,
                 new_address: str) -> None:
        self._editable()
        self.case.move = Move(kind, date, previous_address.strip(), new_address.strip())
        self._changed()

    # --- household ---------------------------------------------------------------------------

    def add_member(self, member: Member) -> None:
        self._editable()
        if not member.relationship:
            head = self.case.members[0] if self.case.members else None
            member.relationship = suggest_relationship(head, member)
        self.case.members.append(member)
        if (len(self.case.members) == 1 and self.case.move.kind is MoveKind.MOVE_IN
                and member.address and not self.case.move.previous_address):
            # On a move-in the address on the first card is where the household comes from.
            self.case.move.previous_address = member.address
        self._changed()

    def remove_member(self, index: int) -> None:
        self._editable()
        order = [i for i in range(len(self.case.members)) if i != index]
        del self.case.members[index]
        self._reindex_answers(order)
        self._changed()

    def move_member(self, index: int, offset: int) -> None:
        self._editable()
        target = index + offset
        if not 0 <= target < len(self.case.members):
            return
        order = list(range(len(self.case.members)))
        order[index], order[target] = order[target], order[index]
        members = self.case.members
        members[index], members[target] = members[target], members[index]
        self._reindex_answers(order)
        self._changed()

    def _reindex_answers(self, old_at_new: list[int]) -> None:
        """Per-member answers (and checklist marks) follow their member: `old_at_new[n]` is the
        old index now at n."""
        new_index = {old: new for new, old in enumerate(old_at_new)}
        for entry in self.case.checklist.values():
            entry.members = tuple(sorted(new_index[m] for m in entry.members if m in new_index))
        answers = {}
        for key, value in self.case.answers.items():
            match = _MEMBER_KEY.match(key)
            if not match:
                answers[key] = value
            elif int(match.group(1)) in new_index:
                answers[f"member.{new_index[int(match.group(1))]}.{match.group(2)}"] = value
        self.case.answers = answers

    def set_relationship(self, index: int, relationship: str) -> None:
        self._editable()
        self.case.members[index].relationship = relationship
        self._changed()

    # --- interview ---------------------------------------------------------------------------

    def prompts(self) -> list[Prompt]:
        """The questions the determination still needs, in the catalogue's order."""
        needed: dict[str, list[int]] = {}
        for key in self.determination.unanswered:
            match = _MEMBER_KEY.match(key)
            if match:
                needed.setdefault(match.group(2), []).append(int(match.group(1)))
            else:
                needed.setdefault(key, [])
        prompts = []
        for fact, question in self.catalogue.questions.items():
            if fact not in needed:
                continue
            spec = self.catalogue.facts[fact]
            members = needed[fact]
            if not members:
                prompts.append(Prompt(fact, question.text_ja, spec))
            elif question.sensitive and question.household_text_ja:
                prompts.append(Prompt(fact, question.household_text_ja, spec, tuple(members),
                                      asked_of_household=True))
            else:
                for i in members:
                    name = self.case.members[i].name.replace("\u3000", " ")
                    prompts.append(Prompt(fact, question.text_ja.format(name=name), spec, (i,)))
        return prompts

    def answer(self, key: str, value: object) -> None:
        self._editable()
        self.case.answers[key] = value
        self._changed()

    def answer_household(self, prompt: Prompt, chosen: set[int]) -> None:
        """A household-phrased yes/no question: yes for the chosen members, no for the rest."""
        self._editable()
        for i in prompt.members:
            self.case.answers[f"member.{i}.{prompt.fact}"] = i in chosen
        self._changed()

    # --- checklist and closing ---------------------------------------------------------------

    def set_status(self, procedure_id: str, status: ChecklistStatus, reason: str = "") -> None:
        self._editable()
        if status is ChecklistStatus.NOT_NEEDED and not reason.strip():
            raise ValueError("「不要」には理由を入力してください")
        chosen = self.determination.chosen(procedure_id)
        basis = concerned(chosen) if chosen else ()
        self.case.checklist[procedure_id] = ChecklistEntry(status, reason.strip(), basis)
        self._changed()

    def entry(self, procedure_id: str) -> ChecklistEntry:
        return self.case.checklist.get(procedure_id, ChecklistEntry())

    def unaddressed(self) -> list[str]:
        return [p.id for p in self.determination.procedures
                if self.entry(p.id).status is ChecklistStatus.PENDING]

    def record_output(self, form_ids: list[str], how: str, where: str,
                      at: dt.datetime | None = None) -> None:
        """The forms left the counter (printed, or saved as a PDF). A failed or cancelled
        job records nothing: its forms stay 未印刷."""
        when = at or dt.datetime.now(dt.UTC)
        for form_id in form_ids:
            self.case.prints[form_id] = PrintRecord(how, where, when)
        self._changed()

    def go_to(self, step: Step) -> None:
        self._editable()
        if step is not Step.MOVE:
            if not self.case.members:
                raise NotReady("世帯員を登録してください（カードを読むか、F3で手入力）")
            missing = [m.name for m in self.case.members if not m.relationship]
            if missing:
                raise NotReady(f"続柄を選んでください：{'、'.join(missing)}")
        self.case.step = step
        self._changed()

    def close(self) -> None:
        self._editable()
        if not self.case.members:
            raise NotReady("世帯員が登録されていません")
        if self.determination.unanswered:
            raise NotReady(f"聞き取りが終わっていません（残り{len(self.prompts())}問）")
        pending = self.unaddressed()
        if pending:
            titles = "、".join(self.determination.chosen(p).procedure.title_ja for p in pending)
            raise NotReady(f"未対応の手続があります：{titles}")
        self.case.status = CaseStatus.CLOSED
        self._changed()
