"""Changes an import skipped because an editor locked the field: accepted or dismissed, one by one.

A run lists them in ``ImportRun.skipped_changes`` (``importers.upsert``); each decision is written back
on the change with who made it and when, so it is made once.
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from designations.models import Designee
from designations.services import designee_take_imported
from importers.models import ImportRun


class SkippedChange(TypedDict, total=False):
    designee: int
    source_uid: str
    field: str
    current: object
    imported: object
    decision: str
    decided_by: str
    decided_at: str


def _decide(run: ImportRun, index: int, user: AbstractBaseUser | None, decision: str) -> tuple[ImportRun, dict]:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    changes = list(run.skipped_changes or [])
    if not 0 <= index < len(changes):
        raise ValidationError(f"Run #{run.pk} has no skipped change #{index}.")
    change = dict(changes[index])
    if change.get("decision"):
        raise ValidationError(f"This change was already {change['decision']} by {change.get('decided_by') or '?'}.")
    change.update(
        decision=decision,
        decided_by=getattr(user, "username", "") if user else "",
        decided_at=timezone.now().isoformat(timespec="seconds"),
    )
    changes[index] = change
    run.skipped_changes = changes
    run.save(update_fields=["skipped_changes", "updated_at"])
    return run, change


def skipped_change_accept(*, run: ImportRun, index: int, user: AbstractBaseUser | None) -> SkippedChange:
    """Apply a change an import skipped because the field was locked (``designee_take_imported``).

    A field takes the imported value (and stays locked: the editor chose this value). A locked
    collection is unlocked and the entry's hash cleared, so the next import writes the list's rows.
    """
    with transaction.atomic():
        run, change = _decide(run, index, user, "accepted")
        designee = Designee.objects.select_for_update().get(pk=change["designee"])
        designee_take_imported(
            designee=designee,
            field=change["field"],
            value=change.get("imported"),
            user=user,
            source=f"import run #{run.pk}",
        )
    return change


def skipped_change_dismiss(*, run: ImportRun, index: int, user: AbstractBaseUser | None) -> SkippedChange:
    """Keep the editor's value: mark the skipped change dismissed (the lock stays)."""
    with transaction.atomic():
        _, change = _decide(run, index, user, "dismissed")
    return change


def skipped_changes_pending(run: ImportRun) -> int:
    """How many of the run's skipped changes wait for a decision."""
    return sum(1 for change in run.skipped_changes or [] if not change.get("decision"))
