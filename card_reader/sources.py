"""Where a card is read from: a PC/SC reader, or a virtual card on the demo's simulated reader.

The two functions below are what the application calls (off the GUI thread): first the tries
left, to show them in the PIN dialog; then the read with the PIN typed by the resident.
"""

from __future__ import annotations

import threading
from typing import Protocol

from card_reader.basic_four import BasicFour
from card_reader.errors import NoCardError, NoReaderError
from card_reader.kenhojo import Credential, KenhojoReader, Transport
from card_reader.transport import (
    PcscTransport,
    VirtualTransport,
    _pcsc_error,  # the one mapping of PC/SC codes to card errors, shared with the real reader
    reader_with_card,
)
from card_reader.virtual_card import VirtualMyNumberCard

# PC/SC return codes the simulated reader reports, as pcscd and Windows do.
SCARD_E_NO_SERVICE = 0x8010001D  # the service is gone (Windows stops it with the last reader)
SCARD_W_REMOVED_CARD = 0x80100069

# The simulated reader's states (a trainer switches them from the panel).
ATTACHED, NO_READER, UNPLUGGED = "attached", "no_reader", "unplugged"


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
    """The demo's simulated reader: a trainer places and removes fictional cards, and can take
    the reader away. Whatever happens, the session code gets the errors a PC/SC reader gives:

    - no reader attached: `readers()` is empty and a read fails as `reader_with_card` does
      when PC/SC lists no reader (NoReaderError);
    - reader unplugged: from then on, as when Windows stops the Smart Card service with the
      last reader (and as when pcscd goes away), every PC/SC call fails with
      SCARD_E_NO_SERVICE (PcscUnavailableError), the APDU in flight included;
    - the card taken off mid-read: SCardTransmit's SCARD_W_REMOVED_CARD (CardRemovedError).
    """

    label = "模擬リーダー（デモ）"

    def __init__(self) -> None:
        self._card: VirtualMyNumberCard | None = None
        self._state = ATTACHED
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

    @property
    def state(self) -> str:
        return self._state

    def set_state(self, state: str) -> None:
        """ATTACHED, NO_READER (as at a start without a reader) or UNPLUGGED (mid-session)."""
        if state not in (ATTACHED, NO_READER, UNPLUGGED):
            raise ValueError(f"unknown reader state {state!r}")
        with self._lock:
            self._state = state

    def readers(self) -> list[str]:
        """As `transport.list_readers` would answer: this reader, none, or the service down."""
        self._check_service("SCardEstablishContext")
        return [] if self._state == NO_READER else [self.label]

    def _check_service(self, call: str) -> None:
        if self._state == UNPLUGGED:
            raise _pcsc_error(call, SCARD_E_NO_SERVICE)

    def open(self, reader: str | None = None) -> OpenTransport:
        with self._lock:
            self._check_service("SCardEstablishContext")
            if self._state == NO_READER:
                raise NoReaderError("no PC/SC reader attached")
            if self._card is None:
                raise NoCardError("no card on the simulated reader")
            return _SimulatedReaderTransport(self, self._card)

    def _before_transmit(self, card: VirtualMyNumberCard) -> None:
        """Called before each APDU: the reader or the card may have gone since the last one."""
        with self._lock:
            if self._state != ATTACHED:
                raise _pcsc_error("SCardTransmit", SCARD_E_NO_SERVICE
                                  if self._state == UNPLUGGED else SCARD_W_REMOVED_CARD,
                                  card_in_use=True)
            if self._card is not card:
                raise _pcsc_error("SCardTransmit", SCARD_W_REMOVED_CARD, card_in_use=True)


class _SimulatedReaderTransport(VirtualTransport):
    """The in-process virtual card behind the simulated reader's state."""

    def __init__(self, source: VirtualCardSource, card: VirtualMyNumberCard) -> None:
        super().__init__(card)
        self._source = source

    def _send(self, command: bytes) -> bytes:
        self._source._before_transmit(self.card)
        return super()._send(command)


def pin_tries_left(source: CardSource, reader: str | None = None) -> int | None:
    """Identify a My Number card and ask its PIN tries left (spends nothing)."""
    transport = source.open(reader)
    try:
        card = KenhojoReader(transport)
        card.select_application()
        return card.tries_left()
    finally:
        transport.close()


def read_card(source: CardSource, credential: Credential, *, reader: str | None = None,
              allow_last_try: bool = False) -> BasicFour:
    transport = source.open(reader)
    try:
        return KenhojoReader(transport).read_basic_four(credential, allow_last_try=allow_last_try)
    finally:
        transport.close()
