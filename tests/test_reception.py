"""The reception page with real widgets: cards on the demo reader and on a real pcscd, typing."""

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from card_reader.sources import PcscCardSource, VirtualCardSource
from counter_app.demo import load_demo_residents
from counter_app.domain import MemberSource
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository
from counter_app.ui.application import configure_application
from counter_app.ui.card_watch import CardWatcher
from counter_app.ui.controller import CaseSaver, CounterController
from counter_app.ui.reception import ReceptionPage


@pytest.fixture
def controller(sessions):
    saver = CaseSaver(CaseRepository(sessions))
    yield CounterController(default_catalogue(), CaseRepository(sessions), saver)
    saver.shutdown()


@pytest.fixture
def demo_page(qapp, qtbot, controller):
    configure_application(qapp)
    residents = load_demo_residents()
    page = ReceptionPage(controller, VirtualCardSource(), residents)
    qtbot.addWidget(page)
    page.resize(1100, 760)
    page.show()
    qtbot.waitExposed(page)
    return page


def _place(page, qtbot, label_start):
    """The trainer places the card through the card panel model (its window: test_training)."""
    (card,) = [c for c in page.card_panel.search("") if c.label.startswith(label_start)]
    page.card_panel.place(card.key)


def _pin_dialog(page, qtbot):
    qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                    and page.card_flow.pin_dialog.isVisible())
    return page.card_flow.pin_dialog


def _type_pin(qtbot, dialog, pin):
    qtbot.keyClicks(dialog.pin_edit, pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)


def _key(key):
    """Press and release a key on whatever has the keyboard focus, as a real keyboard does.
    (QTest's key clicks move the focus back to the widget they are given.)"""
    target = QApplication.focusWidget()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))


def _error_text(page, qtbot):
    """Card problems are shown on the page (no box to click away) with the next step."""
    qtbot.waitUntil(lambda: page.card_problem.isVisible() and page.card_problem.text() != "")
    return page.card_problem.text()


def test_card_placed_on_demo_reader_fills_a_member_row(demo_page, qtbot, screenshot_dir):
    _place(demo_page, qtbot, "北見 太郎")
    dialog = _pin_dialog(demo_page, qtbot)
    assert dialog.tries_label.text() == "残り回数: 3回"
    assert not dialog.last_try_confirm.isVisible()
    qtbot.keyClicks(dialog.pin_edit, "12a34")  # letters never reach the field
    assert dialog.pin_edit.text() == "1234"
    assert dialog.pin_edit.echoMode() == dialog.pin_edit.EchoMode.Password
    dialog.grab().save(str(screenshot_dir / "pin_dialog.png"))
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(demo_page.household) == 1)
    member = demo_page.household[0]
    assert (member.name, member.sex, member.source) == ("北見\u3000太郎", "male", MemberSource.CARD)
    assert member.birth_date.isoformat() == "1985-06-15"
    assert member.address.startswith("北海道札幌市")
    table = demo_page.members
    assert [table.item(0, c).text() for c in range(7)] == [
        "世帯主", "北見 太郎", "（未確認）", "昭和60年6月15日", "男", "世帯主・届出人", "カード"]
    assert demo_page.hint.text() == ""
    assert demo_page.read_card.isEnabled()
    demo_page.grab().save(str(screenshot_dir / "reception_demo_after_read.png"))


def test_wrong_pin_is_reported_and_never_retried(demo_page, qtbot):
    _place(demo_page, qtbot, "北見 花子")
    _type_pin(qtbot, _pin_dialog(demo_page, qtbot), "0000")
    assert _error_text(demo_page, qtbot) == ("暗証番号が違います。あと2回間違えるとロックされます。"
                                             "もう一度読み取るには F2 を押してください。")
    card = demo_page._demo_source.card
    assert card.verify_count() == 1
    qtbot.wait(200)
    assert card.verify_count() == 1 and demo_page.household == []
    assert demo_page.card_flow.pin_dialog is None  # no new dialog opened by itself


def test_last_try_needs_explicit_staff_confirmation(demo_page, qtbot):
    _place(demo_page, qtbot, "佐藤 みどり")
    dialog = _pin_dialog(demo_page, qtbot)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.tries_label.text() == "残り回数: 1回"
    assert dialog.last_try_warning.isVisible() and dialog.last_try_confirm.isVisible()
    qtbot.keyClicks(dialog.pin_edit, "4321")
    assert not ok.isEnabled()
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)  # Enter alone does not send the last try
    assert dialog.isVisible()
    dialog.last_try_confirm.setChecked(True)
    assert ok.isEnabled()
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(demo_page.household) == 1)
    assert demo_page.household[0].name == "佐藤\u3000みどり"


@pytest.mark.parametrize(
    ("resident", "pin", "message"),
    [
        ("鈴木 健", None, "以前から暗証番号がロックされています"),
        ("交通系ICカード", None, "マイナンバーカードではありません"),
        ("山本 優", "1234", "カードが離れました"),
    ],
)
def test_card_problems_show_japanese_messages_and_add_nobody(demo_page, qtbot, resident, pin,
                                                             message):
    _place(demo_page, qtbot, resident)
    if pin is not None:
        _type_pin(qtbot, _pin_dialog(demo_page, qtbot), pin)
    text = _error_text(demo_page, qtbot)
    assert message in text
    assert "F3" in text  # every problem says how to go on
    assert demo_page.household == []
    assert demo_page.read_card.isEnabled()


def test_cancelled_pin_dialog_reads_nothing(demo_page, qtbot):
    _place(demo_page, qtbot, "北見 一郎")
    dialog = _pin_dialog(demo_page, qtbot)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not demo_page.card_flow.busy)
    assert demo_page._demo_source.card.verify_count() == 0


def test_no_card_on_the_reader(demo_page, qtbot):
    qtbot.keyClick(demo_page, Qt.Key.Key_F2)
    text = _error_text(demo_page, qtbot)
    assert "カードが置かれていません" in text and "置くと読み取りを始めます" in text


def test_a_card_locked_just_now_says_so(demo_page, qtbot):
    _place(demo_page, qtbot, "佐藤 みどり")
    dialog = _pin_dialog(demo_page, qtbot)
    qtbot.keyClicks(dialog.pin_edit, "9999")
    dialog.last_try_confirm.setChecked(True)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    text = _error_text(demo_page, qtbot)
    assert "たった今ロックされました" in text and "市民課" in text and "F3" in text


def test_typing_a_member_by_hand_with_the_keyboard(demo_page, qtbot, screenshot_dir):
    qtbot.keyClick(demo_page, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: demo_page.member_dialog is not None
                    and demo_page.member_dialog.isVisible())
    dialog = demo_page.member_dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    for field, text in ((dialog.surname, "北見"), (dialog.given_name, "次郎"),
                        (dialog.kana, "きたみ　じろう"), (dialog.birth_date, "2019-13-01")):
        assert QApplication.focusWidget() is field
        field.insert(text)  # text arrives as an IME commit would
        _key(Qt.Key.Key_Return)  # Enter moves on to the next field
    assert QApplication.focusWidget() is dialog.sex
    assert dialog.sex.currentData() == ""  # nothing chosen for staff by default
    _key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is dialog.address
    dialog.address.insert("北海道北見市")
    _key(Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "暦にない日付" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.birth_date
    dialog.birth_date.setText("５０１０５０１")  # 和暦 in full-width digits
    assert dialog.birth_era.text() == "令和元年5月1日"  # echoed as it is typed
    dialog.address.setFocus()
    _key(Qt.Key.Key_Return)
    assert "性別を選んでください" in dialog.error.text()
    assert QApplication.focusWidget() is dialog.sex
    _key(Qt.Key.Key_Down)
    assert dialog.sex.currentText() == "男"
    dialog.grab().save(str(screenshot_dir / "member_dialog.png"))
    dialog.address.setFocus()
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(demo_page.household) == 1)
    member = demo_page.household[0]
    assert (member.name, member.sex, member.source) == ("北見\u3000次郎", "male",
                                                        MemberSource.MANUAL)
    assert member.kana == "キタミ\u3000ジロウ"  # typed in hiragana, stored in katakana
    assert member.birth_date.isoformat() == "2019-05-01"
    assert member.address == "北海道北見市"
    assert demo_page.members.item(0, 6).text() == "手入力"


def test_the_typed_address_starts_as_the_households(demo_page, qtbot):
    import datetime as dt

    from counter_app.domain import MoveKind

    demo_page.controller.apply(lambda s: s.set_move(MoveKind.MOVE_IN, dt.date(2026, 4, 1),
                                                    "茨城県つくば市千現９９", ""))
    qtbot.keyClick(demo_page, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: demo_page.member_dialog is not None
                    and demo_page.member_dialog.isVisible())
    assert demo_page.member_dialog.address.text() == "茨城県つくば市千現９９"
    demo_page.member_dialog.reject()


def test_move_date_postal_code_and_block_number_by_keyboard(demo_page, qtbot):
    """A new case starts in 異動日: MMDD, Enter; the city's postal code by its last four digits,
    Enter; the block number, Enter — then the household."""
    import datetime as dt

    demo_page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is demo_page)
    demo_page.focus_first()
    move = demo_page.move
    assert QApplication.focusWidget() is move.date
    today = dt.date.today()
    qtbot.keyClicks(move.date, f"{today.month:02d}{today.day:02d}")
    _key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is move.postal_code  # the previous address: the card's
    qtbot.keyClicks(move.postal_code, "9903")
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is move.new_address)
    assert move.postal_code.text() == "099-9903"
    qtbot.keyClicks(move.new_address, "1-2-3")
    _key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is demo_page.members
    stored = demo_page.controller.session.case.move
    assert stored.date == today
    assert (stored.new_address, stored.new_postal_code) == ("北海道あおば市若葉町1-2-3",
                                                            "0999903")


def test_roles_by_keyboard_a_head_who_stays_and_the_filer_s_phone(demo_page, qtbot):
    import datetime as dt

    from counter_app.domain import Member, roles

    demo_page.add_member(Member("本町\u3000真由", dt.date(1990, 1, 1), "female", "妻"))
    qtbot.keyClick(demo_page, Qt.Key.Key_F7)
    qtbot.waitUntil(lambda: demo_page.roles_dialog is not None
                    and demo_page.roles_dialog.isVisible())
    dialog = demo_page.roles_dialog
    dialog.head_choice.setCurrentIndex(dialog.head_choice.findData(-1))  # 異動しない方
    dialog.head_name.setText("本町\u3000健")
    dialog.filer_phone.setText("090-0000-0000")
    dialog.accept()
    case = demo_page.controller.session.case
    assert roles.head(case).name == "本町\u3000健" and roles.head(case).member is None
    assert case.filer.member == 0 and case.filer.phone == "090-0000-0000"
    assert "本町 健" in demo_page.roles.text() and "090-0000-0000" in demo_page.roles.text()


def test_details_dialog_records_kana_domicile_and_foreign_items(demo_page, qtbot):
    import datetime as dt

    from counter_app.domain import Member

    demo_page.add_member(Member("NGUYEN\u3000LAN", dt.date(1998, 4, 4), "female", "同居人"))
    demo_page.members.selectRow(0)
    qtbot.keyClick(demo_page, Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: demo_page.details_dialog is not None
                    and demo_page.details_dialog.isVisible())
    dialog = demo_page.details_dialog
    dialog.kana.setText("グエン　ラン")
    dialog.resident_code.setText("123")
    dialog.accept()
    assert "11桁" in dialog.error.text()  # refused; nothing saved
    assert demo_page.household[0].kana == ""
    dialog.resident_code.setText("")
    dialog.nationality.setText("ベトナム")
    dialog.period_end.setText("2028-03-31")
    dialog.accept()
    member = demo_page.household[0]
    assert member.kana == "グエン\u3000ラン"
    assert member.foreign.nationality == "ベトナム"
    assert member.foreign.period_end == dt.date(2028, 3, 31)


def test_delete_removes_the_selected_member(demo_page, qtbot):
    from counter_app.domain import Member

    for name in ("甲", "乙"):
        demo_page.add_member(Member(name, __import__("datetime").date(2000, 1, 1), "female", ""))
    demo_page.members.setFocus()
    demo_page.members.selectRow(0)
    qtbot.keyClick(demo_page.members, Qt.Key.Key_Delete)
    assert [m.name for m in demo_page.household] == ["乙"]


def test_card_inserted_on_a_real_reader_starts_the_read(qapp, qtbot, pcsc, controller):
    configure_application(qapp)
    page = ReceptionPage(controller, PcscCardSource())  # no preferred reader: the card's own
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    watcher = CardWatcher(poll_ms=100)
    watcher.event.connect(page.on_presence)
    watcher.start()
    card = None
    try:
        card = pcsc.insert({"name": "𠮷田\u3000花", "address": "東京都", "sex": "2",
                            "birth_date": "2000-02-29", "pin": "2468"}, slot=1)
        dialog = _pin_dialog(page, qtbot)
        assert dialog.tries_label.text() == "残り回数: 3回"
        _type_pin(qtbot, dialog, "2468")
        qtbot.waitUntil(lambda: len(page.household) == 1, timeout=5000)
        assert page.household[0].name == "𠮷田\u3000花"
        assert card.verify_count() == 1
    finally:
        watcher.stop()
        if card is not None:
            card.remove()


def test_undecodable_name_shows_the_raw_bytes_for_comparison(qapp, qtbot, controller):
    from card_reader.virtual_card import CardHolder, VirtualMyNumberCard

    configure_application(qapp)
    source = VirtualCardSource()
    page = ReceptionPage(controller, source, [])
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    holder = CardHolder.from_dict({"name": "山田\u3000花子", "address": "東京都", "sex": "2",
                                   "birth_date": "1990-04-01", "pin": "1234",
                                   "faults": {"malformed_ef": "bad_utf8"}})
    source.place(VirtualMyNumberCard(holder))
    qtbot.keyClick(page, Qt.Key.Key_F2)
    _type_pin(qtbot, _pin_dialog(page, qtbot), "1234")
    text = _error_text(page, qtbot)
    assert "券面を見て手入力してください" in text
    assert "16進表示: 80 b1 b1" in text
    assert page.household == []
