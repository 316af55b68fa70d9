"""The local journal: case snapshots that could not be saved because the database was
unreachable, kept on this PC and replayed in order when the database returns (or after a
restart), so nothing typed during an outage is lost.

One JSON line per snapshot, appended and flushed to disk before the UI is told the change is
kept; the file is readable by this user only and emptied as soon as its cases are saved. A
snapshot replays against the version it was based on: if another counter saved the case in the
meantime, the replay is refused as a conflict and kept for staff to decide, never written over.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.domain import Case, CaseFormatError
from counter_app.store.cases import ConflictError

log = logging.getLogger(__name__)


@dataclass
class Replay:
    saved: list[str] = field(default_factory=list)  # case ids now in the database
    conflicts: list[ConflictError] = field(default_factory=list)  # kept in the journal
    offline: bool = False  # the database is still unreachable: the rest stays journaled


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, case: Case, counter: str = "") -> None:
        """Keep a snapshot that could not be saved (its `version` is the one it was based on)."""
        line = json.dumps({"case": case.to_dict(), "base": case.version, "counter": counter,
                           "at": dt.datetime.now(dt.UTC).isoformat()}, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line + "\n")
                out.flush()
                os.fsync(out.fileno())

    def pending(self) -> list[Case]:
        """The latest snapshot of each journaled case, oldest case first, with the version its
        first unsaved snapshot was based on (later ones were taken on top of it)."""
        with self._lock:
            return self._read()

    def _read(self) -> list[Case]:
        if not self.path.exists():
            return []
        latest: dict[str, Case] = {}
        base: dict[str, int] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                case = Case.from_dict(entry["case"])
            except (ValueError, KeyError, CaseFormatError):
                log.error("journal line %d unreadable: skipped (the file is kept)", number)
                continue
            base.setdefault(case.id, int(entry.get("base", 0)))
            latest.pop(case.id, None)  # keep the order of each case's latest change
            latest[case.id] = case
        for case_id, case in latest.items():
            case.version = base[case_id]
        return list(latest.values())

    def has(self, case_id: str) -> bool:
        return any(case.id == case_id for case in self.pending())

    def forget(self, case_ids: set[str]) -> None:
        """Drop the snapshots of cases that are now safely in the database."""
        with self._lock:
            remaining = [c for c in self._read() if c.id not in case_ids]
            self._write(remaining)

    def _write(self, cases: list[Case]) -> None:
        if not cases:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for case in cases:
                out.write(json.dumps({"case": case.to_dict(), "base": case.version},
                                     ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    def replay(self, save: Callable[[Case], int],
               offline: Callable[[BaseException], bool]) -> Replay:
        """Save each journaled case in order with `save` (a compare-and-swap on its base
        version). Stops at the first error `offline` says means the database is unreachable."""
        result = Replay()
        for case in self.pending():
            try:
                save(case)
            except ConflictError as exc:
                result.conflicts.append(exc)
                continue
            except Exception as exc:
                if offline(exc):
                    result.offline = True
                    break
                raise
            result.saved.append(case.id)
        if result.saved:
            self.forget(set(result.saved))
        return result
