"""The life events on the counter's real widgets, by keyboard: おくやみ from the first key to
the checklist, a birth with twins, 婚姻 + 転入 in one case."""

from event_script import DEATH_ANSWERS, run_okuyami, survivors_read_their_cards
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from counter_app.demo import load_demo_residents
from counter_app.domain import EventKind, MoveKind

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _key(key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key on whatever has the focus, as a real keyboard (QTest moves the focus)."""
    target = _focus()
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, key, modifier))


def _focus():
    """Where the keyboard goes: an open dialog's focused field, else the window's."""
    modal = QApplication.activeModalWidget()
    if modal is not None:
        return modal.focusWidget() or modal
    return QApplication.focusWidget() or QApplication.activeWindow()


def _shortcut(qtbot, window, key, modifier):
    """A shortcut as the keyboard sends it (QTest's key click reaches QShortcut)."""
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def _type(qtbot, text):
    if text.isascii():
        qtbot.keyClicks(_focus(), text)
    else:  # what the input method commits (QTest cannot type kanji key by key)
        _focus().insert(text)


def _dialog(qtbot, page, name):
    qtbot.waitUntil(lambda: getattr(page, name) is not None and getattr(page, name).isVisible())
    return getattr(page, name)


def _card(page, label_start):
    (card,) = [c for c in page.card_panel.search("") if c.label.startswith(label_start)]
    return card


def _read_with_pin(qtbot, page, label_start, count):
    card = _card(page, label_start)
    page.card_panel.place(card.key)
    qtbot.waitUntil(lambda: page.card_flow.pin_dialog is not None
                    and page.card_flow.pin_dialog.isVisible())
    dialog = page.card_flow.pin_dialog
    qtbot.keyClicks(dialog.pin_edit, card.pin)
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(page.household) == count)


def _reactivate(qtbot, window):
    window.activateWindow()  # the offscreen platform hands activation back to nobody
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _answer_interview(qtbot, window, keys):
    """Answer each open row with `keys[fact]`; fail on a question the event does not need."""
    interview = window.interview
    asked = []
    for _ in range(30):
        qtbot.waitUntil(lambda: not interview.redrawing)
        row = QApplication.focusWidget()
        if row not in interview.rows or not row.waiting:
            break
        asked.append(row.row_id)
        for key in keys[row.row_id]:
            _key(getattr(Qt.Key, f"Key_{key}"))
    return asked


def test_okuyami_from_the_first_key_to_the_death_procedures(make_window, sessions, qtbot):
    """The scripted おくやみ (tests/event_script.py, counted by bench/reception_keys.py)."""
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    assert page.kinds.moves[MoveKind.MOVE_IN].isChecked()  # a new case starts as 転入
    assert page.kinds.events[EventKind.DEATH].text() == "おくやみ\nAlt+4"
    staff = run_okuyami(window, qtbot)
    case = window.controller.session.case
    assert case.move is None and case.event.kind is EventKind.DEATH and case.event.subject == 0
    assert str(case.event.date) == "2026-11-17" and case.members[0].name == "青葉\u3000正男"
    assert [m.source.value for m in case.members] == ["card"] * 3
    # Only what the death's rules need: nothing about moving, dogs or school
    # (was_dependent neither: the deceased was 後期高齢者).
    assert staff.asked == list(DEATH_ANSWERS)
    # 43 measured: 17 of them the 照合番号B read off the card face (14 digits, 3 Enter).
    assert staff.keys <= 43 and staff.clicks == 0
    shown = " ".join(_tree_texts(window.checklist.tree))
    for title in ("死亡届", "世帯主変更届", "葬祭費（後期高齢者医療）", "後期高齢者医療 資格喪失",
                  "年金受給者死亡届", "相続人代表者指定届", "介護保険 資格喪失"):
        assert title in shown, title
    assert "転入届" not in shown and "児童手当" not in shown
    assert "令和8年11月24日まで" in shown  # 死亡届: 7 days incl., past 勤労感謝の日
    # On to printing: the page opens for a case with only an event.
    qtbot.keyClick(window.checklist.tree, Qt.Key.Key_P, CTRL)
    qtbot.waitUntil(lambda: window.current_page_key() == "printing")


def test_the_deceased_head_is_neither_head_nor_filer_on_screen(make_window, sessions, qtbot):
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    _shortcut(qtbot, window, Qt.Key.Key_4, ALT)
    _dialog(qtbot, page, "people_dialog")
    _key(Qt.Key.Key_B)
    code_b = _dialog(qtbot, page, "code_b_dialog")
    page.card_panel.place(_card(page, "青葉 正男").key)
    qtbot.waitUntil(lambda: "残り回数" in code_b.tries_label.text())
    for field, text in ((code_b.birth, "250210"), (code_b.expiry, "2030"),
                        (code_b.security, "4321")):
        field.setText(text)
    code_b.read()
    qtbot.waitUntil(lambda: len(page.household) == 1)
    assert not page.move.isVisible() and page.event_box.isVisible()
    assert "亡くなった方：青葉 正男" in page.event_box.people.text()
    survivors_read_their_cards(window, qtbot)
    assert page.members.item(0, 5).text() == "亡くなった方"  # neither head nor filer now
    assert [m.relationship for m in window.controller.session.case.members] == [
        "世帯主", "妻", "子"]  # the register's, against the deceased head
    assert "世帯主：未定" in page.roles.text()
    # The day the family learned of the death, when later than the death (MMDD as other dates).
    page.event_box.date.setFocus()
    page.event_box.date.selectAll()
    qtbot.keyClicks(page.event_box.date, "1117")  # died on 17 November
    qtbot.keyClick(page.event_box.date, Qt.Key.Key_Return)
    known = page.event_box.known
    assert known.isVisible() and known.text() == ""
    known.setFocus()
    qtbot.keyClicks(known, "1119")
    qtbot.keyClick(known, Qt.Key.Key_Return)
    case = window.controller.session.case
    assert case.event.known_date is not None and case.event.known_date.isoformat() == \
        f"{case.event.date.year}-11-19"
    assert "令和" in page.event_box.known_era.text()
    known.selectAll()
    qtbot.keyClicks(known, "1116")  # before the death: refused, nothing changes
    qtbot.keyClick(known, Qt.Key.Key_Return)
    assert case.event.known_date.day == 19
    assert "死亡日と同じか" in page.message.text()
    # The print gate's places in a death case: the event's date and the deceased.
    page.show_place("event.date")
    assert QApplication.focusWidget() is page.event_box.date
    before = page.people_dialog
    page.show_place("event.subject")
    qtbot.waitUntil(lambda: page.people_dialog is not before and page.people_dialog.isVisible())


def _tree_texts(tree):
    def walk(item):
        yield " ".join(item.text(c) for c in range(item.columnCount())).replace("\u2060", "")
        for n in range(item.childCount()):
            yield from walk(item.child(n))
    for n in range(tree.topLevelItemCount()):
        yield from walk(tree.topLevelItem(n))


def _newborn(qtbot, page, given, kana, sex_downs, weight):
    """One newborn through the dialog (Alt+5), by keyboard; the 氏 and, for a twin, the
    birth date come filled in."""
    dialog = _dialog(qtbot, page, "newborn_dialog")
    assert dialog.surname.text() == "小樽" and dialog.focusWidget() is dialog.given_name
    assert dialog.sex.currentData() == ""  # never preset
    _type(qtbot, given)
    _key(Qt.Key.Key_Return)
    dialog.kana.clear()
    _type(qtbot, kana)
    _key(Qt.Key.Key_Return)
    if not dialog.birth_date.text():
        _type(qtbot, "5081121")  # 令和8年11月21日
    _key(Qt.Key.Key_Return)
    for _ in range(sex_downs):
        _key(Qt.Key.Key_Down)
    _key(Qt.Key.Key_Return)
    _type(qtbot, weight)
    _key(Qt.Key.Key_Return)
    return dialog


def test_a_birth_with_twins_is_the_newborn_dialog_twice(make_window, sessions, qtbot):
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    _read_with_pin(qtbot, page, "小樽 拓海", 1)
    _read_with_pin(qtbot, page, "小樽 由紀", 2)
    _reactivate(qtbot, window)
    _shortcut(qtbot, window, Qt.Key.Key_5, ALT)  # 出生
    dialog = _newborn(qtbot, page, "陽", "オタル　ヒナタ", 1, "249")  # 249 g: a slip
    assert "300〜6000グラム" in dialog.error.text() and dialog.isVisible()
    assert dialog.focusWidget() is dialog.weight
    _type(qtbot, "2499")
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(page.household) == 3)
    _reactivate(qtbot, window)
    _shortcut(qtbot, window, Qt.Key.Key_5, ALT)  # the twin: the dialog again
    twin = _dialog(qtbot, page, "newborn_dialog")
    assert twin is not dialog and twin.birth_date.text() == "5081121"
    _newborn(qtbot, page, "凪", "オタル　ナギ", 2, "2500")
    qtbot.waitUntil(lambda: len(page.household) == 4)
    case = window.controller.session.case
    assert case.move is None and case.event.kind is EventKind.BIRTH
    assert str(case.event.date) == "2026-11-21"
    assert [(m.newborn, m.sex, m.relationship) for m in case.members[2:]] == [
        (True, "male", "子"), (True, "female", "子")]
    assert case.answers["member.2.birth_weight_g"] == 2499
    assert case.answers["member.3.birth_weight_g"] == 2500
    assert page.members.item(3, 5).text() == "新生児"
    assert "小樽 陽（2,499g）、小樽 凪（2,500g）" in page.event_box.people.text()
    procedures = {p.id: p.members for p in window.controller.session.determination.procedures}
    assert list(procedures["low_birth_weight_report"]) == [2]
    assert not any(k.endswith("birth_weight_g") for k in window.controller.session.open_keys())


def test_marriage_and_move_in_in_one_case(make_window, sessions, qtbot):
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    _read_with_pin(qtbot, page, "留萌 翼", 1)
    _read_with_pin(qtbot, page, "稚内 葵", 2)
    _reactivate(qtbot, window)
    # The move first: a 転入 whose address is typed stays when the event is chosen.
    assert page.move.date.hasFocus()
    _type(qtbot, "5081128")
    _key(Qt.Key.Key_Return)
    page.move.new_address.setFocus()
    _type(qtbot, "北海道あおば市本町９９－５")
    _key(Qt.Key.Key_Return)
    _shortcut(qtbot, window, Qt.Key.Key_6, ALT)  # 婚姻
    people = _dialog(qtbot, page, "people_dialog")
    assert not people.ok.isEnabled()
    _key(Qt.Key.Key_1)
    _key(Qt.Key.Key_2)
    assert people.chosen == [0, 1] and people.ok.isEnabled()
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.controller.session.case.event is not None)
    _reactivate(qtbot, window)
    page.event_box.date.setFocus()
    _type(qtbot, "1130")  # 11月30日, as move dates are typed
    _key(Qt.Key.Key_Return)
    assert page.move.date.hasFocus()  # on to the move
    case = window.controller.session.case
    assert case.event.kind is EventKind.MARRIAGE and case.event.spouses == (0, 1)
    assert str(case.event.date) == "2026-11-30" and case.move.kind is MoveKind.MOVE_IN
    assert page.kinds.moves[MoveKind.MOVE_IN].isChecked()
    assert page.kinds.events[EventKind.MARRIAGE].isChecked()
    assert page.move.isVisible() and page.event_box.isVisible()
    assert page.members.item(1, 5).text().endswith("婚姻")
    session = window.controller.session
    assert "resident_move_in" in {p.id for p in session.determination.procedures}
    open_keys = session.open_keys()
    assert "event.registration_filed" in open_keys  # the marriage's own question
    assert "household.has_dog" in open_keys  # and the move's
    # Alt+1 again takes the move away (the event stays), and brings it back.
    _shortcut(qtbot, window, Qt.Key.Key_1, ALT)
    assert window.controller.session.case.move is None and not page.move.isVisible()
    assert "もう一度 Alt+1" in page.message.text()
    _shortcut(qtbot, window, Qt.Key.Key_1, ALT)
    assert window.controller.session.case.move.kind is MoveKind.MOVE_IN


def test_code_b_read_on_a_real_reader_wrong_code_shows_tries_left(qapp, qtbot, pcsc, sessions):
    """The deceased's card through a private pcscd: 照合番号B, no PIN; a wrong code is sent once,
    reported with the tries the card gives, and never sent again by itself."""
    from card_reader.sources import PcscCardSource
    from counter_app.rules import default_catalogue
    from counter_app.store import CaseRepository
    from counter_app.ui.application import configure_application
    from counter_app.ui.card_watch import CardWatcher
    from counter_app.ui.controller import CaseSaver, CounterController
    from counter_app.ui.reception import ReceptionPage

    configure_application(qapp)
    saver = CaseSaver(CaseRepository(sessions))
    controller = CounterController(default_catalogue(), CaseRepository(sessions), saver)
    page = ReceptionPage(controller, PcscCardSource())
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    watcher = CardWatcher(poll_ms=100)
    watcher.event.connect(page.on_presence)
    watcher.start()
    card = None
    try:
        page.choose_event(EventKind.DEATH)
        people = _dialog(qtbot, page, "people_dialog")
        qtbot.keyClick(people, Qt.Key.Key_B)
        dialog = _dialog(qtbot, page, "code_b_dialog")
        card = pcsc.insert({"name": "青葉\u3000正男", "address": "北海道あおば市本町９９－９９",
                            "sex": "1", "birth_date": "1950-02-10", "pin": "9999",
                            "code_b": "25021020304321", "code_b_tries_left": 10}, slot=1)
        qtbot.waitUntil(lambda: dialog.tries_label.text() == "照合番号Bの残り回数: 10回",
                        timeout=10000)
        assert page.card_flow.pin_dialog is None  # the deceased's card asks for no PIN
        for field, text in ((dialog.birth, "250210"), (dialog.expiry, "2030"),
                            (dialog.security, "4322")):  # the last digit misread
            qtbot.keyClicks(field, text)
        qtbot.keyClick(dialog.security, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "照合番号Bが違います" in dialog.error.text(), timeout=10000)
        assert "残り9回" in dialog.error.text() and "券面" in dialog.error.text()
        assert dialog.tries_label.text() == "照合番号Bの残り回数: 9回"
        qtbot.wait(300)
        assert card.verify_count() == 1 and dialog.isVisible()  # not sent again by itself
        dialog.security.clear()
        qtbot.keyClicks(dialog.security, "4321")
        qtbot.keyClick(dialog.security, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: len(page.household) == 1, timeout=10000)
        case = controller.session.case
        assert case.event.kind is EventKind.DEATH and case.event.subject == 0
        assert case.members[0].name == "青葉\u3000正男"
        assert card.verify_count() == 2
        sent = card.apdus()
        assert not any(line.startswith("00 A4 02 0C 02 00 01") for line in sent)  # no My Number
        assert not any(line.startswith("00 A4 02 0C 02 00 11") for line in sent)  # no PIN EF
        assert not any("34 33 32 31" in line for line in sent)  # the code is masked in the log
    finally:
        watcher.stop()
        if card is not None:
            card.remove()
        saver.shutdown()


def test_a_number_answer_in_the_interview_birth_weight(make_window, sessions, qtbot):
    """When birth_weight_g is asked in the interview (here: taken back), a digit on its row
    opens a number field with that digit; a weight out of range is refused there."""
    import datetime as dt

    from counter_app.domain import Member, MemberSource

    window = make_window(sessions)
    controller = window.controller
    parent = Member("小樽\u3000由紀", dt.date(1992, 4, 10), "female", "世帯主", MemberSource.CARD,
                    "北海道あおば市港町９９－３", kana="オタル　ユキ")
    controller.apply(lambda s: s.add_member(parent))
    controller.apply(lambda s: s.set_event(EventKind.BIRTH, s.case.filed_on))
    baby = Member("小樽\u3000陽", controller.session.case.filed_on, "male", "",
                  kana="オタル　ヒナタ")
    controller.apply(lambda s: s.add_newborn(baby, 3000))
    controller.apply(lambda s: s.clear_answers(["member.1.birth_weight_g"]))
    controller.apply(lambda s: s.set_answers({"event.registration_filed": True,
                                              "member.1.health_insurance": "nhi"}))
    window.reception.go_next()
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")
    interview = window.interview
    qtbot.waitUntil(lambda: not interview.redrawing)
    row = next(r for r in interview.rows if r.row_id == "birth_weight_g")
    row.setFocus()
    qtbot.keyClick(row, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: interview.number_dialog is not None
                    and interview.number_dialog.isVisible())
    dialog = interview.number_dialog
    assert dialog.edit.text() == "2"
    qtbot.keyClicks(dialog.edit, "49")  # 249 g: a slip
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert "300〜6000グラム" in dialog.error.text() and dialog.isVisible()
    dialog.edit.setText("2490")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "member.1.birth_weight_g" in controller.session.case.answers)
    assert controller.session.case.answers["member.1.birth_weight_g"] == 2490
    ids = {p.id for p in controller.session.determination.procedures}
    assert "low_birth_weight_report" in ids


def test_the_deceased_by_one_key_or_typed_by_hand_and_code_b_prefilled(make_window, sessions,
                                                                      qtbot):
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    session = window.controller.session
    _read_with_pin(qtbot, page, "青葉 和子", 1)
    _read_with_pin(qtbot, page, "青葉 健一", 2)
    _reactivate(qtbot, window)
    _shortcut(qtbot, window, Qt.Key.Key_4, ALT)
    people = _dialog(qtbot, page, "people_dialog")
    assert people.list.item(1).text().startswith("2\u3000青葉 健一（平成2年8月20日生")
    _key(Qt.Key.Key_2)  # one key: the second member
    qtbot.waitUntil(lambda: session.case.event is not None)
    assert session.case.event.subject == 1 and "亡くなった方：青葉 健一" in \
        page.event_box.people.text()
    _reactivate(qtbot, window)
    # Not him after all: Alt+4 again, F3, the deceased typed from the card face.
    _shortcut(qtbot, window, Qt.Key.Key_4, ALT)
    _dialog(qtbot, page, "people_dialog")
    _key(Qt.Key.Key_F3)
    typed = _dialog(qtbot, page, "member_dialog")
    assert typed.windowTitle() == "亡くなった方を手入力（券面を見て）"
    typed.surname.setText("青葉")
    typed.given_name.setText("正男")
    typed.kana.setText("アオバ　マサオ")
    typed.birth_date.setText("3250210")  # 昭和25年2月10日
    typed.sex.setCurrentIndex(1)
    typed.accept()
    qtbot.waitUntil(lambda: len(page.household) == 3)
    case = session.case
    assert case.event.subject == 2 and case.members[2].source.value == "manual"
    _reactivate(qtbot, window)
    # The card turns up after all: 照合番号B starts with the birth date already known.
    _shortcut(qtbot, window, Qt.Key.Key_4, ALT)
    _dialog(qtbot, page, "people_dialog")
    _key(Qt.Key.Key_B)
    code_b = _dialog(qtbot, page, "code_b_dialog")
    assert code_b.birth.text() == "250210" and code_b.focusWidget() is code_b.expiry
    page.card_panel.place(_card(page, "青葉 正男").key)
    qtbot.waitUntil(lambda: "残り回数" in code_b.tries_label.text())
    code_b.expiry.setText("2030")
    code_b.security.setText("4321")
    code_b.read()
    qtbot.waitUntil(lambda: session.case.members[2].source.value == "card")
    assert len(page.household) == 3  # the typed row is confirmed, not doubled
    assert session.case.event.subject == 2 and "カードで確認しました" in page.hint.text()


def test_divorce_by_court_and_taking_the_event_away(make_window, sessions, qtbot):
    window = make_window(sessions, residents=load_demo_residents())
    page = window.reception
    session = window.controller.session
    qtbot.keyClick(page.move.date, Qt.Key.Key_F1)  # the screen's keys include the kinds
    qtbot.waitUntil(lambda: window.help_box is not None and window.help_box.isVisible())
    assert "Alt+4〜7" in window.help_box.text() and "Alt+0" in window.help_box.text()
    window.help_box.accept()
    _reactivate(qtbot, window)
    _read_with_pin(qtbot, page, "千歳 由美", 1)
    _read_with_pin(qtbot, page, "千歳 誠", 2)
    _reactivate(qtbot, window)
    _shortcut(qtbot, window, Qt.Key.Key_7, ALT)  # 離婚
    people = _dialog(qtbot, page, "people_dialog")
    assert people.court.isVisible() and not people.code_b.isVisible()
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_C, Qt.Key.Key_Return):
        _key(key)
    qtbot.waitUntil(lambda: session.case.event is not None)
    event = session.case.event
    assert event.kind is EventKind.DIVORCE and event.spouses == (0, 1) and event.court
    assert session.case.move is None  # nothing was typed for the 転入 it started as
    assert "（裁判・調停）" in page.event_box.people.text()
    assert page.event_box.date_label.text() == "離婚の日"
    _reactivate(qtbot, window)
    _shortcut(qtbot, window, Qt.Key.Key_0, ALT)  # no move to fall back on: refused, said why
    assert session.case.event is not None
    assert "先に転入・転居・転出（Alt+1〜3）" in page.message.text()
    _shortcut(qtbot, window, Qt.Key.Key_2, ALT)  # 転居 added
    _shortcut(qtbot, window, Qt.Key.Key_0, ALT)  # now the event goes
    assert session.case.event is None and session.case.move.kind is MoveKind.MOVE_WITHIN
    assert not page.event_box.isVisible() and page.move.date.hasFocus()


def test_marriage_before_anyone_is_registered_says_what_to_do_first(make_window, sessions,
                                                                    qtbot):
    window = make_window(sessions)
    page = window.reception
    _shortcut(qtbot, window, Qt.Key.Key_6, ALT)
    people = _dialog(qtbot, page, "people_dialog")
    _key(Qt.Key.Key_1)  # nobody to choose
    _key(Qt.Key.Key_Return)
    assert people.isVisible() and "先にお二人を世帯員に登録してください" in people.error.text()
    assert window.controller.session.case.event is None
    people.reject()
