"""Opening the database: engine set-up, connectivity check and migrations on start."""

from __future__ import annotations

import logging
from importlib import resources

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# Apps starting together on one SQLite file migrate in turn: better wait than fail a start.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 5
# Key of the PostgreSQL advisory lock that migrating apps take in turn ("MADO" in ASCII).
POSTGRES_MIGRATION_LOCK = 0x4D41444F
# What a database is for (table database_mode, revision 0009).
PRODUCTION, DEMO = "production", "demo"


class DatabaseError(Exception):
    """The database cannot be opened or migrated. The message is safe to show and log."""


class NewerSchemaError(DatabaseError):
    """The database was migrated by a newer version of the app (a revision this one lacks)."""

    def __init__(self, revision: str, newest_known: str) -> None:
        super().__init__(
            f"the database is at schema revision {revision}, written by a newer version of "
            f"counter-app (this one knows up to {newest_known}): update counter-app on this PC")
        self.revision = revision


class WrongModeError(DatabaseError):
    """A demo database opened for production, or the reverse. Nothing was changed."""

    def __init__(self, url: str | URL, found: str | None, wanted: str) -> None:
        what = f"a {found} database" if found else "not marked as production or demo"
        super().__init__(
            f"database {describe_url(url)} is {what}; counter-app"
            f"{' --demo' if wanted == DEMO else ''} opens {wanted} databases only")
        self.found = found
        self.wanted = wanted


def describe_url(url: str | URL) -> str:
    """The URL with any password hidden, for logs and the status bar."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "<invalid database URL>"


def create_db_engine(url: str | URL, *, migrations: bool = False) -> Engine:
    """An engine for the app, or with `migrations` one whose transactions include DDL."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Never echo it: an unparseable URL may still hold a password.
        raise DatabaseError("invalid database URL (expected dialect://user@host:port/name)"
                            ) from None
    sqlite = parsed.get_backend_name() == "sqlite"
    connect_args: dict[str, object] = {}
    if sqlite:
        busy_ms = SQLITE_MIGRATION_BUSY_TIMEOUT_MS if migrations else SQLITE_BUSY_TIMEOUT_MS
        connect_args["timeout"] = busy_ms / 1000
    elif parsed.get_backend_name() == "postgresql":
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    # A migration engine's connections are set up for migrating only: never pool them.
    options: dict[str, object] = {"poolclass": NullPool} if migrations else {}
    try:
        # hide_parameters: a failed statement's message must not carry names or birth dates.
        engine = create_engine(parsed, connect_args=connect_args, hide_parameters=True,
                               **options)
    except (ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {describe_url(parsed)}: {exc}") from None
    if sqlite and migrations:
        event.listen(engine, "connect", _sqlite_migration_pragmas)
        event.listen(engine, "begin", _begin_immediate)
    elif sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the UI read while a worker writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_migration_pragmas(dbapi_connection: object, _record: object) -> None:
    # SQLAlchemy's documented recipe for transactional DDL on pysqlite: the driver must not
    # issue BEGIN/COMMIT by itself (it commits before every DDL statement); `_begin_immediate`
    # begins explicitly instead, and commit/rollback stay SQLAlchemy's.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # Batch migrations recreate tables; with foreign keys on, dropping `cases` would cascade
    # into every member row. The pragma is ignored inside a transaction: set it here.
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_MIGRATION_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    # IMMEDIATE takes the write lock now: a second app starting at the same moment waits
    # (busy timeout), then finds the schema current, instead of failing halfway.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def migrations_config(engine: Engine, mode: str = PRODUCTION) -> AlembicConfig:
    """Alembic's configuration, migrating through a migration engine for `engine`'s database.
    `mode` is what the revision creating the mode table records."""
    cfg = AlembicConfig()
    script_location = resources.files("counter_app.store") / "migrations"
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["engine"] = create_db_engine(engine.url, migrations=True)
    cfg.attributes["database_mode"] = mode
    return cfg


def upgrade(engine: Engine, revision: str = "head", mode: str = PRODUCTION) -> None:
    """Apply the pending revisions up to `revision`, all in one transaction."""
    command.upgrade(migrations_config(engine, mode), revision)


def database_mode(engine: Engine) -> str | None:
    """PRODUCTION or DEMO as the database records it; None before revision 0009 (or for a
    new, empty database)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("database_mode"):
            return None
        modes = conn.execute(text("SELECT mode FROM database_mode")).scalars().all()
    if len(set(modes)) > 1:
        raise DatabaseError(f"database {describe_url(engine.url)} is marked with several modes")
    return modes[0] if modes else None


def _check_mode(engine: Engine, wanted: str, *, recorded: bool) -> None:
    """Refuse a database of the other mode; with `recorded`, also one that records none."""
    found = database_mode(engine)
    if found != wanted and (found is not None or recorded):
        raise WrongModeError(engine.url, found, wanted)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_database(url: str | URL, mode: str | None = None) -> sessionmaker[Session]:
    """Connect, apply pending migrations and return a session factory.

    With `mode` (PRODUCTION or DEMO, as the app opens them), a database of the other mode is
    refused before anything is migrated (WrongModeError); one from before the mode existed
    is marked with `mode` by the migration that adds it.

    Nothing is ever deleted here, since another process may be using the file. A failed
    upgrade rolls back completely: at worst a first start leaves an empty SQLite file, which
    the next start migrates.
    """
    engine = create_db_engine(url)
    try:
        with engine.connect():
            pass
        if mode is not None:
            _check_mode(engine, mode, recorded=False)
        upgrade(engine, mode=mode or PRODUCTION)
        if mode is not None:
            _check_mode(engine, mode, recorded=True)
    except (SQLAlchemyError, OSError, CommandError) as exc:
        engine.dispose()
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseError(f"cannot open database {describe_url(engine.url)}: {reason}") from None
    except BaseException:
        engine.dispose()
        raise
    log.info("database ready: %s at revision %s", describe_url(engine.url),
             current_revision(engine))
    return sessionmaker(engine, expire_on_commit=False)
