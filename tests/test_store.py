"""The case store on a real temporary SQLite file."""

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PrintRecord,
    Step,
)
from counter_app.store import CaseRepository


def _case(**overrides):
    case = Case(
        move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市竹園１－２－３",
                  "茨城県龍ケ崎市馴馬町２５６０"),
        members=[
            Member("𠮷田　太郎", dt.date(1984, 5, 20), "male", "世帯主", MemberSource.CARD),
            Member("𠮷田　花子", dt.date(1986, 2, 28), "female", "妻", MemberSource.CARD),
            Member("𠮷田　一郎", dt.date(2018, 4, 2), "9", "子", MemberSource.MANUAL),
        ],
        answers={"household.has_dog": True, "member.0.health_insurance": "nhi",
                 "member.1.pension_category": "3"},
    )
    for key, value in overrides.items():
        setattr(case, key, value)
    return case


def test_save_and_load_round_trip_keeps_text_exactly(sessions):
    repo = CaseRepository(sessions)
    case = _case(step=Step.CHECKLIST, filed_on=dt.date(2026, 4, 3),
                 checklist={"nhi_enroll": ChecklistEntry(ChecklistStatus.DONE),
                            "seal_registration": ChecklistEntry(ChecklistStatus.NOT_NEEDED,
                                                                "印鑑を持参していない")},
                 prints={"nhi_change": PrintRecord("printed", "COUNTER_1",
                                                   dt.datetime(2026, 4, 3, 10, 0))})
    repo.save(case)
    loaded = repo.load(case.id)
    assert loaded == case
    assert loaded.members[0].name == "𠮷田　太郎"  # supplementary plane and U+3000 kept
    assert loaded.members[2].sex == "9"


def test_load_unknown_case_is_none(sessions):
    assert CaseRepository(sessions).load("no-such-case") is None


def test_saving_again_replaces_members_and_answers(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    repo.save(case)
    case.members.pop(1)
    case.members.reverse()
    case.answers = {"household.has_moped": False}
    repo.save(case)
    loaded = repo.load(case.id)
    assert [m.relationship for m in loaded.members] == ["子", "世帯主"]
    assert loaded.answers == {"household.has_moped": False}
    with sessions() as s:
        assert s.execute(text("select count(*) from case_members")).scalar() == 2


def test_open_cases_lists_only_open_ones_newest_first(sessions):
    repo = CaseRepository(sessions)
    first, second, closed = _case(), _case(), _case(status=CaseStatus.CLOSED)
    for case in (first, second, closed):
        repo.save(case)
    first.answers["household.has_dog"] = False
    repo.save(first)  # touching a case moves it to the top
    summaries = repo.open_cases()
    assert [s.id for s in summaries] == [first.id, second.id]
    assert summaries[0].member_count == 3
    assert summaries[0].move_kind is MoveKind.MOVE_IN
    assert not hasattr(summaries[0], "name"), "the resume list carries no names"


def test_failed_save_leaves_previous_version_intact(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    repo.save(case)
    case.members.append(Member("新しい人", dt.date(2000, 1, 1), "male", "同居人"))
    case.members[-1].name = None  # violates NOT NULL halfway through the save
    with pytest.raises(IntegrityError) as info:
        repo.save(case)
    assert len(repo.load(case.id).members) == 3
    # Errors end up in logs: they must not carry the statement's personal data.
    assert "𠮷田" not in str(info.value) and "1984-05-20" not in str(info.value)


def test_delete_cascades_to_members_and_answers(sessions):
    repo = CaseRepository(sessions)
    case = _case()
    repo.save(case)
    repo.delete(case.id)
    with sessions() as s:
        assert s.execute(text("select count(*) from case_members")).scalar() == 0
        assert s.execute(text("select count(*) from case_answers")).scalar() == 0


def test_sqlite_connection_settings(sessions):
    with sessions() as s:
        assert s.execute(text("pragma journal_mode")).scalar() == "wal"
        assert s.execute(text("pragma foreign_keys")).scalar() == 1
        assert s.execute(text("pragma busy_timeout")).scalar() == 5000
        with pytest.raises(IntegrityError):
            s.execute(text(
                "insert into case_members (case_id, position, name, birth_date, sex,"
                " relationship, source) values ('missing', 0, 'x', '2000-01-01', 'male',"
                " '世帯主', 'manual')"))
