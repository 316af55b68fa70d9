"""The Kenhojo (券面事項入力補助) application: PIN handling and reading the basic four.

Every VERIFY is preceded by a tries-left query (an empty VERIFY, which spends nothing). A failed
VERIFY is reported, never repeated: only staff, with the resident, decide to try again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar, Protocol

from card_reader import apdu
from card_reader.apdu import Response
from card_reader.basic_four import BasicFour, outer_length, parse_basic_four
from card_reader.errors import (
    CardProtocolError,
    LastTryNeedsConfirmationError,
    MalformedCardDataError,
    NotMyNumberCardError,
    PinBlockedError,
    WrongPinError,
)

log = logging.getLogger(__name__)

MAX_EF_SIZE = 0x1000  # far above any basic-four file; stops a looping card


class Transport(Protocol):
    def transmit(self, command: bytes) -> Response: ...


@dataclass(frozen=True)
class _Secret:
    digits: str
    length: ClassVar[int]
    ef: ClassVar[bytes]

    def __post_init__(self) -> None:
        if len(self.digits) != self.length or not (self.digits.isascii()
                                                   and self.digits.isdigit()):
            raise ValueError(f"{type(self).__name__} must be {self.length} ASCII digits")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({'*' * self.length})"


class Pin(_Secret):
    """券面事項入力補助用暗証番号: 4 digits."""

    length = apdu.PIN_LENGTH
    ef = apdu.EF_PIN


class CodeB(_Secret):
    """照合番号B: era birth date YYMMDD + expiry year (4) + security code (4), 14 digits."""

    length = apdu.CODE_B_LENGTH
    ef = apdu.EF_CODE_B


Credential = Pin | CodeB


class KenhojoReader:
    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    def _send(self, command: bytes) -> Response:
        return self._transport.transmit(command)

    def select_application(self) -> None:
        """SELECT the Kenhojo AP: this, not the ATR, is what identifies a My Number card."""
        response = self._send(apdu.select_application())
        if response.sw in (0x6A82, 0x6A86, 0x6D00, 0x6E00, 0x6999):
            raise NotMyNumberCardError(f"SELECT Kenhojo answered {response.sw:04X}")
        _expect_ok(response, "SELECT Kenhojo")

    def tries_left(self, ef: bytes = apdu.EF_PIN) -> int | None:
        """Tries left for the PIN (or 照合番号B) EF; None if already verified since power-on."""
        _expect_ok(self._send(apdu.select_ef(ef)), f"SELECT EF {ef.hex()}")
        response = self._send(apdu.verify())
        if response.ok:
            return None
        if response.sw1 == 0x63 and response.sw2 & 0xF0 == 0xC0:
            tries = response.sw2 & 0x0F
            if tries == 0:
                raise PinBlockedError("tries query: 63C0")
            return tries
        if response.sw in (0x6984, 0x6983):
            raise PinBlockedError(f"tries query: {response.sw:04X}")
        raise CardProtocolError(f"tries query answered {response.sw:04X}")

    def verify(self, credential: Credential, *, allow_last_try: bool = False) -> None:
        tries = self.tries_left(credential.ef)
        if tries is None:
            return  # verified earlier in this power cycle: spend nothing
        if tries == 1 and not allow_last_try:
            raise LastTryNeedsConfirmationError("one try left, staff confirmation required")
        response = self._send(apdu.verify(credential.digits.encode("ascii")))
        if response.ok:
            return
        if response.sw1 == 0x63 and response.sw2 & 0xF0 == 0xC0:
            left = response.sw2 & 0x0F
            if left == 0:
                raise PinBlockedError("VERIFY answered 63C0")
            raise WrongPinError(left)
        if response.sw in (0x6984, 0x6983):
            raise PinBlockedError(f"VERIFY answered {response.sw:04X}")
        raise CardProtocolError(f"VERIFY answered {response.sw:04X}")

    def read_ef_basic_four(self) -> bytes:
        _expect_ok(self._send(apdu.select_ef(apdu.EF_BASIC_FOUR)), "SELECT EF 0002")
        data = b""
        total: int | None = None
        while total is None or len(data) < total:
            remaining = 0 if total is None else total - len(data)
            response = self._send(apdu.read_binary(len(data), remaining if remaining < 256 else 0))
            if response.sw in (0x6B00, 0x6282) and response.data == b"":
                break  # offset at or past the end of the file
            if response.sw == 0x6982:
                raise CardProtocolError("READ BINARY before VERIFY (6982)")
            if not (response.ok or response.sw == 0x6282):
                raise CardProtocolError(f"READ BINARY answered {response.sw:04X}")
            if not response.data:
                break
            data += response.data
            if total is None:
                total = outer_length(data)
                if total is None:
                    raise MalformedCardDataError("EF 0002 does not start with a BER-TLV header")
            if len(data) > MAX_EF_SIZE:
                raise MalformedCardDataError("EF 0002 longer than any basic-four file")
        return data if total is None else data[:total]

    def read_basic_four(self, credential: Credential, *, allow_last_try: bool = False
                        ) -> BasicFour:
        """SELECT AP, tries query, VERIFY, SELECT EF 0002, READ BINARY: 6 APDUs for one read."""
        self.select_application()
        self.verify(credential, allow_last_try=allow_last_try)
        return parse_basic_four(self.read_ef_basic_four())


def _expect_ok(response: Response, what: str) -> None:
    if not response.ok:
        raise CardProtocolError(f"{what} answered {response.sw:04X}")
