"""The search page in headless Chromium at desktop (1366 px) and mobile (390 px) width, with JavaScript on and
off: each designee found says what matched and how closely, its status, programs, countries (personal ones
first) and birth date; the matcher's account is behind a "why" disclosure; the record OFAC removed as a
duplicate of KADYROV's entry is not a second, identical result. Screenshots are saved under
``test-artifacts/``.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache

from designations.matching import reset_index
from designations.models import (
    Alias,
    BirthDate,
    Country,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    SourceDocument,
)
from programs.models import Program
from tests.tracker.test_ui_analyst import DESKTOP, MOBILE, _shot, browser, open_page  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kadyrov(reference_data):
    """Real SDN entries as the 2 Jul 2024 list and its 2021-2024 history give them: KADYROV, Ramzan Akhmatovich
    (entry 23343, in force under three programs) and the second record of him OFAC removed as a duplicate
    (entry 36459); ONYSHCHENKO, Oleksandr, whose alias is "KADYROV, Oleksandr"."""
    cache.clear()
    reset_index()
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        url="https://www.treasury.gov/ofac/downloads/sdn.csv",
        title="OFAC SDN list",
        published_on=datetime.date(2024, 7, 2),
    )
    countries = {code: Country.objects.get(code=code) for code in ("RU", "AE", "UA", "DE")}
    programs = {
        code: Program.objects.get(code=code) for code in ("GLOMAG", "MAGNIT", "RUSSIA-EO14024", "ELECTION-EO13848")
    }
    ramzan = Designee.objects.create(kind="individual", name="KADYROV, Ramzan Akhmatovich", entry_number=23343)
    BirthDate.objects.create(
        designee=ramzan, raw="05 Oct 1976", date_from=datetime.date(1976, 10, 5), date_to=datetime.date(1976, 10, 5)
    )
    for code, role in (("RU", "address"), ("AE", "address"), ("RU", "nationality"), ("RU", "place_of_birth")):
        DesigneeCountry.objects.create(designee=ramzan, country=countries[code], role=role)
    duplicate = Designee.objects.create(kind="individual", name="KADYROV, Ramzan Akhmatovich", entry_number=36459)
    for code in ("GLOMAG", "MAGNIT", "RUSSIA-EO14024"):
        Designation.objects.create(
            designee=ramzan,
            program=programs[code],
            listed_on=datetime.date(2021, 5, 22),
            listed_precision="on_or_before",
        )
        removed = Designation.objects.create(
            designee=duplicate,
            program=programs[code],
            status="delisted",
            listed_on=datetime.date(2022, 12, 12),
            listed_precision="range",
            listed_earliest=datetime.date(2022, 12, 9),
            delisted_on=datetime.date(2023, 2, 24),
            delisted_precision="range",
            delisted_earliest=datetime.date(2023, 2, 21),
        )
        DesignationEvent.objects.create(
            designation=removed,
            kind="removed_duplicate",
            occurred_on=datetime.date(2023, 2, 24),
            precision="range",
            earliest=datetime.date(2023, 2, 21),
            note="Entry 36459 was removed while entry 23343 of the same name, under a program they shared, stayed "
            "listed: taken as the removal of a duplicate record (inferred from the list states), not a delisting.",
        )
    onyshchenko = Designee.objects.create(kind="individual", name="ONYSHCHENKO, Oleksandr", entry_number=30877)
    Alias.objects.create(designee=onyshchenko, name="KADYROV, Oleksandr")
    BirthDate.objects.create(
        designee=onyshchenko,
        raw="31 Mar 1969",
        date_from=datetime.date(1969, 3, 31),
        date_to=datetime.date(1969, 3, 31),
    )
    for code, role in (("DE", "address"), ("UA", "address"), ("UA", "nationality"), ("RU", "place_of_birth")):
        DesigneeCountry.objects.create(designee=onyshchenko, country=countries[code], role=role)
    Designation.objects.create(
        designee=onyshchenko,
        program=programs["ELECTION-EO13848"],
        listed_on=datetime.date(2021, 5, 22),
        listed_precision="on_or_before",
    )
    yield {"ramzan": ramzan, "duplicate": duplicate, "onyshchenko": onyshchenko}
    cache.clear()
    reset_index()


def _results(page) -> dict[str, object]:
    items = page.locator("ol.results > li.result")
    return {items.nth(i).locator("h3").inner_text(): items.nth(i) for i in range(items.count())}


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_search_results_say_what_matched_status_programs_countries_and_birth_date(
    open_page,  # noqa: F811 (the fixture imported above)
    live_server,
    kadyrov,
    viewport,
    javascript,
):
    page = open_page(viewport, javascript)
    page.goto(live_server.url + "/search/")
    page.get_by_label("Name in any spelling or script").fill("Kadyrov")
    page.get_by_role("search", name="Search the tracker").get_by_role("button", name="Search").click()
    page.wait_for_url("**/search/?q=Kadyrov")

    results = _results(page)
    names = [page.locator("ol.results > li.result h3").nth(i).inner_text() for i in range(len(results))]
    # One KADYROV, Ramzan Akhmatovich: the record OFAC removed as a duplicate is not a second, identical row.
    assert names.count("KADYROV, Ramzan Akhmatovich") == 1
    ramzan = results["KADYROV, Ramzan Akhmatovich"]
    assert ramzan.locator("h3 a").get_attribute("href") == kadyrov["ramzan"].get_absolute_url()
    assert ramzan.locator(".badge").inner_text() == "Active"
    assert "OFAC entry 23343" in ramzan.locator(".result-meta").inner_text()
    assert re.fullmatch(r"Matched name · \d{2,3}%", ramzan.locator(".result-match").inner_text())
    facts = ramzan.locator(".result-facts")
    assert facts.locator("dt").all_inner_texts() == ["Programs", "Countries", "Born"]
    programs, countries, born = facts.locator("dd").all_inner_texts()
    assert programs == "GLOMAG, MAGNIT, RUSSIA-EO14024"
    assert countries == "Russia (nationality, place of birth, address), United Arab Emirates (address)"
    assert born == "05 Oct 1976"

    onyshchenko = results["ONYSHCHENKO, Oleksandr"]
    assert re.fullmatch(
        r"Matched alias “KADYROV, Oleksandr” · \d{2,3}%", onyshchenko.locator(".result-match").inner_text()
    )
    assert onyshchenko.locator(".result-facts dd").nth(1).inner_text().startswith("Russia (place of birth), Ukraine")

    # The matcher's account is closed until asked for, and in words.
    why = ramzan.locator("details.why")
    assert not why.locator("dl").is_visible()
    assert "token_similarity" not in page.locator("main").inner_text()
    why.locator("summary").click()
    assert why.locator("dl").is_visible()
    assert "Word-by-word similarity" in why.inner_text()

    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    _shot(page, f"ui-search-kadyrov-{viewport['width']}{'' if javascript else '-nojs'}")
    assert page.errors == [] and page.off_machine == [] and page.missing == []
