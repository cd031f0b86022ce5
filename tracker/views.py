"""Site-wide views that belong to no domain app: the health and readiness checks and the API index."""

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@never_cache
def healthz(request):
    """200 while the process answers: a liveness probe, touching nothing else.

    A database or broker outage must not get healthy web processes restarted; ``/readyz`` reports those
    (and takes the process out of the load balancer until they are back).
    """
    return JsonResponse({"status": "ok"})


logger = logging.getLogger(__name__)

# Seconds each dependency has to answer /readyz: a load balancer polls it every few seconds and must get
# an answer well before its own timeout, even when a host drops packets instead of refusing.
READY_TIMEOUT = 2.0


def _check_database() -> None:
    """One query on a connection of this thread (the check runs in a worker thread, see ``readyz``)."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connections["default"].close()


def _check_broker() -> None:
    """Open a connection to the Celery broker and its channel (for Redis: connect, then PING)."""
    from kombu import Connection

    options = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "socket_connect_timeout": READY_TIMEOUT,
        "socket_timeout": READY_TIMEOUT,
    }
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=READY_TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=READY_TIMEOUT)
        conn.default_channel  # noqa: B018 (opening the channel is the check)


def _readiness_checks() -> dict:
    checks = {"database": _check_database}
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # eager mode runs tasks in-process: there is no broker
        checks["broker"] = _check_broker
    return checks


@never_cache
def readyz(request):
    """200 when the database and the Celery broker (if one is configured) answer within READY_TIMEOUT.

    Otherwise 503, naming what failed. The checks run in threads so a dependency that hangs costs
    READY_TIMEOUT, not the worker's request timeout; what failed is logged in full, but the response only
    names the exception class, to tell nothing of the infrastructure to the public.
    """
    checks = _readiness_checks()
    results: dict[str, dict] = {}
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readyz")
    started = time.monotonic()
    futures = {name: pool.submit(check) for name, check in checks.items()}
    for name, future in futures.items():
        remaining = max(0.0, READY_TIMEOUT - (time.monotonic() - started))
        try:
            future.result(timeout=remaining)
        except FutureTimeout:
            results[name] = {"status": "error", "error": f"no answer within {READY_TIMEOUT:g}s"}
        except Exception as exc:  # any failure of a dependency means not ready
            logger.warning("Readiness check %s failed: %r", name, exc)
            results[name] = {"status": "error", "error": exc.__class__.__name__}
        else:
            results[name] = {"status": "ok"}
    pool.shutdown(wait=False, cancel_futures=True)  # a hung check must not hold the response
    if "broker" not in checks:
        results["broker"] = {"status": "skipped", "reason": "tasks run eagerly, in-process"}
    failed = [name for name, result in results.items() if result["status"] == "error"]
    body = {"status": "error" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


API_ENDPOINTS = {
    "authorities": "programs-api:authority-list",
    "programs": "programs-api:program-list",
    "countries": "designations-api:country-list",
    "designees": "designations-api:designee-list",
    "designations": "designations-api:designation-list",
    "source-documents": "designations-api:sourcedocument-list",
    "import-runs": "importers-api:importrun-list",
    "changes": "designations-api:changes",
    "changes-feed": "designations-api:changes-feed",
    "stats": "designations-api:stats",
    "match": "match-api:match",
    "export-ftm": "designations-api:export-ftm",
    "announcements": "announcements-api:announcement-list",
    "mentions": "announcements-api:mention-list",
    "reconciliation": "announcements-api:reconciliation",
    "coordination": "allies-api:coordination",
    "coordination-summary": "allies-api:coordination-summary",
    "coordination-regimes": "allies-api:coordination-regimes",
}


# What the index says about the data beside its links, e.g. ``data_as_of`` (the date of the newest list state
# imported): the apps that know register a name and a function of no argument (tracker imports no app).
_ROOT_FACTS: dict[str, Callable[[], Any]] = {}


def register_root_fact(name: str, compute: Callable[[], Any]) -> None:
    """Show ``compute()`` under ``name`` in the API's index."""
    if name in API_ENDPOINTS or name in ("schema", "docs"):
        raise ValueError(f"{name!r} is a link of the API's index")
    _ROOT_FACTS[name] = compute


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):
    """The API's index: one link per collection, the schema and its docs, and what the apps registered about
    the data (``data_as_of``: the date of the newest OFAC SDN list imported; every "in force" without
    ``as_of`` means in force on that date)."""
    links: dict[str, Any] = {name: compute() for name, compute in _ROOT_FACTS.items()}
    for name, route in API_ENDPOINTS.items():
        try:
            links[name] = request.build_absolute_uri(reverse(route))
        except NoReverseMatch:
            continue
    links["schema"] = request.build_absolute_uri(reverse("schema"))
    links["docs"] = request.build_absolute_uri(reverse("api-docs"))
    return Response(links)
