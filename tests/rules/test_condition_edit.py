"""The condition builder without Qt: rows of readable Japanese with their paths, comparisons
added, grouped (すべて/いずれか/でない/世帯の誰か), negated, moved and removed, values typed by
the fact's type, and the catalogue's own problems (unknown fact, type mismatch, never/always
true) put beside the row they are about."""

import copy
import json

import pytest

from counter_app.rules import default_catalogue
from counter_app.rules.catalogue import shipped_text
from counter_app.rules.condition_edit import (
    ConditionEdit,
    operators_for,
    parse_path,
    path_text,
    problems_by_row,
)
from counter_app.store.catalogues import catalogue_problems

CATALOGUE = default_catalogue()
SHIPPED = json.loads(shipped_text())


def _edit(pid):
    procedure = next(p for p in SHIPPED["procedures"] if p["id"] == pid)
    return ConditionEdit(procedure["when"], CATALOGUE.facts, CATALOGUE.city.settings,
                         procedure.get("who") == "member")


def _shown(edit):
    return [("　" * r.depth) + r.text_ja for r in edit.rows()]


def _problems(pid, when):
    data = copy.deepcopy(SHIPPED)
    index = next(i for i, p in enumerate(data["procedures"]) if p["id"] == pid)
    data["procedures"][index]["when"] = when
    return catalogue_problems(data), f"procedures[{index}].when"


def test_paths_read_and_written():
    assert parse_path("") == []
    assert parse_path(".and[1].not.any_member") == [("and", 1), ("not", None),
                                                    ("any_member", None)]
    assert path_text(parse_path(".or[12].and[0]")) == ".or[12].and[0]"
    with pytest.raises(ValueError):
        parse_path(".fact")


def test_rows_read_as_japanese_with_member_facts_named_so():
    edit = _edit("prenatal_vouchers")
    shown = _shown(edit)
    assert shown[0] == "次のすべて"
    assert shown[1] == "　世帯員の 性別 が 男 以外"  # the label, not "male"
    assert "　世帯員の 年齢（法律上） が 12 以上" in shown
    assert [r.path for r in edit.rows()][:3] == ["", ".and[0]", ".and[1]"]
    assert _shown(_edit("resident_move_in")) == ["常に"]
    assert _shown(_edit("child_allowance_claim")) == [
        "世帯の誰かが次に当てはまる", "　世帯員の 学年 が 高校3年生の年代（12） 以下"]


def test_adding_grouping_negating_moving_and_removing_rows():
    edit = _edit("care_insurance_enroll")  # 年齢（法律上） が 65 以上, a member rule
    assert _shown(edit) == ["世帯員の 年齢（法律上） が 65 以上"]
    added = edit.add_compare("")  # a single comparison becomes すべて with a second row
    assert added == ".and[1]"
    assert edit.set_fact(added, "foreign_resident") == added
    assert _shown(edit) == ["次のすべて", "　世帯員の 年齢（法律上） が 65 以上",
                            "　世帯員の 外国籍の方"]
    assert edit.toggle_not(added) == added
    assert _shown(edit)[2:] == ["　次に当てはまらない", "　　世帯員の 外国籍の方"]
    inner = edit.add_group(added, "or")  # after the でない row
    assert inner == ".and[2].or[0]"
    edit.set_compare(inner, "health_insurance", "in", ["nhi", "late_elderly"])
    assert _shown(edit)[4:] == [
        "　次のいずれか",
        "　　世帯員の 加入する健康保険 が 国民健康保険・後期高齢者医療 のいずれか"]
    assert edit.switch_group(".and[2]") and _shown(edit)[4] == "　次のすべて"
    assert not edit.switch_group(".and[0]")
    assert edit.move(".and[2]", -1) == ".and[1]"
    assert _shown(edit)[2] == "　次のすべて"
    assert edit.move(".and[0]", -1) == ".and[0]"  # the first stays first
    assert edit.remove(".and[1].and[0]") == ".and[1]"  # its group, left empty, goes too
    assert edit.when == {"and": [{"fact": "legal_age", "op": ">=", "value": 65},
                                 {"not": {"fact": "foreign_resident"}}]}
    assert edit.remove(".and[1].not") == ".and[0]"
    assert edit.remove("") == "" and edit.when is True
    edit.add_compare("")  # 常に: the new row is the whole condition
    assert edit.rows()[0].kind == "compare"


def test_household_rules_read_member_facts_only_for_someone_in_the_household():
    edit = _edit("dog_registration")  # household: 犬を飼っている
    assert all(f.scope == "case" for f in edit.facts_at(""))
    where = edit.add_group("", "any_member")
    assert where == ".and[1].any_member"
    assert any(f.key == "age" for f in edit.facts_at(where))
    assert _problems("dog_registration", edit.when)[0] == []


def test_values_are_typed_by_the_facts_type():
    edit = _edit("care_insurance_enroll")
    age = CATALOGUE.facts["legal_age"]
    assert operators_for(CATALOGUE.facts["card_held"]) == ("==",)
    assert "in" not in operators_for(CATALOGUE.facts["move.date"])
    assert edit.typed(age, ">=", "７０") == 70
    assert edit.typed(age, "in", "1、2,3") == [1, 2, 3]
    shown = edit.value_input(CATALOGUE.facts["school_grade"], "<=", "")
    assert shown.kind == "text"
    assert shown.options == (("市の設定「子ども医療費の対象（学年の上限）」（9）",
                              {"setting": "child_medical_grade_cap"}),)
    insurance = edit.value_input(CATALOGUE.facts["health_insurance"], "in", "")
    assert insurance.kind == "pick_many" and insurance.options[1] == ("国民健康保険", "nhi")
    assert edit.value_input(CATALOGUE.facts["sex"], "==", "").options == (
        ("男", "male"), ("女", "female"))
    assert edit.value_input(CATALOGUE.facts["card_held"], "==", "").options == (
        ("はい", True), ("いいえ", False))
    edit.set_compare("", "card_held", "==", False)
    assert edit.when == {"fact": "card_held", "value": False}
    assert edit.compare_parts("") == (CATALOGUE.facts["card_held"], "==", False)
    edit.set_fact("", "legal_age")
    assert edit.when == {"fact": "legal_age", "op": "==", "value": 0}
    edit.set_operator("", "in")
    assert edit.when["value"] == [0]
    edit.set_operator("", ">=")
    assert edit.when["value"] == 0


def test_problems_stand_beside_their_rows():
    when = {"and": [{"fact": "legal_age", "op": ">=", "value": 65},
                    {"fact": "legal_age", "op": "<", "value": 40},
                    {"fact": "cat_owner"},
                    {"fact": "legal_age", "op": ">=", "value": "高齢"}]}
    problems, prefix = _problems("care_insurance_enroll", when)
    edit = ConditionEdit(when, CATALOGUE.facts, CATALOGUE.city.settings, True)
    rows = edit.rows()
    assert rows[3].text_ja == "「cat_owner」（誤りあり）"
    assert rows[4].text_ja == "世帯員の 年齢（法律上） が 高齢 以上（誤りあり）"
    found = problems_by_row(problems, prefix, rows)
    assert found[".and[2]"] == ["「cat_owner」という項目はありません"]
    assert found[".and[3]"] == ["「年齢（法律上）」の値として使えません: '高齢'"]
    fixed = edit.remove(".and[3]")
    edit.remove(".and[2]")
    problems, prefix = _problems("care_insurance_enroll", edit.when)
    assert fixed == ".and[2]"
    found = problems_by_row(problems, prefix, edit.rows())
    assert list(found) == [""]  # 65 以上 and 40 未満: never, said at the group
    assert "決して成り立ちません" in found[""][0]


def test_a_drafts_declared_facts_are_offered_while_it_has_problems():
    """A new question leaves a problem until a condition reads it: its fact must be offered
    all the same, or the builder could never use it."""
    from counter_app.rules.catalogue import declared_facts, parse
    from counter_app.rules.editing import DraftEdit

    edit = DraftEdit(SHIPPED)
    edit.add_question(0)
    edit.set_question_label(1, "ごみ袋の引換券が必要")
    edit.procedures()[0]["when"] = {"fact": "no_such_fact"}
    assert parse(edit.data)[0] is None  # the draft does not parse …
    facts = declared_facts(edit.data)
    assert facts["city_q1"].label_ja == "ごみ袋の引換券が必要"  # … its facts read all the same
    builder = ConditionEdit(True, facts, CATALOGUE.city.settings, True)
    builder.set_fact(builder.add_compare(""), "city_q1")
    assert _shown(builder) == ["世帯員の ごみ袋の引換券が必要"]
    assert declared_facts({"facts": "not a list"}) == {}
    assert declared_facts([]) == {}
