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
import json
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from counter_app.domain import Case
from counter_app.store import CaseRepository
from counter_app.store.cases import CaseWriter, ClaimedElsewhere, ConflictError
from counter_app.store.journal import Journal

log = logging.getLogger(__name__)

SAVE_FAILED_JA = "受付内容を保存できませんでした。画面の内容は残っています。"
OFFLINE_JA = ("データベースにつながりません。入力した内容はこの端末に保存しています"
              "（つながりしだい自動で保存します）。")
RETRY_MS = 10_000
SHUTDOWN_WAIT_S = 4.0


def unreachable(exc: BaseException) -> bool:
    """The database could not be reached (or did not answer in time): keep the change locally.
    Anything else is a fault of the data or the program, not of the connection."""
    from sqlalchemy import exc as sa

    if isinstance(exc, sa.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa.OperationalError | sa.InterfaceError | sa.TimeoutError):
        return True
    return isinstance(exc, ConnectionError | TimeoutError | OSError)


def conflict_ja(exc: ConflictError) -> str:
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

    def __init__(self, repository: CaseRepository, counter: str = "",
                 journal: Journal | None = None, retry_ms: int = RETRY_MS) -> None:
        super().__init__()
        self._repository = repository
        self.counter = counter
        self._writer = CaseWriter(repository, counter)  # used on the saver thread only
        self._journal = journal
        self._queue: queue.Queue[Any] = queue.Queue()
        self._in_flight: Case | None = None
        self.is_offline = False
        self._thread = threading.Thread(target=self._run, name="case-saver", daemon=True)
        self._thread.start()
        self._retry = QTimer(self)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self.replay)
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
        if self.is_offline and self._journal is not None:
            self._keep(case)  # in order behind what is already waiting
            return
        self._in_flight = case
        try:
            self._writer.save(case)
        except ConflictError as exc:
            log.warning("save of case %s refused: stored version %s by %s", case.id,
                        exc.stored_version, exc.updated_by or "?")
            self._writer.forget(case.id)
            self.conflict.emit(case.id, conflict_ja(exc))
        except Exception as exc:
            if unreachable(exc) and self._journal is not None:
                log.warning("database unreachable (%s): case %s kept in the journal",
                            type(exc).__name__, case.id)
                self._keep(case)
                if not self.is_offline:
                    self.is_offline = True
                    self.offline.emit(OFFLINE_JA)
            else:
                log.error("saving case %s failed: %s", case.id, type(exc).__name__)
                self.failed.emit(SAVE_FAILED_JA)
        finally:
            self._in_flight = None

    def _keep(self, case: Case) -> None:
        assert self._journal is not None
        case.version = self._writer.expected_version(case)
        self._journal.append(case, self.counter)

    def replay(self) -> None:
        """Save what the journal holds, in order (on the worker, after what is queued)."""
        self._submit(self._replay)

    def _replay(self) -> None:
        if self._journal is None:
            return
        result = self._journal.replay(self._writer.save, unreachable)
        for exc in result.conflicts:
            if self._already_saved(exc.case_id):
                self._journal.forget({exc.case_id})
                continue
            self._journal.forget({exc.case_id})  # shown to staff, not retried for ever
            self.conflict.emit(exc.case_id, conflict_ja(exc))
        if not result.offline:
            if self.is_offline or result.saved:
                log.info("journal replayed: %d cases saved", len(result.saved))
            self.is_offline = False
            self.online.emit()

    def _already_saved(self, case_id: str) -> bool:
        """A save that went through just as the database hung, then was journaled too: the
        stored case is exactly the journaled one, saved by this counter."""
        assert self._journal is not None
        journaled = next((c for c in self._journal.pending() if c.id == case_id), None)
        stored = self._repository.load(case_id)
        if journaled is None or stored is None:
            return False
        return json.dumps(stored.to_dict(), sort_keys=True) == \
            json.dumps(journaled.to_dict(), sort_keys=True)

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
        self._queue.put(_STOP)
        self._thread.join(timeout=wait_s)
        if not self._thread.is_alive() or self._journal is None:
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
            self._keep(case)
        log.warning("closed with the database not answering: %d snapshots journaled at %s",
                    len(waiting), dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
