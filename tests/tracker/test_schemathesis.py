"""Property-based tests of every API operation against its own OpenAPI schema (Schemathesis).

Schemathesis reads ``/api/schema/`` from the WSGI application in-process (no server, no network), then
for each operation sends up to ``MAX_EXAMPLES`` generated requests, from a fixed seed, over a database
holding the real 2024 selection. Each answer must not be a server error and must match the schema for
its status code (the error answers are documented by ``tracker.schema.AutoSchema``).
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.datafiles import requires_data
from tests.tracker.conftest import import_sdn_selection
from tracker.wsgi import application

pytestmark = requires_data

MAX_EXAMPLES = 20

# Related objects that may be missing: they must be documented as nullable.
NULLABLE_RELATIONS = (("Identifier", "country"), ("Program", "replaced_by"))


def served_schema() -> dict:
    return json.loads(Client().get("/api/schema/", {"format": "json"}).content)


schema = schemathesis.openapi.from_dict(served_schema())
schema.app = application


@pytest.fixture
def sdn_selection(db, monkeypatch, settings, request):  # the shared one, requests sent to the WSGI app
    """The 39 real entries of ``tests/data``'s selection of the 2 July 2024 SDN list, unthrottled."""
    # Requests go straight to the WSGI application, whose request signals would close the test's database
    # connection (it is inside the test's transaction); Django's own test client unhooks them the same way.
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    request.addfinalizer(lambda: signals.request_started.connect(close_old_connections))
    request.addfinalizer(lambda: signals.request_finished.connect(close_old_connections))
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()
    import_sdn_selection(monkeypatch)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    # Generation only: Schemathesis's coverage phase (run with Hypothesis's explicit phase) sends every
    # boundary value of every parameter, hundreds of requests per list; test_api_errors covers those.
    # No shrinking either: a failure is reported as found, which bounds the run's time.
    phases=[Phase.generate],
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_operation_answers_within_its_schema_and_never_with_a_server_error(case, sdn_selection):
    # Uncompressed: the WSGI transport hands the body over as sent, and GZipMiddleware compresses for any
    # client that accepts gzip (which an HTTP client then decodes).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, checks=[not_a_server_error, response_schema_conformance]
    )


@pytest.mark.parametrize(("component", "field"), NULLABLE_RELATIONS)
def test_nullable_related_fields_are_documented_as_nullable(component, field):
    assert served_schema()["components"]["schemas"][component]["properties"][field].get("nullable") is True
