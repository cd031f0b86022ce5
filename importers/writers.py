"""The write step of an import, chosen by the type of the records a source parses into.

An adapter parses purely (``importers.sources.base``); what its records mean for the database is the
writer's business: ``import_run_execute`` hands the parsed records to the one writer registered for the
adapter's ``record_type``, inside the run's transaction. Writers are registered by the app that owns the
records, when the app is ready (``register(RecordType)(function)``): the importers for list entries and
presence intervals (``importers.services.lists``), the announcements for their pages.

A writer takes a ``WriteRequest`` and returns an ``UpsertResult`` (counts, warnings, skipped changes,
figures). It must not commit: a dry run's transaction is rolled back after it returns, and any error
rolls the run back.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from importers.upsert import DelistApproval, UpsertResult

if TYPE_CHECKING:
    from importers.models import ImportRun
    from importers.sources.base import SourceAdapter


@dataclass(frozen=True)
class WriteRequest:
    """What a writer gets: the parsed records and the run they belong to.

    * ``records``: what the adapter's ``parse`` gave, all of the adapter's ``record_type``.
    * ``adapter``: the source (its ``slug``, ``name``, ``list_source``, ``is_complete_snapshot``).
    * ``run``: the ``ImportRun``, running (its ``dry_run`` and ``max_delist_share`` apply).
    * ``as_of``: the date the data describes; ``raw_sha256``: the hash of the raw files.
    * ``kept_files``: raw file name -> where it is kept under ``MEDIA_ROOT`` (empty for a dry run).
    * ``approval``: the delistings a person approved, if any; ``review``: False for a dry run, which
      reports a run that would be held for review instead of holding it.
    * ``progress``: called with a number of records written, for a progress bar.
    """

    records: Sequence
    adapter: SourceAdapter
    run: ImportRun
    as_of: datetime.date
    raw_sha256: str
    kept_files: Mapping[str, str] = field(default_factory=dict)
    approval: DelistApproval | None = None
    review: bool = True
    progress: Callable[[int], None] | None = None


Writer = Callable[[WriteRequest], UpsertResult]

_WRITERS: dict[type, Writer] = {}


def register(record_type: type) -> Callable[[Writer], Writer]:
    """Decorator: ``writer`` writes records of ``record_type`` (and of its subclasses)."""

    def decorate(writer: Writer) -> Writer:
        known = _WRITERS.get(record_type)
        if known is not None and known is not writer:
            raise ValueError(f"two writers registered for {record_type.__name__}")
        _WRITERS[record_type] = writer
        return writer

    return decorate


def writer_for(record_type: type) -> Writer:
    """The writer of ``record_type``; ``LookupError`` when no app registered one."""
    for klass in record_type.__mro__:
        if klass in _WRITERS:
            return _WRITERS[klass]
    raise LookupError(f"no writer is registered for records of type {record_type.__name__}")
