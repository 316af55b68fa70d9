"""Saving and loading reception cases. Each call is one transaction: all or nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PrintRecord,
    Step,
)
from counter_app.store.models import AnswerRow, CaseRow, ChecklistRow, MemberRow, PrintRow


@dataclass(frozen=True)
class CaseSummary:
    """What the open-cases list shows: no names, so it can also be logged."""

    id: str
    move_kind: MoveKind
    move_date: dt.date
    member_count: int
    updated_at: dt.datetime
    step: Step


class CaseRepository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def save(self, case: Case) -> None:
        """Insert or replace the whole case in one transaction."""
        with self._sessions.begin() as session:
            row = session.get(CaseRow, case.id)
            if row is None:
                row = CaseRow(id=case.id)
                session.add(row)
            row.status = case.status.value
            row.move_kind = case.move.kind.value
            row.move_date = case.move.date
            row.previous_address = case.move.previous_address
            row.new_address = case.move.new_address
            row.step = case.step.value
            row.filed_on = case.filed_on
            # Set explicitly: a change to members or answers alone must also count as a touch.
            row.updated_at = dt.datetime.now(dt.UTC)
            row.members = [
                MemberRow(
                    position=i,
                    name=m.name,
                    birth_date=m.birth_date,
                    sex=m.sex,
                    relationship=m.relationship,
                    source=m.source.value,
                    address=m.address,
                )
                for i, m in enumerate(case.members)
            ]
            row.answers = [AnswerRow(key=k, value=v) for k, v in sorted(case.answers.items())]
            row.checklist = [ChecklistRow(procedure_id=k, status=e.status.value, reason=e.reason,
                                          members=list(e.members))
                             for k, e in sorted(case.checklist.items())]
            row.prints = [PrintRow(form_id=k, how=p.how, target=p.where, at=p.at)
                          for k, p in sorted(case.prints.items())]

    def load(self, case_id: str) -> Case | None:
        with self._sessions() as session:
            row = session.get(CaseRow, case_id)
            return None if row is None else _to_case(row)

    def open_cases(self) -> list[CaseSummary]:
        """Open cases, most recently touched first: what a restarted counter offers to resume."""
        with self._sessions() as session:
            rows = session.scalars(
                select(CaseRow)
                .where(CaseRow.status == CaseStatus.OPEN.value)
                .order_by(CaseRow.updated_at.desc())
            ).all()
            return [
                CaseSummary(
                    id=r.id,
                    move_kind=MoveKind(r.move_kind),
                    move_date=r.move_date,
                    member_count=len(r.members),
                    updated_at=r.updated_at,
                    step=Step(r.step),
                )
                for r in rows
            ]

    def delete(self, case_id: str) -> None:
        with self._sessions.begin() as session:
            row = session.get(CaseRow, case_id)
            if row is not None:
                session.delete(row)


def _to_case(row: CaseRow) -> Case:
    return Case(
        id=row.id,
        status=CaseStatus(row.status),
        move=Move(
            kind=MoveKind(row.move_kind),
            date=row.move_date,
            previous_address=row.previous_address,
            new_address=row.new_address,
        ),
        members=[
            Member(
                name=m.name,
                birth_date=m.birth_date,
                sex=m.sex,
                relationship=m.relationship,
                source=MemberSource(m.source),
                address=m.address,
            )
            for m in row.members
        ],
        answers={a.key: a.value for a in row.answers},
        step=Step(row.step),
        filed_on=row.filed_on,
        checklist={c.procedure_id: ChecklistEntry(ChecklistStatus(c.status), c.reason,
                                                  tuple(c.members or ()))
                   for c in row.checklist},
        prints={p.form_id: PrintRecord(p.how, p.target, p.at) for p in row.prints},
    )
