"""Retention and statistics: the store's purge beside working counters, the SQLite file's bytes
after a purge, and `counter-app purge` / `counter-app stats` opening the database as the app
does (run as the console entry point in child processes)."""

import csv
import datetime as dt
import io
import os

import pytest
from conftest import run_counter_app
from sqlalchemy import text
from test_startup import _env

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Event,
    EventKind,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PrintRecord,
)
from counter_app.store import CaseRepository, open_database
from counter_app.store.audit import AuditLog
from counter_app.store.cases import CaseWriter, ConflictError
from counter_app.store.purge import purge

pytestmark = pytest.mark.backends("sqlite", "postgresql")
NAME, ADDRESS = "篠ノ井　澪標", "北海道あおば市本町９－８－７６"
NOW = dt.datetime.now(dt.UTC)


def _clock(at):
    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return at

    return Clock


def _case(name=NAME):
    return Case(move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", ADDRESS),
                members=[Member(name, dt.date(1979, 11, 23), "female", "世帯主",
                                MemberSource.CARD)])


def _closed(sessions, ended_at, minutes=5, case=None):
    """A case opened `minutes` before `ended_at` and closed then, with two forms printed."""
    case = case or _case()
    opened = CaseRepository(sessions, _clock(ended_at - dt.timedelta(minutes=minutes)))
    opened.save(case, "C1")
    case.checklist = {"resident_move_in": ChecklistEntry(ChecklistStatus.DONE),
                      "nhi_enroll": ChecklistEntry(ChecklistStatus.DONE, "", (0,)),
                      "dog_registration": ChecklistEntry(ChecklistStatus.NOT_NEEDED, "いない")}
    case.prints = [PrintRecord(f, "printed", "Q", ended_at, "x")
                   for f in ("resident_move", "nhi_change")]
    case.status = CaseStatus.CLOSED
    case.version = 1
    CaseRepository(sessions, _clock(ended_at)).save(case, "C1")
    case.version = 2
    return case


def test_a_late_save_of_a_purged_case_is_refused_and_never_restores_its_data(sessions):
    repo = CaseRepository(sessions)
    case = _closed(sessions, NOW - dt.timedelta(days=40))
    reprint = repo.load(case.id)  # a counter reprints the closed case as the purge runs
    assert purge(sessions, 30).cases == 1
    reprint.prints.append(PrintRecord("resident_move", "printed", "Q", NOW, "y"))
    with pytest.raises(ConflictError) as refused:
        repo.save(reprint, "C2")
    assert refused.value.stored_digest is None  # nothing left to show
    assert repo.load(case.id) is None


def test_purge_keeps_open_cases_and_only_statistics_of_ended_ones(sessions, tmp_path):
    repo = CaseRepository(sessions)
    ended = _closed(sessions, NOW - dt.timedelta(days=31))
    recent = _closed(sessions, NOW - dt.timedelta(days=29))
    death = Case(event=Event(EventKind.DEATH, dt.date(2026, 3, 1), subject=0),
                 members=[Member(NAME, dt.date(1940, 1, 1), "male", "世帯主")])
    _closed(sessions, NOW - dt.timedelta(days=60), case=death)
    still_open = _case()
    CaseWriter(CaseRepository(sessions, _clock(NOW - dt.timedelta(days=90))), "C1").save(
        still_open)
    result = purge(sessions, 30, packet_dirs=(tmp_path / "missing",))
    assert (result.cases, result.files) == (2, 0)
    assert repo.load(ended.id) is None and repo.load(death.id) is None
    assert repo.load(recent.id) is not None and repo.load(still_open.id) is not None
    with sessions() as s:
        rows = s.execute(text("select move_date, event_date, initials, document from cases "
                              "where purged_at is not null")).all()
        assert [tuple(r) for r in rows] == [(None, None, "", None)] * 2
        assert s.execute(text("select count(*) from case_statistics")).scalar() == 3
    assert [e.detail for e in AuditLog(sessions).entries() if e.action == "purge"] == \
        ["2 cases"]


@pytest.mark.backends("sqlite")
def test_no_earlier_version_of_a_purged_case_is_left_in_the_sqlite_files(sessions, db_url):
    """SQLite frees the pages of a row's earlier versions without clearing them, and keeps
    page images in its write-ahead log: the purge must leave neither behind."""
    case = _case()
    writer = CaseWriter(CaseRepository(sessions, _clock(NOW - dt.timedelta(days=40))), "C1")
    writer.save(case)
    for number in range(20):  # a case saved at every change, as at the counter
        case.members.append(Member(f"{NAME}{number}", dt.date(2000, 1, 1), "male", "子"))
        writer.save(case)
    case.status = CaseStatus.CLOSED
    writer.save(case)
    assert purge(sessions, 30).cases == 1
    path = db_url.removeprefix("sqlite:///")
    data = b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))
    for secret in (NAME, ADDRESS, "1979-11-23"):
        assert secret.encode() not in data, secret


def _cli_env(data_dir, db_url):
    env = _env(data_dir)
    if not db_url.startswith("sqlite"):
        env["MADOGUCHI_DB_URL"] = db_url  # as a counter PC configures a shared server
    return env


@pytest.fixture
def app_db(db_backend, db_url, tmp_path):
    """The database a counter-app child process will use, with the data directory."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'madoguchi.sqlite3'}" if db_backend == "sqlite" else db_url
    sessions = open_database(url)
    yield data_dir, url, sessions
    sessions.kw["bind"].dispose()


def test_counter_app_purge_uses_the_catalogue_retention_and_cleans_both_pdf_dirs(app_db):
    data_dir, url, sessions = app_db
    old, recent = (_closed(sessions, NOW - dt.timedelta(days=d)) for d in (31, 29))
    packets = {}
    for folder in ("pdf", "demo/pdf"):
        (data_dir / folder).mkdir(parents=True)
        for age in (31, 29):
            path = data_dir / folder / f"packet-{age}.pdf"
            path.write_bytes(b"%PDF-1.7")
            stamp = (NOW - dt.timedelta(days=age)).timestamp()
            os.utime(path, (stamp, stamp))
            packets[folder, age] = path
    (data_dir / "pdf" / "notes.txt").write_text("not a packet")
    result = run_counter_app("purge", env=_cli_env(data_dir, url))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.strip() == ("purged: 1 cases, 2 saved packets "
                                      "(ended more than 30 days ago)")
    repo = CaseRepository(sessions)
    assert repo.load(old.id) is None and repo.load(recent.id) is not None
    assert {key for key, path in packets.items() if path.exists()} == {("pdf", 29),
                                                                      ("demo/pdf", 29)}
    assert (data_dir / "pdf" / "notes.txt").exists()
    assert [e.detail for e in AuditLog(sessions).entries() if e.action == "purge"] == \
        ["2 saved packets", "1 cases"]
    log = (data_dir / "logs" / "counter-app.log").read_text(encoding="utf-8")
    assert "purge: 1 cases and 2 saved packets older than 30 days" in log
    assert NAME not in log and ADDRESS not in log


def test_counter_app_stats_prints_the_summary_and_writes_csv_by_section(app_db):
    data_dir, url, sessions = app_db
    day = dt.date.today() - dt.timedelta(days=3)
    noon = dt.datetime.combine(day, dt.time(12)).astimezone(dt.UTC)
    for minutes in (2, 4, 12):
        _closed(sessions, noon, minutes)
    out = data_dir / "april.csv"
    result = run_counter_app("stats", "--from", day.isoformat(), "--to", day.isoformat(),
                             "--csv", str(out), env=_cli_env(data_dir, url))
    assert (result.returncode, result.stderr) == (0, "")
    assert "受付件数: 3" in result.stdout and "処理時間の中央値（分）: 4.0" in result.stdout
    assert f"{day.isoformat()} 3 市民課 3、保険年金課 3" in result.stdout  # the city's order
    raw = out.read_bytes()
    assert raw.startswith("\ufeff".encode())  # Excel on Japanese Windows reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[1:3] == [[day.isoformat(), "市民課", "3", "3"],
                         [day.isoformat(), "保険年金課", "3", "3"]]
    assert ["記入済みで印刷した申請書", "6"] in rows


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("args, words", [
    (("purge", "--days", "-1"), "days must be 0 to 3650"),
    (("purge", "--days", "ten"), "not a whole number of days"),
    (("stats", "--from", "2026-05-01", "--to", "2026-04-01"), "is after --to"),
    (("stats", "--from", "2026-04-31", "--to", "2026-05-01"), "not an ISO date"),
    (("purge", "--db", "postgresql://clerk:secret@db/madoguchi"), "must not contain a password"),
])
def test_bad_purge_and_stats_arguments_are_one_line_and_exit_2(tmp_path, args, words):
    result = run_counter_app(*args, env=_env(tmp_path / "data"))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert "secret" not in result.stderr


@pytest.mark.backends("sqlite")
def test_purge_with_the_database_unreachable_exits_4(tmp_path):
    from pg_sandbox import free_port

    url = f"postgresql+psycopg://clerk@127.0.0.1:{free_port()}/madoguchi"
    result = run_counter_app("purge", env=_env(tmp_path / "data", MADOGUCHI_DB_URL=url))
    assert result.returncode == 4 and "データベースを開けません" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
