"""The what-if runner: test households against a catalogue, every difference with its reasons;
the shipped set (resources/catalogue/households) passes the shipped catalogue and covers it."""

import copy
import json
from pathlib import Path

import pytest
from broken_catalogues import default_dict

from counter_app.bundled import resource
from counter_app.rules import Catalogue, default_catalogue
from counter_app.rules.whatif import (
    HouseholdError,
    TestHousehold,
    households_from_json,
    load_households,
    read_household,
    run_households,
)

SHIPPED = Path(str(resource("catalogue", "households")))
TESTS = Path(__file__).resolve().parent.parent / "households"


def _with(change):
    data = default_dict()
    change(data)
    return Catalogue.from_dict(data)


def _procedure(data, pid):
    return next(p for p in data["procedures"] if p["id"] == pid)


def _differences(catalogue, households):
    return {r.household.name: [d.describe() for d in r.differences]
            for r in run_households(catalogue, households) if not r.passed}


def test_the_shipped_households_are_the_tests_households():
    # One set, in two places: the tests read tests/households, the app ships the copy.
    shipped = {p.name: p.read_bytes() for p in SHIPPED.glob("*.json")}
    tested = {p.name: p.read_bytes() for p in TESTS.glob("*.json")}
    assert shipped == tested


def test_the_shipped_households_pass_and_cover_every_procedure():
    households = load_households(SHIPPED)
    catalogue = default_catalogue()
    assert _differences(catalogue, households) == {}
    covered = {procedure for h in households for procedure, _ in h.expected}
    assert covered == {p.id for p in catalogue.procedures}


def test_every_difference_is_listed_with_the_rules_reasons():
    households = load_households(SHIPPED)

    def change(data):
        data["procedures"].remove(_procedure(data, "dog_registration"))
        _procedure(data, "care_insurance_enroll")["when"]["value"] = 66
        _procedure(data, "voter_registration")["when"] = {"fact": "legal_age", "op": ">=",
                                                          "value": 16}

    found = _differences(_with(change), households)
    assert "missing dog_registration (household) — the catalogue has no such procedure" in \
        found["02_family_of_four_nhi"]
    # 青森 六十五 turns 65 (legally) on the move date: the rule says 66 now.
    assert found["11_sixty_five_on_the_birthday_eve"] == [
        "missing care_insurance_enroll members 0 — member 0: rule is false with legal_age = 65"]
    assert found["07_foreign_couple"] == [
        "extra voter_registration members 0, 1 — member 0: legal_age = 36 (≥ 16); "
        "member 1: legal_age = 33 (≥ 16)"]
    assert found["15_three_generations_with_dog_and_moped"][-1] == (
        "voter_registration: members 0, 1, 2, 3, expected members 0, 1, 3 — "
        "member 2: legal_age = 16 (≥ 16)")


def test_the_reasons_in_japanese_name_the_people_and_their_values():
    households = [read_household(SHIPPED / "11_sixty_five_on_the_birthday_eve.json")]
    catalogue = _with(lambda d: _procedure(d, "care_insurance_enroll")["when"].update(value=66))
    [difference] = run_households(catalogue, households)[0].differences
    assert difference.kind == "missing"
    assert difference.reasons_ja == ("青森 六十五：年齢（法律上） 65歳",)


def test_unanswered_questions_and_answers_the_catalogue_no_longer_knows():
    households = [read_household(SHIPPED / "10_nothing_answered_yet.json"),
                  read_household(SHIPPED / "02_family_of_four_nhi.json")]

    def change(data):
        data["procedures"].remove(_procedure(data, "dog_registration"))
        data["questions"] = [q for q in data["questions"] if q["fact"] != "household.has_dog"]
        data["facts"] = [f for f in data["facts"] if f["key"] != "household.has_dog"]

    found = _differences(_with(change), households)
    assert found["10_nothing_answered_yet"][0].startswith("questions still open:")
    assert found["02_family_of_four_nhi"] == [
        "cannot be determined: answers.household.has_dog: not a fact of the catalogue"]


def test_a_household_that_is_read_back_from_storage_is_the_same():
    households = load_households(SHIPPED)
    again = households_from_json(json.loads(json.dumps([h.to_json() for h in households])))
    assert [(h.name, h.expected) for h in again] == [(h.name, h.expected) for h in households]


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.pop("expected"), "expected"),
    (lambda d: d.update(expected=[["resident_move_in", [7]]]), "expected[0]"),
    (lambda d: d.update(expected=[["resident_move_in"]]), "expected[0]"),
    (lambda d: d.update(expected=[["a", []], ["a", []]]), "expected"),
    (lambda d: d["move"].update(date="2026-02-30"), "move.date"),
    (lambda d: d.update(expected_unanswered="none"), "expected_unanswered"),
])
def test_a_bad_household_is_refused_naming_the_place(change, path):
    data = json.loads((SHIPPED / "01_single_employee_move_in.json").read_text("utf-8"))
    change(data)
    with pytest.raises(HouseholdError) as info:
        TestHousehold.from_dict("x", copy.deepcopy(data))
    assert info.value.path == path


def test_a_file_that_is_not_json_is_named(tmp_path):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(HouseholdError) as info:
        load_households(tmp_path)
    assert info.value.name == "broken" and info.value.path == "(file)"


def test_a_life_event_procedure_is_explained_with_its_own_facts_and_kinds():
    death = read_household(SHIPPED / "18_death_of_an_employee_head_with_dependents.json")
    moving = read_household(SHIPPED / "19_death_then_the_survivor_moves_within.json")
    rows = {"18": [["head_of_household_change", []], ["nhi_loss_deceased", [0]]],
            "19": [["birth_registration", []], ["card_continued_use", [0, 1]]]}
    households = []
    for household, extra in ((death, rows["18"]), (moving, rows["19"])):
        ids = {pid for pid, _ in extra}
        expected = [row for row in household.data["expected"] if row[0] not in ids] + extra
        households.append(TestHousehold.from_dict(household.name,
                                                  {**household.data, "expected": expected}))
    found = _differences(default_catalogue(), households)
    assert found[death.name] == [
        "missing head_of_household_change (household) — rule is false with "
        "death.remaining_15plus = 1, death.was_head = true",
        "missing nhi_loss_deceased members 0 — member 0: rule is false with "
        "health_insurance = employee, subject = true"]
    # The deceased is no moving member: move rules never see her.
    assert found[moving.name] == [
        "missing birth_registration (household) — it is for birth",
        "card_continued_use: members 0, expected members 0, 1 — member 1: does not move"]
