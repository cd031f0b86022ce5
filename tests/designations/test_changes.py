"""The changes feed: ``/api/changes/`` (keyset pages over when events were recorded) and its Atom twin."""

from __future__ import annotations

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from designations.models import DatePrecision, DesignationEvent, DesigneeCountry
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import requires_data, selection
from tests.factories import (
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    ImportRunFactory,
    ProgramFactory,
)

pytestmark = [requires_data, pytest.mark.django_db]

CHANGES = reverse("designations-api:changes")
FEED = reverse("designations-api:changes-feed")
SELECTION = selection("sdn_2024-07-02_selection")
T0 = datetime.datetime(2024, 7, 2, 9, 0, tzinfo=datetime.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


def recorded_at(event: DesignationEvent, moment: datetime.datetime) -> DesignationEvent:
    """Set when the tracker recorded ``event`` (``created_at`` is set on insert)."""
    DesignationEvent.objects.filter(pk=event.pk).update(created_at=moment)
    event.refresh_from_db()
    return event


def make_events() -> list[DesignationEvent]:
    """Seven events: one before T0, four recorded in the same instant (as a bulk import writes them), two after."""
    moments = [
        T0 - datetime.timedelta(hours=1),
        *[T0] * 4,
        T0 + datetime.timedelta(seconds=1),
        T0 + datetime.timedelta(days=1),
    ]
    return [recorded_at(DesignationEventFactory(), moment) for moment in moments]


def poll_all(api_client, url: str, params: dict | None = None) -> tuple[list[int], str]:
    """Follow ``next`` until ``has_more`` is false; the ids seen and the last ``next``."""
    ids: list[int] = []
    response = api_client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [row["id"] for row in data["results"]]
        if not data["has_more"]:
            return ids, data["next"]
        response = api_client.get(data["next"])


class TestChangesEndpoint:
    def test_lists_events_recorded_since_in_recording_order(self, api_client):
        events = make_events()

        rows = api_client.get(CHANGES, {"changed_since": "2024-07-02T09:00:00Z"}).json()["results"]

        assert [row["id"] for row in rows] == [event.pk for event in events[1:]]
        assert [row["created_at"] for row in rows[:4]] == ["2024-07-02T09:00:00Z"] * 4

    def test_row_shape_names_designation_source_and_run(self, api_client):
        run = ImportRunFactory()
        event = DesignationEventFactory(
            kind=DesignationEvent.Kind.AMENDED, import_run=run, changes={"program": ["BELARUS-EO", "BELARUS-EO14038"]}
        )
        recorded_at(event, T0)

        row = api_client.get(CHANGES, {"changed_since": "2024-07-01T00:00:00Z"}).json()["results"][0]

        designation = event.designation
        assert row["kind"] == "amended"
        assert (row["occurred_on"], row["precision"]) == (designation.listed_on.isoformat(), "day")
        assert row["designation"]["id"] == designation.pk
        assert row["designation"]["program"] == designation.program.code
        assert row["designation"]["status"] == "active"
        assert row["designation"]["designee"]["name"] == designation.designee.name
        assert row["source_document"]["id"] == event.source_document_id
        assert row["import_run"] == run.pk
        assert row["changes"] == {"program": ["BELARUS-EO", "BELARUS-EO14038"]}

    @pytest.mark.parametrize("limit", [1, 2, 3, 100])
    def test_following_next_visits_every_event_once_even_within_one_instant(self, api_client, limit):
        events = make_events()

        ids, _ = poll_all(api_client, CHANGES, {"changed_since": "2024-07-02T09:00:00Z", "limit": limit})

        assert ids == [event.pk for event in events[1:]]

    def test_polling_the_last_next_returns_only_what_was_recorded_since(self, api_client):
        make_events()
        seen, next_url = poll_all(api_client, CHANGES, {"changed_since": "2024-07-01T00:00:00Z", "limit": 2})
        # Recorded later, one of them in the same instant as the last event already seen.
        last_moment = DesignationEvent.objects.get(pk=seen[-1]).created_at
        new = [recorded_at(DesignationEventFactory(), last_moment), DesignationEventFactory()]

        again, next_again = poll_all(api_client, next_url)
        nothing, _ = poll_all(api_client, next_again)

        assert again == [event.pk for event in new]
        assert set(again).isdisjoint(seen)
        assert nothing == []

    def test_next_carries_the_filters_and_the_cursor(self, api_client):
        events = make_events()

        data = api_client.get(CHANGES, {"changed_since": "2024-07-02T09:00:00Z", "kind": "listed", "limit": 2}).json()
        query = parse_qs(urlsplit(data["next"]).query)

        assert query["kind"] == ["listed"]
        assert query["after_id"] == [str(events[2].pk)]
        assert query["changed_since"] == ["2024-07-02T09:00:00.000000Z"]

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({}, "changed_since"),
            ({"changed_since": "yesterday"}, "changed_since"),
            ({"changed_since": "2024-07-02T25:00:00Z"}, "changed_since"),
            ({"changed_since": "2024-07-02T09:00:00Z", "after_id": "x"}, "after_id"),
            ({"changed_since": "2024-07-02T09:00:00Z", "limit": "0"}, "limit"),
            ({"changed_since": "2024-07-02T09:00:00Z", "kind": "vanished"}, "kind"),
        ],
    )
    def test_bad_parameters_are_a_400_naming_them(self, api_client, params, parameter):
        response = api_client.get(CHANGES, params)

        assert response.status_code == 400
        assert parameter in response.json()

    def test_naive_and_unencoded_offsets_are_read_as_utc(self, api_client):
        events = make_events()

        naive = api_client.get(CHANGES, {"changed_since": "2024-07-02T09:00:01"}).json()["results"]
        # "+00:00" sent without encoding arrives as " 00:00".
        spaced = api_client.get(f"{CHANGES}?changed_since=2024-07-02T11:00:01+02:00").json()["results"]

        assert [row["id"] for row in naive] == [event.pk for event in events[5:]]
        assert spaced == naive

    def test_filters_by_kind_program_and_country(self, api_client):
        program = ProgramFactory(code="QHK")
        in_program = DesignationEventFactory(designation=DesignationFactory(program=program))
        delisting = DesignationEventFactory(kind=DesignationEvent.Kind.DELISTED)
        tied = DesignationEventFactory()
        DesigneeCountryFactory(
            designee=tied.designation.designee, country__code="QM", role=DesigneeCountry.Role.ADDRESS
        )
        since = {"changed_since": (timezone.now() - datetime.timedelta(hours=1)).isoformat()}

        def ids(**params):
            return [row["id"] for row in api_client.get(CHANGES, {**since, **params}).json()["results"]]

        assert ids(program="QHK") == [in_program.pk]
        assert ids(kind="delisted") == [delisting.pk]
        assert ids(country="QM") == [tied.pk]
        assert ids(country="QM", country_role="nationality") == []

    @pytest.mark.parametrize("count", [3, 12])
    def test_one_query_per_page_whatever_its_size(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            recorded_at(DesignationEventFactory(), T0)

        # the page (+ the data's last-modified time); the coverage's data date and first list state held (once
        # per version of the data; the page's own dates are counted from its rows)
        with django_assert_num_queries(4):
            response = api_client.get(CHANGES, {"changed_since": "2024-07-01T00:00:00Z", "limit": 100})

        assert len(response.json()["results"]) == count

    def test_csv_returns_every_row_since_the_cursor_in_order(self, api_client):
        events = make_events()

        response = api_client.get(CHANGES, {"changed_since": "2024-07-02T09:00:00Z", "limit": 2, "format": "csv"})

        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines[0].startswith("id,created_at,kind,occurred_on,precision,earliest,designation_id,designee_id")
        assert [int(line.split(",")[0]) for line in lines[1:]] == [event.pk for event in events[1:]]
        assert 'filename="changes.csv"' in response["Content-Disposition"]


def test_events_of_a_real_import_appear_with_their_run_and_snapshot(api_client, reference_data, monkeypatch):
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    before = timezone.now() - datetime.timedelta(seconds=1)
    run = import_run_create(source="ofac-sdn", path=[str(SELECTION)], as_of=datetime.date(2024, 7, 2))
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error

    ids, _ = poll_all(api_client, CHANGES, {"changed_since": before.isoformat(), "limit": 10})
    rows = api_client.get(CHANGES, {"changed_since": before.isoformat(), "program": "GLOMAG", "limit": 100}).json()

    # One listing event per designation: one per program tag of each of the 39 entries.
    text = (SELECTION / "sdn.csv").read_bytes().decode("ascii").rstrip("\x1a\r\n")
    tags = sum(len(row[3].split("] [")) for row in csv.reader(io.StringIO(text)))
    assert len(ids) == len(set(ids)) == DesignationEvent.objects.count() == tags
    names = {row["designation"]["designee"]["name"] for row in rows["results"]}
    assert {"CHEN, Quanguo", "AL-QAHTANI, Saud", "GAO, Qi"} <= names
    assert {row["import_run"] for row in rows["results"]} == {run.pk}
    assert {row["source_document"]["title"] for row in rows["results"]} == {"OFAC SDN list (CSV) as of 02 Jul 2024"}


class TestAtomFeed:
    def test_latest_changes_as_atom_newest_first(self, client):
        events = make_events()

        response = client.get(FEED)

        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml")
        entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
        assert len(entries) == len(events)
        ids = [entry.find(f"{ATOM}id").text for entry in entries]
        assert ids[0] == f"tag:designation-tracker,2024:event/{events[-1].pk}"
        assert entries[0].find(f"{ATOM}title").text.startswith("Listed: ")

    def test_feed_takes_the_same_filters_and_caps_at_100(self, client):
        program = ProgramFactory(code="QHK")
        DesignationEventFactory.create_batch(3, designation__program=program)
        DesignationEventFactory()

        only = ET.fromstring(client.get(FEED, {"program": "QHK"}).content).findall(f"{ATOM}entry")
        bad = client.get(FEED, {"program": "NOPE"})

        assert len(only) == 3
        assert bad.status_code == 400
        assert "program" in bad.json()

    def test_feed_is_capped_at_100_entries(self, client):
        designation = DesignationFactory()
        DesignationEventFactory.create_batch(101, designation=designation, source_document=None)

        entries = ET.fromstring(client.get(FEED).content).findall(f"{ATOM}entry")

        assert len(entries) == 100


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_offset_the_database_cannot_hold_is_read_in_utc(api_client, fmt):
    # "+21:07" is valid ISO 8601 text but beyond PostgreSQL's +-15:59: it must not reach the database as is.
    response = api_client.get("/api/changes/", {"changed_since": "1561-04-14T21:46:25+21:07", "format": fmt})
    assert response.status_code == 200
    if fmt == "csv":
        b"".join(response.streaming_content)  # the stream completes


def test_events_by_the_day_they_happened_certainly_or_possibly(api_client):
    """``occurred_after``/``occurred_before`` ask about the event's own date: "what changed in 2023". An event
    dated by a bracket across the bounds (between the states of 10 Dec 2022 and 14 Jan 2023) happened in 2023
    only possibly; one "on or before" a day is never certainly inside."""
    day, bracket = DatePrecision.DAY, DatePrecision.RANGE

    def event(on, precision=day, earliest=None):
        return DesignationEventFactory(occurred_on=on, precision=precision, earliest=earliest).pk

    inside = event(datetime.date(2023, 3, 1))
    across = event(datetime.date(2023, 1, 14), bracket, datetime.date(2022, 12, 10))
    bracketed = event(datetime.date(2023, 6, 1), bracket, datetime.date(2023, 5, 1))
    event(datetime.date(2021, 5, 22), DatePrecision.ON_OR_BEFORE)
    event(datetime.date(2024, 2, 1))
    since = {"changed_since": "2000-01-01T00:00:00Z"}  # the feed's cursor: everything recorded
    year = {**since, "occurred_after": "2023-01-01", "occurred_before": "2023-12-31"}

    def ids(**params):
        response = api_client.get(CHANGES, {**year, **params})
        assert response.status_code == 200, response.content[:300]
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {inside, bracketed}
    assert ids(date_certainty="certain") == {inside, bracketed}
    assert ids(date_certainty="possible") == {inside, across, bracketed}
    bad = api_client.get(CHANGES, {**since, "occurred_after": "2023-02-30"})
    assert bad.status_code == 400 and "occurred_after" in bad.json()


def test_events_in_the_order_they_happened_page_by_page(api_client):
    """``order=occurred``: by ``occurred_on`` then id, undated events last, whatever order they were recorded
    in; ``next`` carries ``occurred_cursor`` and a walk returns every event once."""
    days = [datetime.date(2023, 5, 1), None, datetime.date(2021, 1, 4), datetime.date(2023, 5, 1), None]
    days += [datetime.date(2022, 7, 9), datetime.date(2019, 3, 2)]
    events = [DesignationEventFactory(occurred_on=day, precision=DatePrecision.DAY if day else "") for day in days]
    expected = [
        e.pk for e in sorted(events, key=lambda e: (e.occurred_on is None, e.occurred_on or datetime.date.min, e.pk))
    ]
    params = {"changed_since": "2000-01-01T00:00:00Z", "order": "occurred", "limit": 2}
    walked, pages = [], 0
    response = api_client.get(CHANGES, params)
    while True:
        assert response.status_code == 200, response.content[:300]
        body = response.json()
        walked += [row["id"] for row in body["results"]]
        pages += 1
        if not body["has_more"]:
            break
        assert "occurred_cursor" in parse_qs(urlsplit(body["next"]).query)
        response = api_client.get(body["next"])
    assert walked == expected and pages == 4
    # The recorded order is unchanged, and the CSV follows the order asked for.
    recorded = api_client.get(CHANGES, {"changed_since": "2000-01-01T00:00:00Z"}).json()["results"]
    assert [row["id"] for row in recorded] == [e.pk for e in events]
    csv_ids = [
        int(row["id"])
        for row in csv.DictReader(
            io.StringIO(b"".join(api_client.get(CHANGES, {**params, "format": "csv"}).streaming_content).decode())
        )
    ]
    assert csv_ids == expected
    # The Atom feed: the events that happened last, newest first.
    feed = api_client.get(FEED, {"order": "occurred"})
    ids = [int(e.find(f"{ATOM}id").text.rsplit("/", 1)[1]) for e in ET.fromstring(feed.content).findall(f"{ATOM}entry")]
    assert ids == [
        e.pk
        for e in sorted(
            events, key=lambda e: (e.occurred_on is not None, e.occurred_on or datetime.date.max, e.pk), reverse=True
        )
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"order": "sideways"}, "order"),
        ({"order": "occurred", "after_id": "5"}, "after_id"),
        ({"occurred_cursor": "2023-01-01.5"}, "occurred_cursor"),
        ({"order": "occurred", "occurred_cursor": "2023-02-30.5"}, "occurred_cursor"),
        ({"order": "occurred", "occurred_cursor": "2023-01-01"}, "occurred_cursor"),
        ({"order": "occurred", "occurred_cursor": f"2023-01-01.{2**63}"}, "occurred_cursor"),
    ],
)
def test_bad_orders_and_cursors_are_refused_by_name(api_client, client, params, named):
    response = api_client.get(CHANGES, {"changed_since": "2000-01-01T00:00:00Z", **params})
    assert response.status_code == 400 and named in response.json()
    if named != "occurred_cursor":
        assert client.get(FEED, params).status_code == 400
