"""Qt's print path (used where there is no CUPS, as on Windows), printing to a PDF file."""

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from counter_app.domain import Case
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing.dispatch import PrintCancelled, PrintError
from printing.qt_print import print_with_qt
from printing.raster import PdfPages
from printing.render import render_packet

HOUSEHOLDS = Path(__file__).resolve().parent.parent / "households"
HOUSEHOLD = HOUSEHOLDS / "05_move_out_family_nhi_seal_moped.json"


@pytest.fixture(scope="module")
def packet_pdf():
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    catalogue = default_catalogue()
    packet = build_packet(case, determine(case, catalogue), catalogue, load_templates(), False,
                          dt.date(2026, 9, 1))
    return render_packet(packet)


def test_every_page_goes_through_qt_printing(qapp, tmp_path, packet_pdf):
    out = tmp_path / "qt.pdf"
    messages = []
    outcome = print_with_qt(packet_pdf.pdf, None, "packet", threading.Event(), messages.append,
                            output_file=out)
    assert outcome.printer == str(out)
    pages = len(packet_pdf.pages)
    assert len(PdfReader(out).pages) == pages
    assert messages[-1] == f"{pages}／{pages}ページを送りました"
    # The printed sheet carries the page: as much ink as the original, within a margin.
    def ink(pdf):
        with PdfPages(pdf) as document:
            image = document.render(0, 36)
        return sum(1 for x in range(image.width()) for y in range(image.height())
                   if image.pixelColor(x, y).lightness() < 128)

    assert ink(packet_pdf.pdf) > 500
    assert abs(ink(out.read_bytes()) - ink(packet_pdf.pdf)) < 0.25 * ink(packet_pdf.pdf)


def test_cancel_between_pages(qapp, tmp_path, packet_pdf):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PrintCancelled):
        print_with_qt(packet_pdf.pdf, None, "packet", cancel, output_file=tmp_path / "x.pdf")


def test_a_packet_that_is_not_a_pdf_is_a_print_error(qapp, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(PrintError, match="PDFium cannot open"):
        print_with_qt(b"%PDF-1.4 cut short", None, "packet", threading.Event(), output_file=out)
    assert not out.exists()
