"""Printing through Qt's print system, where the CUPS client tools are not there (Windows).

Each page of the packet is rendered by PDFium (printing.raster) at 300 dpi and painted onto a
QPrinter. Qt supports painting on a QPrinter from a worker thread. Cancel is checked between
pages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from printing.dispatch import PrintCancelled, PrintError, PrintOutcome
from printing.raster import PdfPages, RasterError

log = logging.getLogger(__name__)

DPI = 300


def print_with_qt(pdf: bytes, printer_name: str | None, title: str, cancel: threading.Event,
                  progress: Callable[[str], None] = lambda _: None,
                  output_file: Path | None = None) -> PrintOutcome:
    """Print on `printer_name`, or, with `output_file`, through Qt's PDF printer."""
    try:
        with PdfPages(pdf) as pages:
            return _print_pages(pages, printer_name, title, cancel, progress, output_file)
    except RasterError as exc:
        raise PrintError(str(exc)) from exc


def _print_pages(pages: PdfPages, printer_name: str | None, title: str, cancel: threading.Event,
                 progress: Callable[[str], None], output_file: Path | None) -> PrintOutcome:
    if pages.count == 0:
        raise PrintError("the packet has no pages")
    if output_file is not None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output_file))
        target = str(output_file)
    else:
        info = QPrinterInfo.printerInfo(printer_name or "")
        if info.isNull():
            raise PrintError(f"printer {printer_name!r} not found")
        printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
        target = info.printerName()
    printer.setDocName(title)
    printer.setResolution(DPI)
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                      QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError(f"cannot start printing on {target}")
    try:
        for index in range(pages.count):
            if cancel.is_set():
                printer.abort()
                raise PrintCancelled("cancelled by staff between pages")
            if index:
                printer.newPage()
            try:
                image = pages.render(index, DPI)
            except RasterError:
                printer.abort()  # never half a packet
                raise
            painter.drawImage(painter.viewport(), image)
            progress(f"{index + 1}／{pages.count}ページを送りました")
    finally:
        if painter.isActive():
            painter.end()
    log.info("printed %d pages through Qt on %s", pages.count,
             "a PDF file" if output_file else target)
    return PrintOutcome(target, "qt")
