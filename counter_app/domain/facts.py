"""Facts derived from a case, exactly as PROCEDURES.md and LIFE_EVENTS.md define them. Never
asked of anyone.

Member facts are derived on a day: move rules see them on the move's date, the rules of a life
event on the event's (LIFE_EVENTS.md), so one case may hold both.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from counter_app.domain.case import Case, EventKind, MemberSource, Move, MoveKind

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県",
    "山梨県", "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府",
    "兵庫県", "奈良県", "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県",
    "香川県", "愛媛県", "高知県", "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県",
    "鹿児島県", "沖縄県",
)
_PREFECTURE = re.compile("^(" + "|".join(PREFECTURES) + ")")


def completed_years(born: dt.date, on: dt.date) -> int:
    """Whole years from `born` to `on`; the birthday itself counts (29 Feb: from 1 Mar)."""
    years = on.year - born.year
    if (on.month, on.day) < (born.month, born.day):
        years -= 1
    return years


def age(born: dt.date, on: dt.date) -> int:
    return completed_years(born, on)


def legal_age(born: dt.date, on: dt.date) -> int:
    """Japanese law: one reaches age N at the end of the day before the Nth birthday, so the
    age counted on the day after `on` (born 29 Feb: a year older on 28 Feb)."""
    return completed_years(born, on + dt.timedelta(days=1))


def school_year_start(on: dt.date) -> int:
    """The year in which the school year (April–March) containing `on` began."""
    return on.year if on.month >= 4 else on.year - 1


def school_grade(born: dt.date, on: dt.date) -> int:
    """1–6 小学校, 7–9 中学校, 10–12 高校生年代, ≤0 preschool, ≥13 adult.

    Children born from 2 April of Y to 1 April of Y+1 share a grade."""
    cohort = born.year if (born.month, born.day) >= (4, 2) else born.year - 1
    return school_year_start(on) - cohort - 6


def grade_label(grade: int) -> str:
    """小学3年, 中学1年, 高校2年生の年代, 就学前 or 成人, for staff and for forms."""
    if grade <= 0:
        return "就学前"
    if grade <= 6:
        return f"小学{grade}年"
    if grade <= 9:
        return f"中学{grade - 6}年"
    if grade <= 12:
        return f"高校{grade - 9}年生の年代"
    return "成人"


def prefecture_of(address: str) -> str | None:
    match = _PREFECTURE.match(address.strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class Derivation:
    """How one fact is derived from the case: `derive(case)` for a case fact,
    `derive(case, member index, day)` for a member fact (ages and grades on that day). It gives
    the value, or None when this case cannot tell (then the fact is asked, if the catalogue
    declares it `derived_or_asked`).

    `subject_fact`: a case fact that is the deceased's member fact (`deceased.health_insurance`
    is the subject's `health_insurance`). The engine reads it from the subject's facts, so an
    unanswered one is asked of the subject (`member.S.health_insurance`), never as itself."""

    scope: str  # "case" or "member", as in the catalogue
    type: str  # the catalogue type of the value
    derive: Callable[..., object]
    subject_fact: str = ""


def _of_move(read: Callable[[Move], object]) -> Callable[[Case], object]:
    """A fact of the move: unknown (None) for a case with only a life event."""
    return lambda case: None if case.move is None else read(case.move)


def _other_prefecture(move: Move) -> bool | None:
    before = prefecture_of(move.previous_address)
    after = prefecture_of(move.new_address)
    return before != after if before and after else None


def _on_day(rule: Callable[[dt.date, dt.date], int]) -> Callable[[Case, int, dt.date], int]:
    """Ages and grades on the day the rules look at (the move's or the event's)."""
    return lambda case, index, on: rule(case.members[index].birth_date, on)


def _card_held(case: Case, index: int, on: dt.date) -> bool | None:
    return True if case.members[index].source is MemberSource.CARD else None


def _late_elderly(case: Case, index: int, on: dt.date) -> str | None:
    # 後期高齢者医療 by law from 75; younger members are asked.
    return "late_elderly" if age(case.members[index].birth_date, on) >= 75 else None


def _allowance_claimant(case: Case, index: int, on: dt.date) -> bool | None:
    # Imported here: roles reads school grades from this module.
    from counter_app.domain.roles import claimant_facts

    return claimant_facts(case).get(index)


# --- life events (LIFE_EVENTS.md): roles are the member indexes the event names ---------------

def death_subject(case: Case) -> int | None:
    """The deceased member of a death case, else None."""
    event = case.event
    return event.subject if event is not None and event.kind is EventKind.DEATH else None


def moving_members(case: Case) -> list[int]:
    """Who the move rules see: every member except one who stays (`"moves": false`) and the
    deceased; nobody without a move."""
    if case.move is None:
        return []
    subject = death_subject(case)
    return [i for i, m in enumerate(case.members) if m.moves and i != subject]


def _is_subject(case: Case, index: int, on: dt.date) -> bool:
    return death_subject(case) == index


def _is_newborn(case: Case, index: int, on: dt.date) -> bool:
    event = case.event
    return event is not None and event.kind is EventKind.BIRTH and case.members[index].newborn


def _is_spouse(case: Case, index: int, on: dt.date) -> bool:
    event = case.event
    return event is not None and event.spouses is not None and index in event.spouses


def _moves(case: Case, index: int, on: dt.date) -> bool:
    return index in moving_members(case)


def _crosses_city(case: Case, index: int, on: dt.date) -> bool:
    return case.move is not None and case.move.kind in (MoveKind.MOVE_IN, MoveKind.MOVE_OUT) \
        and _moves(case, index, on)


def _joins_spouse_insurance(case: Case, index: int, on: dt.date) -> bool | None:
    # Asked on a marriage only: nobody joins a spouse's insurance by another event.
    event = case.event
    return None if event is not None and event.kind is EventKind.MARRIAGE else False


def _event_value(read: Callable[..., object]) -> Callable[[Case], object]:
    return lambda case: read(case.event) if case.event is not None else None


def _was_head(case: Case) -> bool | None:
    subject = death_subject(case)
    return None if subject is None else case.members[subject].relationship == "世帯主"


def _remaining_15plus(case: Case) -> int | None:
    """Members other than the deceased aged 15 or more in law on the day of death: with two or
    more the household must name its new 世帯主 (住基法 25条)."""
    subject = death_subject(case)
    if subject is None or case.event is None:
        return None
    day = case.event.date
    return sum(1 for i, m in enumerate(case.members)
               if i != subject and legal_age(m.birth_date, day) >= 15)


def _deceased(fact: str, kind: str) -> Derivation:
    # Read from the subject's own facts by the engine (Derivation.subject_fact).
    return Derivation("case", kind, lambda case: None, subject_fact=fact)


# The one registry of derived facts: the catalogue may declare a fact `derived`,
# `derived_or_asked` or `case` only if it is here, with the same scope and type.
DERIVED_FACTS: dict[str, Derivation] = {
    "move.kind": Derivation("case", "choice", _of_move(lambda move: move.kind.value)),
    "move.date": Derivation("case", "date", _of_move(lambda move: move.date)),
    "move.month": Derivation("case", "int", _of_move(lambda move: move.date.month)),
    "move.other_prefecture": Derivation("case", "bool", _of_move(_other_prefecture)),
    "event.kind": Derivation("case", "choice", _event_value(lambda event: event.kind.value)),
    "event.date": Derivation("case", "date", _event_value(lambda event: event.date)),
    "event.court": Derivation("case", "bool", _event_value(lambda event: event.court)),
    "death.was_head": Derivation("case", "bool", _was_head),
    "death.remaining_15plus": Derivation("case", "int", _remaining_15plus),
    "deceased.health_insurance": _deceased("health_insurance", "choice"),
    "deceased.owns_property": _deceased("owns_property", "bool"),
    "age": Derivation("member", "int", _on_day(age)),
    "legal_age": Derivation("member", "int", _on_day(legal_age)),
    "school_grade": Derivation("member", "int", _on_day(school_grade)),
    "sex": Derivation("member", "string", lambda case, index, on: case.members[index].sex),
    "relationship": Derivation("member", "string",
                               lambda case, index, on: case.members[index].relationship),
    "card_held": Derivation("member", "bool", _card_held),
    "health_insurance": Derivation("member", "choice", _late_elderly),
    # 児童手当: false for who cannot claim, true for the only possible claimant (domain.roles).
    "allowance_claimant": Derivation("member", "bool", _allowance_claimant),
    "subject": Derivation("member", "bool", _is_subject),
    "newborn": Derivation("member", "bool", _is_newborn),
    "spouse": Derivation("member", "bool", _is_spouse),
    "moves": Derivation("member", "bool", _moves),
    "crosses_city": Derivation("member", "bool", _crosses_city),
    "joins_spouse_insurance": Derivation("member", "bool", _joins_spouse_insurance),
}
_CASE_FACTS = [(k, d.derive) for k, d in DERIVED_FACTS.items()
               if d.scope == "case" and not d.subject_fact]
_MEMBER_FACTS = [(k, d.derive) for k, d in DERIVED_FACTS.items() if d.scope == "member"]
SUBJECT_FACTS = {k: d.subject_fact for k, d in DERIVED_FACTS.items() if d.subject_fact}


def derived_case_facts(case: Case) -> dict[str, object]:
    facts = {}
    for key, derive in _CASE_FACTS:
        value = derive(case)
        if value is not None:
            facts[key] = value
    return facts


def derived_member_facts(case: Case, index: int, on: dt.date | None = None
                         ) -> dict[str, object]:
    """Derived per-member facts on the day `on` (default: the case's date): the bare key
    (`age`), as rules inside a member test them."""
    day = case.date if on is None else on
    facts = {}
    for key, derive in _MEMBER_FACTS:
        value = derive(case, index, day)
        if value is not None:
            facts[key] = value
    return facts


# 続柄 of the resident register (住民基本台帳事務処理要領), as staff pick them at the counter.
RELATIONSHIPS = (
    "世帯主", "妻", "夫", "妻（未届）", "夫（未届）", "子", "養子", "子の妻", "子の夫",
    "父", "母", "養父", "養母", "妻の父", "妻の母", "夫の父", "夫の母",
    "孫", "孫の妻", "孫の夫", "祖父", "祖母", "兄", "姉", "弟", "妹",
    "兄の妻", "弟の妻", "姉の夫", "妹の夫", "おじ", "おば", "甥", "姪",
    "縁故者", "同居人",
)
