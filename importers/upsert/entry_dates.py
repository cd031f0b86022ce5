"""Planning exact days of listings from dated evidence about entries, purely.

An ``EntryDateRecord`` gives the days on which a document shows an action on an entry (OFAC's own
"Created" date, the Recent Actions pages naming it). The list history gives each designation of the entry
a bracket (between two list states, or "on or before" the first one held). The evidence is ordered:

1. a day of the evidence that falls inside a designation's bracket dates its listing to that day (the
   earliest such day): the bracket narrows to the day, and the listing event is refined in place, keeping
   what the earlier documents said (``changes["evidence"]``);
2. a designation already dated to the day keeps its day (evidence read earlier wins: OFAC's own date
   before the Recent Actions pages);
3. evidence none of whose days falls inside a bracket of the entry, or matches a day it holds, conflicts:
   the dates stay, and the evidence is kept on the entry's first listing event (note and trail), so it
   is shown, not dropped.

Listing dates an editor locked stay. Planned twice over the same state it plans nothing the second time.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Sequence

from designations.locks import is_locked
from designations.models import DatePrecision
from importers.records import EntryDateRecord
from importers.upsert.history import describe, refine_listing_event
from importers.upsert.plan import Bracket, DelistingGate, EventPlan, Plan, Redating, Tally, Verdict
from importers.upsert.state import HeldDesignation, ListState

LABELS = {"created": "OFAC's own 'Created' date of the entry", "recent_action": "an OFAC Recent Actions page"}


def inside(day: datetime.date, when: Bracket) -> bool:
    """Whether ``day`` can be the day of a listing dated ``when`` (the bracket's ends included: a list
    state fetched on a day may predate that day's action)."""
    if when.on is None:
        return False
    if when.precision == DatePrecision.RANGE:
        return (when.earliest is None or when.earliest <= day) and day <= when.on
    if when.precision == DatePrecision.ON_OR_BEFORE:
        return day <= when.on
    return False


def plan_entry_dates(records: Sequence[EntryDateRecord], state: ListState) -> Plan:
    """The plan that dates ``state``'s listings by ``records`` (module docstring); no database access."""
    pk_of = {uid: designee.pk for uid, designee in state.designees.items()}
    by_designee: dict[int, list[HeldDesignation]] = defaultdict(list)
    for designation in state.designations:
        by_designee[designation.designee].append(designation)
    # Events already planned for a designation's listing (several records may speak about one entry).
    planned: dict[int, EventPlan] = {}
    redated: dict[int, Redating] = {}
    dated = agreed = conflicts = unknown = unchanged = 0
    for record in records:
        designations = by_designee.get(pk_of.get(record.source_uid, -1), [])
        if not designations:
            unknown += 1
            continue
        used = False
        held_before = len(redated)
        designations = [d for d in designations if not is_locked(d.locks, "listed_on")]
        if not designations:
            unchanged += 1
            continue
        for held in designations:
            when = redated[held.pk].listed if held.pk in redated else held.listed
            if when.precision == DatePrecision.DAY:
                if when.on in record.days:
                    agreed += 1
                    used = True
                continue
            day = next((d for d in record.days if inside(d, when)), None)
            if day is None:
                continue
            used = True
            dated += 1
            exact = Bracket(day, DatePrecision.DAY)
            evidence = _evidence(record, day)
            note = f"Exact day from {LABELS[record.evidence]} ({_title(record, day)}), inside {describe(when)}."
            redated[held.pk] = Redating(held.pk, held.status, exact, held.delisted)
            planned[held.pk] = _refine(held, planned.get(held.pk), exact, note, evidence)
        if used:
            unchanged += held_before == len(redated)
            continue
        # Nothing of this evidence fits the history: kept on the entry's first listing, the bracket stays.
        conflicts += 1
        first = min(designations, key=lambda d: (d.listed.on or datetime.date.max, d.pk))
        if _already_kept(first, record):
            unchanged += 1
            continue
        when = redated[first.pk].listed if first.pk in redated else first.listed
        days = ", ".join(d.isoformat() for d in record.days[:5]) + (" ..." if len(record.days) > 5 else "")
        where = (
            f"disagrees with {describe(when)}" if when.precision == DatePrecision.DAY else f"outside {describe(when)}"
        )
        note = (
            f"{LABELS[record.evidence][0].upper()}{LABELS[record.evidence][1:]} gives {days} "
            f"({_title(record, record.days[0])}), {where}: kept as evidence, not used."
        )
        earlier = planned.get(first.pk)
        kept = _refine(first, earlier, when, note, {**_evidence(record, record.days[0]), "conflict": True})
        # The date stays, so the event keeps citing the document it rests on (unless this run re-dated it).
        planned[first.pk] = dataclasses.replace(kept, keeps_document=earlier is None or earlier.keeps_document)
    return Plan(
        list_source=state.list_source,
        gate=DelistingGate(Verdict.PASS),
        tally=Tally(records=len(records), updated=len(redated), unchanged=unchanged),
        redatings=tuple(redated.values()),
        events=tuple(planned.values()),
        stats={"dated_to_the_day": dated, "agreed": agreed, "conflicts": conflicts, "entries_not_held": unknown},
    )


def _already_kept(held: HeldDesignation, record: EntryDateRecord) -> bool:
    """The listing event already keeps this evidence (an earlier run over the same records)."""
    trail = (held.listed_event.changes or {}).get("evidence", []) if held.listed_event else []
    day = record.days[0].isoformat()
    return any(
        isinstance(item, dict) and item.get("evidence") == record.evidence and item.get("on") == day for item in trail
    )


def _title(record: EntryDateRecord, day: datetime.date) -> str:
    if record.evidence == "recent_action":
        return f"page of {day.isoformat()}" + (f": {record.title}" if day == record.days[0] and record.title else "")
    return record.title or record.evidence


def _evidence(record: EntryDateRecord, day: datetime.date) -> dict:
    item = {"on": day.isoformat(), "precision": DatePrecision.DAY, "evidence": record.evidence}
    if record.url and day == record.days[0]:
        item["url"] = record.url
    if record.title:
        item["title"] = record.title
    return item


def _refine(held: HeldDesignation, earlier: EventPlan | None, when: Bracket, note: str, evidence: dict) -> EventPlan:
    """The listing event of ``held`` with this evidence: on top of what this plan already says about it."""
    if earlier is None:
        return refine_listing_event(held.pk, held.listed_event, when, note, [evidence])
    trail = [*earlier.changes.get("evidence", []), evidence]
    return EventPlan(
        earlier.kind,
        when,
        held.pk,
        changes={"evidence": trail},
        note=f"{earlier.note} {note}",
        refines=earlier.refines,
    )
