"""Atom feeds of listings and delistings per country and per program."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from designations.models import Country, Designation, DesignationEvent, Designee, DesigneeCountry
from programs.models import Program

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    """Chen Quanguo (GLOMAG, tied to China by his place of birth) and Fatou Bensouda (ICC, listed in 2020 and
    delisted in 2021 when E.O. 13928 was revoked)."""
    china = Country.objects.create(code="CN", name="China", numeric="156")
    gambia = Country.objects.create(code="GM", name="Gambia", numeric="270")
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", is_human_rights=True)
    icc = Program.objects.create(code="ICC", name="International Criminal Court", status="ended")
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    bensouda = Designee.objects.create(kind="individual", name="BENSOUDA, Fatou", entry_number=28478)
    DesigneeCountry.objects.create(designee=bensouda, country=gambia, role="nationality")
    listed = Designation.objects.create(designee=chen, program=glomag, listed_on=datetime.date(2020, 7, 31))
    DesignationEvent.objects.create(designation=listed, kind="listed", occurred_on=datetime.date(2020, 7, 31))
    DesignationEvent.objects.create(designation=listed, kind="amended", occurred_on=datetime.date(2023, 1, 5))
    ended = Designation.objects.create(
        designee=bensouda,
        program=icc,
        status="delisted",
        listed_on=datetime.date(2020, 9, 2),
        delisted_on=datetime.date(2021, 4, 2),
    )
    DesignationEvent.objects.create(designation=ended, kind="listed", occurred_on=datetime.date(2020, 9, 2))
    DesignationEvent.objects.create(designation=ended, kind="delisted", occurred_on=datetime.date(2021, 4, 2))
    return {"china": china, "gambia": gambia, "glomag": glomag, "icc": icc, "chen": chen, "bensouda": bensouda}


def entries(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    return [
        (
            entry.findtext(f"{ATOM}title"),
            entry.find(f"{ATOM}link").get("href"),
            entry.findtext(f"{ATOM}updated")[:10],
        )
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_country_feed_lists_listings_of_parties_tied_to_the_country(client, world):
    response = client.get(reverse("designations:country_feed", kwargs={"code": "cn"}))

    assert entries(response) == [
        (
            "Listed on 31 Jul 2020: CHEN, Quanguo (GLOMAG)",
            f"http://testserver{world['chen'].get_absolute_url()}",
            "2020-07-31",
        )
    ]
    assert b"<title>US designations: China, listings and delistings</title>" in response.content


def test_program_feed_lists_delistings_newest_first_and_skips_amendments(client, world):
    response = client.get(reverse("programs:program_feed", kwargs={"code": "ICC"}))

    assert [(title, day) for title, _, day in entries(response)] == [
        ("Delisted on 2 Apr 2021: BENSOUDA, Fatou (ICC)", "2021-04-02"),
        ("Listed on 2 Sep 2020: BENSOUDA, Fatou (ICC)", "2020-09-02"),
    ]


def test_program_feed_of_a_code_with_spaces(client, world):
    Program.objects.create(code="CAATSA - RUSSIA", name="CAATSA - Russia")

    response = client.get("/programs/CAATSA%20-%20RUSSIA/feed/")

    assert entries(response) == []


def test_unknown_country_or_program_feed_is_404(client, world):
    assert client.get("/countries/XX/feed/").status_code == 404
    assert client.get("/programs/NO-SUCH-TAG/feed/").status_code == 404


def test_feed_queries_are_pinned(client, django_assert_num_queries, world):
    for number in range(60):
        person = Designee.objects.create(kind="individual", name=f"OFFICIAL {number:02d}")
        DesigneeCountry.objects.create(designee=person, country=world["china"], role="nationality")
        designation = Designation.objects.create(
            designee=person, program=world["glomag"], listed_on=datetime.date(2022, 12, 9)
        )
        DesignationEvent.objects.create(designation=designation, kind="listed", occurred_on=datetime.date(2022, 12, 9))

    # the country; the 50 latest events with their designations, designees, programs and sources
    with django_assert_num_queries(2):
        response = client.get("/countries/CN/feed/")

    assert len(entries(response)) == 50


class _HtmlText(HTMLParser):
    """What a feed reader shows of an HTML summary: its elements and its text."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.text = ""
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text += data


def test_entry_text_reaches_a_reader_exactly_as_written(client, world):
    # Markup and entity-like text, as a source or an editor may write them: escaped once for each layer
    # (HTML, then XML), so a reader unescaping both gets the name back, neither more nor less.
    name = "CHEN & SONS <b>&lt;LTD&gt;</b>"
    Designee.objects.filter(pk=world["chen"].pk).update(name=name)

    response = client.get(reverse("designations:country_feed", kwargs={"code": "CN"}))

    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    shown = _HtmlText(summary.text)
    assert entry.findtext(f"{ATOM}title") == f"Listed on 31 Jul 2020: {name} (GLOMAG)"
    assert (summary.get("type"), shown.elements) == ("html", [])
    assert shown.text == f"{name} (individual) listed under GLOMAG on 31 Jul 2020."


@pytest.mark.parametrize(
    ("precision", "earliest", "words"),
    [
        ("day", None, "on 31 Jul 2020"),
        ("", None, "on 31 Jul 2020"),
        ("range", datetime.date(2020, 7, 28), "between 28 Jul 2020 and 31 Jul 2020"),
        ("range", None, "on or before 31 Jul 2020"),
        ("on_or_before", None, "on or before 31 Jul 2020"),
        ("month", None, "in Jul 2020"),
        ("year", None, "in 2020"),
    ],
)
def test_entries_say_the_date_at_its_precision(client, world, precision, earliest, words):
    DesignationEvent.objects.filter(kind="listed", designation__designee=world["chen"]).update(
        precision=precision, earliest=earliest
    )

    response = client.get(reverse("designations:country_feed", kwargs={"code": "CN"}))

    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == f"Listed {words}: CHEN, Quanguo (GLOMAG)"
    assert (
        _HtmlText(entry.findtext(f"{ATOM}summary")).text == f"CHEN, Quanguo (individual) listed under GLOMAG {words}."
    )
    # Atom needs a timestamp: the latest day it can have happened; the words say how exactly it is known.
    assert entry.findtext(f"{ATOM}updated").startswith("2020-07-31T00:00:00")


def test_an_event_without_a_date_claims_none(client, world):
    DesignationEvent.objects.filter(kind="listed", designation__designee=world["chen"]).update(occurred_on=None)

    response = client.get(reverse("designations:country_feed", kwargs={"code": "CN"}))

    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Listed: CHEN, Quanguo (GLOMAG)"
    assert _HtmlText(entry.findtext(f"{ATOM}summary")).text == "CHEN, Quanguo (individual) listed under GLOMAG."


def test_the_tables_listed_column_says_the_same_words_as_the_feed(client, world):
    designation = Designation.objects.get(designee=world["chen"])
    Designation.objects.filter(pk=designation.pk).update(listed_precision="range", listed_earliest=None)

    html = client.get("/countries/CN/").content.decode()

    # A bracket with no known start reads "on or before", never as an exact day.
    cell = re.search(r'<a href="/designees/\d+/">CHEN, Quanguo</a>.*?</tr>', html, re.S).group(0)
    assert 'on or before <time datetime="2020-07-31">31 Jul 2020</time>' in cell


def test_the_subtitle_says_how_exact_the_dates_are(client, world):
    response = client.get(reverse("programs:program_feed", kwargs={"code": "GLOMAG"}))

    subtitle = ElementTree.fromstring(response.content).findtext(f"{ATOM}subtitle")
    assert subtitle.startswith("New listings and delistings under GLOMAG (Global Magnitsky).")
    assert '"between" names the two list snapshots a change fell between' in subtitle
