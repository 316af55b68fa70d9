"""The procedure catalogue: facts, questions, forms, procedures and city settings, as data.

Loaded from JSON (the default ships in resources/catalogue/default.json; supervisors edit,
export and import their city's) and validated whole on load: a bad catalogue never half-loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain.calendar import CalendarSpecError, CityCalendar
from counter_app.rules.conditions import FactSpec, RuleError, condition_facts, validate

WHO = ("household", "member")
MOVE_KINDS = ("move_in", "move_within", "move_out")
DEADLINE_FROM = ("move_date", "filing_date")


@dataclass(frozen=True)
class Question:
    fact: str
    text_ja: str  # may hold {name} for member questions
    household_text_ja: str = ""  # sensitive questions are asked of the household as a whole
    sensitive: bool = False


@dataclass(frozen=True)
class Document:
    text_ja: str
    when: Any = True
    issued: bool = False  # handed to the resident today (a certificate), not something to bring


@dataclass(frozen=True)
class Procedure:
    id: str
    title_ja: str
    section: str
    who: str
    move_kinds: tuple[str, ...]
    when: Any
    forms: tuple[str, ...]
    deadline: dict[str, Any] | None
    documents: tuple[Document, ...] = ()
    guide_ja: str = ""
    visit: bool = True  # False: a notice only, nothing to do at a counter (選挙人名簿, …)


@dataclass(frozen=True)
class Section:
    name_ja: str
    counter_ja: str
    floor_ja: str = ""


@dataclass(frozen=True)
class City:
    name_ja: str
    prefecture_ja: str
    settings: dict[str, Any]
    sections: tuple[Section, ...]
    # Closed days: a dated deadline that falls on one moves to the next open day.
    calendar: CityCalendar = field(default_factory=CityCalendar.default)

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name_ja == name)


@dataclass
class Catalogue:
    city: City
    facts: dict[str, FactSpec]
    questions: dict[str, Question]
    forms: dict[str, str]
    procedures: list[Procedure]
    version: int = 1
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_json(cls, text: str) -> Catalogue:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleError("(file)", f"not JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalogue:
        try:
            catalogue = _build(data)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, RuleError):
                raise
            raise RuleError("(catalogue)", f"malformed: {type(exc).__name__}: {exc}") from None
        catalogue.validate()
        return catalogue

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=1) + "\n"

    def validate(self) -> None:
        settings = self.city.settings
        sections = {s.name_ja for s in self.city.sections}
        for key in self.questions:
            if key not in self.facts:
                raise RuleError(f"questions.{key}", "question for an unknown fact")
        seen: set[str] = set()
        for i, procedure in enumerate(self.procedures):
            path = f"procedures[{i}]"
            if procedure.id in seen:
                raise RuleError(f"{path}.id", f"duplicate procedure id {procedure.id!r}")
            seen.add(procedure.id)
            if procedure.who not in WHO:
                raise RuleError(f"{path}.who", f"must be one of {', '.join(WHO)}")
            bad_kinds = set(procedure.move_kinds) - set(MOVE_KINDS)
            if bad_kinds or not procedure.move_kinds:
                raise RuleError(f"{path}.move_kinds", f"must be some of {', '.join(MOVE_KINDS)}")
            if procedure.section not in sections:
                raise RuleError(f"{path}.section", f"unknown section {procedure.section!r}")
            for form in procedure.forms:
                if form not in self.forms:
                    raise RuleError(f"{path}.forms", f"unknown form {form!r}")
            in_member = procedure.who == "member"
            validate(procedure.when, f"{path}.when", self.facts, settings, in_member)
            for j, document in enumerate(procedure.documents):
                validate(document.when, f"{path}.documents[{j}].when", self.facts, settings,
                         in_member)
            _validate_deadline(procedure.deadline, f"{path}.deadline")
            conditions = [(f"{path}.when", procedure.when)] + [
                (f"{path}.documents[{j}].when", d.when) for j, d in enumerate(procedure.documents)]
            for where, condition in conditions:
                for key in condition_facts(condition):
                    spec = self.facts[key]
                    if spec.askable and key not in self.questions:
                        # Unanswerable, it would hold the interview open for ever.
                        raise RuleError(where, f"{key} may need asking but has no question")

    def check_forms(self, templates: Iterable[str]) -> None:
        """Every form a procedure prints has a template (checked at start-up, not at print)."""
        missing = sorted(set(self.forms) - set(templates))
        if missing:
            raise RuleError("forms", f"no template for {', '.join(missing)}")


def _validate_deadline(deadline: dict[str, Any] | None, path: str) -> None:
    if deadline is None:
        return
    if "days" in deadline:
        days = deadline["days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 3650:
            raise RuleError(f"{path}.days", "a whole number of days (0 to 3650)")
        if deadline.get("from", "move_date") not in DEADLINE_FROM:
            raise RuleError(f"{path}.from", f"one of {', '.join(DEADLINE_FROM)}")
        inclusive = deadline.get("inclusive", False)
        if not isinstance(inclusive, bool) or (inclusive and days < 1):
            raise RuleError(f"{path}.inclusive", "true (the first day counts) or false")
    elif not isinstance(deadline.get("text_ja"), str):
        raise RuleError(path, "{\"days\": N, \"from\": …} or {\"text_ja\": …}")


def _build(data: dict[str, Any]) -> Catalogue:
    city_data = data["city"]
    try:
        calendar = CityCalendar.from_json(city_data.get("calendar", {}), "city.calendar")
    except CalendarSpecError as exc:
        raise RuleError(exc.path, exc.problem) from None
    city = City(
        name_ja=city_data["name_ja"],
        prefecture_ja=city_data.get("prefecture_ja", ""),
        settings=dict(city_data.get("settings", {})),
        sections=tuple(Section(s["name_ja"], s["counter_ja"], s.get("floor_ja", ""))
                       for s in city_data["sections"]),
        calendar=calendar,
    )
    facts = {}
    for f in data["facts"]:
        facts[f["key"]] = FactSpec(
            key=f["key"], scope=f["scope"], type=f["type"], label_ja=f["label_ja"],
            source=f["source"],
            choices=tuple((c["value"], c["label_ja"]) for c in f.get("choices", [])))
    questions = {q["fact"]: Question(q["fact"], q["text_ja"], q.get("household_text_ja", ""),
                                     bool(q.get("sensitive", False)))
                 for q in data["questions"]}
    procedures = [
        Procedure(
            id=p["id"], title_ja=p["title_ja"], section=p["section"], who=p["who"],
            move_kinds=tuple(p["move_kinds"]), when=p["when"], forms=tuple(p.get("forms", [])),
            deadline=p.get("deadline"),
            documents=tuple(Document(d["text_ja"], d.get("when", True),
                                     _flag(d, "issued", False))
                            for d in p.get("documents", [])),
            guide_ja=p.get("guide_ja", ""),
            visit=_flag(p, "visit", True),
        )
        for p in data["procedures"]
    ]
    return Catalogue(city, facts, questions, dict(data.get("forms", {})), procedures,
                     int(data.get("version", 1)), data)


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise RuleError(key, "true or false")
    return value


def default_catalogue() -> Catalogue:
    from counter_app.bundled import resource

    return Catalogue.from_json(resource("catalogue", "default.json").read_text(encoding="utf-8"))
