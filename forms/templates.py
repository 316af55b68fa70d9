"""Form templates: A4 pages described as data (JSON), positions in millimetres from the top left.

A template:
    {"id", "title", "per": "household" | "person", "audience": "resident" | "office",
     "header": PATH (who continuation pages name; default head.name),
     "people": [{"role": "届出人", "path": "filer"}, …] (who the form names, for packet data),
     "elements": [...]}
Element types (each may carry "when": CONDITION to appear only when it holds):
    title      {"text", "y", "size"?}                       centred heading
    label      {"x", "y", "text", "size"?, "font"?, "align"?}
    box        {"x", "y", "w", "h", "label"?}               a cell the resident writes in
    field      {"x", "y", "w", "h", "label", "path", "format"?, "size"?, "frame"?,
                "suffix"?, "required"?, "id"?}              or "handwritten": true, no path
    check      {"x", "y", "label", "path", "equals"? | "in"?}  ☑ when the value holds, or
                "handwritten": true (the resident ticks it)
    members    {"x", "y", "rows", "row_h",
                "source"?: "members" | "household" | "children" | "newborns",
                "columns": [{"label", "w", "path" | "handwritten": true, "format"?}]}
    signature  {"x", "y", "w", "h", "label"?}               left empty: the resident signs
    office     {"x", "y", "w", "h", "cells": [...]}         市使用欄 for staff
CONDITION: {"path", "equals": V} | {"path", "in": [V, …]} | {"path"} (non-empty) |
    {"not": CONDITION}.
Paths name values of the form's context (forms/context.py): `move.city_address`, `head.name`,
`filer.phone`, `member.kana`, `member.facts.health_insurance`. Templates are checked whole on
load — every path, format and flag, and that no element overlaps another — so a city's edit with
a typo is refused with its file and element.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from forms.context import ROW_SCHEMA, SCHEMA, check_path, facts_read
from forms.formatters import FORMATTERS

A4_MM = (210.0, 297.0)
MARGIN_MM = 5.0  # printers cannot print to the edge
FOOTER_TOP_MM = 270.0  # below: the page footer, the 受付番号 and the QR code
FONTS = {"mincho", "gothic"}
PER = ("household", "person")
AUDIENCES = ("resident", "office")
# children: of 高校生年代 or younger; newborns: the children a birth case is about.
TABLE_SOURCES = ("members", "household", "children", "newborns")
PT_TO_MM = 0.3528
REQUIRED = {
    "title": {"text", "y"},
    "label": {"x", "y", "text"},
    "box": {"x", "y", "w", "h"},
    "field": {"x", "y", "w", "h", "label"},
    "check": {"x", "y", "label"},
    "members": {"x", "y", "rows", "row_h", "columns"},
    "signature": {"x", "y", "w", "h"},
    "office": {"x", "y", "w", "h", "cells"},
}
OPTIONAL = {
    "title": {"size"},
    "label": {"size", "font", "align"},
    "box": {"label"},
    "field": {"path", "format", "size", "frame", "suffix", "required", "handwritten", "id"},
    "check": {"path", "equals", "in", "handwritten"},
    "members": {"source"},
    "signature": {"label"},
    "office": set(),
}
CHECK_BOX_MM = 3.6
CAPTION_PT = 8.0  # captions of boxes: readable by the resident who checks them
HEADER_MM = 6.0  # members table header row
CONTINUATION_TOP_MM = 40.0  # continuation pages: the table starts under the heading
CONTINUATION_BOTTOM_MM = 255.0  # and ends above the 契印 box and the footer


class TemplateError(ValueError):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where


@dataclass(frozen=True)
class Template:
    id: str
    title: str
    elements: tuple[dict[str, Any], ...]
    per: str = "household"
    audience: str = "resident"
    header: str = "head.name"
    people: tuple[tuple[str, str], ...] = ()  # (role in the form's words, path)

    @property
    def members_table(self) -> dict[str, Any] | None:
        return next((e for e in self.elements if e["type"] == "members"), None)

    @property
    def continuation_rows(self) -> int:
        """Rows of the members table on a continuation page, where it starts near the top."""
        table = self.members_table
        if table is None:
            return 0
        return int((CONTINUATION_BOTTOM_MM - CONTINUATION_TOP_MM - HEADER_MM) // table["row_h"])

    @property
    def floor_pt(self) -> float:
        """The smallest type a value may shrink to before it wraps."""
        return 9.0 if self.audience == "resident" else 7.0

    def paths(self) -> list[str]:
        """Every path the template reads (fields, checks, conditions, table columns)."""
        found = [self.header] + [path for _role, path in self.people
                                 if path not in TABLE_SOURCES]
        for element in self.elements:
            if "path" in element:
                found.append(element["path"])
            found += _condition_paths(element.get("when"))
            for column in element.get("columns", []):
                found += [line["path"] for line in column_lines(column)]
        return found

    def facts(self) -> frozenset[str]:
        """The catalogue facts the form prints: a question is needed when a chosen form reads
        its fact (DESIGN.md, "Questions")."""
        return frozenset(f for f in (facts_read(p) for p in self.paths()) if f)

    def compared_values(self) -> list[tuple[str, Any]]:
        """(path, value) of every check and condition that compares, for the catalogue check
        (a tick box bound to a procedure id or a choice the catalogue does not have)."""
        found: list[tuple[str, Any]] = []
        for element in self.elements:
            checks = [element] if element["type"] == "check" and "path" in element else []
            for condition in [element.get("when"), *checks]:
                found += _compared(condition)
        return found


def column_lines(column: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A table column's values, one per printed line: `lines`, or its single `path`."""
    if "lines" in column:
        return list(column["lines"])
    if "path" in column:
        return [{k: column[k] for k in ("path", "format") if k in column}]
    return []


def _condition_paths(condition: Any) -> list[str]:
    if not isinstance(condition, dict):
        return []
    if "not" in condition:
        return _condition_paths(condition["not"])
    return [condition["path"]] if "path" in condition else []


def _compared(condition: Any) -> list[tuple[str, Any]]:
    if not isinstance(condition, dict):
        return []
    if "not" in condition:
        return _compared(condition["not"])
    if "equals" in condition:
        return [(condition["path"], condition["equals"])]
    return [(condition["path"], v) for v in condition.get("in", [])]


def parse_template(data: Any, where: str) -> Template:
    if not isinstance(data, dict):
        raise TemplateError(where, "a template is a JSON object")
    for key in ("id", "title", "elements"):
        if key not in data:
            raise TemplateError(where, f"missing {key!r}")
    for key in ("id", "title"):
        if not isinstance(data[key], str) or not data[key]:
            raise TemplateError(f"{where} {key}", "a non-empty string")
    per = data.get("per", "household")
    if per not in PER:
        raise TemplateError(f"{where} per", f"one of {', '.join(PER)}")
    audience = data.get("audience", "resident")
    if audience not in AUDIENCES:
        raise TemplateError(f"{where} audience", f"one of {', '.join(AUDIENCES)}")
    header = data.get("header", "person.name" if per == "person" else "head.name")
    _check_path(header, f"{where} header", per)
    people = _people(data.get("people", []), f"{where} people", per)
    if not isinstance(data["elements"], list) or not data["elements"]:
        raise TemplateError(where, "elements must be a non-empty list")
    tables = 0
    for i, element in enumerate(data["elements"]):
        _check_element(element, f"{where} elements[{i}]", per)
        tables += element["type"] == "members"
    if tables > 1:
        raise TemplateError(where, "at most one members table per form")
    template = Template(data["id"], data["title"], tuple(data["elements"]), per, audience,
                        header, people)
    _check_overlaps(template, where)
    return template


def _people(data: Any, where: str, per: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(data, list):
        raise TemplateError(where, "a list of {\"role\", \"path\"}")
    people = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("role"), str) \
                or not isinstance(item.get("path"), str):
            raise TemplateError(f"{where}[{i}]", "{\"role\": …, \"path\": …}")
        if item["path"] not in TABLE_SOURCES:  # a list of people, as a table lists them
            _check_path(f"{item['path']}.name", f"{where}[{i}].path", per)
        people.append((item["role"], item["path"]))
    return tuple(people)


def _check_element(element: Any, where: str, per: str) -> None:
    if not isinstance(element, dict) or element.get("type") not in REQUIRED:
        raise TemplateError(where, f"type must be one of {', '.join(sorted(REQUIRED))}")
    kind = element["type"]
    missing = REQUIRED[kind] - set(element)
    if missing:
        raise TemplateError(where, f"{kind} needs {', '.join(sorted(missing))}")
    unknown = set(element) - REQUIRED[kind] - OPTIONAL[kind] - {"type", "when"}
    if unknown:
        raise TemplateError(where, f"{kind} does not take {', '.join(sorted(unknown))}")
    for key in ("x", "y", "w", "h", "row_h", "size"):
        if key in element and (not isinstance(element[key], int | float)
                               or isinstance(element[key], bool) or element[key] < 0):
            raise TemplateError(f"{where}.{key}", "a number of millimetres (or points for size)")
    for key in ("frame", "required", "handwritten"):
        if key in element and not isinstance(element[key], bool):
            raise TemplateError(f"{where}.{key}", "true or false")
    for key in ("text", "label", "suffix", "id"):
        if key in element and not isinstance(element[key], str):
            raise TemplateError(f"{where}.{key}", "a string")
    x, y = element.get("x", MARGIN_MM), element["y"]
    right = x + element.get("w", 0)
    bottom = y + element.get("h", 0) + element.get("rows", 0) * element.get("row_h", 0)
    if not (MARGIN_MM <= x and right <= A4_MM[0] - MARGIN_MM and MARGIN_MM <= y
            and bottom <= FOOTER_TOP_MM):
        raise TemplateError(where, f"lies outside the printable A4 page (above "
                                   f"{FOOTER_TOP_MM:g} mm: the footer and QR code are below)")
    if "font" in element and element["font"] not in FONTS:
        raise TemplateError(f"{where}.font", f"one of {', '.join(sorted(FONTS))}")
    if "when" in element:
        _check_condition(element["when"], f"{where}.when", per)
    if kind == "field":
        if element.get("handwritten"):
            if "path" in element:
                raise TemplateError(where, "a handwritten field binds no path")
        elif "path" not in element:
            raise TemplateError(where, "a field needs a path (or \"handwritten\": true)")
        else:
            _check_path(element["path"], f"{where}.path", per)
            _check_format(element.get("format", "text"), f"{where}.format")
    if kind == "check":
        if element.get("handwritten"):
            if set(element) & {"path", "equals", "in"}:
                raise TemplateError(where, "a handwritten tick box binds no path")
        elif "path" not in element:
            raise TemplateError(where, "a tick box needs a path (or \"handwritten\": true)")
        else:
            _check_condition({k: element[k] for k in ("path", "equals", "in") if k in element},
                             where, per)
    if kind == "members":
        _check_table(element, where, x)


def _check_table(element: dict[str, Any], where: str, x: float) -> None:
    if not isinstance(element["rows"], int) or element["rows"] < 1:
        raise TemplateError(f"{where}.rows", "a whole number of rows, at least 1")
    if element.get("source", "members") not in TABLE_SOURCES:
        raise TemplateError(f"{where}.source", f"one of {', '.join(TABLE_SOURCES)}")
    columns = element["columns"]
    if not isinstance(columns, list) or not columns:
        raise TemplateError(f"{where}.columns", "a non-empty list")
    for j, column in enumerate(columns):
        cwhere = f"{where}.columns[{j}]"
        if not isinstance(column, dict) or not {"label", "w"} <= set(column):
            raise TemplateError(cwhere, "a column needs label and w")
        unknown = set(column) - {"label", "w", "path", "format", "handwritten", "lines",
                                 "required"}
        if unknown:
            raise TemplateError(cwhere, f"a column does not take {', '.join(sorted(unknown))}")
        if not isinstance(column["w"], int | float) or column["w"] <= 0:
            raise TemplateError(f"{cwhere}.w", "a width in millimetres")
        bound = [k for k in ("path", "lines", "handwritten") if column.get(k)]
        if len(bound) != 1:
            raise TemplateError(cwhere, "a column has a path, lines, or \"handwritten\": true")
        if "required" in column and not isinstance(column["required"], bool):
            raise TemplateError(f"{cwhere}.required", "true or false")
        if bound == ["handwritten"]:
            continue
        lines = column["lines"] if bound == ["lines"] else [
            {k: column[k] for k in ("path", "format") if k in column}]
        if not isinstance(lines, list) or not lines:
            raise TemplateError(f"{cwhere}.lines", "a non-empty list of {\"path\", …}")
        for k, line in enumerate(lines):
            lwhere = f"{cwhere}.lines[{k}]" if bound == ["lines"] else cwhere
            if not isinstance(line, dict) or set(line) - {"path", "format", "prefix"} \
                    or "path" not in line:
                raise TemplateError(lwhere, "{\"path\", \"format\"?, \"prefix\"?}")
            problem = check_path(line["path"], ROW_SCHEMA) if isinstance(line["path"], str) \
                else "a dotted path such as member.name"
            if problem:
                raise TemplateError(f"{lwhere}.path", problem)
            _check_format(line.get("format", "text"), f"{lwhere}.format")
    if x + sum(c["w"] for c in columns) > A4_MM[0] - MARGIN_MM:
        raise TemplateError(where, "the columns run off the page")


def _check_condition(condition: Any, where: str, per: str) -> None:
    if not isinstance(condition, dict):
        raise TemplateError(where, "a condition is an object")
    if "not" in condition:
        if len(condition) != 1:
            raise TemplateError(where, "'not' stands alone")
        _check_condition(condition["not"], f"{where}.not", per)
        return
    if "path" not in condition or set(condition) - {"path", "equals", "in"}:
        raise TemplateError(where, "{\"path\", \"equals\"|\"in\"}")
    if "equals" in condition and "in" in condition:
        raise TemplateError(where, "either equals or in")
    if "in" in condition and (not isinstance(condition["in"], list) or not condition["in"]):
        raise TemplateError(f"{where}.in", "a non-empty list of values")
    _check_path(condition["path"], f"{where}.path", per)


def _check_path(path: Any, where: str, per: str) -> None:
    if not isinstance(path, str) or not path:
        raise TemplateError(where, "a dotted path such as move.city_address")
    problem = check_path(path, SCHEMA)
    if problem:
        raise TemplateError(where, problem)
    if path.split(".")[0] == "person" and per != "person":
        raise TemplateError(where, "person.* is only for per-person forms (\"per\": \"person\")")


def _check_format(name: Any, where: str) -> None:
    if name not in FORMATTERS:
        raise TemplateError(where, f"unknown format {name!r}; one of {', '.join(FORMATTERS)}")


# --- geometry: nothing overlaps another element --------------------------------------------

def text_width_mm(text: str, size_pt: float) -> float:
    """An estimate without font metrics: full-width characters one em, others half."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.55 for c in text)
    return ems * size_pt * PT_TO_MM


def extent(element: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) in mm of what the element draws; None for a title."""
    kind = element["type"]
    x, y = element.get("x", 0.0), element["y"]
    if kind in ("box", "field", "signature", "office"):
        if kind == "field" and element.get("frame") is False:
            return (x, y, x + element["w"], y + element["h"])
        top = y - (4 if kind == "office" else 0)  # 市使用欄 caption above the cells
        return (x, top, x + element["w"], y + element["h"])
    if kind == "members":
        width = sum(c["w"] for c in element["columns"])
        return (x, y, x + width, y + HEADER_MM + element["rows"] * element["row_h"])
    if kind == "check":
        return (x, y - 2.6, x + 5 + text_width_mm(element["label"], 9), y + 1.0)
    if kind == "label":
        size = element.get("size", 9)
        width = text_width_mm(element["text"], size)
        left = {"center": x - width / 2, "right": x - width}.get(element.get("align", "left"), x)
        return (left, y - size * PT_TO_MM * 0.85, left + width, y + size * PT_TO_MM * 0.2)
    return None


def _solid(kind: str) -> bool:
    return kind in ("box", "field", "signature", "office", "members")


def _check_overlaps(template: Template, where: str) -> None:
    """Two elements may not overlap, except what lies wholly inside a box; and elements shown
    under different conditions (alternatives) never meet on paper."""
    shapes = [(i, e, r) for i, e in enumerate(template.elements)
              if (r := extent(e)) is not None]
    for n, (i, a, ra) in enumerate(shapes):
        for j, b, rb in shapes[n + 1:]:
            if not _intersect(ra, rb):
                continue
            if a.get("when") != b.get("when") and "when" in a and "when" in b:
                continue
            # Only a box groups other elements; a field or a table holds its own text.
            inside = (a["type"] == "box" and _contains(ra, rb)) or \
                (b["type"] == "box" and _contains(rb, ra))
            if not inside:
                raise TemplateError(f"{where} elements[{i}]",
                                    f"overlaps elements[{j}] ({b['type']} "
                                    f"{b.get('label') or b.get('text') or ''})")


def _intersect(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and \
        b[1] < a[3] - 0.01


def _contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and \
        inner[3] <= outer[3]


# --- loading -------------------------------------------------------------------------------

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
