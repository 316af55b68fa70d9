"""The print gate on screen, shared by the checklist and the printing page.

`GateWatcher` checks the case off the GUI thread whenever it changes and a page that shows the
gate is visible (the check builds the packet: about 30 ms, half a second the first time while
the fonts load). `ProblemBanner` lists the problems; Enter on one asks for the place to fix it.
`CaseCloser` closes the case from either page: refused while problems remain, and asks before
closing with forms that were never printed or changed since.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from counter_app.reception import Problem
from counter_app.reception.outputs import GateReport
from counter_app.ui.controller import CounterController
from counter_app.ui.tasks import run_task

log = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole
VISIBLE_PROBLEMS = 3  # rows the banner shows before it scrolls: the table keeps its room

# The packet's fonts are registered on first use, and two threads doing that at once could end up
# with two copies of a font: gate checks and renders take turns.
_print_work = threading.RLock()  # reentrant: a change made under it is announced under it


@contextmanager
def print_work() -> Iterator[None]:
    with _print_work:
        yield


def one_at_a_time(func: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        with print_work():
            return func()
    return run


def emphasize(button: QPushButton, on: bool) -> None:
    """Bold for the button of the next step (the focus ring stays the application's)."""
    font = button.font()
    font.setBold(on)
    button.setFont(font)


class GateWatcher(QObject):
    """The gate report of the case on screen, kept current while a page shows it."""

    changed = Signal()

    def __init__(self, controller: CounterController) -> None:
        super().__init__(controller)
        self._controller = controller
        self._viewers: list[QWidget] = []
        self._generation = 0  # one per state of the case: older reports are dropped
        self._checked = -1  # the generation `report` belongs to
        self._running = False
        self.report: GateReport | None = None
        controller.case_changed.connect(self._case_changed)
        controller.session_replaced.connect(self._session_replaced)

    @classmethod
    def of(cls, controller: CounterController) -> GateWatcher:
        """The controller's one watcher: the pages share it, so each change is checked once."""
        return controller.findChild(cls) or cls(controller)

    def watch(self, viewer: QWidget) -> None:
        self._viewers.append(viewer)

    def current(self) -> bool:
        """The report is of the case as it is now."""
        return self._checked == self._generation

    def _wanted(self) -> bool:
        return any(isValid(v) and v.isVisible() for v in self._viewers)

    def _session_replaced(self) -> None:
        self.report = None  # the previous resident's problems are no help with this one
        self._case_changed()
        self.changed.emit()

    def _case_changed(self) -> None:
        self._generation += 1
        if self._wanted():
            self.request()

    def request(self) -> None:
        """Check the case as it is now, unless that is done or under way."""
        if self.current() or self._running:
            return
        self._running = True
        generation = self._generation
        check = one_at_a_time(self._controller.session.gate_check())
        run_task(check, lambda report, error: self._checked_one(generation, report, error))

    def _checked_one(self, generation: int, report: GateReport | None,
                     error: BaseException | None) -> None:
        if not isValid(self):
            return  # the window closed while the check ran
        self._running = False
        if error is not None:
            log.error("print gate check failed", exc_info=error)
            return
        if generation != self._generation:
            if self._wanted():
                self.request()  # the case changed meanwhile: check it as it is now
            return
        self.report, self._checked = report, generation
        self.changed.emit()


class MessageBanner(QLabel):
    """Why the last operation was refused, across the page where it cannot be missed; hidden
    when there is nothing to say."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("pageMessage")
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#pageMessage { background: #fff4e6; color: #a61e1e;"
                           " border-left: 6px solid #c92a2a; padding: 6px 10px;"
                           " font-weight: bold; }")
        self.setVisible(False)

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class ProblemBanner(QFrame):
    """What stops printing and closing, one Japanese line each; Enter on a line asks for the
    place to fix it (`fix_requested` with the problem's case-file path)."""

    fix_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("gateBanner")
        self.setStyleSheet("QFrame#gateBanner { background: #fff5f5; border: 2px solid #c92a2a;"
                           " border-radius: 6px; } QLabel#gateTitle { color: #a61e1e;"
                           " font-weight: bold; }"
                           " QListWidget#gateProblems::item { padding: 2px 4px; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("gateTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.list = QListWidget()
        self.list.setObjectName("gateProblems")
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        layout.addWidget(self.list)
        self.list.itemActivated.connect(
            lambda item: self.fix_requested.emit(item.data(PATH_ROLE)))
        self.setVisible(False)

    def show_problems(self, problems: list[Problem]) -> None:
        self.list.clear()
        # One line per message: a form printed once per person repeats the same words.
        shown = list({p.message_ja: p for p in reversed(problems)}.values())[::-1]
        for problem in shown:
            item = QListWidgetItem(problem.message_ja)
            item.setData(PATH_ROLE, problem.path)
            self.list.addItem(item)
        if shown:
            self.title.setText(f"印刷・完了の前に直すこと（{len(shown)}件）"
                               "　F6で一覧へ、Enterで入力する画面へ")
            self.list.setCurrentRow(0)
            self.list.ensurePolished()
            row = self.list.sizeHintForRow(0) or self.list.fontMetrics().lineSpacing() + 4
            self.list.setFixedHeight(row * min(len(shown), VISIBLE_PROBLEMS)
                                     + 2 * self.list.frameWidth())
        self.setVisible(bool(shown))

    def problems(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def focus(self) -> None:
        if self.isVisible():
            self.list.setFocus()


class CaseCloser(QObject):
    """Closing the case, the same from the checklist and the printing page."""

    closed = Signal()
    refused = Signal(str)  # why not, in Japanese (the page shows it)

    def __init__(self, page: QWidget, controller: CounterController,
                 banner: ProblemBanner) -> None:
        super().__init__(page)
        self._page = page
        self._controller = controller
        self._banner = banner
        self.confirm_box: QMessageBox | None = None

    def close_case(self) -> None:
        session = self._controller.session
        with print_work():
            report = session.gate_check()()
        self._banner.show_problems(report.problems)
        if report.problems:
            self.refused.emit("確認事項が残っているため、受付を完了できません。"
                              "上の一覧の項目を直してください。")
            self._banner.focus()
            return
        if report.unprinted and not session.unaddressed():
            self._ask(report)
            return
        self._close()

    def _ask(self, report: GateReport) -> None:
        changed = f"（内容が変わったため再印刷が必要なもの{len(report.changed)}件を含む）" \
            if report.changed else ""
        box = QMessageBox(QMessageBox.Icon.Warning, "受付の完了",
                          f"印刷していない申請書が{len(report.unprinted)}件あります{changed}。\n"
                          "印刷するときは「いいえ」を選び、Ctrl+Pで印刷へ進んでください。\n\n"
                          "このまま受付を完了しますか？",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self._page)
        box.setDefaultButton(QMessageBox.StandardButton.No)  # Enter does not close by mistake
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 34em; }")  # no cramped lines
        box.buttonClicked.connect(
            lambda button: box.standardButton(button) == QMessageBox.StandardButton.Yes
            and self._close())
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()

    def _close(self) -> None:
        with print_work():  # closing runs the gate once more, on the case as it is
            closed = self._controller.apply(lambda s: s.close())
        if closed:
            self.closed.emit()
