"""Many counters on one PostgreSQL: throughput, save latency, collisions and lost writes.

    .venv/bin/python bench/counters.py [--counters 20] [--seconds 120]

Starts a private PostgreSQL (tests/pg_sandbox.py: its own data directory, port and socket,
durable settings: fsync and synchronous_commit on; stopped by PID at the end; needs root or the
postgres user as in the tests) and N counter processes. Each counter is a CaseRepository and a
CaseWriter with its own counter id, completing cases as fast as it can: create (move), add
members, answer, mark the checklist, close — one save per change, as at a real counter.

Deliberate collisions, all of which the store must refuse (ClaimedElsewhere or ConflictError),
never overwrite:
- grab: a counter loads a case another counter holds and tries to save a change to it;
- handover: a counter lets a half-done case go (the resident moves to another counter), then
  saves a late change from its old copy; another counter adopts the case (claims it, loads it,
  finishes it). The late save wins only if nobody adopted the case yet;
- adoption race: several counters claim the same released case; one wins.

Lost writes. Every counter logs each save it was told succeeded (an acknowledgement: case id,
the version the save produced, and the digest of the document it wrote). At the end each
acknowledgement (c, v, d) is checked against the database:
  (1) no other acknowledgement names case c and version v with another digest, and
  (2) the stored case c is exactly (v, d), or some acknowledgement of c has a version > v.
An acknowledgement failing (1) or (2) is a lost write. Why this suffices: a save is a
compare-and-swap that advances the version by exactly one, so by (1) the only state case c ever
had at version v is d, and the save that produced v + 1 was made from a copy of that very state
(it held version v): d was built upon, not overwritten. The run also checks that the versions
acknowledged for each case are exactly 1 … its stored version (no write nobody was told of).

The last line is `counters=N cases=N lost=N conflicts_detected=N p95_save_ms=X`; the exit
code is 1 if any write was lost (or a check failed), else 0.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

URL_ENV = "BENCH_COUNTERS_DB_URL"  # the URL with its password: never on a command line
P_GRAB = 0.2  # before a case: try to save a case another counter holds
P_ADOPT = 0.6  # before a case: look for a case another counter let go, and finish it
P_HANDOVER = 0.12  # halfway through a case: let it go, then save a late change


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--worker", help=argparse.SUPPRESS)  # counter id, in a child
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_counter(args.worker, args.seconds, args.out)
    if not 1 <= args.counters <= 90:
        parser.error("--counters must be 1 to 90 (the server allows 100 connections)")
    return run_bench(args.counters, args.seconds)


# --- the parent: server, counters, checks -------------------------------------------------

def run_bench(counters: int, seconds: float) -> int:
    from pg_sandbox import PgSandbox

    base = Path(tempfile.mkdtemp(prefix="madoguchi-bench-pg-"))
    server = PgSandbox(base)
    children: list[subprocess.Popen] = []
    try:
        with server.admin() as admin:  # the sandbox is tuned for tests; a real server is not
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                admin.execute(f"ALTER SYSTEM SET {setting} = on")
            admin.execute("SELECT pg_reload_conf()")
            version = admin.execute("SHOW server_version").fetchone()[0]
        url = server.url(server.create_database())
        from counter_app.store import open_database

        open_database(url).kw["bind"].dispose()  # migrate once, before the counters start
        out = Path(tempfile.mkdtemp(prefix="madoguchi-bench-out-"))
        env = {**os.environ, URL_ENV: url}
        for number in range(1, counters + 1):
            children.append(subprocess.Popen(
                [sys.executable, __file__, "--worker", f"C{number:02d}", "--seconds",
                 str(seconds), "--out", str(out / f"C{number:02d}.json")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT))
        for child in children:  # every counter has imported and connected
            if child.stdout.readline().strip() != "ready":
                raise RuntimeError("a counter process failed to start")
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        for child in children:
            if child.wait(timeout=seconds + 300) != 0:
                raise RuntimeError(f"a counter process exited with {child.returncode}")
        results = [json.loads((out / f"C{n:02d}.json").read_text())
                   for n in range(1, counters + 1)]
        stored = _stored_cases(url)
        return report(counters, seconds, version, results, stored)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
        server.stop()


def _stored_cases(url: str) -> dict[str, tuple[int, str, str]]:
    from sqlalchemy import text

    from counter_app.store import open_database
    from counter_app.store.cases import document_digest

    sessions = open_database(url)
    try:
        with sessions() as session:
            rows = session.execute(text("SELECT id, version, document, status FROM cases"))
            return {r.id: (r.version, document_digest(r.document), r.status) for r in rows}
    finally:
        sessions.kw["bind"].dispose()


def check(acks: list[tuple[str, int, str]], stored: dict[str, tuple[int, str, str]]
          ) -> tuple[int, int]:
    """(lost writes, cases whose versions are not exactly the acknowledged 1 … stored)."""
    by_case: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for case_id, version, digest in acks:
        by_case[case_id][version].add(digest)
    lost = 0
    for case_id, version, digest in acks:
        versions = by_case[case_id]
        unique = versions[version] == {digest}  # (1)
        final = stored.get(case_id, (None, None, None))[:2] == (version, digest)
        superseded = any(v > version for v in versions)  # (2)
        if not (unique and (final or superseded)):
            lost += 1
    gaps = sum(1 for case_id, (version, _digest, _status) in stored.items()
               if set(by_case[case_id]) != set(range(1, version + 1)))
    return lost, gaps


def report(counters: int, seconds: float, version: str, results: list[dict],
           stored: dict[str, tuple[int, str, str]]) -> int:
    acks = [tuple(a) for r in results for a in r["acks"]]
    latencies = sorted(ms for r in results for ms in r["save_ms"])
    totals = defaultdict(int)
    for r in results:
        for key, value in r["counts"].items():
            totals[key] += value
    lost, gaps = check(acks, stored)  # type: ignore[arg-type]
    closed = sum(1 for _v, _d, status in stored.values() if status == "closed")
    conflicts = totals["claimed_elsewhere"] + totals["conflict"]
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = _percentile(latencies, 0.95)
    print(f"PostgreSQL {version} (private, fsync and synchronous_commit on), "
          f"{counters} counter processes, {seconds:g} s, {os.cpu_count()} CPUs")
    print(f"cases completed: {closed} ({closed / seconds * 60:.0f} per minute); "
          f"cases stored: {len(stored)} (open ones were in progress at the end, or grabbed)")
    print(f"saves acknowledged: {len(acks)}; save latency p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {latencies[-1] if latencies else 0:.1f} ms")
    print(f"collision attempts: grab {totals['grab']}, late save after handover "
          f"{totals['late']}, adoption claims {totals['adopt']}; refused: ClaimedElsewhere "
          f"{totals['claimed_elsewhere']}, ConflictError {totals['conflict']}; "
          f"allowed (nothing newer to lose): {totals['allowed']}")
    print(f"refusals on a counter's own case: {totals['own_refused']}; other errors: "
          f"{totals['errors']}")
    print(f"lost writes: {lost} of {len(acks)} acknowledged saves checked; cases with a "
          f"version nobody acknowledged: {gaps}")
    print(f"counters={counters} cases={closed} lost={lost} conflicts_detected={conflicts} "
          f"p95_save_ms={p95:.1f}")
    return 1 if lost or gaps or totals["own_refused"] or totals["errors"] else 0


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- a counter (child process) ------------------------------------------------------------

def run_counter(name: str, seconds: float, out: Path) -> int:
    from counter_app.store import CaseRepository, open_database

    sessions = open_database(os.environ[URL_ENV])
    counter = Counter(name, CaseRepository(sessions), random.Random(name))
    print("ready", flush=True)
    sys.stdin.readline()  # "go": every counter starts together
    counter.run(time.monotonic() + seconds)
    out.write_text(json.dumps({"acks": counter.acks, "save_ms": counter.save_ms,
                               "counts": counter.counts}))
    sessions.kw["bind"].dispose()
    return 0


class Counter:
    def __init__(self, name: str, repository: object, rng: random.Random) -> None:
        from counter_app.store.cases import CaseWriter

        self.name = name
        self.repository = repository
        self.rng = rng
        self.writer = CaseWriter(repository, name)  # type: ignore[arg-type]
        self.acks: list[list[object]] = []
        self.save_ms: list[float] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.serial = 0

    def run(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            try:
                if self.rng.random() < P_GRAB:
                    self.grab()
                case = self.adopt() if self.rng.random() < P_ADOPT else None
                self.complete(case, deadline)
            except Exception as exc:  # counted: the run fails if any happen
                self.counts["errors"] += 1
                print(f"{self.name}: {type(exc).__name__}: {exc}", file=sys.stderr)

    def save(self, writer: object, case: object, hold: bool = True) -> None:
        from counter_app.store.cases import case_digest

        started = time.perf_counter()
        version = writer.save(case, hold=hold)  # type: ignore[attr-defined]
        self.save_ms.append((time.perf_counter() - started) * 1000)
        self.acks.append([case.id, version, case_digest(case)])  # type: ignore[attr-defined]

    def refused(self, exc: Exception) -> None:
        from counter_app.store.cases import ClaimedElsewhere

        self.counts["claimed_elsewhere" if isinstance(exc, ClaimedElsewhere)
                    else "conflict"] += 1

    # --- a case from start to close -------------------------------------------------------

    def new_case(self) -> object:
        import datetime as dt

        from counter_app.domain import Case, Move, MoveKind

        self.serial += 1
        return Case(Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市千現１－２",
                         f"北海道あおば市本町{self.serial}－{self.name}"))

    def complete(self, case: object | None, deadline: float) -> None:
        from counter_app.store.cases import ClaimedElsewhere, ConflictError

        adopted = case is not None
        case = case or self.new_case()
        steps = self.steps(case)
        handover = not adopted and self.rng.random() < P_HANDOVER
        try:
            for number, step in enumerate(steps):
                if handover and number == len(steps) // 2:
                    self.hand_over(case)
                    return
                step(case)
                self.save(self.writer, case)
                if time.monotonic() >= deadline and number < len(steps) - 1:
                    return  # time is up: the case stays open, as at a counter at closing
        except (ClaimedElsewhere, ConflictError):
            self.counts["own_refused"] += 1  # must never happen: the counter holds the case
        self.writer.forget(case.id)  # type: ignore[attr-defined]

    def steps(self, case: object) -> list:
        import datetime as dt

        from counter_app.domain import (
            CaseStatus,
            ChecklistEntry,
            ChecklistStatus,
            Member,
            MemberSource,
        )

        def member(number: int):
            def add(c):
                c.members.append(Member(f"試験　{self.name}{self.serial}の{number}",
                                        dt.date(1970 + 7 * number, 4, 2), "female",
                                        "世帯主" if number == 0 else "子",
                                        MemberSource.CARD))
            return add

        def answer(key: str, value: object):
            def set_answer(c):
                c.answers[key] = value
            return set_answer

        def mark(procedure: str):
            def set_mark(c):
                c.checklist[procedure] = ChecklistEntry(ChecklistStatus.DONE)
            return set_mark

        def close(c):
            c.status = CaseStatus.CLOSED

        have = len(case.members)  # type: ignore[attr-defined]
        members = [member(n) for n in range(have, self.rng.randint(max(have, 1), 4))]
        answers = [answer("household.has_dog", self.rng.random() < 0.3),
                   answer("household.has_moped", False),
                   answer("member.0.health_insurance", "nhi")]
        marks = [mark(p) for p in ("resident_move_in", "nhi_enroll", "pension_change",
                                   "seal_registration")]
        return members + answers + marks + [close]

    # --- collisions ---------------------------------------------------------------------

    def grab(self) -> None:
        """Save a change to a case another counter holds: must be refused."""
        from counter_app.store.cases import CaseWriter, ClaimedElsewhere, ConflictError

        held = [s for s in self.repository.open_cases()  # type: ignore[attr-defined]
                if s.claimed_by not in (None, self.name)]
        if not held:
            return
        case = self.repository.load(self.rng.choice(held).id)  # type: ignore[attr-defined]
        if case is None or case.status.value != "open":
            return
        self.counts["grab"] += 1
        case.answers["household.has_dog"] = True
        try:
            self.save(CaseWriter(self.repository, self.name), case, hold=False)  # type: ignore[arg-type]
            self.counts["allowed"] += 1  # its holder let it go meanwhile: nothing to lose
        except (ClaimedElsewhere, ConflictError) as exc:
            self.refused(exc)

    def hand_over(self, case: object) -> None:
        """Let the case go halfway, then save a late change from the old copy."""
        from counter_app.store.cases import CaseWriter, ClaimedElsewhere, ConflictError

        stale = case.copy()  # type: ignore[attr-defined]
        stale.version = self.writer.version_of(case)
        self.writer.release(case.id)  # type: ignore[attr-defined]
        time.sleep(self.rng.uniform(0, 0.05))
        self.counts["late"] += 1
        stale.answers["household.has_moped"] = True
        try:
            self.save(CaseWriter(self.repository, self.name), stale, hold=False)  # type: ignore[arg-type]
            self.counts["allowed"] += 1  # nobody had adopted it yet
        except (ClaimedElsewhere, ConflictError) as exc:
            self.refused(exc)

    def adopt(self) -> object | None:
        """Take over a case another counter let go; several may try at once."""
        from counter_app.store.cases import ClaimedElsewhere

        free = [s for s in self.repository.open_cases()  # type: ignore[attr-defined]
                if s.claimed_by is None]
        if not free:
            return None
        case_id = self.rng.choice(free).id
        self.counts["adopt"] += 1
        try:
            if not self.repository.claim(case_id, self.name):  # type: ignore[attr-defined]
                return None
        except ClaimedElsewhere as exc:
            self.refused(exc)
            return None
        self.writer.forget(case_id)
        return self.repository.load(case_id)  # type: ignore[attr-defined]


if __name__ == "__main__":
    sys.exit(main())
