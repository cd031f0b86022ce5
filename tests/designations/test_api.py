"""The read-only countries, designees, designations and source documents endpoints."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from designations.models import (
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    SourceDocument,
)
from tests.factories import (
    AliasFactory,
    AuthorityFactory,
    CountryFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    ProgramFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db

COUNTRIES = reverse("designations-api:country-list")
DESIGNEES = reverse("designations-api:designee-list")
DESIGNATIONS = reverse("designations-api:designation-list")
SOURCE_DOCUMENTS = reverse("designations-api:sourcedocument-list")


def make_designee(**kwargs) -> Designee:
    """A designee with an alias, an identifier, a country and a designation: every nested list is populated."""
    designee = DesigneeFactory(**kwargs)
    AliasFactory(designee=designee)
    IdentifierFactory(designee=designee)
    DesigneeCountryFactory(designee=designee)
    DesignationFactory(designee=designee, authority=AuthorityFactory())
    return designee


def make_designation(**kwargs) -> Designation:
    """A designation with an authority and a sourced listing event."""
    kwargs.setdefault("authority", AuthorityFactory())
    designation = DesignationFactory(**kwargs)
    DesignationEventFactory(designation=designation)
    return designation


class TestCountryEndpoint:
    def test_detail_by_code_counts_distinct_actively_designated_designees(self, api_client):
        china = CountryFactory(code="QM", name="Testland", numeric="999")
        # Tied to the country twice (nationality and address), active under two programs: counted once.
        twice = DesigneeFactory()
        DesigneeCountryFactory(designee=twice, country=china, role=DesigneeCountry.Role.NATIONALITY)
        DesigneeCountryFactory(designee=twice, country=china, role=DesigneeCountry.Role.ADDRESS)
        DesignationFactory(designee=twice)
        DesignationFactory(designee=twice)
        # Only delisted: not counted.
        gone = DesigneeFactory()
        DesigneeCountryFactory(designee=gone, country=china)
        DesignationFactory(designee=gone, status=Designation.Status.DELISTED, delisted_on=datetime.date(2023, 1, 1))

        response = api_client.get(reverse("designations-api:country-detail", kwargs={"code": "QM"}))

        assert response.status_code == 200
        data = response.json()
        assert data == {
            "code": "QM",
            "name": "Testland",
            "numeric": "999",
            "url": "http://testserver/api/countries/QM/",
            "active_designees": 1,
        }

    def test_list_is_ordered_by_name_and_q_finds_by_code(self, api_client):
        CountryFactory(code="QM", name="Mu")
        CountryFactory(code="QN", name="Alpha")
        CountryFactory(code="QO", name="Omega")

        names = [row["name"] for row in api_client.get(COUNTRIES).json()["results"]]
        found = api_client.get(COUNTRIES, {"q": "qo"}).json()["results"]

        assert names == ["Alpha", "Mu", "Omega"]
        assert [row["code"] for row in found] == ["QO"]

    def test_ordering_by_active_designees(self, api_client):
        busy, quiet = CountryFactory(code="QM", name="Busy"), CountryFactory(code="QN", name="Quiet")
        CountryFactory(code="QO", name="Empty")
        for country in (busy, busy, quiet):
            DesigneeCountryFactory(designee=DesignationFactory().designee, country=country)

        rows = api_client.get(COUNTRIES, {"ordering": "-active_designees"}).json()["results"]

        assert [(row["code"], row["active_designees"]) for row in rows] == [("QM", 2), ("QN", 1), ("QO", 0)]

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            DesigneeCountryFactory(designee=make_designee())

        # count, page (with the active-designee annotation)
        with django_assert_num_queries(3):
            response = api_client.get(COUNTRIES, {"limit": 500})

        # Each made designee brings its own identifier and link countries.
        assert response.json()["count"] == count * 3


class TestDesigneeEndpoint:
    def test_detail_nests_aliases_identifiers_countries_and_designations(self, api_client):
        country = CountryFactory(code="QM", name="Testland")
        designee = DesigneeFactory(name="CHEN, Quanguo", entry_number=23522, kind=Designee.Kind.INDIVIDUAL)
        AliasFactory(designee=designee, name="CHEN, Quan-guo", script="Latn")
        IdentifierFactory(designee=designee, kind="Passport", value="E12345", country=country)
        DesigneeCountryFactory(designee=designee, country=country, role=DesigneeCountry.Role.PLACE_OF_BIRTH)
        designation = DesignationFactory(
            designee=designee,
            program=ProgramFactory(code="GLOMAG"),
            status=Designation.Status.DELISTED,
            listed_on=datetime.date(2020, 12, 31),
            listed_precision=DatePrecision.RANGE,
            listed_earliest=datetime.date(2020, 12, 1),
            delisted_on=datetime.date(2024, 1, 5),
            delisted_precision=DatePrecision.DAY,
        )

        response = api_client.get(reverse("designations-api:designee-detail", kwargs={"pk": designee.pk}))

        assert response.status_code == 200
        data = response.json()
        assert data["name"] == "CHEN, Quanguo"
        assert data["entry_number"] == 23522
        assert data["kind"] == "individual"
        assert data["aliases"] == [
            {"name": "CHEN, Quan-guo", "kind": "aka", "strength": "strong", "script": "Latn", "source_document": None}
        ]
        assert data["identifiers"][0]["value"] == "E12345"
        assert data["identifiers"][0]["country"] == "QM"
        assert data["countries"] == [
            {"code": "QM", "name": "Testland", "role": "place_of_birth", "source_document": None}
        ]
        [brief] = data["designations"]
        assert brief["id"] == designation.pk
        assert brief["url"].endswith(f"/api/designations/{designation.pk}/")
        assert brief["program"] == "GLOMAG"
        assert brief["status"] == "delisted"
        assert brief["listed_on"] == "2020-12-31"
        assert brief["listed_precision"] == "range"
        assert brief["listed_earliest"] == "2020-12-01"
        assert brief["delisted_on"] == "2024-01-05"
        assert brief["delisted_precision"] == "day"

    def test_list_is_ordered_by_name(self, api_client):
        for name in ("ZHANG, Wei", "ABBAS, Ali", "MORENO, Luis"):
            DesigneeFactory(name=name)

        names = [row["name"] for row in api_client.get(DESIGNEES).json()["results"]]

        assert names == ["ABBAS, Ali", "MORENO, Luis", "ZHANG, Wei"]

    def test_ordering_by_entry_number_descending(self, api_client):
        for number in (10, 30, 20):
            DesigneeFactory(entry_number=number)

        numbers = [
            row["entry_number"] for row in api_client.get(DESIGNEES, {"ordering": "-entry_number"}).json()["results"]
        ]

        assert numbers == [30, 20, 10]

    def test_filters_combine(self, api_client):
        country = CountryFactory(code="QM")
        wanted = make_designee(kind=Designee.Kind.VESSEL)
        DesigneeCountryFactory(designee=wanted, country=country, role=DesigneeCountry.Role.FLAG)
        other_kind = make_designee(kind=Designee.Kind.ENTITY)
        DesigneeCountryFactory(designee=other_kind, country=country, role=DesigneeCountry.Role.FLAG)
        make_designee(kind=Designee.Kind.VESSEL)

        response = api_client.get(DESIGNEES, {"kind": "vessel", "country": "qm", "country_role": "flag"})

        assert [row["id"] for row in response.json()["results"]] == [wanted.pk]

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"listed_after": "2021-13-01"}, "listed_after"),
            ({"kind": "ship"}, "kind"),
            ({"country": "QZ"}, "country"),
            ({"country_role": "home"}, "country_role"),
            ({"status": "pending"}, "status"),
            ({"program": "NO-SUCH-PROGRAM"}, "program"),
            ({"entry_number": "abc"}, "entry_number"),
        ],
    )
    def test_bad_filter_value_is_400_naming_the_parameter(self, api_client, params, parameter):
        response = api_client.get(DESIGNEES, params)

        assert response.status_code == 400
        assert list(response.json()) == [parameter]

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            make_designee()

        # the data's version (Last-Modified), count, page, then one query per nested relation: aliases,
        # identifiers, countries, designations, citations
        with django_assert_num_queries(8):
            response = api_client.get(DESIGNEES)

        assert response.json()["count"] == count


class TestDesignationEndpoint:
    def test_detail_nests_designee_program_authority_and_sourced_events(self, api_client):
        designee = DesigneeFactory(name="CHEN, Quanguo")
        program = ProgramFactory(code="GLOMAG", name="Global Magnitsky")
        authority = AuthorityFactory(code="eo-13818", name="E.O. 13818", short_name="E.O. 13818")
        document = SourceDocumentFactory(
            kind=SourceDocument.Kind.PRESS_RELEASE,
            title="Treasury Sanctions Perpetrators of Serious Human Rights Abuse",
            url="https://home.treasury.gov/news/press-releases/sm1063",
            published_on=datetime.date(2020, 7, 9),
        )
        designation = DesignationFactory(
            designee=designee,
            program=program,
            authority=authority,
            listed_on=datetime.date(2020, 7, 9),
            listed_precision=DatePrecision.DAY,
            reason="Serious human rights abuse in Xinjiang.",
        )
        DesignationEventFactory(
            designation=designation,
            kind=DesignationEvent.Kind.LISTED,
            occurred_on=datetime.date(2020, 7, 9),
            precision=DatePrecision.DAY,
            source_document=document,
        )

        response = api_client.get(reverse("designations-api:designation-detail", kwargs={"pk": designation.pk}))

        assert response.status_code == 200
        data = response.json()
        assert data["designee"]["name"] == "CHEN, Quanguo"
        assert data["designee"]["url"].endswith(f"/api/designees/{designee.pk}/")
        assert data["program"]["code"] == "GLOMAG"
        assert data["program"]["url"].endswith("/api/programs/GLOMAG/")
        assert data["authority"]["code"] == "eo-13818"
        assert data["status"] == "active"
        assert data["listed_on"] == "2020-07-09"
        assert data["listed_precision"] == "day"
        assert data["delisted_on"] is None
        assert data["reason"] == "Serious human rights abuse in Xinjiang."
        [event] = data["events"]
        assert event["kind"] == "listed"
        assert event["occurred_on"] == "2020-07-09"
        assert event["precision"] == "day"
        assert event["source_document"] == {
            "id": document.pk,
            "kind": "press_release",
            "title": "Treasury Sanctions Perpetrators of Serious Human Rights Abuse",
            "url": "https://home.treasury.gov/news/press-releases/sm1063",
            "published_on": "2020-07-09",
        }

    def test_designation_without_authority_has_null_authority(self, api_client):
        designation = DesignationFactory(authority=None)

        data = api_client.get(reverse("designations-api:designation-detail", kwargs={"pk": designation.pk})).json()

        assert data["authority"] is None
        assert data["events"] == []

    def test_list_is_newest_listing_first_with_pk_tiebreak(self, api_client):
        old = DesignationFactory(listed_on=datetime.date(2019, 1, 1))
        new_a = DesignationFactory(listed_on=datetime.date(2023, 1, 1))
        new_b = DesignationFactory(listed_on=datetime.date(2023, 1, 1))

        ids = [row["id"] for row in api_client.get(DESIGNATIONS).json()["results"]]

        assert ids == [new_a.pk, new_b.pk, old.pk]

    def test_ordering_by_program_code(self, api_client):
        for code in ("SYRIA", "GLOMAG", "HK-EO13936"):
            DesignationFactory(program=ProgramFactory(code=code))

        rows = api_client.get(DESIGNATIONS, {"ordering": "program__code"}).json()["results"]

        assert [row["program"]["code"] for row in rows] == ["GLOMAG", "HK-EO13936", "SYRIA"]

    def test_several_programs_are_or_ed(self, api_client):
        DesignationFactory(program=ProgramFactory(code="GLOMAG"))
        DesignationFactory(program=ProgramFactory(code="HK-EO13936"))
        DesignationFactory(program=ProgramFactory(code="SYRIA"))

        response = api_client.get(DESIGNATIONS, {"program": ["GLOMAG", "HK-EO13936"]})

        assert sorted(row["program"]["code"] for row in response.json()["results"]) == ["GLOMAG", "HK-EO13936"]

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"listed_after": "yesterday"}, "listed_after"),
            ({"delisted_before": "2024-02-30"}, "delisted_before"),
            ({"status": "gone"}, "status"),
            ({"agency": "FBI"}, "agency"),
            ({"kind": "ship"}, "kind"),
            ({"program_id": "x"}, "program_id"),
            ({"authority": "no-such-order"}, "authority"),
            ({"country": "Iran"}, "country"),
        ],
    )
    def test_bad_filter_value_is_400_naming_the_parameter(self, api_client, params, parameter):
        response = api_client.get(DESIGNATIONS, params)

        assert response.status_code == 400
        assert list(response.json()) == [parameter]

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            make_designation()

        # count, page (with designee, program, authority), events (with source documents)
        with django_assert_num_queries(6):
            response = api_client.get(DESIGNATIONS)

        assert response.json()["count"] == count


class TestSourceDocumentEndpoint:
    def test_detail(self, api_client):
        document = SourceDocumentFactory(
            kind=SourceDocument.Kind.LIST_SNAPSHOT,
            source="ofac-sdn",
            source_uid="sdn.csv@2024-07-02",
            title="SDN list, 2 July 2024",
            url="",
            published_on=datetime.date(2024, 7, 2),
            content_sha256="a" * 64,
        )

        response = api_client.get(reverse("designations-api:sourcedocument-detail", kwargs={"pk": document.pk}))

        assert response.status_code == 200
        assert response.json() == {
            "id": document.pk,
            "kind": "list_snapshot",
            "agency": "OFAC",
            "source": "ofac-sdn",
            "source_uid": "sdn.csv@2024-07-02",
            "title": "SDN list, 2 July 2024",
            "url": "",
            "published_on": "2024-07-02",
            "content_sha256": "a" * 64,
        }

    def test_list_is_newest_first(self, api_client):
        for day in (1, 3, 2):
            SourceDocumentFactory(published_on=datetime.date(2024, 1, day))

        days = [row["published_on"] for row in api_client.get(SOURCE_DOCUMENTS).json()["results"]]

        assert days == ["2024-01-03", "2024-01-02", "2024-01-01"]

    def test_ordering_by_published_on_ascending(self, api_client):
        for day in (1, 3, 2):
            SourceDocumentFactory(published_on=datetime.date(2024, 1, day))

        rows = api_client.get(SOURCE_DOCUMENTS, {"ordering": "published_on"}).json()["results"]

        assert [row["published_on"] for row in rows] == ["2024-01-01", "2024-01-02", "2024-01-03"]

    def test_bad_published_after_is_400(self, api_client):
        response = api_client.get(SOURCE_DOCUMENTS, {"published_after": "2024/01/01"})

        assert response.status_code == 400
        assert "published_after" in response.json()

    def test_pagination_default_is_50_and_a_limit_over_500_is_refused(self, api_client):
        SourceDocument.objects.bulk_create(
            SourceDocument(kind=SourceDocument.Kind.OTHER, source="test", source_uid=str(n)) for n in range(501)
        )

        default_page = api_client.get(SOURCE_DOCUMENTS).json()
        too_large = api_client.get(SOURCE_DOCUMENTS, {"limit": 1000})
        full_page = api_client.get(SOURCE_DOCUMENTS, {"limit": 500}).json()
        last_page = api_client.get(SOURCE_DOCUMENTS, {"limit": 500, "offset": 500}).json()

        assert default_page["count"] == 501
        assert len(default_page["results"]) == 50
        assert too_large.status_code == 400
        assert "limit" in too_large.json()
        assert len(full_page["results"]) == 500
        assert "offset=500" in full_page["next"]
        assert len(last_page["results"]) == 1
        assert last_page["next"] is None

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        SourceDocumentFactory.create_batch(count)

        with django_assert_num_queries(3):
            response = api_client.get(SOURCE_DOCUMENTS)

        assert response.json()["count"] == count


@pytest.mark.parametrize("url", [COUNTRIES, DESIGNEES, DESIGNATIONS, SOURCE_DOCUMENTS])
def test_reading_is_open_to_anonymous_users_and_writing_is_not(api_client, url):
    assert api_client.get(url).status_code == 200
    assert api_client.post(url, {"name": "X"}, format="json").status_code == 403


def test_signed_in_users_cannot_write_either(api_client, admin_user):
    designation = make_designation()
    api_client.force_authenticate(admin_user)
    detail = reverse("designations-api:designation-detail", kwargs={"pk": designation.pk})
    designee = reverse("designations-api:designee-detail", kwargs={"pk": designation.designee_id})

    assert api_client.post(DESIGNATIONS, {}, format="json").status_code == 405
    assert api_client.put(detail, {}, format="json").status_code == 405
    assert api_client.patch(designee, {"name": "X"}, format="json").status_code == 405
    assert api_client.delete(detail).status_code == 405
    assert api_client.delete(designee).status_code == 405
    assert Designation.objects.filter(pk=designation.pk).exists()


@pytest.mark.django_db
def test_designation_carries_editorial_reason_categories_and_citations(api_client):
    from designations.models import AbuseCategory, Citation
    from tests.factories import DesignationFactory

    designation = DesignationFactory(curated_reason="Ordered the killing of a journalist.")
    category, _ = AbuseCategory.objects.get_or_create(code="extrajudicial-killing", defaults={"name": "Killing"})
    designation.categories.add(category)
    Citation.objects.create(
        content_object=designation,
        field="curated_reason",
        url="https://home.treasury.gov/news/press-releases/sm547",
        title="Treasury Sanctions 17 Individuals for Their Roles in the Killing of Jamal Khashoggi",
    )

    body = api_client.get(f"/api/designations/{designation.pk}/").json()

    assert body["curated_reason"] == "Ordered the killing of a journalist."
    assert body["categories"] == ["extrajudicial-killing"]
    assert body["citations"][0]["field"] == "curated_reason"
    assert body["citations"][0]["url"].endswith("/sm547")
    assert body["review_state"] == "unreviewed"
