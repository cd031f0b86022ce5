"""The program and authority pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from designations.models import Country, Designation, Designee
from programs.models import Authority, AuthorityEvent, Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Page aggregates are cached by data fingerprint; each test starts cold."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world():
    """The ICC program (E.O. 13928, revoked in 2021), GLOMAG under the Global Magnitsky Act and E.O. 13818,
    and CAATSA - RUSSIA, whose code has spaces; with real SDN entries under them."""
    russia = Country.objects.create(code="RU", name="Russia", numeric="643")
    act = Authority.objects.create(
        code="global-magnitsky-act",
        kind=Authority.Kind.STATUTE,
        name="Global Magnitsky Human Rights Accountability Act",
        short_name="Global Magnitsky Act",
        citation="Pub. L. 114-328, Title XII, Subtitle F",
        is_human_rights=True,
    )
    eo_13818 = Authority.objects.create(
        code="eo-13818",
        kind=Authority.Kind.EXECUTIVE_ORDER,
        name="Executive Order 13818",
        short_name="E.O. 13818",
        signed_on=datetime.date(2017, 12, 20),
        is_human_rights=True,
    )
    eo_13818.implements.add(act)
    eo_14024 = Authority.objects.create(
        code="eo-14024", kind=Authority.Kind.EXECUTIVE_ORDER, name="Executive Order 14024", short_name="E.O. 14024"
    )
    eo_13928 = Authority.objects.create(
        code="eo-13928",
        kind=Authority.Kind.EXECUTIVE_ORDER,
        name="Executive Order 13928",
        short_name="E.O. 13928",
        signed_on=datetime.date(2020, 6, 11),
        status=Authority.Status.REVOKED,
        ended_on=datetime.date(2021, 4, 1),
        ended_by=eo_14024,
    )
    AuthorityEvent.objects.create(authority=eo_13928, kind="signed", occurred_on=datetime.date(2020, 6, 11))
    AuthorityEvent.objects.create(
        authority=eo_13928,
        kind="revoked",
        occurred_on=datetime.date(2021, 4, 1),
        description="Revoked by E.O. 14022",
    )
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", family="human_rights", is_human_rights=True)
    glomag.authorities.add(act, eo_13818)
    icc = Program.objects.create(code="ICC", name="International Criminal Court", status="ended")
    icc.authorities.add(eo_13928)
    caatsa = Program.objects.create(code="CAATSA - RUSSIA", name="CAATSA - Russia", family="country")
    caatsa.target_countries.add(russia)
    placeholder = Program.objects.create(code="BELARUS-EO", name="Belarus placeholder", status="renamed")
    belarus = Program.objects.create(code="BELARUS-EO14038", name="Belarus", family="country")
    placeholder.replaced_by = belarus
    placeholder.save()

    gertler = Designee.objects.create(kind="individual", name="GERTLER, Dan", entry_number=23252)
    deboutte = Designee.objects.create(kind="individual", name="DEBOUTTE, Pieter Albert", entry_number=23255)
    korobov = Designee.objects.create(kind="individual", name="KOROBOV, Igor Valentinovich", entry_number=21328)
    bensouda = Designee.objects.create(kind="individual", name="BENSOUDA, Fatou", entry_number=28478)
    Designation.objects.create(designee=gertler, program=glomag, listed_on=datetime.date(2017, 12, 21))
    Designation.objects.create(designee=deboutte, program=glomag, listed_on=datetime.date(2017, 12, 21))
    Designation.objects.create(designee=korobov, program=caatsa, listed_on=datetime.date(2018, 3, 15))
    Designation.objects.create(
        designee=bensouda,
        program=icc,
        status=Designation.Status.DELISTED,
        listed_on=datetime.date(2020, 9, 2),
        delisted_on=datetime.date(2021, 4, 2),
    )
    return {
        "act": act,
        "eo_13818": eo_13818,
        "eo_13928": eo_13928,
        "glomag": glomag,
        "icc": icc,
        "caatsa": caatsa,
        "placeholder": placeholder,
        "belarus": belarus,
    }


# Programs ------------------------------------------------------------------------------------------


def test_program_list_puts_human_rights_first_with_active_counts(client, world):
    response = client.get(reverse("programs:program_list"))

    assert response.status_code == 200
    rows = [(p.code, p.active_count) for p in response.context["programs"]]
    assert rows[0] == ("GLOMAG", 2)
    assert ("ICC", 0) in rows
    assert ("CAATSA - RUSSIA", 1) in rows


def test_program_list_queries_are_pinned(client, django_assert_num_queries, world):
    for number in range(60):
        Program.objects.create(code=f"EO{13000 + number}", name=f"Executive Order {13000 + number}")

    with django_assert_num_queries(5):  # count, page, target countries; the data's version and date
        response = client.get(reverse("programs:program_list"))

    assert len(response.context["programs"]) == 50


def test_program_code_with_spaces_has_a_working_url(client, world):
    url = world["caatsa"].get_absolute_url()

    response = client.get(url)

    assert url == "/programs/CAATSA%20-%20RUSSIA/"
    assert response.status_code == 200
    assert response.context["program"] == world["caatsa"]
    assert [d.designee.name for d in response.context["designations"]] == ["KOROBOV, Igor Valentinovich"]
    assert "Russia" in response.content.decode()


def test_program_page_shows_authorities_and_active_designations_only(client, world):
    response = client.get(world["glomag"].get_absolute_url())

    assert [d.designee.name for d in response.context["designations"]] == [
        "DEBOUTTE, Pieter Albert",
        "GERTLER, Dan",
    ]
    content = response.content.decode()
    assert f'href="{world["eo_13818"].get_absolute_url()}"' in content
    assert f'href="{world["act"].get_absolute_url()}"' in content
    assert "2 designations." in content


def test_ended_program_page_shows_no_active_designations(client, world):
    response = client.get(world["icc"].get_absolute_url())

    assert list(response.context["designations"]) == []
    assert "No designations match." in response.content.decode()


def test_renamed_program_links_to_its_successor_and_back(client, world):
    old_page = client.get(world["placeholder"].get_absolute_url()).content.decode()
    new_page = client.get(world["belarus"].get_absolute_url()).content.decode()

    assert f'href="{world["belarus"].get_absolute_url()}"' in old_page
    assert f'href="{world["placeholder"].get_absolute_url()}"' in new_page


def test_unknown_program_is_404(client, world):
    assert client.get(reverse("programs:program_detail", kwargs={"code": "NO SUCH TAG"})).status_code == 404


def test_program_page_paginates_by_50_with_fixed_queries(client, django_assert_num_queries, world):
    for number in range(55):
        designee = Designee.objects.create(kind="entity", name=f"GERTLER SUBSIDIARY {number:02d} LIMITED")
        Designation.objects.create(designee=designee, program=world["glomag"], listed_on=datetime.date(2018, 6, 15))
    url = world["glomag"].get_absolute_url()

    # program (+ successor), authorities, target countries, replaced programs, count, page; data fingerprint;
    # countries; by-country stats; designations in force; the timeline's listings and delistings by month and
    # listings by year (each placed in a period, and not); the lifecycle of its authorities; the authority
    # choices of the form and its country picker (countries by status); the data's version and date; the allied
    # panel's data version, human-rights designations, their designees' countries and their party links
    with django_assert_num_queries(24):
        first = client.get(url)
    # The aggregates (the picker's counts too) and the data's date are cached for the second page: only the
    # data's version is read.
    with django_assert_num_queries(11):  # and the allied panel's data version
        last = client.get(url, {"page": 2})

    assert len(first.context["designations"]) == 50
    assert len(last.context["designations"]) == 7
    assert 'href="?page=2"' in first.content.decode()


# Authorities ---------------------------------------------------------------------------------------


def test_authority_list_shows_status_and_program_counts(client, world):
    response = client.get(reverse("programs:authority_list"))

    assert response.status_code == 200
    rows = {a.code: (a.get_status_display(), a.program_count) for a in response.context["authorities"]}
    assert rows["eo-13818"] == ("In force", 1)
    assert rows["eo-13928"] == ("Revoked", 1)
    assert rows["eo-14024"] == ("In force", 0)
    assert "1 Apr 2021" in response.content.decode()


def test_authority_list_queries_are_pinned(client, django_assert_num_queries, world):
    for number in range(60):
        Authority.objects.create(code=f"eo-{13000 + number}", kind="executive_order", name=f"E.O. {13000 + number}")

    with django_assert_num_queries(4):  # count, page; the data's version and date
        response = client.get(reverse("programs:authority_list"))

    assert len(response.context["authorities"]) == 50


def test_authority_page_lists_designations_of_its_programs(client, world):
    response = client.get(world["eo_13818"].get_absolute_url())

    assert response.status_code == 200
    assert [d.designee.name for d in response.context["designations"]] == [
        "DEBOUTTE, Pieter Albert",
        "GERTLER, Dan",
    ]
    content = response.content.decode()
    assert f'href="{world["act"].get_absolute_url()}"' in content  # what it implements


def test_authority_page_lists_a_designation_naming_it_once(client, world):
    gertler = Designee.objects.get(entry_number=23252)
    Designation.objects.filter(designee=gertler).update(authority=world["eo_13818"])

    response = client.get(world["eo_13818"].get_absolute_url())

    names = [d.designee.name for d in response.context["designations"]]
    assert names.count("GERTLER, Dan") == 1


def test_revoked_authority_page_shows_its_lifecycle(client, world):
    response = client.get(world["eo_13928"].get_absolute_url())

    content = response.content.decode()
    assert "Revoked" in content
    assert "since 1 Apr 2021" in content
    assert "Revoked by E.O. 14022" in content
    assert [event.kind for event in response.context["authority"].events.all()] == ["signed", "revoked"]
    assert list(response.context["designations"]) == []


def test_authority_page_queries_are_pinned(client, django_assert_num_queries, world):
    for number in range(55):
        designee = Designee.objects.create(kind="individual", name=f"OFFICIAL {number:02d}")
        Designation.objects.create(designee=designee, program=world["glomag"], listed_on=datetime.date(2019, 6, 10))

    # authority (+ ended_by), events, implements, implemented by, target countries, programs, count, page;
    # data fingerprint; countries; by-country stats; in force; the timeline's six (listings and delistings by
    # month, listings by year, each placed in a period and not); the form's program and country pickers (by
    # status, with their names) and its authority choices; the data's version and date; the allied panel's data
    # version and (no) human-rights designations
    with django_assert_num_queries(24):
        response = client.get(world["eo_13818"].get_absolute_url())

    assert response.context["page_obj"].paginator.count == 57


def test_unknown_authority_is_404(client, world):
    assert client.get(reverse("programs:authority_detail", kwargs={"code": "eo-99999"})).status_code == 404


def test_program_page_shows_the_lifecycle_of_its_authorities(client, world):
    response = client.get(world["icc"].get_absolute_url())

    assert [(e.authority.code, e.kind) for e in response.context["lifecycle"]] == [
        ("eo-13928", "signed"),
        ("eo-13928", "revoked"),
    ]
    content = response.content.decode()
    assert "Revoked by E.O. 14022" in content
    assert "(revoked since 1 Apr 2021)" in content


def test_program_page_timeline_and_breakdown_by_country(client, world):
    korobov = Designee.objects.get(entry_number=21328)
    korobov.country_links.create(country=Country.objects.get(code="RU"), role="nationality")

    response = client.get(world["caatsa"].get_absolute_url())

    assert response.context["timeline"]["rows"] == [{"month": "2018-03", "listed": 1, "delisted": 0}]
    assert [(row["code"], row["count"]) for row in response.context["by_country"]] == [("RU", 1)]
    assert response.context["map_chart"]["countries"][0]["numeric"] == "643"


def test_program_page_as_of_shows_designations_in_force_that_day(client, world):
    in_force = client.get(world["icc"].get_absolute_url(), {"as_of": "2021-01-15"})
    after = client.get(world["icc"].get_absolute_url(), {"as_of": "2021-06-01"})

    assert [d.designee.name for d in in_force.context["designations"]] == ["BENSOUDA, Fatou"]
    assert in_force.context["in_force_total"] == 1
    assert list(after.context["designations"]) == []


def test_program_page_filters_its_designations(client, world):
    response = client.get(world["glomag"].get_absolute_url(), {"filtered": "1", "q": "gertler"})

    assert [d.designee.name for d in response.context["designations"]] == ["GERTLER, Dan"]


def test_program_page_links_its_atom_feed(client, world):
    content = client.get(world["caatsa"].get_absolute_url()).content.decode()

    assert 'type="application/atom+xml"' in content
    assert 'href="/programs/CAATSA%20-%20RUSSIA/feed/"' in content


def test_program_page_htmx_request_renders_only_the_table(client, world):
    response = client.get(world["glomag"].get_absolute_url(), {"q": "gertler"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert "<html" not in content
    assert "GERTLER, Dan" in content and "DEBOUTTE" not in content


def test_authority_page_shows_timeline_and_delisted_designations_on_request(client, world):
    response = client.get(world["eo_13928"].get_absolute_url(), {"filtered": "1", "status": ["active", "delisted"]})

    assert [d.designee.name for d in response.context["designations"]] == ["BENSOUDA, Fatou"]
    assert response.context["timeline"]["rows"] == [
        {"month": "2020-09", "listed": 1, "delisted": 0},
        {"month": "2021-04", "listed": 0, "delisted": 1},
    ]
