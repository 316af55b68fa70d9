"""The city calendar: the days the city office is closed, and deadlines as dates.

A deadline whose last day falls on a closed day moves to the next open day (地方自治法 4条の2 ④
and the city's ordinance). Closed days are city data, kept in the catalogue's `city` object:

    {"closed_weekdays": [5, 6],                   # Monday 0 … Sunday 6
     "national_holidays": true,                   # 祝日, 振替休日 and 国民の休日 (jpholiday)
     "closed_yearly": [{"from": "12-29", "to": "01-03", "name": "年末年始"}],
     "closed_dates": ["2027-05-06"]}              # the city's own closed days (市の休庁日)

A key left out takes the statutory default (Saturdays, Sundays, national holidays, 12/29–1/3).
There is deliberately no list of open dates: a Sunday the office opens for service (休日開庁)
is still a 休日 under the ordinance, so a deadline on it still moves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

WEEKDAY_NAMES = ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日")
CITY_DAY = "市の休庁日"
YEAR_END = "年末年始"

DEFAULT_SPEC: dict[str, Any] = {
    "closed_weekdays": [5, 6],
    "national_holidays": True,
    "closed_yearly": [{"from": "12-29", "to": "01-03", "name": YEAR_END}],
    "closed_dates": [],
}

_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# No calendar closes a whole year; past this, next_open stops instead of looping for ever.
_MAX_CLOSED_RUN = 366


class CalendarSpecError(ValueError):
    """A calendar spec that does not fit; `path` points at the fault (e.g.
    city.calendar.closed_dates[2]) and `problem` says what is wrong, in English."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class YearlyClosure:
    """Days closed every year, `first` to `last` as (month, day); may wrap over the new year."""

    first: tuple[int, int]
    last: tuple[int, int]
    name: str

    def covers(self, date: dt.date) -> bool:
        month_day = (date.month, date.day)
        if self.first <= self.last:
            return self.first <= month_day <= self.last
        return month_day >= self.first or month_day <= self.last


@dataclass(frozen=True)
class CityCalendar:
    closed_weekdays: frozenset[int]
    national_holidays: bool
    closed_yearly: tuple[YearlyClosure, ...]
    closed_dates: frozenset[dt.date]

    @classmethod
    def default(cls) -> CityCalendar:
        return cls.from_json(DEFAULT_SPEC)

    @classmethod
    def from_json(cls, spec: Any, path: str = "city.calendar") -> CityCalendar:
        """The calendar from its JSON value (a dict, as it sits in the catalogue)."""
        if not isinstance(spec, Mapping):
            raise CalendarSpecError(path, "must be an object")
        unknown = sorted(set(spec) - set(DEFAULT_SPEC))
        if unknown:
            raise CalendarSpecError(f"{path}.{unknown[0]}", "unknown key; expected one of "
                                    + ", ".join(DEFAULT_SPEC))
        merged = {**DEFAULT_SPEC, **spec}
        weekdays = _weekdays(merged["closed_weekdays"], f"{path}.closed_weekdays")
        national = merged["national_holidays"]
        if not isinstance(national, bool):
            raise CalendarSpecError(f"{path}.national_holidays", "must be true or false")
        yearly = _yearly(merged["closed_yearly"], f"{path}.closed_yearly")
        dates = _dates(merged["closed_dates"], f"{path}.closed_dates")
        return cls(frozenset(weekdays), national, tuple(yearly), frozenset(dates))

    def to_json(self) -> dict[str, Any]:
        """The JSON value from_json reads back; every key written out."""
        return {
            "closed_weekdays": sorted(self.closed_weekdays),
            "national_holidays": self.national_holidays,
            "closed_yearly": [{"from": _mm_dd(y.first), "to": _mm_dd(y.last), "name": y.name}
                              for y in self.closed_yearly],
            "closed_dates": [d.isoformat() for d in sorted(self.closed_dates)],
        }

    def reasons_closed(self, date: dt.date) -> list[str]:
        """Every reason the office is closed that day, in Japanese; empty when it is open."""
        reasons = []
        if date.weekday() in self.closed_weekdays:
            reasons.append(WEEKDAY_NAMES[date.weekday()])
        if self.national_holidays:
            holiday = national_holiday(date)
            if holiday:
                reasons.append(holiday)
        reasons.extend(y.name for y in self.closed_yearly if y.covers(date))
        if date in self.closed_dates:
            reasons.append(CITY_DAY)
        return reasons

    def is_closed(self, date: dt.date) -> bool:
        return bool(self.reasons_closed(date))

    def why_closed(self, date: dt.date) -> str:
        """E.g. 日曜日、憲法記念日 or 年末年始; "" on an open day."""
        return "、".join(self.reasons_closed(date))

    def next_open(self, date: dt.date) -> dt.date:
        """`date` itself when open, else the first open day after it."""
        day = date
        for _ in range(_MAX_CLOSED_RUN):
            if not self.is_closed(day):
                return day
            day += dt.timedelta(days=1)
        raise ValueError(f"the calendar has no open day in the year from {date.isoformat()}")

    def deadline(self, start: dt.date, days: int, inclusive: bool = False) -> dt.date:
        """The last day of a period of `days` from `start`, moved past closed days.

        "N days": the start day is not counted, the last day is start + N. "N days incl."
        (inclusive): the start day is day 1, the last day is start + N − 1.
        """
        if isinstance(days, bool) or not isinstance(days, int) or days < (1 if inclusive else 0):
            raise ValueError(f"a deadline needs a whole number of days, got {days!r}")
        last = start + dt.timedelta(days=days - 1 if inclusive else days)
        return self.next_open(last)


@lru_cache(maxsize=4096)
def national_holiday(date: dt.date) -> str:
    """The national holiday's name that day (振替休日 and 国民の休日 included), or ""."""
    # Per day, not per year: jpholiday checks every holiday rule for each day it is asked,
    # about 0.65 ms a day, so a whole year costs ~240 ms where a deadline needs a few days.
    import jpholiday  # on first use: it is not needed to start the app

    return jpholiday.is_holiday_name(date) or ""


def _weekdays(value: Any, path: str) -> list[int]:
    if not isinstance(value, list):
        raise CalendarSpecError(path, "must be a list of weekday numbers")
    for i, day in enumerate(value):
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise CalendarSpecError(f"{path}[{i}]",
                                    f"{day!r} is not a weekday number 0 (Monday) to 6 (Sunday)")
    if len(set(value)) == 7:
        raise CalendarSpecError(path, "closes every day of the week")
    return value


def _yearly(value: Any, path: str) -> list[YearlyClosure]:
    if not isinstance(value, list):
        raise CalendarSpecError(path, "must be a list of {from, to, name} objects")
    closures = []
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(item, Mapping):
            raise CalendarSpecError(where, "must be an object with from, to and name")
        unknown = sorted(set(item) - {"from", "to", "name"})
        if unknown:
            raise CalendarSpecError(f"{where}.{unknown[0]}", "unknown key; expected from, to, name")
        first = _month_day(item.get("from"), f"{where}.from")
        last = _month_day(item.get("to"), f"{where}.to")
        name = item.get("name", CITY_DAY)
        if not isinstance(name, str) or not name.strip():
            raise CalendarSpecError(f"{where}.name", "must be a non-empty text")
        closures.append(YearlyClosure(first, last, name.strip()))
    return closures


def _month_day(value: Any, path: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(value) if isinstance(value, str) else None
    if match:
        month, day = int(match[1]), int(match[2])
        try:
            dt.date(2000, month, day)  # a leap year, so 02-29 is a day
            return month, day
        except ValueError:
            pass
    raise CalendarSpecError(path, f"{value!r} is not a day of the year as MM-DD, e.g. 12-29")


def _mm_dd(month_day: tuple[int, int]) -> str:
    return f"{month_day[0]:02d}-{month_day[1]:02d}"


def _dates(value: Any, path: str) -> list[dt.date]:
    if not isinstance(value, list):
        raise CalendarSpecError(path, "must be a list of dates as YYYY-MM-DD")
    dates = []
    for i, text in enumerate(value):
        try:
            if not isinstance(text, str) or not _DATE.match(text):
                raise ValueError
            dates.append(dt.date.fromisoformat(text))
        except ValueError:
            raise CalendarSpecError(f"{path}[{i}]",
                                    f"{text!r} is not a date as YYYY-MM-DD") from None
    return dates
