"""Command APDUs for the Kenhojo application, and the guard every outgoing APDU passes.

The guard is an allowlist: only the handful of commands that read the basic four fields can
leave this process. Selecting EF 0001 (the individual number) or EF 0003, verifying EF 0014
(照合番号A is the My Number itself), selecting other applications, SFI reads and extended
lengths are all refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from card_reader.errors import ForbiddenApduError

KENHOJO_AID = bytes.fromhex("D3921000310001010408")
EF_PIN = b"\x00\x11"  # 券面事項入力補助用暗証番号
EF_CODE_B = b"\x00\x15"  # 照合番号B
EF_BASIC_FOUR = b"\x00\x02"

_ALLOWED_EFS = {EF_PIN, EF_CODE_B, EF_BASIC_FOUR}
INS_SELECT, INS_VERIFY, INS_READ_BINARY, INS_GET_RESPONSE = 0xA4, 0x20, 0xB0, 0xC0
PIN_LENGTH = 4
CODE_B_LENGTH = 14


@dataclass(frozen=True)
class Response:
    data: bytes
    sw1: int
    sw2: int

    @property
    def sw(self) -> int:
        return (self.sw1 << 8) | self.sw2

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000

    @classmethod
    def parse(cls, raw: bytes) -> Response:
        if len(raw) < 2:
            raise ValueError("response APDU shorter than a status word")
        return cls(bytes(raw[:-2]), raw[-2], raw[-1])


def select_application(aid: bytes = KENHOJO_AID) -> bytes:
    return bytes([0x00, INS_SELECT, 0x04, 0x0C, len(aid)]) + aid


def select_ef(file_id: bytes) -> bytes:
    return bytes([0x00, INS_SELECT, 0x02, 0x0C, 0x02]) + file_id


def verify(secret: bytes = b"") -> bytes:
    """VERIFY against the selected EF; with no data it asks the tries left without spending one."""
    head = bytes([0x00, INS_VERIFY, 0x00, 0x80])
    return head + bytes([len(secret)]) + secret if secret else head


def read_binary(offset: int, length: int = 0) -> bytes:
    """READ BINARY; length 0 means Le=00, up to 256 bytes (never extended Le)."""
    if not 0 <= offset < 0x8000:
        raise ValueError("offset out of range for READ BINARY without SFI")
    return bytes([0x00, INS_READ_BINARY, offset >> 8, offset & 0xFF, length & 0xFF])


def get_response(length: int) -> bytes:
    return bytes([0x00, INS_GET_RESPONSE, 0x00, 0x00, length & 0xFF])


def with_le(apdu: bytes, le: int) -> bytes:
    """The same case-2 command with another Le, for a 6Cxx answer."""
    return apdu[:4] + bytes([le & 0xFF])


def check_allowed(apdu: bytes) -> None:
    """Raise ForbiddenApduError unless the APDU is one this reader is allowed to send."""
    if len(apdu) < 4 or apdu[0] != 0x00:
        raise ForbiddenApduError(f"refused APDU with header {apdu[:4].hex()}")
    ins, p1, p2 = apdu[1], apdu[2], apdu[3]
    body = apdu[4:]
    if ins == INS_SELECT:
        if p1 == 0x04 and p2 == 0x0C and body == bytes([len(KENHOJO_AID)]) + KENHOJO_AID:
            return
        is_ef_select = p1 == 0x02 and p2 == 0x0C and len(body) == 3 and body[0] == 2
        if is_ef_select and body[1:] in _ALLOWED_EFS:
            return
        raise ForbiddenApduError(f"refused SELECT {p1:02X}{p2:02X} {body[1:].hex()}")
    if ins == INS_VERIFY and p1 == 0x00 and p2 == 0x80:
        if not body or (len(body) == 1 + body[0] and body[0] in (PIN_LENGTH, CODE_B_LENGTH)):
            return
        raise ForbiddenApduError("refused VERIFY with unexpected length")
    if ins == INS_READ_BINARY and p1 < 0x80 and len(body) == 1:
        return
    if ins == INS_GET_RESPONSE and p1 == 0 and p2 == 0 and len(body) == 1:
        return
    raise ForbiddenApduError(f"refused APDU {apdu[:4].hex()}")


def describe(apdu: bytes) -> str:
    """Hex for the log, with VERIFY data masked (it is a PIN or 照合番号B)."""
    if len(apdu) > 5 and apdu[1] == INS_VERIFY:
        return apdu[:5].hex(" ").upper() + " " + " ".join(["**"] * (len(apdu) - 5))
    return apdu.hex(" ").upper()
