"""Demo mode's data: the roster of fictional households and their cards, and the reset.

The roster (`resources/demo/households/*.json`) is case files (DESIGN.md) plus
`"cards": [{"member", "pin", "tries", "fault", "code_b"}]` (`code_b`: the 照合番号B a deceased's
card is read with), which `determine` ignores, and an optional `"title"` for the trainer. Each
card is the card of one member: the simulated reader builds a virtual My Number card from the
member's four fields, so reading it fills in exactly what the file says. Together the households
trigger every procedure of the shipped catalogue (a test holds this as the catalogue grows).
Nothing here imports Qt.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from card_reader.virtual_card import (
    DEMO_FAULTS,
    LOCKED,
    MUTE,
    NOT_MY_NUMBER,
    PIN_TRIES,
    PULLED,
    CardHolder,
    VirtualMyNumberCard,
    with_demo_fault,
)
from counter_app.bundled import resource
from counter_app.domain import Case, CaseFormatError, MoveKind
from counter_app.domain.era import default_era_table
from counter_app.domain.facts import age
from counter_app.domain.text import display_name

if TYPE_CHECKING:
    from sqlalchemy import Engine

CARD_KEYS = {"member", "pin", "tries", "fault", "code_b"}
# What the trainer reads next to each card.
FAULT_NOTES = {LOCKED: "ロック済み：手入力の練習に", PULLED: "読み取り中にカードが離れる",
               NOT_MY_NUMBER: "マイナンバーカードではない", MUTE: "カードが応答しない"}
# Kept through a reset: the trainer's record of who trained on what.
KEPT_TABLES = ("alembic_version", "database_mode", "training_results")


class RosterError(ValueError):
    """A roster file is malformed: the message names the file and the field."""


@dataclass(frozen=True)
class RosterCard:
    """One card a trainer can place on the simulated reader."""

    key: str  # "<household>#<n>": stable while the files do not change
    household: str  # the household file's stem
    member: int
    name: str  # as on the card
    kana: str
    label: str  # 北見 太郎（世帯主・41歳）
    note: str  # 暗証番号 1234, and what the card is for
    holder: dict[str, Any]  # CardHolder fields with the fault applied (see virtual_card.py)

    @property
    def pin(self) -> str:
        return self.holder["pin"]

    @property
    def fault(self) -> str | None:
        return CardHolder.from_dict(self.holder).demo_fault

    def new_card(self) -> VirtualMyNumberCard:
        """A card as written in the file: PIN counter and faults as the roster states them."""
        return VirtualMyNumberCard(CardHolder.from_dict(self.holder))


# The reception page's demo reader knows the cards by this name.
DemoResident = RosterCard


@dataclass(frozen=True)
class RosterHousehold:
    key: str  # the file's stem
    title: str
    document: dict[str, Any]  # the case file as written (cards and title included)
    case: Case
    cards: tuple[RosterCard, ...]


def roster_dir() -> Traversable:
    return resource("demo", "households")


def load_roster(directory: Traversable | Path | None = None) -> list[RosterHousehold]:
    """Every household of the roster, in file-name order; a bad file raises RosterError."""
    directory = roster_dir() if directory is None else directory
    files = sorted((f for f in directory.iterdir() if f.name.endswith(".json")),
                   key=lambda f: f.name)
    return [_household(f.name.removesuffix(".json"), f.read_text(encoding="utf-8"))
            for f in files]


def load_demo_residents() -> list[RosterCard]:
    """Every card of the roster, household by household (the demo reader's list)."""
    return [card for household in load_roster() for card in household.cards]


def _household(key: str, text: str) -> RosterHousehold:
    try:
        document = json.loads(text)
        case = Case.from_dict(document)
    except json.JSONDecodeError as exc:
        raise RosterError(f"roster {key}: not JSON: {exc}") from None
    except CaseFormatError as exc:
        raise RosterError(f"roster {key}: {exc}") from None
    cards = document.get("cards", [])
    if not isinstance(cards, list):
        raise RosterError(f"roster {key}: cards: expected a list")
    title = document.get("title", "")
    if not isinstance(title, str):
        raise RosterError(f"roster {key}: title: expected a string")
    return RosterHousehold(key, title, document, case,
                           tuple(_card(key, n, case, c) for n, c in enumerate(cards)))


def _card(household: str, n: int, case: Case, data: Any) -> RosterCard:
    where = f"roster {household}: cards[{n}]"
    if not isinstance(data, dict):
        raise RosterError(f"{where}: expected an object")
    unknown = set(data) - CARD_KEYS
    if unknown:
        raise RosterError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    index = data.get("member")
    if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(
            case.members):
        raise RosterError(f"{where}.member: not a member of the household")
    fault = data.get("fault")
    if fault is not None and fault not in DEMO_FAULTS:
        raise RosterError(f"{where}.fault: one of {', '.join(DEMO_FAULTS)} or null")
    pin = data.get("pin", "0000" if fault == NOT_MY_NUMBER else None)
    if not isinstance(pin, str) or not re.fullmatch(r"[0-9]{4}", pin):
        raise RosterError(f"{where}.pin: four digits")
    tries = data.get("tries", PIN_TRIES)
    if not isinstance(tries, int) or isinstance(tries, bool) or not 0 <= tries <= PIN_TRIES:
        raise RosterError(f"{where}.tries: 0 to {PIN_TRIES}")
    member = case.members[index]
    code_b = data.get("code_b")  # the deceased's card, read with 照合番号B (おくやみ)
    if code_b is not None and not (isinstance(code_b, str) and re.fullmatch(r"[0-9]{14}", code_b)
                                   and code_b[:6] == _era_birth(member.birth_date)):
        raise RosterError(f"{where}.code_b: 14 digits, starting with the era birth date")
    address = card_address(case, index)
    if not address:
        raise RosterError(f"{where}: the member needs an address for the card")
    holder = with_demo_fault({"name": member.name, "address": address,
                              "birth_date": member.birth_date.isoformat(),
                              "sex": {"male": "1", "female": "2"}.get(member.sex, member.sex),
                              "pin": pin, "pin_tries_left": tries,
                              **({"code_b": code_b} if code_b else {})}, fault)
    try:
        CardHolder.from_dict(holder)  # fail at start-up, not when a trainer places the card
    except ValueError as exc:
        raise RosterError(f"{where}: {exc}") from None
    name = display_name(member.name)
    if fault == NOT_MY_NUMBER:
        label = f"交通系ICカード（{name}さんが出したもの）"
        note = "マイナンバーカードではないことの確認に"
    else:
        years = age(member.birth_date, case.date)
        label = f"{name}（{member.relationship}・{years}歳）"
        notes = [f"暗証番号 {pin}"]
        if holder["pin_tries_left"] == 0:
            notes.append(FAULT_NOTES[LOCKED])
        elif holder["pin_tries_left"] < PIN_TRIES:
            notes.append(f"残り{holder['pin_tries_left']}回")
        if fault in (PULLED, MUTE):
            notes.append(FAULT_NOTES[fault])
        if code_b:
            notes = [f"照合番号B：生年月日 {code_b[:6]}・有効期限 {code_b[6:10]}年・"
                     f"セキュリティコード {code_b[10:]}"]
        note = "・".join(notes)
    return RosterCard(f"{household}#{n}", household, index, member.name, member.kana, label,
                      note, holder)


def _era_birth(born: dt.date) -> str:
    era = default_era_table().to_era(born)
    return f"{era.year:02d}{era.month:02d}{era.day:02d}"


def card_address(case: Case, index: int) -> str:
    """The address printed on a member's card: where the member lives before the move (for a
    member who does not move, the city address), unless the file gives one."""
    member = case.members[index]
    if member.address:
        return member.address
    move = case.move
    if move is None:
        return ""
    if not member.moves and move.kind is MoveKind.MOVE_IN:
        return move.new_address
    return move.previous_address


# --- the demo database ---------------------------------------------------------------------


def clear_demo_database(engine: Engine) -> int:
    """Empty the demo database of everything but the training results, in one transaction:
    cases, audit and statistics go; returns how many cases were removed. Only for a database
    opened as a demo one (`open_database(url, DEMO)` refused anything else)."""
    from sqlalchemy import delete, func, select

    from counter_app.store.database import DEMO, WrongModeError, database_mode
    from counter_app.store.models import Base, CaseRow

    found = database_mode(engine)
    if found != DEMO:  # never empty a real counter's database, whoever calls this
        raise WrongModeError(engine.url, found, DEMO)
    with engine.begin() as conn:
        cases = conn.execute(select(func.count()).select_from(CaseRow)).scalar_one()
        for table in reversed(Base.metadata.sorted_tables):  # children before parents
            if table.name not in KEPT_TABLES:
                conn.execute(delete(table))
    return cases


def reset_demo(data_dir: Path) -> int:
    """The trainer's reset button: the demo database of `data_dir` back to a fresh one (the
    training results stay). Safe while the demo app has the database open; returns how many
    cases were removed. Raises the store's DatabaseError (WrongModeError for a database that
    is not a demo one)."""
    from counter_app.app import DB_FILE_NAME, DEMO_DIR_NAME, sqlite_url
    from counter_app.store import open_database
    from counter_app.store.database import DEMO

    sessions = open_database(sqlite_url(data_dir / DEMO_DIR_NAME / DB_FILE_NAME), DEMO)
    engine = sessions.kw["bind"]
    try:
        return clear_demo_database(engine)
    finally:
        engine.dispose()
