"""The text of the QR code on every printed page: ids only, never personal data.

`MADOGUCHI1|<case id>|<form id>|<page>` on a real packet, `MADOGUCHI1-DEMO|…` on a training
one, so a 見本 page scanned at a real counter is refused by name rather than looked up.
"""

from __future__ import annotations

from typing import NamedTuple

PREFIX = "MADOGUCHI1"
DEMO_PREFIX = "MADOGUCHI1-DEMO"

NOT_OURS_JA = "この窓口支援システムのQRコードではありません"
DEMO_IN_PRODUCTION_JA = "研修（デモ）で印刷した見本のQRコードです。本番の窓口では使えません"
PRODUCTION_IN_DEMO_JA = "本番の窓口で印刷した書類のQRコードです。研修モードでは開けません"


class PageCode(NamedTuple):
    case_id: str
    form_id: str
    page: int
    demo: bool = False


def qr_payload(case_id: str, form_id: str, page: int, demo: bool = False) -> str:
    return f"{DEMO_PREFIX if demo else PREFIX}|{case_id}|{form_id}|{page}"


def parse_qr_payload(text: str) -> PageCode | None:
    """The ids in a scanned code, `demo` telling a training page, or None if it is not one of
    ours."""
    parts = text.strip().split("|")
    if len(parts) != 4 or parts[0] not in (PREFIX, DEMO_PREFIX) or not parts[3].isdigit():
        return None
    return PageCode(parts[1], parts[2], int(parts[3]), parts[0] == DEMO_PREFIX)


def scan_refusal(code: PageCode | None, demo_mode: bool) -> str | None:
    """The message for staff when a scanned code must not open its case (None: it may):
    not ours, a training page at a real counter, or a real page in training."""
    if code is None:
        return NOT_OURS_JA
    if code.demo and not demo_mode:
        return DEMO_IN_PRODUCTION_JA
    if demo_mode and not code.demo:
        return PRODUCTION_IN_DEMO_JA
    return None
