"""Form templates: every shipped one, filled with the longest realistic values, renders without a
single word overlapping another or leaving its box or the page (measured from the PDF with
pdftotext -bbox); people are bound by role; bad templates are refused with their place."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from counter_app.domain import Case, roles
from counter_app.reception.packet import assemble, check_templates, packet_data
from counter_app.rules import default_catalogue, determine
from forms.binding import bind
from forms.templates import (
    CONTINUATION_TOP_MM,
    HEADER_MM,
    TemplateError,
    extent,
    load_templates,
    parse_template,
)
from printing.render import GUIDE_ID, layout_problems, render_packet

CASES = Path(__file__).resolve().parent / "cases"
LONG = ["long_move_in", "long_move_within", "long_move_out"]
MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
SLACK = 0.8  # points: pdftotext's boxes follow font metrics, a little wider than the ink


def long_case(name):
    return Case.from_dict(json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")))


def built(name, demo=False):
    case = long_case(name)
    catalogue = default_catalogue()
    return case, assemble(case, determine(case, catalogue, case.filed_on), catalogue,
                          load_templates(), demo, case.filed_on)


@pytest.fixture(scope="module")
def rendered_long(tmp_path_factory):
    """The three long households rendered once: (name, case, built packet, rendered, pdf)."""
    out = tmp_path_factory.mktemp("long")
    found = []
    for name in LONG:
        case, packet = built(name)
        rendered = render_packet(packet.packet)
        pdf = out / f"{name}.pdf"
        pdf.write_bytes(rendered.pdf)
        found.append((name, case, packet, rendered, pdf))
    return found


def test_every_catalogue_form_has_a_template_that_fits_the_catalogue():
    catalogue, templates = default_catalogue(), load_templates()
    assert set(templates) == set(catalogue.forms)
    check_templates(catalogue, templates)


def test_the_long_households_print_every_form_and_pass_the_gate(rendered_long):
    printed = {job.template.id for _n, _c, packet, _r, _p in rendered_long
               for job in packet.packet.forms}
    # Every form a move prints (life-event forms: tests/printing/test_event_forms.py).
    assert printed == {form for procedure in default_catalogue().procedures
                       if procedure.move_kinds for form in procedure.forms}
    for name, _case, packet, rendered, _pdf in rendered_long:
        assert packet.problems == [], name
        assert layout_problems(packet.packet) == [], name
        assert rendered.unprintable == [], name


def _words(pdf):
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        words = []
        for match in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', page):
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            words.append((x0, y0, x1, y1, match.group(5)))
        pages.append(words)
    return pages


def _rects(template, continuation, hidden):
    """Rectangles (points, from the top left) of the solid elements drawn on a page."""
    rects = []
    for index, element in enumerate(template.elements):
        if index in hidden or element["type"] not in ("box", "field", "signature", "office",
                                                      "members"):
            continue
        if continuation and element["type"] != "members":
            continue
        if element["type"] == "field" and element.get("frame") is False:
            continue
        left, top, right, bottom = extent(element)
        if element["type"] == "office":
            top += 4  # the 市使用欄 caption sits above the cells
        if continuation:
            rows = template.continuation_rows
            top, bottom = CONTINUATION_TOP_MM, CONTINUATION_TOP_MM + HEADER_MM + \
                rows * element["row_h"]
        rects.append((left * MM, top * MM, right * MM, bottom * MM, element.get("label", "")))
    return rects


def _straddles(word, rect):
    x0, y0, x1, y1, _ = word
    left, top, right, bottom, _ = rect
    inside = x0 >= left - SLACK and x1 <= right + SLACK and y0 >= top - SLACK and \
        y1 <= bottom + SLACK
    outside = x1 <= left + SLACK or x0 >= right - SLACK or y1 <= top + SLACK or \
        y0 >= bottom - SLACK
    return not inside and not outside


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_nothing_overlaps_or_leaves_its_box_or_the_page(rendered_long):
    """Measured on the PDF: every word inside the printable page, no two words on top of each
    other, and no word across the border of a box, field or table (it is inside or outside)."""
    assert layout_faults(rendered_long) == []


def layout_faults(rendered_long):
    faults = []
    for name, _case, packet, rendered, pdf in rendered_long:
        jobs = {job.key: job for job in packet.packet.forms}
        for number, (words, info) in enumerate(zip(_words(pdf), rendered.pages, strict=True),
                                               start=1):
            where = f"{name} p{number} {info.form_id}"
            for word in words:
                x0, y0, x1, y1, text = word
                if x0 < 5 * MM or x1 > PAGE_W - 5 * MM or y0 < 5 * MM or y1 > PAGE_H - 5 * MM:
                    faults.append(f"{where}: {text!r} leaves the page")
            for i, a in enumerate(words):
                for b in words[i + 1:]:
                    if min(a[2], b[2]) - max(a[0], b[0]) > SLACK and \
                            min(a[3], b[3]) - max(a[1], b[1]) > SLACK:
                        faults.append(f"{where}: {a[4]!r} overlaps {b[4]!r}")
            if info.form_id == GUIDE_ID:
                continue
            job = jobs[info.form_id]
            bound = bind(job.template, job.context, packet.packet.style)
            page = bound.pages[info.page - 1]
            for rect in _rects(job.template, page.continuation, page.hidden):
                for word in words:
                    if _straddles(word, rect):
                        faults.append(f"{where}: {word[4]!r} crosses the border of "
                                      f"{rect[4] or 'a table'}")
    return faults


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils")
def test_every_template_with_long_values_is_kept_as_png(rendered_long, screenshot_dir):
    out = screenshot_dir.parent / "forms"
    out.mkdir(parents=True, exist_ok=True)
    written = set()
    for name, _case, _packet, rendered, pdf in rendered_long:
        prefix = pdf.parent / name
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True)
        pngs = sorted(pdf.parent.glob(f"{name}-*.png"))
        assert len(pngs) == len(rendered.pages)
        for png, info in zip(pngs, rendered.pages, strict=True):
            target = out / f"{name}-{info.form_id}-{info.page}.png"
            shutil.copy(png, target)
            written.add(info.form_id.split(".")[0])
    assert {form for procedure in default_catalogue().procedures if procedure.move_kinds
            for form in procedure.forms} <= written


def _expected_people(case):
    return {"head": roles.head_member(case), "filer": roles.filer(case).member,
            "claimant": roles.claimant(case)}


def test_every_template_binds_people_by_role_never_by_position(rendered_long):
    """In the long households the 世帯主 is member 2, the 届出人 and claimant member 0 (or an
    agent who is not a member): every name a form prints in a role is that role's person."""
    for name, case, packet, rendered, _pdf in rendered_long:
        data = packet_data(packet.packet, rendered.pages)
        expected = _expected_people(case)
        assert expected["head"] == 2
        for form, job in zip(data["forms"], packet.packet.forms, strict=True):
            template = job.template
            assert template.people, f"{template.id} declares whom it names"
            fields = form["fields"]
            for root, index in expected.items():
                path = f"{root}.name"
                if path in fields and index is not None:
                    assert fields[path] == case.members[index].name, (name, template.id, path)
            if "filer.name" in fields and expected["filer"] is None:
                assert fields["filer.name"] == case.filer.name
            for person in form["people"]:
                if person["member"] is not None:
                    assert person["name"] == case.members[person["member"]].name
            if template.per == "person":
                member = job.context["person"]["member"]
                assert fields.get("person.name", case.members[member].name) == \
                    case.members[member].name


def test_a_per_person_form_prints_once_per_person(rendered_long):
    _name, case, packet, _rendered, _pdf = rendered_long[0]
    seals = [job for job in packet.packet.forms if job.template.id == "seal_registration"]
    assert [job.key for job in seals] == ["seal_registration.2", "seal_registration.8"]
    assert [job.context["person"]["name"] for job in seals] == \
        [case.members[2].name, case.members[8].name]


def test_move_out_forms_name_the_city_address_as_the_address_and_the_destination_apart():
    _case, packet = built("long_move_out")
    data = packet_data(packet.packet, render_packet(packet.packet).pages)
    for form in data["forms"]:
        for path, text in form["fields"].items():
            if path == "move.city_address":
                assert text.startswith("北海道あおば市"), form["form"]
            if path == "move.other_address":
                assert text.startswith("大阪府"), form["form"]


@pytest.mark.parametrize(
    ("element", "where"),
    [
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "moov.date"}, "elements[0].path"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "head.birth_dat"}, "elements[0].path"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "move.date", "format": "heisei"}, "elements[0].format"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "move.date", "suffix": 3}, "elements[0].suffix"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x",
          "path": "person.name"}, "elements[0].path"),
        ({"type": "field", "x": 10, "y": 10, "w": 50, "h": 10, "label": "x"}, "elements[0]"),
        ({"type": "box", "x": 180, "y": 10, "w": 50, "h": 10}, "elements[0]"),
        ({"type": "box", "x": 15, "y": 265, "w": 50, "h": 10}, "elements[0]"),
        ({"type": "circle", "x": 1, "y": 1}, "elements[0]"),
        ({"type": "members", "x": 15, "y": 50, "rows": 0, "row_h": 10,
          "columns": [{"label": "a", "w": 10, "path": "member.name"}]}, "elements[0].rows"),
        ({"type": "members", "x": 15, "y": 50, "rows": 2, "row_h": 10,
          "columns": [{"label": "a", "w": 10, "path": "head.name"}]},
         "elements[0].columns[0].path"),
        ({"type": "label", "x": 10, "y": 10, "text": "x", "font": "comic"},
         "elements[0].font"),
        ({"type": "check", "x": 10, "y": 10, "label": "x", "path": "move.kind",
          "when": {"path": "move.kynd"}}, "elements[0].when.path"),
    ],
)
def test_bad_templates_are_refused_with_the_place(element, where):
    with pytest.raises(TemplateError) as info:
        parse_template({"id": "t", "title": "t", "elements": [element]}, "t.json")
    assert info.value.where == f"t.json {where}"


def test_overlapping_elements_are_refused_at_load():
    table = {"type": "members", "x": 15, "y": 99, "rows": 4, "row_h": 10,
             "columns": [{"label": "氏名", "w": 60, "path": "member.name"}]}
    check = {"type": "check", "x": 17, "y": 146, "label": "身体障害者手帳", "handwritten": True}
    with pytest.raises(TemplateError, match="overlaps"):
        parse_template({"id": "t", "title": "t", "elements": [table, check]}, "t.json")
    check["y"] = 152
    parse_template({"id": "t", "title": "t", "elements": [table, check]}, "t.json")


def test_a_template_whose_id_is_not_its_file_name_is_refused(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(
        {"id": "b", "title": "t", "elements": [{"type": "title", "text": "t", "y": 10}]}))
    with pytest.raises(TemplateError, match="differs from the file name"):
        load_templates(tmp_path)


def test_a_tick_box_bound_to_a_procedure_the_catalogue_lacks_is_refused():
    from counter_app.reception.packet import FormsMismatch

    templates = load_templates()
    bad = parse_template({"id": "x", "title": "x", "elements": [
        {"type": "check", "x": 15, "y": 20, "label": "小型特殊", "path": "procedure.id",
         "equals": "small_special"}]}, "x.json")
    with pytest.raises(FormsMismatch, match="small_special"):
        check_templates(default_catalogue(), {**templates, "x": bad})


def test_every_bound_path_finds_data_in_the_long_households(rendered_long):
    """A typo in a layout (or a value the packet forgets to supply) would print a blank: every
    path of every template finds a value for somebody in the long households."""
    from forms.binding import resolve

    unresolved: dict[str, set[str]] = {}
    resolved: set[tuple[str, str]] = set()
    for _name, _case, packet, _rendered, _pdf in rendered_long:
        for job in packet.packet.forms:
            for member in job.context["household"]:
                context = {**job.context, "member": member, "row": 1}
                for path in job.template.paths():
                    if resolve(path, context) is not None:
                        resolved.add((job.template.id, path))
                    else:
                        unresolved.setdefault(job.template.id, set()).add(path)
    optional = ("previous_head.", "deceased.", "event.", "spouse.")
    missing = {form: sorted(p for p in paths if (form, p) not in resolved
                            and not p.startswith(optional))
               for form, paths in unresolved.items()}
    assert {form: paths for form, paths in missing.items() if paths} == {}
