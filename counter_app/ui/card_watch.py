"""Card presence events from the monitor thread, delivered as a Qt signal on the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from card_reader.monitor import CardPresenceMonitor


class CardWatcher(QObject):
    event = Signal(object)  # PresenceEvent; emitted from the monitor thread, queued to the GUI

    def __init__(self, poll_ms: int = 300) -> None:
        super().__init__()
        self._monitor = CardPresenceMonitor(self.event.emit, poll_ms)

    def start(self) -> None:
        self._monitor.start()

    def stop(self) -> None:
        self._monitor.stop()
