"""Python's cyclic garbage collection, on the GUI thread only.

Left automatic, the collector runs on whichever thread happens to allocate (the card worker,
the case saver) and may free Qt objects there, which crashes Qt. So automatic collection is
turned off and a timer collects on the GUI thread instead, generation by generation as the
thresholds say.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def check(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return
