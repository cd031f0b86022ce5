"""The designation pages' filter pickers and active-filter chips: each program, authority or country offered
is one with designations in the page's scope, named, coded and counted with the status chosen; each filter in
the query string is a chip linking to the same page without it; everything works as plain HTML."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from designations.matching import reset_index
from designations.models import Designation
from tests.factories import (
    AuthorityFactory,
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

LIST = "/designations/"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The pickers' counts are cached with the page's aggregates; each test starts cold."""
    cache.clear()
    reset_index()
    yield
    cache.clear()
    reset_index()


@pytest.fixture
def world():
    """Three designees tied to China under GLOMAG (one delisted) and one under CAATSA; two tied to Russia, under
    CAATSA and SDGT; France and the program UNUSED with no designation."""
    china = CountryFactory(code="CN", name="China")
    russia = CountryFactory(code="RU", name="Russia")
    france = CountryFactory(code="FR", name="France")
    eo = AuthorityFactory(code="eo-13818", name="Executive Order 13818")
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky")
    glomag.authorities.add(eo)
    caatsa = ProgramFactory(code="CAATSA - RUSSIA", name="CAATSA (Russia)")
    sdgt = ProgramFactory(code="SDGT", name="Specially Designated Global Terrorist")
    unused = ProgramFactory(code="UNUSED", name="Never used")

    def designate(name, country, program, **kwargs):
        designee = DesigneeFactory(name=name)
        DesigneeCountryFactory(designee=designee, country=country)
        return DesignationFactory(designee=designee, program=program, **kwargs)

    designate("CHEN, Quanguo", china, glomag, authority=eo)
    designate("XINJIANG CORPS", china, glomag)
    designate(
        "ZHU, Hailun",
        china,
        glomag,
        status=Designation.Status.DELISTED,
        delisted_on=datetime.date(2023, 5, 1),
        delisted_precision="day",
    )
    designate("WANG, Yi", china, caatsa, listed_on=datetime.date(2022, 3, 1))
    designate("KOROBOV, Igor", russia, caatsa)
    designate("IVANOV, Ivan", russia, sdgt)
    return {
        "china": china,
        "russia": russia,
        "france": france,
        "eo": eo,
        "glomag": glomag,
        "caatsa": caatsa,
        "sdgt": sdgt,
        "unused": unused,
    }


def picker(response, name: str) -> dict[str, tuple[str, int, bool]]:
    """The options a page's picker offers: code -> (label, count, checked)."""
    options = response.context["filterset"].form.fields[name].picker["options"]
    return {option["code"]: (option["label"], option["count"], option["checked"]) for option in options}


def chips(response) -> dict[str, str]:
    """The chips of a page: label -> the URL of the same page without that filter."""
    return {chip["label"]: chip["url"] for chip in response.context["filter_chips"]}


# Pickers ---------------------------------------------------------------------------------------------------


def test_country_page_offers_only_programs_with_designations_there_counted_by_status(client, world):
    response = client.get(world["china"].get_absolute_url())

    # Without filters the page shows designations in force: the counts are of active ones.
    assert picker(response, "program") == {
        "CAATSA - RUSSIA": ("CAATSA (Russia) (CAATSA - RUSSIA)", 1, False),
        "GLOMAG": ("Global Magnitsky (GLOMAG)", 2, False),
    }
    content = response.content.decode()
    assert 'value="SDGT"' not in content and 'value="UNUSED"' not in content
    assert 'Global Magnitsky (GLOMAG) <span class="count">· 2</span>' in content


def test_picker_counts_follow_the_status_chosen(client, world):
    url = world["china"].get_absolute_url()

    delisted = client.get(url, {"filtered": "1", "status": "delisted"})
    both = client.get(url, {"filtered": "1", "status": ["active", "delisted"]})
    none = client.get(url, {"filtered": "1", "kind": "individual"})

    assert picker(delisted, "program") == {"GLOMAG": ("Global Magnitsky (GLOMAG)", 1, False)}
    assert picker(both, "program")["GLOMAG"] == ("Global Magnitsky (GLOMAG)", 3, False)
    # Submitted without a status: every status counts.
    assert picker(none, "program")["GLOMAG"][1] == 3


def test_a_chosen_program_without_designations_here_stays_offered_and_checked(client, world):
    response = client.get(world["china"].get_absolute_url(), {"program": "sdgt"})

    assert response.status_code == 200
    assert picker(response, "program")["SDGT"] == ("Specially Designated Global Terrorist (SDGT)", 0, True)
    assert re.search(
        r'<input type="checkbox" name="program" value="SDGT" id="id_program_\d+" checked>', response.content.decode()
    )


def test_designation_list_offers_programs_authorities_and_countries_with_results(client, world):
    response = client.get(LIST)

    assert picker(response, "program") == {
        "CAATSA - RUSSIA": ("CAATSA (Russia) (CAATSA - RUSSIA)", 2, False),
        "GLOMAG": ("Global Magnitsky (GLOMAG)", 2, False),
        "SDGT": ("Specially Designated Global Terrorist (SDGT)", 1, False),
    }
    assert picker(response, "country") == {"CN": ("China (CN)", 3, False), "RU": ("Russia (RU)", 2, False)}
    assert picker(response, "authority") == {"eo-13818": ("Executive Order 13818 (eo-13818)", 1, False)}


def test_designation_list_as_of_counts_what_was_in_force_that_day(client, world):
    response = client.get(LIST, {"as_of": "2021-12-31"})

    # Wang was listed in March 2022; Zhu, delisted in 2023, was in force.
    assert picker(response, "program")["GLOMAG"][1] == 3
    assert picker(response, "program")["CAATSA - RUSSIA"][1] == 1
    assert picker(response, "country")["CN"][1] == 3


def test_program_page_offers_only_countries_of_its_designees(client, world):
    response = client.get(world["glomag"].get_absolute_url())

    assert picker(response, "country") == {"CN": ("China (CN)", 2, False)}
    assert "program" not in response.context["filterset"].form.fields or not hasattr(
        response.context["filterset"].form.fields["program"], "picker"
    )


def test_authority_page_offers_only_its_programs(client, world):
    response = client.get(world["eo"].get_absolute_url())

    assert picker(response, "program") == {"GLOMAG": ("Global Magnitsky (GLOMAG)", 2, False)}
    assert picker(response, "country") == {"CN": ("China (CN)", 2, False)}


def test_each_picker_costs_one_grouped_query_cached_with_the_pages_aggregates(client, world):
    def picker_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return [query["sql"] for query in queries if "GROUP BY" in query["sql"] and '"status"' in query["sql"]]

    assert len(picker_queries()) == 3  # programs, authorities, countries
    assert picker_queries() == []


def test_picker_works_without_javascript_as_check_boxes_in_a_named_scrolling_region(client, world):
    content = client.get(world["china"].get_absolute_url()).content.decode()

    assert '<select name="program"' not in content
    fieldset = content[
        content.index('<fieldset class="picker"') : content.index(
            "</fieldset>", content.index('<fieldset class="picker"')
        )
    ]
    assert '<legend id="picker-program-legend">' in fieldset
    assert 'role="region"' in fieldset and 'tabindex="0"' in fieldset
    assert 'aria-labelledby="picker-program-legend"' in fieldset
    assert len(re.findall(r'<input type="checkbox" name="program"', fieldset)) == 2
    assert "js/picker.js" in content

    # What the check boxes send is the filter's own parameter.
    response = client.get(world["china"].get_absolute_url(), {"filtered": "1", "program": "GLOMAG", "status": "active"})
    assert sorted(d.designee.name for d in response.context["designations"]) == ["CHEN, Quanguo", "XINJIANG CORPS"]


# Chips -----------------------------------------------------------------------------------------------------


def test_each_active_filter_is_a_chip_linking_to_the_page_without_it(client, world):
    response = client.get(
        LIST,
        {
            "program": "GLOMAG,CAATSA - RUSSIA",
            "country": "cn",
            "listed_after": "2022-01-01",
            "as_of": "2024-01-01",
            "page": "1",
        },
    )

    both = "program=GLOMAG&program=CAATSA+-+RUSSIA"
    rest = "listed_after=2022-01-01&as_of=2024-01-01"
    assert chips(response) == {
        "Program: GLOMAG": f"{LIST}?filtered=1&program=CAATSA+-+RUSSIA&country=cn&{rest}",
        "Program: CAATSA - RUSSIA": f"{LIST}?filtered=1&program=GLOMAG&country=cn&{rest}",
        "Country: China": f"{LIST}?filtered=1&{both}&{rest}",
        "Listed after: 1 Jan 2022": f"{LIST}?filtered=1&{both}&country=cn&as_of=2024-01-01",
        "As of: 1 Jan 2024": f"{LIST}?filtered=1&{both}&country=cn&listed_after=2022-01-01",
    }
    assert response.context["clear_filters_url"] == LIST
    content = html.unescape(response.content.decode())
    for label, url in chips(response).items():
        # A link, named for what it does ("Remove filter Program: GLOMAG"), the cross hidden from screen readers.
        assert (
            f'<a href="{url}"><span class="visually-hidden">Remove filter</span> {label} '
            '<span aria-hidden="true">\u00d7</span></a>' in content
        )
    assert f'<a href="{LIST}">Clear all<span class="visually-hidden"> filters</span></a>' in content


def test_following_a_chip_removes_only_its_filter(client, world):
    url = world["china"].get_absolute_url()
    response = client.get(url, {"filtered": "1", "program": ["GLOMAG", "CAATSA - RUSSIA"], "status": "active"})
    assert response.context["paginator"].count == 3

    removed = client.get(chips(response)["Program: CAATSA - RUSSIA"])
    assert removed.status_code == 200
    assert sorted(d.designee.name for d in removed.context["designations"]) == ["CHEN, Quanguo", "XINJIANG CORPS"]
    assert set(chips(removed)) == {"Program: GLOMAG", "Status: Active"}

    # The last filter taken away leaves the page filtered by nothing (every status), not back to its default.
    without_status = client.get(chips(removed)["Status: Active"])
    assert without_status.context["paginator"].count == 3  # Chen, the corps and the delisted Zhu
    assert client.get(chips(without_status)["Program: GLOMAG"]).context["paginator"].count == 4


def test_chips_name_choices_dates_and_text_in_words(client, world):
    response = client.get(
        world["glomag"].get_absolute_url(),
        {"kind": "individual", "status": "delisted", "q": "zhu", "delisted_before": "2023-12-31", "sort": "-listed"},
    )

    assert set(chips(response)) == {
        "Kind: Individual",
        "Status: Delisted",
        "Search: \u201czhu\u201d",
        "Delisted before: 31 Dec 2023",
    }
    # The sort is kept in every link but has no chip.
    assert all("sort=-listed" in url for url in chips(response).values())
    assert response.context["clear_filters_url"] == f"{world['glomag'].get_absolute_url()}?sort=-listed"


def test_no_chips_without_filters(client, world):
    response = client.get(LIST)

    assert response.context["filter_chips"] == []
    assert "Remove filter" not in response.content.decode()


def test_chips_come_with_the_table_htmx_swaps(client, world):
    response = client.get(
        world["china"].get_absolute_url(),
        {"filtered": "1", "program": "GLOMAG"},
        headers={"HX-Request": "true"},
    )

    content = response.content.decode()
    assert "<html" not in content
    assert '<span class="visually-hidden">Remove filter</span> Program: GLOMAG' in content


def test_a_bad_value_is_still_a_400_with_its_message_and_a_chip_to_remove_it(client, world):
    response = client.get(LIST, {"program": "NOPE", "country": "CN"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "program: Select a valid choice. NOPE is not one of the available choices." in content
    assert chips(response)["Program: NOPE"] == f"{LIST}?filtered=1&country=CN"
    assert client.get(chips(response)["Program: NOPE"]).status_code == 200
