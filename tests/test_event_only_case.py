"""A case with a life event and no move (a case file, a stored case): the move's facts are
unknown, never a crash (mypy found `case.move` read without a check)."""

import datetime as dt
import json

from counter_app.app import main
from counter_app.config import ExitCode
from counter_app.domain.case import Case, Event, EventKind, Member, MemberSource
from counter_app.domain.facts import derived_case_facts, derived_member_facts

DEATH = {"kind": "death", "date": "2026-03-01", "subject": 0}
MEMBER = {"name": "試験　太郎", "birth_date": "1940-01-01", "sex": "male",
          "relationship": "世帯主", "source": "manual"}


def test_an_event_only_case_derives_member_facts_but_no_move_facts():
    member = Member(name="試験　太郎", birth_date=dt.date(1940, 1, 1), sex="male",
                    relationship="世帯主", source=MemberSource.MANUAL)
    case = Case(event=Event(EventKind.DEATH, dt.date(2026, 3, 1), subject=0), members=[member])

    facts = derived_case_facts(case)
    assert not any(key.startswith("move.") for key in facts)  # unknown, not a crash
    assert facts["event.kind"] == "death" and facts["death.was_head"] is True
    assert derived_member_facts(case, 0)["age"] == 86  # on the event's date


def test_render_of_an_event_only_case_says_what_is_missing(tmp_path, data_dir, capsys):
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"event": DEATH, "members": [MEMBER]}, ensure_ascii=False),
                    encoding="utf-8")
    out = tmp_path / "out"

    code = main(["render", str(path), "--out", str(out)])

    captured = capsys.readouterr()
    # The print gate's refusal (the event's questions are open), not a crash (exit 70).
    assert code == ExitCode.USAGE, captured.err
    assert "聞き取りが終わっていません" in captured.err
    assert not out.exists()
