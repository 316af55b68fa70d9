"""SQLAlchemy models of the store. Schema changes go through Alembic revisions.

A case is one row: the case document (DESIGN.md's case file, as JSON) plus the few columns the
store needs without reading personal data — what the open-cases list shows, the version that
makes every save a compare-and-swap, the counter that holds the case, and the dates that decide
when its personal data is purged.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    text,
)
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

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    move_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    move_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    event_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    event_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    step: Mapped[str] = mapped_column(String(16), default="move", server_default="move")
    filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    member_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The 世帯主's initials for the open-cases list (personal data: purged with the document).
    initials: Mapped[str] = mapped_column(String(16), default="", server_default="")
    # The case file as JSON; NULL once the personal data is purged.
    document: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    catalogue_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(64), default="", server_default="")
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)


class AuditRow(Base):
    """Who did what, when: ids and actions only, never names, addresses, dates of birth, PINs
    or card data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    action: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    counter: Mapped[str] = mapped_column(String(64), default="", server_default="")
    account: Mapped[str] = mapped_column(String(64), default="", server_default="")
    detail: Mapped[str] = mapped_column(String(200), default="", server_default="")


class CaseStatisticsRow(Base):
    """What is left of a case once its personal data is purged: counts and ids, for the
    supervisors' statistics."""

    __tablename__ = "case_statistics"

    case_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    move_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    event_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    member_count: Mapped[int] = mapped_column(Integer)
    # [[procedure id, status], …] as decided and marked at closing
    procedures: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    forms_prefilled: Mapped[int] = mapped_column(Integer, default=0)  # printed or saved filled in
    catalogue_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    counter: Mapped[str] = mapped_column(String(64), default="", server_default="")


class AccountRow(Base):
    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)
    disabled: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CatalogueVersionRow(Base):
    """One version of the procedure catalogue: a draft supervisors edit, the published one the
    counters decide with, or a retired one. Catalogue content is not personal data."""

    __tablename__ = "catalogue_versions"
    __table_args__ = (
        # At most one published version, whatever two supervisors do at the same moment.
        Index("uq_catalogue_versions_published", "status", unique=True,
              sqlite_where=text("status = 'published'"),
              postgresql_where=text("status = 'published'")),
    )

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))  # draft, published, retired
    origin: Mapped[str] = mapped_column(String(16))  # shipped, import, copy, restore
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document: Mapped[str] = mapped_column(Text)  # the catalogue's JSON
    households: Mapped[str] = mapped_column(Text)  # [{"name", "household"}, …] as JSON
    # sha256 of the document as created, without its version: tells a shipped catalogue
    # already seen, however much its draft was edited since.
    digest: Mapped[str] = mapped_column(String(64), index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                             nullable=True)


class CatalogueChangeRow(Base):
    """Every edit, import, publication and restoration of a catalogue version, with the
    change as readable lines (counter_app.rules.diff)."""

    __tablename__ = "catalogue_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.number"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    account: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    diff: Mapped[str] = mapped_column(Text)


class DatabaseModeRow(Base):
    """What the database is for: "production" or "demo", written by the migration that creates
    the table (with the mode of the app that runs it). A demo app refuses a production
    database and the reverse, so training never touches real records."""

    __tablename__ = "database_mode"

    mode: Mapped[str] = mapped_column(String(16), primary_key=True)


class TrainingResultRow(Base):
    """One trainee's attempt at a training scenario (demo databases only). The trainee's name
    is training data: it never reaches a production database or the log."""

    __tablename__ = "training_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trainee: Mapped[str] = mapped_column(String(64))
    scenario: Mapped[str] = mapped_column(String(64), index=True)  # the scenario file's stem
    title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    case_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    score: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0-100
    # The findings: [{"kind", "subject", "detail", "reasons"}, …] (training/scoring.py)
    details: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
