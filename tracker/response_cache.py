"""A cache of rendered API responses and public pages, keyed by the request and by the data's version.

``CachedReadMixin`` keeps the rendered JSON of ``list`` and ``retrieve`` in Django's cache (Redis when
``REDIS_CACHE_URL`` is set, shared by every web process) for ``API_RESPONSE_CACHE_SECONDS``, off by
default: the API reads through selectors (plain ``values()`` rows, URLs from one prefix per request) cost
a few milliseconds, which a cache lookup does not beat by enough to pay for its memory, and researchers
rarely ask for the same URL twice. Switch it on for a deployment that serves the same answers over and
over (a dashboard polling the statistics, say).

* **Authentication, permissions, throttles and the strict parameter checks still run** on every
  request (``initial`` runs before the lookup); only the reading and the rendering are skipped.
* **The key holds the data's version** (``tracker.dataversion.data_version``, read once per request): a
  change to the data makes every older entry unreachable at once; nothing has to be deleted.
* Only JSON answers with status 200 are kept, and never CSV exports (they stream).

``cached_page`` does the same for the public pages (``PAGE_CACHE_SECONDS``). This module imports no app.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from tracker import dataversion

# Services that write with update() bump the generation through this name too.
bump_generation = dataversion.bump_generation


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
                repr(dataversion.for_request(request)),
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

    The pages show the same thing to every reader, so the key is the data's version, the URL and
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
                repr(dataversion.for_request(request)),
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
