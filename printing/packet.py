"""What a packet is, as plain data (no reportlab): the guide sheet first, then every form job.

The application builds it (counter_app.reception.packet); printing.render draws it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from forms.formatters import Style
from forms.templates import Template

GUIDE_ID = "guide"


@dataclass
class GuideItem:
    title: str
    section: str
    counter: str  # 5番窓口
    floor: str
    who: str  # 北見 太郎、北見 花子 / 世帯（…）
    deadline: str  # 令和8年4月15日まで / 速やかに / ""
    overdue: bool  # the deadline has passed
    bring: list[str]  # 持ち物
    issued: list[str]  # handed over today
    note: str
    status: str  # done, later, pending, not_needed, notice
    status_reason: str = ""


@dataclass
class GuideSheet:
    city: str
    head: str  # the 世帯主's name, as printed at the top
    occasion: str  # 転入（令和8年4月1日）
    printed_on: str  # 令和8年4月3日発行
    reception_number: str  # a short human-readable case reference
    contact: str  # the city's phone and hours
    items: list[GuideItem]
    title: str = "窓口案内シート"
    intro: str = ("本日のお手続きと、これから必要なお手続きのご案内です。"
                  "「これから」の手続は、窓口番号の順にお進みください。")
    closing: list[str] = field(default_factory=list)  # plain information lines at the end
    # (place, text): what happens outside the city hall (catalogue data), after the counters.
    outside: list[tuple[str, str]] = field(default_factory=list)
    calm: bool = False  # the おくやみ sheet: dates as plain dates, no overdue alarm


@dataclass
class FormJob:
    template: Template
    context: dict[str, Any]
    section: str
    key: str  # the form id, or form id + "." + member for a per-person form
    people: list[dict[str, Any]] = field(default_factory=list)  # {role, member, name, address}


@dataclass
class Packet:
    case_id: str
    demo: bool
    city: str
    style: Style
    guide: GuideSheet
    forms: list[FormJob]


@dataclass
class PageInfo:
    form_id: str  # a form job's key, or GUIDE_ID
    page: int  # within its form (guide sheet: within the guide)


def fingerprint(data: Any) -> str:
    """A short, stable digest of what a form prints: a later change that alters the form makes
    its print record stale (未印刷 again)."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
