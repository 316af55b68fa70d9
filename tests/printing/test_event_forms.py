"""Life-event forms and the おくやみ guide sheet, checked on real packets of households 17–20
and 22–25 (made print-ready in tests/printing/cases/event_*.json): who is in which box, read
from the PDF's words and the template's boxes; per-person forms once per person; the guide
sheet lists every procedure with its date, the 戸籍 forms as listed (never printed), and the
lines about what happens outside the city hall, which come from the catalogue."""

import io
import json
import shutil
import unicodedata
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader
from test_templates import _words, layout_faults

from counter_app.domain import Case
from counter_app.domain.era import default_era_table
from counter_app.reception.packet import assemble, packet_data
from counter_app.rules import Catalogue, RuleError, default_catalogue, determine
from forms.templates import extent, load_templates
from printing.render import GUIDE_ID, layout_problems, render_packet

CASES = Path(__file__).resolve().parent / "cases"
EVENT_CASES = ("event_17_death_of_the_head", "event_18_death_of_an_employee_head",
               "event_20_twins_born", "event_22_marriage_of_a_single_mother",
               "event_24_divorce_by_court_decision",
               "event_19_death_then_the_survivor_moves_within",
               "event_25_newborn_moving_in_with_parents",
               "event_23_divorce_husband_moves_within")
MM = 72 / 25.4
REGISTRY = {"death_registration": "死亡届", "birth_registration": "出生届",
            "marriage_registration": "婚姻届", "divorce_registration": "離婚届"}


def _case(name):
    return Case.from_dict(json.loads((CASES / f"{name}.json").read_text(encoding="utf-8")))


def _built(case, catalogue=None):
    catalogue = catalogue or default_catalogue()
    return assemble(case, determine(case, catalogue, case.filed_on), catalogue,
                    load_templates(), False, case.filed_on)


@pytest.fixture(scope="module")
def packets(tmp_path_factory):
    """name → (case, built, rendered, pdf path), each rendered once."""
    out = tmp_path_factory.mktemp("events")
    found = {}
    for name in EVENT_CASES:
        case = _case(name)
        built = _built(case)
        rendered = render_packet(built.packet)
        pdf = out / f"{name}.pdf"
        pdf.write_bytes(rendered.pdf)
        found[name] = (case, built, rendered, pdf)
    return found


def _nfkc(text):
    """Text as printed, without the spaces and line breaks where the layout wrapped it."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\n", "")


def _page_texts(pdf):
    return [_nfkc(page.extract_text()) for page in PdfReader(pdf).pages]


def _jobs(built, form_id):
    return [job for job in built.packet.forms if job.template.id == form_id]


def _in_box(packets, name, key, path, page=1):
    """The words printed inside the field bound to `path` on form job `key` (PDF words, the
    template's box): who is where, as a person reading the paper sees it."""
    _case, built, rendered, pdf = packets[name]
    number = next(n for n, info in enumerate(rendered.pages)
                  if info.form_id == key and info.page == page)
    job = next(job for job in built.packet.forms if job.key == key)
    element = next(e for e in job.template.elements if e.get("path") == path
                   and e["type"] == "field")
    left, top, right, bottom = (v * MM for v in extent(element))
    words = _words(pdf)[number]
    inside = _nfkc("".join(w[4] for w in words if w[0] >= left and w[2] <= right
                           and w[1] >= top and w[3] <= bottom))
    caption = _nfkc(element["label"])  # printed at the top of the box, before the value
    assert inside.startswith(caption), (inside, caption)
    return inside[len(caption):]


# --- death ------------------------------------------------------------------------------------

def test_the_funeral_claim_names_the_deceased_and_the_claimant_in_their_own_boxes(packets):
    name = "event_17_death_of_the_head"
    assert _in_box(packets, name, "funeral_expenses", "deceased.name") == "青葉正男"
    assert _in_box(packets, name, "funeral_expenses", "filer.name") == "青葉和子"
    assert _in_box(packets, name, "funeral_expenses", "event.date") == "令和8年11月17日"
    job = _jobs(packets[name][1], "funeral_expenses")[0]
    fields = packet_data(packets[name][1].packet, packets[name][2].pages)
    printed = next(f["fields"] for f in fields["forms"] if f["key"] == job.key)
    # 後期高齢者医療 ticked, not 国保; the bank account is left for the claimant to write.
    assert printed["procedure.id=funeral_expenses_late_elderly"] == "☑"
    assert printed["procedure.id=funeral_expenses_nhi"] == ""
    assert {p["role"]: p["name"] for p in job.people} == {"被保険者": "青葉　正男",
                                                         "申請者": "青葉　和子"}
    text = _page_texts(packets[name][3])[packets[name][2].pages.index(
        next(i for i in packets[name][2].pages if i.form_id == job.key))]
    for blank in ("金融機関名", "支店名", "口座番号", "口座名義(カナ)"):
        assert blank in text
    bank = [e for e in job.template.elements if e.get("label") in ("金融機関名", "口座番号")]
    assert bank and all(e.get("handwritten") for e in bank)


def test_the_heir_representative_names_the_deceased_and_the_representative(packets):
    name = "event_17_death_of_the_head"
    assert _in_box(packets, name, "heir_representative", "deceased.name") == "青葉正男"
    assert _in_box(packets, name, "heir_representative", "filer.name") == "青葉和子"
    assert _in_box(packets, name, "heir_representative", "deceased.address") \
        == "北海道あおば市本町二丁目3番地の4"


def test_the_head_change_names_the_new_head_and_the_deceased_as_former_head(packets):
    name = "event_17_death_of_the_head"
    assert _in_box(packets, name, "head_change", "new_head.name") == "青葉和子"
    assert _in_box(packets, name, "head_change", "deceased.name") == "青葉正男"
    assert _in_box(packets, name, "head_change", "event.date") == "令和8年11月17日"


def test_two_procedures_on_one_loss_form_print_two_copies_each_ticked_for_its_own(packets):
    name = "event_17_death_of_the_head"
    _case, built, rendered, _pdf = packets[name]
    keys = [job.key for job in _jobs(built, "death_insurance_loss")]
    assert keys == ["death_insurance_loss@late_elderly_return",
                    "death_insurance_loss@care_insurance_loss"]
    data = {f["key"]: f for f in packet_data(built.packet, rendered.pages)["forms"]}
    late, care = (data[key] for key in keys)
    assert late["pages"] != care["pages"] and len(late["pages"]) == len(care["pages"]) == 1
    assert late["fields"]["procedure.id=late_elderly_return"] == "☑"
    assert late["fields"]["procedure.id=care_insurance_loss"] == ""
    assert care["fields"]["procedure.id=care_insurance_loss"] == "☑"
    for key in keys:
        assert _in_box(packets, name, key, "deceased.name") == "青葉正男"


def test_after_the_heads_death_the_insurance_form_lists_the_new_head_not_the_deceased(packets):
    name = "event_18_death_of_an_employee_head"  # no 世帯主変更届: the wife is the only adult
    assert _in_box(packets, name, "nhi_event_change", "new_head.name") == "北見美咲"
    assert _in_box(packets, name, "nhi_event_change", "deceased.name") == "北見大輔"
    job = _jobs(packets[name][1], "nhi_event_change")[0]
    assert [m["name"] for m in job.context["members"]] == ["北見　美咲", "北見　蓮"]
    # 続柄 to the new 世帯主: she is 世帯主 now; her son's is set at the counter, not guessed.
    assert [m["relationship"] for m in job.context["members"]] == ["世帯主", ""]
    assert job.context["filer"]["relation_to_head"] == "本人"
    pension = _jobs(packets[name][1], "pension_category_change")
    assert [job.context["person"]["name"] for job in pension] == ["北見　美咲"]
    assert _in_box(packets, name, pension[0].key, "person.name") == "北見美咲"
    # The 障害者手帳 is returned for the deceased: the form is his, filed by his wife.
    assert _in_box(packets, name, "disability_certificate_return.0", "person.name") \
        == "北見大輔"
    assert _in_box(packets, name, "disability_certificate_return.0", "filer.name") \
        == "北見美咲"


def test_the_deceased_is_never_the_filer_and_without_one_the_gate_names_it():
    data = json.loads((CASES / "event_17_death_of_the_head.json").read_text(encoding="utf-8"))
    del data["filer"]
    del data["household"]
    case = Case.from_dict(data)
    built = _built(case)
    paths = {problem.path for problem in built.problems}
    # Two remain of 15 or more: the new 世帯主 is chosen; the deceased files nothing.
    assert {"filer", "household.head"} <= paths
    messages = [problem.message_ja for problem in built.problems]
    assert any("届出人を選んでください（葬祭費支給申請書）" in m for m in messages)
    assert any("新しい世帯主を決めてください（住民異動届（世帯主変更））" in m for m in messages)
    for job in built.packet.forms:
        assert job.context["filer"] is None


def test_a_missing_value_on_an_event_form_is_a_problem_naming_its_place():
    data = json.loads((CASES / "event_18_death_of_an_employee_head.json")
                      .read_text(encoding="utf-8"))
    data["members"][2]["kana"] = ""
    built = _built(Case.from_dict(data))
    assert [(p.path, p.message_ja) for p in built.problems] == [
        ("forms.nhi_event_change.member.kana",
         "国民健康保険異動届（出生・死亡・婚姻・離婚）：「フリガナ」が空欄です")]


# --- birth ------------------------------------------------------------------------------------

def test_newborn_forms_print_once_per_newborn_with_the_mother_as_guardian(packets):
    name = "event_20_twins_born"
    built = packets[name][1]
    visits = _jobs(built, "birth_contact")
    assert [job.key for job in visits] == ["birth_contact.3", "birth_contact.4"]
    assert _in_box(packets, name, "birth_contact.3", "person.name") == "小樽陽"
    assert _in_box(packets, name, "birth_contact.4", "person.name") == "小樽凪"
    assert _in_box(packets, name, "birth_contact.4", "guardian.name") == "小樽由紀"
    # 低体重児届 only for the twin under 2,500 g, with the weight in its box.
    assert [job.key for job in _jobs(built, "low_birth_weight")] == ["low_birth_weight.3"]
    assert _in_box(packets, name, "low_birth_weight.3", "person.facts.birth_weight_g") \
        == "2499グラム"


def test_the_allowance_amount_change_lists_the_newborns_and_not_the_sister(packets):
    name = "event_20_twins_born"
    job = _jobs(packets[name][1], "child_allowance_birth")[0]
    assert [m["name"] for m in job.context["newborns"]] == ["小樽　陽", "小樽　凪"]
    assert _in_box(packets, name, job.key, "claimant.name") == "小樽由紀"
    fields = next(f["fields"] for f in packet_data(packets[name][1].packet,
                                                   packets[name][2].pages)["forms"]
                  if f["key"] == job.key)
    assert fields["procedure.id=child_allowance_amount_change"] == "☑"
    assert fields["procedure.id=child_allowance_claim"] == ""
    assert "金融機関名" not in fields  # no bank boxes on an 額改定
    text = _page_texts(packets[name][3])[3]
    assert "小樽陽" in text and "小樽凪" in text and "小樽結衣" not in text
    medical = _jobs(packets[name][1], "child_medical_birth")[0]
    assert [m["name"] for m in medical.context["members"]] == ["小樽　陽", "小樽　凪"]
    assert _in_box(packets, name, "child_medical_birth", "guardian.name") == "小樽由紀"
    pages = packets[name][2].pages
    medical_text = _page_texts(packets[name][3])[next(
        n for n, info in enumerate(pages) if info.form_id == "child_medical_birth")]
    assert "オタルヒナタ" in medical_text and "オタルナギ" in medical_text


# --- marriage and divorce -----------------------------------------------------------------------

def test_name_change_rows_print_one_form_per_row_for_the_spouse_whose_name_changes(packets):
    built = packets["event_24_divorce_by_court_decision"][1]
    jobs = _jobs(built, "name_change")
    assert [job.key for job in jobs] == ["name_change@insurance_name_change.0",
                                         "name_change@pension_name_change.0"]
    data = {f["key"]: f["fields"] for f in packet_data(
        built.packet, packets["event_24_divorce_by_court_decision"][2].pages)["forms"]}
    insurance = data["name_change@insurance_name_change.0"]
    assert insurance["person.facts.health_insurance=nhi"] == "☑"
    assert insurance["person.facts.health_insurance=late_elderly"] == ""
    assert "procedure.id=pension_name_change" in data["name_change@pension_name_change.0"]
    assert data["name_change@pension_name_change.0"]["procedure.id=pension_name_change"] == "☑"
    assert _in_box(packets, "event_24_divorce_by_court_decision",
                   "name_change@pension_name_change.0", "person.name") == "根室直子"


def test_the_single_parent_forms_name_the_mother_and_list_her_child(packets):
    name = "event_22_marriage_of_a_single_mother"
    jobs = _jobs(packets[name][1], "single_parent_change")
    assert [job.key for job in jobs] == [
        "single_parent_change@child_rearing_allowance_loss.1",
        "single_parent_change@single_parent_medical_withdraw.1"]
    for job in jobs:
        assert _in_box(packets, name, job.key, "person.name") == "石狩舞"
        assert [m["name"] for m in job.context["children"]] == ["石狩　陸"]
        assert {p["role"] for p in job.people} == {"請求者", "児童"}
    assert _in_box(packets, name, "name_change.1", "person.name") == "石狩舞"


# --- an event and a move in one case ----------------------------------------------------------

def test_a_death_then_a_move_prints_the_deceased_at_the_old_address_and_the_move_forms(
        packets):
    name = "event_19_death_then_the_survivor_moves_within"
    _case, built, _rendered, _pdf = packets[name]
    ids = [job.key for job in built.packet.forms]
    assert ids == ["resident_move", "card_face_change", "ecert_issue.0", "nhi_event_change",
                   "funeral_expenses", "death_insurance_loss"]
    assert _in_box(packets, name, "funeral_expenses", "deceased.address") \
        == "北海道あおば市本町1-1"
    assert _in_box(packets, name, "funeral_expenses", "filer.name") == "旭博"
    move = next(job for job in built.packet.forms if job.key == "resident_move")
    assert [m["name"] for m in move.context["members"]] == ["旭　博"]  # not the deceased
    # Her 国保 資格喪失 is recorded where she was registered when she died.
    assert _in_box(packets, name, "nhi_event_change", "home.address") == "北海道あおば市本町1-1"
    assert _in_box(packets, name, "resident_move", "move.new_address") \
        == "北海道あおば市緑町3-3"


def test_a_newborn_moving_in_gets_the_birth_forms_beside_the_move_forms(packets):
    name = "event_25_newborn_moving_in_with_parents"
    built = packets[name][1]
    assert [job.key for job in _jobs(built, "birth_contact")] == ["birth_contact.2"]
    assert _in_box(packets, name, "birth_contact.2", "person.name") == "八戸葉"
    assert _in_box(packets, name, "birth_contact.2", "home.address") == "北海道あおば市本町9-9"
    assert _jobs(built, "resident_move")


def test_a_divorce_with_the_husbands_move_keeps_the_wife_at_her_own_address(packets):
    """She stays ("moves": false): her forms carry her address, his move forms the new one."""
    name = "event_23_divorce_husband_moves_within"
    built = packets[name][1]
    for key in ("name_change.0", "nhi_event_change", "pension_category_change.0",
                "child_allowance_claimant_change.0"):
        assert _in_box(packets, name, key, "home.address") == "北海道あおば市本町7-7", key
    assert _in_box(packets, name, "child_allowance_claimant_change.0", "person.name") \
        == "千歳由美"
    claim = _jobs(built, "child_allowance_claimant_change")[0]
    assert [m["name"] for m in claim.context["children"]] == ["千歳　彩"]
    move = _jobs(built, "resident_move")[0]
    assert [m["name"] for m in move.context["members"]] == ["千歳　誠"]
    assert move.context["move"]["city_address"] == "北海道あおば市緑町８－８"


# --- every event packet -----------------------------------------------------------------------

def test_every_event_packet_passes_the_gate_and_lays_out_cleanly(packets):
    for name, (_case, built, rendered, _pdf) in packets.items():
        assert built.problems == [], name
        assert layout_problems(built.packet) == [], name
        assert rendered.unprintable == [], name
    if shutil.which("pdftotext"):
        rows = [(name, case, built, rendered, pdf)
                for name, (case, built, rendered, pdf) in packets.items()]
        assert layout_faults(rows) == []


def test_every_event_form_is_printed_by_some_household_and_wired_in_the_catalogue(packets):
    catalogue = default_catalogue()
    event_forms = {form for p in catalogue.procedures if p.event_kinds for form in p.forms}
    printed = {job.template.id for _c, built, _r, _p in packets.values()
               for job in built.packet.forms}
    move_forms = {form for p in catalogue.procedures if p.move_kinds for form in p.forms}
    assert event_forms <= printed <= event_forms | move_forms
    assert len(event_forms) == 14
    assert set(load_templates()) == event_forms | move_forms


def test_registry_forms_are_listed_with_their_date_and_never_printed(packets):
    for name, (_case, built, rendered, pdf) in packets.items():
        keys = {job.key.split("@")[0].split(".")[0] for job in built.packet.forms}
        guide = _page_texts(pdf)[:sum(i.form_id == GUIDE_ID for i in rendered.pages)]
        for procedure, title in REGISTRY.items():
            row = built.checklist.row(procedure)
            if row is None:
                continue
            assert row.forms == () and procedure not in keys
            assert any(f"{title}" in page and "この案内には印刷していません" in page
                       for page in guide), (name, procedure)
            assert any(_nfkc(row.deadline_text) in page for page in guide), (name, procedure)


# --- the おくやみ guide sheet --------------------------------------------------------------------

def test_the_bereavement_guide_lists_every_procedure_with_its_date_and_the_outside_lines(
        packets):
    _case, built, rendered, pdf = packets["event_17_death_of_the_head"]
    guide_pages = [i for i in rendered.pages if i.form_id == GUIDE_ID]
    text = "".join(_page_texts(pdf)[:len(guide_pages)])
    assert "お手続きのご案内" in text and "青葉和子様" in text and "青葉正男様" not in text
    era = default_era_table()
    for row in built.checklist.rows:
        assert _nfkc(row.title) in text, row.procedure_id
        if row.deadline is not None:
            assert _nfkc(f"{era.format(row.deadline)}まで") in text, row.procedure_id
        elif row.deadline_text:
            assert _nfkc(row.deadline_text) in text, row.procedure_id
        assert _nfkc(f"{row.section}{row.counter}") in text
    # What to bring for 葬祭費: the account of the one who held the funeral.
    assert _nfkc("葬儀を行った方(喪主)名義の預金通帳またはキャッシュカード") in text
    for line in default_catalogue().guide_lines_for("death"):
        if line.place_ja:
            assert _nfkc(line.place_ja) in text and _nfkc(line.text_ja) in text
    # Calm: no alarm even when a date has passed by the visit.
    assert "期限を過ぎています" not in text


def test_the_bereavement_guide_stays_calm_when_a_date_has_passed():
    data = json.loads((CASES / "event_17_death_of_the_head.json").read_text(encoding="utf-8"))
    data["filed_on"] = "2026-12-10"  # after the 14-day rows' date
    built = _built(Case.from_dict(data))
    assert any(item.overdue for item in built.packet.guide.items)
    text = "".join(_nfkc(p.extract_text()) for p in PdfReader(
        io.BytesIO(render_packet(built.packet).pdf)).pages)
    assert "期限を過ぎています" not in text and "日付のめやす:令和8年12月1日まで" in text


def test_the_outside_lines_are_catalogue_data_a_city_edits():
    data = json.loads(default_catalogue().to_json())
    data["guide_lines"] = [{"event_kinds": ["death"], "place_ja": "市営墓地管理事務所",
                            "text_ja": "墓地の使用者の変更は管理事務所で行います。"}]
    catalogue = Catalogue.from_dict(data)
    built = _built(_case("event_17_death_of_the_head"), catalogue)
    text = "".join(_nfkc(p.extract_text()) for p in PdfReader(
        io.BytesIO(render_packet(built.packet).pdf)).pages)
    assert "市営墓地管理事務所" in text and "厚生年金・遺族年金" not in text
    assert json.loads(catalogue.to_json())["guide_lines"] == data["guide_lines"]


@pytest.mark.parametrize(("change", "path"), [
    (lambda lines: lines[0].update(event_kinds=["funeral"]), "guide_lines[0].event_kinds"),
    (lambda lines: lines[0].update(text_ja=" "), "guide_lines[0].text_ja"),
    (lambda lines: lines[0].update(procedure="死亡届"), "guide_lines[0].procedure"),
    (lambda lines: lines[0].update(colour="red"), "guide_lines[0].colour"),
])
def test_a_broken_guide_line_is_refused_naming_its_place(change, path):
    data = json.loads(default_catalogue().to_json())
    change(data["guide_lines"])
    with pytest.raises(RuleError) as caught:
        Catalogue.from_dict(data)
    assert caught.value.path == path


def test_other_events_keep_the_usual_guide_sheet_with_dates(packets):
    _case, built, _rendered, pdf = packets["event_20_twins_born"]
    text = _page_texts(pdf)[0]
    assert built.packet.guide.title == "窓口案内シート" and text.count("窓口案内シート") == 2
    assert "ご家族が亡くなられた" not in text and "市役所以外" not in text
    assert built.packet.guide.outside == [] and not built.packet.guide.calm
    assert _nfkc("令和8年1月5日まで") in text or _nfkc("令和8年1月") in text


# --- pictures to look at ------------------------------------------------------------------------

def test_every_event_form_and_the_bereavement_guide_are_kept_as_png(packets, screenshot_dir):
    """artifacts/forms/event-*.png, rendered by PDFium (as the preview does), for people to
    look at."""
    out = screenshot_dir.parent / "forms"
    out.mkdir(parents=True, exist_ok=True)
    written = set()
    for name, (_case, _built, rendered, pdf) in packets.items():
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            for index, info in enumerate(rendered.pages):
                key = info.form_id.replace("@", "-")
                target = out / f"{name}-{key}-{info.page}.png"
                document[index].render(scale=100 / 72).to_pil().save(target)
                written.add(info.form_id.split("@")[0].split(".")[0])
        finally:
            document.close()
    catalogue = default_catalogue()
    assert {form for p in catalogue.procedures if p.event_kinds for form in p.forms} \
        | {GUIDE_ID} <= written
    assert (out / "event_17_death_of_the_head-guide-1.png").stat().st_size > 10_000


def test_render_writes_an_event_packet_from_the_command_line(tmp_path, capsys, data_dir):
    from counter_app.app import main

    case_file = CASES / "event_18_death_of_an_employee_head.json"
    assert main(["render", str(case_file), "--out", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "packet-event-18-death.json").read_text(encoding="utf-8"))
    assert [f["form"] for f in data["forms"]] == ["pension_category_change", "nhi_event_change",
                                                  "disability_certificate_return"]
    assert data["forms"][0]["fields"]["deceased.name"] == "北見　大輔"
