"""The main window as real Qt widgets (offscreen), driven with pytest-qt."""

import logging
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from card_reader.errors import PcscUnavailableError
from counter_app.preferences import Preferences
from counter_app.ui.application import configure_application
from counter_app.ui.errors import handle_exception, install_error_handling
from counter_app.ui.main_window import PAGES, MainWindow, StatusSources


@pytest.fixture
def configured_app(qapp):
    configure_application(qapp)
    return qapp


def _sources(demo=False, readers=lambda: ["Virtual PCD 00 00"], printer=lambda: "PDF"):
    return StatusSources(demo=demo, database_label="SQLite（この端末）",
                         list_readers=readers, find_printer=printer)


def _open(qtbot, tmp_path, sources):
    window = MainWindow(sources, Preferences(tmp_path))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.probes_finished, timeout=5000):
        window.show()
    qtbot.waitExposed(window)
    return window


def test_window_opens_with_status_of_reader_printer_and_database(configured_app, qtbot, tmp_path):
    window = _open(qtbot, tmp_path, _sources())
    assert window.isVisible()
    assert window.windowTitle() == "窓口支援システム Madoguchi"
    assert not window.demo_banner.isVisible()
    assert window.status.reader.text() == "カードリーダー: Virtual PCD 00 00"
    assert window.status.printer.text() == "プリンタ: PDF"
    assert window.status.database.text() == "データベース: SQLite（この端末）"
    assert window.status.mode.text() == "本番"


def test_demo_mode_is_marked_clearly(configured_app, qtbot, tmp_path):
    window = _open(qtbot, tmp_path, _sources(demo=True))
    assert window.windowTitle().startswith("【デモ】")
    assert window.demo_banner.isVisible()
    assert "実際の記録には一切反映されず" in window.demo_banner.text()
    assert window.status.mode.objectName() == "demoBadge"


def test_equipment_problems_are_shown_in_japanese(configured_app, qtbot, tmp_path):
    def no_pcsc():
        raise PcscUnavailableError("PC/SC service unavailable")

    window = _open(qtbot, tmp_path, _sources(readers=no_pcsc, printer=lambda: None))
    assert window.status.reader.text() == f"カードリーダー: {PcscUnavailableError.message_ja}"
    assert window.status.printer.text() == "プリンタ: なし（PDF保存）"

    window2 = _open(qtbot, tmp_path, _sources(readers=lambda: []))
    assert window2.status.reader.text() == "カードリーダー: 未接続"


def test_preferred_reader_is_shown_when_attached(configured_app, qtbot, tmp_path):
    prefs = Preferences(tmp_path)
    prefs.reader_name = "Virtual PCD 00 01"
    window = _open(qtbot, tmp_path,
                   _sources(readers=lambda: ["Virtual PCD 00 00", "Virtual PCD 00 01"]))
    assert window.status.reader.text() == "カードリーダー: Virtual PCD 00 01"


def test_every_page_is_reachable_by_keyboard(configured_app, qtbot, tmp_path):
    window = _open(qtbot, tmp_path, _sources())
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    for number, spec in enumerate(PAGES, start=1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0.value + number),
                       Qt.KeyboardModifier.ControlModifier)
        assert window.current_page_key() == spec.key
    qtbot.keyClick(window.navigation, Qt.Key.Key_Up)
    assert window.current_page_key() == PAGES[-2].key


def test_placeholders_say_what_will_come(configured_app, qtbot, tmp_path):
    window = _open(qtbot, tmp_path, _sources())
    for index, spec in enumerate(PAGES):
        texts = [label.text() for label in window.stack.widget(index).findChildren(QLabel)]
        assert "この画面は準備中です。" in texts
        assert spec.coming in texts


def test_window_geometry_is_remembered_per_pc(configured_app, qtbot, tmp_path):
    window = _open(qtbot, tmp_path, _sources())
    window.resize(760, 560)  # inside the 800x600 offscreen screen
    window.close()
    assert "geometry" in (tmp_path / "settings.ini").read_text(encoding="utf-8")
    again = _open(qtbot, tmp_path, _sources())
    assert (again.width(), again.height()) == (760, 560)


def test_bundled_font_and_japanese_qt_strings(configured_app):
    assert QApplication.font().family() == "BIZ UDPGothic"
    assert QApplication.font().pointSize() >= 14
    box = QMessageBox(QMessageBox.Icon.Question, "確認", "続けますか",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "キャンセル"


def _open_error_boxes():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.windowTitle() == "エラー"]


def test_unexpected_error_shows_japanese_message_and_logs_traceback(configured_app, qtbot,
                                                                    caplog):
    install_error_handling()
    caplog.set_level(logging.ERROR, logger="counter_app.crash")
    try:
        raise RuntimeError("boom in a slot")
    except RuntimeError as exc:
        handle_exception(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: len(_open_error_boxes()) == 1)
    box = _open_error_boxes()[0]
    assert "予期しないエラーが発生しました" in box.text()
    assert "Traceback" not in box.text() and "boom" not in box.text()
    assert "Traceback" in caplog.text and "boom in a slot" in caplog.text
    box.close()


def test_error_on_a_worker_thread_reaches_the_gui_thread(configured_app, qtbot, caplog):
    install_error_handling()
    caplog.set_level(logging.ERROR, logger="counter_app.crash")
    qtbot.waitUntil(lambda: not _open_error_boxes())

    def fail():
        raise ValueError("worker failure")

    worker = threading.Thread(target=fail)
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(_open_error_boxes()) == 1)
    assert "worker failure" in caplog.text
    _open_error_boxes()[0].close()
