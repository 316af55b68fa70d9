"""Demo mode's database: its own, marked as a demo one, reset at every start unless --keep and
by the trainer's button; production and demo never open each other's databases."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT, run_counter_app
from migration_data import dump

from counter_app.demo import clear_demo_database, reset_demo
from counter_app.domain import Case
from counter_app.store import CaseRepository, open_database
from counter_app.store.database import (
    DEMO,
    PRODUCTION,
    WrongModeError,
    create_db_engine,
    current_revision,
    database_mode,
    upgrade,
)

HOUSEHOLD = ROOT / "resources" / "demo" / "households" / "02_nagumo_single_move_in.json"


def _env(data_dir):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env.update(MADOGUCHI_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    return env


def _one_line(result):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def _case():
    return Case.from_dict(json.loads(HOUSEHOLD.read_text(encoding="utf-8")))


def _url(path):
    return f"sqlite:///{path}"


def _fingerprint(directory):
    """Bytes and modification times of the real database's files (not demo/)."""
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(directory.glob("madoguchi.sqlite3*"))}


@pytest.mark.backends("sqlite", "postgresql")
def test_the_opener_marks_the_database_and_the_other_mode_is_refused_unchanged(db_url,
                                                                              db_backend):
    open_database(db_url, DEMO).kw["bind"].dispose()
    engine = create_db_engine(db_url)
    try:
        assert database_mode(engine) == DEMO
        before = dump(engine)
        with pytest.raises(WrongModeError) as caught:
            open_database(db_url, PRODUCTION)
        assert "demo database" in str(caught.value) and "production databases only" in str(
            caught.value)
        assert dump(engine) == before
        open_database(db_url, DEMO).kw["bind"].dispose()  # and its own mode opens it
    finally:
        engine.dispose()


def test_a_database_from_before_the_marker_takes_the_mode_of_its_first_opener(tmp_path):
    engine = create_db_engine(_url(tmp_path / "old.sqlite3"))
    try:
        upgrade(engine, "0008")
        assert database_mode(engine) is None
        open_database(engine.url, PRODUCTION).kw["bind"].dispose()
        assert database_mode(engine) == PRODUCTION
        assert current_revision(engine) >= "0010"
    finally:
        engine.dispose()


def test_production_refuses_a_demo_database(tmp_path):
    demo_db = tmp_path / "data" / "demo" / "madoguchi.sqlite3"
    demo_db.parent.mkdir(parents=True)
    open_database(_url(demo_db), DEMO).kw["bind"].dispose()
    before = demo_db.read_bytes()
    result = run_counter_app("--db", _url(demo_db), "--smoke-test", env=_env(tmp_path / "data"))
    assert result.returncode == 4
    line = _one_line(result)
    assert "研修用（デモ）のデータベースは本番の窓口アプリでは開けません" in line
    assert "is a demo database" in line
    assert demo_db.read_bytes() == before


def test_demo_refuses_a_production_database_put_in_its_place(tmp_path):
    data = tmp_path / "data"
    copied = data / "demo" / "madoguchi.sqlite3"
    copied.parent.mkdir(parents=True)
    sessions = open_database(_url(copied), PRODUCTION)
    CaseRepository(sessions).save(_case())
    sessions.kw["bind"].dispose()
    before = copied.read_bytes()
    result = run_counter_app("--demo", "--smoke-test", env=_env(data))
    assert result.returncode == 4
    assert "研修モードでは本番のデータベースを開けません" in _one_line(result)
    assert copied.read_bytes() == before  # neither reset nor migrated


def test_keep_is_for_demo_only(capsys):
    from counter_app.app import main

    assert main(["--keep", "--smoke-test"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "--keep only applies to --demo" in captured.err


def test_the_reset_button_empties_the_open_database_but_keeps_training_results(tmp_path):
    """The app keeps its engine open while the trainer resets: the next query sees nothing."""
    from counter_app.training.results import TrainingResults
    from counter_app.training.scenarios import load_scenarios

    data = tmp_path / "data"
    (data / "demo").mkdir(parents=True)
    sessions = open_database(_url(data / "demo" / "madoguchi.sqlite3"), DEMO)
    repository = CaseRepository(sessions)
    for _ in range(2):
        repository.save(_case())
    results = TrainingResults(sessions)
    results.start("研修 花子", load_scenarios()[0])
    assert len(repository.open_cases()) == 2
    try:
        assert reset_demo(data) == 2
        assert repository.open_cases() == []
        assert [r.trainee for r in results.all()] == ["研修 花子"]
        repository.save(_case())  # the app carries on
        assert len(repository.open_cases()) == 1
    finally:
        sessions.kw["bind"].dispose()


def test_a_production_database_is_never_emptied(tmp_path):
    sessions = open_database(_url(tmp_path / "real.sqlite3"), PRODUCTION)
    CaseRepository(sessions).save(_case())
    try:
        with pytest.raises(WrongModeError):
            clear_demo_database(sessions.kw["bind"])
        assert len(CaseRepository(sessions).open_cases()) == 1
    finally:
        sessions.kw["bind"].dispose()


@pytest.mark.slow
def test_every_demo_start_resets_unless_keep(tmp_path):
    from counter_app.training.results import TrainingResults
    from counter_app.training.scenarios import load_scenarios

    data = tmp_path / "data"
    demo_db = data / "demo" / "madoguchi.sqlite3"
    assert run_counter_app("--demo", "--smoke-test", env=_env(data)).returncode == 0
    sessions = open_database(_url(demo_db), DEMO)
    CaseRepository(sessions).save(_case())
    TrainingResults(sessions).start("研修 太郎", load_scenarios()[0])
    sessions.kw["bind"].dispose()

    kept = run_counter_app("--demo", "--keep", "--smoke-test", env=_env(data))
    assert kept.returncode == 0, kept.stderr
    assert "on page open_cases" in kept.stdout  # the case of the last run is still open

    fresh = run_counter_app("--demo", "--smoke-test", env=_env(data))
    assert fresh.returncode == 0, fresh.stderr
    assert "on page open_cases" not in fresh.stdout
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("select count(*) from cases").fetchone() == (0,)
        assert conn.execute("select trainee from training_results").fetchall() == [("研修 太郎",)]
    log = (data / "demo" / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert "demo database reset (1 cases removed" in log


@pytest.mark.slow
def test_demo_runs_leave_the_production_database_byte_for_byte_unchanged(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    first = run_counter_app("--smoke-test", env=env)  # the real counter app creates its own
    assert first.returncode == 0, first.stderr
    sessions = open_database(_url(data / "madoguchi.sqlite3"), PRODUCTION)
    CaseRepository(sessions).save(_case())
    sessions.kw["bind"].dispose()
    before = _fingerprint(data)
    assert "madoguchi.sqlite3" in before

    # A trainee's reception in demo mode (card placed, PIN typed, case saved), the trainer's
    # reset, then a fresh demo start: beside the real database, in the same data directory.
    driver = subprocess.run([sys.executable, str(ROOT / "tests" / "demo_driver.py")], env=env,
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert driver.returncode == 0, driver.stderr
    report = json.loads(driver.stdout.splitlines()[-1])
    assert report == {"members": ["北見\u3000太郎"], "tries": 3, "removed": 1}
    again = run_counter_app("--demo", "--smoke-test", env=env)
    assert again.returncode == 0, again.stderr

    assert _fingerprint(data) == before
    with sqlite3.connect(data / "demo" / "madoguchi.sqlite3") as conn:
        assert conn.execute("select mode from database_mode").fetchall() == [("demo",)]
