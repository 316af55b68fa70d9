"""Personal data kept only as long as the city says: closed and discarded cases lose their
documents after the retention period; what remains is the anonymous statistics row."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import Case, CaseStatus
from counter_app.store import audit
from counter_app.store.models import CaseRow, CaseStatisticsRow

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 30


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    files: int


def purge(sessions: sessionmaker[Session], retention_days: int, now: dt.datetime | None = None,
          packet_dirs: tuple[Path, ...] = ()) -> PurgeResult:
    """Purge the personal data of cases that ended more than `retention_days` ago, and saved
    packet PDFs older than that. Open cases are never touched."""
    if retention_days < 0:
        raise ValueError("retention_days must be 0 or more")
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=retention_days)
    ended = (CaseStatus.CLOSED.value, CaseStatus.DISCARDED.value)
    with sessions.begin() as session:
        rows = session.execute(
            select(CaseRow.id, CaseRow.document, CaseRow.created_at, CaseRow.closed_at,
                   CaseRow.updated_at, CaseRow.updated_by)
            .where(CaseRow.status.in_(ended), CaseRow.document.is_not(None),
                   CaseRow.closed_at.is_not(None) | CaseRow.updated_at.is_not(None))).all()
        purged = 0
        for row in rows:
            ended_at = _utc(row.closed_at or row.updated_at)
            if ended_at >= cutoff:
                continue
            if session.get(CaseStatisticsRow, row.id) is None:
                _statistics_from(session, row, ended_at)  # ended before statistics were kept
            session.execute(update(CaseRow).where(CaseRow.id == row.id).values(
                document=None, initials="", purged_at=now))
            purged += 1
        if purged:
            audit.add(session, "purge", detail=f"{purged} cases", at=now)
    files = 0
    for directory in packet_dirs:
        for path in directory.glob("packet-*"):
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            if modified < cutoff:
                path.unlink(missing_ok=True)
                files += 1
    log.info("purge: %d cases and %d saved packets older than %d days", purged, files,
             retention_days)
    return PurgeResult(purged, files)


def _statistics_from(session: Session, row: object, ended_at: dt.datetime) -> None:
    case = Case.from_dict(json.loads(row.document))  # type: ignore[attr-defined]
    session.add(CaseStatisticsRow(
        case_id=case.id, status=case.status.value,
        move_kind=case.move.kind.value if case.move else None,
        event_kind=case.event.kind.value if case.event else None,
        opened_at=_utc(row.created_at), closed_at=ended_at,  # type: ignore[attr-defined]
        member_count=len(case.members),
        procedures=[[pid, e.status.value] for pid, e in sorted(case.checklist.items())],
        forms_prefilled=len({p.form for p in case.prints}),
        catalogue_version=case.catalogue_version,
        counter=row.updated_by))  # type: ignore[attr-defined]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
