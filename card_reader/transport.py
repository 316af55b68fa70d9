"""Getting APDUs to a card: over PC/SC (pyscard's `smartcard.scard`) or to a virtual card.

Both transports pass every command through `apdu.check_allowed` first, and both handle the two
status words pyscard leaves to the caller: `61xx` (fetch the rest with GET RESPONSE) and `6Cxx`
(resend with the right Le).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from card_reader import apdu
from card_reader.apdu import Response
from card_reader.errors import (
    CardError,
    CardNotRespondingError,
    CardProtocolError,
    CardRemovedError,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
    ReaderBusyError,
)
from card_reader.virtual_card import CardMute, CardPulled, VirtualMyNumberCard

log = logging.getLogger(__name__)

MAX_GET_RESPONSE = 16
REMOVAL_SETTLE_S = 0.8


def exchange(send: Callable[[bytes], bytes], command: bytes) -> Response:
    """Send one command through the guard, following 6Cxx and 61xx to the full answer."""
    apdu.check_allowed(command)
    log.debug("> %s", apdu.describe(command))
    response = Response.parse(send(command))
    if response.sw1 == 0x6C:
        if command[1] not in (apdu.INS_READ_BINARY, apdu.INS_GET_RESPONSE):
            raise CardProtocolError(f"6Cxx answered to INS {command[1]:02X}")
        retry = apdu.with_le(command, response.sw2)
        apdu.check_allowed(retry)
        response = Response.parse(send(retry))
    data = response.data
    rounds = 0
    while response.sw1 == 0x61:
        rounds += 1
        if rounds > MAX_GET_RESPONSE:
            raise CardProtocolError("card kept answering 61xx")
        follow_up = apdu.get_response(response.sw2)
        apdu.check_allowed(follow_up)
        response = Response.parse(send(follow_up))
        data += response.data
    log.debug("< %d bytes, SW %04X", len(data), response.sw)
    return Response(data, response.sw1, response.sw2)


class VirtualTransport:
    """A virtual card in this process: for unit tests and the demo mode's simulated reader."""

    def __init__(self, card: VirtualMyNumberCard) -> None:
        self.card = card
        self.sent = 0  # APDUs that reached the card, GET RESPONSE and resends included

    def _send(self, command: bytes) -> bytes:
        self.sent += 1
        try:
            return self.card.process(command)
        except CardPulled:
            raise CardRemovedError("virtual card pulled") from None
        except CardMute:
            raise CardNotRespondingError("virtual card mute") from None

    def transmit(self, command: bytes) -> Response:
        return exchange(self._send, command)

    def close(self) -> None:
        self.card.power_on()  # unpowering forgets the verified PIN, as on a real card


# --- PC/SC ---------------------------------------------------------------------------------

_SERVICE_GONE = {0x8010001D, 0x8010001E}  # SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED
_NO_READERS = 0x8010002E
_NO_CARD = {0x8010000C, 0x80100069}  # SCARD_E_NO_SMARTCARD, SCARD_W_REMOVED_CARD
_SHARING_VIOLATION = 0x8010000B
_UNKNOWN_READER = {0x80100009, 0x80100017}  # unknown / unavailable reader
_UNRESPONSIVE = {0x80100066, 0x80100016, 0x8010002F}  # unresponsive, not transacted, data lost
_TIMEOUT = 0x8010000A


_RESET_BY_OTHER = 0x80100068  # SCARD_W_RESET_CARD


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


def _pcsc_error(call: str, code: int, *, card_in_use: bool = False) -> CardError:
    """The typed error for a PC/SC failure. A card missing during a session was removed."""
    detail = f"{call}: {code:08X}"
    if code in _SERVICE_GONE:
        return PcscUnavailableError(detail)
    if code in _UNKNOWN_READER:
        return NoReaderError(detail)
    if code in _NO_CARD or code == _RESET_BY_OTHER:
        return CardRemovedError(detail) if card_in_use else NoCardError(detail)
    if code in _UNRESPONSIVE:
        return CardNotRespondingError(detail)
    return CardError(detail)


def _scard():
    try:
        from smartcard import scard
    except ImportError as exc:
        raise PcscUnavailableError(f"pyscard cannot load the PC/SC library: {exc}") from None
    return scard


def _context() -> int:
    scard = _scard()
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if _code(hresult) != 0:
        raise PcscUnavailableError(f"SCardEstablishContext: {_code(hresult):08X}")
    return context


def list_readers() -> list[str]:
    """Names of the attached readers; [] when none. Blocking: call it off the GUI thread."""
    scard = _scard()
    context = _context()
    try:
        hresult, readers = scard.SCardListReaders(context, [])
        code = _code(hresult)
        if code == _NO_READERS:
            return []
        if code != 0:
            raise _pcsc_error("SCardListReaders", code)
        return list(readers)
    finally:
        scard.SCardReleaseContext(context)


def choose_reader(preferred: str | None = None) -> str:
    names = list_readers()
    if not names:
        raise NoReaderError("no PC/SC reader attached")
    if preferred is None:
        return names[0]
    if preferred not in names:
        raise NoReaderError(f"reader {preferred!r} is not attached")
    return preferred


def reader_with_card(preferred: str | None = None) -> str:
    """The reader to read from: the preferred one, else the first that holds a card."""
    if preferred is not None:
        return choose_reader(preferred)
    names = list_readers()
    if not names:
        raise NoReaderError("no PC/SC reader attached")
    for name in names:
        if card_present(name):
            return name
    raise NoCardError("no card on any reader")


def card_present(reader: str) -> bool:
    return wait_for_card(reader, timeout_s=0) is not None


def wait_for_card(reader: str, timeout_s: float, present: bool = True) -> str | None:
    """Wait until a card is (or is no longer) on `reader`; the reader name, or None on timeout."""
    scard = _scard()
    context = _context()
    try:
        state = scard.SCARD_STATE_UNAWARE
        deadline = time.monotonic() + timeout_s
        while True:
            remaining_ms = max(0, int((deadline - time.monotonic()) * 1000))
            hresult, states = scard.SCardGetStatusChange(context, remaining_ms, [(reader, state)])
            code = _code(hresult)
            if code == _TIMEOUT:
                return None
            if code != 0:
                raise _pcsc_error("SCardGetStatusChange", code)
            _, event_state, _atr = states[0]
            has_card = bool(event_state & scard.SCARD_STATE_PRESENT)
            if has_card == present:
                return reader
            state = event_state & ~scard.SCARD_STATE_CHANGED
            if remaining_ms == 0:
                return None
    finally:
        scard.SCardReleaseContext(context)


class PcscTransport:
    """One card connection. Exclusive where possible, so no other program can share a card
    whose PIN was verified; shared plus a transaction when Windows reports a sharing violation.
    Closing always unpowers the card, which forgets the verified PIN."""

    def __init__(self, reader: str) -> None:
        self.reader = reader
        self.sent = 0
        self.shared = False
        self._scard = _scard()
        # PC/SC handles; None once released.
        self._card: int | None = None
        self._context: int | None = _context()
        self._in_transaction = False
        try:
            try:
                self._card, self._protocol = self._connect(self._scard.SCARD_SHARE_EXCLUSIVE)
            except _SharingViolation:
                log.warning("card shared by another program; using a shared transaction")
                try:
                    self._card, self._protocol = self._connect(self._scard.SCARD_SHARE_SHARED)
                except _SharingViolation:
                    raise ReaderBusyError("another program holds the card exclusively") from None
                self._begin_transaction()
                self.shared = True
        except BaseException:
            self._scard.SCardReleaseContext(self._context)
            self._context = None
            raise

    def _connect(self, mode: int) -> tuple[int, int]:
        scard = self._scard
        hresult, card, protocol = scard.SCardConnect(
            self._context, self.reader, mode, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        code = _code(hresult)
        if code == 0:
            return card, protocol
        if code == _SHARING_VIOLATION:
            raise _SharingViolation()
        raise _pcsc_error("SCardConnect", code)

    def _begin_transaction(self) -> None:
        # While the transaction lasts, no other program can send APDUs to the verified card.
        hresult = self._scard.SCardBeginTransaction(self._card)
        if _code(hresult) != 0:
            self._scard.SCardDisconnect(self._card, self._scard.SCARD_LEAVE_CARD)
            self._card = None
            raise ReaderBusyError(f"SCardBeginTransaction: {_code(hresult):08X}")
        self._in_transaction = True

    def _send(self, command: bytes) -> bytes:
        self.sent += 1
        hresult, response = self._scard.SCardTransmit(self._card, self._protocol, list(command))
        code = _code(hresult)
        if code == 0:
            if len(response) < 2:
                raise self._lost_card()
            return bytes(response)
        raise _pcsc_error("SCardTransmit", code, card_in_use=True)

    def _lost_card(self) -> CardError:
        """An answer without a status word: the card left the reader, or stopped answering.

        The reader's state tells which once pcscd has polled it (every 0.2-0.4 s)."""
        try:
            gone = wait_for_card(self.reader, REMOVAL_SETTLE_S, present=False) is not None
        except CardError:
            gone = True
        if gone:
            return CardRemovedError("card left the reader mid-command")
        return CardNotRespondingError("card present but gave no status word")

    def transmit(self, command: bytes) -> Response:
        return exchange(self._send, command)

    def close(self) -> None:
        scard = self._scard
        if self._card is not None:
            if self._in_transaction:
                # Reset as the transaction ends: the program sharing the card must never find
                # it with our verified PIN (which opens the way to the individual number).
                scard.SCardEndTransaction(self._card, scard.SCARD_RESET_CARD)
                self._in_transaction = False
            scard.SCardDisconnect(self._card, scard.SCARD_UNPOWER_CARD)
            self._card = None
        if self._context is not None:
            scard.SCardReleaseContext(self._context)
            self._context = None

    def __enter__(self) -> PcscTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SharingViolation(Exception):
    pass
