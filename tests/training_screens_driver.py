"""Drives the real counter application in demo mode on an X display and saves screenshots of
the training screens: the trainer's card panel, the scenario picker, the reception with the
task in view, the trainee's result and the trainer's results. Run in a child process under
Xvfb by tests/test_training_screens.py.

    python tests/training_screens_driver.py OUTDIR LABEL
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    out, label = Path(sys.argv[1]), sys.argv[2]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication
    from reception_script import demo_window_on_screen, run_four_person_move_in

    gui, window, screen, bot = demo_window_on_screen()

    def activate(widget: object) -> None:
        bot.waitUntil(lambda: widget.isVisible())
        widget.activateWindow()  # no window manager hands activation over
        bot.waitUntil(lambda: QApplication.activeWindow() is widget)

    def key(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
            ) -> None:
        bot.keyClick(QApplication.focusWidget(), key, modifier)

    def type_ja(text: str) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(QApplication.focusWidget(), event)

    def shoot(name: str) -> None:
        bot.wait(300)
        screen.grabWindow(0).save(str(out / f"{label}_{name}.png"))
        print(out / f"{label}_{name}.png", flush=True)

    activate(window)
    training = window.training
    # The trainer's panel, centred as a window manager would place it.
    key(Qt.Key.Key_F9)
    panel = training.panel
    activate(panel)
    geometry = screen.availableGeometry()
    panel.move(geometry.center() - panel.rect().center())
    type_ja("北見")
    key(Qt.Key.Key_Down)  # into the list
    key(Qt.Key.Key_Down)  # 北見 花子
    key(Qt.Key.Key_Return)  # placed: the PIN dialog opens over the counter window
    flow = window.reception.card_flow
    bot.waitUntil(lambda: flow.pin_dialog is not None and flow.pin_dialog.isVisible())
    bot.keyClicks(flow.pin_dialog.pin_edit, "0000")
    bot.keyClick(flow.pin_dialog.pin_edit, Qt.Key.Key_Return)
    bot.waitUntil(lambda: not flow.busy)
    activate(panel)
    shoot("training_panel")
    panel.close()
    window.reception.card_panel.reset()

    activate(window)
    key(Qt.Key.Key_F10)
    picker = training.picker
    activate(picker)
    picker.move(geometry.center() - picker.rect().center())
    key(Qt.Key.Key_Return)
    type_ja("研修 花子")
    shoot("scenario_picker")
    key(Qt.Key.Key_Return)
    bot.waitUntil(lambda: not picker.isVisible())
    activate(window)
    shoot("training_reception")

    run_four_person_move_in(window, bot)
    bot.waitUntil(lambda: training.result_dialog is not None, timeout=30000)
    result = training.result_dialog
    activate(result)
    result.move(geometry.center() - result.rect().center())
    shoot("training_result")
    result.accept()

    activate(window)
    key(Qt.Key.Key_F11)
    listing = training.results_dialog
    activate(listing)
    listing.move(geometry.center() - listing.rect().center())
    shoot("training_results")
    listing.reject()
    window.close()
    gui.shutdown()


if __name__ == "__main__":
    main()
