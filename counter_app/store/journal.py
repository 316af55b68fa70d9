"""The local journal: case snapshots that could not be saved because the database was
unreachable (or that lost a race with another counter), kept on this PC and replayed in order
when the database returns (or after a restart), so nothing typed during an outage is lost.

One JSON line per snapshot, appended and flushed to disk before the UI is told the change is
kept; the file is readable by this user only and a case's lines go as soon as the case is
saved. A snapshot replays against the version its case's first journaled snapshot was based
on: if another counter saved the case in the meantime, the replay is refused as a conflict and
kept for staff to decide, never written over.

`JournaledWriter` is what the counter's saver runs for every snapshot (no Qt): each one reaches
the database or the journal, in order, and says which.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from counter_app.domain import Case, CaseFormatError
from counter_app.store.cases import (
    CaseWriter,
    ClaimedElsewhere,
    ConflictError,
    case_digest,
)
from counter_app.store.failures import Failure, classify

log = logging.getLogger(__name__)

Refusal = ConflictError | ClaimedElsewhere


@dataclass
class Entry:
    """A journaled case: its latest snapshot (`case.version` is `base`), and the digests of
    all its journaled snapshots (one of them may have been saved unseen, see CaseWriter)."""

    case: Case
    base: int
    counter: str
    digests: set[str]


@dataclass
class Replay:
    saved: list[str] = field(default_factory=list)  # case ids now in the database
    conflicts: list[Refusal] = field(default_factory=list)  # kept in the journal
    # Refused for another reason (a bug, data the database refuses): kept, logged by id.
    failed: list[str] = field(default_factory=list)
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
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as out:
                out.write(line + "\n")
                out.flush()
                os.fsync(out.fileno())

    def entries(self) -> list[Entry]:
        """One entry per journaled case, in the order of each case's latest snapshot."""
        with self._lock:
            return self._entries(self._lines())

    def pending(self) -> list[Case]:
        """The latest snapshot of each journaled case, its version the base it replays on."""
        return [entry.case for entry in self.entries()]

    def has(self, case_id: str) -> bool:
        return any(entry.case.id == case_id for entry in self.entries())

    def forget(self, case_ids: set[str]) -> None:
        """Drop the snapshots of cases that are now safely in the database (or that staff
        chose to give up for the stored version)."""
        with self._lock:
            self._rewrite([line for line in self._lines() if line[1].get("case", {}).get("id")
                           not in case_ids])

    def rebase(self, case_id: str, version: int) -> None:
        """Staff saw the other counter's version `version` and keep their own: the journaled
        snapshot now replays on top of it (an explicit decision, never a silent one)."""
        with self._lock:
            lines = self._lines()
            for _number, entry in lines:
                if entry.get("case", {}).get("id") == case_id:
                    entry["base"] = version
            self._rewrite(lines)

    def replay(self, writer: CaseWriter) -> Replay:
        """Save each journaled case in order through `writer`. Stops at the first error that
        means the database is unreachable; conflicts and other refusals stay journaled."""
        result = Replay()
        for entry in self.entries():
            writer.in_doubt(entry.case.id, entry.digests)
            try:
                writer.save(entry.case)
            except Exception as exc:
                kind = classify(exc)
                if kind is Failure.UNREACHABLE:
                    result.offline = True
                    break
                if kind is Failure.CONFLICT:
                    result.conflicts.append(exc)  # type: ignore[arg-type]
                else:
                    log.error("journaled case %s not saved: %s", entry.case.id,
                              type(exc).__name__)
                    result.failed.append(entry.case.id)
                continue
            result.saved.append(entry.case.id)
        if result.saved:
            self.forget(set(result.saved))
            log.info("journal: %d cases saved, %d conflicts, %d kept", len(result.saved),
                     len(result.conflicts), len(self.entries()))
        return result

    # --- the file ----------------------------------------------------------------------------

    def _lines(self) -> list[tuple[int, dict]]:
        if not self.path.exists():
            return []
        lines = []
        for number, text in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not text.strip():
                continue
            try:
                entry = json.loads(text)
                if not isinstance(entry, dict) or not isinstance(entry.get("case"), dict):
                    raise ValueError("not a journal entry")
            except ValueError:
                log.error("journal line %d unreadable: skipped (the file is kept)", number)
                continue
            lines.append((number, entry))
        return lines

    @staticmethod
    def _entries(lines: list[tuple[int, dict]]) -> list[Entry]:
        found: dict[str, Entry] = {}
        for number, line in lines:
            try:
                case = Case.from_dict(line["case"])
                base = int(line.get("base", 0))
            except (ValueError, TypeError, CaseFormatError):
                log.error("journal line %d unreadable: skipped (the file is kept)", number)
                continue
            entry = found.pop(case.id, None)  # keep the order of each case's latest change
            if entry is None:
                entry = Entry(case, base, str(line.get("counter", "")), set())
            entry.case = case
            entry.digests.add(case_digest(case))
            found[case.id] = entry
        for entry in found.values():
            entry.case.version = entry.base
        return list(found.values())

    def _rewrite(self, lines: list[tuple[int, dict]]) -> None:
        if not lines:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for _number, entry in lines:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)


class Saved(enum.Enum):
    SAVED = "saved"  # in the database
    KEPT = "kept"  # database unreachable: in the journal, replayed by `retry`
    CONFLICT = "conflict"  # another counter's change or claim: in the journal, staff decide


@dataclass(frozen=True)
class Outcome:
    status: Saved
    version: int | None = None  # SAVED: the new stored version
    conflict: Refusal | None = None  # CONFLICT: whose change won, or who holds the case


class JournaledWriter:
    """Every snapshot reaches the database or the journal, in order (one saving thread).

    Once the database is unreachable, snapshots go straight to the journal (an app with a
    hung database never queues a timeout per keystroke, and can exit at once) until `retry`
    (a timer, and once at start) has replayed it. A case with journaled snapshots keeps
    going to the journal, so its changes reach the database in the order they were made.
    Errors of the kind OTHER are raised: nothing is kept for them.
    """

    def __init__(self, writer: CaseWriter, journal: Journal) -> None:
        self.writer = writer
        self.journal = journal
        self.offline = False
        self._conflicts: dict[str, Refusal] = {}

    def save(self, case: Case) -> Outcome:
        if self.offline or self.journal.has(case.id):
            return self._keep(case, self._conflicts.get(case.id))
        try:
            version = self.writer.save(case)
        except Exception as exc:
            kind = classify(exc)
            if kind is Failure.OTHER:
                raise
            log.warning("case %s kept in the local journal: %s", case.id, kind.value)
            if kind is Failure.UNREACHABLE:
                self.offline = True
                return self._keep(case, None)
            return self._keep(case, exc)  # type: ignore[arg-type]
        return Outcome(Saved.SAVED, version)

    def _keep(self, case: Case, conflict: Refusal | None) -> Outcome:
        snapshot = case.copy()
        snapshot.version = self.writer.version_of(case)
        self.journal.append(snapshot, self.writer.counter)
        if conflict is not None:
            self._conflicts[case.id] = conflict
            return Outcome(Saved.CONFLICT, conflict=conflict)
        return Outcome(Saved.KEPT)

    def retry(self) -> Replay:
        """Replay the journal (a timer calls this while anything is kept)."""
        replay = self.journal.replay(self.writer)
        self.offline = replay.offline
        for case_id in replay.saved:
            self._conflicts.pop(case_id, None)
        self._conflicts.update((c.case_id, c) for c in replay.conflicts)
        return replay

    def conflicts(self) -> dict[str, Refusal]:
        return dict(self._conflicts)

    def resolve(self, case_id: str, keep_mine: bool) -> Replay | None:
        """Staff decided a conflict: give up this counter's journaled change for the stored
        version (reload it), or keep it and save it over the version they were shown."""
        conflict = self._conflicts.pop(case_id, None)
        self.writer.forget(case_id)
        if not keep_mine:
            self.journal.forget({case_id})
            return None
        if isinstance(conflict, ConflictError) and conflict.stored_version is not None:
            self.journal.rebase(case_id, conflict.stored_version)
        return self.retry()
