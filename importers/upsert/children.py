"""A designee's child collections, in one registry: what the upsert writes for each.

Each ``ChildCollection`` names the collection (its lock name, ``designations.locks.CHILD_COLLECTIONS``;
its model and foreign key come from ``designations.models.DESIGNEE_COLLECTIONS``), the row it inserts
(a ``NamedTuple`` whose fields are the columns after the designee), its *slices* (the part of a record
each of its rows belongs to, ``importers.records`` "What an input speaks about", and the stored rows of
that part, deleted when the part is replaced) and the function that builds its rows from a record.

The numbered aliases (``alt.csv``) and the address countries are parts of collections whose other rows
come from the remarks: an input without ``alt.csv`` replaces the remarks a.k.a.s and keeps the numbered
ones.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from django.db import models
from django.db.models import Q

from designations.models import DESIGNEE_COLLECTIONS, DesigneeCountry, normalised_identifier
from importers.records import PART_ADDRESSES, PART_FACTS, PART_LISTED_ALIASES, DesigneeRecord


class Resolve(Protocol):
    """What building rows needs beyond the record: country pks and the designees named in "Linked To"s."""

    def country(self, text: str) -> int | None: ...

    def designee_named(self, name: str) -> str | None: ...


class AliasRow(NamedTuple):
    name: str
    kind: str
    strength: str
    script: str
    source_uid: str


class IdentifierRow(NamedTuple):
    kind: str
    value: str
    normalised_value: str  # what the ``identifier`` filter compares (``designations.models.normalised_identifier``)
    country: int | None
    country_text: str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    note: str


class AddressRow(NamedTuple):
    street: str
    city: str
    country: int | None
    country_text: str
    remarks: str
    source_uid: str


class BirthDateRow(NamedTuple):
    raw: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    precision: str
    is_range: bool
    circa: bool


class PlaceOfBirthRow(NamedTuple):
    place: str
    country: int | None


class CountryLinkRow(NamedTuple):
    country: int
    role: str


class FactRow(NamedTuple):
    kind: str
    value: str
    date_from: datetime.date | None
    date_to: datetime.date | None
    precision: str
    alt: bool


class RelationshipRow(NamedTuple):
    to_designee: str | None  # in a plan, the target's source_uid; the write step puts its pk in
    to_name: str
    kind: str


@dataclass(frozen=True)
class Slice:
    """The rows of a collection that belong to one part; ``stored`` selects them in the table (None: all)."""

    part: str
    stored: Q | None = None


@dataclass(frozen=True)
class ChildCollection:
    """One child collection of a designee (module docstring)."""

    name: str
    row: type[tuple]
    slices: tuple[Slice, ...]
    build: Callable[[DesigneeRecord, frozenset[str], Resolve], list[tuple]]  # rows of the given parts
    designee_refs: tuple[str, ...] = ()  # row fields holding a designee's source_uid in a plan
    # The part a built row belongs to (a collection of one slice: that slice's part).
    part_of: Callable[[tuple], str] | None = None
    parts: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parts", frozenset(s.part for s in self.slices))
        if self.part_of is None:
            if len(self.slices) != 1:
                raise ValueError(f"{self.name}: a collection of several slices says which part each row is of")
            only = self.slices[0].part
            object.__setattr__(self, "part_of", lambda row: only)

    @property
    def model(self) -> type[models.Model]:
        return DESIGNEE_COLLECTIONS[self.name][0]

    @property
    def fk(self) -> str:
        return DESIGNEE_COLLECTIONS[self.name][1]

    @property
    def columns(self) -> tuple[str, ...]:
        """The inserted columns (field names): the designee, then the row's fields."""
        return (self.fk, *self.row._fields)


def _aliases(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [
        AliasRow(a.name[:500], a.kind, a.strength, a.script, a.source_uid)
        for a in record.aliases
        if (PART_LISTED_ALIASES if a.source_uid else PART_FACTS) in parts
    ]


def _identifiers(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [
        IdentifierRow(
            i.kind[:150],
            i.value[:500],
            normalised_identifier(i.value[:500]),
            resolve.country(i.country),
            i.country[:100],
            i.issued_on,
            i.expires_on,
            i.note[:500],
        )
        for i in record.identifiers
    ]


def _addresses(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [
        AddressRow(
            a.street[:800], a.city[:300], resolve.country(a.country), a.country[:250], a.remarks[:300], a.source_uid
        )
        for a in record.addresses
    ]


def _birth_dates(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [
        BirthDateRow(b.raw[:100], b.date_from, b.date_to, b.precision, b.is_range, b.circa) for b in record.birth_dates
    ]


def _places_of_birth(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    # The whole place: the resolver tries its trailing parts, so "..., Korea, North" resolves.
    return [PlaceOfBirthRow(p.place[:300], resolve.country(p.place)) for p in record.places_of_birth]


def _country_links(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    # Countries from every role: stated ones, addresses and places of birth, once per role.
    address = DesigneeCountry.Role.ADDRESS
    pairs: list[tuple[int | None, str]] = [(resolve.country(c.country), c.role) for c in record.countries]
    pairs += [(resolve.country(a.country), address) for a in record.addresses]
    pairs += [(resolve.country(p.place), DesigneeCountry.Role.PLACE_OF_BIRTH) for p in record.places_of_birth]
    return [
        CountryLinkRow(pk, role)
        for pk, role in dict.fromkeys(pairs)
        if pk is not None and (PART_ADDRESSES if role == address else PART_FACTS) in parts
    ]


def _relationships(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [RelationshipRow(resolve.designee_named(r.to_name), r.to_name[:500], r.kind) for r in record.relationships]


def _facts(record: DesigneeRecord, parts: frozenset[str], resolve: Resolve) -> list[tuple]:
    return [FactRow(f.kind, f.value[:500], f.date_from, f.date_to, f.precision, f.alt) for f in record.facts]


_ADDRESS_ROLE = Q(role=DesigneeCountry.Role.ADDRESS)
# In the order of ``designations.locks.CHILD_COLLECTIONS``: every lockable collection, and only those.
CHILDREN: tuple[ChildCollection, ...] = (
    ChildCollection(
        "aliases",
        AliasRow,
        (Slice(PART_LISTED_ALIASES, ~Q(source_uid="")), Slice(PART_FACTS, Q(source_uid=""))),
        _aliases,
        part_of=lambda row: PART_LISTED_ALIASES if row.source_uid else PART_FACTS,
    ),
    ChildCollection("identifiers", IdentifierRow, (Slice(PART_FACTS),), _identifiers),
    ChildCollection("addresses", AddressRow, (Slice(PART_ADDRESSES),), _addresses),
    ChildCollection("birth_dates", BirthDateRow, (Slice(PART_FACTS),), _birth_dates),
    ChildCollection("places_of_birth", PlaceOfBirthRow, (Slice(PART_FACTS),), _places_of_birth),
    ChildCollection(
        "country_links",
        CountryLinkRow,
        (Slice(PART_ADDRESSES, _ADDRESS_ROLE), Slice(PART_FACTS, ~_ADDRESS_ROLE)),
        _country_links,
        part_of=lambda row: PART_ADDRESSES if row.role == DesigneeCountry.Role.ADDRESS else PART_FACTS,
    ),
    ChildCollection("relationships", RelationshipRow, (Slice(PART_FACTS),), _relationships, ("to_designee",)),
    ChildCollection("stated_facts", FactRow, (Slice(PART_FACTS),), _facts),
)
