"""Each procedure of the default catalogue: its rule true for one household, false for another.

Move date 2026-04-01 (school year 2026). Every askable fact is answered "no" unless a case
says otherwise, so a false case is false, not unknown.
"""

import datetime as dt

import pytest

from counter_app.domain import Case, Member, MemberSource, Move, MoveKind
from counter_app.rules import default_catalogue, determine

MOVE_DATE = dt.date(2026, 4, 1)
MEMBER_NO = {"foreign_resident": False, "disability_certificate": False,
             "health_insurance": "employee", "pension_category": "2", "care_certified": False,
             "pregnant": False, "needs_childcare": False, "wants_seal_registration": False,
             "seal_registered": False, "card_held": False}
HOUSEHOLD_NO = {"household.has_dog": False, "household.has_moped": False,
                "household.school_district_changes": False, "move.other_prefecture": False}


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def case(kind, *members, **answers):
    """members: (birth date, sex[, 'card']) tuples; answers: fact=value or m0_fact=value."""
    people = [Member(f"住民{i}", dt.date.fromisoformat(m[0]), m[1], "世帯主" if i == 0 else "子",
                     MemberSource.CARD if "card" in m else MemberSource.MANUAL)
              for i, m in enumerate(members)]
    given = dict(HOUSEHOLD_NO)
    for i, person in enumerate(people):
        for key, value in MEMBER_NO.items():
            if key == "card_held" and person.source is MemberSource.CARD:
                continue  # derived from the card, never answered
            if key == "health_insurance" and (MOVE_DATE.year - person.birth_date.year) >= 76:
                continue
            given[f"member.{i}.{key}"] = value
    for key, value in answers.items():
        if key.startswith("m") and key[1].isdigit():
            index, fact = key[1:].split("_", 1)
            given[f"member.{index}.{fact}"] = value
        else:
            given[key.replace("__", ".")] = value
    return Case(Move(MoveKind(kind), MOVE_DATE, "茨城県つくば市", "北海道あおば市"), people, given)


ADULT = ("1985-06-15", "male")
WOMAN = ("1987-02-28", "female")
SENIOR_78 = ("1948-03-03", "female")
GRADE_3 = ("2017-04-02", "male")
PRESCHOOL = ("2022-05-05", "female")

CASES = [
    # (procedure, case that chooses it, members chosen (None: household), case that does not)
    ("resident_move_in", case("move_in", ADULT), None, case("move_out", ADULT)),
    ("resident_move_within", case("move_within", ADULT), None, case("move_in", ADULT)),
    ("resident_move_out", case("move_out", ADULT), None, case("move_within", ADULT)),
    ("card_continued_use", case("move_in", (*ADULT, "card")), [0], case("move_in", ADULT)),
    ("ecert_reissue", case("move_in", (*ADULT, "card")), [0],
     case("move_in", ("2012-04-03", "male", "card"))),
    ("residence_card_address", case("move_in", ADULT, m0_foreign_resident=True), [0],
     case("move_in", ADULT)),
    ("nhi_enroll", case("move_in", ADULT, m0_health_insurance="nhi"), [0],
     case("move_in", ADULT)),
    ("national_pension", case("move_in", ADULT, m0_pension_category="1"), [0],
     case("move_in", ("1966-04-02", "male"), m0_pension_category="1")),  # 60 in law
    ("late_elderly_enroll", case("move_in", SENIOR_78), [0],
     case("move_in", ("1951-04-02", "male"))),  # 74 until tomorrow
    ("care_insurance_enroll", case("move_in", ("1961-04-02", "male")), [0],  # 65 in law today
     case("move_in", ("1961-04-03", "male"))),
    ("care_certification_transfer", case("move_in", ADULT, m0_care_certified=True), [0],
     case("move_in", ("1986-06-01", "male"), m0_care_certified=True)),  # 39
    ("child_allowance_claim", case("move_in", ADULT, GRADE_3), None, case("move_in", ADULT)),
    ("child_medical", case("move_in", ADULT, ("2011-04-02", "male")), [1],  # 中学3年
     case("move_in", ADULT, ("2011-04-01", "male"))),  # 高校1年生年代
    ("school_transfer_in", case("move_in", ADULT, ("2019-04-02", "female")), [1],  # 小1
     case("move_in", ADULT, ("2020-04-02", "female"))),  # preschool
    ("childcare_application", case("move_in", ADULT, PRESCHOOL, m1_needs_childcare=True), [1],
     case("move_in", ADULT, PRESCHOOL)),
    ("prenatal_vouchers", case("move_in", WOMAN, m0_pregnant=True), [0],
     case("move_in", WOMAN)),
    ("infant_health", case("move_in", ADULT, PRESCHOOL), [1], case("move_in", ADULT, GRADE_3)),
    ("disability_address", case("move_in", ADULT, m0_disability_certificate=True), [0],
     case("move_in", ADULT)),
    ("seal_registration", case("move_in", ("2011-04-02", "male"),  # 15 in law today
                               m0_wants_seal_registration=True), [0],
     case("move_in", ("2011-04-03", "male"), m0_wants_seal_registration=True)),
    ("dog_registration", case("move_within", ADULT, household__has_dog=True), None,
     case("move_within", ADULT)),
    ("moped_registration", case("move_in", ADULT, household__has_moped=True), None,
     case("move_in", ADULT)),
    ("voter_registration", case("move_in", ADULT), [0],
     case("move_in", ADULT, m0_foreign_resident=True)),
    ("insurance_address_change", case("move_within", ("1960-01-01", "male")), [0],
     case("move_within", ADULT)),
    ("child_benefit_address_change", case("move_within", ADULT, PRESCHOOL), None,
     case("move_within", ADULT)),
    ("school_district_change",
     case("move_within", ADULT, GRADE_3, household__school_district_changes=True), [1],
     case("move_within", ADULT, GRADE_3)),
    ("nhi_withdraw", case("move_out", ADULT, m0_health_insurance="nhi"), [0],
     case("move_out", ADULT)),
    ("late_elderly_withdraw", case("move_out", SENIOR_78), [0], case("move_out", ADULT)),
    ("care_insurance_withdraw", case("move_out", ("1960-01-01", "male")), [0],
     case("move_out", ("1961-04-03", "male"))),
    ("child_allowance_end", case("move_out", ADULT, GRADE_3), None, case("move_out", ADULT)),
    ("child_medical_return", case("move_out", ADULT, ("2011-04-02", "male")), [1],
     case("move_out", ADULT, ("2011-04-01", "male"))),
    ("school_transfer_out", case("move_out", ADULT, GRADE_3), [1],
     case("move_out", ADULT, ("2011-04-01", "male"))),
    ("seal_registration_end", case("move_out", ADULT, m0_seal_registered=True), [0],
     case("move_out", ADULT)),
    ("moped_deregistration", case("move_out", ADULT, household__has_moped=True), None,
     case("move_out", ADULT)),
]


def test_every_procedure_is_covered(catalogue):
    # The life events' procedures: tests/rules/test_event_procedures.py.
    assert sorted(c[0] for c in CASES) == sorted(p.id for p in catalogue.procedures
                                                 if not p.for_event)


@pytest.mark.parametrize(("procedure", "chosen", "members", "not_chosen"), CASES,
                         ids=[c[0] for c in CASES])
def test_rule_true_and_false(catalogue, procedure, chosen, members, not_chosen):
    result = determine(chosen, catalogue)
    assert result.unanswered == []
    found = result.chosen(procedure)
    assert found is not None, f"{procedure} should be chosen"
    assert found.members == (members or [])
    other = determine(not_chosen, catalogue)
    assert other.unanswered == []
    assert other.chosen(procedure) is None, f"{procedure} should not be chosen"


def test_the_child_medical_cap_is_a_city_setting(catalogue):
    household = case("move_in", ADULT, ("2008-04-02", "male"))  # 高校3年生年代 (grade 12)
    assert determine(household, catalogue).chosen("child_medical") is None
    to_twelve = catalogue.with_settings(child_medical_grade_cap=12)
    assert determine(household, to_twelve).chosen("child_medical").members == [1]
    assert catalogue.city.settings["child_medical_grade_cap"] == 9  # a new catalogue


def test_deadlines_are_dates(catalogue):
    result = determine(case("move_in", (*ADULT, "card"), GRADE_3, household__has_dog=True),
                       catalogue, filing_date=dt.date(2026, 4, 10))
    assert result.chosen("resident_move_in").deadline == dt.date(2026, 4, 15)
    assert result.chosen("child_allowance_claim").deadline == dt.date(2026, 4, 16)
    assert result.chosen("dog_registration").deadline == dt.date(2026, 5, 1)
    assert result.chosen("card_continued_use").deadline == dt.date(2026, 7, 9)  # 90 days
    transfer = result.chosen("school_transfer_in")
    assert transfer.deadline is None
    assert transfer.to_json()["deadline_note"] == "速やかに"


def test_documents_depend_on_facts(catalogue):
    def certificate(result):
        documents = result.chosen("late_elderly_enroll").documents
        return any("負担区分等証明書" in d.text_ja for d in documents)

    other = case("move_in", SENIOR_78)  # 茨城県 → 北海道: derived, whatever was answered
    assert certificate(determine(other, catalogue))
    same = case("move_in", SENIOR_78, move__other_prefecture=True)
    same.move.previous_address = "北海道札幌市"
    assert not certificate(determine(same, catalogue))

    unknown = case("move_in", SENIOR_78)
    unknown.move.previous_address = unknown.move.new_address = ""  # no prefecture to compare
    del unknown.answers["move.other_prefecture"]
    assert determine(unknown, catalogue).unanswered == ["move.other_prefecture"]
    unknown.answers["move.other_prefecture"] = True
    assert certificate(determine(unknown, catalogue))


@pytest.mark.parametrize(
    ("moved", "deadline"),
    [("2027-03-08", "2027-03-23"),  # 14 days → 3/22, a 振替休日 (LIFE_EVENTS.md example 3)
     ("2026-12-19", "2027-01-04"),  # 14 days → 1/2, in 12/29–1/3 → the first open day
     ("2026-04-01", "2026-04-15")],  # an open day stays
)
def test_a_deadline_on_a_closed_day_moves_to_the_next_open_day(catalogue, moved, deadline):
    moving = case("move_in", ADULT)
    moving.move.date = dt.date.fromisoformat(moved)
    result = determine(moving, catalogue)
    assert result.chosen("resident_move_in").deadline.isoformat() == deadline


def test_the_city_can_close_its_own_days(catalogue):
    import json

    from counter_app.rules import Catalogue

    data = json.loads(catalogue.to_json())
    data["city"]["calendar"]["closed_dates"] = ["2026-04-15"]
    own = Catalogue.from_dict(data)
    moving = case("move_in", ADULT)
    moving.move.date = dt.date(2026, 4, 1)
    assert determine(moving, own).chosen("resident_move_in").deadline.isoformat() == "2026-04-16"
