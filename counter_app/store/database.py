"""Opening the database: engine set-up, connectivity check and migrations on start."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5000
# Apps starting together on one SQLite file migrate in turn: better wait than fail a start.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 30_000
# Key of the PostgreSQL advisory lock that migrating apps take in turn ("MADO" in ASCII).
POSTGRES_MIGRATION_LOCK = 0x4D41444F
# What a database is for (table database_mode, revision 0010).
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


@dataclass(frozen=True)
class Timeouts:
    """How long a counter waits for PostgreSQL before it calls the database unreachable.

    A server that is down refuses at once; one that hangs (overloaded, frozen, a network that
    drops packets) answers nothing, and libpq would wait for ever on an open connection. So:
    `connect_s` bounds each new connection (TCP, TLS and authentication); `answer_s` bounds
    every wait for the server on an open connection, after which the connection is closed and
    the call fails as unreachable; `statement_ms` makes a live server cancel a statement that
    runs or waits for a lock too long, before the client gives up on it. With the pool's
    pre-ping a save against a hung server fails within answer_s + connect_s (a pooled
    connection's ping, then one new connection); measured in tests/test_store_faults.py.
    """

    connect_s: int = 3  # libpq's minimum is 2
    answer_s: float = 6.0
    statement_ms: int = 5000
    # A transaction idle for this long has a bug or a dead client: the server ends it.
    idle_in_transaction_ms: int = 60_000
    pool_timeout_s: float = 10.0  # waiting for a free pooled connection
    # Connections are renewed before firewalls drop idle ones (commonly after an hour).
    recycle_s: int = 1800
    # Keepalives find a peer that vanished (cable, power) on an idle connection.
    keepalives_idle_s: int = 30
    keepalives_interval_s: int = 10
    keepalives_count: int = 3


APP_TIMEOUTS = Timeouts()
# Migrating waits for another app's migration (an advisory lock): no statement limit, and a
# long answer timeout so that only a server that is truly gone stops a start.
MIGRATION_TIMEOUTS = Timeouts(answer_s=120.0, statement_ms=0, idle_in_transaction_ms=0)


@functools.cache
def answering_connection(answer_s: float) -> type[psycopg.Connection[Any]]:
    """A psycopg connection class that waits at most `answer_s` for the server on every
    exchange (statements, fetches, commits, rollbacks, the pool's ping): libpq has no such
    limit, and statement_timeout cannot help when the server is not running at all. Built on
    first use so that SQLite installations never import psycopg (0.1 s)."""
    import psycopg

    class AnsweringConnection(psycopg.Connection[Any]):
        def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
            try:
                return super().wait(gen, interval, answer_s if timeout is None else timeout)
            except psycopg.OperationalError as exc:
                # psycopg's internal _WaitTimeout: the protocol state is unknown, so the
                # connection cannot be used again. Closed, SQLAlchemy sees a disconnect.
                if type(exc).__name__ != "_WaitTimeout":
                    raise
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"no answer from the database server within {answer_s:g} s") from None

    return AnsweringConnection


def _postgres_options(timeouts: Timeouts) -> dict[str, object]:
    settings = []
    if timeouts.statement_ms:
        settings.append(f"-c statement_timeout={timeouts.statement_ms}")
    if timeouts.idle_in_transaction_ms:
        settings.append("-c idle_in_transaction_session_timeout="
                        f"{timeouts.idle_in_transaction_ms}")
    args: dict[str, object] = {
        "connect_timeout": timeouts.connect_s,
        "keepalives": 1,
        "keepalives_idle": timeouts.keepalives_idle_s,
        "keepalives_interval": timeouts.keepalives_interval_s,
        "keepalives_count": timeouts.keepalives_count,
    }
    if settings:
        args["options"] = " ".join(settings)
    return args


def create_db_engine(url: str | URL, *, migrations: bool = False,
                     timeouts: Timeouts | None = None) -> Engine:
    """An engine for the app, or with `migrations` one whose transactions include DDL."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        # Never echo it: an unparseable URL may still hold a password.
        raise DatabaseError("invalid database URL (expected dialect://user@host:port/name)"
                            ) from None
    sqlite = parsed.get_backend_name() == "sqlite"
    postgres = parsed.get_backend_name() == "postgresql"
    timeouts = timeouts or (MIGRATION_TIMEOUTS if migrations else APP_TIMEOUTS)
    connect_args: dict[str, object] = {}
    if sqlite:
        busy_ms = SQLITE_MIGRATION_BUSY_TIMEOUT_MS if migrations else SQLITE_BUSY_TIMEOUT_MS
        connect_args["timeout"] = busy_ms / 1000
    elif postgres:
        connect_args.update(_postgres_options(timeouts))
    # A migration engine's connections are set up for migrating only: never pool them.
    options: dict[str, object] = {"poolclass": NullPool} if migrations else {}
    if postgres and not migrations:
        options.update(pool_pre_ping=True, pool_recycle=timeouts.recycle_s,
                       pool_timeout=timeouts.pool_timeout_s)
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
    elif postgres and parsed.get_driver_name() == "psycopg":
        connection_class = answering_connection(timeouts.answer_s)

        def connect(_dialect: object, _record: object, cargs: list[Any],
                    cparams: dict[str, Any]) -> object:
            return connection_class.connect(*cargs, **cparams)

        event.listen(engine, "do_connect", connect)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # WAL lets the UI read while a worker writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    # Whatever is deleted or overwritten (a purged document, a case's earlier versions) is
    # zeroed in the file, not left in free space for anyone who reads the bytes.
    cursor.execute("PRAGMA secure_delete=ON")
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
    """PRODUCTION or DEMO as the database records it; None before revision 0010 (or for a
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
