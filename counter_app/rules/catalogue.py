"""The procedure catalogue: facts, questions, forms, procedures and city settings, as data.

Loaded from JSON (the default ships in resources/catalogue/default.json; supervisors edit,
export and import their city's) and validated whole on load: a bad catalogue never half-loads,
and every problem is a RuleError naming its path (`procedures[3].deadline.days`), so that a
catalogue which validates cannot fail later in the determination, the interview or printing.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from card_reader.basic_four import control_character
from counter_app.domain.calendar import CalendarSpecError, CityCalendar
from counter_app.domain.facts import DERIVED_FACTS
from counter_app.rules.conditions import FactSpec, RuleError, condition_facts, validate

WHO = ("household", "member")
MOVE_KINDS = ("move_in", "move_within", "move_out")
DEADLINE_FROM = ("move_date", "filing_date")
DEADLINE_KEYS = {"days", "from", "inclusive", "text_ja"}
FormFacts = Mapping[str, Iterable[str]]  # form id → the catalogue facts its template prints
MAX_NESTING = 64  # levels of JSON: rules need a dozen; Python's recursion ends near 1,000
MAX_DEADLINE_DAYS = 3650  # ten years: far beyond any legal deadline, far from date overflow
SCOPES = ("case", "member")
TYPES = ("bool", "int", "date", "string", "choice")
SOURCES = ("case", "derived", "asked", "derived_or_asked")
# Member facts are bare (`age`); case facts are dotted (`move.kind`): the engine tells them
# apart by the dot.
_KEY_SHAPES = {"member": re.compile(r"^[a-z][a-z0-9_]*$"),
               "case": re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")}
_KEY_EXAMPLES = {"member": "a bare key such as age", "case": "a dotted key such as move.kind"}


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
    def from_json(cls, text: str, form_facts: FormFacts | None = None) -> Catalogue:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            raise RuleError("(file)", f"not JSON: {exc}") from None
        return cls.from_dict(data, form_facts)

    @classmethod
    def from_dict(cls, data: Any, form_facts: FormFacts | None = None) -> Catalogue:
        """Build and validate. `form_facts`: the facts each form template reads (form id →
        fact keys, `reception.packet.form_facts`), so a question only a printed form reads
        counts as needed; without it, whether questions are read is not checked."""
        _check_texts(data, "", 0)
        catalogue = _build(data)
        catalogue.validate(form_facts)
        return catalogue

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=1) + "\n"

    def validate(self, form_facts: FormFacts | None = None) -> None:
        settings = self.city.settings
        sections = {s.name_ja for s in self.city.sections}
        if not self.procedures:
            raise RuleError("procedures", "a catalogue needs at least one procedure")
        seen: set[str] = set()
        read: set[str] = set()  # facts some condition reads
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
                    read.add(key)
                    spec = self.facts[key]
                    if spec.askable and key not in self.questions:
                        # Unanswerable, it would hold the interview open for ever.
                        raise RuleError(where, f"{key} may need asking but has no question")
        if form_facts is None:
            return
        printed = {form for procedure in self.procedures for form in procedure.forms}
        read |= {fact for form in printed for fact in form_facts.get(form, ())}
        for i, key in enumerate(self.questions):
            if key not in read:
                # Asked of nobody, ever: a question no rule, document or printed form reads.
                raise RuleError(f"questions[{i}]", f"nothing reads {key}: no rule, document "
                                                   "condition or printed form uses its answer")

    def check_forms(self, templates: Iterable[str]) -> None:
        """Every form a procedure prints has a template (checked at start-up, not at print)."""
        missing = sorted(set(self.forms) - set(templates))
        if missing:
            raise RuleError("forms", f"no template for {', '.join(missing)}")


def _validate_deadline(deadline: Any, path: str) -> None:
    if deadline is None:
        return
    if not isinstance(deadline, dict):
        raise RuleError(path, "{\"days\": N, \"from\": …} or {\"text_ja\": …}")
    unknown = set(deadline) - DEADLINE_KEYS
    if unknown:
        raise RuleError(path, f"unknown keys {sorted(unknown)}; use {sorted(DEADLINE_KEYS)}")
    if "days" in deadline:
        days = deadline["days"]
        # bool is an int in Python: `"days": true` would mean one day.
        if not isinstance(days, int) or isinstance(days, bool) \
                or not 0 <= days <= MAX_DEADLINE_DAYS:
            raise RuleError(f"{path}.days", f"a whole number of days, 0 to {MAX_DEADLINE_DAYS}")
        if not isinstance(deadline.get("from", "move_date"), str) \
                or deadline.get("from", "move_date") not in DEADLINE_FROM:
            raise RuleError(f"{path}.from", f"one of {', '.join(DEADLINE_FROM)}")
        inclusive = deadline.get("inclusive", False)
        if not isinstance(inclusive, bool) or (inclusive and days < 1):
            raise RuleError(f"{path}.inclusive", "true (the first day counts) or false")
    elif not isinstance(deadline.get("text_ja"), str):
        raise RuleError(path, "{\"days\": N, \"from\": …} or {\"text_ja\": …}")
    elif "from" in deadline or "inclusive" in deadline:
        key = "from" if "from" in deadline else "inclusive"
        raise RuleError(f"{path}.{key}", "only a deadline in days counts from a day")
    if "text_ja" in deadline and not isinstance(deadline["text_ja"], str):
        raise RuleError(f"{path}.text_ja", "expected a string")


def _check_texts(value: Any, path: str, depth: int) -> None:
    """No control character in any text, and no nesting deeper than any rule needs (a deep
    document would exhaust the recursion of validation and evaluation)."""
    if depth > MAX_NESTING:
        raise RuleError(path or "(catalogue)", f"nested deeper than {MAX_NESTING} levels")
    if isinstance(value, str):
        bad = control_character(value)
        if bad is not None:
            raise RuleError(path or "(catalogue)", f"holds the control character {bad}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_texts(key, path, depth + 1)
            _check_texts(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_texts(item, f"{path}[{i}]", depth + 1)


# --- building the model, every value checked for its JSON type --------------------------------

_MISSING = object()
_TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list", dict: "an object",
               int: "a whole number"}


def _get(data: dict[str, Any], key: str, kind: type, path: str, default: Any = _MISSING
         ) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in data:
        if default is _MISSING:
            raise RuleError(where, "is missing")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RuleError(where, f"expected {_TYPE_NAMES[kind]}")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(path, "expected an object")
    return value


def _items(data: dict[str, Any], key: str, path: str, default: Any = _MISSING
           ) -> list[tuple[str, dict[str, Any]]]:
    """The objects of a list, each with its path."""
    items = _get(data, key, list, path, default)
    where = f"{path}.{key}" if path else key
    return [(f"{where}[{i}]", _object(item, f"{where}[{i}]")) for i, item in enumerate(items)]


def _fact(data: dict[str, Any], path: str) -> FactSpec:
    key = _get(data, "key", str, path)
    scope = _get(data, "scope", str, path)
    if scope not in SCOPES:
        raise RuleError(f"{path}.scope", f"one of {', '.join(SCOPES)}")
    if not _KEY_SHAPES[scope].match(key):
        raise RuleError(f"{path}.key", f"a {scope} fact needs {_KEY_EXAMPLES[scope]}")
    kind = _get(data, "type", str, path)
    if kind not in TYPES:
        raise RuleError(f"{path}.type", f"one of {', '.join(TYPES)}")
    source = _get(data, "source", str, path)
    if source not in SOURCES:
        raise RuleError(f"{path}.source", f"one of {', '.join(SOURCES)}")
    if source != "asked":
        derivation = DERIVED_FACTS.get(key)
        if derivation is None:
            raise RuleError(f"{path}.source", f"nothing derives {key}: declare it asked")
        if (derivation.scope, derivation.type) != (scope, kind):
            raise RuleError(path, f"{key} is derived as a {derivation.scope} fact of type "
                                  f"{derivation.type}")
    choices = []
    for where, choice in _items(data, "choices", path, []):
        choices.append((_get(choice, "value", str, where), _get(choice, "label_ja", str, where)))
    if kind == "choice" and not choices:
        raise RuleError(f"{path}.choices", "a choice fact needs its choices")
    if kind != "choice" and choices:
        raise RuleError(f"{path}.choices", "only a choice fact has choices")
    if len({value for value, _ in choices}) != len(choices):
        raise RuleError(f"{path}.choices", "the same value twice")
    return FactSpec(key=key, scope=scope, type=kind, label_ja=_get(data, "label_ja", str, path),
                    source=source, choices=tuple(choices))


def _question(data: dict[str, Any], path: str, facts: dict[str, FactSpec]) -> Question:
    key = _get(data, "fact", str, path)
    spec = facts.get(key)
    if spec is None:
        raise RuleError(f"{path}.fact", f"question for an unknown fact {key!r}")
    if not spec.askable:
        raise RuleError(f"{path}.fact", f"{key} is {spec.source}, never asked")
    # Member questions are phrased per member ({name}); the others are shown as written.
    names = {"name"} if spec.scope == "member" else set()
    question = Question(key, _get(data, "text_ja", str, path),
                        _get(data, "household_text_ja", str, path, ""),
                        _get(data, "sensitive", bool, path, False))
    if not question.text_ja.strip():
        raise RuleError(f"{path}.text_ja", "must not be empty")
    _check_placeholders(question.text_ja, names, f"{path}.text_ja")
    _check_placeholders(question.household_text_ja, set(), f"{path}.household_text_ja")
    return question


def _check_placeholders(text: str, allowed: set[str], path: str) -> None:
    """Member questions are formatted with `{name}` and nothing else; the other texts are shown
    as written, so a brace there is a mistake. Either way nothing can fail when it is shown."""
    if not allowed:
        if "{" in text or "}" in text:
            raise RuleError(path, "this text is shown as written: no {placeholders} or braces")
        return
    try:
        fields = [(name, spec, conversion)
                  for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        raise RuleError(path, f"braces must be {{name}} or doubled: {exc}") from None
    for name, spec, conversion in fields:
        if name not in allowed or spec or conversion:
            written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise RuleError(path, f"{{{written}}} cannot be filled in; a member question may use "
                                  "{name} (write {{ and }} for braces)")


def _procedure(data: dict[str, Any], path: str) -> Procedure:
    forms = _get(data, "forms", list, path, [])
    kinds = _get(data, "move_kinds", list, path)
    for where, values in ((f"{path}.forms", forms), (f"{path}.move_kinds", kinds)):
        if not all(isinstance(v, str) for v in values):
            raise RuleError(where, "expected a list of strings")
    if "when" not in data:
        raise RuleError(f"{path}.when", "is missing (true for always)")
    documents = tuple(Document(_get(d, "text_ja", str, where), d.get("when", True),
                               _get(d, "issued", bool, where, False))
                      for where, d in _items(data, "documents", path, []))
    return Procedure(
        id=_get(data, "id", str, path), title_ja=_get(data, "title_ja", str, path),
        section=_get(data, "section", str, path), who=_get(data, "who", str, path),
        move_kinds=tuple(kinds), when=data["when"], forms=tuple(forms),
        deadline=data.get("deadline"), documents=documents,
        guide_ja=_get(data, "guide_ja", str, path, ""), visit=_get(data, "visit", bool, path, True))


def _build(data: Any) -> Catalogue:
    data = _object(data, "(root)")
    city_data = _object(data.get("city"), "city")
    settings = _get(city_data, "settings", dict, "city", {})
    for name, value in settings.items():
        if not isinstance(value, bool | int | str):
            raise RuleError(f"city.settings.{name}", "a setting is true/false, a number or text")
    retention = settings.get("retention_days", 30)
    # Days a closed case keeps its personal data (`counter-app purge`); ten years at most.
    if isinstance(retention, bool) or not isinstance(retention, int) or \
            not 1 <= retention <= 3650:
        raise RuleError("city.settings.retention_days", "a whole number of days, 1 to 3650")
    sections = tuple(Section(_get(s, "name_ja", str, where), _get(s, "counter_ja", str, where),
                             _get(s, "floor_ja", str, where, ""))
                     for where, s in _items(city_data, "sections", "city"))
    if not sections:
        raise RuleError("city.sections", "at least one section")
    if len({s.name_ja for s in sections}) != len(sections):
        raise RuleError("city.sections", "two sections with the same name")
    try:
        calendar = CityCalendar.from_json(city_data.get("calendar", {}), "city.calendar")
    except CalendarSpecError as exc:
        raise RuleError(exc.path, exc.problem) from None
    city = City(_get(city_data, "name_ja", str, "city"),
                _get(city_data, "prefecture_ja", str, "city", ""), dict(settings), sections,
                calendar)
    facts: dict[str, FactSpec] = {}
    for where, f in _items(data, "facts", ""):
        spec = _fact(f, where)
        if spec.key in facts:
            raise RuleError(f"{where}.key", f"fact {spec.key} declared twice")
        facts[spec.key] = spec
    questions: dict[str, Question] = {}
    for where, q in _items(data, "questions", ""):
        question = _question(q, where, facts)
        if question.fact in questions:
            raise RuleError(f"{where}.fact", f"a second question for {question.fact}")
        questions[question.fact] = question
    forms = _get(data, "forms", dict, "", {})
    for form_id, title in forms.items():
        if not isinstance(title, str):
            raise RuleError(f"forms.{form_id}", "expected the form's title")
    procedures = [_procedure(p, where) for where, p in _items(data, "procedures", "")]
    version = _get(data, "version", int, "", 1)
    if version < 1:
        raise RuleError("version", "a version number from 1")
    return Catalogue(city, facts, questions, dict(forms), procedures, version, data)


def default_catalogue() -> Catalogue:
    from counter_app.bundled import resource

    return Catalogue.from_json(resource("catalogue", "default.json").read_text(encoding="utf-8"))
