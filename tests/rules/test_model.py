"""The typed catalogue: parsed once, written back byte for byte, every problem found in one pass
with its path, conditions that can never or always hold, and the rules in Japanese words."""

import copy
import json

import pytest
from broken_catalogues import default_dict

from counter_app.rules import Catalogue, RuleError, default_catalogue
from counter_app.rules.catalogue import check_catalogue, shipped_text
from counter_app.rules.conditions import And, AnyMember, Compare, Const, Literal, Not, Or
from counter_app.rules.describe import describe_ja


def _index(data, pid):
    return next(i for i, p in enumerate(data["procedures"]) if p["id"] == pid)


def test_the_shipped_catalogue_is_written_back_byte_for_byte():
    text = shipped_text()
    assert default_catalogue().to_json() == text
    # And a catalogue written back reads as the same model.
    assert Catalogue.from_json(default_catalogue().to_json()) == default_catalogue()


def test_every_optional_form_of_the_file_survives_the_round_trip():
    data = default_dict()
    first = data["procedures"][0]
    first["deadline"] = {"days": 10, "from": "filing_date", "inclusive": True,
                         "text_ja": "届出日から"}
    first["documents"].append({"text_ja": "委任状", "when": {"fact": "move.other_prefecture",
                                                             "op": "==", "value": True},
                               "issued": True})
    first["when"] = {"or": [{"fact": "move.kind", "op": "in", "value": ["move_in"]},
                            {"fact": "move.date", "op": ">=", "value": {"fact": "move.date"}}]}
    data["city"]["settings"]["flag"] = True
    assert Catalogue.from_dict(copy.deepcopy(data)).to_dict() == data


def test_conditions_are_a_typed_tree():
    catalogue = default_catalogue()
    late = catalogue.procedure("late_elderly_enroll").when
    assert isinstance(late, Or)
    assert late.parts[0] == Compare("age", ">=", Literal(75))
    assert isinstance(late.parts[1], And)
    claim = catalogue.procedure("child_allowance_claim").when
    assert isinstance(claim, AnyMember) and isinstance(claim.part, Compare)
    voter = catalogue.procedure("voter_registration").when
    assert any(isinstance(p, Not) for p in voter.parts)
    assert catalogue.procedure("resident_move_in").when == Const(True)
    assert voter.facts_read() == {"foreign_resident", "legal_age"}


def test_the_model_is_frozen():
    catalogue = default_catalogue()
    with pytest.raises(AttributeError):
        catalogue.version = 2
    with pytest.raises(AttributeError):
        catalogue.procedures[0].title_ja = "x"


def test_every_problem_is_found_in_one_pass():
    data = default_dict()
    nhi, dog = _index(data, "nhi_enroll"), _index(data, "dog_registration")
    data["procedures"][nhi]["when"] = {"and": [{"fact": "health_insurence", "value": "nhi"},
                                               {"fact": "age", "op": ">=", "value": "sixty"}]}
    data["procedures"][dog]["section"] = "市長室"
    data["procedures"].append(dict(data["procedures"][0]))  # a duplicate id
    data["facts"].append({"key": "household.has_cat", "scope": "case", "type": "bool",
                          "label_ja": "猫", "source": "derived"})
    found = check_catalogue(data)
    assert [p.path for p in found] == [
        f"facts[{len(data['facts']) - 1}].source",
        f"procedures[{nhi}].when.and[0].fact",
        f"procedures[{nhi}].when.and[1].value",
        f"procedures[{dog}].section",
        f"procedures[{len(data['procedures']) - 1}].id",
    ]
    assert all(p.message_ja for p in found)
    assert "health_insurence" in found[1].message_ja
    with pytest.raises(RuleError) as first:
        Catalogue.from_dict(data)
    assert first.value.path == found[0].path


def test_a_valid_catalogue_has_no_problems():
    assert check_catalogue(default_dict()) == []
    assert default_catalogue().problems() == []


def _member_rule(condition, pid="nhi_enroll"):
    data = default_dict()
    index = _index(data, pid)
    data["procedures"][index]["when"] = condition
    return data, f"procedures[{index}].when"


AGE_65 = {"fact": "legal_age", "op": ">=", "value": 65}
AGE_UNDER_40 = {"fact": "legal_age", "op": "<", "value": 40}
NHI = {"fact": "health_insurance", "value": "nhi"}


@pytest.mark.parametrize(("condition", "where", "never"), [
    (False, "", True),
    ({"not": True}, "", True),
    ({"and": [AGE_65, AGE_UNDER_40]}, "", True),  # contradictory ranges
    ({"and": [NHI, {"and": [AGE_65, {"fact": "legal_age", "op": "<=", "value": 64}]}]},
     ".and[1]", True),  # found where it is
    ({"and": [AGE_65, NHI, {"and": [AGE_UNDER_40, NHI]}]}, "", True),  # nested and: flattened
    ({"fact": "health_insurance", "op": "in", "value": []}, "", True),
    ({"and": [NHI, {"fact": "health_insurance", "value": "employee"}]}, "", True),
    ({"and": [{"fact": "card_held"}, {"not": {"fact": "card_held"}}]}, "", True),
    ({"and": [NHI, False]}, ".and[1]", True),
    ({"or": [{"fact": "card_held"}, {"not": {"fact": "card_held"}}]}, "", False),
    ({"or": [AGE_65, {"fact": "legal_age", "op": "<", "value": 65}]}, "", False),
    ({"or": [AGE_65, {"not": AGE_65}]}, "", False),
    ({"fact": "health_insurance", "op": "not_in", "value": []}, "", False),
    ({"fact": "health_insurance", "op": "in",
      "value": ["employee", "nhi", "late_elderly", "welfare"]}, "", False),
    ({"and": [NHI, {"or": [True, AGE_65]}]}, ".and[1].or[0]", False),
    ({"not": False}, "", False),
    ({"and": [NHI, True]}, ".and[1]", False),
])
def test_conditions_that_can_never_or_always_hold_are_refused(condition, where, never):
    data, path = _member_rule(condition)
    found = check_catalogue(data)
    assert [p.path for p in found] == [path + where]
    assert ("never" if never else "always true") in found[0].problem
    assert ("決して" if never else "常に") in found[0].message_ja


@pytest.mark.parametrize("condition", [
    True,  # the way to write "always"
    {"and": [AGE_65, {"fact": "legal_age", "op": "<", "value": 75}]},
    {"or": [AGE_UNDER_40, AGE_65]},
    {"or": [{"fact": "card_held"}, NHI]},
    {"and": [{"fact": "sex", "op": "!=", "value": "male"}, {"fact": "sex", "op": "!=",
                                                            "value": "female"}]},
    {"or": [{"fact": "sex", "value": "male"}, {"fact": "sex", "op": "!=", "value": "female"}]},
])
def test_conditions_that_depend_on_the_case_pass(condition):
    data, _ = _member_rule(condition)
    assert check_catalogue(data) == []


def test_a_document_condition_is_analysed_too():
    data = default_dict()
    index = _index(data, "resident_move_in")
    data["procedures"][index]["documents"][0]["when"] = {"not": True}
    assert [p.path for p in check_catalogue(data)] == [
        f"procedures[{index}].documents[0].when"]


def test_a_procedure_needs_a_form_or_a_guide_text():
    data = default_dict()
    index = _index(data, "dog_registration")
    data["procedures"][index]["forms"] = []
    found = check_catalogue(data)
    assert [p.path for p in found] == [f"procedures[{index}]"]
    assert found[0].message_ja == "申請書も案内文もありません"
    data["procedures"][index]["guide_ja"] = "環境課で手続してください"
    assert check_catalogue(data) == []


def test_unknown_keys_are_refused_not_dropped():
    data = default_dict()
    data["procedures"][0]["gude_ja"] = "typo"
    assert [p.path for p in check_catalogue(data)] == ["procedures[0].gude_ja"]
    data = default_dict()
    data["colour"] = "blue"
    assert [p.path for p in check_catalogue(data)] == ["colour"]


def test_the_json_of_a_problem_free_catalogue_is_json():
    data = json.loads(default_catalogue().to_json())
    assert data == json.loads(shipped_text())


def _rows(catalogue, pid, document=None):
    procedure = catalogue.procedure(pid)
    condition = procedure.when if document is None else procedure.documents[document].when
    return [("　" * r.depth) + r.text for r in describe_ja(condition, catalogue)]


def test_conditions_read_as_japanese_rows():
    catalogue = default_catalogue()
    assert _rows(catalogue, "care_insurance_enroll") == ["年齢（法律上） が 65 以上"]
    assert _rows(catalogue, "late_elderly_enroll") == [
        "次のいずれか",
        "　年齢 が 75 以上",
        "　次のすべて",
        "　　年齢（法律上） が 65 以上",
        "　　加入する健康保険 が 後期高齢者医療",
    ]
    assert _rows(catalogue, "voter_registration") == [
        "次のすべて", "　次に当てはまらない", "　　外国籍の方", "　年齢（法律上） が 18 以上"]
    assert _rows(catalogue, "child_medical") == [
        "学年 が 市の設定「子ども医療費の対象（学年の上限）」（中学3年（9）） 以下"]
    assert _rows(catalogue, "child_allowance_claim") == [
        "世帯の誰かが次に当てはまる", "　学年 が 高校3年生の年代（12） 以下"]
    assert _rows(catalogue, "resident_move_in") == ["常に"]
    insurance = catalogue.procedure("insurance_address_change").when
    assert [r.text for r in describe_ja(insurance, catalogue)][1] == \
        "加入する健康保険 が 国民健康保険・後期高齢者医療 のいずれか"


def test_a_yes_no_fact_compared_with_a_city_setting_reads_as_the_setting():
    # It raised AttributeError: the setting was read as if the rule had written true or false.
    data, _ = _member_rule({"fact": "card_held", "op": "!=", "value": {"setting": "flag"}})
    data["city"]["settings"]["flag"] = True
    catalogue = Catalogue.from_dict(data)
    assert _rows(catalogue, "nhi_enroll") == [
        "マイナンバーカードを持っている が 市の設定「flag」（はい） 以外"]


def test_rows_carry_the_path_a_problem_names():
    data, path = _member_rule({"and": [NHI, {"or": [True, AGE_65]}]})
    problem = check_catalogue(data)[0]
    condition = Catalogue.from_dict(default_dict()).procedure("nhi_enroll").when
    assert describe_ja(condition, default_catalogue())[0].path == ""
    parsed_paths = [path + r.path for r in describe_ja(
        And((Compare("health_insurance", None, Literal("nhi")),
             Or((Const(True), Compare("legal_age", ">=", Literal(65)))))), default_catalogue())]
    assert problem.path in parsed_paths
