"""The trainer's card panel model over the simulated reader: search and an explicit choice,
live PIN and tries, faults; and the reception page reacting to it as to a real reader."""

import pytest
from PySide6.QtCore import Qt

from card_reader.errors import (
    NoReaderError,
    PcscUnavailableError,
    PinBlockedError,
    WrongPinError,
)
from card_reader.kenhojo import Pin
from card_reader.monitor import INSERTED, READERS, REMOVED, SERVICE_DOWN
from card_reader.sources import (
    ATTACHED,
    NO_READER,
    UNPLUGGED,
    VirtualCardSource,
    pin_tries_left,
    read_card,
)
from counter_app.demo import load_demo_residents, load_roster
from counter_app.training.panel import CardPanel, PanelError


@pytest.fixture
def reader():
    return VirtualCardSource()


@pytest.fixture
def events():
    return []


@pytest.fixture
def panel(reader, events):
    titles = {h.key: h.title for h in load_roster()}
    return CardPanel(load_demo_residents(), reader, events.append, titles)


def _key(panel, query):
    (card,) = panel.search(query)
    return card.key


def test_search_finds_cards_by_name_kana_note_and_household(panel):
    assert [c.label.split("（")[0] for c in panel.search("きたみ")] == [
        "北見 太郎", "北見 花子", "北見 一郎", "北見 さくら"]
    assert len(panel.search("北見太郎")) == 1  # spaces do not matter
    assert len(panel.search("ｷﾀﾐ ﾊﾅｺ")) == 1  # nor width
    assert [c.label.split("（")[0] for c in panel.search("手入力の練習")] == ["鈴木 健"]
    moving_out = {c.household for c in panel.search("転出")}
    assert moving_out == {"06_suzuki_family_move_out", "07_soma_elderly_move_out",
                          "12_kushiro_single_move_out"}
    assert len(panel.search("")) == len(load_demo_residents())
    assert len(panel.search("辻井")) == 1  # typed without the variation selector
    assert len(panel.search("つじい")) == 1


def test_a_card_is_placed_only_by_an_explicit_choice(panel, reader, events):
    """The review's trainer clicked the wrong resident in a combo box and spent a try of
    theirs: here a search that leaves several cards places none."""
    with pytest.raises(PanelError) as caught:
        panel.place_only_match("北見")
    assert caught.value.message_ja == "カードが1枚に絞れていません"
    with pytest.raises(PanelError) as caught:
        panel.place_only_match("存在しない人")
    assert caught.value.message_ja == "該当するカードがありません"
    with pytest.raises(PanelError):
        panel.place("no-such-card")
    assert reader.card is None and events == []

    state = panel.place_only_match("北見 花子")
    assert state.on_reader and state.pin == "5678" and state.tries_left == 3
    assert panel.placed == state.key
    assert [e.kind for e in events] == [INSERTED]
    panel.take_off()
    assert panel.placed is None and reader.card is None
    assert [e.kind for e in events] == [INSERTED, REMOVED]


def test_tries_left_follow_the_card_and_the_trainer_sets_them(panel, reader):
    """The review locked 佐藤 みどり's card and the note still said 残り1回: the panel reads the
    card itself."""
    key = _key(panel, "佐藤 みどり")
    assert panel.state(key).tries_left == 1
    panel.place(key)
    with pytest.raises(PinBlockedError):
        read_card(reader, Pin("0000"), allow_last_try=True)
    assert panel.state(key).tries_left == 0
    panel.take_off()
    panel.place(key)  # the same card again: still locked, as a real card stays
    with pytest.raises(PinBlockedError):
        pin_tries_left(reader)
    assert panel.set_tries(key, 3).tries_left == 3
    assert read_card(reader, Pin("4321")).name == "佐藤\u3000みどり"

    assert panel.set_pin(key, "9876").pin == "9876"
    with pytest.raises(WrongPinError) as caught:
        read_card(reader, Pin("4321"))
    assert caught.value.tries_left == 2 == panel.state(key).tries_left
    with pytest.raises(ValueError):
        panel.set_tries(key, 4)
    with pytest.raises(ValueError):
        panel.set_pin(key, "12a4")


def test_faults_are_provoked_and_cleared_on_the_live_card(panel, reader):
    key = _key(panel, "北見 太郎")
    panel.place(key)
    assert panel.provoke(key, "locked").tries_left == 0
    with pytest.raises(PinBlockedError):
        pin_tries_left(reader)
    panel.set_tries(key, 3)
    assert panel.provoke(key, "not_my_number").fault == "not_my_number"
    assert panel.provoke(key, None).fault is None
    assert read_card(reader, Pin("1234")).name == "北見\u3000太郎"
    with pytest.raises(ValueError):
        panel.provoke(key, "melted")


def test_the_reader_taken_away_and_back(panel, reader, events):
    key = _key(panel, "北見 太郎")
    panel.place(key)
    panel.set_reader(NO_READER)
    assert reader.readers() == []
    with pytest.raises(NoReaderError):
        pin_tries_left(reader)
    panel.set_reader(UNPLUGGED)
    with pytest.raises(PcscUnavailableError):
        reader.readers()
    panel.set_reader(ATTACHED)
    assert reader.readers() == [reader.label]
    assert pin_tries_left(reader) == 3
    assert [(e.kind, e.readers) for e in events[1:]] == [
        (READERS, ()), (SERVICE_DOWN, ()), (READERS, (reader.label,))]


def test_reset_gives_every_card_back_as_the_roster_writes_it(panel, reader):
    key = _key(panel, "北見 太郎")
    panel.place(key)
    panel.provoke(key, "mute")
    panel.set_tries(key, 1)
    panel.set_reader(UNPLUGGED)
    panel.reset()
    assert panel.state(key).tries_left == 3 and panel.state(key).fault is None
    assert panel.reader_state == ATTACHED and panel.placed is None and reader.card is None


# --- the reception page, driven by the panel as by a real reader -----------------------------


@pytest.fixture
def page(qapp, qtbot, sessions):
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository
    from counter_app.ui.application import configure_application
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.reception import ReceptionPage

    configure_application(qapp)
    saver = CaseSaver(CaseRepository(sessions))
    controller = CounterController(default_catalogue(), CaseRepository(sessions), saver)
    page = ReceptionPage(controller, VirtualCardSource(), load_demo_residents())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    yield page
    saver.shutdown()


def _pin(page, qtbot, pin):
    qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                    and page.card_flow.pin_dialog.isVisible())
    dialog = page.card_flow.pin_dialog
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)


def _error(page, qtbot, action):
    """The message staff see on the page when `action` makes the read fail."""
    with qtbot.waitSignal(page.card_flow.failed, timeout=10_000) as failed:
        action()
    qtbot.waitUntil(lambda: not page.card_flow.busy)
    return failed.args[0]


def test_the_reception_page_meets_each_fault_the_trainer_provokes(page, qtbot):
    panel = CardPanel(load_demo_residents(), page._demo_source, page.on_presence)
    key = _key(panel, "北見 太郎")

    def place_and_type(pin):
        panel.place(key)
        _pin(page, qtbot, pin)

    assert "あと2回" in _error(page, qtbot, lambda: place_and_type("0000"))
    assert panel.state(key).tries_left == 2  # the panel shows it: a wrong PIN spent one

    panel.place(key)  # the reader is unplugged while the resident types the PIN
    qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None)
    panel.set_reader(UNPLUGGED)
    message = _error(page, qtbot, lambda: _pin(page, qtbot, "1234"))
    assert "ICカードのサービス（PC/SC）が動いていません" in message
    assert panel.state(key).tries_left == 2  # nothing reached the card

    panel.set_reader(NO_READER)
    assert "カードリーダーが接続されていません" in _error(page, qtbot, lambda: panel.place(key))

    panel.set_reader(ATTACHED)
    panel.provoke(key, "pulled")
    message = _error(page, qtbot, lambda: place_and_type("1234"))
    assert "読み取り中にカードが離れました" in message
    assert page.household == []

    panel.provoke(key, None)
    place_and_type("1234")
    qtbot.waitUntil(lambda: len(page.household) == 1)
    assert panel.state(key).tries_left == 3  # a right PIN resets the count
