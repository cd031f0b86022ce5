"""The compare page: two to six countries or programs side by side, counted as their own pages count them."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from html import unescape

import pytest
from django.urls import reverse

from designations.models import Designation, DesigneeCountry
from programs.models import Country
from tests.factories import (
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ImportRunFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

URL = "/compare/"
ROLE = DesigneeCountry.Role


@pytest.fixture
def world():
    """China: Chen (GLOMAG, born there), the Xinjiang corps (GLOMAG and HK-EO13936, an address there) and a
    dual national (HK-EO13936, also Russian). Russia: Korobov (CAATSA - RUSSIA) and a designee delisted from
    GLOMAG in February 2021. Iran: nobody."""
    china = CountryFactory(code="CN", name="China", numeric="156")
    russia = CountryFactory(code="RU", name="Russia", numeric="643")
    iran = CountryFactory(code="IR", name="Iran", numeric="364")
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky", is_human_rights=True)
    hong_kong = ProgramFactory(code="HK-EO13936", name="Hong Kong Normalization")
    caatsa = ProgramFactory(code="CAATSA - RUSSIA", name="CAATSA Russia")

    def designee(name, *links):
        person = DesigneeFactory(name=name)
        for country, role in links:
            DesigneeCountryFactory(designee=person, country=country, role=role)
        return person

    chen = designee("CHEN, Quanguo", (china, ROLE.PLACE_OF_BIRTH))
    corps = designee("XINJIANG CORPS", (china, ROLE.ADDRESS))
    dual = designee("DUAL, National", (china, ROLE.NATIONALITY), (russia, ROLE.CITIZENSHIP))
    korobov = designee("KOROBOV, Igor", (russia, ROLE.NATIONALITY))
    former = designee("FORMER, Person", (russia, ROLE.NATIONALITY))
    july, august = datetime.date(2020, 7, 31), datetime.date(2020, 8, 7)
    DesignationFactory(designee=chen, program=glomag, listed_on=july)
    DesignationFactory(designee=corps, program=glomag, listed_on=july)
    DesignationFactory(designee=corps, program=hong_kong, listed_on=august)
    DesignationFactory(designee=dual, program=hong_kong, listed_on=august)
    DesignationFactory(designee=korobov, program=caatsa, listed_on=datetime.date(2018, 3, 15))
    DesignationFactory(
        designee=former,
        program=glomag,
        listed_on=datetime.date(2019, 12, 10),
        status=Designation.Status.DELISTED,
        delisted_on=datetime.date(2021, 2, 1),
        delisted_precision="day",
    )
    ImportRunFactory()
    return {"china": china, "russia": russia, "iran": iran, "glomag": glomag, "hong_kong": hong_kong}


def _figures(response) -> dict[str, dict]:
    """Each subject's figures by code, as the page computed them."""
    return {
        subject.code: {
            "in_force": subject.in_force,
            "designees": subject.designees,
            "listed": subject.timeline["listed"],
            "delisted": subject.timeline["delisted"],
            "top": [(row["code"], row["count"]) for row in subject.top],
        }
        for subject in response.context["subjects"]
    }


def _chart(response) -> dict:
    match = re.search(
        r'<script id="compare-timeline" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert match, "no chart data on the page"
    return json.loads(unescape(match.group(1)))


def _alerts(response) -> str:
    return " ".join(re.findall(r'role="alert">(.*?)</ul>', response.content.decode(), flags=re.S))


# The figures ---------------------------------------------------------------------------------------------


def test_countries_are_compared_figure_by_figure(client, world):
    response = client.get(URL, {"country": ["CN", "RU", "IR"]})

    assert response.status_code == 200
    assert _figures(response) == {
        "CN": {
            "in_force": 4,
            "designees": 3,
            "listed": 4,
            "delisted": 0,
            "top": [("GLOMAG", 2), ("HK-EO13936", 2)],
        },
        "RU": {
            "in_force": 2,
            "designees": 2,
            "listed": 3,
            "delisted": 1,
            "top": [("CAATSA - RUSSIA", 1), ("HK-EO13936", 1)],
        },
        "IR": {"in_force": 0, "designees": 0, "listed": 0, "delisted": 0, "top": []},
    }
    content = response.content.decode()
    for country in (world["china"], world["russia"], world["iran"]):
        assert f'<a href="{country.get_absolute_url()}">{country.name}</a>' in content
    assert response.context["page_title"] == "Compare: China, Russia, Iran"


def test_programs_are_compared_with_their_top_countries(client, world):
    response = client.get(URL, {"program": ["GLOMAG", "HK-EO13936"]})

    assert response.status_code == 200
    assert _figures(response) == {
        "GLOMAG": {"in_force": 2, "designees": 2, "listed": 3, "delisted": 1, "top": [("CN", 2)]},
        "HK-EO13936": {"in_force": 2, "designees": 2, "listed": 2, "delisted": 0, "top": [("CN", 2), ("RU", 1)]},
    }
    assert f'href="{world["glomag"].get_absolute_url()}"' in response.content.decode()


def test_as_of_counts_what_was_in_force_that_day_and_links_the_pages_on_that_day(client, world):
    response = client.get(URL, {"country": ["CN", "RU"], "as_of": "2020-01-01"})

    assert response.status_code == 200
    figures = _figures(response)
    assert (figures["CN"]["in_force"], figures["RU"]["in_force"]) == (0, 2)
    assert (figures["CN"]["listed"], figures["RU"]["listed"]) == (0, 2)  # listings up to that day only
    assert f'href="{world["russia"].get_absolute_url()}?as_of=2020-01-01"' in response.content.decode()
    assert "in force on 1 Jan 2020" in response.context["page_title"]


@pytest.mark.parametrize("as_of", [None, "2020-01-01", "2020-08-31", "2022-01-01"])
def test_country_figures_agree_with_the_country_pages(client, world, as_of):
    query = {"as_of": as_of} if as_of else {}
    compared = client.get(URL, {"country": ["CN", "RU", "IR"], **query}).context["subjects"]

    for subject in compared:
        page = client.get(reverse("designations:country_detail", kwargs={"code": subject.code}), query).context
        assert subject.in_force == page["in_force_total"], subject.code
        assert subject.timeline["listed"] == page["timeline"]["listed"], subject.code
        assert subject.timeline["delisted"] == page["timeline"]["delisted"], subject.code
        assert subject.timeline["rows"] == page["timeline"]["rows"], subject.code
        assert subject.top == page["by_program"][:5], subject.code
        # The designees in force are those the country page lists (its table shows the designations in force).
        in_force = page["paginator"].object_list
        assert subject.designees == len({designation.designee_id for designation in in_force}), subject.code


@pytest.mark.parametrize("as_of", [None, "2020-01-01"])
def test_program_figures_agree_with_the_program_pages(client, world, as_of):
    query = {"as_of": as_of} if as_of else {}
    compared = client.get(URL, {"program": ["GLOMAG", "HK-EO13936", "CAATSA - RUSSIA"], **query}).context["subjects"]

    for subject in compared:
        page = client.get(reverse("programs:program_detail", kwargs={"code": subject.code}), query).context
        assert subject.in_force == page["in_force_total"], subject.code
        assert subject.timeline["listed"] == page["timeline"]["listed"], subject.code
        assert subject.timeline["delisted"] == page["timeline"]["delisted"], subject.code
        assert subject.top == page["by_country"][:5], subject.code


# The chart and its table -----------------------------------------------------------------------------------


def test_the_chart_has_one_series_of_listings_per_country_over_every_month(client, world):
    chart = _chart(client.get(URL, {"country": ["CN", "RU"]}))

    assert chart["type"] == "timeline"
    assert [series["label"] for series in chart["series"]] == ["China", "Russia"]
    assert chart["labels"][0] == "2018-03" and chart["labels"][-1] == "2020-08"
    assert len(chart["labels"]) == 30  # every month between, empty ones at zero
    by_month = {label: [s["data"][i] for s in chart["series"]] for i, label in enumerate(chart["labels"])}
    assert by_month["2018-03"] == [0, 1]
    assert by_month["2019-12"] == [0, 1]
    assert by_month["2020-07"] == [2, 0]
    assert by_month["2020-08"] == [2, 1]
    assert by_month["2019-01"] == [0, 0]


def test_without_javascript_the_figures_are_tables_and_the_forms_are_plain_get_forms(client, world):
    response = client.get(URL, {"country": ["CN", "RU"]})
    content = response.content.decode()

    # The chart's text equivalent: one row per month with a listing, one column per country.
    months = re.search(r'<table class="compare-months">(.*?)</table>', content, flags=re.S).group(1)
    assert re.findall(r'<time datetime="([\d-]+)">', months) == ["2018-03", "2019-12", "2020-07", "2020-08"]
    assert re.findall(r'<th scope="col" class="number">(\w+)</th>', months) == ["China", "Russia"]
    assert 'role="region"' in content and 'tabindex="0"' in content  # its scrolling box is reachable by keyboard
    # The comparison table names every figure for the phone's cards.
    summary = re.search(r'<table class="compare-table[^"]*">(.*?)</table>', content, flags=re.S).group(1)
    assert summary.count('data-label="In force"') == 2
    # Both forms send GET requests to the page, with the chosen countries already in their boxes.
    assert content.count('<form method="get" action="/compare/"') == 2
    assert re.findall(r'name="country"\s+id="compare-country-\d"\s+value="(\w*)"', content) == [
        "CN",
        "RU",
        "",
        "",
        "",
        "",
    ]
    assert '<option value="IR">Iran</option>' in content  # the datalist of countries


def test_a_form_sent_without_javascript_redirects_to_the_chosen_subjects(client, world):
    response = client.get(URL + "?country=CN&country=&country=ru&country=&country=&country=&as_of=")

    assert response.status_code == 302
    assert response["Location"] == URL + "?country=CN&country=ru"
    followed = client.get(response["Location"])
    assert [subject.code for subject in followed.context["subjects"]] == ["CN", "RU"]


def test_countries_may_be_named_or_given_in_lower_case_or_comma_separated_once_each(client, world):
    response = client.get(URL, {"country": ["china", "ru,CN", "Iran"]})

    assert response.status_code == 200
    assert [subject.code for subject in response.context["subjects"]] == ["CN", "RU", "IR"]


def test_one_subject_is_shown_with_an_invitation_to_add_another(client, world):
    response = client.get(URL, {"program": "GLOMAG"})

    assert response.status_code == 200
    assert [subject.code for subject in response.context["subjects"]] == ["GLOMAG"]
    assert "Add another program above to compare it with GLOMAG." in response.content.decode()


def _open_forms(response) -> list[str]:
    """The summaries of the subject forms shown unfolded."""
    html = response.content.decode()
    return [
        part.split("<summary>", 1)[1].split("</summary>", 1)[0]
        for part in html.split('<details class="compare-pick"')[1:]
        if part.split(">", 1)[0].strip() == "open"
    ]


def test_the_forms_fold_away_once_two_are_compared(client, world):
    assert _open_forms(client.get(URL)) == ["Countries", "Programs"]
    assert _open_forms(client.get(URL, {"program": "GLOMAG"})) == ["Programs"]
    assert _open_forms(client.get(URL, {"country": "CN"})) == ["Countries"]
    # Two compared: the figures come first, both forms folded; an error keeps the form open to correct it.
    assert _open_forms(client.get(URL, {"country": ["CN", "RU"]})) == []
    assert _open_forms(client.get(URL, {"country": ["CN", "RU", "XX"]})) == ["Countries"]


def test_the_empty_page_explains_what_to_choose(client, world):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.context["subjects"] == []
    assert "Choose two to six countries or two to six programs" in response.content.decode()


# Bad input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"country": ["CN", "XX"]}, "country: No country has the code or name \u201cXX\u201d."),
        ({"program": ["GLOMAG", "NO-SUCH"]}, "program: No program has the code \u201cNO-SUCH\u201d."),
        (
            {"country": ["CN", "RU", "IR", "FR", "DE", "GB", "JP"]},
            "country: At most 6 countries can be compared (7 given).",
        ),
        ({"country": "CN", "program": "GLOMAG"}, "country, program: Compare countries or programs, not both at once."),
        ({"country": ["CN", "RU"], "as_of": "2024-02-30"}, 'as_of: "2024-02-30" is not a date'),
        ({"country": ["CN", "RU"], "format": "xml"}, "format: Only csv is offered"),
    ],
    ids=["unknown-country", "unknown-program", "seven", "mixed", "bad-as-of", "bad-format"],
)
def test_bad_input_gets_the_page_with_a_message_and_400(client, world, query, message):
    response = client.get(URL, query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in unescape(_alerts(response))
    assert '<form method="get" action="/compare/"' in response.content.decode()  # to correct it


def test_an_unknown_country_leaves_the_known_ones_compared(client, world):
    response = client.get(URL, {"country": ["CN", "XX", "RU"]})

    assert response.status_code == 400
    assert [subject.code for subject in response.context["subjects"]] == ["CN", "RU"]


def test_a_message_escapes_and_shortens_what_it_quotes(client, world):
    response = client.get(URL, {"country": "<script>alert(1)</script>" + "A" * 100})

    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/scrip…" in response.content.decode()


def test_a_bad_request_is_not_cached(client, world, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert client.get(URL, {"country": "XX"}).status_code == 400
    Country.objects.create(code="XX", name="Exland")

    assert client.get(URL, {"country": "XX"}).status_code == 200


# CSV --------------------------------------------------------------------------------------------------------


def test_the_comparison_downloads_as_csv_with_the_pages_figures(client, world):
    response = client.get(URL, {"country": ["CN", "RU"], "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="compare.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["kind"], row["code"], row["name"]) for row in rows] == [
        ("country", "CN", "China"),
        ("country", "RU", "Russia"),
    ]
    assert [(row["in_force"], row["designees"], row["listings"], row["delistings"]) for row in rows] == [
        ("4", "3", "4", "0"),
        ("2", "2", "3", "1"),
    ]
    assert rows[0]["top"] == "GLOMAG:2|HK-EO13936:2"
    assert rows[1]["top"] == "CAATSA - RUSSIA:1|HK-EO13936:1"
    # Listings dated only by a span across months are counted apart, as on the page, and not called undated.
    assert [row["listings_not_in_one_month"] for row in rows] == [
        str(subject.timeline["undated"]) for subject in client.get(URL, {"country": ["CN", "RU"]}).context["subjects"]
    ]


def test_the_page_links_its_csv_and_each_subjects_statistics(client, world):
    content = client.get(URL, {"program": ["GLOMAG", "CAATSA - RUSSIA"]}).content.decode()

    assert 'href="?program=GLOMAG&amp;program=CAATSA+-+RUSSIA&amp;format=csv"' in content
    assert "/api/stats/?program=CAATSA%20-%20RUSSIA&amp;group_by=month&amp;event=listed&amp;format=csv" in content


def test_the_csv_of_a_day_says_the_day(client, world):
    response = client.get(URL, {"country": "RU", "as_of": "2020-01-01", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(row["as_of"], row["in_force"], row["listings"]) for row in rows] == [("2020-01-01", "2", "2")]


# The links that lead here, and the cost --------------------------------------------------------------------


def test_country_and_program_pages_link_to_the_compare_page_with_themselves_chosen(client, world):
    country = client.get(world["china"].get_absolute_url()).content.decode()
    program = client.get(reverse("programs:program_detail", kwargs={"code": "CAATSA - RUSSIA"})).content.decode()

    assert '<a href="/compare/?country=CN">Compare with…</a>' in country
    assert '<a href="/compare/?program=CAATSA%20-%20RUSSIA">Compare with…</a>' in program
    assert client.get("/compare/?program=CAATSA%20-%20RUSSIA").context["subjects"][0].code == "CAATSA - RUSSIA"


def test_the_statistics_are_cached_with_the_country_pages(client, world, django_assert_num_queries):
    client.get(world["china"].get_absolute_url())
    client.get(world["russia"].get_absolute_url())

    # Countries and programs (to read the query and name the rows), the data's version for the page, and per
    # country the data's version and the designees in force: the breakdowns and timelines are read from the
    # country pages' cache.
    with django_assert_num_queries(7):
        response = client.get(URL, {"country": ["CN", "RU"]})
    assert response.status_code == 200


def test_a_csv_cell_that_would_start_a_formula_is_quoted(client, world):
    Country.objects.create(code="XF", name='=HYPERLINK("http://example.org")')

    response = client.get(URL, {"country": "XF", "format": "csv"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["name"] == '\'=HYPERLINK("http://example.org")'
