"""The procedure catalogue: facts, questions, forms, procedures and city settings, as data.

Parsed once from JSON (the default ships in resources/catalogue/default.json; supervisors edit,
export and import their city's) into frozen dataclasses with typed conditions, shared by the
engine, the validator and the editor. `to_json` writes back exactly what was read.

Validation finds every problem at once (`problems`, for the editor as the supervisor types),
each a RuleError naming its path (`procedures[3].deadline.days`); `from_dict` refuses a
catalogue with any, so that a catalogue which loads cannot fail later in the determination,
the interview or printing.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from card_reader.basic_four import control_character
from counter_app.domain.calendar import CalendarSpecError, CityCalendar
from counter_app.domain.facts import DERIVED_FACTS, SUBJECT_FACTS
from counter_app.rules.analysis import condition_problems
from counter_app.rules.conditions import (
    Condition,
    Const,
    Context,
    FactSpec,
    RuleError,
    parse_condition,
)

if TYPE_CHECKING:
    from counter_app.domain import Case

WHO = ("household", "member")
MOVE_KINDS = ("move_in", "move_within", "move_out")
EVENT_KINDS = ("death", "birth", "marriage", "divorce")  # LIFE_EVENTS.md
# Where a deadline counts from: move rules from the move, event rules from the event (or, for
# a death, the day the family learned of it), either from the day of filing.
DEADLINE_FROM = ("move_date", "event_date", "known_date", "filing_date")
MOVE_DEADLINE_FROM = ("move_date", "filing_date")
EVENT_DEADLINE_FROM = ("event_date", "known_date", "filing_date")
DEADLINE_KEYS = {"days", "from", "inclusive", "text_ja", "when"}
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
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COMMENT = "_comment"


@dataclass(frozen=True)
class Question:
    fact: str
    text_ja: str  # may hold {name} for member questions
    household_text_ja: str = ""  # sensitive questions are asked of the household as a whole
    sensitive: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fact": self.fact, "text_ja": self.text_ja}
        if self.household_text_ja:
            data["household_text_ja"] = self.household_text_ja
        if self.sensitive:
            data["sensitive"] = True
        return data


ALWAYS = Const(True)


@dataclass(frozen=True)
class Document:
    text_ja: str
    when: Condition = ALWAYS
    issued: bool = False  # handed to the resident today (a certificate), not something to bring

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"text_ja": self.text_ja}
        if self.when != Const(True):
            data["when"] = self.when.to_json()
        if self.issued:
            data["issued"] = True
        return data


@dataclass(frozen=True)
class Deadline:
    """`days` after the move or event (or the filing day), moved past closed days; or words
    only (`text_ja`, 「速やかに」). `start` and `inclusive` are None when the file leaves them
    out. `when`: a case-level condition for the dated deadline (a court divorce has ten days, a
    協議離婚 none); when it does not hold, only the words apply."""

    days: int | None = None
    start: str | None = None  # "from": the rule set's own day (default) or one of DEADLINE_FROM
    inclusive: bool | None = None  # the first day counts
    text_ja: str | None = None
    when: Condition | None = None

    @property
    def counts_first_day(self) -> bool:
        return bool(self.inclusive)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.days is not None:
            data["days"] = self.days
        if self.start is not None:
            data["from"] = self.start
        if self.inclusive is not None:
            data["inclusive"] = self.inclusive
        if self.text_ja is not None:
            data["text_ja"] = self.text_ja
        if self.when is not None:
            data["when"] = self.when.to_json()
        return data


@dataclass(frozen=True)
class Procedure:
    id: str
    title_ja: str
    section: str
    who: str
    move_kinds: tuple[str, ...]
    when: Condition
    forms: tuple[str, ...]
    deadline: Deadline | None
    documents: tuple[Document, ...] = ()
    guide_ja: str = ""
    visit: bool = True  # False: a notice only, nothing to do at a counter (選挙人名簿, …)
    # A procedure is a move's (move_kinds) or a life event's (event_kinds), never both: the
    # two see different members on different days (LIFE_EVENTS.md).
    event_kinds: tuple[str, ...] = ()
    # Procedures of the other rule set that are the same one for the members this one chooses
    # (a newborn moving in: the birth's 子ども医療費 registration is the move's): those members
    # leave the replaced row, so one child gets one form.
    replaces: tuple[str, ...] = ()

    @property
    def for_event(self) -> bool:
        return bool(self.event_kinds)

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.event_kinds or self.move_kinds

    def applies_to(self, case: Case) -> bool:
        """Whether this procedure is considered for the case at all (its rule decides the
        rest): the case's move or event is of one of its kinds."""
        if self.for_event:
            return case.event is not None and case.event.kind.value in self.event_kinds
        return case.move is not None and case.move.kind.value in self.move_kinds

    @property
    def deadline_note(self) -> str:
        """The deadline in words, when it is not a number of days (「速やかに」)."""
        return (self.deadline.text_ja or "") if self.deadline else ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "title_ja": self.title_ja, "section": self.section, "who": self.who}
        if self.event_kinds:
            data["event_kinds"] = list(self.event_kinds)
        if self.move_kinds or not self.event_kinds:
            data["move_kinds"] = list(self.move_kinds)
        data.update({"when": self.when.to_json(), "forms": list(self.forms),
                     "deadline": self.deadline.to_json() if self.deadline else None})
        if self.documents:
            data["documents"] = [d.to_json() for d in self.documents]
        if self.guide_ja:
            data["guide_ja"] = self.guide_ja
        if not self.visit:
            data["visit"] = False
        if self.replaces:
            data["replaces"] = list(self.replaces)
        return data


@dataclass(frozen=True)
class Section:
    name_ja: str
    counter_ja: str
    floor_ja: str = ""

    def to_json(self) -> dict[str, Any]:
        data = {"name_ja": self.name_ja, "counter_ja": self.counter_ja}
        if self.floor_ja:
            data["floor_ja"] = self.floor_ja
        return data


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

    def to_json(self) -> dict[str, Any]:
        return {"name_ja": self.name_ja, "prefecture_ja": self.prefecture_ja,
                "settings": dict(self.settings), "calendar": self.calendar.to_json(),
                "sections": [s.to_json() for s in self.sections]}


@dataclass(frozen=True)
class GuideLine:
    """A plain information line on an event's guide sheet: something done outside the city
    hall (`place_ja`: 年金事務所, 法務局…), or, with `procedure`, a note under that procedure
    (where a 戸籍 form that is not printed can be had)."""

    event_kinds: tuple[str, ...]
    text_ja: str
    place_ja: str = ""
    procedure: str = ""

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"event_kinds": list(self.event_kinds)}
        if self.place_ja:
            data["place_ja"] = self.place_ja
        if self.procedure:
            data["procedure"] = self.procedure
        data["text_ja"] = self.text_ja
        return data


@dataclass(frozen=True)
class Catalogue:
    city: City
    facts: dict[str, FactSpec]
    questions: dict[str, Question]
    forms: dict[str, str]
    procedures: tuple[Procedure, ...]
    version: int = 1
    comment: str = ""  # the file's "_comment", kept for the round trip
    guide_lines: tuple[GuideLine, ...] = ()

    @classmethod
    def from_json(cls, text: str, form_facts: FormFacts | None = None) -> Catalogue:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError, ValueError) as exc:
            raise RuleError("(file)", f"not JSON: {exc}", "JSONとして読めません") from None
        return cls.from_dict(data, form_facts)

    @classmethod
    def from_dict(cls, data: Any, form_facts: FormFacts | None = None) -> Catalogue:
        """Parse and validate; the first problem is raised. `form_facts`: the facts each form
        template reads (form id → fact keys, `reception.packet.form_facts`), so a question only
        a printed form reads counts as needed; without it, whether questions are read is not
        checked."""
        catalogue, found = parse(data, form_facts)
        if found:
            raise found[0]
        assert catalogue is not None
        return catalogue

    @property
    def raw(self) -> dict[str, Any]:
        """The catalogue as its JSON object (a new copy each time)."""
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.comment:
            data[_COMMENT] = self.comment
        data.update({
            "version": self.version, "city": self.city.to_json(),
            "facts": [_fact_json(f) for f in self.facts.values()],
            "questions": [q.to_json() for q in self.questions.values()],
            "forms": dict(self.forms),
            "procedures": [p.to_json() for p in self.procedures]})
        if self.guide_lines:
            data["guide_lines"] = [line.to_json() for line in self.guide_lines]
        return data

    def guide_lines_for(self, event_kind: str) -> list[GuideLine]:
        return [line for line in self.guide_lines if event_kind in line.event_kinds]

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    def with_version(self, version: int) -> Catalogue:
        """The same catalogue under another version number (the store's)."""
        return replace(self, version=version)

    def with_settings(self, **settings: Any) -> Catalogue:
        city = replace(self.city, settings={**self.city.settings, **settings})
        return replace(self, city=city)

    def procedure(self, procedure_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)

    def validate(self, form_facts: FormFacts | None = None) -> None:
        """Raise the first problem of this catalogue (all of them: `problems`)."""
        found = self.problems(form_facts)
        if found:
            raise found[0]

    def problems(self, form_facts: FormFacts | None = None) -> list[RuleError]:
        return parse(self.to_dict(), form_facts)[1]

    def check_forms(self, templates: Iterable[str]) -> None:
        """Every form a procedure prints has a template (checked at start-up, not at print)."""
        missing = sorted(set(self.forms) - set(templates))
        if missing:
            raise RuleError("forms", f"no template for {', '.join(missing)}",
                            f"様式のない申請書があります: {', '.join(missing)}")


def _fact_json(spec: FactSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"key": spec.key, "scope": spec.scope, "type": spec.type,
                            "label_ja": spec.label_ja, "source": spec.source}
    if spec.choices:
        data["choices"] = [{"value": v, "label_ja": label} for v, label in spec.choices]
    return data


def check_catalogue(data: Any, form_facts: FormFacts | None = None) -> list[RuleError]:
    """Every problem of a catalogue's JSON object, in the order of the file (empty: it is
    valid). What the editor shows as the supervisor types."""
    return parse(data, form_facts)[1]


def parse(data: Any, form_facts: FormFacts | None = None
          ) -> tuple[Catalogue | None, list[RuleError]]:
    """The catalogue and its problems; the catalogue is None when any problem remains."""
    problems: list[RuleError] = []
    if not _check_texts(data, "", 0, problems):
        return None, problems  # too deep to walk safely: nothing more to say
    try:
        catalogue = _Parser(problems).build(data, form_facts)
    except RuleError as exc:  # the file's shape is wrong at the top: nothing to go on
        problems.append(exc)
        return None, problems
    return (None if problems else catalogue), problems


def declared_facts(data: Any) -> dict[str, FactSpec]:
    """The facts a catalogue's JSON declares that read well, even while other parts have
    problems: what the condition builder offers for a draft being edited."""
    if not isinstance(data, dict):
        return {}
    try:
        return _Parser([]).facts(data)[0]
    except RuleError:
        return {}


def default_catalogue() -> Catalogue:
    return Catalogue.from_json(shipped_text())


def shipped_text() -> str:
    """The shipped default catalogue's file, as text."""
    from counter_app.bundled import resource

    return resource("catalogue", "default.json").read_text(encoding="utf-8")


# --- reading the JSON, every value checked for its type -----------------------------------------

_MISSING = object()
_TYPE_NAMES = {str: "a string", bool: "true or false", list: "a list", dict: "an object",
               int: "a whole number"}
_KEYS = {
    "(root)": {_COMMENT, "version", "city", "facts", "questions", "forms", "procedures",
               "guide_lines"},
    "city": {"name_ja", "prefecture_ja", "settings", "calendar", "sections"},
    "section": {"name_ja", "counter_ja", "floor_ja"},
    "fact": {"key", "scope", "type", "label_ja", "source", "choices"},
    "choice": {"value", "label_ja"},
    "question": {"fact", "text_ja", "household_text_ja", "sensitive"},
    "procedure": {"id", "title_ja", "section", "who", "move_kinds", "event_kinds", "when", "forms",
                  "deadline", "documents", "guide_ja", "visit", "replaces"},
    "document": {"text_ja", "when", "issued"},
    "guide_line": {"event_kinds", "place_ja", "procedure", "text_ja"},
}


def _get(data: dict[str, Any], key: str, kind: type, path: str, default: Any = _MISSING
         ) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in data:
        if default is _MISSING:
            raise RuleError(where, "is missing", "入力が必要です")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RuleError(where, f"expected {_TYPE_NAMES[kind]}")
    return value


def _object(value: Any, path: str, kind: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(path, "expected an object")
    unknown = sorted(set(value) - _KEYS[kind])
    if unknown:
        where = path if path != "(root)" else ""
        raise RuleError(f"{where}.{unknown[0]}" if where else unknown[0],
                        f"unknown key; expected one of {', '.join(sorted(_KEYS[kind]))}",
                        f"知らない項目「{unknown[0]}」があります")
    return value


def _items(data: dict[str, Any], key: str, path: str, default: Any = _MISSING
           ) -> list[tuple[str, Any]]:
    """The items of a list, each with its path."""
    items = _get(data, key, list, path, default)
    where = f"{path}.{key}" if path else key
    return [(f"{where}[{i}]", item) for i, item in enumerate(items)]


def _text(data: dict[str, Any], key: str, path: str, default: Any = _MISSING) -> str:
    return _get(data, key, str, path, default)


def _guide_line(item: Any, path: str) -> GuideLine:
    data = _object(item, path, "guide_line")
    kinds = _get(data, "event_kinds", list, path)
    if not kinds or not all(kind in EVENT_KINDS for kind in kinds):
        raise RuleError(f"{path}.event_kinds", f"some of {', '.join(EVENT_KINDS)}",
                        "出来事の種類を選んでください")
    text = _text(data, "text_ja", path)
    if not text.strip():
        raise RuleError(f"{path}.text_ja", "an empty line", "案内文が空です")
    procedure = _text(data, "procedure", path, "")
    # A note shows under its procedure when the catalogue has it (a city that drops the
    # procedure keeps a harmless note); the id itself must be one.
    if procedure and not _ID.match(procedure):
        raise RuleError(f"{path}.procedure", "a procedure id is lower-case letters, digits and _",
                        "手続IDは半角英小文字・数字・_ で書いてください")
    return GuideLine(tuple(kinds), text, _text(data, "place_ja", path, ""), procedure)


class _Parser:
    """One pass over a catalogue's JSON. Each fact, question and procedure is read on its own:
    a broken one is reported and left out, and the others are still read and checked."""

    def __init__(self, problems: list[RuleError]) -> None:
        self.problems = problems
        self.broken_questions: set[str] = set()  # reported: no second error for their facts
        # Where each item read stands in the file (a broken one before it is left out).
        self.paths: dict[int, str] = {}  # by id(): equal items may stand twice

    def attempt(self, read: Any, *args: Any) -> Any:
        try:
            return read(*args)
        except RuleError as exc:
            self.problems.append(exc)
            return None

    def build(self, data: Any, form_facts: FormFacts | None) -> Catalogue:
        data = _object(data, "(root)", "(root)")
        comment = _text(data, _COMMENT, "", "")
        version = _get(data, "version", int, "", 1)
        if version < 1:
            raise RuleError("version", "a version number from 1")
        city = self.city(_object(data.get("city"), "city", "city"))
        facts, broken = self.facts(data)
        questions = self.questions(data, facts, broken)
        forms = _get(data, "forms", dict, "", {})
        for form_id, title in forms.items():
            if not isinstance(title, str):
                raise RuleError(f"forms.{form_id}", "expected the form's title")
        context = Context(facts, city.settings if city else None, self.problems,
                          frozenset(broken))
        procedures = []
        for where, item in _items(data, "procedures", ""):
            procedure = self.attempt(self.procedure, item, where, context)
            if procedure is not None:
                procedures.append(procedure)
                self.paths[id(procedure)] = where
        guide_lines = tuple(line for where, item in _items(data, "guide_lines", "", [])
                            if (line := self.attempt(_guide_line, item, where)) is not None)
        catalogue = Catalogue(city or City("", "", {}, ()), facts, questions, dict(forms),
                              tuple(procedures), version, comment, guide_lines)
        if city is not None:
            _Checks(catalogue, self.problems, len(procedures) == len(data["procedures"]),
                    self.broken_questions, self.paths).run(form_facts)
        return catalogue

    def city(self, data: dict[str, Any]) -> City | None:
        try:
            settings = _get(data, "settings", dict, "city", {})
            for name, value in settings.items():
                if not isinstance(value, bool | int | str):
                    raise RuleError(f"city.settings.{name}",
                                    "a setting is true/false, a number or text")
            retention = settings.get("retention_days", 30)
            # Days a closed case keeps its personal data (`counter-app purge`); ten years at most.
            if isinstance(retention, bool) or not isinstance(retention, int) or \
                    not 1 <= retention <= 3650:
                raise RuleError("city.settings.retention_days", "a whole number of days, 1 to 3650",
                                "保存日数は1〜3650日の整数です")
            sections = []
            for where, item in _items(data, "sections", "city"):
                s = _object(item, where, "section")
                sections.append(Section(_text(s, "name_ja", where), _text(s, "counter_ja", where),
                                        _text(s, "floor_ja", where, "")))
            if not sections:
                raise RuleError("city.sections", "at least one section", "課が一つもありません")
            if len({s.name_ja for s in sections}) != len(sections):
                raise RuleError("city.sections", "two sections with the same name",
                                "同じ名前の課が二つあります")
            try:
                calendar = CityCalendar.from_json(data.get("calendar", {}), "city.calendar")
            except CalendarSpecError as exc:
                raise RuleError(exc.path, exc.problem) from None
            return City(_text(data, "name_ja", "city"), _text(data, "prefecture_ja", "city", ""),
                        dict(settings), tuple(sections), calendar)
        except RuleError as exc:
            self.problems.append(exc)
            return None

    def facts(self, data: dict[str, Any]) -> tuple[dict[str, FactSpec], set[str]]:
        facts: dict[str, FactSpec] = {}
        broken: set[str] = set()
        for where, item in _items(data, "facts", ""):
            spec = self.attempt(_fact, item, where)
            if spec is None:
                key = item.get("key") if isinstance(item, dict) else None
                if isinstance(key, str):
                    broken.add(key)
            elif spec.key in facts:
                self.problems.append(RuleError(f"{where}.key", f"fact {spec.key} declared twice",
                                               f"項目「{spec.key}」が二度あります"))
            else:
                facts[spec.key] = spec
        return facts, broken - set(facts)

    def questions(self, data: dict[str, Any], facts: dict[str, FactSpec], broken: set[str]
                  ) -> dict[str, Question]:
        questions: dict[str, Question] = {}
        for where, item in _items(data, "questions", ""):
            fact = item.get("fact") if isinstance(item, dict) else None
            if fact in broken:
                continue  # its fact is reported where it is declared
            question = self.attempt(_question, item, where, facts)
            if question is None:
                if isinstance(fact, str):
                    self.broken_questions.add(fact)
                continue
            if question.fact in questions:
                self.problems.append(RuleError(f"{where}.fact",
                                               f"a second question for {question.fact}",
                                               "同じ項目の質問が二つあります"))
            else:
                questions[question.fact] = question
                self.paths[id(question)] = where
        return questions

    def procedure(self, item: Any, path: str, context: Context) -> Procedure | None:
        data = _object(item, path, "procedure")
        forms = _get(data, "forms", list, path, [])
        event_kinds = _get(data, "event_kinds", list, path, [])
        replaces = _get(data, "replaces", list, path, [])
        if "event_kinds" in data:
            if not event_kinds:
                raise RuleError(f"{path}.event_kinds", f"some of {', '.join(EVENT_KINDS)}",
                                "出来事の種類を選んでください")
            if "move_kinds" in data:
                raise RuleError(f"{path}.move_kinds", "a procedure is for moves or for life "
                                "events, not both (write it twice with the same id)",
                                "異動の手続と出来事の手続は分けて書いてください")
        # A move's procedure names its move kinds; a life event's names its event kinds.
        kinds = _get(data, "move_kinds", list, path, [] if event_kinds else _MISSING)
        for where, values in ((f"{path}.forms", forms), (f"{path}.move_kinds", kinds),
                              (f"{path}.event_kinds", event_kinds),
                              (f"{path}.replaces", replaces)):
            if not all(isinstance(v, str) for v in values):
                raise RuleError(where, "expected a list of strings")
        if "when" not in data:
            raise RuleError(f"{path}.when", "is missing (true for always)",
                            "条件がありません（いつも必要なら「常に」）")
        who = _text(data, "who", path)
        if who not in WHO:
            raise RuleError(f"{path}.who", f"must be one of {', '.join(WHO)}")
        in_member = who == "member"
        documents = []
        for where, d in _items(data, "documents", path, []):
            d = _object(d, where, "document")
            documents.append((where, Document(_text(d, "text_ja", where), Const(True),
                                              _get(d, "issued", bool, where, False)),
                              d.get("when", True)))
        procedure = Procedure(
            id=_text(data, "id", path), title_ja=_text(data, "title_ja", path),
            section=_text(data, "section", path), who=who, move_kinds=tuple(kinds),
            when=Const(True), forms=tuple(forms),
            deadline=_deadline(data.get("deadline"), f"{path}.deadline"),
            guide_ja=_text(data, "guide_ja", path, ""),
            visit=_get(data, "visit", bool, path, True), event_kinds=tuple(event_kinds),
            replaces=tuple(replaces))
        # The conditions last: each of their broken leaves is reported, not only the first.
        when = parse_condition(data["when"], f"{path}.when", context, in_member)
        parsed = [(doc, parse_condition(raw, f"{where}.when", context, in_member))
                  for where, doc, raw in documents]
        deadline = procedure.deadline
        if deadline is not None and isinstance(data["deadline"], dict) \
                and "when" in data["deadline"]:
            # One date for the whole row: the condition reads case facts only.
            dated_when = parse_condition(data["deadline"]["when"], f"{path}.deadline.when",
                                         context, False)
            if dated_when is None:
                return None
            deadline = replace(deadline, when=dated_when)
        with_conditions = [replace(doc, when=condition) for doc, condition in parsed
                           if condition is not None]
        if when is None or len(with_conditions) != len(parsed):
            return None  # reported (or reading a fact that is broken, reported where it is)
        procedure = replace(procedure, when=when, deadline=deadline,
                            documents=tuple(with_conditions))
        if not _ID.match(procedure.id):
            raise RuleError(f"{path}.id", "a procedure id is lower-case letters, digits and _",
                            "手続IDは半角英小文字・数字・_ で書いてください")
        return procedure


class _Checks:
    """What holds across the parts: ids, sections, forms, questions, constant conditions."""

    def __init__(self, catalogue: Catalogue, problems: list[RuleError], complete: bool,
                 broken_questions: set[str], paths: dict[int, str]) -> None:
        self.catalogue = catalogue
        self.problems = problems
        self.complete = complete  # every procedure was read: "nothing reads X" can be told
        self.broken_questions = broken_questions
        self.paths = paths

    def add(self, path: str, problem: str, message_ja: str) -> None:
        self.problems.append(RuleError(path, problem, message_ja))

    def run(self, form_facts: FormFacts | None) -> None:
        catalogue = self.catalogue
        if not catalogue.procedures and self.complete:
            self.add("procedures", "a catalogue needs at least one procedure",
                     "手続が一つもありません")
        sections = {s.name_ja for s in catalogue.city.sections}
        seen: dict[tuple[str, bool], Procedure] = {}  # (id, for an event) → the first
        read: set[str] = set()  # facts some condition reads
        for procedure in catalogue.procedures:
            path = self.paths[id(procedure)]
            self.identity(procedure, path, seen)
            self.kinds(procedure, path)
            if procedure.section not in sections:
                self.add(f"{path}.section", f"unknown section {procedure.section!r}",
                         f"課「{procedure.section}」がありません")
            for form in procedure.forms:
                if form not in catalogue.forms:
                    self.add(f"{path}.forms", f"unknown form {form!r}",
                             f"申請書「{form}」がありません")
            others = {p.id for p in catalogue.procedures if p.for_event != procedure.for_event}
            for replaced in procedure.replaces:
                if replaced not in others:
                    self.add(f"{path}.replaces", f"{replaced!r} is no procedure of the other "
                             "rule set (moves ↔ life events)",
                             f"置き換える手続「{replaced}」が、もう一方（異動／出来事）の手続に"
                             "ありません")
            if not procedure.forms and not procedure.guide_ja.strip():
                self.add(path, "neither a form nor a guide text: the resident would learn "
                               "nothing about it", "申請書も案内文もありません")
            conditions = [(f"{path}.when", procedure.when)] + [
                (f"{path}.documents[{j}].when", d.when)
                for j, d in enumerate(procedure.documents)]
            if procedure.deadline is not None and procedure.deadline.when is not None:
                conditions.append((f"{path}.deadline.when", procedure.deadline.when))
            for where, condition in conditions:
                self.problems.extend(condition_problems(condition, where, catalogue.facts,
                                                        catalogue.city.settings))
                for key in sorted(condition.facts_read()):
                    # deceased.K is asked as the deceased's own K.
                    asked = SUBJECT_FACTS.get(key, key)
                    read |= {key, asked}
                    spec = catalogue.facts.get(asked)
                    if spec is None:
                        self.add(where, f"{key} is the deceased's {asked}, which the catalogue "
                                        "does not declare", f"項目「{asked}」がありません")
                    elif spec.askable and asked not in catalogue.questions \
                            and asked not in self.broken_questions:
                        # Unanswerable, it would hold the interview open for ever.
                        self.add(where, f"{asked} may need asking but has no question",
                                 f"「{spec.label_ja}」を聞く質問がありません")
        if form_facts is None or not self.complete or not catalogue.procedures:
            return
        printed = {form for procedure in catalogue.procedures for form in procedure.forms}
        read |= {fact for form in printed for fact in form_facts.get(form, ())}
        for key, question in catalogue.questions.items():
            if key not in read:
                # Asked of nobody, ever: a question no rule, document or printed form reads.
                self.add(self.paths[id(question)], f"nothing reads {key}: no rule, document "
                                            "condition or printed form uses its answer",
                         "この質問の答えを使う条件や申請書がありません")


    def identity(self, procedure: Procedure, path: str,
                 seen: dict[tuple[str, bool], Procedure]) -> None:
        """An id stands once among the move procedures and once among the event ones; a
        procedure chosen by both rule sets is one row (LIFE_EVENTS.md), so both say the same
        title, section and who. Forms may differ: a row both choose prints the forms of the
        entry that stands first (the move's)."""
        key = (procedure.id, procedure.for_event)
        if key in seen:
            self.add(f"{path}.id", f"duplicate procedure id {procedure.id!r}",
                     f"手続ID「{procedure.id}」が二つあります")
            return
        seen[key] = procedure
        other = seen.get((procedure.id, not procedure.for_event))
        if other is not None:
            differing = [name for name in ("title_ja", "section", "who")
                         if getattr(other, name) != getattr(procedure, name)]
            if differing:
                self.add(f"{path}.{differing[0]}", f"procedure {procedure.id!r} for moves and "
                         f"for life events must agree on {', '.join(differing)}",
                         f"手続ID「{procedure.id}」の異動用と出来事用で内容が違います")

    def kinds(self, procedure: Procedure, path: str) -> None:
        allowed: tuple[str, ...]
        if procedure.event_kinds:
            if set(procedure.event_kinds) - set(EVENT_KINDS):
                self.add(f"{path}.event_kinds", f"must be some of {', '.join(EVENT_KINDS)}",
                         "出来事の種類を選んでください")
            allowed = EVENT_DEADLINE_FROM
        else:
            if set(procedure.move_kinds) - set(MOVE_KINDS) or not procedure.move_kinds:
                self.add(f"{path}.move_kinds", f"must be some of {', '.join(MOVE_KINDS)}",
                         "異動の種類を選んでください")
            allowed = MOVE_DEADLINE_FROM
        deadline = procedure.deadline
        if deadline is not None and deadline.start is not None \
                and deadline.start not in allowed:
            self.add(f"{path}.deadline.from", f"this procedure's deadline counts from one of "
                     f"{', '.join(allowed)}", "期限の起算日がこの手続に合いません")


def _deadline(value: Any, path: str) -> Deadline | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise RuleError(path, "{\"days\": N, \"from\": …} or {\"text_ja\": …}")
    unknown = set(value) - DEADLINE_KEYS
    if unknown:
        raise RuleError(path, f"unknown keys {sorted(unknown)}; use {sorted(DEADLINE_KEYS)}")
    if "text_ja" in value and not isinstance(value["text_ja"], str):
        raise RuleError(f"{path}.text_ja", "expected a string")
    if "when" in value and ("days" not in value or "text_ja" not in value):
        raise RuleError(f"{path}.when", "a dated deadline with a condition needs days and the "
                                        "words for when it does not hold (text_ja)")
    if "days" in value:
        days = value["days"]
        # bool is an int in Python: `"days": true` would mean one day.
        if not isinstance(days, int) or isinstance(days, bool) \
                or not 0 <= days <= MAX_DEADLINE_DAYS:
            raise RuleError(f"{path}.days", f"a whole number of days, 0 to {MAX_DEADLINE_DAYS}",
                            f"日数は0～{MAX_DEADLINE_DAYS}の整数で書いてください")
        start = value.get("from")
        if start is not None and (not isinstance(start, str) or start not in DEADLINE_FROM):
            raise RuleError(f"{path}.from", f"one of {', '.join(DEADLINE_FROM)}")
        inclusive = value.get("inclusive")
        if inclusive is not None and (not isinstance(inclusive, bool) or (inclusive and days < 1)):
            raise RuleError(f"{path}.inclusive", "true (the first day counts) or false")
        return Deadline(days, start, inclusive, value.get("text_ja"))
    if "text_ja" not in value:
        raise RuleError(path, "{\"days\": N, \"from\": …} or {\"text_ja\": …}")
    if "from" in value or "inclusive" in value:
        key = "from" if "from" in value else "inclusive"
        raise RuleError(f"{path}.{key}", "only a deadline in days counts from a day")
    return Deadline(text_ja=value["text_ja"])


def _check_texts(value: Any, path: str, depth: int, problems: list[RuleError]) -> bool:
    """No control character in any text (each one reported), and no nesting deeper than any
    rule needs (a deep document would exhaust the recursion of parsing and evaluation).
    False when the document is too deep to look at further."""
    if depth > MAX_NESTING:
        problems.append(RuleError(path or "(catalogue)",
                                  f"nested deeper than {MAX_NESTING} levels",
                                  "条件の入れ子が深すぎます"))
        return False
    if isinstance(value, str):
        bad = control_character(value)
        if bad is not None:
            problems.append(RuleError(path or "(catalogue)",
                                      f"holds the control character {bad}",
                                      "制御文字が含まれています"))
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if not _check_texts(key, path, depth + 1, problems) \
                    or not _check_texts(item, where, depth + 1, problems):
                return False
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if not _check_texts(item, f"{path}[{i}]", depth + 1, problems):
                return False
    return True


def _fact(item: Any, path: str) -> FactSpec:
    data = _object(item, path, "fact")
    key = _text(data, "key", path)
    scope = _text(data, "scope", path)
    if scope not in SCOPES:
        raise RuleError(f"{path}.scope", f"one of {', '.join(SCOPES)}")
    if not _KEY_SHAPES[scope].match(key):
        raise RuleError(f"{path}.key", f"a {scope} fact needs {_KEY_EXAMPLES[scope]}")
    kind = _text(data, "type", path)
    if kind not in TYPES:
        raise RuleError(f"{path}.type", f"one of {', '.join(TYPES)}")
    source = _text(data, "source", path)
    if source not in SOURCES:
        raise RuleError(f"{path}.source", f"one of {', '.join(SOURCES)}")
    if source != "asked":
        derivation = DERIVED_FACTS.get(key)
        if derivation is None:
            raise RuleError(f"{path}.source", f"nothing derives {key}: declare it asked",
                            f"「{key}」を自動で求める仕組みがありません。「質問する」にしてください")
        if (derivation.scope, derivation.type) != (scope, kind):
            raise RuleError(path, f"{key} is derived as a {derivation.scope} fact of type "
                                  f"{derivation.type}")
    choices = []
    for where, choice in _items(data, "choices", path, []):
        choice = _object(choice, where, "choice")
        choices.append((_text(choice, "value", where), _text(choice, "label_ja", where)))
    if kind == "choice" and not choices:
        raise RuleError(f"{path}.choices", "a choice fact needs its choices")
    if kind != "choice" and choices:
        raise RuleError(f"{path}.choices", "only a choice fact has choices")
    if len({value for value, _ in choices}) != len(choices):
        raise RuleError(f"{path}.choices", "the same value twice")
    return FactSpec(key=key, scope=scope, type=kind, label_ja=_text(data, "label_ja", path),
                    source=source, choices=tuple(choices))


def _question(item: Any, path: str, facts: dict[str, FactSpec]) -> Question:
    data = _object(item, path, "question")
    key = _text(data, "fact", path)
    spec = facts.get(key)
    if spec is None:
        raise RuleError(f"{path}.fact", f"question for an unknown fact {key!r}",
                        f"「{key}」という項目はありません")
    if not spec.askable:
        raise RuleError(f"{path}.fact", f"{key} is {spec.source}, never asked")
    # Member questions are phrased per member ({name}); the others are shown as written.
    names = {"name"} if spec.scope == "member" else set()
    question = Question(key, _text(data, "text_ja", path),
                        _text(data, "household_text_ja", path, ""),
                        _get(data, "sensitive", bool, path, False))
    if not question.text_ja.strip():
        raise RuleError(f"{path}.text_ja", "must not be empty", "質問文がありません")
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
