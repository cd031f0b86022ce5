"""Chart downloads and feed previews in headless Chromium: "Download PNG" saves the drawn chart as an opaque
PNG named after its subject and the data's date, in both themes; without JavaScript there is no such button,
and the timeline's server-drawn SVG is a plain link; a feed preview's copy button works with scripts and its
address is plain selectable text without them.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from designations.models import Designation, DesignationEvent
from tests.tracker import test_ui_analyst
from tests.tracker.test_ui_analyst import DESKTOP, MOBILE, _assert_clean
from tests.tracker.test_ui_browser import browser  # noqa: F401 (the Chromium fixture the browser tests share)

# The analysts' browser fixtures: ``open_page(viewport, javascript, color_scheme)`` and the real SDN entries.
open_page = test_ui_analyst.open_page
world = test_ui_analyst.world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LISTINGS_BLUE = (0x1F, 0x6F, 0xB2)


def png_pixels(data: bytes) -> tuple[int, int, list[bytearray]]:
    """Width, height and the rows of an 8-bit RGBA PNG (what a canvas saves) or RGB PNG (a page's screenshot),
    unfiltered: four or three values a pixel."""
    assert data.startswith(PNG_SIGNATURE)
    position, idat, header = len(PNG_SIGNATURE), b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, *_ = header
    assert (depth, colour) in ((8, 6), (8, 2)), "an 8-bit RGBA or RGB image"
    raw = zlib.decompress(idat)
    size = 4 if colour == 6 else 3
    stride = width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for x in range(stride):
            left = row[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                row[x] = (row[x] + left) & 0xFF
            elif kind == 2:
                row[x] = (row[x] + up) & 0xFF
            elif kind == 3:
                row[x] = (row[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[x] = (row[x] + predictor) & 0xFF
        rows.append(row)
        previous = row
    return width, height, rows


def _drawn(page, chart: str):
    figure = page.locator(f"figure[data-chart='{chart}']")
    page.wait_for_selector(f"figure[data-chart='{chart}'][data-rendered]")
    return figure


def _download(page, figure) -> tuple[str, bytes]:
    with page.expect_download() as info:
        figure.get_by_role("button", name="Download PNG").click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_download_png_saves_the_timeline_opaque_and_named_after_subject_and_date(
    open_page, live_server, world, color_scheme
):
    page = open_page(DESKTOP, color_scheme=color_scheme)
    page.goto(live_server.url + "/countries/CN/")
    figure = _drawn(page, "country-timeline")

    name, data = _download(page, figure)

    assert name == "timeline-china-2024-07-02.png"
    assert data.startswith(PNG_SIGNATURE) and len(data) > 5_000
    width, height, rows = png_pixels(data)
    canvas = page.locator("figure[data-chart='country-timeline'] canvas").bounding_box()
    assert width > canvas["width"] and height > canvas["height"] + 40  # the chart, with a title above it
    assert all(row[3::4] == bytearray(b"\xff" * width) for row in rows), "every pixel opaque"
    assert tuple(rows[0][:4]) == (255, 255, 255, 255)  # on white, whatever the page's theme
    pixels = {tuple(row[x : x + 3]) for row in rows[::4] for x in range(0, len(row), 16)}
    assert LISTINGS_BLUE in pixels  # the bars were drawn
    dark = sum(1 for row in rows[:60] for x in range(0, len(row), 4) if row[x] < 80 and row[x + 1] < 80)
    assert dark > 200  # the title drawn above the chart
    _assert_clean(page)


def test_download_png_names_a_map_after_its_headings_and_the_data_date(open_page, live_server, world):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/programs/GLOMAG/")
    figure = _drawn(page, "program-map")

    name, data = _download(page, figure)

    assert name.endswith("-2024-07-02.png") and name != "chart-2024-07-02.png"
    assert png_pixels(data)[0] > 100
    _assert_clean(page)


def test_as_of_dates_the_png(open_page, live_server, world):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/programs/GLOMAG/?as_of=2021-01-01")
    figure = _drawn(page, "program-timeline")

    name, _ = _download(page, figure)

    assert name == "timeline-glomag-2021-01-01.png"


def test_without_javascript_there_is_no_png_button_and_the_svg_is_a_plain_link(open_page, live_server, world):
    page = open_page(DESKTOP, javascript=False)
    page.goto(live_server.url + "/countries/CN/")

    assert page.get_by_role("button", name="Download PNG").count() == 0
    link = page.get_by_role("link", name="Download SVG")
    assert link.is_visible()
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.ok
    assert response.headers["content-type"] == "image/svg+xml; charset=utf-8"
    assert "Listings and delistings per month: China" in response.text()
    _assert_clean(page)


def test_every_drawn_chart_gets_one_png_button(open_page, live_server, world):
    page = open_page(DESKTOP)
    page.goto(live_server.url + "/")
    page.wait_for_selector("figure[data-chart='home-map'][data-rendered]")
    page.wait_for_selector("figure[data-chart='home-timeline'][data-rendered]")

    assert page.locator("figure[data-rendered]").count() == page.get_by_role("button", name="Download PNG").count()
    assert page.locator("figure[data-chart='home-map'] button.chart-png").count() == 1
    _assert_clean(page)


# Feed previews ------------------------------------------------------------------------------------------


def test_the_feed_link_opens_a_preview_whose_copy_button_copies_the_address(open_page, live_server, world):
    page = open_page(DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/countries/CN/")
    page.get_by_role("link", name="Atom feed of listings and delistings").click()
    page.wait_for_url(live_server.url + "/countries/CN/feed/preview/")

    address = page.get_by_label("Feed address")
    assert address.input_value() == live_server.url + "/countries/CN/feed/"
    page.get_by_role("button", name="Copy address").click()
    # The clipboard answers in its own time: wait for the status line to say so.
    expect(page.locator("#feed-copy-status")).to_contain_text("Address copied")
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + "/countries/CN/feed/"
    _assert_clean(page)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_preview_fits_a_phone_and_its_address_is_selectable_without_scripts(
    open_page, live_server, world, javascript
):
    page = open_page(MOBILE, javascript=javascript)
    for path in (
        "/countries/CN/feed/preview/",
        "/programs/CAATSA%20-%20RUSSIA/feed/preview/",
        "/changes/feed/preview/",
    ):
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"], path
    page.goto(live_server.url + "/countries/CN/feed/preview/")
    assert page.get_by_role("button", name="Copy address").is_visible() is javascript
    address = page.get_by_label("Feed address")
    assert address.is_editable() is False
    address.select_text()
    assert page.evaluate("window.getSelection().toString() || document.activeElement.value") == (
        live_server.url + "/countries/CN/feed/"
    )
    _assert_clean(page)


@pytest.mark.parametrize(
    ("viewport", "color_scheme"), [(MOBILE, "dark"), (DESKTOP, "light")], ids=["mobile", "desktop"]
)
def test_axe_finds_nothing_on_a_preview_with_entries(open_page, live_server, world, viewport, color_scheme):
    from axe_playwright_python.sync_playwright import Axe

    for designation in Designation.objects.all():
        DesignationEvent.objects.create(
            designation=designation, kind="listed", occurred_on=designation.listed_on, precision="day"
        )
    page = open_page(viewport, color_scheme=color_scheme)
    page.goto(live_server.url + "/countries/CN/feed/preview/")

    assert page.locator("li.feed-entry").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [node["html"][:120] for node in v["nodes"]]) for v in violations] == []
    _assert_clean(page)
