"""Demo mode's training screens on the real counter window, by keyboard: the trainer's card
panel (F9), the reset (F12), a scenario from the picker (F10) to its scored result, and the
trainer's results with the CSV export (F11)."""

import csv
import dataclasses
import functools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from reception_script import run_four_person_move_in
from sqlalchemy import func, select

from counter_app.demo import clear_demo_database, load_demo_residents, load_roster
from counter_app.store import open_database
from counter_app.store.database import DEMO
from counter_app.store.models import CaseRow
from counter_app.training.results import CSV_COLUMNS, TrainingResults
from counter_app.training.scenarios import load_scenarios
from counter_app.ui.assembly import PrintSetup
from counter_app.ui.scenario_pages import TrainingSetup
from forms.templates import load_templates


@pytest.fixture
def demo_sessions(tmp_path):
    sessions = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEMO)
    yield sessions
    sessions.kw["bind"].dispose()


@pytest.fixture
def window(make_window, demo_sessions, tmp_path):
    roster = load_roster()
    training = TrainingSetup(load_scenarios(), TrainingResults(demo_sessions),
                             functools.partial(clear_demo_database, demo_sessions.kw["bind"]),
                             {h.key: h.title for h in roster})
    return make_window(demo_sessions, residents=load_demo_residents(), training=training,
                       print_setup=PrintSetup(load_templates(), lambda: [], None,
                                              tmp_path / "pdf"))


def _key(key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key on whatever has the keyboard focus, as a real keyboard sends it."""
    from PySide6.QtTest import QTest

    QTest.keyClick(QApplication.focusWidget(), key, modifier)


def _type(qtbot, text):
    """Typed into the focused field as an input method commits Japanese (QTest's key clicks
    know ASCII only)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(QApplication.focusWidget(), event)


def _row_of(panel, name):
    return next(r for r in range(panel.table.rowCount())
                if panel.table.item(r, 0).text().startswith(name))


def _cells(panel, name):
    row = _row_of(panel, name)
    return [panel.table.item(row, c).text() for c in range(panel.table.columnCount())]


def _open_panel(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    _key(Qt.Key.Key_F9)
    panel = window.training.panel
    qtbot.waitUntil(lambda: panel.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is panel.search)
    return panel


def _shown(dialog, qtbot):
    """A dialog on screen and active (no window manager here activates a new window)."""
    qtbot.waitUntil(lambda: dialog.isVisible())
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def _confirmation(window, qtbot):
    panel = window.training.panel
    panel.activateWindow()  # F12 from the trainer's panel
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    _key(Qt.Key.Key_F12)
    box = window.training.question_box
    _shown(box, qtbot)
    return box


def _pin_dialog(window, qtbot):
    flow = window.reception.card_flow
    qtbot.waitUntil(lambda: flow.pin_dialog is not None and flow.pin_dialog.isVisible())
    return flow.pin_dialog


def test_the_trainer_places_a_card_by_search_and_sees_the_try_it_spends(window, qtbot):
    panel = _open_panel(window, qtbot)
    assert panel.table.rowCount() == len(load_demo_residents())
    _type(qtbot, "きたみ はなこ")  # by kana, spaces and hiragana aside
    assert panel.table.rowCount() == 1
    assert _cells(panel, "北見 花子")[1:3] == ["5678", "3回"]
    _key(Qt.Key.Key_Return)  # one card left: Enter places it
    dialog = _pin_dialog(window, qtbot)
    qtbot.keyClicks(dialog.pin_edit, "0000")  # the trainee's resident types a wrong PIN
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "あと2回" in window.reception.card_problem.text())
    qtbot.waitUntil(lambda: _cells(panel, "北見 花子")[2] == "2回")  # live, after the read
    assert "読み取り機の上" in _cells(panel, "北見 花子")[3]
    assert panel.message.text().startswith("読み取りの結果：暗証番号が違います")
    assert window.status.reader.text() == "カードリーダー: 模擬リーダー（デモ）（カードあり）"


def test_a_click_on_a_row_chooses_a_card_but_never_places_it(window, qtbot):
    panel = _open_panel(window, qtbot)
    _type(qtbot, "北見")  # four cards: Enter does not guess
    _key(Qt.Key.Key_Return)
    assert panel.table.rowCount() == 4 and panel.panel.placed is None
    assert "1枚に絞れていません" in panel.message.text()
    assert QApplication.focusWidget() is panel.table
    row = _row_of(panel, "北見 一郎")
    rect = panel.table.visualItemRect(panel.table.item(row, 0))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.wait(100)
    assert panel.panel.placed is None and window.reception.card_flow.pin_dialog is None
    assert panel.chosen_key().endswith("#2")
    _key(Qt.Key.Key_Return)  # the explicit choice
    _pin_dialog(window, qtbot)
    assert panel.panel.placed == panel.chosen_key()


def test_the_trainer_sets_pin_tries_faults_and_the_reader_by_keyboard(window, qtbot):
    panel = _open_panel(window, qtbot)
    _type(qtbot, "佐藤 一男")
    _key(Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is panel.pin
    _type(qtbot, "4321")
    _key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is panel.tries
    _key(Qt.Key.Key_Down)
    _key(Qt.Key.Key_Down)
    _key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert _cells(panel, "佐藤 一男")[1:3] == ["4321", "1回"]
    key = panel.chosen_key()
    assert (panel.panel.state(key).pin, panel.panel.state(key).tries_left) == ("4321", 1)

    _key(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    _key(Qt.Key.Key_Down)  # なし → 暗証番号ロック, at once
    assert _cells(panel, "佐藤 一男")[2:] == ["ロック", "暗証番号ロック"]
    _key(Qt.Key.Key_Down)  # → 読み取り中にカードが離れる
    assert panel.panel.state(key).fault == "pulled"

    _key(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    _key(Qt.Key.Key_Down)  # 接続されていない
    assert panel.panel.reader_state == "no_reader"
    assert window.status.reader.text() == "カードリーダー: 未接続"
    _key(Qt.Key.Key_Down)  # 使用中に抜けた
    assert window.status.reader.text() == "カードリーダー: ICカードのサービスが動いていません"
    _key(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: not panel.isVisible())


def test_the_reset_empties_the_demo_cases_after_a_confirmation_and_keeps_results(
        window, qtbot, demo_sessions):
    results = window.training.setup.results
    window.training.start(load_scenarios()[0], "研修 一郎")
    assert window.training.task.isVisible()
    panel = _open_panel(window, qtbot)
    _type(qtbot, "きたみ たろう")
    _key(Qt.Key.Key_Return)
    dialog = _pin_dialog(window, qtbot)
    qtbot.keyClicks(dialog.pin_edit, "0000")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _cells(panel, "北見 太郎")[2] == "2回")
    window.reception.card_panel.place(panel.chosen_key())
    dialog = _pin_dialog(window, qtbot)
    qtbot.keyClicks(dialog.pin_edit, "1234")
    qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.reception.household) == 1)
    window.controller.saver.flush()

    def cases():
        with demo_sessions() as session:
            return session.scalar(select(func.count()).select_from(CaseRow))

    assert cases() == 1
    box = _confirmation(window, qtbot)
    _key(Qt.Key.Key_Return)  # the default is to keep everything
    qtbot.waitUntil(lambda: not box.isVisible())
    assert cases() == 1

    box = _confirmation(window, qtbot)
    _key(Qt.Key.Key_Y)
    qtbot.waitUntil(lambda: cases() == 0)
    assert window.reception.household == [] and window.reception.members.rowCount() == 0
    assert window.current_page_key() == "reception"
    assert "リセットしました" in window.reception.hint.text()
    assert _cells(panel, "北見 太郎")[2:] == ["3回", ""]  # fresh cards, nothing on the reader
    assert window.status.reader.text() == "カードリーダー: 模擬リーダー（デモ）"
    assert not window.training.task.isVisible()  # the attempt ended with the reset
    assert [r.trainee for r in results.all()] == ["研修 一郎"]


@pytest.mark.slow  # a whole reception with its PDF: about 10 s
def test_a_scenario_from_the_picker_to_a_scored_and_stored_result(window, qtbot, tmp_path,
                                                                   screenshot_dir):
    results = window.training.setup.results
    _key(Qt.Key.Key_F10)
    picker = window.training.picker
    _shown(picker, qtbot)
    assert QApplication.focusWidget() is picker.list
    assert picker.task.text().startswith("北見さん一家4人が札幌市から転入します")
    _key(Qt.Key.Key_Down)
    assert picker.task.text().startswith("佐藤一男さん")
    _key(Qt.Key.Key_Up)
    _key(Qt.Key.Key_Return)  # chosen: on to the name
    assert QApplication.focusWidget() is picker.name
    _key(Qt.Key.Key_Return)
    assert picker.message.text() == "研修者の名前を入力してください。"
    _type(qtbot, "研修 花子")
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not picker.isVisible())
    (attempt,) = results.all()
    assert (attempt.trainee, attempt.scenario, attempt.score) == (
        "研修 花子", "01_kitami_family_move_in", None)
    task = window.training.task
    assert task.isVisible() and "北見さん一家4人" in task.text()

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # The scripted clerk: the right people, but 令和8年4月1日 at 本町1-1, a dog and a seal
    # registration the task does not have, and 北見 太郎 as the filer.
    run_four_person_move_in(window, qtbot)
    dialog = window.training.result_dialog
    qtbot.waitUntil(lambda: dialog is not None)
    _shown(dialog, qtbot)
    assert not task.isVisible()
    (stored,) = results.all()
    assert stored.score is not None and 0 < stored.score < 100
    assert f"得点 {stored.score}点" in dialog.summary.text()
    text = dialog.findings.toPlainText()
    assert ("余分（2件）\n「印鑑登録」はこの世帯には要りません\n"
            "理由：北見 太郎：印鑑登録を希望する") in text
    assert "「犬の登録事項変更」はこの世帯には要りません\n理由：世帯：犬を飼っている" in text
    assert "届出人が違います" in text
    assert "異動日が違います（正：令和8年12月7日／入力：令和8年4月1日）" in text  # 和暦
    assert {d["item"] for d in stored.details} >= {"seal_registration", "filer", "move.date",
                                                  "filer.phone"}
    dialog.grab().save(str(screenshot_dir / "training_result.png"))
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    _key(Qt.Key.Key_F11)
    listing = window.training.results_dialog
    _shown(listing, qtbot)
    row = [listing.table.item(0, c).text() for c in range(listing.table.columnCount())]
    assert row[:3] == ["研修 花子", "北見さん一家の転入（妊娠中の母と2人の子）",
                       f"{stored.score}点"]
    assert row[4].startswith("令和")
    _key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    files = listing.file_dialog
    qtbot.waitUntil(lambda: files.isVisible())
    target = tmp_path / "結果.csv"
    files.selectFile(str(target))
    files.accept()
    qtbot.waitUntil(lambda: target.exists())
    with open(target, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][0] == "研修 花子" and rows[1][6] == str(stored.score)
    assert listing.message.text() == "研修の結果1件をCSVファイルに保存しました。"


def test_a_scenario_that_opens_a_case_starts_the_trainee_in_it(make_window, demo_sessions,
                                                                qtbot):
    """A case a colleague began (`open_case`): the trainee resumes it, task in view."""
    scenario = dataclasses.replace(load_scenarios()[1], open_case=True)
    setup = TrainingSetup([scenario], TrainingResults(demo_sessions), lambda: 0, {})
    window = make_window(demo_sessions, residents=load_demo_residents(), training=setup)
    _key(Qt.Key.Key_F10)
    picker = window.training.picker
    _shown(picker, qtbot)
    _key(Qt.Key.Key_Return)
    _type(qtbot, "研修 次郎")
    _key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(window.reception.household) == 2)
    (attempt,) = setup.results.all()
    assert window.controller.session.case.id == attempt.case_id
    assert [m.name for m in window.reception.household] == [
        m.name for m in scenario.case().members]
    assert window.training.task.isVisible() and "佐藤一男さん" in window.training.task.text()


def test_a_csv_that_cannot_be_written_says_so_and_leaves_nothing(window, qtbot, tmp_path):
    window.training.open_results()
    listing = window.training.results_dialog
    qtbot.waitUntil(lambda: listing.isVisible())
    target = tmp_path / "missing-folder" / "結果.csv"
    listing.export_to(str(target))
    assert listing.message.text().startswith("CSVファイルを保存できませんでした")
    assert not target.parent.exists()


def test_f1_lists_the_training_keys_in_demo_mode(window, qtbot):
    _key(Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_box is not None and window.help_box.isVisible())
    text = window.help_box.text()
    assert all(key in text for key in ("F9", "F10", "F11", "F12"))


TRAINING_SHOTS = ["training_panel", "scenario_picker", "training_reception", "training_result",
                  "training_results"]


@pytest.mark.slow
@pytest.mark.parametrize("size", ["1366x768", "1920x1080"])
def test_training_screens_fit_the_screen(size, tmp_path, screenshot_dir):
    """Drawn by the real app in demo mode on a real X server; kept for people to look at."""
    from pathlib import Path

    from PIL import Image
    from processes import run_on_xvfb

    result = run_on_xvfb("training_screens_driver.py", [str(screenshot_dir), size], size,
                         str(tmp_path / "data"))
    assert result.returncode == 0, result.stderr[-3000:]
    shots = result.stdout.split()
    assert [Path(shot).stem.removeprefix(f"{size}_") for shot in shots] == TRAINING_SHOTS
    width, height = (int(v) for v in size.split("x"))
    for shot in shots:
        image = Image.open(shot)
        assert image.size == (width, height)
        assert len(image.getcolors(1 << 16) or []) > 20, f"{shot} is blank"
