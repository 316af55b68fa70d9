"""Child process for the kill-and-restart test: the real app in demo mode, driven halfway
through a reception, then left running until the test kills it with SIGKILL.

Prints one JSON line with what the screen showed once the last change is saved.
"""

import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from card_reader.monitor import INSERTED, PresenceEvent
from counter_app.app import build_gui, start
from counter_app.config import Options


def wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("driver: timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def main():
    gui = build_gui(start(Options(demo=True), os.environ))
    window = gui.window
    window.show()
    window.activateWindow()
    page = window.reception
    residents = {r.label.split("（")[0]: r for r in page._demo_residents}
    for count, (name, pin) in enumerate([("北見 太郎", "1234"), ("北見 花子", "5678")], 1):
        page._demo_source.place(residents[name].new_card())
        page.on_presence(PresenceEvent(INSERTED, page._demo_source.label))
        wait_until(lambda: page.card_flow.pin_dialog is not None)
        QTest.keyClicks(page.card_flow.pin_dialog.pin_edit, pin)
        QTest.keyClick(page.card_flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
        wait_until(lambda n=count: len(page.household) == n)
    page.move.date.setText("5080401")
    page.move.new_address.setText("東京都千代田区霞が関1-1")
    page._apply_move()
    page.go_next()
    wait_until(lambda: window.current_page_key() == "interview")
    interview = window.interview
    wait_until(lambda: interview.kana and all(line.proposal is not None
                                              for line in interview.kana))
    while len(window.controller.session.case.answers) < 3:  # answered with the number keys
        wait_until(lambda: not interview.redrawing)
        row = next(r for r in interview.rows if r.waiting)  # the first still to answer
        # いいえ; a household question ("who among you…?") is answered "nobody" with Enter,
        # and Enter confirms the proposed フリガナ.
        QTest.keyClick(row, Qt.Key.Key_Return if row.tick_boxes or row.row_id == "kana"
                       else Qt.Key.Key_2)
    gui.saver.flush()
    session = window.controller.session
    print(json.dumps({
        "case_id": session.case.id,
        "members": [m.name for m in session.case.members],
        "answers": session.case.answers,
        "prompts": [p.text_ja for p in session.prompts()],
        "page": window.current_page_key(),
    }, ensure_ascii=False), flush=True)
    gui.app.exec()  # until killed


if __name__ == "__main__":
    sys.exit(main())
