"""Where a card is read from: a PC/SC reader, or a virtual card on the demo's simulated reader.

The two functions below are what the application calls (off the GUI thread): first the tries
left, to show them in the PIN dialog; then the read with the PIN typed by the resident.
"""

from __future__ import annotations

import threading
from typing import Protocol

from card_reader.basic_four import BasicFour
from card_reader.errors import NoCardError
from card_reader.kenhojo import Credential, KenhojoReader, Transport
from card_reader.transport import PcscTransport, VirtualTransport, reader_with_card
from card_reader.virtual_card import VirtualMyNumberCard


class OpenTransport(Transport, Protocol):
    def close(self) -> None: ...


class CardSource(Protocol):
    label: str

    def open(self, reader: str | None = None) -> OpenTransport: ...


class PcscCardSource:
    def __init__(self, preferred_reader: str | None = None) -> None:
        self.preferred_reader = preferred_reader
        self.label = preferred_reader or "PC/SC"

    def open(self, reader: str | None = None) -> OpenTransport:
        """`reader`: where the card was just placed; else the preferred reader, else the first
        reader holding a card."""
        return PcscTransport(reader or reader_with_card(self.preferred_reader))


class VirtualCardSource:
    """The demo's simulated reader: a trainer places and removes fictional cards."""

    label = "模擬リーダー（デモ）"

    def __init__(self) -> None:
        self._card: VirtualMyNumberCard | None = None
        self._lock = threading.Lock()

    def place(self, card: VirtualMyNumberCard) -> None:
        with self._lock:
            self._card = card

    def remove(self) -> None:
        with self._lock:
            self._card = None

    @property
    def card(self) -> VirtualMyNumberCard | None:
        return self._card

    def open(self, reader: str | None = None) -> OpenTransport:
        with self._lock:
            if self._card is None:
                raise NoCardError("no card on the simulated reader")
            return VirtualTransport(self._card)


def pin_tries_left(source: CardSource, reader: str | None = None) -> int | None:
    """Identify a My Number card and ask its PIN tries left (spends nothing)."""
    transport = source.open(reader)
    try:
        reader = KenhojoReader(transport)
        reader.select_application()
        return reader.tries_left()
    finally:
        transport.close()


def read_card(source: CardSource, credential: Credential, *, reader: str | None = None,
              allow_last_try: bool = False) -> BasicFour:
    transport = source.open(reader)
    try:
        return KenhojoReader(transport).read_basic_four(credential, allow_last_try=allow_last_try)
    finally:
        transport.close()
