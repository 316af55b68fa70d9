"""Each life-event procedure of the default catalogue (LIFE_EVENTS.md): its rule true for one
case and false for another, at the boundaries of the tables (legal age 15/65/75, school grade 12,
2,500 g, two members of 15 or more); questions asked only when a rule needs them; a move and an
event in one case; roles, never positions.

Every askable fact is answered "no" unless a case says otherwise, so a false case is false, not
unknown. Death on 2026-11-17, birth on 2026-11-20, marriage and divorce on 2026-06-06.
"""

import datetime as dt
import json

import pytest

from counter_app.domain import Case, Event, EventKind, Member, MemberSource, Move, MoveKind
from counter_app.rules import Catalogue, default_catalogue, determine

D = dt.date
EVENT_DATES = {"death": D(2026, 11, 17), "birth": D(2026, 11, 20), "marriage": D(2026, 6, 6),
               "divorce": D(2026, 6, 6)}
MEMBER_NO = {"health_insurance": "employee", "pension_category": "2", "care_certified": False,
             "disability_certificate": False, "seal_registered": False, "card_held": False,
             "receives_pension": False, "owns_property": False, "was_dependent": False,
             "birth_weight_g": 3000, "surname_changes": False, "seal_old_surname": False,
             "custody": False, "single_parent_benefits": False, "allowance_claimant": True}


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def person(born, relationship="子", card=False, newborn=False):
    return Member("試験　人", D.fromisoformat(born), "female", relationship,
                  MemberSource.CARD if card else MemberSource.MANUAL, newborn=newborn)


def event_case(kind, *members, subject=None, spouses=None, court=False, filed=True, **answers):
    """members: Member; answers: m0_fact=value or a case fact with __ for the dot."""
    event = Event(EventKind(kind), EVENT_DATES[kind], subject=subject,
                  spouses=spouses or ((0, 1) if kind in ("marriage", "divorce") else None),
                  court=court)
    given: dict = {"event.registration_filed": filed}
    for i, member in enumerate(members):
        for key, value in MEMBER_NO.items():
            if not (key == "card_held" and member.source is MemberSource.CARD):
                given[f"member.{i}.{key}"] = value
        if kind == "marriage":
            given[f"member.{i}.joins_spouse_insurance"] = False
    for key, value in answers.items():
        if key.startswith("m") and key[1].isdigit():
            index, fact = key[1:].split("_", 1)
            given[f"member.{index}.{fact}"] = value
        else:
            given[key.replace("__", ".")] = value
    return Case(members=list(members), answers=given, event=event)


HEAD_70 = person("1956-01-01", "世帯主")
WIFE_68 = person("1958-01-01", "妻")
SON_40 = person("1986-01-01", "子")
# On 2026-11-17, the day of death
AGE_75 = person("1951-11-17", "世帯主")  # 75th birthday
AGE_74 = person("1951-11-18", "世帯主")  # 75 the day after
LEGAL_65 = person("1961-11-18", "世帯主")  # birthday eve: 65 in law
LEGAL_64 = person("1961-11-19", "世帯主")
LEGAL_15 = person("2011-11-18")
LEGAL_14 = person("2011-11-19")
LEGAL_59 = person("1966-11-19", "妻")
LEGAL_60 = person("1966-11-18", "妻")


def death(*members, subject=0, **answers):
    return event_case("death", *members, subject=subject, **answers)


# On 2026-11-20 (school year 2026): grade 12 born 2008-04-02 … 2009-04-01
GRADE_12 = person("2008-04-02")
GRADE_13 = person("2008-04-01")
PARENT = person("1990-01-01", "世帯主")
PARENT_2 = person("1992-01-01", "妻")
BABY = person("2026-11-20", newborn=True)


def birth(*members, **answers):
    return event_case("birth", *members, **answers)


# On 2026-06-06 (school year 2026)
HUSBAND = person("1990-01-01", "世帯主", card=True)
WIFE = person("1992-01-01", "妻", card=True)
WIFE_59 = person("1966-06-08", "妻")  # 60 on 2026-06-08: 59 in law on the 6th
WIFE_60 = person("1966-06-07", "妻")
CHILD_12 = person("2008-04-02")  # school year 2026: grade 12
CHILD_13 = person("2008-04-01")


def marriage(*members, **answers):
    return event_case("marriage", *(members or (HUSBAND, WIFE)), **answers)


def divorce(*members, **answers):
    return event_case("divorce", *(members or (HUSBAND, WIFE)), **answers)


CASES = [
    # (procedure, case that chooses it, members chosen (None: household), case that does not)
    ("death_registration", death(HEAD_70, WIFE_68, filed=False), None, death(HEAD_70, WIFE_68)),
    ("head_of_household_change", death(HEAD_70, WIFE_68, LEGAL_15), None,
     death(HEAD_70, WIFE_68, LEGAL_14)),
    ("nhi_loss_deceased", death(HEAD_70, WIFE_68, m0_health_insurance="nhi"), [0],
     death(HEAD_70, WIFE_68)),
    ("nhi_head_change", death(HEAD_70, WIFE_68, SON_40, m1_health_insurance="nhi"), [1],
     death(WIFE_68, HEAD_70, m0_health_insurance="nhi", subject=0)),  # the deceased: not head
    ("funeral_expenses_nhi", death(HEAD_70, WIFE_68, m0_health_insurance="nhi"), None,
     death(HEAD_70, WIFE_68)),
    ("funeral_expenses_late_elderly", death(AGE_75, WIFE_68), None, death(AGE_74, WIFE_68)),
    ("late_elderly_return", death(AGE_75, WIFE_68), [0], death(AGE_74, WIFE_68)),
    ("care_insurance_loss", death(LEGAL_65, WIFE_68), [0], death(LEGAL_64, WIFE_68)),
    ("pension_death_report", death(HEAD_70, WIFE_68, m0_receives_pension=True), [0],
     death(HEAD_70, WIFE_68, m1_receives_pension=True)),  # only the deceased's counts
    ("survivor_pension_category_change",
     death(HEAD_70, LEGAL_59, m1_pension_category="3", m1_was_dependent=True), [1],
     death(HEAD_70, LEGAL_60, m1_pension_category="3", m1_was_dependent=True)),
    ("nhi_enroll_survivor", death(HEAD_70, WIFE_68, SON_40, m1_was_dependent=True), [1],
     death(HEAD_70, WIFE_68, SON_40, m0_health_insurance="nhi", m1_was_dependent=True)),
    ("seal_registration_void", death(HEAD_70, WIFE_68, m0_seal_registered=True), [0],
     death(HEAD_70, WIFE_68, m1_seal_registered=True)),
    ("disability_certificate_return",
     death(HEAD_70, WIFE_68, m0_disability_certificate=True), [0], death(HEAD_70, WIFE_68)),
    ("property_heir_representative", death(HEAD_70, WIFE_68, m0_owns_property=True), None,
     death(HEAD_70, WIFE_68, m1_owns_property=True)),
    ("birth_registration", birth(PARENT, BABY, filed=False), None, birth(PARENT, BABY)),
    ("child_allowance_claim", birth(PARENT, GRADE_13, BABY), None,
     birth(PARENT, GRADE_12, BABY)),
    ("child_allowance_amount_change", birth(PARENT, GRADE_12, BABY), None,
     birth(PARENT, GRADE_13, BABY)),
    ("nhi_enroll_newborn", birth(PARENT, PARENT_2, BABY, m2_health_insurance="nhi"), [2],
     birth(PARENT, PARENT_2, BABY, m0_health_insurance="nhi")),
    ("child_medical_enroll", birth(PARENT, BABY), [1],
     birth(PARENT, BABY, m1_health_insurance="welfare")),
    ("low_birth_weight_report", birth(PARENT, BABY, BABY, m1_birth_weight_g=2499), [1],
     birth(PARENT, BABY, m1_birth_weight_g=2500)),
    ("newborn_visit_notice", birth(PARENT, BABY, BABY), [1, 2], birth(PARENT, PARENT_2)),
    ("marriage_registration", marriage(filed=False), None, divorce(filed=False)),
    ("divorce_registration", divorce(filed=False), None, marriage(filed=False)),
    ("card_surface_change", marriage(m1_surname_changes=True), [1], marriage()),
    ("ecert_reissue_after_name_change", divorce(m1_surname_changes=True), [1],
     divorce(HUSBAND, person("1992-01-01", "妻"), m1_surname_changes=True)),  # no card
    ("seal_registration_void_name_change",
     marriage(m1_surname_changes=True, m1_seal_old_surname=True), [1],
     marriage(m1_surname_changes=True)),
    ("insurance_name_change", divorce(m1_surname_changes=True, m1_health_insurance="nhi"), [1],
     marriage(m1_surname_changes=True, m1_health_insurance="nhi",
              m1_joins_spouse_insurance=True)),
    ("pension_name_change",
     divorce(HUSBAND, WIFE_59, m1_surname_changes=True, m1_pension_category="1"), [1],
     divorce(HUSBAND, WIFE_60, m1_surname_changes=True, m1_pension_category="1")),
    ("nhi_withdraw_marriage",
     marriage(m1_health_insurance="nhi", m1_joins_spouse_insurance=True), [1],
     marriage(m1_health_insurance="nhi")),
    ("child_rearing_allowance_loss",
     marriage(HUSBAND, WIFE, CHILD_12, m1_single_parent_benefits=True), [1],
     marriage(HUSBAND, WIFE, CHILD_13, m1_single_parent_benefits=True)),
    ("single_parent_medical_withdraw",
     marriage(HUSBAND, WIFE, CHILD_12, m1_single_parent_benefits=True), [1],
     divorce(HUSBAND, WIFE, CHILD_12, m1_single_parent_benefits=True)),
    ("nhi_enroll_after_divorce", divorce(m1_was_dependent=True), [1],
     divorce(m1_was_dependent=True, m1_health_insurance="nhi")),
    ("pension_category_change_divorce", divorce(HUSBAND, WIFE_59, m1_pension_category="3"),
     [1], divorce(HUSBAND, WIFE_60, m1_pension_category="3")),
    ("single_parent_medical_enroll", divorce(HUSBAND, WIFE, CHILD_12, m1_custody=True), [1],
     divorce(HUSBAND, WIFE, CHILD_13, m1_custody=True)),
    ("child_rearing_allowance_claim", divorce(HUSBAND, WIFE, CHILD_12, m1_custody=True), [1],
     divorce(HUSBAND, WIFE, CHILD_12)),
    ("child_allowance_claimant_change",
     divorce(HUSBAND, WIFE, CHILD_12, m1_custody=True, m1_allowance_claimant=False), [1],
     divorce(HUSBAND, WIFE, CHILD_12, m1_custody=True)),
]


def test_every_event_procedure_is_covered(catalogue):
    assert sorted(c[0] for c in CASES) == sorted(p.id for p in catalogue.procedures
                                                 if p.for_event)


@pytest.mark.parametrize(("procedure", "chosen", "members", "not_chosen"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule_true_and_false(catalogue, procedure, chosen, members, not_chosen):
    result = determine(chosen, catalogue)
    assert result.unanswered == []
    found = result.chosen(procedure)
    assert found is not None, f"{procedure} should be chosen"
    assert found.members == (members or [])
    assert found.reasons() != ["always"]  # every procedure says why
    other = determine(not_chosen, catalogue)
    assert other.unanswered == []
    assert other.chosen(procedure) is None, f"{procedure} should not be chosen"


def test_questions_are_asked_only_when_a_rule_needs_them(catalogue):
    # The deceased is 80 (後期高齢者医療 by law), the son 50: nothing is asked about
    # the son that only the deceased's rules read, nor anything of another event.
    case = Case(members=[person("1946-01-01", "世帯主"), person("1976-01-01")],
                event=Event(EventKind.DEATH, D(2026, 11, 17), subject=0))
    assert determine(case, catalogue).unanswered == [
        "event.registration_filed", "member.0.disability_certificate",
        "member.0.owns_property", "member.0.receives_pension", "member.0.seal_registered",
        "member.1.health_insurance", "member.1.pension_category", "member.1.was_dependent"]


def test_the_deceaseds_facts_are_asked_of_the_deceased(catalogue):
    # deceased.health_insurance is the subject's own health_insurance, asked as such.
    case = death(WIFE_68, HEAD_70, subject=1)
    del case.answers["member.1.health_insurance"]
    result = determine(case, catalogue)
    assert result.unanswered == ["member.1.health_insurance"]
    case.answers["member.1.health_insurance"] = "nhi"
    result = determine(case, catalogue)
    assert result.unanswered == []
    assert result.chosen("funeral_expenses_nhi").reasons() == [
        "deceased.health_insurance = nhi"]


def test_the_birth_date_is_day_one_of_the_birth_registration(catalogue):
    # LIFE_EVENTS.md example 1 (built directly: a birth after today is refused in a case file).
    case = Case(members=[person("1990-01-01", "世帯主"), person("2026-12-20", newborn=True)],
                event=Event(EventKind.BIRTH, D(2026, 12, 20)),
                answers={"event.registration_filed": False,
                         "member.1.health_insurance": "nhi"})
    result = determine(case, catalogue)
    assert result.chosen("birth_registration").deadline == D(2027, 1, 4)  # 1/2 → 1/4
    assert result.chosen("nhi_enroll_newborn").deadline == D(2027, 1, 4)  # 1/3 → 1/4
    assert result.chosen("child_allowance_claim").deadline == D(2027, 1, 4)  # open


def test_death_registration_counts_from_the_day_the_family_learned_of_it(catalogue):
    case = death(HEAD_70, WIFE_68, filed=False)
    assert determine(case, catalogue).chosen("death_registration").deadline == \
        D(2026, 11, 24)  # 7 days incl. → 11/23 勤労感謝の日 → 11/24
    case.event.known_date = D(2026, 11, 20)
    result = determine(case, catalogue)
    assert result.chosen("death_registration").deadline == D(2026, 11, 26)
    assert result.chosen("death_registration").to_json()["deadline_note"] is None


@pytest.mark.parametrize(
    ("final", "court", "deadline", "note"),
    [("2027-12-24", True, "2028-01-04", None),  # 10 days incl. → 1/2, closed to 1/3
     ("2027-12-24", False, None, "届け出た日に離婚が成立します")],  # 協議離婚: no date
)
def test_a_court_divorce_has_ten_days_and_an_agreed_one_none(catalogue, final, court,
                                                             deadline, note):
    case = divorce(filed=False, court=court)
    case.event.date = D.fromisoformat(final)
    row = determine(case, catalogue).chosen("divorce_registration").to_json()
    assert (row["deadline"], row["deadline_note"]) == (deadline, note)


def test_a_spouse_who_moves_gets_no_local_name_change_rows(catalogue):
    # Her new name rides on the move's card rows; she leaves the city's insurance with the move.
    case = marriage(m1_surname_changes=True, m1_seal_old_surname=True,
                    m1_health_insurance="nhi", m1_pension_category="1",
                    m1_foreign_resident=False, m1_pregnant=False,
                    household__has_moped=False)
    case.members[0].moves = False
    case.move = Move(MoveKind.MOVE_OUT, D(2026, 6, 10), "北海道あおば市本町１", "東京都港区芝１")
    result = determine(case, catalogue)
    assert result.unanswered == []
    chosen = {p.id: p.members for p in result.procedures}
    for local in ("card_surface_change", "ecert_reissue_after_name_change",
                  "seal_registration_void_name_change", "insurance_name_change",
                  "pension_name_change"):
        assert local not in chosen
    assert chosen["resident_move_out"] == []
    assert chosen["nhi_withdraw"] == [1]  # the move's rows: the moving spouse only


def _with_newborn_nhi_event_row(catalogue):
    """The default catalogue plus a birth entry under the move's id nhi_enroll."""
    data = json.loads(catalogue.to_json())
    move_row = next(p for p in data["procedures"] if p["id"] == "nhi_enroll")
    data["procedures"].append({
        "id": "nhi_enroll", "title_ja": move_row["title_ja"], "section": move_row["section"],
        "who": "member", "event_kinds": ["birth"],
        "when": {"and": [{"fact": "newborn"}, {"fact": "health_insurance", "op": "==",
                                                "value": "nhi"}]},
        "forms": [], "deadline": {"days": 14, "from": "event_date"}, "guide_ja": "出生による加入"})
    return Catalogue.from_dict(data)


def test_a_procedure_both_rule_sets_choose_is_one_row_with_both_members_and_the_earlier_date(
        catalogue):
    joined = _with_newborn_nhi_event_row(catalogue)
    # The parents move in on 10-05 (14 days: 10-19); the baby was born here on 10-09 and does
    # not move (14 days from the birth: 10-23).
    case = event_case("birth", PARENT, PARENT_2, person("2026-10-09", newborn=True),
                      m0_health_insurance="nhi", m2_health_insurance="nhi",
                      m0_foreign_resident=False, m1_foreign_resident=False,
                      m0_pregnant=False, m1_pregnant=False, m0_wants_seal_registration=False,
                      m1_wants_seal_registration=False, household__has_dog=False,
                      household__has_moped=False, m0_pension_category="2")
    case.event.date = D(2026, 10, 9)
    case.members[2].moves = False
    case.move = Move(MoveKind.MOVE_IN, D(2026, 10, 5), "青森県青森市本町１", "北海道あおば市本町１")
    result = determine(case, joined)
    assert result.unanswered == []
    rows = [p for p in result.procedures if p.id == "nhi_enroll"]
    assert len(rows) == 1
    assert rows[0].members == [0, 2]
    assert rows[0].deadline == D(2026, 10, 19)
    assert rows[0].procedure.move_kinds == ("move_in",)  # the move's entry stands first
    assert {c.member for c in rows[0].checks} == {0, 2}
    # Each rule set alone: the move's members on its date, the event's on its own.
    case.move = None
    alone = determine(case, joined).chosen("nhi_enroll")
    assert (alone.members, alone.deadline) == ([2], D(2026, 10, 23))


def test_move_rules_never_see_the_deceased_or_a_member_who_stays(catalogue):
    case = death(person("1950-01-01", "世帯主", card=True), person("1960-01-01", "妻", card=True),
                 person("1990-01-01", card=True), m1_foreign_resident=False,
                 m1_disability_certificate=False, household__has_dog=False)
    case.members[2].moves = False
    case.move = Move(MoveKind.MOVE_WITHIN, D(2026, 12, 1), "北海道あおば市本町１",
                     "北海道あおば市緑町１")
    result = determine(case, catalogue)
    assert result.unanswered == []
    assert result.chosen("card_continued_use").members == [1]
    assert result.chosen("resident_move_within").members == []
    nobody = death(person("1950-01-01", "世帯主"), person("1960-01-01", "妻"))
    nobody.members[1].moves = False
    nobody.move = case.move
    assert determine(nobody, catalogue).chosen("resident_move_within") is None


def test_roles_not_positions_decide(catalogue):
    case = death(HEAD_70, WIFE_68, SON_40, LEGAL_15, m0_receives_pension=True,
                 m1_health_insurance="nhi", m0_owns_property=True, filed=False)
    before = {p.id: p.members for p in determine(case, catalogue).procedures}
    moved = case.copy()
    moved.reorder([3, 2, 1, 0])  # the deceased last: subject and answers follow
    assert moved.event.subject == 3
    after = {p.id: p.members for p in determine(moved, catalogue).procedures}
    new_index = {0: 3, 1: 2, 2: 1, 3: 0}
    assert after == {pid: sorted(new_index[m] for m in members)
                     for pid, members in before.items()}
    assert "head_of_household_change" in after and after["nhi_head_change"] == [2]


def test_a_case_without_an_event_chooses_no_event_procedure(catalogue):
    event_ids = {p.id for p in catalogue.procedures if p.for_event}
    case = Case(Move(MoveKind.MOVE_IN, D(2026, 4, 1), "茨城県つくば市", "北海道あおば市"),
                [person("1990-01-01", "世帯主", card=True), person("2026-03-01", newborn=True)])
    result = determine(case, catalogue)
    assert not {p.id for p in result.procedures} & (event_ids - {"child_allowance_claim"})
    assert not any(k.startswith(("event.", "member.1.birth_weight")) for k in result.unanswered)
