"""The compare page in headless Chromium, at desktop (1366 px) and mobile (390 px) width, with JavaScript on and
off: one chart with a series per country or program, its figures as a table, the forms, the "Compare with…"
links of the country and program pages, no sideways scroll on a phone, and axe-core. Screenshots are saved
under ``test-artifacts/``.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import Country, Designation, Designee, DesigneeCountry, SourceDocument
from importers.models import ImportRun
from programs.models import Program
from tests.tracker.test_ui_analyst import ARTIFACTS, DESKTOP, MOBILE, SUFFIX, open_page  # noqa: F401 (fixture)
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(reference_data):
    """Real SDN entries: Chen Quanguo (GLOMAG, born in China), the Xinjiang Production and Construction Corps
    (GLOMAG, an address in China), Igor Korobov (CAATSA - RUSSIA, Russian), and a Russian delisted from GLOMAG;
    the SDN list snapshot of 2 Jul 2024 they come from, and an import run of today."""
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
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED)
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    xpcc = Designee.objects.create(kind="entity", name="XINJIANG PRODUCTION AND CONSTRUCTION CORPS", entry_number=29299)
    DesigneeCountry.objects.create(designee=xpcc, country=china, role="address")
    korobov = Designee.objects.create(kind="individual", name="KOROBOV, Igor Valentinovich", entry_number=21328)
    DesigneeCountry.objects.create(designee=korobov, country=russia, role="nationality")
    former = Designee.objects.create(kind="individual", name="FORMER, Designee", entry_number=990001)
    DesigneeCountry.objects.create(designee=former, country=russia, role="nationality")
    for designee, program, day in (
        (chen, glomag, datetime.date(2020, 7, 31)),
        (xpcc, glomag, datetime.date(2020, 7, 31)),
        (korobov, caatsa, datetime.date(2018, 3, 15)),
    ):
        Designation.objects.create(designee=designee, program=program, listed_on=day, listed_precision="day")
    Designation.objects.create(
        designee=former,
        program=glomag,
        listed_on=datetime.date(2019, 12, 10),
        listed_precision="day",
        status=Designation.Status.DELISTED,
        delisted_on=datetime.date(2021, 2, 1),
        delisted_precision="day",
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


def _series(page) -> list[str]:
    """The labels of the compare chart's series, as Chart.js drew them."""
    page.wait_for_selector("figure[data-chart='compare-timeline'][data-rendered='true']")
    return page.evaluate(
        "Chart.getChart(document.querySelector(\"figure[data-chart='compare-timeline'] canvas\"))"
        ".data.datasets.map(dataset => dataset.label)"
    )


def _cells(page, label: str) -> list[str]:
    return [cell.inner_text().strip() for cell in page.locator(f"table.compare-table td[data-label='{label}']").all()]


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_countries_side_by_side_with_one_chart_series_each(open_page, live_server, world, viewport):  # noqa: F811
    page = open_page(viewport)
    page.goto(live_server.url + "/compare/?country=CN&country=RU")

    assert page.title() == "Compare: China, Russia" + SUFFIX
    assert _series(page) == ["China", "Russia"]
    canvas = page.locator("figure[data-chart='compare-timeline'] canvas")
    assert canvas.is_visible() and canvas.bounding_box()["width"] <= viewport["width"]
    # Drawn, the chart keeps its table one click away.
    assert page.locator("figure[data-chart='compare-timeline'] details.chart-data").get_attribute("open") is None
    assert _cells(page, "In force") == ["2", "1"]
    assert _cells(page, "Designees") == ["2", "1"]
    assert _cells(page, "Delistings") == ["0", "1"]
    names = page.locator("table.compare-table tbody th[scope='row'] a")
    assert [link.get_attribute("href") for link in names.all()] == ["/countries/CN/", "/countries/RU/"]
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    _shot(page, f"ui-compare-cn-ru-{viewport['width']}")
    _assert_clean(page)


def test_programs_draw_one_series_per_program(open_page, live_server, world):  # noqa: F811
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/compare/?program=GLOMAG&program=CAATSA%20-%20RUSSIA")

    assert _series(page) == ["GLOMAG", "CAATSA - RUSSIA"]
    assert page.evaluate(
        "Chart.getChart(document.querySelector(\"figure[data-chart='compare-timeline'] canvas\"))"
        ".data.datasets.map(dataset => dataset.data.reduce((a, b) => a + b, 0))"
    ) == [3, 1]
    _assert_clean(page)


def test_without_javascript_the_country_page_leads_to_a_comparison_of_cards_and_a_table(open_page, live_server, world):  # noqa: F811
    page = open_page(MOBILE, javascript=False)
    page.goto(live_server.url + "/countries/CN/")
    page.get_by_role("link", name="Compare with…").click()
    page.wait_for_url("**/compare/?country=CN")
    assert page.get_by_text("Add another country above to compare it with China.").is_visible()

    page.get_by_label("Country 2", exact=True).fill("RU")
    page.get_by_role("button", name="Compare countries").click()
    # The form sends every box; the page redirects to the URL of the countries chosen.
    page.wait_for_url("**/compare/?country=CN&country=RU")

    # Each country a card, its figures beside their names, inside the phone's width.
    cell = page.locator("table.compare-table td[data-label='In force']").first
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"In force"'
    box = cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"]
    # No chart without scripts: its figures are a table, in a box that scrolls by keyboard.
    assert not page.locator("figure[data-chart='compare-timeline'] canvas").is_visible()
    region = page.get_by_role("region", name="Listings per month by country")
    assert region.is_visible() and region.get_attribute("tabindex") == "0"
    assert region.locator("thead th").all_inner_texts() == ["Month", "China", "Russia"]
    assert region.locator("tbody th").all_inner_texts() == ["2018-03", "2019-12", "2020-07"]
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    _shot(page, "ui-compare-cn-ru-390-nojs")
    assert page.off_machine == [] and page.missing == []


def test_the_program_page_leads_to_a_comparison_and_the_form_sends_only_what_was_chosen(open_page, live_server, world):  # noqa: F811
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/programs/GLOMAG/")
    page.get_by_role("link", name="Compare with…").click()
    page.wait_for_url("**/compare/?program=GLOMAG")

    page.get_by_label("Program 2", exact=True).fill("CAATSA - RUSSIA")
    page.get_by_role("button", name="Compare programs").click()
    page.wait_for_url("**/compare/?program=GLOMAG&program=CAATSA+-+RUSSIA")
    assert _series(page) == ["GLOMAG", "CAATSA - RUSSIA"]
    _assert_clean(page)


def test_a_bad_code_is_named_on_the_page(open_page, live_server, world):  # noqa: F811
    page = open_page(MOBILE)
    response = page.goto(live_server.url + "/compare/?country=CN&country=XX")

    assert response.status == 400
    assert page.get_by_role("alert").inner_text() == "country: No country has the code or name \u201cXX\u201d."
    assert _series(page) == ["China"]  # the known one is still shown
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert page.errors == [] and page.off_machine == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_axe_finds_nothing_on_the_compare_pages(open_page, live_server, world, viewport, color_scheme):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = open_page(viewport, color_scheme=color_scheme)
    found = {}
    for path in (
        "/compare/",
        "/compare/?country=CN&country=RU",
        "/compare/?program=GLOMAG&program=CAATSA%20-%20RUSSIA&as_of=2020-01-01",
    ):
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [(v["id"], [node["html"][:120] for node in v["nodes"]]) for v in violations]
    assert found == {}
    _assert_clean(page)
