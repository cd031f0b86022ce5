"""Coverage and counting by period on the real 2024 SDN list and its 2021-2024 history.

The expected figures are computed independently, in Python over the ORM rows or from the raw history file,
never with the aggregation under test.
"""

from __future__ import annotations

import csv
import datetime

import pytest
from django.urls import reverse

from designations.models import DatePrecision, Designation
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
STATS = reverse("designations-api:stats")
DESIGNATIONS = reverse("designations-api:designation-list")


def bracket(designation: Designation) -> tuple[datetime.date | None, datetime.date]:
    """The listing's days as (first, last), None for no earlier bound, written out for the test."""
    on, precision = designation.listed_on, designation.listed_precision
    if precision == DatePrecision.ON_OR_BEFORE:
        return None, on
    if precision == DatePrecision.RANGE:
        return designation.listed_earliest, on
    if precision == DatePrecision.MONTH:
        following = (on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return on, following - datetime.timedelta(days=1)
    if precision == DatePrecision.YEAR:
        return on, on.replace(month=12, day=31)
    return on, on


def delisting(designation: Designation) -> tuple[datetime.date | None, datetime.date] | None:
    if designation.delisted_on is None:
        return None
    if designation.delisted_precision == DatePrecision.RANGE:
        return designation.delisted_earliest, designation.delisted_on
    return designation.delisted_on, designation.delisted_on


@pytest.mark.usefixtures("seeded")
class TestRealData:
    def test_stats_by_year_equal_the_program_page(self, db, client, api_client):
        api = api_client.get(STATS, {"program": "GLOMAG", "group_by": "year", "event": "listed"}).json()
        page = client.get(reverse("programs:program_detail", kwargs={"code": "GLOMAG"}))

        assert page.status_code == 200
        assert page.context["timeline"]["years"] == api["results"]
        # Every designation counts once: the rows add up to the designations with a listing date.
        glomag = Designation.objects.for_program("GLOMAG").filter(listed_on__isnull=False)
        assert sum(row["count"] for row in api["results"]) == glomag.count() == api["coverage"]["rows"]

    def test_a_year_holds_only_listings_whose_whole_bracket_is_in_it(self, db, api_client):
        rows = api_client.get(STATS, {"program": "GLOMAG", "group_by": "year", "event": "listed"}).json()["results"]
        expected: dict[int | None, int] = {}
        for designation in Designation.objects.for_program("GLOMAG").filter(listed_on__isnull=False):
            first, last = bracket(designation)
            year = last.year if first is not None and first.year == last.year else None
            expected[year] = expected.get(year, 0) + 1

        assert {row["year"]: row["count"] for row in rows} == expected
        # The listings already on the first list state of the history file cannot be placed in a year.
        with HISTORY.open(newline="") as handle:
            first_state = min(row["first_seen"][:10] for row in csv.DictReader(handle))
        on_first = Designation.objects.for_program("GLOMAG").filter(listed_precision=DatePrecision.ON_OR_BEFORE)
        assert on_first.count() and expected[None] >= on_first.count()
        assert all(designation.listed_on.isoformat() == first_state for designation in on_first)

    def test_as_of_coverage_matches_a_count_by_hand(self, db, api_client):
        day = datetime.date(2022, 1, 1)
        certain = possible = 0
        for designation in Designation.objects.for_program("GLOMAG"):
            if designation.listed_on is None:
                continue
            first, last = bracket(designation)
            gone = delisting(designation)
            if last <= day and (gone is None or gone[0] > day):
                certain += 1
            if (first is None or first <= day) and (gone is None or gone[1] > day):
                possible += 1

        body = api_client.get(DESIGNATIONS, {"program": "GLOMAG", "as_of": day.isoformat(), "limit": 1}).json()
        loose = api_client.get(
            DESIGNATIONS, {"program": "GLOMAG", "as_of": day.isoformat(), "date_certainty": "possible", "limit": 1}
        ).json()

        assert body["count"] == body["coverage"]["rows"] == certain
        assert body["coverage"]["possibly_more"] == possible - certain
        assert loose["count"] == possible
        listed = body["coverage"]["listed"]
        assert listed["day"] + listed["bracket"] + listed["on_or_before"] + listed["undated"] == certain

    def test_before_the_history_the_answer_says_it_rests_on_incomplete_evidence(self, db, api_client):
        body = api_client.get(DESIGNATIONS, {"program": "HK-EO13936", "as_of": "2021-01-01", "limit": 1}).json()
        coverage = body["coverage"]
        with HISTORY.open(newline="") as handle:
            first_state = min(row["first_seen"][:10] for row in csv.DictReader(handle))

        assert coverage["data_as_of"] == body["data_as_of"] == "2024-07-02"
        assert coverage["evidence"]["first_list_state"] == first_state
        assert coverage["date_certainty"] == "certain"
        assert coverage["rows"] == body["count"]
        on_first = Designation.objects.for_program("HK-EO13936").filter(listed_precision=DatePrecision.ON_OR_BEFORE)
        if on_first.exists():
            assert any("reaches before the evidence" in caveat for caveat in coverage["caveats"])
            assert coverage["possibly_more"] >= on_first.count()
