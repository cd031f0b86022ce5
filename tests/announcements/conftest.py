"""Fixtures of the announcement tests: a fresh name index, and the real list extract imported."""

from __future__ import annotations

import datetime

import pytest

from designations import matching
from importers.sources import get_adapter
from tests.announcements.helpers import LIST, run_import
from tests.datafiles import skip_without_data


@pytest.fixture(autouse=True)
def _fresh_index():
    matching.reset_index()
    yield
    matching.reset_index()


@pytest.fixture
def listed(reference_data, monkeypatch):
    """The real list extract, imported as the 2024-07-02 snapshot (below the full list's floor)."""
    skip_without_data()
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    run_import("ofac-sdn", [LIST], as_of=datetime.date(2024, 7, 2))
