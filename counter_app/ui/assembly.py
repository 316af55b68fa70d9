"""Putting the counter's pages together in the main window and wiring their hand-overs."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMessageBox

from card_reader.sources import CardSource
from counter_app.demo import DemoResident
from counter_app.domain import Step
from counter_app.preferences import Preferences
from counter_app.ui.checklist import ChecklistPage
from counter_app.ui.controller import CounterController
from counter_app.ui.interview import InterviewPage
from counter_app.ui.main_window import MainWindow, StatusSources
from counter_app.ui.open_cases import OpenCasesPage
from counter_app.ui.printing_page import PrintingPage
from counter_app.ui.reception import ReceptionPage
from counter_app.ui.tasks import run_task
from forms.templates import Template, load_templates

STEP_PAGES = {Step.MOVE: "reception", Step.INTERVIEW: "interview", Step.CHECKLIST: "checklist"}
CLOSED_JA = "受付を完了しました。次の方の受付を始められます。"


@dataclass(frozen=True)
class PrintSetup:
    templates: dict[str, Template]
    list_printers: Callable[[], list[str]]  # blocking: called on a worker
    preferred_printer: str | None
    save_dir: Path  # where packets go when there is no printer


class CounterWindow(MainWindow):
    """The main window with the reception flow: 受付 → 聞き取り → 手続一覧 → 印刷, and
    resuming."""

    def __init__(self, sources: StatusSources, preferences: Preferences,
                 controller: CounterController, card_source: CardSource,
                 demo_residents: list[DemoResident] | None = None,
                 print_setup: PrintSetup | None = None) -> None:
        self.controller = controller
        self.reception = ReceptionPage(controller, card_source, demo_residents)
        self.interview = InterviewPage(controller)
        self.checklist = ChecklistPage(controller)
        self.open_cases = OpenCasesPage(controller.repository)
        setup = print_setup or PrintSetup(load_templates(), lambda: [], None,
                                          Path(tempfile.gettempdir()))
        self.printing = PrintingPage(controller, setup.templates, sources.demo,
                                     setup.list_printers, setup.preferred_printer,
                                     setup.save_dir)
        super().__init__(sources, preferences, {
            "reception": self.reception, "interview": self.interview,
            "checklist": self.checklist, "printing": self.printing,
            "open_cases": self.open_cases})
        self.info_box: QMessageBox | None = None

        self.reception.next_requested.connect(lambda: self.show_page_key("interview"))
        self.interview.next_requested.connect(lambda: self.show_page_key("checklist"))
        self.interview.back_requested.connect(lambda: self.show_page_key("reception"))
        self.checklist.back_requested.connect(lambda: self.show_page_key("interview"))
        self.checklist.print_requested.connect(lambda: self.show_page_key("printing"))
        self.checklist.closed.connect(self._closed)
        self.open_cases.resume_requested.connect(self.resume)
        controller.saver.failed.connect(self._save_failed)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.new_case)

    def new_case(self) -> None:
        self.reception.commit_edits()  # what was typed belongs to the case it was typed in
        self.controller.new_case()
        self.show_page_key("reception")
        self.reception.move.kind.setFocus()

    def resume(self, case_id: str) -> None:
        """Load on a worker (the database may be on a network), then switch to the case."""
        self.reception.commit_edits()
        run_task(lambda: self.controller.load(case_id), self._resumed)

    def _resumed(self, case: object, error: BaseException | None) -> None:
        if error is None and self.controller.adopt(case):  # type: ignore[arg-type]
            self.show_page_key(STEP_PAGES[self.controller.step])
        else:
            self.open_cases.scan_error.setText("この案件は見つかりませんでした")

    def _closed(self) -> None:
        self.info_box = QMessageBox(QMessageBox.Icon.Information, "受付完了", CLOSED_JA,
                                    QMessageBox.StandardButton.Ok, self)
        self.info_box.open()
        self.new_case()

    def _save_failed(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Critical, "保存できません", message,
                          QMessageBox.StandardButton.Ok, self)
        box.finished.connect(box.deleteLater)
        box.open()
