"""Catching a resident's pre-entry QR code from a keyboard-wedge scanner, wherever the focus is.

A scanner types its code as key presses, far faster than a person, and ends with Enter. Key
presses that start like a pre-entry code ("MDP") and arrive within a few milliseconds of each
other are held back from the focused field; if it turns out to be a person typing (a pause, or
other letters), the held keys are handed on to the field unchanged. The payload itself is digits
(and the prefix), so a Japanese input method left on yields full-width characters, which the
decoder accepts.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

PREFIX = "MDP"
GAP_S = 0.06  # a scanner's key presses come this close together; a person's do not
END_GAP_MS = 400  # no Enter this long after the last digit: the scan is incomplete


def _normalise(text: str) -> str:
    return text.translate({c + 0xFEE0: c for c in range(0x21, 0x7F)}).upper()


class ScanCatcher(QObject):
    """An application event filter; `scanned(text)` when a whole code came in, `broken()`
    when a scan started but never ended."""

    scanned = Signal(str)
    broken = Signal()

    def __init__(self, active: QWidget) -> None:
        super().__init__(active)
        self._active = active  # only while this page is on screen
        self._held: list[tuple[QObject, QKeyEvent]] = []
        self._text = ""
        self._last = 0.0
        self._scanning = False
        self._releasing = False
        self._end = QTimer(self)
        self._end.setSingleShot(True)
        self._end.timeout.connect(self._timed_out)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() != QEvent.Type.KeyPress or self._releasing
                or not self._active.isVisible()):
            return False
        if not isinstance(watched, QWidget) or (not watched.isWindow() and \
                watched is not QApplication.focusWidget()):
            return False  # each key reaches the filter once per widget: take the focus one
        key_event: QKeyEvent = event  # type: ignore[assignment]
        now = time.monotonic()
        char = _normalise(key_event.text())
        if self._scanning:
            self._last = now
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._finish()
            else:
                self._text += char
                self._end.start(END_GAP_MS)
            return True
        if self._held and now - self._last > GAP_S:
            self._release()  # a person typing: hand the keys on
        candidate = self._text + char
        if (char and PREFIX.startswith(candidate)) or (
                len(candidate) > len(PREFIX) and candidate.startswith(PREFIX)):
            self._held.append((watched, QKeyEvent(key_event.type(), key_event.key(),
                                                  key_event.modifiers(), key_event.text())))
            self._text, self._last = candidate, now
            if self._text == PREFIX:
                self._scanning = True
                self._held.clear()
                self._end.start(END_GAP_MS)
            else:
                QTimer.singleShot(int(GAP_S * 1000) + 20, self._release_if_stale)
            return True
        if self._held:
            self._release()
        return False

    def _release_if_stale(self) -> None:
        if self._held and not self._scanning and time.monotonic() - self._last > GAP_S:
            self._release()

    def _release(self) -> None:
        held, self._held, self._text = self._held, [], ""
        self._releasing = True
        try:
            for receiver, event in held:
                if isinstance(receiver, QWidget) and receiver.isVisible():
                    QApplication.sendEvent(receiver, event)
        finally:
            self._releasing = False

    def _finish(self) -> None:
        text = self._text
        self._reset()
        self.scanned.emit(text)

    def _timed_out(self) -> None:
        if self._scanning:
            self._reset()
            self.broken.emit()

    def _reset(self) -> None:
        self._end.stop()
        self._scanning = False
        self._held.clear()
        self._text = ""
