"""The filter pickers and active-filter chips in headless Chromium, at desktop (1366 px) and mobile (390 px)
width: typing narrows a picker's options and says how many match, a program picked and applied becomes a chip,
and the chip's link takes the filter away again; without JavaScript the same check boxes and chips work.
Screenshots are saved under ``test-artifacts/``."""

from __future__ import annotations

import pytest

from tests.tracker.test_ui_analyst import (  # noqa: F401 (open_page and world: the analysts' tests' fixtures)
    DESKTOP,
    MOBILE,
    _assert_clean,
    _open_filters,
    _shot,
    open_page,
    world,
)
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_wider_than(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_type_pick_apply_and_remove_a_program(open_page, live_server, world, viewport):  # noqa: F811 (the fixtures imported above)
    page = open_page(viewport)
    page.goto(live_server.url + "/designations/")
    _open_filters(page)
    programs = page.get_by_role("group", name="Program (code)")
    options = programs.get_by_role("checkbox")
    assert options.count() == 2  # GLOMAG and CAATSA - RUSSIA: the programs with designations, no others
    assert page.locator(".filter-chips").count() == 0

    box = programs.get_by_role("searchbox", name="Find a program")
    box.click()
    box.press_sequentially("magn")
    glomag = programs.get_by_role("checkbox", name="(GLOMAG)", exact=False)
    caatsa = programs.get_by_role("checkbox", name="(CAATSA - RUSSIA)", exact=False)
    assert glomag.is_visible() and caatsa.is_hidden()
    assert glomag.evaluate("box => box.closest('label').textContent.trim().endsWith('· 2')")
    live = programs.locator('[aria-live="polite"]')
    live.filter(has_text="1 of 2 programs match").wait_for()

    # The keyboard reaches the option from the box (Enter does not submit the form) and checks it.
    box.press("Enter")
    assert page.evaluate("document.activeElement.value") == "GLOMAG"
    page.keyboard.press("Space")
    assert glomag.is_checked()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => document.getElementById('designations-status').textContent === '2 designations.'")

    chip = page.get_by_role("link", name="Remove filter Program: GLOMAG")
    assert chip.is_visible()
    assert page.get_by_role("link", name="Remove filter Status: Active").is_visible()
    assert page.get_by_role("link", name="Clear all filters").is_visible()
    assert "program=GLOMAG" in page.url
    _no_wider_than(page, viewport)
    _shot(page, f"ui-filter-picker-chips-{viewport['width']}")

    chip.click()
    page.wait_for_url(lambda url: "program=GLOMAG" not in url)
    assert page.locator("#designations-status").inner_text() == "3 designations."
    assert page.get_by_role("link", name="Remove filter Program: GLOMAG").count() == 0
    # The form loaded with the page says the same: the program is no longer checked.
    _open_filters(page)
    assert (
        not page.get_by_role("group", name="Program (code)")
        .get_by_role("checkbox", name="(GLOMAG)", exact=False)
        .is_checked()
    )
    _no_wider_than(page, viewport)
    _assert_clean(page)


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_country_page_picker_escape_clears_and_no_match_is_said(open_page, live_server, world, viewport):  # noqa: F811 (the fixtures imported above)
    page = open_page(viewport)
    page.goto(live_server.url + "/countries/CN/")
    programs = page.get_by_role("group", name="Program (code)")
    # Only GLOMAG has designations tied to China.
    assert programs.get_by_role("checkbox").count() == 1
    box = programs.get_by_role("searchbox", name="Find a program")
    box.fill("zzz")
    programs.locator('[aria-live="polite"]').filter(has_text="No program matches").wait_for()
    # Hidden, not removed: a check box filtered out of sight keeps its place in the form.
    assert programs.locator("input[type=checkbox]").count() == 1
    assert programs.locator("input[type=checkbox]").is_hidden()
    box.press("Escape")
    assert box.input_value() == ""
    assert programs.get_by_role("checkbox").is_visible()
    _no_wider_than(page, viewport)
    _assert_clean(page)


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_picker_and_chips_work_without_javascript(open_page, live_server, world, viewport):  # noqa: F811 (the fixtures imported above)
    page = open_page(viewport, javascript=False)
    page.goto(live_server.url + "/countries/CN/")
    programs = page.get_by_role("group", name="Program (code)")
    assert programs.get_by_role("searchbox").count() == 0
    # The list scrolls inside a region that takes the focus, named after the filter.
    region = page.get_by_role("region", name="Program (code)")
    assert region.get_attribute("tabindex") == "0"

    programs.get_by_role("checkbox", name="(GLOMAG)", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**program=GLOMAG**")
    assert page.locator("#designations-table tbody tr").count() == 2
    _no_wider_than(page, viewport)

    page.get_by_role("link", name="Remove filter Program: GLOMAG").click()
    page.wait_for_url(lambda url: "program=" not in url)
    assert page.get_by_role("link", name="Remove filter Program: GLOMAG").count() == 0
    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(lambda url: url.endswith("/countries/CN/"))
    assert page.locator(".filter-chips").count() == 0
    _no_wider_than(page, viewport)
    assert page.off_machine == [] and page.missing == []
