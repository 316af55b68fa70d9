"""The reception case: one move, the moving household and the interview answers.

This is the structure DESIGN.md's case file describes; the UI builds it, the store saves it and
the command line reads it. Plain Python: no Qt, no SQL.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any


class MoveKind(enum.StrEnum):
    MOVE_IN = "move_in"  # 転入
    MOVE_WITHIN = "move_within"  # 転居
    MOVE_OUT = "move_out"  # 転出

    @property
    def label(self) -> str:
        return {"move_in": "転入", "move_within": "転居", "move_out": "転出"}[self.value]


class MemberSource(enum.StrEnum):
    CARD = "card"
    MANUAL = "manual"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


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

    MOVE = "move"
    INTERVIEW = "interview"
    CHECKLIST = "checklist"


@dataclass
class PrintRecord:
    """A form that left the counter: printed on a queue, or saved as a PDF (no printer)."""

    how: str  # "printed" or "saved"
    where: str  # the print queue, or the file name
    at: dt.datetime


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
    date: dt.date
    previous_address: str = ""
    new_address: str = ""


@dataclass
class Member:
    name: str
    birth_date: dt.date
    sex: str  # "male", "female", or the card's raw code shown as is
    relationship: str  # 続柄 of the resident-register standard
    source: MemberSource = MemberSource.MANUAL
    # The address the person comes with (the card's, for a card read): on a move-in it is the
    # previous address. Empty when not known.
    address: str = ""


@dataclass
class Case:
    move: Move
    members: list[Member] = field(default_factory=list)
    # Fact key -> JSON value (bool, str, int). Keys follow PROCEDURES.md.
    answers: dict[str, Any] = field(default_factory=dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    status: CaseStatus = CaseStatus.OPEN
    step: Step = Step.MOVE
    filed_on: dt.date | None = None  # the day of the visit; deadlines "from filing" count from it
    checklist: dict[str, ChecklistEntry] = field(default_factory=dict)  # procedure id → entry
    prints: dict[str, PrintRecord] = field(default_factory=dict)  # form id → last print

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status.value,
            "move": {
                "kind": self.move.kind.value,
                "date": self.move.date.isoformat(),
                "previous_address": self.move.previous_address,
                "new_address": self.move.new_address,
            },
            "members": [
                {
                    "name": m.name,
                    "birth_date": m.birth_date.isoformat(),
                    "sex": m.sex,
                    "relationship": m.relationship,
                    "source": m.source.value,
                    "address": m.address,
                }
                for m in self.members
            ],
            "answers": dict(self.answers),
            "step": self.step.value,
            "filed_on": self.filed_on.isoformat() if self.filed_on else None,
            "checklist": {k: {"status": e.status.value, "reason": e.reason,
                              "members": list(e.members)}
                          for k, e in self.checklist.items()},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Case:
        """Build a case from a case-file document, naming the first bad field on error."""
        if not isinstance(data, dict):
            raise CaseFormatError("(root)", "expected a JSON object")
        move_data = _require(data, "move", dict, "move")
        move = Move(
            kind=_enum(MoveKind, _require(move_data, "kind", str, "move.kind"), "move.kind"),
            date=_date(_require(move_data, "date", str, "move.date"), "move.date"),
            previous_address=_optional_str(move_data, "previous_address", "move"),
            new_address=_optional_str(move_data, "new_address", "move"),
        )
        members_data = data.get("members", [])
        if not isinstance(members_data, list):
            raise CaseFormatError("members", "expected a list")
        members = [_member(m, f"members[{i}]") for i, m in enumerate(members_data)]
        answers = data.get("answers", {})
        if not isinstance(answers, dict):
            raise CaseFormatError("answers", "expected an object of fact keys")
        for key, value in answers.items():
            if not isinstance(value, bool | int | str):
                raise CaseFormatError(f"answers.{key}", "expected true/false, a number or a string")
        case = cls(move=move, members=members, answers=dict(answers))
        if "id" in data:
            case.id = _require(data, "id", str, "id")
        if "status" in data:
            case.status = _enum(CaseStatus, _require(data, "status", str, "status"), "status")
        if "step" in data:
            case.step = _enum(Step, _require(data, "step", str, "step"), "step")
        if data.get("filed_on") is not None:
            case.filed_on = _date(_require(data, "filed_on", str, "filed_on"), "filed_on")
        checklist = data.get("checklist", {})
        if not isinstance(checklist, dict):
            raise CaseFormatError("checklist", "expected an object of procedure ids")
        for procedure_id, entry in checklist.items():
            path = f"checklist.{procedure_id}"
            if not isinstance(entry, dict):
                raise CaseFormatError(path, "expected an object")
            members = entry.get("members", [])
            if not isinstance(members, list) or not all(isinstance(m, int) for m in members):
                raise CaseFormatError(f"{path}.members", "expected a list of member indices")
            case.checklist[procedure_id] = ChecklistEntry(
                _enum(ChecklistStatus, entry.get("status", "pending"), f"{path}.status"),
                _optional_str(entry, "reason", path), tuple(members))
        return case


def _member(data: Any, path: str) -> Member:
    if not isinstance(data, dict):
        raise CaseFormatError(path, "expected an object")
    name = _require(data, "name", str, f"{path}.name").strip()
    if not name:
        raise CaseFormatError(f"{path}.name", "must not be empty")
    return Member(
        name=name,
        birth_date=_date(_require(data, "birth_date", str, f"{path}.birth_date"),
                         f"{path}.birth_date"),
        sex=_require(data, "sex", str, f"{path}.sex"),
        relationship=_require(data, "relationship", str, f"{path}.relationship"),
        source=_enum(MemberSource, data.get("source", "manual"), f"{path}.source"),
        address=_optional_str(data, "address", path),
    )


def _require(data: dict, key: str, kind: type, path: str) -> Any:
    if key not in data:
        raise CaseFormatError(path, "is missing")
    value = data[key]
    if not isinstance(value, kind):
        raise CaseFormatError(path, f"expected {_KIND_NAMES.get(kind, kind.__name__)}")
    return value


def _optional_str(data: dict, key: str, parent: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise CaseFormatError(f"{parent}.{key}", "expected a string")
    return value


def _date(text: str, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CaseFormatError(path, f"not an ISO date (YYYY-MM-DD): {text!r}") from None


def _enum(kind: type[enum.StrEnum], value: Any, path: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(v.value for v in kind)
        raise CaseFormatError(path, f"{value!r} is not one of {allowed}") from None


_KIND_NAMES = {str: "a string", dict: "an object", list: "a list"}
