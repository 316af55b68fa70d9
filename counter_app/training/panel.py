"""The trainer's card panel, without the widgets: find a roster card, place it on the simulated
reader, watch and set its PIN and tries, provoke card and reader faults.

Each roster card is one live `VirtualMyNumberCard` for the whole session: a PIN spent or a lock
stays until the trainer sets the card again or resets the panel, as with a real card. Cards are
placed by their key, chosen from a search (or by a search that leaves exactly one card), never
by a position in a list, so a slip of the mouse cannot put the wrong resident's card on the
reader and spend a try of theirs. Every change is reported as the PresenceEvent a real reader's
monitor would give, for the reception page to react the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from card_reader.monitor import INSERTED, READERS, REMOVED, SERVICE_DOWN, PresenceEvent
from card_reader.sources import ATTACHED, NO_READER, UNPLUGGED, VirtualCardSource
from card_reader.virtual_card import VirtualMyNumberCard
from counter_app.demo import RosterCard
from counter_app.domain.kana import normalize_kana

_IGNORED = re.compile("[\\s\u3000\ufe00-\ufe0f\U000e0100-\U000e01ef]")


class PanelError(ValueError):
    """A choice the panel cannot make; `message_ja` is for the trainer."""

    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


@dataclass(frozen=True)
class CardState:
    """What the panel shows for one card, read from the live card."""

    key: str
    label: str
    note: str  # as the roster wrote it
    pin: str
    tries_left: int
    fault: str | None  # card_reader.virtual_card.DEMO_FAULTS, or None
    on_reader: bool


def search_key(text: str) -> str:
    """Text as the search compares it: width, case, hiragana/katakana, spaces and variation
    selectors do not matter (きたみ finds 北見 太郎 by his kana)."""
    return _IGNORED.sub("", normalize_kana(unicodedata.normalize("NFKC", text))).casefold()


class CardPanel:
    def __init__(self, cards: Sequence[RosterCard], reader: VirtualCardSource,
                 on_event: Callable[[PresenceEvent], None] | None = None,
                 titles: dict[str, str] | None = None) -> None:
        """`titles`: household key → title, searchable too (「転出」 finds every 転出)."""
        self._cards = {card.key: card for card in cards}
        self._reader = reader
        self._on_event = on_event or (lambda _event: None)
        self._titles = titles or {}
        self._live: dict[str, VirtualMyNumberCard] = {}
        self._placed: str | None = None
        self.reset()

    # --- finding and placing -----------------------------------------------------------------

    def search(self, query: str) -> list[RosterCard]:
        """The cards whose label, name, kana, note or household title hold `query`; every
        card for an empty query, in roster order."""
        wanted = search_key(query)
        return [card for card in self._cards.values()
                if wanted in search_key(" ".join((card.label, card.name, card.kana, card.note,
                                                  self._titles.get(card.household, ""))))]

    def place(self, key: str) -> CardState:
        """Put this card on the reader (taking off the one there)."""
        if key not in self._cards:
            raise PanelError(f"no roster card {key!r}", "そのカードは名簿にありません")
        self._reader.place(self._live[key])
        self._placed = key
        self._on_event(PresenceEvent(INSERTED, self._reader.label))
        return self.state(key)

    def place_only_match(self, query: str) -> CardState:
        """Place the card a search finds, only if it finds exactly one."""
        found = self.search(query)
        if len(found) != 1:
            raise PanelError(f"{len(found)} cards match", "カードが1枚に絞れていません"
                             if found else "該当するカードがありません")
        return self.place(found[0].key)

    def take_off(self) -> None:
        self._reader.remove()
        self._placed = None
        self._on_event(PresenceEvent(REMOVED, self._reader.label))

    @property
    def placed(self) -> str | None:
        """The key of the card on the reader (None when the reader is empty)."""
        return self._placed if self._reader.card is not None else None

    # --- reading and setting a card ----------------------------------------------------------

    def state(self, key: str) -> CardState:
        card, live = self._cards[key], self._live[key]
        return CardState(key, card.label, card.note, live.holder.pin, live.pin_tries_left,
                         live.holder.demo_fault, self.placed == key)

    def states(self) -> list[CardState]:
        return [self.state(key) for key in self._cards]

    def set_pin(self, key: str, pin: str) -> CardState:
        self._live[key].set_pin(pin)
        return self.state(key)

    def set_tries(self, key: str, tries: int) -> CardState:
        self._live[key].set_pin_tries(tries)
        return self.state(key)

    def provoke(self, key: str, fault: str | None) -> CardState:
        """From the card's next APDU on: `locked`, `pulled` (at the next READ BINARY, after the
        PIN was verified), `not_my_number`, `mute`; None clears the fault."""
        self._live[key].set_fault(fault)
        return self.state(key)

    # --- the reader ---------------------------------------------------------------------------

    @property
    def reader_state(self) -> str:
        return self._reader.state

    def set_reader(self, state: str) -> None:
        """ATTACHED, NO_READER or UNPLUGGED (card_reader.sources), reported as the monitor of a
        real reader reports it."""
        self._reader.set_state(state)
        if state == UNPLUGGED:
            self._on_event(PresenceEvent(SERVICE_DOWN))
        elif state == NO_READER:
            self._on_event(PresenceEvent(READERS, readers=()))
        else:
            self._on_event(PresenceEvent(READERS, readers=(self._reader.label,)))

    def reset(self) -> None:
        """Every card as the roster writes it, nothing on the reader, the reader attached."""
        self._live = {key: card.new_card() for key, card in self._cards.items()}
        self._reader.remove()
        self._reader.set_state(ATTACHED)
        self._placed = None
