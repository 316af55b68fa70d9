"""Child process for the migration kill test: for each (database URL, N) read as JSON from
stdin, fork a process that opens (creates or upgrades) the database with the app's own start-up
code and dies as if killed (os._exit: no rollback, no clean-up) just before step N. Prints the
exit statuses as a JSON list.

A step is every SQL statement and every COMMIT on any engine (`count_steps`), so revisions
added later are covered without changing this file. Forking from one process that has already
imported SQLAlchemy and Alembic keeps a hundred kills fast (Linux only).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine

from counter_app.store import open_database

KILLED = 137  # what a shell reports for SIGKILL


def count_steps(on_step: Callable[[int, str], None]) -> Callable[[], None]:
    """Call `on_step(n, sql)` before every statement and COMMIT (sql "COMMIT"); returns a
    function to stop."""
    steps = 0

    def statement(_conn: object, _cursor: object, sql: str, *_args: object) -> None:
        nonlocal steps
        steps += 1
        on_step(steps, sql)

    def commit(_conn: object) -> None:
        nonlocal steps
        steps += 1
        on_step(steps, "COMMIT")

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)

    def remove() -> None:
        event.remove(Engine, "before_cursor_execute", statement)
        event.remove(Engine, "commit", commit)

    return remove


def _open_and_die(url: str, kill_at: int) -> None:
    def kill(step: int, _sql: str) -> None:
        if step == kill_at:
            os._exit(KILLED)

    count_steps(kill)
    try:
        open_database(url)
    except BaseException:
        os._exit(1)
    os._exit(0)  # not killed: the step count was wrong


def main() -> int:
    statuses = []
    for url, kill_at in json.load(sys.stdin):
        pid = os.fork()
        if pid == 0:
            _open_and_die(url, kill_at)
        _, status = os.waitpid(pid, 0)
        statuses.append(os.waitstatus_to_exitcode(status))
    print(json.dumps(statuses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
