"""The checklist model: one list of the case's procedures that the checklist screen, the guide
sheet and the packet data all read, so screen and paper can never disagree.

Rows come in the order of the city's counters (sections), then the catalogue's; each has the
members it concerns, its deadline as a date (and whether it has passed), what to bring, what the
resident is handed, the reasons in words, and where it stands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from counter_app.domain import Case, ChecklistEntry, ChecklistStatus
from counter_app.domain.era import default_era_table
from counter_app.domain.text import display_name
from counter_app.reception.session import concerned
from counter_app.rules import Catalogue, ChosenProcedure, Determination


@dataclass(frozen=True)
class ChecklistRow:
    procedure_id: str
    title: str
    section: str
    counter: str  # 5番窓口
    floor: str
    members: tuple[int, ...]  # the members it concerns (for a household row, its rule's)
    who: str  # 北見 太郎、北見 花子 / 世帯（北見 一郎、北見 さくら）
    deadline: dt.date | None
    deadline_text: str  # 令和8年4月15日まで / 速やかに / ""
    overdue: bool  # the deadline passed before the visit
    bring: tuple[str, ...]  # 持ち物
    issued: tuple[str, ...]  # handed to the resident today
    reasons: tuple[str, ...]
    guide: str
    visit: bool  # False: a notice, nothing to do at a counter
    forms: tuple[str, ...]
    status: ChecklistStatus
    status_reason: str

    @property
    def needs_mark(self) -> bool:
        """A procedure staff must mark before the case closes (notices need none)."""
        return self.visit and self.status is ChecklistStatus.PENDING

    @property
    def status_label(self) -> str:
        if not self.visit:
            return "お知らせ"
        return self.status.label + (f"（{self.status_reason}）" if self.status_reason else "")


@dataclass(frozen=True)
class SectionGroup:
    section: str
    counter: str
    floor: str
    rows: tuple[ChecklistRow, ...]

    @property
    def heading(self) -> str:
        return f"{self.section}（{self.counter}）"

    def pending(self) -> list[str]:
        return [r.procedure_id for r in self.rows if r.needs_mark]


@dataclass(frozen=True)
class Checklist:
    rows: tuple[ChecklistRow, ...]

    @property
    def groups(self) -> tuple[SectionGroup, ...]:
        groups: list[SectionGroup] = []
        for row in self.rows:
            if not groups or groups[-1].section != row.section:
                groups.append(SectionGroup(row.section, row.counter, row.floor, ()))
            last = groups[-1]
            groups[-1] = SectionGroup(last.section, last.counter, last.floor,
                                      (*last.rows, row))
        return tuple(groups)

    def row(self, procedure_id: str) -> ChecklistRow | None:
        return next((r for r in self.rows if r.procedure_id == procedure_id), None)

    def pending(self) -> list[str]:
        return [r.procedure_id for r in self.rows if r.needs_mark]

    def group_of(self, procedure_id: str) -> SectionGroup | None:
        return next((g for g in self.groups
                     if any(r.procedure_id == procedure_id for r in g.rows)), None)

    def next_pending(self, after: str | None) -> str | None:
        """The first row still to be marked after `after`, in screen order, wrapping round to
        the top: where the clerk goes once a row is marked."""
        ids = [r.procedure_id for r in self.rows]
        start = ids.index(after) + 1 if after in ids else 0
        pending = set(self.pending())
        return next((p for p in ids[start:] + ids[:start] if p in pending), None)


def build_checklist(case: Case, determination: Determination, catalogue: Catalogue,
                    today: dt.date | None = None) -> Checklist:
    """The checklist of a case; `today` (default: the filing day) decides what is overdue."""
    on = today or case.filed_on or dt.date.today()
    era = default_era_table()
    names = [display_name(m.name) for m in case.members]
    order = {s.name_ja: n for n, s in enumerate(catalogue.city.sections)}
    procedures = sorted(enumerate(determination.procedures),
                        key=lambda p: (order.get(p[1].procedure.section, len(order)), p[0]))
    rows = []
    for _, chosen in procedures:
        procedure = chosen.procedure
        section = catalogue.city.section(procedure.section)
        entry = case.checklist.get(chosen.id, ChecklistEntry())
        members = concerned(chosen)
        if chosen.deadline:
            deadline_text = f"{era.format(chosen.deadline)}まで"
        else:
            deadline_text = procedure.deadline_note
        rows.append(ChecklistRow(
            procedure_id=chosen.id, title=procedure.title_ja, section=section.name_ja,
            counter=section.counter_ja, floor=section.floor_ja, members=members,
            who=_who(chosen, members, names), deadline=chosen.deadline,
            deadline_text=deadline_text,
            overdue=chosen.deadline is not None and chosen.deadline < on,
            bring=tuple(d.text_ja for d in chosen.documents if not d.issued),
            issued=tuple(d.text_ja for d in chosen.documents if d.issued),
            reasons=tuple(chosen.reasons_ja(catalogue, names)), guide=procedure.guide_ja,
            visit=procedure.visit, forms=procedure.forms, status=entry.status,
            status_reason=entry.reason))
    return Checklist(tuple(rows))


def _who(chosen: ChosenProcedure, members: tuple[int, ...], names: list[str]) -> str:
    listed = "、".join(names[i] for i in members)
    if chosen.members:
        return listed
    return f"世帯（{listed}）" if listed else "世帯"
