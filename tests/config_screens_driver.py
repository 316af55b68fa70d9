"""Drives the real application's 設定（監督者） page on an X display and saves screenshots of
its sign-in and every editor: run in a child process under Xvfb by tests/test_config_screens.py.

    python tests/config_screens_driver.py OUTDIR LABEL
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    out, label = Path(sys.argv[1]), sys.argv[2]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication
    from reception_script import demo_window_on_screen

    gui, window, screen, bot = demo_window_on_screen()
    screen_width = screen.availableGeometry().width()

    def shoot(name: str) -> None:
        bot.wait(250)
        path = out / f"{label}_config_{name}.png"
        if QGuiApplication.platformName() == "offscreen":
            window.grab().save(str(path))
        else:
            screen.grabWindow(0).save(str(path))
        # What this page needs beside the navigation must fit the screen (the grab would
        # hide what is cut off). The window's own minimum is the widest page's, today the
        # reception's (1380 px), which is not this page's to fix.
        needed = page.minimumSizeHint().width() + window.navigation.width()
        if needed > screen_width:
            raise SystemExit(f"{name}: the page needs {needed} px, the screen has "
                             f"{screen_width}")
        print(path, flush=True)

    bot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    page = window.stack.currentWidget().page  # built on first showing (views.lazy_page)
    sign_in = page.sign_in
    bot.waitUntil(lambda: sign_in.name.hasFocus())
    shoot("first_supervisor")
    bot.keyClicks(sign_in.name, "kansa")
    bot.keyClick(sign_in.name, Qt.Key.Key_Return)
    bot.keyClicks(sign_in.password, "correct-horse")
    bot.keyClick(sign_in.password, Qt.Key.Key_Return)
    bot.keyClicks(sign_in.again, "correct-horse")
    bot.keyClick(sign_in.again, Qt.Key.Key_Return)
    bot.waitUntil(lambda: page.account is not None)
    bot.keyClick(page.versions, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    bot.waitUntil(lambda: page.status == "draft")
    page.tabs.setCurrentIndex(0)
    page.retention.setFocus()
    page.retention.selectAll()
    bot.keyClicks(page.retention, "0")
    page.new_day.setFocus()
    bot.keyClicks(page.new_day, "5090105")
    bot.keyClick(page.new_day, Qt.Key.Key_Return)
    bot.waitUntil(lambda: bool(page.problems))
    shoot("settings_problem")
    for index, name in ((1, "sections"), (2, "procedures"), (3, "questions")):
        page.tabs.setCurrentIndex(index)
        shoot(name)
    page.tabs.setCurrentIndex(2)
    page.procedure_list.setCurrentRow(8)  # 後期高齢者医療 資格取得: a nested condition
    page.condition.list.setFocus()
    page.condition.list.setCurrentRow(4)  # 加入する健康保険 が 後期高齢者医療: a value by choice
    bot.keyClick(page.condition.list, Qt.Key.Key_Tab)  # to its fact: the editor scrolls to it
    assert page.condition.fact.hasFocus()
    shoot("procedure_detail")
    scroll = page.proc_scroll
    if scroll.widget().minimumSizeHint().width() > scroll.viewport().width():
        raise SystemExit("the procedure editor is cut off at the right")
    bot.keyClick(page.versions, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    shoot("test_refused")
    page.retention.setFocus()
    page.retention.selectAll()
    bot.keyClicks(page.retention, "30")
    bot.keyClick(page.retention, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    shoot("tests")
    page.tabs.setCurrentIndex(2)
    page.procedure_list.setCurrentRow(8)
    # A row that makes the condition never true, marked where it is (live validation).
    page.condition.list.setCurrentRow(3)
    bot.keyClick(page.condition.list, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    page.condition.fact.setFocus()
    while page.condition.fact.currentData() != "legal_age":
        bot.keyClick(page.condition.fact, Qt.Key.Key_Down)
    page.condition.operator.setFocus()
    while page.condition.operator.currentData() != "<":
        bot.keyClick(page.condition.operator, Qt.Key.Key_Down)
    page.condition.text.setFocus()
    page.condition.text.lineEdit().selectAll()
    bot.keyClicks(page.condition.text, "40")
    bot.waitUntil(lambda: "！" in page.condition.list.item(2).text())
    page.condition.list.setFocus()
    page.condition.list.setCurrentRow(2)
    shoot("condition_problem")
    page.condition.list.setCurrentRow(4)  # the row just added: Del takes it away again
    bot.keyClick(page.condition.list, Qt.Key.Key_Delete)
    page.tabs.setCurrentIndex(0)
    page.grade_cap.setFocus()
    page.grade_cap.selectAll()
    bot.keyClicks(page.grade_cap, "12")
    bot.keyClick(page.grade_cap, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    shoot("test_differences")
    bot.keyClick(page.retention, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    page.tabs.setCurrentIndex(5)
    shoot("history")
    window.show_keys()
    bot.waitUntil(lambda: window.help_box is not None and window.help_box.isVisible())
    shoot("keys")
    window.help_box.accept()
    window.activateWindow()  # no window manager hands activation back after a dialog
    bot.waitUntil(lambda: QApplication.activeWindow() is window)
    # Adding: a procedure (its id, who, moves and forms), then a question (its answer type
    # and who is asked); F5 drops them again.
    page.show_tab(2)
    bot.keyClick(page.procedure_list, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    bot.waitUntil(lambda: page.proc_title.hasFocus())
    shoot("procedure_new")
    page.show_tab(3)
    bot.keyClick(page.question_list, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    page.question_type.setFocus()
    while page.question_type.currentData() != "choice":
        bot.keyClick(page.question_type, Qt.Key.Key_Down)
    shoot("question_new")
    bot.keyClick(page.versions, Qt.Key.Key_F5)
    bot.keyClick(page.versions, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    bot.waitUntil(lambda: sign_in.name.hasFocus())
    bot.keyClicks(sign_in.name, "kansa")
    bot.keyClick(sign_in.name, Qt.Key.Key_Return)
    bot.keyClicks(sign_in.password, "wrong-horse")
    bot.keyClick(sign_in.password, Qt.Key.Key_Return)
    shoot("wrong_password")
    window.close()
    gui.shutdown()


if __name__ == "__main__":
    main()
