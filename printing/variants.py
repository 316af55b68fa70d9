"""Ideographic variation sequences: a base character followed by a variation selector.

A name such as 辻 + U+E0100 asks for one particular glyph of 辻 (辶 with one dot or two). Fonts list
such sequences in their cmap format 14 subtable, which reportlab ignores; fontTools reads it.
Each entry either names a variant glyph or marks the sequence as the base character's usual
glyph ("default").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SELECTORS = "\uFE00-\uFE0F\U000E0100-\U000E01EF"  # standardized, then ideographic
UNIT = re.compile(f"[^{SELECTORS}][{SELECTORS}]?|[{SELECTORS}]", re.DOTALL)


def is_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def units(text: str) -> list[str]:
    """The text as printable units: each character, with the variation selector that follows
    it. A selector with nothing to select (at the start, or a second one) is a unit alone."""
    return UNIT.findall(text)


@dataclass(frozen=True)
class Variant:
    glyph: int
    advance: float  # in thousandths of an em, as reportlab measures


def read_sequences(path: Path) -> dict[tuple[int, int], Variant | None]:
    """The font's variation sequences: (base, selector) -> its variant glyph, or None where
    the sequence is the base character's usual glyph (a default sequence)."""
    from fontTools.ttLib import TTFont, TTLibError  # 0.1 s: only once a name has a selector

    try:
        font = TTFont(path, lazy=True)
        with font:
            # Only glyph ids matter: naming glyphs by index skips decoding the post table's
            # names (60,000 in IPAmj Mincho), which took most of the time.
            font.setGlyphOrder([f"g{i}" for i in range(font["maxp"].numGlyphs)])
            table = next((t for t in font["cmap"].tables if t.format == 14), None)
            if table is None:
                return {}
            scale = 1000 / font["head"].unitsPerEm
            metrics = font["hmtx"]
            return {(base, selector): None if glyph is None else
                    Variant(font.getGlyphID(glyph), metrics[glyph][0] * scale)
                    for selector, pairs in table.uvsDict.items() for base, glyph in pairs}
    except (OSError, TTLibError, KeyError) as exc:  # a damaged font: only its sequences go
        log.warning("cannot read variation sequences of %s: %s", path.name, exc)
        return {}
