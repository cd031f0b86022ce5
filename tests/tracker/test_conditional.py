"""ETag, Last-Modified and 304 Not Modified on API reads (tracker.api.ConditionalGetMiddleware)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from designations.models import Designation, Designee
from importers.models import ImportRun
from tests.datafiles import requires_data
from tracker.api import ConditionalGetMiddleware
from tracker.dataversion import data_version

pytestmark = [requires_data, pytest.mark.django_db]

DESIGNATIONS = reverse("designations-api:designation-list")
GLOMAG = {"program": "GLOMAG"}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()


def newest_update() -> str:
    newest = max(model.objects.latest("updated_at").updated_at for model in (Designation, Designee, ImportRun))
    return http_date(newest.timestamp())


def touch(designation: Designation, seconds: int) -> None:
    """An editor's change, ``seconds`` after everything else (HTTP dates have whole seconds)."""
    later = timezone.now() + datetime.timedelta(seconds=seconds)
    Designation.objects.filter(pk=designation.pk).update(reason="Amended reason.", updated_at=later)


class TestValidators:
    def test_list_carries_a_weak_etag_and_the_newest_update_as_last_modified(self, api_client, sdn_selection):
        response = api_client.get(DESIGNATIONS, GLOMAG)

        assert response.status_code == 200
        assert response["ETag"].startswith('W/"') and len(response["ETag"]) == 36
        assert response["Last-Modified"] == newest_update()
        assert response["Cache-Control"] == "no-cache"
        assert "Accept" in response["Vary"]

    def test_same_body_gives_same_etag_and_other_filters_another(self, api_client, sdn_selection):
        first = api_client.get(DESIGNATIONS, GLOMAG)
        again = api_client.get(DESIGNATIONS, GLOMAG)
        hong_kong = api_client.get(DESIGNATIONS, {"program": "HK-EO13936"})

        assert first["ETag"] == again["ETag"]
        assert hong_kong["ETag"] != first["ETag"]

    def test_detail_and_head_carry_validators(self, api_client, sdn_selection):
        chen = Designee.objects.get(entry_number=29220)
        url = reverse("designations-api:designee-detail", kwargs={"pk": chen.pk})

        get = api_client.get(url)
        head = api_client.head(url)

        assert get.json()["name"] == "CHEN, Quanguo"
        assert head.status_code == 200
        assert head["ETag"] == get["ETag"]
        assert head["Last-Modified"] == get["Last-Modified"]

    def test_schema_has_an_etag_but_no_data_date(self, api_client):
        response = api_client.get("/api/schema/")

        assert response.status_code == 200
        assert response.has_header("ETag")
        assert not response.has_header("Last-Modified")

    def test_errors_and_pages_outside_the_api_carry_no_validators(self, client, api_client, reference_data):
        bad = api_client.get(DESIGNATIONS, {"listed_after": "2024-02-30"})
        missing = api_client.get(reverse("designations-api:designee-detail", kwargs={"pk": 999999}))
        home = client.get("/")

        for response in (bad, missing, home):
            assert not response.has_header("ETag")
            assert not response.has_header("Last-Modified")

    def test_last_modified_is_the_data_versions_newest_update(self, sdn_selection, django_assert_num_queries):
        with django_assert_num_queries(1):
            version = data_version()

        assert http_date(version.last_modified) == newest_update()


class TestOneVersionPerRequest:
    def test_last_modified_costs_one_query_shared_with_the_response_cache(
        self, api_client, sdn_selection, settings, django_assert_num_queries
    ):
        settings.API_RESPONSE_CACHE_SECONDS = 60
        api_client.get(DESIGNATIONS, GLOMAG)

        with django_assert_num_queries(1):  # a cache hit: the version is its key and gives Last-Modified
            cached = api_client.get(DESIGNATIONS, GLOMAG)

        assert cached["Last-Modified"] == newest_update()


class TestNotModified:
    def test_matching_if_none_match_gives_an_empty_304_with_the_validators(self, api_client, sdn_selection):
        first = api_client.get(DESIGNATIONS, GLOMAG)

        again = api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH=first["ETag"])

        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        assert again["Last-Modified"] == first["Last-Modified"]

    def test_strong_form_of_the_tag_matches_too(self, api_client, sdn_selection):
        etag = api_client.get(DESIGNATIONS, GLOMAG)["ETag"]

        again = api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH=etag.removeprefix("W/"))

        assert again.status_code == 304

    def test_other_tag_gives_the_full_answer(self, api_client, sdn_selection):
        response = api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH='W/"0123"')

        assert response.status_code == 200
        assert response.json()["count"] == 5

    def test_if_modified_since_the_last_change_gives_304_and_an_earlier_date_200(self, api_client, sdn_selection):
        last_modified = api_client.get(DESIGNATIONS, GLOMAG)["Last-Modified"]
        earlier = http_date((timezone.now() - datetime.timedelta(days=1)).timestamp())

        assert api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        assert api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200

    def test_a_change_to_the_data_gives_a_new_answer_to_both_validators(self, api_client, sdn_selection):
        first = api_client.get(DESIGNATIONS, GLOMAG)
        touch(Designation.objects.get(designee__entry_number=29220), seconds=5)

        by_etag = api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

        assert by_etag.status_code == 200
        assert by_etag["ETag"] != first["ETag"]
        assert "Amended reason." in {row["reason"] for row in by_etag.json()["results"]}
        assert by_date.status_code == 200
        assert by_date["Last-Modified"] == newest_update() != first["Last-Modified"]

    def test_if_none_match_wins_over_if_modified_since(self, api_client, sdn_selection):
        current = api_client.get(DESIGNATIONS, GLOMAG)

        response = api_client.get(
            DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH='W/"stale"', HTTP_IF_MODIFIED_SINCE=current["Last-Modified"]
        )

        assert response.status_code == 200

    def test_304_still_costs_the_queries_of_the_page_and_no_more(
        self, api_client, sdn_selection, django_assert_num_queries
    ):
        etag = api_client.get(DESIGNATIONS, GLOMAG)["ETag"]
        with django_assert_num_queries(QUERIES_DESIGNATION_PAGE):
            assert len(api_client.get(DESIGNATIONS, {**GLOMAG, "limit": 1}).json()["results"]) == 1
        with django_assert_num_queries(QUERIES_DESIGNATION_PAGE):
            assert len(api_client.get(DESIGNATIONS, GLOMAG).json()["results"]) == 5
        with django_assert_num_queries(QUERIES_DESIGNATION_PAGE):
            assert api_client.get(DESIGNATIONS, GLOMAG, HTTP_IF_NONE_MATCH=etag).status_code == 304


# The data's version (Last-Modified), the program filter's look-up of GLOMAG, count, page (with designee,
# program, authority and reason source), then one query per nested relation (events with their documents,
# conduct categories, citations); the same for 1 row as for 50.
QUERIES_DESIGNATION_PAGE = 7


class TestStreaming:
    def test_streaming_answer_is_not_buffered_and_gets_only_last_modified(self, sdn_selection):
        consumed = []

        def rows():
            for row in (b"entry_number,name\r\n", b"29220,CHEN Quanguo\r\n"):
                consumed.append(row)
                yield row

        request = RequestFactory().get("/api/designations/export/")
        middleware = ConditionalGetMiddleware(lambda request: StreamingHttpResponse(rows(), content_type="text/csv"))

        response = middleware(request)

        assert consumed == []
        assert not response.has_header("ETag")
        assert response["Last-Modified"] == newest_update()
        assert b"".join(response.streaming_content) == b"entry_number,name\r\n29220,CHEN Quanguo\r\n"

    def test_streaming_answer_is_304_for_a_current_if_modified_since(self, sdn_selection):
        request = RequestFactory().get("/api/designations/export/", HTTP_IF_MODIFIED_SINCE=newest_update())
        middleware = ConditionalGetMiddleware(lambda request: StreamingHttpResponse(iter([b"x"])))

        assert middleware(request).status_code == 304

    def test_view_that_sets_its_own_validators_keeps_them(self, sdn_selection):
        def view(request):
            response = HttpResponse(b"{}", content_type="application/json")
            response["ETag"] = '"v1"'
            response["Last-Modified"] = "Tue, 02 Jul 2024 00:00:00 GMT"
            response["Cache-Control"] = "max-age=3600"
            return response

        response = ConditionalGetMiddleware(view)(RequestFactory().get("/api/designations/"))

        assert response["ETag"] == '"v1"'
        assert response["Last-Modified"] == "Tue, 02 Jul 2024 00:00:00 GMT"
        assert response["Cache-Control"] == "max-age=3600"
