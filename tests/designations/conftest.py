"""Fixtures the name-screening tests share."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction

from designations import matching
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import data_path, selection
from tests.dbstate import settle_constraints


@pytest.fixture(scope="module")
def match_entries(django_db_setup, django_db_blocker):
    """Reference data and the 39 real entries of the 2 July 2024 selection (with the December 2025 aliases),
    imported once for the module, rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_reference_data", verbosity=0)
            paths = [selection("sdn_2024-07-02_selection"), data_path("ofac", "sdn_2025-12-24_partial")]
            run = import_run_create(source="ofac-sdn", path=[str(p) for p in paths], as_of=datetime.date(2024, 7, 2))
            with pytest.MonkeyPatch.context() as patch:  # a selection, far below the full list's floor
                patch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
                assert import_run_execute(run_id=run.pk).status == ImportRun.Status.SUCCEEDED
            matching.reset_index()
            settle_constraints()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            matching.reset_index()
