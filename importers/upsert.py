"""Idempotent upsert of parsed list entries into the database, as a set operation.

``upsert_snapshot`` takes every ``DesigneeRecord`` of one list (a complete snapshot or a partial
source), diffs it against what the database holds and writes only the difference:

1. Load, in a handful of queries, the list's designees (key, pk, hash, locks), its active
   designations, the programs and the country table.
2. Split the records into new, changed and unchanged designees by their part hashes (in memory):
   an entry is changed when a part its input covers differs from what we hold; parts the input did
   not speak about (``DesigneeRecord.uncovered``) count as unchanged (``importers.records``).
3. Plan the designation changes per entry: programs added (listings), removed (delistings) and
   re-tagged (an amendment of the same designation, e.g. ``BELARUS-EO`` -> ``BELARUS-EO14038``).
   For a complete snapshot, entries that vanished are delisted, and one whose name stays on the list
   under another entry number is recorded as a removed duplicate.
4. Gate the delistings, before any write (``_gate_delistings``): more than the allowed share of
   active designations, or more than ``IMPORT_MAX_DELIST_COUNT``, refuses the run
   (``ImportSafetyError``); more than ``IMPORT_REVIEW_DELIST_COUNT`` holds it for an editor's review
   (``ReviewRequired``). A person's ``DelistApproval`` lifts the count gates for the delistings it names.
5. Write plain tuples with multi-row INSERTs (``importers.bulk``) and one parametrised UPDATE per
   changed row through ``executemany``. Of a changed designee only the changed parts are written: their
   columns, and their child rows replaced as a set (``CHILD_SLICES``: the aliases the list numbers and
   the address countries are parts of their collections). Every listing, amendment and delisting writes
   a ``DesignationEvent`` tied to the run and the snapshot's ``SourceDocument``.

The caller wraps the call in ``transaction.atomic()``. Fields an editor locked are never overwritten:
the change that was skipped is returned in ``UpsertResult.skipped_changes``.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from designations.countries import CountryResolver, normalise_country_text
from designations.models import (
    Address,
    Alias,
    BirthDate,
    Country,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
)
from importers.bulk import insert_rows
from importers.records import (
    PART_ADDRESSES,
    PART_ENTRY,
    PART_FACTS,
    PART_LISTED_ALIASES,
    PART_REMARKS,
    PARTS,
    UNKNOWN_PART,
    DesigneeRecord,
    PresenceIntervalRecord,
    join_record_hash,
    split_record_hash,
)
from programs.models import Authority, Program

logger = logging.getLogger(__name__)

BATCH = 1000

# Designee fields copied from the record; an editor can lock any of them.
SCALAR_FIELDS = (
    "kind",
    "name",
    "title",
    "gender",
    "remarks",
    "call_sign",
    "vessel_type",
    "vessel_flag",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
)
# Child collections replaced as a set when an entry changes; each can be locked by this name.
CHILD_COLLECTIONS = (
    "aliases",
    "identifiers",
    "addresses",
    "birth_dates",
    "places_of_birth",
    "country_links",
    "relationships",
)
LOCK_ALL = "*"
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
# Child rows by part: (collection, part, the rows of the collection that belong to the part; None: all).
CHILD_SLICES: tuple[tuple[str, str, Q | None], ...] = (
    ("aliases", PART_LISTED_ALIASES, ~Q(source_uid="")),
    ("aliases", PART_FACTS, Q(source_uid="")),
    ("identifiers", PART_FACTS, None),
    ("addresses", PART_ADDRESSES, None),
    ("birth_dates", PART_FACTS, None),
    ("places_of_birth", PART_FACTS, None),
    ("country_links", PART_ADDRESSES, Q(role=DesigneeCountry.Role.ADDRESS)),
    ("country_links", PART_FACTS, ~Q(role=DesigneeCountry.Role.ADDRESS)),
    ("relationships", PART_FACTS, None),
)
PLAN_SAMPLE = 20  # delistings named in a held run's plan


class ImportSafetyError(Exception):
    """The snapshot looks wrong (far too many delistings): nothing was written."""


class ReviewRequired(Exception):
    """The run would delist more designations than a run may without an editor's review: nothing was written.

    ``plan`` says what it would have done: ``count``, a ``sample`` of the delistings (entry number, name,
    program) and every planned ``designations`` pk, which a confirmation approves exactly.
    """

    def __init__(self, message: str, plan: dict) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass(frozen=True)
class DelistApproval:
    """A person's approval of a run's delistings beyond the review threshold and the absolute cap.

    At most ``count`` delistings, and when ``designations`` is given only those (the plan an editor
    reviewed). The share cap (``IMPORT_MAX_DELIST_SHARE`` or the run's own) still applies.
    """

    count: int
    designations: frozenset[int] | None = None

    def allows(self, planned: list[int]) -> bool:
        return len(planned) <= self.count and (self.designations is None or set(planned) <= self.designations)


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


@dataclass(frozen=True)
class _Listing:
    """Where a listing or delisting date stands: its day, precision and earliest bound."""

    on: datetime.date | None
    precision: str
    earliest: datetime.date | None = None


def _snapshot_listing(record: DesigneeRecord, previous: datetime.date | None, current: datetime.date) -> _Listing:
    if record.listed_on:
        return _Listing(record.listed_on, DatePrecision.DAY)
    if previous is None:
        return _Listing(current, DatePrecision.ON_OR_BEFORE)
    return _Listing(current, DatePrecision.RANGE, previous)


def _snapshot_delisting(previous: datetime.date | None, current: datetime.date) -> _Listing:
    if previous is None:
        return _Listing(current, DatePrecision.ON_OR_BEFORE)
    return _Listing(current, DatePrecision.RANGE, previous)


def choose_authority(links: list[tuple[int, str]]) -> int | None:
    """Of a program's authorities (pk, kind), the one its designations are made under, or None.

    A program with one authority uses it; with several, the single executive order among them
    (GLOMAG: E.O. 13818 rather than the Act it implements); otherwise none.
    """
    if len(links) == 1:
        return links[0][0]
    orders = [pk for pk, kind in links if kind == Authority.Kind.EXECUTIVE_ORDER]
    return orders[0] if len(orders) == 1 else None


class _Context:
    """Reference tables loaded once per run."""

    def __init__(self, result: UpsertResult) -> None:
        self.result = result
        self.resolver = CountryResolver.from_db()
        self.country_pk = dict(Country.objects.values_list("code", "pk"))
        self.programs: dict[str, Program] = {p.code: p for p in Program.objects.all()}
        self.program_by_pk: dict[int, Program] = {p.pk: p for p in self.programs.values()}
        self._authority_cache: dict[int, int | None] = {}
        self.unmapped_countries: dict[str, int] = defaultdict(int)
        links = Program.authorities.through.objects.values_list("program_id", "authority_id", "authority__kind")
        self._program_authorities: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for program_id, authority_id, kind in links:
            self._program_authorities[program_id].append((authority_id, kind))

    def program(self, code: str) -> Program:
        """The program for a tag, created (and warned about) when the tag is new."""
        program = self.programs.get(code)
        if program is None:
            program = Program.objects.create(code=code, name=code, status=Program.Status.ACTIVE)
            self.programs[code] = program
            self.program_by_pk[program.pk] = program
            self.result.warnings.append(
                f"New program tag {code!r} created; an editor should name it and link its authorities."
            )
        return program

    def authority_for(self, program_id: int) -> int | None:
        """The authority a designation under this program is made under, when the program names one.

        A program with one authority uses it; with several, the single executive order among them
        (GLOMAG: E.O. 13818 rather than the Act it implements); otherwise none.
        """
        if program_id not in self._authority_cache:
            self._authority_cache[program_id] = choose_authority(self._program_authorities.get(program_id, []))
        return self._authority_cache[program_id]

    def country(self, text: str) -> int | None:
        if not text:
            return None
        code = self.resolver.resolve(text)
        if code is None:
            self.unmapped_countries[normalise_country_text(text)] += 1
            return None
        return self.country_pk.get(code)


def _program_ids(ctx: _Context, record: DesigneeRecord) -> list[int]:
    seen: list[int] = []
    for code in record.programs:
        pk = ctx.program(code).pk
        if pk not in seen:
            seen.append(pk)
    return seen


def _pair_retags(ctx: _Context, removed: list[int], added: list[int]) -> list[tuple[int, int]]:
    """Pair programs that vanished from an entry with programs that appeared on it (re-tags).

    First by the ``replaced_by`` link between tags; then, when exactly one tag went and one came
    (``ZIMBABWE`` -> ``GLOMAG``), the two are the same designation under a new tag.
    """
    pairs: list[tuple[int, int]] = []
    removed, added = list(removed), list(added)
    for old in list(removed):
        successor = ctx.program_by_pk[old].replaced_by_id
        if successor in added:
            pairs.append((old, successor))
            removed.remove(old)
            added.remove(successor)
    if len(removed) == 1 and len(added) == 1:
        pairs.append((removed[0], added[0]))
    return pairs


def _locked(designee_locks: list[str], name: str) -> bool:
    return LOCK_ALL in designee_locks or name in designee_locks


def _locked_any(locks: list[str] | None, *names: str) -> bool:
    return bool(locks) and any(_locked(locks, name) for name in names)


# Child tables: the columns (field names) of the tuples ``_child_rows`` builds.
CHILD_SPECS: dict[str, tuple[type, tuple[str, ...]]] = {
    "aliases": (Alias, ("designee", "name", "kind", "strength", "script", "source_uid")),
    "identifiers": (
        Identifier,
        ("designee", "kind", "value", "country", "country_text", "issued_on", "expires_on", "note"),
    ),
    "addresses": (Address, ("designee", "street", "city", "country", "country_text", "remarks", "source_uid")),
    "birth_dates": (BirthDate, ("designee", "raw", "date_from", "date_to", "precision", "is_range", "circa")),
    "places_of_birth": (PlaceOfBirth, ("designee", "place", "country")),
    "country_links": (DesigneeCountry, ("designee", "country", "role")),
    "relationships": (Relationship, ("from_designee", "to_designee", "to_name", "kind")),
}


def _child_rows(
    ctx: _Context,
    designee_id: int,
    record: DesigneeRecord,
    locks: list[str],
    by_name: dict[str, int | None],
    parts: Iterable[str] = PARTS,
) -> dict[str, list[tuple]]:
    """Build the child rows of one designee's ``parts`` from its record (tuples in ``CHILD_SPECS`` order).

    Locked collections are left out, so their rows are neither deleted nor replaced.
    """
    parts = set(parts)
    rows: dict[str, list[tuple]] = defaultdict(list)

    def wanted(collection: str, part: str) -> bool:
        return part in parts and not _locked(locks, collection)

    for a in record.aliases:
        if wanted("aliases", PART_LISTED_ALIASES if a.source_uid else PART_FACTS):
            rows["aliases"].append((designee_id, a.name[:500], a.kind, a.strength, a.script, a.source_uid))
    if wanted("identifiers", PART_FACTS):
        rows["identifiers"] = [
            (
                designee_id,
                i.kind[:150],
                i.value[:500],
                ctx.country(i.country),
                i.country[:100],
                i.issued_on,
                i.expires_on,
                i.note[:500],
            )
            for i in record.identifiers
        ]
    if wanted("addresses", PART_ADDRESSES):
        rows["addresses"] = [
            (
                designee_id,
                a.street[:800],
                a.city[:300],
                ctx.country(a.country),
                a.country[:250],
                a.remarks[:300],
                a.source_uid,
            )
            for a in record.addresses
        ]
    if wanted("birth_dates", PART_FACTS):
        rows["birth_dates"] = [
            (designee_id, b.raw[:100], b.date_from, b.date_to, b.precision, b.is_range, b.circa)
            for b in record.birth_dates
        ]
    if wanted("places_of_birth", PART_FACTS):
        # The whole place: the resolver tries its trailing parts, so "..., Korea, North" resolves.
        rows["places_of_birth"] = [(designee_id, p.place[:300], ctx.country(p.place)) for p in record.places_of_birth]
    if wanted("country_links", PART_ADDRESSES) or wanted("country_links", PART_FACTS):
        # Countries from every role: stated ones, addresses and places of birth, once per role.
        pairs: list[tuple[int | None, str]] = [(ctx.country(c.country), c.role) for c in record.countries]
        pairs += [(ctx.country(a.country), DesigneeCountry.Role.ADDRESS) for a in record.addresses]
        pairs += [(ctx.country(p.place), DesigneeCountry.Role.PLACE_OF_BIRTH) for p in record.places_of_birth]
        rows["country_links"] = [
            (designee_id, pk, role)
            for pk, role in dict.fromkeys(pairs)
            if pk is not None
            and wanted("country_links", PART_ADDRESSES if role == DesigneeCountry.Role.ADDRESS else PART_FACTS)
        ]
    if wanted("relationships", PART_FACTS):
        rows["relationships"] = [
            (designee_id, by_name.get(_name_key(r.to_name)), r.to_name[:500], r.kind) for r in record.relationships
        ]
    return rows


def _scalar_values(record: DesigneeRecord) -> dict[str, str]:
    values = {name: getattr(record, name) for name in SCALAR_FIELDS}
    values["name"] = values["name"][:500]
    values["title"] = values["title"][:500]
    return values


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def upsert_snapshot(
    *,
    records: list[DesigneeRecord],
    list_source: str,
    complete: bool,
    snapshot_date: datetime.date,
    source_document: SourceDocument | None,
    import_run=None,
    agency: str = "OFAC",
    max_delist_share: float | None = None,
    approval: DelistApproval | None = None,
    review: bool = True,
    progress: Callable[[int], None] | None = None,
) -> UpsertResult:
    """Bring the database in line with ``records`` for ``list_source``; see the module docstring.

    ``review=False`` (a dry run) reports a run that would be held for review in a warning instead.
    """
    result = UpsertResult(records=len(records))
    ctx = _Context(result)
    max_share = settings.IMPORT_MAX_DELIST_SHARE if max_delist_share is None else max_delist_share

    # 1. What the database holds.
    existing: dict[str, tuple[int, str, list[str]]] = {
        uid: (pk, record_hash, locks or [])
        for uid, pk, record_hash, locks in Designee.objects.filter(source=list_source).values_list(
            "source_uid", "pk", "record_hash", "locked_fields"
        )
    }
    active: dict[int, dict[int, int]] = defaultdict(dict)  # designee pk -> {program pk: designation pk}
    designation_locks: dict[int, list[str]] = {}
    for pk, designee_id, program_id, locks in Designation.objects.filter(
        designee__source=list_source, status=Designation.Status.ACTIVE
    ).values_list("pk", "designee_id", "program_id", "locked_fields"):
        active[designee_id][program_id] = pk
        if locks:
            designation_locks[pk] = locks
    ever_listed: set[tuple[int, int]] = set(
        Designation.objects.filter(designee__source=list_source, status=Designation.Status.DELISTED).values_list(
            "designee_id", "program_id"
        )
    )
    previous_date = _previous_snapshot_date(list_source, snapshot_date, complete)

    # 2. Split by part hashes: parts the input did not cover keep what we hold, hash included.
    new_records: list[tuple[DesigneeRecord, str]] = []
    changed: list[tuple[DesigneeRecord, str, int, list[str], frozenset[str]]] = []
    rehash: list[tuple[str, int]] = []  # unchanged entries whose stored hash predates part hashes
    kept_parts: Counter[str] = Counter()  # part -> entries we hold whose part the input did not cover
    seen_uids: set[str] = set()
    for record in records:
        if record.source_uid in seen_uids:
            raise ValueError(f"entry {record.source_uid} appears twice in one snapshot")
        seen_uids.add(record.source_uid)
        known = existing.get(record.source_uid)
        if known is None:
            new_records.append((record, record.content_hash()))
            continue
        kept_parts.update(record.uncovered)
        held = split_record_hash(known[1])
        if held is None and not record.uncovered and known[1] and known[1] == record.legacy_hash():
            result.unchanged += 1
            rehash.append((record.content_hash(), known[0]))
            continue
        hashes = record.part_hashes()
        covered = [part for part in PARTS if part not in record.uncovered]
        parts = frozenset(part for part in covered if held is None or held[part] != hashes[part])
        if not parts:
            result.unchanged += 1
            continue
        stored = {part: hashes[part] if part in covered else (held or {}).get(part, UNKNOWN_PART) for part in PARTS}
        changed.append((record, join_record_hash(stored), known[0], known[2], parts))

    # 3. Plan designation changes (no writes yet, so a refusal leaves nothing behind).
    vanished_pks = [pk for uid, (pk, _, _) in existing.items() if uid not in seen_uids] if complete else []
    to_delist: list[tuple[int, str]] = []  # (designation pk, event kind)
    if complete:
        names_staying = {_name_key(r.name): r.source_uid for r in records}
        vanished_names = dict(Designee.objects.filter(pk__in=vanished_pks).values_list("pk", "name"))
        uid_of = {pk: uid for uid, (pk, _, _) in existing.items()}
        for designee_pk in vanished_pks:
            kind = DesignationEvent.Kind.DELISTED
            stays_as = names_staying.get(_name_key(vanished_names.get(designee_pk, "")))
            if stays_as and active.get(designee_pk):
                kind = DesignationEvent.Kind.REMOVED_DUPLICATE
                result.warnings.append(
                    f"Entry {uid_of[designee_pk]} ({vanished_names[designee_pk]}) was removed while "
                    f"entry {stays_as} of the same name stays listed: recorded as a removed duplicate record."
                )
            for designation_pk in active.get(designee_pk, {}).values():
                to_delist.append((designation_pk, kind))

    # Entries still present: program changes.
    amendments: list[tuple[int, int, int]] = []  # (designation pk, old program, new program)
    new_listings: list[tuple[str, int, _Listing]] = []  # (source_uid, program pk, listing)
    for record in records:
        program_ids = _program_ids(ctx, record)
        known = existing.get(record.source_uid)
        current = active.get(known[0], {}) if known else {}
        added = [p for p in program_ids if p not in current]
        removed = [p for p in current if p not in program_ids]
        for old, new in _pair_retags(ctx, removed, added) if known else []:
            amendments.append((current[old], old, new))
            removed.remove(old)
            added.remove(new)
        for program_id in removed:
            to_delist.append((current[program_id], DesignationEvent.Kind.DELISTED))
        listing = _snapshot_listing(record, previous_date, snapshot_date)
        for program_id in added:
            new_listings.append((record.source_uid, program_id, listing))

    # Designations an editor locked keep their status and program; the run lists what it left alone.
    if designation_locks:
        kept = [(pk, kind) for pk, kind in to_delist if _locked_any(designation_locks.get(pk), "status", "delisted_on")]
        for pk, _ in kept:
            result.skipped_changes.append(
                {"designation": pk, "field": "status", "current": "active", "imported": "delisted"}
            )
        to_delist = [item for item in to_delist if item not in kept]
        held = [a for a in amendments if _locked_any(designation_locks.get(a[0]), "program")]
        for pk, old, new in held:
            result.skipped_changes.append(
                {
                    "designation": pk,
                    "field": "program",
                    "current": ctx.program_by_pk[old].code,
                    "imported": ctx.program_by_pk[new].code,
                }
            )
        amendments = [a for a in amendments if a not in held]

    active_total = sum(len(v) for v in active.values())
    if complete and active_total >= 100 and len(to_delist) > max_share * active_total:
        raise ImportSafetyError(
            f"This snapshot would delist {len(to_delist)} of {active_total} active designations "
            f"({len(to_delist) / active_total:.1%}), above the allowed {max_share:.0%}. Nothing was written. "
            "Check the download; if the removals are real, rerun with a higher IMPORT_MAX_DELIST_SHARE."
        )
    _gate_delistings([pk for pk, _ in to_delist], approval=approval, review=review, result=result)

    # 4. Write designees.
    uid_to_pk = {uid: pk for uid, (pk, _, _) in existing.items()}
    designee_columns = ("source", "source_uid", "record_hash", "entry_number", "unparsed_remarks", "locked_fields")
    designee_columns += SCALAR_FIELDS
    new_rows = []
    for record, record_hash in new_records:
        entry_number = int(record.source_uid) if record.source_uid.isdigit() else None
        scalars = _scalar_values(record)
        new_rows.append(
            (
                list_source,
                record.source_uid,
                record_hash,
                entry_number,
                list(record.unparsed),
                [],
                *(scalars[name] for name in SCALAR_FIELDS),
            )
        )
    for chunk in _chunks(new_rows, 5000):
        insert_rows(Designee, designee_columns, chunk)
        if progress:
            progress(len(chunk))
    if new_rows:
        uid_to_pk = dict(Designee.objects.filter(source=list_source).values_list("source_uid", "pk"))
    result.created = len(new_rows)

    # Changed entries: the columns of their changed parts (grouped by column set, one executemany each).
    updates: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
    for record, record_hash, pk, locks, parts in changed:
        columns = tuple(column for part in PARTS if part in parts for column in PART_COLUMNS[part])
        values: dict = {**_scalar_values(record), "unparsed_remarks": json.dumps(list(record.unparsed))}
        if locks:
            held_names = [name for name in columns if name in SCALAR_FIELDS]
            current_values = {}
            if held_names:
                current_values = Designee.objects.filter(pk=pk).values(*held_names).first() or {}
            for name in held_names:
                if _locked(locks, name) and current_values.get(name) != values[name]:
                    result.skipped_changes.append(
                        {
                            "designee": pk,
                            "source_uid": record.source_uid,
                            "field": name,
                            "current": current_values.get(name),
                            "imported": values[name],
                        }
                    )
                    values[name] = current_values.get(name)
            touched = {collection for collection, part, _ in CHILD_SLICES if part in parts}
            for collection in CHILD_COLLECTIONS:
                if collection in touched and _locked(locks, collection):
                    result.skipped_changes.append(
                        {"designee": pk, "source_uid": record.source_uid, "field": collection, "imported": "(set)"}
                    )
        updates[columns].append((*(values[name] for name in columns), record_hash, pk))
    table = connection.ops.quote_name(Designee._meta.db_table)
    with connection.cursor() as cursor:
        for columns, rows in updates.items():
            # One UPDATE per row through executemany: bulk_update's CASE expressions grow quadratically.
            assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in (*columns, "record_hash"))
            for chunk in _chunks(rows, 5000):
                cursor.executemany(
                    f"UPDATE {table} SET {assignments}, updated_at = %s WHERE id = %s",
                    [(*row[:-1], connection.ops.adapt_datetimefield_value(timezone.now()), row[-1]) for row in chunk],
                )
                if progress:
                    progress(len(chunk))
        if rehash:
            # Same content, hash in the old format: store the part hashes, leaving the entry's updated_at alone.
            for chunk in _chunks(rehash, 5000):
                cursor.executemany(f"UPDATE {table} SET record_hash = %s WHERE id = %s", chunk)
    result.updated = len(changed)
    if kept_parts:
        result.stats["kept_as_held"] = {part: kept_parts[part] for part in PARTS if kept_parts[part]}
        result.warnings.append(
            "Kept as the tracker holds them, because the input did not speak about them: "
            + ", ".join(f"{_PART_LABELS[part]} of {kept_parts[part]:,} entries" for part in PARTS if kept_parts[part])
        )

    # 5. Child rows: the changed parts of changed entries replaced as a set, every part of new ones created.
    rebuild: list[tuple[int, DesigneeRecord, list[str], frozenset[str]]] = [
        (uid_to_pk[r.source_uid], r, [], frozenset(PARTS)) for r, _ in new_records
    ]
    rebuild += [(pk, r, locks, parts) for r, _, pk, locks, parts in changed]
    by_name: dict[str, int | None] = {}
    if rebuild:
        for pk, name in Designee.objects.filter(source=list_source).values_list("pk", "name"):
            key = _name_key(name)
            by_name[key] = None if key in by_name else pk  # an ambiguous name links to no one
    collections: dict[str, list[tuple]] = defaultdict(list)
    for designee_pk, record, locks, parts in rebuild:
        for name, rows in _child_rows(ctx, designee_pk, record, locks, by_name, parts).items():
            collections[name].extend(rows)
    for collection, part, rows_of_part in CHILD_SLICES:
        model = CHILD_SPECS[collection][0]
        fk = "from_designee_id" if model is Relationship else "designee_id"
        replace = [pk for _, _, pk, locks, parts in changed if part in parts and not _locked(locks, collection)]
        for chunk in _chunks(replace):
            rows = model.objects.filter(**{f"{fk}__in": chunk})
            (rows.filter(rows_of_part) if rows_of_part is not None else rows).delete()
    for name, (model, columns) in CHILD_SPECS.items():
        insert_rows(model, columns, collections[name])
    if new_rows:
        _resolve_relationships(list_source, by_name)

    # 6. Designations and their events.
    events: list[tuple] = []
    run_id = import_run.pk if import_run else None
    doc_id = source_document.pk if source_document else None
    delisting = _snapshot_delisting(previous_date, snapshot_date)

    def event(designation_pk, kind, when: _Listing, changes=None, note=""):
        return (designation_pk, kind, when.on, when.precision, when.earliest, doc_id, run_id, changes or {}, note)

    if to_delist:
        delist_pks = [pk for pk, _ in to_delist]
        for chunk in _chunks(delist_pks):
            Designation.objects.filter(pk__in=chunk).update(
                status=Designation.Status.DELISTED,
                delisted_on=delisting.on,
                delisted_precision=delisting.precision,
                delisted_earliest=delisting.earliest,
            )
        for designation_pk, kind in to_delist:
            note = "No longer on the list." if kind == DesignationEvent.Kind.DELISTED else ""
            events.append(event(designation_pk, kind, delisting, note=note))
            if kind == DesignationEvent.Kind.REMOVED_DUPLICATE:
                result.removed_duplicates += 1
        result.delisted = len(to_delist)

    for designation_pk, old, new in amendments:
        Designation.objects.filter(pk=designation_pk).update(program_id=new, authority_id=ctx.authority_for(new))
        changes = {"program": [ctx.program_by_pk[old].code, ctx.program_by_pk[new].code]}
        events.append(event(designation_pk, DesignationEvent.Kind.AMENDED, delisting, changes=changes))
    result.amended = len(amendments)

    designation_rows = []
    kinds: dict[tuple[int, int], tuple[str, _Listing]] = {}
    for uid, program_id, listing in new_listings:
        designee_pk = uid_to_pk[uid]
        relisted = (designee_pk, program_id) in ever_listed
        kinds[(designee_pk, program_id)] = (
            DesignationEvent.Kind.RELISTED if relisted else DesignationEvent.Kind.LISTED,
            listing,
        )
        designation_rows.append(
            (
                designee_pk,
                program_id,
                ctx.authority_for(program_id),
                agency,
                Designation.Status.ACTIVE,
                listing.on,
                listing.precision,
                listing.earliest,
                list_source,
                "",
                "",
                "",
                [],
            )
        )
    insert_rows(
        Designation,
        (
            "designee",
            "program",
            "authority",
            "agency",
            "status",
            "listed_on",
            "listed_precision",
            "listed_earliest",
            "source",
            "delisted_precision",
            "legal_basis",
            "reason",
            "locked_fields",
        ),
        designation_rows,
    )
    if designation_rows:
        before = _active_pairs(active)
        created = Designation.objects.filter(designee__source=list_source, status=Designation.Status.ACTIVE)
        for pk, designee_pk, program_id in created.values_list("pk", "designee_id", "program_id"):
            if (designee_pk, program_id) in kinds and (designee_pk, program_id) not in before:
                kind, listing = kinds[(designee_pk, program_id)]
                events.append(event(pk, kind, listing))
    result.listed = sum(1 for kind, _ in kinds.values() if kind == DesignationEvent.Kind.LISTED)
    result.relisted = len(kinds) - result.listed
    insert_rows(
        DesignationEvent,
        (
            "designation",
            "kind",
            "occurred_on",
            "precision",
            "earliest",
            "source_document",
            "import_run",
            "changes",
            "note",
        ),
        events,
    )

    if ctx.unmapped_countries:
        top = sorted(ctx.unmapped_countries.items(), key=lambda kv: -kv[1])[:10]
        result.warnings.append(
            f"{len(ctx.unmapped_countries)} country spellings could not be mapped to a code "
            f"({sum(ctx.unmapped_countries.values())} uses), e.g. " + ", ".join(f"{k!r} x{v}" for k, v in top)
        )
    result.stats.update(
        listed=result.listed,
        relisted=result.relisted,
        amended=result.amended,
        removed_duplicates=result.removed_duplicates,
        unmapped_countries=dict(ctx.unmapped_countries),
    )
    return result


_PART_LABELS = {
    PART_ENTRY: "the list columns",
    PART_REMARKS: "the remarks",
    PART_FACTS: "the facts read from the remarks",
    PART_LISTED_ALIASES: "the numbered aliases (alt.csv)",
    PART_ADDRESSES: "the addresses and address countries (add.csv)",
}


def _gate_delistings(
    planned: list[int], *, approval: DelistApproval | None, review: bool, result: UpsertResult
) -> None:
    """Refuse or hold a run by the number of designations it would delist (step 4 of the module docstring).

    1. A ``DelistApproval`` that covers the plan lifts both gates.
    2. More than ``IMPORT_MAX_DELIST_COUNT``: refused (``ImportSafetyError``), whatever the share.
    3. More than ``IMPORT_REVIEW_DELIST_COUNT``: held for an editor (``ReviewRequired``, with the plan);
       for a dry run (``review=False``) a warning says so instead.
    """
    count = len(planned)
    if approval is not None and approval.allows(planned):
        if count > settings.IMPORT_REVIEW_DELIST_COUNT:
            result.warnings.append(f"{count} delistings made under a person's approval (of up to {approval.count}).")
        return
    limit, threshold = settings.IMPORT_MAX_DELIST_COUNT, settings.IMPORT_REVIEW_DELIST_COUNT
    not_approved = ""
    if approval is not None:
        not_approved = (
            f" The approval given covers up to {approval.count} delistings"
            + (" of the plan an editor reviewed" if approval.designations is not None else "")
            + ", not these."
        )
    if count > limit:
        raise ImportSafetyError(
            f"This run would delist {count} designations, above the {limit} one run may delist "
            f"(IMPORT_MAX_DELIST_COUNT). Nothing was written.{not_approved} Check the files; if the removals are "
            f"real, import them again with --approve-delistings {count}."
        )
    if count > threshold:
        plan = _delisting_plan(planned)
        message = (
            f"This run would delist {count} designations, more than the {threshold} one run may delist without "
            f"an editor's review (IMPORT_REVIEW_DELIST_COUNT).{not_approved}"
        )
        if not review:
            result.warnings.append(f"{message} A real run would be held for review.")
            result.stats["planned_delistings"] = plan
            return
        raise ReviewRequired(message, plan)


def _delisting_plan(planned: list[int]) -> dict:
    """What a held run would delist: the count, a sample by entry number, and every designation pk."""
    rows = sorted(
        Designation.objects.filter(pk__in=planned).values_list(
            "pk", "designee__source_uid", "designee__name", "program__code"
        ),
        key=lambda row: (int(row[1]) if row[1].isdigit() else 0, row[1], row[3]),
    )
    return {
        "count": len(planned),
        "sample": [
            {"designation": pk, "entry": uid, "name": name, "program": program}
            for pk, uid, name, program in rows[:PLAN_SAMPLE]
        ],
        "designations": sorted(planned),
    }


def _name_key(name: str) -> str:
    return " ".join(name.upper().split())


def _previous_snapshot_date(list_source: str, current: datetime.date, complete: bool) -> datetime.date | None:
    """The date of the latest earlier snapshot of this list we imported, or None for the first one."""
    if not complete:
        return None
    return (
        SourceDocument.objects.filter(
            source=list_source, kind=SourceDocument.Kind.LIST_SNAPSHOT, published_on__lt=current
        )
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )


def _active_pairs(active: dict[int, dict[int, int]]) -> set[tuple[int, int]]:
    return {(designee_pk, program_pk) for designee_pk, programs in active.items() for program_pk in programs}


def _resolve_relationships(list_source: str, by_name: dict[str, int | None]) -> None:
    """Point unresolved "Linked To" links of the list at designees whose names appeared since."""
    updates = []
    for pk, to_name in Relationship.objects.filter(
        from_designee__source=list_source, to_designee__isnull=True
    ).values_list("pk", "to_name"):
        target = by_name.get(_name_key(to_name))
        if target:
            updates.append((target, pk))
    if updates:
        table = connection.ops.quote_name(Relationship._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET to_designee_id = %s WHERE id = %s", updates)


# --------------------------------------------------------------------------------------------------
# History: presence intervals
# --------------------------------------------------------------------------------------------------
def upsert_history(
    *,
    records: list[PresenceIntervalRecord],
    list_source: str,
    source_document: SourceDocument | None,
    import_run=None,
    history_start: datetime.date | None = None,
    agency: str = "OFAC",
    approval: DelistApproval | None = None,
    review: bool = True,
) -> UpsertResult:
    """Date designations from a list's history of presence intervals.

    For each interval of an entry: its designations get the listing bracket (added after
    ``prev_snapshot``, by ``first_seen``) and, when the interval ended, the delisting bracket (after
    ``last_seen``, by ``first_absent``). History refines what snapshots could only say ("on or before"),
    and never overrides a listing date known to the day. Entries we have never seen are created from the
    interval (name and kind) so that their delisted designations are kept. Running it twice changes
    nothing the second time. Designations we hold as active that the history ends pass the delisting
    gates (``_gate_delistings``) before anything is written.
    """
    result = UpsertResult(records=len(records))
    ctx = _Context(result)
    run_id = import_run.pk if import_run else None
    doc_id = source_document.pk if source_document else None

    designees = dict(Designee.objects.filter(source=list_source).values_list("source_uid", "pk"))
    designations: dict[int, list[Designation]] = defaultdict(list)
    for d in Designation.objects.filter(designee__source=list_source).only(
        "pk",
        "locked_fields",
        "designee_id",
        "program_id",
        "status",
        "listed_on",
        "listed_precision",
        "listed_earliest",
        "delisted_on",
        "delisted_precision",
        "delisted_earliest",
    ):
        designations[d.designee_id].append(d)

    # Entries unknown to the database: minimal designees, created in bulk.
    missing = [r for r in records if r.source_uid not in designees]
    new_designees = [
        Designee(
            source=list_source,
            source_uid=r.source_uid,
            entry_number=int(r.source_uid) if r.source_uid.isdigit() else None,
            kind=r.kind if r.kind in Designee.Kind.values else Designee.Kind.ENTITY,
            name=r.name[:500],
        )
        for r in {r.source_uid: r for r in missing}.values()
    ]
    for chunk in _chunks(new_designees):
        Designee.objects.bulk_create(chunk)
    for d in new_designees:
        designees[d.source_uid] = d.pk
    result.created = len(new_designees)

    to_create: list[tuple[Designation, list[DesignationEvent]]] = []
    to_update: dict[int, Designation] = {}
    events: list[DesignationEvent] = []

    def history_event(kind: str, when: _Listing, designation_id: int | None = None, **extra) -> DesignationEvent:
        return DesignationEvent(
            designation_id=designation_id,
            kind=kind,
            occurred_on=when.on,
            precision=when.precision,
            earliest=when.earliest,
            source_document_id=doc_id,
            import_run_id=run_id,
            **extra,
        )

    def retag_event(
        interval: PresenceIntervalRecord, old: int, new: int, designation_id: int | None = None
    ) -> DesignationEvent:
        """The tag changed somewhere inside the interval: an amendment bracketed by its first and last sighting."""
        return history_event(
            DesignationEvent.Kind.AMENDED,
            _Listing(interval.last_seen, DatePrecision.RANGE, interval.first_seen),
            designation_id,
            changes={"program": [ctx.program_by_pk[old].code, ctx.program_by_pk[new].code]},
        )

    unchanged_intervals = 0
    ending_active: list[int] = []  # designations held as active that the history ends
    for interval in records:
        touched = len(to_create) + len(events)
        designee_pk = designees[interval.source_uid]
        listing = (
            _Listing(interval.first_seen, DatePrecision.ON_OR_BEFORE)
            if interval.prev_snapshot is None
            else _Listing(interval.first_seen, DatePrecision.RANGE, interval.prev_snapshot)
        )
        delisting = (
            _Listing(interval.first_absent, DatePrecision.RANGE, interval.last_seen) if interval.first_absent else None
        )
        first_ids = [ctx.program(code).pk for code in interval.programs_first]
        last_ids = [ctx.program(code).pk for code in interval.programs_last]
        # Programs held at the end of the interval, each traced back to the tag it started under.
        origin = {p: p for p in last_ids if p in first_ids}
        dropped = [p for p in first_ids if p not in last_ids]
        came = [p for p in last_ids if p not in first_ids]
        for old, new in _pair_retags(ctx, dropped, came):
            origin[new] = old
            came.remove(new)
            dropped.remove(old)
        for program_id in last_ids:
            started_with_interval = program_id in origin
            program_listing = (
                listing
                if started_with_interval
                else _Listing(interval.last_seen, DatePrecision.RANGE, interval.first_seen)
            )
            existing = _episode(designations[designee_pk], program_id, program_listing, delisting)
            if existing is None:
                designation = Designation(
                    designee_id=designee_pk,
                    program_id=program_id,
                    authority_id=ctx.authority_for(program_id),
                    agency=agency,
                    source=list_source,
                    status=Designation.Status.DELISTED if delisting else Designation.Status.ACTIVE,
                    listed_on=program_listing.on,
                    listed_precision=program_listing.precision,
                    listed_earliest=program_listing.earliest,
                    delisted_on=delisting.on if delisting else None,
                    delisted_precision=delisting.precision if delisting else "",
                    delisted_earliest=delisting.earliest if delisting else None,
                )
                evts = [history_event(DesignationEvent.Kind.LISTED, program_listing)]
                if origin.get(program_id, program_id) != program_id:
                    evts.append(retag_event(interval, origin[program_id], program_id))
                if delisting:
                    evts.append(
                        history_event(
                            DesignationEvent.Kind.DELISTED,
                            delisting,
                            note="Absent from the list from this snapshot on.",
                        )
                    )
                to_create.append((designation, evts))
                designations[designee_pk].append(designation)
                continue
            was_active = existing.pk is not None and existing.status == Designation.Status.ACTIVE
            changes = _refine(existing, program_listing, delisting)
            if was_active and existing.status == Designation.Status.DELISTED:
                ending_active.append(existing.pk)
            if changes:
                to_update[existing.pk] = existing
                for kind, listing_change in changes:
                    events.append(
                        history_event(kind, listing_change, existing.pk, note="Date refined from the list history.")
                    )
                # The re-tag the history shows is recorded once, with the first refinement of the listing.
                if origin.get(program_id, program_id) != program_id and changes[0][0] == DesignationEvent.Kind.LISTED:
                    events.append(retag_event(interval, origin[program_id], program_id, existing.pk))
        if len(to_create) + len(events) == touched:
            unchanged_intervals += 1

    # Gated before the designations are written (the caller's transaction rolls back the designees created).
    _gate_delistings(ending_active, approval=approval, review=review, result=result)
    new_rows = [d for d, _ in to_create]
    for chunk in _chunks(new_rows):
        Designation.objects.bulk_create(chunk)
    for designation, evts in to_create:
        for event in evts:
            event.designation_id = designation.pk
            events.append(event)
    date_columns = (
        "status",
        "listed_on",
        "listed_precision",
        "listed_earliest",
        "delisted_on",
        "delisted_precision",
        "delisted_earliest",
    )
    if to_update:
        # One UPDATE per row through executemany: bulk_update's CASE expressions grow quadratically.
        table = connection.ops.quote_name(Designation._meta.db_table)
        assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in date_columns)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [(*(getattr(d, c) for c in date_columns), d.pk) for d in to_update.values()],
            )
    event_columns = (
        "designation",
        "kind",
        "occurred_on",
        "precision",
        "earliest",
        "source_document",
        "import_run",
        "changes",
        "note",
    )
    insert_rows(
        DesignationEvent,
        event_columns,
        [
            (
                e.designation_id,
                e.kind,
                e.occurred_on,
                e.precision,
                e.earliest,
                e.source_document_id,
                e.import_run_id,
                e.changes,
                e.note,
            )
            for e in events
        ],
    )
    result.listed = len(new_rows)
    result.updated = len(to_update)
    result.delisted = sum(1 for e in events if e.kind == DesignationEvent.Kind.DELISTED)
    result.unchanged = unchanged_intervals
    result.stats.update(designations_created=len(new_rows), designations_refined=len(to_update))
    return result


_PRECISION_RANK = {
    "": 0,
    DatePrecision.ON_OR_BEFORE: 1,
    DatePrecision.YEAR: 2,
    DatePrecision.RANGE: 3,
    DatePrecision.MONTH: 4,
    DatePrecision.DAY: 5,
}


def _episode(
    candidates: list[Designation], program_id: int, listing: _Listing, delisting: _Listing | None
) -> Designation | None:
    """The designation of this program that this interval describes, if the database has it.

    An active designation matches an open interval; a delisted one matches when its delisting falls
    in the interval's end bracket (or it is still undated). With several, the latest listed wins.
    """
    matches = []
    for d in candidates:
        if d.program_id != program_id:
            continue
        if delisting is None and d.status == Designation.Status.ACTIVE:
            matches.append(d)
        elif delisting is not None and (
            d.status == Designation.Status.ACTIVE
            or d.delisted_on is None
            or (delisting.earliest is not None and delisting.earliest <= d.delisted_on <= delisting.on)
        ):
            matches.append(d)
    if not matches:
        return None
    return max(matches, key=lambda d: (d.listed_on or datetime.date.min, d.pk or 0))


def _refine(d: Designation, listing: _Listing, delisting: _Listing | None) -> list[tuple[str, _Listing]]:
    """Apply the history's brackets to ``d`` where they are more precise; return the events to record.

    Dates an editor locked (``listed_on``, ``delisted_on``/``status``, or the whole designation) stay.
    """
    changes: list[tuple[str, _Listing]] = []
    locks = d.locked_fields or []
    if _locked_any(locks, "listed_on"):
        listing = _Listing(d.listed_on, d.listed_precision, d.listed_earliest)
    if _locked_any(locks, "status", "delisted_on"):
        delisting = None
    current = _Listing(d.listed_on, d.listed_precision, d.listed_earliest)
    if _PRECISION_RANK.get(listing.precision, 0) > _PRECISION_RANK.get(d.listed_precision, 0) or (
        d.listed_precision == listing.precision == DatePrecision.ON_OR_BEFORE
        and d.listed_on
        and listing.on
        and listing.on < d.listed_on
    ):
        if current != listing:
            d.listed_on, d.listed_precision, d.listed_earliest = listing.on, listing.precision, listing.earliest
            changes.append((DesignationEvent.Kind.LISTED, listing))
    if delisting is not None and d.status == Designation.Status.ACTIVE:
        d.status = Designation.Status.DELISTED
        d.delisted_on, d.delisted_precision, d.delisted_earliest = delisting.on, delisting.precision, delisting.earliest
        changes.append((DesignationEvent.Kind.DELISTED, delisting))
    return changes
