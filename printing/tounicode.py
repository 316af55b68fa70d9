"""The PDF text layer (ToUnicode CMaps) of embedded TrueType fonts, right beyond U+FFFF.

reportlab embeds each font as subsets of up to 256 codes and gives each subset a ToUnicode
CMap, but writes every character as plain hex of its code point: 𠮷 (U+20BB7) becomes the
odd-length `<20BB7>`, which viewers read as garbage or drop. A CMap's destination is UTF-16BE
(PDF 32000-1 9.10.3), so 𠮷 must be the surrogate pair `<D842DFB7>`. `TextLayerFont` rewrites
each subset's CMap after reportlab has built it, and also maps the private codes it hands out
for variant glyphs (see `add_glyph`) back to the text they stand for.
"""

from __future__ import annotations

import threading

from reportlab.pdfbase.ttfonts import TTFont

PRIVATE_FIRST = 0xF0000  # Supplementary Private Use Area-A: never reaches the text layer
PRIVATE_LAST = 0xFFFFD
BFCHAR_BLOCK = 100  # the most entries one beginbfchar … endbfchar block may hold


def utf16_hex(text: str) -> str:
    return text.encode("utf-16-be").hex().upper()


def to_unicode_cmap(name: str, texts: list[str]) -> str:
    """A ToUnicode CMap for one subset: code i (one byte) stands for texts[i]."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
        f"/CMapName /{name} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(texts) - 1:02X}>",
        "endcodespacerange",
    ]
    entries = [(code, text) for code, text in enumerate(texts) if text != "\0"]
    for start in range(0, len(entries), BFCHAR_BLOCK):
        block = entries[start:start + BFCHAR_BLOCK]
        lines.append(f"{len(block)} beginbfchar")
        lines.extend(f"<{code:02X}> <{utf16_hex(text)}>" for code, text in block)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


class TextLayerFont(TTFont):
    """A reportlab TrueType font whose PDF text layer reads back exactly what was drawn."""

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._private: dict[int, str] = {}  # private code -> the text its glyph stands for
        self._codes: dict[str, str] = {}  # that text -> its private code, as a character
        self._next = PRIVATE_FIRST
        self._lock = threading.Lock()

    def add_glyph(self, glyph: int, advance: float, text: str) -> str:
        """A private-use character that draws `glyph` (one the font's cmap cannot reach, such
        as an ideographic variant), `advance` thousandths of an em wide, and reads back as
        `text` in the PDF."""
        with self._lock:  # packets render on a worker thread
            if text in self._codes:
                return self._codes[text]
            face = self.face
            code = self._next
            while code in face.charToGlyph:  # the font's own private characters stay its own
                code += 1
            if code > PRIVATE_LAST:
                raise ValueError("no private code left for another glyph")
            self._next = code + 1
            face.charWidths[code] = advance
            face.charToGlyph[code] = glyph
            self._private[code] = text
            self._codes[text] = chr(code)
            return chr(code)

    def addObjects(self, doc) -> None:  # noqa: ANN001 (reportlab's PDFDocument)
        state = self.state.get(doc)
        if state is None:  # nothing drawn in this document: reportlab adds nothing either
            super().addObjects(doc)
            return
        subsets = [list(subset) for subset in state.subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            font = fonts[name]
            stream = doc.idToObject[font.ToUnicode.name]
            texts = [self._private.get(code, chr(code)) for code in subset]
            stream.content = to_unicode_cmap(font.BaseFont, texts)
