"""Child process for the interview screenshots: the real app in demo mode on a real X server
(Xvfb, DISPLAY from the parent), a four-person move-in driven to the interview by keyboard, the
whole screen shot at each stage.

    python tests/interview_driver.py OUT_DIR SUFFIX

Prints one JSON line with what the page showed (for the test to check).
"""

import datetime as dt
import json
import os
import sys
import time

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from reception_script import FAMILY

from card_reader.monitor import INSERTED, PresenceEvent
from counter_app.app import build_gui, start
from counter_app.config import Options
from counter_app.domain import Case, Member, MemberSource, Move, MoveKind, Step
from counter_app.store.cases import CaseWriter


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("driver: timed out")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds=0.3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.01)


def key(key, modifier=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(QApplication.focusWidget(), key, modifier)
    QApplication.processEvents()


def shoot(out, name, page):
    """The whole X screen, and whether anything on the page sticks out to the right."""
    settle()
    QApplication.primaryScreen().grabWindow(0).save(os.path.join(out, name))
    scroll = page.scroll
    overflow = sorted({row.row_id for row in page.rows for child in row.findChildren(QWidget)
                       if child.isVisible()
                       and child.mapTo(row, child.rect().topRight()).x() >= row.width()})
    return {"shot": name, "sideways": scroll.horizontalScrollBar().maximum(),
            "content_width": scroll.widget().width(), "viewport": scroll.viewport().width(),
            "overflow": overflow}


def main():
    out, suffix = sys.argv[1], sys.argv[2]
    gui = build_gui(start(Options(demo=True), os.environ))
    window = gui.window
    window.setGeometry(QApplication.primaryScreen().availableGeometry())
    window.show()
    window.activateWindow()
    page = window.reception
    residents = {r.label.split("（")[0]: r for r in page._demo_residents}
    for count, (name, pin) in enumerate(FAMILY, 1):
        page._demo_source.place(residents[name].new_card())
        page.on_presence(PresenceEvent(INSERTED, page._demo_source.label))
        wait_until(lambda: page.card_flow.pin_dialog is not None
                   and page.card_flow.pin_dialog.isVisible())
        QTest.keyClicks(page.card_flow.pin_dialog.pin_edit, pin)
        QTest.keyClick(page.card_flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
        wait_until(lambda n=count: len(page.household) == n)
    page.move.date.setText("5081120")
    page.move.new_address.setText("東京都千代田区霞が関1-1")
    page._apply_move()
    window.activateWindow()
    page.go_next()
    wait_until(lambda: window.current_page_key() == "interview")
    interview = window.interview
    wait_until(lambda: interview.kana and all(line.proposal is not None
                                              for line in interview.kana))
    wait_until(lambda: QApplication.focusWidget() in interview.rows)
    shots = [shoot(out, f"interview_start_{suffix}.png", interview)]

    key(Qt.Key.Key_Return)  # the フリガナ proposals
    key(Qt.Key.Key_Return)  # 外国籍: nobody
    key(Qt.Key.Key_Right)  # from ▶ 全員 to one by one
    key(Qt.Key.Key_1)  # 太郎: 被用者保険
    key(Qt.Key.Key_A)
    key(Qt.Key.Key_2)  # the others: 国民健康保険
    shots.append(shoot(out, f"interview_pension_{suffix}.png", interview))

    # 年金 one by one (太郎 第1号, 花子 第3号), 介護 いいえ, 障害 nobody, 妊娠 (花子) いいえ, …
    for pressed in ([Qt.Key.Key_Right, Qt.Key.Key_1], [Qt.Key.Key_3], [Qt.Key.Key_2],
                    [Qt.Key.Key_Return], [Qt.Key.Key_2], [Qt.Key.Key_1], [Qt.Key.Key_2],
                    [Qt.Key.Key_1, Qt.Key.Key_Return], [Qt.Key.Key_1], [Qt.Key.Key_2]):
        for each in pressed:
            key(each)
    # Back up to the health insurance question, to read it back or change it.
    for _ in range(12):
        if getattr(QApplication.focusWidget(), "row_id", "") == "health_insurance":
            break
        key(Qt.Key.Key_Up)
    shots.append(shoot(out, f"interview_done_{suffix}.png", interview))
    session = window.controller.session
    left = [p.fact for p in session.prompts()]

    # A case begun under older rules: an answer the catalogue no longer accepts is put aside.
    case = Case(Move(MoveKind.MOVE_IN, dt.date(2026, 11, 20), "北海道札幌市中央区北一条西２－１",
                     "東京都千代田区霞が関1-1"),
                [Member("北見\u3000太郎", dt.date(1985, 6, 15), "male", "世帯主",
                        MemberSource.CARD, kana="キタミ\u3000タロウ")],
                {"member.0.health_insurance": "kokuho_v1", "household.has_dog": True},
                step=Step.INTERVIEW, filed_on=dt.date(2026, 11, 20))
    CaseWriter(window.controller.repository).save(case)
    window.controller.resume(case.id)
    window.show_page_key("interview")
    wait_until(lambda: interview.set_aside.isVisible())
    shots.append(shoot(out, f"interview_set_aside_{suffix}.png", interview))
    gui.saver.flush()
    # What the interview page itself needs beside the navigation list (the window's own width
    # is the widest page's business).
    needs = interview.minimumSizeHint().width() + window.navigation.width()
    print(json.dumps({"shots": shots, "left": left, "interview_needs": needs,
                      "window": [window.width(), window.height()]}), flush=True)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
