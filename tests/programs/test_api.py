"""The read-only authorities and programs endpoints."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from programs.models import Authority, AuthorityEvent, Program
from tests.factories import AuthorityEventFactory, AuthorityFactory, CountryFactory, ProgramFactory

pytestmark = pytest.mark.django_db

AUTHORITIES = reverse("programs-api:authority-list")
PROGRAMS = reverse("programs-api:program-list")


def make_authority(**kwargs) -> Authority:
    """An authority with every nested relation populated, so list query counts are realistic."""
    authority = AuthorityFactory(**kwargs)
    authority.implements.add(AuthorityFactory(kind=Authority.Kind.STATUTE))
    authority.target_countries.add(CountryFactory())
    AuthorityEventFactory(authority=authority)
    return authority


def make_program(**kwargs) -> Program:
    program = ProgramFactory(**kwargs)
    program.authorities.add(AuthorityFactory())
    program.target_countries.add(CountryFactory())
    return program


class TestAuthorityEndpoint:
    def test_detail_is_found_by_code_and_nests_its_lifecycle(self, api_client):
        glomag_act = AuthorityFactory(
            code="glomag-act", kind=Authority.Kind.STATUTE, name="Global Magnitsky Human Rights Accountability Act"
        )
        ended_by = AuthorityFactory(code="eo-14203")
        country = CountryFactory(code="QM")
        order = AuthorityFactory(
            code="eo-13928",
            name="Blocking Property of Certain Persons Associated With the International Criminal Court",
            short_name="E.O. 13928",
            citation="85 FR 36139",
            issuer="PRESIDENT",
            signed_on=datetime.date(2020, 6, 11),
            effective_on=datetime.date(2020, 6, 11),
            status=Authority.Status.REVOKED,
            ended_on=datetime.date(2021, 4, 1),
            ended_by=ended_by,
            is_human_rights=True,
            official_url="https://www.federalregister.gov/d/2020-12953",
            date_note="Revoked by E.O. 14022.",
        )
        order.implements.add(glomag_act)
        order.target_countries.add(country)
        AuthorityEventFactory(
            authority=order,
            kind=AuthorityEvent.Kind.REVOKED,
            occurred_on=datetime.date(2021, 4, 1),
            description="Revoked.",
            source_url="https://example.org/eo-14022",
            verified=False,
        )

        response = api_client.get(reverse("programs-api:authority-detail", kwargs={"code": "eo-13928"}))

        assert response.status_code == 200
        data = response.json()
        assert data["code"] == "eo-13928"
        assert data["url"].endswith("/api/authorities/eo-13928/")
        assert data["kind"] == "executive_order"
        assert data["short_name"] == "E.O. 13928"
        assert data["citation"] == "85 FR 36139"
        assert data["issuer"] == "PRESIDENT"
        assert data["implements"] == ["glomag-act"]
        assert data["signed_on"] == "2020-06-11"
        assert data["effective_on"] == "2020-06-11"
        assert data["status"] == "revoked"
        assert data["ended_on"] == "2021-04-01"
        assert data["ended_by"] == "eo-14203"
        assert data["is_human_rights"] is True
        assert data["target_countries"] == ["QM"]
        assert data["official_url"] == "https://www.federalregister.gov/d/2020-12953"
        assert data["date_note"] == "Revoked by E.O. 14022."
        assert data["events"] == [
            {
                "kind": "revoked",
                "occurred_on": "2021-04-01",
                "description": "Revoked.",
                "source_url": "https://example.org/eo-14022",
                "verified": False,
            }
        ]

    def test_unknown_code_is_404(self, api_client):
        response = api_client.get(reverse("programs-api:authority-detail", kwargs={"code": "eo-1"}))
        assert response.status_code == 404

    def test_list_is_ordered_by_name(self, api_client):
        AuthorityFactory(name="Caesar Syria Civilian Protection Act")
        AuthorityFactory(name="Afghanistan order")
        AuthorityFactory(name="Belarus order")

        names = [row["name"] for row in api_client.get(AUTHORITIES).json()["results"]]

        assert names == ["Afghanistan order", "Belarus order", "Caesar Syria Civilian Protection Act"]

    def test_ordering_parameter_sorts_by_signing_date_descending(self, api_client):
        AuthorityFactory(code="a-2019", signed_on=datetime.date(2019, 1, 1))
        AuthorityFactory(code="a-2021", signed_on=datetime.date(2021, 1, 1))
        AuthorityFactory(code="a-2020", signed_on=datetime.date(2020, 1, 1))

        codes = [row["code"] for row in api_client.get(AUTHORITIES, {"ordering": "-signed_on"}).json()["results"]]

        assert codes == ["a-2021", "a-2020", "a-2019"]

    def test_filter_by_kind_narrows_the_list(self, api_client):
        AuthorityFactory(kind=Authority.Kind.STATUTE)
        AuthorityFactory(kind=Authority.Kind.EXECUTIVE_ORDER)
        AuthorityFactory(kind=Authority.Kind.EXECUTIVE_ORDER)

        response = api_client.get(AUTHORITIES, {"kind": "statute"})

        assert response.json()["count"] == 1

    def test_unknown_kind_is_400_naming_the_parameter(self, api_client):
        response = api_client.get(AUTHORITIES, {"kind": "decree"})

        assert response.status_code == 400
        assert "kind" in response.json()

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            make_authority()

        # count, page, implements, target countries, events
        with django_assert_num_queries(6):
            response = api_client.get(AUTHORITIES, {"limit": 500})

        assert response.json()["count"] == count * 2  # each made authority implements a new statute


class TestProgramEndpoint:
    def test_detail_is_found_by_a_code_with_spaces(self, api_client):
        statute = AuthorityFactory(code="caatsa", name="Countering America's Adversaries Through Sanctions Act")
        successor = ProgramFactory(code="RUSSIA-EO14024")
        program = ProgramFactory(
            code="CAATSA - RUSSIA",
            name="Countering America's Adversaries Through Sanctions Act - Russia",
            family=Program.Family.COUNTRY,
            status=Program.Status.RENAMED,
            replaced_by=successor,
        )
        program.authorities.add(statute)
        program.target_countries.add(CountryFactory(code="QN"))

        url = reverse("programs-api:program-detail", kwargs={"code": "CAATSA - RUSSIA"})
        response = api_client.get(url)

        assert url.endswith("/api/programs/CAATSA%20-%20RUSSIA/")
        assert response.status_code == 200
        data = response.json()
        assert data["code"] == "CAATSA - RUSSIA"
        assert data["url"].endswith("/api/programs/CAATSA%20-%20RUSSIA/")
        assert data["agency"] == "OFAC"
        assert data["family"] == "country"
        assert data["status"] == "renamed"
        assert data["replaced_by"] == "RUSSIA-EO14024"
        assert data["target_countries"] == ["QN"]
        assert data["is_human_rights"] is False
        assert [a["code"] for a in data["authorities"]] == ["caatsa"]
        assert data["authorities"][0]["url"].endswith("/api/authorities/caatsa/")

    def test_detail_is_found_by_a_code_with_a_dot(self, api_client):
        ProgramFactory(code="SDN.TEST")

        response = api_client.get(reverse("programs-api:program-detail", kwargs={"code": "SDN.TEST"}))

        assert response.status_code == 200
        assert response.json()["code"] == "SDN.TEST"

    def test_list_is_ordered_by_code(self, api_client):
        for code in ("SYRIA", "GLOMAG", "HK-EO13936"):
            ProgramFactory(code=code)

        codes = [row["code"] for row in api_client.get(PROGRAMS).json()["results"]]

        assert codes == ["GLOMAG", "HK-EO13936", "SYRIA"]

    def test_ordering_by_name_descending(self, api_client):
        ProgramFactory(code="A", name="Alpha")
        ProgramFactory(code="B", name="Charlie")
        ProgramFactory(code="C", name="Bravo")

        names = [row["name"] for row in api_client.get(PROGRAMS, {"ordering": "-name"}).json()["results"]]

        assert names == ["Charlie", "Bravo", "Alpha"]

    def test_filter_by_authority_code(self, api_client):
        authority = AuthorityFactory(code="eo-13818")
        make_program(code="GLOMAG").authorities.add(authority)
        make_program()
        make_program()

        response = api_client.get(PROGRAMS, {"authority": "eo-13818"})

        assert [row["code"] for row in response.json()["results"]] == ["GLOMAG"]

    def test_unknown_authority_code_is_400_naming_the_parameter(self, api_client):
        response = api_client.get(PROGRAMS, {"authority": "no-such-order"})

        assert response.status_code == 400
        assert "authority" in response.json()

    def test_pagination_by_limit_and_offset(self, api_client):
        for code in ("P1", "P2", "P3", "P4"):
            ProgramFactory(code=code)

        data = api_client.get(PROGRAMS, {"limit": 2, "offset": 1}).json()

        assert data["count"] == 4
        assert [row["code"] for row in data["results"]] == ["P2", "P3"]
        assert "offset=3" in data["next"]
        assert data["previous"] is not None

    @pytest.mark.parametrize("count", [3, 10])
    def test_list_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            make_program()

        # count, page (with replaced_by), authorities, target countries
        with django_assert_num_queries(5):
            response = api_client.get(PROGRAMS)

        assert response.json()["count"] == count


@pytest.mark.parametrize("url", [AUTHORITIES, PROGRAMS])
def test_anonymous_writes_are_refused(api_client, url):
    assert api_client.post(url, {"code": "X", "name": "X"}, format="json").status_code == 403


@pytest.mark.parametrize(("basename", "make"), [("authority", AuthorityFactory), ("program", ProgramFactory)])
def test_signed_in_users_cannot_write_either(api_client, admin_user, basename, make):
    obj = make()
    api_client.force_authenticate(admin_user)
    list_url = reverse(f"programs-api:{basename}-list")
    detail = reverse(f"programs-api:{basename}-detail", kwargs={"code": obj.code})

    assert api_client.post(list_url, {"code": "X"}, format="json").status_code == 405
    assert api_client.put(detail, {"code": "X"}, format="json").status_code == 405
    assert api_client.patch(detail, {"name": "X"}, format="json").status_code == 405
    assert api_client.delete(detail).status_code == 405
    assert type(obj).objects.filter(pk=obj.pk, code=obj.code).exists()
