"""`counter-app rules validate` and `--catalogue`: a broken catalogue is exit 2 and one line
naming its path; the default one passes, and so does a question only a form template reads."""

import json
import os

import pytest
from conftest import run_counter_app
from rules.broken_catalogues import BROKEN, broken, default_dict

from counter_app.app import main
from counter_app.reception.packet import form_facts
from forms.templates import load_templates

FORM_FACTS = form_facts(load_templates())

# The review's five (r09): passed as "ok" or crashed with exit 1, then broke `determine`.
REVIEWED = {"days_huge", "question_positional_field", "fact_type_unknown", "op_unhashable",
            "deadline_text"}


def _write(tmp_path, data, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _assert_refused(code, out, err, path):
    # One line per problem, the first naming the fault (a broken fact key may also leave
    # its question and rule pointing at an unknown fact: those follow).
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    assert lines and "Traceback" not in err
    assert all(line.startswith("counter-app: 手続ルールに誤りがあります (") for line in lines)
    assert f": {path}: " in lines[0]


@pytest.mark.parametrize(("change", "path"), [(c, p) for n, c, p in BROKEN if n in REVIEWED],
                         ids=[n for n, _, _ in BROKEN if n in REVIEWED])
def test_reviewed_broken_catalogues_are_refused_by_validate(change, path, tmp_path, data_dir,
                                                            capsys):
    code = main(["rules", "validate", str(_write(tmp_path, broken(change)))])
    captured = capsys.readouterr()
    _assert_refused(code, captured.out, captured.err, path)


@pytest.mark.slow
@pytest.mark.parametrize(("change", "path"), [(c, p) for _, c, p in BROKEN],
                         ids=[name for name, _, _ in BROKEN])
def test_every_broken_catalogue_through_the_console(change, path, tmp_path, data_dir):
    result = run_counter_app("rules", "validate", str(_write(tmp_path, broken(change))),
                             env=dict(os.environ))
    _assert_refused(result.returncode, result.stdout, result.stderr, path)


def test_determine_refuses_a_catalogue_whose_deadline_would_overflow(tmp_path, data_dir, capsys):
    change = next(c for n, c, _ in BROKEN if n == "days_huge")
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"move": {"kind": "move_in", "date": "2026-04-01"}}))
    code = main(["determine", str(case), "--catalogue", str(_write(tmp_path, broken(change)))])
    captured = capsys.readouterr()
    _assert_refused(code, captured.out, captured.err, "procedures[0].deadline.days")


def test_the_exported_default_catalogue_validates(tmp_path, data_dir, capsys):
    assert main(["rules", "export"]) == 0
    exported = tmp_path / "default.json"
    exported.write_text(capsys.readouterr().out, encoding="utf-8")
    assert main(["rules", "validate", str(exported)]) == 0
    assert capsys.readouterr().out == "ok: 69 procedures, 25 questions\n"


def test_validate_reads_the_form_templates_facts(tmp_path, data_dir, capsys):
    # No move rule reads allowance_claimant: only the child-related forms print the claimant.
    # With those forms printed by nobody (and the life events left out, where a divorce's rule
    # reads it), its question is read by nothing.
    claimant_forms = {form for form, facts in FORM_FACTS.items() if "allowance_claimant" in facts}
    data = default_dict()
    data["procedures"] = [p for p in data["procedures"] if "event_kinds" not in p]
    for procedure in data["procedures"]:
        procedure["forms"] = [f for f in procedure.get("forms", []) if f not in claimant_forms]
        if not procedure["forms"]:
            procedure["guide_ja"] = "窓口で手続してください"  # a procedure needs one or the other
    code = main(["rules", "validate", str(_write(tmp_path, data))])
    captured = capsys.readouterr()
    index = [q["fact"] for q in data["questions"]].index("allowance_claimant")
    _assert_refused(code, captured.out, captured.err, f"questions[{index}]")


def test_validate_refuses_a_form_without_a_template(tmp_path, data_dir, capsys):
    data = default_dict()
    data["forms"]["cat_registration"] = "猫の登録届"
    data["procedures"][0]["forms"].append("cat_registration")
    code = main(["rules", "validate", str(_write(tmp_path, data))])
    captured = capsys.readouterr()
    _assert_refused(code, captured.out, captured.err, "forms")
