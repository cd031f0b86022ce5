"""The public pages' cache: a repeat view is served without rendering, a change is seen at once."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.datafiles import requires_data, selection
from tests.factories import DesigneeFactory

pytestmark = [requires_data, pytest.mark.django_db]


@pytest.fixture
def page_cache(settings):
    # An in-process cache whatever the run's backend (these tests look inside it).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "page-cache-tests"}
    }
    settings.PAGE_CACHE_SECONDS = 60
    settings.API_FINGERPRINT_SECONDS = 0
    cache.clear()
    yield
    cache.clear()


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response, len(queries)


def test_repeat_view_is_served_from_the_cache(client, page_cache):
    designee = DesigneeFactory(name="ALPHA, Person")
    url = designee.get_absolute_url()
    first, first_queries = _get(client, url)
    second, second_queries = _get(client, url)
    assert second.content == first.content
    assert second_queries == 1  # the data's fingerprint
    assert first_queries > 1


def test_a_change_is_seen_at_once(client, page_cache):
    designee = DesigneeFactory(name="ALPHA, Person")
    url = designee.get_absolute_url()
    assert b"ALPHA, Person" in _get(client, url)[0].content
    designee.name = "BETA, Person"
    designee.save()
    content = _get(client, url)[0].content
    assert b"BETA, Person" in content
    assert b"ALPHA, Person" not in content


def test_htmx_fragments_and_full_pages_are_kept_apart(client, page_cache):
    full = _get(client, "/designations/")[0].content
    fragment = _get(client, "/designations/", **{"HX-Request": "true"})[0].content
    assert fragment != full
    assert _get(client, "/designations/")[0].content == full
    assert _get(client, "/designations/", **{"HX-Request": "true"})[0].content == fragment


def test_signed_in_readers_get_a_fresh_render(client, page_cache, admin_user):
    designee = DesigneeFactory()
    url = designee.get_absolute_url()
    client.force_login(admin_user)
    _get(client, url)
    assert _get(client, url)[1] > 1


def test_not_found_is_not_cached(client, page_cache):
    assert client.get("/designees/999999/").status_code == 404
    assert not [key for key in cache._cache if "tracker.page" in key]


def test_warming_renders_the_largest_pages_ahead_of_their_readers(client, page_cache, settings):
    from designations.tasks import warm_pages, warmed_paths
    from tests.factories import CountryFactory, DesignationFactory, DesigneeCountryFactory

    settings.ALLOWED_HOSTS = ["testserver"]
    country = CountryFactory(code="RU", name="Russia")
    for designation in DesignationFactory.create_batch(3):
        DesigneeCountryFactory(designee=designation.designee, country=country)
    paths = warmed_paths(5)
    assert "/countries/RU/" in paths and "/" in paths

    assert warm_pages() == len(paths)

    for path in ("/", "/countries/RU/"):
        _, queries = _get(client, path)
        assert queries == 1, path  # served from the cache the warming filled


def test_warming_is_off_without_a_page_cache(settings):
    from designations.tasks import warm_pages

    settings.PAGE_CACHE_SECONDS = 0
    assert warm_pages() == 0


def test_a_successful_import_task_queues_the_warming(reference_data, monkeypatch, settings):

    from designations import tasks as page_tasks
    from importers.services import import_run_create
    from importers.sources import get_adapter
    from importers.tasks import run_import

    queued = []
    monkeypatch.setattr(page_tasks.warm_pages, "delay", lambda *args, **kwargs: queued.append(args))
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    run = import_run_create(source="ofac-sdn", path=[str(selection("sdn_2024-07-02_selection"))])
    assert run_import.apply(args=[run.pk]).get() == "succeeded"
    assert queued == [()]
