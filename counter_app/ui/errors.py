"""Unexpected errors: the traceback goes to the log, staff see a short Japanese message."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

log = logging.getLogger("counter_app.crash")

UNEXPECTED_ERROR_JA = (
    "予期しないエラーが発生しました。\n"
    "画面の内容を確かめてから続けてください。操作を続けられない場合は、起動し直してください。\n"
    "繰り返す場合はシステム担当者に連絡してください（記録番号: {ref}）。"
)


class ErrorReporter(QObject):
    """Shows the staff message on the GUI thread, whichever thread the error happened on."""

    report = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.report.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.last_box: QMessageBox | None = None

    def _show(self, ref: str) -> None:
        parent = QApplication.activeWindow()
        box = QMessageBox(QMessageBox.Icon.Critical, "エラー", UNEXPECTED_ERROR_JA.format(ref=ref),
                          QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # open(), not exec(): a nested event loop inside an error handler invites re-entrancy.
        box.open()
        self.last_box = box


_reporter: ErrorReporter | None = None
_counter = 0


def _reference() -> str:
    global _counter
    _counter += 1
    return f"E{_counter:03d}"


def handle_exception(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    ref = _reference()
    log.error("unhandled exception (ref %s):\n%s", ref,
              "".join(traceback.format_exception(exc_type, exc, tb)))
    if _reporter is not None:
        _reporter.report.emit(ref)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        handle_exception(args.exc_type, args.exc_value, args.exc_traceback)


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
_qt_log = logging.getLogger("qt")


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    _qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def install_error_handling() -> ErrorReporter:
    """Install the Python exception hooks and route Qt's own messages into logging."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter()
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook
    qInstallMessageHandler(_qt_message)
    return _reporter
