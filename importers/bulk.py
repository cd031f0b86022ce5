"""Fast multi-row INSERTs for the importers.

``bulk_create`` prepares every value through the ORM's field machinery, which on the 15,000-entry SDN
list (over 100,000 child rows) costs far more than the database work. The import builds plain tuples
of already-clean values (strings, ints, dates, booleans) and inserts them here with the driver's
fastest path: ``execute_values`` on PostgreSQL, ``executemany`` on SQLite. Like ``bulk_create``, this
bypasses ``save()`` and signals; the importers record their own events.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

PAGE = 2000


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> int:
    """Insert ``rows`` (tuples in ``columns`` order, field names) into ``model``'s table.

    ``created_at``/``updated_at`` are filled with now when the model has them and they are not given.
    JSON fields must be passed as Python objects; they are serialised here.
    """
    if not rows:
        return 0
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    extra: tuple = ()
    names = [f.column for f in fields]
    field_names = {f.name for f in meta.concrete_fields}
    if {"created_at", "updated_at"} <= field_names and "created_at" not in columns:
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        names += ["created_at", "updated_at"]
        extra = (now, now)
    json_positions = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if json_positions:
        rows = [tuple(json.dumps(v) if i in json_positions else v for i, v in enumerate(row)) for row in rows]
    if extra:
        rows = [row + extra for row in rows]
    table = connection.ops.quote_name(meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(n) for n in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            execute_values(cursor.cursor, f"INSERT INTO {table} ({column_sql}) VALUES %s", rows, page_size=PAGE)
        else:
            placeholders = ", ".join(["%s"] * len(names))
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({placeholders})"
            for start in range(0, len(rows), PAGE):
                cursor.executemany(sql, rows[start : start + PAGE])
    return len(rows)
