"""Runs that would delist many designations: refused above the absolute cap, held for an editor's review
above the review threshold, and published only as reviewed.

A real 120-entry selection of the 2024 list (with its 2025 aliases, addresses and spill-over) is imported,
then the same files without their last entries; the thresholds are scaled down to the selection.
"""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from designations.models import Designation, DesignationEvent, Designee
from importers.models import ImportRun
from importers.services import import_run_confirm, import_run_create, import_run_execute, import_run_reject
from importers.sources import get_adapter
from importers.sources.base import SourceError
from importers.upsert import ImportSafetyError
from tests.datafiles import requires_data, selection

pytestmark = requires_data

NAMED = selection("sdn_2024-07-02_named")
FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
D1, D2 = datetime.date(2024, 7, 2), datetime.date(2024, 7, 9)
DROPPED = 5  # entries left out of the second file set


@pytest.fixture
def gates(monkeypatch, settings):
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    settings.IMPORT_REVIEW_DELIST_COUNT = 3
    settings.IMPORT_MAX_DELIST_COUNT = 20
    settings.IMPORT_MAX_DELIST_SHARE = 1.0
    return settings


@pytest.fixture
def shorter(tmp_path) -> Path:
    """The selection's files without its last entries, as OFAC would publish them (0x1A line kept)."""
    folder = tmp_path / "shorter"
    folder.mkdir()
    lines = (NAMED / "sdn.csv").read_bytes().removesuffix(b"\x1a").split(b"\r\n")[:-1]
    (folder / "sdn.csv").write_bytes(b"".join(line + b"\r\n" for line in lines[:-DROPPED]) + b"\x1a")
    for name in FILES[1:]:
        (folder / name).write_bytes((NAMED / name).read_bytes())
    return folder


def _run(path, as_of=D2, **kwargs) -> ImportRun:
    return import_run_execute(run_id=import_run_create(source="ofac-sdn", path=[str(path)], as_of=as_of, **kwargs).pk)


def _dropped_designations(shorter: Path) -> set[int]:
    kept = {line.split(b",", 1)[0].decode() for line in (shorter / "sdn.csv").read_bytes().split(b"\r\n")}
    return set(Designation.objects.active().exclude(designee__source_uid__in=kept).values_list("pk", flat=True))


@pytest.fixture
def held(reference_data, gates, shorter) -> ImportRun:
    first = _run(NAMED, as_of=D1)
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    return _run(shorter)


def test_run_over_the_review_threshold_ends_needs_review_and_publishes_nothing(
    reference_data, gates, shorter, settings
):
    _run(NAMED, as_of=D1)
    statuses = dict(Designation.objects.values_list("pk", "status"))
    events = DesignationEvent.objects.count()
    planned = _dropped_designations(shorter)

    run = _run(shorter)

    assert run.status == ImportRun.Status.NEEDS_REVIEW
    assert dict(Designation.objects.values_list("pk", "status")) == statuses
    assert DesignationEvent.objects.count() == events
    assert (run.created, run.updated, run.delisted) == (0, 0, 0)
    plan = run.stats["planned_delistings"]
    assert plan["count"] == len(planned) > 3 and set(plan["designations"]) == planned
    assert {item["designation"] for item in plan["sample"]} == planned
    assert all(item["name"] and item["entry"] and item["program"] for item in plan["sample"])
    for relative in run.stats["raw_files"].values():  # kept for the review
        assert (Path(settings.MEDIA_ROOT) / relative).is_file()
    assert any("Held for review: nothing was published" in w for w in run.warnings)


def test_confirming_a_held_run_publishes_exactly_the_planned_delistings(held, shorter):
    editor = User.objects.create_user("editor")
    planned = set(held.stats["planned_delistings"]["designations"])

    new_run = import_run_confirm(run=held, user=editor, note="OFAC removed them on 9 July")
    published = import_run_execute(run_id=new_run.pk)

    assert published.status == ImportRun.Status.SUCCEEDED, published.error
    assert published.reviewed_run == held and published.started_by == editor
    assert published.delisted == len(planned)
    assert set(Designation.objects.delisted().values_list("pk", flat=True)) == planned
    delisted_on = set(Designation.objects.delisted().values_list("delisted_on", flat=True))
    assert delisted_on == {D2}  # the held run's date, not the day of the confirmation
    assert set(DesignationEvent.objects.filter(import_run=published).values_list("designation", flat=True)) == planned
    held.refresh_from_db()
    assert (held.status, held.reviewed_by, held.review_note) == (
        ImportRun.Status.CONFIRMED,
        editor,
        "OFAC removed them on 9 July",
    )


def test_a_confirmed_run_whose_plan_changed_since_the_review_is_held_again(held):
    extra = Designee.objects.create(source="ofac-sdn", source_uid="99999", name="NOT IN THE FILES", kind="entity")
    program = Designation.objects.first().program
    Designation.objects.create(designee=extra, program=program, source="ofac-sdn", status="active", listed_on=D1)

    again = import_run_execute(run_id=import_run_confirm(run=held).pk)

    assert again.status == ImportRun.Status.NEEDS_REVIEW
    assert any("not these" in w for w in again.warnings)
    assert not Designation.objects.delisted().exists()


def test_a_held_run_is_decided_once(held):
    import_run_reject(run=held, note="wrong file")

    with pytest.raises(ValidationError, match="not held for review"):
        import_run_confirm(run=held)
    held.refresh_from_db()
    assert held.status == ImportRun.Status.REJECTED and held.review_note == "wrong file"


def test_rejected_files_are_refused_until_a_person_approves_their_delistings(held, shorter):
    planned = held.stats["planned_delistings"]["count"]
    import_run_reject(run=held, note="a truncated download")

    with pytest.raises(SourceError, match="rejected in import run"):
        _run(shorter)
    approved = _run(shorter, approve_delistings=planned)

    assert approved.status == ImportRun.Status.SUCCEEDED
    assert approved.delisted == planned


def test_files_held_for_review_are_refused_until_the_run_is_decided(held, shorter):
    events = DesignationEvent.objects.count()

    with pytest.raises(SourceError, match=f"import run #{held.pk} holds for review"):
        _run(shorter)

    assert ImportRun.objects.order_by("-pk").first().status == ImportRun.Status.FAILED
    assert DesignationEvent.objects.count() == events


def test_more_delistings_than_the_absolute_cap_are_refused_and_nothing_is_written(reference_data, gates, shorter):
    gates.IMPORT_MAX_DELIST_COUNT = 4
    _run(NAMED, as_of=D1)
    statuses = dict(Designation.objects.values_list("pk", "status"))

    with pytest.raises(ImportSafetyError, match="IMPORT_MAX_DELIST_COUNT"):
        _run(shorter)

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportRun.Status.FAILED and "--approve-delistings" in run.error
    assert dict(Designation.objects.values_list("pk", "status")) == statuses


def test_an_approval_for_fewer_delistings_than_planned_still_holds_the_run(reference_data, gates, shorter):
    _run(NAMED, as_of=D1)

    run = _run(shorter, approve_delistings=4)

    assert run.status == ImportRun.Status.NEEDS_REVIEW
    assert not Designation.objects.delisted().exists()


def test_a_dry_run_over_the_threshold_reports_the_review_it_would_need(reference_data, gates, shorter):
    _run(NAMED, as_of=D1)

    run = _run(shorter, dry_run=True)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert any("would be held for review" in w for w in run.warnings)
    assert not Designation.objects.delisted().exists()


def test_command_exits_with_an_error_for_a_held_run_and_publishes_with_an_approval(reference_data, gates, shorter):
    _run(NAMED, as_of=D1)
    args = ("ofac-sdn", "--path", str(shorter), "--as-of", "2024-07-09", "--no-progress")

    with pytest.raises(CommandError, match=r"held for review.*--approve-delistings"):
        call_command("import_source", *args, stdout=StringIO())
    planned = ImportRun.objects.get(status=ImportRun.Status.NEEDS_REVIEW).stats["planned_delistings"]["count"]
    out = StringIO()
    call_command("import_source", *args, "--approve-delistings", str(planned), stdout=out)

    assert "Succeeded" in out.getvalue() and f"delisted {planned}" in out.getvalue()


def test_a_held_run_overtaken_by_a_later_import_cannot_be_confirmed(held, tmp_path):
    newer = tmp_path / "newer"
    newer.mkdir()
    for name in FILES:  # the whole list again, one name corrected: nothing to delist
        (newer / name).write_bytes((NAMED / name).read_bytes().replace(b'"WANG, Yunhe"', b'"WANG, Yun He"'))
    later = _run(newer, as_of=datetime.date(2024, 7, 16))
    assert later.status == ImportRun.Status.SUCCEEDED, later.error

    with pytest.raises(ValidationError, match="out of date"):
        import_run_confirm(run=held)

    held.refresh_from_db()
    assert held.status == ImportRun.Status.NEEDS_REVIEW
    assert not ImportRun.objects.filter(reviewed_run=held).exists()
