"""The analysts' pages in headless Chromium, at desktop (1366 px) and mobile (390 px) width, with JavaScript on
and off: the CSV link downloads the rows just filtered and says how many, the data's own date on every page,
titles that say the filters, a short live status line instead of a live table, the site's icon, and the API
docs without JavaScript. Screenshots are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import Country, Designation, Designee, DesigneeCountry, SourceDocument
from importers.models import ImportRun
from programs.models import Program
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"
DESKTOP = {"width": 1366, "height": 900}
MOBILE = {"width": 390, "height": 844}
SUFFIX = " · US sanctions and human-rights designations"


@pytest.fixture
def open_page(browser, live_server):  # noqa: F811 (the fixture imported above)
    """``open_page(viewport, javascript=True, color_scheme="light")``: a new page that records requests
    leaving the machine, script errors and 404s.

    Pages with the same options share one browser context for the module's browser: a new context costs a
    renderer process and a cold cache (about 0.6 s of a test's first page). Each test still starts clean: its
    pages are closed after it, and the context's cookies and granted permissions cleared (the pages keep
    nothing else: no script of the site stores anything in the browser)."""
    opened = []

    def open_page(viewport=DESKTOP, javascript=True, color_scheme="light"):
        key = (viewport["width"], viewport["height"], javascript, color_scheme)
        context = next((c for c in browser.contexts if getattr(c, "reuse_key", None) == key), None)
        if context is None:
            context = browser.new_context(viewport=viewport, java_script_enabled=javascript, color_scheme=color_scheme)
            context.reuse_key = key
        page = context.new_page()
        opened.append(page)
        page.off_machine, page.errors, page.missing = [], [], []
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((live_server.url, "data:", "blob:"))
                else page.off_machine.append(request.url)
            ),
        )
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("response", lambda response: page.missing.append(response.url) if response.status == 404 else None)
        return page

    yield open_page
    for context in {page.context for page in opened}:
        for page in context.pages:
            page.close()
        context.clear_cookies()
        context.clear_permissions()


@pytest.fixture
def world(reference_data):
    """Real SDN entries: Chen Quanguo (GLOMAG, born in China), the Xinjiang Production and Construction
    Corps (GLOMAG, an address in China), Igor Korobov (CAATSA - RUSSIA, Russian); the SDN list snapshot of
    2 Jul 2024 they come from, and a failed and a succeeded import run of today."""
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
    ImportRun.objects.create(source="ofac-consolidated", status=ImportRun.Status.FAILED, error="timeout")
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED)
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    DesigneeCountry.objects.create(designee=chen, country=china, role="place_of_birth")
    xpcc = Designee.objects.create(kind="entity", name="XINJIANG PRODUCTION AND CONSTRUCTION CORPS", entry_number=29299)
    DesigneeCountry.objects.create(designee=xpcc, country=china, role="address")
    korobov = Designee.objects.create(kind="individual", name="KOROBOV, Igor Valentinovich", entry_number=21328)
    DesigneeCountry.objects.create(designee=korobov, country=russia, role="nationality")
    for designee, program, day in (
        (chen, glomag, datetime.date(2020, 7, 31)),
        (xpcc, glomag, datetime.date(2020, 7, 31)),
        (korobov, caatsa, datetime.date(2018, 3, 15)),
    ):
        Designation.objects.create(designee=designee, program=program, listed_on=day, listed_precision="day")
    yield {"glomag": glomag}
    cache.clear()
    reset_index()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _csv_rows(page, href: str) -> list[dict[str, str]]:
    """The rows of the CSV the link downloads."""
    response = page.request.get(urljoin(page.url, href))
    assert response.ok
    return list(csv.DictReader(io.StringIO(response.text())))


def _open_filters(page) -> None:
    if not page.get_by_role("group", name="Program (code)").is_visible():
        page.locator("details.filters-box summary").click()


def _assert_clean(page) -> None:
    assert page.errors == []
    assert page.off_machine == []
    assert page.missing == []


# 1. The CSV link follows the filters -------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_csv_link_follows_the_filters_applied_with_htmx(open_page, live_server, world, viewport):
    page = open_page(viewport)
    page.goto(live_server.url + "/designations/")
    link = page.locator("#designations-table a[download]")
    assert link.inner_text() == "Download 3 rows as CSV"
    status = page.locator("#designations-status")
    assert status.inner_text() == "3 designations."
    page.evaluate("document.getElementById('designations-status').dataset.before = 'yes'")

    _open_filters(page)
    page.get_by_role("checkbox", name="(GLOMAG)", exact=False).check()
    page.get_by_role("checkbox", name="China (CN)", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => document.getElementById('designations-status').textContent === '2 designations.'")

    # The table was swapped in place (the page did not reload), and the link came with it. The URL pushed
    # holds only the filters chosen, not the form's empty boxes.
    assert page.url.split("?", 1)[1] == "filtered=1&program=GLOMAG&country=CN&status=active"
    assert link.inner_text() == "Download 2 rows as CSV"
    href = link.get_attribute("href")
    assert "program=GLOMAG" in href and "country=CN" in href
    assert sorted(row["designee_name"] for row in _csv_rows(page, href)) == [
        "CHEN, Quanguo",
        "XINJIANG PRODUCTION AND CONSTRUCTION CORPS",
    ]
    # The live region is the same element, updated, and the title says the filters.
    assert page.evaluate("document.getElementById('designations-status').dataset.before") == "yes"
    # The form also sends its pre-checked status (Active), and the title names it.
    assert page.title() == "Designations: GLOMAG, China, Active" + SUFFIX
    assert link.is_visible() and status.is_visible()
    _shot(page, f"ui-designations-glomag-china-{viewport['width']}")
    _assert_clean(page)


def test_csv_link_follows_the_filters_without_javascript(open_page, live_server, world):
    page = open_page(MOBILE, javascript=False)
    page.goto(live_server.url + "/designations/")

    _open_filters(page)
    page.get_by_role("checkbox", name="(GLOMAG)", exact=False).check()
    page.get_by_role("checkbox", name="China (CN)", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**program=GLOMAG**")
    # Without scripts the form sends every box; the page redirects to the URL of the filters chosen.
    assert page.url.split("?", 1)[1] == "filtered=1&program=GLOMAG&country=CN&status=active"

    link = page.locator("#designations-table a[download]")
    assert link.inner_text() == "Download 2 rows as CSV"
    assert len(_csv_rows(page, link.get_attribute("href"))) == 2
    assert page.locator("#designations-status").inner_text() == "2 designations."
    assert page.title() == "Designations: GLOMAG, China, Active" + SUFFIX
    _shot(page, "ui-designations-glomag-china-390-nojs")
    assert page.off_machine == [] and page.missing == []


# 2. The data's own date, and no import log on the home page --------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_every_page_says_the_lists_own_date(open_page, live_server, world, viewport, javascript):
    page = open_page(viewport, javascript)
    for path in ("/", "/designations/", "/countries/CN/", "/programs/GLOMAG/", "/search/?q=chen"):
        page.goto(live_server.url + path)
        line = page.locator("p.data-date")
        assert line.is_visible(), path
        text = line.inner_text()
        assert text.startswith("OFAC SDN list as of 2 Jul 2024"), path
        assert "newest snapshot of the list published by OFAC" in text, path
        assert line.locator("time").get_attribute("datetime") == "2024-07-02"
    page.goto(live_server.url + "/")
    body = page.locator("main").inner_text()
    assert "Latest imports" not in body and "Succeeded" not in body and "ofac-consolidated" not in body
    if viewport is DESKTOP and javascript:
        _shot(page, "ui-home-data-date")
    assert page.off_machine == [] and page.missing == []


# 3. Details: titles, live status, icon, API docs ------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_program_page_is_titled_by_its_name_and_announces_only_a_count(open_page, live_server, world, javascript):
    page = open_page(DESKTOP, javascript)
    page.goto(live_server.url + "/programs/GLOMAG/")

    assert page.title() == f"{world['glomag'].name} (GLOMAG){SUFFIX}"
    assert page.locator("[aria-live]").count() == 0
    live = page.locator('[role="status"]')
    assert live.all_inner_texts() == ["2 designations."]
    assert page.locator('[role="status"] table, [role="status"] tr').count() == 0
    assert page.locator("#designations-table tbody tr").count() == 2
    assert page.off_machine == [] and page.missing == []


def test_program_page_filters_update_title_and_status(open_page, live_server, world):
    page = open_page(MOBILE)
    page.goto(live_server.url + "/programs/GLOMAG/")

    page.locator('input[name="kind"][value="entity"]').check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => document.getElementById('designations-status').textContent === '1 designation.'")

    assert page.title() == f"{world['glomag'].name} (GLOMAG): Entity, Active{SUFFIX}"
    assert page.locator("#designations-table tbody tr").count() == 1
    assert page.locator("[aria-live]").count() == 0
    _shot(page, "ui-program-glomag-entity-390")
    _assert_clean(page)


def test_the_site_has_an_icon(open_page, live_server, world):
    page = open_page()
    page.goto(live_server.url + "/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")

    response = page.goto(live_server.url + "/favicon.ico")

    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.url == live_server.url + icon
    assert page.off_machine == []


def test_api_docs_without_javascript_explain_and_link_back(open_page, live_server):
    page = open_page(MOBILE, javascript=False)
    page.goto(live_server.url + "/api/docs/")

    assert "needs JavaScript" in page.locator("body").inner_text()
    schema = page.get_by_role("link", name="OpenAPI schema", exact=True).get_attribute("href")
    assert "openapi:" in page.request.get(live_server.url + schema).text()
    page.get_by_role("link", name="Back to the designation tracker").click()
    assert page.url == live_server.url + "/"
    assert page.off_machine == []


def test_api_docs_with_javascript_link_back_above_swagger_ui(open_page, live_server):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert not page.get_by_text("needs JavaScript").is_visible()
    page.get_by_role("link", name="← Designation tracker").click()
    assert page.url == live_server.url + "/"
    assert page.off_machine == []


# 7. The country page: the designees first, a menu of its sections, a skip link to the designees --------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_country_page_leads_with_the_designees_and_a_menu(open_page, live_server, world, viewport, javascript):
    page = open_page(viewport, javascript=javascript)
    page.goto(live_server.url + "/countries/CN/")

    # The first Tab reaches the page's own skip links; the second goes to the designees.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip == "Skip to the designees"
    page.keyboard.press("Enter")
    assert page.url.endswith("#designations")
    # The menu lists every section, the designees first; each link leads to a heading on the page.
    menu = page.get_by_role("navigation", name="On this page")
    targets = [link.get_attribute("href") for link in menu.get_by_role("link").all()]
    assert targets[0] == "#designations" and len(targets) >= 7
    for target in targets:
        assert page.locator(target).count() == 1, target
    # The designees' section comes before the breakdowns and the timeline.
    order = page.evaluate(
        "['designations', 'human-rights', 'by-program', 'timeline-heading'].map("
        "id => document.getElementById(id).getBoundingClientRect().top + window.scrollY)"
    )
    assert order == sorted(order)
    assert page.locator("#designations-table").get_by_text("CHEN, Quanguo").is_visible()
    _shot(page, f"ui-country-cn-{viewport['width']}-{'js' if javascript else 'nojs'}")
    _assert_clean(page)


# 8. Mobile: nothing wider than the phone -----------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_no_page_is_wider_than_a_phone(open_page, live_server, world, javascript):
    """At 390 px no page scrolls sideways: long URLs and identifiers wrap, a fact's term sits above its value
    (tables of many columns scroll inside their own box, not the page)."""
    chen = Designee.objects.get(entry_number=29220)
    page = open_page(MOBILE, javascript=javascript)
    for path in (
        "/",
        "/countries/CN/",
        "/programs/GLOMAG/",
        "/authorities/eo-13818/",  # its official URL is one unbroken 80-character word
        "/designations/",
        chen.get_absolute_url(),
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], path
    _assert_clean(page)


def test_designation_rows_are_cards_on_a_phone(open_page, live_server, world):
    page = open_page(MOBILE, javascript=False)
    page.goto(live_server.url + "/designations/")

    row = page.locator("table.designations tbody tr").first
    status = row.locator("td[data-label='Status']")
    listed = row.locator("td[data-label='Listed']")
    for cell, label in ((status, "Status"), (listed, "Listed")):
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= MOBILE["width"], label  # no sideways scroll
        assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == f'"{label}"'
    assert status.inner_text() == "Active"
    # The heading row is a row of "Sort by" links above the cards (tests/tracker/test_ui_sorting.py), the
    # column names beside the values instead.
    thead = page.locator("table.designations thead").bounding_box()
    assert thead["x"] >= 0 and thead["x"] + thead["width"] <= MOBILE["width"]
    assert page.locator("table.designations thead th", has_text="Kind").bounding_box()["width"] <= 1

    desktop = open_page(DESKTOP, javascript=False)
    desktop.goto(live_server.url + "/designations/")
    assert desktop.locator("table.designations thead th", has_text="Status").is_visible()
    assert desktop.locator("td[data-label='Status']").first.evaluate(
        "cell => getComputedStyle(cell, '::before').content"
    ) in ("none", "normal")


# Accessibility: axe-core on every kind of page, at both widths and in both themes ------------------------


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_axe_finds_nothing_on_the_analysts_pages(open_page, live_server, world, viewport, color_scheme):
    """axe-core (the copy bundled with axe-playwright-python, pinned in requirements/dev.txt), every rule of
    WCAG 2.x A and AA it runs by default, on the home, country, program, authority, list, search, designee,
    coordination and feed preview pages. The compare and what-changed pages have theirs, over worlds of their
    own (tests/tracker/test_ui_compare.py, tests/tracker/test_ui_changes.py)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    chen = Designee.objects.get(entry_number=29220)
    page = open_page(viewport, color_scheme=color_scheme)
    found = {}
    for path in (
        "/",
        "/countries/CN/",
        "/programs/GLOMAG/",
        "/authorities/eo-13818/",
        "/designations/",
        "/search/?q=chen",
        chen.get_absolute_url(),
        "/coordination/",
        "/countries/CN/feed/preview/",
    ):
        page.goto(live_server.url + path)
        violations = axe.run(page).response["violations"]
        if violations:
            found[path] = [(v["id"], [node["html"][:120] for node in v["nodes"]]) for v in violations]
    assert found == {}
    _assert_clean(page)


def test_a_printed_country_page_holds_its_content_without_the_sites_controls(open_page, live_server, world):
    page = open_page()
    page.goto(live_server.url + "/countries/CN/")
    page.emulate_media(media="print")

    for selector in (".site-header", "form.filters", ".page-menu", ".skip-link"):
        assert page.locator(selector).count() and not page.locator(selector).first.is_visible(), selector
    assert page.get_by_role("heading", name="China", exact=True).is_visible()
    assert page.locator("#designations-table").get_by_text("CHEN, Quanguo").is_visible()
    page.emulate_media(media="screen")
    assert page.locator("form.filters").first.is_visible() or page.locator("details.filters-box").count()
