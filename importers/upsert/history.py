"""Planning a list's history: designations dated from presence intervals, purely.

For each interval of an entry, its designations get the listing bracket (added after ``prev_snapshot``,
by ``first_seen``) and, when the interval ended, the delisting bracket (after ``last_seen``, by
``first_absent``). History refines what snapshots could only say ("on or before"), and never overrides
a listing date known to the day or one an editor locked. Entries the tracker has never seen are created
from the interval (name and kind) so that their delisted designations are kept; a designation the
history shows that the tracker lacks is created with its events. Designations held as active that the
history ends pass the delisting gates. Planned twice over the same state it plans nothing the second time.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from designations.locks import is_locked
from designations.models import DatePrecision, Designation, DesignationEvent, Designee
from importers.records import PresenceIntervalRecord
from importers.upsert.gate import DelistApproval, DelistLimits, PlannedDelisting, judge_delistings
from importers.upsert.plan import (
    Bracket,
    EventPlan,
    NewDesignation,
    NewDesignee,
    Plan,
    Redating,
    Tally,
)
from importers.upsert.state import HeldDesignation, ListState, Reference
from importers.upsert.vocabulary import Programs, pair_retags

REFINED = "Date refined from the list history."
ABSENT = "Absent from the list from this snapshot on."
PRECISION_RANK = {
    "": 0,
    DatePrecision.ON_OR_BEFORE: 1,
    DatePrecision.YEAR: 2,
    DatePrecision.RANGE: 3,
    DatePrecision.MONTH: 4,
    DatePrecision.DAY: 5,
}


@dataclass(frozen=True)
class HistoryOptions:
    limits: DelistLimits
    agency: str = "OFAC"
    approval: DelistApproval | None = None


@dataclass(slots=True)
class _Episode:
    """A designation while the plan is worked out: a held one (``pk``) or one the plan creates."""

    program: str
    status: str
    listed: Bracket
    delisted: Bracket | None
    pk: int | None = None
    locks: tuple[str, ...] = ()
    events: list[EventPlan] = field(default_factory=list)  # of a new one

    @classmethod
    def of(cls, held: HeldDesignation) -> _Episode:
        return cls(held.program, held.status, held.listed, held.delisted, held.pk, held.locks)

    @property
    def delisted_on(self) -> datetime.date | None:
        return self.delisted.on if self.delisted else None


def plan_history(
    records: Sequence[PresenceIntervalRecord], state: ListState, reference: Reference, options: HistoryOptions
) -> Plan:
    """The plan that dates ``state``'s designations by ``records`` (module docstring); no database access."""
    programs = Programs(reference)
    uid_of = {designee.pk: uid for uid, designee in state.designees.items()}
    episodes: dict[str, list[_Episode]] = defaultdict(list)  # designee source_uid -> its designations
    for designation in state.designations:
        episodes[uid_of[designation.designee]].append(_Episode.of(designation))

    # Entries unknown to the tracker: minimal designees (the last interval of an entry gives its name and kind).
    missing = {r.source_uid: r for r in records if r.source_uid not in state.designees}
    new_designees = tuple(
        NewDesignee(
            r.source_uid,
            int(r.source_uid) if r.source_uid.isdigit() else None,
            "",
            {"kind": r.kind if r.kind in Designee.Kind.values else Designee.Kind.ENTITY, "name": r.name[:500]},
        )
        for r in missing.values()
    )

    created: list[tuple[str, _Episode]] = []  # (designee source_uid, designation) the plan creates
    redated: dict[int, _Episode] = {}
    events: list[EventPlan] = []  # of held designations
    ending_active: list[_Episode] = []  # held active designations the history ends
    unchanged = 0
    for interval in records:
        touched = False
        uid = interval.source_uid
        listing = (
            Bracket(interval.first_seen, DatePrecision.ON_OR_BEFORE)
            if interval.prev_snapshot is None
            else Bracket(interval.first_seen, DatePrecision.RANGE, interval.prev_snapshot)
        )
        delisting = (
            Bracket(interval.first_absent, DatePrecision.RANGE, interval.last_seen) if interval.first_absent else None
        )
        first = [programs.code(tag) for tag in interval.programs_first]
        last = [programs.code(tag) for tag in interval.programs_last]
        # Programs held at the end of the interval, each traced back to the tag it started under.
        origin = {code: code for code in last if code in first}
        dropped = [code for code in first if code not in last]
        came = [code for code in last if code not in first]
        for old, new in pair_retags(programs, dropped, came):
            origin[new] = old
            came.remove(new)
            dropped.remove(old)
        for code in last:
            # A tag that appeared inside the interval was listed between its first and last sighting.
            program_listing = (
                listing if code in origin else Bracket(interval.last_seen, DatePrecision.RANGE, interval.first_seen)
            )
            retagged = origin.get(code, code) != code
            existing = _episode(episodes[uid], code, program_listing, delisting)
            if existing is None:
                episode = _Episode(
                    code,
                    Designation.Status.DELISTED if delisting else Designation.Status.ACTIVE,
                    program_listing,
                    delisting,
                )
                episode.events.append(EventPlan(DesignationEvent.Kind.LISTED, program_listing))
                if retagged:
                    episode.events.append(_retag_event(interval, origin[code], code))
                if delisting:
                    episode.events.append(EventPlan(DesignationEvent.Kind.DELISTED, delisting, note=ABSENT))
                episodes[uid].append(episode)
                created.append((uid, episode))
                touched = True
                continue
            was_active = existing.pk is not None and existing.status == Designation.Status.ACTIVE
            changes = _refine(existing, program_listing, delisting)
            if was_active and existing.status == Designation.Status.DELISTED:
                ending_active.append(existing)
            if not changes:
                continue
            touched = True
            found = [EventPlan(kind, bracket, existing.pk, note=REFINED) for kind, bracket in changes]
            # The re-tag the history shows is recorded once, with the first refinement of the listing.
            if retagged and changes[0][0] == DesignationEvent.Kind.LISTED:
                found.append(_retag_event(interval, origin[code], code, existing.pk))
            if existing.pk is None:
                existing.events += found
            else:
                redated[existing.pk] = existing
                events += found
        if not touched:
            unchanged += 1

    names = {designee.pk: designee.name for designee in state.designees.values()}
    held_by_pk = {designation.pk: designation for designation in state.designations}
    gate = judge_delistings(
        [
            PlannedDelisting(e.pk, uid_of[held_by_pk[e.pk].designee], names[held_by_pk[e.pk].designee], e.program)
            for e in ending_active
        ],
        limits=options.limits,
        approval=options.approval,
    )
    new_designations = tuple(
        NewDesignation(
            uid,
            e.program,
            programs.authority(e.program),
            options.agency,
            e.status,
            e.listed,
            e.delisted,
            tuple(e.events),
        )
        for uid, e in created
    )
    delisted = sum(
        1
        for event in (*events, *(event for d in new_designations for event in d.events))
        if event.kind == DesignationEvent.Kind.DELISTED
    )
    return Plan(
        list_source=state.list_source,
        gate=gate,
        tally=Tally(
            records=len(records),
            created=len(new_designees),
            updated=len(redated),
            unchanged=unchanged,
            delisted=delisted,
            listed=len(new_designations),
        ),
        new_programs=tuple(programs.new),
        new_designees=new_designees,
        redatings=tuple(Redating(pk, e.status, e.listed, e.delisted) for pk, e in redated.items()),
        new_designations=new_designations,
        events=tuple(events),
        warnings=tuple(programs.warnings()),
        stats={"designations_created": len(new_designations), "designations_refined": len(redated)},
    )


def _retag_event(interval: PresenceIntervalRecord, old: str, new: str, designation: int | None = None) -> EventPlan:
    """The tag changed somewhere inside the interval: an amendment bracketed by its first and last sighting."""
    return EventPlan(
        DesignationEvent.Kind.AMENDED,
        Bracket(interval.last_seen, DatePrecision.RANGE, interval.first_seen),
        designation,
        changes={"program": [old, new]},
    )


def _episode(candidates: list[_Episode], program: str, listing: Bracket, delisting: Bracket | None) -> _Episode | None:
    """The designation of this program that this interval describes, if the tracker (or the plan) has it.

    An active designation matches an open interval; a delisted one matches when its delisting falls
    in the interval's end bracket (or it is still undated). With several, the latest listed wins.
    """
    matches = []
    for d in candidates:
        if d.program != program:
            continue
        if delisting is None and d.status == Designation.Status.ACTIVE:
            matches.append(d)
        elif delisting is not None and (
            d.status == Designation.Status.ACTIVE
            or d.delisted_on is None
            or (delisting.earliest is not None and delisting.earliest <= d.delisted_on <= delisting.on)
        ):
            matches.append(d)
    if not matches:
        return None
    return max(matches, key=lambda d: (d.listed.on or datetime.date.min, d.pk or 0))


def _refine(d: _Episode, listing: Bracket, delisting: Bracket | None) -> list[tuple[str, Bracket]]:
    """Apply the history's brackets to ``d`` where they are more precise; return the events to record.

    Dates an editor locked (``listed_on``, ``delisted_on``/``status``, or the whole designation) stay.
    """
    changes: list[tuple[str, Bracket]] = []
    if is_locked(d.locks, "listed_on"):
        listing = d.listed
    if is_locked(d.locks, "status", "delisted_on"):
        delisting = None
    held = d.listed
    if PRECISION_RANK.get(listing.precision, 0) > PRECISION_RANK.get(held.precision, 0) or (
        held.precision == listing.precision == DatePrecision.ON_OR_BEFORE
        and held.on
        and listing.on
        and listing.on < held.on
    ):
        if held != listing:
            d.listed = listing
            changes.append((DesignationEvent.Kind.LISTED, listing))
    if delisting is not None and d.status == Designation.Status.ACTIVE:
        d.status = Designation.Status.DELISTED
        d.delisted = delisting
        changes.append((DesignationEvent.Kind.DELISTED, delisting))
    return changes
