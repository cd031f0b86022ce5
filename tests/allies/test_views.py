"""The coordination overview page and the allied panel of the designee page, over small made-up data: one US
human-rights program with four designees, each ally acting differently, plus a program of another kind."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from allies import views
from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from designations.models import DatePrecision, Designation
from tests.factories import CountryFactory, DesignationFactory, DesigneeCountryFactory, DesigneeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("allies:coordination")
US_DAY = datetime.date(2021, 3, 22)


def entry(publisher: str, uid: str, name: str, *, regime_code: str, listed_on=None, dates=(), regime="") -> AlliedEntry:
    allied = AlliedEntry.objects.create(
        publisher=publisher,
        list_slug=f"{publisher}-list",
        source_uid=uid,
        source=f"{publisher}-list-format",
        kind="individual",
        name=name,
    )
    AlliedDesignation.objects.create(
        entry=allied,
        regime=regime or regime_code,
        regime_code=regime_code,
        theme="human_rights",
        listed_on=listed_on,
        dates=list(dates),
    )
    return allied


def link(designee, allied, state=PartyLink.State.LINKED) -> PartyLink:
    return PartyLink.objects.create(
        designee=designee,
        entry=allied,
        state=state,
        score=0.97,
        features={"name": 0.97, "birth_date": "agrees", "rule": "name, birth date agrees"},
    )


@pytest.fixture
def world():
    """``first`` is listed by the US on 22 Mar 2021 and, for the same party, by the UK the same day (its own
    date), the EU a week later (a regulation date: a stand-in) and Canada two years before; Australia never.
    ``second`` (a Chinese national) only has a UK entry waiting for review, and a rejected EU one. ``third``
    is under another human-rights program, ``other`` under a program that is not about human rights."""
    cache.clear()
    china = CountryFactory(code="CN", name="China")
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky", is_human_rights=True)
    other_hr = ProgramFactory(code="HR-OTHER", name="Another human-rights program", is_human_rights=True)
    plain = ProgramFactory(code="PLAIN", name="Not a human-rights program", is_human_rights=False)
    first = DesigneeFactory(name="FIRST, Person")
    second = DesigneeFactory(name="SECOND, Person")
    third = DesigneeFactory(name="THIRD, Person")
    other = DesigneeFactory(name="OTHER, Person")
    DesigneeCountryFactory(designee=second, country=china, role="nationality")
    for designee, program in ((first, glomag), (second, glomag), (third, other_hr), (other, plain)):
        DesignationFactory(designee=designee, program=program, listed_on=US_DAY, listed_precision=DatePrecision.DAY)
    uk = entry("uk", "GHR0001", "PERSON FIRST", regime_code="UK-GHR", listed_on=US_DAY)
    eu = entry(
        "eu",
        "EU.1.2",
        "FIRST Person",
        regime_code="EU-HR",
        dates=[{"kind": "regulation_published", "date": "2021-03-29", "raw": "2021/478", "note": ""}],
    )
    ca = entry("ca", "CA-1", "Person First", regime_code="CA-JVCFOA", listed_on=datetime.date(2019, 3, 1))
    link(first, uk)
    link(first, eu, PartyLink.State.CONFIRMED)
    link(first, ca, PartyLink.State.MANUAL)
    link(second, entry("uk", "GHR0002", "PERSON SECOND", regime_code="UK-GHR", listed_on=US_DAY), "pending")
    link(second, entry("eu", "EU.9.9", "SECOND Person", regime_code="EU-HR", listed_on=US_DAY), "rejected")
    yield {"first": first, "second": second, "third": third, "other": other}
    cache.clear()


def figures(response) -> dict:
    return {ally["ally"]: ally for ally in response.context["allies"]}


def test_overview_counts_what_each_ally_did_about_the_us_human_rights_designations(client, world):
    response = client.get(OVERVIEW)

    assert response.status_code == 200
    assert response.context["total"] == 3  # the program that is not about human rights is left out
    per_ally = figures(response)
    assert per_ally["uk"]["designated_by_ally"] == 1  # the pending UK entry of SECOND does not count
    assert {r["name"]: r["count"] for r in per_ally["uk"]["relations"]}["same_day"] == 1
    assert {r["name"]: r["count"] for r in per_ally["eu"]["relations"]}["within_30_days"] == 1
    assert {r["name"]: r["count"] for r in per_ally["ca"]["relations"]}["ally_before"] == 1
    assert per_ally["au"]["designated_by_ally"] == 0
    assert per_ally["eu"]["median"] == 7
    assert per_ally["ca"]["ally_first"] == 1
    assert per_ally["eu"]["exactly_dated_pairs_on_stand_ins"] == 1
    # The 2021 share: one of the three US designations coordinated by the UK and by the EU, none by Canada.
    (year,) = response.context["years"]
    assert year["year"] == "2021"
    assert [cell["coordinated"] for cell in year["cells"]] == [1, 1, 0, 0]
    assert response.context["chart"]["series"][0]["data"] == [33.3]


def test_overview_labels_the_eu_regulation_date_as_a_stand_in(client, world):
    page = client.get(OVERVIEW).content.decode()

    assert "stand-in: date of the EU regulation listing the entry" in page
    assert '<time datetime="2021-03-29">29 Mar 2021</time>' in page
    assert "the publisher&#x27;s listing date" in page
    assert 'id="method"' in page


def test_overview_rows_link_to_the_designee_pages(client, world):
    page = client.get(OVERVIEW).content.decode()

    for name in ("first", "second", "third"):
        assert f'href="{world[name].get_absolute_url()}"' in page
    assert world["other"].get_absolute_url() not in page


def test_program_filter_narrows_figures_and_rows(client, world):
    response = client.get(OVERVIEW, {"program": "HR-OTHER"})

    assert response.status_code == 200
    assert response.context["total"] == 1
    assert [row["designee_name"] for row in response.context["rows"]] == ["THIRD, Person"]
    assert figures(response)["uk"]["designated_by_ally"] == 0


def test_country_filter_keeps_the_designees_of_that_country(client, world):
    response = client.get(OVERVIEW, {"country": "CN"})

    assert [row["designee_name"] for row in response.context["rows"]] == ["SECOND, Person"]


def test_ally_and_relation_narrow_only_the_rows(client, world):
    response = client.get(OVERVIEW, {"ally": "ca", "relation": "ally_before"})

    assert response.status_code == 200
    assert [row["designee_name"] for row in response.context["rows"]] == ["FIRST, Person"]
    assert response.context["total"] == 3  # the figures still cover every US designation
    assert client.get(OVERVIEW, {"ally": "au"}).context["rows"] == []


@pytest.mark.parametrize(
    "query",
    [{"program": "NO-SUCH-PROGRAM"}, {"country": "ZZ"}, {"relation": "same_day"}, {"ally": "us"}],
    ids=["program", "country", "relation-without-ally", "ally"],
)
def test_a_filter_the_page_cannot_use_is_a_400_with_the_message(client, world, query):
    response = client.get(OVERVIEW, query)

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_rows_are_paginated_keeping_the_filters(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)

    first_page = client.get(OVERVIEW, {"program": "GLOMAG,HR-OTHER"})
    second_page = client.get(OVERVIEW, {"program": "GLOMAG,HR-OTHER", "page": 2})

    assert len(first_page.context["rows"]) == 2
    assert 'href="?program=GLOMAG%2CHR-OTHER&amp;page=2"' in first_page.content.decode()
    assert [row["designee_name"] for row in second_page.context["rows"]] == ["THIRD, Person"]
    assert client.get(OVERVIEW, {"page": 9}).status_code == 404
    assert client.get(OVERVIEW, {"page": "x"}).status_code == 400


def test_overview_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        client.get(OVERVIEW)
    glomag = world["first"].designations.get().program
    for number in range(20):
        designee = DesigneeFactory(name=f"MORE, Person {number}")
        DesignationFactory(designee=designee, program=glomag, listed_on=US_DAY)
        link(designee, entry("uk", f"GHR1{number:03}", f"PERSON MORE {number}", regime_code="UK-GHR"))
    cache.clear()

    with django_assert_max_num_queries(len(baseline)):
        response = client.get(OVERVIEW)
    assert response.context["total"] == 23


def test_the_site_navigation_links_the_overview(client, world):
    page = client.get(OVERVIEW).content.decode()

    assert f'<a href="{OVERVIEW}" aria-current="page">Allies</a>' in page


def test_overview_links_the_api_and_csv_with_the_same_filters(client, world):
    page = client.get(OVERVIEW, {"program": "GLOMAG"}).content.decode()

    api = reverse("allies-api:coordination")
    assert f'href="{api}?format=csv&amp;program=GLOMAG"' in page
    csv = client.get(f"{api}?format=csv&program=GLOMAG")
    assert csv.status_code == 200
    lines = b"".join(csv.streaming_content).decode().strip().splitlines()
    assert len(lines) == 1 + 2  # the header and the two GLOMAG rows


# The designee page -------------------------------------------------------------------------------------


def allied_panel(page: str) -> str:
    start = page.index('id="allied-designations"')
    return page[start : page.index("</section>", start)]


def test_designee_page_lists_the_allied_designations_beside_the_us_ones(client, world):
    page = client.get(world["first"].get_absolute_url()).content.decode()
    panel = allied_panel(page)

    assert page.index('id="designations"') < page.index('id="allied-designations"')
    for text in ("uk-list", "GHR0001", "UK-GHR", "eu-list", "EU.1.2", "ca-list", "CA-JVCFOA"):
        assert text in panel
    assert "stand-in: date of the EU regulation listing the entry" in panel
    assert '<time datetime="2019-03-01">1 Mar 2019</time>' in panel
    assert "Linked automatically" in panel
    assert "Confirmed by an editor" in panel
    assert "Linked by an editor" in panel
    # Each ally's relation to the US listing.
    assert "Same day" in panel
    assert "Within 30 days" in panel
    assert "Ally first (over 30 days before)" in panel
    assert "Not designated" in panel


def test_designee_page_shows_no_rejected_entry_and_only_counts_pending_ones(client, world):
    panel = allied_panel(client.get(world["second"].get_absolute_url()).content.decode())

    assert "GHR0002" not in panel  # waiting for review
    assert "EU.9.9" not in panel  # rejected by an editor
    assert "1 possible match on the allied lists waits for an editor" in panel
    assert "No entry of the UK, EU, Canadian or Australian lists is tied to this designee." in panel


def test_designee_page_without_allied_links_has_no_panel(client, world):
    page = client.get(world["third"].get_absolute_url()).content.decode()

    assert 'id="allied-designations"' not in page


def test_designee_page_panel_follows_an_editors_decision(client, world):
    link_ = PartyLink.objects.get(designee=world["second"], entry__source_uid="GHR0002")
    link_.state = PartyLink.State.CONFIRMED
    link_.save()
    cache.clear()

    panel = allied_panel(client.get(world["second"].get_absolute_url()).content.decode())

    assert "GHR0002" in panel
    assert "Confirmed by an editor" in panel


def test_designation_of_another_designee_is_not_compared(world):
    # The panel's relations are the designee's own US human-rights designations only.
    panel = views.designee_allied_panel(world["first"])

    assert [row["program"] for row in panel["relations"]] == ["GLOMAG"]
    assert Designation.objects.filter(program__is_human_rights=True).count() == 3


def test_chart_runs_through_every_year_leaving_years_without_us_designations_blank(client, world):
    glomag = world["first"].designations.get().program
    DesignationFactory(designee=DesigneeFactory(), program=glomag, listed_on=datetime.date(2019, 5, 1))

    chart = client.get(OVERVIEW).context["chart"]

    assert chart["labels"] == ["2019", "2020", "2021"]
    uk = chart["series"][0]["data"]
    assert uk == [0.0, None, 33.3]  # one of the three 2021 designations coordinated by the UK


def subject_panel(page: str) -> str:
    start = page.find('aria-labelledby="allied-coordination"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def cells(panel: str, ally: str) -> list[str]:
    row = panel[panel.find(f'<th scope="row">{ally}</th>') :]
    row = row[: row.find("</tr>")]
    return [cell.split("<")[0].strip() for cell in row.split("<td>")[1:]]


def test_program_and_country_pages_say_what_the_allies_did(client, world):
    """The program page counts its own US designations, the country page those of its designees, each per
    ally, with a link to the rows of the coordination page."""
    from designations.models import Country

    glomag = world["first"].designations.get().program
    program = subject_panel(client.get(glomag.get_absolute_url()).content.decode())
    assert "Of the 2 US human-rights" in program  # FIRST and SECOND under GLOMAG
    # Also designated, same day, within 30 days, ally first, ally later, uncertain.
    assert cells(program, "United Kingdom")[:6] == ["1", "1", "0", "0", "0", "0"]
    assert cells(program, "European Union")[:6] == ["1", "0", "1", "0", "0", "0"]
    assert cells(program, "Canada")[:6] == ["1", "0", "0", "1", "0", "0"]
    assert f'href="{OVERVIEW}?program=GLOMAG"' in program

    china = subject_panel(client.get(Country.objects.get(code="CN").get_absolute_url()).content.decode())
    assert "Of the 1 US human-rights" in china  # SECOND only: a pending UK entry and a rejected EU one count not
    assert cells(china, "United Kingdom")[0] == "0" and cells(china, "European Union")[0] == "0"


def test_pages_of_programs_outside_human_rights_have_no_allied_panel(client, world):
    plain = world["other"].designations.get().program
    assert subject_panel(client.get(plain.get_absolute_url()).content.decode()) == ""
