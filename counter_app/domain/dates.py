"""Dates as staff type them."""

from __future__ import annotations

import datetime as dt
import re

_DATE = re.compile(r"^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／", "0123456789-/")


class DateInputError(ValueError):
    """`str(error)` is a Japanese message for staff."""


def parse_typed_date(text: str) -> dt.date:
    """1985-06-15, 1985/6/15 or 19850615, with full-width digits accepted."""
    match = _DATE.match(text.strip().translate(_FULL_WIDTH))
    if not match:
        raise DateInputError("日付は 1985-06-15 または 19850615 の形で入力してください")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DateInputError("暦にない日付です") from None
