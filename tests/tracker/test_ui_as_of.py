""" "As of" is the state of the whole page, in Chromium with JavaScript on: a day chosen in a filter form loads
the page with its cards, breakdowns, title and notice for that day, where other filters only swap the table in
place (htmx). Without JavaScript every submission loads the whole page anyway (tests/tracker/test_ui_analyst.py).
"""

from __future__ import annotations

import datetime

import pytest

from designations.models import Country, Designation, Designee, DesigneeCountry
from tests.tracker.test_ui_analyst import DESKTOP, MOBILE, SUFFIX, _assert_clean, open_page, world  # noqa: F401
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _in_force_card(page) -> str:
    return page.locator(".stats article").first.inner_text()


@pytest.mark.parametrize(
    ("viewport", "javascript"),
    [(DESKTOP, True), (MOBILE, True), (MOBILE, False)],
    ids=["desktop", "mobile", "mobile-nojs"],
)
def test_a_day_chosen_in_the_filters_sets_the_whole_country_page(open_page, live_server, world, viewport, javascript):  # noqa: F811
    # A Chinese entity listed in 2018 and delisted in 2020: in force on 1 Jan 2019, not today.
    gone = Designee.objects.create(kind="entity", name="DELISTED TRADING CO", entry_number=90001)
    DesigneeCountry.objects.create(designee=gone, country=Country.objects.get(code="CN"), role="address")
    Designation.objects.create(
        designee=gone,
        program=world["glomag"],
        listed_on=datetime.date(2018, 5, 1),
        listed_precision="day",
        delisted_on=datetime.date(2020, 2, 1),
        status=Designation.Status.DELISTED,
    )
    page = open_page(viewport, javascript=javascript)
    page.goto(live_server.url + "/countries/CN/")
    assert _in_force_card(page).split()[0] == "2"
    assert page.locator(".notice[role=status]").count() == 0
    if javascript:
        page.evaluate("window.loadedOnce = true")

    if not page.locator("#id_as_of").is_visible():
        page.locator("details.filters-box summary").click()
    page.locator("#id_as_of").fill("2019-01-01")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**as_of=2019-01-01**")
    page.wait_for_load_state()

    # A new page (not a swap): the script state is gone, and everything on it speaks of 1 Jan 2019, when
    # only the entity delisted since was in force (China's two GLOMAG designations date from 31 Jul 2020).
    # The "Active" box the page had checked by itself gave way to the day: the table lists the entity.
    if javascript:
        assert page.evaluate("window.loadedOnce === undefined")
    assert page.locator(".notice[role=status]").inner_text().startswith("Showing what was in force on 1 Jan 2019")
    card = _in_force_card(page)
    assert card.split()[0] == "1" and "in force on 1 Jan 2019" in card
    assert page.title() == "China: in force on 1 Jan 2019" + SUFFIX
    assert page.locator("#designations-table tbody th").all_inner_texts() == ["DELISTED TRADING CO"]
    assert page.locator("#id_as_of").input_value() == "2019-01-01"
    # The URL holds only what was chosen: no empty boxes.
    query = page.url.split("?", 1)[1]
    assert "=&" not in query + "&" and "as_of=2019-01-01" in query
    _assert_clean(page)


def test_other_filters_still_swap_only_the_table(open_page, live_server, world):  # noqa: F811
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/countries/CN/?as_of=2021-01-01")
    assert page.locator(".notice[role=status]").inner_text().startswith("Showing what was in force on 1 Jan 2021")
    page.evaluate("window.loadedOnce = true")
    if not page.locator("#id_q").is_visible():
        page.locator("details.filters-box summary").click()
    page.locator("#id_q").fill("chen")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_function("() => document.getElementById('designations-status').textContent.startsWith('1 ')")
    # Same day, so the table was swapped in place and the day kept in the pushed URL.
    assert page.evaluate("window.loadedOnce") is True
    assert "as_of=2021-01-01" in page.url and "q=chen" in page.url
    _assert_clean(page)
