"""What a case leaves behind: the audit trail, anonymous statistics, purge after the retention
period (the local journal is tests/test_journal.py)."""

import datetime as dt
import os

import pytest
from sqlalchemy import text

from counter_app.domain import (
    Case,
    CaseStatus,
    ChecklistEntry,
    ChecklistStatus,
    Member,
    MemberSource,
    Move,
    MoveKind,
    PrintRecord,
)
from counter_app.store import CaseRepository
from counter_app.store.audit import AuditLog
from counter_app.store.purge import purge
from counter_app.store.statistics import summary

pytestmark = pytest.mark.backends("sqlite", "postgresql")

NAME, ADDRESS, BORN = "試験　花子", "北海道あおば市本町１－２－３", dt.date(1987, 2, 28)
T0 = dt.datetime(2026, 4, 3, 0, 30, tzinfo=dt.UTC)  # 09:30 in Japan


class Clock(dt.datetime):
    now_value = T0

    @classmethod
    def now(cls, tz=None):
        return cls.now_value


def _case():
    return Case(move=Move(MoveKind.MOVE_IN, dt.date(2026, 4, 1), "茨城県つくば市", ADDRESS),
                members=[Member(NAME, BORN, "female", "世帯主", MemberSource.CARD)])


def _close(repo, case, minutes, counter="C1"):
    Clock.now_value = T0
    case.version = repo.save(case, counter)
    case.checklist = {"resident_move_in": ChecklistEntry(ChecklistStatus.DONE),
                      "nhi_enroll": ChecklistEntry(ChecklistStatus.DONE, "", (0,)),
                      "dog_registration": ChecklistEntry(ChecklistStatus.NOT_NEEDED, "いない")}
    case.prints = [PrintRecord(f, "printed", "Q", T0, "x")
                   for f in ("resident_move", "nhi_change", "nhi_change")]
    case.status = CaseStatus.CLOSED
    Clock.now_value = T0 + dt.timedelta(minutes=minutes)
    case.version = repo.save(case, counter)
    return case


def test_opening_and_closing_are_audited_with_ids_only(sessions):
    repo = CaseRepository(sessions, Clock)
    case = _close(repo, _case(), 4)
    entries = AuditLog(sessions).entries(case.id)
    assert [e.action for e in reversed(entries)] == ["case.open", "case.close"]
    assert {e.counter for e in entries} == {"C1"}
    with sessions() as s:
        dump = " ".join(str(v) for row in s.execute(text("select * from audit_log")) for v in row)
    assert NAME not in dump and ADDRESS not in dump and BORN.isoformat() not in dump


def test_personal_data_is_purged_after_the_retention_period_and_statistics_remain(sessions,
                                                                                 tmp_path):
    repo = CaseRepository(sessions, Clock)
    closed = _close(repo, _case(), 4)
    still_open = _case()
    still_open.version = repo.save(still_open, "C1")
    old_pdf, new_pdf = tmp_path / "packet-old.pdf", tmp_path / "packet-new.pdf"
    for path in (old_pdf, new_pdf):
        path.write_bytes(b"%PDF")
    long_ago = (T0 - dt.timedelta(days=5)).timestamp()
    os.utime(old_pdf, (long_ago, long_ago))

    assert purge(sessions, 30, T0 + dt.timedelta(days=10), (tmp_path,)).cases == 0
    assert repo.load(closed.id) is not None  # still within the 30 days
    result = purge(sessions, 30, T0 + dt.timedelta(days=31), (tmp_path,))
    assert (result.cases, result.files) == (1, 1)
    assert repo.load(closed.id) is None and not old_pdf.exists() and new_pdf.exists()
    assert repo.load(still_open.id) is not None  # an open case is never purged
    with sessions() as s:
        row = s.execute(text("select document, initials from cases where id = :id"),
                        {"id": closed.id}).one()
        assert tuple(row) == (None, "")
        dump = " ".join(str(v) for table in ("cases", "case_statistics", "audit_log")
                        for r in s.execute(text(f"select * from {table} where status != 'open'"
                                                if table == "cases" else
                                                f"select * from {table}")) for v in r)
    assert NAME not in dump and ADDRESS not in dump and BORN.isoformat() not in dump
    section = {"resident_move_in": "市民課", "nhi_enroll": "保険年金課"}.get
    result = summary(sessions, dt.date(2026, 4, 3), dt.date(2026, 4, 3), section)
    assert result.cases == 1 and result.median_minutes == 4.0
    assert result.days[0].procedures == {"市民課": 1, "保険年金課": 1}  # 不要 is not counted
    assert result.forms_prefilled == 2  # two forms left the counter filled in
    assert "purge" in [e.action for e in AuditLog(sessions).entries()]


def test_statistics_per_day_with_median_and_p90_and_csv(sessions):
    repo = CaseRepository(sessions, Clock)
    for minutes in (2, 3, 4, 5, 20):
        _close(repo, _case(), minutes)
    discarded = _case()
    discarded.version = repo.save(discarded, "C2")
    discarded.status, discarded.discard_reason = CaseStatus.DISCARDED, "来庁者が帰られた"
    repo.save(discarded, "C2")
    result = summary(sessions, dt.date(2026, 4, 1), dt.date(2026, 4, 30), lambda _p: "市民課")
    assert (result.cases, result.discarded) == (5, 1)
    assert result.median_minutes == 4.0 and result.p90_minutes == pytest.approx(14.0)
    csv = result.to_csv()
    assert "2026-04-03,市民課,10,5" in csv and "記入済みで印刷した申請書,10" in csv
