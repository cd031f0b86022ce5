"""One answer to "has the data changed?": ``data_version()``.

Whatever is computed from the data and kept (the name matcher's index, the API's response cache, the
public pages' cache, a page's statistics) is keyed by it, and the API's Last-Modified is read from it.
tracker imports no app: each app registers, in its ``AppConfig.ready()``, the tables its pages and API
show (``register``), and the version is made of what they registered:

1. **One query of index look-ups** over the registered tables: the newest ``updated_at`` of each (every
   save through the ORM and every import sets it; the newest of them is the Last-Modified), the highest
   id where asked (rows without an ``updated_at``, such as aliases, and rows an import inserts), and the
   highest history id where django-simple-history keeps one (every save or delete through the ORM writes
   a history row, the admin's included: it saves the designee when one of its inline aliases, birth
   dates or countries changes or is deleted). Row counts would read whole tables; each part here is one
   index look-up.
2. **A generation counter** in the cache that every ORM save, delete or many-to-many change of a model
   of a registered app bumps once its transaction commits, as do services that write with ``update()``
   (``bump_generation``): a change the columns above cannot see (a review state, a deleted row) still
   changes the version. With a shared cache (Redis) every process sees the bump at once.

The query's answer is remembered ``API_FINGERPRINT_SECONDS`` by the process (0: read on every call), and
read again as soon as the generation moves: only writes no signal sees (SQL by hand, a bulk update without
``bump_generation``, or any write of another process when the cache is per process) are seen that much later,
Last-Modified included. Inside a transaction the memo is neither read nor written: the transaction may see
rows of its own that other requests must not be keyed by.

Not seen until the next import or save of its designee: an alias, birth date or country changed or
deleted in the shell without saving the designee, with the generation bump lost (no shared cache).
"""

from __future__ import annotations

import datetime
import functools
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

GENERATION_KEY = "tracker.api.generation"


@dataclass(frozen=True, slots=True)
class DataVersion:
    """The state of the data as one comparable value; equal versions mean the same data.

    ``last_modified`` is the newest ``updated_at`` of the registered tables, in whole seconds (HTTP dates
    have no fraction: one would make every If-Modified-Since look older than the data).
    """

    database: str
    generation: int
    values: tuple[str, ...]
    last_modified: int | None


@dataclass(frozen=True, slots=True)
class _Part:
    table: str
    column: str
    is_time: bool


_parts: dict[tuple[str, str], _Part] = {}  # (table, column) -> part, in registration order
_apps: set[str] = set()
_lock = threading.Lock()


def register(model: type[models.Model], *, ids: bool = False, history: bool = False) -> None:
    """Make ``model``'s table part of the data version (registering twice changes nothing).

    Its newest ``updated_at`` counts when it has one; ``ids=True`` (or no ``updated_at``) adds its highest
    primary key, ``history=True`` the highest id of its django-simple-history table. Every ORM write to a
    model of ``model``'s app then bumps the generation.
    """
    opts = model._meta
    names = {field.name for field in opts.concrete_fields}
    wanted = []
    if "updated_at" in names:
        wanted.append(_Part(opts.db_table, opts.get_field("updated_at").column, is_time=True))
    if ids or "updated_at" not in names:
        wanted.append(_Part(opts.db_table, opts.pk.column, is_time=False))
    if history:
        # Reading ``Model.history`` builds a manager class (about 1 ms): once here, never per request.
        history_model = model.history.model
        wanted.append(_Part(history_model._meta.db_table, history_model._meta.pk.column, is_time=False))
    with _lock:
        for part in wanted:
            _parts.setdefault((part.table, part.column), part)
        _apps.add(opts.app_label)
    post_save.connect(_on_change, dispatch_uid="tracker.dataversion.save")
    post_delete.connect(_on_change, dispatch_uid="tracker.dataversion.delete")
    m2m_changed.connect(_on_change, dispatch_uid="tracker.dataversion.m2m")


def registered_tables() -> list[str]:
    """The tables that make up the version, in registration order."""
    return list(dict.fromkeys(part.table for part in _parts.values()))


# --------------------------------------------------------------------------------------------------
# The generation counter
# --------------------------------------------------------------------------------------------------
def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, None)


def bump_generation() -> None:
    """Change the version at once for every process sharing the cache, once the current transaction (if
    any) commits. For writes no signal sees (``update()``, raw SQL) whose columns the query misses."""

    def bump() -> None:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet (or evicted)
            cache.set(GENERATION_KEY, 1, None)

    transaction.on_commit(bump)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.app_label in _apps:
        bump_generation()


# --------------------------------------------------------------------------------------------------
# The query
# --------------------------------------------------------------------------------------------------
class _Memo:
    # (database alias, monotonic time, generation, values, last_modified), shared by the process's threads.
    value: tuple | None = None


_memo = _Memo()


def data_version() -> DataVersion:
    """The version of the data now: one query, or none when this process read it less than
    ``API_FINGERPRINT_SECONDS`` ago and the generation has not moved since."""
    alias, current = connection.alias, generation()
    seconds = settings.API_FINGERPRINT_SECONDS
    use_memo = seconds > 0 and not connection.in_atomic_block
    now = time.monotonic()
    memo = _memo.value
    if use_memo and memo is not None and memo[0] == alias and memo[2] == current and now - memo[1] < seconds:
        return DataVersion(alias, current, memo[3], memo[4])
    values, last_modified = _read()
    if use_memo:
        _memo.value = (alias, now, current, values, last_modified)
    return DataVersion(alias, current, values, last_modified)


def for_request(request: HttpRequest) -> DataVersion:
    """``data_version()`` read once per request: a response cache's key and Last-Modified share it."""
    request = getattr(request, "_request", request)  # a DRF request wraps Django's
    version = getattr(request, "_data_version", None)
    if version is None:
        version = request._data_version = data_version()
    return version


def _read() -> tuple[tuple[str, ...], int | None]:
    sql, time_columns = _query(connection.vendor, tuple(_parts.values()))
    if not sql:
        return (), None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    times = [_aware(row[index]) for index in time_columns if row[index] is not None]
    last_modified = int(max(times).timestamp()) if times else None
    return tuple(str(value) for value in row), last_modified


@functools.cache
def _query(vendor: str, parts: tuple[_Part, ...]) -> tuple[str, tuple[int, ...]]:
    """The version's SQL and which of its columns are times (built once for each set of parts)."""
    quote = connection.ops.quote_name
    selects = [f"(SELECT MAX({quote(part.column)}) FROM {quote(part.table)})" for part in parts]
    time_columns = tuple(index for index, part in enumerate(parts) if part.is_time)
    return ("SELECT " + ", ".join(selects) if selects else ""), time_columns  # names from the model registry


def _aware(value: datetime.datetime | str) -> datetime.datetime:
    """SQLite hands back text in UTC; PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=datetime.UTC)
    return value
