"""Child process for the life-event screenshots: the real app in demo mode on a real X server
(Xvfb, DISPLAY from the parent), driven by keyboard; the whole screen shot at each stage.

    python tests/event_screens_driver.py OUT_DIR SUFFIX

Prints one JSON line with what each stage showed (for the test to check).
"""

import json
import os
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from reception_script import demo_window_on_screen


def settle(bot, ms=400):
    bot.wait(ms)


def key(key, modifier=Qt.KeyboardModifier.NoModifier):
    target = QApplication.activeModalWidget() or QApplication.focusWidget()
    if QApplication.activeModalWidget() is not None and target.focusWidget() is not None:
        target = target.focusWidget()
    QTest.keyClick(target, key, modifier)
    QApplication.processEvents()


def read_card(bot, page, label_start, count):
    (card,) = [c for c in page.card_panel.search("") if c.label.startswith(label_start)]
    page.card_panel.place(card.key)
    bot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                  and page.card_flow.pin_dialog.isVisible())
    QTest.keyClicks(page.card_flow.pin_dialog.pin_edit, card.pin)
    QTest.keyClick(page.card_flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
    bot.waitUntil(lambda: len(page.household) == count)


def shoot(bot, screen, out, name, dialog=None):
    settle(bot)
    QApplication.primaryScreen().grabWindow(0).save(os.path.join(out, name))
    area = screen.availableGeometry()
    shown = {"shot": name}
    if dialog is not None:
        frame = dialog.frameGeometry()
        shown.update(fits=area.contains(frame), width=frame.width(), height=frame.height(),
                     needs=dialog.minimumSizeHint().width())
    return shown


def main():
    out, suffix = sys.argv[1], sys.argv[2]
    gui, window, screen, bot = demo_window_on_screen()
    page = window.reception
    shots = []
    shots.append(shoot(bot, screen, out, f"event_first_screen_{suffix}.png"))

    # おくやみ: the survivors' cards, then Alt+4: the deceased among them, or 照合番号B.
    read_card(bot, page, "青葉 和子", 1)
    read_card(bot, page, "青葉 健一", 2)
    window.activateWindow()
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    bot.waitUntil(lambda: page.people_dialog is not None and page.people_dialog.isVisible())
    shots.append(shoot(bot, screen, out, f"event_deceased_choice_{suffix}.png",
                       page.people_dialog))
    key(Qt.Key.Key_B)
    bot.waitUntil(lambda: page.code_b_dialog is not None and page.code_b_dialog.isVisible())
    dialog = page.code_b_dialog
    (card,) = [c for c in page.card_panel.search("") if c.label.startswith("青葉 正男")]
    page.card_panel.place(card.key)
    bot.waitUntil(lambda: "残り回数" in dialog.tries_label.text())
    QTest.keyClicks(dialog.birth, "250210")
    QTest.keyClicks(dialog.expiry, "2030")
    QTest.keyClicks(dialog.security, "4322")
    QTest.keyClick(dialog.security, Qt.Key.Key_Return)
    bot.waitUntil(lambda: "違います" in dialog.error.text())
    shots.append(shoot(bot, screen, out, f"event_code_b_{suffix}.png", dialog))
    dialog.security.clear()
    QTest.keyClicks(dialog.security, "4321")
    QTest.keyClick(dialog.security, Qt.Key.Key_Return)
    bot.waitUntil(lambda: len(page.household) == 3)
    window.activateWindow()
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.event_box.date.setFocus()
    QTest.keyClicks(page.event_box.date, "5081117")
    QTest.keyClick(page.event_box.date, Qt.Key.Key_Return)
    shots.append(shoot(bot, screen, out, f"event_okuyami_household_{suffix}.png"))

    # 出生: a new case, the parents' cards, Alt+5: the newborn dialog.
    window.controller.new_case()
    read_card(bot, page, "小樽 拓海", 1)
    read_card(bot, page, "小樽 由紀", 2)
    window.activateWindow()
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    key(Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    bot.waitUntil(lambda: page.newborn_dialog is not None and page.newborn_dialog.isVisible())
    newborn = page.newborn_dialog
    newborn.given_name.insert("陽")
    newborn.kana.setText("オタル\u3000ヒナタ")
    QTest.keyClicks(newborn.birth_date, "5081121")
    newborn.sex.setCurrentIndex(1)  # 男
    QTest.keyClicks(newborn.weight, "249")
    newborn.accept()  # 249 g: refused in the dialog, which stays open
    shots.append(shoot(bot, screen, out, f"event_newborn_{suffix}.png", newborn))
    print(json.dumps({"shots": shots, "error": newborn.error.text()}, ensure_ascii=False))
    newborn.reject()
    gui.close() if hasattr(gui, "close") else None


if __name__ == "__main__":
    main()
