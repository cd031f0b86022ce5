"""OFAC's SDN_ADVANCED.XML: the SDN list in the UN "advanced sanctions data model".

The only OFAC list format with a designation date per entry (``EntryEvent``) and typed
relationships (``shared/reference/data-formats.md`` §3; OFAC's notes:
https://home.treasury.gov/system/files/126/sdn_advanced_notes.pdf). Every coded value is an ID into
the look-up tables of ``ReferenceValueSets``, which open the file; the sections follow in this order::

    Sanctions
      DateOfIssue { Year, Month, Day }
      ReferenceValueSets { <X>Values { <X ID=...>text</X> }* }
      Locations { Location ID=add_num }*                     <- addresses and countries
      IDRegDocuments { IDRegDocument IdentityID=... }*       <- identity documents
      DistinctParties { DistinctParty FixedRef=ent_num { Profile { Identity { Alias* }, Feature* } } }
      ProfileRelationships { ProfileRelationship From-ProfileID To-ProfileID RelationTypeID }
      SanctionsEntries { SanctionsEntry ProfileID { EntryEvent, SanctionsMeasure* } }
      SanctionsEntryLinks

What it speaks about (``importers.records`` "What an input speaks about"): every part but the remarks.
The advanced data model has no remarks text: it gives as structure what the CSV remarks say in prose, so
an import of it keeps the remarks the tracker holds (from ``sdn.csv`` or SDN.XML) and replaces the rest.
A cut file is not valid XML, so it needs no end marker.

``FixedRef``/``Profile ID`` is the CSV ``ent_num`` and a ``Location ID`` the ``add_num`` (entry 36,
location 25), so this adapter shares the ``ofac-sdn`` keys with the CSV adapter. The file is streamed
section by section; parties are held as plain dicts until the relationships and sanctions entries
that follow them have been read.
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter, defaultdict
from typing import ClassVar

from importers.records import (
    FACT_POSITION,
    PART_REMARKS,
    PARTS,
    AddressRecord,
    AliasRecord,
    BirthDateRecord,
    CountryRoleRecord,
    DesigneeRecord,
    FactRecord,
    IdentifierRecord,
    ParsedSource,
    PlaceOfBirthRecord,
    RelationshipRecord,
)
from importers.remarks import fact_kind, fact_record
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError
from importers.sources.ofac_xml import city_line, pick_file
from importers.xmlsafe import Element, children, iterparse, localname, release, text_of

logger = logging.getLogger(__name__)

FILE = "sdn_advanced.xml"
SECTIONS = {
    "DateOfIssue",
    "ReferenceValueSets",
    "Locations",
    "IDRegDocuments",
    "DistinctParties",
    "ProfileRelationships",
    "SanctionsEntries",
    "SanctionsEntryLinks",
}
KINDS = {"Individual": "individual", "Entity": "entity", "Vessel": "vessel", "Aircraft": "aircraft"}
ALIAS_KINDS = {"A.K.A.": "aka", "F.K.A.": "fka", "N.K.A.": "nka"}
# RelationTypeValues IDs (OpenSanctions datasets/us/ofac/us_ofac_sdn.yml "relations").
RELATION_KINDS = {
    "1555": "associate",
    "15001": "support",
    "15002": "acting_for",
    "15003": "owned_by",
    "15004": "family",
    "91725": "leader",
}
# Name part types that carry a whole name, not a piece of a personal name.
WHOLE_NAME_PARTS = {"Entity Name", "Vessel Name", "Aircraft Name"}
# Feature types kept in a DesigneeRecord field (compared case-insensitively).
SCALAR_FEATURES = {
    "gender": "gender",
    "title": "title",
    "vessel call sign": "call_sign",
    "vessel type": "vessel_type",
    "vessel flag": "vessel_flag",
    "vessel owner": "vessel_owner",
    "vessel tonnage": "tonnage",
    "tonnage": "tonnage",
    "vessel gross registered tonnage": "gross_registered_tonnage",
    "gross registered tonnage": "gross_registered_tonnage",
    "aircraft model": "aircraft_model",
    "aircraft operator": "aircraft_operator",
}
# Feature types that are identifiers rather than facts about the person (prefix match).
IDENTIFIER_FEATURES = ("digital currency address", "email address", "website", "phone number", "mmsi")


def _bool(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


class _Refs:
    """The look-up tables of ``ReferenceValueSets``: table -> ID -> (text, attributes).

    A missing ID is counted rather than raised: the caller decides whether the record can do without
    it, and the counts become one warning per table at the end.
    """

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
        self.missing: Counter = Counter()

    def load(self, table: Element) -> None:
        name = localname(table).removesuffix("Values")
        values = self.tables.setdefault(name, {})
        for item in children(table):
            # Pretty-printed copies break long values over lines; the text is one line in OFAC's file.
            values[item.get("ID", "")] = (" ".join((item.text or "").split()), dict(item.attrib))

    def get(self, table: str, ref_id: str | None) -> tuple[str, dict[str, str]] | None:
        if ref_id is None:
            return None
        found = self.tables.get(table, {}).get(ref_id)
        if found is None:
            self.missing[(table, ref_id)] += 1
        return found

    def text(self, table: str, ref_id: str | None) -> str:
        found = self.get(table, ref_id)
        return found[0] if found else ""


def _ymd(element: Element | None) -> tuple[int, int | None, int | None] | None:
    if element is None:
        return None
    values = {localname(c): text_of(c) for c in children(element)}
    if not values.get("Year", "").isdigit():
        return None
    month, day = values.get("Month", ""), values.get("Day", "")
    return int(values["Year"]), int(month) if month.isdigit() else None, int(day) if day.isdigit() else None


def _first_day(ymd: tuple[int, int | None, int | None]) -> datetime.date:
    return datetime.date(ymd[0], ymd[1] or 1, ymd[2] or 1)


def _last_day(ymd: tuple[int, int | None, int | None]) -> datetime.date:
    year, month, day = ymd
    if day and month:
        return datetime.date(year, month, day)
    if month:
        return datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(year, 12, 31)


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in children(element) if localname(c) == name), None)


def _children(element: Element, name: str) -> list[Element]:
    return [c for c in children(element) if localname(c) == name]


def _period(period: Element) -> tuple[datetime.date, datetime.date, bool] | None:
    """First and last possible day of a ``DatePeriod`` (Start/From to End/To), and whether approximate."""
    start, end = _child(period, "Start"), _child(period, "End")
    if start is None:
        return None
    low = _ymd(_child(start, "From"))
    high = _ymd(_child(end if end is not None else start, "To")) or _ymd(_child(start, "To")) or low
    if low is None or high is None:
        return None
    circa = _bool(start.get("Approximate")) or (end is not None and _bool(end.get("Approximate")))
    return _first_day(low), _last_day(high), circa


def _birth_date(period: Element) -> BirthDateRecord | None:
    """A ``BirthDateRecord`` with ``raw`` written the way the CSV remarks write DOBs."""
    bounds = _period(period)
    if bounds is None:
        return None
    low, high, circa = bounds
    prefix = "circa " if circa else ""
    if low == high:
        return BirthDateRecord(raw=prefix + low.strftime("%d %b %Y"), date_from=low, date_to=high, precision="day")
    if low.day == 1 and high == _last_day((low.year, low.month, None)):
        raw = low.strftime("%b %Y")
        return BirthDateRecord(raw=prefix + raw, date_from=low, date_to=high, precision="month", circa=circa)
    if (low.month, low.day, high.month, high.day) == (1, 1, 12, 31):
        raw = str(low.year) if low.year == high.year else f"{low.year} to {high.year}"
        precision = "year"
    else:
        raw, precision = f"{low:%d %b %Y} to {high:%d %b %Y}", "day"
    is_range = " to " in raw
    return BirthDateRecord(
        raw=prefix + raw, date_from=low, date_to=high, precision=precision, is_range=is_range, circa=circa
    )


@register
class OfacSdnAdvancedSource(SourceAdapter):
    """OFAC's SDN list as SDN_ADVANCED.XML (a complete snapshot, with designation dates)."""

    slug = "ofac-sdn-advanced"
    name = "OFAC SDN list (SDN_ADVANCED.XML)"
    url = "https://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml"
    list_source = "ofac-sdn"
    is_complete_snapshot = True
    min_records = 5000
    files: ClassVar[tuple[str, ...]] = ("sdn_advanced.xml",)
    required_files: ClassVar[tuple[str, ...]] = ("sdn_advanced.xml",)

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        """Read every ``DistinctParty`` into a ``DesigneeRecord``.

        1. Stream the sections in order; the look-up tables must come before anything that uses them.
        2. Keep locations and identity documents by ID, and parties as dicts.
        3. Attach relationships and sanctions entries (programs, listing date, legal basis) to parties.
        4. Build the records; warn about look-up IDs the tables lack and elements never read.
        """
        return _Parse(pick_file(raw, FILE)).run()


class _Parse:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.refs = _Refs()
        self.warnings: list[str] = []
        self.unknown: Counter = Counter()
        self.stats: Counter = Counter()
        self.locations: dict[str, AddressRecord] = {}
        self.documents: dict[str, list[IdentifierRecord]] = defaultdict(list)
        self.parties: dict[str, dict] = {}  # Profile ID -> fields of the record being built
        self.published_on: datetime.date | None = None

    def run(self) -> ParsedSource:
        root: Element | None = None
        section = ""
        for event, element in iterparse(self.data, what=FILE, root="Sanctions"):
            if root is None:
                root = element
                continue
            parent = element.getparent()
            if event == "start":
                if parent is root:
                    section = localname(element)
                    if section in {"Locations", "IDRegDocuments", "DistinctParties"} and not self.refs.tables:
                        raise SourceError(f"{FILE}: <{section}> comes before <ReferenceValueSets>")
                continue
            if parent is root:
                if section == "DateOfIssue":
                    ymd = _ymd(element)
                    self.published_on = _first_day(ymd) if ymd else None
                elif section not in SECTIONS:
                    self.unknown[section] += 1
                release(element)
            elif parent is not None and parent.getparent() is root and section != "DateOfIssue":
                self._item(section, element)
                release(element)
        return self._finish()

    def _item(self, section: str, item: Element) -> None:
        name = localname(item)
        if section == "ReferenceValueSets":
            self.refs.load(item)
        elif section == "Locations" and name == "Location":
            self.locations[item.get("ID", "")] = self._location(item)
        elif section == "IDRegDocuments" and name == "IDRegDocument":
            self.documents[item.get("IdentityID", "")].append(self._document(item))
        elif section == "DistinctParties" and name == "DistinctParty":
            self.stats["parties"] += 1
            try:
                party = self._party(item)
            except ValueError as exc:
                self.stats["skipped"] += 1
                self.warnings.append(f"{FILE}: skipped DistinctParty {item.get('FixedRef')!r}: {exc}")
            else:
                self.parties[party["profile_id"]] = party
        elif section == "ProfileRelationships" and name == "ProfileRelationship":
            self._relationship(item)
        elif section == "SanctionsEntries" and name == "SanctionsEntry":
            self._sanctions_entry(item)
        elif section == "SanctionsEntryLinks":
            pass  # entry links join entries of several lists; the SDN file has nothing to link
        else:
            self.unknown[f"{section}/{name}"] += 1

    # --- sections -------------------------------------------------------------------------------

    def _country(self, country_id: str | None) -> str:
        return self.refs.text("Country", country_id)

    def _location(self, location: Element) -> AddressRecord:
        parts: dict[str, str] = {}
        for part in _children(location, "LocationPart"):
            part_type = self.refs.text("LocPartType", part.get("LocPartTypeID"))
            values = _children(part, "LocationPartValue")
            # Translations into other scripts come as extra values with Primary="false".
            chosen = next((v for v in values if _bool(v.get("Primary"))), values[0] if values else None)
            if chosen is not None:
                parts[part_type] = text_of(_child(chosen, "Value"))
        countries = [self._country(c.get("CountryID")) for c in _children(location, "LocationCountry")]
        country = next((c for c in countries if c), "")
        unknown_part = parts.pop("Unknown", "")
        if not country:
            # Nationality locations carry the country name as a part of type "Unknown".
            country, unknown_part = unknown_part, ""
        street = ", ".join(v for v in (parts.pop(f"ADDRESS{n}", "") for n in (1, 2, 3)) if v)
        state = ", ".join(v for v in (parts.pop("STATE/PROVINCE", ""), parts.pop("REGION", "")) if v)
        city = city_line(parts.pop("CITY", ""), state, parts.pop("POSTAL CODE", ""))
        for part_type in parts:
            self.unknown[f"Locations/Location/LocationPart[{part_type or '?'}]"] += 1
        return AddressRecord(
            street=street, city=city, country=country, remarks=unknown_part, source_uid=location.get("ID", "")
        )

    def _document(self, document: Element) -> IdentifierRecord:
        dates: dict[str, datetime.date] = {}
        for document_date in _children(document, "DocumentDate"):
            kind = self.refs.text("IDRegDocDateType", document_date.get("IDRegDocDateTypeID"))
            period = _child(document_date, "DatePeriod")
            bounds = _period(period) if period is not None else None
            if bounds:
                dates[kind] = bounds[0]
        notes = [text_of(_child(document, "Comment")), text_of(_child(document, "IssuingAuthority"))]
        validity = self.refs.text("Validity", document.get("ValidityID"))
        if validity and validity != "Valid":
            notes.append(validity)
        return IdentifierRecord(
            kind=self.refs.text("IDRegDocType", document.get("IDRegDocTypeID")),
            value=text_of(_child(document, "IDRegistrationNo")),
            country=self._country(document.get("IssuedBy-CountryID")),
            issued_on=dates.get("Issue Date"),
            expires_on=dates.get("Expiration Date"),
            note="; ".join(n for n in notes if n),
        )

    def _kind(self, sub_type_id: str | None) -> str:
        sub_type = self.refs.get("PartySubType", sub_type_id)
        if sub_type is None:
            raise ValueError(f"PartySubTypeID {sub_type_id!r} is not in PartySubTypeValues")
        label = sub_type[0]
        if label == "Unknown":  # people and organisations: the sub type is "Unknown", the type says
            label = self.refs.text("PartyType", sub_type[1].get("PartyTypeID"))
        if label not in KINDS:
            raise ValueError(f"party type {label!r} (PartySubTypeID {sub_type_id}) is not a known kind")
        return KINDS[label]

    def _party(self, party: Element) -> dict:
        fixed_ref = party.get("FixedRef", "")
        profiles = _children(party, "Profile")
        if not fixed_ref.isdigit() or len(profiles) != 1:
            raise ValueError(f"expected a numeric FixedRef and one Profile, got {len(profiles)}")
        profile = profiles[0]
        record: dict = {
            "profile_id": profile.get("ID", ""),
            "source_uid": fixed_ref,
            "kind": self._kind(profile.get("PartySubTypeID")),
            "name": "",
            "aliases": [],
            "identifiers": [],
            "addresses": [],
            "birth_dates": [],
            "places_of_birth": [],
            "countries": [],
            "relationships": [],
            "statements": [],
            "facts": [],
            "programs": [],
            "fields": {},
            "listed_on": None,
            "legal_basis": "",
        }
        for identity in _children(profile, "Identity"):
            self._identity(identity, record)
            record["identifiers"].extend(self.documents.pop(identity.get("ID", ""), []))
        if not record["name"]:
            raise ValueError("no primary name")
        for feature in _children(profile, "Feature"):
            self._feature(feature, record)
        for child in children(profile):
            if localname(child) not in {"Identity", "Feature", "Comment"}:
                self.unknown[f"Profile/{localname(child)}"] += 1
        return record

    def _identity(self, identity: Element, record: dict) -> None:
        group_types: dict[str, str] = {}
        for group in identity.iterfind(".//{*}NamePartGroup"):
            group_types[group.get("ID", "")] = self.refs.text("NamePartType", group.get("NamePartTypeID"))
        for alias in _children(identity, "Alias"):
            alias_type = self.refs.text("AliasType", alias.get("AliasTypeID"))
            strength = "weak" if _bool(alias.get("LowQuality")) else "strong"
            for number, documented in enumerate(_children(alias, "DocumentedName")):
                name, script = self._documented_name(documented, group_types)
                if not name:
                    continue
                if _bool(alias.get("Primary")) and number == 0 and not record["name"]:
                    record["name"] = name
                    continue
                kind = ALIAS_KINDS.get(alias_type, "aka")
                if alias_type not in ALIAS_KINDS and not _bool(alias.get("Primary")):
                    self.unknown[f"AliasType[{alias_type or alias.get('AliasTypeID')}]"] += 1
                record["aliases"].append(AliasRecord(name=name, kind=kind, strength=strength, script=script))

    def _documented_name(self, documented: Element, group_types: dict[str, str]) -> tuple[str, str]:
        """ "LAST, First Middle" from typed name parts, in the spelling the CSV and SDN.XML use.

        The list formats print the last name in capitals ("AL-RAWI, 'Adnan Muhammad Amin" for the
        parts "al-Rawi" and "'Adnan Muhammad Amin"). Parts whose group type is unknown are joined in
        document order.
        """
        last: list[str] = []
        rest: list[str] = []
        script = ""
        for value in documented.iterfind(".//{*}NamePartValue"):
            text = text_of(value)
            group_id = value.get("NamePartGroupID", "")
            part_type = group_types.get(group_id)
            if part_type is None:
                self.unknown["NamePartValue without a NamePartGroup"] += 1
            if not script and value.get("ScriptID"):
                found = self.refs.get("Script", value.get("ScriptID"))
                script = found[1].get("ScriptCode", "") if found else ""
            if part_type == "Last Name":
                last.append(text.upper())
            elif text:
                rest.append(text)
        if last:
            return ", ".join(v for v in (" ".join(last), " ".join(rest)) if v), script
        return " ".join(rest), script

    def _feature(self, feature: Element, record: dict) -> None:
        label = self.refs.text("FeatureType", feature.get("FeatureTypeID"))
        key = label.lower()
        for version in _children(feature, "FeatureVersion"):
            period = _child(version, "DatePeriod")
            location = _child(version, "VersionLocation")
            detail = _child(version, "VersionDetail")
            address = self.locations.get(location.get("LocationID", "")) if location is not None else None
            if location is not None and address is None:
                self.unknown[f"VersionLocation to a Location not in <Locations> ({label})"] += 1
            text = ""
            if detail is not None:
                reference = detail.get("DetailReferenceID")
                text = self.refs.text("DetailReference", reference) if reference else text_of(detail)
            if not label:
                continue  # counted as a missing FeatureType
            if key == "birthdate" and period is not None:
                birth = _birth_date(period)
                if birth:
                    record["birth_dates"].append(birth)
            elif key == "place of birth":
                place = text or (address.city if address else "")
                country = address.country if address else place.rsplit(",", 1)[-1].strip()
                if place or country:
                    record["places_of_birth"].append(PlaceOfBirthRecord(place=place or country, country=country))
            elif key in {"nationality country", "citizenship country"}:
                country = (address.country if address else "") or text
                role = "nationality" if key.startswith("nationality") else "citizenship"
                if country:
                    record["countries"].append(CountryRoleRecord(country=country, role=role))
            elif key == "location" and address is not None:
                record["addresses"].append(address)
            elif key in SCALAR_FEATURES:
                value = (address.country if address else "") or text
                field_name = SCALAR_FEATURES[key]
                record["fields"][field_name] = value.lower() if field_name == "gender" else value
                if field_name == "title" and value:  # each title is a position, as the CSV remarks list them
                    record["facts"].append(FactRecord(kind=FACT_POSITION, value=value))
                if field_name == "vessel_flag" and value:
                    record["countries"].append(CountryRoleRecord(country=value, role="flag"))
            elif key.startswith(IDENTIFIER_FEATURES) and text:
                record["identifiers"].append(IdentifierRecord(kind=label, value=text))
            else:
                value = text or (address.country if address else "")
                if period is not None and (bounds := _period(period)):
                    value = bounds[0].isoformat() if bounds[0] == bounds[1] else f"{bounds[0]} to {bounds[1]}"
                separator = " " if label.endswith(":") else ": "
                record["statements"].append(f"{label}{separator}{value}" if value else label)
                self.stats["features_kept_as_statements"] += 1
                if kind := fact_kind(label):
                    self._fact(kind, text or (address.country if address else ""), period, record)

    def _fact(self, kind: str, text: str, period: Element | None, record: dict) -> None:
        """A stated fact (``importers.remarks.FACT_LABELS``) with the value the CSV remarks give it: a date
        written as a DOB is (``31 Mar 2008``, ``1996``), other values as published."""
        date = _birth_date(period) if period is not None else None
        if date is not None:
            fact = FactRecord(
                kind=kind,
                value=date.raw,
                date_from=date.date_from,
                date_to=date.date_to,
                precision=date.precision,
            )
        elif text:
            fact = fact_record(kind, text)
        else:
            return
        record["facts"].append(fact)
        self.stats[f"facts_{kind}"] += 1

    def _relationship(self, item: Element) -> None:
        party = self.parties.get(item.get("From-ProfileID", ""))
        if party is None:
            self.unknown["ProfileRelationship from a profile not in <DistinctParties>"] += 1
            return
        relation_id = item.get("RelationTypeID", "")
        self.refs.get("RelationType", relation_id)  # counts an ID the table lacks
        party["relationships"].append((RELATION_KINDS.get(relation_id, "other"), item.get("To-ProfileID", "")))
        self.stats["relationships"] += 1

    def _sanctions_entry(self, entry: Element) -> None:
        party = self.parties.get(entry.get("ProfileID", ""))
        if party is None:
            self.unknown["SanctionsEntry for a profile not in <DistinctParties>"] += 1
            return
        self.stats[f"list_{self.refs.text('List', entry.get('ListID')) or entry.get('ListID')}"] += 1
        events = []
        for event in _children(entry, "EntryEvent"):
            ymd = _ymd(_child(event, "Date"))
            if ymd:
                event_type = self.refs.text("EntryEventType", event.get("EntryEventTypeID"))
                events.append((event_type != "Created", _first_day(ymd), event.get("LegalBasisID")))
        if events:
            # The "Created" event dates the designation; without one, the earliest event does.
            _, listed_on, basis_id = min(events)
            if party["listed_on"] is None or listed_on < party["listed_on"]:
                party["listed_on"] = listed_on
                party["legal_basis"] = self.refs.text("LegalBasis", basis_id)
        for measure in _children(entry, "SanctionsMeasure"):
            measure_type = self.refs.get("SanctionsType", measure.get("SanctionsTypeID"))
            comment = text_of(_child(measure, "Comment"))
            # The measure of type "Program" names the program tag in its Comment (CUBA, IRAN-EO13876).
            is_program = measure_type[0] == "Program" if measure_type else bool(comment)
            if is_program and comment and comment not in party["programs"]:
                party["programs"].append(comment)

    # --- output ---------------------------------------------------------------------------------

    def _finish(self) -> ParsedSource:
        names = {profile_id: party["name"] for profile_id, party in self.parties.items()}
        records = []
        for party in self.parties.values():
            if not party["programs"]:
                self.unknown["DistinctParty without a program in <SanctionsEntries>"] += 1
            # Country roles as the CSV adapter gives them: birth place and address countries count too.
            countries = [
                *party["countries"],
                *(CountryRoleRecord(country=p.country, role="place_of_birth") for p in party["places_of_birth"]),
                *(CountryRoleRecord(country=a.country, role="address") for a in party["addresses"] if a.country),
            ]
            relationships = tuple(
                RelationshipRecord(to_name=names.get(to_id, ""), kind=kind, to_source_uid=to_id)
                for kind, to_id in party["relationships"]
            )
            records.append(
                DesigneeRecord(
                    source_uid=party["source_uid"],
                    kind=party["kind"],
                    name=party["name"],
                    programs=tuple(party["programs"]),
                    aliases=tuple(party["aliases"]),
                    identifiers=tuple(party["identifiers"]),
                    addresses=tuple(party["addresses"]),
                    birth_dates=tuple(party["birth_dates"]),
                    places_of_birth=tuple(party["places_of_birth"]),
                    countries=tuple(dict.fromkeys(c for c in countries if c.country)),
                    relationships=relationships,
                    statements=tuple(party["statements"]),
                    facts=tuple(dict.fromkeys(party["facts"])),
                    listed_on=party["listed_on"],
                    legal_basis=party["legal_basis"],
                    uncovered=(PART_REMARKS,),
                    **party["fields"],
                )
            )
            self.stats[f"kind_{party['kind']}"] += 1
        orphans = sum(len(v) for v in self.documents.values())
        if orphans:
            self.unknown["IDRegDocument for an identity not in <DistinctParties>"] += orphans
        for (table, ref_id), count in sorted(self.refs.missing.items()):
            self.warnings.append(f"{FILE}: {table}Values has no ID {ref_id} (used {count} times)")
        for path, count in sorted(self.unknown.items()):
            self.warnings.append(f"{FILE}: {path} ({count} times), not imported")
        for warning in self.warnings:
            logger.warning(warning)
        return ParsedSource(
            records=records,
            warnings=self.warnings,
            stats={"records": len(records), **dict(self.stats)},
            published_on=self.published_on,
            covers=tuple(part for part in PARTS if part != PART_REMARKS),
        )
