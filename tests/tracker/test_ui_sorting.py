"""Sorting a designations table in headless Chromium, at desktop (1366 px) and phone (390 px) width, with
JavaScript on (htmx swaps the table in place and pushes the URL) and off (the headings are plain links). On a
phone the rows are cards and the heading row is a row of "Sort by" links above them, no wider than the
screen. Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import Country, Designation, Designee, DesigneeCountry, SourceDocument
from programs.models import Program
from tests.tracker.test_ui_analyst import ARTIFACTS, DESKTOP, MOBILE, open_page  # noqa: F401 (fixture)
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOTH = "status=active&status=delisted"
CHEN = "CHEN, Quanguo"
XPCC = "XINJIANG PRODUCTION AND CONSTRUCTION CORPS"
TRADING = "AARDVARK TRADING CO"
UNDATED = "ZHANG, Wei"


@pytest.fixture
def world(reference_data):
    """Four designees tied to China: Chen Quanguo and the XPCC (GLOMAG, listed the same day), a trading
    company listed in 2015 and delisted in 2019, and a GLOMAG designee whose listing date is unknown."""
    cache.clear()
    reset_index()
    china = Country.objects.get(code="CN")
    glomag = Program.objects.get(code="GLOMAG")
    caatsa = Program.objects.get(code="CAATSA - RUSSIA")
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        url="https://www.treasury.gov/ofac/downloads/sdn.csv",
        title="OFAC SDN list",
        published_on=datetime.date(2024, 7, 2),
    )
    rows = (
        (CHEN, "individual", glomag, datetime.date(2020, 7, 31), None),
        (XPCC, "entity", glomag, datetime.date(2020, 7, 31), None),
        (TRADING, "entity", caatsa, datetime.date(2015, 1, 1), datetime.date(2019, 5, 5)),
        (UNDATED, "individual", glomag, None, None),
    )
    for name, kind, program, listed, delisted in rows:
        designee = Designee.objects.create(kind=kind, name=name)
        DesigneeCountry.objects.create(designee=designee, country=china, role="address")
        Designation.objects.create(
            designee=designee,
            program=program,
            listed_on=listed,
            listed_precision="day" if listed else "",
            status=Designation.Status.DELISTED if delisted else Designation.Status.ACTIVE,
            delisted_on=delisted,
            delisted_precision="day" if delisted else "",
        )
    yield
    cache.clear()
    reset_index()


def _names(page) -> list[str]:
    return [name.strip() for name in page.locator("#designations-table tbody th[scope='row']").all_inner_texts()]


def _heading(page, label: str):
    return page.locator("#designations-table thead th", has=page.locator(f"a#sort-{label.lower()}"))


def _click_sort(page, label: str, javascript: bool, expected_query: str) -> None:
    """Click a column's heading link and wait for the table (swapped by htmx, or a new page) to follow it."""
    link = page.locator(f"#designations-table a#sort-{label.lower()}")
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], label
    link.click()
    page.wait_for_url(lambda url: url.endswith(f"?{expected_query}"))
    sort = expected_query.rsplit("sort=", 1)[1]
    direction = "descending" if sort.startswith("-") else "ascending"
    page.wait_for_selector(f"#designations-table th[aria-sort='{direction}'] a#sort-{sort.lstrip('-')}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_clicking_a_heading_sorts_the_table(open_page, live_server, world, viewport, javascript):  # noqa: F811
    page = open_page(viewport, javascript=javascript)
    page.goto(f"{live_server.url}/countries/CN/?{BOTH}&page=1")
    if javascript:
        page.evaluate("window.sortMarker = 'same page'")

    # By designee, A to Z, until a heading is clicked.
    assert _names(page) == [TRADING, CHEN, XPCC, UNDATED]
    assert _heading(page, "Designee").get_attribute("aria-sort") == "ascending"

    _click_sort(page, "Listed", javascript, f"{BOTH}&sort=-listed")
    # Newest first, the two listed the same day in the order they were stored, the undated one last.
    assert _names(page) == [CHEN, XPCC, TRADING, UNDATED]
    listed = _heading(page, "Listed")
    assert listed.get_attribute("aria-sort") == "descending"
    assert "▼" in listed.locator("a").evaluate("link => getComputedStyle(link, '::after').content")
    assert listed.locator(".visually-hidden").inner_text() == "(sorted descending)"
    assert _heading(page, "Designee").get_attribute("aria-sort") is None
    assert page.locator("#designations-table th[aria-sort]").count() == 1
    if javascript:
        # Swapped in place: the same document, the focus back on the heading clicked, the status line updated.
        assert page.evaluate("window.sortMarker") == "same page"
        assert page.evaluate("document.activeElement.id") == "sort-listed"
        assert page.locator("#designations-status").inner_text() == "4 designations."

    _click_sort(page, "Listed", javascript, f"{BOTH}&sort=listed")
    assert _names(page) == [TRADING, CHEN, XPCC, UNDATED]  # oldest first; undated still last
    assert _heading(page, "Listed").get_attribute("aria-sort") == "ascending"

    _click_sort(page, "Delisted", javascript, f"{BOTH}&sort=-delisted")
    assert _names(page)[0] == TRADING

    _click_sort(page, "Status", javascript, f"{BOTH}&sort=status")
    assert _names(page) == [CHEN, XPCC, UNDATED, TRADING]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    suffix = f"{viewport['width']}-{'js' if javascript else 'nojs'}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-sorted-country-{suffix}.png"), full_page=True)

    # Back in the browser's history: the previous order again.
    page.go_back()
    page.wait_for_url(lambda url: url.endswith("sort=-delisted"))
    page.wait_for_selector("#designations-table th[aria-sort='descending'] a#sort-delisted")
    assert _names(page)[0] == TRADING
    assert page.errors == [] and page.off_machine == []


def test_the_sort_controls_fit_a_phone_as_a_row_of_links(open_page, live_server, world):  # noqa: F811
    page = open_page(MOBILE)
    page.goto(f"{live_server.url}/designations/?{BOTH}")

    thead = page.locator("table.designations thead")
    assert thead.is_visible()
    box = thead.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
    assert box["height"] < 120  # a row or two of links, not a card per heading
    for label in ("Designee", "Program", "Status", "Listed", "Delisted"):
        link = page.locator(f"a#sort-{label.lower()}")
        assert link.is_visible(), label
        link_box = link.bounding_box()
        assert link_box["x"] + link_box["width"] <= MOBILE["width"], label
    assert page.locator("table.designations thead th", has_text="Kind").bounding_box()["width"] <= 1  # not a sort
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#designations-table").screenshot(path=str(ARTIFACTS / "ui-sort-controls-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]

    # The designations list: newest listing first until asked otherwise, then by program.
    assert _heading(page, "Listed").get_attribute("aria-sort") == "descending"
    page.locator("a#sort-program").click()
    page.wait_for_url(lambda url: url.endswith("sort=program"))
    page.wait_for_selector("#designations-table th[aria-sort='ascending'] a#sort-program")
    programs = page.locator("#designations-table td[data-label='Program']").all_inner_texts()
    assert [program.strip() for program in programs] == ["CAATSA - RUSSIA", "GLOMAG", "GLOMAG", "GLOMAG"]
    assert page.errors == [] and page.off_machine == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_applying_filters_keeps_the_order_chosen(open_page, live_server, world, javascript):  # noqa: F811
    page = open_page(DESKTOP, javascript=javascript)
    page.goto(f"{live_server.url}/countries/CN/?{BOTH}")
    _click_sort(page, "Listed", javascript, f"{BOTH}&sort=-listed")
    if not page.locator("#id_q").is_visible():
        page.locator("details.filters-box summary").click()
    page.locator("#id_q").fill("c")  # Chen, the XPCC's "construction corps" and the trading company
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(lambda url: "q=c" in url)
    # The new table (three rows, not four), then its order.
    page.wait_for_function("() => document.querySelectorAll('#designations-table tbody tr').length === 3")
    page.wait_for_selector("#designations-table th[aria-sort='descending'] a#sort-listed")
    assert "sort=-listed" in page.url
    assert _names(page) == [CHEN, XPCC, TRADING]
