"""The home page, the base template, and the country and designee pages."""

from __future__ import annotations

import csv
import datetime
import io
import itertools
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations.matching import reset_index
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
    SourceDocument,
)
from importers.models import ImportRun
from programs.models import Authority, Program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    """Page aggregates and the name index are kept by data fingerprint; each test starts cold."""
    cache.clear()
    reset_index()
    yield
    cache.clear()
    reset_index()


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


def test_home_leaves_the_import_log_to_the_admin(client, world):
    ImportRun.objects.create(source="ofac-consolidated", status=ImportRun.Status.FAILED, error="timeout")

    response = client.get(reverse("home"))

    assert "import_runs" not in response.context
    content = response.content.decode()
    assert "Latest imports" not in content and "ofac-consolidated" not in content


def test_every_page_dates_the_data_by_the_list_not_by_the_last_import(client, world):
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        url="https://www.treasury.gov/ofac/downloads/sdn.csv",
        title="OFAC SDN list",
        published_on=datetime.date(2024, 7, 2),
    )
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED)  # a run of today

    for url in ("/", reverse("designations:designation_list"), world["glomag"].get_absolute_url()):
        html = " ".join(client.get(url).content.decode().split())
        assert 'OFAC SDN list as of <time datetime="2024-07-02">2 Jul 2024</time>' in html, url
        assert "the newest snapshot of the list published by OFAC that this site imported" in html, url
        assert "Succeeded" not in html, url


def test_home_works_on_an_empty_database(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No human-rights programs loaded yet." in response.content.decode()


def test_home_costs_a_fixed_number_of_queries(client, django_assert_num_queries, world):
    # data fingerprint, totals, countries, per-country stats, designees, programs, authorities, recent events,
    # programs with counts, per-program-and-month stats (placed in a month, and not); the data's version and
    # date for the page's "OFAC SDN list as of" line
    with django_assert_num_queries(13):
        client.get(reverse("home"))
    for number in range(30):
        person = Designee.objects.create(kind="individual", name=f"Person {number}", entry_number=40000 + number)
        DesigneeCountry.objects.create(designee=person, country=world["china"], role="nationality")
        designate(person, world["glomag"], datetime.date(2022, 12, 9))
        Program.objects.create(code=f"HR{number}", name=f"Program {number}", is_human_rights=True)
        ImportRun.objects.create(source="ofac-sdn")
    cache.clear()

    with django_assert_num_queries(13):
        response = client.get(reverse("home"))

    assert len(response.context["recent_events"]) == 10


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


def test_country_list_shows_every_country_in_one_query(client, django_assert_num_queries, world):
    for number in range(60):
        Country.objects.create(code=f"{chr(65 + number // 26)}{chr(65 + number % 26)}", name=f"Territory {number}")

    # the countries; the data's version and date for the page's "OFAC SDN list as of" line
    with django_assert_num_queries(3):
        response = client.get(reverse("designations:country_list"))

    assert len(response.context["countries"]) == 64


def test_country_list_sorts_by_name_or_count_and_marks_the_sorted_column(client, world):
    by_name = client.get(reverse("designations:country_list"), {"sort": "name"})
    by_count = client.get(reverse("designations:country_list"))

    assert [c.code for c in by_name.context["countries"]] == ["CN", "GM", "HK", "ZW"]
    assert [c.code for c in by_count.context["countries"]][-1] == "GM"  # no active designee: last
    assert 'aria-sort="ascending"' in by_name.content.decode()
    assert 'aria-sort="descending"' in by_count.content.decode()


def test_country_list_finds_a_country_by_a_source_spelling(client, world):
    response = client.get(reverse("designations:country_list"), {"q": "hong"})

    assert [c.code for c in response.context["countries"]] == ["HK"]


def test_country_list_map_data_links_each_country_with_designees(client, world):
    response = client.get(reverse("designations:country_list"))

    rows = response.context["map_chart"]["countries"]
    assert {row["code"]: (row["numeric"], row["count"], row["url"]) for row in rows} == {
        "CN": ("156", 1, "/countries/CN/"),
        "HK": ("344", 1, "/countries/HK/"),
        "ZW": ("716", 1, "/countries/ZW/"),
    }
    content = response.content.decode()
    assert 'id="country-map" type="application/json"' in content
    assert "/static/vendor/world-atlas/countries-110m.json" in content
    assert "/static/vendor/chart.js/chart.umd.min.js" in content


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
    assert "No designations match." in response.content.decode()


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

    # country, spellings, programs, authorities, count, page; data fingerprint; all programs, authorities
    # and countries (to name the stats rows); by program and authority; by country; the timeline's
    # listings and delistings by month and listings by year (each placed in a period, and not); the form's
    # program picker (programs by status, with their names); the data's version and date for the page's "OFAC
    # SDN list as of" line; the allied panel's data version, human-rights designations, their designees'
    # countries and party links
    with django_assert_num_queries(25):
        first = client.get(url)
    # The aggregates (the picker's counts too) and the data's date are cached for the second page: only the
    # data's version is read.
    with django_assert_num_queries(12):  # and the allied panel's data version
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
    # Both requests come right after a change of the data, so both read the data's date afresh (it is kept
    # per data version), whatever ran before in the process.
    client.get(world["chen"].get_absolute_url())
    Alias.objects.create(designee=world["president"], name="MNANGAGWA first alias")
    with CaptureQueriesContext(connection) as baseline:
        client.get(world["president"].get_absolute_url())
    for number in range(10):
        Alias.objects.create(designee=world["president"], name=f"MNANGAGWA alias {number}")
        Identifier.objects.create(designee=world["president"], kind="National ID No.", value=f"6345018{number}P67")

    with django_assert_num_queries(len(baseline)):
        client.get(world["president"].get_absolute_url())
    # designee; aliases, identifiers, addresses, birth dates, places of birth and their countries, country
    # links and their countries, links both ways; designations with program and authority; their events;
    # their conduct categories and citations; the designee's citations; the data's version and date; the
    # stated facts; the allied panel's party links
    assert len(baseline) == 20


def test_designee_page_shows_the_editors_reason_categories_and_citations(client, world):
    from designations.models import AbuseCategory

    designation = world["president"].designations.first()
    designation.curated_reason = "Responsible for the 2019 crackdown on protesters."
    designation.save()
    category, _ = AbuseCategory.objects.get_or_create(
        code="repression-of-protest", defaults={"name": "Repression of protest"}
    )
    designation.categories.add(category)

    from designations.models import Citation

    Citation.objects.create(
        content_object=designation,
        field="curated_reason",
        url="https://home.treasury.gov/news/press-releases/sm1104",
        title="Treasury press release",
    )
    Citation.objects.create(content_object=world["president"], url="https://example.org/profile", title="Profile")

    content = client.get(world["president"].get_absolute_url()).content.decode()

    assert "Responsible for the 2019 crackdown on protesters." in content
    assert category.name in content
    assert 'href="https://home.treasury.gov/news/press-releases/sm1104"' in content
    assert "(for curated_reason)" in content
    assert 'href="https://example.org/profile"' in content


def test_unknown_designee_is_404(client, world):
    assert client.get(reverse("designations:designee_detail", kwargs={"pk": 999999})).status_code == 404


def test_country_page_filters_by_program_kind_status_and_listing_date(client, world):
    url = world["china"].get_absolute_url()
    hong_kong_person = Designee.objects.get(entry_number=29242)
    DesigneeCountry.objects.create(designee=hong_kong_person, country=world["china"], role="address")
    DesigneeCountry.objects.create(designee=world["xpcc"], country=world["china"], role="address")

    def names(**params):
        response = client.get(url, {"filtered": "1", **params})
        assert response.status_code == 200
        return [d.designee.name for d in response.context["designations"]]

    assert names() == ["CHEN, Quanguo", "TANG, Chris", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"]
    assert names(program="GLOMAG") == ["CHEN, Quanguo", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"]
    assert names(program="GLOMAG", kind="individual") == ["CHEN, Quanguo"]
    assert names(listed_after="2020-08-01") == ["TANG, Chris"]
    assert names(status="delisted") == []


def test_country_page_without_filters_shows_active_designations_and_with_them_any_status(client, world):
    gambia = world["gambia"].get_absolute_url()

    assert list(client.get(gambia).context["designations"]) == []
    both = client.get(gambia, {"filtered": "1", "status": ["active", "delisted"]})
    assert [d.designee.name for d in both.context["designations"]] == ["BENSOUDA, Fatou"]
    assert "2 Apr 2021" in both.content.decode()


def test_country_page_as_of_shows_what_was_in_force_that_day(client, world):
    url = world["gambia"].get_absolute_url()

    in_2020 = client.get(url, {"as_of": "2020-12-31"})
    in_2022 = client.get(url, {"as_of": "2022-01-01"})

    assert [d.designee.name for d in in_2020.context["designations"]] == ["BENSOUDA, Fatou"]
    assert in_2020.context["in_force_total"] == 1
    assert "in force on 31 Dec 2020" in in_2020.content.decode()
    assert list(in_2022.context["designations"]) == []
    assert in_2022.context["in_force_total"] == 0


def test_country_page_rejects_a_bad_as_of_date_and_shows_today(client, world):
    response = client.get(world["gambia"].get_absolute_url(), {"as_of": "31/12/2020"})

    assert response.context["as_of"] is None
    assert "is not a date" in response.content.decode()


def test_country_page_counts_by_program_and_singles_out_human_rights(client, world):
    response = client.get(world["china"].get_absolute_url())

    assert [(row["code"], row["count"]) for row in response.context["by_program"]] == [("GLOMAG", 1)]
    assert [row["code"] for row in response.context["human_rights"]] == ["GLOMAG"]
    content = response.content.decode()
    assert "program=GLOMAG&amp;program=HK-EO13936" in content  # the "only human-rights" link


def test_country_page_timeline_counts_listings_and_delistings_by_month(client, world):
    response = client.get(world["gambia"].get_absolute_url())

    timeline = response.context["timeline"]
    assert timeline["rows"] == [
        {"month": "2020-09", "listed": 1, "delisted": 0},
        {"month": "2021-04", "listed": 0, "delisted": 1},
    ]
    content = response.content.decode()
    assert 'id="country-timeline" type="application/json"' in content
    assert '<time datetime="2021-04">2021-04</time>' in content  # the table fallback


def test_country_page_timeline_leaves_out_listings_only_known_as_on_or_before(client, world):
    Designation.objects.filter(designee=world["chen"]).update(listed_precision="on_or_before")

    timeline = client.get(world["china"].get_absolute_url()).context["timeline"]

    assert timeline["rows"] == []
    assert timeline["undated"] == 1


def test_country_page_lists_related_countries_of_its_designees(client, world):
    DesigneeCountry.objects.create(designee=world["president"], country=world["china"], role="address")

    response = client.get(world["china"].get_absolute_url())

    assert [(row["code"], row["count"]) for row in response.context["related_countries"]] == [("ZW", 1)]


def test_country_page_links_its_atom_feed(client, world):
    content = client.get(world["china"].get_absolute_url()).content.decode()

    assert '<link rel="alternate" type="application/atom+xml"' in content
    assert 'href="/countries/CN/feed/"' in content


def test_country_page_htmx_request_renders_only_the_table(client, world, django_assert_num_queries):
    # country, its spellings, programs and authorities; the program asked for; count; page
    with django_assert_num_queries(7):
        response = client.get(
            world["china"].get_absolute_url(), {"filtered": "1", "program": "GLOMAG"}, headers={"HX-Request": "true"}
        )

    content = response.content.decode()
    assert "<html" not in content
    assert "CHEN, Quanguo" in content
    assert response.templates[0].name == "designations/_designation_table.html"


def test_country_page_filter_form_works_without_javascript(client, world):
    content = client.get(world["china"].get_absolute_url()).content.decode()

    assert '<form method="get"' in content
    assert 'name="program"' in content and 'name="kind"' in content and 'name="as_of"' in content
    assert '<label for="id_as_of">' in content


# Designation list ----------------------------------------------------------------------------------------


def test_designation_list_shows_active_designations_by_default(client, world):
    response = client.get(reverse("designations:designation_list"))

    assert response.status_code == 200
    assert response.context["paginator"].count == 4
    assert "BENSOUDA, Fatou" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"program": "HK-EO13936"}, ["TANG, Chris"]),
        ({"country": "zw"}, ["MNANGAGWA, Emmerson Dambudzo"]),
        ({"status": "delisted"}, ["BENSOUDA, Fatou"]),
        ({"kind": "entity"}, ["XINJIANG PRODUCTION AND CONSTRUCTION CORPS"]),
        ({"q": "crocodile"}, ["MNANGAGWA, Emmerson Dambudzo"]),
        (
            {"listed_before": "2020-07-31", "listed_after": "2020-07-31"},
            ["CHEN, Quanguo", "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"],
        ),
        ({"as_of": "2021-01-01", "program": "ICC"}, ["BENSOUDA, Fatou"]),
        ({"identifier": "AD005831"}, ["MNANGAGWA, Emmerson Dambudzo"]),
    ],
)
def test_designation_list_applies_the_api_filters(client, world, params, expected):
    response = client.get(reverse("designations:designation_list"), {"filtered": "1", **params})

    assert response.status_code == 200
    assert sorted(d.designee.name for d in response.context["designations"]) == expected


def test_designation_list_takes_a_comma_list_of_program_ids_as_the_api_does(client, world):
    ids = ",".join(
        str(pk) for pk in Program.objects.filter(code__in=["GLOMAG", "HK-EO13936"]).values_list("pk", flat=True)
    )
    url = reverse("designations:designation_list")

    listed = client.get(url, {"filtered": "1", "program_id": ids})
    refused = client.get(url, {"filtered": "1", "program_id": f"{ids},{10**30}"})

    assert listed.status_code == 200
    programs = {d.program.code for d in listed.context["designations"]}
    assert programs == {"GLOMAG", "HK-EO13936"}
    assert refused.status_code == 400 and "Not a valid id." in refused.content.decode()


def test_designation_list_csv_link_carries_the_same_query(client, world):
    response = client.get(reverse("designations:designation_list"), {"program": "GLOMAG", "kind": "individual"})

    assert response.context["csv_url"] == "/api/designations/?format=csv&program=GLOMAG&kind=individual"
    assert 'href="/api/designations/?format=csv&amp;program=GLOMAG&amp;kind=individual"' in response.content.decode()


def test_designation_list_csv_link_keeps_the_as_of_date(client, world):
    response = client.get(reverse("designations:designation_list"), {"as_of": "2021-01-01"})

    assert response.context["csv_url"] == "/api/designations/?format=csv&as_of=2021-01-01"


def test_designation_list_pagination_keeps_the_filters(client, world):
    for number in range(55):
        person = Designee.objects.create(kind="individual", name=f"OFFICIAL {number:02d}")
        Designation.objects.create(designee=person, program=world["glomag"], listed_on=datetime.date(2022, 12, 9))

    content = client.get(reverse("designations:designation_list"), {"program": "GLOMAG"}).content.decode()

    assert 'href="?program=GLOMAG&amp;page=2"' in content


def test_designation_list_queries_are_pinned(client, django_assert_num_queries, world):
    url = reverse("designations:designation_list")
    # the program asked for; count, page; the data fingerprint and the form's program, authority and country
    # pickers (one grouped query each, cached); the category choices of the form; the data's version and date
    with django_assert_num_queries(10):
        client.get(url, {"program": "GLOMAG"})
    for number in range(60):
        person = Designee.objects.create(kind="individual", name=f"OFFICIAL {number:02d}")
        Designation.objects.create(designee=person, program=world["glomag"], listed_on=datetime.date(2022, 12, 9))

    with django_assert_num_queries(10):  # the data changed: the pickers count again
        response = client.get(url, {"program": "GLOMAG"})

    assert len(response.context["designations"]) == 50


def test_designation_list_htmx_request_renders_only_the_table(client, world):
    response = client.get(
        reverse("designations:designation_list"), {"program": "GLOMAG"}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert "<html" not in content and "<form" not in content
    assert "CHEN, Quanguo" in content


def test_designation_list_filtered_with_htmx_brings_its_csv_link_title_and_status(client, world):
    response = client.get(
        reverse("designations:designation_list"),
        {"filtered": "1", "program": "GLOMAG", "country": "CN"},
        headers={"HX-Request": "true"},
    )

    content = response.content.decode()
    # The link is in the swapped part, with the filters just applied and the number of rows it gives.
    assert 'href="/api/designations/?format=csv&amp;program=GLOMAG&amp;country=CN"' in content
    assert "Download 1 row as CSV" in content  # Chen Quanguo, born in China
    assert "<title>Designations: GLOMAG, China · " in content
    assert '<p id="designations-status" hx-swap-oob="innerHTML">1 designation.</p>' in content


def test_designation_list_csv_link_counts_the_rows_it_downloads(client, world):
    everything = client.get(reverse("designations:designation_list")).content.decode()
    one = client.get(reverse("designations:designation_list"), {"program": "GLOMAG", "kind": "entity"})
    none = client.get(reverse("designations:designation_list"), {"program": "HK-EO13936", "status": "delisted"})

    assert "Download 4 rows as CSV" in everything  # the designations in force, as listed
    assert "Download 1 row as CSV" in one.content.decode()
    assert "as CSV" not in none.content.decode() and "No designations match." in none.content.decode()


def test_designation_list_announces_a_status_line_not_the_table(client, world):
    content = client.get(reverse("designations:designation_list"), {"program": "GLOMAG"}).content.decode()

    assert "aria-live" not in content
    assert '<p id="designations-status" class="results-status" role="status">3 designations.</p>' in content
    status = content.index('id="designations-status"')
    assert status < content.index('id="designations-table"') < content.index("<table")
    then = client.get(reverse("designations:designation_list"), {"as_of": "2021-01-01"}).content.decode()
    assert 'role="status">4 designations in force on 1 Jan 2021.</p>' in then


def test_designation_list_title_says_the_filters_and_the_date(client, world):
    def title(params):
        content = client.get(reverse("designations:designation_list"), params).content.decode()
        return content[content.index("<title>") + 7 : content.index("</title>")].split(" · ")[0]

    assert title({}) == "Designations"
    assert title({"program": "GLOMAG", "country": "CN"}) == "Designations: GLOMAG, China"
    assert (
        title({"filtered": "1", "kind": "individual", "listed_after": "2020-01-01", "q": "chen"})
        == "Designations: Individual, listed on or after 1 Jan 2020, name, alias or identifier contains “chen”"
    )
    assert title({"program": "GLOMAG,HK-EO13936", "as_of": "2021-01-01"}) == (
        "Designations: GLOMAG or HK-EO13936, in force on 1 Jan 2021"
    )
    assert title({"program": "NO-SUCH-PROGRAM"}) == "Designations"  # a filter it cannot use is not named


def test_program_page_is_titled_by_its_name_and_its_filters(client, world):
    page = client.get(world["glomag"].get_absolute_url()).content.decode()
    filtered = client.get(world["glomag"].get_absolute_url(), {"kind": "entity"}, headers={"HX-Request": "true"})

    assert "<title>Global Magnitsky (GLOMAG) · " in page
    assert '<p id="designations-status" class="results-status" role="status">3 designations.</p>' in page
    assert "aria-live" not in page
    content = filtered.content.decode()
    assert "<title>Global Magnitsky (GLOMAG): Entity · " in content
    assert '<p id="designations-status" hx-swap-oob="innerHTML">1 designation.</p>' in content


def test_country_page_announces_only_its_status_line(client, world):
    """The country page holds the live status line outside the table, as the designations page does: a full
    page names the filters in its title, and an htmx answer updates the line out of band."""
    url = world["china"].get_absolute_url()
    page = client.get(url, {"kind": "individual"}).content.decode()
    assert "<title>China: Individual · " in page
    assert 'id="designations-status" class="results-status" role="status">1 designation.' in page
    assert "aria-live" not in page

    content = client.get(url, {"kind": "individual"}, headers={"HX-Request": "true"}).content.decode()
    assert "<title>China: Individual · " in content
    assert '<p id="designations-status" hx-swap-oob="innerHTML">1 designation.</p>' in content
    assert '<p role="status">' not in content


# Designee page, more ---------------------------------------------------------------------------------------


def test_designee_page_shows_each_designation_with_dates_and_sources(client, world):
    source = SourceDocument.objects.create(
        kind="press_release",
        source="treasury-press",
        source_uid="jy1047",
        url="https://home.treasury.gov/news/press-releases/sm1073",
        title="Treasury Sanctions Chinese Entity and Officials Pursuant to Global Magnitsky Executive Order",
        published_on=datetime.date(2020, 7, 31),
    )
    DesignationEvent.objects.filter(designation__designee=world["chen"]).update(source_document=source)

    content = client.get(world["chen"].get_absolute_url()).content.decode()

    assert "GLOMAG" in content
    assert "31 Jul 2020" in content
    assert 'href="https://home.treasury.gov/news/press-releases/sm1073"' in content
    assert "Treasury Sanctions Chinese Entity and Officials" in content


def test_designee_page_draws_a_relationship_graph_with_links(client, world):
    response = client.get(world["xpcc"].get_absolute_url())

    graph = response.context["graph"]
    assert [node["url"] for node in graph["nodes"]] == [world["chen"].get_absolute_url()]
    content = response.content.decode()
    assert '<svg viewBox="0 0 640 360"' in content
    assert f'<a href="{world["chen"].get_absolute_url()}">' in content


def test_designee_page_shows_the_change_history_newest_first(client, world):
    response = client.get(world["bensouda"].get_absolute_url())

    assert [event.kind for event in response.context["history"]] == ["delisted", "listed"]


def test_designee_page_shows_countries_with_their_roles(client, world):
    response = client.get(world["president"].get_absolute_url())

    assert [(country.code, roles) for country, roles, _ in response.context["countries"]] == [
        ("ZW", ["Nationality", "Place of birth"])
    ]


# Search ------------------------------------------------------------------------------------------------


def test_search_finds_a_designee_by_name_in_another_spelling_and_says_why(client, world):
    response = client.get(reverse("designations:search"), {"q": "Chen Quan-guo"})

    results = response.context["results"]
    assert results[0]["designee"] == world["chen"]
    assert results[0]["field"] == "name"
    content = response.content.decode()
    assert "Matched name" in content and "CHEN, Quanguo" in content


def test_search_finds_a_designee_by_chinese_characters(client, world):
    response = client.get(reverse("designations:search"), {"q": "陈全国"})

    assert response.context["results"][0]["designee"] == world["chen"]


def test_search_finds_a_designee_by_identifier(client, world):
    response = client.get(reverse("designations:search"), {"q": "AD005831"})

    results = response.context["results"]
    assert [(r["designee"].name, r["field"]) for r in results] == [("MNANGAGWA, Emmerson Dambudzo", "identifier")]
    assert "Matched the identifier Passport AD005831." in response.content.decode()


def test_search_offers_to_jump_to_a_country_or_program(client, world):
    country = client.get(reverse("designations:search"), {"q": "china"})
    program = client.get(reverse("designations:search"), {"q": "glomag"})

    assert country.context["countries"] == [world["china"]]
    assert 'href="/countries/CN/"' in country.content.decode()
    assert [p.code for p in program.context["programs"]] == ["GLOMAG"]
    assert 'href="/programs/GLOMAG/"' in program.content.decode()


def test_search_with_an_empty_box_shows_the_form_only(client, world, django_assert_num_queries):
    # only the data's version and date, for the page's "OFAC SDN list as of" line
    with django_assert_num_queries(2):
        response = client.get(reverse("designations:search"))

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()


def test_every_page_has_the_search_box(client, world):
    content = client.get(reverse("designations:country_list")).content.decode()

    assert '<form class="site-search" role="search" method="get" action="/search/">' in content


# The filter forms: date boxes, one "as of", editors' filters for editors, URLs without empty boxes -------


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        ("filtered=1&program=GLOMAG&country=&q=&as_of=", "filtered=1&program=GLOMAG"),
        ("program=GLOMAG&program=&program=UHRPA&q=%20", "program=GLOMAG&program=UHRPA"),
        ("q=&as_of=", ""),
    ],
)
def test_empty_filter_boxes_are_dropped_from_the_url(client, world, query, clean):
    response = client.get(f"/designations/?{query}")

    assert response.status_code == 302
    assert response["Location"] == (f"/designations/?{clean}" if clean else "/designations/")


@pytest.mark.parametrize(
    ("query", "clean"),
    [
        # The page's own "Active" and a day chosen: the day decides what is in force, not today's status.
        ("filtered=1&status_default=active&status=active&as_of=2019-01-01", "filtered=1&as_of=2019-01-01"),
        # No day: the status stays, the marker goes.
        ("filtered=1&status_default=active&status=active&kind=entity", "filtered=1&status=active&kind=entity"),
        # The reader changed the boxes: kept, day or not.
        (
            "filtered=1&status_default=active&status=delisted&as_of=2019-01-01",
            "filtered=1&status=delisted&as_of=2019-01-01",
        ),
        ("filtered=1&status_default=active&as_of=2019-01-01", "filtered=1&as_of=2019-01-01"),
    ],
)
def test_a_day_chosen_replaces_the_status_the_page_checked_by_itself(client, world, query, clean):
    response = client.get(f"/countries/CN/?{query}")

    assert response.status_code == 302
    assert response["Location"] == f"/countries/CN/?{clean}"


def test_the_form_marks_the_status_the_page_checked_by_itself_only(client, world):
    marker = '<input type="hidden" name="status_default" value="active">'
    assert marker in client.get("/designations/").content.decode()
    assert '<input type="checkbox" name="status" value="active" id="id_status_0" checked>' in (
        client.get("/designations/").content.decode()
    )
    assert marker not in client.get("/designations/?filtered=1&status=active").content.decode()
    assert marker not in client.get("/designations/?as_of=2020-01-01").content.decode()


def test_a_url_of_filters_in_use_is_answered_as_it_is(client, world):
    assert client.get("/designations/?filtered=1&program=GLOMAG").status_code == 200
    assert client.get("/countries/CN/?q=&kind=individual").status_code == 302


def test_filter_form_dates_are_date_boxes_with_one_as_of(client, world):
    page = client.get("/designations/").content.decode()

    for name in ("listed_after", "listed_before", "delisted_after", "delisted_before", "as_of"):
        assert re.search(rf'<input type="date"\s+name="{name}"', page), name
    assert page.count('id="id_as_of"') == 1


def test_editors_filters_are_on_the_form_for_editors_only(client, admin_client, world):
    anonymous = client.get("/designations/").content.decode()
    editor = admin_client.get("/designations/").content.decode()

    for name in ("review_state", "designee_id"):
        assert f'name="{name}"' not in anonymous
        assert f'name="{name}"' in editor
    # The query string still takes them from anyone.
    assert client.get("/designations/?review_state=reviewed").status_code == 200


def test_record_pages_say_how_to_cite_them_with_the_datas_date(client, world):
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        title="OFAC SDN list",
        published_on=datetime.date(2024, 7, 2),
    )
    chen = world["chen"]
    for path, title in (
        (chen.get_absolute_url(), chen.name),
        ("/countries/CN/", "China"),
        ("/programs/GLOMAG/?as_of=2022-01-01", world["glomag"].name),
    ):
        page = client.get(path).content.decode()
        cite = re.search(r'<span class="cite-text">(.*?)</span>', page, re.S).group(1)
        text = " ".join(cite.split())
        assert f"Designation tracker, “{title}”" in text, path
        assert "Data: OFAC SDN list as of 2 July 2024." in text, path
        assert f"http://testserver{path}" in text, path
    assert "as in force on 1 January 2022" in text


def test_a_timelines_figures_download_as_csv_and_add_up_to_the_chart(client, world):
    page = client.get("/countries/CN/")
    html = page.content.decode()
    links = re.findall(r'href="(/api/stats/\?country=CN[^"]*format=csv)"', html)
    assert len(links) == 2
    timeline = page.context["timeline"]
    for link, figure in zip(links, ("listed", "delisted"), strict=True):
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        # The months the chart places a listing in, and no other: the undated ones have no month.
        assert sum(int(row["count"]) for row in rows if row["month"]) == timeline[figure], figure
    assert timeline["listed"] > 0
    # Not offered "as of" a day: the chart's figures then stop at that day, the download's would not.
    assert "format=csv" not in client.get("/countries/CN/?as_of=2022-01-01").content.decode().split("chart-data")[-1]


def test_a_timelines_chart_runs_through_every_month(client, world):
    """Months without a listing or delisting are on the chart's axis at zero (a 2020-08 bar no longer stands
    beside a 2021-07 one); the table lists only the months with figures."""
    program = Program.objects.create(code="TEST-EO", name="A test program", status=Program.Status.ACTIVE)
    Designation.objects.create(
        designee=world["chen"], program=program, listed_on=datetime.date(2021, 12, 10), listed_precision="day"
    )
    timeline = client.get("/countries/CN/").context["timeline"]
    labels = timeline["chart"]["labels"]
    months = [row["month"] for row in timeline["rows"]]

    assert labels[0] == months[0] and labels[-1] == months[-1]
    assert len(labels) > len(months) >= 2  # months apart, with empty months between
    for before, after in itertools.pairwise(labels):
        year, month = int(before[:4]), int(before[5:])
        assert after == (f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}")
    listings, delistings = (series["data"] for series in timeline["chart"]["series"])
    assert sum(listings) == timeline["listed"] and sum(delistings) == timeline["delisted"]
    shown = dict(zip(labels, listings, strict=True))
    assert all(shown[row["month"]] == row["listed"] for row in timeline["rows"])
