"""Demo mode's fictional residents: cards a trainer can place on the simulated reader."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from card_reader.virtual_card import CardHolder, VirtualMyNumberCard
from counter_app.bundled import resource


@dataclass(frozen=True)
class DemoResident:
    label: str
    note: str  # what the trainer needs to know: the PIN, or what this card is for
    card: dict[str, Any]  # CardHolder fields, as in the file

    def new_card(self) -> VirtualMyNumberCard:
        """A fresh card each time it is placed, so PIN counters start as written in the file."""
        return VirtualMyNumberCard(CardHolder.from_dict(self.card))


def load_demo_residents() -> list[DemoResident]:
    data = json.loads(resource("demo", "residents.json").read_text(encoding="utf-8"))
    residents = [DemoResident(r["label"], r.get("note", ""), r["card"])
                 for r in data["residents"]]
    for resident in residents:
        CardHolder.from_dict(resident.card)  # fail at start-up, not when a trainer clicks
    return residents
