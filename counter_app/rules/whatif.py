"""What-if: test households run against a catalogue, each difference with the rules' reasons.

A test household (DESIGN.md) is a case file plus `"expected": [[procedure_id, [member
indexes]], …]` (`[]` for a household row) and, optionally, `"expected_unanswered"`: the
questions still open. Running one is a determination; every difference from `expected` is a
missing procedure, an extra one, or one chosen for other members, with why the rules decided
so: the facts the rule read for those members, or the reasons it held.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.domain import Case, CaseFormatError
from counter_app.domain.text import display_name
from counter_app.rules.catalogue import Catalogue, Procedure
from counter_app.rules.conditions import Check, Facts, FactSpec
from counter_app.rules.engine import (
    ChosenProcedure,
    Determination,
    determine,
    rule_facts,
    value_ja,
)

MAX_HOUSEHOLD_BYTES = 1024 * 1024  # a household is a few KB


class HouseholdError(ValueError):
    """A test household file that cannot be read; `path` names the place in it."""

    def __init__(self, name: str, path: str, problem: str) -> None:
        super().__init__(f"{name}: {path}: {problem}")
        self.name = name
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class TestHousehold:
    name: str
    case: Case
    expected: tuple[tuple[str, tuple[int, ...]], ...]
    expected_unanswered: tuple[str, ...] | None
    data: Mapping[str, Any]  # the file as read, for storing with a catalogue version

    __test__ = False  # not a pytest class

    @classmethod
    def from_dict(cls, name: str, data: Any) -> TestHousehold:
        if not isinstance(data, dict):
            raise HouseholdError(name, "(root)", "expected a JSON object")
        try:
            case = Case.from_dict(data)
        except CaseFormatError as exc:
            raise HouseholdError(name, exc.field, exc.problem) from None
        rows = data.get("expected")
        if not isinstance(rows, list):
            raise HouseholdError(name, "expected", "a list of [procedure id, [member indexes]]")
        expected = []
        for i, row in enumerate(rows):
            if not (isinstance(row, list) and len(row) == 2 and isinstance(row[0], str)
                    and isinstance(row[1], list)
                    and all(isinstance(m, int) and not isinstance(m, bool)
                            and 0 <= m < len(case.members) for m in row[1])):
                raise HouseholdError(name, f"expected[{i}]",
                                     "[procedure id, [member indexes of this household]]")
            expected.append((row[0], tuple(sorted(row[1]))))
        if len({procedure for procedure, _ in expected}) != len(expected):
            raise HouseholdError(name, "expected", "a procedure listed twice")
        unanswered = data.get("expected_unanswered")
        if unanswered is not None and not (isinstance(unanswered, list)
                                           and all(isinstance(k, str) for k in unanswered)):
            raise HouseholdError(name, "expected_unanswered", "a list of answer keys")
        return cls(name, case, tuple(sorted(expected)),
                   tuple(unanswered) if unanswered is not None else None, data)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "household": dict(self.data)}


def load_households(directory: Path) -> list[TestHousehold]:
    """Every `*.json` of the directory, by name. A file that cannot be read is a
    HouseholdError naming it (and, for a bad case file, the field)."""
    if not directory.is_dir():
        raise HouseholdError(str(directory), "(directory)", "is not a directory")
    return [read_household(path) for path in sorted(directory.glob("*.json"))]


def read_household(path: Path) -> TestHousehold:
    name = path.stem
    try:
        if not path.is_file() or os.path.getsize(path) > MAX_HOUSEHOLD_BYTES:
            raise HouseholdError(name, "(file)", "not a regular file of at most 1 MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        if isinstance(exc, HouseholdError):
            raise
        raise HouseholdError(name, "(file)", f"cannot be read as JSON: {exc}") from None
    return TestHousehold.from_dict(name, data)


def shipped_households() -> list[dict[str, Any]]:
    """The test households shipped with the default catalogue, as stored with a version."""
    from counter_app.bundled import resource

    directory = Path(str(resource("catalogue", "households")))
    return [h.to_json() for h in load_households(directory)]


def households_from_json(items: Iterable[Any]) -> list[TestHousehold]:
    """Households as stored with a catalogue version: [{"name", "household"}, …]."""
    found = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise HouseholdError(f"households[{i}]", "name", "expected {\"name\", \"household\"}")
        found.append(TestHousehold.from_dict(item["name"], item.get("household")))
    return found


@dataclass(frozen=True)
class Difference:
    """One way a household came out other than expected."""

    kind: str  # missing, extra, members, unanswered, error
    procedure: str | None
    expected: tuple[int, ...] | None = None  # members (for a procedure row), or the answer keys
    got: tuple[int, ...] | None = None
    reasons: tuple[str, ...] = ()  # from the rules, for people: facts and values
    reasons_ja: tuple[str, ...] = ()
    unanswered: tuple[str, ...] = ()  # for `unanswered`: (expected…) vs `detail`
    detail: str = ""

    def describe(self) -> str:
        """One line for the command line."""
        why = f" — {'; '.join(self.reasons)}" if self.reasons else ""
        if self.kind == "missing":
            return f"missing {self.procedure} {_members(self.expected)}{why}"
        if self.kind == "extra":
            return f"extra {self.procedure} {_members(self.got)}{why}"
        if self.kind == "members":
            return (f"{self.procedure}: {_members(self.got)}, expected "
                    f"{_members(self.expected)}{why}")
        if self.kind == "unanswered":
            return f"questions still open: {self.detail}, expected {list(self.unanswered)}"
        return f"cannot be determined: {self.detail}"


def _members(members: tuple[int, ...] | None) -> str:
    return "(household)" if not members else "members " + ", ".join(map(str, members))


@dataclass(frozen=True)
class HouseholdResult:
    household: TestHousehold
    differences: tuple[Difference, ...]

    @property
    def passed(self) -> bool:
        return not self.differences


def run_households(catalogue: Catalogue, households: Sequence[TestHousehold]
                   ) -> list[HouseholdResult]:
    """Each household against the catalogue, in the order given."""
    return [run_household(catalogue, household) for household in households]


def run_household(catalogue: Catalogue, household: TestHousehold) -> HouseholdResult:
    case = household.case
    try:
        result = determine(case, catalogue, case.filed_on)
    except CaseFormatError as exc:  # an answer the catalogue does not know (any more)
        return HouseholdResult(household, (Difference("error", None,
                                                      detail=f"{exc.field}: {exc.problem}"),))
    return HouseholdResult(household, tuple(_differences(catalogue, household, result)))


def _differences(catalogue: Catalogue, household: TestHousehold, result: Determination
                 ) -> list[Difference]:
    case = household.case
    names = [display_name(m.name) for m in case.members]
    got = {p.id: p for p in result.procedures}
    expected = dict(household.expected)
    found = []
    for procedure_id, members in household.expected:
        chosen = got.get(procedure_id)
        if chosen is None:
            why, why_ja = _why_not(catalogue, procedure_id, members, case, names)
            found.append(Difference("missing", procedure_id, members, None, why, why_ja))
            continue
        if tuple(sorted(chosen.members)) != members:
            have = tuple(sorted(chosen.members))
            extra = tuple(m for m in have if m not in members)
            lacking = tuple(m for m in members if m not in have)
            why, why_ja = _why_not(catalogue, procedure_id, lacking, case, names)
            held = _held(chosen, [c for c in chosen.checks if c.member in extra])
            found.append(Difference(
                "members", procedure_id, members, have,
                why + tuple(held.reasons() if held.checks else ()),
                why_ja + tuple(held.reasons_ja(catalogue, names) if held.checks else ())))
    for chosen in result.procedures:
        if chosen.id not in expected:
            found.append(Difference("extra", chosen.id, None, tuple(sorted(chosen.members)),
                                    tuple(chosen.reasons()),
                                    tuple(chosen.reasons_ja(catalogue, names))))
    wanted = household.expected_unanswered
    if wanted is not None and list(wanted) != result.unanswered:
        found.append(Difference("unanswered", None, unanswered=wanted,
                                detail=str(result.unanswered)))
    return found


def _held(chosen: ChosenProcedure, checks: list[Check]) -> ChosenProcedure:
    """The chosen procedure with only these reasons (those of the members not expected)."""
    return ChosenProcedure(chosen.procedure, chosen.members, chosen.deadline, checks)


def _why_not(catalogue: Catalogue, procedure_id: str, members: tuple[int, ...], case: Case,
             names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Why the rules did not choose the procedure (for these members): it is not in the
    catalogue, not for this kind of move or event, or the facts its rule reads, with their
    values. A procedure for both a move and an event is explained by the rule that applies."""
    entries = [p for p in catalogue.procedures if p.id == procedure_id]
    if not entries:
        return ("the catalogue has no such procedure",), ("この手続はルールにありません",)
    procedure = next((p for p in entries if p.applies_to(case)), None)
    if procedure is None:
        kinds = ", ".join(k for p in entries for k in p.kinds)
        return (f"it is for {kinds}",), (f"この異動・出来事の種類では対象外です（{kinds}）",)
    scoped = rule_facts(case, catalogue, procedure)
    moving = scoped.scope
    contexts = [(None, scoped)] if procedure.who == "household" else \
        [(i, scoped.for_member(i)) for i in members]
    lines, lines_ja = [], []
    for member, context in contexts:
        outcome = procedure.when.evaluate(context)
        prefix = f"member {member}: " if member is not None else ""
        who = names[member] if member is not None else "世帯"
        if member is not None and member not in moving:
            lines.append(f"{prefix}does not move")
            lines_ja.append(f"{who}：異動しない方です")
        elif outcome.value is None:
            lines.append(f"{prefix}unanswered {', '.join(sorted(outcome.missing))}")
            lines_ja.append(f"{who}：未回答の質問があります")
        else:
            values = _values(procedure, context, catalogue)
            lines.append(f"{prefix}rule is false with " +
                         ", ".join(f"{k} = {_show(v)}" for k, v, _ in values))
            lines_ja.append(f"{who}：" + "、".join(f"{spec.label_ja} {value_ja(spec, value)}"
                                                    for _, value, spec in values))
    return tuple(lines), tuple(lines_ja)


def _values(procedure: Procedure, context: Facts, catalogue: Catalogue
            ) -> list[tuple[str, Any, FactSpec]]:
    found = []
    for key in sorted(procedure.when.facts_read()):
        if "." not in key and context.member is None:
            continue  # a member fact under any_member: one value per member, left out
        known, value = context.lookup(key)
        found.append((key, value if known else None, catalogue.facts[key]))
    return found


def _show(value: Any) -> str:
    if value is None:
        return "(unanswered)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
