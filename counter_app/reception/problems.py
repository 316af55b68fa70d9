"""The print gate (DESIGN.md): what must be put right before a packet is printed, rendered or
the case closed. Each problem names the field (a case-file path) and says in Japanese what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from counter_app.domain import Case, MoveKind, roles
from counter_app.domain.text import display_name, is_blank
from counter_app.rules import Catalogue, Determination


@dataclass(frozen=True)
class Problem:
    path: str  # e.g. move.new_address, household.head, forms.resident_move.member.kana
    message_ja: str


class Gate(Protocol):
    """The packet's side of the print gate; the composition root builds it from the templates
    and the fonts (reception.gate.PrintGate)."""

    def __call__(self, case: Case, determination: Determination,
                 catalogue: Catalogue) -> list[Problem]:
        """The packet's own problems (required form fields, characters no font has) under the
        catalogue that decided the case."""

    def fingerprints(self, case: Case, determination: Determination,
                     catalogue: Catalogue) -> dict[str, str]:
        """What each form would print now, as digests to compare with the print records."""

_ADDRESS_LABELS = {
    MoveKind.MOVE_IN: ("前住所", "新住所"),
    MoveKind.MOVE_WITHIN: ("前住所（市内）", "新住所"),
    MoveKind.MOVE_OUT: ("現住所", "転出先の住所"),
}


def case_problems(case: Case, open_questions: int) -> list[Problem]:
    """Problems of the case itself, before any form is looked at."""
    found: list[Problem] = []
    if not case.members:
        return [Problem("members", "世帯員を登録してください（カードを読むか、F3で手入力）")]
    if case.move is not None:
        previous_label, new_label = _ADDRESS_LABELS[case.move.kind]
        if is_blank(case.move.previous_address):
            found.append(Problem("move.previous_address", f"{previous_label}を入力してください"))
        if is_blank(case.move.new_address):
            found.append(Problem("move.new_address", f"{new_label}を入力してください"))
    missing = [display_name(m.name) for m in case.members if not m.relationship]
    if missing:
        found.append(Problem("members.relationship", f"続柄を選んでください：{'、'.join(missing)}"))
    if roles.head(case) is None:
        if len(roles.head_candidates(case)) > 1:
            found.append(Problem("household.head",
                                 "世帯主が二人以上います。世帯主を一人に決めてください"))
        else:
            found.append(Problem("household.head", "世帯主を決めてください"))
    elif roles.filer(case) is None:
        found.append(Problem("filer", "届出人を選んでください（世帯主が異動しない場合）"))
    if open_questions:
        found.append(Problem("answers", f"聞き取りが終わっていません（残り{open_questions}問）"))
    return found


@dataclass(frozen=True)
class Place:
    """Where staff put a problem right: a page and what to open or focus there."""

    page: str  # "reception" or "interview"
    target: str  # "move.<field>", "roles", "details", "members", or "" (the page itself)


_ROLE_PATHS = ("household.head", "filer", "claimant", "guardian", "head", "phone")
# A form's people whose own fields (フリガナ, 本籍…) are put right in the member's details.
_PEOPLE = ("member", "person", "deceased", "new_head")
_MOVE_FIELDS = {"date": "move.date", "previous_address": "move.previous_address",
                "new_address": "move.new_address", "new_postal_code": "move.postal_code",
                "city_address": "move.city_address", "other_address": "move.other_address",
                "city_building": "move.city_address", "other_building": "move.other_address"}


def place_of(path: str) -> Place:
    """The place for a problem's case-file path (a form's own field paths included: a
    problem on `forms.<form>.member.kana` is put right in the member's details)."""
    if path.startswith("forms."):
        parts = path.split(".")[2:]  # after forms.<form key>
        if parts and parts[0].isdigit():
            parts = parts[1:]  # a per-person form's member index
        path = ".".join(parts)
    head, _, rest = path.partition(".")
    if head in ("answers", "facts"):
        return Place("interview", "")
    if head == "move":
        return Place("reception", _MOVE_FIELDS.get(rest.split(".")[0], "move.date"))
    if head == "event":
        return Place("reception", "event.subject" if rest == "subject" else "event.date")
    if path.startswith(_ROLE_PATHS):
        return Place("reception", "roles")
    if head in _PEOPLE and rest not in ("", "relationship"):
        return Place("reception", "details")
    if head in ("members", "member", "person", "glyphs"):
        return Place("reception", "members")
    return Place("reception", "")
