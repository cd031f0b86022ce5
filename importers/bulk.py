"""Fast multi-row INSERTs for the importers.

``bulk_create`` prepares every value through the ORM's field machinery, which on the 15,000-entry SDN
list (over 100,000 child rows) costs far more than the database work. The import builds plain tuples
of already-clean values (strings, ints, dates, booleans) and inserts them here with the driver's
fastest path: ``execute_values`` on PostgreSQL, ``executemany`` on SQLite. Like ``bulk_create``, this
bypasses ``save()`` and signals; the importers record their own events.

``update_rows`` writes changed rows set-based too: one ``UPDATE ... FROM`` the new values (``bulk_update``
builds CASE expressions that grow quadratically with the rows).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

PAGE = 2000


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: list[tuple], *, returning: bool = False
) -> list[int]:
    """Insert ``rows`` (tuples in ``columns`` order, field names) into ``model``'s table.

    ``created_at``/``updated_at`` are filled with now when the model has them and they are not given.
    JSON fields must be passed as Python objects; they are serialised here. With ``returning`` the new
    rows' primary keys come back in the order of ``rows`` (``INSERT ... RETURNING``, in the order the
    rows were given, as ``bulk_create`` relies on), else an empty list.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    extra: tuple = ()
    names = [f.column for f in fields]
    field_names = {f.name for f in meta.concrete_fields}
    if {"created_at", "updated_at"} <= field_names and "created_at" not in columns:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        names += ["created_at", "updated_at"]
        extra = (now, now)
    rows = _json_ready(fields, rows)
    if extra:
        rows = [row + extra for row in rows]
    table = connection.ops.quote_name(meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(n) for n in names)
    pk_sql = connection.ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {table} ({column_sql}) VALUES %s"
            if not returning:
                execute_values(cursor.cursor, sql, rows, page_size=PAGE)
                return []
            returned = execute_values(cursor.cursor, f"{sql} RETURNING {pk_sql}", rows, page_size=PAGE, fetch=True)
            return [pk for (pk,) in returned]
        placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
        if not returning:
            sql = f"INSERT INTO {table} ({column_sql}) VALUES {placeholders}"
            for start in range(0, len(rows), PAGE):
                cursor.executemany(sql, rows[start : start + PAGE])
            return []
        # Multi-row INSERTs, each within SQLite's limit on query parameters.
        page = max(1, connection.features.max_query_params // len(names))
        pks: list[int] = []
        for start in range(0, len(rows), page):
            chunk = rows[start : start + page]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({column_sql}) VALUES {values} RETURNING {pk_sql}",
                [value for row in chunk for value in row],
            )
            pks += [pk for (pk,) in cursor.fetchall()]
        return pks


def update_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple], *, touch: bool = False) -> int:
    """Set ``columns`` (field names) of existing rows: each row is its values in ``columns`` order, then its pk.

    Set-based: ``UPDATE ... FROM (VALUES ...)`` pages on PostgreSQL, ``UPDATE ... FROM`` a temporary table on
    SQLite (row-by-row UPDATEs of indexed columns slow down with every row already changed in the same
    transaction there: 10 s for the 18,000 listing events the history refines, against 0.2 s). A pk given
    twice takes its last values, as one UPDATE per row would. ``touch`` also sets ``updated_at`` to now (an
    import that changed the row); without it the row's own timestamp stays. JSON fields are serialised here.
    """
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    rows = _json_ready(fields, rows)
    if touch:
        fields.append(meta.get_field("updated_at"))
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        rows = [(*row[:-1], now, row[-1]) for row in rows]
    rows = list({row[-1]: row for row in rows}.values())
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    names = [f"c{i}" for i in range(len(fields))]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            # VALUES rows are typed by their first row: cast each column to its field's type.
            sets = ", ".join(
                f"{quote(f.column)} = new.{name}::{f.db_type(connection)}"
                for f, name in zip(fields, names, strict=True)
            )
            sql = (
                f"UPDATE {table} SET {sets} FROM (VALUES %s) AS new ({', '.join(names)}, row_pk) "
                f"WHERE {table}.{pk} = new.row_pk"
            )
            execute_values(cursor.cursor, sql, rows, page_size=PAGE)
            return len(rows)
        cursor.execute("DROP TABLE IF EXISTS temp.tracker_update_rows")
        cursor.execute(f"CREATE TEMP TABLE tracker_update_rows ({', '.join(names)}, row_pk INTEGER PRIMARY KEY)")
        placeholders = ", ".join(["%s"] * (len(names) + 1))
        for start in range(0, len(rows), PAGE):
            cursor.executemany(
                f"INSERT INTO temp.tracker_update_rows VALUES ({placeholders})", rows[start : start + PAGE]
            )
        sets = ", ".join(f"{quote(f.column)} = new.{name}" for f, name in zip(fields, names, strict=True))
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM temp.tracker_update_rows AS new WHERE {table}.{pk} = new.row_pk"
        )
        cursor.execute("DROP TABLE temp.tracker_update_rows")
    return len(rows)


def _json_ready(fields: Sequence[models.Field], rows: list[tuple]) -> list[tuple]:
    """``rows`` with the values of JSON fields serialised (the driver gets strings, as the ORM would pass)."""
    positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if not positions:
        return rows
    return [tuple(json.dumps(v) if i in positions else v for i, v in enumerate(row)) for row in rows]
