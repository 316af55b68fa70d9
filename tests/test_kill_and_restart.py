"""A counter PC dies mid-reception (SIGKILL); after a restart the case resumes as it was."""

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import ROOT, run_counter_app

from counter_app.demo import load_demo_residents
from counter_app.store import open_database


@pytest.mark.slow  # a system test: real CUPS, Xvfb, a killed process or a full print
def test_killed_mid_interview_resumes_with_nothing_lost(tmp_path, qtbot, make_window):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MADOGUCHI_")}
    env.update(MADOGUCHI_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, str(ROOT / "tests" / "kill_driver.py")],
                             env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        before = json.loads(child.stdout.readline())
    finally:
        child.send_signal(signal.SIGKILL)  # no clean shutdown, no flush
        child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert before["page"] == "interview" and len(before["answers"]) >= 3

    # The real application, restarted, opens on the list of open cases.
    restarted = run_counter_app("--demo", "--keep", "--smoke-test", env=env)
    assert restarted.returncode == 0, restarted.stderr
    assert "on page open_cases" in restarted.stdout

    # Resuming from that list lands on the same screen with the same case.
    sessions = open_database(f"sqlite:///{data / 'demo' / 'madoguchi.sqlite3'}")
    window = make_window(sessions, residents=load_demo_residents())
    controller = window.controller
    window.show_page_key("open_cases")
    qtbot.waitUntil(lambda: len(window.open_cases.summaries) == 1)
    window.open_cases.table.setFocus()
    qtbot.keyClick(window.open_cases.table, "\r")
    qtbot.waitUntil(lambda: window.current_page_key() == "interview")
    session = controller.session
    assert session.case.id == before["case_id"]
    assert [m.name for m in session.case.members] == before["members"]
    assert session.case.answers == before["answers"]
    assert [p.text_ja for p in session.prompts()] == before["prompts"]
    rows = session.interview()  # the answered questions, then the open ones
    expected = [(r.prompt.fact, r.is_open) for r in rows if not r.is_open] + \
        [(r.prompt.fact, r.is_open) for r in rows if r.is_open]
    assert any(not is_open for _, is_open in expected)  # the answers given before the kill

    def shown():
        return [(row.row_id, row.waiting) for row in window.interview.rows
                if row.row_id != "kana"]

    # The page redraws on the next turn of the event loop after the case is adopted.
    qtbot.waitUntil(lambda: shown() == expected)
    sessions.kw["bind"].dispose()
