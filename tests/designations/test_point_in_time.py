"""``as_of`` (what was in force on a day) and the other researcher filters on designations and designees."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from designations.filtersets import DesignationFilterSet, DesigneeFilterSet
from designations.models import DatePrecision, Designation
from programs.models import Agency
from tests.factories import (
    AuthorityFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

DESIGNATIONS = reverse("designations-api:designation-list")
DESIGNEES = reverse("designations-api:designee-list")
DAY = datetime.date(2022, 1, 1)


def filtered(filterset_class, data):
    filterset = filterset_class(data, queryset=filterset_class.Meta.model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def delisted(on: datetime.date, **kwargs) -> Designation:
    kwargs.setdefault("listed_on", datetime.date(2019, 5, 1))
    return DesignationFactory(status=Designation.Status.DELISTED, delisted_on=on, **kwargs)


@pytest.fixture
def timeline():
    """Designations around 2022-01-01 (DAY), named by how they stand on it."""
    return {
        "in_force": DesignationFactory(listed_on=datetime.date(2020, 3, 1)),
        "listed_that_day": DesignationFactory(listed_on=DAY),
        "delisted_later": delisted(datetime.date(2023, 2, 1), listed_on=datetime.date(2019, 5, 1)),
        "delisted_before": delisted(datetime.date(2021, 6, 1), listed_on=datetime.date(2019, 5, 1)),
        "delisted_that_day": delisted(DAY, listed_on=datetime.date(2019, 5, 1)),
        "listed_after": DesignationFactory(listed_on=datetime.date(2022, 1, 2)),
        "undated": DesignationFactory(listed_on=None, listed_precision=""),
        # Between two snapshots (2021-12-10 .. 2022-02-01): counted from the end of the bracket only.
        "bracket_ending_after": DesignationFactory(
            listed_on=datetime.date(2022, 2, 1),
            listed_precision=DatePrecision.RANGE,
            listed_earliest=datetime.date(2021, 12, 10),
        ),
    }


class TestDesignationsAsOf:
    def test_keeps_only_designations_in_force_on_the_day(self, timeline):
        found = set(filtered(DesignationFilterSet, {"as_of": "2022-01-01"}))

        assert found == {timeline["in_force"], timeline["listed_that_day"], timeline["delisted_later"]}

    def test_delisted_before_and_listed_after_the_day_are_excluded(self, timeline):
        found = set(filtered(DesignationFilterSet, {"as_of": "2022-01-01"}))

        for name in ("delisted_before", "delisted_that_day", "listed_after", "undated", "bracket_ending_after"):
            assert timeline[name] not in found, name

    def test_a_bracketed_listing_counts_from_the_end_of_its_bracket(self, timeline):
        assert timeline["bracket_ending_after"] in filtered(DesignationFilterSet, {"as_of": "2022-02-01"})
        assert timeline["bracket_ending_after"] not in filtered(DesignationFilterSet, {"as_of": "2022-01-31"})

    def test_as_of_combines_with_status_which_means_today(self, timeline):
        found = set(filtered(DesignationFilterSet, {"as_of": "2022-01-01", "status": ["delisted"]}))

        assert found == {timeline["delisted_later"]}

    def test_api_as_of_count_and_bad_date(self, api_client, timeline):
        assert api_client.get(DESIGNATIONS, {"as_of": "2022-01-01"}).json()["count"] == 3
        response = api_client.get(DESIGNATIONS, {"as_of": "2022-13-45"})

        assert response.status_code == 400
        assert "as_of" in response.json()

    @pytest.mark.parametrize("extra", [0, 6])
    def test_api_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, extra, timeline):
        for _ in range(extra):
            DesignationEventFactory(designation=DesignationFactory(authority=AuthorityFactory()))

        # count, page, events, categories and citations of the page (+ the data's last-modified time); the
        # answer's coverage: the data's date, the first list state held, the rows' dates by precision
        with django_assert_num_queries(9):
            response = api_client.get(DESIGNATIONS, {"as_of": "2022-01-01", "limit": 500})

        assert response.json()["count"] == 3 + extra


class TestDesigneesAsOf:
    def test_keeps_designees_with_a_designation_in_force_and_nests_all_of_them(self, api_client):
        once = DesigneeFactory(name="ONCE, Listed")
        old = delisted(datetime.date(2021, 6, 1), designee=once, listed_on=datetime.date(2019, 5, 1))
        current = DesignationFactory(designee=once, listed_on=datetime.date(2021, 8, 1))
        gone = DesigneeFactory(name="GONE, Before")
        delisted(datetime.date(2021, 6, 1), designee=gone, listed_on=datetime.date(2019, 5, 1))
        later = DesigneeFactory(name="LATER, Listed")
        DesignationFactory(designee=later, listed_on=datetime.date(2023, 1, 1))

        rows = api_client.get(DESIGNEES, {"as_of": "2022-01-01"}).json()["results"]

        assert [row["name"] for row in rows] == ["ONCE, Listed"]
        # The nested list is not narrowed by as_of: it still shows the designation that ended in 2021.
        assert {d["id"] for d in rows[0]["designations"]} == {old.pk, current.pk}

    def test_as_of_applies_to_the_same_designation_as_program(self):
        glomag, other = ProgramFactory(code="QGLOMAG"), ProgramFactory(code="QOTHER")
        mixed = DesigneeFactory()
        # In force on DAY only under QOTHER; the QGLOMAG designation ended before.
        delisted(datetime.date(2021, 6, 1), designee=mixed, program=glomag, listed_on=datetime.date(2019, 5, 1))
        DesignationFactory(designee=mixed, program=other, listed_on=datetime.date(2020, 1, 1))
        match = DesigneeFactory()
        DesignationFactory(designee=match, program=glomag, listed_on=datetime.date(2020, 1, 1))

        assert list(filtered(DesigneeFilterSet, {"as_of": "2022-01-01", "program": ["QGLOMAG"]})) == [match]
        assert set(filtered(DesigneeFilterSet, {"as_of": "2022-01-01"})) == {mixed, match}


class TestIdentifierFilters:
    @pytest.fixture
    def documents(self):
        passport = IdentifierFactory(kind="Passport", value="A1234567").designee
        national = IdentifierFactory(kind="National ID No.", value="A1234567").designee
        other = IdentifierFactory(kind="Passport", value="Z7654321").designee
        for designee in (passport, national, other):
            DesignationFactory(designee=designee)
        return passport, national, other

    @pytest.mark.parametrize("filterset_class", [DesigneeFilterSet, DesignationFilterSet])
    def test_type_and_value_match_the_same_identifier(self, documents, filterset_class):
        passport, national, other = documents

        def designees(data):
            found = filtered(filterset_class, data)
            return {getattr(obj, "designee", obj) for obj in found}

        assert designees({"identifier_type": "passport", "identifier": "A1234567"}) == {passport}
        assert designees({"identifier": "A1234567"}) == {passport, national}
        assert designees({"identifier_type": "Passport"}) == {passport, other}
        assert designees({"identifier_type": "Passport", "identifier": "A1234567 "}) == {passport}


class TestDesigneeDesignationFilters:
    def test_agency_and_delisting_dates_apply_to_the_same_designation(self):
        state_then_ofac = DesigneeFactory()
        DesignationFactory(designee=state_then_ofac, agency=Agency.STATE)
        delisted(datetime.date(2023, 3, 1), designee=state_then_ofac, agency=Agency.OFAC)
        ofac_delisted = DesigneeFactory()
        delisted(datetime.date(2021, 3, 1), designee=ofac_delisted, agency=Agency.OFAC)
        DesignationFactory(agency=Agency.OFAC)  # active, never delisted

        assert set(filtered(DesigneeFilterSet, {"agency": ["STATE"]})) == {state_then_ofac}
        assert set(filtered(DesigneeFilterSet, {"delisted_after": "2022-01-01"})) == {state_then_ofac}
        assert set(filtered(DesigneeFilterSet, {"delisted_before": "2022-01-01"})) == {ofac_delisted}
        # The STATE designation is not delisted: agency and delisting date must meet on one designation.
        assert set(filtered(DesigneeFilterSet, {"agency": ["STATE"], "delisted_after": "2022-01-01"})) == set()


# The researcher filters every list of designations or designees must offer (the REST API issue's list).
COMMON_FILTERS = (
    "program",
    "program_id",
    "authority",
    "authority_id",
    "agency",
    "country",
    "country_role",
    "kind",
    "status",
    "listed_after",
    "listed_before",
    "delisted_after",
    "delisted_before",
    "as_of",
    "q",
    "identifier_type",
    "identifier",
)


@pytest.mark.parametrize("filterset_class", [DesignationFilterSet, DesigneeFilterSet])
def test_every_researcher_filter_exists(filterset_class):
    assert set(COMMON_FILTERS) <= set(filterset_class.base_filters)


@pytest.mark.parametrize("url", [DESIGNATIONS, DESIGNEES])
def test_every_researcher_filter_is_in_the_schema(client, url):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    parameters = {p["name"] for p in schema["paths"][url]["get"]["parameters"]}

    assert set(COMMON_FILTERS) <= parameters
    assert "format" in parameters


def test_country_filter_on_designees_still_works_with_as_of(api_client):
    tied = DesigneeCountryFactory(country__code="QM").designee
    DesignationFactory(designee=tied, listed_on=datetime.date(2020, 1, 1))
    DesignationFactory(listed_on=datetime.date(2020, 1, 1))

    rows = api_client.get(DESIGNEES, {"as_of": "2022-01-01", "country": "qm"}).json()["results"]

    assert [row["id"] for row in rows] == [tied.pk]
