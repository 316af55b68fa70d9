"""The child, school, dog and vehicle forms print the right people and what the system knows:
the claimant (not the 世帯主) with the children's 続柄 to him, 子ども医療費 only within the city's
cap, the addressee each form has, the 入所希望日 left to the parent, the 所有者 never an agent."""

import json
from pathlib import Path

from counter_app.domain import Case
from counter_app.reception.packet import assemble, packet_data
from counter_app.rules import Catalogue, default_catalogue, determine
from forms.templates import load_templates
from printing.render import render_packet

CASES = Path(__file__).resolve().parent / "cases"
HOUSEHOLDS = Path(__file__).resolve().parent.parent / "households"


def _case(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    return Case.from_dict(data.get("case", data))


def _built(case, catalogue=None):
    catalogue = catalogue or default_catalogue()
    return assemble(case, determine(case, catalogue, case.filed_on), catalogue,
                    load_templates(), False, case.filed_on or case.date)


def _job(built, form_id):
    return next(job for job in built.packet.forms if job.template.id == form_id)


def _fields(built, form_id):
    data = packet_data(built.packet, render_packet(built.packet).pages)
    return next(form["fields"] for form in data["forms"] if form["form"] == form_id)


# --- the context: what the packet tells these forms ------------------------------------------

def test_a_role_held_by_the_filer_carries_the_phone_given_for_the_filer():
    built = _built(_case(CASES / "long_move_in.json"))  # the wife files and claims
    context = _job(built, "child_allowance_claim").context
    assert context["claimant"]["member"] == context["filer"]["member"] == 0
    assert context["claimant"]["phone"] == "090-1234-5678"
    assert context["head"]["phone"] == ""  # the 世帯主 did not file: no phone was given


def test_child_medical_follows_the_citys_grade_cap():
    case = _case(CASES / "long_move_within.json")  # 空 小学4年, 海 中学3年
    people = {m["name"]: m for m in _job(_built(case), "address_change_notice")
              .context["household"]}
    assert people["見本　空"]["child_medical"] is True
    assert people["見本　海"]["child_medical"] is True
    assert people["見本　健"]["child_medical"] is False
    data = json.loads(default_catalogue().to_json())
    data["city"]["settings"]["child_medical_grade_cap"] = 6  # a city that stops at 小学6年
    people = {m["name"]: m for m in _job(_built(case, Catalogue.from_dict(data)),
                                         "address_change_notice").context["household"]}
    assert people["見本　空"]["child_medical"] is True
    assert people["見本　海"]["child_medical"] is False


# --- the forms --------------------------------------------------------------------------------

MINE = ("child_allowance_claim", "child_allowance_end", "child_medical_registration",
        "address_change_notice", "childcare_application", "school_transfer_in",
        "school_transfer", "dog_registration_change", "light_vehicle_tax_declaration",
        "light_vehicle_tax_scrap")


def _table(built, form_id):
    """The members table as printed: one {column label: text} per row."""
    from forms.binding import bind

    job = _job(built, form_id)
    bound = bind(job.template, job.context, built.packet.style)
    labels = [c["label"] for c in job.template.members_table["columns"]]
    return [dict(zip(labels, row, strict=True)) for page in bound.pages for row in page.rows]


def _grandfather_household():
    """Three generations: the grandfather is 世帯主, the child's father (子) and mother (子の妻)
    move with him, and the mother is the one who claims (the review's x07)."""
    return Case.from_dict({
        "id": "grandfather", "filed_on": "2026-05-12",
        "move": {"kind": "move_in", "date": "2026-05-11",
                 "previous_address": "宮城県仙台市青葉区国分町１－１",
                 "new_address": "北海道あおば市本町３－３"},
        "filer": {"member": 2, "phone": "090-0000-2222"},
        "members": [
            {"name": "森　源一郎", "kana": "モリ　ゲンイチロウ", "birth_date": "1958-08-08",
             "sex": "male", "relationship": "世帯主", "source": "card"},
            {"name": "森　大輔", "kana": "モリ　ダイスケ", "birth_date": "1990-03-03",
             "sex": "male", "relationship": "子", "source": "card"},
            {"name": "森　恵美", "kana": "モリ　エミ", "birth_date": "1992-07-07",
             "sex": "female", "relationship": "子の妻", "source": "card"},
            {"name": "森　陽翔", "kana": "モリ　ハルト", "birth_date": "2020-09-09",
             "sex": "male", "relationship": "孫", "source": "card"}],
        "answers": {"move.from_abroad": False, "household.has_dog": False,
                    "household.has_moped": False, "member.3.needs_childcare": False,
                    **{f"member.{i}.{fact}": False for i in range(4)
                       for fact in ("foreign_resident", "disability_certificate")},
                    **{f"member.{i}.health_insurance": "employee" for i in range(4)},
                    **{f"member.{i}.care_certified": False for i in range(3)},
                    **{f"member.{i}.wants_seal_registration": False for i in range(3)},
                    "member.0.pension_category": "2", "member.1.pension_category": "2",
                    "member.2.pension_category": "3", "member.2.pregnant": False,
                    "member.1.allowance_claimant": False,
                    "member.2.allowance_claimant": True}})


def test_the_claimant_is_the_parent_and_the_child_is_printed_as_her_child():
    built = _built(_grandfather_household())
    assert built.problems == []
    claim = _fields(built, "child_allowance_claim")
    assert claim["claimant.name"] == "森　恵美"  # not the grandfather who heads the household
    assert claim["spouse.name"] == "森　大輔"
    assert claim["claimant.phone"] == "090-0000-2222"
    assert [row["続柄"] for row in _table(built, "child_allowance_claim")] == ["子"]
    assert _fields(built, "child_medical_registration")["guardian.name"] == "森　恵美"
    assert [row["続柄"] for row in _table(built, "child_medical_registration")] == ["子"]


def test_what_the_system_knows_is_printed():
    built = _built(_case(CASES / "long_move_in.json"))
    claim = _fields(built, "child_allowance_claim")
    assert claim["claimant.labels.pension_category"].startswith("第1号")
    assert claim["claimant.is_member=True"] == "☑"  # the children live with the claimant
    insurance = [row["加入している健康保険"] for row in _table(built, "child_medical_registration")]
    assert insurance == ["国民健康保険"] * 3


def test_child_medical_is_not_claimed_for_a_child_above_the_citys_cap():
    built = _built(_case(HOUSEHOLDS / "04_move_within_parent_and_high_schooler.json"))
    job = _job(built, "address_change_notice")
    assert [row["子ども医療費受給者証"] for row in _table(built, "address_change_notice")] == \
        ["なし"]  # 高校2年生の年代; the city's cap is 中学3年
    fields = _fields(built, "address_change_notice")
    ticked = [e["label"] for e in job.template.elements if e["type"] == "check" and "path" in e
              and fields.get(f"{e['path']}={e.get('equals', e.get('in'))}") == "☑"]
    assert not [label for label in ticked if "医療" in label]


def test_school_forms_are_addressed_to_the_board_of_education_and_no_city_is_typed_in():
    templates = load_templates()
    for form_id in MINE:
        template = templates[form_id]
        addressee = next(e for e in template.elements if e.get("path") == "city.name")
        expected = "教育委員会" if form_id.startswith("school_") else "長"
        assert addressee["suffix"] == expected, form_id
        assert not any("あおば" in str(e.get("text", "")) + str(e.get("label", ""))
                       for e in template.elements), form_id


def test_the_admission_date_is_left_to_the_parent():
    template = load_templates()["childcare_application"]
    assert "move.date" not in [e.get("path") for e in template.elements
                               if "入所" in e.get("label", "")]
    column = next(c for c in template.members_table["columns"] if c["label"] == "入所希望日")
    assert column.get("handwritten") is True


def test_an_agent_is_named_as_the_filer_never_as_the_owner():
    agent = _fields(_built(_case(CASES / "long_move_out.json")), "light_vehicle_tax_scrap")
    assert agent["owner.name"] == ""  # the owner writes his name; the system does not know it
    assert agent["filer.name"] == "代理　花子"
    member = _fields(_built(_case(CASES / "long_move_in.json")), "light_vehicle_tax_declaration")
    assert member["owner.name"] == "長谷川　美智子"  # the wife files, as the owner
    assert "filer.address" not in member  # no 届出人 box when the owner files herself


def test_the_vehicle_kind_is_ticked_by_the_resident_so_every_kind_can_be_ticked():
    templates = load_templates()
    for form_id in ("light_vehicle_tax_declaration", "light_vehicle_tax_scrap"):
        kinds = [e for e in templates[form_id].elements if e["type"] == "check"
                 and ("原付" in e["label"] or "小型特殊" in e["label"])]
        assert len(kinds) >= 4 and all(e.get("handwritten") for e in kinds), form_id


def test_no_tick_box_is_a_lone_pre_ticked_one():
    """A box the system ticks sits among alternatives in its group (the review: 「☑市外への転出」
    alone carries no information)."""
    from forms.templates import extent

    templates = load_templates()
    for form_id in MINE:
        elements = templates[form_id].elements
        checks = [e for e in elements if e["type"] == "check"]
        boxes = [extent(e) for e in elements if e["type"] == "box"]
        for check in (c for c in checks if "path" in c):
            left, top, right, bottom = extent(check)
            group = [b for b in boxes if b[0] <= left and b[1] <= top and right <= b[2]
                     and bottom <= b[3]]
            others = [c for c in checks if c is not check and (
                any(b[0] <= extent(c)[0] and b[1] <= extent(c)[1] and extent(c)[3] <= b[3]
                    for b in group) or abs(c["y"] - check["y"]) < 0.1)]
            assert others, (form_id, check["label"])


def test_move_out_forms_label_the_destination_and_the_planned_date():
    templates = load_templates()
    for form_id in ("child_allowance_end", "light_vehicle_tax_scrap"):
        labels = {e.get("path"): e["label"] for e in templates[form_id].elements
                  if e["type"] == "field" and "path" in e}
        assert labels["move.other_address"] == "転出先"
        assert labels["move.date"] == "転出予定日"
        assert labels["move.city_address"] == "住所"
