"""Blocking work (card, printer, database on a network) off the GUI thread.

`run_task(func, callback)` runs `func()` on Qt's global thread pool and calls
`callback(result, error)` back on the GUI thread, exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Callback = Callable[[Any, BaseException | None], None]


class _Relay(QObject):
    # Emitted from the worker; Qt queues it to the relay's (GUI) thread.
    finished = Signal(object, object)


class _Task(QRunnable):
    def __init__(self, func: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._func = func
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._func()
        except BaseException as exc:  # the callback decides what staff see; it must always run
            log.debug("background task failed: %s", type(exc).__name__)
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


_pending: set[_Relay] = set()


def run_task(func: Callable[[], Any], callback: Callback, owner: QObject | None = None
             ) -> None:
    """`owner`: the widget the result is for; if it is gone when the result arrives (a dialog
    closed meanwhile), the result is dropped instead of touching a deleted widget."""
    relay = _Relay()  # created on the calling (GUI) thread so the callback runs there
    _pending.add(relay)

    def deliver(result: Any, error: BaseException | None) -> None:
        _pending.discard(relay)
        relay.deleteLater()
        if owner is not None and not shiboken6.isValid(owner):
            return
        callback(result, error)

    relay.finished.connect(deliver)
    QThreadPool.globalInstance().start(_Task(func, relay))


def wait_for_tasks(timeout_ms: int = 5000) -> bool:
    """Block until the pool is idle (shutdown and tests); True if it emptied in time."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
