"""The source adapter contract and its errors.

An adapter fetches raw bytes (HTTP only) and parses them purely (no database, no network) into
records. Raw input is a ``RawBundle``: file name -> bytes, because some sources are sets of files
(``sdn.csv`` with ``add.csv``, ``alt.csv`` and ``sdn_comments.csv``).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import ClassVar

from importers.records import ParsedSource

RawBundle = dict[str, bytes]


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


class SourceAdapter:
    """Base class for a source. Subclasses set the class attributes and implement ``parse``.

    * ``slug``: the registry key and ``ImportRun.source``.
    * ``list_source``: the namespace of the keys it produces. Adapters of the same list in different
      formats share it (``ofac-sdn`` for CSV and XML), so they update the same designees.
    * ``is_complete_snapshot``: True when a missing entry means a delisting.
    * ``min_records``: below this many records the run fails before writing.
    * ``files``: the files of the source, all of which a download must bring (``required_files``: the
      ones a local import cannot do without).
    * ``end_marker``: the bytes every file of the source ends with (OFAC's CSV files: 0x1A), which a
      download without ``Content-Length`` must end with.
    """

    slug: ClassVar[str]
    name: ClassVar[str] = ""
    list_source: ClassVar[str] = ""
    is_complete_snapshot: ClassVar[bool] = False
    min_records: ClassVar[int] = 1
    record_kind: ClassVar[str] = "designee"  # designee | presence_interval
    files: ClassVar[tuple[str, ...]] = ()  # file names; a download must bring them all
    required_files: ClassVar[tuple[str, ...]] = ()
    end_marker: ClassVar[bytes | None] = None

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        raise NotImplementedError
