"""Hostile input to `counter-app determine|render`: always one line on stderr and exit 2, never a
traceback, a hang or a memory blow-up; an unexpected error is exit 70 with its traceback in the
log file that subcommands write like the application.

Each input runs in process (fast) and, in the slow set, through the console entry point in a
child process. Files that could hang or eat memory only ever run in a child with a time limit.
"""

import datetime as dt
import json
import os
import resource
import sys
import unicodedata

import pytest
from conftest import run_counter_app

from counter_app.app import main

TODAY = dt.date.today()
RECENT = (TODAY - dt.timedelta(days=30)).isoformat()


def _valid(**move):
    return {"move": {"kind": "move_in", "date": RECENT, "previous_address": "宮城県仙台市１",
                     "new_address": "北海道あおば市本町１－２－３", **move},
            "members": [{"name": "試験　太郎", "birth_date": "1980-05-05", "sex": "male",
                         "relationship": "世帯主", "source": "manual"}],
            "answers": {}}


def _member(**change):
    case = _valid()
    case["members"][0].update(change)
    return case


def _json(document):
    return json.dumps(document, ensure_ascii=False).encode()


# (id, file content, words the one line must hold)
CASE_FILES = [
    ("move_date_year_9999", _json(_valid(date="9999-12-31")), "move.date"),
    ("move_out_on_9999_12_30", _json(_valid(kind="move_out", date="9999-12-30")), "move.date"),
    ("filed_on_year_9999", _json({**_valid(), "filed_on": "9999-12-31"}), "filed_on"),
    ("move_date_year_1", _json(_valid(date="0001-01-01")), "move.date"),
    ("move_date_1026_for_2026", _json(_valid(date="1026-04-01")), "move.date"),
    ("birth_year_1", _json(_member(birth_date="0001-01-01")), "members[0].birth_date"),
    ("birth_1086_for_1986", _json(_member(birth_date="1086-05-05")), "members[0].birth_date"),
    ("birth_tomorrow", _json(_member(birth_date=(TODAY + dt.timedelta(days=1)).isoformat())),
     "members[0].birth_date"),
    ("nested_1k", b"[" * 1000 + b"]" * 1000, "case file"),  # too deep, or not an object
    ("nested_100k", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ("nested_in_an_answer",
     _json({**_valid(), "answers": {"x": json.loads("[" * 500 + "]" * 500)}}), "answers.x"),
    ("integer_of_5000_digits", _json(_valid())[:-1] + b', "x": ' + b"9" * 5000 + b"}",
     "4,300 digits"),
    ("nul_in_name", _json(_member(name="試験\x00太郎")), "members[0].name"),
    ("escape_in_address", _json(_valid(new_address="北海道\x1b[2J")), "move.new_address"),
    ("bell_in_relationship", _json(_member(relationship="世帯主\x07")), "members[0].relationship"),
    ("zero_width_name", _json(_member(name="\u200b")), "members[0].name"),
    ("lone_surrogate_in_name", _json(_member(name="x"))[:-1].replace(b'"x"', b'"\\ud800"') + b"}",
     "members[0].name"),
    ("not_utf8", "試験".encode("shift_jis"), "UTF-8"),
    ("not_json", b"{move: 1}", "not JSON"),
    ("empty", b"", "not JSON"),
    ("over_20_mb", _json(_valid())[:-1] + b" " * (20 * 2**20) + b"}", "larger than 20 MB"),
]


def _assert_one_line(returncode, out, err, code, words):
    assert returncode == code, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert words in lines[0]
    # Control characters are shown escaped, never sent raw to the terminal.
    assert not [c for c in lines[0] if unicodedata.category(c) in ("Cc", "Cf", "Cs")]


@pytest.fixture
def case_file(tmp_path):
    def write(content: bytes, name="case.json"):
        path = tmp_path / name
        path.write_bytes(content)
        return path
    return write


def test_every_hostile_case_file(case_file, data_dir, capsys):
    # In one test (each test costs a garbage collection); the slow set runs them one by one.
    for name, content, words in CASE_FILES:
        path = case_file(content, f"{name}.json")
        for command in (["determine", str(path)],
                        ["render", str(path), "--out", str(path.parent)]):
            code = main(command)
            captured = capsys.readouterr()
            try:
                _assert_one_line(code, captured.out, captured.err, 2, words)
            except AssertionError as exc:
                raise AssertionError(f"{name} ({command[0]}): {exc}") from None


@pytest.mark.slow
@pytest.mark.parametrize(("content", "words"), [(c, w) for _, c, w in CASE_FILES],
                         ids=[name for name, _, _ in CASE_FILES])
def test_hostile_case_file_through_the_console(content, words, case_file, data_dir):
    result = run_counter_app("determine", str(case_file(content)), env=dict(os.environ))
    _assert_one_line(result.returncode, result.stdout, result.stderr, 2, words)


OPTIONS = [
    ("filed_on_9999", ["determine", "{case}", "--filed-on", "9999-12-31"], "--filed-on"),
    ("filed_on_year_1", ["determine", "{case}", "--filed-on", "0001-01-01"], "--filed-on"),
    ("filed_on_not_a_day", ["determine", "{case}", "--filed-on", "2026-02-30"], "--filed-on"),
    ("printed_on_year_1", ["render", "{case}", "--out", "{dir}", "--printed-on", "0001-01-01"],
     "--printed-on"),
    ("printed_on_9999", ["render", "{case}", "--out", "{dir}", "--printed-on", "9999-12-31"],
     "--printed-on"),
    ("escape_in_file_name", ["determine", "{dir}/\x1b[31mcase\x07.json"], "\\x1b[31mcase\\x07"),
]


@pytest.mark.parametrize(("argv", "words"), [(a, w) for _, a, w in OPTIONS],
                         ids=[name for name, _, _ in OPTIONS])
def test_hostile_option(argv, words, case_file, data_dir, capsys):
    path = case_file(_json(_valid()))
    code = main([a.format(case=path, dir=path.parent) for a in argv])
    captured = capsys.readouterr()
    _assert_one_line(code, captured.out, captured.err, 2, words)


def _limited(seconds=30, memory=1 << 30):
    """A child that can neither hang the test run nor take the machine's memory."""
    def limit():
        resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    return {"timeout": seconds, "preexec_fn": limit}


def _run_limited(*args, env, **limits):
    import subprocess

    from conftest import ROOT

    return subprocess.run([sys.executable, "-m", "counter_app", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, **_limited(**limits))


@pytest.mark.parametrize("kind", ["dev_zero", "fifo"])
def test_files_that_are_not_regular_files_are_refused_without_blocking(kind, tmp_path, data_dir):
    path = "/dev/zero" if kind == "dev_zero" else str(tmp_path / "fifo")
    if kind == "fifo":
        os.mkfifo(path)  # nobody ever writes to it: opening it for reading would wait for ever
    result = _run_limited("determine", path, env=dict(os.environ))
    _assert_one_line(result.returncode, result.stdout, result.stderr, 2, "not a regular file")


def test_preentry_reads_its_case_file_the_same_way(tmp_path, data_dir):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = _run_limited("preentry", "encode", str(fifo), env=dict(os.environ))
    _assert_one_line(result.returncode, result.stdout, result.stderr, 2, "not a regular file")


def test_a_directory_is_not_a_case_file(tmp_path, data_dir, capsys):
    code = main(["determine", str(tmp_path)])
    captured = capsys.readouterr()
    _assert_one_line(code, captured.out, captured.err, 2, "not a regular file")


def test_subcommands_write_the_log_file_without_personal_data(case_file, data_dir, capsys):
    assert main(["determine", str(case_file(_json(_member(birth_date="1086-05-05"))))]) == 2
    assert main(["determine", str(case_file(_json(_valid())))]) == 0
    capsys.readouterr()
    log = (data_dir / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert "counter_app.commands: counter-app" in log and "determine" in log
    assert "members[0].birth_date" in log and "procedures" in log
    for personal in ("1086", "1980-05-05", "試験", "太郎"):
        assert personal not in log


def _huge_valid_case(path):
    # Valid and under 20 MB, but three million small lists take far more memory than the child
    # is given: a MemoryError, the stand-in here for any bug.
    document = _valid()
    document["padding"] = [[0]] * 3_000_000
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.slow
def test_an_unexpected_error_is_exit_70_and_its_traceback_is_in_the_log(tmp_path, data_dir):
    result = _run_limited("determine", str(_huge_valid_case(tmp_path / "big.json")),
                          env=dict(os.environ), memory=200 << 20)
    log_file = data_dir / "logs" / "counter-app.log"
    _assert_one_line(result.returncode, result.stdout, result.stderr, 70, str(log_file))
    assert "予期しないエラー" in result.stderr and "MemoryError" in result.stderr
    log = log_file.read_text(encoding="utf-8")
    assert "unexpected MemoryError in determine" in log
    assert 'counter_app/commands.py", line' in log  # the frames are there
    assert "試験" not in log


@pytest.mark.slow
def test_without_a_writable_data_dir_the_message_says_no_log_was_written(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the data directory should be")
    env = {**os.environ, "MADOGUCHI_DATA_DIR": str(blocker / "data")}
    case = tmp_path / "case.json"
    case.write_bytes(_json(_valid()))
    assert _run_limited("determine", str(case), env=env).returncode == 0  # works without a log
    result = _run_limited("determine", str(_huge_valid_case(tmp_path / "big.json")), env=env,
                          memory=200 << 20)
    _assert_one_line(result.returncode, result.stdout, result.stderr, 70, "no log was written")
