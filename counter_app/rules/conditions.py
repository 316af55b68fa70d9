"""Rule conditions: a small JSON condition tree, validated against the fact catalogue.

    true | false
    {"and": [C, …]}  {"or": [C, …]}  {"not": C}
    {"any_member": C}                       household rules: true if C holds for some member
    {"fact": KEY}                           KEY is true
    {"fact": KEY, "op": OP, "value": V}     OP: == != < <= > >= in not_in
    V: a JSON value, a list (for in/not_in), {"fact": KEY} or {"setting": NAME}

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
OP_SYMBOLS = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥", "in": "∈",
              "not_in": "∉"}


class RuleError(ValueError):
    """A rule that does not fit the catalogue; `path` points at it (procedures[3].when.and[1])."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


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
        return dict(self.choices).get(value, str(value))  # type: ignore[arg-type]

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
    """Where a condition finds its facts: case facts, and one member's facts if in scope."""

    def __init__(self, case_facts: Mapping[str, object],
                 member_facts: list[Mapping[str, object]],
                 settings: Mapping[str, object], member: int | None = None,
                 scope: Sequence[int] | None = None) -> None:
        self.case_facts = case_facts
        self.member_facts = member_facts
        self.settings = settings
        self.member = member
        # The members rules may look at (move rules: the moving members only).
        self.scope = tuple(range(len(member_facts))) if scope is None else tuple(scope)

    def for_member(self, index: int) -> Facts:
        return Facts(self.case_facts, self.member_facts, self.settings, index, self.scope)

    def within(self, scope: Sequence[int]) -> Facts:
        return Facts(self.case_facts, self.member_facts, self.settings, self.member, scope)

    def full_key(self, key: str) -> str:
        return key if self.member is None or "." in key else f"member.{self.member}.{key}"

    def lookup(self, key: str) -> tuple[bool, object]:
        if "." in key:
            return (key in self.case_facts, self.case_facts.get(key))
        assert self.member is not None, "member fact outside a member (validation missed it)"
        facts = self.member_facts[self.member]
        return (key in facts, facts.get(key))


def evaluate(condition: Any, facts: Facts) -> Outcome:
    if condition is True or condition is False:
        return Outcome(condition)
    if "and" in condition:
        parts = [evaluate(c, facts) for c in condition["and"]]
        if any(p.value is False for p in parts):
            return Outcome(False)
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(True, checks=[c for p in parts for c in p.checks])
    if "or" in condition:
        parts = [evaluate(c, facts) for c in condition["or"]]
        for part in parts:
            if part.value is True:
                return part
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(False)
    if "not" in condition:
        inner = evaluate(condition["not"], facts)
        if inner.value is None:
            return inner
        return Outcome(not inner.value,
                       checks=[] if inner.value else _negated(condition["not"], facts))
    if "any_member" in condition:
        parts = [evaluate(condition["any_member"], facts.for_member(i)) for i in facts.scope]
        true_parts = [p for p in parts if p.value is True]
        if true_parts:
            return Outcome(True, checks=[c for p in true_parts for c in p.checks])
        if any(p.value is None for p in parts):
            return Outcome(None, set().union(*(p.missing for p in parts)))
        return Outcome(False)
    return _compare(condition, facts)


def _compare(condition: Mapping[str, Any], facts: Facts) -> Outcome:
    key = condition["fact"]
    known, actual = facts.lookup(key)
    if not known:
        return Outcome(None, {facts.full_key(key)})
    op = condition.get("op", "==")
    expected = _value(condition.get("value", True), facts)
    if expected is _UNKNOWN:
        return Outcome(None, {facts.full_key(condition["value"]["fact"])})
    try:
        holds = OPS[op](actual, expected)
    except TypeError:
        holds = False  # e.g. a raw sex code compared with a number: not a match
    return Outcome(holds, checks=[Check(key, op, expected, actual, facts.member)] if holds else [])


def _negated(condition: Any, facts: Facts) -> list[Check]:
    # "not foreign_resident" holds: record the fact with its (false) value as the reason.
    if isinstance(condition, dict) and "fact" in condition:
        _, actual = facts.lookup(condition["fact"])
        return [Check(condition["fact"], "!=" if condition.get("op", "==") == "==" else "not",
                      condition.get("value", True), actual, facts.member)]
    return []


_UNKNOWN = object()


def _value(value: Any, facts: Facts) -> Any:
    if isinstance(value, dict) and "setting" in value:
        return facts.settings[value["setting"]]
    if isinstance(value, dict) and "fact" in value:
        known, actual = facts.lookup(value["fact"])
        return actual if known else _UNKNOWN
    return value


def condition_facts(condition: Any) -> set[str]:
    """Every fact key a condition mentions (bare keys for member facts)."""
    if not isinstance(condition, dict):
        return set()
    found: set[str] = set()
    for key in ("and", "or"):
        for part in condition.get(key, []):
            found |= condition_facts(part)
    for key in ("not", "any_member"):
        if key in condition:
            found |= condition_facts(condition[key])
    if "fact" in condition:
        found.add(condition["fact"])
        value = condition.get("value")
        if isinstance(value, dict) and "fact" in value:
            found.add(value["fact"])
    return found


def validate(condition: Any, path: str, catalogue_facts: Mapping[str, FactSpec],
             settings: Mapping[str, object], in_member: bool) -> None:
    """Raise RuleError unless the condition is well formed and fits the fact catalogue."""
    if isinstance(condition, bool):
        return
    if not isinstance(condition, dict) or not condition:
        raise RuleError(path, "a condition is true, false or an object")
    connectives = [k for k in ("and", "or", "not", "any_member") if k in condition]
    if connectives:
        if len(condition) != 1:
            raise RuleError(path, f"'{connectives[0]}' must stand alone in its object")
        key = connectives[0]
        body = condition[key]
        if key in ("and", "or"):
            if not isinstance(body, list) or not body:
                raise RuleError(f"{path}.{key}", "needs a non-empty list of conditions")
            for i, part in enumerate(body):
                validate(part, f"{path}.{key}[{i}]", catalogue_facts, settings, in_member)
        elif key == "not":
            validate(body, f"{path}.not", catalogue_facts, settings, in_member)
        else:
            if in_member:
                raise RuleError(path, "any_member inside a member rule")
            validate(body, f"{path}.any_member", catalogue_facts, settings, True)
        return
    unknown = set(condition) - {"fact", "op", "value"}
    if unknown or "fact" not in condition:
        raise RuleError(path, f"unknown condition keys {sorted(unknown) or list(condition)}")
    spec = _fact(condition["fact"], f"{path}.fact", catalogue_facts, in_member)
    op = condition.get("op", "==")
    if not isinstance(op, str) or op not in OPS:
        raise RuleError(f"{path}.op", f"unknown operator {op!r}; use one of {', '.join(OPS)}")
    if "op" in condition and "value" not in condition:
        raise RuleError(path, "an operator needs a value")
    value = condition.get("value", True)
    if isinstance(value, dict):
        if set(value) == {"setting"}:
            name = value["setting"]
            if not isinstance(name, str) or name not in settings:
                raise RuleError(f"{path}.value", f"unknown city setting {name!r}")
            value = settings[name]
        elif set(value) == {"fact"}:
            other = _fact(value["fact"], f"{path}.value.fact", catalogue_facts, in_member)
            if other.type != spec.type:
                raise RuleError(f"{path}.value", f"compares {spec.type} with {other.type}")
            return
        else:
            raise RuleError(f"{path}.value", "a value object is {\"fact\": …} or {\"setting\": …}")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise RuleError(f"{path}.value", f"'{op}' needs a non-empty list")
        values = value
    else:
        values = [value]
    if spec.type == "date":
        # The engine holds dates as dates: a JSON value could never equal or order with one.
        raise RuleError(f"{path}.value", f"compare {spec.key} with another date fact")
    for item in values:
        if not spec.accepts(item):
            raise RuleError(f"{path}.value", f"{item!r} is not a valid {spec.key} ({spec.type})")
    if op in ORDERED_OPS and spec.type not in ("int", "date"):
        raise RuleError(f"{path}.op", f"'{op}' compares numbers; {spec.key} is {spec.type}")


def _fact(key: Any, path: str, catalogue_facts: Mapping[str, FactSpec], in_member: bool
          ) -> FactSpec:
    if not isinstance(key, str) or key not in catalogue_facts:
        raise RuleError(path, f"unknown fact {key!r}")
    spec = catalogue_facts[key]
    if spec.scope == "member" and not in_member:
        raise RuleError(path, f"{key} is a member fact: use it in a member rule or any_member")
    return spec
