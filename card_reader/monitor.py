"""Card insertion and removal, watched on a thread of its own.

Built on pyscard's SCardGetStatusChange rather than its CardMonitor: that one is a process-wide
singleton blocking in 60-second waits (slow to stop), prints tracebacks to the console, and dies
silently when pcscd is not running at start. This one waits at most `poll_ms`, survives the
PC/SC service going away and coming back, and reports through a plain callback (the UI turns
that into a Qt signal).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

INSERTED, REMOVED, READERS, SERVICE_DOWN = "inserted", "removed", "readers", "service_down"
TIMEOUT = 0x8010000A
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"  # pseudo reader: changes when readers come and go


@dataclass(frozen=True)
class PresenceEvent:
    kind: str  # INSERTED, REMOVED, READERS (reader list changed), SERVICE_DOWN
    reader: str = ""
    readers: tuple[str, ...] = ()


class CardPresenceMonitor:
    def __init__(self, on_event: Callable[[PresenceEvent], None], poll_ms: int = 300) -> None:
        self._on_event = on_event
        self._poll_ms = poll_ms
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 3) -> None:
        self._stop.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        try:
            from smartcard import scard
        except ImportError:
            log.error("pyscard unavailable: card presence is not watched")
            self._on_event(PresenceEvent(SERVICE_DOWN))
            return
        service_up: bool | None = None
        present: dict[str, bool] = {}
        while not self._stop.is_set():
            hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hresult != 0:
                if service_up is not False:
                    log.warning("PC/SC service unavailable (%08X)", hresult & 0xFFFFFFFF)
                    self._on_event(PresenceEvent(SERVICE_DOWN))
                    service_up, present = False, {}
                self._stop.wait(2)
                continue
            service_up = True
            try:
                present = self._watch(scard, context, present)
            finally:
                scard.SCardReleaseContext(context)

    def _watch(self, scard: Any, context: int, present: dict[str, bool]) -> dict[str, bool]:
        """Report changes until the reader list changes or the service fails."""
        hresult, readers = scard.SCardListReaders(context, [])
        readers = list(readers) if hresult == 0 else []
        if set(readers) != set(present):
            for gone in set(present) - set(readers):
                if present[gone]:  # unplugged with the card on it
                    self._on_event(PresenceEvent(REMOVED, gone))
            self._on_event(PresenceEvent(READERS, readers=tuple(readers)))
        present = {r: present.get(r, False) for r in readers}
        states = [(r, scard.SCARD_STATE_UNAWARE) for r in [*readers, PNP_NOTIFICATION]]
        first_round = True
        while not self._stop.is_set():
            hresult, changed = scard.SCardGetStatusChange(context, self._poll_ms, states)
            code = hresult & 0xFFFFFFFF
            if code == TIMEOUT:
                continue
            if code != 0:
                # A reader was unplugged or the service went away: look again, after a pause
                # so that an error that persists does not spin.
                self._stop.wait(self._poll_ms / 1000)
                return present
            states = []
            for reader, event_state, _atr in changed:
                known = event_state & ~scard.SCARD_STATE_CHANGED
                states.append((reader, known))
                if reader == PNP_NOTIFICATION:
                    if not first_round and event_state & scard.SCARD_STATE_CHANGED:
                        return present  # a reader came or went: list them again
                    continue
                has_card = bool(event_state & scard.SCARD_STATE_PRESENT)
                if has_card != present.get(reader):
                    present[reader] = has_card
                    self._on_event(PresenceEvent(INSERTED if has_card else REMOVED, reader))
            first_round = False
        return present
