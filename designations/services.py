"""Editorial services: locks, review, merges, history and revert, roles, and imports started by editors.

Every write an editor makes in the admin goes through one of these functions, which record who made
it (``_history_user``) so the record's history says who, when and what.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from designations.models import (
    DESIGNEE_COLLECTIONS,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeMerge,
    ReviewState,
    designee_children_snapshot,
)
from importers.models import ImportRun
from importers.upsert import CHILD_COLLECTIONS, LOCK_ALL, SCALAR_FIELDS
from tracker.response_cache import bump_generation

# --------------------------------------------------------------------------------------------------
# Locks
# --------------------------------------------------------------------------------------------------
# What an editor can lock on a designee: the whole record, a field the importers write, or a child
# collection the importers replace as a set (importers/upsert.py honours exactly these names).
DESIGNEE_LOCKABLE: tuple[str, ...] = (LOCK_ALL, *SCALAR_FIELDS, *CHILD_COLLECTIONS)


def _check_lockable(fields: Iterable[str]) -> list[str]:
    fields = list(dict.fromkeys(fields))
    unknown = [name for name in fields if name not in DESIGNEE_LOCKABLE]
    if unknown:
        raise ValidationError(f"Not a lockable field of a designee: {', '.join(unknown)}")
    return fields


def _ordered_locks(locks: Iterable[str]) -> list[str]:
    return [name for name in DESIGNEE_LOCKABLE if name in set(locks)]


def designee_lock_fields(*, designee: Designee, fields: Iterable[str], user: AbstractBaseUser | None) -> Designee:
    """Lock ``fields`` of ``designee`` against imports (``"*"`` locks the whole record)."""
    fields = _check_lockable(fields)
    locks = _ordered_locks([*(designee.locked_fields or []), *fields])
    if locks != (designee.locked_fields or []):
        designee.locked_fields = locks
        _save_version(designee, user, f"Locked {', '.join(fields)}")
    return designee


def designee_unlock_fields(*, designee: Designee, fields: Iterable[str], user: AbstractBaseUser | None) -> Designee:
    """Let imports write ``fields`` of ``designee`` again."""
    fields = _check_lockable(fields)
    locks = [name for name in designee.locked_fields or [] if name not in fields]
    if locks != (designee.locked_fields or []):
        designee.locked_fields = locks
        _save_version(designee, user, f"Unlocked {', '.join(fields)}")
    return designee


def _save_version(designee: Designee, user: AbstractBaseUser | None, reason: str) -> None:
    designee._history_user = user
    designee._change_reason = reason
    designee.save()


def designee_version_record(
    *, designee: Designee, user: AbstractBaseUser | None, reason: str = "", created: bool = False
) -> None:
    """Record the designee as it stands now (fields and child rows) as one version in its history.

    The admin saves a designee and then its inlines; the version is recorded once, after both, so
    one edit is one version whatever it touched.
    """
    Designee.history.bulk_history_create(
        [designee],
        update=not created,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs={"children": designee_children_snapshot(designee)},
    )


# --------------------------------------------------------------------------------------------------
# Review
# --------------------------------------------------------------------------------------------------
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    ReviewState.UNREVIEWED: {ReviewState.REVIEWED, ReviewState.NEEDS_ATTENTION},
    ReviewState.REVIEWED: {ReviewState.REVIEWED, ReviewState.NEEDS_ATTENTION},
    ReviewState.NEEDS_ATTENTION: {ReviewState.REVIEWED, ReviewState.NEEDS_ATTENTION},
}

ReviewedRecord = Designee | Designation


def record_review(*, record: ReviewedRecord, state: str, user: AbstractBaseUser | None) -> ReviewedRecord:
    """Move a designee or designation to review ``state``, stamping who and when.

    Marking a record reviewed again is allowed (it re-stamps the time, emptying it from the queue);
    nothing goes back to ``unreviewed``. The review columns are written with an UPDATE, so a review
    neither changes ``updated_at`` nor adds a version to the record's history.
    """
    if state not in REVIEW_TRANSITIONS.get(record.review_state, set()):
        raise ValidationError(
            f"A {record._meta.verbose_name} cannot go from {record.get_review_state_display()} "
            f"to {ReviewState(state).label if state in ReviewState.values else state!r}."
        )
    now = timezone.now()
    type(record).objects.filter(pk=record.pk).update(review_state=state, reviewed_at=now, reviewed_by=user)
    bump_generation()  # the review columns change without updated_at: cached API answers must go
    record.review_state, record.reviewed_at, record.reviewed_by = state, now, user
    return record


def records_review(*, queryset: models.QuerySet, state: str, user: AbstractBaseUser | None) -> int:
    """Bulk ``record_review``: move every record of ``queryset`` that may go to ``state``; return how many."""
    allowed = [source for source, targets in REVIEW_TRANSITIONS.items() if state in targets]
    bump_generation()
    return queryset.filter(review_state__in=allowed).update(
        review_state=state, reviewed_at=timezone.now(), reviewed_by=user
    )


def changed_since_review(model: type[models.Model]) -> Q:
    """The review queue: never reviewed, edited or re-imported since, or with an event recorded since.

    Imports bump a designee's ``updated_at`` when its entry changed and add ``DesignationEvent`` rows
    for listings, amendments and delistings, so both count as a change.
    """
    if model is Designee:
        events = DesignationEvent.objects.filter(
            designation__designee=OuterRef("pk"), created_at__gt=OuterRef("reviewed_at")
        )
    else:
        events = DesignationEvent.objects.filter(designation=OuterRef("pk"), created_at__gt=OuterRef("reviewed_at"))
    return Q(reviewed_at__isnull=True) | Q(updated_at__gt=F("reviewed_at")) | Exists(events)


def review_flag_changed() -> dict[str, int]:
    """Move reviewed designees and designations that changed since their review to NEEDS_ATTENTION.

    Meant to run after each import (and from ``review_flag_changed`` on a schedule); returns counts.
    """
    counts = {}
    bump_generation()
    for model in (Designee, Designation):
        counts[model._meta.model_name] = (
            model.objects.filter(review_state=ReviewState.REVIEWED)
            .filter(changed_since_review(model))
            .update(review_state=ReviewState.NEEDS_ATTENTION)
        )
    return counts


# --------------------------------------------------------------------------------------------------
# Merge and undo
# --------------------------------------------------------------------------------------------------
def designee_merge(*, kept: Designee, merged: Designee, user: AbstractBaseUser | None, note: str = "") -> DesigneeMerge:
    """Record that ``merged`` is the same party as ``kept``.

    1. Refuse a merge into itself, into a designee that is itself merged, or of a designee already
       merged elsewhere.
    2. Point ``merged`` (and anything merged into it before) at ``kept``; nothing is moved or
       deleted, so both source records, all aliases, identifiers and designations stay, and each
       source goes on updating its own record.
    3. Write the ``DesigneeMerge`` trail row and a version in both records' history.
    """
    if kept.pk == merged.pk:
        raise ValidationError("A designee cannot be merged into itself.")
    with transaction.atomic():
        kept = Designee.objects.select_for_update().get(pk=kept.pk)
        merged = Designee.objects.select_for_update().get(pk=merged.pk)
        if kept.merged_into_id:
            raise ValidationError(f"{kept} is itself merged into another designee; merge into that one.")
        if merged.merged_into_id:
            raise ValidationError(f"{merged} is already merged into another designee.")
        merge = DesigneeMerge.objects.create(kept=kept, merged=merged, merged_by=user, note=note)
        # Earlier merges into the merged record follow it, so the group has one survivor.
        for follower in Designee.objects.filter(merged_into=merged):
            follower.merged_into = kept
            _save_version(follower, user, f"Merged into {kept} (with {merged})")
        merged.merged_into = kept
        _save_version(merged, user, f"Merged into {kept} (#{kept.pk})")
    return merge


def designee_unmerge(*, merge: DesigneeMerge, user: AbstractBaseUser | None) -> DesigneeMerge:
    """Undo a merge: the merged designee stands on its own again; the trail row is kept, marked undone."""
    with transaction.atomic():
        merge = DesigneeMerge.objects.select_for_update().get(pk=merge.pk)
        if merge.undone_at:
            raise ValidationError("This merge was already undone.")
        merged = merge.merged
        if merged.merged_into_id == merge.kept_id:
            merged.merged_into = None
            _save_version(merged, user, f"Merge into {merge.kept} (#{merge.kept_id}) undone")
        merge.undone_at = timezone.now()
        merge.undone_by = user
        merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
    return merge


def designee_merge_group(designee: Designee) -> list[int]:
    """The pks of the survivor and of every designee merged into it, survivor first.

    Pages and the API show a merged party as one: the survivor's page lists the aliases, identifiers
    and designations of the whole group.
    """
    survivor = designee.merged_into_id or designee.pk
    merged = Designee.objects.filter(merged_into_id=survivor).order_by("pk").values_list("pk", flat=True)
    return [survivor, *merged]


# --------------------------------------------------------------------------------------------------
# History: revert a designee to an earlier version
# --------------------------------------------------------------------------------------------------
# Fields a revert restores: everything an editor curates, not the importer's bookkeeping, the review
# columns, nor the merge pointer (undone through ``designee_unmerge``).
REVERT_SKIPPED = {"id", "source", "source_uid", "record_hash", "created_at", "updated_at", "merged_into"}


def designee_revert(*, designee: Designee, history_id: int, user: AbstractBaseUser | None) -> Designee:
    """Put ``designee`` back as it stood in version ``history_id``: its fields and its child rows.

    Fields an import owns that the revert changes are locked, so the next import does not undo the
    revert. The revert is itself a new version, so it can be reverted too.
    """
    version = designee.history.get(history_id=history_id)
    tracked = {f.attname for f in Designee.history.model.tracked_fields}
    with transaction.atomic():
        designee = Designee.objects.select_for_update().get(pk=designee.pk)
        changed: list[str] = []
        for field in Designee._meta.concrete_fields:
            if field.attname in REVERT_SKIPPED or field.attname not in tracked:
                continue
            old = getattr(version, field.attname)
            if getattr(designee, field.attname) != old:
                setattr(designee, field.attname, old)
                changed.append(field.name)
        children = version.children or {}
        current = designee_children_snapshot(designee)
        for name, (model, fk) in DESIGNEE_COLLECTIONS.items():
            if name not in children or children[name] == current[name]:
                continue
            changed.append(name)
            model.objects.filter(**{fk: designee}).delete()
            rows = [dict(row) for row in children[name]]
            # A linked designee may have been deleted since: keep the link's name, drop the pointer.
            targets = {row["to_designee_id"] for row in rows if row.get("to_designee_id")}
            alive = set(Designee.objects.filter(pk__in=targets).values_list("pk", flat=True)) if targets else set()
            for row in rows:
                if row.get("to_designee_id") and row["to_designee_id"] not in alive:
                    row["to_designee_id"] = None
            model.objects.bulk_create([model(**{f"{fk}_id": designee.pk}, **row) for row in rows])
        if designee.source:
            to_lock = [name for name in changed if name in DESIGNEE_LOCKABLE and name != "locked_fields"]
            if to_lock and "locked_fields" not in changed:
                designee.locked_fields = _ordered_locks([*(designee.locked_fields or []), *to_lock])
        when = timezone.localtime(version.history_date).strftime("%d %b %Y %H:%M")
        _save_version(designee, user, f"Reverted to the version of {when} (#{version.history_id})")
    return designee


# --------------------------------------------------------------------------------------------------
# Changes imports skipped because of a lock: accept or dismiss
# --------------------------------------------------------------------------------------------------
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
    """Apply a change an import skipped because the field was locked.

    A field takes the imported value (and stays locked: the editor chose this value). A locked
    collection is unlocked and the entry's hash cleared, so the next import writes the list's rows.
    """
    with transaction.atomic():
        run, change = _decide(run, index, user, "accepted")
        designee = Designee.objects.select_for_update().get(pk=change["designee"])
        field = change["field"]
        if field in SCALAR_FIELDS:
            setattr(designee, field, change.get("imported"))
            _save_version(designee, user, f"Accepted the change skipped by import run #{run.pk}")
        elif field in CHILD_COLLECTIONS:
            designee.locked_fields = [name for name in designee.locked_fields or [] if name != field]
            designee.record_hash = ""
            _save_version(designee, user, f"Unlocked {field} to take the list's rows (import run #{run.pk})")
        else:
            raise ValidationError(f"Unknown field {field!r} in the skipped change.")
    return change


def skipped_change_dismiss(*, run: ImportRun, index: int, user: AbstractBaseUser | None) -> SkippedChange:
    """Keep the editor's value: mark the skipped change dismissed (the lock stays)."""
    with transaction.atomic():
        _, change = _decide(run, index, user, "dismissed")
    return change


def skipped_changes_pending(run: ImportRun) -> int:
    return sum(1 for change in run.skipped_changes or [] if not change.get("decision"))


# --------------------------------------------------------------------------------------------------
# Imports started by editors: now, from an uploaded file, or by re-parsing a kept raw file
# --------------------------------------------------------------------------------------------------
MAX_UPLOAD_BYTES = 128 * 1024 * 1024
UPLOAD_SUFFIXES = {".csv": "text", ".xml": "xml"}


def _check_upload(name: str, content: bytes, allowed: tuple[str, ...]) -> None:
    """Refuse files the source does not read, oversized files, and bytes that are not what the name says."""
    if name.lower() not in {n.lower() for n in allowed}:
        raise ValidationError(f"{name}: this source reads only {', '.join(allowed) or 'dated sdn.csv files'}.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if not content.strip():
        raise ValidationError(f"{name} is empty.")
    kind = UPLOAD_SUFFIXES.get(Path(name).suffix.lower())
    head = content[:4096]
    if kind is None:
        raise ValidationError(f"{name}: only .csv and .xml files are accepted.")
    if b"\x00" in head:
        raise ValidationError(f"{name} is not a text file.")
    if kind == "xml" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ValidationError(f"{name} is not an XML file.")


def import_run_start(
    *,
    source: str,
    user: AbstractBaseUser | None,
    files: dict[str, bytes] | None = None,
    as_of: datetime.date | None = None,
    dry_run: bool = False,
) -> ImportRun:
    """Start an import of ``source`` through Celery, from the network or from uploaded files.

    Uploaded files are checked (name, size, type), kept under ``MEDIA_ROOT/uploads/<hash>/`` with the
    names the source reads, and imported from there.
    """
    from importers.services import import_run_enqueue
    from importers.sources import get_adapter

    adapter = get_adapter(source)
    path = ""
    if files:
        for name, content in files.items():
            _check_upload(name, content, tuple(adapter.files))
        digest = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()[:16]
        folder = Path(settings.MEDIA_ROOT) / "uploads" / digest
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name.lower()).write_bytes(content)
        path = str(folder)
    with transaction.atomic():
        run = import_run_enqueue(
            source=source, trigger=ImportRun.Trigger.MANUAL, path=path, as_of=as_of, dry_run=dry_run
        )
        ImportRun.objects.filter(pk=run.pk).update(started_by=user)
    run.refresh_from_db()
    return run


def import_run_reparse(*, run: ImportRun, user: AbstractBaseUser | None) -> ImportRun:
    """Import the raw files kept by ``run`` again (e.g. after a parser fix), as a new manual run.

    The kept files are named by their hash; they are copied under ``MEDIA_ROOT/reparse/<run>/`` with
    the names the source reads (``<date>/sdn.csv`` for the history source) and imported from there.
    """
    from importers.services import import_run_enqueue

    kept: dict[str, str] = (run.stats or {}).get("raw_files") or {}
    if not kept:
        raise ValidationError(f"Run #{run.pk} kept no raw file to re-parse.")
    folder = Path(settings.MEDIA_ROOT) / "reparse" / str(run.pk)
    for name, relative in kept.items():
        source_path = Path(settings.MEDIA_ROOT) / relative
        if not source_path.is_file():
            raise ValidationError(f"The raw file {relative} of run #{run.pk} is missing from disk.")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
    with transaction.atomic():
        new_run = import_run_enqueue(
            source=run.source, trigger=ImportRun.Trigger.MANUAL, path=str(folder), as_of=run.as_of
        )
        ImportRun.objects.filter(pk=new_run.pk).update(started_by=user)
    new_run.refresh_from_db()
    return new_run


# --------------------------------------------------------------------------------------------------
# Roles
# --------------------------------------------------------------------------------------------------
_CHILDREN = ("alias", "identifier", "address", "birthdate", "placeofbirth", "designeecountry", "relationship")
# Group -> app -> model -> actions. Editors curate, review, merge and run imports but delete no
# designee, designation or import run (history is never deleted) and leave the vocabulary alone.
ROLE_PERMISSIONS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "Editors": {
        "designations": {
            "designee": ("view", "add", "change", "review", "merge"),
            **{child: ("view", "add", "change", "delete") for child in _CHILDREN},
            "designation": ("view", "add", "change", "review"),
            "sourcedocument": ("view", "add", "change"),
            "designationevent": ("view",),
            "abusecategory": ("view",),
            "designeemerge": ("view",),
            "historicaldesignee": ("view",),
            "historicaldesignation": ("view",),
            "historicalabusecategory": ("view",),
        },
        "programs": {
            "citation": ("view", "add", "change", "delete"),
            "country": ("view",),
            "countryname": ("view",),
            "historicalcitation": ("view",),
            "program": ("view", "add", "change"),
            "authority": ("view", "add", "change"),
            "authorityevent": ("view", "add", "change", "delete"),
            "historicalprogram": ("view",),
            "historicalauthority": ("view",),
            "historicalauthorityevent": ("view",),
        },
        "importers": {"importrun": ("view", "add", "review")},
        "announcements": {
            "announcement": ("view",),
            "announcementversion": ("view",),
            "mention": ("view", "change", "review"),
        },
    },
}
VIEWER_APPS = ("designations", "programs", "importers", "announcements")


def roles_sync() -> dict[str, int]:
    """Create or update the Editors and Viewers groups; return each group's permission count.

    Viewers get every ``view_`` permission of the tracker's apps. Permissions outside the
    definitions are removed, so running it again after a change brings the groups in line.
    """
    counts = {}
    with transaction.atomic():
        for group_name, apps in ROLE_PERMISSIONS.items():
            wanted = Q(pk__in=[])
            for app_label, model_actions in apps.items():
                codenames = [f"{action}_{model}" for model, actions in model_actions.items() for action in actions]
                wanted |= Q(content_type__app_label=app_label, codename__in=codenames)
            group, _ = Group.objects.get_or_create(name=group_name)
            group.permissions.set(Permission.objects.filter(wanted))
            counts[group_name] = group.permissions.count()
        viewers, _ = Group.objects.get_or_create(name="Viewers")
        viewers.permissions.set(
            Permission.objects.filter(content_type__app_label__in=VIEWER_APPS, codename__startswith="view_")
        )
        counts["Viewers"] = viewers.permissions.count()
    return counts
