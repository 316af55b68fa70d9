"""The condition builder of the config screen, without Qt.

A procedure's condition (its JSON, see rules/conditions.py) as rows a supervisor reads
(「世帯員の 年齢（法律上） が 65 以上」) and changes by keyboard: comparisons added, removed and
moved, grouped under すべて (and), いずれか (or), でない (not) and 世帯の誰か (any_member), each
comparison's value typed by its fact's type. Every edit leaves JSON the catalogue's own parsing
checks (unknown fact, type mismatch, never or always true); `problems_by_row` puts each of its
problems beside the row it is about.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from counter_app.rules.conditions import (
    LIST_OPS,
    Context,
    FactSpec,
    RuleError,
    parse_condition,
)
from counter_app.rules.describe import HEADINGS_JA, SETTING_LABELS, VALUE_LABELS, describe_rows
from counter_app.rules.editing import typed_value

GROUPS = ("and", "or", "not", "any_member")
OPERATOR_JA = {"==": "と同じ", "!=": "以外", "<": "未満", "<=": "以下", ">": "を超える",
               ">=": "以上", "in": "のいずれか", "not_in": "のいずれでもない"}
MEMBER_PREFIX_JA = "世帯員の "
ALWAYS_JA = "常に"
NEVER_JA = "該当なし（常に成り立たない）"
APP_SETTINGS = frozenset({"retention_days"})  # the app's, not a rule's to compare with
_STEP = re.compile(r"\.(and|or)\[(\d+)\]|\.(not|any_member)")
_SEPARATORS = re.compile(r"[、,，]")

Step = tuple[str, int | None]


def parse_path(path: str) -> list[Step]:
    """'.and[1].not' → [("and", 1), ("not", None)]; ValueError for anything else."""
    found: list[Step] = []
    at = 0
    for match in _STEP.finditer(path):
        if match.start() != at:
            break
        found.append((match.group(1), int(match.group(2))) if match.group(1)
                     else (match.group(3), None))
        at = match.end()
    if at != len(path):
        raise ValueError(f"not a condition path: {path!r}")
    return found


def path_text(steps: Sequence[Step]) -> str:
    return "".join(f".{k}[{i}]" if i is not None else f".{k}" for k, i in steps)


@dataclass(frozen=True)
class BuilderRow:
    depth: int
    path: str  # relative to the condition: "" itself, ".and[0]", ".not", …
    kind: str  # and, or, not, any_member, compare, const
    text_ja: str


@dataclass(frozen=True)
class ValueInput:
    """How a comparison's value is given: `pick` one option, `pick_many`, or `text` (a number
    or words, several separated by 、; the options, if any, can be picked instead)."""

    kind: str
    options: tuple[tuple[str, Any], ...] = ()


def group_kind(node: Any) -> str | None:
    if isinstance(node, dict) and len(node) == 1:
        key = next(iter(node))
        if key in GROUPS:
            return str(key)
    return None


def operators_for(spec: FactSpec) -> tuple[str, ...]:
    """The comparisons a fact's type allows (rules/conditions.py refuses the others)."""
    if spec.type == "bool":
        return ("==",)
    if spec.type == "int":
        return ("==", "!=", "<", "<=", ">", ">=", "in", "not_in")
    if spec.type == "date":
        return ("==", "!=", "<", "<=", ">", ">=")
    return ("==", "!=", "in", "not_in")


def value_labels(spec: FactSpec) -> tuple[tuple[str, str], ...]:
    """(value, label) of a fact whose values are a known set: its choices, or the card's codes."""
    if spec.choices:
        return spec.choices
    return tuple(VALUE_LABELS.get(spec.key, {}).items())


class ConditionEdit:
    """One procedure's condition as edited. `facts` and `settings` are the catalogue's (the
    last one that parsed); `member_rule`: the procedure is decided for each member."""

    def __init__(self, when: Any, facts: Mapping[str, FactSpec],
                 settings: Mapping[str, object], member_rule: bool) -> None:
        self.when: Any = copy.deepcopy(when)
        self.facts = facts
        self.settings = settings
        self.member_rule = member_rule

    # --- reading ---------------------------------------------------------------------------------

    def node(self, path: str) -> Any:
        node = self.when
        for key, index in parse_path(path):
            node = node[key] if index is None else node[key][index]
        return node

    def in_member(self, path: str) -> bool:
        """Member facts can be used here: a member rule, or inside 世帯の誰か."""
        return self.member_rule or any(k == "any_member" for k, _ in parse_path(path))

    def rows(self) -> list[BuilderRow]:
        rows: list[BuilderRow] = []

        def walk(node: Any, depth: int, path: str) -> None:
            kind = group_kind(node)
            if isinstance(node, bool):
                rows.append(BuilderRow(depth, path, "const", ALWAYS_JA if node else NEVER_JA))
            elif kind is None:
                rows.append(BuilderRow(depth, path, "compare", self.compare_text(node)))
            else:
                rows.append(BuilderRow(depth, path, kind, HEADINGS_JA[kind]))
                body = node[kind]
                if kind in ("and", "or"):
                    for i, child in enumerate(body if isinstance(body, list) else []):
                        walk(child, depth + 1, f"{path}.{kind}[{i}]")
                else:
                    walk(body, depth + 1, f"{path}.{kind}")

        walk(self.when, 0, "")
        return rows

    def compare_text(self, node: Any) -> str:
        """「世帯員の 年齢 が 65 以上」; a comparison that does not parse as written."""
        fact = node.get("fact") if isinstance(node, dict) else None
        spec = self.facts.get(fact) if isinstance(fact, str) else None
        prefix = MEMBER_PREFIX_JA if spec is not None and spec.scope == "member" else ""
        parsed = parse_condition(node, "", Context(self.facts, self.settings, []), True)
        if parsed is not None:
            return prefix + describe_rows(parsed, self.facts, self.settings)[0].text
        label = spec.label_ja if spec is not None else f"「{fact}」"
        if not isinstance(node, dict) or "value" not in node:
            return f"{prefix}{label}（誤りあり）"
        op = node.get("op", "==")
        return f"{prefix}{label} が {node['value']} {OPERATOR_JA.get(str(op), op)}（誤りあり）"

    def facts_at(self, path: str) -> list[FactSpec]:
        """The facts a comparison at `path` can read, in the catalogue's order."""
        member = self.in_member(path)
        return [f for f in self.facts.values() if member or f.scope == "case"]

    def compare_parts(self, path: str) -> tuple[FactSpec | None, str, Any]:
        """(fact, operator, value) of the comparison at `path`, as the editor shows them: a
        yes/no fact is 「== はい/いいえ」 however it is written."""
        node = self.node(path)
        fact = node.get("fact") if isinstance(node, dict) else None
        spec = self.facts.get(fact) if isinstance(fact, str) else None
        op = str(node.get("op", "==")) if isinstance(node, dict) else "=="
        value = node.get("value", True) if isinstance(node, dict) else None
        if spec is not None and spec.type == "bool" and isinstance(value, bool) \
                and op in ("==", "!="):
            return spec, "==", value is (op == "==")
        return spec, op, value

    def value_input(self, spec: FactSpec, op: str, path: str) -> ValueInput:
        if spec.type == "bool":
            return ValueInput("pick", (("はい", True), ("いいえ", False)))
        if spec.type == "date":
            member = self.in_member(path)
            return ValueInput("pick", tuple(
                (f.label_ja, {"fact": f.key}) for f in self.facts.values()
                if f.type == "date" and f.key != spec.key and (member or f.scope == "case")))
        labels = value_labels(spec)
        if labels:
            return ValueInput("pick_many" if op in LIST_OPS else "pick",
                              tuple((label, value) for value, label in labels))
        if spec.type == "int" and op not in LIST_OPS:
            return ValueInput("text", tuple(
                (f"市の設定「{SETTING_LABELS.get(name, name)}」（{value}）", {"setting": name})
                for name, value in self.settings.items()
                if isinstance(value, int) and not isinstance(value, bool)
                and name not in APP_SETTINGS))
        return ValueInput("text")

    # --- values -----------------------------------------------------------------------------------

    def default_value(self, spec: FactSpec, op: str, path: str) -> Any:
        shown = self.value_input(spec, op, path)
        if shown.kind == "pick_many":
            return [shown.options[0][1]] if shown.options else []
        if shown.kind == "pick" and shown.options:
            return shown.options[0][1]
        if op in LIST_OPS:
            return []
        return 0 if spec.type == "int" else ""

    @staticmethod
    def typed(spec: FactSpec, op: str, text: str) -> Any:
        """A typed value: a whole number for a number fact, several when the operator
        compares with a list (separated by 、). What does not fit stays as typed, for the
        validation to name."""
        def one(part: str) -> Any:
            return typed_value(part) if spec.type == "int" else part.strip()

        if op in LIST_OPS:
            return [one(part) for part in _SEPARATORS.split(text) if part.strip()]
        return one(text)

    @staticmethod
    def value_text(value: Any) -> str:
        """A typed value as the text box shows it."""
        if isinstance(value, list):
            return "、".join(str(v) for v in value)
        return "" if value is None or isinstance(value, dict) else str(value)

    # --- changing (each returns the path of the row to select next) -------------------------------

    def set_compare(self, path: str, key: str, op: str, value: Any) -> str:
        spec = self.facts[key]
        if spec.type == "bool":
            node: dict[str, Any] = {"fact": key} if value is not False else \
                {"fact": key, "value": False}
        else:
            node = {"fact": key, "op": op, "value": value}
        self._replace(parse_path(path), node)
        return path

    def set_fact(self, path: str, key: str) -> str:
        """Another fact: its first operator and a value of its type."""
        spec = self.facts[key]
        op = operators_for(spec)[0]
        return self.set_compare(path, key, op, self.default_value(spec, op, path))

    def set_operator(self, path: str, op: str) -> str:
        """Another operator: the value kept when it still fits (one value ↔ a list)."""
        spec, old_op, value = self.compare_parts(path)
        if spec is None:
            return path
        if (op in LIST_OPS) != (old_op in LIST_OPS) or isinstance(value, dict):
            if op in LIST_OPS:
                value = [] if value is None or isinstance(value, dict) else [value]
            elif isinstance(value, list) and value:
                value = value[0]
            else:
                value = self.default_value(spec, op, path)
        return self.set_compare(path, spec.key, op, value)

    def new_compare(self, path: str) -> dict[str, Any]:
        """A comparison for a new row at `path`: the first fact usable there."""
        spec = self.facts_at(path)[0]
        op = operators_for(spec)[0]
        value = self.default_value(spec, op, path)
        if spec.type == "bool":
            return {"fact": spec.key}
        return {"fact": spec.key, "op": op, "value": value}

    def add_compare(self, path: str) -> str:
        """A comparison after the selected row (inside it, when it is a すべて/いずれか group)."""
        return self._add(path, lambda where: self.new_compare(where))

    def add_group(self, path: str, kind: str) -> str:
        """A group with one comparison in it, after the selected row; the comparison is
        selected. 世帯の誰か lets a household rule read a member's facts."""
        if kind not in GROUPS:
            raise ValueError(kind)

        def build(where: str) -> Any:
            inner = f"{where}.{kind}[0]" if kind in ("and", "or") else f"{where}.{kind}"
            child = self.new_compare(inner) if kind != "any_member" else \
                self._member_compare()
            return {kind: [child]} if kind in ("and", "or") else {kind: child}

        where = self._add(path, build)
        return f"{where}.{kind}[0]" if kind in ("and", "or") else f"{where}.{kind}"

    def toggle_not(self, path: str) -> str:
        """でない: the selected row negated, or its でない taken away."""
        steps = parse_path(path)
        node = self.node(path)
        self._replace(steps, node["not"] if group_kind(node) == "not" else {"not": node})
        return path

    def switch_group(self, path: str) -> bool:
        """すべて ⇔ いずれか on a group row; False on any other row."""
        node = self.node(path)
        kind = group_kind(node)
        if kind not in ("and", "or"):
            return False
        self._replace(parse_path(path), {"or" if kind == "and" else "and": node[kind]})
        return True

    def remove(self, path: str) -> str:
        """The row and what it holds; a group left empty goes too, the whole condition
        becomes 常に."""
        steps = parse_path(path)
        if not steps:
            self.when = True
            return ""
        parent = path_text(steps[:-1])
        key, index = steps[-1]
        if index is None:
            return self.remove(parent)
        items = self.node(parent)[key]
        del items[index]
        if not items:
            return self.remove(parent)
        return path_text([*steps[:-1], (key, min(index, len(items) - 1))])

    def move(self, path: str, delta: int) -> str:
        """Up or down among its group's rows."""
        steps = parse_path(path)
        if not steps or steps[-1][1] is None:
            return path
        key, index = steps[-1]
        assert index is not None
        items = self.node(path_text(steps[:-1]))[key]
        target = index + delta
        if not 0 <= target < len(items):
            return path
        items[index], items[target] = items[target], items[index]
        return path_text([*steps[:-1], (key, target)])

    # --- inside ----------------------------------------------------------------------------------

    def _member_compare(self) -> dict[str, Any]:
        spec = next(f for f in self.facts.values() if f.scope == "member")
        op = operators_for(spec)[0]
        if spec.type == "bool":
            return {"fact": spec.key}
        return {"fact": spec.key, "op": op, "value": self.default_value(spec, op, ".any_member")}

    def _add(self, path: str, build: Any) -> str:
        steps = parse_path(path)
        node = self.node(path)
        kind = group_kind(node)
        if not steps and isinstance(node, bool):  # 常に: the new row is the condition
            self.when = build("")
            return ""
        if kind in ("and", "or") and isinstance(node[kind], list):
            where = f"{path}.{kind}[{len(node[kind])}]"
            node[kind].append(build(where))
            return where
        if steps and steps[-1][1] is not None:
            key, index = steps[-1]
            assert index is not None
            where = path_text([*steps[:-1], (key, index + 1)])
            self.node(path_text(steps[:-1]))[key].insert(index + 1, build(where))
            return where
        # The condition itself, or the only part of a でない/世帯の誰か: both under すべて.
        where = f"{path}.and[1]"
        self._replace(steps, {"and": [node, build(where)]})
        return where

    def _replace(self, steps: Sequence[Step], new: Any) -> None:
        if not steps:
            self.when = new
            return
        parent = self.node(path_text(steps[:-1]))
        key, index = steps[-1]
        if index is None:
            parent[key] = new
        else:
            parent[key][index] = new


def problems_by_row(problems: Sequence[RuleError], prefix: str, rows: Sequence[BuilderRow]
                    ) -> dict[str, list[str]]:
    """The problems under `prefix` (a procedure's `procedures[3].when`), each at the deepest
    row its path is in."""
    found: dict[str, list[str]] = {}
    paths = sorted((row.path for row in rows), key=len, reverse=True)
    for problem in problems:
        if not problem.path.startswith(prefix):
            continue
        rest = problem.path[len(prefix):]
        if rest and rest[0] not in ".[":
            continue  # procedures[3].whenever: another field
        row = next((p for p in paths if rest == p
                    or (rest.startswith(p) and rest[len(p)] == ".")), "")
        found.setdefault(row, []).append(problem.message_ja)
    return found
