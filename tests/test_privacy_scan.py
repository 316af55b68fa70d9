"""A full move-in through the real Qt-free path, then a scan for personal data left behind.

The reception runs in a ReceptionSession saving through the counter's JournaledWriter on a
real database, with a database outage in the middle (another connection holds a lock until the
save gives up), so changes go to the local journal and are replayed. The packet is rendered and
saved to `pdf/` as the printing page does, and recorded; the case is closed; `counter-app
purge --days 0` runs as the console entry point. Then the data directory (database file and
its write-ahead log, logs, journal, saved packets, settings), the private temporary directory
of this test and its child process, and for PostgreSQL every table, must hold none of: the
names (with the ideographic space, an ASCII space or none), フリガナ, addresses, the phone
number, birth dates (ISO, compact, 和暦 with Arabic or full-width digits, the GYYMMDD typing
form, S54.11.23) and any number of 12 digits.
"""

import datetime as dt
import logging
import re
import sqlite3
import tempfile
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from conftest import run_counter_app
from test_startup import _env

from counter_app.domain import (
    Case,
    ChecklistStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PersonRef,
    Step,
)
from counter_app.logs import setup_file_logging
from counter_app.reception import PromptKind, ReceptionSession
from counter_app.reception.gate import PrintGate
from counter_app.reception.packet import build_packet, form_facts, form_fingerprints
from counter_app.rules import default_catalogue
from counter_app.store import CaseRepository, open_database
from counter_app.store.cases import CaseWriter
from counter_app.store.journal import Journal, JournaledWriter, Saved
from forms.templates import load_templates
from printing.render import render_packet

pytestmark = [pytest.mark.slow, pytest.mark.backends("sqlite", "postgresql")]

CASE_ID = "privacy-scan-case-a1"  # fixed: a random UUID may end in twelve digits
HEAD = ("鷹栖　凛々子", "タカス　リリコ", dt.date(1979, 11, 23), "female")
CHILD = ("鷹栖　湊", "タカス　ミナト", dt.date(2016, 5, 9), "male")
OLD_ADDRESS = "宮城県仙台市青葉区一番町４－７－１７"
NEW_ADDRESS = "北海道あおば市本町３－１４－１５"
PHONE = "090-4321-8765"
TODAY = dt.date.today()


def _secrets():
    found = {OLD_ADDRESS, NEW_ADDRESS, PHONE, PHONE.replace("-", "")}
    for name, kana, born, _sex in (HEAD, CHILD):
        for text in (name, kana):
            found |= {text, text.replace("\u3000", ""), text.replace("\u3000", " ")}
        era = {1979: ("昭和", 54, "S", 3), 2016: ("平成", 28, "H", 4)}[born.year]
        wareki = f"{era[0]}{era[1]}年{born.month}月{born.day}日"
        found |= {born.isoformat(), born.strftime("%Y%m%d"), wareki,
                  wareki.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                  f"{era[3]}{era[1]:02d}{born:%m%d}", f"{era[2]}{era[1]}.{born.month}.{born.day}"}
    return found


SECRETS = _secrets()
TWELVE_DIGITS = re.compile(rb"(?<![0-9])[0-9]{12}(?![0-9])")


def _leaks(data: bytes) -> list[str]:
    """The secrets in `data`, and any 12-digit number (after NFKC: full-width digits too)."""
    text = unicodedata.normalize("NFKC", data.decode("utf-8", "ignore")).encode()
    found = [s for s in SECRETS if s.encode() in data or unicodedata.normalize(
        "NFKC", s).encode() in text]
    found += [m.decode() for m in TWELVE_DIGITS.findall(data) + TWELVE_DIGITS.findall(text)]
    return found


def _scan_files(*roots: Path) -> dict[str, list[str]]:
    return {str(path): leaks for root in roots for path in sorted(root.rglob("*"))
            if path.is_file() and (leaks := _leaks(path.read_bytes()))}


@contextmanager
def _database_locked(db_backend, url, pg):
    """Another connection holds the cases table: the counter's save waits, then gives up
    (SQLite's busy timeout, PostgreSQL's statement_timeout) as "unreachable"."""
    if db_backend == "sqlite":
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        holder = psycopg.connect(host=str(pg.socket_dir), port=pg.port, user="postgres",
                                 dbname=url.rsplit("/", 1)[1])
        holder.execute("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def _answer_everything(session):
    while session.prompts():
        prompt = session.prompts()[0]
        if prompt.kind is PromptKind.WHICH_ONE:
            session.answer_which_one(prompt, prompt.members[0])
        elif prompt.kind is PromptKind.WHO:
            session.answer_who(prompt, set())
        else:
            value = False if prompt.spec.type == "bool" else prompt.spec.choices[0][0]
            session.set_answers({key: value for key in prompt.keys()})


def test_a_full_move_in_leaves_no_personal_data_once_purged(request, db_backend, db_url,
                                                            tmp_path, monkeypatch):
    pg = request.getfixturevalue("pg") if db_backend == "postgresql" else None
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'madoguchi.sqlite3'}" if db_backend == "sqlite" else db_url
    setup_file_logging(data_dir, "DEBUG")
    sessions = open_database(url)
    try:
        _move_in(db_backend, url, pg, sessions, data_dir)
        before = b"".join(p.read_bytes() for p in data_dir.glob("madoguchi.sqlite3*")) \
            if db_backend == "sqlite" else _dump_tables(pg, url).encode()
        assert HEAD[0].encode() in before  # the scan would see the data if it stayed

        env = _env(data_dir, TMPDIR=str(private_tmp))
        if db_backend == "postgresql":
            env["MADOGUCHI_DB_URL"] = url
        purged = run_counter_app("purge", "--days", "0", env=env)
        assert (purged.returncode, purged.stderr) == (0, "")
        assert purged.stdout.startswith("purged: 1 cases, 1 saved packets")

        leaks = _scan_files(data_dir, private_tmp)
        if db_backend == "postgresql" and (found := _leaks(_dump_tables(pg, url).encode())):
            leaks["postgresql tables"] = found
        assert leaks == {}
        assert (data_dir / "logs" / "counter-app.log").stat().st_size > 0
        assert CaseRepository(sessions).load(CASE_ID) is None
    finally:
        sessions.kw["bind"].dispose()
        for handler in [h for h in logging.getLogger().handlers
                        if getattr(h, "_madoguchi", False)]:
            logging.getLogger().removeHandler(handler)
            handler.close()


def _move_in(db_backend, url, pg, sessions, data_dir):
    catalogue, templates = default_catalogue(), load_templates()
    journal = Journal(data_dir / "journal" / "pending.jsonl")
    saver = JournaledWriter(CaseWriter(CaseRepository(sessions), "C1"), journal)
    outcomes = []

    def save(case):
        outcomes.append(saver.save(case).status)

    case = Case(Move(MoveKind.MOVE_IN, TODAY), id=CASE_ID)
    session = ReceptionSession(case, catalogue, save, TODAY, form_facts(templates),
                               PrintGate(templates))
    name, _kana, born, sex = HEAD
    session.add_member(Member(name, born, sex, "", MemberSource.CARD, OLD_ADDRESS))
    session.set_move(MoveKind.MOVE_IN, TODAY - dt.timedelta(days=2), OLD_ADDRESS, NEW_ADDRESS,
                     new_postal_code="0999901")
    with _database_locked(db_backend, url, pg):
        name, _kana, born, sex = CHILD
        session.add_member(Member(name, born, sex, "", MemberSource.MANUAL))  # waits, gives up
        session.update_member(0, kana=HEAD[1])  # straight to the journal
    assert outcomes[-2:] == [Saved.KEPT, Saved.KEPT] and saver.offline
    assert HEAD[0].encode() in journal.path.read_bytes()
    assert saver.retry().saved == [CASE_ID] and not journal.path.exists()
    session.update_member(1, kana=CHILD[1])
    session.set_filer(PersonRef(member=0, phone=PHONE))
    session.go_to(Step.INTERVIEW)
    _answer_everything(session)
    session.go_to(Step.CHECKLIST)

    packet = build_packet(session.case, session.determination, catalogue, templates, False,
                          TODAY)
    rendered = render_packet(packet)  # as the printing page saves it without a printer
    saved = data_dir / "pdf" / f"packet-{CASE_ID}.pdf"
    saved.parent.mkdir(mode=0o700)
    saved.write_bytes(rendered.pdf)
    session.record_output(form_fingerprints(packet), "saved", saved.name)
    session.set_statuses(session.unaddressed(), ChecklistStatus.DONE)
    session.close()
    assert outcomes[-1] is Saved.SAVED and not journal.path.exists()
    assert CaseRepository(sessions).load(CASE_ID).status.value == "closed"


def _dump_tables(pg, url):
    """Every row of every table of the app's database, as PostgreSQL writes it as text."""
    with pg.admin(url.rsplit("/", 1)[1]) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return "\n".join(str(row[0]) for table in tables
                         for row in conn.execute(f'SELECT t::text FROM "{table}" t'))
