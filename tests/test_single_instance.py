"""One counter app per data directory, and apps started together never harm the database.

The real console entry point in child processes: a second start while one runs exits 6 with
one line; demo mode (its own data in demo/) runs beside the real app; apps started at the same
moment on a new data directory, or on one shared database (SQLite or PostgreSQL), leave a
complete, current database and never delete it.
"""

import sqlite3
import stat
import subprocess
import sys
import time

import pytest
from conftest import ROOT, run_counter_app
from processes import stop_process
from test_startup import _env, _one_line_error

from counter_app.store.database import create_db_engine, current_revision


def _head():
    from test_migrations import _revisions

    return _revisions()[-1]


def _start(*args, env):
    return subprocess.Popen([sys.executable, "-m", "counter_app", *args], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _start_together(*args, envs):
    processes = [_start(*args, env=env) for env in envs]  # back to back, as a double click
    results = []
    for process in processes:
        out, err = process.communicate(timeout=180)
        results.append((process.returncode, out, err))
    return results


def _wait_for(condition, process, timeout=90):
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"exited {process.returncode}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.1)


def _check_sqlite(path):
    with sqlite3.connect(path) as conn:
        assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
        assert conn.execute("select version_num from alembic_version").fetchone() == (_head(),)


@pytest.mark.slow  # four app processes, one after the other
def test_a_second_start_is_refused_while_the_first_runs(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    first = _start("--demo", env=env)
    try:
        log = data / "demo" / "logs" / "counter-app.log"
        _wait_for(lambda: log.exists() and "using database" in log.read_text(), first)
        lock = data / "demo" / "counter-app.lock"
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600

        second = run_counter_app("--demo", "--smoke-test", env=env)
        assert second.returncode == 6
        line = _one_line_error(second)
        assert "研修モードはすでに起動しています" in line
        assert "already running" in line and str(data / "demo") in line
        assert "already running" in log.read_text(), "the refusal is in the log"

        # The real counter app has its own database: it runs beside the training one.
        beside = run_counter_app("--smoke-test", env=env)
        assert beside.returncode == 0, beside.stderr
        assert first.poll() is None, "the first instance is untouched"
    finally:
        stop_process(first)
    again = run_counter_app("--demo", "--smoke-test", env=env)  # the lock ends with the process
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("count", [2, pytest.param(6, marks=pytest.mark.slow)])
def test_apps_started_together_on_a_new_data_directory(tmp_path, count):
    data = tmp_path / "data"
    results = _start_together("--smoke-test", envs=[_env(data)] * count)
    codes = [code for code, _, _ in results]
    assert set(codes) <= {0, 6} and 0 in codes, results
    for code, out, err in results:
        if code == 6:
            assert "窓口アプリはすでに起動しています" in _one_line_error(
                subprocess.CompletedProcess([], code, out, err))
    _check_sqlite(data / "madoguchi.sqlite3")


@pytest.mark.slow
@pytest.mark.backends("sqlite", "postgresql")
def test_six_apps_sharing_one_new_database_start_together(tmp_path, db_url):
    # Six PCs (six data directories) on one database: all start; the schema is made once.
    envs = [_env(tmp_path / f"pc{i}", MADOGUCHI_DB_URL=db_url) for i in range(6)]
    results = _start_together("--smoke-test", envs=envs)
    assert [code for code, _, _ in results] == [0] * 6, results
    engine = create_db_engine(db_url)
    try:
        assert current_revision(engine) == _head()
    finally:
        engine.dispose()
    if db_url.startswith("sqlite"):
        _check_sqlite(db_url.removeprefix("sqlite:///"))

