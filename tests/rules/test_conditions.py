"""Three-valued conditions, the questions they imply, and catalogue validation."""

import copy
import datetime as dt
import json

import pytest

from counter_app.bundled import resource
from counter_app.domain import Case, Member, Move, MoveKind
from counter_app.rules import Catalogue, RuleError, default_catalogue, determine
from counter_app.rules.conditions import (
    Compare,
    Context,
    Facts,
    FactSpec,
    Literal,
    evaluate,
    parse_condition,
)

_SPECS = {key: FactSpec(key, "case" if "." in key else "member", kind, key, "asked", choices)
          for key, kind, choices in [
              ("household.has_dog", "bool", ()), ("age", "int", ()), ("grade", "int", ()),
              ("a", "int", ()), ("b", "int", ()), ("care_certified", "bool", ()),
              ("foreign", "bool", ()), ("sex", "string", ()),
              ("hi", "choice", (("nhi", "国保"), ("late", "後期"), ("employee", "被用者")))]}


def _facts(**member_facts):
    return Facts({"household.has_dog": True}, [member_facts], {"cap": 9}, member=0)


def _parse(data):
    problems = []
    condition = parse_condition(data, "when", Context(_SPECS, {"cap": 9}, problems), True)
    assert problems == []
    return condition


@pytest.mark.parametrize(
    ("condition", "facts", "value", "missing"),
    [
        ({"and": [{"fact": "age", "op": ">=", "value": 40}, {"fact": "care_certified"}]},
         {"age": 30}, False, set()),  # false part: the unknown one is not needed
        ({"and": [{"fact": "age", "op": ">=", "value": 40}, {"fact": "care_certified"}]},
         {"age": 50}, None, {"member.0.care_certified"}),
        ({"or": [{"fact": "age", "op": ">=", "value": 65}, {"fact": "hi", "value": "nhi"}]},
         {"age": 70}, True, set()),
        ({"or": [{"fact": "age", "op": ">=", "value": 65}, {"fact": "hi", "value": "nhi"}]},
         {"age": 30}, None, {"member.0.hi"}),
        ({"not": {"fact": "foreign"}}, {}, None, {"member.0.foreign"}),
        ({"not": {"fact": "foreign"}}, {"foreign": False}, True, set()),
        ({"fact": "hi", "op": "in", "value": ["nhi", "late"]}, {"hi": "late"}, True, set()),
        ({"fact": "hi", "op": "not_in", "value": ["nhi", "late"]}, {"hi": "late"}, False, set()),
        ({"fact": "grade", "op": "<=", "value": {"setting": "cap"}}, {"grade": 9}, True, set()),
        ({"fact": "a", "op": "==", "value": {"fact": "b"}}, {"a": 1, "b": 1}, True, set()),
        ({"fact": "a", "op": "==", "value": {"fact": "b"}}, {"a": 1}, None, {"member.0.b"}),
        ({"fact": "household.has_dog"}, {}, True, set()),
        (True, {}, True, set()),
    ],
)
def test_three_valued_evaluation(condition, facts, value, missing):
    outcome = evaluate(_parse(condition), _facts(**facts))
    assert outcome.value is value
    assert outcome.missing == missing
    assert _parse(condition).to_json() == condition  # the same JSON back


def test_a_value_of_another_type_is_no_match_not_a_crash():
    # Parsing refuses `sex < 3`; a case's raw sex code meeting a number still only fails.
    outcome = evaluate(Compare("sex", "<", Literal(3)), _facts(sex="9"))
    assert outcome.value is False
    assert outcome.missing == set()


def _case(*births, kind="move_in", **answers):
    members = [Member(f"住民{i}", dt.date.fromisoformat(b), sex, "世帯主")
               for i, (b, sex) in enumerate(births)]
    return Case(Move(MoveKind(kind), dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市"),
                members, answers)


def test_no_question_whose_answer_is_known_or_irrelevant():
    catalogue = default_catalogue()
    asked = determine(_case(("1985-06-15", "male"), ("1948-03-03", "female"),
                            ("2020-05-05", "female"), ("1996-01-01", "female")),
                      catalogue).unanswered
    assert "member.0.pregnant" not in asked  # a man
    assert "member.1.pregnant" not in asked  # 78
    assert "member.2.pregnant" not in asked  # 5
    assert "member.3.pregnant" in asked
    assert "member.1.health_insurance" not in asked  # 78: late-elderly by law
    assert "member.0.health_insurance" in asked
    assert "member.2.pension_category" not in asked  # a child
    assert "member.0.care_certified" in asked and "member.2.care_certified" not in asked
    assert "member.2.needs_childcare" in asked and "member.0.needs_childcare" not in asked
    assert "member.2.wants_seal_registration" not in asked  # under 15
    assert "move.other_prefecture" not in asked  # both addresses name a prefecture
    assert "household.school_district_changes" not in asked  # only for 転居
    assert "move.from_abroad" not in asked  # no rule needs it


def test_answers_are_checked_against_the_catalogue():
    from counter_app.domain import CaseFormatError

    catalogue = default_catalogue()
    base = _case(("1985-06-15", "male"))
    for answers, field in [({"member.0.pension_category": 1}, "answers.member.0.pension_category"),
                           ({"member.0.age": 30}, "answers.member.0.age"),
                           ({"household.has_cat": True}, "answers.household.has_cat"),
                           ({"pregnant": True}, "answers.pregnant"),
                           ({"member.1.pregnant": True}, "answers.member.1.pregnant")]:
        with pytest.raises(CaseFormatError) as info:
            determine(Case(base.move, base.members, answers), catalogue)
        assert info.value.field == field


def _default_dict():
    return json.loads(resource("catalogue", "default.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["procedures"][6].update(when={"fact": "health_insurence", "op": "==",
                                                   "value": "nhi"}), "procedures[6].when.fact"),
        (lambda d: d["procedures"][6].update(when={"fact": "health_insurance", "op": "==",
                                                   "value": "nhl"}), "procedures[6].when.value"),
        (lambda d: d["procedures"][6].update(when={"fact": "health_insurance", "op": "=~",
                                                   "value": "nhi"}), "procedures[6].when.op"),
        (lambda d: d["procedures"][0].update(when={"fact": "age", "op": ">", "value": 1}),
         "procedures[0].when.fact"),  # a member fact in a household rule
        (lambda d: d["procedures"][7].update(when={"and": []}), "procedures[7].when.and"),
        (lambda d: d["procedures"][12].update(
            when={"fact": "school_grade", "op": "<=", "value": {"setting": "grade_cap"}}),
         "procedures[12].when.value"),
        (lambda d: d["procedures"][3].update(section="市長室"), "procedures[3].section"),
        (lambda d: d["procedures"][3].update(forms=["no_such_form"]), "procedures[3].forms"),
        (lambda d: d["procedures"][3].update(id="resident_move_in"), "procedures[3].id"),
        (lambda d: d["procedures"][3].update(deadline={"days": "14"}),
         "procedures[3].deadline.days"),
        (lambda d: d["procedures"][3].update(move_kinds=["moving"]), "procedures[3].move_kinds"),
        (lambda d: d["procedures"][3].update(when={"fact": "sex", "op": ">", "value": "a"}),
         "procedures[3].when.op"),
    ],
)
def test_catalogue_errors_point_at_the_rule(mutate, path):
    data = copy.deepcopy(_default_dict())
    mutate(data)
    with pytest.raises(RuleError) as info:
        Catalogue.from_dict(data)
    assert info.value.path == path


def test_default_catalogue_round_trips_through_export():
    catalogue = default_catalogue()
    again = Catalogue.from_json(catalogue.to_json())
    assert [p.id for p in again.procedures] == [p.id for p in catalogue.procedures]
    assert len(catalogue.procedures) == 69


def test_a_document_condition_on_an_unaskable_fact_is_refused():
    data = copy.deepcopy(_default_dict())
    data["questions"] = [q for q in data["questions"] if q["fact"] != "care_certified"]
    data["procedures"] = [p for p in data["procedures"]
                          if p["id"] != "care_certification_transfer"]
    with pytest.raises(RuleError) as info:
        Catalogue.from_dict(data)  # care_insurance_withdraw's rule and document need it
    index = [p["id"] for p in data["procedures"]].index("care_insurance_withdraw")
    assert info.value.path.startswith(f"procedures[{index}].")
    assert "care_certified" in info.value.problem


def test_forms_without_templates_are_found_before_printing():
    catalogue = default_catalogue()
    catalogue.check_forms(catalogue.forms)
    with pytest.raises(RuleError, match="no template for nhi_change"):
        catalogue.check_forms(set(catalogue.forms) - {"nhi_change"})
