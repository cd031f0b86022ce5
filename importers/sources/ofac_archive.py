"""Earlier full SDN sets, read for the entries the current list no longer has.

An entry removed from the list before the tracker's current snapshot is known to the tracker only from the
list history (``ofac-history``: its name, type and when it was listed), so its designee has no aliases,
addresses or countries, and a delisting would count under no country. The full sets OFAC published while
it was listed say who it was. This source reads such sets, each a folder named by its date
(``sdn_2021-06-29``, ``2021-04_garybogle_etl_spark``; ``$TRACKER_DATA_DIR/ofac/`` and
``ofac/history-pre2021/raw/``), in either of OFAC's legacy formats:

* CSV: ``sdn.csv`` with, when the set has them, ``add.csv``, ``alt.csv`` and ``sdn_comments.csv``;
* pipe-delimited: ``sdn.pip``, ``add.pip``, ``alt.pip``, ``sdn_comments.pip``: the same columns with ``|``
  between them; a first line naming the columns (``Ent_num|SDN_name|...``, added by some copies) is left
  out. They are read as the CSV set they are (``OfacSdnCsvSource``).

Each set gives ``ArchivedEntry`` records: the set's date and name, and the entry as ``ofac-sdn`` parses it;
an entry a newer set of the run also lists is taken from the newer set only.
The writer (``importers.services.lists``) gives each designee the tracker holds only from the history the
facts of the newest set that has it, and touches no designation.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from importers.records import DesigneeRecord, ParsedSource
from importers.sources import register
from importers.sources.base import MAX_LOCAL_FILE_BYTES, RawBundle, SourceAdapter, SourceError
from importers.sources.ofac_sdn import EOF_MARKER, OfacSdnCsvSource, decode_csv

_SET_DATE = re.compile(r"(\d{4}-\d{2}(?:-\d{2})?)")
CSV_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
PIPE_FILES = {"sdn.pip": "sdn.csv", "add.pip": "add.csv", "alt.pip": "alt.csv", "sdn_comments.pip": "sdn_comments.csv"}


@dataclass(frozen=True, slots=True)
class ArchivedEntry:
    """One entry of an earlier full set: the set (its date and folder name) and the entry as parsed."""

    set_date: datetime.date
    set_name: str
    record: DesigneeRecord

    @property
    def source_uid(self) -> str:
        return self.record.source_uid


def set_date(name: str) -> datetime.date:
    """The date a set's folder is named by: ``sdn_2021-06-29`` -> 2021-06-29, ``2021-04_x`` -> 2021-04-01."""
    match = _SET_DATE.search(name)
    if not match:
        raise SourceError(f"ofac-sdn-archive: cannot date the set {name!r}; name its folder by its date")
    text = match[1] if len(match[1]) == 10 else f"{match[1]}-01"
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise SourceError(f"ofac-sdn-archive: {name!r} names an impossible date") from None


def pipe_to_csv(data: bytes, filename: str, warnings: list[str]) -> bytes:
    """An OFAC pipe-delimited file as the CSV file with the same rows (a column header line left out)."""
    # The end marker, on a line of its own (some copies put a line break after it).
    trimmed = data.rstrip(b"\r\n")
    marker = trimmed.endswith(EOF_MARKER.encode())
    text = decode_csv(trimmed[:-1] if marker else data, filename, warnings)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter="|", strict=True):
            if not row or (row[0].strip().lower() == "ent_num"):
                continue
            writer.writerow(row)
    except csv.Error as exc:
        raise SourceError(f"{filename}: not valid pipe-delimited text: {exc}") from None
    return out.getvalue().encode("utf-8") + (EOF_MARKER.encode() if marker else b"")


def _closed(data: bytes, filename: str, warnings: list[str]) -> bytes:
    """A copy normalised by its uploader may lack both the end marker and the final line break: its last line
    is closed so that it reads. (A set read here ends no designation, so a cut copy only describes fewer
    entries; the counts of each set are in the run's figures.)"""
    if not data or data.endswith((b"\n", EOF_MARKER.encode())):
        return data
    warnings.append(f"{filename}: no 0x1A end marker and no final line break (a normalised copy); read as is")
    return data + b"\r\n"


@register
class OfacSdnArchiveSource(SourceAdapter):
    """Earlier full SDN sets (CSV or pipe-delimited), for the entries the current list no longer has."""

    slug = "ofac-sdn-archive"
    name = "Earlier OFAC SDN list sets (archived copies)"
    url = ""  # archived copies; nothing to fetch
    list_source = "ofac-sdn"
    is_complete_snapshot = False
    min_records = 1
    record_type = ArchivedEntry
    files: ClassVar[tuple[str, ...]] = (*CSV_FILES, *PIPE_FILES)

    def read_local(self, paths) -> RawBundle:
        """Each folder is one set: its files are named ``<folder>/<file>``."""
        bundle: RawBundle = {}
        for path in map(Path, paths):
            if not path.is_dir():
                raise SourceError(f"{path} is not a folder holding one SDN set")
            found = self.folder_files(path)
            if not found:
                raise SourceError(f"{path} holds none of the files {self.slug} reads ({', '.join(self.files)})")
            for name, file_path in found:
                if file_path.stat().st_size > MAX_LOCAL_FILE_BYTES:
                    raise SourceError(f"{file_path} is larger than {MAX_LOCAL_FILE_BYTES} bytes")
                bundle[f"{path.name}/{name}"] = file_path.read_bytes()
        return bundle

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        """Every set of the bundle parsed as ``ofac-sdn`` parses a set, newest set first."""
        sets: dict[str, RawBundle] = {}
        for name, data in raw.items():
            folder, _, filename = name.replace("\\", "/").rpartition("/")
            sets.setdefault(folder, {})[filename.lower()] = data
        if not sets:
            raise SourceError("ofac-sdn-archive: no input files")
        result = ParsedSource()
        seen: set[str] = set()  # entries a newer set gives: the older sets' rows of them are not built
        for folder in sorted(sets, key=lambda f: (set_date(f), f), reverse=True):
            files = sets[folder]
            csv_set: RawBundle = {}
            for filename, data in files.items():
                if filename in PIPE_FILES:
                    csv_set[PIPE_FILES[filename]] = pipe_to_csv(data, f"{folder}/{filename}", result.warnings)
                elif filename in CSV_FILES:
                    csv_set.setdefault(filename, _closed(data, f"{folder}/{filename}", result.warnings))
            if "sdn.csv" not in csv_set:
                raise SourceError(f"ofac-sdn-archive: the set {folder!r} has no sdn.csv or sdn.pip")
            day = set_date(folder)
            parsed = OfacSdnCsvSource().parse(csv_set, as_of=day, skip=frozenset(seen))
            result.warnings += [f"{folder}: {warning}" for warning in parsed.warnings]
            result.records += [ArchivedEntry(day, folder, record) for record in parsed.records]
            seen.update(record.source_uid for record in parsed.records)
            result.stats[folder] = {
                "entries": parsed.stats["rows"].get("sdn.csv", 0),
                "read": len(parsed.records),
                "files": sorted(csv_set),
            }
        result.published_on = max(set_date(f) for f in sets)
        result.stats["records"] = len(result.records)
        return result
