"""Trainees' results in the demo database, and the trainer's CSV export."""

import csv
import datetime as dt
import io
import json
import logging

import pytest

from counter_app.demo import load_roster
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository, open_database
from counter_app.store.database import DEMO, PRODUCTION, WrongModeError
from counter_app.training.results import CSV_COLUMNS, TraineeNameError, TrainingResults
from counter_app.training.scenarios import load_scenarios

SCENARIO = load_scenarios()[0]


@pytest.fixture
def demo_sessions(tmp_path):
    sessions = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}", DEMO)
    yield sessions
    sessions.kw["bind"].dispose()


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)

    def __call__(self):
        return self.now


def test_an_attempt_is_stored_when_it_starts_and_scored_when_it_closes(demo_sessions,
                                                                       caplog):
    clock = Clock()
    results = TrainingResults(demo_sessions, clock)
    caplog.set_level(logging.INFO)
    attempt = results.start("  研修　一郎 ", SCENARIO)
    (open_attempt,) = results.all()
    assert (open_attempt.trainee, open_attempt.score, open_attempt.closed_at) == (
        "研修 一郎", None, None)

    case = SCENARIO.case()
    case.answers["member.1.pregnant"] = False
    clock.now += dt.timedelta(minutes=4, seconds=35)
    result, score = results.finish(attempt.id, SCENARIO, case, default_catalogue())
    assert (result.seconds, result.score, result.case_id) == (275, score.percent, case.id)
    assert score.percent < 100
    (stored,) = results.all()
    assert stored == result
    assert stored.count("missing") == 1
    assert stored.details[0]["item"] == "prenatal_vouchers"
    assert "北見 花子：妊娠中" in stored.details[0]["reasons"]
    # The trainee's name is training data: never in the log.
    assert "研修" not in caplog.text and f"attempt {attempt.id}" in caplog.text


def test_csv_export_for_the_trainer(demo_sessions):
    clock = Clock()
    results = TrainingResults(demo_sessions, clock)
    first = results.start("研修 花子", SCENARIO)
    clock.now += dt.timedelta(seconds=90)
    results.finish(first.id, SCENARIO, SCENARIO.case(), default_catalogue())
    results.start("=HYPERLINK(\"x\")", SCENARIO)  # never a formula in the trainer's sheet
    out = io.StringIO()
    assert results.export_csv(out) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == CSV_COLUMNS
    assert rows[1][:3] == ["研修 花子", SCENARIO.key, SCENARIO.title]
    assert rows[1][5:10] == ["90", "100", "0", "0", "0"]
    assert rows[2][0] == "'=HYPERLINK(\"x\")" and rows[2][4:7] == ["", "", ""]


def test_a_scenario_may_start_from_an_open_case(demo_sessions, tmp_path):
    roster = tmp_path / "scenarios"
    roster.mkdir()
    data = {"title": "続きから", "task": "同僚が始めた受付を完了してください。",
            "household": load_roster()[1].document, "expected": [list(r) for r in
                                                                 SCENARIO.expected[:1]],
            "open_case": True}
    (roster / "90_resume.json").write_text(json.dumps(data, ensure_ascii=False),
                                           encoding="utf-8")
    (scenario,) = load_scenarios(roster)
    repository = CaseRepository(demo_sessions)
    attempt = TrainingResults(demo_sessions).start("研修 次郎", scenario, repository)
    (summary,) = repository.open_cases()
    assert summary.id == attempt.case_id
    assert repository.load(attempt.case_id).members[0].name == "南雲\u3000翔"


@pytest.mark.parametrize(("name", "message"), [
    ("", "研修者の名前を入力してください"), ("あ" * 65, "64文字まで"),
    ("研修\x1b[2J", "使えない文字"),
])
def test_a_trainee_name_is_checked(demo_sessions, name, message):
    with pytest.raises(TraineeNameError) as caught:
        TrainingResults(demo_sessions).start(name, SCENARIO)
    assert message in caught.value.message_ja


def test_a_production_database_takes_no_training_results(tmp_path):
    sessions = open_database(f"sqlite:///{tmp_path / 'real.sqlite3'}", PRODUCTION)
    try:
        with pytest.raises(WrongModeError):
            TrainingResults(sessions)
    finally:
        sessions.kw["bind"].dispose()
