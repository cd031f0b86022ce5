"""The seeded list's replay (tests/seed_replay.py) writes what the real imports write."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import color
from django.db import connection, transaction

from designations.matching import match_names
from designations.models import Designee
from importers.models import ImportRun
from tests import seed_replay
from tests.datafiles import requires_data
from tests.factories import DesigneeFactory

pytestmark = [requires_data, pytest.mark.django_db]


def _imported() -> tuple[dict, dict[str, int]]:
    """The real imports' rows, by model and primary key, and how many each table holds (then rolled back)."""
    seed_replay.forget()
    runs = seed_replay.imports_run
    with transaction.atomic():
        seed_replay.load()
        assert seed_replay.imports_run == runs + 1  # the imports ran, not a replay
        imported = seed_replay.snapshot()
        transaction.set_rollback(True)
    return imported, {model._meta.db_table: len(rows) for model, rows in imported.items()}


def test_a_replay_writes_the_rows_the_imports_write():
    imported, counts = _imported()
    assert counts[Designee._meta.db_table] > 10_000
    assert counts["designations_designationevent"] > 10_000
    assert counts["programs_program_authorities"] > 50  # auto-created many-to-many tables are recorded too

    runs = seed_replay.imports_run
    seed_replay.load()  # from the same state: a replay

    assert seed_replay.imports_run == runs
    replayed = seed_replay.snapshot()
    assert {model._meta.db_table: len(rows) for model, rows in replayed.items()} == counts
    for model, rows in imported.items():
        assert replayed[model] == rows, model._meta.label


def _seeded_then_rolled_back(change=None) -> int:
    """Seed (import or replay), apply ``change``, and roll back; the highest designee id seeded."""
    with transaction.atomic():
        seed_replay.load()
        highest = Designee.objects.order_by("-pk").values_list("pk", flat=True).first()
        if change:
            change()
        transaction.set_rollback(True)
    return highest


def test_a_replay_moves_the_sequences_on_and_writes_the_kept_files_again():
    highest = _seeded_then_rolled_back()
    # A fresh database's sequence (PostgreSQL keeps its sequences through a rollback), and no kept files.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(color.no_style(), [Designee]):
            cursor.execute(sql)
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "imports")
    runs = seed_replay.imports_run

    seed_replay.load()

    assert seed_replay.imports_run == runs  # a replay
    assert Designee.objects.order_by("-pk").values_list("pk", flat=True).first() == highest
    assert DesigneeFactory().pk > highest
    kept = [path for run in ImportRun.objects.all() for path in run.stats["raw_files"].values()]
    assert len(kept) == 5  # sdn.csv, the three December 2025 files and the history
    for path in kept:
        content = (Path(settings.MEDIA_ROOT) / path).read_bytes()
        assert path.startswith(f"imports/{hashlib.sha256(content).hexdigest()}")


def test_the_name_matcher_does_not_serve_an_index_built_before_the_replay():
    """Renamed with ``update()`` (no timestamp, no signal), the data reads as the same version: the index
    built on the renamed rows, once the rename is rolled back and the list replayed, must not be served."""

    def rename_and_match():
        Designee.objects.filter(name="CHEN, Quanguo").update(name="ZZYZX, Quentin")
        assert [result.name for result in match_names("Zzyzx Quentin", limit=1)] == ["ZZYZX, Quentin"]

    _seeded_then_rolled_back(rename_and_match)
    runs = seed_replay.imports_run

    seed_replay.load()

    assert seed_replay.imports_run == runs  # a replay
    assert [result.name for result in match_names("Quanguo Chen", limit=1)] == ["CHEN, Quanguo"]
    assert "ZZYZX, Quentin" not in [result.name for result in match_names("Zzyzx Quentin", limit=3)]
