"""Alembic migrations: every old schema upgrades to one that matches the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from counter_app.store.database import (
    create_db_engine,
    current_revision,
    migrations_config,
    upgrade,
)
from counter_app.store.models import Base


def _revisions():
    engine = create_db_engine("sqlite://")
    script = ScriptDirectory.from_config(migrations_config(engine))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def _schema_diff(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_head_schema_matches_models(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    upgrade(engine)
    assert _schema_diff(engine) == []
    assert current_revision(engine) == _revisions()[-1]


@pytest.mark.parametrize("old", _revisions())
def test_every_old_schema_upgrades_to_head(tmp_path, old):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, old)
    assert current_revision(engine) == old
    upgrade(engine)
    assert current_revision(engine) == _revisions()[-1]
    assert _schema_diff(engine) == []


def test_downgrade_to_base_and_back(tmp_path):
    from alembic import command

    engine = create_db_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    upgrade(engine)
    command.downgrade(migrations_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(engine)
    assert {"cases", "case_members", "case_answers"} <= set(inspect(engine).get_table_names())


def test_cases_saved_under_0001_survive_the_upgrade(tmp_path):
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from counter_app.store import CaseRepository

    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "insert into cases values ('c1', 'open', 'move_in', '2026-04-01', '旧住所', '新住所',"
            " '2026-04-01 09:00:00', '2026-04-01 09:00:00')"))
        conn.execute(text(
            "insert into case_members (case_id, position, name, birth_date, sex, relationship,"
            " source) values ('c1', 0, '𠮷田　太郎', '1984-05-20', 'male', '世帯主', 'card')"))
    upgrade(engine)
    case = CaseRepository(sessionmaker(engine)).load("c1")
    assert case.members[0].name == "𠮷田　太郎"
    assert case.members[0].address == ""
    assert case.move.previous_address == "旧住所"
