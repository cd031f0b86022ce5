"""OFSI's Consolidated List of Financial Sanctions Targets, as a table: shared by the xlsx and CSV parsers.

Layout (OFSI ConList.xlsx of 14/04/2025, ``$TRACKER_DATA_DIR/allied/uk/ofsi-conlist_2025-04-14``; the
CSV has the same rows and columns):

* row 1 is a banner, ``Last Updated | 14/04/2025``; row 2 the header of 36 columns (``COLUMNS``);
* one row per name *and* regime: a designee has one row for each of its names (``Alias Type``: Primary
  name, Primary name variation, AKA, FKA) under each regime it is listed under, all with the same
  ``Group ID``. Group 13919 (Viktor LUKASHENKO) has its 13 names twice, under "Belarus" and under
  "Global Human Rights"; a designee with several dates of birth repeats its rows per date;
* names come in parts, ``Name 1``..``Name 5`` then ``Name 6`` (the surname, or the whole name of an entity);
  a name in another script has its own column, with a script label this parser does not keep (OFSI's
  labels include "Cryillic" and "Cyrilic"): the script is read from the characters;
* dates are dd/mm/yyyy; a DOB may be partial: ``00/00/1958``, ``00/01/1958``, ``01/1958`` or ``1958``;
* several values in one cell are numbered: ``(1) Germany. (2) Morocco``;
* ``Other Information`` carries labelled parts: ``(UK Sanctions List Ref):GHR0078. (UK Statement of
  Reasons):... (Gender):Male``; a designee under two regimes has both references, ``BEL0045 and GHR0077``;
* three dates per regime: ``UK Sanctions List Date Designated`` (the UK designation date, the same as the
  UK Sanctions List's "Date Designated"), ``Listed On`` (when OFSI's list took the entry in: 06/03/2014
  for GHR0072, an EU-era listing the UK designated again on 31/12/2020; a day after the designation for
  the GHR entries of 07/12/2023) and ``Last Updated``.

One record per Group ID (the designee), one designation per regime. The list closed on 28 January 2026,
when the FCDO's UK Sanctions List replaced it (PROVENANCE.md); this format is historical.
"""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections import Counter, defaultdict

from allies.dates import parse_day, uk_birth_date
from allies.parsers.common import (
    Regimes,
    cell,
    finish,
    gender,
    join_name,
    other_names,
    script_of,
    split_numbered,
    unique,
)
from allies.records import (
    AddressRecord,
    AlliedDesignation,
    AlliedRecord,
    IdentifierRecord,
    ListingDate,
    NameRecord,
    ParsedAlliedSource,
    PlaceOfBirthRecord,
)
from importers.sources.base import SourceError

PUBLISHER = "uk"
LIST_SLUG = "uk-ofsi-conlist"

NAME_FIELDS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
ADDRESS_FIELDS = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5")
COLUMNS = (
    "Name 6", "Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Title", "Name Non-Latin Script",
    "Non-Latin Script Type", "Non-Latin Script Language", "DOB", "Town of Birth", "Country of Birth",
    "Nationality", "Passport Number", "Passport Details", "National Identification Number",
    "National Identification Details", "Position", "Address 1", "Address 2", "Address 3", "Address 4",
    "Address 5", "Address 6", "Post/Zip Code", "Country", "Other Information", "Group Type", "Alias Type",
    "Alias Quality", "Regime", "Listed On", "UK Sanctions List Date Designated", "Last Updated", "Group ID",
)  # fmt: skip
GROUP_TYPES = {"individual": "individual", "entity": "entity", "ship": "vessel"}
ALIAS_TYPES = {
    "primary name": "primary",
    "primary name variation": "primary_variation",
    "aka": "alias",
    "fka": "former",
}
# The labels OFSI puts in "Other Information" (every one seen in the 14/04/2025 list). Text in parentheses
# before a colon that is not one of them ("(2022):") stays part of the text around it.
OTHER_LABELS = (
    "UK Sanctions List Ref", "UK Statement of Reasons", "UN Ref", "Gender", "Phone number", "Email address",
    "Type of entity", "Website", "Parent company", "Business Reg No", "Subsidiaries", "IMO number",
    "Flag of ship", "Type of ship", "Tonnage of ship", "Length of ship", "Year built", "Current owners",
    "Fax", "Previous flags", "non-Latin script", "Tel",
)  # fmt: skip
_LABEL = re.compile(r"\((" + "|".join(re.escape(label) for label in OTHER_LABELS) + r")\):")
# UK Sanctions List references: three letters and four digits ("GHR0078", "BEL0047 and GHR0051. Listed ...").
_REFERENCE = re.compile(r"\b[A-Z]{3}\d{4}\b")
# UN references: "QDi.042", "TAe.010", "KPi.033" (UN Security Council committee reference numbers).
_UN_REFERENCE = re.compile(r"\b[A-Z]{2,3}[a-z]\.\d{3}\b")


def _text(value: object) -> str:
    """A cell as OFSI's text: strings stripped, a date cell written dd/mm/yyyy as in the rest of the file."""
    if type(value) is str:
        return value.strip()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return cell(value)


@functools.lru_cache(maxsize=4096)
def _day(raw: str) -> datetime.date | None:
    """A dd/mm/yyyy date (the lists repeat a few thousand distinct dates over 18,000 rows)."""
    return parse_day(raw) if raw else None


def labelled_parts(text: str) -> dict[str, list[str]]:
    """ "(UK Sanctions List Ref):GHR0078. (Gender):Male" -> {"UK Sanctions List Ref": ["GHR0078"], ...}."""
    parts: dict[str, list[str]] = defaultdict(list)
    matches = list(_LABEL.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip()
        if match.group(1) in {"UK Sanctions List Ref", "UN Ref", "Gender"}:
            value = value.rstrip(". ")
        if value:
            parts[match.group(1)].append(value)
    return parts


def find_header(rows: list[list[object]], *, what: str) -> tuple[int, list[str], datetime.date | None]:
    """The header row's index and cells, and the banner's date; ``SourceError`` for another table."""
    for index, row in enumerate(rows[:2]):
        cells = [cell(value) for value in row]
        if "Group ID" in cells and "Regime" in cells:
            published = None
            if index == 1 and cell(rows[0][0]).casefold() == "last updated" and len(rows[0]) > 1:
                published = _day(_text(rows[0][1]))
            return index, cells, published
    raise SourceError(
        f"{what}: no OFSI Consolidated List header (with 'Group ID' and 'Regime') in the first two rows: "
        "a different sheet, list or file?"
    )


def parse_table(rows: list[list[object]], *, what: str, source: str) -> ParsedAlliedSource:
    """Read OFSI's table (banner, header, one row per name and regime) into one record per Group ID.

    1. Find the header; every column of ``COLUMNS`` must be there (``SourceError`` otherwise), and any
       other column is reported as a warning.
    2. Group the rows by Group ID, keeping file order; a row without one is skipped with a warning.
    3. Build each record from its rows (``_record``); a group that cannot be read is skipped with a warning.
    """
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    header_at, header, result.published_on = find_header(rows, what=what)
    if header_at == 0:
        result.warnings.append(f"{what}: no 'Last Updated' banner row above the header; the list has no date")
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise SourceError(f"{what}: the header lacks the column(s) {', '.join(missing)}: not OFSI's layout")
    index = {name: header.index(name) for name in COLUMNS}
    pick = operator.itemgetter(*index.values())
    for name in header:
        if name and name not in index:
            unknown[name] += 1
    width = len(header)

    groups: dict[str, list[dict[str, object]]] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        texts = [value.strip() if value.__class__ is str else _text(value) for value in row]
        if not any(texts):
            continue
        stats["rows"] += 1
        if len(texts) < width:
            texts += [""] * (width - len(texts))
        values = dict(zip(COLUMNS, pick(texts), strict=True))
        group_id = values["Group ID"]
        if not group_id:
            stats["skipped_rows"] += 1
            result.warnings.append(f"{what}: skipped row {number}, which has no Group ID")
            continue
        groups.setdefault(group_id, []).append(values)

    regime_table = Regimes(PUBLISHER, what)
    for group_id, group_rows in groups.items():
        try:
            record = _record(
                group_id, group_rows, regime_table, source=source, stats=stats, warnings=result.warnings, what=what
            )
        except ValueError as exc:
            stats["skipped_groups"] += 1
            result.warnings.append(f"{what}: skipped Group ID {group_id}: {exc}")
            continue
        result.records.append(record)
    stats["groups"] = len(groups)
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=what)


def _names(rows: list[dict[str, object]], stats: Counter) -> tuple[NameRecord | None, list[NameRecord]]:
    names: dict[tuple[str, str, str], NameRecord] = {}
    for row in rows:
        parts = tuple((field, row[field]) for field in NAME_FIELDS if row[field])
        if not parts:
            continue
        alias_type = row["Alias Type"]
        kind = ALIAS_TYPES.get(alias_type.casefold())
        if kind is None:
            stats["unknown_alias_types"] += 1
            kind = "alias"
        quality = row["Alias Quality"]
        name = join_name(value for _, value in parts)
        key = (name, kind, quality)
        if key not in names:
            names[key] = NameRecord(
                name=name,
                kind=kind,
                parts=parts,
                quality=quality,
                weak=quality.casefold().startswith("low"),
                script=script_of(name),
            )
    ordered = list(names.values())
    primary = next((name for name in ordered if name.kind == "primary"), None)
    return primary, list(other_names(ordered, primary)) if primary else ordered


def _places(town: str, country: str) -> list[PlaceOfBirthRecord]:
    towns, countries = split_numbered(town), split_numbered(country)
    if towns and len(towns) == len(countries):
        pairs = list(zip(towns, countries, strict=True))
    elif towns and len(countries) <= 1:
        pairs = [(item, countries[0] if countries else "") for item in towns]
    elif not towns:
        pairs = [("", item) for item in countries]
    else:  # the numbering does not line up: keep each cell whole
        pairs = [(town, country)]
    return [
        PlaceOfBirthRecord(place=", ".join(part for part in pair if part), country=pair[1])
        for pair in pairs
        if any(pair)
    ]


def _identifiers(kind: str, numbers: str, details: str) -> list[IdentifierRecord]:
    values, notes = split_numbered(numbers), split_numbered(details)
    if len(values) == len(notes):
        return [IdentifierRecord(kind=kind, value=value, note=note) for value, note in zip(values, notes, strict=True)]
    return [IdentifierRecord(kind=kind, value=value, note=details) for value in values]


def _record(
    group_id: str,
    rows: list[dict[str, object]],
    regime_table: Regimes,
    *,
    source: str,
    stats: Counter,
    warnings: list[str],
    what: str,
) -> AlliedRecord:
    group_types = unique(row["Group Type"] for row in rows)
    if not group_types or group_types[0].casefold() not in GROUP_TYPES:
        raise ValueError(f"unknown Group Type {group_types[0] if group_types else ''!r}")
    if len(group_types) > 1:
        stats["mixed_group_types"] += 1
    kind = GROUP_TYPES[group_types[0].casefold()]

    primary, aliases = _names(rows, stats)
    if primary is None:
        if not aliases:
            raise ValueError("no name")
        stats["without_primary_name"] += 1
        primary, aliases = aliases[0], list(other_names(aliases, aliases[0]))

    non_latin: dict[str, NameRecord] = {}
    for row in rows:
        text = row["Name Non-Latin Script"]
        if text and text not in non_latin:
            non_latin[text] = NameRecord(
                name=text,
                kind="original_script",
                script=script_of(text),
                language=row["Non-Latin Script Language"],
            )

    other_texts = unique(row["Other Information"] for row in rows)
    labelled: dict[str, list[str]] = defaultdict(list)
    for text in other_texts:
        for label, values in labelled_parts(text).items():
            labelled[label].extend(values)
    refs = unique(ref for value in labelled["UK Sanctions List Ref"] for ref in _REFERENCE.findall(value))

    by_regime: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        by_regime.setdefault(row["Regime"], []).append(row)
    if "" in by_regime:
        raise ValueError("a row has no Regime")
    matches = {regime: regime_table.match(regime) for regime in by_regime}
    # Each designation's reference: the one with its regime's prefix ("GHR0051" for Global Human Rights);
    # then, when one regime and one reference are left ("BEL0047"), they belong together.
    references_by_regime = {}
    for regime, match in matches.items():
        prefix = match.regime.reference_prefix if match.regime else ""
        references_by_regime[regime] = next((ref for ref in refs if prefix and ref.startswith(prefix)), "")
    left_regimes = [regime for regime, ref in references_by_regime.items() if not ref]
    left_refs = [ref for ref in refs if ref not in references_by_regime.values()]
    if len(left_regimes) == 1 and len(left_refs) == 1:
        references_by_regime[left_regimes[0]] = left_refs[0]

    designations = []
    for regime, regime_rows in by_regime.items():
        dates = []
        for column, date_kind in (
            ("UK Sanctions List Date Designated", "listed"),
            ("Listed On", "first_listed"),
            ("Last Updated", "last_updated"),
        ):
            values = unique(row[column] for row in regime_rows)
            if len(values) > 1:
                stats[f"conflicting_{date_kind}"] += 1
                warnings.append(
                    f"{what}: Group ID {group_id} ({regime}): {column} differs between rows {values}; first kept"
                )
            raw = regime_rows[0][column]
            day = _day(raw)
            if day is not None:
                dates.append(ListingDate(kind=date_kind, date=day, raw=raw))
            elif raw:
                stats[f"unreadable_{date_kind}"] += 1
        designations.append(
            AlliedDesignation(
                regime=regime,
                regime_code=matches[regime].code,
                reference=references_by_regime[regime],
                dates=tuple(dates),
            )
        )

    birth_dates = [uk_birth_date(value) for value in unique(row["DOB"] for row in rows)]
    places = unique_records(
        place
        for town, country in dict.fromkeys((row["Town of Birth"], row["Country of Birth"]) for row in rows)
        for place in _places(town, country)
    )
    id_cells = dict.fromkeys(
        (kind_, row[numbers], row[details])
        for row in rows
        for kind_, numbers, details in (
            ("Passport", "Passport Number", "Passport Details"),
            ("National Identification Number", "National Identification Number", "National Identification Details"),
        )
        if row[numbers]
    )
    identifiers = unique_records(
        identifier for kind_, numbers, details in id_cells for identifier in _identifiers(kind_, numbers, details)
    )
    identifiers += tuple(IdentifierRecord(kind="IMO number", value=value) for value in unique(labelled["IMO number"]))
    address_cells = dict.fromkeys(
        tuple(row[field] for field in (*ADDRESS_FIELDS, "Address 6", "Post/Zip Code", "Country")) for row in rows
    )
    addresses = tuple(
        AddressRecord(
            street=", ".join(part for part in address[:5] if part),
            city=", ".join(part for part in address[5:7] if part),
            country=address[7],
        )
        for address in address_cells
        if any(address)
    )
    genders = unique(gender(value) for value in labelled["Gender"])
    references = [("ofsi_group_id", group_id)]
    references += [("uk_sanctions_list_ref", ref) for ref in refs]
    references += [
        ("un_reference", ref)
        # The value's first sentence holds the designee's references; later ones cite others ("(QDe.002)").
        for ref in unique(ref for value in labelled["UN Ref"] for ref in _UN_REFERENCE.findall(value.split(". ")[0]))
    ]
    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=source,
        source_uid=group_id,
        kind=kind,
        name=primary.name,
        name_parts=primary.parts,
        aliases=tuple(aliases),
        non_latin_names=tuple(non_latin.values()),
        birth_dates=tuple(record for record in birth_dates if record is not None),
        places_of_birth=places,
        nationalities=unique(item for row in rows for item in split_numbered(row["Nationality"])),
        identifiers=identifiers,
        addresses=addresses,
        positions=unique(item for row in rows for item in split_numbered(row["Position"])),
        titles=unique(item for row in rows for item in split_numbered(row["Title"])),
        gender=genders[0] if len(genders) == 1 else "",
        designations=tuple(designations),
        reasons="\n\n".join(unique(labelled["UK Statement of Reasons"])),
        other_information="\n\n".join(other_texts),
        references=tuple(references),
    )


def unique_records(records):
    """Equal records once, in order."""
    return tuple(dict.fromkeys(records))
