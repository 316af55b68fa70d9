"""Determination: which procedures a case needs, for whom, by when, and why.

Facts come from the case (derived, never asked) and from its answers. A procedure whose rule
needs an unanswered fact is neither chosen nor dropped: the fact is listed in `unanswered`,
which is exactly what the interview asks next.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain import Case, CaseFormatError
from counter_app.domain.calendar import CityCalendar
from counter_app.domain.facts import derived_case_facts, derived_member_facts, grade_label
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
            "deadline_note": p.deadline.text_ja if p.deadline else None,
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


def case_facts(case: Case, catalogue: Catalogue) -> Facts:
    case_level = {k: v for k, v in case.answers.items() if not k.startswith("member.")}
    case_level.update(derived_case_facts(case))  # derived facts win over answers
    members = []
    for i in range(len(case.members)):
        prefix = f"member.{i}."
        facts = {k[len(prefix):]: v for k, v in case.answers.items() if k.startswith(prefix)}
        facts.update(derived_member_facts(case, i))  # allowance_claimant included
        members.append(facts)
    return Facts(case_level, members, catalogue.city.settings)


def determine(case: Case, catalogue: Catalogue, filing_date: dt.date | None = None
              ) -> Determination:
    """The procedures this case needs. `filing_date` (default: the move date) anchors
    deadlines counted from the day of filing."""
    check_answers(case, catalogue)
    chosen: list[ChosenProcedure] = []
    missing: set[str] = set()
    if case.move is None:
        return Determination(chosen, [])
    # Move rules see the moving members only (not someone who joins them but stays put).
    moving = [i for i, m in enumerate(case.members) if m.moves]
    facts = case_facts(case, catalogue).within(moving)
    filed = filing_date or case.move.date
    for procedure in catalogue.procedures:
        if not procedure.applies_to(case):
            continue
        if procedure.who == "household":
            if not moving:
                continue
            contexts = [facts]
        else:
            contexts = [facts.for_member(i) for i in moving]
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
        chosen.append(ChosenProcedure(procedure, members,
                                      _deadline(procedure, case, filed, catalogue.city.calendar),
                                      checks, documents))
    return Determination(chosen, sorted(missing, key=_key_order))


def _deadline(procedure: Procedure, case: Case, filed: dt.date,
              calendar: CityCalendar) -> dt.date | None:
    """The last day as a date, moved past the city's closed days (地方自治法 4条の2 ④)."""
    deadline = procedure.deadline
    if deadline is None or deadline.days is None:
        return None
    start = filed if deadline.counts_from == "filing_date" else case.date
    try:
        return calendar.deadline(start, deadline.days, deadline.counts_first_day)
    except OverflowError:
        return None  # beyond the calendar (year 9999): no date rather than a crash


def _key_order(key: str) -> tuple[int, int, str]:
    match = _MEMBER_KEY.match(key)
    return (1, int(match.group(1)), match.group(2)) if match else (0, 0, key)
