"""Statistics for supervisors, from the anonymous rows cases leave when they end: cases and
procedures per day and section, handling time per case, and the forms that left the counter
already filled in (the resident only signed them — the figure cities quote)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics as stats
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import CaseStatus, ChecklistStatus
from counter_app.store.models import CaseStatisticsRow

UNKNOWN_SECTION = "（不明）"


@dataclass
class Day:
    date: dt.date
    cases: int = 0
    procedures: Counter[str] = field(default_factory=Counter)  # section → procedures


@dataclass(frozen=True)
class Summary:
    days: list[Day]
    cases: int
    discarded: int
    median_minutes: float | None
    p90_minutes: float | None
    forms_prefilled: int

    def to_csv(self, sections: Sequence[str] = ()) -> str:
        """Per day and section, then the totals; sections in the order given (the city's
        counters), any others after them."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["日付", "課", "手続数", "受付件数"])
        for day in self.days:
            for section in _ordered(day.procedures, sections):
                writer.writerow([day.date.isoformat(), section, day.procedures[section],
                                 day.cases])
        writer.writerow([])
        for label, value in self._totals():
            writer.writerow([label, value])
        return out.getvalue()

    def to_text(self, since: dt.date, until: dt.date, sections: Sequence[str] = ()) -> str:
        """The same for a terminal: one line per day, the procedures by section."""
        lines = [f"期間 {since.isoformat()} ～ {until.isoformat()}"]
        lines += [f"{label}: {value if value != '' else '-'}" for label, value in self._totals()]
        lines.append("日付 受付件数 手続数（課別）")
        for day in self.days:
            per_section = "、".join(f"{section} {day.procedures[section]}"
                                   for section in _ordered(day.procedures, sections))
            lines.append(f"{day.date.isoformat()} {day.cases} {per_section or '-'}")
        return "\n".join(lines) + "\n"

    def _totals(self) -> list[tuple[str, object]]:
        return [("受付件数", self.cases), ("取消件数", self.discarded),
                ("処理時間の中央値（分）", _shown(self.median_minutes)),
                ("処理時間の90パーセンタイル（分）", _shown(self.p90_minutes)),
                ("記入済みで印刷した申請書", self.forms_prefilled)]


def _ordered(counts: Counter[str], sections: Sequence[str]) -> list[str]:
    known = [s for s in sections if s in counts]
    return known + sorted(set(counts) - set(known))


def _shown(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def summary(sessions: sessionmaker[Session], since: dt.date, until: dt.date,
            section_of: Callable[[str], str | None]) -> Summary:
    """Cases that ended from `since` to `until` (inclusive, local dates). `section_of` maps a
    procedure id to its section in the catalogue in use."""
    start = dt.datetime.combine(since, dt.time(), dt.UTC) - dt.timedelta(hours=14)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC) + \
        dt.timedelta(hours=14)
    with sessions() as session:
        rows = session.scalars(select(CaseStatisticsRow).where(
            CaseStatisticsRow.closed_at >= start, CaseStatisticsRow.closed_at < end)).all()
    days: dict[dt.date, Day] = {}
    minutes: list[float] = []
    discarded = prefilled = 0
    for row in rows:
        closed = _utc(row.closed_at)
        local = closed.astimezone().date()
        if not since <= local <= until:
            continue
        if row.status == CaseStatus.DISCARDED.value:
            discarded += 1
            continue
        day = days.setdefault(local, Day(local))
        day.cases += 1
        for procedure_id, status in row.procedures:
            if status != ChecklistStatus.NOT_NEEDED.value:
                day.procedures[section_of(procedure_id) or UNKNOWN_SECTION] += 1
        minutes.append((closed - _utc(row.opened_at)).total_seconds() / 60)
        prefilled += row.forms_prefilled
    ordered = sorted(minutes)
    return Summary(
        days=[days[d] for d in sorted(days)], cases=len(minutes), discarded=discarded,
        median_minutes=stats.median(ordered) if ordered else None,
        p90_minutes=_percentile(ordered, 0.9), forms_prefilled=prefilled)


def _percentile(ordered: list[float], q: float) -> float | None:
    if not ordered:
        return None
    if len(ordered) == 1:
        return ordered[0]
    return stats.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
