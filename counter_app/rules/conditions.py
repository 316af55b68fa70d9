"""Rule conditions: a small JSON condition language, parsed once into a typed tree.

    true | false
    {"and": [C, …]}  {"or": [C, …]}  {"not": C}
    {"any_member": C}                       true if C holds for some member (in a member rule:
                                            some member, this one included)
    {"fact": KEY}                           KEY is true
    {"fact": KEY, "op": OP, "value": V}     OP: == != < <= > >= in not_in
    V: a JSON value, a list (for in/not_in), {"fact": KEY} or {"setting": NAME}

Parsing checks every node against the fact catalogue (known facts, scopes, operators that fit
the fact's type, values of its type), so evaluation never meets a malformed node. `to_json`
gives back exactly the JSON that was parsed.

Evaluation is three-valued: a comparison whose fact is unanswered is *unknown*, and the unknown
facts travel up the tree. `and` is false as soon as one part is false (so no question is asked
whose answer could not change the outcome), `or` is true as soon as one part is true.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
}
ORDERED_OPS = {"<", "<=", ">", ">="}
LIST_OPS = {"in", "not_in"}
OP_SYMBOLS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "∈",
              "not_in": "∉"}
CONNECTIVES = ("and", "or", "not", "any_member")
GENERIC_JA = "手続ルールに誤りがあります"


class RuleError(ValueError):
    """A rule that does not fit the catalogue; `path` points at it (procedures[3].when.and[1]).
    `problem` is the English detail, `message_ja` what a supervisor reads in the editor."""

    def __init__(self, path: str, problem: str, message_ja: str = GENERIC_JA) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
        self.message_ja = message_ja


@dataclass(frozen=True)
class FactSpec:
    key: str
    scope: str  # "case" or "member"
    type: str  # bool, int, date, string, choice
    label_ja: str
    source: str  # case, derived, asked, derived_or_asked
    choices: tuple[tuple[str, str], ...] = ()  # (value, label_ja)

    @property
    def askable(self) -> bool:
        return self.source in ("asked", "derived_or_asked")

    def choice_label(self, value: object) -> str:
        labels: dict[object, str] = dict(self.choices)
        return labels.get(value, str(value))

    def accepts(self, value: object) -> bool:
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type == "choice":
            return isinstance(value, str) and value in {v for v, _ in self.choices}
        return isinstance(value, str)


@dataclass(frozen=True)
class Check:
    """One comparison that held: the raw material of a determination's reasons."""

    key: str
    op: str
    expected: object
    actual: object
    member: int | None


@dataclass
class Outcome:
    value: bool | None  # None: unknown, some fact is unanswered
    missing: set[str] = field(default_factory=set)  # full keys (member.N.key) of those facts
    checks: list[Check] = field(default_factory=list)  # why it is true


class Facts:
    """Where a condition finds its facts: case facts, and one member's facts if in scope.

    `aliases`: case facts that are one member's fact (`deceased.health_insurance` is member
    S's `health_insurance`); unanswered, they are reported under the member's key."""

    def __init__(self, case_facts: Mapping[str, object],
                 member_facts: Sequence[Mapping[str, object]],
                 settings: Mapping[str, object], member: int | None = None,
                 scope: Sequence[int] | None = None,
                 aliases: Mapping[str, tuple[int, str]] | None = None) -> None:
        self.case_facts = case_facts
        self.member_facts = member_facts
        self.settings = settings
        self.member = member
        # The members rules may look at (move rules: the moving members only).
        self.scope = tuple(range(len(member_facts))) if scope is None else tuple(scope)
        self.aliases = aliases or {}

    def for_member(self, index: int) -> Facts:
        return Facts(self.case_facts, self.member_facts, self.settings, index, self.scope,
                     self.aliases)

    def within(self, scope: Sequence[int]) -> Facts:
        return Facts(self.case_facts, self.member_facts, self.settings, self.member, scope,
                     self.aliases)

    def full_key(self, key: str) -> str:
        if key in self.aliases:
            index, fact = self.aliases[key]
            return f"member.{index}.{fact}"
        return key if self.member is None or "." in key else f"member.{self.member}.{key}"

    def lookup(self, key: str) -> tuple[bool, object]:
        if key in self.aliases:
            index, fact = self.aliases[key]
            return (fact in self.member_facts[index], self.member_facts[index].get(fact))
        if "." in key:
            return (key in self.case_facts, self.case_facts.get(key))
        assert self.member is not None, "member fact outside a member (parsing refused it)"
        facts = self.member_facts[self.member]
        return (key in facts, facts.get(key))


# --- the tree -----------------------------------------------------------------------------------


class Condition:
    """A node of a parsed condition. Frozen, hashable, comparable by value."""

    def evaluate(self, facts: Facts) -> Outcome:
        raise NotImplementedError

    def to_json(self) -> Any:
        raise NotImplementedError

    def children(self) -> tuple[tuple[str, Condition], ...]:
        """(path suffix, child) for each direct part: `.and[0]`, `.not`, …"""
        return ()

    def facts_read(self) -> set[str]:
        """Every fact key the condition reads (bare keys for member facts)."""
        found: set[str] = set()
        for _, child in self.children():
            found |= child.facts_read()
        return found


@dataclass(frozen=True)
class Const(Condition):
    value: bool

    def evaluate(self, facts: Facts) -> Outcome:
        return Outcome(self.value)

    def to_json(self) -> Any:
        return self.value


@dataclass(frozen=True)
class And(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Outcome:
        parts = [p.evaluate(facts) for p in self.parts]
        if any(p.value is False for p in parts):
            return Outcome(False)
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(True, checks=[c for p in parts for c in p.checks])

    def to_json(self) -> Any:
        return {"and": [p.to_json() for p in self.parts]}

    def children(self) -> tuple[tuple[str, Condition], ...]:
        return tuple((f".and[{i}]", p) for i, p in enumerate(self.parts))


@dataclass(frozen=True)
class Or(Condition):
    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Outcome:
        parts = [p.evaluate(facts) for p in self.parts]
        for part in parts:
            if part.value is True:
                return part
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(False)

    def to_json(self) -> Any:
        return {"or": [p.to_json() for p in self.parts]}

    def children(self) -> tuple[tuple[str, Condition], ...]:
        return tuple((f".or[{i}]", p) for i, p in enumerate(self.parts))


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def evaluate(self, facts: Facts) -> Outcome:
        inner = self.part.evaluate(facts)
        if inner.value is None:
            return inner
        return Outcome(not inner.value, checks=[] if inner.value else self._negated(facts))

    def _negated(self, facts: Facts) -> list[Check]:
        # "not foreign_resident" holds: record the fact with its (false) value as the reason.
        if not isinstance(self.part, Compare):
            return []
        _, actual = facts.lookup(self.part.fact)
        op = "!=" if self.part.operator == "==" else "not"
        return [Check(self.part.fact, op, self.part.value_json(), actual, facts.member)]

    def to_json(self) -> Any:
        return {"not": self.part.to_json()}

    def children(self) -> tuple[tuple[str, Condition], ...]:
        return ((".not", self.part),)


@dataclass(frozen=True)
class AnyMember(Condition):
    part: Condition

    def evaluate(self, facts: Facts) -> Outcome:
        parts = [self.part.evaluate(facts.for_member(i)) for i in facts.scope]
        true_parts = [p for p in parts if p.value is True]
        if true_parts:
            return Outcome(True, checks=[c for p in true_parts for c in p.checks])
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(False)

    def to_json(self) -> Any:
        return {"any_member": self.part.to_json()}

    def children(self) -> tuple[tuple[str, Condition], ...]:
        return ((".any_member", self.part),)


@dataclass(frozen=True)
class Literal:
    """A value written in the rule: true, 65, "nhi", or a tuple for in/not_in."""

    value: bool | int | str | tuple[bool | int | str, ...]

    def to_json(self) -> Any:
        return list(self.value) if isinstance(self.value, tuple) else self.value


@dataclass(frozen=True)
class SettingRef:
    """A city setting, read from the facts' settings when evaluated."""

    name: str

    def to_json(self) -> Any:
        return {"setting": self.name}


@dataclass(frozen=True)
class FactRef:
    """Another fact of the same case (or member)."""

    key: str

    def to_json(self) -> Any:
        return {"fact": self.key}


Value = Literal | SettingRef | FactRef
_TRUE = Literal(True)


@dataclass(frozen=True)
class Compare(Condition):
    """`fact op value`. `op` and `value` are None when the rule does not write them
    (`{"fact": "card_held"}` means == true); kept so that to_json gives back the same JSON."""

    fact: str
    op: str | None = None
    value: Value | None = None

    @property
    def operator(self) -> str:
        return self.op or "=="

    @property
    def operand(self) -> Value:
        return self.value or _TRUE

    def value_json(self) -> Any:
        return self.operand.to_json()

    def evaluate(self, facts: Facts) -> Outcome:
        known, actual = facts.lookup(self.fact)
        if not known:
            return Outcome(None, {facts.full_key(self.fact)})
        operand = self.operand
        if isinstance(operand, Literal):
            expected: Any = operand.value
        elif isinstance(operand, SettingRef):
            expected = facts.settings[operand.name]
        else:
            known, expected = facts.lookup(operand.key)
            if not known:
                return Outcome(None, {facts.full_key(operand.key)})
        try:
            holds = OPS[self.operator](actual, expected)
        except TypeError:
            holds = False  # e.g. a raw sex code compared with a number: not a match
        if not holds:
            return Outcome(False)
        shown = list(expected) if isinstance(expected, tuple) else expected
        return Outcome(True, checks=[Check(self.fact, self.operator, shown, actual,
                                           facts.member)])

    def to_json(self) -> Any:
        data: dict[str, Any] = {"fact": self.fact}
        if self.op is not None:
            data["op"] = self.op
        if self.value is not None:
            data["value"] = self.value.to_json()
        return data

    def facts_read(self) -> set[str]:
        if isinstance(self.value, FactRef):
            return {self.fact, self.value.key}
        return {self.fact}


def evaluate(condition: Condition, facts: Facts) -> Outcome:
    return condition.evaluate(facts)


def condition_facts(condition: Condition) -> set[str]:
    """Every fact key a condition mentions (bare keys for member facts)."""
    return condition.facts_read()


# --- parsing ------------------------------------------------------------------------------------


@dataclass
class Context:
    """What a condition is parsed against. Problems are collected, not raised, so that one
    pass finds every broken leaf (the editor shows them all as the supervisor types)."""

    facts: Mapping[str, FactSpec]
    settings: Mapping[str, object] | None  # None: the city is broken (reported there)
    problems: list[RuleError]
    # Facts that were declared but could not be read: no second error for each use of them.
    broken_facts: frozenset[str] = frozenset()


def parse_condition(data: Any, path: str, context: Context, in_member: bool,
                    in_any: bool = False) -> Condition | None:
    """The typed condition, or None after adding its problems to `context.problems`.
    `in_any`: inside an any_member, where another one would mean nothing more."""
    try:
        return _parse(data, path, context, in_member, in_any)
    except _Skip:
        return None
    except RuleError as exc:
        context.problems.append(exc)
        return None


def _parse(data: Any, path: str, context: Context, in_member: bool, in_any: bool
           ) -> Condition | None:
    if isinstance(data, bool):
        return Const(data)
    if not isinstance(data, dict) or not data:
        raise RuleError(path, "a condition is true, false or an object")
    connectives = [k for k in CONNECTIVES if k in data]
    if not connectives:
        return _compare(data, path, context, in_member)
    if len(data) != 1:
        raise RuleError(path, f"'{connectives[0]}' must stand alone in its object")
    key = connectives[0]
    body = data[key]
    if key in ("and", "or"):
        if not isinstance(body, list) or not body:
            raise RuleError(f"{path}.{key}", "needs a non-empty list of conditions")
        parts = [parse_condition(part, f"{path}.{key}[{i}]", context, in_member, in_any)
                 for i, part in enumerate(body)]
        if any(p is None for p in parts):
            return None
        return (And if key == "and" else Or)(tuple(parts))  # type: ignore[arg-type]
    if key == "not":
        part = parse_condition(body, f"{path}.not", context, in_member, in_any)
        return None if part is None else Not(part)
    if in_any:
        raise RuleError(path, "any_member inside any_member")
    # In a member rule too: LIFE_EVENTS.md's "the spouse, if any member is a child".
    part = parse_condition(body, f"{path}.any_member", context, True, True)
    return None if part is None else AnyMember(part)


def _compare(data: dict[str, Any], path: str, context: Context, in_member: bool
             ) -> Compare | None:
    unknown = set(data) - {"fact", "op", "value"}
    if unknown or "fact" not in data:
        raise RuleError(path, f"unknown condition keys {sorted(unknown) or list(data)}")
    spec = _fact(data["fact"], f"{path}.fact", context, in_member)
    op = data.get("op")
    if op is not None and (not isinstance(op, str) or op not in OPS):
        raise RuleError(f"{path}.op", f"unknown operator {op!r}; use one of {', '.join(OPS)}")
    if "op" in data and "value" not in data:
        raise RuleError(path, "an operator needs a value")
    if spec is None:
        return None
    operator = op or "=="
    if "value" not in data:
        if spec.type != "bool":
            raise RuleError(f"{path}.value", f"{spec.key} is {spec.type}: compare it with a "
                                             "value", "値を比べる条件には値が必要です")
        return Compare(spec.key)
    raw = data["value"]
    if isinstance(raw, dict):
        return Compare(spec.key, op, _reference(raw, spec, operator, path, context, in_member))
    if operator in LIST_OPS:
        if not isinstance(raw, list):
            raise RuleError(f"{path}.value", f"'{operator}' needs a list of values")
        values = raw
    else:
        values = [raw]
    if spec.type == "date":
        # The engine holds dates as dates: a JSON value could never equal or order with one.
        raise RuleError(f"{path}.value", f"compare {spec.key} with another date fact")
    for item in values:
        if not spec.accepts(item):
            raise RuleError(f"{path}.value", f"{item!r} is not a valid {spec.key} ({spec.type})",
                            f"「{spec.label_ja}」の値として使えません: {item!r}")
    _check_ordered(operator, spec, path)
    literal = Literal(tuple(values)) if operator in LIST_OPS else Literal(raw)
    return Compare(spec.key, op, literal)


def _reference(raw: dict[str, Any], spec: FactSpec, operator: str, path: str, context: Context,
               in_member: bool) -> Value:
    if operator in LIST_OPS:
        raise RuleError(f"{path}.value", f"'{operator}' needs a list of values")
    if set(raw) == {"setting"}:
        name = raw["setting"]
        if context.settings is None:
            raise _Skip
        if not isinstance(name, str) or name not in context.settings:
            raise RuleError(f"{path}.value", f"unknown city setting {name!r}",
                            f"市の設定「{name}」はありません")
        setting = context.settings[name]
        if spec.type == "date" or not spec.accepts(setting):
            raise RuleError(f"{path}.value", f"setting {name} ({setting!r}) is not a valid "
                                             f"{spec.key} ({spec.type})")
        _check_ordered(operator, spec, path)
        return SettingRef(name)
    if set(raw) == {"fact"}:
        other = _fact(raw["fact"], f"{path}.value.fact", context, in_member)
        if other is None:
            raise _Skip
        if other.type != spec.type:
            raise RuleError(f"{path}.value", f"compares {spec.type} with {other.type}",
                            f"「{spec.label_ja}」と「{other.label_ja}」は種類が違うため比べられません")
        _check_ordered(operator, spec, path)
        return FactRef(other.key)
    raise RuleError(f"{path}.value", "a value object is {\"fact\": …} or {\"setting\": …}")


class _Skip(RuleError):
    """A reference to a fact that is broken already (reported once, where it is declared)."""

    def __init__(self) -> None:
        super().__init__("", "")


def _check_ordered(operator: str, spec: FactSpec, path: str) -> None:
    if operator in ORDERED_OPS and spec.type not in ("int", "date"):
        raise RuleError(f"{path}.op", f"'{operator}' compares numbers; {spec.key} is {spec.type}",
                        f"「{spec.label_ja}」は大小を比べられません")


def _fact(key: Any, path: str, context: Context, in_member: bool) -> FactSpec | None:
    if isinstance(key, str) and key in context.broken_facts:
        return None
    if not isinstance(key, str) or key not in context.facts:
        raise RuleError(path, f"unknown fact {key!r}", f"「{key}」という項目はありません")
    spec = context.facts[key]
    if spec.scope == "member" and not in_member:
        raise RuleError(path, f"{key} is a member fact: use it in a member rule or any_member",
                        f"「{spec.label_ja}」は一人ひとりの項目です。"
                        "世帯の条件では「世帯の誰かが」の中で使ってください")
    return spec
