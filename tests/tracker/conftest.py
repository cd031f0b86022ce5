"""Fixtures the site-wide API tests share."""

from __future__ import annotations

import datetime

import pytest

from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import selection


def import_sdn_selection(monkeypatch) -> None:
    """Import the 39 real entries of ``tests/data``'s selection of the 2 July 2024 SDN list (programs made on
    the way), through the import service as a real run would."""
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    path = selection("sdn_2024-07-02_selection")
    run = import_run_create(source="ofac-sdn", path=[str(path)], as_of=datetime.date(2024, 7, 2))
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error


@pytest.fixture
def sdn_selection(db, monkeypatch):
    """The 39 real entries of the 2 July 2024 selection, imported."""
    import_sdn_selection(monkeypatch)
