"""The demo roster (resources/demo/households): case files with cards, fictional, that together
trigger every procedure of the shipped catalogue, checked through `counter-app determine`."""

import json
import re

import pytest

from card_reader.kenhojo import CodeB, Pin
from card_reader.sources import VirtualCardSource, read_card
from counter_app.app import main
from counter_app.demo import (
    RosterError,
    card_address,
    load_demo_residents,
    load_roster,
    roster_dir,
)
from counter_app.domain import Case, EventKind, MoveKind
from counter_app.domain.facts import age, school_grade
from counter_app.rules import default_catalogue

# `determine` logs to the data directory: a private one per test, never the machine's.
pytestmark = pytest.mark.usefixtures("data_dir")

ROSTER = load_roster()
FILES = sorted(f for f in roster_dir().iterdir() if f.name.endswith(".json"))


@pytest.fixture(scope="module")
def determined():
    """Every roster file through the real command line, once for the module."""
    import contextlib
    import io

    results = {}
    for file in FILES:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["determine", str(file)]) == 0
        results[file.name.removesuffix(".json")] = json.loads(out.getvalue())
    return results


def test_every_roster_file_is_a_case_file():
    assert len(FILES) >= 12
    for file in FILES:
        Case.from_dict(json.loads(file.read_text(encoding="utf-8")))
    assert [h.key for h in ROSTER] == [f.name.removesuffix(".json") for f in FILES]


def test_the_roster_triggers_every_procedure_of_the_catalogue(determined):
    """Read from the shipped catalogue, so procedures added later need a roster household too:
    moves and life events (the counter's first screen offers both)."""
    triggered = {p["id"] for result in determined.values() for p in result["procedures"]}
    assert triggered == {p.id for p in default_catalogue().procedures}


def test_a_household_for_each_life_event_and_combined_with_a_move():
    events = {(h.case.event.kind, h.case.move is not None) for h in ROSTER if h.case.event}
    assert {kind for kind, _ in events} == set(EventKind)
    assert (EventKind.DEATH, True) in events and (EventKind.MARRIAGE, True) in events
    deceased = [c for h in ROSTER for c in h.cards
                if h.case.event is not None and c.member == h.case.event.subject]
    assert deceased and all(c.holder.get("code_b") for c in deceased)
    assert all("照合番号B" in c.note for c in deceased)
    source = VirtualCardSource()
    for card in deceased:  # read without the PIN, as the おくやみ counter does
        source.place(card.new_card())
        assert read_card(source, CodeB(card.holder["code_b"])).name == card.name


def test_every_question_is_answered_in_the_files(determined):
    assert {key: r["unanswered"] for key, r in determined.items() if r["unanswered"]} == {}


def test_the_households_the_issue_asks_for():
    cases = [h.case for h in ROSTER]
    kinds = {c.move.kind for c in cases if c.move}
    assert kinds == set(MoveKind)

    def members(predicate):
        return [(c, i) for c in cases for i, m in enumerate(c.members) if predicate(c, m)]

    def answered(fact, value=True):
        return [(c, k) for c in cases for k, v in c.answers.items()
                if k.endswith(f".{fact}") and v == value]

    assert any(len(c.members) == 1 for c in cases)  # single movers
    assert members(lambda c, m: school_grade(m.birth_date, c.date) <= 0)  # preschool
    assert members(lambda c, m: 1 <= school_grade(m.birth_date, c.date) <= 9)  # school age
    assert members(lambda c, m: 10 <= school_grade(m.birth_date, c.date) <= 12)  # high school
    assert members(lambda c, m: 65 <= age(m.birth_date, c.date) <= 74)
    assert members(lambda c, m: age(m.birth_date, c.date) >= 75)
    assert members(lambda c, m: m.foreign is not None) and answered("foreign_resident")
    for fact in ("pregnant", "care_certified", "disability_certificate"):
        assert answered(fact), fact
    assert answered("has_dog") and answered("has_moped")
    assert members(lambda c, m: not m.moves)  # a household joined by the movers
    grandparent_heads = [c for c in cases if c.members[0].relationship == "世帯主"
                         and any(m.relationship == "孫" for m in c.members)]
    assert grandparent_heads
    names = [m.name for c in cases for m in c.members]
    assert any("𠮷" in n for n in names)  # beyond U+FFFF
    assert any(re.search("[\U000e0100-\U000e01ef]", n) for n in names)  # an IVS


def test_addresses_are_fictional_and_in_the_city_where_residents_live():
    """Block numbers of 9s that do not exist; 転居 and 転出 households live in あおば市 (the
    review found none did: 転居 and 転出 could not be practised)."""
    for household in ROSTER:
        move = household.case.move
        for member in household.case.members:
            if member.address:  # an event's household lives here
                assert member.address.startswith("北海道あおば市"), household.key
                assert "９９" in member.address, household.key
        if move is None:
            continue
        for address in (move.previous_address, move.new_address):
            assert "９９" in address, (household.key, address)
        if move.kind in (MoveKind.MOVE_WITHIN, MoveKind.MOVE_OUT):
            assert move.previous_address.startswith("北海道あおば市"), household.key
        if move.kind in (MoveKind.MOVE_IN, MoveKind.MOVE_WITHIN):
            assert move.new_address.startswith("北海道あおば市"), household.key


def test_every_card_reads_back_its_member_through_the_session_code():
    """The simulated reader builds each card from its member: reading it with the roster's
    PIN gives the file's name, birth date and sex, and the address before the move."""
    source = VirtualCardSource()
    read = 0
    for household in ROSTER:
        case = household.case
        for card in household.cards:
            if card.fault is not None or card.holder["pin_tries_left"] < 2:
                continue  # the faulty ones are tested in test_card_faults.py
            source.place(card.new_card())
            four = read_card(source, Pin(card.pin))
            member = case.members[card.member]
            assert (four.name, four.birth_date, four.sex) == (
                member.name, member.birth_date, member.sex), card.key
            assert four.address == card_address(case, card.member)
            read += 1
    assert read >= 20


def test_card_list_has_the_trainer_notes():
    cards = {c.label.split("（")[0]: c for c in load_demo_residents()}
    assert cards["北見 太郎"].note == "暗証番号 1234"
    assert "残り1回" in cards["佐藤 みどり"].note
    assert "ロック済み" in cards["鈴木 健"].note
    assert cards["交通系ICカード"].fault == "not_my_number"
    assert cards["山本 優"].fault == "pulled" and cards["相馬 トメ"].fault == "mute"
    assert len({c.key for c in load_demo_residents()}) == len(load_demo_residents())


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["cards"].append({"member": 9, "pin": "1234"}), "cards[2].member"),
    (lambda d: d["cards"].append({"member": 0, "pin": "12345"}), "cards[2].pin"),
    (lambda d: d["cards"].append({"member": 0, "pin": "1234", "fault": "melted"}),
     "cards[2].fault"),
    (lambda d: d["cards"].append({"member": 0, "pin": "1234", "tries": 4}), "cards[2].tries"),
    (lambda d: d["cards"].append({"member": 0, "pin": "1234", "colour": "red"}), "cards[2]"),
    (lambda d: d["members"][0].update(birth_date="1990-02-30"), "members[0].birth_date"),
    # 照合番号B: 14 digits that begin with the member's era birth date (平成10年7月21日)
    (lambda d: d["cards"].append({"member": 0, "pin": "1234", "code_b": "1007212030"}),
     "cards[2].code_b"),
    (lambda d: d["cards"].append({"member": 0, "pin": "1234", "code_b": "10072220301234"}),
     "cards[2].code_b"),
])
def test_a_bad_roster_file_is_refused_naming_file_and_field(tmp_path, change, field):
    data = json.loads((FILES[1]).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "99_broken.json").write_text(json.dumps(data, ensure_ascii=False),
                                             encoding="utf-8")
    with pytest.raises(RosterError) as caught:
        load_roster(tmp_path)
    assert "99_broken" in str(caught.value) and field in str(caught.value)


def test_an_event_household_without_a_move_takes_its_card_address_from_the_member(tmp_path):
    """Room for life-event households (LIFE_EVENTS.md): no move, the member's address."""
    data = json.loads(FILES[1].read_text(encoding="utf-8"))
    del data["move"]
    data["event"] = {"kind": "birth", "date": "2026-12-01"}
    data["members"][0]["address"] = "北海道あおば市中央９９－９"
    data["answers"] = {}
    (tmp_path / "50_event.json").write_text(json.dumps(data, ensure_ascii=False),
                                            encoding="utf-8")
    (card, *_), = [h.cards for h in load_roster(tmp_path)]
    assert card.holder["address"] == "北海道あおば市中央９９－９"
    assert card.member == 0 and card.label.startswith("南雲 翔")
