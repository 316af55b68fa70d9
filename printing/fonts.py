"""Embedded TrueType fonts for printing, with a fallback for rare name characters.

BIZ UD fonts print most text; IPAmj Mincho covers the rare characters of names (𠮷, …) and
their ideographic variants (辻 + U+E0102, …). Text is drawn in runs, each in the first font
that can print the unit (a character, or a base character with its variation selector). What
no font can print is named to staff by `unprintable` before anything is printed.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from printing.tounicode import TextLayerFont
from printing.variants import SELECTORS, Variant, is_selector, read_sequences, units

FONT_FILES = {
    "mincho": "BIZUDMincho-Regular.ttf",
    "gothic": "BIZUDPGothic-Regular.ttf",
    "gothic-bold": "BIZUDPGothic-Bold.ttf",
    "rare": "ipamjm.ttf",  # IPAmj明朝: the widest coverage of name characters
}
FALLBACK = "rare"
# The fonts names and addresses are printed in: forms (Mincho) and the guide sheet (Gothic).
TEXT_ROLES = ("mincho", "gothic")


def fonts_dir() -> Path:
    source_tree = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    if source_tree.is_dir():
        return source_tree
    return Path(str(resources.files("counter_app.resources") / "fonts"))


class FontFace:
    """One bundled font, registered with reportlab under `name`."""

    def __init__(self, role: str) -> None:
        self.name = f"Madoguchi-{role}"
        self.path = fonts_dir() / FONT_FILES[role]
        self.font = TextLayerFont(self.name, str(self.path))
        pdfmetrics.registerFont(self.font)
        # The font's own cmap, before any private code is added for a variant glyph. A
        # selector is never printable alone, whatever glyph a font may give it.
        self.covers = frozenset(c for c in self.font.face.charToGlyph if not is_selector(chr(c)))
        self.placements: dict[str, tuple[str, str]] = {}  # runs' memo, with this as primary
        self._sequences: dict[tuple[int, int], Variant | None] | None = None
        self._lock = threading.Lock()

    def sequences(self) -> dict[tuple[int, int], Variant | None]:
        with self._lock:  # read on first need only (IPAmj Mincho: about a second)
            if self._sequences is None:
                self._sequences = read_sequences(self.path)
            return self._sequences

    def find(self, unit: str) -> str | Variant | None:
        """How this font prints a unit: a character it has (the character), a variation
        sequence it lists (the glyph), or not at all (None)."""
        if len(unit) == 1:
            return unit if ord(unit) in self.covers else None
        base, selector = map(ord, unit)
        sequences = self.sequences()
        if (base, selector) not in sequences:
            return None
        variant = sequences[base, selector]
        if variant is None:  # a default sequence: the base character's usual glyph
            if base not in self.covers:
                return None
            face = self.font.face
            variant = Variant(face.charToGlyph[base], face.charWidths[base])
        return variant

    def drawn(self, found: str | Variant, unit: str) -> str:
        """The text that draws what `find(unit)` found; a sequence reads back as itself."""
        if isinstance(found, str):
            return found
        return self.font.add_glyph(found.glyph, found.advance, unit)


@cache
def face(role: str) -> FontFace:
    """Register (once per process) and return the font for a role."""
    return FontFace(role)


def _place(unit: str, role: str) -> tuple[FontFace, str | Variant] | None:
    """The first font of the role's chain that prints the unit, and how."""
    for candidate in (role,) if role == FALLBACK else (role, FALLBACK):
        font = face(candidate)  # IPAmj Mincho is loaded only when a character needs it
        found = font.find(unit)
        if found is not None:
            return font, found
    return None


def _drawn(unit: str, role: str) -> tuple[str, str]:
    """The font name and the text that draw a unit in a role."""
    primary = face(role)
    if unit.isspace():  # tabs, line breaks…: a blank, never a missing-glyph box
        return primary.name, unit if ord(unit) in primary.covers else " "
    if placed := _place(unit, role):
        font, found = placed
        return font.name, font.drawn(found, unit)
    # The missing-glyph box (glyph 0), one per unit, reading back as the unit in the text
    # layer: the saved PDF still finds the name.
    return primary.name, primary.font.add_glyph(0, primary.font.face.defaultWidth, unit)


def runs(text: str, role: str) -> list[tuple[str, str]]:
    """Split text into (font name, text to draw) runs: the role's font where it has the glyph,
    else the fallback. What neither prints is the role's font's missing-glyph box, drawn only
    after `unprintable` has named it to staff (and printing was refused)."""
    primary = face(role)
    covers = primary.covers
    special = [c for c in set(text) if ord(c) not in covers]  # the distinct characters only
    if not special:  # the usual case
        return [(primary.name, text)] if text else []
    # Units that need a decision: variation sequences and characters the primary font lacks;
    # the stretches between them are the primary font's.
    marked = re.compile(f"[^{SELECTORS}][{SELECTORS}]|[{''.join(map(re.escape, special))}]",
                        re.DOTALL)
    names: list[str] = []
    parts: list[list[str]] = []  # joined once at the end: linear in the text's length

    def add(name: str, drawn: str) -> None:
        if names and names[-1] == name:
            parts[-1].append(drawn)
        else:
            names.append(name)
            parts.append([drawn])

    known, position = primary.placements, 0
    for match in marked.finditer(text):
        if match.start() > position:
            add(primary.name, text[position:match.start()])
        unit = match.group()
        if unit not in known:
            known[unit] = _drawn(unit, role)
        add(*known[unit])
        position = match.end()
    if position < len(text):
        add(primary.name, text[position:])
    return [(name, "".join(part)) for name, part in zip(names, parts, strict=True)]


def string_width(text: str, role: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, name, size) for name, part in runs(text, role))


SELECTOR_KIND = "異体字セレクタ"
INVISIBLE_KINDS = {"Cc": "制御文字", "Cf": "書式制御文字", "Co": "外字", "Cn": "未定義の文字",
                   "Cs": "不正な文字", "Mn": "結合文字", "Me": "結合文字"}


@dataclass(frozen=True)
class Unprintable:
    """A unit no bundled font prints, as staff must be told about it."""

    text: str  # as in the case: one character, or a base character with its selector
    visible: str  # what staff read: 𰻞, or 辻＋U+E0100（異体字セレクタ）
    codes: str  # U+30EDE, or U+8FBB U+E0100


def _visible(char: str) -> str:
    kind = SELECTOR_KIND if is_selector(char) else \
        INVISIBLE_KINDS.get(unicodedata.category(char))
    return f"U+{ord(char):04X}（{kind}）" if kind else char


def describe(unit: str) -> Unprintable:
    return Unprintable(unit, "＋".join(map(_visible, unit)),
                       " ".join(f"U+{ord(c):04X}" for c in unit))


def unprintable(texts: Iterable[str], roles: Iterable[str] = TEXT_ROLES) -> list[Unprintable]:
    """The print gate: the units of `texts` that some role's fonts cannot print, in order of
    first appearance. Whitespace always prints (as a blank)."""
    roles = tuple(roles)
    found: dict[str, Unprintable] = {}
    for text in texts:
        for unit in dict.fromkeys(units(text)):
            if unit not in found and not unit.isspace() \
                    and any(_place(unit, role) is None for role in roles):
                found[unit] = describe(unit)
    return list(found.values())
