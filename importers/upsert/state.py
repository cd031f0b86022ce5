"""What the database holds, loaded first into plain typed snapshots: the only reads of an upsert.

``load_reference`` reads the vocabulary a run maps records onto (programs with the authority their
designations are made under, countries and their spellings); ``load_list_state`` reads one list's
designees, designations and unresolved links. Both are a handful of queries, whatever the list's size.
The plan step (``importers.upsert.snapshot``, ``importers.upsert.history``) computes from these alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from designations.countries import CountryResolver
from designations.locks import SCALAR_FIELDS
from designations.models import Country, Designation, DesignationEvent, Designee, Relationship, SourceDocument
from importers.upsert.plan import Bracket
from programs.models import Authority, Program

CHUNK = 1000


def choose_authority(links: Iterable[tuple[int, str]]) -> int | None:
    """Of a program's authorities (pk, kind), the one its designations are made under, or None.

    A program with one authority uses it; with several, the single executive order among them
    (GLOMAG: E.O. 13818 rather than the Act it implements); otherwise none.
    """
    links = list(links)
    if len(links) == 1:
        return links[0][0]
    orders = [pk for pk, kind in links if kind == Authority.Kind.EXECUTIVE_ORDER]
    return orders[0] if len(orders) == 1 else None


@dataclass(frozen=True, slots=True)
class ProgramRef:
    """A program tag: its pk, the tag that replaced it (a renamed placeholder), its designations' authority,
    and the day that authority ended (expired, revoked, repealed), if the registry records one."""

    pk: int
    code: str
    replaced_by: str | None = None
    authority: int | None = None
    authority_ended: datetime.date | None = None


@dataclass(frozen=True)
class Reference:
    """The vocabulary a run maps records onto: programs by code, countries by ISO code, country spellings."""

    programs: Mapping[str, ProgramRef]
    countries: Mapping[str, int]  # ISO code -> Country pk
    resolver: CountryResolver

    def authority_for(self, code: str) -> int | None:
        """The authority a designation under ``code`` is made under; None for a tag the tracker does not know."""
        program = self.programs.get(code)
        return program.authority if program else None

    def authority_ended(self, code: str) -> datetime.date | None:
        """The day the authority of ``code`` ended, if it has (``Authority.ended_on``)."""
        program = self.programs.get(code)
        return program.authority_ended if program else None


def load_reference() -> Reference:
    links: dict[int, list[tuple[int, str]]] = {}
    through = Program.authorities.through.objects.values_list("program_id", "authority_id", "authority__kind")
    for program_id, authority_id, kind in through:
        links.setdefault(program_id, []).append((authority_id, kind))
    rows = list(Program.objects.values_list("pk", "code", "replaced_by_id"))
    code_of = {pk: code for pk, code, _ in rows}
    ended = dict(Authority.objects.filter(ended_on__isnull=False).values_list("pk", "ended_on"))
    programs = {}
    for pk, code, successor in rows:
        authority = choose_authority(links.get(pk, []))
        programs[code] = ProgramRef(pk, code, code_of.get(successor), authority, ended.get(authority))
    return Reference(
        programs=programs,
        countries=dict(Country.objects.values_list("code", "pk")),
        resolver=CountryResolver.from_db(),
    )


@dataclass(frozen=True, slots=True)
class HeldDesignee:
    """A designee of the list as held: its key, hash and locks; ``scalars`` (its ``SCALAR_FIELDS`` as
    stored) are loaded for designees an editor locked, to tell what a lock kept."""

    pk: int
    source_uid: str
    name: str
    record_hash: str = ""
    locks: tuple[str, ...] = ()
    scalars: Mapping[str, object] | None = None


@dataclass(frozen=True, slots=True)
class HeldEvent:
    """A designation's recorded listing event: what better evidence refines in place."""

    pk: int
    kind: str
    when: Bracket
    source_document: int | None = None
    note: str = ""
    changes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HeldDesignation:
    """A designation of the list as held, its program by code, and its first listing event."""

    pk: int
    designee: int
    program: str
    status: str
    listed: Bracket
    delisted: Bracket | None = None
    locks: tuple[str, ...] = ()
    listed_event: HeldEvent | None = None

    @property
    def active(self) -> bool:
        return self.status == Designation.Status.ACTIVE


@dataclass(frozen=True, slots=True)
class UnresolvedLink:
    """A "Linked To" of the list whose target was not found when it was written."""

    pk: int
    designee: int
    to_name: str


@dataclass(frozen=True)
class ListState:
    """One list as the tracker holds it (``source`` = ``list_source``)."""

    list_source: str
    designees: Mapping[str, HeldDesignee] = field(default_factory=dict)  # by source_uid
    designations: tuple[HeldDesignation, ...] = ()
    unresolved_links: tuple[UnresolvedLink, ...] = ()
    previous_snapshot: datetime.date | None = None  # the latest earlier snapshot imported, if asked for


def load_list_state(
    list_source: str,
    reference: Reference,
    *,
    previous_before: datetime.date | None = None,
    links: bool = False,
) -> ListState:
    """Read ``list_source``'s designees and designations (``links``: and its unresolved "Linked To"s).

    ``previous_before``: also the date of the list's latest snapshot document before that day.
    """
    designees: dict[str, HeldDesignee] = {}
    locked: list[int] = []
    rows = Designee.objects.filter(source=list_source).values_list(
        "pk", "source_uid", "name", "record_hash", "locked_fields"
    )
    for pk, uid, name, record_hash, locks in rows:
        designees[uid] = HeldDesignee(pk, uid, name, record_hash, tuple(locks or ()))
        if locks:
            locked.append(pk)
    if locked:
        scalars = {}
        for start in range(0, len(locked), CHUNK):
            for values in Designee.objects.filter(pk__in=locked[start : start + CHUNK]).values("pk", *SCALAR_FIELDS):
                scalars[values.pop("pk")] = values
        designees = {
            uid: HeldDesignee(d.pk, uid, d.name, d.record_hash, d.locks, scalars.get(d.pk)) if d.locks else d
            for uid, d in designees.items()
        }
    code_of = {program.pk: code for code, program in reference.programs.items()}
    listed_events = _listing_events(list_source)
    designations = tuple(
        HeldDesignation(
            pk,
            designee,
            code_of[program],
            status,
            Bracket(listed_on, listed_precision, listed_earliest),
            Bracket(delisted_on, delisted_precision, delisted_earliest)
            if status != Designation.Status.ACTIVE
            else None,
            tuple(locks or ()),
            listed_events.get(pk),
        )
        for (
            pk,
            designee,
            program,
            status,
            locks,
            listed_on,
            listed_precision,
            listed_earliest,
            delisted_on,
            delisted_precision,
            delisted_earliest,
        ) in Designation.objects.filter(designee__source=list_source).values_list(
            "pk",
            "designee_id",
            "program_id",
            "status",
            "locked_fields",
            "listed_on",
            "listed_precision",
            "listed_earliest",
            "delisted_on",
            "delisted_precision",
            "delisted_earliest",
        )
    )
    unresolved = ()
    if links:
        unresolved = tuple(
            UnresolvedLink(pk, designee, to_name)
            for pk, designee, to_name in Relationship.objects.filter(
                from_designee__source=list_source, to_designee__isnull=True
            ).values_list("pk", "from_designee_id", "to_name")
        )
    previous = None
    if previous_before is not None:
        previous = (
            SourceDocument.objects.filter(
                source=list_source, kind=SourceDocument.Kind.LIST_SNAPSHOT, published_on__lt=previous_before
            )
            .order_by("-published_on")
            .values_list("published_on", flat=True)
            .first()
        )
    return ListState(list_source, designees, designations, unresolved, previous)


def _listing_events(list_source: str) -> dict[int, HeldEvent]:
    """Each designation's first listing (or relisting) event, by designation pk."""
    found: dict[int, HeldEvent] = {}
    rows = (
        DesignationEvent.objects.filter(
            designation__designee__source=list_source,
            kind__in=(DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "designation_id",
            "kind",
            "occurred_on",
            "precision",
            "earliest",
            "source_document_id",
            "note",
            "changes",
        )
    )
    for pk, designation, kind, on, precision, earliest, document, note, changes in rows:
        if designation not in found:
            found[designation] = HeldEvent(pk, kind, Bracket(on, precision, earliest), document, note, changes or {})
    return found
