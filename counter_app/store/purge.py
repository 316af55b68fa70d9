"""Personal data kept only as long as the city says: closed and discarded cases lose their
documents after the retention period; what remains is the anonymous statistics row.

Safe while counters work: a purge touches only cases that ended, each with a compare-and-swap
on its version (bumped), so a late save of the same case (a reprint recorded) is refused as a
conflict instead of writing the personal data back, and a case saved while the purge runs is
simply left for the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import Case, CaseStatus
from counter_app.store import audit
from counter_app.store.models import CaseRow, CaseStatisticsRow

log = logging.getLogger(__name__)
DEFAULT_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
BATCH = 200  # cases per transaction: short transactions, never one long lock


@dataclass(frozen=True)
class PurgeResult:
    cases: int
    files: int
    # SQLite only: False if another connection kept the write-ahead log from being emptied,
    # so older copies of purged pages may stay in the -wal file until its next checkpoint.
    wal_emptied: bool = True


def retention_days(settings: Mapping[str, Any]) -> int:
    """The city's retention period (the catalogue's `city.settings.retention_days`)."""
    value = settings.get("retention_days", DEFAULT_RETENTION_DAYS)
    if isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT_RETENTION_DAYS  # the catalogue validator refuses this already
    return value


def purge(sessions: sessionmaker[Session], retention_days: int, now: dt.datetime | None = None,
          packet_dirs: tuple[Path, ...] = ()) -> PurgeResult:
    """Purge the personal data of cases that ended more than `retention_days` ago, and saved
    packet PDFs older than that. Open cases are never touched."""
    if not 0 <= retention_days <= MAX_RETENTION_DAYS:
        raise ValueError(f"retention_days must be 0 to {MAX_RETENTION_DAYS}")
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=retention_days)
    ended = (CaseStatus.CLOSED.value, CaseStatus.DISCARDED.value)
    with sessions() as session:
        candidates = session.execute(
            select(CaseRow.id, CaseRow.closed_at, CaseRow.updated_at)
            .where(CaseRow.status.in_(ended), CaseRow.document.is_not(None))).all()
    due = [row.id for row in candidates
           if _utc(row.closed_at or row.updated_at) < cutoff]
    purged = 0
    for start in range(0, len(due), BATCH):
        with sessions.begin() as session:
            batch = 0
            for case_id in due[start:start + BATCH]:
                batch += _purge_case(session, case_id, ended, cutoff, now)
            if batch:
                audit.add(session, "purge", detail=f"{batch} cases", at=now)
        purged += batch
    files = _purge_files(packet_dirs, cutoff)
    if files:
        with sessions.begin() as session:
            audit.add(session, "purge", detail=f"{files} saved packets", at=now)
    wal_emptied = _empty_sqlite_wal(sessions)
    log.info("purge: %d cases and %d saved packets older than %d days", purged, files,
             retention_days)
    if not wal_emptied:
        log.warning("purge: the SQLite write-ahead log is in use and was not emptied")
    return PurgeResult(purged, files, wal_emptied)


def _purge_case(session: Session, case_id: str, ended: tuple[str, ...], cutoff: dt.datetime,
                now: dt.datetime) -> int:
    row = session.execute(
        select(CaseRow.document, CaseRow.version, CaseRow.status, CaseRow.created_at,
               CaseRow.closed_at, CaseRow.updated_at, CaseRow.updated_by)
        .where(CaseRow.id == case_id)).first()
    if row is None or row.document is None or row.status not in ended:
        return 0
    ended_at = _utc(row.closed_at or row.updated_at)
    if ended_at >= cutoff:
        return 0  # saved again since it was listed
    if session.get(CaseStatisticsRow, case_id) is None:
        _statistics_from(session, row, ended_at)  # ended before statistics were kept
    result = session.execute(
        update(CaseRow).where(CaseRow.id == case_id, CaseRow.version == row.version)
        # The dates of a move or a death are the resident's too: only the statistics remain.
        .values(document=None, initials="", move_date=None, event_date=None, purged_at=now,
                version=CaseRow.version + 1))
    return result.rowcount  # type: ignore[attr-defined]


def _purge_files(packet_dirs: tuple[Path, ...], cutoff: dt.datetime) -> int:
    files = 0
    for directory in packet_dirs:
        if not directory.is_dir():
            continue
        for path in directory.glob("packet-*"):
            try:
                if not path.is_file() or path.is_symlink():
                    continue
                modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
                if modified < cutoff:
                    path.unlink()
                    files += 1
            except OSError as exc:  # open in a viewer (Windows), or gone meanwhile
                log.warning("purge: saved packet %s not removed: %s", path.name,
                            exc.strerror or type(exc).__name__)
    return files


def _empty_sqlite_wal(sessions: sessionmaker[Session]) -> bool:
    """SQLite keeps earlier page images in its write-ahead log: copy them into the database
    (where secure_delete has zeroed the purged text) and truncate the log."""
    engine = sessions.kw["bind"]
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy = connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()
        connection.commit()
    return busy is None or busy[0] == 0


def _statistics_from(session: Session, row: Any, ended_at: dt.datetime) -> None:
    case = Case.from_dict(json.loads(row.document))
    session.add(CaseStatisticsRow(
        case_id=case.id, status=case.status.value,
        move_kind=case.move.kind.value if case.move else None,
        event_kind=case.event.kind.value if case.event else None,
        opened_at=_utc(row.created_at), closed_at=ended_at,
        member_count=len(case.members),
        procedures=[[pid, e.status.value] for pid, e in sorted(case.checklist.items())],
        forms_prefilled=len({p.form for p in case.prints}),
        catalogue_version=case.catalogue_version,
        counter=row.updated_by))


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
