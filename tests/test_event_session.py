"""Life events at the counter, without Qt: choosing the event, its people, newborns, and the
move that may come with it. Every operation is checked before it changes the case: a refused
one leaves the stored case exactly as it was and says why in Japanese."""

import datetime as dt

import pytest

from counter_app.domain import EventKind, Member, MemberSource, MoveKind, PersonRef
from counter_app.reception import ReceptionSession, Refused
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter

TODAY = dt.date(2026, 11, 20)
DIED = dt.date(2026, 11, 17)


@pytest.fixture
def session(sessions):
    repo = CaseRepository(sessions)
    session = ReceptionSession.new(default_catalogue(), CaseWriter(repo).save, TODAY)
    session.repo = repo
    return session


def _card(name, born, sex="male", address="北海道あおば市本町１－１"):
    return Member(name, dt.date.fromisoformat(born), sex, "", MemberSource.CARD, address)


def _couple(session):
    session.add_member(_card("北見\u3000太郎", "1950-03-01"))
    session.add_member(_card("北見\u3000花子", "1953-07-07", "female"))


def _newborn(name="北見\u3000ゆい", born="2026-11-10", sex="female"):
    return Member(name, dt.date.fromisoformat(born), sex, "", kana="キタミ　ユイ")


def stored(session):
    return session.repo.load(session.case.id)


def refused(operation) -> str:
    with pytest.raises(Refused) as caught:
        operation()
    return caught.value.message_ja


def test_a_death_replaces_the_untouched_move_and_names_the_deceased(session):
    _couple(session)
    session.set_event(EventKind.DEATH, DIED, subject=0)
    case = stored(session)
    assert case.move is None  # nothing was typed for the 転入 a new case starts with
    assert case.event.kind is EventKind.DEATH and case.event.subject == 0
    ids = {p.id for p in session.determination.procedures}
    assert "nhi_loss_deceased" in ids or "death.was_head" not in session.open_keys()
    assert "event.registration_filed" in session.open_keys()  # the death's own questions


def test_an_event_keeps_a_move_that_was_typed(session):
    _couple(session)
    session.set_move(MoveKind.MOVE_IN, dt.date(2026, 11, 18), "東京都新宿区", "北海道あおば市緑町")
    session.set_event(EventKind.MARRIAGE, DIED, spouses=(0, 1))
    case = stored(session)
    assert case.move.kind is MoveKind.MOVE_IN and case.event.spouses == (0, 1)
    session.set_move_kind(MoveKind.MOVE_WITHIN)
    assert stored(session).move.new_address == "北海道あおば市緑町"  # the typed address stays


def test_move_and_event_can_each_be_taken_away_but_not_both(session):
    _couple(session)
    message = refused(session.clear_move)
    assert "おくやみ" in message and stored(session).move is not None
    session.set_event(EventKind.DEATH, DIED, subject=0)
    message = refused(session.clear_event)  # the event replaced the empty move
    assert "転入" in message and stored(session).event is not None
    session.set_move_kind(MoveKind.MOVE_WITHIN)  # おくやみ + 転居
    assert stored(session).move.date == DIED
    session.clear_event()
    assert stored(session).event is None and stored(session).move.kind is MoveKind.MOVE_WITHIN


@pytest.mark.parametrize(("call", "words"), [
    (lambda s: s.set_event(EventKind.DEATH, DIED), "亡くなった方を選んでください"),
    (lambda s: s.set_event(EventKind.DEATH, DIED, subject=5), "その世帯員はいません"),
    (lambda s: s.set_event(EventKind.MARRIAGE, DIED, spouses=(0, 0)), "別々のお二人"),
    (lambda s: s.set_event(EventKind.DIVORCE, DIED), "離婚のお二人を世帯員に登録して"),
    (lambda s: s.set_event(EventKind.BIRTH, DIED, subject=0), "おくやみの受付だけ"),
    (lambda s: s.set_event(EventKind.MARRIAGE, DIED, spouses=(0, 1), court=True), "離婚の受付だけ"),
    (lambda s: s.set_event(EventKind.DEATH, dt.date(2019, 1, 1), subject=0), "までの日付で"),
    (lambda s: s.choose_subject(0), "先に届出の事由"),
    (lambda s: s.set_spouses(0, 1), "先に届出の事由"),
    (lambda s: s.set_event_date(DIED), "先に届出の事由"),
    (lambda s: s.add_newborn(_newborn(), 3000), "出生の受付で行います"),
])
def test_event_operations_are_refused_with_the_reason_and_change_nothing(session, call, words):
    _couple(session)
    before = stored(session).to_dict()
    assert words in refused(lambda: call(session))
    assert stored(session).to_dict() == before


def test_the_deceased_and_the_spouses_are_changed_among_the_members(session):
    _couple(session)
    session.add_member(_card("北見\u3000一郎", "1980-01-01"))
    session.set_event(EventKind.DEATH, DIED, subject=0)
    session.choose_subject(1)
    assert stored(session).event.subject == 1
    assert "亡くなった方は削除できません" in refused(lambda: session.remove_member(1))
    assert "その世帯員はいません" in refused(lambda: session.choose_subject(3))
    session.set_event(EventKind.DIVORCE, DIED, spouses=(0, 1), court=True)
    session.set_spouses(1, 2)
    case = stored(session)
    assert case.event.spouses == (1, 2) and case.event.court and case.event.subject is None
    assert "夫婦のお一人は削除できません" in refused(lambda: session.remove_member(2))
    assert "亡くなった方を選ぶのはおくやみ" in refused(lambda: session.choose_subject(0))


def test_twins_are_two_newborns_with_their_weights_and_the_birth_date(session):
    session.add_member(_card("北見\u3000太郎", "1990-03-01"))
    session.add_member(_card("北見\u3000花子", "1992-07-07", "female"))
    session.set_event(EventKind.BIRTH, TODAY)
    session.add_newborn(_newborn(), 2499)
    session.add_newborn(_newborn("北見\u3000あお", sex="male"), 2500)
    case = stored(session)
    assert [m.newborn for m in case.members] == [False, False, True, True]
    assert case.event.date == dt.date(2026, 11, 10)  # the birth, not the day it was chosen
    assert case.answers["member.2.birth_weight_g"] == 2499
    assert case.answers["member.3.birth_weight_g"] == 2500
    assert case.members[2].relationship == "子" and case.members[2].address
    low = next(p for p in session.determination.procedures if p.id == "low_birth_weight_report")
    assert list(low.members) == [2]  # 2,499 g but not 2,500 g
    assert not any(k.endswith("birth_weight_g") for k in session.open_keys())
    session.set_event_date(dt.date(2026, 11, 11))
    assert {m.birth_date for m in stored(session).members if m.newborn} == {dt.date(2026, 11, 11)}


@pytest.mark.parametrize(("weight", "member", "words"), [
    (299, _newborn(), "300〜6000グラム"),
    (6001, _newborn(), "300〜6000グラム"),
    (True, _newborn(), "300〜6000グラム"),
    (3000, _newborn(sex=""), "性別を選んでください"),
    (3000, _newborn(born="2026-11-21"), "今日より後"),
])
def test_a_newborn_is_refused_whole(session, weight, member, words):
    session.add_member(_card("北見\u3000太郎", "1990-03-01"))
    session.set_event(EventKind.BIRTH, TODAY)
    before = stored(session).to_dict()
    assert words in refused(lambda: session.add_newborn(member, weight))
    assert stored(session).to_dict() == before


def test_a_birth_with_newborns_cannot_become_another_event(session):
    session.add_member(_card("北見\u3000太郎", "1990-03-01"))
    session.add_member(_card("北見\u3000花子", "1992-07-07", "female"))
    session.set_event(EventKind.BIRTH, TODAY)
    session.set_move_kind(MoveKind.MOVE_IN)  # 出生 + 転入
    session.add_newborn(_newborn(), 3000)
    assert "新生児を削除" in refused(session.clear_event)
    assert "新生児を削除" in refused(
        lambda: session.set_event(EventKind.MARRIAGE, DIED, spouses=(0, 1)))
    session.remove_member(2)
    session.clear_event()
    assert stored(session).event is None


def test_a_birth_weight_answered_in_the_interview_is_checked_like_the_dialogs(session):
    session.add_member(_card("北見\u3000太郎", "1990-03-01"))
    session.set_event(EventKind.BIRTH, TODAY)
    session.add_newborn(_newborn(), 3000)
    session.clear_answers(["member.1.birth_weight_g"])
    assert "member.1.birth_weight_g" in session.open_keys()  # asked again in the interview
    before = stored(session).to_dict()
    assert "300〜6000グラム" in refused(lambda: session.answer("member.1.birth_weight_g", 30000))
    assert stored(session).to_dict() == before
    session.answer("member.1.birth_weight_g", 2400)
    assert "low_birth_weight_report" in {p.id for p in session.determination.procedures}


def test_a_deceased_head_neither_heads_nor_files_and_survivors_keep_the_registers_relations(
        session):
    """LIFE_EVENTS.md: in a death case 続柄 are the register's before the death; the deceased
    head keeps 世帯主 but is not the head after it, nor the 届出人 (staff choose them)."""
    from counter_app.domain import roles

    session.add_member(_card("北見\u3000太郎", "1950-03-01"))  # 世帯主
    session.set_event(EventKind.DEATH, DIED, subject=0)
    session.add_member(_card("北見\u3000花子", "1953-07-07", "female"))
    case = session.case
    assert case.members[0].relationship == "世帯主"
    assert case.members[1].relationship == "妻"  # against the deceased head, not 世帯主
    # One member of 15 or more left: she heads the household (no 世帯主変更届 is due).
    assert roles.head_member(case) == 1 and roles.filer(case).member == 1
    session.add_member(_card("北見\u3000一郎", "1980-01-01"))
    case = session.case
    assert case.members[2].relationship == "子"
    # Two left: staff choose the new head (F7); the deceased is neither head nor filer.
    assert roles.head(case) is None and roles.filer(case) is None
    for operation in (lambda: session.set_head(PersonRef(member=0)),
                      lambda: session.set_filer(PersonRef(member=0)),
                      lambda: session.set_roles(PersonRef(member=1), PersonRef(member=0), None)):
        assert "亡くなった方は世帯主・届出人にできません" in refused(operation)
    session.set_roles(PersonRef(member=1), PersonRef(member=1, phone="011-000-0000"), None)
    assert roles.head_member(session.case) == 1
    # The register's 続柄 stay: the deceased was the head, so a 世帯主変更届 may be needed.
    assert [m.relationship for m in session.case.members] == ["世帯主", "妻", "子"]
    assert "death.was_head" not in session.open_keys()


def test_the_deceased_typed_by_hand_is_confirmed_by_the_card_read_later(session):
    typed = Member("青葉\u3000正夫", dt.date(1950, 2, 10), "male", "世帯主")  # misread 男
    session.add_member(typed)
    session.set_event(EventKind.DEATH, DIED, subject=0)
    other = _card("青葉\u3000和子", "1958-06-01", "female")
    before = stored(session).to_dict()
    assert "生年月日が、入力した方と違います" in refused(lambda: session.confirm_by_card(0, other))
    assert stored(session).to_dict() == before
    session.confirm_by_card(0, _card("青葉\u3000正男", "1950-02-10"))
    case = stored(session)
    assert len(case.members) == 1 and case.members[0].name == "青葉\u3000正男"
    assert case.members[0].source is MemberSource.CARD and case.event.subject == 0
    assert session.notice.startswith("青葉 正男さんの手入力をカードで確認しました")


def test_the_day_the_death_became_known_moves_the_deadlines_that_count_from_it(session):
    _couple(session)
    session.set_event(EventKind.DEATH, DIED, subject=0)
    session.answer("event.registration_filed", False)  # 死亡届 is filed here
    deadline = {p.id: p.deadline for p in session.determination.procedures}
    # 7 days counting the first: 11/23 is 勤労感謝の日, so the 24th.
    assert deadline["death_registration"] == dt.date(2026, 11, 24)
    session.set_known_date(dt.date(2026, 11, 19))
    assert stored(session).event.known_date == dt.date(2026, 11, 19)
    deadline = {p.id: p.deadline for p in session.determination.procedures}
    assert deadline["death_registration"] == dt.date(2026, 11, 25)  # 7 days from knowing
    for date, words in ((dt.date(2026, 11, 16), "死亡日と同じか"),
                        (dt.date(2026, 11, 21), "今日より後")):
        with pytest.raises(Refused) as refused:
            session.set_known_date(date)
        assert words in refused.value.message_ja
    assert stored(session).event.known_date == dt.date(2026, 11, 19)  # unchanged
    with pytest.raises(Refused):  # the death cannot move past the day it became known
        session.set_event_date(dt.date(2026, 11, 20))
    session.set_known_date(DIED)  # the same day: nothing to keep
    assert stored(session).event.known_date is None


def test_only_a_death_has_a_day_it_became_known(session):
    _couple(session)
    session.set_event(EventKind.MARRIAGE, DIED, spouses=(0, 1))
    with pytest.raises(Refused) as refused:
        session.set_known_date(dt.date(2026, 11, 18))
    assert "おくやみ" in refused.value.message_ja
