"""Child process for the file-mode test: the real app (production mode, SQLite in the data
directory) records a case, saves its packet as PDF (no printer) and closes its window, so that
every kind of file it writes exists. Prints the saved PDF's path as JSON.
"""

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from reception_script import complete_for_printing

from counter_app.app import build_gui, start
from counter_app.config import Options
from counter_app.domain import Case
from counter_app.ui.tasks import wait_for_tasks

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"


def wait_until(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("driver: timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def main():
    gui = build_gui(start(Options(), os.environ))
    window = gui.window
    window.show()
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text(encoding="utf-8")))
    window.controller.repository.save(case)
    assert window.controller.resume(case.id)
    # What the print gate asks for: the last question answered, the フリガナ confirmed.
    controller = window.controller
    for prompt in controller.session.prompts():
        assert controller.apply(lambda s, p=prompt: s.answer_which_one(p, 1))
    complete_for_printing(window)
    assert controller.session.problems() == [], controller.session.problems()
    window.show_page_key("printing")
    page = window.printing
    wait_until(lambda: page.rendered is not None and page.printer.count() > 0)
    QTest.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # no printer: saves
    wait_until(lambda: "PDFを保存しました" in page.status.text())
    gui.saver.flush()
    window.close()  # writes the window geometry to settings.ini
    gui.shutdown()
    wait_for_tasks()
    print(json.dumps({"case_id": case.id}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
