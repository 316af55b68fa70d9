"""The reception case: a move and/or a life event, the people in it, their roles and answers.

This is the structure DESIGN.md's case file describes; the UI builds it, the store saves it and
the command line reads it. Plain Python: no Qt, no SQL. People are referred to by their index in
`members`; roles (世帯主, 届出人, guardian, the deceased, the spouses) are stated, never inferred
from a position, and `reorder` remaps every one of them together with the answers.
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from counter_app.domain.dates import DateKind, DateRangeError, check_date
from counter_app.domain.text import TextInputError, check_text, is_blank


class MoveKind(enum.StrEnum):
    MOVE_IN = "move_in"  # 転入
    MOVE_WITHIN = "move_within"  # 転居
    MOVE_OUT = "move_out"  # 転出

    @property
    def label(self) -> str:
        return {"move_in": "転入", "move_within": "転居", "move_out": "転出"}[self.value]


class EventKind(enum.StrEnum):
    DEATH = "death"
    BIRTH = "birth"
    MARRIAGE = "marriage"
    DIVORCE = "divorce"

    @property
    def label(self) -> str:
        return {"death": "おくやみ", "birth": "出生", "marriage": "婚姻",
                "divorce": "離婚"}[self.value]


class MemberSource(enum.StrEnum):
    CARD = "card"
    MANUAL = "manual"
    PREENTRY = "preentry"  # from the resident's QR code, until a card read confirms it

    @property
    def label(self) -> str:
        return {"card": "カード", "manual": "手入力", "preentry": "事前入力"}[self.value]


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    DISCARDED = "discarded"  # abandoned with a reason (resident left, started by mistake)


class ChecklistStatus(enum.StrEnum):
    PENDING = "pending"  # not yet addressed: the case cannot be closed
    DONE = "done"
    NOT_NEEDED = "not_needed"  # needs a reason
    LATER = "later"  # the resident will come back (it appears on the guide sheet)

    @property
    def label(self) -> str:
        return {"pending": "未対応", "done": "済", "not_needed": "不要",
                "later": "後日"}[self.value]


class Step(enum.StrEnum):
    """Where the reception stands, so a restarted counter resumes on the same screen."""

    MOVE = "move"  # 受付: the move or event and the people
    INTERVIEW = "interview"
    CHECKLIST = "checklist"


class Transfer(enum.StrEnum):
    """How a 転入 arrives: with a 転出証明書, or by 特例転入 with the My Number card."""

    NONE = ""
    CERTIFICATE = "certificate"
    CARD = "card"


FILER_RELATIONS = ("世帯主", "世帯員", "代理人", "使者")
MAX_MEMBERS = 30


@dataclass
class PrintRecord:
    """A form that left the counter: printed on a queue, or saved as a PDF (no printer).

    `fingerprint` is of the form's printed content: a later change to the case that changes
    the form makes it 未印刷 again."""

    form: str
    how: str  # "printed" or "saved"
    where: str  # the print queue, or the file name
    at: dt.datetime
    fingerprint: str = ""


@dataclass
class ChecklistEntry:
    status: ChecklistStatus = ChecklistStatus.PENDING
    reason: str = ""
    # Whom the mark was given for: if the procedure comes to concern other members, the mark
    # no longer holds (a second member joining 国保 after 済 must not pass unnoticed).
    members: tuple[int, ...] = ()


class CaseFormatError(ValueError):
    """A case document is malformed; `field` names the offending path (e.g. `members[1].sex`)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass
class Move:
    kind: MoveKind
    date: dt.date  # the day of moving; for 転出 the planned day (転出予定日)
    # On move_out, previous_address is the address in this city and new_address the destination.
    previous_address: str = ""
    new_address: str = ""
    previous_building: str = ""  # 方書 (building, room)
    new_building: str = ""
    new_postal_code: str = ""
    transfer: Transfer = Transfer.NONE  # move_in only
    certificate_city: str = ""  # the city that issued the 転出証明書
    certificate_date: dt.date | None = None

    @property
    def city_side(self) -> str:
        """Which of the two addresses is in this city: "new" after a 転入/転居, "previous"
        (where the household still lives) before a 転出."""
        return "previous" if self.kind is MoveKind.MOVE_OUT else "new"

    @property
    def city_address(self) -> str:
        return self.previous_address if self.city_side == "previous" else self.new_address

    @property
    def city_building(self) -> str:
        return self.previous_building if self.city_side == "previous" else self.new_building

    @property
    def other_address(self) -> str:
        """前住所 on a 転入/転居, 転出先 on a 転出."""
        return self.new_address if self.city_side == "previous" else self.previous_address

    @property
    def other_building(self) -> str:
        return self.new_building if self.city_side == "previous" else self.previous_building


@dataclass
class Event:
    """A life event (LIFE_EVENTS.md); its people are member indexes."""

    kind: EventKind
    date: dt.date
    subject: int | None = None  # death: the deceased
    known_date: dt.date | None = None  # death: the day the family learned of it
    spouses: tuple[int, int] | None = None  # marriage, divorce
    court: bool = False  # divorce by court decision (裁判・調停)


@dataclass
class Foreign:
    """外国人住民 items of the resident register; dates print in the Western calendar."""

    nationality: str = ""
    status: str = ""  # 在留資格
    period_end: dt.date | None = None  # 在留期間の満了日
    card_number: str = ""  # 在留カード等の番号
    category: str = ""  # 30条の45 区分 (中長期在留者, 特別永住者, …)
    alias: str = ""  # 通称


@dataclass
class Member:
    name: str
    birth_date: dt.date
    sex: str  # "male", "female", or the card's raw code shown as is
    relationship: str  # 続柄 of the resident-register standard, to the 世帯主 after the move
    source: MemberSource = MemberSource.MANUAL
    # The address the person comes with (the card's, for a card read). Empty when not known.
    address: str = ""
    kana: str = ""  # フリガナ in katakana, family and given name separated by a space
    registered_domicile: str = ""  # 本籍
    domicile_head: str = ""  # 筆頭者
    resident_code: str = ""  # 住民票コード (11 digits)
    foreign: Foreign | None = None
    moves: bool = True  # with a move: False for someone who takes part but stays
    newborn: bool = False
    guardian: int | None = None  # the 保護者 on child forms, when staff state one


@dataclass
class PersonRef:
    """Somebody a form names in a role: a member (by index) or a person who is not one."""

    member: int | None = None
    name: str = ""
    address: str = ""
    phone: str = ""
    relation: str = ""  # for a filer who is not a member: 世帯主 / 世帯員 / 代理人 / 使者


@dataclass
class Case:
    move: Move | None = None
    members: list[Member] = field(default_factory=list)
    # Fact key -> JSON value (bool, str, int). Keys follow PROCEDURES.md.
    answers: dict[str, Any] = field(default_factory=dict)
    event: Event | None = None
    head: PersonRef | None = None  # household.head: the 世帯主 after the move
    previous_head: PersonRef | None = None  # household.previous_head: of the household left
    filer: PersonRef | None = None  # the 届出人
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: CaseStatus = CaseStatus.OPEN
    step: Step = Step.MOVE
    filed_on: dt.date | None = None  # the day of the visit; deadlines "from filing" count from it
    checklist: dict[str, ChecklistEntry] = field(default_factory=dict)  # procedure id → entry
    prints: list[PrintRecord] = field(default_factory=list)  # every output, oldest first
    catalogue_version: int | None = None  # the published catalogue that decided this case
    # Answers the deciding catalogue no longer knows: kept aside and shown, never lost.
    set_aside: dict[str, Any] = field(default_factory=dict)
    discard_reason: str = ""
    # The stored copy this one was loaded from (0: never stored); the store's, not the file's.
    version: int = field(default=0, compare=False)

    @property
    def date(self) -> dt.date:
        """The case's own date: the move's, else the event's."""
        if self.move is not None:
            return self.move.date
        assert self.event is not None, "a case has a move or an event"
        return self.event.date

    def last_print(self, form: str) -> PrintRecord | None:
        return next((p for p in reversed(self.prints) if p.form == form), None)

    def copy(self) -> Case:
        return copy.deepcopy(self)

    # --- members and the indexes that point at them ------------------------------------------

    def reorder(self, old_at_new: list[int]) -> None:
        """Put the members in a new order (`old_at_new[n]` is the old index now at n); members
        not listed are removed. Answers, checklist marks and every role follow their member;
        a role held by a removed member is cleared."""
        new_index = {old: new for new, old in enumerate(old_at_new)}

        def remap(index: int | None) -> int | None:
            return None if index is None else new_index.get(index)

        self.members = [self.members[old] for old in old_at_new]
        for member in self.members:
            member.guardian = remap(member.guardian)
        for entry in self.checklist.values():
            entry.members = tuple(sorted(new_index[m] for m in entry.members if m in new_index))
        answers: dict[str, Any] = {}
        for key, value in self.answers.items():
            match = MEMBER_KEY.match(key)
            if not match:
                answers[key] = value
            elif int(match.group(1)) in new_index:
                answers[member_key(new_index[int(match.group(1))], match.group(2))] = value
        self.answers = answers
        for ref_name in ("head", "previous_head", "filer"):
            ref = getattr(self, ref_name)
            if ref is not None and ref.member is not None:
                moved = remap(ref.member)
                setattr(self, ref_name, None if moved is None else PersonRef(
                    moved, phone=ref.phone))
        if self.event is not None:
            self.event.subject = remap(self.event.subject)
            if self.event.spouses is not None:
                a, b = (remap(i) for i in self.event.spouses)
                self.event.spouses = (a, b) if a is not None and b is not None else None

    # --- the case file -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "status": self.status.value}
        if self.move is not None:
            data["move"] = _move_dict(self.move)
        if self.event is not None:
            data["event"] = _event_dict(self.event)
        household = {k: _ref_dict(v) for k, v in (("head", self.head),
                                                   ("previous_head", self.previous_head))
                     if v is not None}
        if household:
            data["household"] = household
        if self.filer is not None:
            data["filer"] = _ref_dict(self.filer, filer=True)
        data["members"] = [_member_dict(m) for m in self.members]
        data["answers"] = dict(self.answers)
        data["step"] = self.step.value
        data["filed_on"] = _iso(self.filed_on)
        data["checklist"] = {k: {"status": e.status.value, "reason": e.reason,
                                 "members": list(e.members)}
                             for k, e in self.checklist.items()}
        data["prints"] = [{"form": p.form, "how": p.how, "where": p.where,
                           "at": p.at.isoformat(), "fingerprint": p.fingerprint}
                          for p in self.prints]
        if self.catalogue_version is not None:
            data["catalogue_version"] = self.catalogue_version
        if self.set_aside:
            data["set_aside"] = dict(self.set_aside)
        if self.discard_reason:
            data["discard_reason"] = self.discard_reason
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Case:
        """Build a case from a case-file document, naming the first bad field on error.
        Keys the case file does not define (a test household's `expected`, a demo roster's
        `cards`) are ignored."""
        if not isinstance(data, dict):
            raise CaseFormatError("(root)", "expected a JSON object")
        move = _move(data["move"]) if data.get("move") is not None else None
        event = _event(data["event"]) if data.get("event") is not None else None
        if move is None and event is None:
            raise CaseFormatError("move", "a case needs a move, an event or both")
        members_data = data.get("members", [])
        if not isinstance(members_data, list):
            raise CaseFormatError("members", "expected a list")
        if len(members_data) > MAX_MEMBERS:
            raise CaseFormatError("members", f"at most {MAX_MEMBERS} members")
        members = [_member(m, f"members[{i}]") for i, m in enumerate(members_data)]
        answers = data.get("answers", {})
        if not isinstance(answers, dict):
            raise CaseFormatError("answers", "expected an object of fact keys")
        for key, value in answers.items():
            if not isinstance(value, bool | int | str):
                raise CaseFormatError(f"answers.{key}", "expected true/false, a number or a string")
            if isinstance(value, str):
                _checked(value, f"answers.{key}")
        case = cls(move=move, event=event, members=members, answers=dict(answers))
        household = data.get("household", {})
        if not isinstance(household, dict):
            raise CaseFormatError("household", "expected an object")
        if household.get("head") is not None:
            case.head = _ref(household["head"], "household.head")
        if household.get("previous_head") is not None:
            case.previous_head = _ref(household["previous_head"], "household.previous_head")
        if data.get("filer") is not None:
            case.filer = _ref(data["filer"], "filer", filer=True)
        if "id" in data:
            case.id = _text(data, "id", "id", required=True)
            if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", case.id):
                # It names files (packet-<id>.pdf): no path separators, nothing exotic.
                raise CaseFormatError("id", "letters, digits, - and _ only (at most 64)")
        if "status" in data:
            case.status = _enum(CaseStatus, data["status"], "status")
        if "step" in data:
            case.step = _enum(Step, data["step"], "step")
        if data.get("filed_on") is not None:
            case.filed_on = _date(data["filed_on"], "filed_on", DateKind.FILING)
        case.checklist = _checklist(data.get("checklist", {}))
        case.prints = _prints(data.get("prints", []))
        if data.get("catalogue_version") is not None:
            version = data["catalogue_version"]
            if not isinstance(version, int) or isinstance(version, bool) or version < 1:
                raise CaseFormatError("catalogue_version", "a version number (1, 2, …)")
            case.catalogue_version = version
        set_aside = data.get("set_aside", {})
        if not isinstance(set_aside, dict):
            raise CaseFormatError("set_aside", "expected an object of fact keys")
        case.set_aside = dict(set_aside)
        case.discard_reason = _text(data, "discard_reason", "discard_reason")
        _check_indexes(case)
        return case


MEMBER_KEY = re.compile(r"^member\.(\d+)\.(.+)$")


def member_key(index: int, fact: str) -> str:
    return f"member.{index}.{fact}"


def _check_indexes(case: Case) -> None:
    """Every role points at a member of the case."""
    count = len(case.members)

    def check(index: int | None, path: str) -> None:
        if index is not None and not 0 <= index < count:
            raise CaseFormatError(path, f"there is no member {index}")

    for ref, path in ((case.head, "household.head"), (case.previous_head,
                                                      "household.previous_head"),
                      (case.filer, "filer.member")):
        if ref is not None:
            check(ref.member, path)
    for i, member in enumerate(case.members):
        check(member.guardian, f"members[{i}].guardian")
        if member.guardian == i:
            raise CaseFormatError(f"members[{i}].guardian", "a member is not their own guardian")
    if case.event is not None:
        check(case.event.subject, "event.subject")
        if case.event.spouses is not None:
            for n, index in enumerate(case.event.spouses):
                check(index, f"event.spouses[{n}]")
    for key in case.answers:
        match = MEMBER_KEY.match(key)
        if match and int(match.group(1)) >= count:
            raise CaseFormatError(f"answers.{key}", f"there is no member {match.group(1)}")


# --- reading the case file -------------------------------------------------------------------


def _move(data: Any) -> Move:
    if not isinstance(data, dict):
        raise CaseFormatError("move", "expected an object")
    kind = _enum(MoveKind, _require(data, "kind", str, "move.kind"), "move.kind")
    move = Move(
        kind=kind,
        date=_date(_require(data, "date", str, "move.date"), "move.date", DateKind.MOVE),
        previous_address=_text(data, "previous_address", "move.previous_address"),
        new_address=_text(data, "new_address", "move.new_address"),
        previous_building=_text(data, "previous_building", "move.previous_building"),
        new_building=_text(data, "new_building", "move.new_building"),
        new_postal_code=_text(data, "new_postal_code", "move.new_postal_code"),
        transfer=_enum(Transfer, data.get("transfer", ""), "move.transfer"),
        certificate_city=_text(data, "certificate_city", "move.certificate_city"),
    )
    if data.get("certificate_date") is not None:
        move.certificate_date = _date(data["certificate_date"], "move.certificate_date",
                                      DateKind.CERTIFICATE)
    if move.transfer is not Transfer.NONE and kind is not MoveKind.MOVE_IN:
        raise CaseFormatError("move.transfer", "only a move_in arrives by certificate or card")
    return move


def _event(data: Any) -> Event:
    if not isinstance(data, dict):
        raise CaseFormatError("event", "expected an object")
    event = Event(
        kind=_enum(EventKind, _require(data, "kind", str, "event.kind"), "event.kind"),
        date=_date(_require(data, "date", str, "event.date"), "event.date", DateKind.EVENT),
    )
    if data.get("subject") is not None:
        event.subject = _index(data["subject"], "event.subject")
    if data.get("known_date") is not None:
        event.known_date = _date(data["known_date"], "event.known_date", DateKind.EVENT)
    if data.get("spouses") is not None:
        spouses = data["spouses"]
        if not isinstance(spouses, list) or len(spouses) != 2:
            raise CaseFormatError("event.spouses", "expected two member indexes")
        a, b = (_index(s, f"event.spouses[{n}]") for n, s in enumerate(spouses))
        if a == b:
            raise CaseFormatError("event.spouses", "two different members")
        event.spouses = (a, b)
    if "court" in data:
        event.court = _bool(data["court"], "event.court")
    if event.kind is EventKind.DEATH and event.subject is None:
        raise CaseFormatError("event.subject", "a death case names the deceased member")
    if event.kind in (EventKind.MARRIAGE, EventKind.DIVORCE) and event.spouses is None:
        raise CaseFormatError("event.spouses", "a marriage or divorce names the two spouses")
    return event


def _member(data: Any, path: str) -> Member:
    if not isinstance(data, dict):
        raise CaseFormatError(path, "expected an object")
    name = _text(data, "name", f"{path}.name", required=True).strip()
    if is_blank(name):
        raise CaseFormatError(f"{path}.name", "must not be empty")
    member = Member(
        name=name,
        birth_date=_date(_require(data, "birth_date", str, f"{path}.birth_date"),
                         f"{path}.birth_date", DateKind.BIRTH),
        sex=_text(data, "sex", f"{path}.sex", required=True),
        relationship=_text(data, "relationship", f"{path}.relationship", required=True),
        source=_enum(MemberSource, data.get("source", "manual"), f"{path}.source"),
        address=_text(data, "address", f"{path}.address"),
        kana=_text(data, "kana", f"{path}.kana"),
        registered_domicile=_text(data, "registered_domicile", f"{path}.registered_domicile"),
        domicile_head=_text(data, "domicile_head", f"{path}.domicile_head"),
        resident_code=_text(data, "resident_code", f"{path}.resident_code"),
    )
    if member.resident_code and not re.fullmatch(r"\d{11}", member.resident_code):
        raise CaseFormatError(f"{path}.resident_code", "住民票コード is 11 digits")
    if data.get("foreign") is not None:
        member.foreign = _foreign(data["foreign"], f"{path}.foreign")
    if "moves" in data:
        member.moves = _bool(data["moves"], f"{path}.moves")
    if "newborn" in data:
        member.newborn = _bool(data["newborn"], f"{path}.newborn")
    if data.get("guardian") is not None:
        member.guardian = _index(data["guardian"], f"{path}.guardian")
    return member


def _foreign(data: Any, path: str) -> Foreign:
    if not isinstance(data, dict):
        raise CaseFormatError(path, "expected an object")
    foreign = Foreign(
        nationality=_text(data, "nationality", f"{path}.nationality"),
        status=_text(data, "status", f"{path}.status"),
        card_number=_text(data, "card_number", f"{path}.card_number"),
        category=_text(data, "category", f"{path}.category"),
        alias=_text(data, "alias", f"{path}.alias"),
    )
    if data.get("period_end") is not None:
        foreign.period_end = _date(data["period_end"], f"{path}.period_end",
                                   DateKind.PERIOD_END)
    return foreign


def _ref(data: Any, path: str, filer: bool = False) -> PersonRef:
    """A member index, {"member": N, "phone": …}, or a person who is not a member."""
    if isinstance(data, int) and not isinstance(data, bool):
        return PersonRef(member=_index(data, path))
    if not isinstance(data, dict):
        raise CaseFormatError(path, "a member index or an object")
    phone = _text(data, "phone", f"{path}.phone")
    if data.get("member") is not None:
        return PersonRef(member=_index(data["member"], f"{path}.member"), phone=phone)
    name = _text(data, "name", f"{path}.name", required=True).strip()
    if is_blank(name):
        raise CaseFormatError(f"{path}.name", "must not be empty")
    ref = PersonRef(name=name, address=_text(data, "address", f"{path}.address"), phone=phone,
                    relation=_text(data, "relation", f"{path}.relation"))
    if filer and ref.relation and ref.relation not in FILER_RELATIONS:
        raise CaseFormatError(f"{path}.relation", f"one of {', '.join(FILER_RELATIONS)}")
    return ref


def _checklist(data: Any) -> dict[str, ChecklistEntry]:
    if not isinstance(data, dict):
        raise CaseFormatError("checklist", "expected an object of procedure ids")
    checklist = {}
    for procedure_id, entry in data.items():
        path = f"checklist.{procedure_id}"
        if not isinstance(entry, dict):
            raise CaseFormatError(path, "expected an object")
        members = entry.get("members", [])
        if not isinstance(members, list) or not all(
                isinstance(m, int) and not isinstance(m, bool) for m in members):
            raise CaseFormatError(f"{path}.members", "expected a list of member indices")
        checklist[procedure_id] = ChecklistEntry(
            _enum(ChecklistStatus, entry.get("status", "pending"), f"{path}.status"),
            _text(entry, "reason", f"{path}.reason"), tuple(members))
    return checklist


def _prints(data: Any) -> list[PrintRecord]:
    if isinstance(data, dict):  # the old shape: form id → last record
        data = [{"form": form, **record} for form, record in data.items()]
    if not isinstance(data, list):
        raise CaseFormatError("prints", "expected a list of print records")
    records = []
    for i, item in enumerate(data):
        path = f"prints[{i}]"
        if not isinstance(item, dict):
            raise CaseFormatError(path, "expected an object")
        try:
            at = dt.datetime.fromisoformat(_require(item, "at", str, f"{path}.at"))
        except ValueError:
            raise CaseFormatError(f"{path}.at", "an ISO date and time") from None
        records.append(PrintRecord(_text(item, "form", f"{path}.form", required=True),
                                   _text(item, "how", f"{path}.how", required=True),
                                   _text(item, "where", f"{path}.where"), at,
                                   _text(item, "fingerprint", f"{path}.fingerprint")))
    return records


def _require(data: dict, key: str, kind: type, path: str) -> Any:
    if key not in data:
        raise CaseFormatError(path, "is missing")
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CaseFormatError(path, f"expected {_KIND_NAMES.get(kind, kind.__name__)}")
    return value


def _checked(value: str, path: str) -> str:
    try:
        return check_text(value, path)
    except TextInputError as exc:
        raise CaseFormatError(path, str(exc)) from None


def _text(data: dict, key: str, path: str, required: bool = False) -> str:
    if required:
        return _checked(_require(data, key, str, path), path)
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise CaseFormatError(path, "expected a string")
    return _checked(value, path)


def _bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise CaseFormatError(path, "expected true or false")
    return value


def _index(value: Any, path: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise CaseFormatError(path, "expected a member index (0, 1, …)")
    return value


def _date(text: Any, path: str, kind: DateKind) -> dt.date:
    """An ISO date plausible for its kind. The messages never hold the date (it may be a birth
    date, and they reach the log)."""
    if not isinstance(text, str):
        raise CaseFormatError(path, "expected an ISO date (YYYY-MM-DD)")
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise CaseFormatError(path, "not an ISO date (YYYY-MM-DD)") from None
    try:
        # Recorded: a case saved years ago still loads; only the bounds that never move hold.
        return check_date(value, kind, dt.date.today(), recorded=True)
    except DateRangeError as exc:
        raise CaseFormatError(path, exc.english) from None


def _enum(kind: type[enum.StrEnum], value: Any, path: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(v.value or '""' for v in kind)
        raise CaseFormatError(path, f"{value!r} is not one of {allowed}") from None


_KIND_NAMES = {str: "a string", dict: "an object", list: "a list", int: "a number"}


# --- writing the case file -------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _move_dict(move: Move) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": move.kind.value, "date": move.date.isoformat(),
                            "previous_address": move.previous_address,
                            "new_address": move.new_address}
    for key in ("previous_building", "new_building", "new_postal_code", "certificate_city"):
        if getattr(move, key):
            data[key] = getattr(move, key)
    if move.transfer is not Transfer.NONE:
        data["transfer"] = move.transfer.value
    if move.certificate_date:
        data["certificate_date"] = move.certificate_date.isoformat()
    return data


def _event_dict(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": event.kind.value, "date": event.date.isoformat()}
    if event.subject is not None:
        data["subject"] = event.subject
    if event.known_date:
        data["known_date"] = event.known_date.isoformat()
    if event.spouses is not None:
        data["spouses"] = list(event.spouses)
    if event.court:
        data["court"] = True
    return data


def _ref_dict(ref: PersonRef, filer: bool = False) -> Any:
    if ref.member is not None:
        return {"member": ref.member, "phone": ref.phone} if filer or ref.phone else ref.member
    data = {"name": ref.name}
    for key in ("address", "phone", "relation"):
        if getattr(ref, key):
            data[key] = getattr(ref, key)
    return data


def _member_dict(member: Member) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": member.name, "birth_date": member.birth_date.isoformat(), "sex": member.sex,
        "relationship": member.relationship, "source": member.source.value,
        "address": member.address,
    }
    for key in ("kana", "registered_domicile", "domicile_head", "resident_code"):
        if getattr(member, key):
            data[key] = getattr(member, key)
    if member.foreign is not None:
        f = member.foreign
        data["foreign"] = {"nationality": f.nationality, "status": f.status,
                           "period_end": _iso(f.period_end), "card_number": f.card_number,
                           "category": f.category, "alias": f.alias}
    if not member.moves:
        data["moves"] = False
    if member.newborn:
        data["newborn"] = True
    if member.guardian is not None:
        data["guardian"] = member.guardian
    return data
