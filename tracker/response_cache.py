"""A cache of rendered API responses, keyed by the request and by a fingerprint of the data.

Serialising a page of designations (hyperlinks, nested events, categories, citations) costs far more
than anything else in an API read, and the same pages are asked for over and over between imports.
``CachedReadMixin`` keeps the rendered JSON of ``list`` and ``retrieve`` in Django's cache (Redis when
``REDIS_CACHE_URL`` is set, shared by every web process) for ``API_RESPONSE_CACHE_SECONDS``:

* **Authentication, permissions, throttles and the strict parameter checks still run** on every
  request (``initial`` runs before the lookup); only the queryset and the serialiser are skipped.
* **The key holds the data's fingerprint** (``data_fingerprint``): the row counts and highest ids of
  the main tables, the newest ``updated_at`` of every model the API shows (indexed, so look-ups, not
  scans), and a generation counter in the cache that every ORM save or delete of a tracked model, and
  every bulk review, bumps once its transaction commits. A change therefore makes every older entry
  unreachable at once; nothing has to be deleted.
* Only JSON answers with status 200 are kept, and never CSV exports (they stream).

``API_RESPONSE_CACHE_SECONDS=0`` turns it off (the test settings do, so pinned query counts stay
exact; ``tests/tracker/test_response_cache.py`` turns it on).
"""

from __future__ import annotations

import functools
import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

GENERATION_KEY = "tracker.api.generation"
TRACKED_APPS = ("designations", "programs", "importers", "announcements")


def generation() -> int:
    return cache.get_or_set(GENERATION_KEY, 0, None)


def bump_generation() -> None:
    """Make every cached response unreachable, once the current transaction (if any) commits."""

    def bump():
        _memo.value = None
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # not set yet (or evicted)
            cache.set(GENERATION_KEY, 1, None)

    transaction.on_commit(bump)


def _on_change(sender, **kwargs) -> None:
    if sender._meta.app_label in TRACKED_APPS:
        bump_generation()


def connect_signals() -> None:
    post_save.connect(_on_change, dispatch_uid="tracker.response_cache.save")
    post_delete.connect(_on_change, dispatch_uid="tracker.response_cache.delete")
    m2m_changed.connect(_on_change, dispatch_uid="tracker.response_cache.m2m")


class _Memo:
    value: tuple | None = None  # (database alias, monotonic time, values), shared by the process's threads


_memo = _Memo()


def _database_parts() -> tuple:
    """The database half of the fingerprint, remembered ``API_FINGERPRINT_SECONDS`` by this process.

    A write through the ORM in this process bumps the generation, which the fingerprint also holds
    and which is never remembered; the memo only delays what another process wrote without the ORM
    signals (with a per-process cache: anything another process wrote) by at most that long.
    """
    seconds = settings.API_FINGERPRINT_SECONDS
    now = time.monotonic()
    memo = _memo.value
    if seconds > 0 and memo is not None and memo[0] == connection.alias and now - memo[1] < seconds:
        return memo[2]
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql(connection.vendor, tuple(settings.API_LAST_MODIFIED_MODELS)))
        values = tuple(str(value) for value in cursor.fetchone())
    _memo.value = (connection.alias, now, values)
    return values


def data_fingerprint() -> tuple:
    """One query of index look-ups that changes whenever the data the API shows changes.

    ``designations.matching.data_version``'s parts, the newest ``updated_at`` of every model in
    ``API_LAST_MODIFIED_MODELS``, and the generation counter.
    """
    return (connection.alias, generation(), _database_parts())


@functools.cache
def _fingerprint_sql(vendor: str, labels: tuple[str, ...]) -> str:
    from designations.matching import data_version_parts

    quote = connection.ops.quote_name
    parts = data_version_parts()
    for label in labels:
        model = apps.get_model(label)
        column = quote(model._meta.get_field("updated_at").column)
        parts.append(f"(SELECT MAX({column}) FROM {quote(model._meta.db_table)})")
    return "SELECT " + ", ".join(parts)  # names from the model registry only


class CachedReadMixin:
    """Serve ``list`` and ``retrieve`` from the response cache when the data has not changed."""

    def _response_cache_key(self, request) -> str | None:
        seconds = settings.API_RESPONSE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD"):
            return None
        if request.query_params.get("format") not in (None, "json"):
            return None
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or renderer.format != "json":
            return None
        raw = "|".join(
            (
                repr(data_fingerprint()),
                request.build_absolute_uri(),
                request.accepted_media_type or "",
                type(self).__qualname__,
                getattr(self, "action", "") or "",
            )
        )
        return "tracker.api.response:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def _from_cache(self, request) -> HttpResponse | None:
        key = self._response_cache_key(request)
        request._response_cache_key = key
        if key is None:
            return None
        hit = cache.get(key)
        if hit is None:
            return None
        content, content_type = hit
        return HttpResponse(content, content_type=content_type)

    def list(self, request, *args, **kwargs):
        cached = self._from_cache(request)
        if cached is not None:
            return cached
        # A view whose listing is its own (statistics) names it ``list_uncached``.
        produce = getattr(self, "list_uncached", None) or super().list
        return produce(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        cached = self._from_cache(request)
        return cached if cached is not None else super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, "_response_cache_key", None)
        if key and response.status_code == 200 and not response.streaming and hasattr(response, "render"):
            response.render()
            cache.set(key, (response.content, response["Content-Type"]), settings.API_RESPONSE_CACHE_SECONDS)
        return response


def cached_page(view):
    """Serve a public page from the cache while the data is unchanged (``PAGE_CACHE_SECONDS``).

    The pages show the same thing to every reader, so the key is the data's fingerprint, the URL and
    whether htmx asked for a fragment. Requests with a session (signed-in editors, who may have
    messages waiting) always get a fresh render, as do non-GET requests and non-200 answers.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        raw = "|".join(
            (
                repr(data_fingerprint()),
                request.build_absolute_uri(),
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-Target", ""),
            )
        )
        key = "tracker.page:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
