"""The basic four fields (基本4情報) of EF 0002 in the Kenhojo application.

Layout (CARD.md): one outer TLV FF20 holding DF21 (offset table), DF22 name, DF23 address,
DF24 birth date (YYYYMMDD), DF25 sex; filler may follow. Text is kept exactly as on the card:
no NFKC, U+3000 between surname and given name, supplementary-plane characters allowed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from card_reader.errors import MalformedCardDataError
from card_reader.tlv import TlvError, iter_tlvs, read_header

TAG_OUTER = 0xFF20
TAG_OFFSETS = 0xDF21
TAG_NAME, TAG_ADDRESS, TAG_BIRTH, TAG_SEX = 0xDF22, 0xDF23, 0xDF24, 0xDF25
FIELD_TAGS = (TAG_NAME, TAG_ADDRESS, TAG_BIRTH, TAG_SEX)
NAME_SEPARATOR = "\u3000"

# Control, format (bidi overrides, zero-width), surrogate and line-separator characters: none
# belongs in a name or an address. NUL makes a case unsaveable on PostgreSQL, ESC and the bidi
# overrides garble terminals and screens.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
FIRST_BIRTH_DATE = dt.date(1868, 1, 25)  # 明治元年1月25日: no earlier date has a 和暦 form

SEX_CODES = {"1": "male", "2": "female"}
SEX_LABELS_JA = {"1": "男", "2": "女", "9": "適用不能", "0": "不明"}


@dataclass(frozen=True)
class BasicFour:
    name: str
    address: str
    birth_date: dt.date
    sex_code: str  # as on the card: "1", "2", "9", "0" or anything else, shown raw
    # The fields' bytes as read, for display when staff compare with the card face. Never logged.
    raw: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sex(self) -> str:
        """`male`, `female`, or the raw card code (the case file's convention)."""
        return SEX_CODES.get(self.sex_code, self.sex_code)

    @property
    def sex_label_ja(self) -> str:
        return SEX_LABELS_JA.get(self.sex_code, f"コード {self.sex_code}")

    @property
    def surname(self) -> str:
        return self.name.split(NAME_SEPARATOR, 1)[0]

    @property
    def given_name(self) -> str:
        parts = self.name.split(NAME_SEPARATOR, 1)
        return parts[1] if len(parts) == 2 else ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address,
                "birth_date": self.birth_date.isoformat(), "sex": self.sex}


def control_character(text: str) -> str | None:
    """The first control or format character of `text` as "U+0000", or None if it has none."""
    for char in text:
        if unicodedata.category(char) in _INVISIBLE_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def has_visible_text(text: str) -> bool:
    """True if some character is neither a space nor a control or format character (a name of
    zero-width spaces only is empty)."""
    return any(unicodedata.category(c)[0] != "Z"
               and unicodedata.category(c) not in _INVISIBLE_CATEGORIES for c in text)


def outer_length(head: bytes) -> int | None:
    """Total length of the EF's object from its first bytes, or None if it cannot tell yet."""
    try:
        outer = read_header(head, 0)
    except TlvError:
        return None
    return outer.end


def parse_basic_four(data: bytes) -> BasicFour:
    """Parse EF 0002. Raises MalformedCardDataError with an English reason on anything odd."""
    try:
        outer = read_header(data, 0)
        if outer.tag != TAG_OUTER:
            raise MalformedCardDataError(f"outer tag {outer.tag:X}, expected FF20")
        if outer.end > len(data):
            raise MalformedCardDataError(
                f"outer object needs {outer.end} bytes, only {len(data)} were read")
        items = iter_tlvs(data, outer.value_offset, outer.end)
    except TlvError as exc:
        raise MalformedCardDataError(f"BER-TLV: {exc}") from None

    found: dict[int, tuple[int, bytes]] = {}
    offsets: bytes | None = None
    for item in items:
        value = data[item.value_offset:item.end]
        if item.tag == TAG_OFFSETS:
            offsets = value
        elif item.tag in FIELD_TAGS:
            if item.tag in found:
                raise MalformedCardDataError(f"tag {item.tag:X} appears twice")
            found[item.tag] = (item.offset, value)
    missing = [f"{t:X}" for t in FIELD_TAGS if t not in found]
    if missing:
        raise MalformedCardDataError(f"missing tags {', '.join(missing)}")
    _check_offsets(offsets, [found[t][0] for t in FIELD_TAGS])

    raw = {"name": found[TAG_NAME][1], "address": found[TAG_ADDRESS][1],
           "birth_date": found[TAG_BIRTH][1], "sex": found[TAG_SEX][1]}
    return BasicFour(
        name=_text(raw["name"], "name"),
        address=_text(raw["address"], "address"),
        birth_date=_birth_date(raw["birth_date"]),
        sex_code=_sex(raw["sex"]),
        raw=raw,
    )


def _check_offsets(table: bytes | None, actual: list[int]) -> None:
    # The table is redundant with sequential parsing; a mismatch means a damaged file.
    if table is None:
        raise MalformedCardDataError("offset table DF21 missing")
    if len(table) != 8:
        raise MalformedCardDataError(f"offset table has {len(table)} bytes, expected 8")
    declared = [int.from_bytes(table[i:i + 2], "big") for i in range(0, 8, 2)]
    if declared != actual:
        raise MalformedCardDataError(f"offset table {declared} does not match tags at {actual}")


def _text(value: bytes, what: str) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedCardDataError(f"{what} is not valid UTF-8", raw_hex=value.hex(" ")) from None
    bad = control_character(text)
    if bad is not None:
        # The code point only: the text itself is personal data and never logged.
        raise MalformedCardDataError(f"{what} holds the control character {bad}")
    if not has_visible_text(text):
        raise MalformedCardDataError(f"{what} is empty")
    return text


def _birth_date(value: bytes) -> dt.date:
    if len(value) != 8 or not value.isdigit():
        raise MalformedCardDataError("birth date is not 8 ASCII digits")
    try:
        born = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise MalformedCardDataError("birth date is not a calendar date") from None
    if not FIRST_BIRTH_DATE <= born <= dt.date.today():
        raise MalformedCardDataError("birth date before 1868-01-25 or in the future")
    return born


def _sex(value: bytes) -> str:
    if len(value) != 1 or not 0x20 < value[0] < 0x7F:
        raise MalformedCardDataError("sex is not one printable ASCII character")
    return value.decode("ascii")


def _encode_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    if length < 0x100:
        return bytes([0x81, length])
    return bytes([0x82]) + length.to_bytes(2, "big")


def encode_basic_four(name: str, address: str, birth_date: dt.date, sex_code: str,
                      *, force_long_form: bool = False) -> bytes:
    """The EF 0002 object for these fields (used by the virtual card and tests)."""
    fields = [
        (TAG_NAME, name.encode("utf-8")),
        (TAG_ADDRESS, address.encode("utf-8")),
        (TAG_BIRTH, birth_date.strftime("%Y%m%d").encode("ascii")),
        (TAG_SEX, sex_code.encode("ascii")),
    ]
    encoded = [tag.to_bytes(2, "big") + _encode_length(len(v)) + v for tag, v in fields]
    inner_len = 2 + 1 + 8 + sum(len(e) for e in encoded)
    header_len = 2 + len(_encode_length(inner_len))
    if force_long_form and inner_len < 0x80:
        header_len = 2 + 2
    position = header_len + 2 + 1 + 8
    offsets = b""
    for item in encoded:
        offsets += position.to_bytes(2, "big")
        position += len(item)
    outer_len = (bytes([0x81, inner_len]) if force_long_form and inner_len < 0x80
                 else _encode_length(inner_len))
    return (TAG_OUTER.to_bytes(2, "big") + outer_len + bytes([0xDF, 0x21, 0x08]) + offsets
            + b"".join(encoded))
