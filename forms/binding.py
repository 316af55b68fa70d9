"""Binding a template to one form's context: the text of every field, row by row, page by page.

The context is plain data the application builds for each form (its shape: forms/context.py).
`members` (or `household`, as the table says) fill the members table, flowing on to
continuation pages when they outnumber its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.formatters import FORMATTERS, Style
from forms.templates import Template, column_lines


@dataclass
class BoundPage:
    number: int  # 1-based within the form
    continuation: bool
    values: dict[int, str] = field(default_factory=dict)  # element index → text
    checks: dict[int, bool] = field(default_factory=dict)  # element index → ticked
    hidden: set[int] = field(default_factory=set)  # elements whose condition does not hold
    rows: list[list[str]] = field(default_factory=list)  # members table, this page's rows


@dataclass
class BoundForm:
    template: Template
    pages: list[BoundPage]
    header: str = ""  # who continuation pages name

    def texts(self) -> list[str]:
        """Every text printed from the case (for glyph checks before printing)."""
        found = [self.header]
        for page in self.pages:
            found.extend(page.values.values())
            found.extend(cell for row in page.rows for cell in row)
        return [t for t in found if t]

    def fields(self) -> dict[str, str]:
        """The printed text by field id or binding path (packet data for the back office)."""
        found: dict[str, str] = {}
        first = self.pages[0]
        for index, element in enumerate(self.template.elements):
            if index in first.hidden:
                continue
            key = element.get("id") or element.get("path")
            if element["type"] == "field" and key:
                found[key] = first.values.get(index, "")
            elif element["type"] == "check" and key:
                found[element.get("id") or f"{key}={element.get('equals', element.get('in'))}"] \
                    = "☑" if first.checks.get(index) else ""
        table = self.template.members_table
        if table:
            rows = [row for page in self.pages for row in page.rows]
            for r, row in enumerate(rows):
                for column, text in zip(table["columns"], row, strict=True):
                    paths = [line["path"] for line in column_lines(column)]
                    if paths:
                        found[f"{'+'.join(paths)}[{r}]"] = text
        return found

    def missing(self) -> list[dict[str, Any]]:
        """Required fields and table cells left empty (the print gate names them)."""
        first = self.pages[0]
        found = [e for i, e in enumerate(self.template.elements)
                 if e.get("required") and i not in first.hidden
                 and not first.values.get(i, "").strip()]
        table = self.template.members_table
        if table:
            for c, column in enumerate(table["columns"]):
                if column.get("required") and any(
                        not row[c].strip() for page in self.pages for row in page.rows):
                    found.append(column)
        return found


def resolve(path: str, context: Mapping[str, Any]) -> Any:
    value: Any = context
    parts = path.split(".")
    for n, part in enumerate(parts):
        if not isinstance(value, Mapping):
            return None
        if part in ("facts", "labels") and n < len(parts) - 1:
            # Fact keys contain dots (household.has_dog): the rest of the path is one key.
            return (value.get(part) or {}).get(".".join(parts[n + 1:]))
        value = value.get(part)
    return value


def holds(condition: Mapping[str, Any] | None, context: Mapping[str, Any]) -> bool:
    if condition is None:
        return True
    if "not" in condition:
        return not holds(condition["not"], context)
    value = resolve(condition["path"], context)
    if "equals" in condition:
        return bool(value == condition["equals"])
    if "in" in condition:
        return value in condition["in"]
    return value not in (None, "", False, [], {})


def bind(template: Template, context: Mapping[str, Any], style: Style) -> BoundForm:
    table = template.members_table
    source = table.get("source", "members") if table else "members"
    people: list[Mapping[str, Any]] = list(context.get(source) or []) if table else []
    chunks: list[list[Mapping[str, Any]]] = []
    if table and people:
        # The first page holds the table's rows; continuation pages hold more (no header block).
        chunks = [people[:table["rows"]]]
        rest, step = people[table["rows"]:], template.continuation_rows
        chunks += [rest[i:i + step] for i in range(0, len(rest), step)]
    pages = []
    header = _format(template.header, context, "text", style)
    for number in range(1, max(1, len(chunks)) + 1):
        page = BoundPage(number, continuation=number > 1)
        for index, element in enumerate(template.elements):
            if not holds(element.get("when"), context):
                page.hidden.add(index)
                continue
            kind = element["type"]
            if kind == "field" and "path" in element:
                page.values[index] = _format(element["path"], context,
                                             element.get("format", "text"), style)
            elif kind == "check" and "path" in element:
                page.checks[index] = holds(
                    {k: element[k] for k in ("path", "equals", "in") if k in element}, context)
        if table and chunks:
            start = sum(len(c) for c in chunks[:number - 1])
            for offset, member in enumerate(chunks[number - 1]):
                row_context = {"member": member, "row": start + offset + 1}
                page.rows.append([_cell(c, row_context, style, member)
                                  for c in table["columns"]])
        pages.append(page)
    return BoundForm(template, pages, header)


def _cell(column: Mapping[str, Any], row_context: Mapping[str, Any], style: Style,
          member: Mapping[str, Any]) -> str:
    """A table cell: its values one per line, empty ones left out, each with its prefix."""
    texts = []
    for line in column_lines(column):
        text = _format(line["path"], row_context, line.get("format", "text"), style, member)
        if text:
            texts.append(line.get("prefix", "") + text)
    return "\n".join(texts)


def _format(path: str, context: Mapping[str, Any], fmt: str, style: Style,
            row: Mapping[str, Any] | None = None) -> str:
    value = resolve(path, context)
    if row is None:
        # A value about a person is written as that person's dates are (和暦 or Western).
        owner = context.get(path.split(".")[0])
        row = owner if isinstance(owner, Mapping) and "foreign" in owner else None
    return FORMATTERS[fmt](value, row, style)
