"""The config screen's logic without Qt: problem places in Japanese, typed values, the draft's
fields (a renamed section keeps its procedures, documents keep their conditions), the versions,
test results and the change log as rows a supervisor reads."""

import datetime as dt
import json
import re

import pytest

from counter_app.rules.catalogue import shipped_text
from counter_app.rules.editing import (
    AcceptRefused,
    DraftEdit,
    accept_result,
    change_lines_ja,
    date_ja,
    household_label,
    path_ja,
    problem_rows,
    result_rows,
    typed_value,
    version_rows,
)
from counter_app.rules.whatif import households_from_json, run_households, shipped_households
from counter_app.store.catalogues import CatalogueVersion, Origin, Status, catalogue_problems

SHIPPED = json.loads(shipped_text())


def _index(key, value):
    return next(i for i, item in enumerate(SHIPPED[key])
                if item.get("id", item.get("fact")) == value)


def test_paths_read_as_places():
    move_in = _index("procedures", "resident_move_in")
    assert path_ja(f"procedures[{move_in}].deadline.days", SHIPPED) == \
        "手続「転入届」 › 期限 › 日数"
    assert path_ja("procedures[resident_move_in].when.and[1]", SHIPPED) == \
        "手続「転入届」 › 条件 › 条件の一部 2番目"
    assert path_ja("city.settings.retention_days", SHIPPED) == "市の設定 › 個人情報の保存日数"
    assert path_ja("city.settings[child_medical_grade_cap]", SHIPPED) == \
        "市の設定 › 子ども医療費の対象（学年の上限）"
    assert path_ja("city.sections[0].counter_ja", SHIPPED) == "市の設定 › 課「市民課」 › 窓口"
    assert path_ja("city.name_ja", SHIPPED) == "市の設定 › 市の名前"
    assert path_ja("forms[resident_move]", SHIPPED) == "申請書「住民異動届」"
    assert path_ja("(root)", SHIPPED) == "全体"
    assert path_ja("procedures[99].title_ja", SHIPPED) == "手続「99」 › 名称"  # gone: no crash


def test_typed_values_are_numbers_when_they_read_as_one():
    assert typed_value(" １２ ") == 12
    assert typed_value("30") == 30
    assert typed_value("1万") == "1万"
    assert typed_value("") == ""


def test_a_bad_setting_is_a_problem_with_its_place():
    edit = DraftEdit(SHIPPED)
    edit.set_setting("retention_days", "0")
    edit.set_setting("child_medical_grade_cap", "高校")
    found = catalogue_problems(edit.data)
    rows = problem_rows(found, edit.data)
    assert [(r.place_ja, r.message_ja) for r in rows] == [
        ("市の設定 › 個人情報の保存日数", "保存日数は1〜3650日の整数です"),
        ("市の設定 › 子ども医療費の対象（学年の上限）",
         "対象の学年は0（就学前）～12（高校3年生の年代）の整数です")]
    edit.set_setting("retention_days", "45")
    edit.set_setting("child_medical_grade_cap", "12")
    assert catalogue_problems(edit.data) == []
    assert SHIPPED["city"]["settings"]["retention_days"] == 30  # the original is a copy


def test_closed_days_are_kept_sorted_once():
    edit = DraftEdit(SHIPPED)
    assert edit.add_closed_date(dt.date(2027, 8, 13))
    assert edit.add_closed_date(dt.date(2027, 1, 5))
    assert not edit.add_closed_date(dt.date(2027, 1, 5))
    assert edit.city["calendar"]["closed_dates"] == ["2027-01-05", "2027-08-13"]
    edit.remove_closed_date(dt.date(2027, 1, 5))
    assert edit.closed_dates() == [dt.date(2027, 8, 13)]
    assert date_ja(dt.date(2027, 1, 2)) == "令和9年1月2日（土）"


def test_a_renamed_section_keeps_its_procedures_and_moves_in_order():
    edit = DraftEdit(SHIPPED)
    before = sum(1 for p in SHIPPED["procedures"] if p["section"] == "市民課")
    edit.set_section(0, "name_ja", "住民課")
    assert sum(1 for p in edit.procedures() if p["section"] == "住民課") == before
    assert edit.move_section(0, -1) == 0  # already first
    assert edit.move_section(0, 1) == 1
    assert [s["name_ja"] for s in edit.sections()[:2]] == ["保険年金課", "住民課"]
    assert catalogue_problems(edit.data) == []


def test_documents_keep_their_conditions_and_deadlines_their_kind():
    edit = DraftEdit(SHIPPED)
    index = next(i for i, p in enumerate(SHIPPED["procedures"])
                 if any("when" in d for d in p.get("documents", [])))
    old = SHIPPED["procedures"][index]["documents"]
    conditioned = next(j for j, d in enumerate(old) if "when" in d)
    lines = [d["text_ja"] for d in old]
    lines[conditioned] = "書き直した持ち物"
    edit.set_documents(index, [*lines, "", "新しい持ち物"])
    documents = edit.procedures()[index]["documents"]
    assert documents[conditioned] == {**old[conditioned], "text_ja": "書き直した持ち物"}
    assert documents[-1] == {"text_ja": "新しい持ち物"}
    edit.set_deadline(index, "", "move_date", "速やかに")
    assert edit.procedures()[index]["deadline"] == {"text_ja": "速やかに"}
    edit.set_deadline(index, "", "move_date", "")
    assert edit.procedures()[index]["deadline"] is None
    edit.set_deadline(index, "14", "filing_date", "")
    assert edit.procedures()[index]["deadline"] == {"days": 14, "from": "filing_date"}
    assert catalogue_problems(edit.data) == []


def test_versions_newest_first_in_wareki():
    at = dt.datetime(2026, 12, 1, 1, 40, tzinfo=dt.UTC)
    versions = [
        CatalogueVersion(1, Status.RETIRED, Origin.SHIPPED, None, 1, "system", at, "system", at,
                         "system", at),
        CatalogueVersion(2, Status.DRAFT, Origin.COPY, 1, 3, "kansa", at, "kansa2", at, None,
                         None)]
    rows = version_rows(versions)
    assert [(r.number, r.status_ja, r.who, r.note_ja) for r in rows] == [
        (2, "下書き", "kansa2", "版 1 から作成"), (1, "過去", "システム", "出荷時の手続ルール")]
    assert rows[0].when_ja.startswith("令和8年12月1日")


def test_test_results_name_households_and_reasons_in_japanese():
    edit = DraftEdit(SHIPPED)
    edit.set_setting("child_medical_grade_cap", "12")
    from counter_app.rules import Catalogue

    results = run_households(Catalogue.from_dict(edit.data),
                             households_from_json(shipped_households()))
    summary, lines = result_rows(results, edit.data)
    assert summary == f"テスト世帯 {len(results)} 件：期待どおり {len(results) - 1} 件、違い 1 件"
    failing = next(r for r in results if not r.passed)
    assert [line.household for line in lines] == [failing.household.name] * len(lines)
    texts = [line.text for line in lines]
    assert texts[0] == f"■ {household_label(failing.household)}"
    assert household_label(failing.household).startswith("テスト世帯 15（")
    # Which procedure, which members were expected and which this draft decides, and why.
    assert texts[1] == ("　対象者が違う手続：子ども医療費 受給資格登録"
                        "（期待：世田谷 妹　この下書き：世田谷 兄、世田谷 妹）")
    assert texts[2] == "　　理由：世田谷 兄：学年 高校1年生の年代"


def test_a_households_result_becomes_its_expectation():
    """The cap raised to 12: accepting household 15's result makes it pass, changes only its
    expectation, and leaves the other households (and the input) as they were."""
    from counter_app.rules import Catalogue

    edit = DraftEdit(SHIPPED)
    edit.set_setting("child_medical_grade_cap", "12")
    catalogue = Catalogue.from_dict(edit.data)
    households = shipped_households()
    before = json.dumps(households, ensure_ascii=False)
    name = "15_three_generations_with_dog_and_moped"
    accepted = accept_result(catalogue, households, name)
    assert json.dumps(households, ensure_ascii=False) == before  # a new list
    assert all(r.passed for r in run_households(catalogue, households_from_json(accepted)))
    changed = [h["name"] for h, old in zip(accepted, households, strict=True) if h != old]
    assert changed == [name]
    rows = dict((p, m) for p, m in next(h for h in accepted
                                         if h["name"] == name)["household"]["expected"])
    assert rows["child_medical"] == [2, 4]
    # Under the shipped cap again the household now differs the other way.
    shipped = Catalogue.from_dict(SHIPPED)
    [result] = [r for r in run_households(shipped, households_from_json(accepted))
                if not r.passed]
    assert result.household.name == name
    with pytest.raises(AcceptRefused) as refused:
        accept_result(catalogue, households, "99_gone")
    assert refused.value.message_ja == "このテスト世帯はもうありません"


def test_a_household_that_cannot_be_decided_is_not_accepted():
    """An answer the draft does not know: determining refuses, so does accepting it."""
    from counter_app.rules import Catalogue

    name = "02_family_of_four_nhi"
    households = [dict(h, household={**h["household"],
                                     "answers": {**h["household"]["answers"], "no_such": True}})
                  if h["name"] == name else h for h in shipped_households()]
    with pytest.raises(AcceptRefused) as refused:
        accept_result(Catalogue.from_dict(SHIPPED), households, name)
    assert refused.value.message_ja == "このテスト世帯は判定できないため、期待値にできません"


def test_conditions_show_choice_and_setting_labels_not_codes():
    from counter_app.rules import default_catalogue
    from counter_app.rules.describe import describe_ja

    catalogue = default_catalogue()
    texts = {p.id: [row.text for row in describe_ja(p.when, catalogue)]
             for p in catalogue.procedures}
    assert "性別 が 男 以外" in texts["prenatal_vouchers"]
    assert "学年 が 市の設定「子ども医療費の対象（学年の上限）」（中学3年（9）） 以下" in \
        texts["child_medical"]
    shown = " ".join(t for rows in texts.values() for t in rows)
    assert not re.search(r"[A-Za-z_]{2,}", shown), shown


def test_change_lines_in_japanese_with_wareki_dates():
    assert change_lines_ja([
        "based on version 1", "in place of version 2", "+ the whole catalogue",
        "~ city.settings[retention_days]: 30 → 45",
        '~ city.calendar.closed_dates: [] → ["2027-01-05"]',
        "- procedures[resident_move_in]"], SHIPPED) == [
        "版 1 をもとに作成", "版 2 に代わって公開", "全体を新しく作成",
        "変更：市の設定 › 個人情報の保存日数：30 → 45",
        '変更：市の設定 › 休日 › 市の休日：[] → ["令和9年1月5日"]',
        "削除：手続「転入届」"]
    assert change_lines_ja(["~ households: ~ 15_three_generations; + 26_new_one"], SHIPPED) \
        == ["変更：テスト世帯 15の期待値", "追加：テスト世帯 26"]


def test_an_event_deadline_keeps_its_start_and_condition():
    index = next(i for i, p in enumerate(SHIPPED["procedures"])
                 if (p.get("deadline") or {}).get("from") == "event_date")
    edit = DraftEdit(SHIPPED)
    edit.procedures()[index]["deadline"]["when"] = {"fact": "move.other_prefecture"}
    edit.set_deadline(index, "20", "event_date", "")
    assert edit.procedures()[index]["deadline"] == {
        "when": {"fact": "move.other_prefecture"}, "days": 20, "from": "event_date"}


def _messages(data):
    from counter_app.reception.packet import form_facts
    from forms.templates import load_templates

    found = catalogue_problems(data, form_facts(load_templates()))
    return [(r.place_ja, r.message_ja) for r in problem_rows(found, data)]


def test_sections_added_and_removed_with_their_problems():
    edit = DraftEdit(SHIPPED)
    at = edit.add_section(0)
    assert at == 1 and edit.sections()[1]["name_ja"] == "新しい課"
    assert edit.sections()[edit.add_section(5)]["name_ja"] == "新しい課1"
    assert _messages(edit.data) == []
    citizens = edit.sections()[0]["name_ja"]
    edit.remove_section(0)
    found = _messages(edit.data)
    users = [p for p in SHIPPED["procedures"] if p["section"] == citizens]
    assert len(found) == len(users) > 0
    assert found[0][1] == f"課「{citizens}」がありません"


def test_a_procedure_added_named_given_a_form_kinds_and_removed():
    edit = DraftEdit(SHIPPED)
    at = edit.add_procedure(2)
    assert at == 3
    procedure = edit.procedures()[3]
    assert procedure["id"] == "city_procedure_1" and procedure["when"] is True
    assert _messages(edit.data) == [("手続「新しい手続」", "申請書も案内文もありません")]
    edit.set_procedure(3, "title_ja", "ごみ収集カレンダーの受け取り")
    edit.set_forms(3, ["address_change_notice"])
    edit.set_who(3, "member")
    edit.set_kinds(3, ["move_in", "move_within"])
    assert _messages(edit.data) == []
    edit.set_kinds(3, ["move_in", "birth"])  # a move's and an event's at once: refused
    assert _messages(edit.data) == [("手続「ごみ収集カレンダーの受け取り」 › 異動の種類",
                                     "異動の手続と出来事の手続は分けて書いてください")]
    edit.set_kinds(3, ["birth"])
    assert edit.procedures()[3].get("event_kinds") == ["birth"]
    assert "move_kinds" not in edit.procedures()[3]
    edit.set_procedure(3, "id", "Gomi")
    assert _messages(edit.data)[0][1] == "手続IDは半角英小文字・数字・_ で書いてください"
    edit.remove_procedure(3)
    assert edit.data["procedures"] == SHIPPED["procedures"]


def test_questions_added_typed_moved_and_removed_with_their_problems():
    edit = DraftEdit(SHIPPED)
    at = edit.add_question(0)
    assert at == 1
    key = edit.questions()[1]["fact"]
    assert key == "city_q1" and edit.only_asked(1)
    assert _messages(edit.data) == [("質問「{name}さんは、…ですか？」",
                                     "この質問の答えを使う条件や申請書がありません")]
    edit.set_question_label(1, "ごみ袋の引換券が必要")
    index = next(i for i, p in enumerate(edit.procedures()) if p["id"] == "nhi_enroll")
    edit.set_condition(index, {"and": [edit.procedures()[index]["when"], {"fact": key}]})
    assert _messages(edit.data) == []
    # Asked once for the household: the key becomes a case fact's, the rule follows it and
    # now reads it as a household fact.
    edit.set_question_scope(1, "case")
    assert edit.questions()[1]["fact"] == "household.city_q1"
    assert edit.procedures()[index]["when"]["and"][1] == {"fact": "household.city_q1"}
    assert edit.questions()[1]["text_ja"] == "…ですか？"  # no member's name any more
    assert _messages(edit.data) == []
    edit.set_answer_type(1, "choice")
    assert [c["label_ja"] for c in edit.choices("household.city_q1")] == ["選択肢1", "選択肢2"]
    assert _messages(edit.data)[0][1] == "値を比べる条件には値が必要です"
    assert edit.add_choice("household.city_q1") == 2
    edit.remove_choice("household.city_q1", 0)
    assert [c["value"] for c in edit.choices("household.city_q1")] == ["c2", "c3"]
    edit.set_answer_type(1, "bool")
    assert "choices" not in edit.fact("household.city_q1")
    assert edit.move_question(1, -1) == 0 and edit.move_question(0, -1) == 0
    # Removing a question a rule needs: a problem at the rule, the fact kept for its label.
    edit.remove_question(0)
    assert _messages(edit.data) == [("手続「国民健康保険 加入」 › 条件",
                                     "「ごみ袋の引換券が必要」を聞く質問がありません")]
    # A question nothing reads goes with its fact; a derived one's fact stays.
    fresh = DraftEdit(SHIPPED)
    fresh.add_question(0)
    fresh.remove_question(1)
    assert fresh.data == SHIPPED
    card = next(i for i, q in enumerate(fresh.questions()) if q["fact"] == "card_held")
    assert not fresh.only_asked(card)
