"""Plausible dates per kind, checked where dates enter: typed by staff, read from case files.

A mistyped year (1026 for 2026, 1086 for 1986, 9999) must be refused with a message that does not
repeat the date, and a date that passes must never make a deadline, an age or a 和暦 fail.
"""

import datetime as dt
import json

import pytest

from counter_app.domain import Case, CaseFormatError
from counter_app.domain.dates import (
    FIRST_ERA_DAY,
    DateInputError,
    DateKind,
    DateRangeError,
    check_date,
    plausible_range,
)
from counter_app.domain.era import default_era_table
from counter_app.domain.members import MemberInputError, typed_member
from counter_app.rules import Catalogue, default_catalogue, determine

D = dt.date
TODAY = D(2026, 12, 1)


@pytest.mark.parametrize(
    ("kind", "day", "ok"),
    [
        (DateKind.BIRTH, D(1868, 1, 24), False),  # the day before 明治
        (DateKind.BIRTH, D(1868, 1, 25), True),
        (DateKind.BIRTH, D(1086, 5, 5), False),  # 1986 mistyped
        (DateKind.BIRTH, TODAY, True),  # born today
        (DateKind.BIRTH, D(2026, 12, 2), False),
        (DateKind.MOVE, D(2021, 12, 1), True),  # five years back
        (DateKind.MOVE, D(2021, 11, 30), False),
        (DateKind.MOVE, D(2027, 12, 1), True),  # a year ahead
        (DateKind.MOVE, D(2027, 12, 2), False),
        (DateKind.MOVE, D(1026, 4, 1), False),
        (DateKind.MOVE, D(9999, 12, 31), False),
        (DateKind.FILING, D(1, 1, 1), False),
        (DateKind.PRINTING, TODAY, True),
        (DateKind.PRINTING, D(9999, 12, 31), False),
    ],
)
def test_each_kind_has_its_window(kind, day, ok):
    if ok:
        assert check_date(day, kind, TODAY) == day
    else:
        with pytest.raises(DateRangeError):
            check_date(day, kind, TODAY)


def test_recorded_dates_keep_loading_as_the_years_pass():
    # A case filed in 2026 is opened again in 2040: its dates must still load.
    assert check_date(D(2026, 4, 1), DateKind.MOVE, D(2040, 1, 1), recorded=True)
    with pytest.raises(DateRangeError):
        check_date(D(2026, 4, 1), DateKind.MOVE, D(2040, 1, 1))  # typed in 2040: a typo
    for bad in (D(1026, 4, 1), D(1868, 1, 24), D(2027, 12, 2), D(9999, 12, 31)):
        with pytest.raises(DateRangeError):
            check_date(bad, DateKind.MOVE, TODAY, recorded=True)


def test_a_leap_day_today_has_a_window():
    assert plausible_range(DateKind.MOVE, D(2028, 2, 29)) == (D(2023, 2, 28), D(2029, 2, 28))


def test_messages_are_japanese_and_english_and_never_repeat_the_date():
    with pytest.raises(DateRangeError) as info:
        check_date(D(1086, 5, 5), DateKind.BIRTH, TODAY)
    assert str(info.value) == "生年月日は1868年1月25日から2026年12月1日までの日付で入力してください"
    assert info.value.english == ("birth date outside the plausible range 1868-01-25 to "
                                  "2026-12-01")
    assert "1086" not in str(info.value) + info.value.english


def test_the_first_era_of_the_table_is_the_first_plausible_day():
    assert default_era_table().eras[0].first_day == FIRST_ERA_DAY


@pytest.mark.parametrize("typed", ["1026-04-01", "10260401", "1086-05-05", "9999-12-31",
                                   "0001-01-01"])
def test_staff_typing_refuses_impossible_years(typed):
    with pytest.raises(DateInputError):
        default_era_table().parse_typed(typed, today=TODAY)


def test_staff_typing_a_kind_uses_its_window():
    eras = default_era_table()
    assert eras.parse_typed("5080401", DateKind.MOVE, TODAY) == D(2026, 4, 1)
    with pytest.raises(DateRangeError, match="異動日"):
        eras.parse_typed("2016-04-01", DateKind.MOVE, TODAY)


def test_a_typed_member_born_in_1086_is_refused_where_it_is_typed():
    with pytest.raises(MemberInputError) as info:
        typed_member("北見", "次郎", "1086-05-05", "male", "北海道", dt.date.today())
    assert info.value.field == "birth_date"
    assert "1868年1月25日" in str(info.value)


def test_era_formatting_before_the_first_era_never_names_the_date():
    with pytest.raises(ValueError) as info:
        default_era_table().format(D(1086, 5, 5))
    assert "1086" not in str(info.value)


def _document(move="2026-04-01", birth="1980-05-05", filed=None):
    return {"move": {"kind": "move_in", "date": move, "previous_address": "",
                     "new_address": "北海道あおば市本町１－１"},
            "members": [{"name": "試験　太郎", "birth_date": birth, "sex": "male",
                         "relationship": "世帯主"}],
            "answers": {}, "filed_on": filed}


@pytest.mark.parametrize(
    ("document", "field"),
    [
        (_document(move="9999-12-31"), "move.date"),
        (_document(move="0001-01-01"), "move.date"),
        (_document(move="1026-04-01"), "move.date"),
        (_document(birth="0001-01-01"), "members[0].birth_date"),
        (_document(birth="1086-05-05"), "members[0].birth_date"),
        (_document(birth=(dt.date.today() + dt.timedelta(days=1)).isoformat()),
         "members[0].birth_date"),
        (_document(filed="9999-12-31"), "filed_on"),
    ],
)
def test_case_files_refuse_implausible_dates_naming_the_field(document, field):
    with pytest.raises(CaseFormatError) as info:
        Case.from_dict(document)
    assert info.value.field == field
    assert "9999" not in info.value.problem and "1086" not in info.value.problem


def test_a_case_file_from_years_ago_still_loads():
    assert Case.from_dict(_document(move="2001-04-01", birth="1868-01-25")).members


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("試験\x00太郎", "members[0].name"),  # NUL: PostgreSQL cannot store it
        ("試験\x1b[31m太郎", "members[0].name"),
        ("\u200b\u200b", "members[0].name"),  # zero-width spaces only: empty
        ("試験\ud800", "members[0].name"),  # a lone surrogate
    ],
)
def test_case_files_refuse_control_characters_in_names(name, field):
    document = _document()
    document["members"][0]["name"] = name
    with pytest.raises(CaseFormatError) as info:
        Case.from_dict(document)
    assert info.value.field == field
    assert "試験" not in str(info.value)


@pytest.mark.parametrize(("parent", "key", "field"), [
    ("move", "new_address", "move.new_address"),
    ("member", "address", "members[0].address"),
    ("member", "relationship", "members[0].relationship"),
    ("member", "sex", "members[0].sex"),
])
def test_case_files_refuse_control_characters_in_other_text(parent, key, field):
    document = _document()
    target = document["move"] if parent == "move" else document["members"][0]
    target[key] = "北海道\x07"
    with pytest.raises(CaseFormatError) as info:
        Case.from_dict(document)
    assert info.value.field == field and "U+0007" in info.value.problem


def test_no_arithmetic_fails_at_the_edges_of_the_windows():
    """The extreme dates that pass, with the longest deadline a catalogue may hold: the
    determination, its deadlines and their 和暦 all work."""
    data = json.loads(default_catalogue().to_json())
    for procedure in data["procedures"]:
        if procedure.get("deadline") and "days" in procedure["deadline"]:
            procedure["deadline"]["days"] = 3650
    catalogue = Catalogue.from_dict(data)
    today = dt.date.today()
    era = default_era_table()
    earliest, latest = plausible_range(DateKind.MOVE, today, recorded=True)
    for move in (earliest, latest):
        for birth in (FIRST_ERA_DAY, today):
            case = Case.from_dict(_document(move.isoformat(), birth.isoformat(),
                                            latest.isoformat()))
            result = determine(case, catalogue, case.filed_on)
            for chosen in result.procedures:
                if chosen.deadline:
                    assert era.format(chosen.deadline)
            assert era.format(move) and era.format(birth)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(event={"kind": "death", "date": "9999-12-31", "subject": 0}),
         "event.date"),
        (lambda d: d.update(event={"kind": "death", "date": "2026-11-17", "subject": 0,
                                   "known_date": "1026-11-18"}), "event.known_date"),
        (lambda d: d["move"].update(transfer="certificate", certificate_city="仙台市",
                                    certificate_date="0001-01-01"), "move.certificate_date"),
        (lambda d: d["members"][0].update(foreign={"nationality": "ベトナム",
                                                   "period_end": "9999-03-31"}),
         "members[0].foreign.period_end"),
    ],
)
def test_every_date_of_a_case_file_is_checked(change, field):
    document = _document()
    change(document)
    with pytest.raises(CaseFormatError) as info:
        Case.from_dict(document)
    assert info.value.field == field


def test_a_period_of_stay_may_end_years_ahead():
    document = _document()
    ends = dt.date.today() + dt.timedelta(days=7 * 365)  # a permanent resident's card
    document["members"][0]["foreign"] = {"nationality": "ベトナム",
                                         "period_end": ends.isoformat()}
    assert Case.from_dict(document).members[0].foreign.period_end == ends
