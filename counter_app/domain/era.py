"""Japanese era dates (和暦): formatting with 元年, and parsing what staff type.

The era table is data (resources/calendar/eras.json), so a new era is a settings change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache

from counter_app.domain.dates import (
    DateInputError,
    DateKind,
    check_any_date,
    check_date,
    parse_typed_date,
)

_TYPED = re.compile(r"^(\d)(\d{2})(\d{2})(\d{2})$")


@dataclass(frozen=True)
class Era:
    code: int
    name: str
    letter: str
    first_day: dt.date
    shared_first_day: bool  # the first day also belongs to the previous era


@dataclass(frozen=True)
class EraDate:
    era: Era
    year: int  # 1 is written 元年
    month: int
    day: int

    def __str__(self) -> str:
        year = "元" if self.year == 1 else str(self.year)
        return f"{self.era.name}{year}年{self.month}月{self.day}日"


class EraTable:
    def __init__(self, eras: list[Era]) -> None:
        if not eras:
            raise ValueError("the era table is empty")
        self.eras = sorted(eras, key=lambda e: e.first_day)
        self._by_code = {e.code: e for e in self.eras}

    @classmethod
    def from_json(cls, text: str) -> EraTable:
        data = json.loads(text)
        return cls([Era(e["code"], e["name"], e["letter"], dt.date.fromisoformat(e["first_day"]),
                        bool(e.get("shared_first_day", False))) for e in data["eras"]])

    def _next(self, era: Era) -> Era | None:
        index = self.eras.index(era)
        return self.eras[index + 1] if index + 1 < len(self.eras) else None

    def to_era(self, date: dt.date) -> EraDate:
        """The era a date is printed in: on a shared first day, the new era."""
        era = next((e for e in reversed(self.eras) if e.first_day <= date), None)
        if era is None:
            # No date in the message: a birth date must never reach the log. Dates are checked
            # where they enter (domain.dates), so this is a bug if it happens.
            raise ValueError("date before the first era in the table")
        return self._in_era(era, date)

    def format(self, date: dt.date) -> str:
        return str(self.to_era(date))

    def display(self, date: dt.date) -> str:
        """For screens: the 和暦, or the Western date for a day before the first era (data saved
        before dates were checked must still list, not break the list)."""
        try:
            return self.format(date)
        except ValueError:
            return f"{date.year}年{date.month}月{date.day}日"

    def from_era(self, code: int, year: int, month: int, day: int) -> dt.date:
        """The Gregorian date of an era date; a day outside the era is refused."""
        era = self._by_code.get(code)
        if era is None:
            raise DateInputError(f"元号の番号 {code} はありません")
        if year < 1:
            raise DateInputError("年は1以上です")
        try:
            date = dt.date(era.first_day.year + year - 1, month, day)
        except ValueError:
            raise DateInputError("暦にない日付です") from None
        if date < era.first_day:
            raise DateInputError(f"{era.name}は{self.format(era.first_day)}からです")
        last = self.last_day(era)
        if last is not None and date > last:
            raise DateInputError(f"{era.name}は{self._in_era(era, last)}までです")
        return date

    def last_day(self, era: Era) -> dt.date | None:
        """The last day that may be written in `era` (None for the current era)."""
        following = self._next(era)
        if following is None:
            return None
        if following.shared_first_day:
            return following.first_day
        return following.first_day - dt.timedelta(days=1)

    @staticmethod
    def _in_era(era: Era, date: dt.date) -> EraDate:
        return EraDate(era, date.year - era.first_day.year + 1, date.month, date.day)

    def parse_typed(self, text: str, kind: DateKind | None = None,
                    today: dt.date | None = None) -> dt.date:
        """GYYMMDD with era code G (e.g. 4050101 = 平成5年1月1日), or an ISO/8-digit date.

        The date must be plausible for `kind` (domain.dates); without a kind, for any kind: never
        before the first era of this table, never after the latest day any kind allows."""
        compact = text.strip().translate(_FULL_WIDTH)
        today = today or dt.date.today()
        match = _TYPED.match(compact)
        if _SHORT.match(compact) and kind in _SHORT_KINDS:
            return check_date(_nearest(int(compact[:2]), int(compact[2:]), today), kind, today)
        if match:
            code, year, month, day = (int(part) for part in match.groups())
            date = self.from_era(code, year, month, day)
        else:
            date = parse_typed_date(compact)
        if kind is None:
            return check_any_date(date, today, self.eras[0].first_day)
        return check_date(date, kind, today)


_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_SHORT = re.compile(r"^\d{4}$")
# Days of the visit's own season may be typed as MMDD alone: a move, an event, a certificate.
_SHORT_KINDS = {DateKind.MOVE, DateKind.EVENT, DateKind.FILING, DateKind.CERTIFICATE}


def _nearest(month: int, day: int, today: dt.date) -> dt.date:
    """The date with this month and day nearest to today (last, this or next year)."""
    found = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            found.append(dt.date(year, month, day))
        except ValueError:
            continue
    if not found:
        raise DateInputError("暦にない日付です")
    return min(found, key=lambda d: abs((d - today).days))


@cache
def default_era_table() -> EraTable:
    from counter_app.bundled import resource

    return EraTable.from_json(resource("calendar", "eras.json").read_text(encoding="utf-8"))
