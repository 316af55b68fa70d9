"""Dates as staff type them, and the range each kind of date may plausibly fall in.

Every date that enters the application (typed by staff, read from a case file, given on the
command line) is checked here, so that a mistyped year (1026 for 2026, 1086 for 1986) is refused
where it is typed instead of breaking a list, a deadline or a printed form later. A date that
passed the check is safe downstream: it is on or after the first era of the era table (so it has
a 和暦 form) and far enough from year 9999 that a deadline of up to 3,650 days cannot overflow.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

_DATE = re.compile(r"^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／", "0123456789-/")

# 明治元年1月25日, the first day of the era table (resources/calendar/eras.json): an earlier
# date has no 和暦 form, so no form could print it.
FIRST_ERA_DAY = dt.date(1868, 1, 25)


class DateInputError(ValueError):
    """`str(error)` is a Japanese message for staff."""


class DateKind(enum.StrEnum):
    BIRTH = "birth"
    MOVE = "move"
    FILING = "filing"
    PRINTING = "printing"
    EVENT = "event"  # a death, birth, marriage or divorce, and the day it became known
    CERTIFICATE = "certificate"  # the 転出証明書's date
    PERIOD_END = "period_end"  # the end of a foreign resident's period of stay

    @property
    def label_ja(self) -> str:
        return {"birth": "生年月日", "move": "異動日", "filing": "届出日", "printing": "発行日",
                "event": "届出の事由の日", "certificate": "転出証明書の日付",
                "period_end": "在留期間の満了日"}[self.value]

    @property
    def label(self) -> str:
        return f"{self.value.replace('_', ' ')} date"


# Years back and ahead of today each kind may lie (birth dates: from the first era to today).
# Moves are filed within 14 days (住民基本台帳法 22–24条) and a 転出 at most about a month ahead;
# five years back leaves room for late filings and cases entered again, one year ahead for
# planned moves and what-if checks. Filing, printing, event and certificate days are the day of
# the visit or shortly before, so they share that window. A period of stay lasts up to 5 years
# and a permanent resident's card 7: ten years ahead.
_WINDOWS = {DateKind.MOVE: (5, 1), DateKind.FILING: (5, 1), DateKind.PRINTING: (5, 1),
            DateKind.EVENT: (5, 1), DateKind.CERTIFICATE: (5, 1), DateKind.PERIOD_END: (5, 10)}


class DateRangeError(DateInputError):
    """A real calendar date outside its kind's plausible range.

    `str(error)` is Japanese for staff; `english` is the log and command-line detail. Neither
    holds the date itself (a birth date must never reach the log)."""

    def __init__(self, message_ja: str, english: str) -> None:
        super().__init__(message_ja)
        self.english = english


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def plausible_range(kind: DateKind, today: dt.date, *, recorded: bool = False
                    ) -> tuple[dt.date, dt.date]:
    """First and last plausible day of `kind`, as seen on `today`.

    `recorded`: the date was entered on some earlier day (a case file, a saved case), so only
    the bounds that never move back hold: the first era day, and the latest day allowed today
    (today only grows, so a date accepted once is never refused later)."""
    if kind is DateKind.BIRTH:
        return FIRST_ERA_DAY, today
    back, ahead = _WINDOWS[kind]
    latest = _years_from(today, ahead)
    if recorded:
        return FIRST_ERA_DAY, latest
    return max(FIRST_ERA_DAY, _years_from(today, -back)), latest


def check_date(value: dt.date, kind: DateKind, today: dt.date, *, recorded: bool = False
               ) -> dt.date:
    """`value` if it is plausible for its kind, else DateRangeError (Japanese and English)."""
    earliest, latest = plausible_range(kind, today, recorded=recorded)
    if earliest <= value <= latest:
        return value
    return _refuse(kind.label_ja, kind.label, earliest, latest)


def check_any_date(value: dt.date, today: dt.date, first_day: dt.date = FIRST_ERA_DAY
                   ) -> dt.date:
    """For a typed date whose kind the caller does not say (a birth or move date at the
    counter): never before `first_day` (the first era), never after the latest move date."""
    latest = plausible_range(DateKind.MOVE, today)[1]
    if max(first_day, FIRST_ERA_DAY) <= value <= latest:
        return value
    return _refuse("日付", "date", max(first_day, FIRST_ERA_DAY), latest)


def _refuse(label_ja: str, label: str, earliest: dt.date, latest: dt.date) -> dt.date:
    raise DateRangeError(
        f"{label_ja}は{_ja(earliest)}から{_ja(latest)}までの日付で入力してください",
        f"{label} outside the plausible range {earliest.isoformat()} to {latest.isoformat()}")


def _ja(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def parse_typed_date(text: str) -> dt.date:
    """1985-06-15, 1985/6/15 or 19850615, with full-width digits accepted."""
    match = _DATE.match(text.strip().translate(_FULL_WIDTH))
    if not match:
        raise DateInputError("日付は 1985-06-15 または 19850615 の形で入力してください")
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise DateInputError("暦にない日付です") from None
