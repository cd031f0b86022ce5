"""The writers of list records: the entries of a list (``DesigneeRecord``) and its history
(``PresenceIntervalRecord``), registered in ``importers.writers`` for the OFAC list adapters.

Each records the raw files as the list's ``SourceDocument`` (one per distinct set of bytes), locks the
list's rows for the rest of the run's transaction, and upserts (``importers.upsert``).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from pathlib import Path

from django.conf import settings

from designations.models import Designation, Designee, SourceDocument
from importers import writers
from importers.records import DesigneeRecord, EntryDateRecord, PresenceIntervalRecord
from importers.sources.ofac_archive import ArchivedEntry
from importers.upsert import UpsertResult, upsert_earlier_facts, upsert_entry_dates, upsert_history, upsert_snapshot


@writers.register(DesigneeRecord)
def write_list_snapshot(request: writers.WriteRequest) -> UpsertResult:
    """A list's entries: a complete snapshot (vanished entries are delisted) or a partial source."""
    adapter = request.adapter
    lock_list_rows(adapter.list_source)
    return upsert_snapshot(
        records=request.records,
        list_source=adapter.list_source,
        complete=adapter.is_complete_snapshot,
        snapshot_date=request.as_of,
        source_document=_source_document(request, SourceDocument.Kind.LIST_SNAPSHOT),
        part_documents=_part_documents(request),
        import_run=request.run,
        progress=request.progress,
        max_delist_share=request.run.max_delist_share,
        approval=request.approval,
        review=request.review,
    )


@writers.register(PresenceIntervalRecord)
def write_list_history(request: writers.WriteRequest) -> UpsertResult:
    """A list's history: its designations dated, and those it ended delisted."""
    adapter = request.adapter
    lock_list_rows(adapter.list_source)
    return upsert_history(
        records=request.records,
        list_source=adapter.list_source,
        source_document=_source_document(request, SourceDocument.Kind.LIST_HISTORY),
        import_run=request.run,
        approval=request.approval,
        review=request.review,
    )


@writers.register(EntryDateRecord)
def write_entry_dates(request: writers.WriteRequest) -> UpsertResult:
    """Exact days of listings from dated evidence: each kind of evidence its own source document, OFAC's own
    dates first."""
    adapter = request.adapter
    lock_list_rows(adapter.list_source)
    groups: dict[str, list[EntryDateRecord]] = {}
    for record in request.records:
        groups.setdefault(record.evidence, []).append(record)
    total = UpsertResult()
    for evidence, records in groups.items():
        document, _ = SourceDocument.objects.get_or_create(
            source=adapter.list_source,
            source_uid=f"{request.raw_sha256[:52]}-{evidence}"[:255],
            defaults={
                "kind": EVIDENCE_DOCUMENTS[evidence][0],
                "title": EVIDENCE_DOCUMENTS[evidence][1],
                "published_on": max(day for record in records for day in record.days),
                "content_sha256": request.raw_sha256,
            },
        )
        result = upsert_entry_dates(
            records=records, list_source=adapter.list_source, source_document=document, import_run=request.run
        )
        total.records += result.records
        total.updated += result.updated
        total.unchanged += result.unchanged
        total.warnings += result.warnings
        total.stats.update({f"{evidence}_{key}": value for key, value in result.stats.items()})
    return total


@writers.register(ArchivedEntry)
def write_earlier_sets(request: writers.WriteRequest) -> UpsertResult:
    """Earlier full sets (each entry from the newest set of the run that lists it): they describe the
    designees no list file described yet and that are no longer listed (``upsert_earlier_facts``)."""
    adapter = request.adapter
    lock_list_rows(adapter.list_source)
    sets = sorted({(entry.set_date, entry.set_name) for entry in request.records}, reverse=True)
    document, _ = SourceDocument.objects.get_or_create(
        source=adapter.list_source,
        source_uid=request.raw_sha256,
        defaults={
            "kind": SourceDocument.Kind.LIST_SNAPSHOT,
            "title": "Earlier OFAC SDN list sets (archived copies): " + ", ".join(name for _, name in sets),
            "published_on": sets[0][0] if sets else request.as_of,
            "content_sha256": request.raw_sha256,
        },
    )
    # Each set its own document, which the facts it gives name.
    set_documents = {
        name: SourceDocument.objects.get_or_create(
            source=adapter.list_source,
            source_uid=f"{request.raw_sha256}:{name}"[:255],
            defaults={
                "kind": SourceDocument.Kind.LIST_SNAPSHOT,
                "title": f"OFAC SDN list of {day:%d %b %Y} (archived copy {name})",
                "published_on": day,
                "content_sha256": request.raw_sha256,
            },
        )[0]
        for day, name in sets
    }
    result = upsert_earlier_facts(
        records=[(entry.set_name, entry.record) for entry in request.records],
        list_source=adapter.list_source,
        set_date=request.as_of,
        source_document=document,
        import_run=request.run,
        set_documents=set_documents,
    )
    described = result.stats.pop("described", {})
    result.stats["sets"] = {
        name: {
            "entries_read": sum(1 for e in request.records if e.set_name == name),
            "described": described.get(name, 0),
        }
        for _, name in sets
    }
    return result


EVIDENCE_DOCUMENTS = {
    "created": (
        SourceDocument.Kind.LIST_SNAPSHOT,
        "OFAC SDN_ADVANCED.XML entry 'Created' dates (extract of March 2024)",
    ),
    "recent_action": (SourceDocument.Kind.RECENT_ACTION, "OFAC Recent Actions pages naming SDN entries, 2001-2018"),
}


def lock_list_rows(list_source: str) -> None:
    """Lock the list's designees and designations until the import's transaction ends.

    The upsert reads them, with the fields editors locked, and writes them later in the same transaction:
    an editor's save in between would be overwritten by values read before it. Locked first, the save
    waits for the import to commit and lands on top of it. Readers are not blocked. (SQLite ignores
    this: its database-wide write lock already makes an editor wait.)
    """
    if not list_source:
        return
    designees = Designee.objects.filter(source=list_source).order_by("pk").select_for_update()
    list(designees.values_list("pk", flat=True))
    designations = Designation.objects.filter(designee__source=list_source).order_by("pk")
    list(designations.select_for_update(of=("self",)).values_list("pk", flat=True))


_DATED_NAME = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def _named_date(path: Path) -> datetime.date | None:
    """The ISO date a file's folder (or the file) is named with, as the data directory names its copies
    (``ofac/sdn_2025-12-24_partial/alt.csv``); None when there is none, or not one date."""
    for name in (path.parent.name, path.name):
        found = set(_DATED_NAME.findall(name))
        if len(found) == 1:
            try:
                return datetime.date.fromisoformat(found.pop())
            except ValueError:
                return None
    return None


def _part_documents(request: writers.WriteRequest) -> dict[str, SourceDocument]:
    """A document of its own for each part of the records whose file (``adapter.part_files``) was read from a
    folder dated otherwise than the main file's (the seed's 2024 ``sdn.csv`` with the ``alt.csv`` and
    ``add.csv`` of December 2025): those aliases and addresses are credited to the file they came from, with
    its date, not to the list of the run's date. Files of one date, or of undated folders, share the run's
    document."""
    adapter = request.adapter
    if not adapter.part_files or not request.run.path:
        return {}
    origins = adapter.file_origins([Path(text) for text in request.run.path.splitlines() if text])
    main = next((origins[name] for name in adapter.files if name in origins), None)
    main_date = _named_date(main) if main else None
    documents = {}
    for part, name in adapter.part_files.items():
        origin = origins.get(name)
        date = _named_date(origin) if origin else None
        if origin is None or date is None or main_date is None or date == main_date:
            continue
        digest = hashlib.sha256(origin.read_bytes()).hexdigest()
        documents[part], _ = SourceDocument.objects.get_or_create(
            source=adapter.list_source or adapter.slug,
            source_uid=digest,
            defaults={
                "kind": SourceDocument.Kind.LIST_FILE,
                "title": f"{adapter.name or adapter.slug}: {name} as of {date:%d %b %Y}",
                "published_on": date,
                "content_sha256": digest,
            },
        )
    return documents


def _source_document(request: writers.WriteRequest, kind: str) -> SourceDocument:
    adapter = request.adapter
    document, _ = SourceDocument.objects.get_or_create(
        source=adapter.list_source or adapter.slug,
        source_uid=request.raw_sha256,
        defaults={
            "kind": kind,
            "title": f"{adapter.name or adapter.slug} as of {request.as_of:%d %b %Y}",
            "published_on": request.as_of,
            "content_sha256": request.raw_sha256,
            "url": settings.IMPORT_SOURCE_URLS.get(adapter.slug, "") or "",
        },
    )
    return document
