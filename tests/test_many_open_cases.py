"""10,000 open cases through the real window: the app starts on 受付中の案件, shows it 20
times and closes with exit 0.

With PySide6 6.12.0 every void Qt call lost a reference to None; filling this table took ~5
per case, so 1,000 open cases aborted the app (exit 134) on the 8th view and 8,000 on every
start. The app runs in a child process (tests/open_cases_driver.py) so an abort is a failure
here, not the end of pytest.
"""

import datetime as dt
import json
import os
import subprocess
import sys
import uuid

import pytest
from conftest import ROOT
from sqlalchemy import insert

from counter_app.domain import Case, Member, Move, MoveKind, Step
from counter_app.store import open_database
from counter_app.store.cases import initials
from counter_app.store.models import CaseRow

CASES = 10_000
VIEWS = 20


def seed_open_cases(url: str, count: int) -> None:
    """`count` open cases of 1–4 fictional members each, in one transaction, with the columns
    the store writes on a save. This is the one place that knows the store's table."""
    sessions = open_database(url)
    kinds, steps = list(MoveKind), list(Step)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(count):
        case = Case(move=Move(kinds[i % 3], dt.date(2026, 4, 1) + dt.timedelta(days=i % 90)),
                    members=[Member(f"試験　{i}の{n + 1}", dt.date(1980, 1, 1),
                                    "female" if n % 2 else "male", "世帯主" if n == 0 else "子")
                             for n in range(i % 4 + 1)],
                    id=str(uuid.UUID(int=i + 1)), step=steps[i % 3])
        updated = now - dt.timedelta(minutes=i)
        rows.append({"id": case.id, "status": case.status.value, "move_kind": case.move.kind.value,
                     "move_date": case.move.date, "step": case.step.value,
                     "member_count": len(case.members), "initials": initials(case),
                     "document": json.dumps(case.to_dict(), ensure_ascii=False), "version": 1,
                     "created_at": updated, "updated_at": updated})
    with sessions.begin() as session:
        session.execute(insert(CaseRow), rows)
    sessions.kw["bind"].dispose()


@pytest.mark.slow
def test_ten_thousand_open_cases_shown_twenty_times(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    seed_open_cases(url, CASES)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env.update(MADOGUCHI_DATA_DIR=str(tmp_path / "data"), QT_QPA_PLATFORM="offscreen",
               CUPS_SERVER=str(tmp_path / "no-cups.sock"))  # no printer: never the machine's
    child = subprocess.run([sys.executable, str(ROOT / "tests" / "open_cases_driver.py"), url,
                            str(VIEWS)], env=env, capture_output=True, text=True, cwd=ROOT,
                           timeout=1200)
    assert child.returncode == 0, f"exit {child.returncode}: {child.stderr[-2000:]}"
    result = json.loads(child.stdout.splitlines()[-1])
    assert [load["rows"] for load in result["loads"]] == [CASES] * VIEWS
    print(f"\n10,000 open cases: start {result['start_ms']} ms, list loads "
          f"{sorted(load['ms'] for load in result['loads'])} ms")
