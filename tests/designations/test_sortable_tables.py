"""Sorting the designations tables of the designations list, country, program and authority pages.

Each sortable column (designee, program where the table shows it, status, listed, delisted) sorts both ways
with ``?sort=<column>`` / ``?sort=-<column>``; ties end in the row id, so a sort reads the same across
pages; undated designations come last either way. The headings link to the other orders, keeping the
filters and ``as_of`` and going back to the first page; the current one says its direction
(``aria-sort``). A ``sort`` the table does not take is a plain 400 naming it.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from designations.models import DatePrecision, Designation
from designations.views.common import PAGE_SIZE
from tests.factories import (
    AuthorityFactory,
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

ACTIVE, DELISTED = Designation.Status.ACTIVE, Designation.Status.DELISTED
# Both statuses: without a filter the tables show designations in force only.
BOTH = {"status": [ACTIVE, DELISTED]}
COLUMNS = ("designee", "program", "status", "listed", "delisted")
PAGES = ("designation_list", "country_detail", "program_detail", "authority_detail")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages are cached by URL and data version; each test starts cold."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def table():
    """Seven designations of a country (QS), under two programs behind one authority: ties on the designee
    (one designee under both programs) and on the listing day, a listing known only between two days, an
    undated listing and undated delistings."""
    country = CountryFactory(code="QS", name="Sortland")
    authority = AuthorityFactory(code="eo-99001")
    first = ProgramFactory(code="QPROG-A")
    second = ProgramFactory(code="QPROG-B")
    for program in (first, second):
        program.authorities.add(authority)
    alpha = DesigneeFactory(name="ALPHA")
    day = datetime.date
    rows = [
        dict(designee=alpha, program=second, listed_on=day(2020, 1, 1)),
        dict(designee=alpha, program=first, listed_on=day(2020, 1, 1)),
        dict(
            designee=DesigneeFactory(name="BRAVO"),
            program=first,
            listed_on=day(2021, 6, 1),
            listed_earliest=day(2021, 5, 1),
            listed_precision=DatePrecision.RANGE,
        ),
        dict(
            designee=DesigneeFactory(name="CHARLIE"),
            program=first,
            status=DELISTED,
            listed_on=day(2019, 3, 1),
            delisted_on=day(2022, 2, 2),
            delisted_precision=DatePrecision.DAY,
        ),
        dict(
            designee=DesigneeFactory(name="DELTA"),
            program=second,
            status=DELISTED,
            listed_on=None,
            listed_precision="",
            delisted_on=day(2023, 1, 1),
            delisted_precision=DatePrecision.DAY,
        ),
        dict(designee=DesigneeFactory(name="ECHO"), program=first, listed_on=None, listed_precision=""),
        dict(designee=DesigneeFactory(name="FOXTROT"), program=second, status=DELISTED, listed_on=day(2020, 1, 1)),
    ]
    designations = [DesignationFactory(**row) for row in rows]
    for designee in {designation.designee for designation in designations}:
        DesigneeCountryFactory(designee=designee, country=country)
    return {
        "country": country,
        "authority": authority,
        "program": first,
        "designations": designations,
        "urls": {
            "designation_list": reverse("designations:designation_list"),
            "country_detail": reverse("designations:country_detail", kwargs={"code": "QS"}),
            "program_detail": reverse("programs:program_detail", kwargs={"code": first.code}),
            "authority_detail": reverse("programs:authority_detail", kwargs={"code": authority.code}),
        },
    }


def on_page(table, view: str) -> list[Designation]:
    """The designations a page's table holds (the program page: its program's only)."""
    designations = table["designations"]
    if view == "program_detail":
        return [d for d in designations if d.program == table["program"]]
    return designations


def expected(designations: list[Designation], sort: str) -> list[int]:
    """The ids in the order ``sort`` means, worked out here without the database."""
    column, descending = sort.lstrip("-"), sort.startswith("-")
    rows = sorted(designations, key=lambda d: d.pk)
    if column in ("listed", "delisted"):

        def day(d):
            return getattr(d, f"{column}_on")

        dated = sorted((d for d in rows if day(d) is not None), key=day, reverse=descending)
        return [d.pk for d in dated + [d for d in rows if day(d) is None]]
    primary = {"designee": lambda d: d.designee.name, "program": lambda d: d.program.code, "status": lambda d: d.status}
    secondary = {"designee": lambda d: d.program.code}.get(column, lambda d: d.designee.name)
    rows = sorted(rows, key=secondary)
    return [d.pk for d in sorted(rows, key=primary[column], reverse=descending)]


def ids(response) -> list[int]:
    return [designation.pk for designation in response.context["designations"]]


class _Headings(HTMLParser):
    """The column headings of a page's designations table: text (the words for screen readers too),
    ``aria-sort`` and the link's attributes."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[dict] = []
        self._in_table = self._in_thead = False
        self._heading: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "designations" in (attrs.get("class") or "").split():
            self._in_table = True
        if tag == "thead" and self._in_table:
            self._in_thead = True
        elif self._in_thead and tag == "th":
            self._heading = {"aria_sort": attrs.get("aria-sort"), "text": "", "link": None}
        elif self._heading is not None and tag == "a":
            self._heading["link"] = attrs

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "thead":
            self._in_thead = False
        elif tag == "th" and self._heading is not None:
            self._heading["text"] = " ".join(self._heading["text"].split())
            self.headings.append(self._heading)
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading["text"] += data


def headings(response) -> dict[str, dict]:
    """The headings by their first word ("Designee", "Listed"...)."""
    return {heading["text"].split()[0]: heading for heading in _Headings(response.content.decode()).headings}


def link_query(heading: dict) -> dict[str, list[str]]:
    return parse_qs(urlsplit(heading["link"]["href"]).query, keep_blank_values=True)


# Each column both ways, on each page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "view,sort",
    [
        (view, key)
        for view in PAGES
        for column in COLUMNS
        if not (view == "program_detail" and column == "program")  # a program's own page has no Program column
        for key in (column, f"-{column}")
    ],
)
def test_each_column_sorts_both_ways_on_each_page(client, table, view, sort):
    response = client.get(table["urls"][view], {**BOTH, "sort": sort})

    assert response.status_code == 200
    assert ids(response) == expected(on_page(table, view), sort)
    assert len(ids(response)) == len(on_page(table, view))


@pytest.mark.parametrize("view", PAGES)
def test_the_order_follows_the_sort_not_the_default(client, table, view):
    """The orders differ from each other on these rows, so a sort that was ignored would show."""
    orders = {sort: ids(client.get(table["urls"][view], {**BOTH, "sort": sort})) for sort in ("designee", "-designee")}

    assert orders["designee"] != orders["-designee"]


def test_undated_designations_come_last_both_ways(client, table):
    url = table["urls"]["designation_list"]
    by_pk = {d.pk: d for d in table["designations"]}

    for sort in ("listed", "-listed"):
        listed = [by_pk[pk].listed_on for pk in ids(client.get(url, {**BOTH, "sort": sort}))]
        assert listed[-2:] == [None, None], sort
        assert None not in listed[:-2]
    for sort in ("delisted", "-delisted"):
        delisted = [by_pk[pk].delisted_on for pk in ids(client.get(url, {**BOTH, "sort": sort}))]
        assert delisted[:2] == sorted(delisted[:2], reverse=sort.startswith("-"))
        assert None not in delisted[:2]
        assert set(delisted[2:]) == {None}, sort


def test_a_listing_known_only_within_a_span_sorts_by_its_last_possible_day(client, table):
    """BRAVO was listed between 1 May and 1 Jun 2021: it sorts as 1 Jun 2021, the day every dated listing has."""
    bravo = next(d for d in table["designations"] if d.designee.name == "BRAVO")
    later = DesignationFactory(designee=DesigneeFactory(name="GOLF"), listed_on=datetime.date(2021, 5, 15))

    order = ids(client.get(table["urls"]["designation_list"], {**BOTH, "sort": "listed"}))

    assert order.index(later.pk) < order.index(bravo.pk)


def test_default_orders_are_unchanged(client, table):
    """Newest listing first on the designations list, by designee elsewhere (in force only, as before)."""
    active = [d for d in table["designations"] if d.status == ACTIVE]

    assert ids(client.get(table["urls"]["designation_list"])) == expected(active, "-listed")
    for view in ("country_detail", "authority_detail"):
        assert ids(client.get(table["urls"][view])) == expected(active, "designee"), view
    program_active = [d for d in on_page(table, "program_detail") if d.status == ACTIVE]
    assert ids(client.get(table["urls"]["program_detail"])) == expected(program_active, "designee")


# Ties keep one order from page to page ----------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["listed", "-listed", "status", "-delisted", "program"])
def test_ties_keep_one_order_across_pages(client, sort):
    program = ProgramFactory(code="QTIE")
    same_day = datetime.date(2022, 3, 3)
    created = [
        DesignationFactory(designee=DesigneeFactory(name="SAME"), program=program, listed_on=same_day)
        for _ in range(PAGE_SIZE + 10)
    ]
    url = reverse("designations:designation_list")

    first = ids(client.get(url, {"sort": sort}))
    second = ids(client.get(url, {"sort": sort, "page": 2}))

    assert len(first) == PAGE_SIZE
    assert first + second == sorted(d.pk for d in created)


# Headings: links that keep the filters, reset the page and toggle; aria-sort -------------------------------


@pytest.mark.parametrize("view", PAGES)
def test_heading_links_keep_the_filters_and_as_of_reset_the_page_and_toggle(client, table, view):
    query = {**BOTH, "q": "A", "as_of": "2030-01-01", "page": "1", "sort": "-status"}

    response = client.get(table["urls"][view], query)

    assert response.status_code == 200
    found = headings(response)
    sortable = {name: heading for name, heading in found.items() if heading["link"]}
    shown = {"Designee", "Status", "Listed", "Delisted"} | ({"Program"} if view != "program_detail" else set())
    assert set(sortable) == shown
    assert found["Kind"]["link"] is None and found["Kind"]["aria_sort"] is None
    for name, heading in sortable.items():
        params = link_query(heading)
        assert params["status"] == [ACTIVE, DELISTED], name
        assert params["q"] == ["A"] and params["as_of"] == ["2030-01-01"], name
        assert "page" not in params, name
        assert urlsplit(heading["link"]["href"]).path == table["urls"][view]
        assert heading["link"]["hx-get"] == heading["link"]["href"]
        assert heading["link"]["hx-target"] == "#designations-table"
        assert heading["link"]["hx-push-url"] == "true"
    # The current column goes the other way; the others start A to Z, dates newest first.
    assert link_query(sortable["Status"])["sort"] == ["status"]
    assert link_query(sortable["Designee"])["sort"] == ["designee"]
    assert link_query(sortable["Listed"])["sort"] == ["-listed"]
    assert link_query(sortable["Delisted"])["sort"] == ["-delisted"]


@pytest.mark.parametrize("view", PAGES)
@pytest.mark.parametrize("sort", ["listed", "-listed", "designee", "-designee", "status"])
def test_only_the_current_column_says_its_direction(client, table, view, sort):
    response = client.get(table["urls"][view], {**BOTH, "sort": sort})

    direction = "descending" if sort.startswith("-") else "ascending"
    current = sort.lstrip("-").capitalize()
    found = headings(response)
    assert {name: heading["aria_sort"] for name, heading in found.items() if heading["aria_sort"]} == {
        current: direction
    }
    assert f"(sorted {direction})" in found[current]["text"]  # beside the arrow th[aria-sort] shows (site.css)
    assert all("sorted" not in heading["text"] for name, heading in found.items() if name != current)
    toggled = f"{sort.lstrip('-')}" if sort.startswith("-") else f"-{sort}"
    assert link_query(found[current])["sort"] == [toggled]


@pytest.mark.parametrize("view,default", [("designation_list", "Listed"), ("country_detail", "Designee")])
def test_without_sort_the_default_column_is_marked(client, table, view, default):
    found = headings(client.get(table["urls"][view]))

    assert [name for name, heading in found.items() if heading["aria_sort"]] == [default]


def test_pagination_keeps_the_sort(client):
    program = ProgramFactory(code="QPAGE")
    for n in range(PAGE_SIZE + 1):
        DesignationFactory(designee=DesigneeFactory(name=f"NAME {n:03d}"), program=program)

    response = client.get(reverse("designations:designation_list"), {"sort": "-designee"})

    html = response.content.decode()
    assert "?sort=-designee&amp;page=2" in html
    assert ids(response)[0] == Designation.objects.get(designee__name="NAME 050").pk


def test_htmx_swaps_a_sorted_table_with_htmx_heading_links(client, table):
    response = client.get(table["urls"]["country_detail"], {**BOTH, "sort": "-listed"}, HTTP_HX_REQUEST="true")

    assert response.templates[0].name == "designations/_designation_table.html"
    assert ids(response) == expected(table["designations"], "-listed")
    assert headings(response)["Listed"]["aria_sort"] == "descending"


def test_the_csv_link_follows_the_filters_not_the_order(client, table):
    """The export is the API's, in the API's order: its link carries the filters, and says nothing of order."""
    response = client.get(table["urls"]["designation_list"], {**BOTH, "sort": "designee"})

    csv_url = response.context["csv_url"]
    assert "sort" not in parse_qs(urlsplit(csv_url).query)
    assert parse_qs(urlsplit(csv_url).query)["status"] == [ACTIVE, DELISTED]
    assert "order" not in response.content.decode().split("csv-download")[1].split("</p>")[0]


# A sort the table does not take --------------------------------------------------------------------------


@pytest.mark.parametrize("view", PAGES)
@pytest.mark.parametrize("value", ["bogus", "--listed", "listed_on", "Listed", "designee,listed"])
def test_an_unknown_sort_is_400_naming_it_and_the_values_it_takes(client, table, view, value):
    response = client.get(table["urls"][view], {"sort": value})

    assert response.status_code == 400
    body = response.content.decode()
    assert body.startswith("sort: Must be one of designee, -designee, ")
    accepted = re.findall(r"-?[a-z]+", body.removeprefix("sort: Must be one of"))
    expected_keys = ["designee", "program", "status", "listed", "delisted"]
    if view == "program_detail":
        expected_keys.remove("program")
    assert accepted == [key for column in expected_keys for key in (column, f"-{column}")]
    assert value not in body  # the value is not echoed


def test_a_program_page_takes_no_sort_by_program(client, table):
    url = table["urls"]["program_detail"]

    response = client.get(url, {"sort": "program"})

    assert response.status_code == 400
    assert "program" not in response.content.decode()
    assert client.get(url, {"sort": "designee"}).status_code == 200
