"""The reception session: every change saved, answers that follow their members, closing."""

import datetime as dt

import pytest

from counter_app.domain import ChecklistStatus, Member, MemberSource, MoveKind, Step
from counter_app.reception import NotReady, ReceptionSession
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository

TODAY = dt.date(2026, 4, 3)


@pytest.fixture
def session(sessions):
    repo = CaseRepository(sessions)
    session = ReceptionSession.new(default_catalogue(), repo.save, TODAY)
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
    assert pregnancy[0].text_ja.startswith("世帯の中に")  # sensitive: asked of the household
    foreign = next(p for p in prompts if p.fact == "foreign_resident")
    assert foreign.asked_of_household and foreign.members == (0, 1, 2)  # once, not per member
    assert "北見 太郎さんが加入する健康保険はどれですか？" in texts
    session.answer_household(pregnancy[0], {1})
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
    with pytest.raises(NotReady, match="世帯員"):
        session.close()
    session.add_member(_member("緑町\u3000一人", "1956-02-02"))
    with pytest.raises(NotReady, match="聞き取り"):
        session.close()
    for prompt in session.prompts():
        for key in prompt.keys():
            session.answer(key, False)
    with pytest.raises(NotReady, match="未対応の手続があります：転居届"):
        session.close()
    with pytest.raises(ValueError, match="理由"):
        session.set_status("card_continued_use", ChecklistStatus.NOT_NEEDED, " ")
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
    for prompt in session.prompts():
        for key in prompt.keys():
            session.answer(key, False)
    for procedure_id in session.unaddressed():
        session.set_status(procedure_id, ChecklistStatus.DONE)
    session.close()
    with pytest.raises(NotReady, match="完了した受付は変更できません"):
        session.answer("household.has_dog", True)
    with pytest.raises(NotReady):
        session.add_member(_member("乙", "1990-01-01"))
    session.record_output(["resident_move"], "printed", "COUNTER_1")
    assert session.repo.load(session.case.id).prints["resident_move"].where == "COUNTER_1"


def test_a_mark_stops_holding_when_the_procedure_concerns_other_members(session):
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", "北海道あおば市本町")
    session.add_member(_member("甲", "1985-06-15"))
    session.answer("member.0.health_insurance", "nhi")
    session.set_status("nhi_enroll", ChecklistStatus.DONE)
    session.add_member(_member("乙", "1988-01-01", "female"))
    assert session.entry("nhi_enroll").status is ChecklistStatus.DONE  # still only 甲
    session.answer("member.1.health_insurance", "nhi")  # 乙 joins 国保 too
    assert session.entry("nhi_enroll").status is ChecklistStatus.PENDING
    assert "nhi_enroll" in session.unaddressed()
    session.set_status("nhi_enroll", ChecklistStatus.DONE)
    session.move_member(1, -1)  # the same two people in another order: the mark holds
    assert session.entry("nhi_enroll").status is ChecklistStatus.DONE
    assert session.repo.load(session.case.id).checklist["nhi_enroll"].members == (0, 1)
