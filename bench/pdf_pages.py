"""PDF pages as images (PDFium through pypdfium2): the printing page's preview and Qt printing.

The four-person move-in packet (13 pages): the preview renders every page at the preview's
resolution on a worker; Qt printing (Windows) renders each page at 300 dpi and paints it onto
a QPrinter, here Qt's PDF printer. Times are per page, median of the runs: wall clock, and the
process's CPU time, which a busy machine disturbs less.

    .venv/bin/python bench/pdf_pages.py [--runs 5]
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from PySide6.QtWidgets import QApplication
from render import four_person

from counter_app.reception.packet import build_packet
from counter_app.rules import default_catalogue, determine
from counter_app.ui.printing_page import PREVIEW_DPI
from forms.templates import load_templates
from printing.render import render_packet


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication([])  # noqa: F841 (QPrinter needs one)
    catalogue, case = default_catalogue(), four_person()
    packet = build_packet(case, determine(case, catalogue), catalogue, load_templates(), False,
                          dt.date(2026, 4, 3))
    pdf = render_packet(packet).pdf

    begin = time.perf_counter()
    from printing.qt_print import print_with_qt
    from printing.raster import PdfPages
    print(f"import of PDFium and Qt printing: {(time.perf_counter() - begin) * 1000:.0f} ms")

    def preview():
        with PdfPages(pdf) as pages:
            for index in range(pages.count):
                pages.render(index, PREVIEW_DPI)
            return pages.count

    with tempfile.TemporaryDirectory() as out:
        def qt_print():
            print_with_qt(pdf, None, "bench", threading.Event(),
                          output_file=Path(out) / "printed.pdf")
            return preview_pages

        preview_pages = preview()
        print(f"{preview_pages} pages, {args.runs} runs, per page:")
        for label, job in ((f"preview at {PREVIEW_DPI} dpi", preview),
                           ("Qt printing at 300 dpi (render, paint onto a QPrinter)", qt_print)):
            wall, cpu = [], []
            for _ in range(args.runs):
                begin, begin_cpu = time.perf_counter(), time.process_time()
                pages = job()
                wall.append((time.perf_counter() - begin) * 1000 / pages)
                cpu.append((time.process_time() - begin_cpu) * 1000 / pages)
            print(f"  {label}: median {statistics.median(wall):.1f} ms (min {min(wall):.1f}), "
                  f"CPU median {statistics.median(cpu):.1f} ms")


if __name__ == "__main__":
    main()
