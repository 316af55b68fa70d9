"""The interview as the screen reads it, without Qt: one row per question, answered or open;
フリガナ confirmed in one change; answers a newer catalogue put aside, in words for staff."""

import datetime as dt
import json

import pytest

from counter_app.domain import Member, MemberSource, MoveKind
from counter_app.reception import PromptKind, ReceptionSession, Refused
from counter_app.reception.interview import kana_lines, kana_to_confirm, set_aside_lines
from counter_app.rules import Catalogue, default_catalogue
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter

TODAY = dt.date(2026, 4, 3)
CLAIM_FORM = {"child_allowance_claim": frozenset({"allowance_claimant"})}


@pytest.fixture
def session(sessions):
    repo = CaseRepository(sessions)
    session = ReceptionSession.new(default_catalogue(), CaseWriter(repo).save, TODAY,
                                   form_facts=CLAIM_FORM)
    session.repo = repo
    return session


def _family(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    for name, born, sex in (("北見\u3000太郎", "1985-06-15", "male"),
                            ("北見\u3000花子", "1987-02-28", "female"),
                            ("北見\u3000一郎", "2016-05-05", "male")):
        session.add_member(Member(name, dt.date.fromisoformat(born), sex, "",
                                  MemberSource.CARD, ""))


def _row(session, fact):
    return next(r for r in session.interview() if r.prompt.fact == fact)


def test_a_question_partly_answered_is_one_row_with_its_answers_and_its_open_members(session):
    _family(session)
    session.answer("member.0.health_insurance", "employee")
    rows = [r for r in session.interview() if r.prompt.fact == "health_insurance"]
    assert len(rows) == 1
    row = rows[0]
    assert row.prompt.kind is PromptKind.EACH_MEMBER and row.prompt.members == (0, 1, 2)
    assert row.is_open and row.unanswered() == (1, 2)
    assert row.value(0) == "employee"
    assert row.open_keys == ("member.1.health_insurance", "member.2.health_insurance")
    assert row.previous_answer(1) == "employee" and row.previous_answer(0) is None
    session.set_answers({"member.1.health_insurance": "employee",
                         "member.2.health_insurance": "employee"})
    row = _row(session, "health_insurance")
    assert not row.is_open
    assert row.summary_ja(["太郎", "花子", "一郎"]) == (
        "太郎：勤務先の健康保険（被用者保険）／花子：勤務先の健康保険（被用者保険）／"
        "一郎：勤務先の健康保険（被用者保険）")


def test_the_rows_follow_the_catalogue_and_list_every_open_prompt(session):
    _family(session)
    rows = session.interview()
    assert [r.prompt.fact for r in rows if r.is_open] == [p.fact for p in session.prompts()]
    session.answer("household.has_dog", True)
    assert not _row(session, "household.has_dog").is_open
    assert _row(session, "household.has_dog").summary_ja([]) == "はい"


def test_the_claimant_row_keeps_both_parents_once_one_is_chosen(session):
    """Without the other parent on the row, a claimant chosen by mistake could not be changed."""
    _family(session)
    prompt = next(p for p in session.prompts() if p.fact == "allowance_claimant")
    session.answer_which_one(prompt, 1)
    row = _row(session, "allowance_claimant")
    assert row.prompt.kind is PromptKind.WHICH_ONE
    assert row.prompt.members == (0, 1) and not row.is_open
    assert row.summary_ja(["太郎", "花子", "一郎"]) == "花子"
    session.answer_which_one(row.prompt, 0)
    assert _row(session, "allowance_claimant").summary_ja(["太郎", "花子", "一郎"]) == "太郎"


def test_kana_is_normalised_and_written_for_all_members_in_one_change(session):
    _family(session)
    saves = []
    session._save = saves.append
    session.set_kana({0: "きたみ たろう", 1: "ｷﾀﾐ ﾊﾅｺ"})
    assert [m.kana for m in session.case.members] == [
        "キタミ\u3000タロウ", "キタミ\u3000ハナコ", ""]
    assert len(saves) == 1  # one change, one save


def test_a_bad_kana_refuses_the_whole_change_with_a_message(session):
    _family(session)
    saved = session.repo.load(session.case.id)
    with pytest.raises(Refused) as refused:
        session.set_kana({0: "キタミ　タロウ", 1: "Kitami Hanako"})
    assert "カタカナ" in refused.value.message_ja
    assert "Kitami" not in str(refused.value)  # the log line holds no name
    assert [m.kana for m in session.case.members] == ["", "", ""]
    assert session.repo.load(session.case.id) == saved
    with pytest.raises(Refused):
        session.set_kana({5: "キタミ"})


def test_confirming_takes_the_proposals_only_for_members_without_kana(session):
    _family(session)
    session.set_kana({2: "キタミ　イチロウ"})
    proposals = {"北見\u3000太郎": "キタミ\u3000タロウ", "北見\u3000花子": "",
                 "北見\u3000一郎": "キタミ\u3000カズオ"}
    lines = kana_lines(session.case, proposals)
    assert [(line.name, line.kana, line.proposal) for line in lines] == [
        ("北見 太郎", "", "キタミ\u3000タロウ"), ("北見 花子", "", ""),
        ("北見 一郎", "キタミ\u3000イチロウ", "キタミ\u3000カズオ")]
    assert [line.waiting for line in lines] == [True, False, False]
    assert kana_to_confirm(lines) == {0: "キタミ\u3000タロウ"}  # 花子 has none: staff type it
    assert kana_lines(session.case, {})[0].proposal is None  # still being worked out
    assert kana_lines(session.case, {})[0].waiting


def test_answers_a_newer_catalogue_does_not_accept_are_shown_in_words(session):
    _family(session)
    session.set_answers({"member.0.health_insurance": "welfare", "household.has_dog": True})
    data = json.loads(default_catalogue().to_json())
    insurance = next(f for f in data["facts"] if f["key"] == "health_insurance")
    insurance["choices"] = [c for c in insurance["choices"] if c["value"] != "welfare"]
    data["facts"] = [f for f in data["facts"] if f["key"] != "household.has_dog"]
    data["questions"] = [q for q in data["questions"] if q["fact"] != "household.has_dog"]
    # The city no longer handles dogs at this counter: the procedure goes with its question.
    data["procedures"] = [p for p in data["procedures"] if "has_dog" not in json.dumps(p["when"])]
    newer = Catalogue.from_dict(data)
    resumed = ReceptionSession(session.repo.load(session.case.id), newer, lambda case: None)
    assert set_aside_lines(resumed.case, newer) == [
        "北見 太郎さん：加入する健康保険：現在は選べない回答",
        "現在の手続ルールにない質問：はい"]
    resumed.answer("member.0.health_insurance", "nhi")  # asked again and answered
    assert set_aside_lines(resumed.case, newer) == ["現在の手続ルールにない質問：はい"]


def test_a_person_alone_is_asked_directly_not_whether_anyone_in_the_household(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    session.add_member(Member("北見\u3000太郎", dt.date(1985, 6, 15), "male", "",
                              MemberSource.CARD, ""))
    foreign = next(p for p in session.prompts() if p.fact == "foreign_resident")
    assert foreign.kind is PromptKind.EACH_MEMBER
    assert foreign.text_ja == "北見 太郎さんは、外国籍の方ですか？"
    session.answer("member.0.foreign_resident", False)
    assert _row(session, "foreign_resident").summary_ja(["北見 太郎"]) == "いいえ"
