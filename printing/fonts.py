"""Embedded TrueType fonts for printing, with a fallback for rare name characters.

BIZ UD fonts print most text; IPAmj Mincho covers the rare characters of names (𠮷, …).
Text is drawn in runs, each in the first font that has the glyph; a character no font has is
reported before printing so staff can check it with the resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_FILES = {
    "mincho": "BIZUDMincho-Regular.ttf",
    "gothic": "BIZUDPGothic-Regular.ttf",
    "gothic-bold": "BIZUDPGothic-Bold.ttf",
    "rare": "ipamjm.ttf",  # IPAmj明朝: the widest coverage of name characters
}
FALLBACK = "rare"


def fonts_dir() -> Path:
    source_tree = Path(__file__).resolve().parent.parent / "resources" / "fonts"
    if source_tree.is_dir():
        return source_tree
    return Path(str(resources.files("counter_app.resources") / "fonts"))


@dataclass(frozen=True)
class FontFace:
    name: str  # the name registered with reportlab
    covers: frozenset[int]


@cache
def face(role: str) -> FontFace:
    """Register (once per process) and return the font for a role."""
    name = f"Madoguchi-{role}"
    font = TTFont(name, str(fonts_dir() / FONT_FILES[role]))
    pdfmetrics.registerFont(font)
    return FontFace(name, frozenset(font.face.charToGlyph))


def runs(text: str, role: str) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs: the role's font where it has the glyph, else
    the fallback; a character neither has stays in the role's font (and is reported)."""
    primary = face(role)
    pieces: list[tuple[str, str]] = []
    for char in text:
        if ord(char) in primary.covers or char.isspace():
            name = primary.name
        else:
            rare = face(FALLBACK)
            name = rare.name if ord(char) in rare.covers else primary.name
        if pieces and pieces[-1][0] == name:
            pieces[-1] = (name, pieces[-1][1] + char)
        else:
            pieces.append((name, char))
    return pieces


def uncovered(texts: list[str], role: str = "mincho") -> set[str]:
    """Characters that no bundled font can print."""
    primary, rare = face(role), face(FALLBACK)
    return {c for text in texts for c in text
            if not c.isspace() and ord(c) not in primary.covers and ord(c) not in rare.covers}


def string_width(text: str, role: str, size: float) -> float:
    return sum(pdfmetrics.stringWidth(part, name, size) for name, part in runs(text, role))
