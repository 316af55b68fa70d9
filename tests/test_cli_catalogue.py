"""`counter-app rules …` on the app's own database (the data directory's SQLite file):
import as a draft, publish, restore, versions, export, test; refusals change nothing; the
password is read from stdin and never stored or logged."""

import io
import json
import shutil
from pathlib import Path

import pytest
from conftest import run_counter_app
from migration_data import dump

from counter_app.accounts import Role
from counter_app.app import main, sqlite_url
from counter_app.bundled import resource
from counter_app.rules.catalogue import shipped_text
from counter_app.store import open_database
from counter_app.store.accounts import AccountRepository
from counter_app.store.audit import AuditLog

SECRET = "Aoba-kanri-2026"
HOUSEHOLDS = Path(str(resource("catalogue", "households")))
SHIPPED = json.loads(shipped_text())


def _procedure(data, pid):
    return next(p for p in data["procedures"] if p["id"] == pid)


@pytest.fixture
def database(data_dir):
    """The data directory's database with a supervisor's account."""
    data_dir.mkdir(parents=True, exist_ok=True)
    sessions = open_database(sqlite_url(data_dir / "madoguchi.sqlite3"))
    AccountRepository(sessions).create("kanri", Role.SUPERVISOR, SECRET)
    yield sessions
    sessions.kw["bind"].dispose()


def _run(capsys, monkeypatch, *args, password=SECRET):
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
    code = main(["rules", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(tmp_path, data, name="catalogue.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_without_a_database_the_shipped_catalogue_is_in_force(data_dir, capsys, monkeypatch):
    assert _run(capsys, monkeypatch, "versions")[:2] == (
        0, "no versions yet: the shipped catalogue decides\n")
    code, out, _ = _run(capsys, monkeypatch, "export")
    assert (code, out) == (0, shipped_text())
    assert not (data_dir / "madoguchi.sqlite3").exists()  # looking created nothing


def test_import_publish_export_and_restore(database, tmp_path, capsys, monkeypatch):
    data = json.loads(shipped_text())
    _procedure(data, "dog_registration")["deadline"]["days"] = 20
    code, out, err = _run(capsys, monkeypatch, "import", str(_write(tmp_path, data)),
                          "--user", "kanri")
    assert (code, out, err) == (0, "imported as draft version 2 (based on version 1)\n", "")
    code, out, _ = _run(capsys, monkeypatch, "versions")
    rows = [line.split()[:3] for line in out.splitlines()[1:]]
    assert rows == [["1", "published", "shipped"], ["2", "draft", "import"]]
    assert _run(capsys, monkeypatch, "publish", "--user", "kanri")[:2] == \
        (0, "published version 2\n")
    code, out, _ = _run(capsys, monkeypatch, "export")
    assert json.loads(out) == {**data, "version": 2}
    exported = tmp_path / "out.json"
    assert _run(capsys, monkeypatch, "export", str(exported), "--version", "1")[0] == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == SHIPPED
    assert _run(capsys, monkeypatch, "restore", "1", "--user", "kanri")[:2] == \
        (0, "restored version 1 as version 3 (published)\n")
    code, out, _ = _run(capsys, monkeypatch, "versions")
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [
        ["1", "retired"], ["2", "retired"], ["3", "published"]]
    actions = [(e.action, e.account) for e in AuditLog(database).entries()][::-1]
    assert [a for a in actions if a[0].startswith("catalogue.")] == [
        ("catalogue.seed", "system"), ("catalogue.import", "kanri"),
        ("catalogue.publish", "kanri"), ("catalogue.restore", "kanri")]
    assert actions.count(("sign_in", "kanri")) == 3


def test_determine_decides_with_the_published_version(database, tmp_path, capsys,
                                                      monkeypatch):
    case = HOUSEHOLDS / "02_family_of_four_nhi.json"
    assert main(["determine", str(case)]) == 0
    shipped = json.loads(capsys.readouterr().out)
    data = json.loads(shipped_text())
    _procedure(data, "dog_registration")["deadline"]["days"] = 20
    _run(capsys, monkeypatch, "import", str(_write(tmp_path, data)), "--user", "kanri")
    _run(capsys, monkeypatch, "publish", "2", "--user", "kanri")
    assert main(["determine", str(case)]) == 0
    published = json.loads(capsys.readouterr().out)
    deadline = {p["id"]: p["deadline"] for p in shipped["procedures"]}["dog_registration"]
    assert deadline == "2026-05-01"
    assert {p["id"]: p["deadline"] for p in published["procedures"]}["dog_registration"] == \
        "2026-04-21"


def _bad_json(tmp_path):
    path = tmp_path / "catalogue.json"
    path.write_text('{"city": ', encoding="utf-8")
    return path


def _unknown_fact(tmp_path):
    data = json.loads(shipped_text())
    _procedure(data, "nhi_enroll")["when"] = {"fact": "cat_owner"}
    return _write(tmp_path, data)


def _duplicate_id(tmp_path):
    data = json.loads(shipped_text())
    data["procedures"].append(dict(data["procedures"][0]))
    return _write(tmp_path, data)


@pytest.mark.parametrize(("make", "place"), [
    (_bad_json, "is not JSON"),
    (_unknown_fact, ".when.fact: unknown fact 'cat_owner'"),
    (_duplicate_id, ".id: duplicate procedure id 'resident_move_in'"),
])
def test_a_refused_import_changes_nothing(database, data_dir, tmp_path, capsys, monkeypatch,
                                          make, place):
    _run(capsys, monkeypatch, "versions")  # seeded: version 1
    before = dump(database.kw["bind"])
    code, out, err = _run(capsys, monkeypatch, "import", str(make(tmp_path)), "--user", "kanri")
    assert code == 2 and out == ""
    assert place in err and "Traceback" not in err
    assert dump(database.kw["bind"]) == before  # not even a sign-in was written


def test_every_problem_of_a_file_is_listed_one_line_each(data_dir, tmp_path, capsys,
                                                         monkeypatch):
    data = json.loads(shipped_text())
    _procedure(data, "nhi_enroll")["when"] = {"fact": "cat_owner"}
    _procedure(data, "dog_registration")["section"] = "市長室"
    code, out, err = _run(capsys, monkeypatch, "validate", str(_write(tmp_path, data)))
    lines = err.splitlines()
    assert code == 2 and out == "" and len(lines) == 2
    assert all(line.startswith("counter-app: 手続ルールに誤りがあります (") for line in lines)
    assert "unknown fact 'cat_owner'" in lines[0] and "unknown section '市長室'" in lines[1]


def test_signing_in_is_checked_and_audited(database, tmp_path, capsys, monkeypatch):
    AccountRepository(database).create("madoguchi1", Role.STAFF, SECRET)
    path = _write(tmp_path, json.loads(shipped_text()))
    code, _, err = _run(capsys, monkeypatch, "import", str(path), "--user", "kanri",
                        password="wrong-password")
    assert code == 2 and "アカウント名またはパスワードが違います" in err
    code, _, err = _run(capsys, monkeypatch, "import", str(path), "--user", "madoguchi1")
    assert code == 2 and "監督者のアカウントが必要です" in err
    entries = [(e.action, e.account, e.detail) for e in AuditLog(database).entries()][::-1]
    assert ("sign_in.failed", "kanri", "wrong password") in entries
    assert ("sign_in", "madoguchi1", "") in entries
    assert not any(e[0] == "catalogue.import" for e in entries)


def test_publishing_is_refused_with_every_difference_listed(database, tmp_path, capsys,
                                                            monkeypatch):
    data = json.loads(shipped_text())
    _procedure(data, "care_insurance_enroll")["when"]["value"] = 66
    _run(capsys, monkeypatch, "import", str(_write(tmp_path, data)), "--user", "kanri")
    code, out, err = _run(capsys, monkeypatch, "publish", "2", "--user", "kanri")
    assert code == 1 and out == ""
    assert "DIFF  11_sixty_five_on_the_birthday_eve" in err
    assert "missing care_insurance_enroll members 0 — member 0: rule is false with " \
           "legal_age = 65" in err
    assert "テスト世帯の結果が期待と違うため公開できません" in err.splitlines()[-1]
    code, out, _ = _run(capsys, monkeypatch, "versions")
    assert [line.split()[:2] for line in out.splitlines()[1:]] == [
        ["1", "published"], ["2", "draft"]]


def test_rules_test_lists_every_difference(data_dir, tmp_path, capsys, monkeypatch):
    code, out, _ = _run(capsys, monkeypatch, "test", str(HOUSEHOLDS))
    assert code == 0
    assert out.splitlines()[-1] == "25 households: 25 as expected, 0 differ (catalogue version 1)"
    data = json.loads(shipped_text())
    _procedure(data, "care_insurance_enroll")["when"]["value"] = 66
    _procedure(data, "voter_registration")["when"] = {"fact": "legal_age", "op": ">=",
                                                      "value": 16}
    code, out, _ = _run(capsys, monkeypatch, "test", str(HOUSEHOLDS),
                        "--catalogue", str(_write(tmp_path, data)))
    assert code == 1
    assert out.count("DIFF  ") == 4
    assert "      extra voter_registration members 0, 1 — member 0: legal_age = 36 (≥ 16); " \
           "member 1: legal_age = 33 (≥ 16)" in out.splitlines()
    assert out.splitlines()[-1].startswith("25 households: 21 as expected, 4 differ")


def test_a_bad_household_directory_is_named(data_dir, tmp_path, capsys, monkeypatch):
    shutil.copy(HOUSEHOLDS / "01_single_employee_move_in.json", tmp_path)
    (tmp_path / "02_broken.json").write_text('{"move": {"kind": "move_in"}, "expected": []}',
                                             encoding="utf-8")
    code, _, err = _run(capsys, monkeypatch, "test", str(tmp_path))
    assert code == 2
    assert "02_broken: move.date" in err and "テスト世帯の内容に誤りがあります" in err


def test_a_database_url_with_a_password_is_refused(data_dir, capsys, monkeypatch):
    code, _, err = _run(capsys, monkeypatch, "versions", "--db",
                        "postgresql+psycopg://kanri:secret@db.invalid/madoguchi")
    assert code == 2 and "パスワードはコマンドラインに書けません" in err and "secret" not in err


def test_the_password_is_never_stored_or_logged(database, data_dir, tmp_path, capsys,
                                                monkeypatch):
    data = json.loads(shipped_text())
    path = _write(tmp_path, data)
    _run(capsys, monkeypatch, "import", str(path), "--user", "kanri")
    _run(capsys, monkeypatch, "import", str(path), "--user", "kanri", password="Wrong-" + SECRET)
    _run(capsys, monkeypatch, "publish", "2", "--user", "kanri")
    database.kw["bind"].dispose()
    written = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "counter-app.log" for p in written)
    assert any(p.name.startswith("madoguchi.sqlite3") for p in written)
    for path in written:
        content = path.read_bytes()
        assert SECRET.encode() not in content, path


@pytest.mark.slow
def test_the_password_comes_from_stdin_of_the_real_console(database, data_dir, tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    path = _write(tmp_path, json.loads(shipped_text()))
    result = subprocess.run(
        [sys.executable, "-m", "counter_app", "rules", "import", str(path), "--user", "kanri"],
        input=f"{SECRET}\n", capture_output=True, text=True, timeout=60, cwd=ROOT,
        env=dict(os.environ))
    assert (result.returncode, result.stdout) == (
        0, "imported as draft version 2 (based on version 1)\n"), result.stderr
    result = run_counter_app("rules", "versions", env=dict(os.environ))
    assert result.returncode == 0 and "import" in result.stdout
