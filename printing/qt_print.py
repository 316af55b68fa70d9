"""Printing through Qt's print system, where the CUPS client tools are not there (Windows).

Each page of the packet is rendered by QtPdf at the printer's resolution and painted onto a
QPrinter. Qt supports painting on a QPrinter from a worker thread; the QPdfDocument is created
on that thread too. Cancel is checked between pages.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from printing.dispatch import PrintCancelled, PrintError, PrintOutcome

log = logging.getLogger(__name__)

DPI = 300
A4_INCHES = (8.27, 11.69)


def print_with_qt(pdf: bytes, printer_name: str | None, title: str, cancel: threading.Event,
                  progress: Callable[[str], None] = lambda _: None,
                  output_file: Path | None = None) -> PrintOutcome:
    """Print on `printer_name`, or, with `output_file`, through Qt's PDF printer."""
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise PrintError("QtPdf could not open the packet")
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
    pages = document.pageCount()
    size = QSize(int(A4_INCHES[0] * DPI), int(A4_INCHES[1] * DPI))
    try:
        for index in range(pages):
            if cancel.is_set():
                printer.abort()
                raise PrintCancelled("cancelled by staff between pages")
            if index:
                printer.newPage()
            image = document.render(index, size)
            painter.drawImage(painter.viewport(), image)
            progress(f"{index + 1}／{pages}ページを送りました")
    finally:
        if painter.isActive():
            painter.end()
    log.info("printed %d pages through Qt on %s", pages, "a PDF file" if output_file else target)
    return PrintOutcome(target, "qt")
