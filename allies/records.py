"""Parsed allied list records: what the allied parsers yield and the import pipeline will consume.

Frozen, slotted dataclasses of plain types, never ORM objects, in the shape of ``importers.records``
(whose birth date, place of birth, identifier and address records they reuse). One ``AlliedRecord`` is one
entry of an allied list: a designee with every fact the list gives, and one ``AlliedDesignation`` per
regime it is listed under.

Conventions:

* ``source_uid`` is the publisher's own id exactly as published (no trimming, no case folding): OFSI
  Group ID, UK Sanctions List Unique ID, EU logical id, DFAT Reference. Canada publishes none, so its
  records use a SHA-256 of the distinguishing fields (see ``allies.parsers.ca_sema_xml``).
* Other text is kept as published, with only the whitespace around it removed; countries stay as the
  list spells them ("Russia", "RUSSIA", "Russian"), mapping them is the importer's job.
* Every date says what it is evidence of (``ListingDate.kind``, one of ``DATE_KINDS``): a list's
  "last updated" is not a designation date, and the EU stand-in is labelled as one.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from importers.records import AddressRecord, BirthDateRecord, IdentifierRecord, PlaceOfBirthRecord

__all__ = [
    "DATE_KINDS",
    "KINDS",
    "NAME_KINDS",
    "PUBLISHERS",
    "AddressRecord",
    "AlliedDesignation",
    "AlliedRecord",
    "BirthDateRecord",
    "IdentifierRecord",
    "ListingDate",
    "NameRecord",
    "ParsedAlliedSource",
    "PlaceOfBirthRecord",
]

PUBLISHERS = ("uk", "eu", "ca", "au")
KINDS = ("individual", "entity", "vessel", "aircraft")
NAME_KINDS = ("primary", "primary_variation", "alias", "former", "original_script")

# What each kind of date is evidence of. The upsert must treat them differently (see allies/__init__.py).
DATE_KINDS = {
    "listed": "the publisher's own designation or listing date, an exact day",
    "first_listed": "the day the entry first went on this consolidated list (OFSI 'Listed On'); for listings "
    "carried over from EU law it is the earlier EU-era date, for new UK ones it can follow the designation",
    "last_updated": "the day the publisher last changed the entry; not a listing date",
    "regulation_published": "stand-in for a missing designation date: the earliest publication date of the "
    "legal acts cited for the entry (EU); on or after the real listing date only if the first act is cited",
    "control_date": "DFAT 'Control Date': the day the entry was last changed; not necessarily the listing date",
    "relisted": "a day the publisher says the listing was renewed or made again",
}


@dataclass(frozen=True, slots=True)
class NameRecord:
    """One name of a designee as the list gives it.

    ``parts`` are the name fields as published, labelled with the publisher's own field names
    (``("Name 1", "HAILUN"), ("Name 6", "ZHU")``); ``name`` is the whole name, joined from the parts
    when the list gives no whole name.
    """

    name: str
    kind: str = "alias"  # one of NAME_KINDS
    parts: tuple[tuple[str, str], ...] = ()
    quality: str = ""  # as published: "Good quality", "Low quality a.k.a", "Weak", "strong=false", ...
    weak: bool = False  # the publisher marks it low quality / weak
    script: str = ""  # ISO 15924 ("Latn", "Cyrl", "Arab", "Hani"), from the publisher or the characters
    language: str = ""  # as published ("Russian", "ZH")


@dataclass(frozen=True, slots=True)
class ListingDate:
    """A date the list gives about a designation, with what it is evidence of."""

    kind: str  # one of DATE_KINDS
    date: datetime.date
    raw: str = ""  # as published
    note: str = ""  # what the date stands for when it is a stand-in or quoted from elsewhere


@dataclass(frozen=True, slots=True)
class AlliedDesignation:
    """One designee under one regime of an allied list."""

    regime: str  # as published: "Global Human Rights", "HR", "Autonomous (Thematic - Cyber)"
    regime_code: str  # normalised (allies.regimes): "UK-GHR", "EU-HR", "AU-CORRUPTION"
    reference: str = ""  # the publisher's own id for this designation: "GHR0078", "EU.6251.70", "6830"
    dates: tuple[ListingDate, ...] = ()
    instrument: str = ""  # the legal act as published (EU regulation, DFAT instrument, Canada schedule)
    measures: tuple[str, ...] = ()  # sanctions imposed, as published ("Asset freeze", "Travel Ban")
    origin: str = ""  # whose decision it implements, as published (UK Sanctions List "Designation source": UK, UN)
    source_url: str = ""

    def date(self, kind: str) -> datetime.date | None:
        """The earliest date of that kind, or None."""
        found = [item.date for item in self.dates if item.kind == kind]
        return min(found) if found else None

    @property
    def listed_on(self) -> datetime.date | None:
        """The publisher's own listing date, when the list gives one."""
        return self.date("listed")


@dataclass(frozen=True, slots=True)
class AlliedRecord:
    """One entry of an allied list: the designee, its facts, and its designations."""

    publisher: str  # uk | eu | ca | au
    list_slug: str  # the list, shared by its formats: "uk-ofsi-conlist", "eu-fsf", ...
    source: str  # the parser that read it: "uk-ofsi-conlist-xlsx", "eu-fsf-ammitto", ...
    source_uid: str
    kind: str  # one of KINDS
    name: str  # the primary name as published
    name_parts: tuple[tuple[str, str], ...] = ()
    aliases: tuple[NameRecord, ...] = ()  # every other Latin-script name, primary variations included
    non_latin_names: tuple[NameRecord, ...] = ()
    birth_dates: tuple[BirthDateRecord, ...] = ()
    places_of_birth: tuple[PlaceOfBirthRecord, ...] = ()
    nationalities: tuple[str, ...] = ()
    citizenships: tuple[str, ...] = ()
    identifiers: tuple[IdentifierRecord, ...] = ()
    addresses: tuple[AddressRecord, ...] = ()
    positions: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    gender: str = ""  # male | female | "" (normalised from "Male", "M", ...)
    designations: tuple[AlliedDesignation, ...] = ()
    reasons: str = ""  # the statement of reasons, as published
    other_information: str = ""  # the list's free text as published (OFSI keeps the reasons inside it)
    references: tuple[tuple[str, str], ...] = ()  # (kind, value): ("ofsi_group_id", "14078"), ("un_reference", ...)

    @property
    def regime_codes(self) -> tuple[str, ...]:
        return tuple(designation.regime_code for designation in self.designations)

    def designation(self, regime_code: str) -> AlliedDesignation | None:
        """The designation under the regime with that code, or None."""
        return next((d for d in self.designations if d.regime_code == regime_code), None)

    def content_hash(self) -> str:
        """Hash of every field: equal hashes mean nothing about the entry changed (as ``DesigneeRecord``)."""
        return hashlib.sha256(repr(self).encode("utf-8")).hexdigest()


@dataclass(slots=True)
class ParsedAlliedSource:
    """Everything one parse produced: records, warnings for the run, figures, and the list's date.

    ``published_on`` is the list's own date where it has one (OFSI "Last Updated", FCDO "Report Date",
    EU "generationDate"); each parser's docstring says what stands in for it otherwise.
    """

    records: list[AlliedRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    published_on: datetime.date | None = None
