"""Child process for the demo-mode tests: the real app in demo mode, a trainer's card placed
through the card panel model, read with its PIN as a resident would, the case saved, then the
trainer's reset; the app then closes normally.

Prints one JSON line: what was read and how many cases the reset removed.
"""

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter_app.app import build_gui, start
from counter_app.config import Options, data_dir_override
from counter_app.demo import load_demo_residents, reset_demo
from counter_app.training.panel import CardPanel
from counter_app.ui.tasks import wait_for_tasks


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("driver: timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def main():
    gui = build_gui(start(Options(demo=True, keep="--keep" in sys.argv), os.environ))
    window = gui.window
    window.show()
    page = window.reception
    panel = CardPanel(load_demo_residents(), page._demo_source, page.on_presence)
    placed = panel.place_only_match("きたみ たろう")  # searched by kana, placed only if one
    wait_until(lambda: page.card_flow.pin_dialog is not None)
    QTest.keyClicks(page.card_flow.pin_dialog.pin_edit, placed.pin)
    QTest.keyClick(page.card_flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
    wait_until(lambda: len(page.household) == 1)
    gui.saver.flush()
    names = [m.name for m in window.controller.session.case.members]
    removed = reset_demo(data_dir_override(os.environ))  # the trainer's reset button
    print(json.dumps({"members": names, "tries": panel.state(placed.key).tries_left,
                      "removed": removed}, ensure_ascii=False), flush=True)
    window.close()
    gui.shutdown()
    wait_for_tasks()
    return 0


if __name__ == "__main__":
    sys.exit(main())
