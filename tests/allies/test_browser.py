"""The coordination overview in headless Chromium, on a laptop (1366 px) and a phone (390 px), with scripts on
and off: the chart draws only with scripts, its table is there either way, the filters work as a plain form,
nothing overflows the page sideways, and no request leaves the machine. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.allies.test_views import world  # noqa: F401 (the same small made-up data as the view tests)
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("scripts", [True, False], ids=["js", "no-js"])
def test_overview_works_at_each_width_with_and_without_scripts(browser, live_server, world, width, scripts):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=scripts)
    page = context.new_page()
    off_machine, errors = [], []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:", "blob:")) else off_machine.append(r.url),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(live_server.url + reverse("allies:coordination"))
        page.wait_for_load_state("networkidle")

        figure = page.locator("figure[data-chart='coordination-years']")
        if scripts:
            page.wait_for_function("document.querySelector('figure[data-chart]').dataset.rendered === 'true'")
            assert figure.locator("canvas").is_visible()
        else:
            assert figure.get_attribute("data-rendered") is None
            assert figure.locator(".chart-canvas").is_hidden()
            assert figure.locator("details.chart-data table").is_visible()  # the figures, as a table
        assert page.get_by_role("heading", name="Per ally").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"allies-coordination-{width}-{'js' if scripts else 'nojs'}.png"))

        # The program filter is a plain GET form; with scripts htmx swaps the results in place, pushes the
        # filtered URL and redraws the chart of the new figures.
        page.locator("#id_program").select_option("HR-OTHER")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"program=HR-OTHER"))
        page.wait_for_load_state("networkidle")
        rows = page.locator("table.coordination-rows tbody tr")
        rows.first.filter(has_text="THIRD, Person").wait_for()
        assert rows.count() == 1
        assert "matching the filters" in page.locator("#coordination-status").inner_text()
        if scripts:
            page.wait_for_function("document.querySelector('figure[data-chart]').dataset.rendered === 'true'")
            assert page.locator("figure[data-chart='coordination-years'] canvas").is_visible()

        # A row leads to the designee's page, which lists its allied designations.
        page.goto(live_server.url + reverse("allies:coordination"))
        page.get_by_role("link", name="FIRST, Person").click()
        page.wait_for_load_state("networkidle")
        panel = page.locator("section.allied-panel")
        assert panel.get_by_role("heading", name="Allied designations").is_visible()
        assert "stand-in: date of the EU regulation listing the entry" in panel.inner_text()
        assert panel.evaluate("element => element.getBoundingClientRect().right") <= width
    finally:
        context.close()
    assert off_machine == []
    assert errors == []
