"""Determination: which procedures a case needs, for whom, by when, and why.

Facts come from the case (derived, never asked) and from its answers. A procedure whose rule
needs an unanswered fact is neither chosen nor dropped: the fact is listed in `unanswered`,
which is exactly what the interview asks next.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import Any

from counter_app.domain import Case, CaseFormatError
from counter_app.domain.calendar import CityCalendar
from counter_app.domain.facts import (
    SUBJECT_FACTS,
    death_subject,
    derived_case_facts,
    derived_member_facts,
    grade_label,
    moving_members,
)
from counter_app.rules.catalogue import Catalogue, Document, Procedure
from counter_app.rules.conditions import OP_SYMBOLS, Check, Facts, FactSpec

_MEMBER_KEY = re.compile(r"^member\.(\d+)\.(.+)$")


@dataclass
class ChosenProcedure:
    procedure: Procedure
    members: list[int]  # empty for a household procedure
    deadline: dt.date | None
    checks: list[Check]
    documents: list[Document] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.procedure.id

    def reasons(self) -> list[str]:
        if not self.checks:
            return ["always"]
        return [_reason(check) for check in self.checks]

    def reasons_ja(self, catalogue: Catalogue, member_names: list[str]) -> list[str]:
        """The reasons in words for staff: 「北見 花子：加入する健康保険 国民健康保険」."""
        if not self.checks:
            return ["この異動では必ず必要です"]
        lines = []
        for check in self.checks:
            spec = catalogue.facts.get(check.key)
            label = spec.label_ja if spec else check.key
            if spec and spec.type == "bool":
                text = label if check.actual else f"{label}ではない"
            else:
                text = f"{label} {value_ja(spec, check.actual)}"
            who = member_names[check.member] if check.member is not None else "世帯"
            line = f"{who}：{text}"
            if line not in lines:
                lines.append(line)
        return lines

    def to_json(self) -> dict[str, Any]:
        p = self.procedure
        return {
            "id": p.id, "title": p.title_ja, "section": p.section, "members": self.members,
            "forms": list(p.forms),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            # The words where there is no date (「速やかに」, a 協議離婚's none).
            "deadline_note": p.deadline.text_ja if p.deadline and not self.deadline else None,
            "documents": [d.text_ja for d in self.documents if not d.issued],
            "issued": [d.text_ja for d in self.documents if d.issued],
            "reasons": self.reasons(),
        }


@dataclass
class Determination:
    procedures: list[ChosenProcedure]
    unanswered: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"procedures": [p.to_json() for p in self.procedures],
                "unanswered": self.unanswered}

    def chosen(self, procedure_id: str) -> ChosenProcedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)


AGE_FACTS = frozenset({"age", "legal_age"})


def value_ja(spec: FactSpec | None, value: object) -> str:
    """A fact's value for staff: 36歳, 小学3年, 国民健康保険, はい."""
    if value is None:
        return "未回答"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if spec is not None and spec.key == "school_grade" and isinstance(value, int):
        return grade_label(value)
    if spec is not None and spec.key in AGE_FACTS:
        return f"{value}歳"
    if spec is not None and spec.type == "choice":
        return spec.choice_label(value)
    return str(value)


def _reason(check: Check) -> str:
    prefix = f"member {check.member}: " if check.member is not None else ""
    if check.op == "==" and check.expected == check.actual:
        return f"{prefix}{check.key} = {_show(check.actual)}"
    return (f"{prefix}{check.key} = {_show(check.actual)} "
            f"({OP_SYMBOLS.get(check.op, check.op)} {_show(check.expected)})")


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_show(v) for v in value) + "}"
    return str(value)


def check_answers(case: Case, catalogue: Catalogue) -> None:
    """Every answer names a known fact of the right scope and holds a value of its type."""
    for key, value in case.answers.items():
        match = _MEMBER_KEY.match(key)
        if match:
            index, fact = int(match.group(1)), match.group(2)
            if index >= len(case.members):
                raise CaseFormatError(f"answers.{key}", f"there is no member {index}")
            scope = "member"
        else:
            fact, scope = key, "case"
        spec = catalogue.facts.get(fact)
        if spec is None or spec.scope != scope:
            raise CaseFormatError(f"answers.{key}", "not a fact of the catalogue")
        if spec.source in ("derived", "case"):
            raise CaseFormatError(f"answers.{key}", "derived from the case, never answered")
        if not spec.accepts(value):
            allowed = ", ".join(v for v, _ in spec.choices) if spec.choices else spec.type
            raise CaseFormatError(f"answers.{key}", f"{value!r} is not one of {allowed}")


def case_facts(case: Case, catalogue: Catalogue, on: dt.date | None = None) -> Facts:
    """Every fact of the case, member facts derived on the day `on` (default: the case's
    date: the move's, else the event's)."""
    case_level = {k: v for k, v in case.answers.items() if not k.startswith("member.")}
    case_level.update(derived_case_facts(case))  # derived facts win over answers
    members = []
    for i in range(len(case.members)):
        prefix = f"member.{i}."
        facts = {k[len(prefix):]: v for k, v in case.answers.items() if k.startswith(prefix)}
        facts.update(derived_member_facts(case, i, on))  # allowance_claimant included
        members.append(facts)
    subject = death_subject(case)
    aliases = {} if subject is None else {
        key: (subject, fact) for key, fact in SUBJECT_FACTS.items()}
    return Facts(case_level, members, catalogue.city.settings, aliases=aliases)


def rule_facts(case: Case, catalogue: Catalogue, procedure: Procedure) -> Facts:
    """The facts a procedure's rule sees: a move's rules the moving members on the move's
    date, a life event's every member of the case on the event's date (LIFE_EVENTS.md)."""
    if procedure.for_event:
        assert case.event is not None
        return case_facts(case, catalogue, case.event.date)
    assert case.move is not None
    return case_facts(case, catalogue, case.move.date).within(moving_members(case))


def determine(case: Case, catalogue: Catalogue, filing_date: dt.date | None = None
              ) -> Determination:
    """The procedures this case needs. `filing_date` (default: the move date, else the event
    date) anchors deadlines counted from the day of filing.

    A move and a life event in one case: both rule sets are applied, and a procedure both
    choose is one row with the members of both and the earlier deadline."""
    check_answers(case, catalogue)
    chosen: dict[str, ChosenProcedure] = {}
    missing: set[str] = set()
    facts: dict[bool, Facts] = {}  # for an event's rules (True) or the move's (False)
    if case.move is not None:
        facts[False] = case_facts(case, catalogue, case.move.date).within(moving_members(case))
    if case.event is not None:
        facts[True] = case_facts(case, catalogue, case.event.date)
    each_member = {event: [scoped.for_member(i) for i in scoped.scope]
                   for event, scoped in facts.items()}
    filed = filing_date or case.date
    for procedure in catalogue.procedures:
        if not procedure.applies_to(case):
            continue
        scoped = facts[procedure.for_event]
        if procedure.who == "household":
            if not scoped.scope:
                continue  # a move row needs someone who moves
            contexts = [scoped]
        else:
            contexts = each_member[procedure.for_event]
        members, checks, documents = [], [], []
        applies = False
        for context in contexts:
            outcome = procedure.when.evaluate(context)
            if outcome.value is None:
                missing |= outcome.missing
            elif outcome.value:
                applies = True
                if context.member is not None:
                    members.append(context.member)
                checks.extend(outcome.checks)
                for document in procedure.documents:
                    needed = document.when.evaluate(context)
                    if needed.value is None:
                        missing |= needed.missing
                    elif needed.value and document not in documents:
                        documents.append(document)
        if not applies:
            continue
        deadline, unknown = _deadline(procedure, case, filed, catalogue.city.calendar, scoped)
        missing |= unknown
        row = ChosenProcedure(procedure, members, deadline, checks, documents)
        earlier = chosen.get(procedure.id)
        chosen[procedure.id] = row if earlier is None else _joined(earlier, row)
    _drop_replaced(chosen)
    return Determination(list(chosen.values()), sorted(missing, key=_key_order))


def _drop_replaced(chosen: dict[str, ChosenProcedure]) -> None:
    """Members a procedure chooses leave the rows it replaces (the same procedure under the
    other rule set's id); a member row left with nobody goes."""
    for row in list(chosen.values()):
        for replaced in row.procedure.replaces:
            other = chosen.get(replaced)
            if other is None or other.procedure.who != "member" or not row.members:
                continue
            kept = [m for m in other.members if m not in row.members]
            if not kept:
                del chosen[replaced]
            elif kept != other.members:
                chosen[replaced] = replace(other, members=kept, checks=[
                    c for c in other.checks if c.member not in row.members])


def _joined(first: ChosenProcedure, second: ChosenProcedure) -> ChosenProcedure:
    """One row for a procedure chosen by the move's rules and the event's: the members of
    both, the earlier deadline, the reasons and documents of both."""
    dates = [d for d in (first.deadline, second.deadline) if d is not None]
    return ChosenProcedure(
        first.procedure, sorted(set(first.members) | set(second.members)),
        min(dates) if dates else None, first.checks + second.checks,
        first.documents + [d for d in second.documents if d not in first.documents])


def _deadline(procedure: Procedure, case: Case, filed: dt.date, calendar: CityCalendar,
              facts: Facts) -> tuple[dt.date | None, set[str]]:
    """The last day as a date, moved past the city's closed days (地方自治法 4条の2 ④), and
    the facts its condition still needs."""
    deadline = procedure.deadline
    if deadline is None or deadline.days is None:
        return None, set()
    if deadline.when is not None:
        outcome = deadline.when.evaluate(facts)
        if not outcome.value:
            return None, outcome.missing
    start = _start(deadline.start, procedure, case, filed)
    try:
        return calendar.deadline(start, deadline.days, deadline.counts_first_day), set()
    except OverflowError:
        return None, set()  # beyond the calendar (year 9999): no date rather than a crash


def _start(start: str | None, procedure: Procedure, case: Case, filed: dt.date) -> dt.date:
    """The day a deadline counts from: by default the rule set's own (move or event) day."""
    if start == "filing_date":
        return filed
    if procedure.for_event:
        assert case.event is not None
        if start == "known_date":
            return case.event.known_date or case.event.date
        return case.event.date
    assert case.move is not None
    return case.move.date


def _key_order(key: str) -> tuple[int, int, str]:
    match = _MEMBER_KEY.match(key)
    return (1, int(match.group(1)), match.group(2)) if match else (0, 0, key)
