"""OFAC's legacy SDN.XML: the same SDN list as ``sdn.csv``, with the remarks already broken out.

Structure (``shared/reference/data-formats.md`` §2; real head in
``$TRACKER_DATA_DIR/ofac/sdn_xml_head_2014-05-30/sdn.xml``)::

    sdnList
      publshInformation { Publish_Date (MM/DD/YYYY), Record_Count }      <- sic "publsh"
      sdnEntry*  { uid, firstName?, lastName, title?, sdnType, remarks?, programList, idList, akaList,
                   addressList, nationalityList, citizenshipList, dateOfBirthList, placeOfBirthList,
                   vesselInfo }

The ``uid`` of an ``sdnEntry`` is the CSV ``ent_num``, an ``aka`` uid is the ``alt_num`` and an
``address`` uid the ``add_num`` (entry 36 has aka 12 and address 25 in both), so this adapter shares
the ``ofac-sdn`` keys with the CSV adapter. Empty fields are omitted, never written as ``-0-``.

What it speaks about (``importers.records`` "What an input speaks about"): everything. One file holds
every entry with its remarks, its numbered akas (the ``aka`` uid is the ``alt_num``, so they replace
the ``alt.csv`` aliases) and its addresses. A cut file is not valid XML, so it needs no end marker.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter
from typing import ClassVar

from importers import remarks
from importers.records import (
    AddressRecord,
    AliasRecord,
    BirthDateRecord,
    CountryRoleRecord,
    DesigneeRecord,
    FactRecord,
    IdentifierRecord,
    ParsedSource,
    PlaceOfBirthRecord,
)
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError
from importers.xmlsafe import Element, fields_of, iterparse, localname, release, text_of

logger = logging.getLogger(__name__)

KINDS = {"individual", "entity", "vessel", "aircraft"}
ALIAS_KINDS = {"a.k.a.": "aka", "f.k.a.": "fka", "n.k.a.": "nka"}


class _BadRecord(Exception):
    """One entry cannot be read; it is skipped with a warning."""


# --- Dates --------------------------------------------------------------------------------------


def parse_list_date(raw: str) -> datetime.date | None:
    """A full date as OFAC writes it: "13 Apr 2016", "2016-04-13" or "04/13/2016"; None otherwise."""
    value = raw.strip()
    for fmt in ("%d %b %Y", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


def parse_birth_date(raw: str) -> BirthDateRecord | None:
    """A DOB as SDN.XML writes it: the remarks shapes (``importers.remarks.parse_birth_date``) or ISO."""
    parsed = remarks.parse_birth_date(raw)
    if parsed is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()) and (day := parse_list_date(raw)):
        parsed = BirthDateRecord(raw=raw, date_from=day, date_to=day, precision="day")
    return parsed


# --- Field audit --------------------------------------------------------------------------------


class _Fields:
    """Pop-and-audit access to an element's children: whatever is never popped is reported."""

    def __init__(self, element: Element, path: str, unknown: Counter) -> None:
        self.fields = fields_of(element)
        self.path = path
        self.unknown = unknown
        for name in element.attrib:
            if not name.startswith("{"):  # xsi:* attributes are schema plumbing
                unknown[f"{path}/@{name}"] += 1

    def pop_all(self, name: str) -> list[Element]:
        return self.fields.pop(name, [])

    def pop(self, name: str) -> str:
        """Text of the single child ``name`` ("" when absent); a repeated child is a bad record."""
        found = self.fields.pop(name, [])
        if len(found) > 1:
            raise _BadRecord(f"{self.path}/{name} appears {len(found)} times")
        return text_of(found[0]) if found else ""

    def items(self, list_name: str, item_name: str) -> list[Element]:
        """The ``item_name`` children of the list element ``list_name`` (e.g. akaList/aka)."""
        items: list[Element] = []
        for holder in self.pop_all(list_name):
            inner = fields_of(holder)
            items.extend(inner.pop(item_name, []))
            for other, elements in inner.items():
                self.unknown[f"{self.path}/{list_name}/{other}"] += len(elements)
        return items

    def done(self) -> None:
        for name, elements in self.fields.items():
            self.unknown[f"{self.path}/{name}"] += len(elements)


def _list_name(last: str, first: str) -> str:
    """ "LAST, First" as the CSV spells names; just LAST when there is no first name."""
    return f"{last}, {first}" if first else last


# --- The adapter --------------------------------------------------------------------------------


@register
class OfacSdnXmlSource(SourceAdapter):
    """OFAC's SDN list as the legacy SDN.XML file (a complete snapshot of the list)."""

    slug = "ofac-sdn-xml"
    name = "OFAC SDN list (SDN.XML)"
    url = "https://www.treasury.gov/ofac/downloads/sdn.xml"
    list_source = "ofac-sdn"
    is_complete_snapshot = True
    min_records = 5000
    files: ClassVar[tuple[str, ...]] = ("sdn.xml",)
    required_files: ClassVar[tuple[str, ...]] = ("sdn.xml",)

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        """Read every ``sdnEntry`` of SDN.XML into a ``DesigneeRecord``.

        1. Stream the file safely (``importers.xmlsafe``); the root must be ``sdnList``.
        2. Map each entry, popping the fields it knows; a bad entry is warned about and skipped.
        3. Report unknown elements with their counts, and a ``Record_Count`` that disagrees with the
           number of entries read.
        """
        data = pick_file(raw, "sdn.xml")
        result = ParsedSource()
        unknown: Counter = Counter()
        stats: Counter = Counter()
        record_count: int | None = None
        seen: set[str] = set()
        root: Element | None = None
        for event, element in iterparse(data, what="sdn.xml", root="sdnList"):
            if root is None:
                root = element
                continue
            if event != "end" or element.getparent() is not root:
                continue
            name = localname(element)
            if name == "sdnEntry":
                stats["entries"] += 1
                try:
                    record = _entry(element, unknown, result.warnings)
                except _BadRecord as exc:
                    stats["skipped"] += 1
                    result.warnings.append(f"sdn.xml: skipped an sdnEntry: {exc}")
                else:
                    if record.source_uid in seen:
                        stats["skipped"] += 1
                        result.warnings.append(f"sdn.xml: skipped a second sdnEntry with uid {record.source_uid}")
                    else:
                        seen.add(record.source_uid)
                        result.records.append(record)
                        stats[f"kind_{record.kind}"] += 1
            elif name == "publshInformation":
                info = _Fields(element, "publshInformation", unknown)
                published, count = info.pop("Publish_Date"), info.pop("Record_Count")
                info.done()
                result.published_on = _publish_date(published)
                if count:
                    if not count.isdigit():
                        raise SourceError(f"sdn.xml: Record_Count {count!r} is not a number")
                    record_count = int(count)
            else:
                unknown[name] += 1
            release(element)

        if record_count is not None and record_count != stats["entries"]:
            result.warnings.append(
                f"sdn.xml: publshInformation/Record_Count says {record_count} entries, the file has {stats['entries']}"
            )
        for path, count in sorted(unknown.items()):
            result.warnings.append(f"sdn.xml: unknown element {path} ({count} times), not imported")
        result.stats = {"records": len(result.records), **dict(stats), "record_count": record_count}
        for warning in result.warnings:
            logger.warning(warning)
        return result


def pick_file(raw: RawBundle, wanted: str) -> bytes:
    """The bundle's file named ``wanted`` (case-insensitive, any folder), which must be there."""
    matches = [name for name in raw if name.replace("\\", "/").rsplit("/", 1)[-1].lower() == wanted]
    if len(matches) != 1:
        raise SourceError(f"expected one file named {wanted}, got {sorted(raw) or 'none'}")
    return raw[matches[0]]


def _publish_date(value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%m/%d/%Y").date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        raise SourceError(f"sdn.xml: Publish_Date {value!r} is not MM/DD/YYYY") from None


def _entry(element: Element, unknown: Counter, warnings: list[str]) -> DesigneeRecord:
    """Map one ``sdnEntry``; raises ``_BadRecord`` when it lacks what every entry has.

    A bad alias is dropped with a warning instead: skipping the whole entry of a complete snapshot
    would read as a delisting.
    """
    f = _Fields(element, "sdnEntry", unknown)
    uid_elements = f.pop_all("uid")
    # The uid is the key: kept exactly as published, and it must be the integer OFAC documents.
    uid = (uid_elements[0].text or "") if len(uid_elements) == 1 else ""
    if not re.fullmatch(r"\d+", uid):
        raise _BadRecord(f"uid {uid!r} is not one integer")
    last, first = f.pop("lastName"), f.pop("firstName")
    if not last:
        raise _BadRecord(f"uid {uid}: no lastName")
    sdn_type = f.pop("sdnType")
    kind = sdn_type.lower()
    if kind not in KINDS:
        raise _BadRecord(f"uid {uid}: unknown sdnType {sdn_type!r}")

    programs = tuple(text_of(p) for p in f.items("programList", "program") if text_of(p))
    title, remarks_text = f.pop("title"), f.pop("remarks")
    aliases = []
    for item in f.items("akaList", "aka"):
        try:
            aliases.append(_alias(item, uid, unknown))
        except _BadRecord as exc:
            warnings.append(f"sdn.xml: dropped an alias: {exc}")
    identifiers = tuple(_identifier(i, unknown) for i in f.items("idList", "id"))
    addresses = tuple(_address(a, unknown) for a in f.items("addressList", "address"))

    countries: list[CountryRoleRecord] = []
    facts: list[FactRecord] = []
    for list_name, item_name, role in (
        ("nationalityList", "nationality", "nationality"),
        ("citizenshipList", "citizenship", "citizenship"),
    ):
        for item in f.items(list_name, item_name):
            g = _Fields(item, f"sdnEntry/{list_name}/{item_name}", unknown)
            g.pop("uid"), g.pop("mainEntry")
            country = g.pop("country")
            g.done()
            if possible := remarks.possible_country(country, role=role):
                facts.append(possible)
            elif country:
                countries.append(CountryRoleRecord(country=country, role=role))

    birth_dates: list[BirthDateRecord] = []
    unparsed: list[str] = []
    for item in f.items("dateOfBirthList", "dateOfBirthItem"):
        g = _Fields(item, "sdnEntry/dateOfBirthList/dateOfBirthItem", unknown)
        g.pop("uid"), g.pop("mainEntry")
        value = g.pop("dateOfBirth")
        g.done()
        parsed = parse_birth_date(value) if value else None
        if parsed:
            birth_dates.append(parsed)
        elif value:
            unparsed.append(f"DOB {value}")

    places: list[PlaceOfBirthRecord] = []
    for item in f.items("placeOfBirthList", "placeOfBirthItem"):
        g = _Fields(item, "sdnEntry/placeOfBirthList/placeOfBirthItem", unknown)
        g.pop("uid"), g.pop("mainEntry")
        place = g.pop("placeOfBirth")
        g.done()
        if place:
            places.append(remarks.parse_place_of_birth(place))

    vessel: dict[str, str] = {}
    vessel_elements = f.pop_all("vesselInfo")
    if len(vessel_elements) > 1:
        raise _BadRecord(f"uid {uid}: {len(vessel_elements)} vesselInfo elements")
    if vessel_elements:
        g = _Fields(vessel_elements[0], "sdnEntry/vesselInfo", unknown)
        for xml_name, field_name in (
            ("callSign", "call_sign"),
            ("vesselType", "vessel_type"),
            ("vesselFlag", "vessel_flag"),
            ("vesselOwner", "vessel_owner"),
            ("tonnage", "tonnage"),
            ("grossRegisteredTonnage", "gross_registered_tonnage"),
        ):
            vessel[field_name] = g.pop(xml_name)
        g.done()
        if vessel["vessel_flag"]:
            countries.append(CountryRoleRecord(country=vessel["vessel_flag"], role="flag"))
    f.done()

    # SDN.XML breaks most facts out of the remarks, but "Linked To:", gender and statements stay in
    # them; the remarks grammar reads those, and repeats of broken-out facts are dropped.
    extra = remarks.parse_remarks(remarks_text, title=title, kind=kind) if remarks_text else remarks.RemarksResult()
    countries.extend(CountryRoleRecord(country=p.country, role="place_of_birth") for p in places if p.country)
    countries.extend(extra.countries)
    countries.extend(CountryRoleRecord(country=a.country, role="address") for a in addresses if a.country)
    for field_name in ("call_sign", "vessel_type", "vessel_flag"):
        vessel[field_name] = vessel.get(field_name) or getattr(extra, field_name)

    return DesigneeRecord(
        source_uid=uid,
        kind=kind,
        name=_list_name(last, first),
        programs=programs,
        title=title,
        gender=extra.gender,
        remarks=remarks_text,
        aircraft_model=extra.aircraft_model,
        aircraft_operator=extra.aircraft_operator,
        aliases=_unique(aliases, extra.aliases),
        identifiers=_unique(identifiers, extra.identifiers),
        addresses=addresses,
        birth_dates=_unique(birth_dates, extra.birth_dates),
        places_of_birth=_unique(places, extra.places_of_birth),
        countries=_unique(countries),
        relationships=extra.relationships,
        statements=extra.statements,
        unparsed=_unique(unparsed, extra.unparsed),
        facts=_unique(facts, extra.facts),
        **vessel,
    )


def _unique(*groups) -> tuple:
    """The items of ``groups`` in order, each once."""
    return tuple(dict.fromkeys(item for group in groups for item in group))


def _alias(element: Element, uid: str, unknown: Counter) -> AliasRecord:
    g = _Fields(element, "sdnEntry/akaList/aka", unknown)
    alias_uid, alias_type, category = g.pop("uid"), g.pop("type"), g.pop("category")
    name = _list_name(g.pop("lastName"), g.pop("firstName"))
    g.done()
    kind = ALIAS_KINDS.get(alias_type.lower())
    if kind is None or not name:
        raise _BadRecord(f"uid {uid}: aka {alias_uid or '?'} has type {alias_type!r} and name {name!r}")
    if category.lower() not in {"strong", "weak"}:
        raise _BadRecord(f"uid {uid}: aka {alias_uid} has category {category!r}, not strong or weak")
    return AliasRecord(name=name, kind=kind, strength=category.lower(), source_uid=alias_uid)


def _identifier(element: Element, unknown: Counter) -> IdentifierRecord:
    g = _Fields(element, "sdnEntry/idList/id", unknown)
    g.pop("uid")
    kind, value, country = g.pop("idType"), g.pop("idNumber"), g.pop("idCountry")
    issued, expires = g.pop("issueDate"), g.pop("expirationDate")
    g.done()
    notes = []
    issued_on, expires_on = parse_list_date(issued) if issued else None, parse_list_date(expires) if expires else None
    # A date OFAC wrote in some other shape is kept verbatim rather than lost.
    if issued and not issued_on:
        notes.append(f"issued {issued}")
    if expires and not expires_on:
        notes.append(f"expires {expires}")
    return IdentifierRecord(
        kind=kind, value=value, country=country, issued_on=issued_on, expires_on=expires_on, note="; ".join(notes)
    )


def _address(element: Element, unknown: Counter) -> AddressRecord:
    g = _Fields(element, "sdnEntry/addressList/address", unknown)
    uid = g.pop("uid")
    street = ", ".join(v for v in (g.pop("address1"), g.pop("address2"), g.pop("address3")) if v)
    city, state, postal = g.pop("city"), g.pop("stateOrProvince"), g.pop("postalCode")
    country = g.pop("country")
    g.done()
    return AddressRecord(street=street, city=city_line(city, state, postal), country=country, source_uid=uid)


def city_line(city: str, state: str, postal: str) -> str:
    """The CSV's "City/State/Province/Postal Code" column from its parts.

    add.csv writes "Richardson, TX 75081" and "Tokyo 103": city, a comma before the state, a space
    before the postal code (``$TRACKER_DATA_DIR/ofac/sdn_2021-06-29/add.csv``).
    """
    line = ", ".join(v for v in (city, state) if v)
    return f"{line} {postal}".strip() if postal else line
