"""Derived facts on their boundary days, as PROCEDURES.md defines them."""

import datetime as dt

import pytest

from counter_app.domain.facts import age, legal_age, prefecture_of, school_grade

D = dt.date


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (D(1990, 4, 1), D(2026, 3, 31), 35),  # the day before the birthday
        (D(1990, 4, 1), D(2026, 4, 1), 36),  # the birthday itself counts
        (D(1951, 4, 1), D(2026, 4, 1), 75),  # late-elderly on the 75th birthday
        (D(1951, 4, 2), D(2026, 4, 1), 74),
        (D(2000, 2, 29), D(2025, 2, 28), 24),  # leap-day birth in a common year
        (D(2000, 2, 29), D(2025, 3, 1), 25),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
        (D(2026, 4, 1), D(2026, 4, 1), 0),
    ],
)
def test_age_counts_the_birthday(born, on, expected):
    assert age(born, on) == expected


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (D(1961, 4, 2), D(2026, 3, 31), 64),  # two days before the 65th birthday
        (D(1961, 4, 2), D(2026, 4, 1), 65),  # birthday eve: 65 in law
        (D(1961, 4, 2), D(2026, 4, 2), 65),
        (D(2011, 4, 1), D(2026, 3, 31), 15),  # seal registration from 15, on the eve
        (D(2011, 4, 1), D(2026, 3, 30), 14),
        (D(2000, 2, 29), D(2025, 2, 27), 24),
        (D(2000, 2, 29), D(2025, 2, 28), 25),  # leap-day birth: older on 28 Feb in law
        (D(2000, 2, 29), D(2024, 2, 28), 24),  # …but in a leap year on 28 Feb only the eve of 29
    ],
)
def test_legal_age_is_reached_on_the_birthday_eve(born, on, expected):
    assert legal_age(born, on) == expected


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (D(2017, 4, 2), D(2024, 4, 1), 1),  # PROCEDURES.md's example
        (D(2018, 4, 1), D(2024, 4, 1), 1),  # born 1 April joins the older year
        (D(2018, 4, 2), D(2024, 4, 1), 0),  # preschool
        (D(2018, 4, 1), D(2025, 3, 31), 1),  # still school year 2024 on 31 March
        (D(2018, 4, 1), D(2025, 4, 1), 2),  # a new school year on 1 April
        (D(2016, 2, 29), D(2024, 4, 1), 3),  # leap-day birth: started school April 2022
        (D(2016, 2, 29), D(2023, 3, 31), 1),
        (D(2010, 4, 2), D(2025, 1, 15), 8),  # January belongs to the school year before
        (D(2010, 4, 1), D(2025, 1, 15), 9),  # 中学3年
        (D(2009, 4, 1), D(2025, 1, 15), 10),  # 高校生年代
        (D(2007, 4, 1), D(2025, 1, 15), 12),
        (D(2006, 4, 1), D(2025, 1, 15), 13),  # adult: left high school in March 2024
    ],
)
def test_school_grade_follows_the_april_school_year(born, on, expected):
    assert school_grade(born, on) == expected


@pytest.mark.parametrize(
    ("address", "prefecture"),
    [("東京都千代田区霞が関２－１－２", "東京都"), ("北海道あおば市", "北海道"),
     ("京都府京都市", "京都府"), ("神奈川県横浜市", "神奈川県"), ("千代田区", None), ("", None)],
)
def test_prefecture_is_read_from_the_start_of_an_address(address, prefecture):
    assert prefecture_of(address) == prefecture
