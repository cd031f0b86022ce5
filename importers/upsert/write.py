"""Applying a plan, set-based: multi-row INSERTs (``importers.bulk``) and one parametrised UPDATE per
changed row through ``executemany``, never a query per record.

Order: new program tags; designees (inserted, then changed ones by their changed columns); child rows
(the replaced slices deleted, the new rows inserted); "Linked To"s resolved by name; designations
(delistings, re-tags and new dates of held ones, then new ones); events. The new rows' primary keys
come back from their INSERTs, so plan items that name a new designee by ``source_uid``, or events
carried by a new designation, are written against them.

The caller wraps the call in ``transaction.atomic()``. Bulk writes bypass model signals (and
django-simple-history): every change is recorded as a ``DesignationEvent`` tied to the run and the
source document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from designations.locks import SCALAR_FIELDS
from designations.models import Designation, DesignationEvent, Designee, Relationship
from importers.bulk import insert_rows, update_rows
from importers.upsert.plan import Bracket, EventPlan, Plan
from importers.upsert.state import ListState, Reference
from programs.models import Program

CHUNK = 1000  # primary keys per DELETE or UPDATE ... WHERE pk IN
PROGRESS_CHUNK = 5000  # designees per progress report

DESIGNEE_COLUMNS = ("source", "source_uid", "record_hash", "entry_number", "unparsed_remarks", "locked_fields")
DESIGNEE_COLUMNS += SCALAR_FIELDS
DESIGNATION_COLUMNS = (
    "designee",
    "program",
    "authority",
    "agency",
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
    "source",
    "legal_basis",
    "reason",
    "locked_fields",
)
DATE_COLUMNS = (
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
)
EVENT_COLUMNS = ("designation", "kind", "occurred_on", "precision", "earliest", "source_document", "import_run")
EVENT_COLUMNS += ("changes", "note")
# A refined event stays its designation's: the update leaves that column alone.
REFINED_EVENT_COLUMNS = EVENT_COLUMNS[1:]
KEPT_EVENT_COLUMNS = ("kind", "occurred_on", "precision", "earliest", "changes", "note")


@dataclass
class UpsertResult:
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    delisted: int = 0
    skipped: int = 0
    listed: int = 0
    amended: int = 0
    relisted: int = 0
    removed_duplicates: int = 0
    warnings: list[str] = field(default_factory=list)
    skipped_changes: list[dict] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @classmethod
    def of(cls, plan: Plan, *, warnings: Iterable[str] = (), stats: dict | None = None) -> UpsertResult:
        """The result of writing ``plan``, with what the gates added (``gate.enforce``)."""
        tally = plan.tally
        return cls(
            records=tally.records,
            created=tally.created,
            updated=tally.updated,
            unchanged=tally.unchanged,
            delisted=tally.delisted,
            listed=tally.listed,
            amended=tally.amended,
            relisted=tally.relisted,
            removed_duplicates=tally.removed_duplicates,
            warnings=[*plan.warnings, *warnings],
            skipped_changes=[change.as_json() for change in plan.skipped_changes],
            stats={**plan.stats, **(stats or {})},
        )


@dataclass(frozen=True)
class Provenance:
    """What every event and fact of the write points at: the source document and the import run (either may
    be None). ``part_documents`` names another document for the facts of some parts of a record (``importers.
    records`` "What an input speaks about"): a bundle whose alias or address file is of another date than its
    main file; ``designee_documents`` for every fact of some designees."""

    source_document: int | None = None
    import_run: int | None = None
    part_documents: Mapping[str, int] = field(default_factory=dict)
    # Another document for every fact of some designees (by source_uid): each entry's own earlier set.
    designee_documents: Mapping[str, int] = field(default_factory=dict)


def write_plan(
    plan: Plan,
    state: ListState,
    reference: Reference,
    provenance: Provenance,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Apply ``plan`` (made from ``state`` and ``reference``) to the database; see the module docstring."""
    program_pk = {code: program.pk for code, program in reference.programs.items()}
    for code in plan.new_programs:
        program_pk[code] = Program.objects.create(code=code, name=code, status=Program.Status.ACTIVE).pk
    designee_pk = {uid: designee.pk for uid, designee in state.designees.items()}
    designee_pk.update(_insert_designees(plan, progress))
    _update_designees(plan, progress)
    _write_children(plan, designee_pk, provenance)
    if plan.relinks:
        update_rows(
            Relationship, ("to_designee",), [(designee_pk[r.to_designee], r.relationship) for r in plan.relinks]
        )
    _write_designations(plan, program_pk, designee_pk, provenance)


def _insert_designees(plan: Plan, progress: Callable[[int], None] | None) -> dict[str, int]:
    rows = [
        (
            plan.list_source,
            d.source_uid,
            d.record_hash,
            d.entry_number,
            list(d.unparsed_remarks),
            [],
            *(d.scalars.get(name, "") for name in SCALAR_FIELDS),
        )
        for d in plan.new_designees
    ]
    pks: list[int] = []
    for start in range(0, len(rows), PROGRESS_CHUNK):
        chunk = rows[start : start + PROGRESS_CHUNK]
        pks += insert_rows(Designee, DESIGNEE_COLUMNS, chunk, returning=True)
        if progress:
            progress(len(chunk))
    return {d.source_uid: pk for d, pk in zip(plan.new_designees, pks, strict=True)}


def _update_designees(plan: Plan, progress: Callable[[int], None] | None) -> None:
    """Changed entries: their changed columns and hash, grouped by column set (one executemany each)."""
    by_columns: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for update in plan.designee_updates:
        by_columns[tuple(update.values)].append((*update.values.values(), update.record_hash, update.pk))
    for columns, rows in by_columns.items():
        for start in range(0, len(rows), PROGRESS_CHUNK):
            chunk = rows[start : start + PROGRESS_CHUNK]
            update_rows(Designee, (*columns, "record_hash"), chunk, touch=True)
            if progress:
                progress(len(chunk))
    # Same content, hash in the old format: store the part hashes, leaving the entry's updated_at alone.
    update_rows(Designee, ("record_hash",), [(r.record_hash, r.pk) for r in plan.rehashes])


def _write_children(plan: Plan, designee_pk: dict[str, int], provenance: Provenance) -> None:
    """Delete the replaced slices and insert the new rows, each with the document it was read from: a row
    written again as it stood keeps the document it had (the first that gave it); a new or changed one gets
    the document of its part, or the run's."""
    for child in plan.children:
        collection = child.collection
        model, fk = collection.model, collection.fk
        slices = {s.part: s for s in collection.slices}
        kept: dict[tuple, int] = {}
        for part, pks in child.cleared:
            stored = slices[part].stored
            for start in range(0, len(pks), CHUNK):
                rows = model.objects.filter(**{f"{fk}__in": pks[start : start + CHUNK]})
                if stored is not None:
                    rows = rows.filter(stored)
                sourced = rows.filter(source_document__isnull=False)
                for *values, document in sourced.values_list(*collection.columns, "source_document"):
                    kept.setdefault(tuple(values), document)
                rows.delete()
        refs = [collection.row._fields.index(name) for name in collection.designee_refs]
        rows = []
        for uid, built in child.rows:
            pk = designee_pk[uid]
            ours = provenance.designee_documents.get(uid, provenance.source_document)
            for row in built:
                document = provenance.part_documents.get(collection.part_of(row), ours)
                if refs:
                    row = tuple(designee_pk.get(v) if i in refs and v is not None else v for i, v in enumerate(row))
                values = (pk, *row)
                rows.append((*values, kept.get(values, document)))
        insert_rows(model, (*collection.columns, "source_document"), rows)


def _write_designations(
    plan: Plan, program_pk: dict[str, int], designee_pk: dict[str, int], provenance: Provenance
) -> None:
    # Held designations first, so that a designation the plan ends makes way for the one it starts.
    by_date: dict[Bracket, list[int]] = defaultdict(list)
    for delisting in plan.delistings:
        by_date[delisting.when].append(delisting.designation)
    for when, pks in by_date.items():
        for start in range(0, len(pks), CHUNK):
            Designation.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                status=Designation.Status.DELISTED,
                delisted_on=when.on,
                delisted_precision=when.precision,
                delisted_earliest=when.earliest,
            )
    update_rows(
        Designation,
        ("program", "authority"),
        [(program_pk[r.program], r.authority, r.designation) for r in plan.retags],
    )
    update_rows(
        Designation,
        DATE_COLUMNS,
        [(r.status, *_dates(r.listed), *_dates(r.delisted), r.designation) for r in plan.redatings],
    )
    rows = [
        (
            designee_pk[d.designee],
            program_pk[d.program],
            d.authority,
            d.agency,
            d.status,
            *_dates(d.listed),
            *_dates(d.delisted),
            plan.list_source,
            "",
            "",
            [],
        )
        for d in plan.new_designations
    ]
    pks = insert_rows(Designation, DESIGNATION_COLUMNS, rows, returning=True)
    events = [(event.designation, event) for event in plan.events]
    events += [(pk, event) for d, pk in zip(plan.new_designations, pks, strict=True) for event in d.events]
    insert_rows(
        DesignationEvent,
        EVENT_COLUMNS,
        [_event_row(designation, event, provenance) for designation, event in events if event.refines is None],
    )
    update_rows(
        DesignationEvent,
        REFINED_EVENT_COLUMNS,
        [
            (*_event_row(designation, event, provenance)[1:], event.refines)
            for designation, event in events
            if event.refines and not event.keeps_document
        ],
    )
    # Events that only gain a note and evidence keep citing their document and run.
    update_rows(
        DesignationEvent,
        KEPT_EVENT_COLUMNS,
        [
            (event.kind, *_dates(event.when), dict(event.changes), event.note, event.refines)
            for designation, event in events
            if event.refines and event.keeps_document
        ],
    )


def _dates(bracket: Bracket | None) -> tuple:
    if bracket is None:
        return (None, "", None)
    return (bracket.on, bracket.precision, bracket.earliest)


def _event_row(designation: int, event: EventPlan, provenance: Provenance) -> tuple:
    return (
        designation,
        event.kind,
        *_dates(event.when),
        provenance.source_document,
        provenance.import_run,
        dict(event.changes),
        event.note,
    )
