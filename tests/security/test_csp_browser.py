"""The pages under the Content-Security-Policy in headless Chromium (Debian's /usr/bin/chromium).

Every page is loaded with a listener for ``securitypolicyviolation`` installed before any page script runs;
a test fails on any violation the browser reports, and checks that the page's script did its work (a chart
drawn, a table swapped by htmx, Swagger UI's operations listed, an admin widget set up).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from playwright.sync_api import expect

from designations.matching import reset_index
from designations.models import Country, Designation, DesignationEvent, Designee, DesigneeCountry, SourceDocument
from designations.services import roles_sync
from programs.models import Program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

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
PASSWORD = "a long editor passphrase"
# Installed before any script of the page runs (Playwright adds it through the debugger, outside the CSP).
LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
    const where = `${event.sourceFile}:${event.lineNumber}`;
    window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


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
    context.add_init_script(LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.problems = []
    page.on(
        "console",
        lambda message: page.problems.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: page.problems.append(f"uncaught: {error}"))
    yield page
    context.close()


@pytest.fixture
def world(reference_data):
    """Two designees tied to China under GLOMAG (one with a press release) and one tied to Russia."""
    cache.clear()
    reset_index()
    china, russia = Country.objects.get(code="CN"), Country.objects.get(code="RU")
    glomag, caatsa = Program.objects.get(code="GLOMAG"), Program.objects.get(code="CAATSA - RUSSIA")
    release = SourceDocument.objects.create(
        kind="press_release",
        source="treasury-press",
        source_uid="sm1073",
        url="https://home.treasury.gov/news/press-releases/sm1073",
        title="Treasury Sanctions Chinese Entity and Officials Pursuant to Global Magnitsky",
        published_on=datetime.date(2020, 7, 31),
    )
    designees = {}
    for name, kind, country, role, program, day in (
        ("CHEN, Quanguo", "individual", china, "place_of_birth", glomag, datetime.date(2020, 7, 31)),
        ("XINJIANG PRODUCTION AND CONSTRUCTION CORPS", "entity", china, "address", glomag, datetime.date(2020, 7, 31)),
        ("KOROBOV, Igor Valentinovich", "individual", russia, "nationality", caatsa, datetime.date(2018, 3, 15)),
    ):
        designee = Designee.objects.create(kind=kind, name=name)
        DesigneeCountry.objects.create(designee=designee, country=country, role=role)
        designation = Designation.objects.create(designee=designee, program=program, listed_on=day)
        DesignationEvent.objects.create(
            designation=designation,
            kind="listed",
            occurred_on=day,
            source_document=release if program == glomag else None,
        )
        designees[name] = designee
    yield designees
    cache.clear()
    reset_index()


def _visit(page, url: str):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, (url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
    return response


def _violations(page) -> list[str]:
    page.wait_for_timeout(200)  # violation events are dispatched asynchronously
    return page.evaluate("window.__csp") + page.problems


def test_the_listener_reports_an_inline_script_the_policy_blocks(page, live_server, world):
    _visit(page, live_server.url + "/")

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true";
            document.body.append(script);
        }"""
    )

    assert page.evaluate("window.__inlineRan") is None
    assert any("script-src" in violation for violation in _violations(page))


def test_home_page_draws_its_charts_under_the_policy(page, live_server, world):
    _visit(page, live_server.url + "/")

    page.wait_for_selector('figure[data-chart="home-timeline"][data-rendered="true"] canvas')
    page.wait_for_selector('figure[data-chart="home-map"][data-rendered="true"] canvas')
    assert _violations(page) == []


def test_country_page_draws_and_filters_with_htmx_under_the_policy(page, live_server, world):
    _visit(page, live_server.url + "/countries/CN/")

    page.wait_for_selector('figure[data-chart="country-timeline"][data-rendered="true"] canvas')
    assert page.locator("#designations-table tbody tr").count() == 2
    page.locator("#id_kind_0").check()  # Individual
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#designations-table tbody tr")).to_have_count(1)
    assert "kind=individual" in page.url  # htmx swapped the table and pushed the address
    assert _violations(page) == []


def test_program_and_designee_pages_under_the_policy(page, live_server, world):
    _visit(page, live_server.url + "/programs/GLOMAG/")
    page.wait_for_selector('figure[data-chart="program-map"][data-rendered="true"] canvas')
    _visit(page, live_server.url + world["CHEN, Quanguo"].get_absolute_url())
    assert page.locator("h1").inner_text() == "CHEN, Quanguo"
    _visit(page, live_server.url + "/designations/?program=GLOMAG")
    _visit(page, live_server.url + "/search/?q=chen")

    assert _violations(page) == []


def test_swagger_ui_lists_operations_and_runs_a_request_under_the_policy(page, live_server, world):
    _visit(page, live_server.url + "/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title")
    assert "Sanctions designation tracker API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")
    operation = page.locator(".opblock-get", has=page.locator('[data-path="/api/countries/{code}/"]')).first
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator('input[placeholder="code"]').fill("CN")
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text("200")
    assert _violations(page) == []


def test_browsable_api_runs_its_scripts_under_the_policy(page, live_server, world):
    response = page.goto(live_server.url + "/api/designations/")

    # DRF's own markup has inline styles, so its pages alone allow them; never inline scripts.
    policy = response.headers["content-security-policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy
    assert "CHEN, Quanguo" in page.inner_text("body")
    page.get_by_role("button", name="Filters").click()  # Bootstrap's modal, from DRF's scripts
    expect(page.locator("#filtersModal")).to_be_visible()
    assert _violations(page) == []


def test_admin_sign_in_and_editing_pages_under_the_policy(page, live_server, world):
    roles_sync()
    user = User.objects.create_user("ada", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    designee = world["CHEN, Quanguo"]
    designation = designee.designations.get()

    _visit(page, live_server.url + "/admin/login/")
    page.fill("input[name=username]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    _visit(page, live_server.url + "/admin/designations/designee/")
    page.locator("#action-toggle").check()  # admin's actions.js selects every row
    assert page.locator(".action-counter").inner_text().startswith("3 of 3")
    _visit(page, live_server.url + f"/admin/designations/designation/{designation.pk}/change/")
    page.wait_for_selector(".select2-container")  # the autocomplete widgets were set up
    _visit(page, live_server.url + f"/admin/designations/designee/{designee.pk}/change/")
    _visit(page, live_server.url + f"/admin/designations/designee/{designee.pk}/history/")
    _visit(page, live_server.url + "/admin/importers/importrun/start/")

    assert _violations(page) == []
