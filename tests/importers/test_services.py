"""Import runs end to end on real OFAC files: statuses, counts, floors, bad input, raw files kept."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from designations.models import Designation, Designee
from importers.models import ImportRun
from importers.services import ImportRefused, import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.sources.base import SourceError
from importers.upsert import ImportSafetyError
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

DATA = data_path("ofac")
TINY = DATA / "tiny_fixture_2025-05-16"
SDN_2021 = DATA / "sdn_2021-06-29"


@pytest.fixture
def low_floor(monkeypatch):
    """The tiny real fixture has 17 entries; the production floor is thousands."""
    adapter = type(get_adapter("ofac-sdn"))
    monkeypatch.setattr(adapter, "min_records", 5)
    return adapter


def _run(source="ofac-sdn", path=(), as_of=None, **kwargs):
    # The tiny real set is a third-party copy that lost OFAC's 0x1A end markers (PROVENANCE.md §4), and the
    # trimmed files below are cut on purpose: tests that are not about the marker vouch for their files.
    kwargs.setdefault("allow_missing_end_marker", True)
    run = import_run_create(
        source=source, trigger=ImportRun.Trigger.CLI, path=[str(p) for p in path], as_of=as_of, **kwargs
    )
    return import_run_execute(run_id=run.pk)


def _copy(src: Path, dst: Path, names=("sdn.csv",)) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(src / name, dst / name)
    return dst


def test_import_of_tiny_real_set_succeeds_with_counts(reference_data, low_floor):
    run = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    assert run.records == 17
    assert run.created == 17
    assert Designee.objects.filter(source="ofac-sdn").count() == 17
    assert Designation.objects.active().count() >= 17
    assert run.raw_sha256 and run.finished_at >= run.started_at


def test_same_file_twice_ends_unchanged_and_writes_nothing(reference_data, low_floor):
    _run(path=[TINY], as_of=datetime.date(2025, 5, 16))
    counts = (Designee.objects.count(), Designation.objects.count())

    with CaptureQueriesContext(connection) as queries:
        second = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    assert second.status == ImportRun.Status.UNCHANGED
    assert (second.created, second.updated, second.delisted) == (0, 0, 0)
    assert (Designee.objects.count(), Designation.objects.count()) == counts
    writes = [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) and "designations_" in query["sql"]
    ]
    assert writes == []


def test_raw_files_are_kept_by_hash(reference_data, low_floor, settings):
    run = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    kept = run.stats["raw_files"]
    assert set(kept) == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}
    stored = Path(settings.MEDIA_ROOT) / kept["sdn.csv"]
    assert stored.read_bytes() == (TINY / "sdn.csv").read_bytes()


def test_dry_run_reports_but_writes_nothing(reference_data, low_floor):
    run = _run(path=[TINY], as_of=datetime.date(2025, 5, 16), dry_run=True)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.created == 17
    assert not Designee.objects.exists()


def test_below_floor_fails_before_writing(reference_data):
    with pytest.raises(SourceError, match="below the floor"):
        _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "below the floor of 5000" in run.error
    assert not Designee.objects.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a CSV text file"),
        (b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"remarks cut', "looks truncated"),
        (b'25,"Calle 1","Havana","Cuba",-0- \r\n', "expected 12 columns, found 5"),
    ],
    ids=["empty", "binary", "truncated", "other-list"],
)
def test_bad_input_fails_clearly_and_loses_nothing(reference_data, low_floor, tmp_path, content, message):
    _run(path=[TINY], as_of=datetime.date(2025, 5, 16))
    before = sorted(Designation.objects.values_list("pk", "status"))
    bad = tmp_path / "sdn.csv"
    bad.write_bytes(content)

    with pytest.raises(SourceError, match=message):
        _run(path=[bad], as_of=datetime.date(2025, 6, 1))

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportRun.Status.FAILED
    assert run.error
    assert sorted(Designation.objects.values_list("pk", "status")) == before


def test_snapshot_far_smaller_than_the_last_is_refused(reference_data, tmp_path):
    _run(path=[SDN_2021], as_of=datetime.date(2021, 6, 29))
    active = Designation.objects.active().count()
    lines = (SDN_2021 / "sdn.csv").read_bytes().split(b"\r\n")
    small = tmp_path / "small"
    small.mkdir()
    (small / "sdn.csv").write_bytes(b"\r\n".join(lines[:6000]) + b"\r\n")

    with pytest.raises(ImportSafetyError, match="would delist"):
        _run(path=[small], as_of=datetime.date(2021, 7, 3))

    assert Designation.objects.active().count() == active
    assert ImportRun.objects.order_by("-pk").first().status == ImportRun.Status.FAILED


def test_second_running_import_of_a_source_is_refused(reference_data, low_floor):
    ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.RUNNING, started_at=timezone.now())
    run = import_run_create(source="ofac-sdn", path=[str(TINY)])

    with pytest.raises(ImportRefused, match="already running"):
        import_run_execute(run_id=run.pk)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert not Designee.objects.exists()


def test_run_abandoned_by_a_killed_worker_no_longer_blocks_the_source(reference_data, low_floor, settings):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 3600)
    stale = ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.RUNNING, started_at=long_ago)

    run = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    stale.refresh_from_db()
    assert stale.status == ImportRun.Status.FAILED
    assert "Abandoned" in stale.error
    assert run.status == ImportRun.Status.SUCCEEDED


def test_a_run_cannot_be_executed_twice(reference_data, low_floor):
    run = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))

    with pytest.raises(ImportRefused, match="not pending"):
        import_run_execute(run_id=run.pk)


def test_missing_path_fails_clearly(reference_data, tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        _run(path=[tmp_path / "nope"])


def test_unknown_source_is_rejected():
    with pytest.raises(KeyError, match="unknown source"):
        import_run_create(source="nope")


def test_command_imports_and_prints_a_summary(reference_data, low_floor):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import_source",
        *("ofac-sdn", "--path", str(TINY), "--as-of", "2025-05-16", "--no-progress", "--no-end-marker"),
        stdout=out,
    )

    text = out.getvalue()
    assert "Succeeded" in text
    assert "created 17" in text


def test_command_reports_failure_as_command_error(reference_data, tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "sdn.csv").write_bytes(b"")
    with pytest.raises(CommandError, match="failed"):
        call_command("import_source", "ofac-sdn", "--path", str(tmp_path / "sdn.csv"), "--no-progress")


def test_reviewed_records_changed_by_an_import_go_back_to_the_review_queue(reference_data, low_floor, tmp_path):
    from designations.models import ReviewState

    _run(path=[TINY], as_of=datetime.date(2025, 5, 16))
    # Everything reviewed after the first import.
    now, earlier = timezone.now(), timezone.now() - datetime.timedelta(hours=1)
    Designee.objects.update(review_state=ReviewState.REVIEWED, reviewed_at=now, updated_at=earlier)
    Designation.objects.update(review_state=ReviewState.REVIEWED, reviewed_at=now, updated_at=earlier)
    rows = (TINY / "sdn.csv").read_bytes().split(b"\r\n")
    changed_uid = rows[0].split(b",")[0].decode()
    rows[0] = rows[0].replace(b'",', b' (CHANGED)",', 1)
    folder = _copy(TINY, tmp_path / "changed", names=("add.csv", "alt.csv", "sdn_comments.csv"))
    (folder / "sdn.csv").write_bytes(b"\r\n".join(rows))

    run = _run(path=[folder], as_of=datetime.date(2025, 6, 1))

    assert run.updated == 1
    states = dict(Designee.objects.values_list("source_uid", "review_state"))
    assert states.pop(changed_uid) == ReviewState.NEEDS_ATTENTION
    assert set(states.values()) == {ReviewState.REVIEWED}
    assert run.stats["flagged_for_review"]["designee"] == 1


def test_reparse_of_the_kept_raw_files_parses_again_instead_of_ending_unchanged(reference_data, low_floor, settings):
    from django.contrib.auth.models import User

    from importers.services import import_run_reparse

    first = _run(path=[TINY], as_of=datetime.date(2025, 5, 16))
    editor = User.objects.create_user("editor")

    reparse = import_run_reparse(run=first, user=editor)
    reparse = import_run_execute(run_id=reparse.pk)

    assert reparse.status == ImportRun.Status.SUCCEEDED
    assert reparse.records == 17
    assert (reparse.created, reparse.updated, reparse.unchanged) == (0, 0, 17)
    # An ordinary run of the same bytes still stops early.
    assert _run(path=[TINY], as_of=datetime.date(2025, 5, 16)).status == ImportRun.Status.UNCHANGED


def test_files_without_the_end_marker_are_refused_unless_a_person_vouches_for_them(reference_data, low_floor):
    with pytest.raises(SourceError, match=r"sdn.csv, add.csv, alt.csv do not end with OFAC's 0x1A"):
        _run(path=[TINY], as_of=datetime.date(2025, 5, 16), allow_missing_end_marker=False)

    refused = ImportRun.objects.get()
    assert refused.status == ImportRun.Status.FAILED and "--no-end-marker" in refused.error
    assert not Designee.objects.exists()
    vouched = _run(path=[TINY], as_of=datetime.date(2025, 5, 16), allow_missing_end_marker=True)
    assert vouched.status == ImportRun.Status.SUCCEEDED
    assert any("lack OFAC's 0x1A end-of-file marker; imported because" in w for w in vouched.warnings)
