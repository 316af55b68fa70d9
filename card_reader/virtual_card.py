"""A virtual My Number card that answers APDUs like the Kenhojo application does.

It serves unit tests in-process and, attached to vpcd (`python -m card_reader emulate`), integration
tests, demo rehearsals and installation checks as a real PC/SC card. The holder is described by a
JSON file (fictional people only):

    {"name": "山田　花子", "address": "東京都千代田区霞が関２－１－２", "birth_date": "1990-04-01",
     "sex": "2", "pin": "1234", "pin_tries_left": 3, "code_b": "02040120301234",
     "code_b_tries_left": 10, "my_number_card": true, "long_form": false, "filler": 0,
     "faults": {"remove_after_apdus": 5, "remove_on_read": true, "mute_after_apdus": 3,
                "mute": true, "malformed_ef": "bad_offsets", "answer_61xx": true,
                "answer_6cxx": true}}

`mute` is a card that gives its ATR but answers no APDU; `mute_after_apdus` stops answering
mid-session. Through vpcd a mute card's APDUs get an empty answer, as from a reader's timeout.
`remove_on_read` leaves the reader when READ BINARY arrives, after the PIN was verified: the
moment a resident pulls the card mid-read, whatever was sent to the card before.

The faults a trainer provokes in demo mode (`DEMO_FAULTS`) are these same settings, set by
`with_demo_fault` on a holder file or `VirtualMyNumberCard.set_fault` on a card in use, so a
demo card and the same card attached to vpcd fail the same way.

Everything but name, address, birth_date and sex is optional.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from card_reader import apdu
from card_reader.basic_four import encode_basic_four

ATR = bytes.fromhex("3B E0 00 FF 81 31 FE 45 14".replace(" ", ""))
# The individual-number files: a test asserts that none of these is ever selected.
MY_NUMBER_EFS = {b"\x00\x01", b"\x00\x03", b"\x00\x14"}
MALFORMATIONS = ("truncated", "bad_offsets", "bad_utf8", "bad_date", "not_tlv")

SW_OK = b"\x90\x00"
SW_NOT_FOUND = b"\x6a\x82"
SW_SECURITY = b"\x69\x82"
SW_BLOCKED = b"\x69\x84"
SW_WRONG_PARAMS = b"\x6b\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"
SW_WRONG_LENGTH = b"\x67\x00"

PIN_TRIES = 3  # the Kenhojo PIN's limit (CARD.md)
# What a trainer can do to a card (the wrong PIN is just a wrong PIN, typed by the trainee).
LOCKED, PULLED, NOT_MY_NUMBER, MUTE = "locked", "pulled", "not_my_number", "mute"
DEMO_FAULTS = (LOCKED, PULLED, NOT_MY_NUMBER, MUTE)


class CardPulled(Exception):
    """The card left the reader (fault injection)."""


class CardMute(Exception):
    """The card stopped answering (fault injection)."""


@dataclass
class CardHolder:
    name: str
    address: str
    birth_date: dt.date
    sex: str
    pin: str = "1234"
    pin_tries_left: int = 3
    code_b: str | None = None
    code_b_tries_left: int = 10
    my_number_card: bool = True
    long_form: bool = False
    filler: int = 0
    faults: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardHolder:
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown card fields: {', '.join(sorted(unknown))}")
        values = dict(data)
        values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
        malformed = values.get("faults", {}).get("malformed_ef")
        if malformed is not None and malformed not in MALFORMATIONS:
            raise ValueError(f"malformed_ef must be one of {', '.join(MALFORMATIONS)}")
        return cls(**values)

    @classmethod
    def load(cls, path: Path) -> CardHolder:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    @property
    def demo_fault(self) -> str | None:
        """The demo fault these settings amount to (a locked PIN is a state, not a fault)."""
        if not self.my_number_card:
            return NOT_MY_NUMBER
        if self.faults.get("mute"):
            return MUTE
        if self.faults.get("remove_on_read"):
            return PULLED
        return None

    def ef_basic_four(self) -> bytes:
        data = encode_basic_four(self.name, self.address, self.birth_date, self.sex,
                                 force_long_form=self.long_form)
        data = _malform(data, self.faults.get("malformed_ef"))
        return data + b"\xff" * self.filler


def with_demo_fault(holder: dict[str, Any], fault: str | None) -> dict[str, Any]:
    """A holder file (`CardHolder.from_dict`'s shape) with a demo fault applied, for the
    simulated reader and for `emulate` alike."""
    if fault is not None and fault not in DEMO_FAULTS:
        raise ValueError(f"fault must be one of {', '.join(DEMO_FAULTS)}")
    result = {**holder, "faults": {k: v for k, v in holder.get("faults", {}).items()
                                    if k not in ("mute", "remove_on_read")}}
    result["my_number_card"] = fault != NOT_MY_NUMBER and holder.get("my_number_card", True)
    if fault == LOCKED:
        result["pin_tries_left"] = 0
    elif fault == MUTE:
        result["faults"]["mute"] = True
    elif fault == PULLED:
        result["faults"]["remove_on_read"] = True
    return result


def _malform(data: bytes, how: str | None) -> bytes:
    if how is None:
        return data
    if how == "truncated":
        return data[: len(data) // 2]
    if how == "bad_offsets":
        return data[:6] + b"\x00\x01" + data[8:]
    if how == "bad_utf8":
        # The first byte of the name's value becomes a lone continuation byte.
        name_at = data.index(b"\xdf\x22")
        return data[: name_at + 3] + b"\x80" + data[name_at + 4:]
    if how == "bad_date":
        birth_at = data.index(b"\xdf\x24\x08")
        return data[: birth_at + 3] + b"19901399" + data[birth_at + 11:]
    if how == "not_tlv":
        return b"\x00" * len(data)
    raise ValueError(how)


class VirtualMyNumberCard:
    """APDU in, response out. PIN counters survive power cycles; verification does not."""

    def __init__(self, holder: CardHolder) -> None:
        self.holder = holder
        self.tries = {apdu.EF_PIN: holder.pin_tries_left, apdu.EF_CODE_B: holder.code_b_tries_left}
        self.received: list[bytes] = []  # every command APDU, for tests to inspect
        self._ef = holder.ef_basic_four()
        self._pending = b""  # for 61xx: data waiting for GET RESPONSE
        self.power_on()

    def power_on(self) -> None:
        self._app_selected = False
        self._selected_ef: bytes | None = None
        self._verified: set[bytes] = set()
        self._pending = b""

    # --- what the trainer's panel reads and sets (demo mode) ---------------------------------

    @property
    def pin_tries_left(self) -> int:
        return self.tries[apdu.EF_PIN]

    def set_pin(self, pin: str) -> None:
        if len(pin) != apdu.PIN_LENGTH or not (pin.isascii() and pin.isdigit()):
            raise ValueError("a PIN is 4 digits")
        self.holder.pin = pin

    def set_pin_tries(self, tries: int) -> None:
        """0 locks the PIN; 1 to 3 as the card would count them."""
        if not 0 <= tries <= PIN_TRIES:
            raise ValueError(f"tries left must be 0 to {PIN_TRIES}")
        self.tries[apdu.EF_PIN] = tries

    def set_fault(self, fault: str | None) -> None:
        """Provoke a demo fault from the next APDU on (None clears it; `locked` spends the
        tries, and only a new tries count unlocks)."""
        changed = with_demo_fault({"faults": self.holder.faults,
                                   "my_number_card": True}, fault)
        self.holder.faults = changed["faults"]
        self.holder.my_number_card = changed["my_number_card"]
        if fault == LOCKED:
            self.set_pin_tries(0)

    def verify_count(self) -> int:
        """VERIFY commands that carried a secret (the ones that can spend a try)."""
        return sum(1 for c in self.received if c[1] == apdu.INS_VERIFY and len(c) > 4)

    def process(self, command: bytes) -> bytes:
        self.received.append(bytes(command))
        faults = self.holder.faults
        count = len(self.received)
        if "remove_after_apdus" in faults and count > faults["remove_after_apdus"]:
            raise CardPulled()
        if faults.get("remove_on_read") and command[1:2] == bytes([apdu.INS_READ_BINARY]):
            raise CardPulled()
        if faults.get("mute") or (
                "mute_after_apdus" in faults and count > faults["mute_after_apdus"]):
            raise CardMute()
        if len(command) < 4:
            return SW_WRONG_LENGTH
        ins, p1, p2, body = command[1], command[2], command[3], command[4:]
        if ins == apdu.INS_SELECT:
            return self._select(p1, body)
        if ins == apdu.INS_VERIFY and p1 == 0 and p2 == 0x80:
            return self._verify(body)
        if ins == apdu.INS_READ_BINARY:
            return self._read_binary((p1 << 8) | p2, body[0] if body else 0)
        if ins == apdu.INS_GET_RESPONSE:
            return self._get_response(body[0] if body else 0)
        return SW_INS_NOT_SUPPORTED

    def _select(self, p1: int, body: bytes) -> bytes:
        value = body[1:1 + body[0]] if body else b""
        if p1 == 0x04:
            self._app_selected = self.holder.my_number_card and value == apdu.KENHOJO_AID
            self._selected_ef = None
            return SW_OK if self._app_selected else SW_NOT_FOUND
        if p1 == 0x02 and self._app_selected:
            if value in (apdu.EF_PIN, apdu.EF_BASIC_FOUR) or (
                value == apdu.EF_CODE_B and self.holder.code_b is not None
            ) or value in MY_NUMBER_EFS:
                self._selected_ef = value
                return SW_OK
        return SW_NOT_FOUND

    def _verify(self, body: bytes) -> bytes:
        ef = self._selected_ef
        if ef not in self.tries:
            return SW_NOT_FOUND
        if not body:  # tries query: spends nothing
            if ef in self._verified:
                return SW_OK
            return SW_BLOCKED if self.tries[ef] == 0 else bytes([0x63, 0xC0 | self.tries[ef]])
        if self.tries[ef] == 0:
            return SW_BLOCKED
        secret = body[1:1 + body[0]].decode("ascii", "replace")
        expected = self.holder.pin if ef == apdu.EF_PIN else self.holder.code_b
        limit = PIN_TRIES if ef == apdu.EF_PIN else 10
        if secret == expected:
            self.tries[ef] = limit  # one success resets the counter
            self._verified.add(ef)
            return SW_OK
        self.tries[ef] -= 1
        return bytes([0x63, 0xC0 | self.tries[ef]])

    def _read_binary(self, offset: int, le: int) -> bytes:
        if self._selected_ef != apdu.EF_BASIC_FOUR:
            return SW_NOT_FOUND
        if not self._verified & {apdu.EF_PIN, apdu.EF_CODE_B}:
            return SW_SECURITY
        if offset >= len(self._ef):
            return SW_WRONG_PARAMS
        wanted = le or 256
        chunk = self._ef[offset:offset + wanted]
        faults = self.holder.faults
        if faults.get("answer_6cxx") and le == 0 and len(chunk) < 256:
            return bytes([0x6C, len(chunk)])  # "wrong Le, use this one"
        if faults.get("answer_61xx"):
            self._pending = chunk
            return bytes([0x61, len(chunk) & 0xFF])
        return chunk + (SW_OK if len(chunk) == wanted or le == 0 else b"\x62\x82")

    def _get_response(self, le: int) -> bytes:
        if not self._pending:
            return b"\x69\x85"
        chunk, self._pending = self._pending[: le or 256], self._pending[le or 256:]
        if self._pending:
            return chunk + bytes([0x61, len(self._pending) & 0xFF])
        return chunk + SW_OK
