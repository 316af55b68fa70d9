"""Printing through a real CUPS scheduler: a PDF printer, a raw socket printer, a stopped one."""

import datetime as dt
import json
import shutil
import sys
import threading
from pathlib import Path

import pytest
from cups_sandbox import RawListener
from pypdf import PdfReader

from counter_app.domain import Case
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing import dispatch
from printing.render import render_packet

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not shutil.which("cupsd") or not shutil.which("unshare"),
    reason="needs Linux with cupsd and cups-pdf (scripts/setup.sh installs them)")
HOUSEHOLD = Path(__file__).resolve().parent.parent / "households" / "02_family_of_four_nhi.json"


@pytest.fixture(scope="module")
def packet():
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    catalogue = default_catalogue()
    rendered = render_packet(build_packet(case, determine(case, catalogue), catalogue,
                                          load_templates(), True, dt.date(2026, 4, 3)))
    return case, rendered


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_a_pdf_printer_completes_the_job(cups, packet):
    case, rendered = packet
    cups.add_pdf_queue("COUNTER_PDF")
    before = set(cups.pdfs())
    messages = []
    outcome = dispatch.print_pdf(rendered.pdf, "COUNTER_PDF", f"packet {case.id}",
                                 threading.Event(), messages.append)
    assert outcome.printer == "COUNTER_PDF" and outcome.job_id.startswith("COUNTER_PDF-")
    assert messages[-1] == "印刷が終わりました"
    printed = [p for p in cups.pdfs() if p not in before]
    assert len(printed) == 1
    # cups-pdf re-distils through Ghostscript: compare pages, not text.
    assert len(PdfReader(printed[0]).pages) == len(rendered.pages)


def test_a_raw_queue_receives_the_exact_bytes(cups, packet):
    case, rendered = packet
    listener = RawListener()
    try:
        cups.add_raw_queue("COUNTER_RAW", listener.port)
        dispatch.print_pdf(rendered.pdf, "COUNTER_RAW", f"packet {case.id}", threading.Event())
        assert listener.jobs == [rendered.pdf]
    finally:
        listener.close()


def test_a_stopped_printer_is_refused_and_nothing_is_sent(cups, packet):
    _, rendered = packet
    listener = RawListener()
    try:
        cups.add_raw_queue("COUNTER_STOPPED", listener.port)
        cups.stop_queue("COUNTER_STOPPED")
        with pytest.raises(dispatch.PrinterStopped) as info:
            dispatch.print_pdf(rendered.pdf, "COUNTER_STOPPED", "packet", threading.Event())
        assert "プリンタが停止しています" in info.value.message_ja
        assert listener.jobs == []
        assert cups.lp("lpstat", "-W", "not-completed", "-o", "COUNTER_STOPPED").stdout == ""
    finally:
        listener.close()


def test_cancel_stops_waiting_and_cancels_the_job(cups, packet):
    _, rendered = packet
    jammed = RawListener(read=False)
    cancel = threading.Event()
    try:
        cups.add_raw_queue("COUNTER_JAM", jammed.port)
        timer = threading.Timer(1.0, cancel.set)
        timer.start()
        with pytest.raises(dispatch.PrintCancelled):
            dispatch.print_pdf(rendered.pdf, "COUNTER_JAM", "packet", cancel, timeout_s=30)
        timer.join()
        assert cups.lp("lpstat", "-W", "not-completed", "-o", "COUNTER_JAM").stdout == ""
    finally:
        jammed.close()


def test_no_print_service(tmp_path, monkeypatch, packet):
    _, rendered = packet
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "none.sock"))
    with pytest.raises(dispatch.NoPrintService):
        dispatch.print_pdf(rendered.pdf, "ANY", "packet", threading.Event())


def test_a_job_cancelled_at_the_printer_is_not_reported_as_printed(cups, packet):
    _, rendered = packet
    jammed = RawListener(read=False)
    try:
        cups.add_raw_queue("COUNTER_ELSEWHERE", jammed.port)
        # Someone cancels the job at the printer (or the backend aborts it) while we wait.
        def cancel_elsewhere():
            jobs = cups.lp("lpstat", "-W", "not-completed", "-o", "COUNTER_ELSEWHERE").stdout
            cups.lp("cancel", jobs.split()[0])

        timer = threading.Timer(1.5, cancel_elsewhere)
        timer.start()
        with pytest.raises(dispatch.PrintError) as info:
            dispatch.print_pdf(rendered.pdf, "COUNTER_ELSEWHERE", "packet", threading.Event(),
                               timeout_s=30)
        timer.join()
        assert "ended without printing" in str(info.value)
        assert not isinstance(info.value, dispatch.PrintCancelled)
    finally:
        jammed.close()


def test_the_cups_tools_are_read_in_the_c_locale(cups, packet, monkeypatch):
    # A Japanese PC: the tools would answer 「スケジューラーは動作中です」 where the locale exists.
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("LC_ALL", "ja_JP.UTF-8")
    monkeypatch.setenv("LANGUAGE", "ja")
    cups.add_pdf_queue("COUNTER_JA")
    assert dispatch.printer_state("COUNTER_JA") == "idle"
