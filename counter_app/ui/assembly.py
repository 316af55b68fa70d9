"""Putting the counter's pages together in the main window and wiring their hand-overs."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from card_reader.sources import CardSource
from counter_app.demo import DemoResident
from counter_app.domain import CaseStatus, Step
from counter_app.preferences import Preferences
from counter_app.reception.packet import reception_number
from counter_app.reception.problems import place_of
from counter_app.store.statistics import Summary, summary
from counter_app.ui.checklist import ChecklistPage
from counter_app.ui.controller import CounterController
from counter_app.ui.interview import InterviewPage
from counter_app.ui.main_window import MainWindow, StatusSources
from counter_app.ui.open_cases import OpenCasesPage
from counter_app.ui.printing_page import PrintingPage
from counter_app.ui.reception import ReceptionPage
from counter_app.ui.scenario_pages import TrainingDesk, TrainingSetup
from counter_app.ui.statistics_page import StatisticsPage
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
    resuming; `config` is the supervisors' page (counter_app.ui.config_page)."""

    case_closed = Signal(object)  # the Case just closed (the next resident's has started)

    def __init__(self, sources: StatusSources, preferences: Preferences,
                 controller: CounterController, card_source: CardSource,
                 demo_residents: list[DemoResident] | None = None,
                 print_setup: PrintSetup | None = None,
                 training: TrainingSetup | None = None,
                 config: QWidget | None = None) -> None:
        self.controller = controller
        self.reception = ReceptionPage(controller, card_source, demo_residents,
                                       training.titles if training else None)
        self.interview = InterviewPage(controller)
        self.checklist = ChecklistPage(controller)
        self.open_cases = OpenCasesPage(controller.repository)
        self.statistics = StatisticsPage(self._statistics)
        setup = print_setup or PrintSetup(load_templates(), lambda: [], None,
                                          Path(tempfile.gettempdir()))
        self.printing = PrintingPage(controller, setup.templates, sources.demo,
                                     setup.list_printers, setup.preferred_printer,
                                     setup.save_dir)
        super().__init__(sources, preferences, {
            "reception": self.reception, "interview": self.interview,
            "checklist": self.checklist, "printing": self.printing,
            "open_cases": self.open_cases, "statistics": self.statistics,
            **({"config": config} if config is not None else {})})
        self.question_box: QWidget | None = None
        self.ask_before_closing = False  # the composition root turns it on for the real app
        self._closing_confirmed = False

        self.reception.next_requested.connect(lambda: self.show_page_key("interview"))
        self.interview.next_requested.connect(lambda: self.show_page_key("checklist"))
        self.interview.back_requested.connect(lambda: self.show_page_key("reception"))
        self.checklist.back_requested.connect(lambda: self.show_page_key("interview"))
        self.checklist.print_requested.connect(lambda: self.show_page_key("printing"))
        self.checklist.closed.connect(self._closed)
        self.printing.closed.connect(self._closed)
        self.checklist.fix_requested.connect(self.fix)
        self.printing.fix_requested.connect(self.fix)
        self.open_cases.resume_requested.connect(self.resume)
        self.open_cases.discard_requested.connect(self._discard_stored)
        controller.saver.failed.connect(self._save_failed)
        controller.saver.offline.connect(self._offline)
        controller.saver.online.connect(self._online)
        QShortcut(QKeySequence("Ctrl+N"), self).activated.connect(self.new_case)
        # Demo mode: the trainer's card panel (F9) and, with a training setup, scenarios.
        self.training = (TrainingDesk(self, training) if self.reception.card_panel is not None
                         else None)
        QTimer.singleShot(0, self.reception.focus_first)  # the first case starts in 異動日

    def _statistics(self, since: dt.date, until: dt.date) -> tuple[Summary, list[str]]:
        """On a worker: the anonymous statistics, sections as the catalogue in force names
        and orders them."""
        catalogue = self.controller.catalogue
        section_of = {p.id: p.section for p in catalogue.procedures}.get
        return (summary(self.controller.repository.sessions, since, until, section_of),
                [section.name_ja for section in catalogue.city.sections])

    def fix(self, path: str) -> None:
        """F6/Enter on a problem of the print gate: the page and field to put it right."""
        place = place_of(path)
        self.show_page_key(place.page)
        if place.page == "reception":
            self.reception.show_place(place.target)

    def new_case(self) -> None:
        """Ctrl+N. A case with people in it is not left behind without a word: staff keep it
        open (it waits in 受付中の案件), discard it with a reason, or go back to it."""
        self.reception.commit_edits()  # what was typed belongs to the case it was typed in
        case = self.controller.session.case
        if case.status is not CaseStatus.OPEN or not case.members:
            self._start_next()
            return
        box = QMessageBox(QMessageBox.Icon.Question, "次の方の受付",
                          "この方の受付はまだ完了していません。どうしますか？", parent=self)
        keep = box.addButton("受付中のまま残して次の方へ（Enter）",
                             QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("この受付を取り消す（理由を入力）",
                                QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("戻る（Esc）", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        def answered(_result: int) -> None:
            if box.clickedButton() is keep:
                self._start_next(f"前の方の受付は「受付中の案件」に残しました（受付番号 "
                                 f"{reception_number(case.id)}）。")
            elif box.clickedButton() is discard:
                self.ask_discard()

        box.finished.connect(answered)
        box.finished.connect(box.deleteLater)
        self.question_box = box
        box.open()

    def ask_discard(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle("受付の取消")
        dialog.setLabelText("取り消す理由を入力してください（例：住民の方が帰られた、誤って開始した）")
        dialog.setMinimumWidth(720)

        def discard(reason: str) -> None:
            if self.controller.apply(lambda s: s.discard(reason)):
                self._start_next("受付を取り消しました。")

        dialog.textValueSelected.connect(discard)
        dialog.finished.connect(dialog.deleteLater)
        self.question_box = dialog
        dialog.open()

    def _discard_stored(self, case_id: str, reason: str) -> None:
        if self.controller.discard_stored(case_id, reason):
            if self.controller.session.case.id == case_id:
                self._start_next("受付を取り消しました。")
                self.show_page_key("open_cases")
            run_task(self.controller.saver.flush, lambda *_: self.open_cases.reload())

    def _start_next(self, note: str = "") -> None:
        self.controller.new_case()
        self.show_page_key("reception")
        self.reception.hint.setText(note)
        self.reception.focus_first()

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
        """The next resident at once; what happened is said on the page, not in a box to
        click away."""
        case = self.controller.session.case
        self._start_next(f"{CLOSED_JA}（受付番号 {reception_number(case.id)}）")
        self.case_closed.emit(case)  # a training scenario's result opens over the next case

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window with a case under way says so (the case is kept either way)."""
        case = self.controller.session.case
        if (self.ask_before_closing and not self._closing_confirmed
                and case.status is CaseStatus.OPEN and case.members):
            event.ignore()
            box = QMessageBox(QMessageBox.Icon.Question, "終了の確認",
                              "受付中の方がいます。受付中のまま終了しますか？"
                              "（次に起動したとき「受付中の案件」から再開できます）",
                              QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                              self)
            box.setDefaultButton(QMessageBox.StandardButton.No)

            def answered(result: int) -> None:
                if result == QMessageBox.StandardButton.Yes:
                    self._closing_confirmed = True
                    self.close()

            box.finished.connect(answered)
            box.finished.connect(box.deleteLater)
            self.question_box = box
            box.open()
            return
        self.reception.commit_edits()
        super().closeEvent(event)

    def _save_failed(self, message: str) -> None:
        """Said once in the status bar (a box per keystroke helped nobody)."""
        self.status.database.setText(f"データベース: {message}")
        self.status.database.setStyleSheet("color: #c92a2a;")

    def _offline(self, message: str) -> None:
        self.status.database.setText("データベース: 未接続（この端末に保存中）")
        self.status.database.setStyleSheet("color: #c92a2a; font-weight: bold;")
        self.reception.hint.setText(message)

    def _online(self) -> None:
        self.status.database.setText(f"データベース: {self._sources.database_label}")
        self.status.database.setStyleSheet("")
