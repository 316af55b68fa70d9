"""Trainees' results in the demo database: an attempt is stored when it starts (the trainer
sees who is at which scenario) and scored when the trainee closes the case; a CSV export for
the trainer's records.

Only a demo database takes them: the trainee's name is training data and must never reach a
real counter's database, nor the log (which names attempts by their id).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from counter_app.domain import Case
from counter_app.rules import Catalogue
from counter_app.store import CaseRepository
from counter_app.store.database import DEMO, WrongModeError, database_mode
from counter_app.store.models import TrainingResultRow
from counter_app.training.scenarios import Scenario
from counter_app.training.scoring import KIND_LABELS, Score, score_case

log = logging.getLogger(__name__)

MAX_TRAINEE = 64
CSV_COLUMNS = ["研修者", "シナリオ", "題名", "開始", "終了", "所要時間（秒）", "得点",
               "不足", "余分", "誤り", "指摘"]


class TraineeNameError(ValueError):
    """`message_ja` is for the trainer."""

    def __init__(self, reason: str, message_ja: str) -> None:
        super().__init__(reason)
        self.message_ja = message_ja


@dataclass(frozen=True)
class Attempt:
    id: int
    case_id: str | None  # the open case a scenario starts with, if it does


@dataclass(frozen=True)
class TrainingResult:
    id: int
    trainee: str
    scenario: str
    title: str
    case_id: str | None
    started_at: dt.datetime
    closed_at: dt.datetime | None
    seconds: int | None
    score: int | None  # percent; None while the attempt is open
    details: list[dict[str, Any]]

    def count(self, kind: str) -> int:
        return sum(1 for d in self.details if d.get("kind") == kind)


class TrainingResults:
    def __init__(self, sessions: sessionmaker[Session],
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        engine: Engine = sessions.kw["bind"]
        found = database_mode(engine)
        if found != DEMO:  # a real counter's database never holds trainees
            raise WrongModeError(engine.url, found, DEMO)
        self._sessions = sessions
        self._clock = clock

    def start(self, trainee: str, scenario: Scenario, cases: CaseRepository | None = None
              ) -> Attempt:
        """Record that `trainee` began `scenario` now. A scenario with `open_case` saves its
        household as an open case first (through `cases`), for the trainee to resume."""
        name = _trainee(trainee)
        case_id = None
        if scenario.open_case:
            if cases is None:
                raise ValueError(f"scenario {scenario.key} opens a case: give the repository")
            case = scenario.case()
            case.filed_on = self._clock().astimezone().date()
            cases.save(case)
            case_id = case.id
        with self._sessions.begin() as session:
            row = TrainingResultRow(trainee=name, scenario=scenario.key, title=scenario.title,
                                    case_id=case_id, started_at=self._clock(), details=[])
            session.add(row)
            session.flush()
            attempt = row.id
        log.info("training attempt %d started: scenario %s", attempt, scenario.key)
        return Attempt(attempt, case_id)

    def finish(self, attempt: int, scenario: Scenario, case: Case, catalogue: Catalogue
               ) -> tuple[TrainingResult, Score]:
        """Score the trainee's closed case against the scenario and store it."""
        score = score_case(scenario, case, catalogue)
        now = self._clock()
        with self._sessions.begin() as session:
            row = session.get(TrainingResultRow, attempt)
            if row is None:
                raise KeyError(f"no training attempt {attempt}")
            started = _utc(row.started_at)
            row.closed_at = now
            row.seconds = max(0, round((now - started).total_seconds()))
            row.score = score.percent
            row.case_id = case.id
            row.details = [f.to_json() for f in score.findings]
            result = _result(row)
        log.info("training attempt %d closed: score %d, %d findings", attempt, score.percent,
                 len(score.findings))
        return result, score

    def all(self) -> list[TrainingResult]:
        """Every attempt, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(select(TrainingResultRow)
                                   .order_by(TrainingResultRow.started_at,
                                             TrainingResultRow.id)).all()
            return [_result(row) for row in rows]

    def export_csv(self, out: TextIO) -> int:
        """Every attempt as CSV (write it to a file opened with encoding "utf-8-sig" and
        newline="", so Excel reads the Japanese); the number of rows."""
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        results = self.all()
        for r in results:
            writer.writerow([_cell(r.trainee), r.scenario, _cell(r.title),
                             _local(r.started_at), _local(r.closed_at),
                             "" if r.seconds is None else r.seconds,
                             "" if r.score is None else r.score,
                             *(r.count(kind) for kind in KIND_LABELS),
                             _cell(" / ".join(d.get("text", "") for d in r.details))])
        return len(results)


def _trainee(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise TraineeNameError("empty trainee name", "研修者の名前を入力してください")
    if len(name) > MAX_TRAINEE:
        raise TraineeNameError("trainee name too long",
                               f"研修者の名前は{MAX_TRAINEE}文字までです")
    if any(not c.isprintable() for c in name):
        raise TraineeNameError("control character in trainee name",
                               "研修者の名前に使えない文字が含まれています")
    return name


def _cell(text: str) -> str:
    """A spreadsheet opens a cell starting with = + - @ as a formula: never ours."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives naive datetimes back; they were stored in UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _local(value: dt.datetime | None) -> str:
    return "" if value is None else _utc(value).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _result(row: TrainingResultRow) -> TrainingResult:
    return TrainingResult(row.id, row.trainee, row.scenario, row.title, row.case_id,
                          _utc(row.started_at), row.closed_at and _utc(row.closed_at),
                          row.seconds, row.score, list(row.details or []))
