"""The China and GLOMAG Atom feeds and designation tables on the real 2024 list with its 2021-2024 history:
every entry and every "Listed" cell says its date at the precision the history gives it, in the words of the
designee's page, and none claims a day it does not know."""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from xml.etree import ElementTree

import pytest
from django.db.models import F

from designations.feeds import CHANGE_EVENTS
from designations.models import DatePrecision, Designation, DesignationEvent

pytestmark = [pytest.mark.usefixtures("seeded"), pytest.mark.django_db]
ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client, url: str) -> list[tuple[str, str, str]]:
    """(title, summary as a reader shows it, updated) of each entry."""
    response = client.get(url)
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    return [
        (
            entry.findtext(f"{ATOM}title"),
            unescape(entry.findtext(f"{ATOM}summary")),
            entry.findtext(f"{ATOM}updated"),
        )
        for entry in feed.findall(f"{ATOM}entry")
    ]


def expected_words(event: DesignationEvent) -> str:
    day = f"{event.occurred_on.day} {event.occurred_on:%b %Y}"
    if event.precision == DatePrecision.RANGE and event.earliest:
        return f"between {event.earliest.day} {event.earliest:%b %Y} and {day}"
    if event.precision in (DatePrecision.RANGE, DatePrecision.ON_OR_BEFORE):
        return f"on or before {day}"
    return f"on {day}"


@pytest.mark.parametrize(
    ("url", "designations"),
    [
        ("/countries/CN/feed/", lambda: Designation.objects.for_country("CN")),
        ("/programs/GLOMAG/feed/", lambda: Designation.objects.filter(program__code="GLOMAG")),
    ],
    ids=["china", "glomag"],
)
def test_every_entry_says_its_date_at_its_precision(client, url, designations):
    events = list(
        DesignationEvent.objects.filter(kind__in=CHANGE_EVENTS, designation__in=designations().values("pk"))
        .order_by(F("occurred_on").desc(nulls_last=True), "-pk")
        .select_related("designation__designee", "designation__program")[:50]
    )

    entries = feed_entries(client, url)

    assert len(entries) == len(events) == 50
    for (title, summary, updated), event in zip(entries, events, strict=True):
        words = expected_words(event)
        assert title == f"{event.get_kind_display()} {words}: {event.designation.designee.name} " + (
            f"({event.designation.program.code})"
        )
        assert f" {event.get_kind_display().lower()} under {event.designation.program.code} {words}." in summary
        assert updated.startswith(event.occurred_on.isoformat())
    # The 2024 list is known only between snapshots: no entry of these feeds may claim an exact day.
    assert {event.precision for event in events} <= {DatePrecision.RANGE, DatePrecision.ON_OR_BEFORE}
    assert not any(re.search(r"(listed|Listed) on \d", title + summary) for title, summary, _ in entries)


def test_glomag_feed_brackets_match_the_designee_pages(client):
    entries = feed_entries(client, "/programs/GLOMAG/feed/")
    brackets = Counter(re.match(r"\w+ (between .*? and .*?):", title).group(1) for title, _, _ in entries)

    # Most GLOMAG entries of 2023-2024 are known to a few days; some only to between the May 2021 snapshot
    # and March 2024, when they moved there from another program.
    assert brackets["between 8 Dec 2023 and 11 Dec 2023"] >= 20
    assert brackets["between 22 May 2021 and 4 Mar 2024"] >= 1
    # The designee's page says the same words as the feed.
    title = next(title for title, _, _ in entries if "between 22 May 2021 and 4 Mar 2024" in title)
    name = re.match(r"[^:]+: (.*) \(GLOMAG\)$", title).group(1)
    designation = Designation.objects.get(designee__name=name, program__code="GLOMAG")
    page = client.get(designation.designee.get_absolute_url()).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "between 22 May 2021 and 4 Mar 2024" in text


@pytest.mark.parametrize("url", ["/countries/CN/", "/programs/GLOMAG/", "/designations/?program=GLOMAG"])
def test_the_tables_listed_column_says_each_date_at_its_precision(client, url):
    html = client.get(url).content.decode()
    table = re.search(r'<table class="designations[^"]*">.*?</table>', html, re.S).group(0)

    rows = re.findall(r"<tr>\s*<th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == 50
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    listed = [" ".join(re.sub(r"<[^>]+>", " ", row_cells[-2]).split()) for row_cells in cells]
    # Every listing of the 2024 list is known between two snapshots, or on or before the first one we hold.
    assert all(re.fullmatch(r"(between \d+ \w{3} \d{4} and|on or before) \d+ \w{3} \d{4}", cell) for cell in listed), (
        listed
    )
