"""Idempotent upsert of parsed list records into the database, as a plan and a set-based write.

Every upsert runs in three steps:

1. **Load** (``state``): the reference (programs, authorities, countries) and the list as held
   (designees with their hashes and locks, designations, unresolved "Linked To"s), into plain typed
   snapshots, in a handful of queries.
2. **Plan** (``snapshot``, ``history``): a pure function of the records and that state, giving a
   ``Plan`` of frozen dataclasses (``plan``): designees to create and to update (the parts and columns
   changed), child rows to replace, designations to list, delist, re-tag or re-date, events with their
   dates and precision, the changes editors' locks kept out, and the delisting gates' verdict
   (``gate``).
3. **Write** (``write``): the gates' verdict is enforced first (a refused or held run writes nothing),
   then the plan is applied with multi-row INSERTs and one UPDATE per changed row.

``upsert_snapshot`` takes every ``DesigneeRecord`` of one list (a complete snapshot or a partial
source); ``upsert_history`` takes a list's ``PresenceIntervalRecord``s. The caller wraps the call in
``transaction.atomic()``. A second run over the same input plans, and writes, nothing. Fields an
editor locked are never overwritten: the change that was skipped is returned in
``UpsertResult.skipped_changes``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence

from designations.models import SourceDocument
from importers.records import (
    PART_ADDRESSES,
    PART_LISTED_ALIASES,
    PARTS,
    UNKNOWN_PART,
    DesigneeRecord,
    EntryDateRecord,
    PresenceIntervalRecord,
    split_record_hash,
)
from importers.upsert.entry_dates import plan_entry_dates
from importers.upsert.gate import DelistApproval, DelistLimits, ImportSafetyError, ReviewRequired, enforce
from importers.upsert.history import HistoryOptions, plan_history
from importers.upsert.plan import Plan
from importers.upsert.snapshot import SnapshotOptions, plan_snapshot
from importers.upsert.state import ListState, Reference, choose_authority, load_list_state, load_reference
from importers.upsert.write import Provenance, UpsertResult, write_plan

__all__ = [
    "DelistApproval",
    "ImportSafetyError",
    "ReviewRequired",
    "UpsertResult",
    "choose_authority",
    "upsert_earlier_facts",
    "upsert_entry_dates",
    "upsert_history",
    "upsert_snapshot",
]


def upsert_snapshot(
    *,
    records: Sequence[DesigneeRecord],
    list_source: str,
    complete: bool,
    snapshot_date: datetime.date,
    source_document: SourceDocument | None,
    part_documents: Mapping[str, SourceDocument] | None = None,
    import_run=None,
    agency: str = "OFAC",
    max_delist_share: float | None = None,
    approval: DelistApproval | None = None,
    review: bool = True,
    progress: Callable[[int], None] | None = None,
) -> UpsertResult:
    """Bring the database in line with ``records`` for ``list_source`` (``importers.upsert.snapshot``).

    ``complete``: a missing entry means a delisting. ``review=False`` (a dry run) reports a run that
    would be held for review in a warning instead. ``part_documents``: the documents the facts of some parts
    come from, when not ``source_document`` (``write.Provenance``).
    """
    reference = load_reference()
    state = load_list_state(list_source, reference, previous_before=snapshot_date if complete else None, links=True)
    options = SnapshotOptions(
        complete=complete,
        snapshot_date=snapshot_date,
        limits=DelistLimits.from_settings(max_delist_share),
        agency=agency,
        approval=approval,
    )
    plan = plan_snapshot(records, state, reference, options)
    return _write(
        plan, state, reference, source_document, import_run, review=review, progress=progress, parts=part_documents
    )


def upsert_history(
    *,
    records: Sequence[PresenceIntervalRecord],
    list_source: str,
    source_document: SourceDocument | None,
    import_run=None,
    agency: str = "OFAC",
    approval: DelistApproval | None = None,
    review: bool = True,
) -> UpsertResult:
    """Date ``list_source``'s designations from its history of presence intervals (``importers.upsert.history``)."""
    reference = load_reference()
    state = load_list_state(list_source, reference)
    options = HistoryOptions(limits=DelistLimits.from_settings(), agency=agency, approval=approval)
    plan = plan_history(records, state, reference, options)
    return _write(plan, state, reference, source_document, import_run, review=review)


# The parts an earlier set may fill in for an entry a later file described: those only their own files give.
FILLABLE_PARTS = (PART_LISTED_ALIASES, PART_ADDRESSES)


def upsert_earlier_facts(
    *,
    records: Sequence[tuple[str, DesigneeRecord]],
    list_source: str,
    set_date: datetime.date,
    source_document: SourceDocument | None,
    import_run=None,
    set_documents: Mapping[str, SourceDocument] | None = None,
) -> UpsertResult:
    """Describe, from ``records`` of earlier full sets ((set name, record), one record per entry), what no
    list file has described yet:

    * the designees no list file described (the list history created them: entries gone before the
      current snapshot) and that are not listed now: names, aliases, addresses, countries;
    * of the others, the numbered aliases and the addresses, where no file ever spoke of them (an entry of
      the snapshot gone from the later alias and address files it was imported with keeps its aliases and
      addresses from the newest earlier set that gave them).

    No designation is touched. The facts written name the document of their set (``set_documents``, by set
    name), else ``source_document``. The result's ``stats`` count the designees each set described."""
    reference = load_reference()
    state = load_list_state(list_source, reference, links=True)
    listed = {d.designee for d in state.designations if d.active}
    wanted = {uid for uid, d in state.designees.items() if not d.record_hash and d.pk not in listed}
    unknown = {
        uid: {part for part in FILLABLE_PARTS if parts[part] == UNKNOWN_PART}
        for uid, d in state.designees.items()
        if uid not in wanted and (parts := split_record_hash(d.record_hash))
    }
    chosen = []
    for name, record in records:
        if record.source_uid in wanted:
            chosen.append((name, record))
        elif fill := unknown.get(record.source_uid, set()) - set(record.uncovered):
            only = tuple(part for part in PARTS if part not in fill)
            chosen.append((name, dataclasses.replace(record, uncovered=only)))
    options = SnapshotOptions(
        complete=False, snapshot_date=set_date, limits=DelistLimits.from_settings(), facts_only=True
    )
    plan = plan_snapshot([record for _, record in chosen], state, reference, options)
    documents = {record.source_uid: set_documents[name].pk for name, record in chosen if name in (set_documents or {})}
    result = _write(plan, state, reference, source_document, import_run, review=True, designees=documents)
    result.records = len(records)
    result.unchanged = len(records) - len(chosen)
    described: dict[str, int] = {}
    for name, _ in chosen:
        described[name] = described.get(name, 0) + 1
    result.stats = {**result.stats, "described": described}
    return result


def upsert_entry_dates(
    *,
    records: Sequence[EntryDateRecord],
    list_source: str,
    source_document: SourceDocument | None,
    import_run=None,
) -> UpsertResult:
    """Date ``list_source``'s listings to the day where dated evidence falls inside their brackets
    (``importers.upsert.entry_dates``)."""
    reference = load_reference()
    state = load_list_state(list_source, reference)
    plan = plan_entry_dates(records, state)
    return _write(plan, state, reference, source_document, import_run, review=True)


def _write(
    plan: Plan,
    state: ListState,
    reference: Reference,
    source_document: SourceDocument | None,
    import_run,
    *,
    review: bool,
    progress: Callable[[int], None] | None = None,
    parts: Mapping[str, SourceDocument] | None = None,
    designees: Mapping[str, int] | None = None,
) -> UpsertResult:
    warnings, stats = enforce(plan.gate, review=review)  # refused or held: nothing is written
    provenance = Provenance(
        source_document=source_document.pk if source_document else None,
        import_run=import_run.pk if import_run else None,
        part_documents={part: document.pk for part, document in (parts or {}).items()},
        designee_documents=designees or {},
    )
    write_plan(plan, state, reference, provenance, progress)
    return UpsertResult.of(plan, warnings=warnings, stats=stats)
