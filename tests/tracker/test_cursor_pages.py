"""``?cursor=``: whole walks of an API list in id order, on the real 2024 list."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from designations.models import Designation, Designee
from tests.datafiles import requires_data

pytestmark = [requires_data, pytest.mark.django_db]

DESIGNEES = reverse("designations-api:designee-list")
DESIGNATIONS = reverse("designations-api:designation-list")


def walk(client, url: str, params: dict) -> tuple[list[dict], int]:
    """Every row of a cursor walk from ``url`` and the number of pages it took."""
    rows: list[dict] = []
    pages = 0
    response = client.get(url, {**params, "cursor": ""})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert "count" not in body and "previous" not in body
        rows.extend(body["results"])
        pages += 1
        assert body["has_more"] is (body["next"] is not None)
        if body["next"] is None:
            return rows, pages
        response = client.get(body["next"])


def test_a_walk_returns_every_row_once_in_id_order(seeded, api_client):
    rows, pages = walk(api_client, DESIGNEES, {"limit": 500})
    ids = [row["id"] for row in rows]
    assert ids == sorted(Designee.objects.values_list("pk", flat=True))
    assert pages == len(ids) // 500 + 1
    # Each row is the list's own row, with the same fields as an offset page.
    offset_row = api_client.get(DESIGNEES, {"limit": 1}).json()["results"][0]
    walked = {row["id"]: row for row in rows}
    assert walked[offset_row["id"]] == offset_row


def test_a_walk_keeps_the_filters(seeded, api_client):
    params = {"program": "GLOMAG,UHRPA", "country": "CN", "country_role": "personal", "limit": 5}
    rows, pages = walk(api_client, DESIGNATIONS, params)
    offset = api_client.get(DESIGNATIONS, {**params, "limit": 500}).json()
    assert offset["count"] == len(rows) > 5
    assert pages == -(-len(rows) // 5)
    assert sorted(row["id"] for row in offset["results"]) == [row["id"] for row in rows]
    assert {row["program"]["code"] for row in rows} <= {"GLOMAG", "UHRPA"}


def test_rows_added_or_removed_during_a_walk_shift_nothing(seeded, api_client):
    first = api_client.get(DESIGNEES, {"cursor": "", "limit": 100}).json()
    seen = [row["id"] for row in first["results"]]
    # A row already walked goes, a row not yet reached goes: the next page starts where the last ended.
    Designee.objects.filter(pk=seen[0]).delete()
    remaining = list(Designee.objects.filter(pk__gt=seen[-1]).order_by("pk").values_list("pk", flat=True)[:101])
    Designee.objects.filter(pk=remaining[0]).delete()
    second = api_client.get(first["next"]).json()
    assert [row["id"] for row in second["results"]] == remaining[1:101]


def test_the_next_link_carries_the_last_id(seeded, api_client):
    body = api_client.get(DESIGNATIONS, {"cursor": "", "limit": 3, "program": "GLOMAG"}).json()
    query = parse_qs(urlsplit(body["next"]).query)
    assert query["cursor"] == [str(body["results"][-1]["id"])]
    assert query["program"] == ["GLOMAG"] and query["limit"] == ["3"]
    assert [row["id"] for row in body["results"]] == sorted(
        Designation.objects.filter(program__code="GLOMAG").values_list("pk", flat=True)
    )[:3]


def test_a_walk_past_the_end_is_empty(seeded, api_client):
    last = Designee.objects.order_by("-pk").values_list("pk", flat=True)[0]
    body = api_client.get(DESIGNEES, {"cursor": str(last)}).json()
    assert body == {"next": None, "has_more": False, "results": []}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"cursor": "abc"}, "cursor"),
        ({"cursor": "-5"}, "cursor"),
        ({"cursor": str(2**63)}, "cursor"),
        ({"cursor": "", "offset": "50"}, "offset"),
        ({"cursor": "", "ordering": "name"}, "ordering"),
        ({"cursor": "", "limit": "501"}, "limit"),
    ],
)
def test_bad_cursors_are_refused_by_name(api_client, params, named):
    response = api_client.get(DESIGNEES, params)
    assert response.status_code == 400
    assert named in response.json()


def test_the_schema_documents_the_cursor(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/designees/"]["get"]["parameters"]}
    assert "cursor" in parameters and "next" in parameters["cursor"]["description"]
    page = schema["components"]["schemas"]["PaginatedDesigneeRowList"]
    assert page["required"] == ["results"] and "has_more" in page["properties"]
