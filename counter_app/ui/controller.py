"""The counter's current reception, shared by the reception, interview and checklist pages.

Pages call `apply` with an operation on the session; the controller announces one
`case_changed` afterwards (pages redraw from the session), turns a refusal into a Japanese
message, and saves the case in the background, in order, on a single worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal

from counter_app.domain import Case, PrintRecord, Step
from counter_app.reception import NotReady, ReceptionSession
from counter_app.rules import Catalogue
from counter_app.store import CaseRepository
from counter_app.ui.signals import emit

log = logging.getLogger(__name__)

SAVE_FAILED_JA = ("受付内容を保存できませんでした。データベースの接続を確認してください。"
                  "画面の内容は残っています。")


class CaseSaver(QObject):
    """Saves snapshots one after another off the GUI thread (a database may be on a network)."""

    failed = Signal(str)

    def __init__(self, repository: CaseRepository) -> None:
        super().__init__()
        self._repository = repository
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-saver")

    def save(self, case: Case) -> None:
        self._executor.submit(self._save, case)

    def _save(self, case: Case) -> None:
        try:
            self._repository.save(case)
        except Exception as exc:
            log.error("saving case %s failed: %s", case.id, type(exc).__name__)
            emit(self.failed, SAVE_FAILED_JA)

    def update(self, case_id: str, change: Callable[[Case], None]) -> None:
        """Change a stored case that is no longer on screen, after the saves queued before."""
        def run() -> None:
            case = self._repository.load(case_id)
            if case is not None:
                change(case)
                self._save(case)

        self._executor.submit(run)

    def flush(self) -> None:
        """Wait for every queued save (shutdown and tests)."""
        self._executor.submit(lambda: None).result()

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)


class CounterController(QObject):
    session_replaced = Signal()
    case_changed = Signal()
    refused = Signal(str)  # a Japanese message: why an operation was not done

    def __init__(self, catalogue: Catalogue, repository: CaseRepository, saver: CaseSaver,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.repository = repository
        self.saver = saver
        self._today = today
        self.session = ReceptionSession.new(catalogue, saver.save, today())

    def new_case(self) -> None:
        self.session = ReceptionSession.new(self.catalogue, self.saver.save, self._today())
        log.info("new reception case %s", self.session.case.id)
        emit(self.session_replaced)

    def load(self, case_id: str) -> Case | None:
        """Blocking (a database may be on a network): after the queued saves, the stored case."""
        self.saver.flush()
        return self.repository.load(case_id)

    def adopt(self, case: Case | None) -> bool:
        """Make a loaded case the current reception (GUI thread)."""
        if case is None:
            emit(self.refused, "この受付は見つかりませんでした")
            return False
        self.session = ReceptionSession(case, self.catalogue, self.saver.save, self._today())
        log.info("resumed case %s at step %s", case.id, case.step.value)
        emit(self.session_replaced)
        return True

    def resume(self, case_id: str) -> bool:
        """load() and adopt() in one blocking call (tests and scripts)."""
        return self.adopt(self.load(case_id))

    def record_output(self, case_id: str, form_ids: list[str], how: str, where: str) -> None:
        """Forms left the counter for `case_id`, which may no longer be the one on screen."""
        if self.session.case.id == case_id:
            self.apply(lambda s: s.record_output(form_ids, how, where))
            return
        at = dt.datetime.now(dt.UTC)

        def change(case: Case) -> None:
            for form_id in form_ids:
                case.prints[form_id] = PrintRecord(how, where, at)

        self.saver.update(case_id, change)

    def apply(self, operation: Callable[[ReceptionSession], Any]) -> bool:
        """Run one operation on the session; False (and `refused`) if it was refused."""
        try:
            operation(self.session)
        except (NotReady, ValueError) as exc:
            emit(self.refused, str(exc))
            return False
        emit(self.case_changed)
        return True

    @property
    def step(self) -> Step:
        return self.session.case.step
