"""The printing page with real widgets, printing through the session's private CUPS."""

import json
from pathlib import Path

import pytest
from cups_sandbox import RawListener
from PySide6.QtCore import Qt

from counter_app.domain import Case
from counter_app.store import CaseRepository
from counter_app.ui.assembly import PrintSetup
from counter_app.ui.printing_page import SAVE_ONLY
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
    return window, case, printers, tmp_path


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
    qtbot.waitUntil(lambda: "PDFに保存しました" in page.status.text())  # written on a worker
    saved = tmp_path / "pdf" / f"packet-{case.id}.pdf"
    assert saved.read_bytes() == page.rendered.pdf
    records = _records(window)
    assert set(records) == set(page.form_ids())
    assert {r.how for r in records.values()} == {"saved"}
    assert page.forms.item(0).text().startswith("PDF保存済")


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


def test_characters_no_font_has_are_warned_before_printing(setup, qtbot, cups):
    window, _, printers, _ = setup
    window.controller.apply(lambda s: s.set_relationship(0, "世帯主"))
    window.controller.session.case.members[0].name = "北見　太郎\U0001F600"
    cups.add_pdf_queue("COUNTER_WARN")
    printers.append("COUNTER_WARN")
    page = _open_printing(window, qtbot, "COUNTER_WARN")
    assert "\U0001F600" in page.warning.text()
    page.print_button.click()
    qtbot.waitUntil(lambda: page.confirm_box is not None and page.confirm_box.isVisible())
    assert "\U0001F600" in page.confirm_box.text()
    page.confirm_box.reject()
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
        window.new_case()  # Ctrl+N: the next resident, while the job is still printing
        qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
        window.question_box.defaultButton().click()  # keep the printed case open
        assert not page.print_button.isEnabled()  # nothing of the previous packet to print
        qtbot.waitUntil(lambda: "で印刷しました" in page.status.text(), timeout=30000)
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
    window.new_case()
    qtbot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    window.question_box.defaultButton().click()
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
