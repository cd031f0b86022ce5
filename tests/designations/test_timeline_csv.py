"""A timeline's figures as CSV (``.../timeline.csv``): the figures of the page's chart and of its SVG, row for
row, the listings placeable in no month in a last row, and what they rest on in the file name."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from defusedxml import ElementTree
from django.core.cache import cache

from designations.models import DatePrecision, Designation, SourceDocument
from tests.factories import (
    AuthorityFactory,
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    ProgramFactory,
    SourceDocumentFactory,
)

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def world(db):
    """Qhinaland; E.O. 14999 behind the program ALPHA; BETA, a program the order is not behind.

    Under ALPHA, tied to Qhinaland, naming no authority: two listings in Jul 2020 (one delisted in Jan 2023)
    and one listing dated by a bracket across Jan and Feb 2022 (placeable in no month). Under BETA, naming
    E.O. 14999 itself: one listing in Mar 2021. Under BETA, naming nothing: one listing in May 2019. The SDN
    list of 2 Jul 2024.
    """
    cache.clear()
    country = CountryFactory(code="QC", name="Qhinaland")
    authority = AuthorityFactory(code="eo-14999", short_name="E.O. 14999")
    alpha = ProgramFactory(code="ALPHA")
    alpha.authorities.add(authority)
    beta = ProgramFactory(code="BETA")
    SourceDocumentFactory(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        published_on=datetime.date(2024, 7, 2),
    )
    in_qhinaland = [
        DesignationFactory(program=alpha, listed_on=datetime.date(2020, 7, 10)),
        DesignationFactory(
            program=alpha,
            listed_on=datetime.date(2020, 7, 20),
            status=Designation.Status.DELISTED,
            delisted_on=datetime.date(2023, 1, 5),
            delisted_precision=DatePrecision.DAY,
        ),
        DesignationFactory(
            program=alpha,
            listed_on=datetime.date(2022, 2, 3),
            listed_earliest=datetime.date(2022, 1, 20),
            listed_precision=DatePrecision.RANGE,
        ),
    ]
    for designation in in_qhinaland:
        DesigneeCountryFactory(designee=designation.designee, country=country)
    DesignationFactory(program=beta, authority=authority, listed_on=datetime.date(2021, 3, 22))
    DesignationFactory(program=beta, listed_on=datetime.date(2019, 5, 1))
    yield {"country": country, "authority": authority, "alpha": alpha}
    cache.clear()


def csv_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def dated(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["month"]]


def svg_series(response) -> tuple[list[str], list[int], list[int]]:
    root = ElementTree.fromstring(response.content)
    rects = {
        kind: [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == kind] for kind in ("listed", "delisted")
    }
    months = [rect.get("data-month") for rect in rects["listed"]]
    assert months == [rect.get("data-month") for rect in rects["delisted"]]
    return (
        months,
        [int(rect.get("data-count")) for rect in rects["listed"]],
        [int(rect.get("data-count")) for rect in rects["delisted"]],
    )


PAGES = [
    pytest.param("/countries/QC/", {"listed": 2, "delisted": 1, "undated": 1}, id="country"),
    pytest.param("/programs/ALPHA/", {"listed": 2, "delisted": 1, "undated": 1}, id="program"),
    # The order's page counts the designations under ALPHA (which do not name it) and the one naming it.
    pytest.param("/authorities/eo-14999/", {"listed": 3, "delisted": 1, "undated": 1}, id="authority"),
]


@pytest.mark.parametrize(("page_path", "totals"), PAGES)
def test_the_csv_holds_the_figures_of_the_pages_chart_and_of_the_svg(client, world, page_path, totals):
    figures = client.get(page_path).context["timeline"]
    rows = csv_of(client.get(f"{page_path}timeline.csv"))
    months, listed, delisted = svg_series(client.get(f"{page_path}timeline.svg"))

    assert list(rows[0]) == ["month", "listed", "delisted"]
    assert [row["month"] for row in dated(rows)] == figures["chart"]["labels"] == months
    assert [int(row["listed"]) for row in dated(rows)] == figures["chart"]["series"][0]["data"] == listed
    assert [int(row["delisted"]) for row in dated(rows)] == figures["chart"]["series"][1]["data"] == delisted
    assert sum(int(row["listed"]) for row in dated(rows)) == figures["listed"] == totals["listed"]
    assert sum(int(row["delisted"]) for row in dated(rows)) == figures["delisted"] == totals["delisted"]
    # The last row: the listings placeable in no month, which the page's caption reports apart.
    assert rows[-1] == {"month": "", "listed": str(figures["undated"]), "delisted": ""}
    assert figures["undated"] == totals["undated"]
    assert [row for row in rows if not row["month"]] == [rows[-1]]


def test_the_home_csv_holds_the_figures_of_the_svg_and_of_the_homes_chart(client, world):
    home = client.get("/")
    family = home.context["family_timeline"]
    assert 'href="/timeline.csv"' in home.content.decode()
    rows = csv_of(client.get("/timeline.csv"))
    months, listed, delisted = svg_series(client.get("/timeline.svg"))

    assert [row["month"] for row in dated(rows)] == months
    assert months[0] == "2019-05" and months[-1] == "2023-01"
    assert [int(row["listed"]) for row in dated(rows)] == listed
    assert [int(row["delisted"]) for row in dated(rows)] == delisted
    assert sum(listed) == 4 and sum(delisted) == 1
    # The home page's chart stacks the same listings by program family, month for month.
    by_month = {row["month"]: sum(row["counts"]) for row in family["table"]}
    assert {row["month"]: int(row["listed"]) for row in dated(rows) if int(row["listed"])} == by_month
    assert rows[-1] == {"month": "", "listed": "1", "delisted": ""}


def test_the_authoritys_csv_counts_what_its_page_counts_not_only_what_names_it(client, world):
    rows = csv_of(client.get("/authorities/eo-14999/timeline.csv"))
    by_month = {row["month"]: (int(row["listed"]), int(row["delisted"])) for row in dated(rows)}
    named_only = csv_of(client.get("/api/stats/", {"authority": "eo-14999", "group_by": "month", "format": "csv"}))

    # Jul 2020 and Jan 2023: ALPHA's designations, which do not name the order; Mar 2021: the one that does.
    assert by_month["2020-07"] == (2, 0)
    assert by_month["2021-03"] == (1, 0)
    assert by_month["2023-01"] == (0, 1)
    assert {row["month"]: int(row["count"]) for row in named_only if row["month"]} == {"2021-03": 1}


def test_the_pages_link_their_csv_with_their_as_of(client, world):
    for page_path, csv_path in (
        ("/countries/QC/", "/countries/QC/timeline.csv"),
        ("/programs/ALPHA/", "/programs/ALPHA/timeline.csv"),
        ("/authorities/eo-14999/", "/authorities/eo-14999/timeline.csv"),
    ):
        content = client.get(page_path).content.decode()
        assert f'href="{csv_path}"' in content, page_path
        assert "Download the figures as CSV" in content
        assert "/api/stats/?authority=" not in content

    content = client.get("/authorities/eo-14999/", {"as_of": "2021-12-31"}).content.decode()
    assert 'href="/authorities/eo-14999/timeline.csv?as_of=2021-12-31"' in content


@pytest.mark.parametrize("page_path", ["/countries/QC/", "/programs/ALPHA/", "/authorities/eo-14999/", "/"])
def test_as_of_stops_the_months_as_on_the_page_and_in_the_svg(client, world, page_path):
    rows = csv_of(client.get(f"{page_path}timeline.csv", {"as_of": "2021-12-31"}))
    months, listed, delisted = svg_series(client.get(f"{page_path}timeline.svg", {"as_of": "2021-12-31"}))

    assert [row["month"] for row in dated(rows)] == months
    assert months[-1] <= "2021-12" and "2023-01" not in months
    assert [int(row["listed"]) for row in dated(rows)] == listed
    assert sum(int(row["delisted"]) for row in dated(rows)) == sum(delisted) == 0
    if page_path != "/":
        figures = client.get(page_path, {"as_of": "2021-12-31"}).context["timeline"]
        assert [row["month"] for row in dated(rows)] == figures["chart"]["labels"]
        assert sum(int(row["listed"]) for row in dated(rows)) == figures["listed"]


def test_the_csv_is_plain_text_csv_named_after_what_it_rests_on(client, world):
    response = client.get("/countries/QC/timeline.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="timeline-qhinaland-sdn-2024-07-02.csv"'
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0] == "month,listed,delisted"
    assert "#" not in body

    response = client.get("/programs/ALPHA/timeline.csv", {"as_of": "2021-12-31"})
    assert response["Content-Disposition"] == 'attachment; filename="timeline-alpha-to-2021-12-31-sdn-2024-07-02.csv"'

    SourceDocument.objects.filter(kind=SourceDocument.Kind.LIST_SNAPSHOT).delete()
    cache.clear()
    response = client.get("/timeline.csv")
    assert response["Content-Disposition"] == 'attachment; filename="timeline-all-designations-no-sdn-list.csv"'


def test_a_hostile_subject_name_stays_out_of_the_cells_and_the_file_name(client, world):
    world["country"].name = '=HYPERLINK("http://evil") "x"'
    world["country"].save()

    response = client.get("/countries/QC/timeline.csv")

    assert response["Content-Disposition"] == 'attachment; filename="timeline-hyperlinkhttpevil-x-sdn-2024-07-02.csv"'
    assert "HYPERLINK" not in b"".join(response.streaming_content).decode()


@pytest.mark.parametrize("path", ["/timeline.csv", "/countries/QC/timeline.csv", "/programs/ALPHA/timeline.csv"])
def test_bad_as_of_is_a_400_naming_it(client, world, path):
    for value in ("2024-02-30", "abc", "31/12/2020"):
        response = client.get(path, {"as_of": value})

        assert response.status_code == 400
        assert response.content.decode().startswith("as_of:")


def test_the_authoritys_bad_as_of_is_a_400_and_unknown_subjects_404(client, world):
    response = client.get("/authorities/eo-14999/timeline.csv", {"as_of": "2024-13-01"})
    assert response.status_code == 400
    assert response.content.decode().startswith("as_of:")

    assert client.get("/countries/qc/timeline.csv").status_code == 200
    assert client.get("/countries/XX/timeline.csv").status_code == 404
    assert client.get("/programs/NO-SUCH/timeline.csv").status_code == 404
    assert client.get("/authorities/no-such/timeline.csv").status_code == 404


def test_the_csv_reads_the_figures_the_page_cached(client, world, monkeypatch):
    client.get("/authorities/eo-14999/")
    client.get("/programs/ALPHA/timeline.svg", {"as_of": "2021-12-31"})

    def no_query(*args, **kwargs):
        raise AssertionError("figures computed again instead of read from the page's cache")

    monkeypatch.setattr("designations.views.common.designation_stats", no_query)

    assert sum(int(row["listed"]) for row in dated(csv_of(client.get("/authorities/eo-14999/timeline.csv")))) == 3
    rows = csv_of(client.get("/programs/ALPHA/timeline.csv", {"as_of": "2021-12-31"}))
    assert sum(int(row["listed"]) for row in dated(rows)) == 2
    # A subject no page has shown yet is computed, which the stand-in refuses: it is in effect.
    with pytest.raises(AssertionError, match="computed again"):
        client.get("/countries/QC/timeline.csv")
