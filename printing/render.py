"""One packet PDF per case: the guide sheet first, then every form, grouped by section.

Each page carries a QR code with the case id, the form id and the page number (never personal
data), so a back office can scan a signed form and open the same case. Demo packets carry a
見本 watermark on every page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.binding import BoundForm, BoundPage, bind
from forms.formatters import Style
from forms.templates import Template
from printing import fonts
from printing.qr import qr_payload

PAGE_W, PAGE_H = A4
QR_SIZE_MM = 18
GUIDE_ID = "guide"
INTRO = "本日のお手続きと、これから必要なお手続きのご案内です。窓口番号の順にお進みください。"
STATUS_BADGES = {"done": ("済", (0.17, 0.54, 0.24)), "later": ("後日", (0.9, 0.47, 0)),
                 "pending": ("これから", (0.1, 0.36, 0.67)),
                 "not_needed": ("不要", (0.45, 0.45, 0.45))}


@dataclass
class GuideItem:
    title: str
    section: str
    counter: str  # 5番窓口
    floor: str
    who: str  # 北見 太郎、北見 花子 / 世帯
    deadline: str  # 令和8年4月15日まで / 速やかに / ""
    documents: list[str]
    note: str
    status: str  # done, later, pending, not_needed


@dataclass
class GuideSheet:
    city: str
    head: str  # the household head's name, as printed at the top
    move: str  # 転入（令和8年4月1日）
    printed_on: str
    items: list[GuideItem]


@dataclass
class FormJob:
    template: Template
    context: dict[str, Any]
    section: str


@dataclass
class Packet:
    case_id: str
    demo: bool
    city: str
    style: Style
    guide: GuideSheet
    forms: list[FormJob]


@dataclass
class PageInfo:
    form_id: str
    page: int  # within its form (guide sheet: within the guide)


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
    """Lines of at most `width_pt` (Japanese breaks anywhere between characters)."""
    lines, line = [], ""
    for char in text:
        if line and fonts.string_width(line + char, role, size) > width_pt:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines


def fit_size(text: str, width_pt: float, size: float, role: str = "mincho") -> float:
    """Shrink text that would overflow its box, down to 6 pt, rather than cut it."""
    per_point = fonts.string_width(text, role, 1)  # widths grow in proportion to the size
    while size > 6 and per_point * size > width_pt:
        size -= 0.5
    return size


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

    def finish_page(self, form_id: str, page: int, total: int, label: str) -> None:
        c = self.canvas
        self.qr_code(qr_payload(self.packet.case_id, form_id, page),
                     PAGE_W - 15 * mm - QR_SIZE_MM * mm, 8 * mm)
        draw_text(c, 15 * mm, 10 * mm, f"{self.packet.city}　{label}　{page}／{total}", 7,
                  "gothic")
        if self.packet.demo:
            self.watermark()
        c.showPage()
        self.pages.append(PageInfo(form_id, page))

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

    # --- forms -----------------------------------------------------------------------------

    def form(self, job: FormJob) -> None:
        bound = bind(job.template, job.context, self.packet.style)
        self.texts.extend(bound.texts())
        for page in bound.pages:
            self.form_page(bound, page)
            self.finish_page(job.template.id, page.number, len(bound.pages),
                             job.template.title)

    def form_page(self, bound: BoundForm, page: BoundPage) -> None:
        c = self.canvas
        c.setLineWidth(0.6)
        for index, element in enumerate(bound.template.elements):
            kind = element["type"]
            if page.continuation and kind not in ("title", "members"):
                continue  # continuation pages repeat the heading and carry on the table
            draw = getattr(self, f"_draw_{kind}")
            draw(element, page, index)
        if page.continuation:
            draw_text(c, 15 * mm, y_top(30), "（前の用紙の続き）", 10, "gothic")

    def _draw_title(self, e: dict, page: BoundPage, index: int) -> None:
        draw_text(self.canvas, PAGE_W / 2, y_top(e["y"]), e["text"], e.get("size", 18),
                  "mincho", "center")

    def _draw_label(self, e: dict, page: BoundPage, index: int) -> None:
        draw_text(self.canvas, e["x"] * mm, y_top(e["y"]), e["text"], e.get("size", 9),
                  e.get("font", "mincho"), e.get("align", "left"))

    def _caption(self, x: float, y: float, text: str) -> None:
        draw_text(self.canvas, (x + 1.2) * mm, y_top(y + 3), text, 6.5, "gothic")

    def _draw_box(self, e: dict, page: BoundPage, index: int) -> None:
        self.canvas.rect(e["x"] * mm, y_top(e["y"] + e["h"]), e["w"] * mm, e["h"] * mm)
        if e.get("label"):
            self._caption(e["x"], e["y"], e["label"])

    def _draw_field(self, e: dict, page: BoundPage, index: int) -> None:
        value = page.values.get(index, "")
        if value and e.get("suffix"):
            value += e["suffix"]
        x, y, w, h = e["x"], e["y"], e["w"], e["h"]
        if e.get("frame", True):
            self.canvas.rect(x * mm, y_top(y + h), w * mm, h * mm)
            self._caption(x, y, e["label"])
            text_x, size = x + 2, e.get("size", 11)
            baseline = y + h - 2.2
        else:
            draw_text(self.canvas, x * mm, y_top(y + h - 2), e["label"], 9)
            text_x, size = x + 2 + len(e["label"]) * 3.3, e.get("size", 11)
            baseline = y + h - 2
        room = (x + w - text_x - 1) * mm
        draw_text(self.canvas, text_x * mm, y_top(baseline), value,
                  fit_size(value, room, size))

    def _draw_check(self, e: dict, page: BoundPage, index: int) -> None:
        c = self.canvas
        x, y = e["x"], e["y"]
        c.rect(x * mm, y_top(y + 1), 3.6 * mm, 3.6 * mm)
        if page.checks.get(index):
            c.setLineWidth(1.2)
            path = c.beginPath()
            path.moveTo((x + 0.6) * mm, y_top(y - 0.8))
            path.lineTo((x + 1.6) * mm, y_top(y + 0.4))
            path.lineTo((x + 3.2) * mm, y_top(y - 2.2))
            c.drawPath(path, stroke=1, fill=0)
            c.setLineWidth(0.6)
        draw_text(c, (x + 5) * mm, y_top(y + 0.6), e["label"], 9)

    def _draw_members(self, e: dict, page: BoundPage, index: int) -> None:
        c = self.canvas
        x0, y0, row_h = e["x"], e["y"], e["row_h"]
        columns = e["columns"]
        header_h = 6
        total_w = sum(col["w"] for col in columns)
        c.setFillGray(0.92)
        c.rect(x0 * mm, y_top(y0 + header_h), total_w * mm, header_h * mm, fill=1, stroke=1)
        c.setFillGray(0)
        x = x0
        for col in columns:
            draw_text(c, (x + col["w"] / 2) * mm, y_top(y0 + header_h - 1.8), col["label"], 7.5,
                      "gothic", "center")
            x += col["w"]
        for r in range(e["rows"]):
            top = y0 + header_h + r * row_h
            x = x0
            cells = page.rows[r] if r < len(page.rows) else [""] * len(columns)
            for col, text in zip(columns, cells, strict=True):
                c.rect(x * mm, y_top(top + row_h), col["w"] * mm, row_h * mm)
                room = (col["w"] - 2) * mm
                draw_text(c, (x + 1) * mm, y_top(top + row_h - 3), text,
                          fit_size(text, room, 10.5))
                x += col["w"]

    def _draw_signature(self, e: dict, page: BoundPage, index: int) -> None:
        self._draw_box({**e, "label": e.get("label", "署名")}, page, index)
        draw_text(self.canvas, (e["x"] + e["w"] - 2) * mm, y_top(e["y"] + e["h"] - 2),
                  "（ご本人がご署名ください）", 7, "gothic", "right")

    def _draw_office(self, e: dict, page: BoundPage, index: int) -> None:
        c = self.canvas
        cells = e["cells"]
        width = e["w"] / len(cells)
        c.setDash(2, 2)
        for i, name in enumerate(cells):
            x = e["x"] + i * width
            c.rect(x * mm, y_top(e["y"] + e["h"]), width * mm, e["h"] * mm)
            self._caption(x, e["y"], name)
        c.setDash()
        draw_text(c, e["x"] * mm, y_top(e["y"] - 1.5), "市使用欄", 7, "gothic")

    # --- the guide sheet -------------------------------------------------------------------

    def guide(self) -> None:
        sheet = self.packet.guide
        c = self.canvas
        pages: list[list[GuideItem]] = []
        current: list[GuideItem] = []
        used = 0.0
        for item in sheet.items:
            need = 16 + 5.5 * (len(item.documents)
                               + len(wrap(item.note, PAGE_W - 57 * mm, 10, "gothic")))
            if current and used + need > 190:
                pages.append(current)
                current, used = [], 0.0
            current.append(item)
            used += need
        pages.append(current)
        for number, items in enumerate(pages, start=1):
            draw_text(c, PAGE_W / 2, y_top(20), "窓口案内シート", 22, "gothic-bold", "center")
            draw_text(c, 15 * mm, y_top(32), f"{sheet.head} 様　{sheet.move}", 13, "gothic")
            draw_text(c, PAGE_W - 15 * mm, y_top(32), f"{sheet.city}　{sheet.printed_on}", 10,
                      "gothic", "right")
            self.texts.append(sheet.head)
            draw_text(c, 15 * mm, y_top(41), INTRO, 11, "gothic")
            y = 50.0
            for item in items:
                y = self._guide_item(item, y)
            self.finish_page(GUIDE_ID, number, len(pages), "窓口案内シート")

    def _guide_item(self, item: GuideItem, y: float) -> float:
        c = self.canvas
        label, rgb = STATUS_BADGES.get(item.status, ("", (0, 0, 0)))
        c.setFillColorRGB(*rgb)
        c.roundRect(15 * mm, y_top(y + 7), 20 * mm, 7 * mm, 1.5 * mm, fill=1, stroke=0)
        c.setFillColorRGB(1, 1, 1)
        draw_text(c, 25 * mm, y_top(y + 5.2), label, 10, "gothic-bold", "center")
        c.setFillColorRGB(0, 0, 0)
        draw_text(c, 38 * mm, y_top(y + 5.5), item.title, 13, "gothic-bold")
        where = f"{item.section}　{item.counter}" + (f"（{item.floor}）" if item.floor else "")
        draw_text(c, PAGE_W - 15 * mm, y_top(y + 5.5), where, 11, "gothic", "right")
        line = y + 11.5
        details = f"対象：{item.who}" + (f"　期限：{item.deadline}" if item.deadline else "")
        draw_text(c, 38 * mm, y_top(line), details, 10.5, "gothic")
        self.texts.append(item.who)
        for document in item.documents:
            line += 5.5
            draw_text(c, 42 * mm, y_top(line), f"・持ち物：{document}", 10, "gothic")
        for part in wrap(item.note, (PAGE_W - 57 * mm), 10, "gothic"):
            line += 5.5
            draw_text(c, 42 * mm, y_top(line), part, 10, "gothic")
        c.setStrokeGray(0.7)
        c.line(15 * mm, y_top(line + 3), PAGE_W - 15 * mm, y_top(line + 3))
        c.setStrokeGray(0)
        return line + 6

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

