"""The reception session: every change saved, answers that follow their members, closing."""

import datetime as dt

import pytest

from counter_app.domain import ChecklistStatus, Member, MemberSource, MoveKind, Step
from counter_app.reception import NotReady, PromptKind, ReceptionSession, Refused
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter

TODAY = dt.date(2026, 4, 3)


@pytest.fixture
def session(sessions):
    repo = CaseRepository(sessions)
    session = ReceptionSession.new(default_catalogue(), CaseWriter(repo).save, TODAY)
    session.repo = repo
    return session


def _member(name, born, sex="male", source=MemberSource.CARD, address=""):
    return Member(name, dt.date.fromisoformat(born), sex, "", source, address)


def test_every_change_is_saved_as_it_happens(session):
    session.add_member(_member("北見\u3000太郎", "1985-06-15", address="茨城県つくば市千現９９"))
    stored = session.repo.load(session.case.id)
    assert stored.members[0].name == "北見\u3000太郎"
    assert stored.members[0].relationship == "世帯主"  # the first member heads the household
    assert stored.move.previous_address == "茨城県つくば市千現９９"  # from the card, on 転入
    assert stored.filed_on == TODAY
    session.answer("household.has_dog", True)
    assert session.repo.load(session.case.id).answers == {"household.has_dog": True}


def test_prompts_follow_the_determination(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    session.add_member(_member("北見\u3000太郎", "1985-06-15"))
    session.add_member(_member("北見\u3000花子", "1987-02-28", "female"))
    session.add_member(_member("北見\u3000さくら", "2022-05-05", "female", MemberSource.MANUAL))
    prompts = session.prompts()
    texts = [p.text_ja for p in prompts]
    assert "犬を飼っていますか？" in texts
    pregnancy = [p for p in prompts if p.fact == "pregnant"]
    assert len(pregnancy) == 1 and pregnancy[0].members == (1,)
    assert pregnancy[0].kind is PromptKind.WHO
    assert pregnancy[0].text_ja.startswith("世帯の中に")  # sensitive: asked of the household
    foreign = next(p for p in prompts if p.fact == "foreign_resident")
    assert foreign.kind is PromptKind.WHO and foreign.members == (0, 1, 2)  # once, not per member
    insurance = next(p for p in prompts if p.fact == "health_insurance")
    assert insurance.kind is PromptKind.EACH_MEMBER and insurance.members == (0, 1, 2)
    assert "北見 太郎さんが加入する健康保険はどれですか？" in insurance.member_texts
    session.answer_who(pregnancy[0], {1})
    assert session.case.answers["member.1.pregnant"] is True
    assert all(p.fact != "pregnant" for p in session.prompts())


def test_answers_follow_members_when_reordered_or_removed(session):
    session.add_member(_member("甲", "1985-06-15"))
    session.add_member(_member("乙", "1990-01-01", "female"))
    session.add_member(_member("丙", "2020-01-01", "female"))
    session.answer("member.1.pregnant", True)
    session.answer("member.2.needs_childcare", True)
    session.move_member(1, -1)
    assert [m.name for m in session.case.members] == ["乙", "甲", "丙"]
    assert session.case.answers["member.0.pregnant"] is True
    session.remove_member(1)
    assert [m.name for m in session.case.members] == ["乙", "丙"]
    assert session.case.answers == {"member.0.pregnant": True, "member.1.needs_childcare": True}
    assert session.repo.load(session.case.id).answers == session.case.answers


def test_a_case_cannot_close_while_anything_is_unaddressed(session):
    session.set_move(MoveKind.MOVE_WITHIN, dt.date(2026, 4, 1), "北海道あおば市本町",
                     "北海道あおば市緑町")
    with pytest.raises(NotReady) as refused:
        session.close()
    assert "世帯員" in refused.value.message_ja
    session.add_member(_member("緑町\u3000一人", "1956-02-02"))
    with pytest.raises(NotReady) as refused:
        session.close()
    assert "聞き取り" in refused.value.message_ja
    _answer_everything(session, lambda key: False)
    with pytest.raises(NotReady) as refused:
        session.close()
    assert "未対応の手続があります：転居届" in refused.value.message_ja
    with pytest.raises(Refused) as refused:
        session.set_status("card_continued_use", ChecklistStatus.NOT_NEEDED, " ")
    assert "理由" in refused.value.message_ja
    for procedure_id in session.unaddressed():
        session.set_status(procedure_id, ChecklistStatus.DONE)
    session.go_to(Step.CHECKLIST)
    session.close()
    assert session.repo.open_cases() == []
    assert session.repo.load(session.case.id).checklist["resident_move_within"].status \
        is ChecklistStatus.DONE


def test_a_closed_case_can_be_reprinted_but_not_changed(session):
    session.set_move(MoveKind.MOVE_WITHIN, dt.date(2026, 4, 1), "北海道あおば市本町",
                     "北海道あおば市緑町")
    session.add_member(_member("緑町\u3000一人", "1956-02-02"))
    _answer_everything(session, lambda key: False)
    for procedure_id in session.unaddressed():
        session.set_status(procedure_id, ChecklistStatus.DONE)
    session.close()
    with pytest.raises(NotReady) as refused:
        session.answer("household.has_dog", True)
    assert "完了した受付は変更できません" in refused.value.message_ja
    with pytest.raises(NotReady):
        session.add_member(_member("乙", "1990-01-01"))
    session.record_output({"resident_move": "f1"}, "printed", "COUNTER_1")
    assert session.repo.load(session.case.id).last_print("resident_move").where == "COUNTER_1"


def test_a_mark_stops_holding_when_the_procedure_concerns_other_members(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    session.add_member(_member("甲", "1985-06-15"))
    _answer_everything(session, lambda key: "nhi" if key.endswith("health_insurance") else False)
    session.set_status("nhi_enroll", ChecklistStatus.DONE)
    session.add_member(_member("乙", "1988-01-01", "female"))
    session.answer("member.1.health_insurance", "employee")
    _answer_everything(session, lambda key: False)
    assert session.entry("nhi_enroll").status is ChecklistStatus.DONE  # still only 甲
    session.answer("member.1.health_insurance", "nhi")  # 乙 joins 国保 too
    assert session.entry("nhi_enroll").status is ChecklistStatus.PENDING
    assert "nhi_enroll" in session.unaddressed()
    session.set_status("nhi_enroll", ChecklistStatus.DONE)
    session.move_member(1, -1)  # the same two people in another order: the mark holds
    assert session.entry("nhi_enroll").status is ChecklistStatus.DONE
    assert session.repo.load(session.case.id).checklist["nhi_enroll"].members == (0, 1)


def _answer_everything(session, value):
    while session.prompts():
        prompt = session.prompts()[0]
        if prompt.kind is PromptKind.WHICH_ONE:
            session.answer_which_one(prompt, prompt.members[0])
            continue
        answer = value(prompt.fact)
        if prompt.spec.type == "choice" and answer is False:
            answer = prompt.spec.choices[0][0]
        session.set_answers({key: answer for key in prompt.keys()})


def test_a_refused_answer_leaves_the_case_as_it_was(session):
    session.add_member(_member("甲", "1985-06-15"))
    saved = session.repo.load(session.case.id)
    for key, value in (("member.0.health_insurance", "bogus"), ("member.3.pregnant", True),
                       ("member.0.age", 30), ("no.such_fact", True)):
        with pytest.raises(Refused) as refused:
            session.answer(key, value)
        assert refused.value.message_ja  # a Japanese reason for staff
        assert session.case.answers == {} and session.repo.load(session.case.id) == saved
    session.answer("member.0.health_insurance", "nhi")  # and the session still works
    assert session.case.answers == {"member.0.health_insurance": "nhi"}


def test_answers_stay_visible_and_can_be_changed(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    session.add_member(_member("甲", "1985-06-15"))
    session.add_member(_member("乙", "2022-05-05", "female", MemberSource.MANUAL))
    session.answer("household.has_dog", True)
    session.set_answers({"member.0.health_insurance": "nhi", "member.1.health_insurance": "nhi"})
    listed = {a.prompt.fact: a for a in session.answered()}
    assert listed["household.has_dog"].summary_ja(["甲", "乙"]) == "はい"
    assert listed["health_insurance"].summary_ja(["甲", "乙"]) == \
        "甲：国民健康保険／乙：国民健康保険"
    assert any(p.id == "dog_registration" for p in session.determination.procedures)
    session.answer("household.has_dog", False)  # mis-keyed: changed, and the result follows
    assert not any(p.id == "dog_registration" for p in session.determination.procedures)
    session.clear_answers(["member.1.health_insurance"])
    assert "member.1.health_insurance" in session.open_keys()


def test_two_possible_parents_are_asked_who_claims_the_child_allowance(session):
    session = ReceptionSession(session.case, default_catalogue(), lambda case: None, TODAY,
                               form_facts={"child_allowance_claim":
                                           frozenset({"allowance_claimant"})})
    session.add_member(_member("祖父", "1950-01-01"))
    session.add_member(_member("父", "1980-01-01"))
    session.add_member(_member("母", "1982-01-01", "female"))
    session.add_member(_member("孫", "2020-01-01", "female"))
    for index, relationship in ((1, "子"), (2, "子の妻"), (3, "孫")):
        session.set_relationship(index, relationship)
    prompt = next(p for p in session.prompts() if p.fact == "allowance_claimant")
    assert prompt.kind is PromptKind.WHICH_ONE and prompt.members == (1, 2)  # not the grandfather
    session.answer_which_one(prompt, 2)
    assert (session.case.answers["member.1.allowance_claimant"],
            session.case.answers["member.2.allowance_claimant"]) == (False, True)
    from counter_app.domain import roles
    assert roles.claimant(session.case) == 2 and roles.guardian(session.case, 3) == 2


def test_marks_wait_for_the_interview(session):
    session.add_member(_member("甲", "1985-06-15"))
    with pytest.raises(NotReady) as refused:
        session.set_status("resident_move_in", ChecklistStatus.DONE)
    assert "聞き取り" in refused.value.message_ja


def test_a_case_resumes_under_a_catalogue_that_no_longer_knows_an_answer(session):
    import json

    from counter_app.rules import Catalogue

    session.add_member(_member("甲", "1985-06-15"))
    session.answer("member.0.health_insurance", "welfare")
    data = json.loads(default_catalogue().to_json())
    insurance = next(f for f in data["facts"] if f["key"] == "health_insurance")
    insurance["choices"] = [c for c in insurance["choices"] if c["value"] != "welfare"]
    newer = Catalogue.from_dict(data)
    resumed = ReceptionSession(session.repo.load(session.case.id), newer, lambda case: None)
    assert resumed.case.set_aside == {"member.0.health_insurance": "welfare"}
    assert "member.0.health_insurance" in resumed.open_keys()  # asked again, nothing lost


def test_discarding_needs_a_reason(session):
    from counter_app.domain import CaseStatus

    session.add_member(_member("甲", "1985-06-15"))
    with pytest.raises(Refused):
        session.discard("  ")
    session.discard("住民の方が帰られたため")
    stored = session.repo.load(session.case.id)
    assert stored.status is CaseStatus.DISCARDED
    assert stored.discard_reason == "住民の方が帰られたため"
    assert session.repo.open_cases() == []


def test_a_form_that_prints_a_derived_fact_does_not_ask_it(session):
    """後期高齢者医療異動届 prints 他の都道府県から/同じ都道府県内から: when both addresses name
    their prefecture the answer is known and nobody is asked; when one does not, it is asked."""
    session = ReceptionSession(session.case, default_catalogue(), lambda case: None, TODAY,
                               form_facts={"late_elderly_change":
                                           frozenset({"move.other_prefecture"})})
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市千現９９",
                     "北海道あおば市本町１－１")
    session.add_member(_member("甲", "1940-06-15"))
    assert any(p.id == "late_elderly_enroll" for p in session.determination.procedures)
    assert "move.other_prefecture" not in session.open_keys()
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "つくば市千現９９",
                     "北海道あおば市本町１－１")
    assert "move.other_prefecture" in session.open_keys()
