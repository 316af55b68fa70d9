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
