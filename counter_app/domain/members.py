"""Making household members: from a card read, or from what staff typed."""

from __future__ import annotations

import datetime as dt

from card_reader.basic_four import BasicFour
from counter_app.domain.case import Member, MemberSource
from counter_app.domain.dates import DateInputError, DateKind
from counter_app.domain.era import default_era_table

NAME_SEPARATOR = "\u3000"  # as on the card, between surname and given name


class MemberInputError(ValueError):
    """`str(error)` is a Japanese message for staff; `field` names the input to correct."""

    def __init__(self, field: str, message_ja: str) -> None:
        super().__init__(message_ja)
        self.field = field


def member_from_card(four: BasicFour) -> Member:
    return Member(name=four.name, birth_date=four.birth_date, sex=four.sex, relationship="",
                  source=MemberSource.CARD, address=four.address)


def typed_member(surname: str, given_name: str, birth_date: str, sex: str, address: str,
                 today: dt.date) -> Member:
    """A member typed by hand. Birth dates may be ISO, 8 digits, or 和暦 as GYYMMDD."""
    surname, given_name = surname.strip(), given_name.strip()
    if not surname:
        raise MemberInputError("surname", "氏を入力してください")
    try:
        born = default_era_table().parse_typed(birth_date, DateKind.BIRTH, today)
    except DateInputError as exc:
        raise MemberInputError("birth_date", f"生年月日: {exc}") from None
    name = f"{surname}{NAME_SEPARATOR}{given_name}" if given_name else surname
    return Member(name=name, birth_date=born, sex=sex, relationship="",
                  source=MemberSource.MANUAL, address=address.strip())


def suggest_relationship(head: Member | None, member: Member) -> str:
    """A likely 続柄 to the head of household, for staff to confirm; "" when it cannot tell."""
    if head is None:
        return "世帯主"
    years_younger = (member.birth_date - head.birth_date).days / 365.25
    if years_younger >= 15:
        return "子"
    if years_younger <= -15:
        return {"male": "父", "female": "母"}.get(member.sex, "")
    spouse = {("male", "female"): "妻", ("female", "male"): "夫"}
    return spouse.get((head.sex, member.sex), "")
