"""The city calendar: closed days and deadlines as dates (LIFE_EVENTS.md, "Deadlines")."""

import datetime as dt
import json

import pytest

from counter_app.domain.calendar import CalendarSpecError, CityCalendar

D = dt.date.fromisoformat

# National holidays 2026–2028, written out by hand from the Cabinet Office's tables
# (内閣府「国民の祝日について」); the equinoxes of 2028 are the 国立天文台's prediction, made
# official in February 2027. 2028 has no 振替休日: no holiday falls on a Sunday that year.
HOLIDAYS = {
    # 2026 (令和8年)
    "2026-01-01": "元日", "2026-01-12": "成人の日", "2026-02-11": "建国記念の日",
    "2026-02-23": "天皇誕生日", "2026-03-20": "春分の日", "2026-04-29": "昭和の日",
    "2026-05-03": "憲法記念日", "2026-05-04": "みどりの日", "2026-05-05": "こどもの日",
    "2026-05-06": "振替休日", "2026-07-20": "海の日", "2026-08-11": "山の日",
    "2026-09-21": "敬老の日", "2026-09-22": "国民の休日", "2026-09-23": "秋分の日",
    "2026-10-12": "スポーツの日", "2026-11-03": "文化の日", "2026-11-23": "勤労感謝の日",
    # 2027 (令和9年)
    "2027-01-01": "元日", "2027-01-11": "成人の日", "2027-02-11": "建国記念の日",
    "2027-02-23": "天皇誕生日", "2027-03-21": "春分の日", "2027-03-22": "振替休日",
    "2027-04-29": "昭和の日", "2027-05-03": "憲法記念日", "2027-05-04": "みどりの日",
    "2027-05-05": "こどもの日", "2027-07-19": "海の日", "2027-08-11": "山の日",
    "2027-09-20": "敬老の日", "2027-09-23": "秋分の日", "2027-10-11": "スポーツの日",
    "2027-11-03": "文化の日", "2027-11-23": "勤労感謝の日",
    # 2028 (令和10年)
    "2028-01-01": "元日", "2028-01-10": "成人の日", "2028-02-11": "建国記念の日",
    "2028-02-23": "天皇誕生日", "2028-03-20": "春分の日", "2028-04-29": "昭和の日",
    "2028-05-03": "憲法記念日", "2028-05-04": "みどりの日", "2028-05-05": "こどもの日",
    "2028-07-17": "海の日", "2028-08-11": "山の日", "2028-09-18": "敬老の日",
    "2028-09-22": "秋分の日", "2028-10-09": "スポーツの日", "2028-11-03": "文化の日",
    "2028-11-23": "勤労感謝の日",
}


@pytest.fixture(scope="module")
def city():
    return CityCalendar.default()


def test_every_national_holiday_2026_to_2028_and_no_other(city):
    """Every day of three years: holidays exactly as the hand-written list says."""
    # Only the holiday reasons: weekends and 年末年始 are not part of this list.
    weekdays_only = CityCalendar.from_json({"closed_weekdays": [], "closed_yearly": []})
    day, found = D("2026-01-01"), {}
    while day.year <= 2028:
        if weekdays_only.is_closed(day):
            found[day.isoformat()] = weekdays_only.why_closed(day)
        day += dt.timedelta(days=1)
    assert sorted(found) == sorted(HOLIDAYS)
    for date, name in HOLIDAYS.items():
        assert name in found[date], date
        assert city.is_closed(D(date))


@pytest.mark.parametrize(
    ("start", "days", "inclusive", "last_day"),
    [
        # LIFE_EVENTS.md example 1: birth on Sunday 2026-12-20.
        ("2026-12-20", 14, True, "2027-01-04"),  # 出生届: 1/2 (Sat, 年末年始), 1/3 → 1/4
        ("2026-12-20", 14, False, "2027-01-04"),  # nhi_enroll_newborn: 1/3 (Sun) → 1/4
        ("2026-12-20", 15, False, "2027-01-04"),  # 児童手当: 1/4 is open
        # Example 2: death on Tuesday 2026-11-17.
        ("2026-11-17", 7, True, "2026-11-24"),  # 死亡届: 11/23 勤労感謝の日 → 11/24
        ("2026-11-17", 14, False, "2026-12-01"),  # open, unchanged
        # Example 3: marriage on Saturday 2026-06-06; a 転入 on 2027-03-08.
        ("2026-06-06", 14, False, "2026-06-22"),  # 6/20 (Sat) → 6/22 (Mon)
        ("2027-03-08", 14, False, "2027-03-23"),  # 3/22 振替休日 → 3/23
        # An open last day stays; a zero-day period ends on the start day.
        ("2026-04-01", 14, False, "2026-04-15"),
        ("2026-04-15", 0, False, "2026-04-15"),
        ("2026-04-15", 1, True, "2026-04-15"),
    ],
)
def test_life_events_deadline_examples(city, start, days, inclusive, last_day):
    assert city.deadline(D(start), days, inclusive=inclusive) == D(last_day)


def test_next_open_from_new_years_day_2_goes_to_monday_4(city):
    assert city.next_open(D("2027-01-02")) == D("2027-01-04")
    assert city.next_open(D("2027-01-04")) == D("2027-01-04")


def test_year_end_closure_spans_the_year_boundary(city):
    # Mon 2026-12-28 is the last open day of 2026; 12/29–1/3 closed whatever the weekday.
    assert not city.is_closed(D("2026-12-28"))
    for day in ("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02",
                "2027-01-03"):
        assert city.is_closed(D(day)), day
        assert "年末年始" in city.why_closed(D(day))
    assert city.deadline(D("2026-12-15"), 14) == D("2027-01-04")
    assert city.why_closed(D("2026-12-29")) == "年末年始"  # a Tuesday
    assert city.why_closed(D("2027-01-01")) == "元日、年末年始"
    assert city.why_closed(D("2027-01-02")) == "土曜日、年末年始"


def test_why_closed_names_weekdays_and_holidays(city):
    assert city.why_closed(D("2026-06-20")) == "土曜日"
    assert city.why_closed(D("2026-06-21")) == "日曜日"
    assert city.why_closed(D("2026-05-03")) == "日曜日、憲法記念日"
    assert "振替休日" in city.why_closed(D("2026-05-06"))
    assert city.why_closed(D("2026-09-22")) == "国民の休日"
    assert city.why_closed(D("2026-06-22")) == ""


def test_golden_week_chain_of_closed_days(city):
    # 2026: Sat 5/2, Sun 5/3 憲法記念日, Mon 5/4, Tue 5/5, Wed 5/6 振替休日 → Thu 5/7.
    assert city.deadline(D("2026-04-18"), 14) == D("2026-05-07")
    assert city.deadline(D("2026-04-18"), 15, inclusive=True) == D("2026-05-07")
    assert [city.is_closed(D(f"2026-05-0{d}")) for d in range(1, 8)] == [
        False, True, True, True, True, True, False]


def test_a_citys_own_closed_day_moves_deadlines_further():
    own = CityCalendar.from_json({"closed_dates": ["2027-05-06"]})
    # 2027: 5/3–5/5 holidays, Thu 5/6 the city's day → Fri 5/7.
    assert own.deadline(D("2027-04-19"), 14) == D("2027-05-07")
    assert CityCalendar.default().deadline(D("2027-04-19"), 14) == D("2027-05-06")
    assert own.why_closed(D("2027-05-06")) == "市の休庁日"
    assert own.is_closed(D("2027-01-02"))  # the defaults still hold for keys left out


def test_a_city_can_add_a_yearly_closure_with_its_own_name():
    own = CityCalendar.from_json({"closed_yearly": [
        {"from": "12-29", "to": "01-03", "name": "年末年始"},
        {"from": "06-01", "to": "06-01", "name": "市制記念日"}]})
    assert own.why_closed(D("2027-06-01")) == "市制記念日"
    assert own.deadline(D("2027-05-18"), 14) == D("2027-06-02")


def test_a_city_without_national_holidays_or_open_on_saturdays():
    plain = CityCalendar.from_json({"national_holidays": False, "closed_weekdays": [6]})
    assert not plain.is_closed(D("2026-11-23"))  # 勤労感謝の日, Monday
    assert not plain.is_closed(D("2026-06-20"))  # Saturday
    assert plain.is_closed(D("2026-06-21"))


def test_default_spec_round_trips_through_json():
    default = CityCalendar.default()
    text = json.dumps(default.to_json(), ensure_ascii=False)
    assert CityCalendar.from_json(json.loads(text)) == default
    assert default.to_json() == {
        "closed_weekdays": [5, 6], "national_holidays": True,
        "closed_yearly": [{"from": "12-29", "to": "01-03", "name": "年末年始"}],
        "closed_dates": []}
    own = CityCalendar.from_json({"closed_dates": ["2027-05-06", "2026-08-14"]})
    assert own.to_json()["closed_dates"] == ["2026-08-14", "2027-05-06"]
    assert CityCalendar.from_json(own.to_json()) == own


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ([5, 6], "city.calendar"),
        ({"closed_weekdays": [5, 7]}, "city.calendar.closed_weekdays[1]"),
        ({"closed_weekdays": ["Sat"]}, "city.calendar.closed_weekdays[0]"),
        ({"closed_weekdays": [True]}, "city.calendar.closed_weekdays[0]"),
        ({"closed_weekdays": 5}, "city.calendar.closed_weekdays"),
        ({"closed_weekdays": [0, 1, 2, 3, 4, 5, 6]}, "city.calendar.closed_weekdays"),
        ({"national_holidays": "yes"}, "city.calendar.national_holidays"),
        ({"closed_dates": ["2027-05-06", "2027-02-30"]}, "city.calendar.closed_dates[1]"),
        ({"closed_dates": ["2027/05/06"]}, "city.calendar.closed_dates[0]"),
        ({"closed_dates": [20270506]}, "city.calendar.closed_dates[0]"),
        ({"closed_yearly": [{"from": "12-29", "to": "13-03"}]},
         "city.calendar.closed_yearly[0].to"),
        ({"closed_yearly": [{"to": "01-03"}]}, "city.calendar.closed_yearly[0].from"),
        ({"closed_yearly": [{"from": "12-29", "to": "01-03", "name": ""}]},
         "city.calendar.closed_yearly[0].name"),
        ({"closed_yearly": [{"from": "12-29", "to": "01-03", "until": "x"}]},
         "city.calendar.closed_yearly[0].until"),
        ({"closed_yearly": ["12-29"]}, "city.calendar.closed_yearly[0]"),
        ({"closed_date": ["2027-05-06"]}, "city.calendar.closed_date"),
    ],
)
def test_a_bad_spec_names_the_exact_path(spec, path):
    with pytest.raises(CalendarSpecError) as caught:
        CityCalendar.from_json(spec)
    assert caught.value.path == path
    assert isinstance(caught.value, ValueError)
    assert str(caught.value).startswith(f"{path}: ")
    assert caught.value.problem


def test_the_path_prefix_is_the_callers():
    with pytest.raises(CalendarSpecError) as caught:
        CityCalendar.from_json({"closed_weekdays": [9]}, path="city.settings.calendar")
    assert caught.value.path == "city.settings.calendar.closed_weekdays[0]"


def test_february_29_is_a_valid_yearly_day():
    leap = CityCalendar.from_json({"closed_yearly": [{"from": "02-29", "to": "02-29"}]})
    assert leap.why_closed(D("2028-02-29")) == "市の休庁日"
    assert not leap.is_closed(D("2027-03-01"))


@pytest.mark.parametrize("days", [-1, 1.5, "14", True])
def test_deadline_refuses_a_bad_number_of_days(city, days):
    with pytest.raises(ValueError):
        city.deadline(D("2026-04-01"), days)


def test_inclusive_deadline_needs_at_least_one_day(city):
    with pytest.raises(ValueError):
        city.deadline(D("2026-04-01"), 0, inclusive=True)


def test_a_calendar_closed_all_year_stops_instead_of_looping():
    closed = CityCalendar.from_json({"closed_yearly": [{"from": "01-01", "to": "12-31"}]})
    with pytest.raises(ValueError):
        closed.next_open(D("2026-04-01"))
