"""Keyboard details of the reception flow: reordering, 続柄, checklist refusals and reasons."""

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.domain import ChecklistStatus, Member, MemberSource, MoveKind, PersonRef


@pytest.fixture
def window(make_window, sessions):
    return make_window(sessions, demo=False)


def _add(window, name, born, sex):
    window.reception.add_member(Member(name, dt.date.fromisoformat(born), sex, "",
                                       MemberSource.MANUAL))


def test_reorder_and_relationship_by_keyboard(window, qtbot):
    page = window.reception
    _add(window, "甲", "1985-06-15", "male")
    _add(window, "乙", "1988-01-01", "male")  # no suggestion: a brother? staff decide
    assert [m.relationship for m in page.household] == ["世帯主", ""]
    page.members.setFocus()
    page.members.selectRow(1)
    qtbot.keyClick(page.members, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert [m.name for m in page.household] == ["乙", "甲"]
    assert page.members.currentRow() == 0
    page.members.selectRow(1)
    qtbot.keyClick(page.members, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert [m.name for m in page.household] == ["乙", "甲"]  # already last: nothing moves
    page.members.selectRow(0)
    qtbot.keyClick(page, Qt.Key.Key_F4)
    assert QApplication.focusWidget() is page.relationship
    for _ in range(6):  # （未選択） → 世帯主 → 妻 → 夫 → … → 子 by the arrow key
        qtbot.keyClick(page.relationship, Qt.Key.Key_Down)
    assert page.household[0].relationship == page.relationship.currentText() == "子"
    stored = window.controller.repository
    window.controller.saver.flush()
    assert stored.load(window.controller.session.case.id).members[0].relationship == "子"


def test_next_step_needs_members_and_relationships(window, qtbot):
    page = window.reception
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "世帯員を登録してください" in page.message.text()
    _add(window, "甲", "1985-06-15", "male")
    _add(window, "乙", "1988-01-01", "male")
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text() == "続柄を選んでください：乙"
    assert window.current_page_key() == "reception"
    page.move.date.setText("4050230")
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.move.error.text() == "異動日: 暦にない日付です"


def test_checklist_refuses_to_close_and_asks_a_reason_for_not_needed(window, qtbot):
    controller = window.controller
    controller.apply(lambda s: s.set_move(MoveKind.MOVE_WITHIN, dt.date(2026, 6, 1),
                                          "北海道あおば市本町", "北海道あおば市緑町"))
    _add(window, "緑町\u3000一人", "1956-02-02", "male")
    for prompt in controller.session.prompts():
        for key in prompt.keys():
            controller.apply(lambda s, k=key: s.answer(k, False))
    window.show_page_key("checklist")
    page = window.checklist
    page.tree.setFocus()
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text().startswith("確認事項が残っているため")  # the print gate first
    assert any("「フリガナ」が空欄です" in line for line in page.gate.problems())
    controller.apply(lambda s: s.update_member(0, kana="ミドリマチ　カズト"))
    controller.apply(lambda s: s.set_filer(PersonRef(member=0, phone="011-000-0000")))
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text().startswith("未対応の手続があります：転居届")
    qtbot.keyClick(page.tree, Qt.Key.Key_D)  # 転居届: 済, selection moves to the next
    assert controller.session.entry("resident_move_within").status is ChecklistStatus.DONE
    next_id = page.current_id()
    qtbot.keyClick(page.tree, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: page.reason_dialog is not None and page.reason_dialog.isVisible())
    page.reason_dialog.setTextValue("本人が後日まとめて手続する")
    page.reason_dialog.accept()
    entry = controller.session.entry(next_id)
    assert entry.status is ChecklistStatus.NOT_NEEDED
    assert entry.reason == "本人が後日まとめて手続する"
    while controller.session.unaddressed():
        page.tree.setFocus()
        qtbot.keyClick(page.tree, Qt.Key.Key_L)
    case_id = controller.session.case.id
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = page.closer.confirm_box  # nothing printed: asked first
    qtbot.waitUntil(lambda: box.isVisible())
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: controller.session.case.id != case_id)
    assert window.current_page_key() == "reception"
    assert "受付を完了しました" in window.reception.hint.text()  # said on the page, no box
    assert window.reception.focus_first is not None


def test_delete_in_an_address_field_deletes_text_not_a_member(window, qtbot):
    page = window.reception
    _add(window, "甲", "1985-06-15", "male")
    page.members.selectRow(0)
    page.move.previous_address.setFocus()
    page.move.previous_address.setText("北海道")
    page.move.previous_address.setCursorPosition(0)
    qtbot.keyClick(page.move.previous_address, Qt.Key.Key_Delete)
    assert page.move.previous_address.text() == "海道"
    assert len(page.household) == 1


def test_ctrl_n_keeps_typed_text_with_its_own_case(window, qtbot):
    page = window.reception
    first = window.controller.session.case.id
    _add(window, "甲", "1985-06-15", "male")
    page.move.new_address.setFocus()
    page.move.new_address.setText("北海道あおば市本町１－１")  # typed, not yet confirmed
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    # A case with people in it: staff are asked what becomes of it; Enter keeps it open.
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    assert "まだ完了していません" in window.question_box.text()
    window.question_box.defaultButton().click()
    assert window.controller.session.case.id != first
    assert "受付中の案件" in page.hint.text()
    assert page.move.new_address.text() == ""  # nothing of the previous case on screen
    window.controller.saver.flush()
    assert window.controller.repository.load(first).move.new_address == "北海道あおば市本町１－１"
    assert window.controller.session.case.move.new_address == ""


def test_ctrl_n_can_discard_a_case_with_a_reason(window, qtbot):
    from counter_app.domain import CaseStatus

    first = window.controller.session.case.id
    _add(window, "甲", "1985-06-15", "male")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    discard = next(b for b in window.question_box.buttons() if "取り消す" in b.text())
    discard.click()
    qtbot.waitUntil(lambda: window.question_box is not None
                    and window.question_box.windowTitle() == "受付の取消")
    window.question_box.setTextValue("誤って開始した")
    window.question_box.accept()
    window.controller.saver.flush()
    stored = window.controller.repository.load(first)
    assert stored.status is CaseStatus.DISCARDED and stored.discard_reason == "誤って開始した"
    assert window.controller.session.case.id != first


def test_closing_the_window_with_a_case_under_way_asks_first(window, qtbot):
    window.ask_before_closing = True
    _add(window, "甲", "1985-06-15", "male")
    window.close()
    assert window.isVisible()  # not closed without a word
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    assert "受付中のまま終了しますか" in window.question_box.text()
    window.question_box.button(window.question_box.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not window.isVisible())


def test_an_open_case_is_discarded_from_the_list_with_a_reason(window, qtbot):
    from counter_app.domain import CaseStatus

    first = window.controller.session.case.id
    _add(window, "甲", "1985-06-15", "male")
    window.controller.new_case()  # the first case waits in 受付中の案件
    window.controller.saver.flush()
    window.show_page_key("open_cases")
    page = window.open_cases
    qtbot.waitUntil(lambda: len(page.summaries) == 1)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: page.reason_dialog is not None and page.reason_dialog.isVisible())
    page.reason_dialog.setTextValue("住民の方が帰られた")
    page.reason_dialog.accept()
    qtbot.waitUntil(lambda: page.summaries == [])
    stored = window.controller.repository.load(first)
    assert stored.status is CaseStatus.DISCARDED and stored.discard_reason == "住民の方が帰られた"


def test_a_mistyped_year_is_refused_where_it_is_typed(window, qtbot):
    """Review 7.2: 1026 for 2026 once broke the open-cases list for every counter."""
    page = window.reception
    before = window.controller.session.case.move.date
    for typed in ("1026-04-01", "9999-12-31"):
        page.move.date.setText(typed)
        page.commit_edits()
        assert "異動日" in page.move.error.text()
        assert window.controller.session.case.move.date == before  # nothing half-saved
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page_key() == "reception"
