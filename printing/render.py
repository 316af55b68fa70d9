"""One packet PDF per case: the guide sheet first, then every form, in the city's counter order.

Each page carries a QR code with the case id, the form and the page number (never personal data)
and the human-readable 受付番号, so a back office can scan a signed form and open the same case.
Demo packets carry a 見本 watermark on every page.

Layout never fails silently: a value shrinks down to the form's floor (9 pt on resident-facing
forms) and then wraps inside its box, breaking lines by 禁則; what still does not fit is clipped
to its box and reported by `layout_problems` (the print gate refuses it), never drawn over
another element or off the page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.binding import BoundForm, BoundPage, bind
from forms.templates import (
    CAPTION_PT,
    CHECK_BOX_MM,
    CONTINUATION_TOP_MM,
    HEADER_MM,
    Template,
)
from printing import fonts
from printing.packet import GUIDE_ID, FormJob, GuideItem, GuideSheet, Packet, PageInfo
from printing.qr import qr_payload

__all__ = ["GUIDE_ID", "FormJob", "GuideItem", "GuideSheet", "Packet", "PageInfo",
           "RenderedPacket", "layout_problems", "render_packet"]

PAGE_W, PAGE_H = A4
QR_SIZE_MM = 18
LEADING = 1.22  # line height as a multiple of the type size
GUIDE_BODY_PT = 11.0
GUIDE_LEFT_MM, GUIDE_RIGHT_MM = 15.0, 195.0
GUIDE_TEXT_MM = 38.0  # where an item's text starts, right of its badge
GUIDE_BOTTOM_MM = 262.0  # above the footer and the QR code
STATUS_BADGES = {"done": ("済", (0.17, 0.54, 0.24)), "later": ("後日", (0.85, 0.42, 0)),
                 "pending": ("これから", (0.1, 0.36, 0.67)),
                 "not_needed": ("不要", (0.45, 0.45, 0.45)),
                 "notice": ("お知らせ", (0.35, 0.35, 0.55))}
RED = (0.75, 0.1, 0.1)
# 禁則: characters that may not begin a line, and ones that may not end it.
NO_LINE_START = set("、。，．・：；？！ー）」』】〕〉》］｝々,.)]}"
                    "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
NO_LINE_END = set("（「『【〔〈《［｛([{")


@dataclass
class RenderedPacket:
    pdf: bytes
    pages: list[PageInfo]
    # What no bundled font prints (drawn as a missing-glyph box): staff must be told first.
    unprintable: list[fonts.Unprintable] = field(default_factory=list)


def y_top(y_mm: float) -> float:
    """Template y (mm from the top) to reportlab's points from the bottom."""
    return PAGE_H - y_mm * mm


def draw_text(c: Canvas, x_pt: float, y_pt: float, text: str, size: float,
              role: str = "mincho", align: str = "left") -> None:
    runs = fonts.runs(text, role)
    if align != "left":
        width = sum(c.stringWidth(part, name, size) for name, part in runs)
        x_pt -= width / 2 if align == "center" else width
    # One text object for the whole line, so that text extraction reads it as one line
    # across font changes (a drawString per run ends each run with a line break).
    line = c.beginText(x_pt, y_pt)
    for name, part in runs:
        line.setFont(name, size)
        line.textOut(part)
    c.drawText(line)


def wrap(text: str, width_pt: float, size: float, role: str) -> list[str]:
    """Lines of at most `width_pt`, Japanese style: a break may fall between any characters,
    except before a closing mark or after an opening one (禁則: the break moves left), and a
    word in Latin letters stays whole where the line has a space to break at."""
    lines: list[str] = []
    line = ""
    width = 0.0
    for char in text:
        if char == "\n":
            lines.append(line)
            line, width = "", 0.0
            continue
        advance = _advance(char, role) * size
        if line and width + advance > width_pt:
            cut = _break_at(line, char)
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
            width = sum(_advance(c, role) for c in line) * size
        line += char
        width += advance
    if line:
        lines.append(line)
    return lines


def _advance(char: str, role: str) -> float:
    """A character's width at 1 pt (a variation selector adds nothing to its base)."""
    if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
        return 0.0
    return fonts.string_width(char, role, 1)


def _break_at(line: str, following: str) -> int:
    """Where to end a full line, given the character that did not fit after it."""
    def starts(cut: int) -> str:
        return line[cut] if cut < len(line) else following

    cut = len(line)
    while cut > 1 and (starts(cut) in NO_LINE_START or line[cut - 1] in NO_LINE_END):
        cut -= 1
    if _latin(starts(cut)) and _latin(line[cut - 1]):
        space = line.rfind(" ", 0, cut)
        if space > 0:
            cut = space + 1
    return cut


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: list[str]
    fits: bool  # False: even at the floor it needs more room than the box has


def fit(text: str, width_pt: float, height_pt: float, size: float, floor: float,
        role: str = "mincho") -> Fitted:
    """Shrink to the floor keeping the text's own lines; then wrap, largest size first; else
    report that it does not fit (it is drawn at the floor, clipped to its box)."""
    if not text:
        return Fitted(size, [], True)
    own = text.split("\n")
    widest = max(fonts.string_width(line, role, 1) for line in own)  # widths scale with size

    def tall_enough(count: int, at: float) -> bool:
        return count * at * LEADING <= height_pt + 0.01 or (count == 1 and at <= height_pt)

    current = size
    while current >= floor:
        if tall_enough(len(own), current) and widest * current <= width_pt:
            return Fitted(current, own, True)
        current -= 0.5
    current = size
    while current >= floor:
        lines = wrap(text, width_pt, current, role)
        if tall_enough(len(lines), current):
            return Fitted(current, lines, True)
        current -= 0.5
    return Fitted(floor, wrap(text, width_pt, floor, role), False)


def _field_area(e: dict, label_width_mm: float) -> tuple[float, float, float, float]:
    """(x, top, width, height) in mm of where a field's value goes."""
    x, y, w, h = e["x"], e["y"], e["w"], e["h"]
    if e.get("frame", True):
        return x + 1.5, y + CAPTION_PT * 0.3528 + 1.0, w - 3.0, h - CAPTION_PT * 0.3528 - 1.6
    return x + label_width_mm + 1.5, y + 0.6, w - label_width_mm - 2.0, h - 1.2


def _value(e: dict, value: str) -> str:
    return value + e["suffix"] if value and e.get("suffix") else value


def layout_problems(packet: Packet) -> list[tuple[str, str, str]]:
    """(form key, label, template title) of every value that does not fit its box at the
    form's floor size: the print gate refuses the packet until it is put right."""
    found = []
    for job in packet.forms:
        template = job.template
        bound = bind(template, job.context, packet.style)
        for page in bound.pages:
            for index, element in enumerate(template.elements):
                if element["type"] != "field" or index not in page.values:
                    continue
                value = _value(element, page.values[index])
                label_w = 0.0 if element.get("frame", True) else \
                    fonts.string_width(element["label"], "mincho", 9) / mm
                _x, _y, w, h = _field_area(element, label_w)
                if not fit(value, w * mm, h * mm, element.get("size", 11),
                           template.floor_pt).fits:
                    found.append((job.key, element["label"], template.title))
            table = template.members_table
            if table:
                for row in page.rows:
                    for column, text in zip(table["columns"], row, strict=True):
                        if not fit(text, (column["w"] - 2) * mm, (table["row_h"] - 1.5) * mm,
                                   10.5, template.floor_pt).fits:
                            found.append((job.key, column["label"], template.title))
    return list(dict.fromkeys(found))


class PacketWriter:
    def __init__(self, packet: Packet) -> None:
        self.packet = packet
        self.buffer = io.BytesIO()
        # The initial font is written into every page: make it an embedded one, not Helvetica.
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1,
                             initialFontName=fonts.face("mincho").name, initialFontSize=10)
        self.canvas.setTitle("窓口案内・申請書一式")
        self.canvas.setAuthor(f"{packet.city} 窓口支援システム")
        self.pages: list[PageInfo] = []
        self.texts: list[str] = []

    # --- page furniture --------------------------------------------------------------------

    def finish_page(self, key: str, page: int, total: int, label: str) -> None:
        c = self.canvas
        self.qr_code(qr_payload(self.packet.case_id, key, page, self.packet.demo),
                     PAGE_W - 15 * mm - QR_SIZE_MM * mm, 8 * mm)
        reference = self.packet.guide.reception_number
        draw_text(c, 15 * mm, 14 * mm, f"受付番号 {reference}", 8, "gothic")
        draw_text(c, 15 * mm, 10 * mm, f"{self.packet.city}　{label}　{page}／{total}ページ", 8,
                  "gothic")
        if self.packet.demo:
            self.watermark()
        c.showPage()
        self.pages.append(PageInfo(key, page))

    def qr_code(self, payload: str, x: float, y: float) -> None:
        # The widget only chooses the QR version and computes the modules; they are drawn
        # straight on the canvas, as reportlab's graphics renderer would add a non-embedded
        # Helvetica to every page.
        code = QrCodeWidget(payload, barLevel="M").qr
        code.make()
        rows = code.modules
        count = len(rows)
        module = QR_SIZE_MM * mm / (count + 8)  # with the four-module quiet zone
        c = self.canvas
        c.saveState()
        c.setFillGray(0)
        for r, row in enumerate(rows):
            for col, dark in enumerate(row):
                if dark:
                    c.rect(x + (col + 4) * module, y + (count + 3 - r) * module, module,
                           module, fill=1, stroke=0)
        c.restoreState()

    def watermark(self) -> None:
        c = self.canvas
        c.saveState()
        c.setFillColorRGB(0.75, 0.1, 0.1)
        c.setFillAlpha(0.18)
        c.translate(PAGE_W / 2, PAGE_H / 2)
        c.rotate(35)
        draw_text(c, 0, -60, "見本", 200, "gothic-bold", "center")
        c.restoreState()
        c.saveState()
        c.setFillColorRGB(0.75, 0.1, 0.1)
        draw_text(c, PAGE_W / 2, PAGE_H - 9 * mm, "見本（研修用・無効）", 10, "gothic-bold",
                  "center")
        c.restoreState()

    def lines(self, x_mm: float, top_mm: float, fitted: Fitted, role: str = "mincho",
              color: tuple[float, float, float] | None = None) -> float:
        """Draw fitted lines from `top_mm` down; returns the y (mm) below the last line."""
        c = self.canvas
        step = fitted.size * LEADING * 0.3528
        y = top_mm
        if color:
            c.setFillColorRGB(*color)
        for line in fitted.lines:
            y += step
            draw_text(c, x_mm * mm, y_top(y - step * 0.22), line, fitted.size, role)
        if color:
            c.setFillColorRGB(0, 0, 0)
        return y

    # --- forms -----------------------------------------------------------------------------

    def form(self, job: FormJob) -> None:
        bound = bind(job.template, job.context, self.packet.style)
        self.texts.extend(bound.texts())
        for page in bound.pages:
            self.form_page(bound, page)
            self.finish_page(job.key, page.number, len(bound.pages), job.template.title)

    def form_page(self, bound: BoundForm, page: BoundPage) -> None:
        c = self.canvas
        c.setLineWidth(0.6)
        template = bound.template
        if page.continuation:
            self._continuation_heading(bound, page)
        for index, element in enumerate(template.elements):
            kind = element["type"]
            if index in page.hidden:
                continue
            if page.continuation and kind not in ("title", "members"):
                continue  # continuation pages repeat the heading and carry on the table
            getattr(self, f"_draw_{kind}")(element, page, index, template)

    def _continuation_heading(self, bound: BoundForm, page: BoundPage) -> None:
        c = self.canvas
        total = len(bound.pages)
        heading = f"（続き　{page.number}／{total}枚目）"
        if bound.header:
            heading = f"{bound.header} 様の{bound.template.title}{heading}"
        size = fit(heading, 180 * mm, 8 * mm, 11, 9, "gothic")
        title_y = max((e["y"] for e in bound.template.elements if e["type"] == "title"),
                      default=20)
        self.lines(15, title_y + 2.5, size, "gothic")
        # 契印: a seal or initials across the staple, so a loose sheet is known as this form's.
        c.rect(15 * mm, y_top(268), 22 * mm, 16 * mm)
        draw_text(c, 16.2 * mm, y_top(254.8), "契印", CAPTION_PT, "gothic")

    def _draw_title(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        draw_text(self.canvas, PAGE_W / 2, y_top(e["y"]), e["text"], e.get("size", 18),
                  "mincho", "center")

    def _draw_label(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        draw_text(self.canvas, e["x"] * mm, y_top(e["y"]), e["text"], e.get("size", 9),
                  e.get("font", "mincho"), e.get("align", "left"))

    def _caption(self, x: float, y: float, text: str) -> None:
        draw_text(self.canvas, (x + 1.2) * mm, y_top(y + 3.1), text, CAPTION_PT, "gothic")

    def _draw_box(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        self.canvas.rect(e["x"] * mm, y_top(e["y"] + e["h"]), e["w"] * mm, e["h"] * mm)
        if e.get("label"):
            self._caption(e["x"], e["y"], e["label"])

    def _clip(self, x: float, top: float, w: float, h: float) -> None:
        path = self.canvas.beginPath()
        path.rect(x * mm, y_top(top + h), w * mm, h * mm)
        self.canvas.clipPath(path, stroke=0, fill=0)

    def _draw_field(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        c = self.canvas
        value = _value(e, page.values.get(index, ""))
        x, y, w, h = e["x"], e["y"], e["w"], e["h"]
        if e.get("frame", True):
            c.rect(x * mm, y_top(y + h), w * mm, h * mm)
            self._caption(x, y, e["label"])
            label_w = 0.0
        else:
            draw_text(c, x * mm, y_top(y + h - 2), e["label"], 9)
            label_w = fonts.string_width(e["label"], "mincho", 9) / mm
        ax, atop, aw, ah = _field_area(e, label_w)
        fitted = fit(value, aw * mm, ah * mm, e.get("size", 11), template.floor_pt)
        c.saveState()
        self._clip(ax - 0.5, atop, aw + 1, ah + 0.6)
        block = len(fitted.lines) * fitted.size * LEADING * 0.3528
        # One line sits on the box's lower part, under the caption; several fill from the top.
        start = atop + max(0.0, ah - block) if len(fitted.lines) == 1 else atop
        self.lines(ax, start, fitted)
        c.restoreState()

    def _draw_check(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        c = self.canvas
        x, y = e["x"], e["y"]
        c.rect(x * mm, y_top(y + 1), CHECK_BOX_MM * mm, CHECK_BOX_MM * mm)
        if page.checks.get(index):
            c.setLineWidth(1.2)
            path = c.beginPath()
            path.moveTo((x + 0.6) * mm, y_top(y - 0.8))
            path.lineTo((x + 1.6) * mm, y_top(y + 0.4))
            path.lineTo((x + 3.2) * mm, y_top(y - 2.2))
            c.drawPath(path, stroke=1, fill=0)
            c.setLineWidth(0.6)
        draw_text(c, (x + 5) * mm, y_top(y + 0.6), e["label"], 9)

    def _draw_members(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        c = self.canvas
        x0, row_h = e["x"], e["row_h"]
        y0 = CONTINUATION_TOP_MM if page.continuation else e["y"]
        rows = template.continuation_rows if page.continuation else e["rows"]
        columns = e["columns"]
        total_w = sum(col["w"] for col in columns)
        c.setFillGray(0.92)
        c.rect(x0 * mm, y_top(y0 + HEADER_MM), total_w * mm, HEADER_MM * mm, fill=1, stroke=0)
        c.setFillGray(0)
        x = x0
        for col in columns:
            label = fit(col["label"], (col["w"] - 1) * mm, (HEADER_MM - 0.6) * mm, 8, 6.5,
                        "gothic")
            block = len(label.lines) * label.size * LEADING * 0.3528
            top = y0 + (HEADER_MM - block) / 2
            for n, line in enumerate(label.lines):
                draw_text(c, (x + col["w"] / 2) * mm,
                          y_top(top + (n + 0.78) * label.size * LEADING * 0.3528), line,
                          label.size, "gothic", "center")
            x += col["w"]
        # Ruled once: the outer frame, a line under the header and between rows and columns.
        height = HEADER_MM + rows * row_h
        c.rect(x0 * mm, y_top(y0 + height), total_w * mm, height * mm)
        for r in range(rows + 1):
            c.line(x0 * mm, y_top(y0 + HEADER_MM + r * row_h),
                   (x0 + total_w) * mm, y_top(y0 + HEADER_MM + r * row_h))
        x = x0
        for col in columns[:-1]:
            x += col["w"]
            c.line(x * mm, y_top(y0), x * mm, y_top(y0 + height))
        for r in range(rows):
            top = y0 + HEADER_MM + r * row_h
            if r == len(page.rows):
                # 以下余白: nobody can be added below the last person after signing.
                draw_text(c, (x0 + total_w / 2) * mm, y_top(top + row_h / 2 + 1.2), "以下余白",
                          10, "mincho", "center")
                break
            if r > len(page.rows):
                break
            x = x0
            for col, text in zip(columns, page.rows[r], strict=True):
                fitted = fit(text, (col["w"] - 2) * mm, (row_h - 1.5) * mm, 10.5,
                             template.floor_pt)
                block = len(fitted.lines) * fitted.size * LEADING * 0.3528
                c.saveState()
                self._clip(x + 0.3, top + 0.3, col["w"] - 0.6, row_h - 0.6)
                self.lines(x + 1, top + max(0.5, (row_h - block) / 2), fitted)
                c.restoreState()
                x += col["w"]

    def _draw_signature(self, e: dict, page: BoundPage, index: int,
                        template: Template) -> None:
        self._draw_box({**e, "label": e.get("label", "署名")}, page, index, template)
        draw_text(self.canvas, (e["x"] + e["w"] - 2) * mm, y_top(e["y"] + e["h"] - 2),
                  "（ご本人がご署名ください）", 8, "gothic", "right")

    def _draw_office(self, e: dict, page: BoundPage, index: int, template: Template) -> None:
        c = self.canvas
        cells = e["cells"]
        width = e["w"] / len(cells)
        c.setDash(2, 2)
        for i, name in enumerate(cells):
            x = e["x"] + i * width
            c.rect(x * mm, y_top(e["y"] + e["h"]), width * mm, e["h"] * mm)
            self._caption(x, e["y"], name)
        c.setDash()
        draw_text(c, e["x"] * mm, y_top(e["y"] - 1.2), "市使用欄", 8, "gothic")

    # --- the guide sheet -------------------------------------------------------------------

    def guide(self) -> None:
        """Items grouped under their counter, in the counter order the screen shows; notices
        (nothing to do at a counter) last, under their own heading."""
        sheet = self.packet.guide
        self.texts += [sheet.head] + [item.who for item in sheet.items] + \
            [text for pair in sheet.outside for text in pair]
        entries: list[tuple[str, GuideItem | None, list]] = []
        section = None
        visits = [i for i in sheet.items if i.status != "notice"]
        notices = [i for i in sheet.items if i.status == "notice"]
        for item in visits:
            if item.section != section:
                section = item.section
                where = f"{item.section}　{item.counter}" + (f"（{item.floor}）" if item.floor
                                                               else "")
                entries.append(("heading", None, [self._paragraph(where, 180, 12,
                                                                  "gothic-bold")]))
            entries.append(("item", item, self._guide_block(item)))
        if notices:
            entries.append(("heading", None, [self._paragraph(
                "お知らせ（窓口での手続はありません）", 180, 12, "gothic-bold")]))
            entries += [("item", item, self._guide_block(item)) for item in notices]
        if sheet.outside:
            entries.append(("heading", None, [self._paragraph(
                "市役所以外でのお手続き（ご参考）", 180, 12, "gothic-bold")]))
            entries += [("line", None, self._outside_block(place, text))
                        for place, text in sheet.outside]
        pages: list[list[tuple[str, GuideItem | None, list]]] = [[]]
        used = self._guide_heading(sheet, measure=True)
        for n, entry in enumerate(entries):
            need = self._entry_height(entry)
            if entry[0] == "heading" and n + 1 < len(entries):
                need += self._entry_height(entries[n + 1])  # never a heading alone at the end
            if pages[-1] and used + need > GUIDE_BOTTOM_MM:
                pages.append([])
                used = self._guide_heading(sheet, measure=True, first=False)
            pages[-1].append(entry)
            used += self._entry_height(entry)
        closing = self._guide_closing(sheet)
        if used + sum(h for h, *_ in closing) + 2 > GUIDE_BOTTOM_MM:
            pages.append([])
        for number, page in enumerate(pages, start=1):
            y = self._guide_heading(sheet, first=number == 1)
            for kind, shown, block in page:
                if kind == "heading":
                    y = self._guide_section(block, y)
                elif kind == "line":
                    y = self._draw_block(block, y, GUIDE_LEFT_MM + 2) + 2
                else:
                    assert shown is not None
                    y = self._guide_item(shown, block, y)
            if number == len(pages):
                self._draw_block(closing, y + 2, GUIDE_LEFT_MM)
            self.finish_page(GUIDE_ID, number, len(pages), sheet.title)

    @staticmethod
    def _entry_height(entry: tuple[str, GuideItem | None, list]) -> float:
        extra = {"heading": 3.5, "line": 2.0}.get(entry[0], 4.0)
        return sum(height for height, *_ in entry[2]) + extra

    def _outside_block(self, place: str, text: str) -> list[tuple]:
        """One plain line about something done elsewhere: the place in bold, then the text."""
        width = GUIDE_RIGHT_MM - GUIDE_LEFT_MM - 4
        block = [self._paragraph(f"■ {place}", width, GUIDE_BODY_PT, "gothic-bold")] \
            if place else []
        return [*block, self._paragraph(text, width - 4, indent_mm=4)]

    def _guide_section(self, block: list[tuple], y: float) -> float:
        c = self.canvas
        height = sum(h for h, *_ in block)
        c.setFillGray(0.9)
        c.rect(GUIDE_LEFT_MM * mm, y_top(y + height + 1), (GUIDE_RIGHT_MM - GUIDE_LEFT_MM) * mm,
               (height + 1.5) * mm, fill=1, stroke=0)
        c.setFillGray(0)
        return self._draw_block(block, y, GUIDE_LEFT_MM + 2) + 3

    def _guide_heading(self, sheet: GuideSheet, measure: bool = False,
                       first: bool = True) -> float:
        """Title, the resident's name, the occasion, the issuing city and date: each on its own
        line, so nothing overlaps however long the name. The introduction: first page only."""
        name = fit(f"{sheet.head} 様", 180 * mm, 12 * mm, 15, 11, "gothic-bold")
        intro = fit(sheet.intro if first else "", 180 * mm, 20 * mm, GUIDE_BODY_PT,
                    GUIDE_BODY_PT, "gothic")
        bottom = 30 + len(name.lines) * name.size * LEADING * 0.3528 + 7 + \
            len(intro.lines) * intro.size * LEADING * 0.3528 + 4
        if measure:
            return bottom
        c = self.canvas
        draw_text(c, PAGE_W - 15 * mm, y_top(13), f"受付番号 {sheet.reception_number}", 10,
                  "gothic", "right")
        draw_text(c, PAGE_W / 2, y_top(22), sheet.title, 22, "gothic-bold", "center")
        y = self.lines(GUIDE_LEFT_MM, 27, name, "gothic-bold")
        draw_text(c, GUIDE_LEFT_MM * mm, y_top(y + 5), sheet.occasion, GUIDE_BODY_PT, "gothic")
        draw_text(c, PAGE_W - 15 * mm, y_top(y + 5), f"{sheet.city}　{sheet.printed_on}",
                  GUIDE_BODY_PT, "gothic", "right")
        y = self.lines(GUIDE_LEFT_MM, y + 7, intro, "gothic")
        c.setStrokeGray(0.4)
        c.line(GUIDE_LEFT_MM * mm, y_top(y + 2), GUIDE_RIGHT_MM * mm, y_top(y + 2))
        c.setStrokeGray(0)
        return y + 4

    def _paragraph(self, text: str, width_mm: float, size: float = GUIDE_BODY_PT,
                   role: str = "gothic", color: tuple[float, float, float] | None = None,
                   indent_mm: float = 0.0) -> tuple:
        fitted = fit(text, width_mm * mm, 1000 * mm, size, size, role)
        height = len(fitted.lines) * size * LEADING * 0.3528 + 0.8
        return (height, fitted, role, color, indent_mm)

    def _guide_block(self, item: GuideItem) -> list[tuple]:
        """The lines of one item, measured: (height, fitted, role, colour, indent)."""
        width = GUIDE_RIGHT_MM - GUIDE_TEXT_MM
        block = [self._paragraph(item.title, width, 13, "gothic-bold"),
                 self._paragraph(f"対象：{item.who}", width)]
        open_item = item.status in ("pending", "later")
        if item.deadline and open_item:
            if self.packet.guide.calm:
                # The bereaved are not alarmed: the date is given as the date to aim for.
                block.append(self._paragraph(f"日付のめやす：{item.deadline}", width))
            elif item.overdue:
                block.append(self._paragraph(
                    f"期限：{item.deadline}（期限を過ぎています。本日お手続きください）", width,
                    color=RED))
            else:
                block.append(self._paragraph(f"期限：{item.deadline}", width))
        if item.status == "not_needed" and item.status_reason:
            block.append(self._paragraph(f"不要の理由：{item.status_reason}", width))
        if item.bring and open_item:
            block.append(self._paragraph("持ち物：" + "、".join(item.bring), width))
        if item.issued:
            block.append(self._paragraph("お渡しするもの：" + "、".join(item.issued), width))
        if item.status == "later":
            bring = "、".join(item.bring)
            block.append(self._paragraph(
                f"次回は{bring + 'をお持ちのうえ、' if bring else ''}{item.section}"
                f"（{item.counter}）へお越しください。", width))
        if item.note:
            block.append(self._paragraph(item.note, width))
        return block

    def _draw_block(self, block: list[tuple], y: float, x_mm: float) -> float:
        for height, fitted, role, color, indent in block:
            self.lines(x_mm + indent, y, fitted, role, color)
            y += height
        return y

    def _guide_item(self, item: GuideItem, block: list[tuple], y: float) -> float:
        c = self.canvas
        label, rgb = STATUS_BADGES.get(item.status, ("", (0, 0, 0)))
        c.setFillColorRGB(*rgb)
        c.roundRect(GUIDE_LEFT_MM * mm, y_top(y + 7.5), 21 * mm, 7 * mm, 1.5 * mm, fill=1,
                    stroke=0)
        c.setFillColorRGB(1, 1, 1)
        size = 10 if len(label) <= 3 else 9
        draw_text(c, (GUIDE_LEFT_MM + 10.5) * mm, y_top(y + 5.6), label, size, "gothic-bold",
                  "center")
        c.setFillColorRGB(0, 0, 0)
        bottom = self._draw_block(block, y + 0.5, GUIDE_TEXT_MM)
        c.setStrokeGray(0.75)
        c.line(GUIDE_LEFT_MM * mm, y_top(bottom + 1.5), GUIDE_RIGHT_MM * mm, y_top(bottom + 1.5))
        c.setStrokeGray(0)
        return bottom + 4

    def _guide_closing(self, sheet: GuideSheet) -> list[tuple]:
        width = GUIDE_RIGHT_MM - GUIDE_LEFT_MM
        lines = [self._paragraph(text, width) for text in sheet.closing]
        contact = sheet.contact or f"{sheet.city}役所"
        lines.append(self._paragraph(
            f"ご不明な点は、受付番号（{sheet.reception_number}）をお伝えのうえ"
            f"{contact}へお問い合わせください。", width))
        return lines

    def finish(self) -> RenderedPacket:
        self.canvas.save()
        return RenderedPacket(self.buffer.getvalue(), self.pages,
                              fonts.unprintable(self.texts))


def render_packet(packet: Packet) -> RenderedPacket:
    writer = PacketWriter(packet)
    writer.guide()
    for job in packet.forms:
        writer.form(job)
    return writer.finish()
