"""Timelines as SVG images: the pure drawing function, and the routes that serve a page's timeline."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from defusedxml import ElementTree
from django.core.cache import cache

from designations.charts_svg import nice_ceiling, timeline_svg
from designations.models import Country, Designation, Designee, DesigneeCountry, SourceDocument
from programs.models import Program
from tests.factories import AuthorityFactory

SVG = "{http://www.w3.org/2000/svg}"
WORDS = {"title": "Listings and delistings per month: China", "description": "A chart.", "date_line": "As of today"}


def parse(svg: str):
    """The document as a tree: fails on anything that is not well-formed XML (defusedxml: no entities)."""
    return ElementTree.fromstring(svg.encode())


def bars(root, kind: str) -> list:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == kind]


# The drawing ------------------------------------------------------------------------------------------


def test_one_bar_per_month_and_series_heights_proportional_to_counts():
    months = ["2020-01", "2020-02", "2020-03", "2020-04"]
    root = parse(timeline_svg(months=months, listed=[10, 0, 5, 20], delisted=[0, 4, 0, 2], **WORDS))

    listed, delisted = bars(root, "listed"), bars(root, "delisted")
    assert [rect.get("data-month") for rect in listed] == months
    assert [rect.get("data-month") for rect in delisted] == months
    heights = [float(rect.get("height")) for rect in listed]
    assert heights[1] == 0
    assert heights[0] == pytest.approx(heights[3] / 2)
    assert heights[2] == pytest.approx(heights[3] / 4)
    assert float(delisted[1].get("height")) == pytest.approx(heights[3] / 5)
    # Bars stand on the same baseline, along the axis in month order.
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 2) for r in listed + delisted}
    assert len(bottoms) == 1
    xs = [float(rect.get("x")) for rect in listed]
    assert xs == sorted(xs)


def test_the_tallest_bar_reaches_the_axis_top_rounded_to_a_nice_number():
    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 10, 11, 23, 240, 251)] == [1, 1, 5, 10, 10, 20, 25, 250, 500]
    root = parse(timeline_svg(months=["2021-05"], listed=[250], delisted=[0], **WORDS))
    labels = [text.text for text in root.iter(f"{SVG}text")]
    assert "250" in labels and "0" in labels


def test_title_desc_and_axis_labels_are_there():
    root = parse(timeline_svg(months=["2020-01", "2020-02"], listed=[1, 2], delisted=[0, 1], **WORDS))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == WORDS["title"]
    assert root.find(f"{SVG}desc").text == WORDS["description"]
    assert set(root.get("aria-labelledby").split()) == {root.find(f"{SVG}title").get("id"), "chart-desc"}
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert {"Month (YYYY-MM)", "Designations per month", "Listings", "Delistings", "2020-01", "As of today"} <= set(
        texts
    )


def test_month_labels_thin_out_on_a_long_axis():
    months = [f"{year}-{month:02d}" for year in range(2000, 2010) for month in range(1, 13)]
    root = parse(timeline_svg(months=months, listed=[1] * 120, delisted=[0] * 120, **WORDS))

    labelled = [text.text for text in root.iter(f"{SVG}text") if text.text in months]
    assert labelled[0] == "2000-01" and 2 <= len(labelled) <= 12
    assert len(bars(root, "listed")) == 120


def test_every_text_is_escaped_and_nothing_can_run():
    hostile = "X <script>alert(1)</script> & \"quoted\" 'single' \x00\x1b"
    svg = timeline_svg(
        months=["2020-01"],
        listed=[1],
        delisted=[0],
        title=hostile,
        description=hostile,
        date_line=hostile,
    )
    root = parse(svg)

    assert "<script" not in svg and "\x00" not in svg and "\x1b" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert root.find(f"{SVG}title").text == "X <script>alert(1)</script> & \"quoted\" 'single' "
    assert all(not key.startswith("on") for element in root.iter() for key in element.attrib)


def test_no_months_gives_a_clear_no_data_image():
    root = parse(timeline_svg(months=[], listed=[], delisted=[], **WORDS))

    assert bars(root, "listed") == [] and bars(root, "delisted") == []
    assert any("No data" in (text.text or "") for text in root.iter(f"{SVG}text"))
    assert root.find(f"{SVG}title").text == WORDS["title"]


def test_series_of_different_lengths_are_refused():
    with pytest.raises(ValueError):
        timeline_svg(months=["2020-01"], listed=[1, 2], delisted=[0], **WORDS)


# The routes -------------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """China with two listings in Jul 2020 and one in Mar 2021 (delisted in Jan 2023), and one listing dated
    only by a bracket across two months; GLOMAG under E.O. 13818; the SDN list of 2 Jul 2024."""
    cache.clear()
    china = Country.objects.create(code="CN", name="China", numeric="156")
    authority = AuthorityFactory(code="eo-13818", short_name="E.O. 13818")
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", is_human_rights=True)
    glomag.authorities.add(authority)
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        url="https://www.treasury.gov/ofac/downloads/sdn.csv",
        title="OFAC SDN list",
        published_on=datetime.date(2024, 7, 2),
    )
    rows = [
        ("CHEN, Quanguo", datetime.date(2020, 7, 31), None),
        ("XINJIANG CORPS", datetime.date(2020, 7, 31), None),
        ("WANG, Junzheng", datetime.date(2021, 3, 22), datetime.date(2023, 1, 5)),
    ]
    for name, listed, delisted in rows:
        designee = Designee.objects.create(kind="individual", name=name)
        DesigneeCountry.objects.create(designee=designee, country=china, role="nationality")
        Designation.objects.create(
            designee=designee,
            program=glomag,
            listed_on=listed,
            listed_precision="day",
            status="delisted" if delisted else "active",
            delisted_on=delisted,
            delisted_precision="day" if delisted else "",
        )
    bracket = Designee.objects.create(kind="entity", name="BRACKETED CO")
    DesigneeCountry.objects.create(designee=bracket, country=china, role="address")
    Designation.objects.create(
        designee=bracket,
        program=glomag,
        listed_on=datetime.date(2022, 2, 3),
        listed_earliest=datetime.date(2022, 1, 20),
        listed_precision="range",
    )
    yield {"china": china, "glomag": glomag, "authority": authority}
    cache.clear()


def svg_counts(response) -> dict[str, dict[str, int]]:
    root = parse(response.content.decode())
    return {
        kind: {rect.get("data-month"): int(rect.get("data-count")) for rect in bars(root, kind)}
        for kind in ("listed", "delisted")
    }


def csv_counts(client, key: str, value: str, event: str) -> dict[str, int]:
    response = client.get("/api/stats/", {key: value, "group_by": "month", "event": event, "format": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    return {row["month"]: int(row["count"]) for row in rows if row["month"]}


def timeline_csv_counts(client, path: str) -> dict[str, dict[str, int]]:
    """The months with a listing or a delisting in a timeline's own CSV (``.../timeline.csv``)."""
    response = client.get(path)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {
        kind: {row["month"]: int(row[kind]) for row in rows if row["month"] and int(row[kind])}
        for kind in ("listed", "delisted")
    }


@pytest.mark.parametrize(
    ("path", "page_path", "key", "value"),
    [
        ("/countries/CN/timeline.svg", "/countries/CN/", "country", "CN"),
        ("/countries/cn/timeline.svg", "/countries/CN/", "country", "CN"),
        ("/programs/GLOMAG/timeline.svg", "/programs/GLOMAG/", "program", "GLOMAG"),
        # The statistics API's ``authority`` filter reads a designation's own authority only, where the page
        # also counts those under the authority's programs; the page's CSV is the timeline's own, which agrees.
        ("/authorities/eo-13818/timeline.svg", "/authorities/eo-13818/", None, None),
        ("/timeline.svg", None, None, None),
    ],
)
def test_the_svg_holds_the_figures_of_the_pages_timeline_and_csv(client, world, path, page_path, key, value):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    counts = svg_counts(response)
    assert list(counts["listed"]) == [f"{y}-{m:02d}" for y in range(2020, 2024) for m in range(1, 13)][6:37]
    nonzero = {kind: {month: n for month, n in months.items() if n} for kind, months in counts.items()}
    assert nonzero == {"listed": {"2020-07": 2, "2021-03": 1}, "delisted": {"2023-01": 1}}
    if page_path:
        chart = client.get(page_path).context["timeline"]["chart"]
        assert list(counts["listed"]) == chart["labels"]
        assert [list(counts["listed"].values()), list(counts["delisted"].values())] == [
            series["data"] for series in chart["series"]
        ]
    assert nonzero == timeline_csv_counts(client, path.removesuffix(".svg") + ".csv")
    if page_path:
        csv_link = client.get(page_path).content.decode().split('class="chart-csv"')[1].split('href="')[1].split('"')[0]
        assert nonzero == timeline_csv_counts(client, csv_link)
    if key:
        assert nonzero["listed"] == csv_counts(client, key, value, "listed")
        assert nonzero["delisted"] == csv_counts(client, key, value, "delisted")


def test_the_svg_names_its_subject_date_and_what_it_rests_on(client, world):
    response = client.get("/countries/CN/timeline.svg")
    root = parse(response.content.decode())

    assert root.find(f"{SVG}title").text == "Listings and delistings per month: China"
    desc = root.find(f"{SVG}desc").text
    assert "China" in desc and "OFAC SDN list as of 2 Jul 2024" in desc
    assert "3 listings and 1 delisting" in desc
    assert "1 listing cannot be placed in one month" in desc
    assert 'filename="timeline-china-2024-07-02.svg"' in response["Content-Disposition"]


def test_as_of_stops_the_months_at_that_day(client, world):
    response = client.get("/programs/GLOMAG/timeline.svg", {"as_of": "2021-12-31"})

    counts = svg_counts(response)
    assert list(counts["listed"])[-1] == "2021-03"
    assert counts["delisted"].get("2023-01") is None
    assert 'filename="timeline-glomag-2021-12-31.svg"' in response["Content-Disposition"]
    assert "Up to 31 Dec 2021" in response.content.decode()


def test_a_subject_without_dated_changes_gives_the_no_data_image(client, world):
    Country.objects.create(code="GM", name="Gambia", numeric="270")

    response = client.get("/countries/GM/timeline.svg")

    assert response.status_code == 200
    assert "No data" in response.content.decode()


def test_bad_as_of_is_a_400_naming_it_and_unknown_subjects_404(client, world):
    response = client.get("/countries/CN/timeline.svg", {"as_of": "2024-02-30"})
    assert response.status_code == 400
    assert response.content.decode().startswith("as_of:")

    assert client.get("/countries/XX/timeline.svg").status_code == 404
    assert client.get("/programs/NO-SUCH/timeline.svg").status_code == 404
    assert client.get("/authorities/no-such/timeline.svg").status_code == 404


def test_a_hostile_name_reaches_the_svg_as_text(client, world):
    Country.objects.filter(code="CN").update(name='China <script>alert(1)</script> & "co"')

    response = client.get("/countries/CN/timeline.svg")

    body = response.content.decode()
    assert "<script" not in body
    assert parse(body).find(f"{SVG}title").text.endswith('China <script>alert(1)</script> & "co"')


def test_the_pages_link_their_timeline_svg_with_their_as_of(client, world):
    content = client.get("/countries/CN/").content.decode()
    assert 'href="/countries/CN/timeline.svg"' in content

    content = client.get("/programs/GLOMAG/", {"as_of": "2022-01-01"}).content.decode()
    assert 'href="/programs/GLOMAG/timeline.svg?as_of=2022-01-01"' in content

    content = client.get("/authorities/eo-13818/").content.decode()
    assert 'href="/authorities/eo-13818/timeline.svg"' in content

    assert 'href="/timeline.svg"' in client.get("/").content.decode()


def test_the_timeline_tells_the_png_button_its_name_title_and_date(client, world):
    content = client.get("/countries/CN/").content.decode()

    assert 'data-download-name="timeline-china"' in content
    assert 'data-download-date="2024-07-02"' in content
    assert 'data-download-title="Listings and delistings per month: China"' in content
