"""Date boxes in Chromium: the calendar button a date box holds takes the keyboard focus after the day, month
and year, and shows it (Pico hid the button behind an icon of its own, so the focus was invisible), in both
themes."""

from __future__ import annotations

import pytest

from tests.tracker.test_ui_analyst import DESKTOP, _assert_clean, open_page, world  # noqa: F401
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)
from tests.tracker.test_ui_chart_downloads import png_pixels

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_calendar_button_shows_its_focus(open_page, live_server, world, color_scheme):  # noqa: F811
    page = open_page(DESKTOP, color_scheme=color_scheme)
    page.goto(live_server.url + "/designations/?filtered=1")
    box = page.locator("#id_listed_after")
    if not box.is_visible():
        page.locator("details.filters-box summary").click()
    box.scroll_into_view_if_needed()
    box.focus()  # the first part of the date (its month, day or year, by the locale)
    area = box.bounding_box()
    # The right end of the box, where the calendar button is.
    clip = {"x": area["x"] + area["width"] - 48, "y": area["y"], "width": 48, "height": area["height"]}
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # the last part of the date
    before = page.screenshot(clip=clip)
    page.keyboard.press("Tab")  # the calendar button
    assert page.evaluate("document.activeElement.id") == "id_listed_after"
    after = page.screenshot(clip=clip)
    changed = sum(
        1
        for row_before, row_after in zip(png_pixels(before)[2], png_pixels(after)[2], strict=True)
        for a, b in zip(row_before, row_after, strict=True)
        if abs(a - b) > 48
    )
    # A focus ring around the button changes a few hundred channel values; nothing else there moves.
    assert changed > 100, f"the focused calendar button looks like the unfocused one ({changed} values changed)"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_listed_before"
    _assert_clean(page)
