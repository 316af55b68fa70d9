"""Drives the real counter application (demo mode) on an X display and saves screenshots of its
screens and dialogs: run in a child process under Xvfb by tests/test_screens_xvfb.py.

    python tests/screens_driver.py OUTDIR LABEL
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    out, label = Path(sys.argv[1]), sys.argv[2]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication
    from reception_script import demo_window_on_screen, read_family_cards

    gui, window, screen, bot = demo_window_on_screen()
    bot.wait(300)
    # No window manager shrinks a window below its minimum: one wider than the screen would be
    # cut off at its right edge on a real 1366-pixel counter PC.
    needs, has = window.minimumSizeHint(), screen.availableGeometry()
    if needs.width() > has.width() or needs.height() > has.height():
        sys.exit(f"the window needs {needs.width()}x{needs.height()}, the screen has "
                 f"{has.width()}x{has.height()}")

    def shoot(name: str) -> None:
        bot.wait(250)
        screen.grabWindow(0).save(str(out / f"{label}_{name}.png"))
        print(out / f"{label}_{name}.png", flush=True)

    shoot("reception_empty")
    read_family_cards(window, bot)
    page = window.reception
    page.focus_first()
    bot.keyClicks(page.move.date, "5080401")
    bot.keyClick(page.move.date, Qt.Key.Key_Return)
    bot.keyClicks(page.move.postal_code, "9901")
    bot.keyClick(page.move.postal_code, Qt.Key.Key_Return)
    bot.waitUntil(lambda: QApplication.focusWidget() is page.move.new_address)
    bot.keyClicks(page.move.new_address, "1-1")
    bot.keyClick(page.move.new_address, Qt.Key.Key_Return)
    page.members.selectRow(1)
    shoot("reception_family")

    for key, attribute, name in ((Qt.Key.Key_F3, "member_dialog", "member_dialog"),
                                 (Qt.Key.Key_F6, "details_dialog", "details_dialog"),
                                 (Qt.Key.Key_F7, "roles_dialog", "roles_dialog")):
        bot.keyClick(page.members, key)
        bot.waitUntil(lambda a=attribute: getattr(page, a) is not None
                      and getattr(page, a).isVisible())
        shoot(name)
        getattr(page, attribute).reject()
        window.activateWindow()  # no window manager hands activation back after a dialog
        bot.waitUntil(lambda: QApplication.activeWindow() is window)
    bot.keyClick(page.members, Qt.Key.Key_F1)
    bot.waitUntil(lambda: window.help_box is not None and window.help_box.isVisible())
    shoot("keys_help")
    window.help_box.accept()
    window.activateWindow()
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    page.card_panel.take_off()
    page.card_flow.start()  # no card on the reader now
    bot.waitUntil(lambda: page.card_problem.isVisible())
    shoot("reception_card_problem")
    bot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    bot.waitUntil(lambda: window.question_box is not None and window.question_box.isVisible())
    shoot("next_resident_question")
    window.question_box.defaultButton().click()
    bot.wait(200)
    window.show_page_key("open_cases")
    bot.waitUntil(lambda: len(window.open_cases.summaries) == 1)
    shoot("open_cases")
    window.close()
    gui.shutdown()


if __name__ == "__main__":
    main()
