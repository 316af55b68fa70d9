"""The local journal: what could not be saved is kept on this PC, replayed in order when the
database answers again (or after a restart), and never written over another counter's change."""

import datetime as dt
import stat

import pytest
from sqlalchemy.orm import sessionmaker

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter, ClaimedElsewhere, ConflictError
from counter_app.store.database import create_db_engine
from counter_app.store.journal import Journal, JournaledWriter, Saved

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@pytest.fixture
def unreachable():
    """A repository whose database refuses connections (a port nothing listens on)."""
    from pg_sandbox import free_port

    engine = create_db_engine(f"postgresql+psycopg://madoguchi@127.0.0.1:{free_port()}/none")
    yield CaseRepository(sessionmaker(engine))
    engine.dispose()


def _case():
    return Case(move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市",
                          "北海道あおば市本町１－２－３"),
                members=[Member("試験　花子", dt.date(1987, 2, 28), "female", "世帯主",
                                MemberSource.CARD)])


def test_a_change_kept_while_the_database_is_unreachable_is_saved_when_it_answers(
        sessions, unreachable, tmp_path):
    repo = CaseRepository(sessions)
    case = _case()
    CaseWriter(repo, "C1").save(case)
    journal = Journal(tmp_path / "journal" / "pending.jsonl")
    offline = JournaledWriter(CaseWriter(unreachable, "C1"), journal)
    case.version = 1  # the screen's case, as stored before the outage
    case.answers["household.has_dog"] = True
    assert offline.save(case.copy()).status is Saved.KEPT and offline.offline
    case.answers["household.has_moped"] = False
    assert offline.save(case.copy()).status is Saved.KEPT
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    assert offline.retry().offline and journal.has(case.id)  # still unreachable: kept

    # The app restarts with the database back: a new writer replays the journal.
    replay = Journal(journal.path).replay(CaseWriter(repo, "C1"))
    assert replay.saved == [case.id] and not replay.offline
    assert not journal.path.exists()
    assert repo.load(case.id).answers == {"household.has_dog": True,
                                           "household.has_moped": False}


def test_a_journaled_change_that_lost_a_race_is_kept_as_a_conflict(sessions, tmp_path):
    repo = CaseRepository(sessions)
    case = _case()
    case.version = repo.save(case, "C1")
    journal = Journal(tmp_path / "pending.jsonl")
    offline_copy = case.copy()
    offline_copy.answers["household.has_dog"] = True
    journal.append(offline_copy, "C1")
    repo.release(case.id, "C1")  # C1's claim ran out during its outage; C2 took the case
    case.answers["household.has_dog"] = False
    repo.save(case, "C2")
    result = journal.replay(CaseWriter(repo, "C1"))
    assert result.saved == [] and isinstance(result.conflicts[0], ConflictError)
    assert result.conflicts[0].updated_by == "C2"
    assert journal.has(case.id)  # nothing written over, nothing thrown away
    assert repo.load(case.id).answers == {"household.has_dog": False}


def test_a_journaled_change_to_a_case_another_counter_holds_waits(sessions, tmp_path):
    repo = CaseRepository(sessions)
    case = _case()
    case.version = repo.save(case)
    journal = Journal(tmp_path / "pending.jsonl")
    mine = case.copy()
    mine.answers["household.has_dog"] = True
    journal.append(mine, "C1")
    repo.claim(case.id, "C2")
    result = journal.replay(CaseWriter(repo, "C1"))
    assert isinstance(result.conflicts[0], ClaimedElsewhere) and journal.has(case.id)
    repo.release(case.id, "C2")  # C2 only looked at it and let go: nothing of theirs to lose
    assert journal.replay(CaseWriter(repo, "C1")).saved == [case.id]
    assert repo.load(case.id).answers == {"household.has_dog": True}


def test_after_a_restart_a_save_that_landed_unseen_is_not_a_conflict(sessions, tmp_path):
    """The first journaled snapshot had in fact reached the database (its answer was lost):
    the replay recognises its own version and saves the later snapshot on top of it."""
    repo = CaseRepository(sessions)
    case = _case()
    case.version = repo.save(case, "C1")
    journal = Journal(tmp_path / "pending.jsonl")
    first = case.copy()
    first.answers["household.has_dog"] = True
    journal.append(first, "C1")  # the save failed as far as the counter could tell…
    repo.save(first.copy(), "C1")  # …but the database had committed it
    second = first.copy()
    second.answers["household.has_moped"] = False
    journal.append(second, "C1")
    result = Journal(journal.path).replay(CaseWriter(repo, "C1"))
    assert result.saved == [case.id] and result.conflicts == []
    stored = repo.load(case.id)
    assert stored.version == 3
    assert stored.answers == {"household.has_dog": True, "household.has_moped": False}


def test_a_conflict_goes_to_staff_who_keep_theirs_or_take_the_stored_case(sessions,
                                                                          tmp_path):
    repo = CaseRepository(sessions)
    case = _case()
    saver = JournaledWriter(CaseWriter(repo, "C1"), Journal(tmp_path / "pending.jsonl"))
    saver.save(case.copy())
    saver.writer.release(case.id)
    other = repo.load(case.id)
    other.answers["household.has_dog"] = False
    repo.save(other, "C2")  # C2 changed it meanwhile
    repo.release(case.id, "C2")
    case.answers["household.has_dog"] = True
    outcome = saver.save(case.copy())
    assert outcome.status is Saved.CONFLICT and outcome.conflict.updated_by == "C2"
    case.answers["household.has_moped"] = True
    assert saver.save(case.copy()).status is Saved.CONFLICT  # the case waits for staff
    assert repo.load(case.id).answers == {"household.has_dog": False}
    assert set(saver.conflicts()) == {case.id}

    replay = saver.resolve(case.id, keep_mine=True)  # staff looked at C2's and keep theirs
    assert replay.saved == [case.id]
    assert repo.load(case.id).answers == {"household.has_dog": True,
                                           "household.has_moped": True}

    repo.release(case.id, "C1")  # C1 stepped away long enough for its claim to run out
    other = repo.load(case.id)
    other.answers["household.has_dog"] = False
    repo.save(other, "C2")
    repo.release(case.id, "C2")
    case.answers["household.has_moped"] = False
    assert saver.save(case.copy()).status is Saved.CONFLICT
    assert saver.resolve(case.id, keep_mine=False) is None  # staff take C2's version
    assert not saver.journal.has(case.id) and saver.conflicts() == {}
    assert repo.load(case.id).answers == {"household.has_dog": False,
                                           "household.has_moped": True}


def test_a_case_with_kept_changes_keeps_its_order(sessions, unreachable, tmp_path):
    """Once a case has snapshots in the journal, its next ones follow them there (even with
    the database back) until the journal is replayed: never an older one over a newer."""
    repo = CaseRepository(sessions)
    journal = Journal(tmp_path / "pending.jsonl")
    case = _case()
    CaseWriter(repo, "C1").save(case)
    down = JournaledWriter(CaseWriter(unreachable, "C1"), journal)
    case.version = 1
    case.answers["household.has_dog"] = True
    down.save(case.copy())
    saver = JournaledWriter(CaseWriter(repo, "C1"), journal)  # the database answers again
    case.answers["household.has_dog"] = False
    assert saver.save(case.copy()).status is Saved.KEPT
    assert repo.load(case.id).answers == {}
    assert saver.retry().saved == [case.id]
    assert repo.load(case.id).answers == {"household.has_dog": False}


def test_an_unreadable_journal_line_is_skipped_and_the_rest_replayed(sessions, tmp_path):
    repo = CaseRepository(sessions)
    journal = Journal(tmp_path / "pending.jsonl")
    case = _case()
    journal.append(case, "C1")  # never saved: base version 0
    with journal.path.open("a", encoding="utf-8") as out:
        out.write('{"case": {"id": 12}, "base": 1}\n{broken\n')
    assert [c.id for c in journal.pending()] == [case.id]
    assert journal.replay(CaseWriter(repo, "C1")).saved == [case.id]
    assert repo.load(case.id) == case
