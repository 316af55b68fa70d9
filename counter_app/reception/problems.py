"""The print gate (DESIGN.md): what must be put right before a packet is printed, rendered or
the case closed. Each problem names the field (a case-file path) and says in Japanese what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from counter_app.domain import Case, MoveKind, roles
from counter_app.domain.text import display_name, is_blank
from counter_app.rules import Determination


@dataclass(frozen=True)
class Problem:
    path: str  # e.g. move.new_address, household.head, forms.resident_move.member.kana
    message_ja: str


class Gate(Protocol):
    """The packet's side of the print gate; the composition root builds it from the templates
    and the fonts (reception.gate.PrintGate)."""

    def __call__(self, case: Case, determination: Determination) -> list[Problem]:
        """The packet's own problems: required form fields, characters no font has."""

    def fingerprints(self, case: Case, determination: Determination) -> dict[str, str]:
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
