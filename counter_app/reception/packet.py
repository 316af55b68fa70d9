"""From a case and its determination to the packet the printer renders (plain data, no Qt).

Forms are printed for every procedure except the ones marked 不要, in the order of the city's
counters (the checklist model's order); a per-person form (印鑑登録) prints once per person.
People are bound by role (DESIGN.md, "Who is who"): the 世帯主, the 届出人, the claimant, a
child's guardian — never by position. The guide sheet reads the same checklist model as the
screen. `packet_data` is what `render` writes beside the PDF for the back office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from counter_app.domain import Case, ChecklistStatus, Member, PersonRef, roles
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import grade_label
from counter_app.domain.text import display_name, split_name
from counter_app.reception.checklist import Checklist, ChecklistRow, build_checklist
from counter_app.reception.problems import Problem
from counter_app.rules import Catalogue, Determination
from counter_app.rules.engine import case_facts
from forms.binding import bind
from forms.context import facts_read
from forms.formatters import Style
from forms.templates import TABLE_SOURCES, Template
from printing.packet import FormJob, GuideItem, GuideSheet, Packet, PageInfo, fingerprint

_ROLE_PROBLEMS = {
    "claimant": ("answers.allowance_claimant",
                 "児童手当の請求者（お子さんの生計を主に支える方）を決めてください"),
    "guardian": ("members.guardian", "お子さんの保護者を決めてください"),
    "head": ("household.head", "世帯主を決めてください"),
    "filer": ("filer", "届出人を選んでください"),
    "new_head": ("household.head", "新しい世帯主を決めてください"),
    "deceased": ("event.subject", "亡くなった方を選んでください"),
}
DEATH_ROLES = ("new_head", "deceased")
# The おくやみ guide sheet: one calm sheet for the bereaved family (no alarms about dates).
BEREAVED_TITLE = "お手続きのご案内"
BEREAVED_INTRO = ("ご家族が亡くなられたあとに必要なお手続きを、窓口の順にまとめました。"
                  "日付はお手続きのめやすです。ご不明な点は、どの窓口でもおたずねください。")


@dataclass
class BuiltPacket:
    packet: Packet
    checklist: Checklist
    problems: list[Problem]


def build_packet(case: Case, determination: Determination, catalogue: Catalogue,
                 templates: Mapping[str, Template], demo: bool, printed_on: dt.date,
                 contact: str = "") -> Packet:
    return assemble(case, determination, catalogue, templates, demo, printed_on,
                    contact).packet


def assemble(case: Case, determination: Determination, catalogue: Catalogue,
             templates: Mapping[str, Template], demo: bool, printed_on: dt.date,
             contact: str = "") -> BuiltPacket:
    """The packet, the checklist it was made from, and what the forms still lack."""
    era = default_era_table()
    checklist = build_checklist(case, determination, catalogue, printed_on)
    people = _People(case, catalogue)
    jobs: list[FormJob] = []
    problems: list[Problem] = []
    printed = [(row, form_id) for row in checklist.rows
               if row.status is not ChecklistStatus.NOT_NEEDED for form_id in row.forms]
    # A form that two procedures print (後期高齢者医療 and 介護保険 on one 資格喪失届) is keyed by
    # its procedure too, so each copy keeps its own pages and print record.
    shared = {form_id for _, form_id in printed
              if sum(f == form_id for _, f in printed) > 1}
    for row, form_id in printed:
        template = templates[form_id]
        persons: list[int | None] = list(row.members) if template.per == "person" \
            else [None]
        base = f"{form_id}@{row.procedure_id}" if form_id in shared else form_id
        for person in persons:
            context = people.context(template, row, person, printed_on)
            key = base if person is None else f"{base}.{person}"
            job = FormJob(template, context, row.section, key, _named(template, context))
            jobs.append(job)
            problems += _form_problems(job, context)
    city = catalogue.city
    head = roles.resolve(case, roles.head(case))
    occasions = []
    if case.event is not None:
        occasions.append(f"{case.event.kind.label}（{era.format(case.event.date)}）")
    if case.move is not None:
        occasions.append(f"{case.move.kind.label}（{era.format(case.move.date)}）")
    kind = case.event.kind.value if case.event is not None else ""
    notes = {line.procedure: line.text_ja for line in catalogue.guide_lines_for(kind)
             if line.procedure}
    guide = GuideSheet(
        city=city.name_ja, head=display_name(head.name) if head else "",
        occasion="・".join(occasions), printed_on=f"{era.format(printed_on)}発行",
        reception_number=reception_number(case.id),
        contact=contact or str(city.settings.get("contact_ja", "")),
        items=[_guide_item(row, notes.get(row.procedure_id, "")) for row in checklist.rows],
        outside=[(line.place_ja, line.text_ja) for line in catalogue.guide_lines_for(kind)
                 if not line.procedure])
    if kind == "death":
        # Addressed to whoever came for the family, never to the deceased.
        bereaved = people.bereaved()
        guide.head = display_name(bereaved["name"]) if bereaved else "ご遺族"
        guide.title, guide.intro, guide.calm = BEREAVED_TITLE, BEREAVED_INTRO, True
    style = Style(era.format, case.date)
    return BuiltPacket(Packet(case.id, demo, city.name_ja, style, guide, jobs), checklist,
                       _unique(problems))


def reception_number(case_id: str) -> str:
    """A short reference people can read out and staff can type: the first 8 characters of the
    case id, in groups of four (the QR code on every page carries the whole id)."""
    compact = case_id.replace("-", "").upper()[:8]
    return f"{compact[:4]}-{compact[4:]}"


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _guide_item(row: ChecklistRow, note: str = "") -> GuideItem:
    status = "notice" if not row.visit else row.status.value
    text = "\n".join(t for t in (row.guide, note) if t)
    return GuideItem(row.title, row.section, row.counter, row.floor, row.who,
                     row.deadline_text, row.overdue, list(row.bring), list(row.issued),
                     text, status, row.status_reason)


def _named(template: Template, context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Who the form names, with the role in the form's own words (packet data)."""
    found = []
    for role, path in template.people:
        listed = context.get(path) if path in TABLE_SOURCES else [context.get(path)]
        for person in listed or []:
            if person:
                found.append({"role": role, "member": person.get("member"),
                              "name": person["name"], "address": person.get("address", "")})
    return found


def _form_problems(job: FormJob, context: Mapping[str, Any]) -> list[Problem]:
    template = job.template
    found = []
    death = (context.get("event") or {}).get("kind") == "death"
    for root in ("head", "filer", "claimant", "guardian", "new_head", "deceased"):
        if root in DEATH_ROLES and not death:
            continue  # a form for several events shows these only in a death case
        if context.get(root) is None and any(p.split(".")[0] == root
                                             for p in template.paths()):
            path, message = _ROLE_PROBLEMS[root]
            found.append(Problem(path, f"{message}（{template.title}）"))
    if found:
        return found
    bound = bind(template, context, Style(default_era_table().format, dt.date.today()))
    for element in bound.missing():
        found.append(Problem(f"forms.{job.key}.{element.get('path', '')}",
                             f"{template.title}：「{element['label']}」が空欄です"))
    return found


def packet_data(packet: Packet, pages: list[PageInfo]) -> dict[str, Any]:
    """DESIGN.md, "What render writes": every printed form with its packet pages, the people
    it names and the text of every field."""
    forms = []
    for job in packet.forms:
        bound = bind(job.template, job.context, packet.style)
        numbers = [n for n, page in enumerate(pages, start=1) if page.form_id == job.key]
        forms.append({"form": job.template.id, "key": job.key, "title": job.template.title,
                      "pages": numbers, "people": job.people, "fields": bound.fields()})
    return {"case": packet.case_id, "forms": forms}


def form_fingerprints(packet: Packet) -> dict[str, str]:
    """What each form job prints, as a digest: a print record holds only while it matches."""
    return {job.key: fingerprint(bind(job.template, job.context, packet.style).fields())
            for job in packet.forms}


# --- the people on the forms ---------------------------------------------------------------


class _People:
    def __init__(self, case: Case, catalogue: Catalogue) -> None:
        self.case = case
        self.catalogue = catalogue
        facts = case_facts(case, catalogue) if case.members else None
        self.facts = [dict(f) for f in facts.member_facts] if facts else []
        self.case_facts = dict(facts.case_facts) if facts else {}
        self.claimant = roles.claimant(case)
        event = case.event
        # A death case: the deceased, who takes part in no move and files nothing.
        self.subject = event.subject if event is not None and event.kind.value == "death" \
            else None
        self.head_after = self._head_after()
        self.members = [self._member(i) for i in range(len(case.members))]

    def _labels(self, facts: Mapping[str, Any]) -> dict[str, str]:
        labels = {}
        for key, value in facts.items():
            spec = self.catalogue.facts.get(key)
            if spec is not None and spec.type in ("choice", "bool"):
                labels[key] = spec.choice_label(value) if spec.type == "choice" else \
                    ("はい" if value else "いいえ")
        return labels

    def _member(self, index: int) -> dict[str, Any]:
        case, member = self.case, self.case.members[index]
        facts = self.facts[index]
        surname, given = split_name(member.name)
        kana_surname, kana_given = split_name(member.kana)
        foreign = member.foreign
        grade = facts.get("school_grade")
        # Someone who stays (the deceased, or a member with "moves": false and an address of
        # their own) is printed where they are registered, not at the move's address.
        move = case.move
        address, building = member.address, ""
        if move is not None and index != self.subject and (member.moves or not address):
            address, building = move.city_address, move.city_building
        elif move is not None and index == self.subject and not address \
                and move.kind.value in ("move_within", "move_out"):
            # The deceased stayed registered where the household lived before the move.
            address, building = move.previous_address, move.previous_building
        relationship = member.relationship
        if self.subject is not None and index != self.subject \
                and case.members[self.subject].relationship == roles.HEAD:
            # The 世帯主 died: 続柄 to the new 世帯主 are set at the counter, not guessed.
            relationship = roles.HEAD if index == self.head_after else ""
        relationship_to_claimant = relationship
        if self.claimant is not None and self.claimant in roles.possible_parents(case, index):
            relationship_to_claimant = "子"
        return {
            "member": index, "is_member": True, "name": member.name, "surname": surname,
            "given_name": given, "kana": member.kana, "kana_surname": kana_surname,
            "kana_given": kana_given, "address": address,
            "building": building,
            "phone": "", "birth_date": member.birth_date, "sex": member.sex,
            "relationship": relationship,
            "foreign": foreign is not None or facts.get("foreign_resident") is True,
            "registered_domicile": member.registered_domicile,
            "domicile_head": member.domicile_head, "resident_code": member.resident_code,
            "nationality": foreign.nationality if foreign else "",
            "residence_status": foreign.status if foreign else "",
            "period_end": foreign.period_end if foreign else None,
            "card_number": foreign.card_number if foreign else "",
            "foreign_category": foreign.category if foreign else "",
            "alias": foreign.alias if foreign else "",
            "age": facts.get("age"), "legal_age": facts.get("legal_age"), "grade": grade,
            "grade_label": grade_label(grade) if isinstance(grade, int) and grade <= 12 else "",
            "card": facts.get("card_held"), "moves": member.moves, "newborn": member.newborn,
            "child_medical": self._child_medical(grade),
            "relationship_to_claimant": relationship_to_claimant,
            "facts": facts, "labels": self._labels(facts),
        }

    def _child_medical(self, grade: Any) -> bool | None:
        """Within the city's 子ども医療費 cap (the grade setting the child_medical rule reads)."""
        cap = self.catalogue.city.settings.get("child_medical_grade_cap")
        if not isinstance(grade, int) or not isinstance(cap, int):
            return None
        return grade <= cap

    def person(self, ref: PersonRef | None) -> dict[str, Any] | None:
        if ref is None:
            return None
        if ref.member is not None:
            # The phone is given once, for the 届出人: the same member in another role has it.
            filer = roles.filer(self.case)
            phone = ref.phone or (filer.phone if filer is not None
                                  and filer.member == ref.member else "")
            return {**self.members[ref.member], "phone": phone, "relation": ref.relation,
                    "relation_to_head": ""}
        surname, given = split_name(ref.name)
        return {"member": None, "is_member": False, "name": ref.name, "surname": surname,
                "given_name": given, "kana": "", "kana_surname": "", "kana_given": "",
                "address": ref.address, "building": "", "phone": ref.phone,
                "birth_date": None, "sex": "", "relationship": "", "foreign": False,
                "relation": ref.relation, "relation_to_head": ref.relation, "facts": {},
                "labels": {}}

    def index_person(self, index: int | None) -> dict[str, Any] | None:
        return None if index is None else self.person(PersonRef(member=index))

    def filer(self) -> dict[str, Any] | None:
        filer = self.person(roles.filer(self.case))
        if filer is not None and self.subject is not None and filer["member"] == self.subject:
            return None  # the deceased's own 世帯主 default: staff choose who files
        if filer is not None:
            filer["relation_to_head"] = roles.filer_relation(self.case)
            if self.subject is not None and filer["member"] is not None:
                # After a death, to the 世帯主 who remains (本人 when the filer is that one).
                filer["relation_to_head"] = "本人" if filer["member"] == self.head_after \
                    else self.members[filer["member"]]["relationship"]
        return filer

    def _head_after(self) -> int | None:
        """A death case: the member who is 世帯主 after it — as stated; if the deceased was
        the head, the only member of 15 or more who remains (else staff choose)."""
        if self.subject is None:
            return None
        ref = roles.head(self.case)
        if ref is not None and ref.member != self.subject:
            return ref.member
        adults = [i for i, facts in enumerate(self.facts) if i != self.subject
                  and isinstance(age := facts.get("legal_age"), int) and age >= 15]
        return adults[0] if len(adults) == 1 else None

    def new_head(self) -> dict[str, Any] | None:
        ref = roles.head(self.case)
        if ref is not None and ref.member is None:
            return self.person(ref)  # a 世帯主 who is not a member of the case
        return self.index_person(self.head_after)

    def bereaved(self) -> dict[str, Any] | None:
        """Who the おくやみ guide sheet is addressed to: the 届出人, else the new 世帯主."""
        return self.filer() or self.new_head()

    def context(self, template: Template, row: ChecklistRow, person: int | None,
                printed_on: dt.date) -> dict[str, Any]:
        case = self.case
        listed = [person] if person is not None else list(row.members) or \
            [i for i, m in enumerate(case.members) if m.moves and i != self.subject]
        head = self.person(roles.head(case))
        filer = self.filer()
        children = [i for i in listed if i in roles.allowance_children(case)]
        guardian = _guardian(case, children, self.claimant)
        move = case.move
        return {
            "case": {"id": case.id},
            "move": None if move is None else {
                "kind": move.kind.value, "kind_label": move.kind.label, "date": move.date,
                "previous_address": move.previous_address, "new_address": move.new_address,
                "previous_building": move.previous_building,
                "new_building": move.new_building, "city_address": move.city_address,
                "city_building": move.city_building, "other_address": move.other_address,
                "other_building": move.other_building,
                "new_postal_code": move.new_postal_code, "transfer": move.transfer.value,
                "certificate_city": move.certificate_city,
                "certificate_date": move.certificate_date},
            "event": None if case.event is None else {
                "kind": case.event.kind.value, "kind_label": case.event.kind.label,
                "date": case.event.date, "known_date": case.event.known_date,
                "court": case.event.court},
            "facts": self.case_facts,
            "filed_on": case.filed_on or printed_on,
            "today": printed_on,
            "city": {"name": self.catalogue.city.name_ja,
                     "prefecture": self.catalogue.city.prefecture_ja},
            "procedure": {"id": row.procedure_id, "title": row.title, "section": row.section,
                          "counter": row.counter},
            "head": head,
            "previous_head": self.person(case.previous_head),
            "filer": filer,
            "claimant": self.index_person(self.claimant),
            "spouse": self.index_person(_spouse(case, self.claimant)),
            "guardian": self.index_person(guardian),
            "person": self.members[person] if person is not None else None,
            "deceased": self.index_person(self.subject),
            "new_head": self.new_head() if self.subject is not None else None,
            "members": [self.members[i] for i in listed],
            "household": self.members,
            "children": [self.members[i] for i in roles.allowance_children(case)
                         if i != self.subject],
            "newborns": [self.members[i] for i, m in enumerate(case.members) if m.newborn],
            "home": self.home([person] if person is not None else listed),
        }

    def home(self, listed: list[int]) -> dict[str, Any]:
        """Where the people a form is about live in the city: the first of them with an
        address (the move's for those who move), else the 世帯主's, else anyone's."""
        head = roles.head_member(self.case)
        order = [*listed, *([head] if head is not None else []),
                 *range(len(self.case.members))]
        found = next((self.members[i] for i in order if self.members[i]["address"]), None)
        if found is None:
            return {"address": "", "building": "", "postal_code": ""}
        move = self.case.move
        at_move = move is not None and found["address"] == move.city_address
        return {"address": found["address"], "building": found["building"],
                "postal_code": move.new_postal_code if at_move and move is not None else ""}


def _guardian(case: Case, children: list[int], claimant: int | None) -> int | None:
    """The 保護者 of the children a form lists: theirs if they share one, else the claimant."""
    found = {roles.guardian(case, child) for child in children}
    if len(found) == 1:
        return found.pop()
    return claimant if children else None


def _spouse(case: Case, index: int | None) -> int | None:
    """The claimant's spouse among the members (child-allowance forms name both parents)."""
    if index is None:
        return None
    head = roles.head_member(case)
    spouses = ("妻", "夫", "妻（未届）", "夫（未届）")
    member: Member = case.members[index]
    if index == head:
        return next((i for i, m in enumerate(case.members) if m.relationship in spouses), None)
    if member.relationship in spouses:
        return head
    partner = {"子": ("子の妻", "子の夫"), "子の妻": ("子",), "子の夫": ("子",)}
    matches = [i for i, m in enumerate(case.members)
               if m.relationship in partner.get(member.relationship, ()) and i != index]
    return matches[0] if len(matches) == 1 else None


def form_facts(templates: Mapping[str, Template]) -> dict[str, frozenset[str]]:
    """The facts each form prints (the session asks them when a chosen form needs them)."""
    return {form_id: template.facts() for form_id, template in templates.items()}


class FormsMismatch(ValueError):
    """The catalogue and the form templates do not fit together; str() names the place."""


def check_templates(catalogue: Catalogue, templates: Mapping[str, Template]) -> None:
    """At start-up, not at print time: every form a procedure prints has a template, and every
    fact and value a template reads exists in the catalogue (a tick box bound to a procedure
    id or a choice the catalogue does not have would never be ticked)."""
    missing = sorted(set(catalogue.forms) - set(templates))
    if missing:
        raise FormsMismatch(f"forms: no template for {', '.join(missing)}")
    procedures = {p.id for p in catalogue.procedures}
    for template in templates.values():
        for fact in sorted(template.facts()):
            if fact not in catalogue.facts:
                raise FormsMismatch(f"{template.id}.json: reads unknown fact {fact!r}")
        for path, value in template.compared_values():
            if path == "procedure.id" and value not in procedures:
                raise FormsMismatch(f"{template.id}.json: {path} never equals {value!r} "
                                    "(no such procedure)")
            spec = catalogue.facts.get(facts_read(path) or "")
            if spec is not None and spec.type in ("choice", "bool") \
                    and path.split(".")[-2] == "facts" and not spec.accepts(value):
                raise FormsMismatch(f"{template.id}.json: {path} is never {value!r}")
