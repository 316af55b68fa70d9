"""Alembic environment: the engine comes from the application, never from an ini file."""

from alembic import context

from counter_app.store.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    if connection.dialect.name == "sqlite":
        # Batch migrations recreate tables; with foreign keys on, dropping `cases` would
        # cascade into every member row. (Must be set outside a transaction.)
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: batch mode recreates the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # the pooled connection lives on
