"""Runs held for review: an editor confirms (and a new run publishes) or rejects what a run would delist.

A run that would delist more designations than ``IMPORT_REVIEW_DELIST_COUNT`` ends NEEDS_REVIEW with its
plan and its kept raw files (``import_run_execute``); these services make the editors' decision.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from importers.models import ImportRun
from importers.services import files
from importers.services.runs import import_run_enqueue

logger = logging.getLogger("importers.services")


def _decide_held(run: ImportRun, status: str, *, user, note: str) -> None:
    """NEEDS_REVIEW -> ``status`` by compare-and-swap: of two editors deciding at once, one wins."""
    now = timezone.now()
    decided = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.NEEDS_REVIEW).update(
        status=status, reviewed_by=user, reviewed_at=now, review_note=note, updated_at=now
    )
    if decided != 1:
        run.refresh_from_db()
        raise ValidationError(
            f"Import run #{run.pk} is not held for review (it is {run.get_status_display().lower()}): "
            "nothing to decide."
        )


def import_run_confirm(*, run: ImportRun, user=None, note: str = "") -> ImportRun:
    """An editor confirms the delistings of a run held for review; return the new run that publishes them.

    1. Refuse when a later import of the source succeeded since the run was held: its files are out of
       date, and importing them would take the list back (``ValidationError``; reject it instead).
    2. NEEDS_REVIEW -> CONFIRMED by compare-and-swap (``ValidationError`` if the run is not held).
    3. Copy the run's kept raw files under ``MEDIA_ROOT/reparse/<run>/``.
    4. Queue a new run of those files (``reviewed_run`` = this run, started by the editor) with the held
       run's date, share and end-marker settings, approved to delist exactly the planned designations.
       It ends SUCCEEDED with the reviewed delistings; if its plan differs (the database changed since
       the review) it is held for review again.
    All in one transaction: a missing raw file leaves the run held.
    """
    plan = (run.stats or {}).get("planned_delistings") or {}
    held_as_of = (run.stats or {}).get("as_of")  # the date the held run used, e.g. its download's day
    as_of = run.as_of or (datetime.date.fromisoformat(held_as_of) if held_as_of else None)
    later = (
        ImportRun.objects.filter(source=run.source, status=ImportRun.Status.SUCCEEDED, dry_run=False)
        .filter(finished_at__gt=run.finished_at or run.created_at)
        .order_by("pk")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Import run #{later.pk} of {run.source} succeeded after run #{run.pk} was held, so its files are out "
            "of date: reject it; the next import plans its delistings afresh."
        )
    with transaction.atomic():
        _decide_held(run, ImportRun.Status.CONFIRMED, user=user, note=note)
        folder = files.stage_kept_files(run, purpose="import")
        new_run = import_run_enqueue(
            source=run.source,
            trigger=ImportRun.Trigger.MANUAL,
            path=str(folder),
            as_of=as_of,
            max_delist_share=run.max_delist_share,
            allow_missing_end_marker=run.allow_missing_end_marker,
            approve_delistings=plan.get("count", 0),
            reviewed_run=run,
        )
        if user is not None:
            ImportRun.objects.filter(pk=new_run.pk).update(started_by=user)
    logger.info(
        "Import run %s of %s confirmed by %s; run %s publishes it",
        *(run.pk, run.source, getattr(user, "username", "?"), new_run.pk),
        extra={"import_run_id": run.pk},
    )
    run.refresh_from_db()
    new_run.refresh_from_db()
    return new_run


def import_run_reject(*, run: ImportRun, user=None, note: str = "") -> ImportRun:
    """An editor rejects a run held for review: NEEDS_REVIEW -> REJECTED, with the note; nothing is published.

    The same files are refused from then on (``checks.refuse_held_files``) unless a run approves delistings.
    """
    who = getattr(user, "username", "") or "an editor"
    _decide_held(run, ImportRun.Status.REJECTED, user=user, note=note.strip() or f"Rejected by {who} without a note.")
    logger.info("Import run %s of %s rejected by %s", run.pk, run.source, who, extra={"import_run_id": run.pk})
    run.refresh_from_db()
    return run
