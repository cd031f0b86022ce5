"""Pages in headless Chromium (Debian's /usr/bin/chromium): they render, and nothing loads from off the machine.

Screenshots are saved under ``test-artifacts/`` for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:", "blob:"))
            else page.off_machine.append(request.url)
        ),
    )
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_home_page_renders_with_local_assets_only(page, live_server, reference_data):
    response = page.goto(live_server.url + "/")

    assert response.status == 200
    assert page.locator("main").is_visible()
    assert page.locator("h1").first.inner_text()
    # Pico CSS is applied: the body font is not the browser default serif.
    assert "serif" != page.evaluate("getComputedStyle(document.body).fontFamily")
    _shot(page, "home")
    assert page.off_machine == []


def test_swagger_ui_renders_the_schema_offline(page, live_server):
    page.goto(live_server.url + "/api/docs/")

    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Sanctions designation tracker API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("designations" in tag for tag in tags)
    _shot(page, "api-docs")
    assert page.off_machine == []


def test_admin_login_page_renders(page, live_server):
    response = page.goto(live_server.url + "/admin/login/")

    assert response.status == 200
    assert page.locator("input[name=username]").is_visible()
    _shot(page, "admin-login")
    assert page.off_machine == []
