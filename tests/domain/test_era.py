"""和暦: formatting with 元年, and staff input, at every era boundary."""

import datetime as dt

import pytest

from counter_app.domain.dates import DateInputError
from counter_app.domain.era import EraTable, default_era_table

D = dt.date


@pytest.fixture(scope="module")
def eras():
    return default_era_table()


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (D(1868, 1, 25), "明治元年1月25日"),
        (D(1912, 7, 29), "明治45年7月29日"),
        (D(1912, 7, 30), "大正元年7月30日"),  # shared day: the new era is printed
        (D(1926, 12, 24), "大正15年12月24日"),
        (D(1926, 12, 25), "昭和元年12月25日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2020, 1, 1), "令和2年1月1日"),
    ],
)
def test_format_at_every_boundary(eras, date, text):
    assert eras.format(date) == text


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("4050101", D(1993, 1, 1)),  # PROCEDURES.md's example: 平成5年1月1日
        ("1010125", D(1868, 1, 25)),
        ("1450729", D(1912, 7, 29)),
        ("1450730", D(1912, 7, 30)),  # 明治45年7月30日 …
        ("2010730", D(1912, 7, 30)),  # … and 大正元年7月30日 are the same day
        ("2151225", D(1926, 12, 25)),  # 大正15年12月25日 …
        ("3011225", D(1926, 12, 25)),  # … and 昭和元年12月25日
        ("3640107", D(1989, 1, 7)),
        ("4010108", D(1989, 1, 8)),
        ("4310430", D(2019, 4, 30)),
        ("5010501", D(2019, 5, 1)),
        ("５０８１１２１", D(2026, 11, 21)),  # full-width digits
        ("2026-11-21", D(2026, 11, 21)),  # ISO works too
        ("20261121", D(2026, 11, 21)),
    ],
)
def test_typed_dates(eras, typed, date):
    assert eras.parse_typed(typed) == date


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1450731", "明治は明治45年7月30日までです"),
        ("2151226", "大正は大正15年12月25日までです"),
        ("3640108", "昭和は昭和64年1月7日までです"),  # 8 Jan 1989 is 平成 only
        ("4310501", "平成は平成31年4月30日までです"),
        ("5010430", "令和は令和元年5月1日からです"),
        ("1010124", "明治は明治元年1月25日からです"),
        ("6010101", "元号の番号 6 はありません"),
        ("4000101", "年は1以上です"),
        ("4050230", "暦にない日付です"),
        ("R5.1.1", "日付は"),
    ],
)
def test_impossible_era_dates_are_refused_in_japanese(eras, typed, message):
    with pytest.raises(DateInputError, match=message):
        eras.parse_typed(typed)


def test_a_new_era_is_a_data_change():
    table = EraTable.from_json(
        '{"eras": [{"code": 5, "name": "令和", "letter": "R", "first_day": "2019-05-01"},'
        ' {"code": 6, "name": "新元号", "letter": "N", "first_day": "2040-01-01"}]}')
    assert table.format(D(2040, 1, 1)) == "新元号元年1月1日"
    assert table.format(D(2039, 12, 31)) == "令和21年12月31日"
    in_2040 = D(2040, 6, 1)  # typed dates must be plausible on the day they are typed
    assert table.parse_typed("6020101", today=in_2040) == D(2041, 1, 1)
    with pytest.raises(DateInputError):
        table.parse_typed("5220101", today=in_2040)


def test_a_move_date_may_be_typed_as_month_and_day_nearest_to_today():
    from counter_app.domain.dates import DateInputError, DateKind

    table = default_era_table()
    today = dt.date(2026, 12, 1)
    assert table.parse_typed("1120", DateKind.MOVE, today) == dt.date(2026, 11, 20)
    assert table.parse_typed("0105", DateKind.MOVE, today) == dt.date(2027, 1, 5)  # a 転出 ahead
    assert table.parse_typed("1201", DateKind.MOVE, dt.date(2027, 1, 3)) == dt.date(2026, 12, 1)
    with pytest.raises(DateInputError):
        table.parse_typed("1231", DateKind.BIRTH, today)  # a birth date needs its year
    with pytest.raises(DateInputError):
        table.parse_typed("1332", DateKind.MOVE, today)
