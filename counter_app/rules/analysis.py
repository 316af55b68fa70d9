"""Conditions that can never be true, or are always true: almost always a slip in the editor.

A procedure whose rule can never hold is never chosen; a rule that always holds but is not
written `true` still asks its questions for nothing. Found here, without any case:

- constants inside a tree (`{"and": [false, …]}`, `{"not": true}`);
- `x in []` (never) and `x not_in []` (always);
- comparisons on one fact that exclude each other within an `and` (age ≥ 65 and age < 40),
  or that cover every value within an `or` (x, or not x; age ≥ 65 or age < 65); an `and`
  inside an `and` (an `or` inside an `or`) counts as part of it.

Each value set is exact for the fact's type: intervals of whole numbers for int facts, the
declared choices for choice facts, true/false for bool facts, and finite or co-finite sets for
free text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from counter_app.rules.conditions import (
    And,
    AnyMember,
    Compare,
    Condition,
    Const,
    FactRef,
    FactSpec,
    Not,
    Or,
    RuleError,
    SettingRef,
)

INF = float("inf")
NEVER_JA = "この条件は決して成り立ちません（手続が選ばれることがありません）"
ALWAYS_JA = "この条件は常に成り立ちます（条件なしの場合は「常に」にしてください）"


class ValueSet:
    def __and__(self, other: ValueSet) -> ValueSet:
        raise NotImplementedError

    def __or__(self, other: ValueSet) -> ValueSet:
        raise NotImplementedError

    def __invert__(self) -> ValueSet:
        raise NotImplementedError

    @property
    def empty(self) -> bool:
        raise NotImplementedError

    @property
    def full(self) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class IntSet(ValueSet):
    """Whole numbers as sorted, disjoint, non-adjacent closed intervals (bounds may be ±inf)."""

    intervals: tuple[tuple[float, float], ...]

    @classmethod
    def of(cls, intervals: Iterable[tuple[float, float]]) -> IntSet:
        merged: list[tuple[float, float]] = []
        for low, high in sorted(i for i in intervals if i[0] <= i[1]):
            if merged and low <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], high))
            else:
                merged.append((low, high))
        return cls(tuple(merged))

    def __and__(self, other: ValueSet) -> ValueSet:
        assert isinstance(other, IntSet)
        return IntSet.of((max(a[0], b[0]), min(a[1], b[1]))
                         for a in self.intervals for b in other.intervals)

    def __or__(self, other: ValueSet) -> ValueSet:
        assert isinstance(other, IntSet)
        return IntSet.of(self.intervals + other.intervals)

    def __invert__(self) -> ValueSet:
        gaps, start = [], -INF
        for low, high in self.intervals:
            gaps.append((start, low - 1))
            start = high + 1
        gaps.append((start, INF))
        return IntSet.of(gaps)

    @property
    def empty(self) -> bool:
        return not self.intervals

    @property
    def full(self) -> bool:
        return self.intervals == ((-INF, INF),)


@dataclass(frozen=True)
class FiniteSet(ValueSet):
    """`members`, or every value but them (`negated`); `domain` when the type has one."""

    members: frozenset[Any]
    negated: bool = False
    domain: frozenset[Any] | None = None

    def _normal(self) -> FiniteSet:
        if self.negated and self.domain is not None:
            return FiniteSet(self.domain - self.members, False, self.domain)
        return self

    def __and__(self, other: ValueSet) -> ValueSet:
        assert isinstance(other, FiniteSet)
        a, b = self._normal(), other._normal()
        if a.negated and b.negated:
            return FiniteSet(a.members | b.members, True, a.domain)
        if a.negated:
            a, b = b, a
        return FiniteSet(a.members - b.members if b.negated else a.members & b.members,
                         False, a.domain)

    def __or__(self, other: ValueSet) -> ValueSet:
        assert isinstance(other, FiniteSet)
        return ~(~self & ~other)

    def __invert__(self) -> ValueSet:
        return FiniteSet(self.members, not self.negated, self.domain)._normal()

    @property
    def empty(self) -> bool:
        normal = self._normal()
        return not normal.negated and not normal.members

    @property
    def full(self) -> bool:
        normal = self._normal()
        if normal.domain is not None:
            return normal.members == normal.domain
        return normal.negated and not normal.members


def _int_set(op: str, value: Any) -> IntSet:
    if op in ("in", "not_in"):
        points = IntSet.of((v, v) for v in value)
        return points if op == "in" else ~points  # type: ignore[return-value]
    intervals = {"==": [(value, value)], "!=": [(-INF, value - 1), (value + 1, INF)],
                 "<": [(-INF, value - 1)], "<=": [(-INF, value)],
                 ">": [(value + 1, INF)], ">=": [(value, INF)]}[op]
    return IntSet.of(intervals)


def allowed(compare: Compare, spec: FactSpec, settings: Mapping[str, object]
            ) -> ValueSet | None:
    """The values of the fact for which the comparison holds; None if it depends on another
    fact (or the fact is a date, compared only with other dates)."""
    operand = compare.operand
    if isinstance(operand, FactRef) or spec.type == "date":
        return None
    value = settings[operand.name] if isinstance(operand, SettingRef) else operand.value
    op = compare.operator
    if spec.type == "int":
        return _int_set(op, value)
    domain: frozenset[Any] | None = None
    if spec.type == "bool":
        domain = frozenset({True, False})
    elif spec.type == "choice":
        domain = frozenset(v for v, _ in spec.choices)
    if op in ("in", "not_in"):
        assert isinstance(value, tuple), "parsing gives in and not_in a list of values"
        values = frozenset(value)
    else:
        values = frozenset({value})
    return FiniteSet(values, op in ("!=", "not_in"), domain)._normal()


class _Analysis:
    def __init__(self, facts: Mapping[str, FactSpec], settings: Mapping[str, object]) -> None:
        self.facts = facts
        self.settings = settings

    def single(self, node: Condition) -> tuple[str, ValueSet] | None:
        """(fact, the values for which `node` holds) when the node reads exactly one fact."""
        if isinstance(node, Compare):
            values = allowed(node, self.facts[node.fact], self.settings)
            return None if values is None else (node.fact, values)
        if isinstance(node, Not):
            inner = self.single(node.part)
            return None if inner is None else (inner[0], ~inner[1])
        if isinstance(node, And | Or):
            parts = [self.single(p) for p in node.parts]
            found = [p for p in parts if p is not None]
            if len(found) != len(parts) or len({fact for fact, _ in found}) != 1:
                return None
            fact, combined = found[0]
            for _, values in found[1:]:
                combined = combined & values if isinstance(node, And) else combined | values
            return fact, combined
        return None

    def constant(self, node: Condition) -> tuple[bool, str] | None:
        """(value, why) when the node has the same value for every case; None otherwise."""
        if isinstance(node, Const):
            return node.value, f"it is the constant {str(node.value).lower()}"
        if isinstance(node, Not):
            inner = self.constant(node.part)
            return None if inner is None else (not inner[0], inner[1])
        if isinstance(node, AnyMember):
            return self.constant(node.part)
        if isinstance(node, Compare):
            return self._compare(node)
        assert isinstance(node, And | Or)
        decisive = isinstance(node, Or)  # the value one part makes the whole take
        name = "or" if decisive else "and"
        constants = [self.constant(p) for p in node.parts]
        for constant in constants:
            if constant is not None and constant[0] is decisive:
                return decisive, f"one part of this '{name}' is always {str(decisive).lower()}"
        if all(c is not None for c in constants):
            return not decisive, f"every part of this '{name}' is {str(not decisive).lower()}"
        by_fact: dict[str, ValueSet] = {}
        for part in _flat(node):
            found = self.single(part)
            if found is None:
                continue
            fact, values = found
            if fact in by_fact:
                values = by_fact[fact] | values if decisive else by_fact[fact] & values
            by_fact[fact] = values
            if decisive and values.full:
                return True, f"the parts of this 'or' on {fact} hold for every value"
            if not decisive and values.empty:
                return False, f"the parts of this 'and' on {fact} exclude every value"
        return None

    def _compare(self, node: Compare) -> tuple[bool, str] | None:
        values = allowed(node, self.facts[node.fact], self.settings)
        if values is None:
            return None
        if values.empty:
            return False, f"no value of {node.fact} satisfies it"
        if values.full:
            return True, f"every value of {node.fact} satisfies it"
        return None


def _flat(node: And | Or) -> list[Condition]:
    """The parts of `node`, with those of a nested node of the same kind in its place."""
    parts: list[Condition] = []
    for part in node.parts:
        if isinstance(part, And | Or) and type(part) is type(node):
            parts.extend(_flat(part))
        else:
            parts.append(part)
    return parts


def condition_problems(condition: Condition, path: str, facts: Mapping[str, FactSpec],
                       settings: Mapping[str, object]) -> list[RuleError]:
    """Every part of `condition` that can never be true or is always true: the outermost
    constant part, or the parts inside it that decide it alone (`false` in an `and`). A rule
    written `true` is fine: that is "always"."""
    analysis = _Analysis(facts, settings)
    problems: list[RuleError] = []

    def walk(node: Condition, where: str, top: bool) -> None:
        if top and node == Const(True):
            return
        found = analysis.constant(node)
        if found is not None and isinstance(node, And | Or):
            # A part that decides the whole on its own is the place to point at.
            decisive = [(suffix, child) for suffix, child in node.children()
                        if (analysis.constant(child) or (None,))[0] is isinstance(node, Or)]
            if decisive:
                for suffix, child in decisive:
                    walk(child, where + suffix, False)
                return
        if found is not None:
            value, why = found
            if value:
                problems.append(RuleError(where, f"is always true ({why}): write true, or "
                                                 "change the rule", ALWAYS_JA))
            else:
                problems.append(RuleError(where, f"can never be true ({why})", NEVER_JA))
            return
        for suffix, child in node.children():
            walk(child, where + suffix, False)

    walk(condition, path, True)
    return problems
