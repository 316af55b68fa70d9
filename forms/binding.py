"""Binding a template to one form's context: the text of every field, row by row, page by page.

The context is plain data the application builds for each form (see counter_app.packet):

    {"case": {"id": …}, "move": {"kind_label", "date", "previous_address", "new_address"},
     "filed_on": date, "today": date, "city": {"name", …}, "procedure": {"title", …},
     "applicant": MEMBER, "members": [MEMBER, …], "household": [MEMBER, …]}
    MEMBER = {"name", "birth_date", "sex", "relationship", "address", "foreign",
              "grade_label", "card_label"}

`members` are the ones the procedure concerns; they fill the members table, flowing on to
continuation pages when they outnumber its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.formatters import FORMATTERS, Style
from forms.templates import Template


@dataclass
class BoundPage:
    number: int  # 1-based within the form
    continuation: bool
    values: dict[int, str] = field(default_factory=dict)  # element index → text
    checks: dict[int, bool] = field(default_factory=dict)  # element index → ticked
    rows: list[list[str]] = field(default_factory=list)  # members table, this page's rows


@dataclass
class BoundForm:
    template: Template
    pages: list[BoundPage]

    def texts(self) -> list[str]:
        """Every text printed from the case (for glyph checks before printing)."""
        found = []
        for page in self.pages:
            found.extend(page.values.values())
            found.extend(cell for row in page.rows for cell in row)
        return [t for t in found if t]


def resolve(path: str, context: Mapping[str, Any]) -> Any:
    value: Any = context
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        else:
            return None
    return value


def bind(template: Template, context: Mapping[str, Any], style: Style) -> BoundForm:
    table = template.members_table
    members: list[Mapping[str, Any]] = list(context.get("members") or [])
    per_page = table["rows"] if table else 0
    chunks = [members[i:i + per_page] for i in range(0, len(members), per_page)] if table \
        else []
    pages = []
    for number in range(1, max(1, len(chunks)) + 1):
        page = BoundPage(number, continuation=number > 1)
        for index, element in enumerate(template.elements):
            kind = element["type"]
            if kind == "field":
                value = resolve(element["path"], context)
                page.values[index] = FORMATTERS[element.get("format", "text")](
                    value, _row_of(element["path"], context), style)
            elif kind == "check":
                value = resolve(element["path"], context)
                page.checks[index] = (value == element["equals"]) if "equals" in element \
                    else bool(value)
        if table and chunks:
            for member in chunks[number - 1]:
                row_context = {"member": member}
                page.rows.append([
                    FORMATTERS[c.get("format", "text")](resolve(c["path"], row_context), member,
                                                        style)
                    for c in table["columns"]])
        pages.append(page)
    return BoundForm(template, pages)


def _row_of(path: str, context: Mapping[str, Any]) -> Mapping[str, Any] | None:
    # A field about the applicant is written as the applicant's dates are (和暦 or Western).
    return context.get("applicant") if path.startswith("applicant.") else None
