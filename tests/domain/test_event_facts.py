"""The life events' derived facts (LIFE_EVENTS.md): roles by index, never by position; ages on
the event's day; the death facts at their boundaries."""

import datetime as dt

import pytest

from counter_app.domain import Case
from counter_app.domain.facts import derived_case_facts, derived_member_facts, moving_members


def _member(born, relationship="子", **extra):
    return {"name": "試験　人", "birth_date": born, "sex": "female",
            "relationship": relationship, **extra}


def _case(event=None, move=None, members=()):
    data = {"members": list(members)}
    if event:
        data["event"] = event
    if move:
        data["move"] = {"previous_address": "北海道あおば市本町１", "new_address": "東京都港区芝１",
                        **move}
    return Case.from_dict(data)


DEATH = {"kind": "death", "date": "2026-11-17", "subject": 1}


def test_death_facts_come_from_the_subject_whatever_its_position():
    head_second = _case(DEATH, members=[_member("1960-01-01", "妻"),
                                        _member("1950-01-01", "世帯主"),
                                        _member("1990-01-01")])
    facts = derived_case_facts(head_second)
    assert facts["death.was_head"] is True
    assert facts["death.remaining_15plus"] == 2
    assert [derived_member_facts(head_second, i)["subject"] for i in range(3)] == \
        [False, True, False]
    not_head = _case({**DEATH, "subject": 0}, members=[_member("1960-01-01", "妻"),
                                                      _member("1950-01-01", "世帯主")])
    assert derived_case_facts(not_head)["death.was_head"] is False


@pytest.mark.parametrize(
    ("born", "counted"),
    [("2011-11-18", 1),  # 15th birthday the day after the death: 15 in law on the day
     ("2011-11-19", 0),  # two days after: still 14
     ("2011-11-17", 1)],
)
def test_remaining_15plus_counts_legal_age_on_the_day_of_death(born, counted):
    case = _case(DEATH, members=[_member("1980-01-01", "妻"), _member("1950-01-01", "世帯主"),
                                 _member(born)])
    assert derived_case_facts(case)["death.remaining_15plus"] == 1 + counted


def test_ages_are_on_the_event_day_for_event_rules_and_the_move_day_for_move_rules():
    # 75 on 2027-01-10: not yet on the day of death, already on the day of the move.
    case = _case(DEATH, {"kind": "move_out", "date": "2027-01-20"},
                 [_member("1952-01-10", "世帯主"), _member("1950-01-01", "夫")])
    on_death = derived_member_facts(case, 0, dt.date(2026, 11, 17))
    on_move = derived_member_facts(case, 0, dt.date(2027, 1, 20))
    assert (on_death["age"], on_move["age"]) == (74, 75)
    assert "health_insurance" not in on_death  # under 75: asked
    assert on_move["health_insurance"] == "late_elderly"


def test_the_deceased_never_moves_and_a_member_who_stays_does_not_cross_the_city_line():
    case = _case(DEATH, {"kind": "move_out", "date": "2027-01-20"},
                 [_member("1980-01-01", "世帯主"), _member("1950-01-01", "夫"),
                  _member("2010-01-01", moves=False)])
    assert moving_members(case) == [0]
    facts = [derived_member_facts(case, i) for i in range(3)]
    assert [f["moves"] for f in facts] == [True, False, False]
    assert [f["crosses_city"] for f in facts] == [True, False, False]
    within = _case(DEATH, {"kind": "move_within", "date": "2027-01-20"},
                   [_member("1980-01-01", "世帯主"), _member("1950-01-01", "夫")])
    assert derived_member_facts(within, 0)["moves"] is True
    assert derived_member_facts(within, 0)["crosses_city"] is False


def test_no_move_means_nobody_moves():
    case = _case({"kind": "marriage", "date": "2026-06-06", "spouses": [1, 0]},
                 members=[_member("1990-01-01", "世帯主"), _member("1991-01-01", "妻"),
                          _member("2015-01-01")])
    facts = [derived_member_facts(case, i) for i in range(3)]
    assert [f["spouse"] for f in facts] == [True, True, False]
    assert not any(f["moves"] or f["crosses_city"] for f in facts)
    assert moving_members(case) == []


def test_newborn_is_a_role_of_a_birth_only():
    twins = [_member("1990-01-01", "世帯主"), _member("2026-11-20", newborn=True),
             _member("2026-11-20", newborn=True)]
    birth = _case({"kind": "birth", "date": "2026-11-20"}, members=twins)
    assert [derived_member_facts(birth, i)["newborn"] for i in range(3)] == [False, True, True]
    moving = _case(move={"kind": "move_in", "date": "2026-11-25"}, members=twins)
    assert not any(derived_member_facts(moving, i)["newborn"] for i in range(3))


def test_joining_the_spouses_insurance_is_asked_on_a_marriage_only():
    members = [_member("1990-01-01", "世帯主"), _member("1991-01-01", "妻")]
    marriage = _case({"kind": "marriage", "date": "2026-06-06", "spouses": [0, 1]},
                     members=members)
    divorce = _case({"kind": "divorce", "date": "2026-06-06", "spouses": [0, 1]},
                    members=members)
    assert "joins_spouse_insurance" not in derived_member_facts(marriage, 1)
    assert derived_member_facts(divorce, 1)["joins_spouse_insurance"] is False


def test_event_case_facts_and_a_move_case_without_them():
    court = _case({"kind": "divorce", "date": "2026-12-25", "spouses": [0, 1], "court": True},
                  members=[_member("1975-01-01", "世帯主"), _member("1970-01-01", "夫")])
    facts = derived_case_facts(court)
    assert facts["event.kind"] == "divorce"
    assert facts["event.date"] == dt.date(2026, 12, 25)
    assert facts["event.court"] is True
    assert "move.kind" not in facts and "death.was_head" not in facts
    move = derived_case_facts(_case(move={"kind": "move_in", "date": "2026-04-01"}))
    assert not any(key.startswith(("event.", "death.", "deceased.")) for key in move)
