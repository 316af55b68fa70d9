"""Form templates: A4 pages described as data (JSON), positions in millimetres from the top left.

Element types:
    title      {"text", "y", "size"?}                      centred heading
    label      {"x", "y", "text", "size"?, "font"?, "align"?}
    box        {"x", "y", "w", "h", "label"?}               a ruled box with a small caption
    field      {"x", "y", "w", "h", "label", "path", "format"?, "size"?, "frame"?}
    check      {"x", "y", "label", "path", "equals"?}       ☑ when the value (equals) holds
    members    {"x", "y", "rows", "row_h", "columns": [{"label", "w", "path", "format"?}]}
    signature  {"x", "y", "w", "h", "label"?}               left empty: the resident signs
    office     {"x", "y", "w", "h", "cells": [...]}         受付・入力・照合 for staff

A path names a value of the form's context: `move.new_address`, `applicant.name`,
`filed_on`, `city.name`, `procedure.title`; in a members table, `member.*`. Templates are
checked whole on load, so a city's edit with a typo is refused with its file and element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from forms.formatters import FORMATTERS

A4_MM = (210.0, 297.0)
ROOTS = {"move", "case", "city", "applicant", "procedure", "filed_on", "today", "household"}
MEMBER_ROOT = "member"
FONTS = {"mincho", "gothic"}
REQUIRED = {
    "title": {"text", "y"},
    "label": {"x", "y", "text"},
    "box": {"x", "y", "w", "h"},
    "field": {"x", "y", "w", "h", "label", "path"},
    "check": {"x", "y", "label", "path"},
    "members": {"x", "y", "rows", "row_h", "columns"},
    "signature": {"x", "y", "w", "h"},
    "office": {"x", "y", "w", "h", "cells"},
}


class TemplateError(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    elements: tuple[dict[str, Any], ...]

    @property
    def members_table(self) -> dict[str, Any] | None:
        return next((e for e in self.elements if e["type"] == "members"), None)


def parse_template(data: Any, where: str) -> Template:
    if not isinstance(data, dict):
        raise TemplateError(where, "a template is a JSON object")
    for key in ("id", "title", "elements"):
        if key not in data:
            raise TemplateError(where, f"missing {key!r}")
    if not isinstance(data["elements"], list) or not data["elements"]:
        raise TemplateError(where, "elements must be a non-empty list")
    tables = 0
    for i, element in enumerate(data["elements"]):
        _check_element(element, f"{where} elements[{i}]")
        tables += element["type"] == "members"
    if tables > 1:
        raise TemplateError(where, "at most one members table per form")
    return Template(data["id"], data["title"], tuple(data["elements"]))


def _check_element(element: Any, where: str) -> None:
    if not isinstance(element, dict) or element.get("type") not in REQUIRED:
        raise TemplateError(where, f"type must be one of {', '.join(sorted(REQUIRED))}")
    kind = element["type"]
    missing = REQUIRED[kind] - set(element)
    if missing:
        raise TemplateError(where, f"{kind} needs {', '.join(sorted(missing))}")
    for key in ("x", "y", "w", "h", "row_h", "size"):
        if key in element and not isinstance(element[key], int | float):
            raise TemplateError(f"{where}.{key}", "a number of millimetres (or points for size)")
    x, y = element.get("x", 0), element["y"]
    right = x + element.get("w", 0)
    bottom = y + element.get("h", 0) + element.get("rows", 0) * element.get("row_h", 0)
    if not (0 <= x and right <= A4_MM[0] and 0 <= y and bottom <= A4_MM[1]):
        raise TemplateError(where, "lies outside the A4 page")
    if "font" in element and element["font"] not in FONTS:
        raise TemplateError(f"{where}.font", f"one of {', '.join(sorted(FONTS))}")
    if kind in ("field", "check"):
        _check_path(element["path"], f"{where}.path", in_members=False)
        _check_format(element.get("format", "text"), f"{where}.format")
    if kind == "members":
        if not isinstance(element["rows"], int) or element["rows"] < 1:
            raise TemplateError(f"{where}.rows", "a whole number of rows, at least 1")
        columns = element["columns"]
        if not isinstance(columns, list) or not columns:
            raise TemplateError(f"{where}.columns", "a non-empty list")
        for j, column in enumerate(columns):
            cwhere = f"{where}.columns[{j}]"
            if not isinstance(column, dict) or not {"label", "w", "path"} <= set(column):
                raise TemplateError(cwhere, "a column needs label, w and path")
            _check_path(column["path"], f"{cwhere}.path", in_members=True)
            _check_format(column.get("format", "text"), f"{cwhere}.format")
        if x + sum(c["w"] for c in columns) > A4_MM[0]:
            raise TemplateError(where, "the columns run off the page")


def _check_path(path: Any, where: str, in_members: bool) -> None:
    if not isinstance(path, str) or not path:
        raise TemplateError(where, "a dotted path such as move.new_address")
    root = path.split(".")[0]
    allowed = {MEMBER_ROOT} if in_members else ROOTS  # a table row is one member
    if root not in allowed:
        raise TemplateError(where, f"{path!r} does not start with one of "
                                   f"{', '.join(sorted(allowed))}")


def _check_format(name: Any, where: str) -> None:
    if name not in FORMATTERS:
        raise TemplateError(where, f"unknown format {name!r}; one of {', '.join(FORMATTERS)}")


def load_template(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TemplateError(path.name, f"cannot read: {exc}") from None
    return parse_template(data, path.name)


def load_templates(directory: Path | None = None) -> dict[str, Template]:
    """Every template of a directory (default: the ones shipped in forms/layouts)."""
    root = directory or Path(str(resources.files("forms") / "layouts"))
    templates = {}
    for path in sorted(root.glob("*.json")):
        template = load_template(path)
        if template.id != path.stem:
            raise TemplateError(path.name, f"id {template.id!r} differs from the file name")
        templates[template.id] = template
    return templates
