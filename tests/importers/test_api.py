"""The read-only import runs endpoint and its filters."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from importers.models import ImportRun
from tests.factories import ImportRunFactory

pytestmark = pytest.mark.django_db

IMPORT_RUNS = reverse("importers-api:importrun-list")


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 12, day, 6, 0, tzinfo=datetime.UTC)


@pytest.fixture
def runs():
    """Three runs: a scheduled success, a failed CLI run of another source, and one still pending."""
    succeeded = ImportRunFactory(
        source="ofac-sdn",
        status=ImportRun.Status.SUCCEEDED,
        trigger=ImportRun.Trigger.SCHEDULED,
        started_at=at(1),
        finished_at=at(1) + datetime.timedelta(minutes=3),
        records=17931,
        created=12,
        updated=40,
        unchanged=17879,
        delisted=3,
        warnings=["2 remarks not parsed"],
    )
    failed = ImportRunFactory(
        source="ofac-consolidated",
        status=ImportRun.Status.FAILED,
        trigger=ImportRun.Trigger.CLI,
        started_at=at(2),
        finished_at=at(2),
        error="Traceback (most recent call last): ... /srv/app/importers/upsert.py",
        path="/srv/data/cons_prim.csv",
    )
    pending = ImportRunFactory(source="ofac-sdn", status=ImportRun.Status.PENDING, trigger=ImportRun.Trigger.MANUAL)
    return succeeded, failed, pending


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_detail_shows_counters_but_not_server_paths_or_tracebacks(api_client, runs):
    succeeded, failed, _pending = runs

    data = api_client.get(reverse("importers-api:importrun-detail", kwargs={"pk": succeeded.pk})).json()
    failed_data = api_client.get(reverse("importers-api:importrun-detail", kwargs={"pk": failed.pk})).json()

    assert data["source"] == "ofac-sdn"
    assert data["status"] == "succeeded"
    assert data["trigger"] == "scheduled"
    assert data["started_at"] == "2025-12-01T06:00:00Z"
    assert data["finished_at"] == "2025-12-01T06:03:00Z"
    assert (data["records"], data["created"], data["updated"], data["unchanged"], data["delisted"]) == (
        17931,
        12,
        40,
        17879,
        3,
    )
    assert data["warnings"] == ["2 remarks not parsed"]
    assert data["url"].endswith(f"/api/import-runs/{succeeded.pk}/")
    assert failed_data["status"] == "failed"
    assert "error" not in failed_data
    assert "path" not in failed_data
    assert "/srv/" not in str(failed_data)


def test_list_is_newest_first(api_client, runs):
    succeeded, failed, pending = runs

    assert ids(api_client.get(IMPORT_RUNS)) == [pending.pk, failed.pk, succeeded.pk]


def test_ordering_by_started_at(api_client, runs):
    succeeded, failed, _pending = runs

    assert ids(api_client.get(IMPORT_RUNS, {"ordering": "-started_at", "status": ["succeeded", "failed"]})) == [
        failed.pk,
        succeeded.pk,
    ]


def test_filter_by_source(api_client, runs):
    succeeded, _failed, pending = runs

    assert sorted(ids(api_client.get(IMPORT_RUNS, {"source": "ofac-sdn"}))) == sorted([succeeded.pk, pending.pk])


def test_filter_by_status(api_client, runs):
    _succeeded, failed, _pending = runs

    assert ids(api_client.get(IMPORT_RUNS, {"status": "failed"})) == [failed.pk]


def test_filter_by_trigger(api_client, runs):
    succeeded, failed, _pending = runs

    assert sorted(ids(api_client.get(IMPORT_RUNS, {"trigger": ["scheduled", "cli"]}))) == sorted(
        [succeeded.pk, failed.pk]
    )


def test_filter_by_start_date_is_inclusive(api_client, runs):
    succeeded, failed, _pending = runs

    assert ids(api_client.get(IMPORT_RUNS, {"started_after": "2025-12-02"})) == [failed.pk]
    assert ids(api_client.get(IMPORT_RUNS, {"started_before": "2025-12-02"})) == [failed.pk, succeeded.pk]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"status": "exploded"}, "status"),
        ({"trigger": "cron"}, "trigger"),
        ({"started_after": "Dec 1"}, "started_after"),
    ],
)
def test_bad_filter_value_is_400_naming_the_parameter(api_client, params, parameter):
    response = api_client.get(IMPORT_RUNS, params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


@pytest.mark.parametrize("count", [3, 10])
def test_list_query_count_does_not_grow_with_rows(api_client, django_assert_num_queries, count):
    ImportRunFactory.create_batch(count)

    with django_assert_num_queries(3):
        response = api_client.get(IMPORT_RUNS)

    assert response.json()["count"] == count


def test_runs_cannot_be_started_or_changed_through_the_api(api_client, admin_user, runs):
    succeeded, _failed, _pending = runs
    detail = reverse("importers-api:importrun-detail", kwargs={"pk": succeeded.pk})

    assert api_client.post(IMPORT_RUNS, {"source": "ofac-sdn"}, format="json").status_code == 403
    api_client.force_authenticate(admin_user)
    assert api_client.post(IMPORT_RUNS, {"source": "ofac-sdn"}, format="json").status_code == 405
    assert api_client.patch(detail, {"status": "failed"}, format="json").status_code == 405
    assert api_client.delete(detail).status_code == 405
    assert ImportRun.objects.count() == 3


def test_a_run_held_for_review_and_its_decision_are_shown_and_filterable(api_client, runs):
    held = ImportRunFactory(
        source="ofac-sdn",
        status=ImportRun.Status.NEEDS_REVIEW,
        allow_missing_end_marker=True,
        stats={"planned_delistings": {"count": 457, "sample": [], "designations": []}},
    )
    rejected = ImportRunFactory(source="ofac-sdn", status=ImportRun.Status.REJECTED, review_note="a truncated download")
    publisher = ImportRunFactory(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED, reviewed_run=held)

    def detail(run):
        return api_client.get(reverse("importers-api:importrun-detail", kwargs={"pk": run.pk})).json()

    assert ids(api_client.get(IMPORT_RUNS, {"status": "needs_review"})) == [held.pk]
    assert (detail(held)["status"], detail(held)["allow_missing_end_marker"]) == ("needs_review", True)
    assert detail(held)["stats"]["planned_delistings"]["count"] == 457
    assert detail(rejected)["review_note"] == "a truncated download"
    assert detail(publisher)["reviewed_run"] == held.pk
