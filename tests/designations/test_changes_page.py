"""The "What changed" page (``/changes/``): counts of listings, delistings and amendments in a period, by
program and by country, periods counted back from the data's own date, dates shown at their precision, the CSV
link of the same period, and a 400 naming what it could not use."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from designations.models import DatePrecision, DesignationEvent, SourceDocument
from tests.factories import (
    CountryFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ProgramFactory,
)
from tests.security.test_view_parameters import _Alerts

pytestmark = pytest.mark.django_db

PAGE = reverse("designations:changes")
DATA_DAY = datetime.date(2024, 7, 2)
Kind = DesignationEvent.Kind


def event(program, countries, kind, day, precision=DatePrecision.DAY, earliest=None, **extra) -> DesignationEvent:
    """An event of a new designee's designation under ``program``, the designee tied to ``countries``."""
    designee = DesigneeFactory()
    for country in countries:
        DesigneeCountryFactory(designee=designee, country=country)
    designation = DesignationFactory(designee=designee, program=program)
    return DesignationEventFactory(
        designation=designation, kind=kind, occurred_on=day, precision=precision, earliest=earliest, **extra
    )


@pytest.fixture
def world(db):
    """The SDN list as of 2 Jul 2024 and seven events around it (the last 7 days are 26 Jun to 2 Jul 2024,
    the last 30 days 3 Jun to 2 Jul, the last 90 days 4 Apr to 2 Jul):

    * ``listed``: GLOMAG, Qhinaland, 1 Jul 2024, to the day;
    * ``delisted``: GLOMAG, Qhinaland and Qiranland, 28 Jun 2024;
    * ``amended``: OTHER, Qiranland, 30 Jun 2024 (its name changed);
    * ``bracket``: listed, OTHER, between 20 and 27 Jun 2024 (across the 7-day period's start);
    * ``relisted``: GLOMAG, Qhinaland, 10 Jun 2024;
    * ``open``: listed, GLOMAG, no country, "on or before" 2 Jul 2024 (the first list state held);
    * ``march``: listed, OTHER, Qiranland, 1 Mar 2024 (in none of the presets).
    """
    cache.clear()
    SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn-2024-07-02",
        url="https://www.treasury.gov/ofac/downloads/sdn.csv",
        title="OFAC SDN list",
        published_on=DATA_DAY,
    )
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky")
    other = ProgramFactory(code="OTHER", name="Another program")
    qc = CountryFactory(code="QC", name="Qhinaland")
    qr = CountryFactory(code="QR", name="Qiranland")
    events = {
        "listed": event(glomag, [qc], Kind.LISTED, datetime.date(2024, 7, 1)),
        "delisted": event(glomag, [qc, qr], Kind.DELISTED, datetime.date(2024, 6, 28)),
        "amended": event(
            other, [qr], Kind.AMENDED, datetime.date(2024, 6, 30), changes={"name": ["OLD NAME", "NEW NAME"]}
        ),
        "bracket": event(
            other, [], Kind.LISTED, datetime.date(2024, 6, 27), DatePrecision.RANGE, datetime.date(2024, 6, 20)
        ),
        "relisted": event(glomag, [qc], Kind.RELISTED, datetime.date(2024, 6, 10)),
        "open": event(glomag, [], Kind.LISTED, DATA_DAY, DatePrecision.ON_OR_BEFORE),
        "march": event(other, [qr], Kind.LISTED, datetime.date(2024, 3, 1)),
    }
    yield {"glomag": glomag, "other": other, "qc": qc, "qr": qr, **events}
    cache.clear()


def text(response) -> str:
    """The page's text with its whitespace collapsed and its tags removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).strip()


def date_cell(response, change: DesignationEvent) -> str:
    """The text of the "Took effect" cell of ``change``'s row."""
    row = re.search(rf'<tr id="change-{change.pk}">(.*?)</tr>', response.content.decode(), re.S).group(1)
    cell = re.search(r'<td data-label="Took effect".*?</td>', row, re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()


def listed_ids(response) -> list[int]:
    return [row["id"] for row in response.context["changes"]]


def table_row(response, kind: str, code: str | None) -> dict:
    rows = response.context[f"by_{kind}"]
    return {key: value for key, value in next(row for row in rows if row["code"] == code).items() if key != "object"}


# 1. Counts ----------------------------------------------------------------------------------------------


def test_the_default_period_is_the_last_7_days_of_the_data_and_counts_each_kind(client, world):
    response = client.get(PAGE)

    assert response.status_code == 200
    counts = response.context["counts"]
    assert (counts["listed"], counts["delisted"], counts["amended"], counts["total"]) == (1, 1, 1, 3)
    assert (response.context["start"], response.context["end"]) == (datetime.date(2024, 6, 26), DATA_DAY)
    assert sorted(listed_ids(response)) == sorted(world[name].pk for name in ("listed", "delisted", "amended"))
    assert "3 changes from 26 Jun 2024 to 2 Jul 2024 (last 7 days)." in text(response)


def test_tables_count_per_program_and_per_country(client, world):
    response = client.get(PAGE, {"period": "30"})

    zero = {"listed": 0, "delisted": 0, "amended": 0, "other": 0}
    assert table_row(response, "program", "GLOMAG") == {
        **zero,
        "code": "GLOMAG",
        "listed": 2,
        "delisted": 1,
        "total": 3,
    }
    assert table_row(response, "program", "OTHER") == {**zero, "code": "OTHER", "listed": 1, "amended": 1, "total": 2}
    # A designee tied to two countries counts under each; one tied to none under "no country".
    assert table_row(response, "country", "QC") == {**zero, "code": "QC", "listed": 2, "delisted": 1, "total": 3}
    assert table_row(response, "country", "QR") == {**zero, "code": "QR", "delisted": 1, "amended": 1, "total": 2}
    assert table_row(response, "country", None) == {**zero, "code": None, "listed": 1, "total": 1}
    body = response.content.decode()
    assert 'href="/programs/GLOMAG/"' in body and 'href="/countries/QC/"' in body
    assert "No country recorded" in body
    assert response.context["counts"]["relisted"] == 1
    assert "(of which 1 relisted)" in text(response)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("7", {"listed", "delisted", "amended"}),
        ("30", {"listed", "delisted", "amended", "bracket", "relisted"}),
        ("90", {"listed", "delisted", "amended", "bracket", "relisted"}),
    ],
)
def test_presets_count_back_from_the_datas_date_not_from_today(client, world, period, expected):
    response = client.get(PAGE, {"period": period})

    assert response.context["end"] == DATA_DAY  # the list's date (the wall clock is later)
    assert response.context["start"] == DATA_DAY - datetime.timedelta(days=int(period) - 1)
    assert set(listed_ids(response)) == {world[name].pk for name in expected}
    assert "not from today" in text(response)


def test_filters_by_program_and_country(client, world):
    response = client.get(PAGE, {"period": "90", "program": "GLOMAG", "country": "QC"})

    assert response.status_code == 200
    assert set(listed_ids(response)) == {world["listed"].pk, world["delisted"].pk, world["relisted"].pk}
    assert [row["code"] for row in response.context["by_program"]] == ["GLOMAG"]
    assert response.context["page_title"] == "What changed: last 90 days, GLOMAG, Qhinaland"


def test_custom_dates_choose_the_period(client, world):
    response = client.get(PAGE, {"occurred_after": "2024-01-01", "occurred_before": "2024-03-31"})

    assert response.status_code == 200
    assert response.context["period"] == "custom"
    assert listed_ids(response) == [world["march"].pk]
    assert response.context["page_title"] == "What changed: from 1 Jan 2024, to 31 Mar 2024"


def test_dates_beside_a_preset_are_not_used_and_the_page_says_so(client, world):
    response = client.get(PAGE, {"period": "7", "occurred_after": "2024-01-01", "occurred_before": "2024-03-31"})

    assert response.status_code == 200
    assert response.context["start"] == datetime.date(2024, 6, 26)
    assert "The From and To dates were not used" in text(response)


# 2. Dates at their precision -------------------------------------------------------------------------------


def test_a_bracketed_date_is_shown_as_a_span_with_what_it_rests_on(client, world):
    response = client.get(PAGE, {"period": "30"})

    body = text(response)
    assert "between 20 Jun 2024 and 27 Jun 2024" in body
    # The date cell of that change holds the span, never the bracket's end alone as if it were the day.
    assert date_cell(response, world["bracket"]) == "between 20 Jun 2024 and 27 Jun 2024"
    assert date_cell(response, world["listed"]) == "1 Jul 2024"
    row = next(row for row in response.context["changes"] if row["id"] == world["bracket"].pk)
    assert row["basis"].startswith("Two OFAC SDN list states")
    assert "the date of its source: press release." in text(response).lower()
    assert "Recorded by the tracker on" in body
    assert response.context["counts"]["bracket"] == 1 and response.context["counts"]["day"] == 4


def test_changes_possibly_in_the_period_are_counted_apart_and_can_be_included(client, world):
    certain = client.get(PAGE)

    # The bracket across the period's start, and the listing dated only "on or before" the data's date.
    assert certain.context["possibly_more"] == 2
    assert "2 more possibly happened in it" in text(certain)
    assert "date_certainty=possible" in certain.context["possible_url"]

    possible = client.get(PAGE, {"date_certainty": "possible"})

    assert possible.status_code == 200
    assert set(listed_ids(possible)) == {
        world[name].pk for name in ("listed", "delisted", "amended", "bracket", "open")
    }
    assert "on or before 2 Jul 2024" in text(possible)
    assert possible.context["counts"]["on_or_before"] == 1


# 3. Downloads and feed -----------------------------------------------------------------------------------


def test_the_csv_link_downloads_the_same_changes(client, world):
    response = client.get(PAGE, {"period": "30", "program": "GLOMAG"})

    csv_url = response.context["csv_url"]
    assert csv_url in response.content.decode().replace("&amp;", "&")
    download = client.get(csv_url)
    assert download.status_code == 200
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == response.context["counts"]["total"] == 3
    assert {int(row["id"]) for row in rows} == set(listed_ids(response))
    feed = response.context["feed_url"]
    assert feed.startswith("/api/changes/feed/") and "program=GLOMAG" in feed
    assert client.get(feed).status_code == 200
    # The page links the feed's preview (what the feed holds and how to subscribe); the head, the feed itself.
    preview = response.context["feed_preview_url"]
    assert preview.startswith("/changes/feed/preview/") and "program=GLOMAG" in preview
    html = response.content.decode().replace("&amp;", "&")
    assert (
        f'href="{preview}"' in html and f'type="application/atom+xml" title="The latest changes" href="{feed}"' in html
    )
    assert client.get(preview).status_code == 200


# 4. Bad input: the page with the message, answered 400 -----------------------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"occurred_after": "2024-02-30"}, "occurred_after"),
        ({"occurred_before": "abc"}, "occurred_before"),
        ({"occurred_after": "2024-07-01", "occurred_before": "2024-06-01"}, "occurred_before"),
        ({"program": "NO-SUCH-PROGRAM"}, "program"),
        ({"country": "XX"}, "country"),
        ({"period": "365"}, "period"),
        ({"period": "custom"}, "period"),
        ({"date_certainty": "bogus"}, "date_certainty"),
    ],
)
def test_bad_input_gives_the_page_with_the_message_and_400(client, world, params, named):
    response = client.get(PAGE, params)

    assert response.status_code == 400
    alerts = " | ".join(_Alerts(response.content.decode()).alerts)
    assert f"{named}:" in alerts
    assert "No changes shown" in text(response)
    assert response.context["changes"] == []


def test_a_period_that_ends_before_it_starts_says_so(client, world):
    response = client.get(PAGE, {"occurred_after": "2024-07-01", "occurred_before": "2024-06-01"})

    assert "The To date (2024-06-01) is before the From date (2024-07-01)." in text(response)


def test_a_bad_page_number_is_a_plain_400(client, world):
    response = client.get(PAGE, {"page": "0"})

    assert response.status_code == 400
    assert response.content.decode().startswith("page: ")


# 5. Without JavaScript: a GET form, pages as links, empty boxes dropped by a redirect -----------------------


def test_the_form_is_a_plain_get_form_with_presets_and_date_boxes(client, world):
    body = client.get(PAGE).content.decode()

    form = re.search(r'<form method="get" class="filters changes-form".*?</form>', body, re.S).group(0)
    assert "hx-" not in form
    assert re.search(r'<input type="radio" name="period" id="id_period_7" value="7"\s+checked>', form)
    assert 'type="date" name="occurred_after"' in form and 'type="date" name="occurred_before"' in form
    assert 'name="program"' in form and 'name="country"' in form
    for period in ("7", "30", "90"):
        assert f'href="?period={period}"' in body


def test_a_submitted_form_with_empty_boxes_redirects_to_the_choices(client, world):
    response = client.get(
        PAGE, {"period": "30", "occurred_after": "", "occurred_before": "", "program": "GLOMAG", "country": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?period=30&program=GLOMAG"


def test_changes_are_paged_with_links_that_keep_the_period(client, world, monkeypatch):
    monkeypatch.setattr("designations.views.changes.PAGE_SIZE", 2)

    first = client.get(PAGE, {"period": "30", "program": "GLOMAG"})
    second = client.get(PAGE, {"period": "30", "program": "GLOMAG", "page": "2"})

    assert 'href="?period=30&amp;program=GLOMAG&amp;page=2"' in first.content.decode()
    assert len(first.context["changes"]) == 2 and len(second.context["changes"]) == 1
    assert set(listed_ids(first)).isdisjoint(listed_ids(second))
    assert first.context["counts"]["total"] == 3  # the cards count the whole period, not the page
    last = client.get(PAGE, {"period": "30", "program": "GLOMAG", "page": "last"})
    assert listed_ids(last) == listed_ids(second)


def test_the_page_costs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.get(PAGE)  # the data's date and evidence window, read once per version of the data
    # The data's version, the counts, the changes possibly in the period, the page's count and rows, the two
    # tables (counts, then their programs or countries), the form's programs and countries.
    with django_assert_num_queries(11):
        response = client.get(PAGE, {"period": "90"})
    assert response.status_code == 200
    assert len(response.context["changes"]) == 5


def test_the_site_navigation_links_to_the_page(client, world):
    body = client.get(reverse("home")).content.decode()

    assert f'href="{PAGE}"' in body and "What changed" in body
