"""What a failed database call means for the counter, in one place (the UI's saver, the journal
replay and the benchmark ask the same question):

- UNREACHABLE: the database cannot take it now (down, hung, unreachable, overloaded, out of
  space, locked too long, refusing us): keep the change on this PC and try again later.
- CONFLICT: another counter changed the case or holds it: show staff, never write over it.
- OTHER: this call itself is wrong (a bug, data the database refuses): report it.

No Qt, no driver import: drivers are recognised by their error attributes.
"""

from __future__ import annotations

import enum
import sqlite3

from sqlalchemy import exc as sa

from counter_app.store.cases import ClaimedElsewhere, ConflictError


class Failure(enum.Enum):
    UNREACHABLE = "unreachable"
    CONFLICT = "conflict"
    OTHER = "other"


# SQLite primary result codes that say nothing about the statement itself: busy or locked
# (another writer), no memory, read-only or permission, I/O, corrupt or not a database, full,
# cannot open, lock protocol, no large-file support.
_SQLITE_UNREACHABLE = {3, 5, 6, 7, 8, 10, 11, 13, 14, 15, 22, 26}
# PostgreSQL SQLSTATE classes of the same kind: connection exception, transaction rollback
# (serialization failure, deadlock: try again), insufficient resources, operator intervention
# (statement_timeout's query_canceled, admin shutdown, cannot connect now), system error; and
# authorization (a password changed under a running counter).
_POSTGRES_UNREACHABLE_CLASSES = {"08", "28", "40", "53", "57", "58"}
_POSTGRES_UNREACHABLE_STATES = {"55P03", "25P03"}  # lock not available, idle-session timeout


def classify(exc: BaseException) -> Failure:
    if isinstance(exc, ConflictError | ClaimedElsewhere):
        return Failure.CONFLICT
    if isinstance(exc, sa.TimeoutError | sa.DisconnectionError):  # no pooled connection
        return Failure.UNREACHABLE
    if isinstance(exc, sa.DBAPIError):
        if exc.connection_invalidated:
            return Failure.UNREACHABLE
        return _driver_error(exc.orig)
    if isinstance(exc, ConnectionError | TimeoutError):
        return Failure.UNREACHABLE
    return _driver_error(exc)


def is_unreachable(exc: BaseException) -> bool:
    return classify(exc) is Failure.UNREACHABLE


def _driver_error(error: BaseException | None) -> Failure:
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _SQLITE_UNREACHABLE:
            return Failure.UNREACHABLE
        return Failure.OTHER
    if error is not None and type(error).__module__.startswith("psycopg"):
        state = getattr(error, "sqlstate", None)
        if state is None:
            # Raised by the client library itself: no connection, no answer in time
            # (database.Timeouts), connection closed. Not a statement the server refused.
            names = {kind.__name__ for kind in type(error).__mro__}
            return (Failure.UNREACHABLE if names & {"OperationalError", "InterfaceError"}
                    else Failure.OTHER)
        if state[:2] in _POSTGRES_UNREACHABLE_CLASSES or state in _POSTGRES_UNREACHABLE_STATES:
            return Failure.UNREACHABLE
    return Failure.OTHER
