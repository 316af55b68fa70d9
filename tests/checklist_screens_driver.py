"""Child process for test_checklist_screens.py: the real app (demo mode) on a real X server,
the window filling the screen, taking the checklist and printing pages through a four-person
move-in and saving a screenshot of the whole screen at each stop.

    DISPLAY=:N python tests/checklist_screens_driver.py OUT_DIR SUFFIX

Prints one JSON line of what it measured on screen (scroll bars, what was cut off).
"""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from counter_app.app import build_gui, start
from counter_app.config import Options
from counter_app.domain import Case, ChecklistStatus, PersonRef
from counter_app.ui.checklist import ID_ROLE
from counter_app.ui.tasks import wait_for_tasks

HOUSEHOLD = Path(__file__).resolve().parent / "households" / "02_family_of_four_nhi.json"
KANA = ["キタミ　タロウ", "キタミ　ハナコ", "キタミ　イチロウ", "キタミ　サクラ"]
TIMEOUT_S = 60


def wait_until(condition, timeout=TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            line = sys._getframe(1).f_lineno
            raise SystemExit(f"driver: timed out waiting at line {line}")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(ms=300):
    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def activate(window):
    """No window manager: the app takes the keyboard itself (at start and after a dialog)."""
    settle()
    window.activateWindow()
    wait_until(lambda: QApplication.activeWindow() is window)


def shoot(path):
    settle()
    QGuiApplication.primaryScreen().grabWindow(0).save(str(path))


def cut_off(tree):
    """Cells whose wrapped text needs more room than the cell has."""
    found = []
    metrics = tree.fontMetrics()
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        if not item.data(0, ID_ROLE):
            continue
        tree.scrollToItem(item)
        QApplication.processEvents()
        height = tree.visualItemRect(item).height()
        for column in range(tree.columnCount()):
            width = tree.header().sectionSize(column)
            needed = metrics.boundingRect(QRect(0, 0, width - 12, 10_000),
                                          Qt.TextFlag.TextWordWrap, item.text(column))
            if needed.height() > height or needed.width() > width:
                found.append(item.text(column))
    return found


def main():
    out, suffix = Path(sys.argv[1]), sys.argv[2]
    gui = build_gui(start(Options(demo=True), os.environ))
    window = gui.window
    window.setGeometry(QGuiApplication.primaryScreen().availableGeometry())
    window.show()
    activate(window)
    controller = window.controller

    # A family that moved in three weeks ago: the 14-day deadlines have passed.
    case = Case.from_dict(json.loads(HOUSEHOLD.read_text()))
    today = dt.date.today()
    case.move.date = today - dt.timedelta(days=21)
    case.filed_on = today
    controller.adopt(case)

    page = window.checklist
    window.show_page_key("checklist")
    wait_until(page.watcher.current)
    QTest.keyClick(page.tree, Qt.Key.Key_D)  # one question still open: refused in a banner
    refused = page.message.text()
    shoot(out / f"checklist_interview_open_{suffix}.png")

    claimant = next(p for p in controller.session.prompts() if p.fact == "allowance_claimant")
    controller.apply(lambda s: s.answer_which_one(claimant, 1))
    page.tree.setFocus()
    QTest.keyClick(page.tree, Qt.Key.Key_S)  # 市民課, whole
    controller.apply(lambda s: s.set_status("nhi_enroll", ChecklistStatus.NOT_NEEDED,
                                            "勤務先の健康保険に加入する予定のため（本人申出）"))
    controller.apply(lambda s: s.set_status("dog_registration", ChecklistStatus.LATER))
    page.select("resident_move_in")  # the longest 持ち物, overdue
    wait_until(page.watcher.current)
    measured = {
        "refused": refused,
        "horizontal_scroll": page.tree.horizontalScrollBar().isVisible(),
        "columns": sum(page.tree.header().sectionSize(c) for c in range(4)),
        "viewport": page.tree.viewport().width(),
        "problems": page.gate.problems(),
        "bring": page.detail.bring.text(),
        "cut_off": cut_off(page.tree),
        "window": [window.width(), window.height()],
    }
    page.select("resident_move_in")
    shoot(out / f"checklist_{suffix}.png")

    page.select("seal_registration")
    QTest.keyClick(page.tree, Qt.Key.Key_N)  # 不要: the reason dialog
    wait_until(lambda: page.reason_dialog is not None and page.reason_dialog.isVisible())
    measured["reason_dialog_width"] = page.reason_dialog.width()
    shoot(out / f"checklist_reason_{suffix}.png")
    page.reason_dialog.reject()
    activate(window)  # no window manager to hand the keyboard back after a dialog

    for index, kana in enumerate(KANA):
        controller.apply(lambda s, i=index, k=kana: s.update_member(i, kana=k))
    controller.apply(lambda s: s.set_filer(PersonRef(member=0, phone="090-0000-0000")))
    page.select("national_pension")
    wait_until(lambda: page.watcher.current() and not page.gate.isVisible())
    shoot(out / f"checklist_ready_{suffix}.png")

    page.tree.setFocus()
    for _ in range(10):  # one S per section with something to mark
        if controller.session.unaddressed():
            QTest.keyClick(page.tree, Qt.Key.Key_S)
    QTest.keyClick(page.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: page.closer.confirm_box is not None and page.closer.confirm_box.isVisible())
    measured["confirm"] = page.closer.confirm_box.text()
    shoot(out / f"checklist_close_unprinted_{suffix}.png")
    QTest.keyClick(page.closer.confirm_box, Qt.Key.Key_Return)  # いいえ: print first
    activate(window)
    page.tree.setFocus()

    QTest.keyClick(page.tree, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    printing = window.printing
    wait_until(lambda: printing.rendered is not None and printing.printer.count() > 0)
    wait_until(lambda: len(printing.preview.pages()) == len(printing.rendered.pages))
    QTest.keyClick(printing, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_until(lambda: "PDFを保存しました" in printing.status.text())
    measured["saved_status"] = printing.status.text()
    measured["focus_after_save"] = QApplication.focusWidget() is printing.close_case
    shoot(out / f"printing_saved_{suffix}.png")

    move = controller.session.case.move  # the block number was wrong: 1-1 → 1-2
    controller.apply(lambda s: s.set_move(move.kind, move.date, move.previous_address,
                                          "北海道あおば市本町１－２"))
    window.show_page_key("checklist")
    window.show_page_key("printing")
    wait_until(lambda: printing.rendered is not None and printing.forms.count() > 0)
    wait_until(lambda: len(printing.preview.pages()) == len(printing.rendered.pages))
    measured["forms_after_change"] = [printing.forms.item(i).text()
                                      for i in range(printing.forms.count())]
    measured["status_after_change"] = printing.status.text()
    shoot(out / f"printing_changed_{suffix}.png")

    window.close()
    gui.shutdown()
    wait_for_tasks()
    print(json.dumps(measured, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
