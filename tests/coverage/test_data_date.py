"""The data's own date (``designations.coverage.data_date``): on every page, in dated API answers, and
against the end of a program's authority."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from designations.coverage import data_date
from designations.models import SourceDocument
from programs.models import Authority
from tests.factories import AuthorityFactory, DesignationFactory, ProgramFactory, SourceDocumentFactory
from tracker import dataversion

pytestmark = pytest.mark.django_db

D = datetime.date


def snapshot(day: datetime.date, **kwargs) -> SourceDocument:
    kwargs = {"kind": SourceDocument.Kind.LIST_SNAPSHOT, "source": "ofac-sdn", **kwargs}
    return SourceDocumentFactory(published_on=day, **kwargs)


def test_is_the_newest_sdn_list_snapshot_not_another_list_or_a_history():
    snapshot(D(2021, 6, 29))
    snapshot(D(2024, 7, 2))
    snapshot(D(2025, 12, 19), source="ofac-consolidated")  # another list
    snapshot(D(2025, 1, 1), kind=SourceDocument.Kind.LIST_HISTORY)  # derived, no list state of its own
    SourceDocumentFactory(published_on=D(2026, 1, 5))  # a press release

    assert data_date() == D(2024, 7, 2)


def test_is_none_before_any_import():
    assert data_date() is None


def test_is_read_once_per_version_of_the_data(django_assert_num_queries):
    snapshot(D(2024, 7, 2))
    version = dataversion.data_version()
    assert data_date(version) == D(2024, 7, 2)

    with django_assert_num_queries(0):
        assert data_date(version) == D(2024, 7, 2)
    snapshot(D(2024, 8, 1))
    assert data_date() == D(2024, 8, 1)  # a new version: read again


@pytest.mark.parametrize("url", ["/", reverse("designations:designation_list"), reverse("programs:program_list")])
def test_every_page_says_it(client, url):
    snapshot(D(2024, 7, 2))

    html = client.get(url).content.decode()

    assert 'OFAC SDN list as of <time datetime="2024-07-02">2 Jul 2024</time>' in html


def test_a_page_says_when_no_list_is_imported(client):
    assert "No OFAC SDN list imported yet." in client.get("/").content.decode()


def test_dated_api_answers_say_it(api_client):
    snapshot(D(2024, 7, 2))
    DesignationFactory(listed_on=D(2021, 6, 1))

    designations = api_client.get(reverse("designations-api:designation-list"), {"as_of": "2022-01-01"}).json()
    stats = api_client.get(reverse("designations-api:stats"), {"group_by": "year"}).json()
    changes = api_client.get(reverse("designations-api:changes"), {"changed_since": "2000-01-01T00:00:00Z"}).json()

    assert designations["data_as_of"] == stats["data_as_of"] == changes["data_as_of"] == "2024-07-02"
    assert designations["coverage"]["evidence"]["last_list_state"] == "2024-07-02"


class TestEndedAfterTheData:
    @pytest.fixture
    def program(self):
        snapshot(D(2024, 7, 2))
        program = ProgramFactory(code="QHK")
        program.authorities.add(
            AuthorityFactory(
                code="eo-13936",
                name="Executive Order 13936",
                status=Authority.Status.EXPIRED,
                ended_on=D(2026, 7, 14),
            )
        )
        DesignationFactory(program=program)
        return program

    def test_program_page_says_its_authority_ended_after_the_data(self, client, program):
        html = " ".join(client.get(program.get_absolute_url()).content.decode().split())

        assert "ended on <strong>14 Jul 2026</strong>, after the data's date" in html
        assert "In force on 2 Jul 2024 (the data's date)" in html

    def test_authority_page_says_it_too(self, client, program):
        authority = program.authorities.get()

        html = client.get(authority.get_absolute_url()).content.decode()

        assert "after the data's date" in html

    def test_an_end_before_the_data_is_not_pointed_out(self, client, program):
        program.authorities.update(ended_on=D(2024, 1, 1))

        assert "after the data's date" not in client.get(program.get_absolute_url()).content.decode()


def test_the_api_index_says_the_datas_date(api_client):
    snapshot(D(2024, 7, 2))

    index = api_client.get("/api/", HTTP_ACCEPT="application/json").json()

    assert index["data_as_of"] == "2024-07-02"
    assert index["designations"] == "http://testserver/api/designations/"
