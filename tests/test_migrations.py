"""Alembic migrations, on SQLite and PostgreSQL: every old schema upgrades to one that matches
the models, an upgrade is all or nothing, and a schema newer than the app is refused."""

import functools

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from migration_data import dump, seed_rows
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from counter_app.store import open_database
from counter_app.store.database import (
    NewerSchemaError,
    create_db_engine,
    current_revision,
    migrations_config,
    upgrade,
)
from counter_app.store.models import Base

pytestmark = pytest.mark.backends("sqlite", "postgresql")


@functools.cache
def _revisions():
    engine = create_db_engine("sqlite://")
    script = ScriptDirectory.from_config(migrations_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _schema_diff(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


@pytest.fixture
def engine(db_url):
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


def test_head_schema_matches_models(engine):
    upgrade(engine)
    assert _schema_diff(engine) == []
    assert current_revision(engine) == _revisions()[-1]


@pytest.mark.parametrize("old", _revisions())
def test_every_old_schema_upgrades_to_head(engine, old):
    upgrade(engine, old)
    assert current_revision(engine) == old
    upgrade(engine)
    assert current_revision(engine) == _revisions()[-1]
    assert _schema_diff(engine) == []


def test_downgrade_to_base_and_back(engine):
    from alembic import command

    upgrade(engine)
    command.downgrade(migrations_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert "cases" in set(inspect(engine).get_table_names())


def test_cases_saved_under_0001_survive_the_upgrade(engine):
    from sqlalchemy.orm import sessionmaker

    from counter_app.store import CaseRepository

    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "insert into cases (id, status, move_kind, move_date, previous_address, new_address,"
            " created_at, updated_at) values ('c1', 'open', 'move_in', '2026-04-01', '旧住所',"
            " '新住所', '2026-04-01 09:00:00', '2026-04-01 09:00:00')"))
        conn.execute(text(
            "insert into case_members (case_id, position, name, birth_date, sex, relationship,"
            " source) values ('c1', 0, '𠮷田　太郎', '1984-05-20', 'male', '世帯主', 'card')"))
    upgrade(engine)
    case = CaseRepository(sessionmaker(engine)).load("c1")
    assert case.members[0].name == "𠮷田　太郎"
    assert case.members[0].address == ""
    assert case.move.previous_address == "旧住所"


def test_a_case_under_0005_becomes_one_document_and_back(engine):
    """0006 folds members, answers, checklist and prints into the case document; downgrading
    unfolds them again."""
    from alembic import command
    from sqlalchemy.orm import sessionmaker

    from counter_app.domain import ChecklistStatus
    from counter_app.store import CaseRepository

    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text(
            "insert into cases (id, status, move_kind, move_date, previous_address, new_address,"
            " created_at, updated_at, step, filed_on) values ('c5', 'open', 'move_out',"
            " '2026-05-01', '北海道あおば市本町１', '大阪府大阪市北区', '2026-04-20 09:00:00',"
            " '2026-04-20 09:05:00', 'checklist', '2026-04-20')"))
        for position, (name, rel) in enumerate([("妻　舞", "妻"), ("夫　健", "世帯主")]):
            conn.execute(text(
                "insert into case_members (case_id, position, name, birth_date, sex,"
                " relationship, source, address) values ('c5', :p, :n, '1980-01-01', 'female',"
                " :r, 'card', '北海道あおば市本町１')"), {"p": position, "n": name, "r": rel})
        conn.execute(text("insert into case_answers values ('c5', 'member.1.seal_registered',"
                          " 'true')"))
        conn.execute(text("insert into case_checklist values ('c5', 'resident_move_out', 'done',"
                          " '', '[]')"))
        conn.execute(text("insert into case_prints values ('c5', 'resident_move', 'saved',"
                          " 'packet.pdf', '2026-04-20 09:04:00')"))
    upgrade(engine)
    repository = CaseRepository(sessionmaker(engine))
    case = repository.load("c5")
    assert [m.name for m in case.members] == ["妻　舞", "夫　健"]
    assert case.move.city_address == "北海道あおば市本町１"  # 転出: the address in the city
    assert case.answers == {"member.1.seal_registered": True}
    assert case.checklist["resident_move_out"].status is ChecklistStatus.DONE
    assert [(p.form, p.how) for p in case.prints] == [("resident_move", "saved")]
    summary = repository.open_cases()[0]
    assert (summary.member_count, summary.initials) == (2, "夫・健")  # the 世帯主, not member 0
    with engine.connect() as conn:  # no personal data left in the summary columns
        columns = {c["name"] for c in inspect(conn).get_columns("cases")}
    assert not {"previous_address", "new_address"} & columns

    command.downgrade(migrations_config(engine), "0005")
    with engine.connect() as conn:
        rows = conn.execute(text("select name from case_members order by position")).all()
        assert [r.name for r in rows] == ["妻　舞", "夫　健"]
        assert conn.execute(text("select previous_address from cases")).scalar() == \
            "北海道あおば市本町１"


class Failure(Exception):
    pass


WRITES = ("CREATE", "ALTER", "DROP", "INSERT", "UPDATE", "DELETE")


@pytest.mark.parametrize("fail_at", [2, 5, 8])
def test_an_upgrade_that_fails_midway_changes_nothing(engine, fail_at):
    # From the first revision, with rows in it, to head: a failure before the N-th writing
    # statement must leave the old schema and the old rows exactly as they were.
    revisions = _revisions()
    upgrade(engine, revisions[0])
    seed_rows(engine)
    before = dump(engine)
    writes = 0

    def fail(_conn, _cursor, statement, *_args):
        nonlocal writes
        if statement.lstrip().upper().startswith(WRITES):
            writes += 1
            if writes == fail_at:
                raise Failure(f"injected failure before writing statement {fail_at}")

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        with pytest.raises(Failure):
            open_database(engine.url)
    finally:
        event.remove(Engine, "before_cursor_execute", fail)
    assert writes == fail_at
    assert current_revision(engine) == revisions[0]
    assert dump(engine) == before
    sessions = open_database(engine.url)  # and the next start completes the upgrade
    sessions.kw["bind"].dispose()
    assert current_revision(engine) == revisions[-1]
    assert _schema_diff(engine) == []


def test_a_schema_newer_than_the_app_is_refused_by_name(engine):
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("update alembic_version set version_num = '0999'"))
    with pytest.raises(NewerSchemaError) as info:
        open_database(engine.url)
    message = str(info.value)
    assert "0999" in message and _revisions()[-1] in message
    assert "newer version of counter-app" in message
    assert current_revision(engine) == "0999", "nothing downgraded or touched"
