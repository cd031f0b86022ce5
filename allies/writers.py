"""Write an allied list's records: its entries and their designations, then the links to US designees.

One list at a time (``list_slug``): an entry is keyed by the publisher's id in that list; an entry whose
record is unchanged (same content hash) is not written again. The file is the whole list, so an entry the
list had and the file lacks is marked removed with the file's date; nothing is deleted, and an entry that
comes back is listed again. Once the run commits, ``allies.tasks`` links the entries to US designees
(``allies.resolution``; editors' decisions stand).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.utils import timezone

from allies.models import AlliedDesignation, AlliedEntry
from allies.records import AlliedRecord
from allies.regimes import by_code
from allies.tasks import schedule_resolution
from designations.countries import CountryResolver
from designations.models import normalised_identifier
from importers.upsert import UpsertResult
from importers.writers import WriteRequest

# The date kinds that are the publisher's own designation date (``allies.records.DATE_KINDS``).
LISTING_KINDS = ("listed",)


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _birth_dates(record: AlliedRecord) -> list[dict]:
    return [
        {
            "raw": b.raw,
            "date_from": _iso(b.date_from),
            "date_to": _iso(b.date_to),
            "precision": b.precision,
            "circa": b.circa,
        }
        for b in record.birth_dates
    ]


def _countries(record: AlliedRecord, resolver: CountryResolver) -> list[str]:
    texts = [*record.nationalities, *record.citizenships, *(p.country for p in record.places_of_birth if p.country)]
    codes = (resolver.resolve(text) for text in texts)
    return sorted({code for code in codes if code})


# What ``entry_fields`` stores, versioned: the entry's hash mixes it in, so when the stored shape changes (2:
# names keep their language) the next import of a list rewrites every entry, not only those whose record
# changed.
ENTRY_FIELDS_VERSION = 2


def entry_hash(record: AlliedRecord) -> str:
    """The hash an entry is compared by: the record's content and the version of what is stored of it."""
    return hashlib.sha256(f"{ENTRY_FIELDS_VERSION}:{record.content_hash()}".encode()).hexdigest()


def entry_fields(record: AlliedRecord, resolver: CountryResolver) -> dict:
    """The ``AlliedEntry`` columns of a record (everything but the keys and the run)."""
    names = [
        # The language only where the list gives one (the EU tags each name: "EN", "DE", "BG", ...).
        {
            "name": n.name,
            "kind": n.kind,
            "script": n.script,
            "weak": n.weak,
            **({"language": n.language} if n.language else {}),
        }
        for n in (*record.aliases, *record.non_latin_names)
        if n.name and n.name != record.name
    ]
    return {
        "publisher": record.publisher,
        "source": record.source,
        "kind": record.kind,
        "name": record.name[:500],
        "names": names,
        "birth_dates": _birth_dates(record),
        "nationalities": list(dict.fromkeys((*record.nationalities, *record.citizenships))),
        "countries": _countries(record, resolver),
        "identifiers": [
            {
                "kind": i.kind,
                "value": i.value,
                "normalised_value": normalised_identifier(i.value),
                "country_text": i.country,
            }
            for i in record.identifiers
        ],
        "gender": record.gender,
        "reasons": record.reasons,
        "record_hash": entry_hash(record),
    }


def designation_rows(entry: AlliedEntry, record: AlliedRecord) -> list[AlliedDesignation]:
    rows = []
    for designation in record.designations:
        regime = by_code(designation.regime_code)
        listed = [item.date for item in designation.dates if item.kind in LISTING_KINDS]
        rows.append(
            AlliedDesignation(
                entry=entry,
                regime=designation.regime[:300],
                regime_code=designation.regime_code[:64],
                theme=regime.theme if regime else "",
                reference=designation.reference[:100],
                listed_on=min(listed) if listed else None,
                dates=[
                    {"kind": d.kind, "date": d.date.isoformat(), "raw": d.raw, "note": d.note}
                    for d in sorted(designation.dates, key=lambda d: (d.date, d.kind))
                ],
                instrument=designation.instrument[:500],
            )
        )
    # One row per regime: a list naming a regime twice for an entry gives its dates together.
    merged: dict[str, AlliedDesignation] = {}
    for row in rows:
        kept = merged.setdefault(row.regime_code, row)
        if kept is not row:
            kept.dates = sorted([*kept.dates, *row.dates], key=lambda d: (d["date"], d["kind"]))
            days = [d for d in (kept.listed_on, row.listed_on) if d]
            kept.listed_on = min(days) if days else None
    return list(merged.values())


# What a changed entry's write sets: ``entry_fields``' columns and the list state.
UPDATED_COLUMNS = [
    *("publisher", "source", "kind", "name", "names", "birth_dates", "nationalities", "countries"),
    *("identifiers", "gender", "reasons", "record_hash"),
    *("is_listed", "removed_seen_on", "list_date", "import_run", "updated_at"),
]


def write_allied_list(request: WriteRequest) -> UpsertResult:
    """Upsert one allied list file (see the module docstring); its links to US designees are resolved once
    the run commits (``allies.tasks``)."""
    list_slug = request.adapter.list_source
    records: list[AlliedRecord] = list(request.records)
    result = UpsertResult(records=len(records))
    resolver = CountryResolver.from_db()
    existing = {entry.source_uid: entry for entry in AlliedEntry.objects.filter(list_slug=list_slug)}
    newest = max((entry.list_date for entry in existing.values() if entry.list_date), default=None)
    if newest and request.as_of < newest:
        return _write_older_list(request, records, existing, newest, resolver, result)
    seen: set[str] = set()
    created: list[tuple[AlliedEntry, AlliedRecord]] = []
    changed: list[tuple[AlliedEntry, AlliedRecord]] = []
    unchanged_ids: list[int] = []
    for record in records:
        if record.source_uid in seen:
            result.warnings.append(f"{record.source_uid}: given twice in the file; the first record is kept")
            continue
        seen.add(record.source_uid)
        fields = entry_fields(record, resolver)
        entry = existing.get(record.source_uid)
        if entry is None:
            entry = AlliedEntry(list_slug=list_slug, source_uid=record.source_uid, **fields)
            created.append((entry, record))
        elif entry.record_hash != fields["record_hash"] or not entry.is_listed:
            for name, value in fields.items():
                setattr(entry, name, value)
            changed.append((entry, record))
        else:
            unchanged_ids.append(entry.pk)
    now = timezone.now()
    for entry, _ in (*created, *changed):
        entry.is_listed, entry.removed_seen_on = True, None
        entry.list_date, entry.import_run, entry.updated_at = request.as_of, request.run, now
    AlliedEntry.objects.bulk_create([entry for entry, _ in created], batch_size=500)
    AlliedEntry.objects.bulk_update([entry for entry, _ in changed], UPDATED_COLUMNS, batch_size=500)
    AlliedEntry.objects.filter(pk__in=unchanged_ids).update(list_date=request.as_of)
    # Designations of new and changed entries are written afresh; unchanged entries keep theirs.
    AlliedDesignation.objects.filter(entry__in=[entry.pk for entry, _ in changed]).delete()
    AlliedDesignation.objects.bulk_create(
        [row for entry, record in (*created, *changed) for row in designation_rows(entry, record)], batch_size=1000
    )
    removed = _mark_removed(list_slug, seen, request.as_of)
    result.created, result.updated, result.unchanged = len(created), len(changed), len(unchanged_ids)
    result.delisted = removed
    result.stats.update(_regime_counts(records))
    result.stats["entries_removed_from_list"] = removed
    if created or changed or removed:
        schedule_resolution()
    return result


def _write_older_list(request, records, existing, newest, resolver, result) -> UpsertResult:
    """A file older than the list already held: it only adds the entries the tracker never saw (gone by the
    newer list, so not listed), and changes nothing else; the run says so."""
    list_slug = request.adapter.list_source
    added = []
    for record in {record.source_uid: record for record in reversed(records)}.values():
        if record.source_uid in existing:
            continue
        entry = AlliedEntry(
            list_slug=list_slug,
            source_uid=record.source_uid,
            is_listed=False,
            removed_seen_on=newest,
            list_date=request.as_of,
            import_run=request.run,
            **entry_fields(record, resolver),
        )
        added.append((entry, record))
    AlliedEntry.objects.bulk_create([entry for entry, _ in added], batch_size=500)
    rows = [row for entry, record in added for row in designation_rows(entry, record)]
    for row in rows:
        row.is_listed = False
    AlliedDesignation.objects.bulk_create(rows, batch_size=1000)
    result.created, result.unchanged = len(added), len(records) - len(added)
    result.warnings.append(
        f"this file is of {request.as_of}, older than the list of {newest} already held: it only added the "
        f"{len(added)} entries the tracker had not seen (not listed by {newest}) and changed nothing else"
    )
    result.stats.update(_regime_counts(records))
    if added:
        schedule_resolution()
    return result


def _mark_removed(list_slug: str, seen: set[str], day: datetime.date) -> int:
    """Entries of the list the file no longer carries: marked removed with the file's date, never deleted."""
    gone = AlliedEntry.objects.filter(list_slug=list_slug, is_listed=True).exclude(source_uid__in=seen)
    ids = list(gone.values_list("pk", flat=True))
    AlliedEntry.objects.filter(pk__in=ids).update(is_listed=False, removed_seen_on=day)
    AlliedDesignation.objects.filter(entry__in=ids).update(is_listed=False)
    return len(ids)


def _regime_counts(records: Iterable[AlliedRecord]) -> dict[str, dict[str, int]]:
    counts: dict[str, int] = {}
    for record in records:
        for code in dict.fromkeys(record.regime_codes):
            counts[code] = counts.get(code, 0) + 1
    return {"entries_by_regime": dict(sorted(counts.items()))}
