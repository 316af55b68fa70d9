"""The audit trail: who did what to which case, when — ids and actions only.

Never names, addresses, birth dates, PINs or card data: `detail` is for counts, form ids,
catalogue versions and printer names, and refuses anything longer than a short note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from counter_app.store.models import AuditRow

ACTIONS = frozenset({
    "case.open", "case.close", "case.discard", "case.conflict", "card.read", "print",
    "pdf.save", "catalogue.publish", "catalogue.restore", "catalogue.import",
    "catalogue.seed", "catalogue.draft", "catalogue.edit", "sign_in",
    "sign_in.failed", "sign_out", "purge",
})


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    action: str
    case_id: str | None
    counter: str
    account: str
    detail: str


def add(session: Session, action: str, case_id: str | None = None, counter: str = "",
        account: str = "", detail: str = "", at: dt.datetime | None = None) -> None:
    """Add an entry inside the caller's transaction (it commits with the change it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditRow(at=at or dt.datetime.now(dt.UTC), action=action, case_id=case_id,
                         counter=counter, account=account, detail=detail[:200]))


class AuditLog:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def record(self, action: str, case_id: str | None = None, counter: str = "",
               account: str = "", detail: str = "") -> None:
        with self._sessions.begin() as session:
            add(session, action, case_id, counter, account, detail)

    def entries(self, case_id: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
        if case_id is not None:
            query = query.where(AuditRow.case_id == case_id)
        with self._sessions() as session:
            rows = session.scalars(query).all()
            return [AuditEntry(r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC), r.action,
                               r.case_id, r.counter, r.account, r.detail) for r in rows]
