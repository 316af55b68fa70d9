"""The resident's pre-entry code at the counter: typed key by key as a scanner does, with the
focus in any field; a damaged or foreign code changes nothing; a card confirms a person."""

import datetime as dt
import json
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from counter_app.domain import Member, MemberSource
from counter_app.preentry.codec import encode

CASE = Path(__file__).resolve().parent / "printing" / "cases" / "long_move_within.json"


@pytest.fixture
def window(make_window, sessions):
    return make_window(sessions)


def _scan(qtbot, text, gap_ms=0):
    """As a keyboard-wedge scanner types: key by key into whatever has the focus, then Enter."""
    for char in text:
        target = QApplication.focusWidget() or QApplication.activeWindow()
        key = Qt.Key(ord(char)) if char.isascii() else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                                     char))
        if gap_ms:
            qtbot.wait(gap_ms)
    target = QApplication.focusWidget() or QApplication.activeWindow()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key.Key_Return,
                                                 Qt.KeyboardModifier.NoModifier, "\r"))


def _payload():
    data = json.loads(CASE.read_text(encoding="utf-8"))
    return encode(data), data


def test_a_scanned_code_fills_the_case_wherever_the_focus_is(window, qtbot):
    payload, data = _payload()
    page = window.reception
    page.move.previous_building.setFocus()  # an unrelated field has the focus
    _scan(qtbot, payload)
    case = window.controller.session.case
    assert [m.name for m in case.members] == [m["name"] for m in data["members"]]
    assert all(m.source is MemberSource.PREENTRY for m in case.members)
    assert case.move.new_address == data["move"]["new_address"]
    assert page.move.previous_building.text() == case.move.previous_building  # no digits typed
    assert page.members.item(0, 6).text() == "事前入力"
    assert "事前入力の内容を読み込みました" in page.hint.text()


@pytest.mark.parametrize("damage", ["flip", "cut", "foreign"])
def test_a_damaged_or_foreign_code_changes_nothing(window, qtbot, damage):
    payload, _ = _payload()
    if damage == "flip":
        digit = "1" if payload[40] != "1" else "2"
        payload = payload[:40] + digit + payload[41:]
    elif damage == "cut":
        payload = payload[:-30]
    else:
        payload = "MDP2" + payload[4:]
    before = window.controller.session.case.copy()
    _scan(qtbot, payload)
    assert window.controller.session.case == before
    assert window.reception.message.text()  # a clear message, in Japanese


def test_a_person_typing_mdp_slowly_keeps_their_letters(window, qtbot):
    page = window.reception
    page.move.previous_building.setFocus()
    for char in "MDP":
        qtbot.keyClick(page.move.previous_building, char)
        qtbot.wait(150)  # a person's pace
    qtbot.waitUntil(lambda: page.move.previous_building.text() == "MDP")


def test_a_card_confirms_a_pre_entered_person_and_wins(window, qtbot):
    payload, data = _payload()
    _scan(qtbot, payload)
    first = data["members"][0]
    card = Member("見本\u3000舞", dt.date.fromisoformat(first["birth_date"]), "female", "",
                  MemberSource.CARD, address="北海道あおば市緑町一丁目二番三号")
    window.reception.add_member(card)
    case = window.controller.session.case
    assert len(case.members) == len(data["members"])  # confirmed, not added again
    assert case.members[0].source is MemberSource.CARD
    assert case.members[0].kana == first["kana"]  # what only the resident knew stays
    assert "カードで確認しました" in window.reception.hint.text()

