"""The seeded 2024 list for tests, imported once per test process and replayed after.

``seeded`` (tests/conftest.py) gives a module what ``manage.py seed`` imports: the reference data, the real
2024-07-02 SDN list and the 2021-2024 history, some 10 to 20 s of parsing and upserting, paid by about a
dozen modules in each process. The first module runs the real imports and keeps what they wrote: every row
of the project's apps (history and many-to-many tables included) they added or changed, table by table,
and the raw files the runs kept. Later modules, starting from the same state (the previous module's
transaction rolled back), get those rows written back set-wise (COPY on PostgreSQL, one ``executemany`` per
table on SQLite): the same rows with the same primary keys, the sequences moved past them, the kept files
written again where missing. A module starting from another state runs the imports.

The replayed rows carry the timestamps of the first import, so the data's version (``tracker.dataversion``)
reads as it did then; what the process remembers by that version (the matcher's index, the coverage
dates, the API's counts) is forgotten after a replay, so no reader keeps what an earlier module built.
``tests/importers/test_seed_replay.py`` checks that a replay equals the imports' result.
"""

from __future__ import annotations

import datetime
import decimal
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command, color
from django.db import connection, models, transaction
from django.utils import timezone

from tests.datafiles import data_path

# The project's apps: every table the imports write belongs to one of them.
APPS = ("programs", "designations", "importers", "announcements", "allies")


def sources() -> list[tuple[str, list[Path], datetime.date | None]]:
    """What ``manage.py seed`` imports of the 2024 list, in order: (source, files, as_of)."""
    sdn = [data_path("ofac", "sdn_2024-07-02"), data_path("ofac", "sdn_2025-12-24_partial")]
    history = [data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")]
    return [("ofac-sdn", sdn, datetime.date(2024, 7, 2)), ("ofac-history", history, None)]


def run_imports() -> None:
    """The reference data, then the 2024 list with the aliases and addresses of December 2025, then the
    history: the real commands and services, each run checked to have succeeded."""
    from importers.models import ImportRun
    from importers.services import import_run_create, import_run_execute

    global imports_run
    call_command("load_reference_data", verbosity=0)
    for source, paths, as_of in sources():
        run = import_run_execute(run_id=import_run_create(source=source, path=[str(p) for p in paths], as_of=as_of).pk)
        assert run.status == ImportRun.Status.SUCCEEDED, run.error
    imports_run += 1


# --------------------------------------------------------------------------------------------------
# The state of the database
# --------------------------------------------------------------------------------------------------
def _writable(model: type[models.Model]) -> bool:
    return model._meta.managed and not model._meta.proxy


def project_models() -> list[type[models.Model]]:
    """The models of the project's apps, with their history and auto-created many-to-many models."""
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if _writable(model)
    ]


def other_models() -> list[type[models.Model]]:
    """Every other table (auth, sessions, contenttypes, Celery's results...): the imports write none."""
    ours = set(project_models())
    return [model for model in apps.get_models(include_auto_created=True) if _writable(model) and model not in ours]


def rows(model: type[models.Model]) -> dict[object, dict]:
    """Every row of ``model``'s table, by primary key, as its concrete fields' values (through the ORM)."""
    names = [f.attname for f in model._meta.concrete_fields]
    return {row[model._meta.pk.attname]: row for row in model._base_manager.values(*names)}


def snapshot() -> dict[type[models.Model], dict[object, dict]]:
    """Every row of the project's tables, by model and primary key."""
    return {model: rows(model) for model in project_models()}


def stored(model: type[models.Model]) -> dict[object, tuple]:
    """Every row of ``model``'s table, by primary key, as the database hands back its concrete columns: what
    an INSERT of the same values writes again, with no conversion either way."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    at = fields.index(model._meta.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(model._meta.db_table)}")
        return {row[at]: row for row in cursor.fetchall()}


def stored_snapshot() -> dict[type[models.Model], dict[object, tuple]]:
    """Every row of the project's tables as stored, by model and primary key."""
    return {model: stored(model) for model in project_models()}


def other_counts() -> dict[type[models.Model], int]:
    """How many rows each table outside the project's apps holds."""
    return {model: model._base_manager.count() for model in other_models()}


@dataclass(frozen=True)
class State:
    """What the imports start from: the project's rows, the other tables' counts, the day and the files."""

    rows: dict
    others: dict
    day: datetime.date
    sources: tuple

    @classmethod
    def now(cls) -> State:
        named = tuple((source, tuple(map(str, paths)), as_of) for source, paths, as_of in sources())
        return cls(stored_snapshot(), other_counts(), timezone.now().date(), named)


# --------------------------------------------------------------------------------------------------
# Recording and replaying
# --------------------------------------------------------------------------------------------------
@dataclass
class Recording:
    """What one run of the imports wrote, from which state: the rows added and the rows changed, by model, as
    stored (concrete columns in order); and the raw files the runs kept (path -> bytes)."""

    before: State
    added: dict = field(default_factory=dict)  # model -> [row]
    changed: dict = field(default_factory=dict)  # model -> [row]
    kept_files: dict = field(default_factory=dict)
    _copy_texts: dict = field(default_factory=dict)

    def copy_text(self, model: type[models.Model]) -> str | None:
        """The rows added to ``model``'s table in COPY's text format (PostgreSQL), built once."""
        if model not in self._copy_texts:
            self._copy_texts[model] = _copy_text(self.added[model])
        return self._copy_texts[model]


_recording: Recording | None = None
# How many times this process ran the real imports (the test of the replay reads it).
imports_run = 0


def load() -> None:
    """The seeded list in the database: replayed when the state is the one it was recorded from, else
    imported (and recorded)."""
    global _recording
    before = State.now()
    if _recording is not None and before == _recording.before:
        replay(_recording)
        return
    run_imports()
    _recording = record(before)


def forget() -> None:
    """Drop the recording: the next ``load()`` runs the imports."""
    global _recording
    _recording = None


def record(before: State) -> Recording | None:
    """What the imports wrote since ``before``; None when a replay could not reproduce it (rows deleted, or
    tables outside the project's apps written)."""
    if other_counts() != before.others:
        return None
    recording = Recording(before=before)
    for model, now in stored_snapshot().items():
        old = before.rows[model]
        if any(pk not in now for pk in old):
            return None
        added = [row for pk, row in now.items() if pk not in old]
        changed = [row for pk, row in now.items() if pk in old and old[pk] != row]
        if added:
            recording.added[model] = added
        if changed:
            recording.changed[model] = changed
    recording.kept_files = _kept_files(recording.added)
    return recording


def _kept_files(added: dict) -> dict[str, bytes]:
    """The raw files the recorded import runs kept under MEDIA_ROOT, by their path relative to it."""
    from importers.models import ImportRun

    if ImportRun not in added:
        return {}
    at = ImportRun._meta.concrete_fields.index(ImportRun._meta.pk)
    runs = ImportRun.objects.filter(pk__in=[row[at] for row in added[ImportRun]])
    paths = {path for run in runs for path in ((run.stats or {}).get("raw_files") or {}).values()}
    media = Path(settings.MEDIA_ROOT)
    return {path: (media / path).read_bytes() for path in sorted(paths) if (media / path).is_file()}


def replay(recording: Recording) -> None:
    """Write the recorded rows back (same primary keys), move the sequences past them, restore the kept
    files and forget what the process remembered of earlier data."""
    quote = connection.ops.quote_name
    # One transaction: foreign keys are checked at its end, whatever the table order.
    with transaction.atomic(), connection.cursor() as cursor:
        for model, added in recording.added.items():
            fields = model._meta.concrete_fields
            table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
            text = recording.copy_text(model) if connection.vendor == "postgresql" else None
            if text is not None:
                cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text))
            else:
                _insert(cursor, f"INSERT INTO {table} ({columns}) VALUES", len(fields), added)
        for model, changed in recording.changed.items():
            fields = model._meta.concrete_fields
            at = fields.index(model._meta.pk)
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(fields[at].column)} = %s",
                [(*row, row[at]) for row in changed],
            )
        # Rows written with their primary keys leave PostgreSQL's sequences behind: move them on.
        for sql in connection.ops.sequence_reset_sql(color.no_style(), list(recording.added)):
            cursor.execute(sql)
    _restore_files(recording.kept_files)
    forget_memos()


def _insert(cursor, statement: str, width: int, values: list[tuple]) -> None:
    """INSERT ``values`` with one statement prepared once (SQLite; PostgreSQL for what COPY cannot take)."""
    cursor.executemany(f"{statement} ({', '.join(['%s'] * width)})", values)


# Types whose text PostgreSQL's COPY reads back as the same value (jsonb comes back from psycopg2 as text).
_COPYABLE = (str, int, float, decimal.Decimal, datetime.date, datetime.time, uuid.UUID)
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(values: list[tuple]) -> str | None:
    """``values`` in COPY's text format; None when a value has a type whose text form is not known to read
    back the same."""
    lines = []
    for row in values:
        cells = []
        for value in row:
            if value is None:
                cells.append("\\N")
            elif isinstance(value, bool):
                cells.append("t" if value else "f")
            elif isinstance(value, _COPYABLE):
                text = value.isoformat() if isinstance(value, datetime.date | datetime.time) else str(value)
                cells.append(text.translate(_ESCAPES))
            else:
                return None
        lines.append("\t".join(cells) + "\n")
    return "".join(lines)


def _restore_files(kept: dict[str, bytes]) -> None:
    """Write the kept raw files where MEDIA_ROOT now points, when missing (as the import runs keep them)."""
    media = Path(settings.MEDIA_ROOT)
    for path, content in kept.items():
        target = media / path
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(content)
            partial.replace(target)


def forget_memos() -> None:
    """Forget what the process keeps by the data's version: the replayed rows read as the same version as
    when an earlier module had them, and whatever a test built on them since must not be served again."""
    from designations import coverage
    from designations.matching import reset_index
    from tracker import selectors

    reset_index()
    coverage._memo.clear()
    selectors._counts.clear()
