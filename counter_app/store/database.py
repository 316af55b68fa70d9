"""Opening the database: engine set-up, connectivity check and migrations on start."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
CONNECT_TIMEOUT_S = 5


class DatabaseError(Exception):
    """The database cannot be opened or migrated. The message is safe to show and log."""


def describe_url(url: str | URL) -> str:
    """The URL with any password hidden, for logs and the status bar."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<invalid database URL>"


def create_db_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Never echo it: an unparseable URL may still hold a password.
        raise DatabaseError("invalid database URL (expected dialect://user@host:port/name)"
                            ) from None
    connect_args: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite":
        connect_args["timeout"] = SQLITE_BUSY_TIMEOUT_MS / 1000
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    try:
        # hide_parameters: a failed statement's message must not carry names or birth dates.
        engine = create_engine(parsed, connect_args=connect_args, hide_parameters=True)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {describe_url(parsed)}: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the UI read while a worker writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def migrations_config(engine: Engine) -> AlembicConfig:
    cfg = AlembicConfig()
    script_location = resources.files("counter_app.store") / "migrations"
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(migrations_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(url: str) -> sessionmaker[Session]:
    """Connect, apply pending migrations and return a session factory.

    A SQLite file that this call created is removed again if anything fails, so a failed start
    leaves nothing half-created.
    """
    engine = create_db_engine(url)
    new_sqlite_file = _new_sqlite_file(engine)
    try:
        with engine.connect():
            pass
        upgrade(engine)
    except (SQLAlchemyError, OSError) as exc:
        engine.dispose()
        if new_sqlite_file is not None:
            _remove_sqlite_files(new_sqlite_file)
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"cannot open database {describe_url(engine.url)}: {reason}") from None
    log.info("database ready: %s at revision %s", describe_url(engine.url),
             current_revision(engine))
    return sessionmaker(engine, expire_on_commit=False)


def _new_sqlite_file(engine: Engine) -> Path | None:
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    path = Path(database)
    return None if path.exists() else path


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
