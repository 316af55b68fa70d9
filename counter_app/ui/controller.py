"""The counter's current reception, shared by the reception, interview and checklist pages.

Pages call `apply` with an operation on the session; the controller announces one
`case_changed` afterwards (pages redraw from the session), turns a refusal into a Japanese
message, and saves the case in the background, in order, on a single worker thread.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.domain import Case, CaseStatus, PrintRecord, Step
from counter_app.reception import ReceptionSession, Refused
from counter_app.reception.problems import Gate
from counter_app.rules import Catalogue
from counter_app.store import CaseRepository
from counter_app.ui.saver import CaseSaver
from counter_app.ui.tasks import run_task

log = logging.getLogger(__name__)

__all__ = ["CaseSaver", "CounterController"]

CATALOGUE_CHECK_MS = 30_000

class CounterController(QObject):
    session_replaced = Signal()
    case_changed = Signal()
    refused = Signal(str)  # a Japanese message: why an operation was not done
    _claim_result = Signal(str, object)  # case id, the other counter holding it (or None)

    def __init__(self, catalogue: Catalogue, repository: CaseRepository, saver: CaseSaver,
                 today: Callable[[], dt.date] = dt.date.today,
                 form_facts: dict[str, frozenset[str]] | None = None,
                 gate: Gate | None = None,
                 catalogues: Callable[[], Catalogue] | None = None) -> None:
        super().__init__()
        self._claim_result.connect(self._claimed)
        saver.conflict.connect(self._conflicted)
        saver.claim_lost.connect(self._claimed)
        self.catalogue = catalogue
        self.repository = repository
        self.saver = saver
        self._today = today
        self._form_facts = form_facts
        self._gate = gate
        self.session = ReceptionSession.new(catalogue, saver.save, today(),
                                            form_facts=form_facts, gate=gate)
        # The published catalogue, looked up off the GUI thread every half minute: a version
        # a supervisor publishes decides the next case, without restarting.
        self._catalogues = catalogues
        self._fetching = False
        if catalogues is not None:
            self._catalogue_timer = QTimer(self)
            self._catalogue_timer.setInterval(CATALOGUE_CHECK_MS)
            self._catalogue_timer.timeout.connect(self.refresh_catalogue)
            self._catalogue_timer.start()

    def today(self) -> dt.date:
        """The counter's date: the day a case is filed and typed dates are read against."""
        return self._today()

    def new_case(self) -> None:
        self._leave()
        self.session = ReceptionSession.new(self.catalogue, self.saver.save, self.today(),
                                            form_facts=self._form_facts, gate=self._gate)
        self.saver.hold(self.session.case.id)  # its first save claims it
        log.info("new reception case %s", self.session.case.id)
        self.refresh_catalogue()
        self.session_replaced.emit()

    def refresh_catalogue(self) -> None:
        if self._catalogues is None or self._fetching:
            return
        self._fetching = True
        run_task(self._catalogues, self._catalogue_fetched)

    def _catalogue_fetched(self, catalogue: object, error: BaseException | None) -> None:
        self._fetching = False
        if error is not None or not isinstance(catalogue, Catalogue):
            log.warning("published catalogue not read: %s", type(error).__name__)
            return
        if catalogue.version != self.catalogue.version:
            log.info("catalogue version %s decides from the next case (was %s)",
                     catalogue.version, self.catalogue.version)
            self.catalogue = catalogue

    def _leave(self) -> None:
        """The case on screen is no longer this counter's: other counters may take it."""
        case = self.session.case
        self.saver.hold(None)
        if case.members and not self.session.read_only:
            self.saver.release(case.id)

    def _claimed(self, case_id: str, holder: object) -> None:
        if holder and self.session.case.id == case_id:
            self.session.read_only = (f"この受付は{holder}で受付中のため、閲覧のみです"
                                      "（向こうで完了するか、時間がたつと変更できます）")
            self.refused.emit(self.session.read_only)
            self.case_changed.emit()

    def _conflicted(self, case_id: str, message: str) -> None:
        """Another counter's change won: show what is stored now, and say so."""
        self.refused.emit(message)
        if self.session.case.id != case_id:
            return

        def reload() -> Case | None:
            return self.repository.load(case_id)

        def adopt(case: object, error: BaseException | None) -> None:
            if error is None and case is not None:
                self.adopt(case, claim=False)  # type: ignore[arg-type]
                self.refused.emit(message)

        run_task(reload, adopt)

    def load(self, case_id: str) -> Case | None:
        """Blocking (a database may be on a network): after the queued saves, the stored case."""
        self.saver.flush()
        return self.repository.load(case_id)

    def adopt(self, case: Case | None, claim: bool = True) -> bool:
        """Make a loaded case the current reception (GUI thread)."""
        if case is None:
            self.refused.emit("この受付は見つかりませんでした")
            return False
        if case.id != self.session.case.id:
            self._leave()
        self.session = ReceptionSession(case, self.catalogue, self.saver.save, self.today(),
                                        self._form_facts, self._gate)
        if claim and case.status is CaseStatus.OPEN:
            self.saver.claim(case.id, lambda holder: self._claim_result.emit(case.id, holder))
            self.saver.hold(case.id)
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
