"""SQLAlchemy models of the store. Schema changes go through Alembic revisions."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, MetaData, String, Text, orm
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints so Alembic batch migrations on SQLite can find them again.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    move_kind: Mapped[str] = mapped_column(String(16))
    move_date: Mapped[dt.date] = mapped_column(Date)
    previous_address: Mapped[str] = mapped_column(Text, default="")
    new_address: Mapped[str] = mapped_column(Text, default="")
    step: Mapped[str] = mapped_column(String(16), default="move", server_default="move")
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )

    members: Mapped[list[MemberRow]] = orm.relationship(
        back_populates="case",
        order_by="MemberRow.position",
        cascade="all, delete-orphan",
    )
    answers: Mapped[list[AnswerRow]] = orm.relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    checklist: Mapped[list[ChecklistRow]] = orm.relationship(
        back_populates="case", cascade="all, delete-orphan"
    )
    prints: Mapped[list[PrintRow]] = orm.relationship(
        back_populates="case", cascade="all, delete-orphan"
    )


class MemberRow(Base):
    __tablename__ = "case_members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    # Order in the household; determinations refer to members by this index.
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    birth_date: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    # 続柄. (Attribute named after the case field; the ORM helper is reached as orm.relationship.)
    relationship: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(Text, default="", server_default="")

    case: Mapped[CaseRow] = orm.relationship(back_populates="members")


class AnswerRow(Base):
    __tablename__ = "case_answers"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)

    case: Mapped[CaseRow] = orm.relationship(back_populates="answers")


class ChecklistRow(Base):
    __tablename__ = "case_checklist"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    procedure_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    members: Mapped[list[int]] = mapped_column(JSON, default=list, server_default="[]")

    case: Mapped[CaseRow] = orm.relationship(back_populates="checklist")


class PrintRow(Base):
    __tablename__ = "case_prints"

    case_id: Mapped[str] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    form_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    how: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[CaseRow] = orm.relationship(back_populates="prints")
