"""How a bound value is written on a form.

Each formatter takes the value, the row it belongs to (a member, or None) and the form's
`Style` (how dates are written), and returns the text. Era dates come from the caller's
era table through `Style`, so this package needs nothing but the standard library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

NAME_SEPARATOR = "\u3000"
_FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"}
_FULL_WIDTH[ord("-")] = ord("－")


@dataclass(frozen=True)
class Style:
    era_format: Callable[[dt.date], str]  # 令和8年4月1日, with 元年
    on: dt.date  # the day ages are counted on (the move date)


def _text(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)


def _western(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    if not isinstance(value, dt.date):
        return _text(value, row, style)
    return f"{value.year}年{value.month}月{value.day}日"


def _wareki(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    if not isinstance(value, dt.date):
        return _text(value, row, style)
    return style.era_format(value)


def _date(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    """和暦, except for foreign residents, whose dates are written in the Western calendar."""
    if row is not None and row.get("foreign"):
        return _western(value, row, style)
    return _wareki(value, row, style)


def _full_width(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    return _text(value, row, style).translate(_FULL_WIDTH)


def _surname(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    return _text(value, row, style).split(NAME_SEPARATOR, 1)[0]


def _given_name(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    parts = _text(value, row, style).split(NAME_SEPARATOR, 1)
    return parts[1] if len(parts) == 2 else ""


def _age(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    if not isinstance(value, dt.date):
        return ""
    years = style.on.year - value.year - ((style.on.month, style.on.day)
                                          < (value.month, value.day))
    return f"{years}歳"


def _sex(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    return {"male": "男", "female": "女"}.get(value, _text(value, row, style))


def _count(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    return f"{len(value)}人" if isinstance(value, list) else ""


def _years(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    """A number of years already worked out (legal age): 65歳."""
    return f"{value}歳" if isinstance(value, int) and not isinstance(value, bool) else ""


def _presence(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    """あり / なし: a blank would read as "not filled in"."""
    if value is None:
        return ""
    return "あり" if value else "なし"


_ADDRESS_WIDTH = {**{ord(c): ord(c) + 0xFEE0 for c in "0123456789"}, ord("-"): ord("－")}


def _address(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    """Addresses with full-width digits and dashes, as the register and the card write them."""
    return _text(value, row, style).translate(_ADDRESS_WIDTH)


def _postal(value: Any, row: Mapping[str, Any] | None, style: Style) -> str:
    digits = "".join(c for c in _text(value, row, style) if c.isdigit())
    return f"〒{digits[:3]}-{digits[3:]}" if len(digits) == 7 else ""


FORMATTERS: dict[str, Callable[[Any, Mapping[str, Any] | None, Style], str]] = {
    "text": _text,
    "date": _date,
    "wareki": _wareki,
    "western": _western,
    "fullwidth": _full_width,
    "surname": _surname,
    "given_name": _given_name,
    "age": _age,
    "sex": _sex,
    "count": _count,
    "years": _years,
    "presence": _presence,
    "address": _address,
    "postal": _postal,
}
