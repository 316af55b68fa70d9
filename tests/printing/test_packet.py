"""Packet PDFs checked as a person would: extracted text, fonts, QR codes decoded from PNG."""

import copy
import datetime as dt
import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from counter_app.domain import Case, ChecklistEntry, ChecklistStatus
from counter_app.domain.era import default_era_table
from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from forms.templates import load_templates
from printing.qr import parse_qr_payload
from printing.render import GUIDE_ID, render_packet

HOUSEHOLDS = Path(__file__).resolve().parent.parent / "households"
PRINTED_ON = dt.date(2026, 4, 3)


def household(name):
    return Case.from_dict(json.loads((HOUSEHOLDS / f"{name}.json").read_text()))


def render(case, demo=False):
    catalogue = default_catalogue()
    result = determine(case, catalogue)
    packet = build_packet(case, result, catalogue, load_templates(), demo, PRINTED_ON)
    return result, packet, render_packet(packet)


def page_texts(pdf_bytes, tmp_path):
    path = tmp_path / "packet.pdf"
    path.write_bytes(pdf_bytes)
    # Qt- and reportlab-made PDFs may map some kanji to Kangxi radicals: compare after NFKC.
    return [unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(path).pages]


def nfkc(text):
    return unicodedata.normalize("NFKC", text)


def test_forms_carry_names_addresses_and_era_dates(tmp_path):
    case = household("02_family_of_four_nhi")
    _, packet, rendered = render(case)
    texts = page_texts(rendered.pdf, tmp_path)
    era = default_era_table()
    by_form: dict[str, str] = {}
    for text, info in zip(texts, rendered.pages, strict=True):
        by_form[info.form_id] = by_form.get(info.form_id, "") + text
    assert packet.forms
    for job in packet.forms:  # each form names the people it is for (a per-person form: one)
        text = by_form[job.key]
        for member in job.context["members"] if job.template.members_table else []:
            assert nfkc(member["name"]) in text, job.key
        assert nfkc(era.format(PRINTED_ON)) in text  # 届出日 (the visit) on every form
    resident_move = by_form["resident_move"]
    assert nfkc(case.move.new_address) in resident_move
    assert nfkc(case.move.previous_address) in resident_move
    assert "昭和60年6月15日" in resident_move  # 北見 太郎, 1985-06-15
    assert "令和4年5月5日" in resident_move  # the youngest, 2022-05-05
    assert nfkc("令和8年4月1日") in resident_move  # the move date


def test_foreign_residents_dates_are_western(tmp_path):
    _, _, rendered = render(household("07_foreign_couple"))
    texts = page_texts(rendered.pdf, tmp_path)
    nhi = texts[next(i for i, p in enumerate(rendered.pages) if p.form_id == "nhi_change")]
    assert "1990年3月3日" in nhi and "1992年7月7日" in nhi
    assert "平成2年" not in nhi


def test_guide_sheet_first_then_forms_by_section_and_page_count(tmp_path):
    case = household("02_family_of_four_nhi")
    result, packet, rendered = render(case)
    assert rendered.pages[0].form_id == GUIDE_ID
    forms_expected = {f for p in result.procedures for f in p.procedure.forms}
    keys = [job.key for job in packet.forms]
    assert {key.split(".")[0] for key in keys} == forms_expected
    assert keys.count("resident_move") == 1  # one per household
    assert [k for k in keys if k.startswith("ecert_issue")] == ["ecert_issue.0",
                                                                "ecert_issue.1"]  # per person
    sections = [job.section for job in packet.forms]
    order = [s.name_ja for s in default_catalogue().city.sections]
    assert sections == sorted(sections, key=order.index)
    texts = page_texts(rendered.pdf, tmp_path)
    guide = texts[0]
    assert "窓口案内シート" in guide and "保険年金課" in guide and "5番窓口" in guide
    assert nfkc("令和8年4月15日まで") in guide  # the 転入届 deadline as a real date
    assert "転出証明書" in guide  # what to bring


def test_not_needed_procedures_print_no_form():
    case = household("02_family_of_four_nhi")
    case.checklist["dog_registration"] = ChecklistEntry(ChecklistStatus.NOT_NEEDED, "飼っていない")
    _, _, rendered = render(case)
    assert "dog_registration_change" not in {p.form_id for p in rendered.pages}


def test_every_font_is_embedded(tmp_path):
    _, _, rendered = render(household("03_elderly_couple_from_another_prefecture"))
    path = tmp_path / "p.pdf"
    path.write_bytes(rendered.pdf)
    seen = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font \
                else font
            assert "/FontFile2" in descendant["/FontDescriptor"], font["/BaseFont"]
            seen.add(str(font["/BaseFont"]))
    # 𠮷 (not in BIZ UD fonts) came from IPAmj Mincho, embedded like the others.
    assert any("IPAmjMincho" in name for name in seen)
    assert rendered.unprintable == []


@pytest.mark.skipif(not shutil.which("zbarimg") or not shutil.which("pdftoppm"),
                    reason="needs zbar-tools and poppler-utils (scripts/setup.sh)")
def test_every_page_has_a_qr_code_with_the_right_ids(tmp_path):
    case = household("05_move_out_family_nhi_seal_moped")
    _, _, rendered = render(case)
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(rendered.pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")],
                   check=True)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(rendered.pages)
    for png, info in zip(pngs, rendered.pages, strict=True):
        out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True,
                             text=True)
        assert out.returncode == 0, f"no code found on {png.name}"
        assert parse_qr_payload(out.stdout) == (case.id, info.form_id, info.page, False)


def test_a_large_household_flows_onto_continuation_pages(tmp_path):
    case = household("15_three_generations_with_dog_and_moped")
    base = case.members[0]
    for i in range(5):  # ten people: more than the 8 rows of the 住民異動届
        extra = copy.deepcopy(base)
        extra.name = f"世田谷　追加{i}"
        extra.relationship = "同居人"
        case.members.append(extra)
        for key, value in list(case.answers.items()):
            if key.startswith("member.0."):
                case.answers[key.replace("member.0.", f"member.{5 + i}.")] = value
    _, _, rendered = render(case)
    moves = [i for i, p in enumerate(rendered.pages) if p.form_id == "resident_move"]
    assert [rendered.pages[i].page for i in moves] == [1, 2]
    texts = page_texts(rendered.pdf, tmp_path)
    head = nfkc(case.members[0].name)
    assert f"{head} 様の住民異動届(続き 2/2枚目)" in texts[moves[1]]  # whose sheet it is
    assert "以下余白" in texts[moves[1]]
    assert nfkc("世田谷　追加4") in texts[moves[1]] and nfkc("世田谷　追加4") not in texts[moves[0]]


def test_demo_packets_say_mihon_on_every_page(tmp_path):
    case = household("01_single_employee_move_in")
    _, _, demo = render(case, demo=True)
    _, _, real = render(case, demo=False)
    assert all("見本" in t for t in page_texts(demo.pdf, tmp_path))
    assert not any("見本" in t for t in page_texts(real.pdf, tmp_path))


def test_characters_no_font_has_are_reported_before_printing():
    case = household("01_single_employee_move_in")
    case.members[0].name = "青葉　一郎\U0001F600"
    _, _, rendered = render(case)
    assert [(u.visible, u.codes) for u in rendered.unprintable] == [("\U0001F600", "U+1F600")]


# data_dir: `render` logs to the data directory, a private one per test.
def test_render_refuses_with_every_problem_and_writes_nothing(tmp_path, capsys, data_dir):
    from counter_app.app import main

    data = json.loads((HOUSEHOLDS / "01_single_employee_move_in.json").read_text())
    data["members"][0]["name"] = "青葉　一郎\U0001F600"
    case_file = tmp_path / "case.json"
    case_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["render", str(case_file), "--out", str(tmp_path / "out"), "--demo"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert any("U+1F600" in line and "印刷できない文字" in line for line in lines)
    assert any("フリガナ" in line for line in lines)  # the card has no kana: typed, or refused
    assert not (tmp_path / "out").exists()


def test_render_command_writes_the_packet_and_its_data(tmp_path, capsys, data_dir):
    from counter_app.app import main

    case_file = Path(__file__).resolve().parent / "cases" / "long_move_in.json"
    assert main(["render", str(case_file), "--out", str(tmp_path), "--printed-on",
                 "2026-06-03"]) == 0
    captured = capsys.readouterr()
    pdf = tmp_path / "packet-long-move-in.pdf"
    assert str(pdf) in captured.out
    assert len(PdfReader(pdf).pages) == int(captured.out.split("(")[1].split()[0])
    data = json.loads((tmp_path / "packet-long-move-in.json").read_text(encoding="utf-8"))
    assert data["case"] == "long-move-in"
    move = next(f for f in data["forms"] if f["form"] == "resident_move")
    assert move["pages"] and move["fields"]["head.name"] == "長谷川　健太郎"
    assert {"role": "届出人", "member": 0, "name": "長谷川　美智子",
            "address": move["people"][0]["address"]} == move["people"][0]
    seals = [f for f in data["forms"] if f["form"] == "seal_registration"]
    assert [s["people"][-1]["member"] for s in seals] == [2, 8]
