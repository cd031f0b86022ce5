"""HTML previews of the Atom feeds: the same entries as the feed, the address to subscribe, linked from the pages."""

from __future__ import annotations

import datetime
import html
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from designations.models import Country, Designation, DesignationEvent, Designee, DesigneeCountry
from programs.models import Program

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def world():
    """Chen Quanguo (GLOMAG, born in China, listed on 31 Jul 2020), a party listed in China between two list
    snapshots, and Fatou Bensouda (ICC, listed in 2020 and delisted in 2021)."""
    china = Country.objects.create(code="CN", name="China", numeric="156")
    gambia = Country.objects.create(code="GM", name="Gambia", numeric="270")
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", is_human_rights=True)
    icc = Program.objects.create(code="ICC", name="International Criminal Court", status="ended")
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    listed = Designation.objects.create(designee=chen, program=glomag, listed_on=datetime.date(2020, 7, 31))
    DesignationEvent.objects.create(
        designation=listed, kind="listed", occurred_on=datetime.date(2020, 7, 31), precision="day"
    )
    corps = Designee.objects.create(kind="entity", name="XINJIANG CORPS")
    DesigneeCountry.objects.create(designee=corps, country=china, role="address")
    bracketed = Designation.objects.create(designee=corps, program=glomag, listed_on=datetime.date(2021, 7, 2))
    DesignationEvent.objects.create(
        designation=bracketed,
        kind="listed",
        occurred_on=datetime.date(2021, 7, 2),
        earliest=datetime.date(2021, 5, 22),
        precision="range",
    )
    bensouda = Designee.objects.create(kind="individual", name="BENSOUDA, Fatou", entry_number=28478)
    DesigneeCountry.objects.create(designee=bensouda, country=gambia, role="nationality")
    ended = Designation.objects.create(
        designee=bensouda,
        program=icc,
        status="delisted",
        listed_on=datetime.date(2020, 9, 2),
        delisted_on=datetime.date(2021, 4, 2),
    )
    DesignationEvent.objects.create(designation=ended, kind="listed", occurred_on=datetime.date(2020, 9, 2))
    DesignationEvent.objects.create(designation=ended, kind="delisted", occurred_on=datetime.date(2021, 4, 2))
    return {"china": china, "glomag": glomag, "icc": icc, "chen": chen}


def feed_entries(client, path: str, query: dict | None = None) -> list[dict]:
    """Each entry of the Atom feed as a reader reads it: id, title, link, updated and the summary's text."""
    response = client.get(path, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    return [
        {
            "id": entry.findtext(f"{ATOM}id"),
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "updated": entry.findtext(f"{ATOM}updated"),
            # type="html": the XML's text is HTML, whose text the reader shows.
            "summary": html.unescape(entry.findtext(f"{ATOM}summary") or ""),
        }
        for entry in root.findall(f"{ATOM}entry")
    ]


class _Preview(HTMLParser):
    """The entries of a preview page as the page shows them, and its feed address box and copy button."""

    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[dict] = []
        self.inputs: list[dict] = []
        self.buttons: list[dict] = []
        self.alternates: list[dict] = []
        self._field: str | None = None
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "li" and "feed-entry" in classes:
            self.entries.append({"id": attributes["data-entry-id"], "title": "", "summary": ""})
        elif tag == "a" and self._field == "title":
            self.entries[-1]["link"] = attributes["href"]
        elif tag == "h3" and "feed-entry-title" in classes:
            self._field = "title"
        elif tag == "p" and "feed-entry-summary" in classes:
            self._field = "summary"
        elif tag == "time" and self.entries and "updated" not in self.entries[-1]:
            self.entries[-1]["updated"] = attributes["datetime"]
        elif tag == "input" and attributes.get("id") == "feed-address":
            self.inputs.append(attributes)
        elif tag == "button" and "data-copy-target" in attributes:
            self.buttons.append(attributes)
        elif tag == "link" and attributes.get("rel") == "alternate":
            self.alternates.append(attributes)

    def handle_endtag(self, tag):
        if tag in ("h3", "p"):
            self._field = None

    def handle_data(self, data):
        if self._field:
            self.entries[-1][self._field] += data

    def shown_entries(self) -> list[dict]:
        return [
            {**entry, "title": entry["title"].strip(), "summary": entry["summary"].strip()} for entry in self.entries
        ]


def preview(client, path: str, query: dict | None = None) -> _Preview:
    response = client.get(path, query or {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    return _Preview(response.content.decode())


@pytest.mark.parametrize(
    ("preview_path", "feed_path", "query"),
    [
        ("/countries/CN/feed/preview/", "/countries/CN/feed/", None),
        ("/countries/cn/feed/preview/", "/countries/CN/feed/", None),
        ("/programs/GLOMAG/feed/preview/", "/programs/GLOMAG/feed/", None),
        ("/programs/ICC/feed/preview/", "/programs/ICC/feed/", None),
        ("/changes/feed/preview/", "/api/changes/feed/", None),
        ("/changes/feed/preview/", "/api/changes/feed/", {"kind": "delisted"}),
        ("/changes/feed/preview/", "/api/changes/feed/", {"order": "occurred", "program": "GLOMAG"}),
    ],
)
def test_the_preview_lists_exactly_the_feeds_entries(client, world, preview_path, feed_path, query):
    expected = feed_entries(client, feed_path, query)
    page = preview(client, preview_path, query)

    assert expected  # each of these feeds has entries
    assert page.shown_entries() == expected
    assert [entry["href"] for entry in page.alternates] == [
        feed_path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    ]


def test_the_preview_words_dates_at_their_precision_as_the_feed_does(client, world):
    page = preview(client, "/countries/CN/feed/preview/")

    titles = [entry["title"] for entry in page.shown_entries()]
    assert titles == [
        "Listed between 22 May 2021 and 2 Jul 2021: XINJIANG CORPS (GLOMAG)",
        "Listed on 31 Jul 2020: CHEN, Quanguo (GLOMAG)",
    ]
    assert [entry["updated"][:10] for entry in page.shown_entries()] == ["2021-07-02", "2020-07-31"]
    content = client.get("/countries/CN/feed/preview/").content.decode()
    assert "Dated <time" in content and "2 Jul 2021</time>" in content


def test_the_preview_gives_the_feed_address_to_copy(client, world):
    page = preview(client, "/programs/GLOMAG/feed/preview/")

    [box] = page.inputs
    assert box["value"] == "http://testserver/programs/GLOMAG/feed/"
    assert "readonly" in box
    [button] = page.buttons
    assert button["data-copy-target"] == box["id"]
    assert "hidden" in button  # shown by the script; without it the address is selectable text
    content = client.get("/programs/GLOMAG/feed/preview/").content.decode()
    assert "feed reader" in content and "js/feed_preview" in content


def test_the_changes_preview_keeps_the_feeds_filters_only(client, world):
    page = preview(client, "/changes/feed/preview/", {"kind": "listed"})

    assert page.inputs[0]["value"] == "http://testserver/api/changes/feed/?kind=listed"
    assert {entry["title"].split(":")[0] for entry in page.shown_entries()} == {"Listed"}


def test_the_changes_preview_refuses_what_the_feed_refuses_naming_it(client, world):
    for parameter, value in (("program_id", str(10**20)), ("kind", "bogus"), ("zzz_unknown", "1")):
        response = client.get("/changes/feed/preview/", {parameter: value})

        assert response.status_code == 400
        assert response.content.decode().startswith(f"{parameter}:")
        assert client.get("/api/changes/feed/", {parameter: value}).status_code == 400


def test_unknown_subjects_are_404(client, world):
    assert client.get("/countries/XX/feed/preview/").status_code == 404
    assert client.get("/programs/NO-SUCH/feed/preview/").status_code == 404


def test_a_subject_without_changes_says_so(client, world):
    Program.objects.create(code="EMPTY", name="Nothing yet")

    response = client.get("/programs/EMPTY/feed/preview/")

    assert response.status_code == 200
    assert "The feed has no entries yet." in response.content.decode()


def test_hostile_names_are_text_on_the_preview(client, world):
    Designee.objects.filter(name="CHEN, Quanguo").update(name="X <img src=x onerror=alert(1)> & Co")

    response = client.get("/countries/CN/feed/preview/")

    content = response.content.decode()
    assert "<img src=x" not in content
    assert "X &lt;img src=x onerror=alert(1)&gt; &amp; Co" in content
    titles = [entry["title"] for entry in _Preview(content).shown_entries()]
    assert "Listed on 31 Jul 2020: X <img src=x onerror=alert(1)> & Co (GLOMAG)" in titles


def test_the_pages_link_the_preview_and_keep_the_feed_for_autodiscovery(client, world):
    country = client.get("/countries/CN/").content.decode()
    assert 'href="/countries/CN/feed/preview/">Atom feed of listings and delistings</a>' in country
    assert '<link rel="alternate" type="application/atom+xml"' in country and 'href="/countries/CN/feed/"' in country

    program = client.get("/programs/GLOMAG/").content.decode()
    assert 'href="/programs/GLOMAG/feed/preview/">Atom feed of listings and delistings</a>' in program
    assert 'href="/programs/GLOMAG/feed/"' in program

    assert 'href="/changes/feed/preview/"' in client.get("/").content.decode()
