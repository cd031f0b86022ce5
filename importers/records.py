"""Parsed records: what source adapters yield and the upsert consumes.

Frozen, slotted dataclasses of plain types, never ORM objects. Text values are kept exactly as
published; ``source_uid`` is never trimmed or case-folded. Country fields hold the country *as
published* ("Korea, North"); the upsert maps them to ISO codes through the ``CountryName`` table.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AliasRecord:
    name: str
    kind: str = "aka"  # aka | fka | nka
    strength: str = "strong"  # strong | weak
    script: str = ""  # ISO 15924, e.g. "Latn", "Cyrl"; "" when unknown
    source_uid: str = ""  # OFAC alt_num


@dataclass(frozen=True, slots=True)
class IdentifierRecord:
    kind: str  # as published: "Passport", "National ID No.", "Vessel Registration Identification", ...
    value: str
    country: str = ""  # issuing country as published
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    note: str = ""  # anything else published with it, verbatim


@dataclass(frozen=True, slots=True)
class AddressRecord:
    street: str = ""
    city: str = ""  # "City/State/Province/Postal Code" as published
    country: str = ""
    remarks: str = ""
    source_uid: str = ""  # OFAC add_num


@dataclass(frozen=True, slots=True)
class BirthDateRecord:
    raw: str  # as published: "07 Jul 1978", "Aug 1970", "circa 1965", "1966 to 1968"
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    precision: str = ""  # day | month | year
    is_range: bool = False
    circa: bool = False


@dataclass(frozen=True, slots=True)
class PlaceOfBirthRecord:
    place: str  # as published: "Linxian County, Shanxi Province, China"
    country: str = ""  # the country it names, as published ("China"); "" when none is recognisable


@dataclass(frozen=True, slots=True)
class CountryRoleRecord:
    country: str  # as published
    role: str  # nationality | citizenship | address | place_of_birth | flag | registration | other


@dataclass(frozen=True, slots=True)
class RelationshipRecord:
    to_name: str  # as published after "Linked To:"
    kind: str = "linked_to"
    to_source_uid: str = ""  # when the source gives the target's id (advanced XML)


@dataclass(frozen=True, slots=True)
class DesigneeRecord:
    """One list entry: a designee with every fact the source gives, and the programs it is listed under."""

    source_uid: str
    kind: str  # individual | entity | vessel | aircraft
    name: str
    programs: tuple[str, ...]  # tags exactly as published, in published order
    title: str = ""
    gender: str = ""  # male | female | ""
    remarks: str = ""  # full remarks, spill-over from sdn_comments.csv already appended
    call_sign: str = ""
    vessel_type: str = ""
    vessel_flag: str = ""
    vessel_owner: str = ""
    tonnage: str = ""
    gross_registered_tonnage: str = ""
    aircraft_model: str = ""
    aircraft_operator: str = ""
    aliases: tuple[AliasRecord, ...] = ()
    identifiers: tuple[IdentifierRecord, ...] = ()
    addresses: tuple[AddressRecord, ...] = ()
    birth_dates: tuple[BirthDateRecord, ...] = ()
    places_of_birth: tuple[PlaceOfBirthRecord, ...] = ()
    countries: tuple[CountryRoleRecord, ...] = ()
    relationships: tuple[RelationshipRecord, ...] = ()
    statements: tuple[str, ...] = ()  # recognised statements kept as text ("Secondary sanctions risk: ...")
    unparsed: tuple[str, ...] = ()  # remarks items no rule recognised, verbatim
    listed_on: datetime.date | None = None  # exact designation date where the source gives one
    legal_basis: str = ""

    def content_hash(self) -> str:
        """Hash of every field: equal hashes mean nothing about the entry changed.

        The dataclass ``repr`` lists every field in declaration order, nested records included, with
        unambiguous quoting; it is several times faster than a JSON rendering of ``asdict``.
        """
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class PresenceIntervalRecord:
    """One continuous presence of an entry on a list, bracketed by the snapshots around it.

    The entry was added after ``prev_snapshot`` and by ``first_seen`` (``prev_snapshot`` None means
    "on or before ``first_seen``"), and removed after ``last_seen`` and by ``first_absent`` (None: still
    listed at the end of the history).
    """

    source_uid: str
    kind: str
    name: str
    programs_first: tuple[str, ...]
    programs_last: tuple[str, ...]
    first_seen: datetime.date
    prev_snapshot: datetime.date | None
    last_seen: datetime.date
    first_absent: datetime.date | None


@dataclass(slots=True)
class ParsedSource:
    """Everything one parse produced: records, warnings for the run, figures, and the list date."""

    records: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    published_on: datetime.date | None = None
