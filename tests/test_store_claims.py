"""Claims between counters, each with its own repository (its own engine and pool, as two PCs
have) on one database: a case open at one counter is read-only elsewhere until released or
expired; saves refresh the claim, `touch_claim` is the heartbeat of an idle case."""

import datetime as dt
import threading

import pytest

from counter_app.domain import Case, CaseStatus, Member, MemberSource, Move, MoveKind
from counter_app.store import CaseRepository, open_database
from counter_app.store.cases import (
    CLAIM_HEARTBEAT,
    CLAIM_TTL,
    CaseWriter,
    ClaimedElsewhere,
    ConflictError,
)
from counter_app.store.failures import Failure, classify

pytestmark = pytest.mark.backends("sqlite", "postgresql")
T0 = dt.datetime(2026, 4, 1, 0, 0, tzinfo=dt.UTC)


class Clock:
    """One wall clock shared by both counters, moved by the test."""

    def __init__(self):
        self.value = T0

    def datetime(self):
        clock = self

        class Now(dt.datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.value

        return Now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def counters(db_url, sessions, clock):
    """Counters A and B: a repository each, on engines of their own."""
    other = open_database(db_url)
    yield (CaseRepository(sessions, clock.datetime()), CaseRepository(other, clock.datetime()))
    other.kw["bind"].dispose()


def _case():
    return Case(move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市",
                          "北海道あおば市本町１－２－３"),
                members=[Member("試験　花子", dt.date(1987, 2, 28), "female", "世帯主",
                                MemberSource.CARD)])


def test_a_case_held_by_one_counter_cannot_be_saved_by_another(counters):
    at_a, at_b = counters
    case = _case()
    case.version = at_a.save(case, "A")
    copy_at_b = at_b.load(case.id)  # the same version: only the claim stands in the way
    copy_at_b.answers["household.has_dog"] = True
    with pytest.raises(ClaimedElsewhere) as held:
        at_b.save(copy_at_b, "B")
    assert held.value.counter == "A" and classify(held.value) is Failure.CONFLICT
    stored = at_a.load(case.id)
    assert stored.answers == {} and stored.version == 1
    at_a.release(case.id, "A")  # A moves on to the next resident
    assert at_b.save(copy_at_b, "B") == 2
    assert at_a.holder(case.id)[0] == "B"


def test_every_save_refreshes_the_claim(counters, clock):
    at_a, at_b = counters
    writer = CaseWriter(at_a, "A")
    case = _case()
    writer.save(case)
    for _ in range(3):  # an hour and a half of work, a change every 25 minutes
        clock.value += dt.timedelta(minutes=25)
        case.answers["household.has_dog"] = not case.answers.get("household.has_dog", False)
        writer.save(case)
    clock.value += CLAIM_TTL - dt.timedelta(seconds=1)
    with pytest.raises(ClaimedElsewhere):
        at_b.claim(case.id, "B")
    clock.value += dt.timedelta(seconds=1)  # 30 minutes without a save: A is presumed gone
    assert at_b.claim(case.id, "B")


def test_the_heartbeat_keeps_an_idle_case_and_losing_it_is_reported(counters, clock):
    at_a, at_b = counters
    writer = CaseWriter(at_a, "A")
    case = _case()
    writer.save(case)
    for _ in range(12):  # the resident fetches a document: an hour without a change
        clock.value += CLAIM_HEARTBEAT
        assert writer.touch(case.id)
    with pytest.raises(ClaimedElsewhere):
        at_b.claim(case.id, "B")
    clock.value += CLAIM_TTL  # A's PC hung: no heartbeat; B takes the case over
    assert at_b.claim(case.id, "B")
    with pytest.raises(ClaimedElsewhere) as lost:
        writer.touch(case.id)  # A's screen must turn read-only
    assert lost.value.counter == "B"


def test_release_on_switching_case_closing_and_discarding(counters):
    at_a, at_b = counters
    writer = CaseWriter(at_a, "A")
    switched, closed, discarded = _case(), _case(), _case()
    for case in (switched, closed, discarded):
        writer.save(case)
    writer.release(switched.id)  # staff opened another case
    closed.status = CaseStatus.CLOSED
    writer.save(closed)
    discarded.status, discarded.discard_reason = CaseStatus.DISCARDED, "来庁者が帰られた"
    writer.save(discarded)
    for case in (switched, closed, discarded):
        assert at_b.holder(case.id) is None
    assert at_b.claim(switched.id, "B")
    assert not at_b.claim(closed.id, "B")  # a closed case is read-only for everyone
    assert not at_b.claim("no-such-case", "B")


def test_a_save_that_does_not_hold_leaves_the_claim_alone(counters):
    at_a, at_b = counters
    case = _case()
    case.version = at_a.save(case, "A")
    at_a.release(case.id, "A")
    case.answers["household.has_dog"] = True
    at_a.save(case, "A", hold=False)  # a print recorded after staff moved on
    assert at_b.holder(case.id) is None


def test_two_counters_claiming_at_the_same_moment_never_both_win(counters):
    at_a, at_b = counters
    cases = [_case() for _ in range(10)]
    for case in cases:
        at_a.save(case)  # no counter: stored unclaimed
    for case in cases:
        winners, errors = [], []
        start = threading.Barrier(2)

        def take(repository, counter, case_id=case.id, winners=winners, errors=errors,
                 start=start):
            start.wait()
            try:
                if repository.claim(case_id, counter):
                    winners.append(counter)
            except ClaimedElsewhere:
                pass
            except Exception as exc:  # SQLite's busy timeout, say: counted, not hidden
                errors.append(exc)

        threads = [threading.Thread(target=take, args=(at_a, "A")),
                   threading.Thread(target=take, args=(at_b, "B"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == [] and len(winners) == 1
        assert at_a.holder(case.id)[0] == winners[0]


def test_a_stale_copy_is_a_conflict_even_when_the_claim_ran_out(counters, clock):
    at_a, at_b = counters
    case = _case()
    case.version = at_a.save(case, "A")
    stale = at_b.load(case.id)
    case.answers["household.has_dog"] = True
    at_a.save(case, "A")
    clock.value += CLAIM_TTL
    with pytest.raises(ConflictError) as refused:
        at_b.save(stale, "B")
    assert refused.value.updated_by == "A" and refused.value.stored_version == 2
