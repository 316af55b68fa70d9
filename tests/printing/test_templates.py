"""Form templates: every shipped one loads, renders, and bad ones are refused with a place."""

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.domain.era import default_era_table
from forms.formatters import Style
from forms.templates import TemplateError, load_templates, parse_template
from printing.render import FormJob, GuideSheet, Packet, render_packet

SAMPLE_MEMBER = {"name": "北見　太郎", "birth_date": dt.date(1985, 6, 15), "sex": "male",
                 "relationship": "世帯主", "address": "北海道札幌市中央区南三条西９９丁目",
                 "foreign": False, "grade_label": "", "card_label": "あり"}
CHILD = {**SAMPLE_MEMBER, "name": "北見　一郎", "birth_date": dt.date(2017, 4, 2),
         "relationship": "子", "grade_label": "小学3年"}


def _context(form_id):
    return {"case": {"id": "sample"}, "filed_on": dt.date(2026, 4, 3),
            "today": dt.date(2026, 4, 3), "city": {"name": "あおば市"},
            "move": {"kind": "move_in", "kind_label": "転入", "date": dt.date(2026, 4, 1),
                     "previous_address": "北海道札幌市中央区南三条西９９丁目９９－１",
                     "new_address": "北海道あおば市本町１－１"},
            "procedure": {"id": form_id, "title": form_id, "section": "市民課"},
            "applicant": SAMPLE_MEMBER, "members": [SAMPLE_MEMBER, CHILD],
            "household": [SAMPLE_MEMBER, CHILD]}


def test_every_catalogue_form_has_a_template():
    from counter_app.rules import default_catalogue

    assert set(load_templates()) == set(default_catalogue().forms)


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
def test_every_template_renders_to_png(tmp_path, screenshot_dir):
    templates = load_templates()
    era = default_era_table()
    packet = Packet("sample", False, "あおば市", Style(era.format, dt.date(2026, 4, 1)),
                    GuideSheet("あおば市", "北見 太郎", "転入", "", []),
                    [FormJob(t, _context(t.id), "市民課") for t in templates.values()])
    rendered = render_packet(packet)
    pdf = tmp_path / "all.pdf"
    pdf.write_bytes(rendered.pdf)
    out = screenshot_dir.parent / "forms"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(rendered.pages) == len(templates) + 1  # and the guide page
    for png, info in zip(pngs, rendered.pages, strict=True):
        shutil.copy(png, out / f"{info.form_id}.png")
    assert rendered.unprintable == []


@pytest.mark.parametrize(
    ("element", "where"),
    [
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "moov.date"}, "elements[0].path"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "move.date", "format": "heisei"}, "elements[0].format"),
        ({"type": "box", "x": 180, "y": 10, "w": 50, "h": 10}, "elements[0]"),
        ({"type": "circle", "x": 1, "y": 1}, "elements[0]"),
        ({"type": "members", "x": 15, "y": 50, "rows": 0, "row_h": 10,
          "columns": [{"label": "a", "w": 10, "path": "member.name"}]}, "elements[0].rows"),
        ({"type": "members", "x": 15, "y": 50, "rows": 2, "row_h": 10,
          "columns": [{"label": "a", "w": 10, "path": "applicant.name"}]},
         "elements[0].columns[0].path"),
        ({"type": "label", "x": 10, "y": 10, "text": "x", "font": "comic"},
         "elements[0].font"),
    ],
)
def test_bad_templates_are_refused_with_the_place(element, where):
    with pytest.raises(TemplateError) as info:
        parse_template({"id": "t", "title": "t", "elements": [element]}, "t.json")
    assert info.value.where == f"t.json {where}"


def test_a_template_whose_id_is_not_its_file_name_is_refused(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(
        {"id": "b", "title": "t", "elements": [{"type": "title", "text": "t", "y": 10}]}))
    with pytest.raises(TemplateError, match="differs from the file name"):
        load_templates(tmp_path)


# Cells left for the resident or staff to fill in by hand: never bound to case data.
HANDWRITTEN = {"member.note", "member.blank", "member.previous_insurance",
               "member.pension_number", "procedure.none"}


def test_every_bound_path_finds_data_in_a_real_packet():
    """A typo in a layout (or a value the packet forgets to supply) would print a blank."""
    from counter_app.domain import Case
    from counter_app.packet import build_packet
    from counter_app.rules import default_catalogue, determine
    from forms.binding import resolve

    households = Path(__file__).resolve().parent.parent / "households"
    case = Case.from_dict(json.loads(
        (households / "15_three_generations_with_dog_and_moped.json").read_text())["case"])
    case.answers["member.0.pension_category"] = "1"
    catalogue = default_catalogue()
    packet = build_packet(case, determine(case, catalogue), catalogue, load_templates(), False,
                          dt.date(2026, 10, 1))
    context = packet.forms[0].context
    member = context["household"][0]
    for template in load_templates().values():
        for element in template.elements:
            paths = [element["path"]] if "path" in element else []
            paths += [c["path"] for c in element.get("columns", [])]
            for path in paths:
                if path in HANDWRITTEN or path == "procedure.id":
                    continue
                found = resolve(path, {**context, "member": member})
                assert found is not None, f"{template.id}: {path}"
