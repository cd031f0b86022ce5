"""The analysts' pages in headless Chromium: charts and the map draw, the pages work by keyboard and mouse, and
no request leaves the machine. Screenshots of each page are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import (
    Country,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
)
from programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PRESS_RELEASE = "https://home.treasury.gov/news/press-releases/sm1073"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.off_machine = []
    page.errors = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:", "blob:"))
            else page.off_machine.append(request.url)
        ),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def world(reference_data):
    """Real SDN entries over the reference data: Chen Quanguo (GLOMAG, tied to China by his place of birth,
    with the Treasury press release of 31 Jul 2020), the Xinjiang Production and Construction Corps linked
    to him, and Russia's Igor Korobov (CAATSA - RUSSIA)."""
    cache.clear()
    reset_index()
    china = Country.objects.get(code="CN")
    russia = Country.objects.get(code="RU")
    glomag = Program.objects.get(code="GLOMAG")
    caatsa = Program.objects.get(code="CAATSA - RUSSIA")
    release = SourceDocument.objects.create(
        kind="press_release",
        source="treasury-press",
        source_uid="sm1073",
        url=PRESS_RELEASE,
        title="Treasury Sanctions Chinese Entity and Officials Pursuant to Global Magnitsky",
        published_on=datetime.date(2020, 7, 31),
    )
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    PlaceOfBirth.objects.create(designee=chen, place="Pingyu, Henan, China", country=china)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    xpcc = Designee.objects.create(kind="entity", name="XINJIANG PRODUCTION AND CONSTRUCTION CORPS", entry_number=29299)
    DesigneeCountry.objects.create(designee=xpcc, country=china, role="address")
    Relationship.objects.create(from_designee=xpcc, to_designee=chen, to_name="CHEN, Quanguo")
    korobov = Designee.objects.create(kind="individual", name="KOROBOV, Igor Valentinovich", entry_number=21328)
    DesigneeCountry.objects.create(designee=korobov, country=russia, role="nationality")
    for designee, program, day in (
        (chen, glomag, datetime.date(2020, 7, 31)),
        (xpcc, glomag, datetime.date(2020, 7, 31)),
        (korobov, caatsa, datetime.date(2018, 3, 15)),
    ):
        designation = Designation.objects.create(
            designee=designee, program=program, listed_on=day, listed_precision="day"
        )
        DesignationEvent.objects.create(
            designation=designation,
            kind="listed",
            occurred_on=day,
            precision="day",
            source_document=release if program == glomag else None,
        )
    yield {"chen": chen}
    cache.clear()
    reset_index()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _wait_for_chart(page, chart_id: str) -> None:
    page.wait_for_selector(f'figure[data-chart="{chart_id}"][data-rendered="true"] canvas', timeout=15000)
    box = page.locator(f'figure[data-chart="{chart_id}"] canvas').bounding_box()
    assert box is not None and box["width"] > 100 and box["height"] > 100


def test_home_page_draws_the_timeline_and_the_map(page, live_server, world):
    page.goto(live_server.url + "/")

    _wait_for_chart(page, "home-timeline")
    _wait_for_chart(page, "home-map")
    # The map coloured a country: some pixel of the canvas is neither blank nor the outline grey.
    assert page.evaluate(
        """() => {
            const canvas = document.querySelector('figure[data-chart="home-map"] canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i + 3] > 0 && data[i + 2] > data[i] + 40) return true;  // a blue fill
            }
            return false;
        }"""
    )
    _shot(page, "ui-home")
    assert page.errors == []
    assert page.off_machine == []


def test_country_page_draws_its_timeline_and_filters_with_htmx(page, live_server, world):
    page.goto(live_server.url + "/countries/CN/")

    _wait_for_chart(page, "country-timeline")
    assert page.locator("#designations-table tbody tr").count() == 2
    page.locator("#id_kind_0").check()  # Individual
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => document.querySelectorAll('#designations-table tbody tr').length === 1")
    assert "kind=individual" in page.url  # htmx pushed the filtered address
    assert page.locator("#designations-table").inner_text().count("CHEN, Quanguo") == 1
    _shot(page, "ui-country-china")
    assert page.errors == []
    assert page.off_machine == []


def test_program_page_draws_its_timeline_and_map(page, live_server, world):
    page.goto(live_server.url + "/programs/GLOMAG/")

    _wait_for_chart(page, "program-timeline")
    _wait_for_chart(page, "program-map")
    assert "Global Magnitsky" in page.locator("h1 + p").inner_text()
    _shot(page, "ui-program-glomag")
    assert page.errors == []
    assert page.off_machine == []


def test_designee_page_shows_designation_sources_and_graph(page, live_server, world):
    page.goto(live_server.url + world["chen"].get_absolute_url())

    assert page.locator("h1").inner_text() == "CHEN, Quanguo"
    designation = page.locator("article.designation").first
    assert "GLOMAG" in designation.inner_text()
    assert "31 Jul 2020" in designation.inner_text()
    assert designation.locator(f'a[href="{PRESS_RELEASE}"]').count() == 1
    assert page.locator("figure.graph svg circle").count() == 2
    _shot(page, "ui-designee-chen")
    assert page.errors == []
    assert page.off_machine == []


def test_search_finds_a_name_written_in_chinese_characters(page, live_server, world):
    page.goto(live_server.url + "/")

    page.get_by_label("Search designees, identifiers, countries and programs").fill("陈全国")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")

    first = page.locator("ol.results li").first
    assert "CHEN, Quanguo" in first.inner_text()
    assert "Matched" in first.inner_text()
    _shot(page, "ui-search")
    assert page.off_machine == []


def test_a_new_user_goes_from_home_to_china_to_global_magnitsky_to_chen_quanguo(page, live_server, world):
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Countries").click()
    page.get_by_role("link", name="China", exact=True).click()
    assert page.locator("h1").inner_text() == "China"

    page.get_by_role("checkbox", name="(GLOMAG)", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**program=GLOMAG**")
    page.get_by_role("link", name="CHEN, Quanguo").click()

    page.wait_for_selector("article.designation")
    text = page.locator("article.designation").first.inner_text()
    assert "GLOMAG" in text and "Active" in text
    assert "Listed\n31 Jul 2020" in text or "31 Jul 2020" in text
    assert "Treasury Sanctions Chinese Entity and Officials" in text
    assert page.off_machine == []


def test_pages_work_with_javascript_off(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/countries/CN/")

    assert page.locator("details.chart-data[open] table").count() == 1  # the timeline's table
    page.get_by_role("checkbox", name="(GLOMAG)", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    assert "program=GLOMAG" in page.url
    assert page.locator("#designations-table tbody tr").count() == 2
    context.close()
