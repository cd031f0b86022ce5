"""The "What changed" page in headless Chromium at desktop (1366 px) and mobile (390 px) width, with JavaScript
on and off: the presets count back from the list's own date, the period form works without scripts, a date
known only as a bracket reads as one, nothing is wider than a phone and each table row is a card there, and
axe-core finds nothing in either theme. Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import (
    Country,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    SourceDocument,
)
from programs.models import Program
from tests.tracker.test_ui_analyst import ARTIFACTS, DESKTOP, MOBILE, SUFFIX, open_page  # noqa: F401 (fixture)
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(reference_data):
    """The SDN list snapshot of 2 Jul 2024 and three real entries with events around it: Chen Quanguo listed
    under GLOMAG on 1 Jul 2024 (to the day), the Xinjiang Production and Construction Corps listed under GLOMAG
    between 20 and 27 Jun 2024 (a bracket between two list states), Igor Korobov (CAATSA - RUSSIA, Russian)
    delisted on 28 Jun 2024 and amended on 15 May 2024."""
    cache.clear()
    reset_index()
    china = Country.objects.get(code="CN")
    russia = Country.objects.get(code="RU")
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
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    xpcc = Designee.objects.create(kind="entity", name="XINJIANG PRODUCTION AND CONSTRUCTION CORPS", entry_number=29299)
    DesigneeCountry.objects.create(designee=xpcc, country=china, role="address")
    korobov = Designee.objects.create(kind="individual", name="KOROBOV, Igor Valentinovich", entry_number=21328)
    DesigneeCountry.objects.create(designee=korobov, country=russia, role="nationality")
    designations = {
        designee: Designation.objects.create(
            designee=designee, program=program, listed_on=datetime.date(2018, 3, 15), listed_precision="day"
        )
        for designee, program in ((chen, glomag), (xpcc, glomag), (korobov, caatsa))
    }
    Kind = DesignationEvent.Kind
    for designee, kind, day, precision, earliest in (
        (chen, Kind.LISTED, datetime.date(2024, 7, 1), DatePrecision.DAY, None),
        (xpcc, Kind.LISTED, datetime.date(2024, 6, 27), DatePrecision.RANGE, datetime.date(2024, 6, 20)),
        (korobov, Kind.DELISTED, datetime.date(2024, 6, 28), DatePrecision.DAY, None),
        (korobov, Kind.AMENDED, datetime.date(2024, 5, 15), DatePrecision.DAY, None),
    ):
        DesignationEvent.objects.create(
            designation=designations[designee], kind=kind, occurred_on=day, precision=precision, earliest=earliest
        )
    yield {"glomag": glomag}
    cache.clear()
    reset_index()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _assert_clean(page) -> None:
    assert page.errors == []
    assert page.off_machine == []
    assert page.missing == []


def _card(page, kind: str) -> str:
    return page.locator(f".changes-cards article[data-kind='{kind}'] .figure").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_presets_and_custom_dates_work_with_and_without_javascript(open_page, live_server, world, viewport, javascript):  # noqa: F811
    page = open_page(viewport, javascript)
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="What changed").click()
    page.wait_for_url("**/changes/")

    # The last 7 days of the list's own date (2 Jul 2024), not of today.
    status = page.locator("#changes-status")
    assert status.inner_text() == "2 changes from 26 Jun 2024 to 2 Jul 2024 (last 7 days)."
    assert "not from today" in page.locator(".changes-anchor").inner_text()
    assert (_card(page, "listed"), _card(page, "delisted"), _card(page, "amended")) == ("1", "1", "0")
    assert "1 more possibly happened in it" in page.locator("aside.coverage").inner_text()

    page.get_by_role("navigation", name="Preset periods").get_by_role("link", name="Last 90 days").click()
    page.wait_for_url("**period=90**")
    assert (_card(page, "listed"), _card(page, "delisted"), _card(page, "amended")) == ("2", "1", "1")
    assert page.title() == "What changed: last 90 days" + SUFFIX
    # The bracket reads as a span in the list of changes.
    row = page.locator("table.changes-list tbody tr", has_text="XINJIANG")
    assert row.locator("td[data-label='Took effect']").inner_text() == "between 20 Jun 2024 and 27 Jun 2024"
    assert "Two OFAC SDN list states" in row.locator("td[data-label='Rests on']").inner_text()

    # Dates chosen, with a program: the form alone (a GET form) carries them.
    page.get_by_label("Dates chosen").check()
    page.get_by_label("From", exact=True).fill("2024-05-01")
    page.get_by_label("To", exact=True).fill("2024-05-31")
    page.get_by_label("Program", exact=True).select_option("CAATSA - RUSSIA")
    page.get_by_role("button", name="Show changes").click()
    page.wait_for_url("**occurred_after=2024-05-01**")
    assert "occurred_before=2024-05-31" in page.url and "program=CAATSA" in page.url
    assert status.inner_text() == "1 change from 1 May 2024 to 31 May 2024."
    assert page.locator("table.changes-list tbody tr").count() == 1
    assert page.locator("#changes-program-table tbody th").all_inner_texts()[0].startswith("CAATSA - RUSSIA")

    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    _shot(page, f"ui-changes-{viewport['width']}-{'js' if javascript else 'nojs'}")
    _assert_clean(page)


def test_with_javascript_typing_a_date_chooses_dates_chosen(open_page, live_server, world):  # noqa: F811
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/changes/?period=30")

    page.get_by_label("From", exact=True).fill("2024-06-27")
    page.get_by_label("To", exact=True).fill("2024-07-02")
    assert page.get_by_label("Dates chosen").is_checked()
    page.get_by_role("button", name="Show changes").click()
    page.wait_for_url("**occurred_after=2024-06-27**")

    assert page.locator("#changes-status").inner_text() == "2 changes from 27 Jun 2024 to 2 Jul 2024."
    _assert_clean(page)


def test_bad_dates_show_the_message_on_the_page(open_page, live_server, world):  # noqa: F811
    page = open_page(MOBILE, javascript=False)
    response = page.goto(live_server.url + "/changes/?occurred_after=2024-07-01&occurred_before=2024-06-01")

    assert response.status == 400
    assert "is before the From date" in page.get_by_role("alert").first.inner_text()
    assert page.locator("#changes-status").inner_text() == "No changes shown: correct the period or filters above."
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]


def test_rows_are_cards_on_a_phone_and_a_table_on_a_desktop(open_page, live_server, world):  # noqa: F811
    page = open_page(MOBILE, javascript=False)
    page.goto(live_server.url + "/changes/?period=90")

    for table in ("table.changes-list", "#changes-program-table", "#changes-country-table"):
        cell = page.locator(f"{table} tbody td").first
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], table
        label = cell.get_attribute("data-label")
        assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == f'"{label}"', table
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    _shot(page, "ui-changes-90-390-cards")

    desktop = open_page(DESKTOP, javascript=False)
    desktop.goto(live_server.url + "/changes/?period=90")
    assert desktop.locator("table.changes-list thead th", has_text="Took effect").is_visible()
    # Each scrollable table is a named region the keyboard can reach.
    regions = desktop.locator("div.overflow-auto[role='region'][tabindex='0']")
    assert regions.count() == 3
    assert all(regions.nth(i).get_attribute("aria-label") for i in range(3))


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_axe_finds_nothing_on_the_changes_page(open_page, live_server, world, viewport, color_scheme):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page(viewport, color_scheme=color_scheme)
    found = {}
    for path in ("/changes/", "/changes/?period=90", "/changes/?occurred_after=2024-07-01&occurred_before=2024-06-01"):
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [(v["id"], [node["html"][:120] for node in v["nodes"]]) for v in violations]
    assert found == {}
    assert page.errors == [] and page.off_machine == []
