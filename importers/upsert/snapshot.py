"""Planning a list snapshot: every ``DesigneeRecord`` of one list diffed against the list as held, purely.

1. Split the records into new, changed and unchanged designees by their part hashes: an entry is
   changed when a part its input covers differs from what we hold; parts the input did not speak about
   (``DesigneeRecord.uncovered``) count as unchanged (``importers.records``).
2. Plan the designation changes per entry: programs added (listings), removed (delistings) and
   re-tagged (an amendment of the same designation, e.g. ``BELARUS-EO`` -> ``BELARUS-EO14038``; a tag
   for another under the same authority). A move to a program under another authority (``ZIMBABWE`` ->
   ``GLOMAG``) is a delisting and a listing (``vocabulary.pair_retags``). With ``facts_only`` (an earlier
   set describing entries gone since) no designation changes. For a complete snapshot, entries that
   vanished are delisted, and one whose name stays on the list under another entry number sharing one of
   its programs is recorded as a removed duplicate.
3. Leave what editors locked: locked designations keep their status and program, locked fields and
   collections of a designee keep their value; each change left undone is a ``SkippedChange``.
4. Judge the delistings (``importers.upsert.gate``).
5. Of a changed designee only the changed parts are written: their columns, and their child rows
   replaced as a set (``importers.upsert.children``). "Linked To"s are resolved by name among the
   list's designees as they will stand, new ones included.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from designations.locks import SCALAR_FIELDS, is_locked
from designations.models import DatePrecision, Designation, DesignationEvent
from importers.records import (
    PART_ADDRESSES,
    PART_ENTRY,
    PART_FACTS,
    PART_LISTED_ALIASES,
    PART_REMARKS,
    PARTS,
    UNKNOWN_PART,
    DesigneeRecord,
    join_record_hash,
    split_record_hash,
)
from importers.upsert.children import CHILDREN, ChildCollection
from importers.upsert.gate import DelistApproval, DelistLimits, PlannedDelisting, judge_delistings
from importers.upsert.plan import (
    Bracket,
    ChildPlan,
    Delisting,
    DesigneeUpdate,
    EventPlan,
    NewDesignation,
    NewDesignee,
    Plan,
    Rehash,
    Relink,
    Retag,
    SkippedChange,
    Tally,
)
from importers.upsert.state import HeldDesignation, HeldDesignee, ListState, Reference
from importers.upsert.vocabulary import Countries, Programs, name_key, pair_retags

# Designee columns written from each part of a record (``importers.records`` "What an input speaks about").
PART_COLUMNS: dict[str, tuple[str, ...]] = {
    PART_ENTRY: (
        "kind",
        "name",
        "title",
        "call_sign",
        "vessel_type",
        "vessel_flag",
        "vessel_owner",
        "tonnage",
        "gross_registered_tonnage",
    ),
    PART_REMARKS: ("remarks", "unparsed_remarks"),
    PART_FACTS: ("gender", "aircraft_model", "aircraft_operator"),
    PART_LISTED_ALIASES: (),
    PART_ADDRESSES: (),
}
PART_LABELS = {
    PART_ENTRY: "the list columns",
    PART_REMARKS: "the remarks",
    PART_FACTS: "the facts read from the remarks",
    PART_LISTED_ALIASES: "the numbered aliases (alt.csv)",
    PART_ADDRESSES: "the addresses and address countries (add.csv)",
}
ALL_PARTS = frozenset(PARTS)


@dataclass(frozen=True)
class SnapshotOptions:
    """How to read the records: a ``complete`` snapshot (a missing entry is a delisting) of ``snapshot_date``."""

    complete: bool
    snapshot_date: datetime.date
    limits: DelistLimits
    agency: str = "OFAC"
    approval: DelistApproval | None = None
    # The records describe entries (names, aliases, addresses, countries) and say nothing about their
    # designations: an earlier list set read for entries the current list no longer has.
    facts_only: bool = False


def snapshot_listing(record: DesigneeRecord, previous: datetime.date | None, current: datetime.date) -> Bracket:
    """When an entry first seen in the snapshot of ``current`` was listed: its own date, else the bracket."""
    if record.listed_on:
        return Bracket(record.listed_on, DatePrecision.DAY)
    return snapshot_change(previous, current)


def snapshot_change(previous: datetime.date | None, current: datetime.date) -> Bracket:
    """When a change first seen in the snapshot of ``current`` happened: after ``previous``, by ``current``."""
    if previous is None:
        return Bracket(current, DatePrecision.ON_OR_BEFORE)
    return Bracket(current, DatePrecision.RANGE, previous)


def scalar_values(record: DesigneeRecord) -> dict[str, str]:
    values = {name: getattr(record, name) for name in SCALAR_FIELDS}
    values["name"] = values["name"][:500]
    values["title"] = values["title"][:500]
    return values


@dataclass(frozen=True, slots=True)
class _Changed:
    record: DesigneeRecord
    held: HeldDesignee
    parts: frozenset[str]
    record_hash: str


class _Resolve:
    """Country pks and "Linked To" targets (the source_uid of the one designee of that name, else None)."""

    def __init__(self, countries: Countries, by_name: dict[str, str | None]) -> None:
        self.country = countries.country
        self._by_name = by_name

    def designee_named(self, name: str) -> str | None:
        return self._by_name.get(name_key(name))


def plan_snapshot(
    records: Sequence[DesigneeRecord], state: ListState, reference: Reference, options: SnapshotOptions
) -> Plan:
    """The plan that brings ``state`` in line with ``records`` (module docstring); no database access."""
    programs, countries = Programs(reference), Countries(reference)
    held = state.designees
    active: dict[int, dict[str, HeldDesignation]] = defaultdict(dict)  # designee pk -> {program: designation}
    delisted_pairs: set[tuple[int, str]] = set()
    for designation in state.designations:
        if designation.active:
            active[designation.designee][designation.program] = designation
        else:
            delisted_pairs.add((designation.designee, designation.program))
    duplicates: list[str] = []  # warnings, in the order the run reports them: these, new tags, kept parts, countries
    skipped: list[SkippedChange] = []

    # 1. New, changed and unchanged entries: parts the input did not cover keep what we hold, hash included.
    new: list[tuple[DesigneeRecord, str]] = []
    changed: list[_Changed] = []
    rehashes: list[Rehash] = []  # unchanged entries whose stored hash predates part hashes
    unchanged = 0
    kept_parts: Counter[str] = Counter()  # part -> entries we hold whose part the input did not cover
    seen: set[str] = set()
    for record in records:
        if record.source_uid in seen:
            raise ValueError(f"entry {record.source_uid} appears twice in one snapshot")
        seen.add(record.source_uid)
        known = held.get(record.source_uid)
        if known is None:
            new.append((record, record.content_hash()))
            continue
        kept_parts.update(record.uncovered)
        parts_held = split_record_hash(known.record_hash)
        if (
            parts_held is None
            and not record.uncovered
            and known.record_hash
            and known.record_hash == record.legacy_hash()
        ):
            unchanged += 1
            rehashes.append(Rehash(known.pk, record.content_hash()))
            continue
        hashes = record.part_hashes()
        covered = [part for part in PARTS if part not in record.uncovered]
        parts = frozenset(part for part in covered if parts_held is None or parts_held[part] != hashes[part])
        if not parts:
            unchanged += 1
            continue
        stored = {
            part: hashes[part] if part in covered else (parts_held or {}).get(part, UNKNOWN_PART) for part in PARTS
        }
        changed.append(_Changed(record, known, parts, join_record_hash(stored)))

    # 2. Designation changes.
    to_delist: list[tuple[HeldDesignation, str]] = []  # (designation, event kind)
    if options.complete:
        names_staying = {name_key(r.name): r for r in records}
        for designee in held.values():
            if designee.source_uid in seen:
                continue
            kind = DesignationEvent.Kind.DELISTED
            staying = names_staying.get(name_key(designee.name))
            # The same name under another entry, sharing one of its programs: a second record of one designee.
            if staying and set(active.get(designee.pk, {})) & set(programs.codes(staying.programs)):
                kind = DesignationEvent.Kind.REMOVED_DUPLICATE
                duplicates.append(
                    f"Entry {designee.source_uid} ({designee.name}) was removed while entry {staying.source_uid} of "
                    "the same name stays listed: recorded as a removed duplicate record."
                )
            to_delist += [(designation, kind) for designation in active.get(designee.pk, {}).values()]
    retags: list[tuple[HeldDesignation, str, str]] = []  # (designation, old program, new program)
    listings: list[tuple[DesigneeRecord, str, Bracket]] = []
    for record in () if options.facts_only else records:
        codes = programs.codes(record.programs)
        known = held.get(record.source_uid)
        current = active.get(known.pk, {}) if known else {}
        added = [code for code in codes if code not in current]
        removed = [code for code in current if code not in codes]
        for old, new_code in pair_retags(programs, removed, added) if known else []:
            retags.append((current[old], old, new_code))
            removed.remove(old)
            added.remove(new_code)
        to_delist += [(current[code], DesignationEvent.Kind.DELISTED) for code in removed]
        listing = snapshot_listing(record, state.previous_snapshot, options.snapshot_date)
        listings += [(record, code, listing) for code in added]

    # 3. Designations an editor locked keep their status and program; the run lists what it left alone.
    skipped += [
        SkippedChange("status", "delisted", current="active", designation=d.pk)
        for d, _ in to_delist
        if is_locked(d.locks, "status", "delisted_on")
    ]
    to_delist = [(d, kind) for d, kind in to_delist if not is_locked(d.locks, "status", "delisted_on")]
    skipped += [
        SkippedChange("program", new, current=old, designation=d.pk)
        for d, old, new in retags
        if is_locked(d.locks, "program")
    ]
    retags = [(d, old, new) for d, old, new in retags if not is_locked(d.locks, "program")]

    # 4. The gates.
    by_pk = {designee.pk: designee for designee in held.values()}
    gate = judge_delistings(
        [PlannedDelisting(d.pk, by_pk[d.designee].source_uid, by_pk[d.designee].name, d.program) for d, _ in to_delist],
        limits=options.limits,
        approval=options.approval,
        active_total=sum(len(programs_of) for programs_of in active.values()) if options.complete else None,
    )

    # 5. Designees: new ones whole, changed ones by part, what locks kept listed.
    new_designees = tuple(
        NewDesignee(
            record.source_uid,
            int(record.source_uid) if record.source_uid.isdigit() else None,
            record_hash,
            scalar_values(record),
            record.unparsed,
        )
        for record, record_hash in new
    )
    updates = [_designee_update(item, skipped) for item in changed]
    kept_note = []
    if kept_parts:
        kept_note.append(
            "Kept as the tracker holds them, because the input did not speak about them: "
            + ", ".join(f"{PART_LABELS[part]} of {kept_parts[part]:,} entries" for part in PARTS if kept_parts[part])
        )

    # Child rows: the changed parts of changed entries replaced as a set, every part of new ones created.
    children: tuple[ChildPlan, ...] = ()
    relinks: tuple[Relink, ...] = ()
    if new or changed:
        by_name = _names_after(held, updates, new)
        resolve = _Resolve(countries, by_name)
        rebuild = [(record.source_uid, record, (), ALL_PARTS, None) for record, _ in new]
        rebuild += [
            (u.source_uid, c.record, c.held.locks, c.parts, c.held.pk) for c, u in zip(changed, updates, strict=True)
        ]
        children = tuple(_child_plan(collection, rebuild, resolve) for collection in CHILDREN)
        if new:
            replaced = {
                pk
                for plan in children
                if plan.collection.name == "relationships"
                for _, pks in plan.cleared
                for pk in pks
            }
            relinks = tuple(
                Relink(link.pk, target)
                for link in state.unresolved_links
                if link.designee not in replaced and (target := by_name.get(name_key(link.to_name))) is not None
            )

    # 6. Designations and their events: delistings and amendments dated by the snapshot, listings by the entry.
    when = snapshot_change(state.previous_snapshot, options.snapshot_date)
    events = [
        EventPlan(kind, when, d.pk, note="No longer on the list." if kind == DesignationEvent.Kind.DELISTED else "")
        for d, kind in to_delist
    ]
    events += [
        EventPlan(DesignationEvent.Kind.AMENDED, when, d.pk, changes={"program": [old, new]}) for d, old, new in retags
    ]
    new_designations = []
    for record, code, listing in listings:
        known = held.get(record.source_uid)
        relisted = known is not None and (known.pk, code) in delisted_pairs
        kind = DesignationEvent.Kind.RELISTED if relisted else DesignationEvent.Kind.LISTED
        new_designations.append(
            NewDesignation(
                record.source_uid,
                code,
                programs.authority(code),
                options.agency,
                Designation.Status.ACTIVE,
                listing,
                events=(EventPlan(kind, listing),),
            )
        )
    relisted = sum(1 for d in new_designations if d.events[0].kind == DesignationEvent.Kind.RELISTED)
    removed_duplicates = sum(1 for _, kind in to_delist if kind == DesignationEvent.Kind.REMOVED_DUPLICATE)
    tally = Tally(
        records=len(records),
        created=len(new_designees),
        updated=len(updates),
        unchanged=unchanged,
        delisted=len(to_delist),
        listed=len(new_designations) - relisted,
        amended=len(retags),
        relisted=relisted,
        removed_duplicates=removed_duplicates,
    )
    stats: dict[str, object] = {}
    if kept_parts:
        stats["kept_as_held"] = {part: kept_parts[part] for part in PARTS if kept_parts[part]}
    stats.update(
        listed=tally.listed,
        relisted=tally.relisted,
        amended=tally.amended,
        removed_duplicates=tally.removed_duplicates,
        unmapped_countries=dict(countries.unmapped),
    )
    return Plan(
        list_source=state.list_source,
        gate=gate,
        tally=tally,
        new_programs=tuple(programs.new),
        new_designees=new_designees,
        designee_updates=tuple(updates),
        rehashes=tuple(rehashes),
        children=children,
        relinks=relinks,
        delistings=tuple(Delisting(d.pk, when) for d, _ in to_delist),
        retags=tuple(Retag(d.pk, new, programs.authority(new)) for d, _, new in retags),
        new_designations=tuple(new_designations),
        events=tuple(events),
        skipped_changes=tuple(skipped),
        warnings=(*duplicates, *programs.warnings(), *kept_note, *countries.warnings()),
        stats=stats,
    )


def _designee_update(item: _Changed, skipped: list[SkippedChange]) -> DesigneeUpdate:
    """The columns of the changed parts; a field or collection an editor locked keeps its value (in ``skipped``)."""
    record, designee, parts = item.record, item.held, item.parts
    imported = {**scalar_values(record), "unparsed_remarks": list(record.unparsed)}
    values = {}
    for part in PARTS:
        if part not in parts:
            continue
        for column in PART_COLUMNS[part]:
            if column in SCALAR_FIELDS and is_locked(designee.locks, column):
                current = (designee.scalars or {}).get(column)
                if current != imported[column]:
                    skipped.append(
                        SkippedChange(
                            column,
                            imported[column],
                            current=current,
                            designee=designee.pk,
                            source_uid=record.source_uid,
                        )
                    )
                continue
            values[column] = imported[column]
    for collection in CHILDREN:
        if collection.parts & parts and is_locked(designee.locks, collection.name):
            skipped.append(
                SkippedChange(
                    collection.name, "(set)", designee=designee.pk, source_uid=record.source_uid, collection=True
                )
            )
    return DesigneeUpdate(designee.pk, record.source_uid, parts, values, item.record_hash)


def _names_after(
    held: Mapping[str, HeldDesignee], updates: list[DesigneeUpdate], new: list[tuple[DesigneeRecord, str]]
) -> dict[str, str | None]:
    """The list's designees by name as the plan leaves them (an ambiguous name links to no one)."""
    renamed = {u.pk: u.values["name"] for u in updates if "name" in u.values}
    names = [(renamed.get(d.pk, d.name), d.source_uid) for d in held.values()]
    names += [(record.name[:500], record.source_uid) for record, _ in new]
    by_name: dict[str, str | None] = {}
    for name, uid in names:
        key = name_key(name)
        by_name[key] = None if key in by_name else uid
    return by_name


def _child_plan(
    collection: ChildCollection,
    rebuild: list[tuple[str, DesigneeRecord, tuple[str, ...], frozenset[str], int | None]],
    resolve: _Resolve,
) -> ChildPlan:
    """One collection's rows for the entries to rebuild (source_uid, record, locks, parts, held pk or None).

    A locked collection is left out, so its rows are neither deleted nor replaced.
    """
    cleared: dict[str, list[int]] = {s.part: [] for s in collection.slices}
    rows = []
    for uid, record, locks, parts, pk in rebuild:
        if locks and is_locked(locks, collection.name):
            continue
        wanted = collection.parts if parts is ALL_PARTS else collection.parts & parts
        if not wanted:
            continue
        if pk is not None:
            for part in wanted:
                cleared[part].append(pk)
        built = collection.build(record, wanted, resolve)
        if built:
            rows.append((uid, tuple(built)))
    return ChildPlan(
        collection,
        cleared=tuple((part, tuple(pks)) for part, pks in cleared.items() if pks),
        rows=tuple(rows),
    )
