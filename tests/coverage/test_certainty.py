"""How sure a date is (``designations.coverage``): ``date_certainty`` on the date filters, ``as_of`` on
bracketed dates, and the ``coverage`` object of dated answers, on made-up designations around 2019."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from designations.coverage import CERTAIN, POSSIBLE, DateQuestion, in_force_on
from designations.filtersets import DesignationFilterSet
from designations.models import DatePrecision, Designation, SourceDocument
from tests.factories import DesignationFactory, ProgramFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

DESIGNATIONS = reverse("designations-api:designation-list")
STATS = reverse("designations-api:stats")
D = datetime.date
YEAR_2019 = {"listed_after": "2019-01-01", "listed_before": "2019-12-31"}


@pytest.fixture
def dated():
    """Designations of one program, named by what is known of their listing date."""
    program = ProgramFactory(code="QDATES")

    def make(**kwargs) -> Designation:
        return DesignationFactory(program=program, designee__source="test", **kwargs)

    return {
        "day": make(listed_on=D(2019, 6, 3), listed_precision=DatePrecision.DAY),
        "month": make(listed_on=D(2019, 12, 1), listed_precision=DatePrecision.MONTH),
        "bracket_inside": make(
            listed_on=D(2019, 5, 1), listed_precision=DatePrecision.RANGE, listed_earliest=D(2019, 2, 1)
        ),
        "bracket_across": make(
            listed_on=D(2019, 1, 20), listed_precision=DatePrecision.RANGE, listed_earliest=D(2018, 12, 1)
        ),
        "on_or_before": make(listed_on=D(2019, 3, 1), listed_precision=DatePrecision.ON_OR_BEFORE),
        "year_2018": make(listed_on=D(2018, 1, 1), listed_precision=DatePrecision.YEAR),
        "day_2020": make(listed_on=D(2020, 2, 2), listed_precision=DatePrecision.DAY),
    }


def names(found, dated) -> set[str]:
    ids = {designation.pk for designation in found}
    return {name for name, designation in dated.items() if designation.pk in ids}


def filtered(data) -> set[Designation]:
    filterset = DesignationFilterSet(data, queryset=Designation.objects.filter(designee__source="test"))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs)


class TestListedIn2019:
    def test_certain_by_default_keeps_only_whole_brackets_inside_the_year(self, dated):
        assert names(filtered(YEAR_2019), dated) == {"day", "month", "bracket_inside"}

    def test_possible_adds_brackets_that_overlap_the_year(self, dated):
        found = names(filtered({**YEAR_2019, "date_certainty": POSSIBLE}), dated)

        assert found == {"day", "month", "bracket_inside", "bracket_across", "on_or_before"}

    def test_a_month_is_certainly_in_a_range_only_when_the_whole_month_is(self, dated):
        assert "month" not in names(filtered({"listed_before": "2019-12-30"}), dated)
        assert "month" in names(filtered({"listed_before": "2019-12-30", "date_certainty": POSSIBLE}), dated)
        assert "month" in names(filtered({"listed_before": "2019-12-31"}), dated)

    def test_on_or_before_is_certain_only_without_a_lower_bound(self, dated):
        assert "on_or_before" in names(filtered({"listed_before": "2019-03-01"}), dated)
        assert "on_or_before" not in names(filtered({"listed_after": "1990-01-01"}), dated)

    def test_api_says_how_many_more_were_possibly_listed(self, api_client, dated):
        body = api_client.get(DESIGNATIONS, {**YEAR_2019, "program": "QDATES"}).json()

        assert body["count"] == 3
        coverage = body["coverage"]
        assert coverage["rows"] == 3
        assert coverage["date_certainty"] == CERTAIN
        assert coverage["possibly_more"] == 2
        assert coverage["listed"] == {"day": 1, "bracket": 2, "on_or_before": 0, "undated": 0}
        assert any("2 more designation(s) possibly" in caveat for caveat in coverage["caveats"])

        possible = api_client.get(DESIGNATIONS, {**YEAR_2019, "program": "QDATES", "date_certainty": "possible"})
        assert possible.json()["count"] == 5
        assert possible.json()["coverage"]["possibly_more"] == 0
        assert possible.json()["coverage"]["listed"]["on_or_before"] == 1

    def test_a_bad_certainty_is_a_400_naming_it(self, api_client, dated):
        response = api_client.get(DESIGNATIONS, {**YEAR_2019, "date_certainty": "likely"})

        assert response.status_code == 400
        assert "date_certainty" in response.json()

    def test_a_list_without_dates_asked_carries_no_coverage(self, api_client, dated):
        body = api_client.get(DESIGNATIONS, {"program": "QDATES"}).json()

        assert "coverage" not in body
        assert body["count"] == len(dated)


class TestInForce:
    """``as_of``: in force at the end of the day."""

    def test_a_delisting_bracket_ends_certainty_at_its_start(self):
        designation = DesignationFactory(
            listed_on=D(2018, 1, 5),
            status=Designation.Status.DELISTED,
            delisted_on=D(2021, 3, 1),
            delisted_precision=DatePrecision.RANGE,
            delisted_earliest=D(2021, 2, 1),
        )

        def found(day, certainty):
            return Designation.objects.filter(pk=designation.pk).filter(in_force_on(day, certainty)).exists()

        assert found(D(2021, 1, 31), CERTAIN)
        assert not found(D(2021, 2, 1), CERTAIN)  # may have been removed later that day
        assert found(D(2021, 2, 28), POSSIBLE)
        assert not found(D(2021, 3, 1), POSSIBLE)
        assert not found(D(2018, 1, 4), POSSIBLE)

    def test_a_listing_bracket_is_certain_from_its_end_and_possible_from_its_start(self):
        designation = DesignationFactory(
            listed_on=D(2022, 2, 1), listed_precision=DatePrecision.RANGE, listed_earliest=D(2021, 12, 10)
        )
        question = DateQuestion(as_of=D(2022, 1, 1))
        queryset = Designation.objects.filter(pk=designation.pk)

        assert not queryset.filter(question.condition()).exists()
        assert queryset.filter(question.condition(POSSIBLE)).exists()
        assert not queryset.filter(DateQuestion(as_of=D(2021, 12, 9)).condition(POSSIBLE)).exists()

    def test_on_or_before_is_possibly_in_force_on_any_earlier_day(self):
        designation = DesignationFactory(listed_on=D(2021, 5, 22), listed_precision=DatePrecision.ON_OR_BEFORE)
        queryset = Designation.objects.filter(pk=designation.pk)

        assert queryset.filter(in_force_on(D(2021, 5, 22))).exists()
        assert not queryset.filter(in_force_on(D(2015, 1, 1))).exists()
        assert queryset.filter(in_force_on(D(2015, 1, 1), POSSIBLE)).exists()

    def test_api_caveat_when_the_question_reaches_before_the_evidence(self, api_client):
        SourceDocumentFactory(kind=SourceDocument.Kind.LIST_SNAPSHOT, source="ofac-sdn", published_on=D(2024, 7, 2))
        DesignationFactory(listed_on=D(2021, 5, 22), listed_precision=DatePrecision.ON_OR_BEFORE)
        DesignationFactory(listed_on=D(2021, 8, 1), listed_precision=DatePrecision.RANGE, listed_earliest=D(2021, 7, 1))

        body = api_client.get(DESIGNATIONS, {"as_of": "2020-01-01"}).json()

        assert body["count"] == 0
        assert body["data_as_of"] == "2024-07-02"
        coverage = body["coverage"]
        assert coverage["evidence"] == {"first_list_state": "2021-05-22", "last_list_state": "2024-07-02"}
        assert coverage["possibly_more"] == 1  # the "on or before" one
        assert any("reaches before the evidence" in caveat for caveat in coverage["caveats"])

    def test_api_caveat_when_the_question_is_after_the_data(self, api_client):
        SourceDocumentFactory(kind=SourceDocument.Kind.LIST_SNAPSHOT, source="ofac-sdn", published_on=D(2024, 7, 2))
        DesignationFactory(listed_on=D(2021, 8, 1))

        coverage = api_client.get(DESIGNATIONS, {"as_of": "2025-01-01"}).json()["coverage"]

        assert coverage["rows"] == 1
        assert any("The data ends with the OFAC SDN list as of 2024-07-02" in c for c in coverage["caveats"])


class TestStatsCoverage:
    def test_stats_carry_coverage_and_place_only_whole_brackets_in_a_year(self, api_client, dated):
        body = api_client.get(STATS, {"program": "QDATES", "group_by": "year", "event": "listed"}).json()

        assert body["results"] == [
            {"year": 2018, "count": 1},
            {"year": 2019, "count": 3},
            {"year": 2020, "count": 1},
            {"year": None, "count": 2},  # the bracket across two years and the "on or before" one
        ]
        assert body["coverage"]["rows"] == len(dated) == sum(row["count"] for row in body["results"])
        assert body["coverage"]["listed"] == {"day": 2, "bracket": 4, "on_or_before": 1, "undated": 0}

    def test_stats_date_filters_answer_at_the_certainty_asked(self, api_client, dated):
        certain = api_client.get(STATS, {"program": "QDATES", **YEAR_2019}).json()
        possible = api_client.get(STATS, {"program": "QDATES", **YEAR_2019, "date_certainty": "possible"}).json()

        assert certain["results"] == [{"count": 3}]
        assert certain["coverage"]["possibly_more"] == 2
        assert possible["results"] == [{"count": 5}]


class TestDesignationsPage:
    def test_the_page_says_what_its_dates_rest_on_as_the_api_does(self, client, api_client, dated):
        query = {**YEAR_2019, "program": "QDATES"}
        api = api_client.get(DESIGNATIONS, query).json()["coverage"]

        response = client.get(reverse("designations:designation_list"), query)
        html = " ".join(response.content.decode().split())

        assert response.context["coverage"] == api
        assert "3 designations certainly match the dates asked (2 more possibly do" in html
        assert "date_certainty=possible" in html

    def test_no_note_without_dates(self, client, dated):
        response = client.get(reverse("designations:designation_list"), {"program": "QDATES"})

        assert response.context["coverage"] is None
