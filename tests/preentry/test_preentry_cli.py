"""`counter-app preentry encode|decode`: the payload of a case file and back; bad input is one
line on stderr and exit code 2, never a traceback."""

import io
import json

import pytest
from households import household

from counter_app.app import main

# counter-app's subcommands log to the data directory: a private one per test.
pytestmark = pytest.mark.usefixtures("data_dir")


def run(capsys, monkeypatch, *args, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["preentry", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_encode_then_decode_gives_the_case_back(tmp_path, capsys, monkeypatch):
    case = household(4)
    (tmp_path / "case.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, "encode", str(tmp_path / "case.json"))
    assert (code, err) == (0, "")
    payload = out.strip()
    assert payload.startswith("MDP1") and out.count("\n") == 1
    code, out, err = run(capsys, monkeypatch, "decode", payload)
    assert (code, err) == (0, "")
    assert json.loads(out) == case
    code, out, err = run(capsys, monkeypatch, "decode", "-", stdin=payload + "\r\n")
    assert (code, json.loads(out)) == (0, case)


@pytest.mark.parametrize(("args", "stdin", "message"), [
    (["decode", "MDP1123"], "", "QRコードを正しく読み取れませんでした"),
    (["decode", "-"], "", "事前入力のQRコードではありません"),
    (["decode", "-"], "MADOGUCHI1|case|form|1\n", "事前入力のQRコードではありません"),
    (["decode", "MDP9123"], "", "アプリの更新が必要です"),
    (["decode"], "", "コマンドの指定が正しくありません"),
    (["encode", "/nonexistent/case.json"], "", "ファイルを読めません"),
])
def test_bad_input_is_one_line_and_exit_2(capsys, monkeypatch, args, stdin, message):
    code, out, err = run(capsys, monkeypatch, *args, stdin=stdin)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_a_case_that_cannot_travel_is_refused_naming_the_field(tmp_path, capsys, monkeypatch):
    case = household(1)
    case["members"][0]["name"] = "見本　太郎 個人番号123456789012"
    (tmp_path / "case.json").write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, "encode", str(tmp_path / "case.json"))
    assert (code, out) == (2, "")
    assert "members[0].name: holds a number of 12 or more digits" in err
    (tmp_path / "case.json").write_text("{", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, "encode", str(tmp_path / "case.json"))
    assert code == 2 and "ファイルの形式が正しくありません" in err


def test_decode_checks_answers_against_the_catalogue_given(tmp_path, capsys, monkeypatch):
    from counter_app.preentry import encode
    from counter_app.rules import default_catalogue

    case = household(1)
    payload = encode(case)
    catalogue = default_catalogue().raw
    catalogue["questions"] = [q for q in catalogue["questions"] if q["fact"] != "household.has_dog"]
    catalogue["procedures"] = [p for p in catalogue["procedures"]
                               if p["id"] != "dog_registration"]
    catalogue["facts"] = [f for f in catalogue["facts"] if f["key"] != "household.has_dog"]
    (tmp_path / "city.json").write_text(json.dumps(catalogue, ensure_ascii=False))
    code, out, err = run(capsys, monkeypatch, "decode", payload, "--catalogue",
                         str(tmp_path / "city.json"))
    assert (code, out) == (2, "")
    assert "answers.household.has_dog: not a question of this city's catalogue" in err
