"""PDF pages as images through PDFium: the right size and colours, and bad input in words."""

import datetime as dt
import json
from pathlib import Path

import pytest

from counter_app.domain import Case
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing.raster import PdfPages, RasterError
from printing.render import render_packet

HOUSEHOLD = Path(__file__).resolve().parent.parent / "households" / "02_family_of_four_nhi.json"


@pytest.fixture(scope="module")
def demo_pdf():
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    catalogue = default_catalogue()
    return render_packet(build_packet(case, determine(case, catalogue), catalogue,
                                      load_templates(), True, dt.date(2026, 4, 3))).pdf


def _pixels(image):
    return [image.pixelColor(x, y) for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)]


def test_a_page_keeps_its_size_and_colours(qapp, demo_pdf):
    with PdfPages(demo_pdf) as pages:
        assert pages.count > 5
        guide = pages.render(0, 72)
    assert (guide.width(), guide.height()) == (596, 842)  # A4 in points, 1 px each at 72 dpi
    pixels = _pixels(guide)
    # The guide's 見本 watermark is pale red, its これから badges dark blue; with red and blue
    # swapped there would be pale blue and orange instead.
    pale_red = sum(1 for c in pixels if c.red() > 220 and 15 < c.red() - c.blue() < 60)
    dark_blue = sum(1 for c in pixels if c.blue() - c.red() > 100)
    assert pale_red > 2000 and dark_blue > 500


def test_a_file_that_is_not_a_pdf_is_refused_in_words(qapp):
    with pytest.raises(RasterError, match="PDFium cannot open the PDF"):
        PdfPages(b"\x89PNG\r\n")
