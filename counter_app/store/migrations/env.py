"""Alembic environment: the engine comes from the application, never from an ini file.

The whole upgrade, every pending revision and the `alembic_version` update, is one transaction:
a kill or a power cut midway leaves the database exactly as it was before the upgrade began.
The engine is a migration engine (`create_db_engine(..., migrations=True)`): on SQLite it runs
without foreign keys (batch migrations recreate tables, and dropping `cases` with foreign keys
on would cascade into every member row) and begins with BEGIN IMMEDIATE, so DDL is inside the
transaction and a second app starting at the same moment waits instead of migrating twice.
"""

from alembic import context

from counter_app.store.database import POSTGRES_MIGRATION_LOCK, NewerSchemaError
from counter_app.store.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection, connection.begin():
    if connection.dialect.name == "postgresql":
        # Counters sharing one server and started together take turns; the lock ends with
        # the transaction. (SQLite gets the same from BEGIN IMMEDIATE.)
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({POSTGRES_MIGRATION_LOCK})")
    # Begun here, before configure: Alembic sees an external transaction and never commits
    # between revisions.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    known = {script.revision for script in context.script.walk_revisions()}
    for current in context.get_context().get_current_heads():
        if current not in known:
            raise NewerSchemaError(current, context.script.get_current_head() or "none")
    context.run_migrations()
