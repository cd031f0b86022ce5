"""Editorial services: locks, review, merges, history and revert, and roles.

Every write an editor makes in the admin goes through one of these functions, which record who made
it (``_history_user``) so the record's history says who, when and what.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from designations.locks import CHILD_COLLECTIONS, DESIGNEE_LOCKABLE, SCALAR_FIELDS
from designations.models import (
    DESIGNEE_COLLECTIONS,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeMerge,
    ReviewState,
    designee_children_snapshot,
)
from tracker.response_cache import bump_generation

# --------------------------------------------------------------------------------------------------
# Locks
# --------------------------------------------------------------------------------------------------
# What an editor can lock on a designee: the whole record, a field the importers write, or a child
# collection the importers replace as a set (``designations.locks``, the names the importers honour).


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


def designee_take_imported(
    *, designee: Designee, field: str, value: object, user: AbstractBaseUser | None, source: str
) -> Designee:
    """Take what an import brought for a field or collection an editor had locked (a change ``source`` skipped).

    A field takes ``value`` and stays locked: the editor chose this value. A collection is unlocked and
    the entry's hash cleared, so the next import writes the list's rows.
    """
    if field in SCALAR_FIELDS:
        setattr(designee, field, value)
        _save_version(designee, user, f"Accepted the change skipped by {source}")
    elif field in CHILD_COLLECTIONS:
        designee.locked_fields = [name for name in designee.locked_fields or [] if name != field]
        designee.record_hash = ""
        _save_version(designee, user, f"Unlocked {field} to take the list's rows ({source})")
    else:
        raise ValidationError(f"Unknown field {field!r} in the skipped change.")
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
# Roles
# --------------------------------------------------------------------------------------------------
_CHILDREN = (
    "alias",
    "identifier",
    "address",
    "birthdate",
    "placeofbirth",
    "designeecountry",
    "relationship",
    "designeefact",
)
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
        # Allied lists: entries and their designations as imported; editors review the cross-list links.
        "allies": {
            "alliedentry": ("view",),
            "allieddesignation": ("view",),
            "partylink": ("view", "add", "change"),
        },
    },
}
VIEWER_APPS = ("designations", "programs", "importers", "announcements", "allies")


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
