"""OFAC's legacy CSV files: the SDN list and the consolidated (non-SDN) list.

The SDN list is the set ``sdn.csv`` (entries), ``add.csv`` (addresses), ``alt.csv`` (strong aliases)
and ``sdn_comments.csv`` (remarks over 1,000 characters); the consolidated list is the same layout
as ``cons_prim.csv``, ``cons_add.csv``, ``cons_alt.csv`` and ``cons_comments.csv``. Only the main file
is required to parse; a download must bring all four (``importers.services``).

What a file set speaks about (``importers.records`` "What an input speaks about"): the main file gives
every entry, its columns, its remarks and the facts read from them; ``alt.csv`` the numbered aliases;
``add.csv`` the addresses and their countries; the spill-over file the end of remarks longer than 1,000
characters. A set without ``alt.csv`` or ``add.csv`` leaves those facts as the tracker holds them, and an
entry whose remarks are cut at 1,000 characters with no spill-over row to complete them keeps the remarks
(and the facts read from them) the tracker holds, when the spill-over file is absent or lacks its end
marker (a cut spill-over file proves nothing by a missing row). The run's warnings say what was kept.

End markers: every file OFAC publishes ends with 0x1A (checked on the sets in
``$TRACKER_DATA_DIR/ofac/``: ``sdn_2024-07-02``, ``sdn_2025-12-24_partial``, ``consolidated_2025-12-19``).
A main, address or alias file without it may have been cut at a line end, which no other check sees
(a cut main file delists every entry after the cut; a cut alias or address file drops those facts): it is
listed in ``ParsedSource.end_marker_missing`` and the import refuses it unless a person vouches for the
files. A spill-over file without it is read, with a warning, as said above (the third-party copy of
``sdn_2021-06-29/sdn_comments.csv`` lost its marker).

Format facts relied on here, from OFAC's data specification (``dat_spec.txt``, "FORMAT SDN CSV" and
"SPILLOVER FILES", updated 09/25/2023) and checked on the real files in ``$TRACKER_DATA_DIR/ofac/`` and
``$TRACKER_DATA_DIR/ofac/``:

* no header row; 12 columns in the main file, 6 in the address file, 5 in the alias file and 2 in
  the spill-over file (``ent_num``, continuation text);
* records end with CRLF and OFAC's files end with one line holding only the ASCII SUB byte 0x1A
  (some third-party copies lost it);
* text is quoted, null is ``-0-`` followed by a space, unquoted (compared after ``strip()``);
* the type column is ``individual``, ``vessel``, ``aircraft``, or null for an entity;
* the program column holds every tag joined by ``"] ["`` with the outer brackets removed
  (``SDGT] [IFSR``); tags are kept exactly as published, spaces included (``CAATSA - RUSSIA``);
* remarks are cut at exactly 1,000 characters, mid-word, and continue in the spill-over file, to be
  joined with no separator (``sdn_comments.csv`` of 2021-06-29, entry 12300: ``...Linked To: PROMO
  RAI`` + ``Z S.A.S.; ...``).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import Counter
from collections.abc import Iterator
from typing import ClassVar

from importers.records import (
    PART_ADDRESSES,
    PART_FACTS,
    PART_LISTED_ALIASES,
    PART_REMARKS,
    PARTS,
    AddressRecord,
    AliasRecord,
    CountryRoleRecord,
    DesigneeRecord,
    ParsedSource,
)
from importers.remarks import RemarksResult, parse_remarks
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError

NULL = "-0-"
EOF_MARKER = "\x1a"
REMARKS_LIMIT = 1000  # OFAC's maximum remarks length in the main file; longer remarks spill over
EXAMPLES = 3  # examples quoted in one warning

MAIN_COLUMNS = 12
ADDRESS_COLUMNS = 6
ALIAS_COLUMNS = 5
COMMENTS_COLUMNS = 2

# What a file with this many columns is, to name the likely mix-up in an error.
_LAYOUTS = {
    MAIN_COLUMNS: "a list file (sdn.csv, cons_prim.csv)",
    ADDRESS_COLUMNS: "an address file (add.csv, cons_add.csv)",
    ALIAS_COLUMNS: "an alias file (alt.csv, cons_alt.csv)",
    COMMENTS_COLUMNS: "a remarks spill-over file (sdn_comments.csv, cons_comments.csv)",
}
_COLUMNS_BY_NAME = {
    "sdn.csv": MAIN_COLUMNS,
    "cons_prim.csv": MAIN_COLUMNS,
    "add.csv": ADDRESS_COLUMNS,
    "cons_add.csv": ADDRESS_COLUMNS,
    "alt.csv": ALIAS_COLUMNS,
    "cons_alt.csv": ALIAS_COLUMNS,
    "sdn_comments.csv": COMMENTS_COLUMNS,
    "cons_comments.csv": COMMENTS_COLUMNS,
}
_KINDS = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft", "": "entity"}
_ALIAS_KINDS = frozenset({"aka", "fka", "nka"})
# Control bytes never found in a text CSV (tab, LF and CR are fine; 0x1A only as the last byte).
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_end_marker(data: bytes) -> bool:
    """Whether a file ends with OFAC's end-of-file byte 0x1A (the last byte of every file OFAC publishes)."""
    return data.endswith(EOF_MARKER.encode())


def value(field: str) -> str:
    """A field's value: the null marker ``-0- `` becomes ``""``; anything else is kept as published."""
    return "" if field.strip() == NULL else field


def split_programs(field: str) -> tuple[str, ...]:
    """``"SDGT] [IFSR"`` -> ``("SDGT", "IFSR")``; spaces inside a tag are kept (``CAATSA - RUSSIA``)."""
    text = value(field).strip()
    if not text:
        return ()
    text = text.removeprefix("[").removesuffix("]")
    return tuple(tag.strip() for tag in text.split("] [") if tag.strip())


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_csv(data: bytes, filename: str, warnings: list[str] | None = None) -> str:
    """Check that ``data`` is a text CSV of OFAC's kind and decode it.

    1. Empty input, or a control byte other than tab/CR/LF (a final 0x1A excepted), is a
       ``SourceError``: the file is empty or not text (a PNG, a zip, random bytes).
    2. The bytes are decoded as UTF-8 (all of OFAC's files so far are ASCII). If that fails they are
       decoded as Windows-1252 with a warning; if that fails too, ``SourceError`` names the line.
    """
    if not data:
        raise SourceError(f"{filename} is empty")
    body = data[:-1] if data.endswith(EOF_MARKER.encode()) else data
    if match := _BINARY.search(body):
        raise SourceError(
            f"{filename} is not a CSV text file: control byte 0x{match.group()[0]:02X} on line "
            f"{_line_of(data, match.start())}"
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = _line_of(data, exc.start)
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SourceError(
                f"{filename} line {line}: byte 0x{data[exc.start]:02X} is neither UTF-8 nor Windows-1252 text"
            ) from None
        if warnings is not None:
            warnings.append(f"{filename} is not UTF-8 (first bad byte on line {line}); decoded as Windows-1252")
        return text


def _expected_columns(filename: str) -> int:
    return _COLUMNS_BY_NAME.get(filename.rsplit("/", 1)[-1], MAIN_COLUMNS)


def sdn_csv_lines(
    data: bytes, filename: str, *, columns: int | None = None, warnings: list[str] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """Read an OFAC legacy CSV strictly, yielding ``(line number, fields)`` for each record.

    ``columns`` defaults to the layout of the file name (``add.csv`` 6, ``alt.csv`` 5,
    ``sdn_comments.csv`` 2, anything else 12). Raises ``SourceError``, naming the file and line, on:
    an empty or binary file, undecodable bytes, a file cut in the middle of a record (no line end
    and no 0x1A marker, or an unclosed quote), a wrong column count (naming the file it looks like),
    or a first column that is not a number. The 0x1A line and blank lines are skipped.
    """
    expected = columns or _expected_columns(filename)
    text = decode_csv(data, filename, warnings)
    has_marker = text.endswith(EOF_MARKER)
    if has_marker:
        text = text[: -len(EOF_MARKER)]
        if text and not text.endswith("\n"):
            raise SourceError(f"{filename}: the 0x1A end-of-file marker is not on a line of its own")
    elif not text.endswith("\n"):
        raise SourceError(
            f"{filename} line {text.count(chr(10)) + 1}: the file ends inside a record "
            "(no final line break and no 0x1A end-of-file marker): it looks truncated"
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            hint = " (unclosed quote: the file looks truncated)" if "end of data" in str(exc) else ""
            raise SourceError(f"{filename} line {start}: not valid CSV: {exc}{hint}") from None
        line = start
        if not row:
            continue
        if len(row) != expected:
            looks = _LAYOUTS.get(len(row), "")
            raise SourceError(
                f"{filename} line {line}: expected {expected} columns, found {len(row)}"
                + (f"; this looks like {looks}" if looks else "")
            )
        if not row[0].isascii() or not row[0].isdigit():
            raise SourceError(f"{filename} line {line}: entry number {row[0][:40]!r} is not a number")
        yield line, row


def sdn_csv_rows(
    data: bytes, filename: str, *, columns: int | None = None, warnings: list[str] | None = None
) -> Iterator[list[str]]:
    """The records of an OFAC legacy CSV, read strictly (see ``sdn_csv_lines``), as lists of fields."""
    for _line, row in sdn_csv_lines(data, filename, columns=columns, warnings=warnings):
        yield row


def _examples(values: list[str]) -> str:
    shown = ", ".join(values[:EXAMPLES])
    return f"e.g. {shown}" if shown else ""


class _OfacCsvSource(SourceAdapter):
    """Shared parser of OFAC's legacy CSV layout; subclasses name the four files."""

    main_file: ClassVar[str]
    address_file: ClassVar[str]
    alias_file: ClassVar[str]
    comments_file: ClassVar[str]
    end_marker = EOF_MARKER.encode()

    def parse(
        self, raw: RawBundle, *, as_of: datetime.date | None = None, skip: frozenset[str] = frozenset()
    ) -> ParsedSource:
        """Parse the bundle into one ``DesigneeRecord`` per entry of the main file (but those of ``skip``,
        entry numbers a caller already has from elsewhere, which are read but not built).

        1. Read the main file; a duplicate entry number is an error, an entry of unknown type or
           without a name is skipped with a warning.
        2. Append spill-over text to remarks exactly 1,000 characters long; skip (and count) other
           spill-over rows.
        3. Attach addresses and aliases; rows for entries not in the main file are skipped and
           counted, with one summary warning per file.
        4. Parse each entry's remarks and build the record, naming the parts its input did not cover
           (module docstring): the aliases or addresses of a file not given, and the remarks and facts
           of remarks cut at 1,000 characters that no trustworthy spill-over file completes.
        5. List the files without their 0x1A end marker.
        """
        for name in self.required_files:
            if name not in raw:
                raise SourceError(f"{self.slug}: required file {name} is missing (got: {', '.join(sorted(raw))})")
        parsed = ParsedSource(published_on=as_of)
        warnings = parsed.warnings
        ignored = sorted(set(raw) - set(self.files))
        if ignored:
            warnings.append(f"{self.slug}: ignored files not part of this list: {', '.join(ignored)}")
        skipped: Counter[str] = Counter()
        rows_read: Counter[str] = Counter()
        parsed.end_marker_missing = [
            name
            for name in (self.main_file, self.address_file, self.alias_file)
            if name in raw and not has_end_marker(raw[name])
        ]
        uncovered = tuple(
            part
            for part, name in ((PART_LISTED_ALIASES, self.alias_file), (PART_ADDRESSES, self.address_file))
            if name not in raw
        )
        parsed.covers = tuple(part for part in PARTS if part not in uncovered)
        if self.alias_file not in raw:
            warnings.append(
                f"{self.alias_file} is not in the input: the aliases it numbers are kept as the tracker holds them "
                "(only the weak a.k.a.s read from remarks are updated)"
            )
        if self.address_file not in raw:
            warnings.append(
                f"{self.address_file} is not in the input: addresses, and the address countries they give, are "
                "kept as the tracker holds them"
            )

        entries = self._read_main(raw[self.main_file], warnings, skipped, rows_read)
        remarks = {uid: value(row[11]) for uid, (_line, row) in entries.items()}
        comment_stats = self._append_comments(raw, remarks, warnings, skipped, rows_read)
        addresses, empty_addresses, spoken = self._read_addresses(raw, entries, warnings, skipped, rows_read)
        aliases = self._read_aliases(raw, entries, warnings, skipped, rows_read)
        # OFAC's address file has a row for every entry of its list (an all-null one for an entry without an
        # address). An entry it has no row for is not on the list the address and alias files were published
        # with (a bundle of files of different dates): those files say nothing about its addresses or aliases.
        unspoken: set[str] = set()
        if self.address_file in raw and spoken:
            unspoken = {uid for uid in entries if uid not in spoken and uid not in skip}
        if unspoken:
            files = " and ".join(name for name in (self.address_file, self.alias_file) if name in raw)
            warnings.append(
                f"{self.address_file} has no row for {len(unspoken):,} entries of {self.main_file} (it has one for "
                f"every entry of the list it was published with): {files} say nothing about them, so their "
                f"addresses and numbered aliases are kept as the tracker holds them, "
                f"{_examples(sorted(unspoken, key=int))}"
            )

        # Remarks cut at 1,000 characters that nothing completed: without a spill-over file we can trust
        # (given, and ending with its marker) they are only the start of the remarks.
        cut = [uid for uid, (_line, row) in entries.items() if len(value(row[11])) == REMARKS_LIMIT]
        not_continued = [uid for uid in cut if remarks[uid] == value(entries[uid][1][11])]
        comments = raw.get(self.comments_file)
        trusted_comments = comments is not None and has_end_marker(comments)
        incomplete = set() if trusted_comments else set(not_continued)

        types: Counter[str] = Counter()
        programs: Counter[str] = Counter()
        items = unparsed = 0
        unparsed_examples: list[str] = []
        for uid, (_line, row) in entries.items():
            if uid in skip:
                continue
            kind = _KINDS[value(row[2]).strip()]
            result = parse_remarks(remarks[uid], title=value(row[4]), kind=kind)
            record_uncovered = uncovered
            if uid in unspoken:
                gone = {*record_uncovered, PART_LISTED_ALIASES, PART_ADDRESSES}
                record_uncovered = tuple(p for p in PARTS if p in gone)
            if uid in incomplete:
                record_uncovered = tuple(p for p in PARTS if p in {*record_uncovered, PART_REMARKS, PART_FACTS})
            record = _build_record(
                uid,
                kind,
                row,
                remarks[uid],
                result,
                addresses.get(uid, []),
                aliases.get(uid, []),
                uncovered=record_uncovered,
            )
            parsed.records.append(record)
            types[kind] += 1
            programs.update(record.programs)
            items += result.items
            unparsed += len(result.unparsed)
            unparsed_examples.extend(f"{uid}: {item[:80]!r}" for item in result.unparsed[: EXAMPLES - 1])

        share = unparsed / items if items else 0.0
        if unparsed:
            warnings.append(
                f"{self.main_file}: {unparsed:,} of {items:,} remarks items ({share:.2%}) were not recognised "
                f"and are kept as unparsed text, {_examples(unparsed_examples)}"
            )
        if incomplete:
            why = "is not in the input" if comments is None else "has no 0x1A end marker (it may be cut short)"
            warnings.append(
                f"{self.comments_file} {why}: {len(incomplete):,} entries whose remarks in {self.main_file} are cut "
                f"at {REMARKS_LIMIT:,} characters keep the remarks, and the facts read from them, that the tracker "
                f"holds (entries new to it get the cut remarks), {_examples(sorted(incomplete, key=int))}"
            )
        elif comments is not None and not has_end_marker(comments):
            warnings.append(
                f"{self.comments_file} has no 0x1A end marker; it completed every remarks cut at {REMARKS_LIMIT:,} "
                f"characters in {self.main_file}, so none was left incomplete"
            )
        if not_continued and not incomplete:
            warnings.append(
                f"{self.main_file}: {len(not_continued):,} entries have remarks cut at {REMARKS_LIMIT:,} "
                f"characters and no continuation in {self.comments_file}, {_examples(not_continued)}"
            )
        parsed.stats = {
            "entries": len(parsed.records),
            "types": {kind: types[kind] for kind in ("individual", "entity", "vessel", "aircraft")},
            "programs": dict(sorted(programs.items())),
            "remarks_items": items,
            "remarks_unparsed": unparsed,
            "remarks_unparsed_share": round(share, 6),
            "rows": {name: rows_read[name] for name in self.files if name in raw},
            "skipped_rows": {name: skipped[name] for name in self.files if name in raw},
            "remarks_cut": len(cut),
            "remarks_cut_not_continued": len(not_continued),
            "remarks_kept_as_held": len(incomplete),
            "covers": list(parsed.covers),
            "files_without_end_marker": list(parsed.end_marker_missing),
            "empty_addresses": empty_addresses,
            "entries_without_address_row": len(unspoken),
            **comment_stats,
        }
        return parsed

    def _read_main(
        self, data: bytes, warnings: list[str], skipped: Counter[str], rows_read: Counter[str]
    ) -> dict[str, tuple[int, list[str]]]:
        name = self.main_file
        entries: dict[str, tuple[int, list[str]]] = {}
        bad: list[str] = []
        for line, row in sdn_csv_lines(data, name, columns=MAIN_COLUMNS, warnings=warnings):
            rows_read[name] += 1
            uid = row[0]
            if uid in entries:
                raise SourceError(f"{name} line {line}: entry {uid} appears twice (first on line {entries[uid][0]})")
            sdn_type = value(row[2]).strip()
            if sdn_type not in _KINDS:
                bad.append(f"line {line} entry {uid} type {sdn_type[:20]!r}")
                continue
            if not value(row[1]).strip():
                bad.append(f"line {line} entry {uid} without a name")
                continue
            entries[uid] = (line, row)
        if not entries and not bad:
            raise SourceError(f"{name} holds no entries")
        if bad:
            skipped[name] += len(bad)
            warnings.append(f"{name}: {len(bad):,} entries skipped (unknown type or no name), {_examples(bad)}")
        return entries

    def _append_comments(
        self,
        raw: RawBundle,
        remarks: dict[str, str],
        warnings: list[str],
        skipped: Counter[str],
        rows_read: Counter[str],
    ) -> dict[str, int]:
        """Join spill-over text onto remarks cut at 1,000 characters; count the rest."""
        name = self.comments_file
        stats = {"comments_appended": 0, "comments_not_truncated": 0, "comments_orphans": 0}
        if name not in raw:
            return stats
        orphans: list[str] = []
        not_cut: list[str] = []
        original = dict(remarks)
        for _line, row in sdn_csv_lines(raw[name], name, columns=COMMENTS_COLUMNS, warnings=warnings):
            rows_read[name] += 1
            uid, text = row[0], value(row[1])
            if uid not in remarks:
                orphans.append(uid)
            elif len(original[uid]) != REMARKS_LIMIT:
                # A continuation of remarks that are not cut belongs to another version of the list
                # (the seed pairs a 2024 sdn.csv with 2025 spill-over rows): appending it would graft
                # another date's text onto this entry.
                not_cut.append(uid)
            else:
                remarks[uid] += text
                stats["comments_appended"] += 1
        stats["comments_orphans"], stats["comments_not_truncated"] = len(orphans), len(not_cut)
        skipped[name] += len(orphans) + len(not_cut)
        if orphans:
            warnings.append(
                f"{name}: {len(orphans):,} rows for entries not in {self.main_file} skipped, {_examples(orphans)}"
            )
        if not_cut:
            warnings.append(
                f"{name}: {len(not_cut):,} rows skipped because the entry's remarks in {self.main_file} are not "
                f"cut at {REMARKS_LIMIT:,} characters (files of different dates?), {_examples(not_cut)}"
            )
        return stats

    def _read_addresses(
        self,
        raw: RawBundle,
        entries: dict[str, tuple[int, list[str]]],
        warnings: list[str],
        skipped: Counter[str],
        rows_read: Counter[str],
    ) -> tuple[dict[str, list[AddressRecord]], int, set[str]]:
        """The addresses by entry, how many rows were all null, and the entries the file has a row for."""
        name = self.address_file
        addresses: dict[str, list[AddressRecord]] = {}
        empty = 0
        spoken: set[str] = set()
        if name not in raw:
            return addresses, empty, spoken
        seen: dict[str, int] = {}
        orphans: list[str] = []
        for line, row in sdn_csv_lines(raw[name], name, columns=ADDRESS_COLUMNS, warnings=warnings):
            rows_read[name] += 1
            uid, add_num = row[0], row[1]
            _check_key(name, line, "address number", add_num, seen)
            if uid not in entries:
                orphans.append(uid)
                continue
            spoken.add(uid)
            street, city, country, remarks = (value(field).strip() for field in row[2:6])
            if not (street or city or country or remarks):
                empty += 1  # OFAC writes an all-null address row for entries with no address
                continue
            record = AddressRecord(street=street, city=city, country=country, remarks=remarks, source_uid=add_num)
            addresses.setdefault(uid, []).append(record)
        _orphan_warning(name, self.main_file, orphans, warnings, skipped)
        return addresses, empty, spoken

    def _read_aliases(
        self,
        raw: RawBundle,
        entries: dict[str, tuple[int, list[str]]],
        warnings: list[str],
        skipped: Counter[str],
        rows_read: Counter[str],
    ) -> dict[str, list[AliasRecord]]:
        name = self.alias_file
        aliases: dict[str, list[AliasRecord]] = {}
        if name not in raw:
            return aliases
        seen: dict[str, int] = {}
        orphans: list[str] = []
        bad: list[str] = []
        leftovers: list[str] = []
        for line, row in sdn_csv_lines(raw[name], name, columns=ALIAS_COLUMNS, warnings=warnings):
            rows_read[name] += 1
            uid, alt_num = row[0], row[1]
            _check_key(name, line, "alias number", alt_num, seen)
            if uid not in entries:
                orphans.append(uid)
                continue
            alt_type, alt_name = value(row[2]).strip(), value(row[3]).strip()
            if alt_type not in _ALIAS_KINDS or not alt_name:
                bad.append(f"line {line} type {alt_type[:10]!r}")
                continue
            if value(row[4]).strip():
                # The spec has an alias remarks column that is empty in every file seen; AliasRecord
                # has no place for it, so say so rather than drop it silently.
                leftovers.append(f"line {line} {value(row[4])[:60]!r}")
            aliases.setdefault(uid, []).append(AliasRecord(name=alt_name, kind=alt_type, source_uid=alt_num))
        _orphan_warning(name, self.main_file, orphans, warnings, skipped)
        if bad:
            skipped[name] += len(bad)
            warnings.append(f"{name}: {len(bad):,} aliases skipped (unknown alias type or no name), {_examples(bad)}")
        if leftovers:
            warnings.append(f"{name}: {len(leftovers):,} alias remarks not imported, {_examples(leftovers)}")
        return aliases


def _check_key(filename: str, line: int, label: str, key: str, seen: dict[str, int]) -> None:
    if not key.isascii() or not key.isdigit():
        raise SourceError(f"{filename} line {line}: {label} {key[:40]!r} is not a number")
    if key in seen:
        raise SourceError(f"{filename} line {line}: {label} {key} appears twice (first on line {seen[key]})")
    seen[key] = line


def _orphan_warning(
    filename: str, main_file: str, orphans: list[str], warnings: list[str], skipped: Counter[str]
) -> None:
    if not orphans:
        return
    skipped[filename] += len(orphans)
    distinct = list(dict.fromkeys(orphans))
    warnings.append(
        f"{filename}: {len(orphans):,} rows for {len(distinct):,} entries not in {main_file} skipped, "
        f"{_examples(distinct)}"
    )


def _build_record(
    uid: str,
    kind: str,
    row: list[str],
    remarks: str,
    result: RemarksResult,
    addresses: list[AddressRecord],
    aliases: list[AliasRecord],
    *,
    uncovered: tuple[str, ...] = (),
) -> DesigneeRecord:
    """One entry: the columns of the main file, its remarks parsed, its addresses and aliases."""
    call_sign, vessel_type, tonnage, grt, vessel_flag, vessel_owner = (value(field).strip() for field in row[5:11])
    countries = list(result.countries)
    if vessel_flag:
        countries.append(CountryRoleRecord(country=vessel_flag, role="flag"))
    countries.extend(CountryRoleRecord(country=a.country, role="address") for a in addresses if a.country)
    return DesigneeRecord(
        source_uid=uid,
        kind=kind,
        name=value(row[1]).strip(),
        programs=split_programs(row[3]),
        title=value(row[4]).strip(),
        gender=result.gender,
        remarks=remarks,
        call_sign=call_sign or result.call_sign,
        vessel_type=vessel_type or result.vessel_type,
        vessel_flag=vessel_flag or result.vessel_flag,
        vessel_owner=vessel_owner,
        tonnage=tonnage,
        gross_registered_tonnage=grt,
        aircraft_model=result.aircraft_model,
        aircraft_operator=result.aircraft_operator,
        aliases=(*aliases, *result.aliases),
        identifiers=result.identifiers,
        addresses=tuple(addresses),
        birth_dates=result.birth_dates,
        places_of_birth=result.places_of_birth,
        countries=tuple(dict.fromkeys(countries)),
        relationships=result.relationships,
        statements=result.statements,
        unparsed=result.unparsed,
        facts=result.facts,
        uncovered=uncovered,
    )


@register
class OfacSdnCsvSource(_OfacCsvSource):
    """OFAC's Specially Designated Nationals list, legacy CSV files."""

    slug = "ofac-sdn"
    name = "OFAC SDN list (CSV)"
    url = "https://www.treasury.gov/ofac/downloads/sdn.csv"
    list_source = "ofac-sdn"
    is_complete_snapshot = True
    min_records = 5000
    files = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    required_files = ("sdn.csv",)
    main_file, address_file, alias_file, comments_file = files
    part_files = {PART_LISTED_ALIASES: "alt.csv", PART_ADDRESSES: "add.csv"}


@register
class OfacConsolidatedSource(_OfacCsvSource):
    """OFAC's consolidated non-SDN list (SSI, NS-MBS, CMIC, ...), legacy CSV files."""

    slug = "ofac-consolidated"
    name = "OFAC consolidated non-SDN list (CSV)"
    url = "https://www.treasury.gov/ofac/downloads/consolidated/cons_prim.csv"
    list_source = "ofac-consolidated"
    is_complete_snapshot = True
    min_records = 100
    files = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    required_files = ("cons_prim.csv",)
    main_file, address_file, alias_file, comments_file = files
    part_files = {PART_LISTED_ALIASES: "cons_alt.csv", PART_ADDRESSES: "cons_add.csv"}
