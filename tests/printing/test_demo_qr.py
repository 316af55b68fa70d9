"""Demo packets: 見本 and a demo QR code on every page; a demo code scanned at a real counter
(and a real one in training) is refused with a clear message."""

import datetime as dt
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from counter_app.demo import load_roster
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing.qr import (
    DEMO_IN_PRODUCTION_JA,
    NOT_OURS_JA,
    PRODUCTION_IN_DEMO_JA,
    PageCode,
    parse_qr_payload,
    qr_payload,
    scan_refusal,
)
from printing.render import render_packet

PRINTED_ON = dt.date(2026, 12, 7)


def _render(case, demo=True):
    catalogue = default_catalogue()
    packet = build_packet(case, determine(case, catalogue), catalogue, load_templates(), demo,
                          PRINTED_ON)
    return render_packet(packet)


def test_a_demo_code_says_so_and_only_its_own_mode_opens_it():
    demo, real = qr_payload("c1", "nhi_change", 2, demo=True), qr_payload("c1", "nhi_change", 2)
    assert demo == "MADOGUCHI1-DEMO|c1|nhi_change|2" and real == "MADOGUCHI1|c1|nhi_change|2"
    assert parse_qr_payload(demo) == PageCode("c1", "nhi_change", 2, demo=True)
    assert parse_qr_payload(real) == ("c1", "nhi_change", 2, False)
    assert scan_refusal(parse_qr_payload(demo), demo_mode=False) == DEMO_IN_PRODUCTION_JA
    assert scan_refusal(parse_qr_payload(real), demo_mode=True) == PRODUCTION_IN_DEMO_JA
    assert scan_refusal(parse_qr_payload(demo), demo_mode=True) is None
    assert scan_refusal(parse_qr_payload(real), demo_mode=False) is None
    for text in ("MADOGUCHI1-DEMOX|c1|f|1", "MADOGUCHI2|c1|f|1", "MADOGUCHI1-DEMO|c1|f|x", ""):
        assert parse_qr_payload(text) is None
        assert scan_refusal(parse_qr_payload(text), demo_mode=False) == NOT_OURS_JA


@pytest.mark.slow
def test_every_page_of_every_roster_household_says_mihon_in_demo(tmp_path):
    pages = 0
    for household in load_roster():
        rendered = _render(household.case)
        path = tmp_path / f"{household.key}.pdf"
        path.write_bytes(rendered.pdf)
        texts = [p.extract_text() for p in PdfReader(path).pages]
        assert texts and all("見本" in t for t in texts), household.key
        pages += len(texts)
    assert pages >= 80


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("pdftoppm"),
                    reason="needs zbar-tools and poppler-utils (scripts/setup.sh)")
def test_every_demo_page_carries_a_demo_code(tmp_path):
    case = load_roster()[0].case
    rendered = _render(case)
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(rendered.pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(rendered.pages) >= 10
    for png, info in zip(pngs, rendered.pages, strict=True):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True,
                             text=True)
        assert parse_qr_payload(out.stdout) == (case.id, info.form_id, info.page, True), png
