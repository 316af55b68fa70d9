"""Who is who in a case (DESIGN.md, "Who is who"): the 世帯主, the previous 世帯主, the 届出人,
the child-allowance claimant and a child's guardian — resolved from what the case states, never
from a member's position in the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.domain.case import Case, EventKind, PersonRef, member_key
from counter_app.domain.facts import legal_age, school_grade

HEAD = "世帯主"
# Possible parents of a child by its 続柄 to the 世帯主 (PROCEDURES.md, allowance_claimant).
_PARENTS_OF = {
    "子": ("世帯主", "妻", "夫", "妻（未届）", "夫（未届）"),
    "養子": ("世帯主", "妻", "夫", "妻（未届）", "夫（未届）"),
    "孫": ("子", "養子", "子の妻", "子の夫"),
}
ALLOWANCE_MAX_GRADE = 12  # 児童手当: up to the end of 高校生年代


@dataclass(frozen=True)
class Person:
    """A resolved person for forms and screens: a member, or somebody who is not one."""

    member: int | None
    name: str
    address: str = ""
    phone: str = ""
    relation: str = ""


def head(case: Case) -> PersonRef | None:
    """The 世帯主 after the move: as stated, else the one member whose 続柄 is 世帯主."""
    if case.head is not None:
        return case.head
    heads = head_candidates(case)
    if len(heads) == 1:
        return PersonRef(member=heads[0])
    successor = _obvious_successor(case)
    return PersonRef(member=successor) if successor is not None else None


def _obvious_successor(case: Case) -> int | None:
    """After the 世帯主's death with one member of 15 or more left, that member heads the
    household (LIFE_EVENTS.md: no 世帯主変更届, the new head is obvious); with two or more,
    staff choose (F7)."""
    event = case.event
    if event is None or event.kind is not EventKind.DEATH or event.subject is None:
        return None
    if case.members[event.subject].relationship != HEAD:
        return None
    adults = [i for i, m in enumerate(case.members)
              if i != event.subject and legal_age(m.birth_date, event.date) >= 15]
    return adults[0] if len(adults) == 1 else None


def head_candidates(case: Case) -> list[int]:
    """Members whose 続柄 is 世帯主; a deceased head keeps that 続柄 (the register before the
    death) but heads nothing after it, nor files anything: staff choose the new head."""
    subject = case.event.subject if case.event is not None else None
    return [i for i, m in enumerate(case.members) if m.relationship == HEAD and i != subject]


def head_member(case: Case) -> int | None:
    ref = head(case)
    return ref.member if ref is not None else None


def filer(case: Case) -> PersonRef | None:
    """The 届出人: as stated, else the 世帯主 if they are a member; None until staff choose."""
    if case.filer is not None:
        return case.filer
    ref = head(case)
    if ref is not None and ref.member is not None:
        return PersonRef(member=ref.member)
    return None


def filer_relation(case: Case) -> str:
    """届出人と世帯主との続柄 as the form means it: 本人 when the filer is the 世帯主."""
    ref = filer(case)
    if ref is None:
        return ""
    if ref.member is None:
        return ref.relation
    if ref.member == head_member(case):
        return "本人"
    return case.members[ref.member].relationship


def resolve(case: Case, ref: PersonRef | None) -> Person | None:
    """A role's person with a name and address to print."""
    if ref is None:
        return None
    if ref.member is None:
        return Person(None, ref.name, ref.address, ref.phone, ref.relation)
    member = case.members[ref.member]
    address = case.move.city_address if case.move is not None else member.address
    return Person(ref.member, member.name, address or member.address, ref.phone)


# --- children, parents, the claimant and the guardian --------------------------------------


def possible_parents(case: Case, child: int) -> list[int]:
    """Members who may be the parent of `child`, by 続柄 to the 世帯主; [] when 続柄 cannot tell
    (staff choose)."""
    relations = _PARENTS_OF.get(case.members[child].relationship)
    if relations is None:
        return []
    head_index = head_member(case)
    found = []
    for i, member in enumerate(case.members):
        if i == child:
            continue
        if member.relationship in relations or (HEAD in relations and i == head_index):
            found.append(i)
    return found


def allowance_children(case: Case) -> list[int]:
    """Children of 高校生年代 or younger on the case's date (児童手当 counts them)."""
    on = case.date
    return [i for i, m in enumerate(case.members)
            if school_grade(m.birth_date, on) <= ALLOWANCE_MAX_GRADE]


def claimant_candidates(case: Case) -> list[int]:
    """Who may claim 児童手当 for the household's children: their possible parents."""
    candidates: set[int] = set()
    for child in allowance_children(case):
        candidates.update(p for p in possible_parents(case, child)
                          if p not in allowance_children(case))
    return sorted(candidates)


def claimant(case: Case) -> int | None:
    """The 児童手当 claimant (the parent who mainly supports the children): the one answered, or
    the only candidate; None while it is still to be asked."""
    candidates = claimant_candidates(case)
    chosen = [i for i in range(len(case.members))
              if case.answers.get(member_key(i, "allowance_claimant")) is True]
    if len(chosen) == 1:
        return chosen[0]
    if len(candidates) == 1:
        return candidates[0]
    return None


def guardian(case: Case, child: int) -> int | None:
    """The 保護者 on a child's forms: as stated, else the claimant if a possible parent of the
    child, else the child's only possible parent; None when staff must choose."""
    stated = case.members[child].guardian
    if stated is not None:
        return stated
    parents = possible_parents(case, child)
    chosen = claimant(case)
    if chosen is not None and chosen in parents:
        return chosen
    return parents[0] if len(parents) == 1 else None


def claimant_facts(case: Case) -> dict[int, bool]:
    """`allowance_claimant` where it is derived, not asked: false for everyone who cannot claim,
    true for the only possible claimant. With several candidates they are left to be asked."""
    candidates = claimant_candidates(case)
    derived = {i: False for i in range(len(case.members)) if i not in candidates}
    if len(candidates) == 1:
        derived[candidates[0]] = True
    return derived
