"""The scripted four-person move-in, shared by the flow test and bench/reception_keys.py.

Everything staff do goes through `Staff`, which counts key presses (a shortcut such as
Ctrl+Enter is one) and clicks. Placing a card is a physical act and the PIN is typed by the
resident: neither is counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

FAMILY = [("北見 太郎", "1234"), ("北見 花子", "5678"), ("北見 一郎", "1111"),
          ("北見 さくら", "2222")]
# How staff answer each question of this household (keys for the focused interview row).
ANSWER_KEYS = {
    "kana": ["Return"],  # the フリガナ the app proposes, all confirmed at once
    "foreign_resident": ["Return"],  # nobody
    "health_insurance": ["2"],  # ▶ starts on 全員: everyone 国民健康保険
    "pension_category": ["1"],  # both parents 第1号 (▶ 全員)
    "care_certified": ["2"],  # いいえ
    "disability_certificate": ["Return"],  # nobody
    "pregnant": ["1"],  # 北見 花子, the only one asked: はい
    "needs_childcare": ["1"],  # はい
    "allowance_claimant": ["2"],  # 北見 花子 claims the child allowance
    "wants_seal_registration": ["1", "Return"],  # 北見 太郎
    "household.has_dog": ["1"],
    "household.has_moped": ["2"],
}
MOVE_DATE = dt.date(2026, 4, 1)  # 令和8年4月1日
# The day the family comes to the counter, a week after moving in (within the 14 days): the
# move date is then typed as MMDD. Windows built with another day get the full 和暦 date.
VISIT_DAY = dt.date(2026, 4, 8)
# The readings the interview proposes for this household (and staff confirm with Enter).
KANA = ["キタミ　タロウ", "キタミ　ハナコ", "キタミ　イチロウ", "キタミ　サクラ"]


def complete_for_printing(window: object) -> None:
    """For tests that skip the interview: the フリガナ it would have confirmed, and the filer's
    phone (F7 on the reception page)."""
    from counter_app.domain import PersonRef

    controller = window.controller
    for index, kana in enumerate(KANA):
        if not controller.session.case.members[index].kana:
            controller.apply(lambda s, i=index, k=kana: s.update_member(i, kana=k))
    controller.apply(lambda s: s.set_filer(PersonRef(member=0, phone="090-0000-0000")))


class QTestBot:
    """The few pytest-qt calls the script uses, on plain QTest (benchmarks, child processes)."""

    def keyClick(self, widget, key, modifier=None):
        from PySide6.QtTest import QTest

        if modifier is None:
            QTest.keyClick(widget, key)
        else:
            QTest.keyClick(widget, key, modifier)

    def keyClicks(self, widget, text):
        from PySide6.QtTest import QTest

        QTest.keyClicks(widget, text)

    def mouseClick(self, widget, button):
        from PySide6.QtTest import QTest

        QTest.mouseClick(widget, button)

    def waitUntil(self, condition, timeout=5000):
        import time

        deadline = time.monotonic() + timeout / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the flow did not move on")
            QApplication.processEvents()
            time.sleep(0.005)

    def wait(self, ms):
        _spin(ms)


def _spin(ms: int) -> None:
    import time

    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


@dataclass
class Staff:
    qtbot: object
    keys: int = 0
    clicks: int = 0
    acts: int = 0  # decisions: a key, a typed value or a click, each preceded by a thought

    def key(self, name: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:
        self.keys += 1
        self.acts += 1
        key = getattr(Qt.Key, f"Key_{name}")
        self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.acts += 1
        self.qtbot.keyClicks(QApplication.focusWidget(), text)

    def klm_seconds(self) -> float:
        """Card, Moran and Newell's keystroke-level estimate of the staff's own time: a mental
        preparation (M, 1.35 s) before each act, a keystroke (K, 0.28 s, an average typist),
        and for a click the hand to the mouse and back (H, 0.4 s twice), pointing (P, 1.1 s)
        and the button (B, 0.2 s). The system's response time is not included."""
        return self.acts * 1.35 + self.keys * 0.28 + self.clicks * (0.4 + 1.1 + 0.2 + 0.4)

    def click(self, widget: object) -> None:
        self.clicks += 1
        self.acts += 1
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def read_family_cards(window: object, qtbot: object) -> None:
    page = window.reception
    residents = {r.label.split("（")[0]: r for r in page._demo_residents}
    for count, (name, pin) in enumerate(FAMILY, start=1):
        page.card_panel.place(residents[name].key)  # the resident places the card
        qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                        and page.card_flow.pin_dialog.isVisible())
        dialog = page.card_flow.pin_dialog
        qtbot.keyClicks(dialog.pin_edit, pin)  # typed by the resident
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=count: len(page.household) == n)
    # The offscreen platform has no window manager to hand activation back after a dialog.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _typed_move_date(today: dt.date) -> str:
    """MMDD when the counter's date reads it as the move date (a recent move), else 和暦."""
    from counter_app.domain.dates import DateInputError, DateKind
    from counter_app.domain.era import default_era_table

    short = MOVE_DATE.strftime("%m%d")
    try:
        if default_era_table().parse_typed(short, DateKind.MOVE, today) == MOVE_DATE:
            return short
    except DateInputError:
        pass
    return "5080401"


def run_four_person_move_in(window: object, qtbot: object) -> Staff:
    staff = Staff(qtbot)
    page = window.reception
    read_family_cards(window, qtbot)

    # The move: a new case starts in 異動日 (4月1日: MMDD or 和暦, see VISIT_DAY); Enter goes on
    # to the 〒 (the previous address came from the first card): the city's code by its last
    # four digits, then the block number; Ctrl+Enter goes on to the interview.
    assert QApplication.focusWidget() is page.move.date
    staff.type(_typed_move_date(window.controller.today()))
    staff.key("Return")
    assert QApplication.focusWidget() is page.move.postal_code
    staff.type("9901")
    staff.key("Return")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.move.new_address)  # looked up
    staff.type("1-1")
    staff.key("Return")
    staff.key("Return", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")

    interview = window.interview
    # The readings were worked out while the cards were read; a clerk never waits for them.
    qtbot.waitUntil(lambda: interview.kana and all(line.proposal is not None
                                                   for line in interview.kana))
    asked = 0
    for _ in range(len(ANSWER_KEYS) + 1):  # each row once: one that stays open is a failure
        qtbot.waitUntil(lambda: not interview.redrawing)
        row = QApplication.focusWidget()
        if row not in interview.rows or not row.waiting:
            break  # nothing left: focus is on 次へ
        for key in ANSWER_KEYS[row.row_id]:
            if key.isdigit():
                staff.type(key)
            else:
                staff.key(key)
        asked += row.row_id != "kana"
    else:
        raise AssertionError("the interview did not move on from a question")
    staff.key("Return", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page_key() == "checklist")

    checklist = window.checklist
    qtbot.waitUntil(lambda: QApplication.focusWidget() is checklist.tree)  # the page's own
    for _ in range(len(window.controller.session.unaddressed())):  # at most one per row
        if not window.controller.session.unaddressed():
            break
        staff.key("S")  # the selected row's whole section 済; the selection moves on
    assert not window.controller.session.unaddressed(), "S left rows unmarked"
    staff.key("P", Qt.KeyboardModifier.ControlModifier)  # 印刷へ
    printing = window.printing
    qtbot.waitUntil(lambda: printing.rendered is not None, timeout=30000)  # the packet is made
    staff.key("S", Qt.KeyboardModifier.ControlModifier)  # no printer here: the PDF
    qtbot.waitUntil(lambda: QApplication.focusWidget() is printing.close_case)  # saved
    staff.key("Return", Qt.KeyboardModifier.ControlModifier)  # 受付を完了
    staff.questions = asked  # type: ignore[attr-defined]
    return staff


def demo_window_on_screen() -> tuple:
    """The real application in demo mode, maximized on the X display and active (the screen
    drivers' common start): returns the gui, its window, the screen and a QTestBot."""
    import os

    from PySide6.QtGui import QGuiApplication

    from counter_app.app import build_gui, start
    from counter_app.config import parse_options

    gui = build_gui(start(parse_options(["--demo"]), os.environ))
    window = gui.window
    screen = QGuiApplication.primaryScreen()
    window.setGeometry(screen.availableGeometry())  # maximized (no window manager here)
    window.show()
    window.activateWindow()
    bot = QTestBot()
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    return gui, window, screen, bot
