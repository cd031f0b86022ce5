"""The source adapter contract and its errors.

An adapter says what it reads and parses it purely; it never writes. Raw input is a ``RawBundle``: file
name -> bytes, because some sources are sets of files (``sdn.csv`` with ``add.csv``, ``alt.csv`` and
``sdn_comments.csv``) or of pages.

* ``read_local(paths)``: the bundle from files and folders given on the command line or uploaded.
* ``fetch(request)``: the bundle from the network (HTTP only, with timeouts and conditional requests).
* ``parse(raw, as_of=...)``: records of the adapter's ``record_type``, with warnings and figures, no
  database, no network, no files written.

What the records mean for the database is decided by the writer registered for ``record_type``
(``importers.writers``). The defaults here read an OFAC file set: a folder contributes the files of
``files`` it holds, and a download brings every file of ``files`` from the source's URL.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from importers.records import DesigneeRecord, ParsedSource

RawBundle = dict[str, bytes]
MAX_LOCAL_FILE_BYTES = 512 * 1024 * 1024


class SourceError(Exception):
    """The input cannot be imported: wrong format, truncated, hostile, or the wrong list."""


class FetchError(SourceError):
    """The source could not be fetched (HTTP error status, bad redirect, oversized body)."""


def bundle_sha256(raw: RawBundle) -> str:
    """One hash for a bundle: the hash of the sorted (name, sha256) pairs."""
    digest = hashlib.sha256()
    for name in sorted(raw):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(raw[name]).hexdigest().encode() + b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class FetchRequest:
    """What a download may use from the tracker.

    * ``url``: where the source is published, as configured (``IMPORT_SOURCE_URLS``); "" when not.
    * ``validators``: per file, the ``etag`` and ``last_modified`` of the last successful run, for
      conditional requests.
    * ``end_marker``: the bytes a body sent without ``Content-Length`` must end with; None when the run
      vouches for files without it.
    * ``known``: the uids of the source's documents the tracker already holds (pages already recorded).
    """

    url: str = ""
    validators: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    end_marker: bytes | None = None
    known: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Fetched:
    """What a download brought: the new bytes, and the files the server says did not change.

    ``unchanged`` files are read from the last successful run's kept copies. Nothing new at all
    (``not_modified``) ends the run as unchanged. ``validators`` are sent with the next download;
    ``warnings`` go to the run.
    """

    files: RawBundle = field(default_factory=dict)
    unchanged: tuple[str, ...] = ()
    validators: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return not self.files


class SourceAdapter:
    """Base class for a source. Subclasses set the class attributes and implement ``parse``.

    * ``slug``: the registry key and ``ImportRun.source``.
    * ``list_source``: the namespace of the keys it produces. Adapters of the same list in different
      formats share it (``ofac-sdn`` for CSV and XML), so they update the same designees.
    * ``is_complete_snapshot``: True when a missing entry means a delisting.
    * ``min_records``: below this many records the run fails before writing.
    * ``record_type``: the type of the records ``parse`` gives, which picks their writer.
    * ``files``: the files of the source, all of which a download must bring (``required_files``: the
      ones a local import cannot do without).
    * ``end_marker``: the bytes every file of the source ends with (OFAC's CSV files: 0x1A), which a
      download without ``Content-Length`` must end with.
    * ``part_files``: the file that alone gives a part of each record (``importers.records`` "What an input
      speaks about"), e.g. OFAC's ``alt.csv`` the numbered aliases: read from a folder of another date than
      the main file, its facts are credited to a document of their own (``importers.services.lists``).
    """

    slug: ClassVar[str]
    name: ClassVar[str] = ""
    list_source: ClassVar[str] = ""
    is_complete_snapshot: ClassVar[bool] = False
    min_records: ClassVar[int] = 1
    record_type: ClassVar[type] = DesigneeRecord
    files: ClassVar[tuple[str, ...]] = ()  # file names; a download must bring them all
    required_files: ClassVar[tuple[str, ...]] = ()
    end_marker: ClassVar[bytes | None] = None
    part_files: ClassVar[Mapping[str, str]] = {}

    # ---- raw input ----
    def read_local(self, paths: Sequence[Path]) -> RawBundle:
        """Read files and folders into a bundle; earlier paths win over later ones for the same name.

        A file is read under its own name; a folder contributes what ``folder_files`` finds in it.
        """
        bundle: RawBundle = {}
        for name, file_path in self.file_origins(paths).items():
            if file_path.stat().st_size > MAX_LOCAL_FILE_BYTES:
                raise SourceError(f"{file_path} is larger than {MAX_LOCAL_FILE_BYTES} bytes")
            bundle[name] = file_path.read_bytes()
        return bundle

    def file_origins(self, paths: Sequence[Path]) -> dict[str, Path]:
        """The file each name of the bundle ``read_local(paths)`` is read from (earlier paths win)."""
        origins: dict[str, Path] = {}
        for path in paths:
            if not path.exists():
                raise SourceError(f"{path} does not exist")
            candidates = [(path.name, path)] if path.is_file() else self.folder_files(path)
            if not candidates:
                raise SourceError(f"{path} holds none of the files {self.slug} reads ({', '.join(self.files)})")
            for name, file_path in candidates:
                origins.setdefault(name, file_path)
        return origins

    def folder_files(self, folder: Path) -> list[tuple[str, Path]]:
        """The files of ``folder`` the source reads, by the names ``parse`` knows: ``files``, in any case."""
        present = {child.name.lower(): child for child in folder.iterdir() if child.is_file()}
        return [(name, present[name.lower()]) for name in self.files if name.lower() in present]

    def fetch(self, request: FetchRequest) -> Fetched:
        """Download every file of ``files`` from ``request.url`` (a folder URL ending in ``/``, or the file's).

        A download must bring the whole set: a file set without ``alt.csv`` or ``add.csv`` would be
        imported as a set that says nothing about aliases or addresses, and OFAC always publishes all of
        them, so a 404 is a broken download, not an optional file.
        """
        from importers.fetch import fetch_bundle

        if not request.url:
            raise SourceError(f"{self.slug} has no download URL; import it from a file with --path")
        fetched = fetch_bundle(
            request.url, self.files, self.files, validators=dict(request.validators), end_marker=request.end_marker
        )
        return Fetched(
            files={name: f.content for name, f in fetched.files.items() if f.content is not None},
            unchanged=tuple(name for name, f in fetched.files.items() if f.content is None),
            validators={
                name: {"etag": f.etag, "last_modified": f.last_modified}
                for name, f in fetched.files.items()
                if f.etag or f.last_modified
            },
        )

    # ---- parse ----
    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        raise NotImplementedError
