"""Parsed records: what source adapters yield and the upsert consumes.

Frozen, slotted dataclasses of plain types, never ORM objects. Text values are kept exactly as
published; ``source_uid`` is never trimmed or case-folded. Country fields hold the country *as
published* ("Korea, North"); the upsert maps them to ISO codes through the ``CountryName`` table.

What an input speaks about
--------------------------
An import never removes a fact its input did not speak about. A list entry's facts fall into *parts*
(``PARTS``), and a record names the parts its input did not cover in ``uncovered``: ``sdn.csv`` without
``alt.csv`` knows nothing of the numbered aliases, without ``add.csv`` nothing of the addresses, and a
remark cut at 1,000 characters without its spill-over row is not the whole remark. The upsert replaces
covered parts and keeps uncovered ones as held; the record hash is made of one hash per part, so an
entry whose covered parts did not change is unchanged whatever its input lacked.

* ``entry``: the main columns: kind, name, programs, title, the vessel columns, listing date and basis.
* ``remarks``: the remarks text as published (and the items of it no rule recognised).
* ``facts``: what the remarks say, or what a structured format gives in their place: gender, aircraft,
  identifiers, birth dates and places, countries other than address countries, "Linked To"s,
  statements, stated facts (``FactRecord``: established dates, positions, "possibly" nationalities...),
  and aliases the list does not number (the weak a.k.a.s of the remarks).
* ``listed_aliases``: aliases the list publishes as numbered rows (``alt.csv``; SDN.XML ``aka`` uids),
  told apart by their ``source_uid`` (the ``alt_num``).
* ``addresses``: addresses (``add.csv``) and the address countries they give.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

PART_ENTRY = "entry"
PART_REMARKS = "remarks"
PART_FACTS = "facts"
PART_LISTED_ALIASES = "listed_aliases"
PART_ADDRESSES = "addresses"
PARTS = (PART_ENTRY, PART_REMARKS, PART_FACTS, PART_LISTED_ALIASES, PART_ADDRESSES)
PART_HASH_LENGTH = 12  # hex digits per part: five parts fit ``Designee.record_hash`` (64 characters)
UNKNOWN_PART = "-" * PART_HASH_LENGTH  # a part whose content the tracker never received


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
class FactRecord:
    """A fact the list states about a designee that has no column or collection of its own.

    ``kind`` is one of ``FACT_KINDS``; ``value`` is the text as published, without its label
    ("Organization Established Date 31 Mar 2008" -> "31 Mar 2008"). Facts that are dates carry their
    bounds and precision, read like a date of birth (``importers.remarks.parse_birth_date``). ``alt``
    marks an alternative value ("alt. Organization Type: ...").
    """

    kind: str
    value: str
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    precision: str = ""  # day | month | year; "" when the value is not a date
    alt: bool = False


FACT_ORGANIZATION_ESTABLISHED = "organization_established"
FACT_ORGANIZATION_TYPE = "organization_type"
FACT_AIRCRAFT_MANUFACTURE_DATE = "aircraft_manufacture_date"
FACT_VESSEL_YEAR_OF_BUILD = "vessel_year_of_build"
FACT_FORMER_VESSEL_FLAG = "former_vessel_flag"
FACT_TARGET_TYPE = "target_type"
FACT_OCCUPATION = "occupation"
FACT_POSITION = "position"
FACT_POSSIBLE_NATIONALITY = "possible_nationality"
FACT_POSSIBLE_CITIZENSHIP = "possible_citizenship"
FACT_KINDS = (
    FACT_ORGANIZATION_ESTABLISHED,
    FACT_ORGANIZATION_TYPE,
    FACT_AIRCRAFT_MANUFACTURE_DATE,
    FACT_VESSEL_YEAR_OF_BUILD,
    FACT_FORMER_VESSEL_FLAG,
    FACT_TARGET_TYPE,
    FACT_OCCUPATION,
    FACT_POSITION,
    FACT_POSSIBLE_NATIONALITY,
    FACT_POSSIBLE_CITIZENSHIP,
)
# Facts whose value is a date.
DATED_FACTS = frozenset({FACT_ORGANIZATION_ESTABLISHED, FACT_AIRCRAFT_MANUFACTURE_DATE, FACT_VESSEL_YEAR_OF_BUILD})


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
    facts: tuple[FactRecord, ...] = ()  # stated facts with no field of their own (``FactRecord``)
    # Parts (``PARTS``) the input did not speak about: the upsert keeps what it holds for them.
    uncovered: tuple[str, ...] = ()

    def part_values(self) -> dict[str, tuple]:
        """Every field but ``source_uid`` (the key) and ``uncovered``, grouped by part (module docstring)."""
        listed = tuple(a for a in self.aliases if a.source_uid)
        unlisted = tuple(a for a in self.aliases if not a.source_uid)
        return {
            PART_ENTRY: (
                self.kind,
                self.name,
                self.programs,
                self.title,
                self.call_sign,
                self.vessel_type,
                self.vessel_flag,
                self.vessel_owner,
                self.tonnage,
                self.gross_registered_tonnage,
                self.listed_on,
                self.legal_basis,
            ),
            PART_REMARKS: (self.remarks, self.unparsed),
            PART_FACTS: (
                self.gender,
                self.aircraft_model,
                self.aircraft_operator,
                unlisted,
                self.identifiers,
                self.birth_dates,
                self.places_of_birth,
                tuple(c for c in self.countries if c.role != "address"),
                self.relationships,
                self.statements,
                # Only when there are any: an entry without such facts keeps the hash it had before they
                # were read, so adding them did not make every entry of the list "changed".
                *((self.facts,) if self.facts else ()),
            ),
            PART_LISTED_ALIASES: listed,
            PART_ADDRESSES: (self.addresses, tuple(c for c in self.countries if c.role == "address")),
        }

    def part_hashes(self) -> dict[str, str]:
        """One short hash per part; equal hashes mean the part did not change.

        The ``repr`` of plain values and nested dataclasses is unambiguous and several times faster than
        a JSON rendering of ``asdict``.
        """
        return {
            part: hashlib.sha256(repr(values).encode("utf-8")).hexdigest()[:PART_HASH_LENGTH]
            for part, values in self.part_values().items()
        }

    def content_hash(self) -> str:
        """The record hash the upsert stores: the part hashes in ``PARTS`` order, ``UNKNOWN_PART`` for
        the parts the input did not cover."""
        hashes = self.part_hashes()
        return "".join(UNKNOWN_PART if part in self.uncovered else hashes[part] for part in PARTS)

    def legacy_hash(self) -> str:
        """The single SHA-256 of the whole record that earlier versions stored, to recognise an unchanged
        entry imported before record hashes had parts (meaningful only when ``uncovered`` is empty)."""
        text = repr(self).removesuffix(f", uncovered={self.uncovered!r})")
        if not self.facts:  # the field came later: a record without facts reads as it did then
            text = text.removesuffix(", facts=()")
        text += ")"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_record_hash(value: str) -> dict[str, str] | None:
    """A stored record hash as part -> part hash; None when it has no parts (empty, or a legacy hash)."""
    if len(value) != PART_HASH_LENGTH * len(PARTS):
        return None
    return {part: value[i * PART_HASH_LENGTH : (i + 1) * PART_HASH_LENGTH] for i, part in enumerate(PARTS)}


def join_record_hash(parts: dict[str, str]) -> str:
    return "".join(parts[part] for part in PARTS)


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
    # The entry was already on the list before ``first_seen``: this interval carries on one of an earlier
    # history whose last state is ``first_seen`` (two chained interval files), which dates its listing.
    continues: bool = False


@dataclass(frozen=True, slots=True)
class EntryDateRecord:
    """Exact days on which a document shows an action on a list entry (its listing, or an update of it).

    ``evidence`` says what the days are: ``created`` (OFAC's own "Created" date of the entry,
    SDN_ADVANCED.XML ``EntryEvent``) or ``recent_action`` (the dates of OFAC Recent Actions pages naming
    the entry, the earliest first). ``title`` and ``url`` name the document of the first day.
    """

    source_uid: str
    evidence: str
    days: tuple[datetime.date, ...]
    title: str = ""
    url: str = ""


@dataclass(slots=True)
class ParsedSource:
    """Everything one parse produced: records, warnings for the run, figures, and the list date.

    ``covers`` names the parts (``PARTS``) the input as a whole speaks about; a record may know less
    (its ``uncovered``). ``end_marker_missing`` names the files that lack the end-of-file marker their
    format guarantees (OFAC's 0x1A) and may therefore have been cut at a line end: the import service
    refuses them unless the run carries a person's override.
    """

    records: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    published_on: datetime.date | None = None
    covers: tuple[str, ...] = PARTS
    end_marker_missing: list[str] = field(default_factory=list)
