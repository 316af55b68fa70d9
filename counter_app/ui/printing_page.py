"""Printing: preview the packet, print it to a chosen queue or save it as a PDF.

Rendering, the preview's page images and printing run on worker threads; printing shows
progress and can be cancelled.
Forms are recorded as printed only when the queue reports the job complete, so a failed or
cancelled job leaves them 未印刷 with a clear message, and they can be printed again.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeySequence, QPainter, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from counter_app.ui.controller import CounterController
from counter_app.ui.tasks import run_task
from forms.templates import Template
from printing import dispatch

if TYPE_CHECKING:
    from printing.render import RenderedPacket

GUIDE_ID = "guide"  # printing.render's id for the guide sheet; that module loads on first use

log = logging.getLogger(__name__)

SAVE_ONLY = "PDFに保存（プリンタなし）"
PREVIEW_DPI = 96  # an A4 page 794 px wide: sharp when scaled down to the preview's width
PAGE_GAP = 8


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


class PrintingPage(QWidget):
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
        self.fingerprints: dict[str, str] = {}
        self._generation = 0  # renders started for other cases (or before a change) are stale
        self._cancel: threading.Event | None = None
        self.confirm_box: QMessageBox | None = None

        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        self.preview = PacketPreview()
        layout.addWidget(self.preview, 3)

        side = QVBoxLayout()
        title = QLabel("印刷")
        title.setObjectName("pageTitle")
        side.addWidget(title)
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
        side.addWidget(self.forms, 1)
        layout.addLayout(side, 2)

        self._progress = _Progress()
        self._progress.text.connect(self.status.setText)
        self.print_button.clicked.connect(self.ask_print)
        self.save_button.clicked.connect(self.save_pdf)
        self.cancel_button.clicked.connect(self.cancel)
        for keys, slot in (("Ctrl+P", self.ask_print), ("Ctrl+S", self.save_pdf),
                           ("Esc", self.cancel)):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        controller.session_replaced.connect(self._forget)
        controller.case_changed.connect(self._show_form_status)

    # --- the packet ----------------------------------------------------------------------

    def _forget(self) -> None:
        self._generation += 1
        self.rendered = None
        self.preview.show_pages([])
        self.forms.clear()
        self._set_busy(self._cancel is not None)

    def refresh(self) -> None:
        """Render the current case's packet on a worker and show it. Until it arrives nothing
        can be printed, so the previous resident's packet can never go out by mistake."""
        from counter_app.reception.packet import build_packet, form_fingerprints
        from printing.render import render_packet  # reportlab loads on the first packet

        self._forget()
        session = self.controller.session
        self.status.setText("申請書を作成しています…")
        case, determination = session.case, session.determination
        packet = build_packet(case, determination, self.controller.catalogue,
                              self._templates, self._demo, dt.date.today())
        self.fingerprints = form_fingerprints(packet)
        generation = self._generation
        run_task(lambda: render_packet(packet),
                 lambda rendered, error: self._rendered(generation, rendered, error))
        run_task(self._list_printers, self._printers)

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
        self.status.setText(f"{len(rendered.pages)}ページ。内容を確認してから印刷してください。")
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

    def _show_form_status(self) -> None:
        self.forms.clear()
        case = self.controller.session.case
        for key in self.form_ids():
            record = case.last_print(key)
            if record is not None and record.fingerprint != self.fingerprints.get(key):
                record = None  # printed before a later change: 未印刷 again
            state = ("印刷済" if record.how == "printed" else "PDF保存済") if record else "未印刷"
            self.forms.addItem(f"{state}　{self._templates[key.split('.')[0]].title}")

    # --- printing ------------------------------------------------------------------------

    def ask_print(self) -> None:
        if self.rendered is None or self._cancel is not None:
            return
        if self.printer.currentText() in ("", SAVE_ONLY):
            self.save_pdf()
            return
        if not self.rendered.unprintable:
            self.start_print()
            return
        chars = "、".join(unit.visible for unit in self.rendered.unprintable)
        box = QMessageBox(QMessageBox.Icon.Warning, "印刷の確認",
                          f"印刷できない文字があります（{chars}）。印刷後に手書きで補いますか？",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.accepted.connect(self.start_print)
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()

    def start_print(self) -> None:
        rendered, printer = self.rendered, self.printer.currentText()
        if rendered is None:
            return
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
        self.status.setText(f"{outcome.printer} で印刷しました。ご本人に確認と署名をお願いします。")

    def save_pdf(self) -> None:
        rendered = self.rendered
        if rendered is None or self._cancel is not None:
            return
        case_id = self.controller.session.case.id
        forms = {key: self.fingerprints[key] for key in self.form_ids()}
        path = self._save_dir / f"packet-{case_id}.pdf"

        def write() -> Path:
            self._save_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(rendered.pdf)
            return path

        def done(saved: Path | None, error: BaseException | None) -> None:
            if error is not None:
                log.error("saving the packet failed: %s", type(error).__name__)
                self.status.setText("PDFを保存できませんでした。保存先を確認してください。")
                return
            self.controller.record_output(case_id, forms, "saved", saved.name)
            self.status.setText(f"PDFに保存しました：{saved}")

        run_task(write, done)

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)  # type: ignore[arg-type]
        self.refresh()
        self.print_button.setFocus()

