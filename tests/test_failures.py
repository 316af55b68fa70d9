"""classify(): real errors of real databases sorted into unreachable, conflict and other."""

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from counter_app.store import CaseRepository
from counter_app.store.cases import ClaimedElsewhere, ConflictError
from counter_app.store.database import create_db_engine
from counter_app.store.failures import Failure, classify, is_unreachable


def _raised(call):
    with pytest.raises(Exception) as caught:
        call()
    return caught.value


def test_a_server_nobody_answers_for_is_unreachable_and_load_raises_instead_of_none():
    from pg_sandbox import free_port

    engine = create_db_engine(f"postgresql+psycopg://madoguchi@127.0.0.1:{free_port()}/x")
    try:
        error = _raised(lambda: CaseRepository(sessionmaker(engine)).load("some-case"))
    finally:
        engine.dispose()
    assert classify(error) is Failure.UNREACHABLE and is_unreachable(error)


def test_a_sqlite_file_that_cannot_be_opened_is_unreachable(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'gone' / 'store.sqlite3'}")
    try:
        error = _raised(lambda: engine.connect())
    finally:
        engine.dispose()
    assert classify(error) is Failure.UNREACHABLE


def test_a_sqlite_file_locked_by_another_writer_is_unreachable(tmp_path):
    path = tmp_path / "store.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with engine.connect() as connection:
            error = _raised(lambda: connection.execute(text("INSERT INTO t VALUES (1)")))
    finally:
        holder.close()
        engine.dispose()
    assert "locked" in str(error) and classify(error) is Failure.UNREACHABLE


def test_a_statement_the_database_refuses_is_other(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    try:
        with engine.connect() as connection:
            error = _raised(lambda: connection.execute(text("SELECT * FROM no_such_table")))
    finally:
        engine.dispose()
    assert classify(error) is Failure.OTHER
    assert classify(ValueError("a bug")) is Failure.OTHER


def test_another_counters_change_or_claim_is_a_conflict():
    now = dt.datetime.now(dt.UTC)
    assert classify(ConflictError("c", 3, "C2", now, "open")) is Failure.CONFLICT
    assert classify(ClaimedElsewhere("c", "C2", now)) is Failure.CONFLICT
