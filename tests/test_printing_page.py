"""The printing page with real widgets, printing through the session's private CUPS: the print
gate, where each form stands after a later change, closing from the page."""

import datetime as dt
import json
from pathlib import Path

import pytest
from cups_sandbox import RawListener
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from reception_script import complete_for_printing

from counter_app.domain import Case, CaseStatus, ChecklistStatus
from counter_app.reception.packet import reception_number
from counter_app.store import CaseRepository
from counter_app.ui.assembly import PrintSetup
from counter_app.ui.printing_page import SAVE_ONLY, saved_name
from forms.templates import load_templates
from printing.qr import qr_payload

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"


@pytest.fixture
def setup(make_window, sessions, tmp_path):
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    CaseRepository(sessions).save(case)
    printers = []
    window = make_window(sessions, print_setup=PrintSetup(
        load_templates(), lambda: list(printers), None, tmp_path / "pdf"))
    assert window.controller.resume(case.id)
    make_printable(window)
    return window, case, printers, tmp_path


def make_printable(window):
    """Answer the interview's last question, and give the フリガナ and the filer's phone that
    the forms require: the print gate has nothing left."""
    controller = window.controller
    for prompt in controller.session.prompts():  # 児童手当: 北見 花子 claims
        assert controller.apply(lambda s, p=prompt: s.answer_which_one(p, 1))
    complete_for_printing(window)
    assert controller.session.problems() == []


def _open_printing(window, qtbot, printer=None):
    window.show_page_key("printing")
    page = window.printing
    qtbot.waitUntil(lambda: page.rendered is not None and page.printer.count() > 0)
    if printer:
        page.printer.setCurrentText(printer)
    return page


def _records(window):
    """The last print record of each form of the case on screen."""
    window.controller.saver.flush()
    prints = window.controller.repository.load(window.controller.session.case.id).prints
    return {record.form: record for record in prints}


def test_preview_and_save_as_pdf_without_a_printer(setup, qtbot, screenshot_dir):
    window, case, _, tmp_path = setup
    page = _open_printing(window, qtbot)
    assert page.printer.currentText() == SAVE_ONLY
    qtbot.waitUntil(lambda: len(page.preview.pages()) == len(page.rendered.pages))
    assert all(page.forms.item(i).text().startswith("未印刷") for i in range(page.forms.count()))
    shown = page.preview.viewport().grab().toImage()  # what staff see: a page, not blank
    assert shown.width() > 300
    colours = {shown.pixel(x, y) for x in range(0, shown.width(), 7)
               for y in range(0, shown.height(), 7)}
    assert len(colours) > 20  # text, the 見本 watermark, the QR code
    scroll = page.preview.verticalScrollBar()
    qtbot.waitUntil(lambda: scroll.maximum() > 5 * shown.height())  # every page is there
    window.grab().save(str(screenshot_dir / "printing_page.png"))
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # no printer: saves
    qtbot.waitUntil(lambda: "PDFを保存しました" in page.status.text())  # written on a worker
    number = reception_number(case.id)
    assert page.status.text() == (f"PDFを保存しました（受付番号 {number}）。\n"
                                  "次は「受付を完了」（Ctrl+Enter）です。")
    assert QApplication.focusWidget() is page.close_case  # the next step
    saved = tmp_path / "pdf" / saved_name(case.id, dt.date.today())
    assert saved.name == f"packet-{dt.date.today():%Y%m%d}-{number}.pdf"
    assert saved.read_bytes() == page.rendered.pdf
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary file left
    records = _records(window)
    assert set(records) == set(page.form_ids())
    assert {r.how for r in records.values()} == {"saved"}
    assert page.forms.item(0).text().startswith("PDF保存済")


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_printing_to_a_cups_queue_records_the_forms(setup, qtbot, cups):
    window, _, printers, _ = setup
    cups.add_pdf_queue("COUNTER_UI")
    printers.append("COUNTER_UI")
    page = _open_printing(window, qtbot, "COUNTER_UI")
    qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "で印刷しました" in page.status.text(), timeout=60000)
    records = _records(window)
    assert {r.how for r in records.values()} == {"printed"}
    assert {r.where for r in records.values()} == {"COUNTER_UI"}
    assert all(page.forms.item(i).text().startswith("印刷済") for i in range(page.forms.count()))


def test_a_stopped_printer_leaves_the_forms_unprinted(setup, qtbot, cups):
    window, _, printers, _ = setup
    listener = RawListener()
    try:
        cups.add_raw_queue("COUNTER_OFF", listener.port)
        cups.stop_queue("COUNTER_OFF")
        printers.append("COUNTER_OFF")
        page = _open_printing(window, qtbot, "COUNTER_OFF")
        page.print_button.click()
        qtbot.waitUntil(lambda: "プリンタが停止しています" in page.status.text(), timeout=30000)
        assert _records(window) == {}
        assert page.forms.item(0).text().startswith("未印刷")
        assert page.print_button.isEnabled()  # ready to print again
    finally:
        listener.close()


def test_cancel_leaves_the_forms_unprinted(setup, qtbot, cups):
    window, _, printers, _ = setup
    jammed = RawListener(read=False)
    try:
        cups.add_raw_queue("COUNTER_JAMMED", jammed.port)
        printers.append("COUNTER_JAMMED")
        page = _open_printing(window, qtbot, "COUNTER_JAMMED")
        page.print_button.click()
        qtbot.waitUntil(lambda: page.cancel_button.isEnabled())
        qtbot.waitUntil(lambda: "待っています" in page.status.text(), timeout=30000)
        qtbot.keyClick(page, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda: "取り消しました" in page.status.text(), timeout=30000)
        assert _records(window) == {}
    finally:
        jammed.close()


def test_scanning_a_form_qr_opens_its_case(setup, qtbot):
    window, case, _, _ = setup
    window.controller.new_case()
    window.show_page_key("open_cases")
    scan = window.open_cases.scan
    scan.setFocus()
    qtbot.keyClicks(scan, "not-a-code")
    qtbot.keyClick(scan, Qt.Key.Key_Return)
    assert "QRコードではありません" in window.open_cases.scan_error.text()
    qtbot.keyClicks(scan, qr_payload(case.id, "nhi_change", 1))  # as a keyboard-wedge scanner
    qtbot.keyClick(scan, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.session.case.id == case.id)
    assert window.current_page_key() == "reception"  # the step the case was saved at


def test_characters_no_font_has_stop_printing(setup, qtbot, cups):
    window, _, printers, _ = setup
    window.controller.apply(lambda s: s.set_relationship(0, "世帯主"))
    window.controller.session.case.members[0].name = "北見　太郎\U0001F600"
    cups.add_pdf_queue("COUNTER_WARN")
    printers.append("COUNTER_WARN")
    page = _open_printing(window, qtbot, "COUNTER_WARN")
    assert "\U0001F600" in page.warning.text()
    page.print_button.click()  # the print gate: a character no font has is a problem
    assert page.message.text().startswith("確認事項が残っているため印刷できません")
    assert any("\U0001F600" in line and "U+1F600" in line for line in page.gate.problems())
    qtbot.wait(500)
    assert cups.lp("lpstat", "-W", "all", "-o", "COUNTER_WARN").stdout == ""  # nothing sent
    assert _records(window) == {}


def test_a_print_finishing_after_the_next_resident_is_recorded_on_its_own_case(setup, qtbot,
                                                                               cups):
    window, case, printers, _ = setup
    slow = RawListener(delay_s=2)
    try:
        cups.add_raw_queue("COUNTER_SLOW", slow.port)
        printers.append("COUNTER_SLOW")
        page = _open_printing(window, qtbot, "COUNTER_SLOW")
        forms = page.form_ids()
        assert forms
        page.print_button.click()
        qtbot.waitUntil(lambda: page.cancel_button.isEnabled())
        next_resident(window, qtbot)  # Ctrl+N while the job is still printing
        assert not page.print_button.isEnabled()  # nothing of the previous packet to print
        qtbot.waitUntil(lambda: "申請書を印刷しました" in page.status.text(), timeout=30000)
        number = reception_number(case.id)
        assert page.status.text() == f"前の方（受付番号 {number}）の\n申請書を印刷しました。"
        window.controller.saver.flush()
        stored = window.controller.repository.load(case.id)
        assert {r.form for r in stored.prints} == set(forms)
        assert {r.how for r in stored.prints} == {"printed"}
        assert window.controller.session.case.prints == []
    finally:
        slow.close()


def test_the_next_resident_never_sees_the_previous_packet(setup, qtbot):
    window, _, _, _ = setup
    page = _open_printing(window, qtbot)
    qtbot.waitUntil(lambda: len(page.preview.pages()) == len(page.rendered.pages))
    next_resident(window, qtbot)
    assert page.preview.pages() == []


def test_a_preview_finishing_after_its_page_is_gone_is_dropped(setup, qtbot):
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from counter_app.ui.tasks import wait_for_tasks

    window, _, _, _ = setup
    window.show_page_key("printing")
    page = window.printing
    qtbot.waitUntil(lambda: page.rendered is not None, timeout=30000)  # the preview has started
    destroyed = []
    page.destroyed.connect(lambda: destroyed.append(True))
    page.deleteLater()  # as when the window closes at the end of the day
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert destroyed
    assert wait_for_tasks(30000)
    qtbot.wait(200)  # the preview's result arrives for a page that is gone: dropped, no error


def test_the_gate_stops_printing_and_saving_until_its_problems_are_fixed(setup, qtbot, cups):
    window, case, printers, tmp_path = setup
    controller = window.controller
    cups.add_pdf_queue("COUNTER_GATE")
    printers.append("COUNTER_GATE")
    move = controller.session.case.move
    controller.apply(lambda s: s.set_move(move.kind, move.date, move.previous_address, ""))
    controller.apply(lambda s: s.update_member(2, kana=""))
    page = _open_printing(window, qtbot, "COUNTER_GATE")
    qtbot.waitUntil(lambda: page.watcher.current() and page.gate.isVisible(), timeout=10000)
    assert page.gate.problems()[0] == "新住所を入力してください"
    assert "住民異動届：「フリガナ」が空欄です" in page.gate.problems()
    fixes = []
    page.fix_requested.connect(fixes.append)
    qtbot.keyClick(page, Qt.Key.Key_F6)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert fixes == ["move.new_address"]
    # The place to put it right: the reception page, the cursor in 新住所.
    assert window.current_page_key() == "reception"
    assert QApplication.focusWidget() is window.reception.move.new_address
    window.show_page_key("printing")
    qtbot.waitUntil(lambda: page.rendered is not None and page.watcher.current()
                    and page.gate.isVisible(), timeout=10000)

    for keys in (Qt.Key.Key_P, Qt.Key.Key_S):  # print, then save: both refused
        page.print_button.setFocus()
        qtbot.keyClick(page, keys, Qt.KeyboardModifier.ControlModifier)
        assert page.message.text() == ("確認事項が残っているため印刷できません。"
                                       "上の一覧の項目を直してください。")
        assert QApplication.focusWidget() is page.gate.list
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # close
    assert page.message.text().startswith("確認事項が残っているため、受付を完了できません")
    qtbot.wait(300)
    assert _records(window) == {}
    assert not (tmp_path / "pdf").exists()
    assert cups.lp("lpstat", "-W", "all", "-o", "COUNTER_GATE").stdout == ""
    assert controller.repository.load(case.id).status is CaseStatus.OPEN

    controller.apply(lambda s: s.set_move(move.kind, move.date, move.previous_address,
                                          move.new_address))
    controller.apply(lambda s: s.update_member(2, kana="キタミ　イチロウ"))
    qtbot.waitUntil(lambda: page.watcher.current() and not page.gate.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: page.rendered is not None)  # made again: what it prints changed
    page.printer.setCurrentText(SAVE_ONLY)
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "PDFを保存しました" in page.status.text())
    assert not page.message.isVisible()


def test_a_change_after_saving_makes_the_changed_forms_unprinted_again(setup, qtbot):
    window, _, _, _ = setup
    controller = window.controller
    page = _open_printing(window, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "PDFを保存しました" in page.status.text())
    assert all(page.forms.item(i).text().startswith("PDF保存済")
               for i in range(page.forms.count()))

    window.show_page_key("reception")  # the dog was not theirs after all... a later change
    controller.apply(lambda s: s.answer("household.has_dog", False))
    move = controller.session.case.move  # and the block number was 1-2
    controller.apply(lambda s: s.set_move(move.kind, move.date, move.previous_address,
                                          "北海道あおば市本町１－２"))
    page = _open_printing(window, qtbot)
    texts = [page.forms.item(i).text() for i in range(page.forms.count())]
    moved = next(t for t in texts if "住民異動届" in t)
    assert moved == "未印刷　住民異動届\n　内容が変わったため再印刷が必要です"
    assert not any("犬の登録" in t for t in texts)  # no longer in the packet
    assert page.status.text().startswith("内容が変わったため再印刷が必要です（")
    assert "Ctrl+Pで印刷し直してください" in page.status.text()
    unchanged = [t for t in texts if t.startswith("PDF保存済")]
    assert unchanged == []  # every form prints the new address

    window.show_page_key("checklist")
    checklist = window.checklist
    qtbot.waitUntil(checklist.watcher.current, timeout=10000)
    assert "内容が変わったため再印刷が必要です" in checklist.summary.text()


def test_closing_from_the_printing_page_after_saving(setup, qtbot):
    window, case, _, _ = setup
    controller = window.controller
    controller.apply(lambda s: s.set_statuses(s.unaddressed(), ChecklistStatus.DONE))
    page = _open_printing(window, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.close_case)
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: controller.session.case.id != case.id)  # no question asked
    controller.saver.flush()
    assert controller.repository.load(case.id).status is CaseStatus.CLOSED
    assert window.current_page_key() == "reception"
    assert "受付を完了しました" in window.reception.hint.text()


def test_closing_from_the_printing_page_is_refused_while_procedures_are_unmarked(setup, qtbot):
    window, case, _, _ = setup
    page = _open_printing(window, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.message.text().startswith("未対応の手続があります：転入届")
    assert page.closer.confirm_box is None  # refused before asking about printing
    assert window.controller.session.case.id == case.id


def test_a_save_that_fails_says_so_and_records_nothing(make_window, sessions, tmp_path, qtbot):
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    CaseRepository(sessions).save(case)
    blocked = tmp_path / "pdf"
    blocked.write_text("a file where the folder should be")
    window = make_window(sessions, print_setup=PrintSetup(load_templates(), lambda: [], None,
                                                          blocked))
    assert window.controller.resume(case.id)
    make_printable(window)
    page = _open_printing(window, qtbot)
    qtbot.keyClick(page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "PDFを保存できませんでした" in page.status.text())
    assert "もう一度Ctrl+Sを押してください" in page.status.text()
    assert _records(window) == {}
    assert all(page.forms.item(i).text().startswith("未印刷") for i in range(page.forms.count()))
    assert blocked.read_text() == "a file where the folder should be"


def next_resident(window, qtbot):
    """Ctrl+N with a case under way: staff keep it open (the default) and go on."""
    window.new_case()
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    window.question_box.defaultButton().click()


def test_a_form_two_procedures_print_is_listed_once_per_procedure(make_window, sessions,
                                                                 tmp_path, qtbot):
    # A death: 後期高齢者医療 and 介護保険 share one 資格喪失届, printed once for each.
    cases = Path(__file__).resolve().parent / "printing" / "cases"
    case = Case.from_dict(json.loads((cases / "event_17_death_of_the_head.json").read_text()))
    CaseRepository(sessions).save(case)
    window = make_window(sessions, print_setup=PrintSetup(
        load_templates(), lambda: [], None, tmp_path / "pdf"))
    assert window.controller.resume(case.id)
    window.show_page_key("printing")
    page = window.printing
    qtbot.waitUntil(lambda: page.rendered is not None, timeout=20000)
    titles = page.form_titles()
    shared = sorted(t for k, t in titles.items() if k.startswith("death_insurance_loss@"))
    assert len(shared) == 2 and len(set(shared)) == 2, titles
    assert any("介護保険" in t for t in shared) and any("後期高齢者医療" in t for t in shared)
