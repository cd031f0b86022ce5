"""The FCDO's UK Sanctions List, XML edition (UK-Sanctions-List.xml).

**No real copy of this file was available** (PROVENANCE.md: "What could not be found"), so this parser
follows the published description of the layout, not a file: the FCDO's format guidance (gov.uk, "UK
Sanctions List: change to the list's format", 17 February 2022) for what the fields mean, and the element
names that public readers of the file use (OpenSanctions ``datasets/gb/fcdo_sanctions/crawler.py``):

    Designations
      DateGenerated                      dd/mm/yyyy
      Designation*
        LastUpdated, DateDesignated      dd/mm/yyyy
        UniqueID, OFSIGroupID, UNReferenceNumber
        Names/Name*                      Name1..Name6, NameType, AliasStrength
        NonLatinNames/NonLatinName*      NameNonLatinScript, NonLatinScriptType, NonLatinScriptLanguage
        Titles/Title*, RegimeName, IndividualEntityShip, DesignationSource, SanctionsImposed ("a|b"),
        SanctionsImposedIndicators/*, OtherInformation, UKStatementofReasons
        Addresses/Address*               AddressLine1..6, AddressPostalCode, AddressCountry
        PhoneNumbers, EmailAddresses, Websites
        IndividualDetails/Individual     DOBs/DOB ("dd/mm/1945" for unknown parts), Nationalities,
                                         PassportDetails/Passport (PassportNumber, PassportAdditionalInformation),
                                         NationalIdentifierDetails/NationalIdentifier, Positions, Genders,
                                         BirthDetails/Location (TownOfBirth, CountryOfBirth)
        EntityDetails/Entity             TypeOfEntities, Subsidiaries, ParentCompanies, BusinessRegistrationNumbers
        ShipDetails/Ship                 IMONumbers, CurrentOwnerOperators, flags, type, tonnage, length, year

Leaf values are collected wherever they sit under a designation (readers disagree on whether ``Titles``
sits under ``Individual``); the grouped elements (Name, NonLatinName, Address, Passport,
NationalIdentifier, Location) are read as groups. Elements not listed here are reported. The tests read a
sample constructed from this layout, labelled as constructed.
"""

from __future__ import annotations

from collections import Counter

from allies.dates import parse_day
from allies.parsers import fcdo
from allies.parsers.common import RawBundle, Regimes, finish, pick_file
from allies.records import ParsedAlliedSource
from importers.xmlsafe import Element, children, iterparse, localname, release, text_of

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "parse"]

SLUG = "uk-sanctions-list-xml"
PUBLISHER, LIST_SLUG = fcdo.PUBLISHER, fcdo.LIST_SLUG

# Leaf element -> Entry list it fills.
LEAVES = {
    "OFSIGroupID": "group_ids",
    "UNReferenceNumber": "un_references",
    "Title": "titles",
    "RegimeName": "regimes",
    "IndividualEntityShip": "designation_types",
    "DesignationSource": "designation_sources",
    "SanctionsImposed": "sanctions_imposed",
    "OtherInformation": "other_information",
    "UKStatementofReasons": "reasons",
    "DateDesignated": "dates_designated",
    "LastUpdated": "last_updated",
    "DOB": "birth_dates",
    "Nationality": "nationalities",
    "Position": "positions",
    "Gender": "genders",
    "BusinessRegistrationNumber": "registration_numbers",
    "IMONumber": "imo_numbers",
}
# Containers and leaves read but not carried into records.
CONTAINERS = {
    "Names", "NonLatinNames", "Titles", "Addresses", "IndividualDetails", "Individual", "DOBs", "Nationalities",
    "PassportDetails", "NationalIdentifierDetails", "Positions", "Genders", "BirthDetails", "EntityDetails",
    "Entity", "ShipDetails", "Ship", "IMONumbers", "BusinessRegistrationNumbers", "SanctionsImposedIndicators",
    "PhoneNumbers", "EmailAddresses", "Websites", "TypeOfEntities", "Subsidiaries", "ParentCompanies",
    "CurrentOwnerOperators", "PreviousOwnerOperators", "CurrentBelievedFlagOfShips", "PreviousFlags",
    "TypeOfShipDetails", "TonnageOfShipDetails", "LengthOfShipDetails", "YearsBuilt", "HullIdentificationNumbers",
}  # fmt: skip
IGNORED = {
    "PhoneNumber", "EmailAddress", "Website", "TypeOfEntity", "Subsidiary", "ParentCompany",
    "CurrentOwnerOperator", "PreviousOwnerOperator", "CurrentBelievedFlagOfShip", "PreviousFlag", "TypeOfShip",
    "TonnageOfShip", "LengthOfShip", "YearBuilt", "HullIdentificationNumber",
}  # fmt: skip
ADDRESS = (
    "AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5", "AddressLine6",
    "AddressPostalCode", "AddressCountry",
)  # fmt: skip


def _group(element: Element, fields: tuple[str, ...], path: str, unknown: Counter) -> dict[str, str]:
    values = {name: "" for name in fields}
    for child in children(element):
        name = localname(child)
        if name in values:
            values[name] = text_of(child)
        else:
            unknown[f"{path}/{name}"] += 1
    return values


def _entry(designation: Element, unknown: Counter) -> fcdo.Entry:
    entry = fcdo.Entry()
    stack = list(reversed(children(designation)))
    while stack:
        element = stack.pop()
        name = localname(element)
        if name == "UniqueID":
            entry.unique_id = text_of(element)
        elif name == "Name":
            values = _group(element, (*(f"Name{i}" for i in range(1, 7)), "NameType", "AliasStrength"), name, unknown)
            parts = tuple((f"Name {i}", values[f"Name{i}"]) for i in range(1, 7) if values[f"Name{i}"])
            if parts:
                entry.names.append((parts, values["NameType"], values["AliasStrength"]))
        elif name == "NonLatinName":
            fields = ("NameNonLatinScript", "NonLatinScriptType", "NonLatinScriptLanguage")
            values = _group(element, fields, name, unknown)
            entry.non_latin.append(tuple(values[field] for field in fields))
        elif name == "Address":
            values = _group(element, ADDRESS, name, unknown)
            entry.addresses.append(tuple(values[field] for field in ADDRESS))
        elif name == "Passport":
            values = _group(element, ("PassportNumber", "PassportAdditionalInformation"), name, unknown)
            if values["PassportNumber"]:
                entry.passports.append((values["PassportNumber"], values["PassportAdditionalInformation"]))
        elif name == "NationalIdentifier":
            fields = ("NationalIdentifierNumber", "NationalIdentifierAdditionalInformation")
            values = _group(element, fields, name, unknown)
            if values[fields[0]]:
                entry.national_ids.append((values[fields[0]], values[fields[1]]))
        elif name == "Location":
            values = _group(element, ("TownOfBirth", "CountryOfBirth"), name, unknown)
            entry.birth_places.append((values["TownOfBirth"], values["CountryOfBirth"]))
        elif name in LEAVES:
            if text := text_of(element):
                getattr(entry, LEAVES[name]).append(text)
        elif name in CONTAINERS:
            stack.extend(reversed(children(element)))
        elif name not in IGNORED:
            unknown[f"Designation/{name}"] += 1
    return entry


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read UK-Sanctions-List.xml into one record per ``Designation`` (Unique ID).

    1. Stream the file safely (``importers.xmlsafe``: no DTD, no entities); the root must be
       ``Designations``, and malformed or truncated XML raises ``SourceError``.
    2. Read each ``Designation`` into an ``fcdo.Entry`` and build its record; one that cannot be built, or
       whose Unique ID was seen before, is skipped with a warning.
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".xml",))
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    regime_table = Regimes(PUBLISHER, name)
    seen: set[str] = set()
    root: Element | None = None
    for event, element in iterparse(data, what=name, root="Designations"):
        if root is None:
            root = element
            continue
        if event != "end" or element.getparent() is not root:
            continue
        tag = localname(element)
        if tag == "Designation":
            stats["designations"] += 1
            entry = _entry(element, unknown)
            try:
                if entry.unique_id in seen:
                    raise ValueError("its Unique ID appears twice")
                record = fcdo.build(entry, source=SLUG, regime_table=regime_table, parse_date=parse_day, stats=stats)
            except ValueError as exc:
                stats["skipped"] += 1
                result.warnings.append(f"{name}: skipped Designation {entry.unique_id or '(no UniqueID)'}: {exc}")
            else:
                seen.add(entry.unique_id)
                result.records.append(record)
        elif tag == "DateGenerated":
            result.published_on = parse_day(text_of(element))
        else:
            unknown[tag] += 1
        release(element)
    if result.published_on is None:
        result.warnings.append(f"{name}: no readable DateGenerated; the list has no date")
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=name)
