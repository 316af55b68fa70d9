"""The pre-entry QR payload: what a resident entered at home, as text a barcode scanner types.

    MDP1<digits>

`MDP` (Madoguchi pre-entry) and the format version, then digits only. A keyboard-wedge scanner
types digits alike on every layout, with Caps Lock on and through a Japanese IME (full-width
digits are read back too), and QR numeric mode stores 3.33 bits per digit. The digits carry, in
order: the content (a compact JSON array, UTF-8) compressed with raw deflate, then the CRC-32 of
the prefix and the uncompressed content (4 bytes, big-endian). Bytes become digits 7 at a time
(56 bits as 17 digits; a shorter last group uses the fewest digits its bytes need).

Compact content, version 1 (a case-file subset: nothing else ever travels, and no My Number):

    [kind, "YYYYMMDD",
     previous_address, previous_building,
     new_postal_code, new_address, new_building,
     filer_member, filer_phone,
     [[name, kana, "YYYYMMDD", sex, relationship, answers], …],   1–10 members
     answers]

kind 1 move_in, 2 move_within, 3 move_out; sex 1 male, 2 female; answers are flat
[key, value, …] pairs in ascending key order, a key being the number of a well-known fact
(FACT_CODES) or the fact's name, a value true/false or a choice string. The web page
(`preentry/`) builds the same array; FACT_CODES reaches it through the exported city data.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import zlib
from typing import Any

from counter_app.domain.facts import RELATIONSHIPS
from counter_app.domain.kana import KanaInputError, check_kana

PREFIX = "MDP"
VERSION = 1
MAX_MEMBERS = 10
MAX_DIGITS = 7089  # the most digits one QR code holds (version 40-L, numeric mode)
MAX_CONTENT = 16384  # bytes of uncompressed content: ten members need about 1,500

# Facts of the shipped catalogue travel as numbers (a fact name costs 10–25 bytes, a number 1–2).
# Frozen for payload version 1: only appended to; a fact not listed travels by name.
FACT_CODES = (
    "move.from_abroad", "move.to_abroad", "move.other_prefecture", "household.has_dog",
    "household.has_moped", "household.school_district_changes", "card_held",
    "foreign_resident", "health_insurance", "pension_category", "care_certified",
    "disability_certificate", "pregnant", "needs_childcare", "wants_seal_registration",
    "seal_registered", "allowance_claimant",
)
KINDS = ("move_in", "move_within", "move_out")
SEXES = ("male", "female")

_GROUP_BYTES, _GROUP_DIGITS = 7, 17
# Digits of a last group of n bytes (the fewest that hold 256**n values); and back.
_TAIL_DIGITS = {0: 0} | {n: len(str(256**n - 1)) for n in range(1, _GROUP_BYTES)}
_TAIL_BYTES = {digits: n for n, digits in _TAIL_DIGITS.items()}

_CASE_KEY = re.compile(r"^(move|household)\.[a-z][a-z0-9_]{0,39}$")
_MEMBER_FACT = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MEMBER_KEY = re.compile(r"^member\.(\d{1,2})\.([a-z][a-z0-9_]{0,39})$")
_CHOICE = re.compile(r"^[a-z0-9_]{1,32}$")
_POSTAL = re.compile(r"^(\d{7})?$")
_PHONE = re.compile(r"^(0\d{1,4}-?\d{1,4}-?\d{3,4})?$")
_LONG_NUMBER = re.compile(r"\d{12,}")  # an individual number (My Number) is 12 digits
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIRST_BIRTH = dt.date(1868, 1, 25)  # 明治 as counted: nobody living was born before it

# The page allows 30 characters for each of family and given name: two plus a space fit.
_LIMITS = {"address": 120, "building": 60, "name": 80, "kana": 80}


class PreEntryError(ValueError):
    """A code that cannot be used: `message_ja` for staff, `str()` the English reason.

    Reasons name fields, never their values, so they may be logged."""

    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


def _foreign(reason: str) -> PreEntryError:
    return PreEntryError(reason, "事前入力のQRコードではありません。")


def _damaged(reason: str) -> PreEntryError:
    return PreEntryError(reason,
                         "QRコードを正しく読み取れませんでした。もう一度読み取ってください。")


def _invalid(reason: str) -> PreEntryError:
    return PreEntryError(reason, "QRコードの内容に誤りがあります。窓口で入力し直してください。")


# --- encode ------------------------------------------------------------------------------------


def encode(case: dict[str, Any]) -> str:
    """The payload of a case file's pre-entry subset; other keys of the case file are left out.

    Raises PreEntryError if the subset would not be accepted by `decode`."""
    subset = _subset(case)
    check_case(subset)
    content = _to_json(_compact(subset))
    return f"{PREFIX}{VERSION}" + _digits(_deflate(content) + _crc(content))


def _subset(case: Any) -> dict[str, Any]:
    """The case-file keys that travel, with empty strings where optional text is absent."""
    if not isinstance(case, dict):
        raise _invalid("case: expected an object")
    move = case.get("move")
    members = case.get("members")
    if not isinstance(move, dict):
        raise _invalid("move: expected an object")
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise _invalid("members: expected a list of objects")
    head = next((i for i, m in enumerate(members) if m.get("relationship") == "世帯主"), 0)
    filer = case.get("filer", {"member": head, "phone": ""})  # absent: the 世帯主 (DESIGN.md)
    if not isinstance(filer, dict) or set(filer) - {"member", "phone"}:
        raise _invalid("filer: only {\"member\": N, \"phone\": …} can be pre-entered")
    move_keys = ("kind", "date", "previous_address", "previous_building", "new_postal_code",
                 "new_address", "new_building")
    return {
        "move": {k: move.get(k, "") for k in move_keys},
        "members": [{"name": m.get("name"), "kana": m.get("kana", ""),
                     "birth_date": m.get("birth_date"), "sex": m.get("sex"),
                     "relationship": m.get("relationship"), "source": "preentry"}
                    for m in members],
        "filer": {"member": filer.get("member"), "phone": filer.get("phone", "")},
        "answers": case.get("answers", {}),
    }


def _compact(case: dict[str, Any]) -> list[Any]:
    move = case["move"]
    member_answers: list[dict[str, Any]] = [{} for _ in case["members"]]
    case_answers: dict[str, Any] = {}
    for key, value in case["answers"].items():
        match = _MEMBER_KEY.match(key)
        if match:
            member_answers[int(match.group(1))][match.group(2)] = value
        else:
            case_answers[key] = value
    members = [[m["name"], m["kana"], _compact_date(m["birth_date"]), SEXES.index(m["sex"]) + 1,
                m["relationship"], _pairs(answers)]
               for m, answers in zip(case["members"], member_answers, strict=True)]
    return [KINDS.index(move["kind"]) + 1, _compact_date(move["date"]),
            move["previous_address"], move["previous_building"],
            move["new_postal_code"], move["new_address"], move["new_building"],
            case["filer"]["member"], case["filer"]["phone"], members, _pairs(case_answers)]


def _pairs(answers: dict[str, Any]) -> list[Any]:
    keyed = [(FACT_CODES.index(k) if k in FACT_CODES else k, v) for k, v in answers.items()]
    keyed.sort(key=_pair_order)
    return [item for pair in keyed for item in pair]


def _pair_order(pair: tuple[int | str, Any]) -> tuple[int, int, str]:
    key = pair[0]
    return (0, key, "") if isinstance(key, int) else (1, 0, key)


def _compact_date(iso: str) -> str:
    return iso.replace("-", "")


def _to_json(compact: list[Any]) -> bytes:
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _deflate(content: bytes) -> bytes:
    # Level 6, raw, 32 KiB window: what browsers' CompressionStream('deflate-raw') writes too.
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def _crc(content: bytes) -> bytes:
    return zlib.crc32(f"{PREFIX}{VERSION}".encode("ascii") + content).to_bytes(4, "big")


def _digits(data: bytes) -> str:
    parts = []
    for start in range(0, len(data), _GROUP_BYTES):
        group = data[start:start + _GROUP_BYTES]
        width = _GROUP_DIGITS if len(group) == _GROUP_BYTES else _TAIL_DIGITS[len(group)]
        parts.append(str(int.from_bytes(group, "big")).zfill(width))
    return "".join(parts)


# --- decode ------------------------------------------------------------------------------------


def decode(text: str, catalogue: Any = None) -> dict[str, Any]:
    """The case-file subset a payload holds; members are marked `"source": "preentry"`.

    With a catalogue (counter_app.rules.Catalogue), every answer must be an askable fact of it
    with a value of the fact's type. Raises PreEntryError; nothing is returned half-checked."""
    if not isinstance(text, str):
        raise _foreign("payload: expected text")
    # A Japanese IME left on types full-width characters; Caps Lock types lower case.
    typed = unicodedata.normalize("NFKC", text).strip().upper()
    if not typed.startswith(PREFIX):
        raise _foreign(f"payload does not start with {PREFIX}")
    version, body = typed[len(PREFIX):len(PREFIX) + 1], typed[len(PREFIX) + 1:]
    if not version.isdigit():
        raise _foreign(f"payload has no version after {PREFIX}")
    if int(version) != VERSION:
        raise PreEntryError(f"payload version {version} is not supported (this app reads "
                            f"version {VERSION})",
                            "このQRコードの形式には対応していません。アプリの更新が必要です。")
    if not body.isascii() or not body.isdigit():
        raise _damaged("payload holds characters other than digits")
    if len(body) > MAX_DIGITS:
        raise _damaged(f"payload is longer than a QR code holds ({len(body)} digits)")
    data = _bytes(body)
    if len(data) < 5:
        raise _damaged("payload is too short")
    content = _inflate(data[:-4])
    if _crc(content) != data[-4:]:
        raise _damaged("checksum does not match: the code is damaged or was changed")
    try:
        compact = json.loads(content.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _invalid(f"content is not JSON: {type(exc).__name__}") from None
    case = _expand(compact)
    check_case(case, catalogue)
    return case


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def _bytes(digits: str) -> bytes:
    full, tail = divmod(len(digits), _GROUP_DIGITS)
    if tail not in _TAIL_BYTES:
        raise _damaged(f"payload length {len(digits)} is not a possible length")
    out = bytearray()
    for i in range(full + 1):
        group = digits[i * _GROUP_DIGITS:(i + 1) * _GROUP_DIGITS]
        size = _GROUP_BYTES if i < full else _TAIL_BYTES[tail]
        value = int(group) if group else 0
        if value >= 256**size:
            raise _damaged("payload digits out of range")
        out += value.to_bytes(size, "big")
    return bytes(out)


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        content = inflater.decompress(data, MAX_CONTENT + 1)
    except zlib.error as exc:
        raise _damaged(f"compressed data is damaged: {exc}") from None
    if len(content) > MAX_CONTENT:
        raise _damaged(f"content is larger than {MAX_CONTENT} bytes")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise _damaged("compressed data is cut short or followed by other data")
    return content


def _expand(compact: Any) -> dict[str, Any]:
    """The case-file subset from the compact array, checking every type on the way."""
    if not isinstance(compact, list) or len(compact) != 11:
        raise _invalid("content: expected an array of 11 items")
    (kind, date, previous_address, previous_building, new_postal, new_address,
     new_building, filer_member, phone, members_data, answers_data) = compact
    if not _is_int(kind) or not 1 <= kind <= len(KINDS):
        raise _invalid("move.kind: not a known move")
    for name, value in (("move.date", date),
                        ("move.previous_address", previous_address),
                        ("move.previous_building", previous_building),
                        ("move.new_postal_code", new_postal), ("move.new_address", new_address),
                        ("move.new_building", new_building), ("filer.phone", phone)):
        if not isinstance(value, str):
            raise _invalid(f"{name}: expected a string")
    if not _is_int(filer_member):
        raise _invalid("filer.member: expected a member number")
    if not isinstance(members_data, list) or not isinstance(answers_data, list):
        raise _invalid("content: members and answers are arrays")
    if not 1 <= len(members_data) <= MAX_MEMBERS:
        raise _invalid(f"members: 1 to {MAX_MEMBERS} people, not {len(members_data)}")
    answers = _answers(answers_data, "answers", None)
    members = []
    for i, member in enumerate(members_data):
        where = f"members[{i}]"
        if not isinstance(member, list) or len(member) != 6:
            raise _invalid(f"{where}: expected an array of 6 items")
        name, kana, birth, sex, relationship, member_answers = member
        for field, value in (("name", name), ("kana", kana), ("birth_date", birth),
                             ("relationship", relationship)):
            if not isinstance(value, str):
                raise _invalid(f"{where}.{field}: expected a string")
        if not _is_int(sex) or not 1 <= sex <= len(SEXES):
            raise _invalid(f"{where}.sex: not a known sex")
        if not isinstance(member_answers, list):
            raise _invalid(f"{where}: answers are an array")
        members.append({"name": name, "kana": kana, "birth_date": _iso_date(birth, where),
                        "sex": SEXES[sex - 1], "relationship": relationship,
                        "source": "preentry"})
        answers.update(_answers(member_answers, f"{where}.answers", i))
    return {
        "move": {"kind": KINDS[kind - 1], "date": _iso_date(date, "move.date"),
                 "previous_address": previous_address,
                 "previous_building": previous_building, "new_postal_code": new_postal,
                 "new_address": new_address, "new_building": new_building},
        "members": members,
        "filer": {"member": filer_member, "phone": phone},
        "answers": answers,
    }


def _answers(pairs: list[Any], where: str, member: int | None) -> dict[str, Any]:
    if len(pairs) % 2 or len(pairs) > 2 * len(FACT_CODES) + 40:
        raise _invalid(f"{where}: expected key/value pairs")
    answers: dict[str, Any] = {}
    previous: tuple[int, int, str] | None = None
    for key, value in zip(pairs[::2], pairs[1::2], strict=True):
        if _is_int(key) and 0 <= key < len(FACT_CODES):
            fact = FACT_CODES[key]
        elif isinstance(key, str) and key not in FACT_CODES:
            fact = key
        else:
            raise _invalid(f"{where}: a key that is not a fact")
        # Reasons name a fact only when it looks like one: a made-up key may hold anything.
        shown = fact if _CASE_KEY.match(fact) or _MEMBER_FACT.match(fact) else "a key"
        order = _pair_order((key, value))
        if previous is not None and order <= previous:
            raise _invalid(f"{where}: keys out of order or repeated at {shown}")
        previous = order
        if not (_CASE_KEY if member is None else _MEMBER_FACT).match(fact):
            raise _invalid(f"{where}: {shown} is not a fact of this scope")
        answers[fact if member is None else f"member.{member}.{fact}"] = value
    return answers


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _iso_date(compact: str, where: str) -> str:
    if not re.fullmatch(r"\d{8}", compact):
        raise _invalid(f"{where}: not a date")
    return f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"


# --- the rules every pre-entered case keeps (encode and decode alike) ----------------------------


def check_case(case: dict[str, Any], catalogue: Any = None) -> None:
    """Raise PreEntryError unless `case` is a pre-entry subset the counter may take in."""
    move, members, filer = case["move"], case["members"], case["filer"]
    if move["kind"] not in KINDS:
        raise _invalid(f"move.kind: not one of {', '.join(KINDS)}")
    moved = _date(move["date"], "move.date")
    if not 2000 <= moved.year <= 2099:
        raise _invalid("move.date: not a plausible move date (2000–2099)")
    for side in ("previous", "new"):
        _text(move[f"{side}_address"], f"move.{side}_address", _LIMITS["address"], True)
        _text(move[f"{side}_building"], f"move.{side}_building", _LIMITS["building"], False)
    code = move["new_postal_code"]
    if not isinstance(code, str) or not _POSTAL.match(code):
        raise _invalid("move.new_postal_code: not 7 digits")
    if not isinstance(members, list) or not 1 <= len(members) <= MAX_MEMBERS:
        raise _invalid(f"members: 1 to {MAX_MEMBERS} people")
    for i, member in enumerate(members):
        where = f"members[{i}]"
        _text(member["name"], f"{where}.name", _LIMITS["name"], True)
        kana = _text(member["kana"], f"{where}.kana", _LIMITS["kana"], True)
        try:
            check_kana(kana)  # the counter's own rule for フリガナ
        except KanaInputError:
            raise _invalid(f"{where}.kana: katakana only, words apart by one full-width "
                           "space") from None
        born = _date(member["birth_date"], f"{where}.birth_date")
        if not _FIRST_BIRTH <= born <= moved:
            raise _invalid(f"{where}.birth_date: not between {_FIRST_BIRTH} and the move date")
        if member["sex"] not in SEXES:
            raise _invalid(f"{where}.sex: not one of {', '.join(SEXES)}")
        if member["relationship"] not in RELATIONSHIPS:
            raise _invalid(f"{where}.relationship: not a 続柄 of the resident register")
    if not _is_int(filer["member"]) or not 0 <= filer["member"] < len(members):
        raise _invalid("filer.member: there is no such member")
    phone = filer["phone"]
    if not isinstance(phone, str) or not _PHONE.match(phone) or (
            phone and len(phone.replace("-", "")) not in (10, 11)):
        raise _invalid("filer.phone: not a Japanese phone number (10 or 11 digits)")
    answers = case["answers"]
    if not isinstance(answers, dict):
        raise _invalid("answers: expected an object")
    for key, value in answers.items():
        _check_answer(key, value, len(members), catalogue)


def _check_answer(key: Any, value: Any, members: int, catalogue: Any) -> None:
    where = f"answers.{key}"
    match = _MEMBER_KEY.match(key) if isinstance(key, str) else None
    if match:
        if int(match.group(1)) >= members:
            raise _invalid(f"{where}: there is no member {match.group(1)}")
        fact, scope = match.group(2), "member"
    elif isinstance(key, str) and _CASE_KEY.match(key):
        fact, scope = key, "case"
    else:
        raise _invalid(f"{where}: not a fact key")
    if not isinstance(value, bool) and not (isinstance(value, str) and _CHOICE.match(value)):
        raise _invalid(f"{where}: expected true, false or a choice")
    if _LONG_NUMBER.search(f"{key} {value}"):
        raise _invalid(f"{where}: holds a number of 12 or more digits (never a My Number)")
    if catalogue is None:
        return
    spec = catalogue.facts.get(fact)
    if spec is None or spec.scope != scope or not spec.askable:
        raise _invalid(f"{where}: not a question of this city's catalogue")
    if not spec.accepts(value):
        raise _invalid(f"{where}: not an answer to {fact}")


def _text(value: Any, where: str, limit: int, required: bool) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{where}: expected a string")
    if required and not value.strip():
        raise _invalid(f"{where}: must not be empty")
    if len(value) > limit:
        raise _invalid(f"{where}: longer than {limit} characters")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in value):
        raise _invalid(f"{where}: holds control characters")
    if _LONG_NUMBER.search(unicodedata.normalize("NFKC", value)):
        raise _invalid(f"{where}: holds a number of 12 or more digits (never a My Number)")
    return value


def _date(value: Any, where: str) -> dt.date:
    if not isinstance(value, str) or not _DATE.match(value):
        raise _invalid(f"{where}: not an ISO date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _invalid(f"{where}: not a date of the calendar") from None
