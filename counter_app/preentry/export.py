"""What the pre-entry page reads: one city's questions per move kind, its postal codes, eras.

The page does not run the rule engine (DESIGN.md, "Pre-entry"). For each move kind it gets the
questions a resident can answer, each with when it applies: to the household, or to the members
whose age, legal age, school grade or sex fall in simple ranges. Those ranges come from walking
the catalogue's condition trees: a fact is needed where the parts of the rule around it can
still decide nothing without it. A part that reads another asked fact might go either way, so
it does not narrow the question; a part the page cannot evaluate (a date, a comparison with
another fact, a choice among ages) makes the fact "not simple", and the counter asks it.
A fact the counter derives from what the page collects (the addresses' prefectures; the health
insurance of people 75 and over) is not asked at all.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counter_app.address import CityPostalCodes
from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.domain.era import EraTable
from counter_app.domain.facts import (
    PREFECTURES,
    RELATIONSHIPS,
    age,
    derived_case_facts,
    derived_member_facts,
)
from counter_app.preentry import codec
from counter_app.rules.catalogue import MOVE_KINDS, Catalogue
from counter_app.rules.conditions import FactSpec

FORMAT = 1
DATA_FILE = "city.json"  # under data/ in the page's folder
# Member facts the page knows for each member (from the birth date, the move date and the entry).
PAGE_INT_FACTS = ("age", "legal_age", "school_grade")
PAGE_TEXT_FACTS = ("sex", "relationship")
_NEGATE = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<",
           "in": "not_in", "not_in": "in"}

Comparison = tuple[str, str, Any]  # (fact, op, value) on a fact the page knows
Alternative = frozenset[Comparison]  # all must hold
TRUE: frozenset[Alternative] = frozenset({frozenset()})
FALSE: frozenset[Alternative] = frozenset()


class NotSimple(Exception):
    """A rule around the fact reads something the page cannot evaluate."""


@dataclass(frozen=True)
class _Walk:
    target: str
    facts: dict[str, FactSpec]
    settings: dict[str, Any]

    def needed(self, condition: Any) -> frozenset[Alternative]:
        """Where the outcome of `condition` can depend on the target fact."""
        if isinstance(condition, bool):
            return FALSE
        for key in ("not", "any_member"):
            if key in condition:
                return self.needed(condition[key])
        for key, keep in (("and", True), ("or", False)):
            if key in condition:
                parts = condition[key]
                found = FALSE
                for i, part in enumerate(parts):
                    inner = self.needed(part)
                    if not inner:
                        continue
                    # `and`: the others must be able to hold; `or`: to fail.
                    for j, other in enumerate(parts):
                        if j != i:
                            inner = _and(inner, self.possible(other, keep))
                    found = found | inner
                return found
        if condition["fact"] == self.target or condition.get("value") == {"fact": self.target}:
            return TRUE
        return FALSE

    def possible(self, condition: Any, holds: bool) -> frozenset[Alternative]:
        """Where `condition` can be true (`holds`) or false, as the page can tell."""
        if isinstance(condition, bool):
            return TRUE if condition == holds else FALSE
        if "not" in condition:
            return self.possible(condition["not"], not holds)
        if "any_member" in condition:
            raise NotSimple("a household condition on any member beside it")
        for key in ("and", "or"):
            if key in condition:
                parts = [self.possible(p, holds) for p in condition[key]]
                if (key == "and") == holds:  # all of them must come out this way
                    result = TRUE
                    for part in parts:
                        result = _and(result, part)
                    return result
                return frozenset().union(*parts)
        fact, op = condition["fact"], condition.get("op", "==")
        value = condition.get("value", True)
        spec = self.facts[fact]
        if spec.askable or fact == self.target:
            return TRUE  # an answer: it may go either way
        if isinstance(value, dict) and "setting" in value:
            value = self.settings[value["setting"]]
        if isinstance(value, dict) or fact not in PAGE_INT_FACTS + PAGE_TEXT_FACTS:
            raise NotSimple(f"it reads {fact}")
        if not holds:
            op = _NEGATE[op]
        if fact in PAGE_INT_FACTS and op not in ("==", "<", "<=", ">", ">="):
            raise NotSimple(f"{fact} {op} is not a range")
        return frozenset({frozenset({(fact, op, _hashable(value))})})


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _and(left: frozenset[Alternative], right: frozenset[Alternative]
         ) -> frozenset[Alternative]:
    return frozenset(a | b for a in left for b in right)


def _ranges(alternative: Alternative) -> dict[str, Any] | None:
    """{"legal_age": [20, 59], "sex": {"not_in": ["male"]}}; None if nobody can match."""
    out: dict[str, Any] = {}
    for fact, op, value in sorted(alternative, key=repr):
        if fact in PAGE_INT_FACTS:
            low, high = out.get(fact, [None, None])
            if op in (">", ">="):
                bound = value + (op == ">")
                low = bound if low is None else max(low, bound)
            if op in ("<", "<="):
                bound = value - (op == "<")
                high = bound if high is None else min(high, bound)
            if op == "==":
                low = value if low is None else max(low, value)
                high = value if high is None else min(high, value)
            if low is not None and high is not None and low > high:
                return None
            out[fact] = [low, high]
        else:
            values = set(value) if op in ("in", "not_in") else {value}
            entry = out.setdefault(fact, {})
            if op in ("==", "in"):
                entry["in"] = sorted(values & set(entry.get("in", values)))
                if not entry["in"]:
                    return None
            else:
                entry["not_in"] = sorted(values | set(entry.get("not_in", [])))
    return out


def _derived_ages(fact: str) -> list[int | None] | None:
    """The ages at which the counter derives a member fact for someone without a card read
    ([75, None] for health insurance); None if it never does."""
    moved = dt.date(2026, 4, 1)
    derived: list[int] = []
    for years in range(0, 121):
        born = dt.date(moved.year - years - 1, 12, 31)
        person = Member(name="x", birth_date=born, sex="female", relationship="世帯主",
                        source=MemberSource.MANUAL)
        case = Case(move=Move(kind=MoveKind.MOVE_IN, date=moved), members=[person])
        if fact in derived_member_facts(case, 0):
            derived.append(age(born, moved))
    if not derived:
        return None
    if derived != list(range(derived[0], derived[-1] + 1)):
        raise NotSimple("derived at scattered ages")
    return [derived[0], None if derived[-1] == 120 else derived[-1]]


def _derived_from_addresses(fact: str) -> bool:
    """The page always gives both addresses with their prefecture (unless moving abroad)."""
    case = Case(move=Move(kind=MoveKind.MOVE_IN, date=dt.date(2026, 4, 1),
                          previous_address="東京都千代田区", new_address="北海道あおば市"))
    return fact in derived_case_facts(case)


def applicability(catalogue: Catalogue, move_kind: str, fact: str
                  ) -> list[dict[str, Any]] | None:
    """Alternatives of member ranges under which the fact is asked ([{}]: always); for a
    household fact, of some member. [] if no rule of this move reads it."""
    walk = _Walk(fact, catalogue.facts, catalogue.city.settings)
    found = FALSE
    for procedure in catalogue.procedures:
        if move_kind not in procedure.move_kinds:
            continue
        found = found | walk.needed(procedure.when.to_json())
        for document in procedure.documents:
            in_document = walk.needed(document.when.to_json())
            if in_document:  # asked only where the procedure itself can apply
                found = found | _and(in_document, walk.possible(procedure.when.to_json(), True))
    alternatives = [r for r in (_ranges(a) for a in found) if r is not None]
    if alternatives and catalogue.facts[fact].scope == "member":
        ages = _derived_ages(fact)
        if ages is not None:
            alternatives = [narrowed for a in alternatives
                            if (narrowed := _without_ages(a, ages)) is not None]
    if {} in alternatives:
        return [{}]
    unique: list[dict[str, Any]] = []
    for alternative in sorted(alternatives, key=lambda a: json.dumps(a, sort_keys=True)):
        if alternative not in unique:
            unique.append(alternative)
    # An alternative that a wider one contains adds nobody: {age ≤ 74, legal age ≥ 65} beside
    # {age ≤ 74}.
    return [a for a in unique if not any(b != a and _contains(b, a) for b in unique)]


def _contains(wide: dict[str, Any], narrow: dict[str, Any]) -> bool:
    """Whether everyone `narrow` matches is matched by `wide`."""
    for fact, condition in wide.items():
        if fact not in narrow:
            return False
        inner = narrow[fact]
        if isinstance(condition, list):
            low, high = condition
            if low is not None and (inner[0] is None or inner[0] < low):
                return False
            if high is not None and (inner[1] is None or inner[1] > high):
                return False
            continue
        if "in" in condition and not set(inner.get("in", [None])) <= set(condition["in"]):
            return False
        allowed = set(inner["in"]) if "in" in inner else None
        for value in condition.get("not_in", []):
            if value not in inner.get("not_in", []) and (allowed is None or value in allowed):
                return False
    return True


def _without_ages(alternative: dict[str, Any], derived: list[int | None]
                  ) -> dict[str, Any] | None:
    """Narrow an alternative to the ages at which the fact is not derived (derived: [low, high]
    with low > 0 and high open, as for health insurance)."""
    low, high = derived
    if high is not None or not low:
        raise NotSimple("derived for a closed range of ages")
    narrowed = dict(alternative)
    age_low, age_high = narrowed.get("age", [None, None])
    age_high = low - 1 if age_high is None else min(age_high, low - 1)
    if age_low is not None and age_low > age_high:
        return None
    narrowed["age"] = [age_low, age_high]
    return narrowed


def page_questions(catalogue: Catalogue, move_kind: str
                   ) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The questions of one move kind the page asks, and those left to the counter (why)."""
    asked, left = [], []
    for fact, question in catalogue.questions.items():
        spec = catalogue.facts[fact]
        if not spec.askable:
            continue
        try:
            if spec.scope == "case" and _derived_from_addresses(fact):
                continue
            alternatives = applicability(catalogue, move_kind, fact)
        except NotSimple as why:
            left.append({"fact": fact, "reason": str(why)})
            continue
        if not alternatives:
            continue
        entry: dict[str, Any] = {
            "fact": fact, "scope": "household" if spec.scope == "case" else "member",
            "type": spec.type, "label_ja": spec.label_ja, "text_ja": question.text_ja,
            "sensitive": question.sensitive,
            "members": None if spec.scope == "case" and alternatives == [{}] else alternatives,
        }
        if question.household_text_ja:
            entry["household_text_ja"] = question.household_text_ja
        if spec.choices:
            entry["choices"] = [{"value": v, "label_ja": label} for v, label in spec.choices]
        asked.append(entry)
    return asked, left


def page_data(catalogue: Catalogue, postal: CityPostalCodes, eras: EraTable) -> dict[str, Any]:
    """The JSON document the page loads (data/city.json)."""
    moves = {}
    for kind in MOVE_KINDS:
        questions, left = page_questions(catalogue, kind)
        moves[kind] = {"label_ja": MoveKind(kind).label, "questions": questions,
                       "left_to_counter": left}
    return {
        "format": FORMAT,
        "city": {"name_ja": postal.city_ja, "name_kana": postal.city_kana,
                 "name_en": postal.city_en, "prefecture_ja": postal.prefecture_ja,
                 "catalogue_version": catalogue.version},
        "payload": {"prefix": codec.PREFIX, "version": codec.VERSION,
                    "fact_codes": list(codec.FACT_CODES), "max_members": codec.MAX_MEMBERS,
                    "kinds": list(codec.KINDS), "sexes": list(codec.SEXES)},
        "eras": [{"name": e.name, "letter": e.letter, "first_day": e.first_day.isoformat(),
                  "last_day": _iso(eras.last_day(e))} for e in reversed(eras.eras)],
        "prefectures": list(PREFECTURES),
        "relationships": list(RELATIONSHIPS),
        "towns": [{"postal_code": t.postal_code, "town_ja": t.town_ja, "town_kana": t.town_kana,
                   "town_en": t.town_en} for t in postal.towns],
        "moves": moves,
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def page_files(source: Path) -> Iterable[Path]:
    """The page's static files (relative paths), without the exported data."""
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and relative.parts[0] != "data" and "__pycache__" not in relative.parts:
            yield relative


def write_page(out: Path, source: Path, data: dict[str, Any]) -> list[Path]:
    """The page ready to publish: its static files and the city's data, in `out`."""
    written = []
    for relative in page_files(source):
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target)
        written.append(relative)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "data" / DATA_FILE).write_text(to_json(data), encoding="utf-8")
    written.append(Path("data") / DATA_FILE)
    return written
