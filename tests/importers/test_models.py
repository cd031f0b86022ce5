"""The ImportRun invariant: one running import per source, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from importers.models import ImportRun

pytestmark = pytest.mark.django_db


def test_only_one_run_per_source_may_be_running():
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.RUNNING, started_at=timezone.now())

    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.RUNNING, started_at=timezone.now())
    # Another source, or finished runs of the same one, are fine.
    ImportRun.objects.create(source="ofac-consolidated", status=ImportRun.Status.RUNNING)
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED)
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.FAILED)


def test_duration_is_known_once_finished():
    start = timezone.now()
    run = ImportRun(source="ofac-sdn", started_at=start, finished_at=start + timezone.timedelta(seconds=3))

    assert run.duration.total_seconds() == 3
    assert ImportRun(source="ofac-sdn").duration is None
