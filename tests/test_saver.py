"""The counter's saver on a real SQLite file: a database that goes away (its folder disappears,
as a network share does) keeps every change in the local journal and saves it when it comes back;
another counter's winning change is said in Japanese; a counter never waits on a hung database
when the app closes; a case held by another counter opens read-only."""

import datetime as dt
import sqlite3

import pytest

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.reception import NotReady
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository, open_database
from counter_app.store.journal import Journal
from counter_app.ui.controller import CounterController
from counter_app.ui.saver import OFFLINE_JA, CaseSaver


@pytest.fixture
def place(tmp_path):
    """A database in its own folder (the 'share'), and the journal on this PC."""
    share = tmp_path / "share"
    share.mkdir()
    factory = open_database(f"sqlite:///{share / 'cases.sqlite3'}")
    yield share, factory, Journal(tmp_path / "journal" / "pending.jsonl")
    factory.kw["bind"].dispose()


def _case(name="山田　太郎"):
    return Case(move=Move(MoveKind.MOVE_WITHIN, dt.date(2026, 11, 20), "北見市北１条西１丁目",
                          "北見市北２条西２丁目"),
                members=[Member(name, dt.date(1980, 1, 2), "male", "世帯主", MemberSource.CARD)])


def _go_away(share, factory):
    """The share disappears: every new connection fails like a lost network drive."""
    share.rename(share.with_name("gone"))
    factory.kw["bind"].dispose()


def _come_back(share):
    share.with_name("gone").rename(share)


def test_an_outage_keeps_every_change_locally_and_saves_them_when_the_database_returns(
        place, qtbot):
    share, factory, journal = place
    repository = CaseRepository(factory)
    saver = CaseSaver(repository, counter="窓口1", journal=journal, retry_ms=100)
    said = []
    saver.offline.connect(said.append)
    back = []
    saver.online.connect(lambda: back.append(True))
    case = _case()
    saver.save(case.copy())
    saver.flush()
    assert repository.load(case.id).members[0].name == "山田　太郎"

    _go_away(share, factory)
    case.members[0].name = "山田　一郎"
    saver.save(case.copy())
    case.members.append(Member("山田　花子", dt.date(1982, 3, 4), "female", "妻",
                               MemberSource.MANUAL))
    saver.save(case.copy())
    saver.flush()
    qtbot.waitUntil(lambda: bool(said))  # signals from the saver's thread arrive on the GUI thread
    qtbot.wait(50)
    assert said == [OFFLINE_JA]  # once per outage, not once per keystroke
    kept = journal.pending()
    assert [c.id for c in kept] == [case.id]
    assert [m.name for m in kept[0].members] == ["山田　一郎", "山田　花子"]
    assert saver.is_offline

    saver.replay()  # still away: nothing lost, still offline
    saver.flush()
    assert journal.has(case.id) and not back

    _come_back(share)
    saver.start_retrying()
    qtbot.waitUntil(lambda: bool(back), timeout=5000)
    saver.flush()
    stored = CaseRepository(factory).load(case.id)
    assert [m.name for m in stored.members] == ["山田　一郎", "山田　花子"]
    assert journal.pending() == []
    assert not saver.is_offline

    case.members[1].name = "山田　花"  # saving goes on against the replayed version
    saver.save(case.copy())
    saver.flush()
    assert CaseRepository(factory).load(case.id).members[1].name == "山田　花"
    saver.shutdown()


def test_what_an_earlier_run_journaled_is_saved_at_the_next_start(place, qtbot):
    _, factory, journal = place
    case = _case()
    journal.append(case, "窓口1")  # the app closed during an outage
    saver = CaseSaver(CaseRepository(factory), counter="窓口1", journal=journal)
    back = []
    saver.online.connect(lambda: back.append(True))
    qtbot.waitUntil(lambda: bool(back), timeout=5000)
    assert CaseRepository(factory).load(case.id) is not None
    assert journal.pending() == []
    saver.shutdown()


def test_another_counters_winning_change_is_said_with_its_name(place, qtbot):
    _, factory, journal = place
    repository = CaseRepository(factory)
    here = CaseSaver(repository, counter="窓口1", journal=journal)
    there = CaseSaver(repository, counter="窓口2", journal=journal)
    conflicts = []
    here.conflict.connect(lambda case_id, message: conflicts.append((case_id, message)))
    held = []
    there.conflict.connect(lambda case_id, message: held.append(message))
    case = _case()
    here.save(case.copy())
    here.flush()
    theirs = repository.load(case.id)
    theirs.members[0].name = "山田　次郎"
    there.save(theirs.copy())  # 窓口1 holds the case: refused, said with the holder's name
    there.flush()
    qtbot.waitUntil(lambda: bool(held))
    assert "窓口1で" in held[0] and "受付中です" in held[0]
    assert repository.load(case.id).members[0].name == "山田　太郎"

    here.release(case.id)  # 窓口1 moved on; 窓口2 takes the case and changes it
    here.flush()
    there.save(theirs)
    there.flush()

    case.members[0].name = "山田　三郎"
    here.save(case.copy())
    here.flush()
    qtbot.waitUntil(lambda: bool(conflicts))
    assert len(conflicts) == 1
    assert conflicts[0][0] == case.id
    assert "窓口2で" in conflicts[0][1] and "変更されています" in conflicts[0][1]
    assert "保存していません" in conflicts[0][1]
    assert repository.load(case.id).members[0].name == "山田　次郎"  # never written over
    assert journal.pending() == []  # a conflict is not an outage
    here.shutdown()
    there.shutdown()


def test_closing_never_waits_on_a_hung_database_and_journals_what_was_queued(place):
    share, factory, journal = place
    repository = CaseRepository(factory)
    saver = CaseSaver(repository, counter="窓口1", journal=journal)
    case = _case()
    saver.save(case.copy())
    saver.flush()
    # Another program holds the database's write lock: each save waits its busy timeout.
    holder = sqlite3.connect(share / "cases.sqlite3", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        case.members[0].name = "山田　一郎"
        saver.save(case.copy())
        case.members[0].name = "山田　二郎"
        saver.save(case.copy())
        started = dt.datetime.now()
        saver.shutdown(wait_s=0.5)
        assert (dt.datetime.now() - started).total_seconds() < 2
        kept = journal.pending()
        assert [c.members[0].name for c in kept] == ["山田　二郎"]  # the latest change
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_case_held_by_another_counter_opens_read_only(place, qtbot):
    _, factory, journal = place
    repository = CaseRepository(factory)
    saver = CaseSaver(repository, counter="窓口1", journal=journal)
    case = _case()
    repository.save(case)
    repository.claim(case.id, "窓口2")
    controller = CounterController(default_catalogue(), repository, saver)
    refused = []
    controller.refused.connect(refused.append)
    assert controller.adopt(repository.load(case.id))
    qtbot.waitUntil(lambda: bool(controller.session.read_only), timeout=5000)
    assert any("窓口2で受付中のため、閲覧のみです" in message for message in refused)
    with pytest.raises(NotReady):
        controller.session.set_answers({"household.has_dog": True})
    saver.flush()
    assert repository.holder(case.id)[0] == "窓口2"  # leaving it does not release their claim
    controller.new_case()
    saver.flush()
    assert repository.holder(case.id)[0] == "窓口2"
    saver.shutdown()


def test_a_case_opened_here_is_held_until_the_next_resident(place, qtbot):
    _, factory, journal = place
    repository = CaseRepository(factory)
    saver = CaseSaver(repository, counter="窓口1", journal=journal)
    case = _case()
    repository.save(case)
    controller = CounterController(default_catalogue(), repository, saver)
    assert controller.adopt(repository.load(case.id))
    saver.flush()
    assert repository.holder(case.id)[0] == "窓口1"
    assert not controller.session.read_only
    controller.new_case()
    saver.flush()
    assert repository.holder(case.id) is None
    saver.shutdown()


class Clock(dt.datetime):
    """A clock the test moves forward (CaseRepository reads `now`)."""

    offset = dt.timedelta(0)

    @classmethod
    def now(cls, tz=None):
        return dt.datetime.now(tz) + cls.offset


def test_a_case_left_on_screen_keeps_its_claim_and_turns_read_only_if_it_ran_out(place, qtbot):
    _, factory, journal = place
    from counter_app.store.cases import CLAIM_TTL

    repository = CaseRepository(factory, now=Clock)
    saver = CaseSaver(repository, counter="窓口1", journal=journal, heartbeat_ms=50)
    case = _case()
    repository.save(case)
    controller = CounterController(default_catalogue(), repository, saver)
    assert controller.adopt(repository.load(case.id))
    saver.flush()
    claimed_at = repository.holder(case.id)[1]
    qtbot.waitUntil(lambda: repository.holder(case.id)[1] > claimed_at)  # the heartbeat
    saver.hold(None)  # the PC slept: no heartbeat, the claim runs out, 窓口2 takes the case
    saver.flush()
    Clock.offset = CLAIM_TTL + dt.timedelta(minutes=1)
    assert repository.claim(case.id, "窓口2")
    refused = []
    controller.refused.connect(refused.append)
    saver.hold(case.id)  # awake again
    qtbot.waitUntil(lambda: bool(controller.session.read_only))
    assert any("窓口2で受付中" in message for message in refused)
    saver.shutdown()


def test_a_newly_published_catalogue_decides_the_next_case(place, qtbot):
    """A supervisor publishes version 2 while a counter runs: the counter's next case is
    decided (and stamped) with it, the case under way keeps its own."""
    from counter_app.store.catalogues import CatalogueStore, published_catalogue

    _, factory, journal = place
    published = published_catalogue(factory)
    published.seed()
    repository = CaseRepository(factory)
    saver = CaseSaver(repository, counter="窓口1", journal=journal)
    controller = CounterController(published.current(), repository, saver,
                                   catalogues=published.current)
    assert controller.session.case.catalogue_version == 1
    store = CatalogueStore(factory)
    draft = store.create_draft("監督者")
    data = store.document(draft)
    data["city"]["name_ja"] = "みどり市"
    store.save_draft(draft, data, store.version(draft).revision, "監督者")
    store.publish(draft, "監督者")

    controller.refresh_catalogue()
    qtbot.waitUntil(lambda: controller.catalogue.version == draft)
    assert controller.session.case.catalogue_version == 1  # the case under way keeps its own
    controller.new_case()
    assert controller.session.case.catalogue_version == draft
    assert controller.catalogue.city.name_ja == "みどり市"
    saver.shutdown()
