"""``importers.bulk.update_rows``: set-based updates that write exactly what one UPDATE per row would."""

from __future__ import annotations

import datetime

import pytest

from designations.models import DatePrecision, DesignationEvent
from importers import bulk
from tests.factories import DesignationEventFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, 11])
def test_update_rows_sets_each_row_its_own_values(count, monkeypatch):
    monkeypatch.setattr(bulk, "PAGE", 4)  # 11 rows: three pages
    events = DesignationEventFactory.create_batch(count, note="before", changes={})
    document = SourceDocumentFactory()
    untouched = DesignationEventFactory(note="left alone")
    stamps = dict(DesignationEvent.objects.values_list("pk", "updated_at"))
    rows = [
        (
            f"note {i}",
            datetime.date(2020, 1, 1) + datetime.timedelta(days=i),
            None if i % 2 else datetime.date(2019, 1, 1),
            DatePrecision.RANGE,
            document.pk if i % 3 else None,
            {"evidence": [{"on": "2020-01-01", "i": i}], "quote": 'it\'s "quoted"'},
            event.pk,
        )
        for i, event in enumerate(events)
    ]
    columns = ("note", "occurred_on", "earliest", "precision", "source_document", "changes")

    assert bulk.update_rows(DesignationEvent, columns, rows) == count

    for i, event in enumerate(events):
        event.refresh_from_db()
        assert event.note == f"note {i}"
        assert event.occurred_on == datetime.date(2020, 1, 1) + datetime.timedelta(days=i)
        assert event.earliest == (None if i % 2 else datetime.date(2019, 1, 1))
        assert event.precision == DatePrecision.RANGE
        assert event.source_document_id == (document.pk if i % 3 else None)
        assert event.changes == {"evidence": [{"on": "2020-01-01", "i": i}], "quote": 'it\'s "quoted"'}
        assert event.updated_at == stamps[event.pk]  # not touched
    untouched.refresh_from_db()
    assert untouched.note == "left alone"


def test_a_row_given_twice_takes_its_last_values_and_touch_sets_updated_at():
    event = DesignationEventFactory(note="before")
    before = event.updated_at

    assert bulk.update_rows(DesignationEvent, ("note",), [("first", event.pk), ("last", event.pk)], touch=True) == 1

    event.refresh_from_db()
    assert event.note == "last"
    assert event.updated_at > before
