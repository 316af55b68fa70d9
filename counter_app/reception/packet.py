"""From a case and its determination to the packet the printer renders (plain data, no Qt).

Forms are printed for every procedure except the ones marked 不要, grouped by section in the
order of the city's counters; the guide sheet lists every procedure with its counter, what to
bring and the deadline as a date.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from counter_app.domain import Case, ChecklistStatus, MemberSource
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import grade_label, school_grade
from counter_app.reception import concerned
from counter_app.rules import Catalogue, ChosenProcedure, Determination
from forms.formatters import Style
from forms.templates import Template
from printing.render import FormJob, GuideItem, GuideSheet, Packet

PENSION_LABELS = {"1": "第1号", "2": "第2号", "3": "第3号"}


def _member(case: Case, index: int) -> dict[str, Any]:
    member = case.members[index]
    answers = case.answers
    card = member.source is MemberSource.CARD or answers.get(f"member.{index}.card_held") is True
    grade = school_grade(member.birth_date, case.move.date)
    return {
        "name": member.name,
        "birth_date": member.birth_date,
        "sex": member.sex,
        "relationship": member.relationship,
        "address": member.address,
        "foreign": answers.get(f"member.{index}.foreign_resident") is True,
        "grade_label": grade_label(grade) if grade <= 12 else "",  # adults: left blank
        "card_label": "あり" if card else "",
        "pension_label": PENSION_LABELS.get(answers.get(f"member.{index}.pension_category"), ""),
    }


def form_members(chosen: ChosenProcedure, household_size: int) -> list[int]:
    """Who a form lists: the members the procedure concerns, else the whole household."""
    return list(concerned(chosen)) or list(range(household_size))


def _display_name(name: str) -> str:
    return name.replace("\u3000", " ")


def build_packet(case: Case, determination: Determination, catalogue: Catalogue,
                 templates: dict[str, Template], demo: bool, printed_on: dt.date) -> Packet:
    era = default_era_table()
    city = catalogue.city
    members = [_member(case, i) for i in range(len(case.members))]
    head = members[0] if members else {"name": ""}
    order = {s.name_ja: n for n, s in enumerate(city.sections)}
    chosen_in_order = sorted(determination.procedures,
                             key=lambda p: order.get(p.procedure.section, len(order)))
    jobs, items = [], []
    for chosen in chosen_in_order:
        procedure = chosen.procedure
        entry = case.checklist.get(chosen.id)
        status = entry.status if entry else ChecklistStatus.PENDING
        listed = form_members(chosen, len(members))
        section = city.section(procedure.section)
        if chosen.deadline:
            deadline = f"{era.format(chosen.deadline)}まで"
        else:
            deadline = (procedure.deadline or {}).get("text_ja", "")
        who = "、".join(_display_name(members[i]["name"]) for i in chosen.members) \
            if chosen.members else "世帯"
        items.append(GuideItem(procedure.title_ja, section.name_ja, section.counter_ja,
                               section.floor_ja, who, deadline, list(chosen.documents),
                               procedure.guide_ja, status.value))
        if status is ChecklistStatus.NOT_NEEDED:
            continue
        for form_id in procedure.forms:
            context = {
                "case": {"id": case.id},
                "move": {"kind": case.move.kind.value, "kind_label": case.move.kind.label,
                         "date": case.move.date, "previous_address": case.move.previous_address,
                         "new_address": case.move.new_address},
                "filed_on": case.filed_on or printed_on,
                "today": printed_on,
                "city": {"name": city.name_ja},
                "procedure": {"id": procedure.id, "title": procedure.title_ja,
                              "section": procedure.section},
                "applicant": head,
                "members": [members[i] for i in listed],
                "household": members,
            }
            jobs.append(FormJob(templates[form_id], context, procedure.section))
    guide = GuideSheet(city=city.name_ja, head=_display_name(head["name"]),
                       move=f"{case.move.kind.label}（{era.format(case.move.date)}）",
                       printed_on=f"{era.format(printed_on)}発行", items=items)
    return Packet(case.id, demo, city.name_ja, Style(era.format, case.move.date), guide, jobs)
