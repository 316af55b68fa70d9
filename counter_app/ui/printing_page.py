"""Printing: preview the packet, print it to a chosen queue or save it as a PDF, then close.

Rendering, the preview's page images and printing run on worker threads; printing shows
progress and can be cancelled. Printing and saving are refused while the print gate lists a
problem (shown above the buttons).
Forms are recorded as printed only when the queue reports the job complete, so a failed or
cancelled job leaves them 未印刷 with a clear message, and they can be printed again. A form
printed before a later change to what it prints is 未印刷 again, and says so.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from counter_app.domain.text import display_name
from counter_app.reception import Problem
from counter_app.reception.outputs import CHANGED_JA, form_outputs
from counter_app.reception.packet import reception_number
from counter_app.ui.controller import CounterController
from counter_app.ui.print_gate import (
    CaseCloser,
    GateWatcher,
    MessageBanner,
    ProblemBanner,
    emphasize,
    one_at_a_time,
    print_work,
)
from counter_app.ui.tasks import run_task
from forms.templates import Template
from printing import dispatch

if TYPE_CHECKING:
    from printing.packet import Packet
    from printing.render import RenderedPacket

GUIDE_ID = "guide"  # printing.render's id for the guide sheet; that module loads on first use

log = logging.getLogger(__name__)

SAVE_ONLY = "PDFに保存（プリンタなし）"
PREVIEW_DPI = 96  # an A4 page 794 px wide: sharp when scaled down to the preview's width
PAGE_GAP = 8
CHANGED_COLOR = "#c92a2a"
GATE_REFUSAL_JA = "確認事項が残っているため印刷できません。上の一覧の項目を直してください。"


def _preview_images(pdf: bytes) -> list[QImage]:
    from printing.raster import PdfPages  # PDFium loads when the first packet is previewed

    with PdfPages(pdf) as pages:
        return [pages.render(index, PREVIEW_DPI) for index in range(pages.count)]


class _PageStrip(QWidget):
    """The pages one under another, each scaled to the strip's width."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[QImage] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)  # the scroll area asks how tall the pages are
        self.setSizePolicy(policy)

    def set_images(self, images: list[QImage]) -> None:
        self.images = images
        self.updateGeometry()
        self.update()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return sum(rect.height() + PAGE_GAP for rect in self._rects(width)) + PAGE_GAP

    def _rects(self, width: int) -> list[QRect]:
        page_width = max(width - 2 * PAGE_GAP, 1)
        rects, top = [], PAGE_GAP
        for image in self.images:
            height = round(page_width * image.height() / max(image.width(), 1))
            rects.append(QRect(PAGE_GAP, top, page_width, height))
            top += height + PAGE_GAP
        return rects

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#9aa0a6"))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for rect, image in zip(self._rects(self.width()), self.images, strict=True):
            if rect.intersects(event.rect()):
                painter.drawImage(rect, image)
        painter.end()


class PacketPreview(QScrollArea):
    """The whole packet, scrolled vertically, as PDFium rendered it."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("preview")
        self._strip = _PageStrip()
        self.setWidget(self._strip)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def show_pages(self, images: list[QImage]) -> None:
        self._strip.set_images(images)
        self.verticalScrollBar().setValue(0)

    def pages(self) -> list[QImage]:
        return list(self._strip.images)


class _Progress(QObject):
    text = Signal(str)  # from the print worker to the GUI thread


def saved_name(case_id: str, on: dt.date) -> str:
    """A saved packet's file name: the date and the 受付番号 staff can find it by (the case id
    is in the QR code on every page). `packet-` first: the purge looks for that."""
    return f"packet-{on:%Y%m%d}-{reception_number(case_id)}.pdf"


def write_atomically(path: Path, data: bytes) -> None:
    """The whole file or none: a full disk or a crash never leaves half a packet under the name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".saving-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class PrintingPage(QWidget):
    closed = Signal()
    fix_requested = Signal(str)  # a problem's case-file path: the place to put it right

    def __init__(self, controller: CounterController, templates: dict[str, Template],
                 demo: bool, list_printers: Callable[[], list[str]],
                 preferred_printer: str | None, save_dir: Path) -> None:
        super().__init__()
        self.setObjectName("page_printing")
        self.controller = controller
        self._templates = templates
        self._demo = demo
        self._list_printers = list_printers
        self._preferred = preferred_printer
        self._save_dir = save_dir
        self.rendered: RenderedPacket | None = None
        self.packet: Packet | None = None
        self.fingerprints: dict[str, str] = {}
        self._generation = 0  # renders started for other cases (or before a change) are stale
        self._cancel: threading.Event | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.preview = PacketPreview()
        layout.addWidget(self.preview, 3)

        side = QVBoxLayout()
        title = QLabel("印刷")
        title.setObjectName("pageTitle")
        side.addWidget(title)
        self.gate = ProblemBanner()
        side.addWidget(self.gate)
        self.message = MessageBanner()
        side.addWidget(self.message)
        side.addWidget(QLabel("プリンタ"))
        self.printer = QComboBox()
        self.printer.setObjectName("printerChoice")
        side.addWidget(self.printer)
        self.print_button = QPushButton("印刷（Ctrl+P）")
        self.print_button.setObjectName("printPacket")
        self.save_button = QPushButton("PDFに保存（Ctrl+S）")
        self.cancel_button = QPushButton("印刷を取り消す（Esc）")
        self.cancel_button.setEnabled(False)
        for button in (self.print_button, self.save_button, self.cancel_button):
            side.addWidget(button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: CUPS reports no percentage
        self.progress.setVisible(False)
        side.addWidget(self.progress)
        self.status = QLabel()
        self.status.setObjectName("printStatus")
        self.status.setWordWrap(True)
        side.addWidget(self.status)
        self.warning = QLabel()
        self.warning.setObjectName("glyphWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #c92a2a; font-weight: bold;")
        side.addWidget(self.warning)
        side.addWidget(QLabel("申請書"))
        self.forms = QListWidget()
        self.forms.setObjectName("formStatus")
        self.forms.setWordWrap(True)
        self.forms.setSpacing(2)
        self.forms.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side.addWidget(self.forms, 1)
        self.close_case = QPushButton("受付を完了（Ctrl+Enter）")
        self.close_case.setObjectName("closeCase")
        side.addWidget(self.close_case)
        layout.addLayout(side, 2)

        self.watcher = GateWatcher.of(controller)
        self.watcher.watch(self)
        self.watcher.changed.connect(self._show_gate)
        self.closer = CaseCloser(self, controller, self.gate)
        self.closer.closed.connect(self.closed)  # signal to signal: no Python emit
        self.closer.refused.connect(self.message.show_message)
        self.gate.fix_requested.connect(self.fix_requested)
        self.close_case.clicked.connect(self.closer.close_case)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.closer.close_case)
        QShortcut(QKeySequence("F6"), self).activated.connect(self.gate.focus)

        self._progress = _Progress()
        self._progress.text.connect(self.status.setText)
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.save_pdf)
        self.cancel_button.clicked.connect(self.cancel)
        for keys, slot in (("Ctrl+P", self.ask_print), ("Ctrl+S", self.save_pdf),
                           ("Esc", self.cancel)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        controller.session_replaced.connect(self._forget)
        controller.case_changed.connect(self._case_changed)
        controller.refused.connect(self._refused)

    # --- the packet ----------------------------------------------------------------------

    def _forget(self) -> None:
        self._generation += 1
        emphasize(self.close_case, False)
        self.rendered = None
        self.packet = None
        self.preview.show_pages([])
        self.forms.clear()
        self._set_busy(self._cancel is not None)

    def refresh(self) -> None:
        """Render the current case's packet on a worker and show it. Until it arrives nothing
        can be printed, so the previous resident's packet can never go out by mistake."""
        from counter_app.reception.packet import form_fingerprints
        from printing.render import render_packet  # reportlab loads on the first packet

        self._forget()
        self.status.setText("申請書を作成しています…")
        packet = self._build()
        self.packet = packet
        self.fingerprints = form_fingerprints(packet)
        generation = self._generation
        run_task(one_at_a_time(lambda: render_packet(packet)),
                 lambda rendered, error: self._rendered(generation, rendered, error))
        run_task(self._list_printers, self._printers)

    def _build(self) -> Packet:
        from counter_app.reception.packet import build_packet

        session = self.controller.session
        return build_packet(session.case, session.determination, self.controller.catalogue,
                            self._templates, self._demo, dt.date.today())

    def _case_changed(self) -> None:
        """A change while the page shows: the packet is made again if what it prints changed
        (recording a print changes nothing printed)."""
        if self.isVisible() and self.packet is not None and self._cancel is None:
            packet = self._build()
            if (packet.forms, packet.guide) != (self.packet.forms, self.packet.guide):
                self.refresh()
                return
        self._show_form_status()

    def _rendered(self, generation: int, rendered: RenderedPacket | None,
                  error: BaseException | None) -> None:
        if generation != self._generation or not isValid(self):
            return  # another case by now (its render is on the way), or the page is gone
        if error is not None:
            log.error("packet rendering failed", exc_info=error)
            self.status.setText("申請書を作成できませんでした")
            return
        self.rendered = rendered
        run_task(lambda: _preview_images(rendered.pdf),
                 lambda images, error: self._previewed(generation, images, error))
        self.status.setText(f"{len(rendered.pages)}ページ。内容を確認してから印刷してください。\n"
                            "Ctrl+Pで印刷、Ctrl+SでPDFに保存します。")
        if rendered.unprintable:
            chars = "、".join(unit.visible for unit in rendered.unprintable)
            self.warning.setText(f"印刷できない文字があります：{chars}\n"
                                 "券面と照合し、印刷後に手書きで補ってください。")
        else:
            self.warning.setText("")
        self._show_form_status()
        self._set_busy(self._cancel is not None)

    def _previewed(self, generation: int, images: list[QImage] | None,
                   error: BaseException | None) -> None:
        if generation != self._generation or not isValid(self):
            return  # another case by now, or the window closed while the pages rendered
        if error is not None:  # the packet itself is fine: it can still be printed or saved
            log.error("packet preview failed", exc_info=error)
            self.status.setText("プレビューを表示できませんでした。印刷と保存はできます。")
            return
        self.preview.show_pages(images)

    def _printers(self, names: list[str] | None, error: BaseException | None) -> None:
        if error is not None:  # staff still have the PDF; the log says why no queue shows
            log.warning("listing printers failed: %s", type(error).__name__)
        current = self.printer.currentText()
        self.printer.clear()
        for name in names or []:
            self.printer.addItem(name)
        self.printer.addItem(SAVE_ONLY)
        choice = current if current and self.printer.findText(current) >= 0 else self._preferred
        index = self.printer.findText(choice or "")
        self.printer.setCurrentIndex(index if index >= 0 else 0)

    def form_ids(self) -> list[str]:
        if self.rendered is None:
            return []
        return list(dict.fromkeys(p.form_id for p in self.rendered.pages
                                  if p.form_id != GUIDE_ID))

    def form_titles(self) -> dict[str, str]:
        """Each form's title; a form printed once per person names the person, one that two
        procedures print (key form@procedure) names the procedure."""
        members = self.controller.session.case.members
        procedures = {p.id: p.title_ja for p in self.controller.session.catalogue.procedures}
        titles = {}
        for job in self.packet.forms if self.packet is not None else []:
            title = job.template.title
            base, _, person = job.key.partition(".")
            procedure = base.partition("@")[2]
            if procedure in procedures:
                title += f"［{procedures[procedure]}］"
            if person.isdigit() and int(person) < len(members):
                title += f"（{display_name(members[int(person)].name)}）"
            titles[job.key] = title
        return titles

    def _show_form_status(self) -> None:
        self.forms.clear()
        if self.rendered is None:
            return
        titles = self.form_titles()
        shown = {key: self.fingerprints[key] for key in self.form_ids()}
        outputs = form_outputs(self.controller.session.case, shown)
        for output in outputs:
            item = QListWidgetItem(f"{output.label}　{titles.get(output.form, output.form)}")
            if output.changed:  # printed before a later change: 未印刷 again, and why
                item.setText(f"{item.text()}\n　{CHANGED_JA}")
                item.setForeground(QBrush(QColor(CHANGED_COLOR)))
            self.forms.addItem(item)
        emphasize(self.close_case, bool(outputs) and not any(o.record is None for o in outputs))
        changed = sum(o.changed for o in outputs)
        if changed and self._cancel is None:
            self.status.setText(f"{CHANGED_JA}（{changed}件）。\nCtrl+Pで印刷し直してください。")

    # --- printing ------------------------------------------------------------------------

    def _gate_refuses(self) -> bool:
        """Printing and saving wait until the print gate has nothing left (checked now, on the
        case as it is: the banner may be a moment old)."""
        with print_work():
            problems = self.controller.session.problems()
        if not problems and self.rendered is not None and self.rendered.unprintable:
            chars = "、".join(unit.visible for unit in self.rendered.unprintable)
            problems = [Problem("glyphs", f"印刷できない文字があります：{chars}")]
        self.gate.show_problems(problems)
        if problems:
            self.message.show_message(GATE_REFUSAL_JA)
            self.gate.focus()
        return bool(problems)

    def ask_print(self) -> None:
        if self.rendered is None or self._cancel is not None or self._gate_refuses():
            return
        if self.printer.currentText() in ("", SAVE_ONLY):
            self.save_pdf()
            return
        self.start_print()

    def start_print(self) -> None:
        rendered, printer = self.rendered, self.printer.currentText()
        if rendered is None:
            return
        self.message.show_message("")
        cancel = threading.Event()
        self._cancel = cancel
        self._set_busy(True)
        forms = {key: self.fingerprints[key] for key in self.form_ids()}
        case_id = self.controller.session.case.id  # the job belongs to it, whatever comes next
        title = f"Madoguchi packet {case_id}"  # no personal data: CUPS logs job titles

        def job() -> dispatch.PrintOutcome:
            return dispatch.print_packet(rendered.pdf, printer, title, cancel,
                                         self._progress.text.emit)

        run_task(job, lambda outcome, error: self._printed(case_id, forms, outcome, error))

    def cancel(self) -> None:
        if self._cancel is not None:
            self.status.setText("取り消しています…")
            self._cancel.set()

    def _set_busy(self, busy: bool) -> None:
        ready = self.rendered is not None and not busy
        self.progress.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _printed(self, case_id: str, forms: dict[str, str], outcome: dispatch.PrintOutcome | None,
                 error: BaseException | None) -> None:
        self._cancel = None
        self._set_busy(False)
        if error is not None:
            message = getattr(error, "message_ja", dispatch.PrintError.message_ja)
            log.warning("printing failed: %s: %s", type(error).__name__, error)
            self.status.setText(message)
            return
        self.controller.record_output(case_id, forms, "printed", outcome.printer)  # type: ignore[union-attr]
        self._output_done(case_id, "印刷しました",
                          f"{outcome.printer} で印刷しました。"  # type: ignore[union-attr]
                          "ご本人に確認と署名をお願いします。")

    def _output_done(self, case_id: str, done_ja: str, said_ja: str) -> None:
        """After a print or a save, the next step is closing the case: said, and focused."""
        if case_id != self.controller.session.case.id:  # Ctrl+N while it printed: recorded
            number = reception_number(case_id)
            self.status.setText(f"前の方（受付番号 {number}）の\n申請書を{done_ja}。")
            return
        self.status.setText(f"{said_ja}\n次は「受付を完了」（Ctrl+Enter）です。")
        self.close_case.setFocus()

    def save_pdf(self) -> None:
        rendered = self.rendered
        if rendered is None or self._cancel is not None or self._gate_refuses():
            return
        self.message.show_message("")
        case_id = self.controller.session.case.id
        forms = {key: self.fingerprints[key] for key in self.form_ids()}
        path = self._save_dir / saved_name(case_id, dt.date.today())

        def write() -> Path:
            write_atomically(path, rendered.pdf)
            return path

        def done(saved: Path | None, error: BaseException | None) -> None:
            if error is not None:
                log.error("saving the packet of case %s failed: %s", case_id,
                          type(error).__name__)
                self.status.setText("PDFを保存できませんでした。\n保存先のフォルダと空き容量を"
                                    "確認し、もう一度Ctrl+Sを押してください。")
                return
            log.info("packet of case %s saved as %s", case_id, saved.name)  # type: ignore[union-attr]
            self.controller.record_output(case_id, forms, "saved", saved.name)  # type: ignore[union-attr]
            number = reception_number(case_id)
            self._output_done(case_id, "PDFに保存しました",
                              f"PDFを保存しました（受付番号 {number}）。")

        run_task(write, done)

    def _show_gate(self) -> None:
        report = self.watcher.report
        self.gate.show_problems(report.problems if report is not None else [])

    def _refused(self, text: str) -> None:
        if self.isVisible():  # the controller speaks for every page: this one is on screen
            self.message.show_message(text)

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.message.show_message("")
        self.refresh()
        self.watcher.request()
        self._show_gate()
        self.print_button.setFocus()

