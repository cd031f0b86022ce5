"""The API response cache (off by default): hits skip the reading and rendering, and any change to the data is
seen at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designations.models import Designation, ReviewState
from designations.services import record_review
from tests.factories import DesignationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    # An in-process cache whatever the run's backend (these tests look inside it).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "response-cache-tests"}
    }
    settings.API_RESPONSE_CACHE_SECONDS = 60
    settings.API_FINGERPRINT_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries)


def test_second_read_is_served_from_the_cache(client, cached):
    DesignationFactory.create_batch(3)
    first, first_queries = _get(client, "/api/designations/")
    second, second_queries = _get(client, "/api/designations/")
    assert second.content == first.content
    assert second_queries == 1  # the data's version, read once for the key and Last-Modified
    assert first_queries > second_queries


def test_a_saved_change_is_seen_at_once(client, cached):
    designation = DesignationFactory(reason="first reason")
    url = f"/api/designations/{designation.pk}/"
    assert _get(client, url)[0].json()["reason"] == "first reason"
    designation.reason = "second reason"
    designation.save()
    assert _get(client, url)[0].json()["reason"] == "second reason"


def test_a_review_without_updated_at_is_seen_once_committed(
    client, cached, django_capture_on_commit_callbacks, admin_user
):
    designation = DesignationFactory()
    url = f"/api/designations/{designation.pk}/"
    assert _get(client, url)[0].json()["review_state"] == ReviewState.UNREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        record_review(record=designation, state=ReviewState.REVIEWED, user=admin_user)
    assert _get(client, url)[0].json()["review_state"] == ReviewState.REVIEWED


def test_a_bulk_sql_change_is_seen_through_the_fingerprint(client, cached):
    designation = DesignationFactory()
    url = f"/api/designations/{designation.pk}/"
    _get(client, url)
    # A write no signal sees (as the imports' raw inserts): a new row changes the highest id.
    DesignationFactory()
    Designation.objects.filter(pk=designation.pk).update(reason="set in bulk")
    assert _get(client, url)[0].json()["reason"] == "set in bulk"


def test_different_parameters_are_different_entries(client, cached):
    DesignationFactory.create_batch(3)
    one = _get(client, "/api/designations/?limit=1")[0].json()
    two = _get(client, "/api/designations/?limit=2")[0].json()
    assert len(one["results"]) == 1
    assert len(two["results"]) == 2


def test_csv_and_errors_are_not_cached(client, cached):
    DesignationFactory()
    assert client.get("/api/designations/?format=csv").status_code == 200
    assert client.get("/api/designations/?bogus=1").status_code == 400
    assert not [key for key in cache._cache if "tracker.api.response" in key]


def test_off_by_default_in_tests(client):
    DesignationFactory()
    cache.clear()
    _, first = _get(client, "/api/designations/")
    _, second = _get(client, "/api/designations/")
    assert first == second > 1


def test_statistics_are_cached_too(client, cached):
    DesignationFactory.create_batch(3)
    first, first_queries = _get(client, "/api/stats/?group_by=program")
    second, second_queries = _get(client, "/api/stats/?group_by=program")
    assert second.content == first.content
    assert second_queries < first_queries
    DesignationFactory()
    third = _get(client, "/api/stats/?group_by=program")[0].json()["results"]
    assert sum(row["count"] for row in third) == 4
