"""Members from a card read or typed by hand."""

import datetime as dt

import pytest

from card_reader.basic_four import BasicFour
from counter_app.domain import MemberSource
from counter_app.domain.members import MemberInputError, member_from_card, typed_member

TODAY = dt.date(2026, 11, 21)


def test_card_member_keeps_the_card_text():
    four = BasicFour("𠮷田\u3000花", "東京都千代田区霞が関２－１－２", dt.date(2000, 2, 29), "9")
    member = member_from_card(four)
    assert (member.name, member.sex, member.source) == ("𠮷田\u3000花", "9", MemberSource.CARD)
    assert member.address == "東京都千代田区霞が関２－１－２"


@pytest.mark.parametrize(
    ("typed", "born"),
    [("3600615", dt.date(1985, 6, 15)), ("1985-06-15", dt.date(1985, 6, 15)),
     ("19850615", dt.date(1985, 6, 15)), ("5080101", dt.date(2026, 1, 1))],
)
def test_typed_member_accepts_iso_and_era_dates(typed, born):
    member = typed_member(" 北見 ", "次郎", typed, "male", " 北海道 ", TODAY)
    assert member.name == "北見\u3000次郎"
    assert member.birth_date == born
    assert member.source is MemberSource.MANUAL
    assert member.address == "北海道"


@pytest.mark.parametrize(
    ("surname", "birth", "field", "message"),
    [("", "19850615", "surname", "氏を入力"),
     ("北見", "20261122", "birth_date", "2026年11月21日まで"),
     ("北見", "3640108", "birth_date", "昭和は昭和64年1月7日まで"),
     ("北見", "1985/13/01", "birth_date", "暦にない日付")],
)
def test_typed_member_errors_name_the_field(surname, birth, field, message):
    with pytest.raises(MemberInputError, match=message) as info:
        typed_member(surname, "", birth, "female", "", TODAY)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("head", "member", "expected"),
    [(None, ("1985-06-15", "male"), "世帯主"),
     (("1985-06-15", "male"), ("1987-02-28", "female"), "妻"),
     (("1987-02-28", "female"), ("1985-06-15", "male"), "夫"),
     (("1985-06-15", "male"), ("2017-04-02", "male"), "子"),
     (("1985-06-15", "male"), ("1950-01-01", "female"), "母"),
     (("1985-06-15", "male"), ("1950-01-01", "male"), "父"),
     (("1985-06-15", "male"), ("1988-01-01", "male"), ""),  # a brother? staff choose
     (("1985-06-15", "male"), ("1950-01-01", "9"), "")],
)
def test_relationship_suggestions(head, member, expected):
    from counter_app.domain import Member
    from counter_app.domain.members import suggest_relationship

    def person(data):
        return Member("x", dt.date.fromisoformat(data[0]), data[1], "")

    assert suggest_relationship(person(head) if head else None, person(member)) == expected
