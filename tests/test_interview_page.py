"""The interview page, driven by keyboard on the real window over a real SQLite store: answers
stay visible and can be changed or taken back, each kind of question, the all-same key, the
フリガナ row, refusals that leave the case as it was, and a case resumed under newer rules."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel

from counter_app.domain import Case, CaseStatus, Member, MemberSource, Move, MoveKind, Step
from counter_app.store.cases import CaseWriter
from counter_app.ui.interview import EVERYONE

FAMILY = [("北見\u3000太郎", "1985-06-15", "male"), ("北見\u3000花子", "1987-02-28", "female"),
          ("北見\u3000一郎", "2016-05-05", "male"), ("北見\u3000さくら", "2024-01-10", "female")]
KANA = ["キタミ\u3000タロウ", "キタミ\u3000ハナコ", "キタミ\u3000イチロウ", "キタミ\u3000サクラ"]


@pytest.fixture
def window(make_window, sessions):
    window = make_window(sessions)
    window.resize(1366, 768)
    return window


def _members(family, kana=(), stored=False):
    """Members as a card read gives them: 続柄 is suggested as they join the household (a
    stored case has them already), except for somebody of another name."""
    kana = list(kana) + [""] * len(family)
    return [Member(name, dt.date.fromisoformat(born), sex,
                   "世帯主" if stored and i == 0 else "" if name.startswith("北見") else "同居人",
                   MemberSource.CARD, "", kana=kana[i])
            for i, (name, born, sex) in enumerate(family)]


def start(window, qtbot, family=FAMILY, kana=KANA):
    """A move-in with these members, on the interview page, its first open row focused."""
    controller = window.controller
    controller.apply(lambda s: s.set_move(MoveKind.MOVE_IN, dt.date(2026, 11, 20),
                                          "北海道札幌市中央区北一条西２－１",
                                          "東京都千代田区霞が関1-1"))
    for member in _members(family, kana):
        controller.apply(lambda s, m=member: s.add_member(m))
    assert controller.apply(lambda s: s.go_to(Step.INTERVIEW))
    window.show_page_key("interview")
    page = window.interview
    qtbot.waitUntil(lambda: page.rows and QApplication.focusWidget() in page.rows)
    return page


def focused():
    return QApplication.focusWidget()


def row(page, fact):
    return next(r for r in page.rows if r.row_id == fact)


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)


def ime_commit(widget, text):
    """Japanese typed through the IME reaches the widget as one committed string."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def answers(window):
    return window.controller.session.case.answers


def go_to(page, qtbot, fact):
    """↑/↓ to the row of `fact`, as a clerk would."""
    qtbot.waitUntil(lambda: not page.redrawing)
    for _ in range(len(page.rows)):
        if focused().row_id == fact:
            return
        ids = [r.row_id for r in page.rows]
        here, there = ids.index(focused().row_id), ids.index(fact)
        press(qtbot, Qt.Key.Key_Down if there > here else Qt.Key.Key_Up)
    assert focused().row_id == fact


def answer_household(page, qtbot, fact, key):
    go_to(page, qtbot, fact)
    before = dict(page.items[fact].values)
    press(qtbot, key)
    qtbot.waitUntil(lambda: fact in page.items and page.items[fact].values != before)


def test_answered_questions_stay_visible_greyed_above_the_open_ones(window, qtbot):
    page = start(window, qtbot)
    first_open = focused().row_id
    assert page.items[first_open].is_open  # the first open question has focus
    assert page.summary.text().startswith("残り 11 問／回答済み 0 問")
    answer_household(page, qtbot, "household.has_dog", Qt.Key.Key_1)
    dog = row(page, "household.has_dog")
    assert answers(window)["household.has_dog"] is True
    assert dog.answered and dog.property("answered") == "true"
    assert dog.answer.text() == "回答：はい" and not dog.answer.isHidden()
    assert page.rows.index(dog) < min(page.rows.index(r) for r in page.rows
                                      if r.waiting and r.row_id != "kana")
    assert focused().row_id == first_open  # answered: on to the first open question
    assert page.summary.text().startswith("残り 10 問／回答済み 1 問")


def test_changing_an_answer_by_keyboard_changes_the_determination(window, qtbot):
    page = start(window, qtbot)
    answer_household(page, qtbot, "household.has_dog", Qt.Key.Key_1)
    chosen = {p.id for p in window.controller.session.determination.procedures}
    assert "dog_registration" in chosen
    go_to(page, qtbot, "household.has_dog")  # back up to the answered row
    assert not row(page, "household.has_dog").choice_buttons[0].isHidden()  # choices shown
    press(qtbot, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: answers(window)["household.has_dog"] is False)
    chosen = {p.id for p in window.controller.session.determination.procedures}
    assert "dog_registration" not in chosen
    qtbot.waitUntil(lambda: row(page, "household.has_dog").answer.text() == "回答：いいえ")
    assert focused().row_id == "household.has_dog"  # a change keeps the clerk's place
    checklist = window.checklist
    assert "dog_registration" not in {r.procedure_id for r in checklist.model.rows}


def test_delete_takes_an_answer_back_and_the_question_is_open_again(window, qtbot):
    page = start(window, qtbot)
    answer_household(page, qtbot, "household.has_moped", Qt.Key.Key_2)
    go_to(page, qtbot, "household.has_moped")
    press(qtbot, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: "household.has_moped" not in answers(window))
    qtbot.waitUntil(lambda: page.items["household.has_moped"].is_open)
    moped = row(page, "household.has_moped")
    assert not moped.answered and focused() is moped  # it moved down; focus went with it


def test_a_change_keeps_the_place_and_a_row_that_goes_leaves_focus_where_it_was(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "health_insurance")
    press(qtbot, Qt.Key.Key_A)
    press(qtbot, Qt.Key.Key_2)  # everyone: 国民健康保険
    qtbot.waitUntil(lambda: not page.items["health_insurance"].is_open)
    go_to(page, qtbot, "health_insurance")
    press(qtbot, Qt.Key.Key_A)  # all answered: A then a digit changes everyone
    press(qtbot, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: answers(window)["member.3.health_insurance"] == "welfare")
    assert {answers(window)[f"member.{i}.health_insurance"] for i in range(4)} == {"welfare"}
    assert focused().row_id == "health_insurance"
    # The only member the pregnancy question concerns leaves the household: its row goes,
    # and focus stays at the same height of the list rather than jumping to the top.
    go_to(page, qtbot, "pregnant")
    place = page.rows.index(focused())
    window.controller.apply(lambda s: s.remove_member(1))
    qtbot.waitUntil(lambda: "pregnant" not in page.items)
    assert page.rows.index(focused()) == place


def test_household_question_ticks_with_digits_and_enter_sends(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "foreign_resident")
    press(qtbot, Qt.Key.Key_2)
    assert row(page, "foreign_resident").tick_boxes[1].isChecked()
    assert "member.1.foreign_resident" not in answers(window)  # not sent yet
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_Return)  # nobody
    qtbot.waitUntil(lambda: "member.0.foreign_resident" in answers(window))
    assert [answers(window)[f"member.{i}.foreign_resident"] for i in range(4)] == [False] * 4
    qtbot.waitUntil(lambda: row(page, "foreign_resident").answer.text() == "回答：該当なし")
    go_to(page, qtbot, "foreign_resident")
    press(qtbot, Qt.Key.Key_2)  # answered: a digit changes it at once
    qtbot.waitUntil(lambda: answers(window)["member.1.foreign_resident"] is True)
    qtbot.waitUntil(lambda: row(page, "foreign_resident").answer.text() == "回答：北見 花子")
    assert focused().row_id == "foreign_resident"


def test_the_claimant_is_picked_with_a_digit_and_can_be_changed(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "allowance_claimant")
    assert [b.text() for b in row(page, "allowance_claimant").choice_buttons] == [
        "1  北見 太郎", "2  北見 花子"]
    press(qtbot, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: answers(window).get("member.1.allowance_claimant") is True)
    go_to(page, qtbot, "allowance_claimant")
    press(qtbot, Qt.Key.Key_1)  # the other parent: still on the row
    qtbot.waitUntil(lambda: answers(window)["member.0.allowance_claimant"] is True)
    assert answers(window)["member.1.allowance_claimant"] is False
    qtbot.waitUntil(lambda: row(page, "allowance_claimant").answer.text() == "回答：北見 太郎")


def test_a_question_for_each_member_is_one_row_a_digit_answers_the_marked_member(window, qtbot):
    page = start(window, qtbot)
    assert sum(r.row_id == "health_insurance" for r in page.rows) == 1
    go_to(page, qtbot, "health_insurance")
    insurance = row(page, "health_insurance")
    assert insurance.member_slots[EVERYONE].text() == "▶ 全員（4名）"  # all unanswered
    press(qtbot, Qt.Key.Key_Right)  # one by one: ▶ 太郎
    assert insurance.member_slots[0].text() == "▶ 北見 太郎：—"
    press(qtbot, Qt.Key.Key_1)  # 太郎: 被用者保険, and ▶ moves on to 花子
    qtbot.waitUntil(lambda: answers(window).get("member.0.health_insurance") == "employee")
    qtbot.waitUntil(lambda: row(page, "health_insurance").member_slots[1].text()
                    .startswith("▶ 北見 花子"))
    assert focused().row_id == "health_insurance"  # partly answered: stays
    press(qtbot, Qt.Key.Key_A)  # the rest, the same for all: the parent's insurance
    press(qtbot, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: not page.items["health_insurance"].is_open)
    assert [answers(window)[f"member.{i}.health_insurance"] for i in range(4)] == \
        ["employee"] * 4
    assert focused().row_id != "health_insurance"  # done: on to the next open question
    go_to(page, qtbot, "health_insurance")
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_Right)  # ▶ 一郎
    assert row(page, "health_insurance").member_slots[2].text().startswith("▶ 北見 一郎")
    press(qtbot, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: answers(window)["member.2.health_insurance"] == "nhi")
    assert answers(window)["member.3.health_insurance"] == "employee"
    press(qtbot, Qt.Key.Key_Left)
    press(qtbot, Qt.Key.Key_Delete)  # 一郎's answer taken back: the row is open again
    qtbot.waitUntil(lambda: "member.2.health_insurance" not in answers(window))
    qtbot.waitUntil(lambda: page.items["health_insurance"].is_open)


def test_one_digit_on_everyone_answers_the_whole_household(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "health_insurance")
    assert "番号：全員に同じ回答" in row(page, "health_insurance").hint.text()
    press(qtbot, Qt.Key.Key_2)  # ▶ 全員: 国民健康保険 for the four
    qtbot.waitUntil(lambda: not page.items["health_insurance"].is_open)
    assert [answers(window)[f"member.{i}.health_insurance"] for i in range(4)] == ["nhi"] * 4
    assert focused().row_id != "health_insurance"  # done: on to the next open question
    go_to(page, qtbot, "health_insurance")  # answered: ▶ on the first member, to change one
    assert row(page, "health_insurance").member_slots[0].text().startswith("▶ 北見 太郎")
    press(qtbot, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: answers(window)["member.0.health_insurance"] == "employee")
    assert answers(window)["member.1.health_insurance"] == "nhi"


def test_a_who_question_about_one_member_is_answered_yes_or_no_with_one_key(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "pregnant")  # only 北見 花子 is asked
    pregnant = row(page, "pregnant")
    assert pregnant.title.text().startswith("世帯の中に")  # still asked of the household
    assert [b.text() for b in pregnant.choice_buttons] == ["1  はい（北見 花子）",
                                                            "2  いいえ（該当なし）"]
    press(qtbot, Qt.Key.Key_1)  # one key, no Enter
    qtbot.waitUntil(lambda: answers(window).get("member.1.pregnant") is True)
    qtbot.waitUntil(lambda: row(page, "pregnant").answer.text() == "回答：北見 花子")
    assert focused().row_id != "pregnant"
    go_to(page, qtbot, "pregnant")
    press(qtbot, Qt.Key.Key_2)  # changed at once
    qtbot.waitUntil(lambda: answers(window)["member.1.pregnant"] is False)
    assert "prenatal_vouchers" not in {
        p.id for p in window.controller.session.determination.procedures}


def test_children_get_their_parents_insurance_with_one_key(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "health_insurance")
    press(qtbot, Qt.Key.Key_Right)  # one by one
    press(qtbot, Qt.Key.Key_1)  # 太郎: 被用者保険
    press(qtbot, Qt.Key.Key_1)  # 花子: his dependant, the same
    insurance = row(page, "health_insurance")
    assert insurance.member_slots[2].text().startswith("▶ 北見 一郎")
    assert insurance.hint.text().startswith(
        "Enter：未回答の方を「勤務先の健康保険（被用者保険）」に")
    press(qtbot, Qt.Key.Key_Return)  # the children: as the parent before them
    assert [answers(window)[f"member.{i}.health_insurance"] for i in range(4)] == \
        ["employee"] * 4
    assert focused().row_id != "health_insurance"  # done: on to the next open question


def test_all_same_answers_only_members_not_yet_answered_and_esc_cancels(window, qtbot):
    page = start(window, qtbot)
    go_to(page, qtbot, "health_insurance")
    press(qtbot, Qt.Key.Key_Right)
    press(qtbot, Qt.Key.Key_2)  # 太郎: 国民健康保険
    qtbot.waitUntil(lambda: "member.0.health_insurance" in answers(window))
    press(qtbot, Qt.Key.Key_A)
    assert "同じ回答" in row(page, "health_insurance").hint.text()
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_1)  # after Esc a digit answers the ▶ member only
    qtbot.waitUntil(lambda: "member.1.health_insurance" in answers(window))
    assert "member.2.health_insurance" not in answers(window)
    press(qtbot, Qt.Key.Key_A)
    press(qtbot, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: "member.3.health_insurance" in answers(window))
    assert [answers(window)[f"member.{i}.health_insurance"] for i in range(4)] == \
        ["nhi", "employee", "employee", "employee"]


def test_kana_proposals_are_confirmed_with_enter(window, qtbot):
    family = [*FAMILY, ("SMITH\u3000JOHN", "1990-01-01", "male")]
    page = start(window, qtbot, family=family, kana=())
    assert focused().row_id == "kana"  # the first row waiting for the clerk
    qtbot.waitUntil(lambda: all(line.proposal is not None for line in page.kana), timeout=20000)
    assert page.kana[4].proposal == ""  # a Latin-alphabet name: staff type it
    assert "フリガナ未確認 4 名" in page.summary.text()
    press(qtbot, Qt.Key.Key_Return)
    members = window.controller.session.case.members
    assert [m.kana for m in members] == [*KANA, ""]  # nothing proposed, nothing confirmed
    assert focused().row_id != "kana"  # on to the first question
    assert "フリガナ未確認" not in page.summary.text()
    assert page.kana[4].kana == "" and not page.kana[4].waiting  # left to type (or the gate)
    lines = [label.text() for label in row(page, "kana").findChildren(QLabel)]
    assert "5  SMITH JOHN　　—（候補なし：番号キーで入力）" in lines


def test_one_reading_is_typed_or_corrected_in_a_dialog(window, qtbot):
    page = start(window, qtbot, kana=())
    qtbot.waitUntil(lambda: all(line.proposal is not None for line in page.kana), timeout=20000)
    stored = window.controller.repository
    press(qtbot, Qt.Key.Key_2)  # 北見 花子
    qtbot.waitUntil(lambda: page.kana_dialog is not None and page.kana_dialog.isVisible())
    dialog = page.kana_dialog
    assert dialog.edit.text() == "キタミ\u3000ハナコ"  # the proposal, to correct
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, "Kitami Hanako")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert "カタカナ" in dialog.error.text() and dialog.isVisible()  # refused: still open
    assert [m.kana for m in window.controller.session.case.members] == [""] * 4
    window.controller.saver.flush()
    assert [m.kana for m in stored.load(window.controller.session.case.id).members] == [""] * 4
    dialog.edit.clear()
    ime_commit(dialog.edit, "きたみ　はな")  # hiragana, as the IME hands it over
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert [m.kana for m in window.controller.session.case.members] == \
        ["", "キタミ\u3000ハナ", "", ""]
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is not None and getattr(focused(), "row_id", "") == "kana")
    press(qtbot, Qt.Key.Key_Return)  # the others' proposals; 花子's correction stays
    qtbot.waitUntil(lambda: window.controller.session.case.members[0].kana != "")
    assert [m.kana for m in window.controller.session.case.members] == [
        KANA[0], "キタミ\u3000ハナ", KANA[2], KANA[3]]


def test_a_refused_change_shows_why_and_leaves_the_case(window, qtbot, sessions):
    """A closed case opened again (to reprint) cannot be changed from the interview."""
    repository = window.controller.repository
    case = Case(Move(MoveKind.MOVE_IN, dt.date(2026, 11, 20), "札幌市", "千代田区"),
                _members(FAMILY[:1], KANA, stored=True), {"household.has_dog": True},
                status=CaseStatus.CLOSED, step=Step.CHECKLIST, filed_on=dt.date(2026, 11, 20))
    CaseWriter(repository).save(case)
    assert window.controller.resume(case.id)
    window.show_page_key("interview")
    page = window.interview
    qtbot.waitUntil(lambda: "household.has_dog" in page.items)
    go_to(page, qtbot, "household.has_dog")
    press(qtbot, Qt.Key.Key_2)
    assert "完了した受付は変更できません" in page.message.text()
    assert answers(window) == {"household.has_dog": True}
    assert repository.load(case.id).answers == {"household.has_dog": True}
    press(qtbot, Qt.Key.Key_Delete)
    assert answers(window) == {"household.has_dog": True}
    assert focused().row_id == "household.has_dog"


def test_a_resumed_case_shows_answers_set_aside_and_can_be_finished(window, qtbot):
    """An answer the catalogue no longer accepts does not stop the case: it is shown and the
    question asked again."""
    repository = window.controller.repository
    case = Case(Move(MoveKind.MOVE_IN, dt.date(2026, 11, 20), "北海道札幌市中央区",
                     "東京都千代田区霞が関1-1"), _members(FAMILY[:1], KANA, stored=True),
                {"member.0.health_insurance": "kokuho_v1", "household.has_dog": False},
                step=Step.INTERVIEW, filed_on=dt.date(2026, 11, 20))
    CaseWriter(repository).save(case)
    window.show_page_key("open_cases")
    qtbot.waitUntil(lambda: len(window.open_cases.summaries) == 1)
    window.open_cases.table.setFocus()
    qtbot.keyClick(window.open_cases.table, "\r")
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")
    page = window.interview
    qtbot.waitUntil(lambda: page.set_aside.isVisible())
    assert page.set_aside_text.text() == (
        "前の手続ルールでの回答（再度確認してください）\n"
        "・北見 太郎さん：加入する健康保険：現在は選べない回答")
    qtbot.waitUntil(lambda: page.items.get("health_insurance") is not None
                    and page.items["health_insurance"].is_open)
    while window.controller.session.prompts():  # answered by keyboard, first option each time
        qtbot.waitUntil(lambda: getattr(focused(), "waiting", False))
        current = focused()
        press(qtbot, Qt.Key.Key_Return if current.tick_boxes else Qt.Key.Key_2
              if current.row_id in ("health_insurance",) else Qt.Key.Key_1)
        qtbot.waitUntil(lambda c=current: focused() is not c or not c.isVisible())
    assert not page.set_aside.isVisible() or "健康保険" not in page.set_aside_text.text()
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page_key() == "checklist")
    assert window.controller.session.case.set_aside == {}
    assert answers(window)["member.0.health_insurance"] == "nhi"


def test_nothing_scrolls_sideways_at_1366(window, qtbot):
    """Wide choices (3 pension categories) and many members wrap; hints wrap too."""
    family = [*FAMILY, ("北見\u3000次郎", "2018-03-03", "male"),
              ("北見\u3000三郎", "2019-03-03", "male"), ("北見\u3000梅子", "1950-03-03", "female")]
    page = start(window, qtbot, family=family)
    for fact in ("disability_certificate", "pension_category"):
        go_to(page, qtbot, fact)
        frame = focused()
        qtbot.waitUntil(lambda f=frame: f.hint.isVisible())
        viewport = page.scroll.viewport().width()
        assert page.scroll.widget().width() <= viewport
        for child in frame.findChildren(type(frame.hint)) + frame.tick_boxes \
                + frame.choice_buttons:
            if child.isVisible():
                right = child.mapTo(frame, child.rect().topRight()).x()
                assert right <= frame.width(), (fact, child.text())
    assert page.scroll.horizontalScrollBar().maximum() == 0


def test_without_members_the_page_says_where_to_start(window, qtbot):
    window.show_page_key("interview")
    page = window.interview
    qtbot.waitUntil(lambda: page.summary.text() != "")
    assert page.summary.text().startswith("世帯員がまだいません。受付（Ctrl+1）")
    assert page.rows == []
    press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "interview"
    assert "世帯員を登録してください" in page.message.text()
