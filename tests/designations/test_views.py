"""The home page, the base template, and the country and designee pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations.models import (
    Alias,
    BirthDate,
    Country,
    CountryName,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
)
from importers.models import ImportRun
from programs.models import Authority, Program

pytestmark = pytest.mark.django_db


def designate(designee, program, listed_on, *, delisted_on=None, run=None):
    """A designation with its listing (and delisting) events, as an import records them."""
    designation = Designation.objects.create(
        designee=designee,
        program=program,
        listed_on=listed_on,
        listed_precision="day",
        status="delisted" if delisted_on else "active",
        delisted_on=delisted_on,
    )
    DesignationEvent.objects.create(designation=designation, kind="listed", occurred_on=listed_on, import_run=run)
    if delisted_on:
        DesignationEvent.objects.create(designation=designation, kind="delisted", occurred_on=delisted_on)
    return designation


@pytest.fixture
def world():
    """Real SDN entries: Zimbabwe's president, Chen Quanguo (tied to China only by his place of birth),
    Hong Kong's police commissioner, and an ICC official delisted when E.O. 13928 was revoked."""
    china = Country.objects.create(code="CN", name="China", numeric="156")
    zimbabwe = Country.objects.create(code="ZW", name="Zimbabwe", numeric="716")
    hong_kong = Country.objects.create(code="HK", name="Hong Kong", numeric="344")
    gambia = Country.objects.create(code="GM", name="Gambia", numeric="270")
    CountryName.objects.create(name="Hong Kong", country=hong_kong)
    act = Authority.objects.create(
        code="global-magnitsky-act",
        kind=Authority.Kind.STATUTE,
        name="Global Magnitsky Human Rights Accountability Act",
        is_human_rights=True,
    )
    eo_13936 = Authority.objects.create(
        code="eo-13936", kind=Authority.Kind.EXECUTIVE_ORDER, name="Executive Order 13936", is_human_rights=True
    )
    eo_13936.target_countries.add(hong_kong, china)
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", family="human_rights", is_human_rights=True)
    glomag.authorities.add(act)
    hk = Program.objects.create(code="HK-EO13936", name="Hong Kong", family="human_rights", is_human_rights=True)
    hk.authorities.add(eo_13936)
    hk.target_countries.add(hong_kong, china)
    icc = Program.objects.create(code="ICC", name="International Criminal Court", family="other", status="ended")
    Program.objects.create(code="CAATSA - RUSSIA", name="CAATSA - Russia", family="country")

    run = ImportRun.objects.create(
        source="ofac-sdn",
        status=ImportRun.Status.SUCCEEDED,
        trigger=ImportRun.Trigger.CLI,
        finished_at=datetime.datetime(2024, 7, 3, 6, 2, tzinfo=datetime.UTC),
        records=17452,
        created=17452,
    )
    president = Designee.objects.create(
        kind="individual", name="MNANGAGWA, Emmerson Dambudzo", entry_number=7513, title="President of Zimbabwe"
    )
    Alias.objects.create(designee=president, name="CROCODILE", strength="weak")
    Identifier.objects.create(designee=president, kind="Passport", value="AD005831", country_text="Zimbabwe")
    BirthDate.objects.create(designee=president, raw="15 Sep 1946")
    PlaceOfBirth.objects.create(designee=president, place="Zvishavane, Zimbabwe", country=zimbabwe)
    DesigneeCountry.objects.create(designee=president, country=zimbabwe, role="nationality")
    DesigneeCountry.objects.create(designee=president, country=zimbabwe, role="place_of_birth")
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    PlaceOfBirth.objects.create(designee=chen, place="Pingyu, Henan, China", country=china)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    xpcc = Designee.objects.create(kind="entity", name="XINJIANG PRODUCTION AND CONSTRUCTION CORPS", entry_number=29299)
    Relationship.objects.create(from_designee=xpcc, to_designee=chen, to_name="CHEN, Quanguo")
    tang = Designee.objects.create(kind="individual", name="TANG, Chris", entry_number=29242)
    DesigneeCountry.objects.create(designee=tang, country=hong_kong, role="nationality")
    bensouda = Designee.objects.create(kind="individual", name="BENSOUDA, Fatou", entry_number=28478)
    DesigneeCountry.objects.create(designee=bensouda, country=gambia, role="nationality")

    designate(president, glomag, datetime.date(2024, 3, 4), run=run)
    designate(chen, glomag, datetime.date(2020, 7, 31), run=run)
    designate(xpcc, glomag, datetime.date(2020, 7, 31), run=run)
    designate(tang, hk, datetime.date(2020, 8, 7), run=run)
    designate(bensouda, icc, datetime.date(2020, 9, 2), delisted_on=datetime.date(2021, 4, 2))
    return {
        "china": china,
        "zimbabwe": zimbabwe,
        "gambia": gambia,
        "president": president,
        "chen": chen,
        "xpcc": xpcc,
        "bensouda": bensouda,
        "glomag": glomag,
        "run": run,
    }


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


# Home page ---------------------------------------------------------------------------------------


def test_home_counts_active_designations_designees_programs_countries_and_authorities(client, world):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert response.context["counts"] == {
        "active_designations": 4,
        "active_designees": 4,
        "designees": 5,
        "programs": 4,
        # China (Chen's place of birth), Zimbabwe, Hong Kong; Gambia's only designee was delisted.
        "countries": 3,
        "authorities": 2,
    }
    content = response.content.decode()
    assert '<span class="figure" data-count="active_designations">4</span>' in content


def test_home_lists_recent_listings_and_delistings_newest_first_with_designee_links(client, world):
    response = client.get(reverse("home"))

    events = response.context["recent_events"]
    assert [(event.kind, event.designation.designee.name) for event in events[:3]] == [
        ("listed", "MNANGAGWA, Emmerson Dambudzo"),
        ("delisted", "BENSOUDA, Fatou"),
        ("listed", "BENSOUDA, Fatou"),
    ]
    content = response.content.decode()
    assert f'href="{world["president"].get_absolute_url()}"' in content


def test_home_shows_at_most_ten_recent_events_and_skips_amendments(client, world):
    designation = world["president"].designations.get()
    for day in range(1, 15):
        DesignationEvent.objects.create(
            designation=designation, kind="amended", occurred_on=datetime.date(2025, 1, day)
        )

    response = client.get(reverse("home"))

    events = response.context["recent_events"]
    assert len(events) == 6  # the 4 listings and the delisting and listing of the ICC designation
    assert all(event.kind != "amended" for event in events)


def test_home_shows_human_rights_programs_with_active_counts(client, world):
    response = client.get(reverse("home"))

    assert [(p.code, p.active_count) for p in response.context["human_rights_programs"]] == [
        ("GLOMAG", 3),
        ("HK-EO13936", 1),
    ]


def test_home_shows_the_latest_import_runs(client, world):
    ImportRun.objects.create(source="ofac-consolidated", status=ImportRun.Status.FAILED, error="timeout")

    response = client.get(reverse("home"))

    assert [run.source for run in response.context["import_runs"]] == ["ofac-consolidated", "ofac-sdn"]
    content = response.content.decode()
    assert "17,452" in content
    assert "3 Jul 2024 06:02" in content


def test_home_works_on_an_empty_database(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "Nothing imported yet." in response.content.decode()


def test_home_costs_a_fixed_number_of_queries(client, django_assert_num_queries, world):
    with django_assert_num_queries(8):
        client.get(reverse("home"))
    for number in range(30):
        person = Designee.objects.create(kind="individual", name=f"Person {number}", entry_number=40000 + number)
        DesigneeCountry.objects.create(designee=person, country=world["china"], role="nationality")
        designate(person, world["glomag"], datetime.date(2022, 12, 9))
        Program.objects.create(code=f"HR{number}", name=f"Program {number}", is_human_rights=True)
        ImportRun.objects.create(source="ofac-sdn")

    with django_assert_num_queries(8):
        response = client.get(reverse("home"))

    assert len(response.context["recent_events"]) == 10
    assert len(response.context["import_runs"]) == 5


# Base template -------------------------------------------------------------------------------------


def test_base_template_has_landmarks_skip_link_nav_and_local_pico(client, world):
    content = client.get(reverse("home")).content.decode()

    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in content
    assert '<a class="skip-link" href="#main">' in content
    assert '<link rel="stylesheet" href="/static/vendor/pico/pico.min.css">' in content
    assert "cdn" not in content.lower()
    assert 'href="https://' not in content and 'src="https://' not in content
    for url in ("/", "/api/", "/api/docs/", "/admin/"):
        assert f'href="{url}"' in content
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in content


def test_nav_marks_the_current_page(client, world):
    content = client.get(reverse("designations:country_list")).content.decode()

    assert 'href="/countries/" aria-current="page"' in content
    assert 'href="/programs/" aria-current="page"' not in content


# Countries -------------------------------------------------------------------------------------------


def test_country_list_shows_active_designee_counts(client, world):
    response = client.get(reverse("designations:country_list"))

    counts = {country.code: country.active_designees for country in response.context["countries"]}
    assert counts == {"CN": 1, "ZW": 1, "HK": 1, "GM": 0}


def test_country_list_queries_are_pinned(client, django_assert_num_queries, world):
    for number in range(60):
        Country.objects.create(code=f"{chr(65 + number // 26)}{chr(65 + number % 26)}", name=f"Territory {number}")

    with django_assert_num_queries(2):  # count, page
        response = client.get(reverse("designations:country_list"))

    assert len(response.context["countries"]) == 50


def test_country_page_lists_designees_tied_by_place_of_birth(client, world):
    response = client.get(world["china"].get_absolute_url())

    assert response.status_code == 200
    assert [d.designee.name for d in response.context["designations"]] == ["CHEN, Quanguo"]
    content = response.content.decode()
    assert "HK-EO13936" in content  # a program aimed at China
    assert "Executive Order 13936" in content  # an authority aimed at China


def test_country_page_counts_a_designee_once_whatever_the_number_of_roles(client, world):
    response = client.get(world["zimbabwe"].get_absolute_url())

    assert [d.designee.name for d in response.context["designations"]] == ["MNANGAGWA, Emmerson Dambudzo"]


def test_country_page_leaves_out_delisted_designations(client, world):
    response = client.get(world["gambia"].get_absolute_url())

    assert list(response.context["designations"]) == []
    assert "No active designations." in response.content.decode()


def test_country_page_accepts_a_lower_case_code(client, world):
    response = client.get(reverse("designations:country_detail", kwargs={"code": "cn"}))

    assert response.context["country"] == world["china"]


def test_unknown_country_is_404(client, world):
    assert client.get(reverse("designations:country_detail", kwargs={"code": "XX"})).status_code == 404


def test_country_page_paginates_by_50_with_fixed_queries(client, django_assert_num_queries, world):
    for number in range(55):
        person = Designee.objects.create(kind="individual", name=f"ZHANG, Person {number:02d}")
        DesigneeCountry.objects.create(designee=person, country=world["china"], role="nationality")
        Designation.objects.create(designee=person, program=world["glomag"], listed_on=datetime.date(2022, 12, 9))
    url = world["china"].get_absolute_url()

    # country, spellings, programs, authorities, count, page
    with django_assert_num_queries(6):
        first = client.get(url)
    with django_assert_num_queries(6):
        second = client.get(url, {"page": 2})

    assert len(first.context["designations"]) == 50
    assert len(second.context["designations"]) == 6
    assert first.context["page_obj"].paginator.count == 56
    assert 'href="?page=2"' in first.content.decode()


# Designees -------------------------------------------------------------------------------------------


def test_designee_page_shows_facts_and_all_designations(client, world):
    response = client.get(world["president"].get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    for fact in ("MNANGAGWA, Emmerson Dambudzo", "OFAC entry 7513", "CROCODILE", "AD005831", "15 Sep 1946"):
        assert fact in content
    assert "Zvishavane, Zimbabwe" in content
    assert f'href="{world["zimbabwe"].get_absolute_url()}"' in content
    assert [d.program.code for d in response.context["designations"]] == ["GLOMAG"]


def test_designee_page_shows_a_delisted_designation_with_its_end_date(client, world):
    response = client.get(world["bensouda"].get_absolute_url())

    content = response.content.decode()
    assert "Delisted" in content
    assert "2 Apr 2021" in content


def test_designee_page_links_relationships_both_ways(client, world):
    entity_page = client.get(world["xpcc"].get_absolute_url()).content.decode()
    person_page = client.get(world["chen"].get_absolute_url()).content.decode()

    assert f'href="{world["chen"].get_absolute_url()}"' in entity_page
    assert f'href="{world["xpcc"].get_absolute_url()}"' in person_page


def test_designee_page_queries_are_pinned(client, django_assert_num_queries, world):
    # The designee; its aliases, identifiers, addresses, birth dates, places of birth, country links and
    # their countries, outgoing and incoming links (empty, so their designees cost nothing); its designations.
    with CaptureQueriesContext(connection) as baseline:
        client.get(world["president"].get_absolute_url())
    for number in range(10):
        Alias.objects.create(designee=world["president"], name=f"MNANGAGWA alias {number}")
        Identifier.objects.create(designee=world["president"], kind="National ID No.", value=f"6345018{number}P67")

    with django_assert_num_queries(len(baseline)):
        client.get(world["president"].get_absolute_url())
    assert len(baseline) == 11


def test_unknown_designee_is_404(client, world):
    assert client.get(reverse("designations:designee_detail", kwargs={"pk": 999999})).status_code == 404
