"""Saving the counter's cases off the GUI thread, in order, without ever losing a change.

Every change is a snapshot saved by a single worker thread as a compare-and-swap on the case's
version (store.cases). When the database cannot be reached (down, or hanging past its timeouts)
the snapshot goes to the local journal instead and staff are told once; the journal is replayed
in order every few seconds until the database is back, and at the next start. A save another
counter's change won is refused: staff are told whose change won and what to do. Closing the
app never waits on a hung database longer than a few seconds: what is still queued goes to the
journal.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.domain import Case
from counter_app.store import CaseRepository
from counter_app.store.cases import CLAIM_HEARTBEAT, CaseWriter, ClaimedElsewhere, ConflictError
from counter_app.store.journal import Journal, JournaledWriter, Saved

log = logging.getLogger(__name__)

SAVE_FAILED_JA = "受付内容を保存できませんでした。画面の内容は残っています。"
OFFLINE_JA = ("データベースにつながりません。入力した内容はこの端末に保存しています"
              "（つながりしだい自動で保存します）。")
RETRY_MS = 10_000
SHUTDOWN_WAIT_S = 4.0
HEARTBEAT_MS = int(CLAIM_HEARTBEAT.total_seconds() * 1000)


def conflict_ja(exc: ConflictError | ClaimedElsewhere) -> str:
    if isinstance(exc, ClaimedElsewhere):
        return (f"この受付は{exc.counter or '別の窓口'}で{exc.since.astimezone():%H時%M分}から"
                "受付中です。こちらの直前の変更は保存していません。保存されている内容を表示しました。")
    who = exc.updated_by or "別の窓口"
    when = ""
    if exc.updated_at is not None:
        when = f"{exc.updated_at.astimezone():%H時%M分}に"
    if exc.status == "closed":
        what = "完了しています"
    elif exc.status == "discarded":
        what = "取り消されています"
    else:
        what = "変更されています"
    return (f"この受付は{who}で{when}{what}。こちらの直前の変更は保存していません。"
            "保存されている内容を表示しました。必要なら、もう一度入力してください。")


_STOP = object()


class _SaveJob:
    """A queued save that still knows its snapshot (journaled if the app closes first)."""

    def __init__(self, save: Callable[[Case], None], case: Case) -> None:
        self.save = save
        self.case = case

    def __call__(self) -> None:
        self.save(self.case)


class CaseSaver(QObject):
    failed = Signal(str)  # a fault that is not the connection (logged with its reference)
    offline = Signal(str)  # once per outage: changes are kept in the journal
    online = Signal()  # the journal was saved: the database is back
    conflict = Signal(str, str)  # case id, Japanese message: another counter's change won
    claim_lost = Signal(str, str)  # case id, the counter that took it after our claim ran out

    def __init__(self, repository: CaseRepository, counter: str = "",
                 journal: Journal | None = None, retry_ms: int = RETRY_MS,
                 heartbeat_ms: int = HEARTBEAT_MS) -> None:
        super().__init__()
        self._repository = repository
        self.counter = counter
        # Used on the saver thread only (CaseWriter is not thread-safe).
        self._writer = CaseWriter(repository, counter)
        self._journaled = JournaledWriter(self._writer, journal) if journal else None
        self._queue: queue.Queue[Any] = queue.Queue()
        self._in_flight: Case | None = None
        self.is_offline = False
        self._held: str | None = None
        self._thread = threading.Thread(target=self._run, name="case-saver", daemon=True)
        self._thread.start()
        self._retry = QTimer(self)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.replay)
        # A case on screen without changes still holds its claim (it runs out otherwise).
        self._heartbeat = QTimer(self)
        self._heartbeat.setInterval(heartbeat_ms)
        self._heartbeat.timeout.connect(self._touch)
        if journal is not None and journal.pending():
            QTimer.singleShot(0, self.replay)  # what an earlier run could not save

    # --- the worker ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            try:
                if job is _STOP:
                    return
                job()
            except Exception:  # a job must never kill the saver
                log.exception("case saver job failed")
            finally:
                self._queue.task_done()

    def _submit(self, job: Callable[[], None]) -> None:
        self._queue.put(job)

    def save(self, case: Case) -> None:
        self._submit(_SaveJob(self._save, case))

    def _save(self, case: Case) -> None:
        self._in_flight = case
        try:
            if self._journaled is None:
                self._writer.save(case)
                return
            outcome = self._journaled.save(case)
            if outcome.status is Saved.KEPT and not self.is_offline:
                self.is_offline = True
                self.offline.emit(OFFLINE_JA)
            elif outcome.status is Saved.CONFLICT and outcome.conflict is not None:
                self._refused(outcome.conflict)
        except (ConflictError, ClaimedElsewhere) as exc:  # without a journal
            self._writer.forget(case.id)
            self._say_refused(exc)
        except Exception as exc:
            log.error("saving case %s failed: %s", case.id, type(exc).__name__)
            self.failed.emit(SAVE_FAILED_JA)
        finally:
            self._in_flight = None

    def _refused(self, refusal: ConflictError | ClaimedElsewhere) -> None:
        """Another counter's change or claim won: this counter's change is given up for the
        stored case, which the screen shows again with whose change won."""
        assert self._journaled is not None
        self._journaled.resolve(refusal.case_id, keep_mine=False)
        self._say_refused(refusal)

    def _say_refused(self, refusal: ConflictError | ClaimedElsewhere) -> None:
        log.warning("save of case %s refused: %s", refusal.case_id, type(refusal).__name__)
        self.conflict.emit(refusal.case_id, conflict_ja(refusal))

    def replay(self) -> None:
        """Save what the journal holds, in order (on the worker, after what is queued)."""
        self._submit(self._replay)

    def _replay(self) -> None:
        if self._journaled is None:
            return
        result = self._journaled.retry()
        for refusal in result.conflicts:
            self._refused(refusal)
        if not result.offline:
            if self.is_offline or result.saved:
                log.info("journal replayed: %d cases saved", len(result.saved))
            self.is_offline = False
            self.online.emit()

    def hold(self, case_id: str | None) -> None:
        """The case now on this counter's screen (None: none): its claim is kept alive."""
        self._held = case_id
        if case_id is None:
            self._heartbeat.stop()
        else:
            self._heartbeat.start()

    def _touch(self) -> None:
        case_id = self._held
        if case_id is None or not self.counter:
            return

        def run() -> None:
            try:
                self._writer.touch(case_id)
            except ClaimedElsewhere as exc:
                self.claim_lost.emit(case_id, exc.counter)
            except Exception as exc:  # offline: the journal keeps the changes meanwhile
                log.warning("claim heartbeat for case %s failed: %s", case_id,
                            type(exc).__name__)

        self._submit(run)

    def update(self, case_id: str, change: Callable[[Case], None]) -> None:
        """Change a stored case that is no longer on screen, after the saves queued before."""
        def run() -> None:
            case = self._repository.load(case_id)
            if case is not None:
                self._writer.forget(case_id)  # save against the copy just loaded
                change(case)
                self._save(case)

        self._submit(run)

    def claim(self, case_id: str, done: Callable[[str | None], None]) -> None:
        """Hold a case for this counter; `done(holder)` with the other counter's name if it
        is held elsewhere (then it opens read-only)."""
        def run() -> None:
            if not self.counter:  # a counter without a name (tests, one-PC setups) holds nothing
                done(None)
                return
            try:
                self._repository.claim(case_id, self.counter)
                done(None)
            except ClaimedElsewhere as exc:
                done(exc.counter)
            except Exception as exc:
                log.warning("claiming case %s failed: %s", case_id, type(exc).__name__)
                done(None)

        self._submit(run)

    def release(self, case_id: str) -> None:
        def run() -> None:
            if not self.counter:
                return
            try:
                self._repository.release(case_id, self.counter)
            except Exception as exc:  # an expired claim needs no release
                log.warning("releasing case %s failed: %s", case_id, type(exc).__name__)

        self._submit(run)

    def flush(self) -> None:
        """Wait for every queued save (tests, and before reading a case back)."""
        self._queue.join()

    # --- the end ---------------------------------------------------------------------------

    def start_retrying(self) -> None:
        self._retry.start()

    def shutdown(self, wait_s: float = SHUTDOWN_WAIT_S) -> None:
        """Stop within `wait_s` even if the database hangs: what is still queued or in flight
        goes to the journal (replayed at the next start)."""
        self._retry.stop()
        self._heartbeat.stop()
        self._queue.put(_STOP)
        self._thread.join(timeout=wait_s)
        if not self._thread.is_alive() or self._journaled is None:
            return
        waiting = [self._in_flight] if self._in_flight is not None else []
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            case = getattr(job, "case", None)
            if case is not None:
                waiting.append(case)
        for case in waiting:
            snapshot = case.copy()
            snapshot.version = self._writer.version_of(case)
            self._journaled.journal.append(snapshot, self.counter)
        log.warning("closed with the database not answering: %d snapshots journaled at %s",
                    len(waiting), dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
