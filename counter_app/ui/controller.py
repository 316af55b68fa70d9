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

from counter_app.domain import Case, CaseStatus, PrintRecord, Step
from counter_app.reception import ReceptionSession, Refused
from counter_app.reception.problems import Gate
from counter_app.rules import Catalogue
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter

log = logging.getLogger(__name__)

SAVE_FAILED_JA = ("受付内容を保存できませんでした。データベースの接続を確認してください。"
                  "画面の内容は残っています。")


class CaseSaver(QObject):
    """Saves snapshots one after another off the GUI thread (a database may be on a network)."""

    failed = Signal(str)

    def __init__(self, repository: CaseRepository, counter: str = "") -> None:
        super().__init__()
        self._repository = repository
        self._writer = CaseWriter(repository, counter)  # used on the saver thread only
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="case-saver")

    def save(self, case: Case) -> None:
        self._executor.submit(self._save, case)

    def _save(self, case: Case) -> None:
        try:
            self._writer.save(case)
        except Exception as exc:
            log.error("saving case %s failed: %s", case.id, type(exc).__name__)
            self.failed.emit(SAVE_FAILED_JA)

    def update(self, case_id: str, change: Callable[[Case], None]) -> None:
        """Change a stored case that is no longer on screen, after the saves queued before."""
        def run() -> None:
            case = self._repository.load(case_id)
            if case is not None:
                self._writer.forget(case_id)  # save against the copy just loaded
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
                 today: Callable[[], dt.date] = dt.date.today,
                 form_facts: dict[str, frozenset[str]] | None = None,
                 gate: Gate | None = None) -> None:
        super().__init__()
        self.catalogue = catalogue
        self.repository = repository
        self.saver = saver
        self._today = today
        self._form_facts = form_facts
        self._gate = gate
        self.session = ReceptionSession.new(catalogue, saver.save, today(),
                                            form_facts=form_facts, gate=gate)

    def new_case(self) -> None:
        self.session = ReceptionSession.new(self.catalogue, self.saver.save, self._today(),
                                            form_facts=self._form_facts, gate=self._gate)
        log.info("new reception case %s", self.session.case.id)
        self.session_replaced.emit()

    def load(self, case_id: str) -> Case | None:
        """Blocking (a database may be on a network): after the queued saves, the stored case."""
        self.saver.flush()
        return self.repository.load(case_id)

    def adopt(self, case: Case | None) -> bool:
        """Make a loaded case the current reception (GUI thread)."""
        if case is None:
            self.refused.emit("この受付は見つかりませんでした")
            return False
        self.session = ReceptionSession(case, self.catalogue, self.saver.save, self._today(),
                                        self._form_facts, self._gate)
        log.info("resumed case %s at step %s", case.id, case.step.value)
        self.session_replaced.emit()
        return True

    def resume(self, case_id: str) -> bool:
        """load() and adopt() in one blocking call (tests and scripts)."""
        return self.adopt(self.load(case_id))

    def record_output(self, case_id: str, forms: dict[str, str], how: str, where: str) -> None:
        """Forms (key → fingerprint of what was printed) left the counter for `case_id`, which
        may no longer be the one on screen."""
        if self.session.case.id == case_id:
            self.apply(lambda s: s.record_output(forms, how, where))
            return
        at = dt.datetime.now(dt.UTC)

        def change(case: Case) -> None:
            case.prints.extend(PrintRecord(form, how, where, at, fingerprint)
                               for form, fingerprint in forms.items())

        self.saver.update(case_id, change)

    def discard_stored(self, case_id: str, reason: str) -> bool:
        """Discard a case that is not on screen (from 受付中の案件), with a reason."""
        if not reason.strip():
            self.refused.emit("取消の理由を入力してください")
            return False
        if self.session.case.id == case_id:
            return self.apply(lambda s: s.discard(reason))

        def change(case: Case) -> None:
            if case.status is CaseStatus.OPEN:
                case.status = CaseStatus.DISCARDED
                case.discard_reason = reason.strip()

        self.saver.update(case_id, change)
        return True

    def apply(self, operation: Callable[[ReceptionSession], Any]) -> bool:
        """Run one operation on the session; False (and `refused`) if it was refused."""
        try:
            operation(self.session)
        except Refused as exc:
            log.info("refused: %s", exc)
            self.refused.emit(exc.message_ja)
            return False
        self.case_changed.emit()
        return True

    @property
    def step(self) -> Step:
        return self.session.case.step
