"""Whole households through `counter-app determine`, against expectations worked out by hand
from PROCEDURES.md and LIFE_EVENTS.md (tests/households/*.json)."""

import json
from pathlib import Path

import pytest

from counter_app.app import main

# `determine` logs to the data directory: a private one per test, never the machine's.
pytestmark = pytest.mark.usefixtures("data_dir")

HOUSEHOLDS = sorted((Path(__file__).parent.parent / "households").glob("*.json"))
KINDS_COVERED = {"move_in", "move_within", "move_out", "death", "birth", "marriage", "divorce"}


def _determine(capsys, case, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    assert main(["determine", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("household", HOUSEHOLDS, ids=[h.stem for h in HOUSEHOLDS])
def test_household(household, capsys, tmp_path):
    """A test household (DESIGN.md): a case file plus `expected` [[procedure id, members]];
    life-event households also state some deadlines as dates (`expected_deadlines`, null for
    a procedure without one)."""
    data = json.loads(household.read_text(encoding="utf-8"))
    result = _determine(capsys, data, tmp_path)
    got = sorted([p["id"], p["members"]] for p in result["procedures"])
    assert got == sorted(data["expected"])
    assert result["unanswered"] == data["expected_unanswered"]
    by_id = {p["id"]: p for p in result["procedures"]}
    for procedure, document in data.get("expected_documents", {}).items():
        assert document in by_id[procedure]["documents"]
    for procedure, document in data.get("expected_issued", {}).items():
        assert document in by_id[procedure]["issued"]
    first_day = min(part["date"] for part in (data.get("move"), data.get("event")) if part)
    for p in result["procedures"]:
        assert p["deadline"] is None or p["deadline"] >= first_day
        # A date, or else the words for it (when the catalogue has any).
        assert p["deadline"] is None or p["deadline_note"] is None
    for procedure, deadline in data.get("expected_deadlines", {}).items():
        assert by_id[procedure]["deadline"] == deadline, procedure


def test_households_cover_every_procedure_and_move_kind():
    from counter_app.rules import default_catalogue

    ids, kinds = set(), set()
    for household in HOUSEHOLDS:
        data = json.loads(household.read_text(encoding="utf-8"))
        ids |= {procedure for procedure, _members in data["expected"]}
        kinds |= {part["kind"] for part in (data.get("move"), data.get("event")) if part}
    assert len(HOUSEHOLDS) >= 24
    assert kinds == KINDS_COVERED
    assert ids == {p.id for p in default_catalogue().procedures}


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ({"move": {"kind": "move_in"}}, "move.date"),
        ({"move": {"kind": "moving", "date": "2026-04-01"}}, "move.kind"),
        ({"move": {"kind": "move_in", "date": "2026-04-01"},
          "members": [{"name": "x", "birth_date": "1990-02-30", "sex": "male",
                       "relationship": "世帯主"}]}, "members[0].birth_date"),
        ({"move": {"kind": "move_in", "date": "2026-04-01"}, "members": [],
          "answers": {"household.has_dog": "yes"}}, "answers.household.has_dog"),
    ],
)
def test_bad_case_file_is_one_line_naming_the_field(case, field, capsys, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    assert main(["determine", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and "受付データに誤りがあります" in lines[0]
