"""Values that people type or cards carry: names, kana, sex, full-width digits, clean text.

One module for them, so the same rule is not written again in the card reader, the forms and
the screens.
"""

from __future__ import annotations

import unicodedata

NAME_SEPARATOR = "\u3000"  # between surname and given name, as on the card
SEX_LABELS_JA = {"male": "男", "female": "女"}
_FULL_WIDTH_DIGITS = {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
_HALF_WIDTH_DIGITS = {ord(c) + 0xFEE0: ord(c) for c in "0123456789"}


class TextInputError(ValueError):
    """Text that must not be stored; `message_ja` is for staff, str() for the log."""

    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


def check_text(value: str, what_ja: str) -> str:
    """Refuse control characters (a NUL breaks PostgreSQL, an ESC the terminal) and text that
    is nothing but invisible characters; returns the value unchanged otherwise."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and char not in "\t":
            raise TextInputError(f"control character U+{ord(char):04X}",
                                 f"{what_ja}に使えない制御文字（U+{ord(char):04X}）が含まれています")
        if category == "Cs":
            raise TextInputError("lone surrogate", f"{what_ja}に読めない文字が含まれています")
        if category in ("Cf", "Zl", "Zp") and char != "\u200d":
            # Direction overrides and line separators reorder or break what is printed.
            raise TextInputError(f"format character U+{ord(char):04X}",
                                 f"{what_ja}に使えない文字（U+{ord(char):04X}）が含まれています")
    return value


def is_blank(value: str) -> bool:
    """True for text that prints nothing: spaces and format characters only (U+200B…)."""
    return all(c.isspace() or unicodedata.category(c) in ("Cf", "Zs") for c in value)


def split_name(name: str) -> tuple[str, str]:
    """氏 and 名: the name is split at its first space (full or half width)."""
    normalized = name.strip().replace(" ", NAME_SEPARATOR)
    surname, _, given = normalized.partition(NAME_SEPARATOR)
    return surname, given.strip(NAME_SEPARATOR)


def display_name(name: str) -> str:
    """A name for screens and the guide sheet: the ideographic space as a normal one."""
    return name.replace(NAME_SEPARATOR, " ")


def sex_label(sex: str) -> str:
    """男 / 女, or the card's other codes as they are (9: 適用不能, 0: 不明)."""
    return SEX_LABELS_JA.get(sex, {"9": "適用不能", "0": "不明"}.get(sex, sex))


def full_width_digits(text: str) -> str:
    return text.translate(_FULL_WIDTH_DIGITS)


def half_width_digits(text: str) -> str:
    return text.translate(_HALF_WIDTH_DIGITS)
