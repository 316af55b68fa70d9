"""Rows for any schema revision, and a comparable dump of a whole database.

Both work from the reflected schema, so migration tests cover revisions added later without
being told about them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, MetaData, inspect, select, types

ROWS_PER_TABLE = 2
NAME = "𠮷田　太郎"  # a supplementary-plane character and U+3000: text must survive exactly


def _value(column: object, table: str, i: int) -> object:
    kind = column.type  # type: ignore[attr-defined]
    if isinstance(kind, types.Boolean):
        return i % 2 == 0
    if isinstance(kind, types.Integer):
        return i
    if isinstance(kind, types.DateTime):
        return dt.datetime(2026, 4, 1, 9, 0, i, tzinfo=dt.UTC if kind.timezone else None)
    if isinstance(kind, types.Date):
        return dt.date(2026, 4, i)
    if isinstance(kind, types.JSON):
        return [f"{table}-{i}"]
    if isinstance(kind, types.String):
        text = f"{NAME}{table}{i}" if not kind.length else f"{table}{i}"[-kind.length:]
        return text
    raise TypeError(f"no sample value for {table}.{column.name} ({kind!r})")  # type: ignore[attr-defined]


def seed_rows(engine: Engine) -> None:
    """Insert ROWS_PER_TABLE rows into every table except alembic_version, parents first;
    a foreign key takes its parent row's value."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            for i in range(1, ROWS_PER_TABLE + 1):
                row = {}
                for column in table.columns:
                    parents = [fk.column for fk in column.foreign_keys]
                    row[column.name] = (_value(parents[0], parents[0].table.name, i) if parents
                                        else _value(column, table.name, i))
                conn.execute(table.insert().values(**row))


def dump(engine: Engine) -> dict[str, object]:
    """Every table's schema (columns, indexes, foreign keys) and rows (columns in name order,
    rows sorted), as text: two databases with equal dumps hold the same schema and data."""
    meta = MetaData()
    meta.reflect(engine)
    result: dict[str, object] = {}
    with engine.connect() as conn:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            columns = sorted(table.columns, key=lambda c: c.name)
            rows = conn.execute(select(*columns)).all()
            result[name] = {
                "columns": [(c.name, str(c.type), c.nullable, c.primary_key) for c in columns],
                "indexes": sorted((i.name or "", tuple(c.name for c in i.columns), i.unique)
                                  for i in table.indexes),
                "foreign_keys": sorted((fk.parent.name, fk.target_fullname)
                                       for fk in table.foreign_keys),
                "rows": sorted(tuple(str(v) for v in row) for row in rows),
            }
    return result


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
