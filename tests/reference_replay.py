"""The reference data for tests, loaded by ``load_reference_data`` once per test process and replayed after.

The command deserialises four fixture files object by object (natural keys, one save per row): about 0.6 s,
paid by some 160 tests. The first test that asks for it runs the command and keeps what it wrote (every row
it added or changed, table by table); later tests, starting from the same state (each test's transaction
rolled back), get those rows written back with plain INSERTs and UPDATEs: the same rows with the same
primary keys. When a test starts from another state (a fixture wrote reference rows before), the command
runs again. ``tests/programs/test_reference_data.py`` checks that a replay equals the command's result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.management import call_command, color
from django.db import connection, models, transaction

# The apps whose tables the reference data lives in (countries and spellings; agencies, authorities, programs).
APPS = ("designations", "programs")


def _models() -> list[type[models.Model]]:
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if not model._meta.proxy
    ]


def _rows(model: type[models.Model]) -> dict[object, dict]:
    names = [f.attname for f in model._meta.concrete_fields]
    return {row[model._meta.pk.attname]: row for row in model._base_manager.values(*names)}


def snapshot() -> dict[type[models.Model], dict[object, dict]]:
    """Every row of the reference apps' tables, by model and primary key."""
    return {model: _rows(model) for model in _models()}


@dataclass
class Written:
    """What one run of the command wrote, from which state."""

    before: dict = field(default_factory=dict)
    added: dict = field(default_factory=dict)  # model -> [row]
    changed: dict = field(default_factory=dict)  # model -> [row]


_written: Written | None = None


def load() -> None:
    """The reference data in the test database: replayed when the state is the one it was recorded from."""
    global _written
    before = snapshot()
    if _written is not None and before == _written.before:
        replay(_written)
        return
    call_command("load_reference_data", verbosity=0)
    after = snapshot()
    written = Written(before=before)
    for model, rows in after.items():
        old = before[model]
        added = [row for pk, row in rows.items() if pk not in old]
        changed = [row for pk, row in rows.items() if pk in old and old[pk] != row]
        if any(pk not in rows for pk in old):
            return  # the command deleted rows: not something a replay reproduces, so never replay
        if added:
            written.added[model] = added
        if changed:
            written.changed[model] = changed
    _written = written


def replay(written: Written) -> None:
    quote = connection.ops.quote_name
    # One transaction, as the command's: foreign keys are checked at its end, whatever the table order (tests
    # on a live server run without a surrounding transaction).
    with transaction.atomic(), connection.cursor() as cursor:
        for model in _models():
            rows = written.added.get(model)
            if rows:
                # Raw INSERTs of the prepared values: bulk_create would stamp created_at/updated_at anew.
                fields = model._meta.concrete_fields
                columns = ", ".join(quote(f.column) for f in fields)
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})",
                    [tuple(f.get_db_prep_save(row[f.attname], connection) for f in fields) for row in rows],
                )
            pk_name = model._meta.pk.attname
            for row in written.changed.get(model, ()):
                model._base_manager.filter(pk=row[pk_name]).update(**{k: v for k, v in row.items() if k != pk_name})
        # Rows written with their primary keys leave PostgreSQL's sequences behind: move them on.
        for sql in connection.ops.sequence_reset_sql(color.no_style(), list(written.added)):
            cursor.execute(sql)
