"""Rare name characters on paper and in the PDF's text layer: characters beyond U+FFFF,
ideographic variation sequences (IVS), and the print gate for what no bundled font has."""

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from printing import fonts
from printing.fonts import Unprintable
from printing.render import draw_text

ROOT = Path(__file__).resolve().parents[2]
X04 = Path(__file__).resolve().parent / "cases" / "x04_move_within_rare_chars.json"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm") or not shutil.which("pdftotext"),
                                   reason="needs poppler-utils (scripts/setup.sh)")

TSUJI = "辻"
ADOBE_VARIANT = TSUJI + "\U000E0100"  # listed by BIZ UD Mincho and Gothic (Adobe-Japan1)
ADOBE_DEFAULT = TSUJI + "\U000E0101"  # the same fonts: the base character's usual glyph
MJ_VARIANT = TSUJI + "\U000E0102"  # listed only by IPAmj Mincho (Moji Joho)
NOWHERE = TSUJI + "\U000E01EF"  # a sequence no bundled font lists


def write_pdf(path, lines, size=40):
    """One line of text per (text, role), drawn as the forms are."""
    canvas = Canvas(str(path), pagesize=(600, 80 + 60 * len(lines)))
    for row, (text, role) in enumerate(lines):
        draw_text(canvas, 20, 40 + 60 * (len(lines) - 1 - row), text, size, role)
    canvas.save()
    return path


def poppler_text(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pypdf_text(path):
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def png(tmp_path, text, role, name):
    """The text drawn alone at 60 pt, as a 72 dpi grey image (one pixel per point)."""
    pdf = write_pdf(tmp_path / f"{name}.pdf", [(text, role)], size=60)
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-png", "-singlefile", str(pdf),
                    str(tmp_path / name)], check=True)
    return Image.open(tmp_path / f"{name}.png")


def differs(a, b):
    return ImageChops.difference(a, b).getbbox() is not None


# --- the text layer ---------------------------------------------------------------------------

NAMES = ["𠮷田　茂", "𡈽美", "髙橋　𠮷", ADOBE_VARIANT, MJ_VARIANT]


@needs_poppler
@pytest.mark.parametrize("role", ["mincho", "gothic"])
def test_text_layer_reads_back_characters_beyond_u_ffff_and_variation_sequences(tmp_path, role):
    pdf = write_pdf(tmp_path / "names.pdf", [(name, role) for name in NAMES])
    # poppler orders blocks by its own layout analysis, and splits them at wide gaps.
    assert sorted(poppler_text(pdf).split()) == sorted("\n".join(NAMES).split())
    assert pypdf_text(pdf).split("\n") == NAMES


def test_to_unicode_maps_write_utf16_surrogate_pairs(tmp_path):
    pdf = write_pdf(tmp_path / "yoshi.pdf", [("𠮷田", "mincho")])
    targets = []
    for font in PdfReader(pdf).pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if "/ToUnicode" in font:
            cmap = font["/ToUnicode"].get_object().get_data().decode("ascii")
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
                targets += re.findall(r"<[0-9A-F]{2}> <([0-9A-F]*)>", block)
    assert "D842DFB7" in targets  # 𠮷 U+20BB7, never the odd-length <20BB7>
    assert all(len(target) % 4 == 0 for target in targets)


# --- variation sequences ----------------------------------------------------------------------

@needs_poppler
def test_a_variation_sequence_prints_the_fonts_variant_glyph(tmp_path):
    base = png(tmp_path, TSUJI, "mincho", "base")
    assert differs(png(tmp_path, ADOBE_VARIANT, "mincho", "adobe"), base)
    # A default sequence is the base character's own glyph.
    assert not differs(png(tmp_path, ADOBE_DEFAULT, "mincho", "default"), base)
    # BIZ UD Mincho does not list this one: IPAmj Mincho's variant, not its plain 辻.
    assert fonts.runs(MJ_VARIANT, "mincho")[0][0] == fonts.face("rare").name
    assert differs(png(tmp_path, MJ_VARIANT, "rare", "mj"), png(tmp_path, TSUJI, "rare", "mj0"))


def test_a_variant_glyph_is_as_wide_as_its_base_character():
    for role in ("mincho", "gothic"):
        for text in (ADOBE_VARIANT, MJ_VARIANT, ADOBE_DEFAULT):
            assert fonts.string_width(text + "吉", role, 10) == pytest.approx(20)


# --- the print gate ---------------------------------------------------------------------------

def test_the_gate_names_what_no_font_prints_with_a_form_staff_can_read():
    texts = ["𠮷田　𰻞子", f"青葉　{NOWHERE}", "\U000E0100青葉", "ベル\x07", "𠮷田　𰻞子",
             f"{ADOBE_VARIANT}{MJ_VARIANT}{ADOBE_DEFAULT}　髙橋\t𡈽美\n"]
    assert fonts.unprintable(texts) == [
        Unprintable("𰻞", "𰻞", "U+30EDE"),
        Unprintable(NOWHERE, "辻＋U+E01EF（異体字セレクタ）", "U+8FBB U+E01EF"),
        Unprintable("\U000E0100", "U+E0100（異体字セレクタ）", "U+E0100"),
        Unprintable("\x07", "U+0007（制御文字）", "U+0007"),
    ]


@needs_poppler
def test_whitespace_prints_as_a_blank_never_as_a_missing_glyph_box(tmp_path):
    assert not differs(png(tmp_path, "田\t田", "mincho", "tab"),
                       png(tmp_path, "田 田", "mincho", "space"))


@needs_poppler
def test_render_command_on_the_review_case_names_what_it_cannot_print(tmp_path, capsys):
    """Review case x04: 𰻞 is in no bundled font, so the print gate refuses the packet and
    names it, with its code point; nothing is written."""
    from counter_app.app import main

    out = tmp_path / "out"
    assert main(["render", str(X04), "--out", str(out)]) == 2
    stderr = capsys.readouterr().err
    assert "印刷できない文字があります：𰻞（U+30EDE）" in stderr
    assert not out.exists()


@needs_poppler
def test_the_review_case_prints_every_rare_name_with_a_true_text_layer(tmp_path):
    """𠮷, 𡈽 and 辻 + U+E0100 print; even 𰻞's box (drawn only when the gate was bypassed)
    reads back as 𰻞."""
    import datetime as dt

    from counter_app.domain import Case
    from counter_app.reception.packet import assemble
    from counter_app.rules import default_catalogue, determine
    from forms.templates import load_templates
    from printing.render import render_packet

    case = Case.from_dict(json.loads(X04.read_text()))
    catalogue = default_catalogue()
    built = assemble(case, determine(case, catalogue), catalogue, load_templates(), False,
                     dt.date(2026, 8, 3))
    pdf = tmp_path / "packet-x04.pdf"
    pdf.write_bytes(render_packet(built.packet).pdf)
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    page = next(i for i, text in enumerate(pages) if "住民異動届" in text) + 1
    text = "".join(pages[page - 1:page + 1])  # the 住民異動届 and its continuation
    rows = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-f", str(page), "-l",
                           str(page + 1), str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    for name in [m["name"] for m in json.loads(X04.read_text())["members"]]:
        assert name in text  # 𰻞 too: its box reads back as 𰻞
        surname, given = name.split("　")
        assert re.search(f"{surname} +{given}", rows), name
    # For people to look at: the page with the names, as the review saw it.
    artifacts = ROOT / "artifacts" / "forms"
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", "-f", str(page), "-l",
                    str(page), str(pdf), str(artifacts / f"x04_move_within_rare_chars-{page}")],
                   check=True)


def test_render_command_shows_invisible_characters_by_their_code(tmp_path, capsys):
    from counter_app.app import main

    case = json.loads(X04.read_text())
    case["members"][2]["name"] = f"𠮷田　{NOWHERE}"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert main(["render", str(path), "--out", str(tmp_path / "out")]) == 2
    stderr = capsys.readouterr().err
    assert "辻＋U+E01EF（異体字セレクタ）（U+8FBB U+E01EF）" in stderr
    assert "\U000E01EF" not in stderr


# --- the Gothic guide's fallback --------------------------------------------------------------

@needs_poppler
def test_the_mincho_fallback_sits_on_the_gothic_line(tmp_path):
    """No Gothic has 𠮷: it comes from IPAmj Mincho, on the same baseline and em box."""
    assert fonts.runs("田𠮷田", "gothic")[1] == (fonts.face("rare").name, "𠮷")
    assert fonts.string_width("田𠮷田", "gothic", 60) == pytest.approx(180)

    def rows(image, cell=0):  # inked rows of a cell: 60 px wide at 60 pt, 72 dpi, from x=20
        left = 20 + 60 * cell
        box = ImageChops.invert(image.crop((left, 0, left + 60, image.height))).getbbox()
        return box[1], box[3]

    # The same character in both fonts: centred within a pixel, so the em boxes agree.
    (g_top, g_bottom) = rows(png(tmp_path, "田", "gothic", "g"))
    (m_top, m_bottom) = rows(png(tmp_path, "田", "rare", "m"))
    assert abs((g_top + g_bottom) - (m_top + m_bottom)) <= 2
    # In one line: 𠮷 stands on the line the Gothic 田 stand on.
    line = png(tmp_path, "田𠮷田", "gothic", "mixed")
    assert abs(rows(line, 1)[1] - rows(line, 0)[1]) <= 1
    assert rows(line, 0) == rows(line, 2)


# --- long texts -------------------------------------------------------------------------------

def best_time(repeat, function, *args):
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        timings.append(time.perf_counter() - start)
    return min(timings)


@pytest.mark.parametrize("pattern", ["吉田", ADOBE_VARIANT + "田"])
def test_splitting_text_into_runs_is_linear_in_its_length(pattern):
    """A 200,000-character run with a fallback character at its end (the run was built by
    repeated concatenation: 70–190 times as long as copying the text into a list), and
    variation sequences. Against a linear reference on the same text, not a clock: the
    machine may be busy."""
    text = pattern * 100_000 + "𠮷"
    fonts.runs(pattern + "𠮷", "mincho")  # fonts and variation sequences loaded
    ratio = best_time(2, fonts.runs, text, "mincho") / best_time(3, list, text)
    assert ratio < 25, f"splitting took {ratio:.0f} times as long as list()"
