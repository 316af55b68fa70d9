"""A PostgreSQL that hangs, crashes or is not there: every call fails within a bounded time,
as "unreachable", and nothing typed meanwhile is lost (the journal keeps it, in order).

The server is this module's own (tests/pg_sandbox.py), since the tests freeze it with SIGSTOP
(a hung server: the kernel still accepts connections and data, nothing answers) and kill it.
"""

import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event, text

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.store import CaseRepository, DatabaseError, open_database
from counter_app.store.cases import CaseWriter, ConflictError
from counter_app.store.database import APP_TIMEOUTS
from counter_app.store.failures import Failure, classify
from counter_app.store.journal import Journal, JournaledWriter, Saved

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(sys.platform != "linux", reason="SIGSTOP and a private server")]

# The bound the issue asks for: a save against a hung server fails within ten seconds.
HUNG_SAVE_LIMIT_S = 10.0


@pytest.fixture(scope="module")
def server():
    from pg_sandbox import PgSandbox

    base = Path(tempfile.mkdtemp(prefix="madoguchi-pgfault-"))
    sandbox = PgSandbox(base)
    with sandbox.admin() as admin:
        # The sandbox trades durability for speed; a server killed here must keep its commits.
        admin.execute("ALTER SYSTEM SET synchronous_commit = on")
        admin.execute("SELECT pg_reload_conf()")
    yield sandbox
    sandbox.stop()


@pytest.fixture
def sessions(server):
    factory = open_database(server.url(server.create_database()))
    yield factory
    factory.kw["bind"].dispose()


def _case():
    return Case(move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市",
                          "北海道あおば市本町１－２－３"),
                members=[Member("試験　花子", dt.date(1987, 2, 28), "female", "世帯主",
                                MemberSource.CARD)])


def _timed(call, limit_s=40.0):
    """Run `call` on a thread; (its result or exception, seconds taken). A call still blocked
    after `limit_s` fails the test (the thread is a daemon: the run can still end)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except Exception as exc:
            outcome["value"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit_s)
    elapsed = time.monotonic() - started
    assert not thread.is_alive(), f"still blocked after {limit_s:.0f} s"
    return outcome["value"], elapsed


def test_a_save_against_a_hung_server_fails_in_bounded_time_as_unreachable(server, sessions):
    writer = CaseWriter(CaseRepository(sessions), "C1")
    case = _case()
    writer.save(case)  # the pool now holds a connection, as at a working counter
    case.answers["household.has_dog"] = True
    server.freeze()
    try:
        failed, pooled_s = _timed(lambda: writer.save(case))
        # The pool threw the dead connection away: the next save waits for a new one.
        failed_again, fresh_s = _timed(lambda: writer.save(case))
        loaded, load_s = _timed(lambda: CaseRepository(sessions).load(case.id))
    finally:
        server.thaw()
    print(f"\nhung server: save on a pooled connection failed after {pooled_s:.2f} s, "
          f"on a new connection after {fresh_s:.2f} s, a load after {load_s:.2f} s")
    for error in (failed, failed_again, loaded):
        assert isinstance(error, Exception) and classify(error) is Failure.UNREACHABLE
    assert pooled_s <= HUNG_SAVE_LIMIT_S and fresh_s <= HUNG_SAVE_LIMIT_S
    assert fresh_s <= APP_TIMEOUTS.connect_s + 1
    # The server answers again: the same writer saves, and nothing was half-written.
    assert writer.save(case) == 2
    assert CaseRepository(sessions).load(case.id).answers == {"household.has_dog": True}


def test_a_commit_that_landed_unseen_is_recognised_as_the_counters_own(server, sessions):
    """The server hangs after receiving COMMIT: the counter sees a failure, but the change is
    stored once the server continues. The next save must go on from it, not call it a
    conflict with another counter (and not lose it)."""
    repo = CaseRepository(sessions)
    writer = CaseWriter(repo, "C1")
    case = _case()
    writer.save(case)
    engine = sessions.kw["bind"]

    def freeze_before_commit(_connection):
        server.freeze()

    event.listen(engine, "commit", freeze_before_commit)
    case.answers["household.has_dog"] = True
    try:
        failed, _seconds = _timed(lambda: writer.save(case))
    finally:
        event.remove(engine, "commit", freeze_before_commit)
        server.thaw()
    assert classify(failed) is Failure.UNREACHABLE
    deadline = time.monotonic() + 10
    while repo.load(case.id).version != 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the thawed server commits what it had received
    assert repo.load(case.id).answers == {"household.has_dog": True}
    case.answers["household.has_moped"] = False
    assert writer.save(case) == 3  # on top of its own version 2
    with pytest.raises(ConflictError):  # another counter's stale copy is still refused
        stale = repo.load(case.id)
        stale.version = 2
        CaseRepository(sessions).save(stale, "C2")


def test_changes_made_while_the_server_is_down_are_journaled_and_replayed_in_order(
        server, sessions, tmp_path):
    repo = CaseRepository(sessions)
    saver = JournaledWriter(CaseWriter(repo, "C1"), Journal(tmp_path / "journal.jsonl"))
    case = _case()
    assert saver.save(case).status is Saved.SAVED
    server.kill()
    try:
        case.answers["household.has_dog"] = True
        outcome, first_s = _timed(lambda: saver.save(case.copy()))
        assert outcome.status is Saved.KEPT
        # Resuming a case now says "unreachable", never "not found".
        error, _seconds = _timed(lambda: repo.load(case.id))
        assert isinstance(error, Exception) and classify(error) is Failure.UNREACHABLE
        case.members.append(Member("試験　一郎", dt.date(2015, 6, 1), "male", "子"))
        kept, later_s = _timed(lambda: saver.save(case.copy()))
        assert kept.status is Saved.KEPT
        assert later_s < 0.5  # offline: straight to the journal, no waiting per change
        assert saver.retry().offline
    finally:
        server.start()
    print(f"\nserver down: first save kept after {first_s:.3f} s, later ones {later_s:.3f} s")
    replay = saver.retry()
    assert replay.saved == [case.id] and not saver.offline
    stored = repo.load(case.id)
    assert stored.answers == {"household.has_dog": True} and len(stored.members) == 2
    assert not saver.journal.path.exists()
    assert saver.save(case.copy()).status is Saved.SAVED


def test_opening_a_hung_server_fails_within_the_connect_timeout(server):
    url = server.url(server.create_database())
    server.freeze()
    try:
        error, seconds = _timed(lambda: open_database(url))
    finally:
        server.thaw()
    print(f"\nhung server at start: refused after {seconds:.2f} s")
    assert isinstance(error, DatabaseError)
    assert seconds <= APP_TIMEOUTS.connect_s + 1


def test_the_server_limits_statements_and_a_cancelled_one_is_unreachable(sessions):
    with sessions() as session:
        assert session.execute(text("SHOW statement_timeout")).scalar() == "5s"
        client = session.connection().connection.driver_connection.info.get_parameters()
        assert (client["connect_timeout"], client["keepalives_idle"]) == ("3", "30")
    with sessions() as session, pytest.raises(Exception) as cancelled:
        session.execute(text("SET statement_timeout = 50"))
        session.execute(text("SELECT pg_sleep(2)"))
    assert classify(cancelled.value) is Failure.UNREACHABLE
