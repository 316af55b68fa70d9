"""The case store on a real database: every save a compare-and-swap, claims per counter."""

import datetime as dt

import pytest
from sqlalchemy import text

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Event,
    EventKind,
    Foreign,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PersonRef,
    PrintRecord,
    Step,
)
from counter_app.store import CaseRepository
from counter_app.store.cases import CLAIM_TTL, ClaimedElsewhere, ConflictError

pytestmark = pytest.mark.backends("sqlite", "postgresql")


def _case(**overrides):
    case = Case(
        move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市竹園１－２－３",
                  "茨城県龍ケ崎市馴馬町２５６０", new_building="あおばハイツ２０３"),
        members=[
            Member("𠮷田　太郎", dt.date(1984, 5, 20), "male", "世帯主", MemberSource.CARD,
                   kana="ヨシダ　タロウ", registered_domicile="宮城県仙台市青葉区本町１",
                   domicile_head="𠮷田　太郎", resident_code="12345678901"),
            Member("𠮷田　花子", dt.date(1986, 2, 28), "female", "妻", MemberSource.CARD),
            Member("NGUYEN　THI LAN", dt.date(2018, 4, 2), "9", "同居人", MemberSource.MANUAL,
                   foreign=Foreign("ベトナム", "技能実習", dt.date(2028, 3, 31), "AB12345678CD",
                                   "中長期在留者")),
        ],
        answers={"household.has_dog": True, "member.0.health_insurance": "nhi",
                 "member.1.pension_category": "3"},
        head=PersonRef(member=0), filer=PersonRef(member=1, phone="090-0000-0000"),
    )
    for key, value in overrides.items():
        setattr(case, key, value)
    return case


def test_save_and_load_round_trip_keeps_everything_exactly(sessions):
    repo = CaseRepository(sessions)
    case = _case(step=Step.CHECKLIST, filed_on=dt.date(2026, 4, 3),
                 checklist={"nhi_enroll": ChecklistEntry(ChecklistStatus.DONE, "", (0,)),
                            "seal_registration": ChecklistEntry(ChecklistStatus.NOT_NEEDED,
                                                                "印鑑を持参していない")},
                 prints=[PrintRecord("nhi_change", "printed", "COUNTER_1",
                                     dt.datetime(2026, 4, 3, 10, 0, tzinfo=dt.UTC), "ab12"),
                         PrintRecord("nhi_change", "saved", "packet.pdf",
                                     dt.datetime(2026, 4, 3, 10, 5, tzinfo=dt.UTC), "ab12")],
                 catalogue_version=3)
    assert repo.save(case) == 1
    loaded = repo.load(case.id)
    assert loaded == case
    assert loaded.version == 1
    assert loaded.members[0].name == "𠮷田　太郎"  # supplementary plane and U+3000 kept
    assert loaded.members[2].sex == "9"
    assert len(loaded.prints) == 2  # printing, then saving, keeps both records


def test_an_event_case_without_a_move_is_stored(sessions):
    repo = CaseRepository(sessions)
    case = Case(event=Event(EventKind.DEATH, dt.date(2026, 11, 17), subject=0),
                members=[Member("試験　一", dt.date(1940, 1, 1), "male", "世帯主")])
    repo.save(case)
    assert repo.load(case.id) == case
    summary = repo.open_cases()[0]
    assert summary.kind_label == "おくやみ" and summary.date == dt.date(2026, 11, 17)


def test_load_unknown_case_is_none(sessions):
    assert CaseRepository(sessions).load("no-such-case") is None


def test_a_save_from_an_older_copy_is_refused_and_writes_nothing(sessions):
    repo = CaseRepository(sessions, )
    case = _case()
    case.version = repo.save(case, counter="A")
    at_b = repo.load(case.id)  # counter B loads the same version
    case.members.append(Member("三人目", dt.date(2000, 1, 1), "male", "同居人"))
    case.version = repo.save(case, counter="A")
    at_b.answers = {"household.has_dog": False}
    with pytest.raises(ConflictError) as refused:
        repo.save(at_b, counter="B")
    assert refused.value.stored_version == 2 and refused.value.updated_by == "A"
    assert len(repo.load(case.id).members) == 4  # A's third member survives


def test_a_closed_case_is_never_reopened_by_an_older_copy(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    case.version = repo.save(case, counter="A")
    stale = repo.load(case.id)
    case.status = CaseStatus.CLOSED
    repo.save(case, counter="A")
    stale.members.pop()
    with pytest.raises(ConflictError) as refused:
        repo.save(stale, counter="B")
    assert refused.value.status == "closed"
    assert repo.load(case.id).status is CaseStatus.CLOSED


def test_the_same_new_case_saved_twice_from_scratch_conflicts(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    repo.save(case)
    with pytest.raises(ConflictError):
        repo.save(case)  # still version 0: someone else's insert of the same id


def test_open_cases_lists_only_open_ones_newest_first(sessions):
    repo = CaseRepository(sessions)
    first, second, closed = _case(), _case(), _case(status=CaseStatus.CLOSED)
    for case in (first, second, closed):
        case.version = repo.save(case)
    first.answers["household.has_dog"] = False
    repo.save(first)  # touching a case moves it to the top
    summaries = repo.open_cases()
    assert [s.id for s in summaries] == [first.id, second.id]
    assert summaries[0].member_count == 3
    assert summaries[0].move_kind is MoveKind.MOVE_IN and summaries[0].kind_label == "転入"
    assert summaries[0].initials == "𠮷・太"
    assert not hasattr(summaries[0], "name"), "the resume list carries no names"


def test_claims_keep_a_case_to_one_counter_until_released_or_expired(sessions):
    now = [dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)]

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return now[0]

    repo = CaseRepository(sessions, Clock)
    case = _case()
    repo.save(case, counter="A")  # the first save claims it
    assert repo.holder(case.id)[0] == "A"
    with pytest.raises(ClaimedElsewhere) as held:
        repo.claim(case.id, "B")
    assert held.value.counter == "A"
    assert repo.open_cases()[0].claimed_by == "A"
    repo.claim(case.id, "A")  # holding it again is fine
    now[0] += CLAIM_TTL + dt.timedelta(seconds=1)  # counter A crashed: the claim runs out
    assert repo.holder(case.id) is None
    repo.claim(case.id, "B")
    assert repo.holder(case.id)[0] == "B"
    repo.release(case.id, "A")  # not A's any more: nothing happens
    assert repo.holder(case.id)[0] == "B"
    repo.release(case.id, "B")
    assert repo.holder(case.id) is None


def test_closing_releases_the_claim(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    case.version = repo.save(case, counter="A")
    case.status = CaseStatus.CLOSED
    repo.save(case, counter="A")
    assert repo.holder(case.id) is None


@pytest.mark.backends("sqlite")
def test_sqlite_connection_settings(sessions):
    with sessions() as s:
        assert s.execute(text("pragma journal_mode")).scalar() == "wal"
        assert s.execute(text("pragma foreign_keys")).scalar() == 1
        assert s.execute(text("pragma busy_timeout")).scalar() == 5000
        # Debian's SQLite zeroes deleted content by default, Python's Windows build does not.
        assert s.execute(text("pragma secure_delete")).scalar() == 1
