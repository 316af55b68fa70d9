"""A condition as rows of Japanese for supervisors: 「年齢（法律上） が 65 以上」.

Each row has its depth (for indenting the parts of 「次のいずれか」) and the path of its node
relative to the condition (`.or[1]`), so the editor can put a problem beside its row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from counter_app.domain.facts import grade_label
from counter_app.domain.text import SEX_LABELS_JA
from counter_app.rules.conditions import (
    And,
    AnyMember,
    Compare,
    Condition,
    Const,
    FactRef,
    FactSpec,
    Literal,
    Not,
    Or,
    SettingRef,
)

if TYPE_CHECKING:
    from counter_app.rules.catalogue import Catalogue

_OP_WORDS = {"==": "", "!=": " 以外", "<": " 未満", "<=": " 以下", ">": " を超える",
             ">=": " 以上", "in": " のいずれか", "not_in": " のいずれでもない"}
HEADINGS_JA = {"and": "次のすべて", "or": "次のいずれか", "not": "次に当てはまらない",
               "any_member": "世帯の誰かが次に当てはまる"}
_HEADINGS = {And: HEADINGS_JA["and"], Or: HEADINGS_JA["or"], Not: HEADINGS_JA["not"],
             AnyMember: HEADINGS_JA["any_member"]}


SETTING_LABELS = {"child_medical_grade_cap": "子ども医療費の対象（学年の上限）",
                  "retention_days": "個人情報の保存日数"}
# Facts typed "string" whose values are codes all the same (the card's): their labels.
VALUE_LABELS: dict[str, Mapping[str, str]] = {"sex": SEX_LABELS_JA}


@dataclass(frozen=True)
class Row:
    depth: int
    text: str
    path: str  # relative to the condition: "" for the condition itself, ".and[0]", …


def describe_ja(condition: Condition, catalogue: Catalogue) -> list[Row]:
    """The rows of `condition`, with the labels of `catalogue`'s facts and choices."""
    return describe_rows(condition, catalogue.facts, catalogue.city.settings)


def describe_rows(condition: Condition, facts: Mapping[str, FactSpec],
                  settings: Mapping[str, object]) -> list[Row]:
    """describe_ja with the facts and settings given (the editor's draft may not parse)."""
    rows: list[Row] = []

    def walk(node: Condition, depth: int, path: str) -> None:
        if isinstance(node, Const):
            rows.append(Row(depth, "常に" if node.value else "該当なし（常に成り立たない）", path))
        elif isinstance(node, Compare):
            rows.append(Row(depth, _compare(node, facts, settings), path))
        else:
            rows.append(Row(depth, _HEADINGS[type(node)], path))
            for suffix, child in node.children():
                walk(child, depth + 1, path + suffix)

    walk(condition, 0, "")
    return rows


def _compare(node: Compare, facts: Mapping[str, FactSpec], settings: Mapping[str, object]
             ) -> str:
    spec = facts.get(node.fact)
    label = spec.label_ja if spec else node.fact
    operand = node.operand
    if isinstance(operand, FactRef):
        other = facts.get(operand.key)
        shown = f"「{other.label_ja if other else operand.key}」"
        word = "と同じ" if node.operator == "==" else _OP_WORDS[node.operator].strip()
        return f"{label} が {shown} {word}".rstrip()
    if spec is not None and spec.type == "bool" and isinstance(operand, Literal) \
            and isinstance(operand.value, bool) and node.operator in ("==", "!="):
        holds = operand.value is (node.operator == "==")
        return label if holds else f"{label} ではない"
    if isinstance(operand, SettingRef):
        value = settings.get(operand.name)
        name = SETTING_LABELS.get(operand.name, operand.name)
        shown = f"市の設定「{name}」（{_value(spec, value)}）"
    elif isinstance(operand.value, tuple):  # in, not_in
        shown = "・".join(_value(spec, v) for v in operand.value)
    else:
        shown = _value(spec, operand.value)
    return f"{label} が {shown}{_OP_WORDS[node.operator]}"


def _value(spec: FactSpec | None, value: Any) -> str:
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if spec is not None and spec.key == "school_grade" and isinstance(value, int):
        return f"{grade_label(value)}（{value}）"
    if spec is not None and spec.type == "choice":
        return spec.choice_label(value)
    if spec is not None and isinstance(value, str):
        return VALUE_LABELS.get(spec.key, {}).get(value, value)
    return str(value)
