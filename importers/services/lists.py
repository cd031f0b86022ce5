"""The writers of list records: the entries of a list (``DesigneeRecord``) and its history
(``PresenceIntervalRecord``), registered in ``importers.writers`` for the OFAC list adapters.

Each records the raw files as the list's ``SourceDocument`` (one per distinct set of bytes), locks the
list's rows for the rest of the run's transaction, and upserts (``importers.upsert``).
"""

from __future__ import annotations

from django.conf import settings

from designations.models import Designation, Designee, SourceDocument
from importers import writers
from importers.records import DesigneeRecord, PresenceIntervalRecord
from importers.upsert import UpsertResult, upsert_history, upsert_snapshot


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
