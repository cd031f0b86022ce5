"""Planning a list's history: designations dated from presence intervals, purely.

For each interval of an entry, its designations get the listing bracket (added after ``prev_snapshot``,
by ``first_seen``) and, when the interval ended, the delisting bracket (after ``last_seen``, by
``first_absent``). History refines what snapshots could only say ("on or before"), and never overrides
a listing date known to the day or one an editor locked. Entries the tracker has never seen are created
from the interval (name and kind) so that their delisted designations are kept; a designation the
history shows that the tracker lacks is created with its events. Designations held as active that the
history ends pass the delisting gates. Planned twice over the same state it plans nothing the second time.

Tags that change inside an interval changed between its first and last sighting:

* a tag that replaces a placeholder (``replaced_by``), or one tag for another under the same authority,
  is the same designation, amended;
* a move to a program under another authority (``ZIMBABWE`` -> ``GLOMAG``, ``SDNTK`` -> ``SDGT``) ends
  the designation under the old tag and starts one under the new, both dated by that bracket, or by the
  day the old tag's authority ended (program registry) when that day falls inside it: a designation does
  not outlast its authority. A tag dropped while the entry stays listed ends its designation the same way.

An interval that ``continues`` one of an earlier history (chained files) takes its listings from it. A
better date of a held designation refines its recorded listing event in place (one listing event per
designation), and the event keeps what each earlier document said (``changes["evidence"]``).
"""

from __future__ import annotations

import dataclasses
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
from importers.upsert.state import HeldDesignation, HeldEvent, ListState, Reference
from importers.upsert.vocabulary import Programs, name_key, pair_retags

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
    listed_event: HeldEvent | None = None  # of a held one

    @classmethod
    def of(cls, held: HeldDesignation) -> _Episode:
        return cls(
            held.program, held.status, held.listed, held.delisted, held.pk, held.locks, listed_event=held.listed_event
        )

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
    latest_start: dict[str, datetime.date] = {}
    for interval in records:
        latest_start[interval.source_uid] = max(
            interval.first_seen, latest_start.get(interval.source_uid, interval.first_seen)
        )
    duplicate_of = _removed_duplicates(records, latest_start)
    carried: dict[tuple[str, str], Bracket] = {}  # (source_uid, program) -> its listing, for chained intervals
    unchanged = 0

    def settle(
        uid: str,
        code: str,
        listing: Bracket,
        end: Bracket | None,
        *,
        earlier: bool,
        seen_until: datetime.date,
        listed_note: str = "",
        end_note: str = ABSENT,
        end_kind: str = DesignationEvent.Kind.DELISTED,
        retag: EventPlan | None = None,
    ) -> bool:
        """Date (or create) the designation under ``code`` the interval shows; True if anything changes."""
        existing = _episode(episodes[uid], code, listing, end, active=not earlier, seen_until=seen_until)
        if existing is None:
            episode = _Episode(code, Designation.Status.DELISTED if end else Designation.Status.ACTIVE, listing, end)
            episode.events.append(EventPlan(DesignationEvent.Kind.LISTED, listing, note=listed_note))
            if retag is not None:
                episode.events.append(retag)
            if end:
                episode.events.append(EventPlan(end_kind, end, note=end_note))
            episodes[uid].append(episode)
            created.append((uid, episode))
            return True
        was_active = existing.pk is not None and existing.status == Designation.Status.ACTIVE
        changes = _refine(existing, listing, end)
        if was_active and existing.status == Designation.Status.DELISTED:
            ending_active.append(existing)
        if not changes:
            return False
        changes = [(end_kind if kind == DesignationEvent.Kind.DELISTED else kind, when) for kind, when in changes]
        if existing.pk is None:
            existing.events = _refined_new(existing.events, changes, end_note)
            return True
        redated[existing.pk] = existing
        for kind, bracket in changes:
            if kind == DesignationEvent.Kind.LISTED:
                events.append(_refined_listing(existing, bracket))
                # The re-tag the history shows is recorded once, with the first refinement of the listing.
                if retag is not None:
                    events.append(dataclasses.replace(retag, designation=existing.pk))
            else:
                events.append(EventPlan(kind, bracket, existing.pk, note=end_note if end_note != ABSENT else REFINED))
        return True

    for interval in records:
        uid = interval.source_uid
        listing = (
            Bracket(interval.first_seen, DatePrecision.ON_OR_BEFORE)
            if interval.prev_snapshot is None
            else Bracket(interval.first_seen, DatePrecision.RANGE, interval.prev_snapshot)
        )
        delisting = (
            Bracket(interval.first_absent, DatePrecision.RANGE, interval.last_seen) if interval.first_absent else None
        )
        # A closed interval followed by another of the same entry ended before the entry came back: it is
        # never the designation in force now.
        earlier = interval.first_absent is not None and interval.first_seen < latest_start[uid]
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

        def listed(code: str) -> Bracket:
            """A tag held since the first sighting: listed with the entry, or as the earlier history dated it."""
            return carried.get((uid, code), listing) if interval.continues else listing  # noqa: B023

        # Tags that changed inside the interval changed between its first and last sighting.
        changed = Bracket(interval.last_seen, DatePrecision.RANGE, interval.first_seen)
        ends = {code: _tag_end(changed, programs.authority_ended(code)) for code in dropped}
        # A tag that came while exactly one tag of another authority went is the move of that designation:
        # the new one starts when the old one ends.
        moved_from = dropped[0] if len(dropped) == 1 and came else None
        touched = False
        stays_as = duplicate_of.get((uid, interval.first_absent))
        end_kind, end_note = DesignationEvent.Kind.DELISTED, ABSENT
        if stays_as is not None:
            end_kind, end_note = DesignationEvent.Kind.REMOVED_DUPLICATE, _duplicate_note(uid, stays_as)
        for code in last:
            if code in origin:
                program_listing = listed(origin[code])
            else:
                program_listing = ends[moved_from] if moved_from else changed
            retag = None
            if origin.get(code, code) != code:
                retag = _retag_event(changed, origin[code], code)
            touched |= settle(
                uid,
                code,
                program_listing,
                delisting,
                earlier=earlier,
                seen_until=interval.last_seen,
                listed_note=_moved_note(moved_from, code) if code in came else "",
                end_note=end_note,
                end_kind=end_kind,
                retag=retag,
            )
            carried[(uid, code)] = program_listing
        # A tag that went while the entry stayed listed (moved to another authority, or dropped) ends the
        # designation under it.
        for code in dropped:
            note = _left_note(code, came, ends[code], programs.authority_ended(code))
            touched |= settle(
                uid, code, listed(code), ends[code], earlier=earlier, seen_until=interval.last_seen, end_note=note
            )
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
    every_event = [*events, *(event for d in new_designations for event in d.events)]
    delisted = sum(1 for event in every_event if event.kind == DesignationEvent.Kind.DELISTED)
    removed_duplicates = sum(1 for event in every_event if event.kind == DesignationEvent.Kind.REMOVED_DUPLICATE)
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
            removed_duplicates=removed_duplicates,
        ),
        new_programs=tuple(programs.new),
        new_designees=new_designees,
        redatings=tuple(Redating(pk, e.status, e.listed, e.delisted) for pk, e in redated.items()),
        new_designations=new_designations,
        events=tuple(events),
        warnings=tuple(programs.warnings()),
        stats={
            "designations_created": len(new_designations),
            "designations_refined": len(redated),
            "removed_duplicates": removed_duplicates,
        },
    )


def _removed_duplicates(
    records: Sequence[PresenceIntervalRecord], latest_start: dict[str, datetime.date]
) -> dict[tuple[str, datetime.date], str]:
    """Entries OFAC removed as duplicates of another: ``(entry, first_absent) -> the entry that stays``.

    An entry's last interval ended while another entry of the same name, sharing one of its tags, was on the
    list beside it and stayed on the state where the first one was gone (36459 KADYROV, Ramzan Akhmatovich,
    removed in November 2022 beside 23343). That is the removal of a second record, not a delisting of the
    person. The snapshot import applies the same test to an entry that vanishes between two lists.
    """
    by_name: dict[str, list[PresenceIntervalRecord]] = defaultdict(list)
    for interval in records:
        by_name[name_key(interval.name)].append(interval)
    found: dict[tuple[str, datetime.date], str] = {}
    for interval in records:
        gone = interval.first_absent
        if gone is None or interval.first_seen < latest_start[interval.source_uid]:
            continue  # still listed, or an earlier episode of an entry that came back
        tags = set(interval.programs_last)
        for other in by_name[name_key(interval.name)]:
            if (
                other.source_uid != interval.source_uid
                and other.first_seen <= interval.last_seen
                and (other.first_absent is None or other.first_absent > gone)
                and tags & {*other.programs_first, *other.programs_last}
            ):
                found[(interval.source_uid, gone)] = other.source_uid
                break
    return found


def _duplicate_note(uid: str, stays_as: str) -> str:
    return (
        f"Entry {uid} was removed while entry {stays_as} of the same name, under a program they shared, stayed "
        "listed: taken as the removal of a duplicate record (inferred from the list states), not a delisting."
    )


def _retag_event(changed: Bracket, old: str, new: str, designation: int | None = None) -> EventPlan:
    """The tag changed somewhere inside the interval: an amendment bracketed by its first and last sighting."""
    return EventPlan(DesignationEvent.Kind.AMENDED, changed, designation, changes={"program": [old, new]})


def _tag_end(changed: Bracket, authority_ended: datetime.date | None) -> Bracket:
    """When the designation under a tag that went inside the interval ended: by the last sighting, or by
    the day its authority ended (the program registry) when that falls inside the bracket, since a
    designation does not outlast the authority it was made under."""
    if authority_ended is not None and changed.earliest is not None and changed.earliest < authority_ended < changed.on:
        return Bracket(authority_ended, DatePrecision.RANGE, changed.earliest)
    return changed


def _moved_note(moved_from: str | None, code: str) -> str:
    if moved_from is None:
        return ""
    return f"Moved from {moved_from} to {code}, a program under another authority: a new designation."


def _left_note(code: str, came: list[str], end: Bracket, authority_ended: datetime.date | None) -> str:
    if came:
        note = f"Moved from {code} to {', '.join(came)}, under another authority: the designation under {code} ends."
    else:
        note = f"The {code} tag was dropped from the entry while it stayed listed."
    if authority_ended is not None and end.on == authority_ended:
        note += f" Dated by the end of its authority on {authority_ended.isoformat()} (program registry)."
    return note


def _episode(
    candidates: list[_Episode],
    program: str,
    listing: Bracket,
    delisting: Bracket | None,
    *,
    active: bool = True,
    seen_until: datetime.date | None = None,
) -> _Episode | None:
    """The designation of this program that this interval describes, if the tracker (or the plan) has it.

    An open interval (still listed at ``seen_until``, the end of its file) matches an active designation,
    or one that ended after ``seen_until`` (a later file, or the run before, showed its end). A closed
    interval matches a delisted designation whose delisting falls in its end bracket (or is still undated),
    and an active one too unless ``active`` is False (an interval that ended before the entry came back).
    With several, the latest listed wins.
    """
    matches = []
    for d in candidates:
        if d.program != program:
            continue
        if delisting is None and (
            d.status == Designation.Status.ACTIVE
            or (
                seen_until is not None
                and d.delisted is not None
                and (d.delisted.earliest or d.delisted.on or datetime.date.min) >= seen_until
            )
        ):
            matches.append(d)
        elif delisting is not None and (
            (active and d.status == Designation.Status.ACTIVE)
            or (d.status != Designation.Status.ACTIVE and d.delisted_on is None)
            or (
                d.status != Designation.Status.ACTIVE
                and delisting.earliest is not None
                and d.delisted_on is not None
                and delisting.earliest <= d.delisted_on <= delisting.on
            )
        ):
            matches.append(d)
    if not matches:
        return None
    return max(matches, key=lambda d: (d.listed.on or datetime.date.min, d.pk or 0))


def describe(when: Bracket) -> str:
    """A date as its evidence gives it, in words: "2017-12-21", "between 2015-01-17 and 2018-01-27"."""
    if when.on is None:
        return "undated"
    if when.precision == DatePrecision.RANGE and when.earliest is not None:
        return f"between {when.earliest.isoformat()} and {when.on.isoformat()}"
    if when.precision == DatePrecision.ON_OR_BEFORE:
        return f"on or before {when.on.isoformat()}"
    return when.on.isoformat()


def evidence_of(event: HeldEvent) -> list[dict]:
    """What the recorded listing event said, and what it had replaced: the ``changes["evidence"]`` trail."""
    trail = [dict(item) for item in (event.changes or {}).get("evidence", []) if isinstance(item, dict)]
    trail.append(
        {
            "on": event.when.on.isoformat() if event.when.on else None,
            "precision": event.when.precision,
            "earliest": event.when.earliest.isoformat() if event.when.earliest else None,
            "source_document": event.source_document,
            "note": event.note,
        }
    )
    return trail


def refine_listing_event(
    designation: int, event: HeldEvent | None, when: Bracket, note: str, extra: Sequence[dict] = ()
) -> EventPlan:
    """The designation's listing event dated by better evidence: its recorded event refined in place (one
    listing event per designation), keeping what each earlier document said in ``changes["evidence"]``;
    a new event when none was recorded."""
    if event is None:
        return EventPlan(DesignationEvent.Kind.LISTED, when, designation, note=note)
    return EventPlan(
        event.kind,
        when,
        designation,
        changes={"evidence": [*evidence_of(event), *extra]},
        note=f"{note} Before: {describe(event.when)}.",
        refines=event.pk,
    )


def _refined_listing(episode: _Episode, when: Bracket) -> EventPlan:
    event = refine_listing_event(episode.pk, episode.listed_event, when, REFINED)
    if episode.listed_event is not None:
        # Refined again later in this run: the trail goes on from what this refinement says.
        episode.listed_event = HeldEvent(
            episode.listed_event.pk, event.kind, when, None, event.note, dict(event.changes)
        )
    return event


def _refined_new(planned: list[EventPlan], changes: list[tuple[str, Bracket]], end_note: str) -> list[EventPlan]:
    """A designation the plan creates, dated again by a later interval: its one listing event re-dated,
    its end added."""
    planned = list(planned)
    for kind, bracket in changes:
        if kind == DesignationEvent.Kind.LISTED:
            planned = [
                dataclasses.replace(e, when=bracket) if e.kind == DesignationEvent.Kind.LISTED else e for e in planned
            ]
        else:
            planned.append(EventPlan(kind, bracket, note=end_note))
    return planned


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
