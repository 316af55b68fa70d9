"""The text of the QR code on every printed page: ids only, never personal data."""

from __future__ import annotations

PREFIX = "MADOGUCHI1"


def qr_payload(case_id: str, form_id: str, page: int) -> str:
    return f"{PREFIX}|{case_id}|{form_id}|{page}"


def parse_qr_payload(text: str) -> tuple[str, str, int] | None:
    """(case id, form id, page) from a scanned code, or None if it is not one of ours."""
    parts = text.strip().split("|")
    if len(parts) != 4 or parts[0] != PREFIX or not parts[3].isdigit():
        return None
    return parts[1], parts[2], int(parts[3])
