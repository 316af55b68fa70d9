"""The checklist page with real widgets over a real SQLite store, driven by the keyboard: whole
sections, the detail pane, refusals in a banner, the print gate, closing."""

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from counter_app.domain import Case, CaseStatus, ChecklistStatus, PersonRef
from counter_app.reception.checklist import build_checklist
from counter_app.store import CaseRepository
from counter_app.ui.checklist import (
    COLUMNS,
    ID_ROLE,
    NOTICE_JA,
    OVERDUE_JA,
    whole_names,
    whole_phrases,
)

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"
KANA = ["キタミ　タロウ", "キタミ　ハナコ", "キタミ　イチロウ", "キタミ　サクラ"]
FILED_ON = dt.date(2026, 4, 20)  # after the 14-day deadlines of a move on 2026-04-01


@pytest.fixture
def window(make_window, sessions):
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    case.filed_on = FILED_ON
    CaseRepository(sessions).save(case)
    window = make_window(sessions, demo=False)
    assert window.controller.resume(case.id)
    window.resize(1366, 700)  # a 1366x768 screen less the taskbar and the title bar
    return window


def finish_interview(window):
    controller = window.controller
    claimant = next(p for p in controller.session.prompts() if p.fact == "allowance_claimant")
    assert controller.apply(lambda s: s.answer_which_one(claimant, 1))


def make_printable(window):
    if window.controller.session.open_keys():
        finish_interview(window)
    controller = window.controller
    for index, kana in enumerate(KANA):
        assert controller.apply(lambda s, i=index, k=kana: s.update_member(i, kana=k))
    assert controller.apply(lambda s: s.set_filer(PersonRef(member=0, phone="090-0000-0000")))


def open_checklist(window, qtbot):
    window.show_page_key("checklist")
    page = window.checklist
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.tree)
    qtbot.waitUntil(page.watcher.current, timeout=10000)  # the gate checked on a worker
    return page


def stored(window):
    window.controller.saver.flush()
    return window.controller.repository.load(window.controller.session.case.id)


def test_s_marks_the_whole_section_and_moves_on(window, qtbot):
    finish_interview(window)
    page = open_checklist(window, qtbot)
    assert page.current_id() == "resident_move_in"  # the first row still to mark
    qtbot.keyClick(page.tree, Qt.Key.Key_S)
    city_hall = ["resident_move_in", "card_continued_use", "ecert_reissue", "seal_registration"]
    assert {stored(window).checklist[p].status for p in city_hall} == {ChecklistStatus.DONE}
    assert stored(window).checklist["nhi_enroll"].status is ChecklistStatus.PENDING
    assert page.current_id() == "nhi_enroll"  # the next section's first pending row
    qtbot.keyClick(page.tree, Qt.Key.Key_D)
    assert page.current_id() == "national_pension"
    qtbot.keyClick(page.tree, Qt.Key.Key_L)
    assert window.controller.session.entry("national_pension").status is ChecklistStatus.LATER
    qtbot.keyClick(page.tree, Qt.Key.Key_Up)  # the こども課 heading
    qtbot.keyClick(page.tree, Qt.Key.Key_Up)  # 国民年金 (後日): S marks only the section's
    assert page.current_id() == "national_pension"
    qtbot.keyClick(page.tree, Qt.Key.Key_S)  # pending rows, and there are none
    assert window.controller.session.entry("national_pension").status is ChecklistStatus.LATER
    assert page.current_id() == "child_allowance_claim"  # straight on to the next pending
    assert "手続 12件（未対応 6件・後日 1件）" in page.summary.text()


def test_s_on_a_section_heading_marks_that_section(window, qtbot):
    finish_interview(window)
    page = open_checklist(window, qtbot)
    heading = next(page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())
                   if page.tree.topLevelItem(i).text(0).startswith("こども課"))
    page.tree.setCurrentItem(heading)
    assert "未対応 2件" in page.detail.status.text()
    qtbot.keyClick(page.tree, Qt.Key.Key_S)
    session = window.controller.session
    assert session.entry("child_allowance_claim").status is ChecklistStatus.DONE
    assert session.entry("child_medical").status is ChecklistStatus.DONE
    assert session.entry("resident_move_in").status is ChecklistStatus.PENDING
    assert page.current_id() == "childcare_application"


def _cell_fits(tree, item, column):
    """The cell is tall and wide enough for its whole text, wrapped at its column's width."""
    rect = tree.visualItemRect(item)
    width = tree.header().sectionSize(column)
    needed = tree.fontMetrics().boundingRect(QRect(0, 0, width - 12, 10_000),
                                             Qt.TextFlag.TextWordWrap, item.text(column))
    return needed.height() <= rect.height() and needed.width() <= width


@pytest.mark.parametrize("size", [(1366, 700), (1920, 1010)])
def test_nothing_is_cut_off_and_nothing_scrolls_sideways(window, qtbot, size):
    finish_interview(window)
    reason = "勤務先の健康保険に加入する予定のため（本人申出）"
    window.controller.apply(lambda s: s.set_status("nhi_enroll", ChecklistStatus.NOT_NEEDED,
                                                   reason))
    window.resize(*size)
    page = open_checklist(window, qtbot)
    tree = page.tree
    qtbot.waitUntil(lambda: tree.viewport().width() > 600)
    header = tree.header()
    assert sum(header.sectionSize(c) for c in range(len(COLUMNS))) <= tree.viewport().width()
    assert not tree.horizontalScrollBar().isVisible()
    rows = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
            if tree.topLevelItem(i).data(0, ID_ROLE)]
    not_needed = next(r for r in rows if r.data(0, ID_ROLE) == "nhi_enroll")
    assert not_needed.text(3) == "不要（勤務先の健康保険に加入する予定のため（本人申出））"
    for item in rows:
        tree.scrollToItem(item)
        for column in range(len(COLUMNS)):
            assert _cell_fits(tree, item, column), (item.text(0), COLUMNS[column])
    assert page.detail.verticalScrollBar().maximum() < page.detail.height()  # a short scroll


def test_the_detail_pane_shows_the_selected_row_in_full(window, qtbot):
    finish_interview(window)
    page = open_checklist(window, qtbot)
    session = window.controller.session
    model = build_checklist(session.case, session.determination, window.controller.catalogue)
    move_in = model.row("resident_move_in")
    assert page.current_id() == "resident_move_in"
    assert page.detail.bring.text() == ("転出証明書（マイナンバーカードによる転出の方は不要）、"
                                        "本人確認書類")
    assert page.detail.bring.text() == "、".join(move_in.bring)
    assert page.detail.deadline.text() == f"令和8年4月15日まで　{OVERDUE_JA}"
    assert page.detail.reasons.text() == "\n".join(move_in.reasons)
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)  # マイナンバーカード継続利用: in time
    assert page.detail.deadline.text() == model.row("card_continued_use").deadline_text
    page.select("voter_registration")  # a notice: nothing to do at a counter
    assert page.detail.status.text() == NOTICE_JA
    assert page.detail.guide.text().startswith("転入届から3か月たつと")
    assert page.tree.currentItem().text(3) == "お知らせ（手続不要）"


def test_marks_are_refused_mid_interview_with_the_message_in_a_banner(window, qtbot):
    page = open_checklist(window, qtbot)  # one question is still open
    assert page.gate.isVisible()
    assert page.gate.problems()[0] == "聞き取りが終わっていません（残り1問）"
    qtbot.keyClick(page.tree, Qt.Key.Key_D)
    assert page.message.isVisible()
    assert page.message.text() == ("聞き取りが終わっていません（残り1問）。"
                                   "先に聞き取りを終えてください")
    assert page.message.width() > page.width() // 2  # across the page, not squeezed
    assert window.controller.session.entry("resident_move_in").status is ChecklistStatus.PENDING
    finish_interview(window)
    qtbot.waitUntil(lambda: "聞き取り" not in " ".join(page.gate.problems()))
    qtbot.keyClick(page.tree, Qt.Key.Key_D)
    assert not page.message.isVisible()
    assert stored(window).checklist["resident_move_in"].status is ChecklistStatus.DONE


def test_the_gate_lists_problems_and_closing_waits_until_they_are_fixed(window, qtbot):
    finish_interview(window)
    page = open_checklist(window, qtbot)
    assert "北見 太郎" not in " ".join(page.gate.problems())  # messages, not personal data
    assert "住民異動届：「フリガナ」が空欄です" in page.gate.problems()
    fixes = []
    page.fix_requested.connect(fixes.append)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is page.gate.list
    page.gate.list.setCurrentRow(page.gate.problems().index("住民異動届：「フリガナ」が空欄です"))
    qtbot.keyClick(page.gate.list, Qt.Key.Key_Return)
    assert fixes == ["forms.resident_move.member.kana"]
    # Taken to the member list, where F6 opens the member's details.
    assert window.current_page_key() == "reception"
    assert QApplication.focusWidget() is window.reception.members
    window.show_page_key("checklist")

    page.tree.setFocus()
    for _ in range(len(window.controller.session.unaddressed())):
        qtbot.keyClick(page.tree, Qt.Key.Key_S)
    assert not window.controller.session.unaddressed()
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text().startswith("確認事項が残っているため、受付を完了できません")
    assert QApplication.focusWidget() is page.gate.list
    assert stored(window).status is CaseStatus.OPEN

    make_printable(window)
    qtbot.waitUntil(lambda: page.watcher.current() and not page.gate.isVisible())
    assert "申請書 13件（未印刷 13件）" in page.summary.text()


def test_closing_without_printing_asks_first(window, qtbot):
    make_printable(window)
    page = open_checklist(window, qtbot)
    for _ in range(len(window.controller.session.unaddressed())):
        qtbot.keyClick(page.tree, Qt.Key.Key_S)
    assert not window.controller.session.unaddressed()
    case_id = window.controller.session.case.id
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = page.closer.confirm_box
    qtbot.waitUntil(lambda: box.isVisible())
    assert "印刷していない申請書が13件あります" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)  # the default is いいえ: nothing closes by mistake
    assert stored(window).status is CaseStatus.OPEN
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    box = page.closer.confirm_box
    qtbot.waitUntil(lambda: box.isVisible())
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: window.controller.session.case.id != case_id)
    window.controller.saver.flush()
    assert window.controller.repository.load(case_id).status is CaseStatus.CLOSED
    assert window.current_page_key() == "reception"


def test_the_next_resident_starts_with_no_banner_and_no_message(window, qtbot):
    page = open_checklist(window, qtbot)
    qtbot.keyClick(page.tree, Qt.Key.Key_D)
    assert page.message.isVisible() and page.gate.isVisible()
    next_resident(window, qtbot)
    assert not page.message.isVisible()
    assert page.gate.problems() == []
    assert page.tree.topLevelItemCount() == 0


def test_lines_break_between_names_and_phrases_not_inside_them():
    joiner = "\u2060"
    assert whole_names("北見 太郎、北見 花子").split("、") == [
        joiner.join("北見\u00a0太郎"), joiner.join("北見\u00a0花子")]
    assert whole_names("世帯").replace(joiner, "") == "世帯"
    long_name = "ABCDEFGHIJKLMNOPQRSTU XYZ"  # longer than a column: may still break
    assert whole_names(long_name) == long_name.replace(" ", "\u00a0")
    title = whole_phrases("国民年金 住所変更・種別確認")
    assert title.replace(joiner, "") == "国民年金 住所変更・種別確認"
    # A line may break after the space and after ・, nowhere else.
    assert title == joiner.join("国民年金 ") + joiner.join("住所変更・") + joiner.join("種別確認")


def next_resident(window, qtbot):
    """Ctrl+N with a case under way: staff keep it open (the default) and go on."""
    window.new_case()
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    window.question_box.defaultButton().click()
