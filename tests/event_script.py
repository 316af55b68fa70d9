"""The scripted おくやみ, shared by tests/test_event_screens.py and bench/reception_keys.py:
青葉正男 (76, 世帯主) has died; his wife and son come with their cards and his.

From the first key (Alt+4) to the checklist with every procedure marked. Counted as in
reception_script.py: every key staff press, typed characters one each (the 照合番号B read off
the card face is typed by staff); the family placing cards and typing their PINs is not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from reception_script import Staff

ALT = Qt.KeyboardModifier.AltModifier
# How staff answer each question of this household (keys for the focused interview row).
DEATH_ANSWERS = {
    "kana": ["Return"],  # the proposed readings, all confirmed
    "health_insurance": ["Right", "2", "1"],  # one by one: 和子 国保, 健一 勤務先の健康保険
    "pension_category": ["2"],  # 健一 第2号
    "disability_certificate": ["2"],  # いいえ
    "seal_registered": ["1"],  # はい: 正男
    "event.registration_filed": ["2"],  # 死亡届 not filed yet
    "receives_pension": ["1"],
    "owns_property": ["1"],
}


class CounterStaff(Staff):
    """Keys go where a real keyboard sends them: into an open dialog's field, else the
    window's focus (QTest alone would not follow a dialog opened without a window manager)."""

    def key(self, name: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:
        self.keys += 1
        self.acts += 1
        self.qtbot.keyClick(_focus(), getattr(Qt.Key, f"Key_{name}"), modifier)

    def type(self, text: str) -> None:
        self.keys += len(text)
        self.acts += 1
        self.qtbot.keyClicks(_focus(), text)


def _focus():
    modal = QApplication.activeModalWidget()
    if modal is not None:
        return modal.focusWidget() or modal
    return QApplication.focusWidget() or QApplication.activeWindow()


def _back_to(window, qtbot) -> None:
    window.activateWindow()  # the offscreen platform hands activation back to nobody
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def place(page, label_start: str) -> object:
    (card,) = [c for c in page.card_panel.search("") if c.label.startswith(label_start)]
    page.card_panel.place(card.key)
    return card


def survivors_read_their_cards(window, qtbot) -> None:
    page = window.reception
    for count, name in enumerate(("青葉 和子", "青葉 健一"), start=len(page.household) + 1):
        card = place(page, name)
        qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                        and page.card_flow.pin_dialog.isVisible())
        qtbot.keyClicks(page.card_flow.pin_dialog.pin_edit, card.pin)  # the resident's
        qtbot.keyClick(page.card_flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda n=count: len(page.household) == n)
    _back_to(window, qtbot)


def run_okuyami(window, qtbot) -> Staff:
    staff = CounterStaff(qtbot)
    page = window.reception
    session = lambda: window.controller.session  # noqa: E731 (the session is replaced)

    staff.key("4", ALT)  # おくやみ: nobody registered yet
    qtbot.waitUntil(lambda: page.people_dialog is not None and page.people_dialog.isVisible())
    staff.key("B")  # the deceased's own card, with 照合番号B (no PIN)
    qtbot.waitUntil(lambda: page.code_b_dialog is not None and page.code_b_dialog.isVisible())
    dialog = page.code_b_dialog
    place(page, "青葉 正男")  # the family hands over the card
    qtbot.waitUntil(lambda: dialog.tries_label.text() == "照合番号Bの残り回数: 10回")
    for text in ("250210", "2030", "4321"):  # 生年月日・有効期限・セキュリティコード
        staff.type(text)
        staff.key("Return")
    qtbot.waitUntil(lambda: len(page.household) == 1)
    _back_to(window, qtbot)
    assert QApplication.focusWidget() is page.event_box.date
    staff.type("5081117")  # 死亡日 令和8年11月17日
    staff.key("Return")
    survivors_read_their_cards(window, qtbot)

    staff.key("Return", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")
    interview = window.interview
    # The readings are worked out while the cards are read; a clerk never waits for them.
    qtbot.waitUntil(lambda: interview.kana and all(line.proposal is not None
                                                   for line in interview.kana), timeout=20000)
    staff.asked = []  # type: ignore[attr-defined]
    for _ in range(len(DEATH_ANSWERS) + 1):
        qtbot.waitUntil(lambda: not interview.redrawing)
        row = QApplication.focusWidget()
        if row not in interview.rows or not row.waiting:
            break
        staff.asked.append(row.row_id)  # type: ignore[attr-defined]
        for key in DEATH_ANSWERS[row.row_id]:
            staff.key(key)
    else:
        raise AssertionError(f"the interview did not move on from a question: {staff.asked}")
    staff.key("Return", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.current_page_key() == "checklist")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.checklist.tree)
    for _ in range(len(session().unaddressed())):
        if not session().unaddressed():
            break
        staff.key("S")  # the selected row's whole section 済
    assert not session().unaddressed(), "S left rows unmarked"
    return staff
