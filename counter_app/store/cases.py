"""Saving and loading reception cases. Each call is one transaction: all or nothing.

Every save is a compare-and-swap on the case's version: a save made from an older copy than the
stored one is refused with `ConflictError` (whose change won, and when), never written over it.
A counter working on a case claims it; other counters see it read-only until the claim is
released or expires (a counter that crashed), and their saves are refused with
`ClaimedElsewhere`. Each save by the holder refreshes its claim; `touch_claim` is the heartbeat
for a case left open on screen without changes.

Loading raises when the database fails (`counter_app.store.failures.classify` tells
"unreachable" from the rest): None always means the case is not there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import Case, CaseStatus, EventKind, MoveKind, Step
from counter_app.domain.roles import head_member
from counter_app.store import audit
from counter_app.store.models import CaseRow, CaseStatisticsRow

CLAIM_TTL = dt.timedelta(minutes=30)
# How often a counter should refresh the claim of a case open on its screen without changes
# (`touch_claim`): well inside the TTL, so a claim only runs out for a counter that is gone.
CLAIM_HEARTBEAT = dt.timedelta(minutes=5)


class ConflictError(Exception):
    """The stored case changed since this copy was loaded (another counter saved it), or it
    is gone (purged). `stored_digest` identifies the stored document (`document_digest`)."""

    def __init__(self, case_id: str, stored_version: int | None, updated_by: str,
                 updated_at: dt.datetime | None, status: str | None,
                 stored_digest: str | None = None) -> None:
        super().__init__(f"case {case_id}: stored version {stored_version} by "
                         f"{updated_by or 'unknown'}")
        self.case_id = case_id
        self.stored_version = stored_version
        self.updated_by = updated_by
        self.updated_at = updated_at
        self.status = status
        self.stored_digest = stored_digest


class ClaimedElsewhere(Exception):
    """Another counter holds the case."""

    def __init__(self, case_id: str, counter: str, since: dt.datetime) -> None:
        super().__init__(f"case {case_id} is held by counter {counter} since {since:%H:%M}")
        self.case_id = case_id
        self.counter = counter
        self.since = since


@dataclass(frozen=True)
class CaseSummary:
    """What the open-cases list shows: initials only, never full names (it can be logged)."""

    id: str
    move_kind: MoveKind | None
    event_kind: EventKind | None
    date: dt.date | None
    member_count: int
    initials: str
    updated_at: dt.datetime
    step: Step
    claimed_by: str | None

    @property
    def kind_label(self) -> str:
        labels = [k.label for k in (self.event_kind, self.move_kind) if k is not None]
        return "・".join(labels)


def document_text(case: Case) -> str:
    """The case document exactly as the store keeps it."""
    return json.dumps(case.to_dict(), ensure_ascii=False)


def document_digest(text: str) -> str:
    """A short fingerprint of a stored document: tells two versions apart without their text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def case_digest(case: Case) -> str:
    return document_digest(document_text(case))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes for timezone-aware columns.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def initials(case: Case) -> str:
    """The 世帯主's (else the first member's) initials: 「北・太」, enough to tell cases apart."""
    index = head_member(case)
    if index is None and case.members:
        index = 0
    if index is None:
        return ""
    parts = case.members[index].name.replace(" ", "\u3000").split("\u3000")
    return "・".join(p[:1] for p in parts if p)[:16]


class CaseRepository:
    def __init__(self, sessions: sessionmaker[Session],
                 now: type[dt.datetime] = dt.datetime) -> None:
        self._sessions = sessions
        self._now = now

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The database's session factory (statistics and other read-only views)."""
        return self._sessions

    def _clock(self) -> dt.datetime:
        return self._now.now(dt.UTC)

    # --- saving ------------------------------------------------------------------------------

    def save(self, case: Case, counter: str = "", *, hold: bool = True) -> int:
        """Store the case if the stored copy is still `case.version` (0: not stored yet);
        returns the new version. Raises ConflictError if it is not, ClaimedElsewhere if
        another counter holds the case; nothing is written then. With `hold` (and a counter)
        an open case is claimed, or its claim refreshed, in the same transaction; without it
        (a print recorded for a case no longer on screen) the claim is left as it is."""
        now = self._clock()
        values = self._columns(case, now, counter)
        if hold and counter and case.status is CaseStatus.OPEN:
            values.update(claimed_by=counter, claimed_at=now)
        try:
            with self._sessions.begin() as session:
                if case.version == 0:
                    return self._insert(session, case, values, counter, now)
                before = session.execute(select(CaseRow.status, CaseRow.created_at)
                                         .where(CaseRow.id == case.id)).first()
                result = session.execute(
                    update(CaseRow)
                    .where(CaseRow.id == case.id, CaseRow.version == case.version,
                           _free_for(counter, now))
                    .values(version=CaseRow.version + 1, **values))
                if result.rowcount != 1 or before is None:  # type: ignore[attr-defined]
                    raise self._refusal(session, case, counter, now)
                self._on_ending(session, case, before.status,
                                _utc(before.created_at) or now, now, counter)
                return case.version + 1
        except IntegrityError:
            if case.version != 0:
                raise
            # Another counter inserted the same new case id in the same instant.
            with self._sessions() as session:
                raise self._conflict(session, case.id) from None

    def _insert(self, session: Session, case: Case, values: dict[str, Any], counter: str,
                now: dt.datetime) -> int:
        if session.get(CaseRow, case.id) is not None:
            raise self._conflict(session, case.id)
        session.add(CaseRow(id=case.id, version=1, created_at=now, **values))
        session.flush()
        audit.add(session, "case.open", case.id, counter, at=now)
        self._on_ending(session, case, CaseStatus.OPEN.value, now, now, counter)
        return 1

    @staticmethod
    def _on_ending(session: Session, case: Case, before: str, opened: dt.datetime,
                   now: dt.datetime, counter: str) -> None:
        """A case that closes (or is discarded) leaves an audit entry and the anonymous
        statistics that outlive its personal data, in the same transaction as the save."""
        if case.status is CaseStatus.OPEN or before == case.status.value:
            return
        action = "case.close" if case.status is CaseStatus.CLOSED else "case.discard"
        audit.add(session, action, case.id, counter, at=now)
        session.merge(CaseStatisticsRow(
            case_id=case.id, status=case.status.value,
            move_kind=case.move.kind.value if case.move else None,
            event_kind=case.event.kind.value if case.event else None,
            opened_at=opened, closed_at=now, member_count=len(case.members),
            procedures=[[pid, entry.status.value] for pid, entry in sorted(case.checklist.items())],
            forms_prefilled=len({p.form for p in case.prints}),
            catalogue_version=case.catalogue_version, counter=counter))

    def _columns(self, case: Case, now: dt.datetime, counter: str) -> dict[str, object]:
        closed = case.status is not CaseStatus.OPEN
        return {
            "status": case.status.value,
            "move_kind": case.move.kind.value if case.move else None,
            "move_date": case.move.date if case.move else None,
            "event_kind": case.event.kind.value if case.event else None,
            "event_date": case.event.date if case.event else None,
            "step": case.step.value,
            "filed_on": case.filed_on,
            "member_count": len(case.members),
            "initials": initials(case),
            "document": document_text(case),
            "catalogue_version": case.catalogue_version,
            "updated_by": counter,
            "updated_at": now,
            "closed_at": now if closed else None,
            **({"claimed_by": None, "claimed_at": None} if closed else {}),
        }

    def _refusal(self, session: Session, case: Case, counter: str,
                 now: dt.datetime) -> ConflictError | ClaimedElsewhere:
        """Why a compare-and-swap wrote nothing: the stored version is not the one this copy
        was based on (the stronger news: whose change won), else another counter holds it."""
        row = session.execute(select(CaseRow.version, CaseRow.claimed_by, CaseRow.claimed_at)
                              .where(CaseRow.id == case.id)).first()
        if (row is not None and row.version == case.version
                and row.claimed_by not in (None, counter)
                and _claim_live(row.claimed_at, now)):
            return ClaimedElsewhere(case.id, row.claimed_by,
                                    _utc(row.claimed_at))  # type: ignore[arg-type]
        return self._conflict(session, case.id)

    def _conflict(self, session: Session, case_id: str) -> ConflictError:
        row = session.execute(select(CaseRow.version, CaseRow.updated_by, CaseRow.updated_at,
                                     CaseRow.status, CaseRow.document)
                              .where(CaseRow.id == case_id)).first()
        if row is None:
            return ConflictError(case_id, None, "", None, None)
        digest = document_digest(row.document) if row.document is not None else None
        return ConflictError(case_id, row.version, row.updated_by, _utc(row.updated_at),
                             row.status, digest)

    # --- loading -----------------------------------------------------------------------------

    def load(self, case_id: str) -> Case | None:
        """The stored case with its version; None if there is none (or it was purged).
        A database that fails raises (never None): "not found" and "unreachable" differ."""
        with self._sessions() as session:
            row = session.execute(select(CaseRow.document, CaseRow.version)
                                  .where(CaseRow.id == case_id)).first()
        if row is None or row.document is None:
            return None
        case = Case.from_dict(json.loads(row.document))
        case.version = row.version
        return case

    def open_cases(self) -> list[CaseSummary]:
        """Open cases, most recently touched first: what a restarted counter offers to resume.
        Reads only the summary columns, never the documents."""
        with self._sessions() as session:
            rows = session.execute(
                select(CaseRow.id, CaseRow.move_kind, CaseRow.event_kind, CaseRow.move_date,
                       CaseRow.event_date, CaseRow.member_count, CaseRow.initials,
                       CaseRow.updated_at, CaseRow.step, CaseRow.claimed_by,
                       CaseRow.claimed_at)
                .where(CaseRow.status == CaseStatus.OPEN.value)
                .order_by(CaseRow.updated_at.desc())
            ).all()
        now = self._clock()
        return [
            CaseSummary(
                id=r.id,
                move_kind=MoveKind(r.move_kind) if r.move_kind else None,
                event_kind=EventKind(r.event_kind) if r.event_kind else None,
                date=r.event_date or r.move_date,
                member_count=r.member_count,
                initials=r.initials,
                updated_at=_utc(r.updated_at),  # type: ignore[arg-type]
                step=Step(r.step),
                claimed_by=r.claimed_by if _claim_live(r.claimed_at, now) else None,
            )
            for r in rows
        ]

    def count(self, status: CaseStatus | None = None) -> int:
        with self._sessions() as session:
            query = select(func.count()).select_from(CaseRow)
            if status is not None:
                query = query.where(CaseRow.status == status.value)
            return session.scalar(query) or 0

    # --- claims ------------------------------------------------------------------------------

    def claim(self, case_id: str, counter: str) -> bool:
        """Hold an open case for this counter (or refresh its hold). False if there is no
        such open case (not stored yet: the first save claims it; or closed); raises
        ClaimedElsewhere if another counter's claim is live. One conditional UPDATE, so two
        counters claiming at once cannot both win."""
        if not counter:
            raise ValueError("a claim needs a counter id")
        now = self._clock()
        with self._sessions.begin() as session:
            result = session.execute(
                update(CaseRow)
                .where(CaseRow.id == case_id, CaseRow.status == CaseStatus.OPEN.value,
                       _free_for(counter, now))
                .values(claimed_by=counter, claimed_at=now))
            if result.rowcount == 1:  # type: ignore[attr-defined]
                return True
            row = session.execute(select(CaseRow.status, CaseRow.claimed_by,
                                         CaseRow.claimed_at)
                                  .where(CaseRow.id == case_id)).first()
        if row is None or row.status != CaseStatus.OPEN.value:
            return False
        raise ClaimedElsewhere(case_id, row.claimed_by,
                               _utc(row.claimed_at))  # type: ignore[arg-type]

    def touch_claim(self, case_id: str, counter: str) -> bool:
        """The heartbeat of a case open on this counter's screen without changes (every
        CLAIM_HEARTBEAT): keeps the claim from running out. Raises ClaimedElsewhere if it did
        run out and another counter took the case (the screen must turn read-only)."""
        return self.claim(case_id, counter)

    def release(self, case_id: str, counter: str) -> None:
        with self._sessions.begin() as session:
            session.execute(update(CaseRow)
                            .where(CaseRow.id == case_id, CaseRow.claimed_by == counter)
                            .values(claimed_by=None, claimed_at=None))

    def holder(self, case_id: str) -> tuple[str, dt.datetime] | None:
        """The counter holding the case and since when, if the claim is live."""
        with self._sessions() as session:
            row = session.execute(select(CaseRow.claimed_by, CaseRow.claimed_at)
                                  .where(CaseRow.id == case_id)).first()
        if row is None or row.claimed_by is None or not _claim_live(row.claimed_at,
                                                                    self._clock()):
            return None
        return row.claimed_by, _utc(row.claimed_at)  # type: ignore[return-value]

    def delete(self, case_id: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(CaseRow, case_id)
            if row is not None:
                session.delete(row)


def _claim_live(claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
    return claimed_at is not None and now - _utc(claimed_at) < CLAIM_TTL  # type: ignore[operator]


def _free_for(counter: str, now: dt.datetime) -> ColumnElement[bool]:
    """SQL: nobody else holds the case (no claim, this counter's, or one that ran out)."""
    return or_(CaseRow.claimed_by.is_(None), CaseRow.claimed_by == counter,
               CaseRow.claimed_at.is_(None), CaseRow.claimed_at <= now - CLAIM_TTL)


class CaseWriter:
    """Saves one counter's successive snapshots of its cases in order, each against the
    version its own previous save produced (snapshots are taken before earlier saves finish).
    Not thread-safe: one writer per ordered saving thread.

    A save that failed without an answer (the connection died during the commit) may still
    have landed. The writer remembers the digests of such snapshots; when a later save then
    meets a stored version that is one of them, saved by this counter, it is this counter's
    own change and the save goes on on top of it instead of reporting a conflict.
    """

    def __init__(self, repository: CaseRepository, counter: str = "") -> None:
        self.repository = repository
        self.counter = counter
        self._versions: dict[str, int] = {}
        self._in_doubt: dict[str, set[str]] = {}

    def version_of(self, case: Case) -> int:
        """The stored version the next save of `case` will be based on."""
        return self._versions.get(case.id, case.version)

    def save(self, case: Case, *, hold: bool = True) -> int:
        case.version = self.version_of(case)
        while True:
            try:
                version = self.repository.save(case, self.counter, hold=hold)
            except ConflictError as exc:
                if not self._own_landed(case, exc):
                    raise
                case.version = exc.stored_version  # type: ignore[assignment]
                continue
            except ClaimedElsewhere:
                raise
            except Exception:
                self.in_doubt(case.id, {case_digest(case)})
                raise
            self._versions[case.id] = version
            self._in_doubt.pop(case.id, None)
            return version

    def _own_landed(self, case: Case, exc: ConflictError) -> bool:
        return (bool(self.counter) and exc.updated_by == self.counter
                and exc.stored_version is not None and exc.stored_version > case.version
                and exc.stored_digest in self._in_doubt.get(case.id, ()))

    def in_doubt(self, case_id: str, digests: set[str]) -> None:
        """Snapshots of `case_id` whose saves may have landed unseen (the journal hands over
        those it kept before a restart)."""
        self._in_doubt.setdefault(case_id, set()).update(digests)

    def touch(self, case_id: str) -> bool:
        """The claim heartbeat for a case on screen (CaseRepository.touch_claim)."""
        return self.repository.touch_claim(case_id, self.counter)

    def release(self, case_id: str) -> None:
        """The counter is done with the case (closed, discarded, another case opened): the
        claim goes, so other counters may take it at once."""
        if self.counter:
            self.repository.release(case_id, self.counter)
        self.forget(case_id)

    def forget(self, case_id: str) -> None:
        """Stop tracking a case (closed, or taken over by reloading it)."""
        self._versions.pop(case_id, None)
        self._in_doubt.pop(case_id, None)
