"""A counter killed during its first start or during an upgrade starts cleanly afterwards.

For the first start and for an upgrade from every older revision (with rows in it), on SQLite
and PostgreSQL: count the steps (SQL statements and COMMITs) of the upgrade, then kill a child
process just before each step N that matters, start again with the app's code, and compare the
whole database with one upgraded without interruption.

The steps that matter from revision R: those up to and including the version write of R's next
migration (the start's own reads, then every statement of that migration), and every step
after the last version write (the COMMIT and what follows it). The statements of a later
migration are covered from the revision just before it, so each statement of each migration is
killed once while the test grows linearly with the revisions (killing every step of every
start grew with their square: 8 of CI's 25 minutes at ten revisions). All revisions run in one
transaction, so a kill inside a later migration is the same rollback as one inside the first.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from migration_data import NAME, dump, seed_rows
from migration_kill_driver import KILLED, count_steps
from sqlalchemy import text
from test_migrations import _revisions, _schema_diff

from counter_app.store import open_database
from counter_app.store.database import create_db_engine, current_revision, upgrade

DRIVER = ROOT / "tests" / "migration_kill_driver.py"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.backends("sqlite", "postgresql"),
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the kill driver forks (Linux)"),
]


class Copies:
    """Fresh copies of one prepared database: file copies, or PostgreSQL template copies."""

    def __init__(self, db_backend, request, tmp_path):
        self.sqlite = db_backend == "sqlite"
        self.tmp_path = tmp_path
        self.count = 0
        if self.sqlite:
            self.original = tmp_path / "prepared.sqlite3"
            self.original_url = f"sqlite:///{self.original}"
        else:
            self.pg = request.getfixturevalue("pg")
            self.original = self.pg.create_database()
            self.original_url = self.pg.url(self.original)

    def new(self):
        self.count += 1
        if self.sqlite:
            copy = self.tmp_path / f"copy{self.count}.sqlite3"
            if self.original.exists():  # the first start has no file yet
                shutil.copyfile(self.original, copy)
            return f"sqlite:///{copy}"
        name = f"{self.original}_{self.count}"
        with self.pg.admin() as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {self.original} OWNER madoguchi")
        return self.pg.url(name)

    def drop(self, url):
        """Keep a hundred copies from filling the disk (and slowing the server's shutdown)."""
        if self.sqlite:
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        else:
            with self.pg.admin() as conn:
                conn.execute(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)")


def _kill_during_start(urls_and_steps):
    result = subprocess.run([sys.executable, str(DRIVER)], input=json.dumps(urls_and_steps),
                            capture_output=True, text=True, timeout=600, cwd=ROOT,
                            env=dict(os.environ, PYTHONPATH=str(ROOT / "tests")))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _check_integrity(engine):
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("pragma integrity_check")).scalar() == "ok"
            assert conn.execute(text("pragma foreign_key_check")).all() == []


def _is_version_write(sql):
    words = sql.split()
    return bool(words) and words[0].upper() in ("INSERT", "UPDATE") and "alembic_version" in sql


def _kill_points(steps):
    """Steps (1-based) up to the first migration's version write, and all after the last."""
    writes = [n for n, sql in enumerate(steps, 1) if _is_version_write(sql)]
    assert writes, "an upgrade writes its version"
    return [*range(1, writes[0] + 1), *range(writes[-1] + 1, len(steps) + 1)]


def test_kill_points_cover_the_first_migration_and_the_commit():
    steps = ["SELECT version", "CREATE TABLE a", "INSERT INTO alembic_version", "ALTER TABLE a",
             "UPDATE alembic_version SET", "COMMIT"]
    assert _kill_points(steps) == [1, 2, 3, 6]


@pytest.mark.parametrize("start", [None, *_revisions()[:-1]],
                         ids=lambda r: f"from-{r}" if r else "first-start")
def test_killed_before_any_step_of_an_upgrade_then_starts_cleanly(db_backend, request,
                                                                   tmp_path, start):
    copies = Copies(db_backend, request, tmp_path)
    if start is not None:
        engine = create_db_engine(copies.original_url)
        upgrade(engine, start)
        seed_rows(engine)
        engine.dispose()  # SQLite: checkpointed into the file; PostgreSQL: template unused

    # The reference: the same start, uninterrupted, counting its steps.
    steps = []
    stop_counting = count_steps(lambda _n, sql: steps.append(sql))
    try:
        reference = open_database(copies.new()).kw["bind"]
    finally:
        stop_counting()
    assert current_revision(reference) == _revisions()[-1]
    assert _schema_diff(reference) == []
    expected = dump(reference)  # schema and rows: what every killed start must end with
    reference.dispose()
    copies.drop(str(reference.url.render_as_string(hide_password=False)))
    if start is not None:
        values = [v for table in expected.values() for row in table["rows"] for v in row]
        assert any(NAME in v for v in values), "the seeded rows survive a clean upgrade"
    assert len(steps) >= 3

    kill_points = _kill_points(steps)
    urls = [copies.new() for _ in kill_points]
    statuses = _kill_during_start([[url, n] for url, n in zip(urls, kill_points, strict=True)])
    assert statuses == [KILLED] * len(kill_points)
    for kill_at, url in zip(kill_points, urls, strict=True):
        sessions = open_database(url)  # the next start, as the app does it
        engine = sessions.kw["bind"]
        try:
            assert current_revision(engine) == _revisions()[-1], kill_at
            _check_integrity(engine)
            assert dump(engine) == expected, kill_at
        finally:
            engine.dispose()
        copies.drop(url)
