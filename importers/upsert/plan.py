"""The plan of an upsert: what it will write, computed purely from the records and the state held.

A plan is made of frozen dataclasses of plain values. Designees and designations the plan creates
have no primary key yet: they are named by their ``source_uid`` (designees) or carried whole, with
their events (``NewDesignation``); the write step (``importers.upsert.write``) maps them to the rows it
inserts. Programs are named by their code, since a plan may introduce a tag the tracker has not seen.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from importers.upsert.children import ChildCollection


@dataclass(frozen=True, slots=True)
class Bracket:
    """Where a listing or delisting date stands: its day, its precision and, for a range, its earliest day."""

    on: datetime.date | None
    precision: str
    earliest: datetime.date | None = None


# --------------------------------------------------------------------------------------------------
# Designees and their child rows
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class NewDesignee:
    """A list entry the tracker does not hold yet. ``scalars`` are the fields of ``SCALAR_FIELDS`` it gives."""

    source_uid: str
    entry_number: int | None
    record_hash: str
    scalars: Mapping[str, str]
    unparsed_remarks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DesigneeUpdate:
    """A held entry whose ``parts`` changed: the columns of those parts an editor did not lock, and its new hash."""

    pk: int
    source_uid: str
    parts: frozenset[str]
    values: Mapping[str, object]
    record_hash: str


@dataclass(frozen=True, slots=True)
class Rehash:
    """An unchanged entry whose stored hash predates part hashes: the hash is rewritten, nothing else."""

    pk: int
    record_hash: str


@dataclass(frozen=True)
class ChildPlan:
    """One child collection's writes: the stored rows of ``cleared`` slices deleted, then ``rows`` inserted.

    ``cleared`` is (part, designee pks) per slice of the collection; ``rows`` are (designee source_uid,
    its rows), each row a ``collection.row`` tuple.
    """

    collection: ChildCollection
    cleared: tuple[tuple[str, tuple[int, ...]], ...] = ()
    rows: tuple[tuple[str, tuple[tuple, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Relink:
    """A held "Linked To" without a target, pointed at the designee of that name the plan creates."""

    relationship: int
    to_designee: str  # source_uid


# --------------------------------------------------------------------------------------------------
# Designations and events
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EventPlan:
    """A ``DesignationEvent`` to record, of ``designation`` (a held one; None: the new designation that carries it).

    ``refines`` names a recorded event this one replaces in place (its date, precision, note and
    changes), for better evidence about the same event, instead of recording a second one.
    """

    kind: str
    when: Bracket
    designation: int | None = None
    changes: Mapping[str, object] = field(default_factory=dict)
    note: str = ""
    refines: int | None = None
    # Refining only the note and evidence trail (evidence kept, not used): the event keeps citing its document.
    keeps_document: bool = False


@dataclass(frozen=True, slots=True)
class NewDesignation:
    """A designation to create (a listing, or a past episode only the history knows), with its events."""

    designee: str  # source_uid
    program: str  # code
    authority: int | None
    agency: str
    status: str
    listed: Bracket
    delisted: Bracket | None = None
    events: tuple[EventPlan, ...] = ()


@dataclass(frozen=True, slots=True)
class Delisting:
    """A held active designation ends: status delisted, dated by ``when``."""

    designation: int
    when: Bracket


@dataclass(frozen=True, slots=True)
class Retag:
    """A held designation carries on under another program tag (an amendment of the same designation)."""

    designation: int
    program: str  # the new code
    authority: int | None


@dataclass(frozen=True, slots=True)
class Redating:
    """A held designation's dates as better evidence gives them (and its end, when that evidence shows one)."""

    designation: int
    status: str
    listed: Bracket
    delisted: Bracket | None


@dataclass(frozen=True, slots=True)
class SkippedChange:
    """A change a lock kept from being written, for an editor to accept or dismiss (``ImportRun.skipped_changes``).

    Of a designee's field (``designee``, ``source_uid``), of one of its child collections (``collection``:
    the imported value is the list's set of rows, shown as "(set)"), or of a designation (``designation``).
    """

    field: str
    imported: object
    current: object = None
    designee: int | None = None
    source_uid: str = ""
    designation: int | None = None
    collection: bool = False

    def as_json(self) -> dict:
        if self.designation is not None:
            return {
                "designation": self.designation,
                "field": self.field,
                "current": self.current,
                "imported": self.imported,
            }
        change: dict = {"designee": self.designee, "source_uid": self.source_uid, "field": self.field}
        if not self.collection:
            change["current"] = self.current
        change["imported"] = self.imported
        return change


# --------------------------------------------------------------------------------------------------
# The delisting gate
# --------------------------------------------------------------------------------------------------
class Verdict(StrEnum):
    PASS = "pass"  # few enough delistings
    APPROVED = "approved"  # beyond a gate, but a person approved exactly these
    HOLD = "hold"  # an editor must review them first
    REFUSE = "refuse"  # beyond what any run may delist


@dataclass(frozen=True)
class DelistingGate:
    """What the gates say about the plan's delistings of held active designations.

    ``message`` explains a hold or a refusal (or, when approved, the note the run keeps); ``review`` is
    what a held run shows the editor: the count, a sample by entry number, and every designation pk.
    """

    verdict: Verdict
    message: str = ""
    review: Mapping[str, object] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tally:
    """The run's counts, as ``UpsertResult`` reports them."""

    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    delisted: int = 0
    listed: int = 0
    amended: int = 0
    relisted: int = 0
    removed_duplicates: int = 0


@dataclass(frozen=True)
class Plan:
    """Everything one upsert writes, in the order the write step applies it."""

    list_source: str
    gate: DelistingGate
    tally: Tally
    new_programs: tuple[str, ...] = ()
    new_designees: tuple[NewDesignee, ...] = ()
    designee_updates: tuple[DesigneeUpdate, ...] = ()
    rehashes: tuple[Rehash, ...] = ()
    children: tuple[ChildPlan, ...] = ()
    relinks: tuple[Relink, ...] = ()
    delistings: tuple[Delisting, ...] = ()
    retags: tuple[Retag, ...] = ()
    redatings: tuple[Redating, ...] = ()
    new_designations: tuple[NewDesignation, ...] = ()
    events: tuple[EventPlan, ...] = ()  # of held designations; new ones carry their own
    skipped_changes: tuple[SkippedChange, ...] = ()
    warnings: tuple[str, ...] = ()
    stats: Mapping[str, object] = field(default_factory=dict)
