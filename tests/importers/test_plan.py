"""The plan step of the upsert, alone: plans computed from a small in-memory state and records, no database.

These tests carry no ``django_db`` mark, so any query the plan step made would fail them. Records are real
2024 SDN entries (AL-QAHTANI, RAPID INTERVENTION FORCE, LAM, MNANGAGWA); the state is what the load step
would give for a list holding some of them.
"""

from __future__ import annotations

import datetime

import pytest

from designations.countries import CountryResolver
from designations.locks import CHILD_COLLECTIONS
from designations.models import DESIGNEE_COLLECTIONS
from importers.records import (
    PART_ENTRY,
    PART_LISTED_ALIASES,
    AliasRecord,
    CountryRoleRecord,
    DesigneeRecord,
    PresenceIntervalRecord,
    RelationshipRecord,
)
from importers.upsert.children import CHILDREN, AliasRow, CountryLinkRow, RelationshipRow
from importers.upsert.gate import DelistApproval, DelistLimits
from importers.upsert.history import REFINED, HistoryOptions, plan_history
from importers.upsert.plan import Bracket, Delisting, EventPlan, Retag, Verdict
from importers.upsert.snapshot import SnapshotOptions, plan_snapshot
from importers.upsert.state import HeldDesignation, HeldDesignee, ListState, ProgramRef, Reference

D1 = datetime.date(2024, 6, 1)
D2 = datetime.date(2024, 7, 2)
LIMITS = DelistLimits(max_share=1.0, max_count=500, review_count=50)

REFERENCE = Reference(
    programs={
        "GLOMAG": ProgramRef(1, "GLOMAG", authority=11),
        "HK-EO13936": ProgramRef(2, "HK-EO13936", authority=12),
        "ZIMBABWE": ProgramRef(3, "ZIMBABWE"),
        "BELARUS-EO": ProgramRef(4, "BELARUS-EO", replaced_by="BELARUS-EO14038"),
        "BELARUS-EO14038": ProgramRef(5, "BELARUS-EO14038", authority=14),
        "SDGT": ProgramRef(6, "SDGT"),
    },
    countries={"SA": 101, "HK": 102},
    resolver=CountryResolver({"Saudi Arabia": "SA", "Hong Kong": "HK"}),
)
QAHTANI = DesigneeRecord(
    source_uid="26093",
    kind="individual",
    name="AL-QAHTANI, Saud",
    programs=("GLOMAG",),
    aliases=(AliasRecord(name="ALQAHTANI, Saud Abdullah S", source_uid="41068"),),
    countries=(CountryRoleRecord(country="Saudi Arabia", role="nationality"),),
)
RIF = DesigneeRecord(
    source_uid="31191",
    kind="entity",
    name="RAPID INTERVENTION FORCE",
    programs=("GLOMAG",),
    relationships=(RelationshipRecord(to_name="AL-QAHTANI, Saud"),),
)
LAM = DesigneeRecord(
    source_uid="29249", kind="individual", name="LAM, Carrie", programs=("HK-EO13936",), title="Chief Executive"
)


def _held(record: DesigneeRecord, pk: int, *, locks=(), scalars=None, record_hash=None) -> HeldDesignee:
    return HeldDesignee(
        pk,
        record.source_uid,
        record.name,
        record.content_hash() if record_hash is None else record_hash,
        locks,
        scalars,
    )


def _active(pk: int, designee: int, program: str, *, locks=()) -> HeldDesignation:
    return HeldDesignation(pk, designee, program, "active", Bracket(D1, "on_or_before"), None, locks)


def _state(*designees: HeldDesignee, designations=(), previous=D1) -> ListState:
    return ListState("ofac-sdn", {d.source_uid: d for d in designees}, tuple(designations), previous_snapshot=previous)


def _options(**changes) -> SnapshotOptions:
    return SnapshotOptions(**{"complete": True, "snapshot_date": D2, "limits": LIMITS, **changes})


def _children(plan, name: str) -> tuple:
    return next(child for child in plan.children if child.collection.name == name)


# --------------------------------------------------------------------------------------------------
# Snapshots
# --------------------------------------------------------------------------------------------------
def test_the_child_registry_names_every_lockable_collection_in_lock_order():
    assert tuple(c.name for c in CHILDREN) == CHILD_COLLECTIONS == tuple(DESIGNEE_COLLECTIONS)
    assert all(c.columns[0] == DESIGNEE_COLLECTIONS[c.name][1] for c in CHILDREN)


def test_a_first_snapshot_plans_designees_their_rows_and_listings_on_or_before_its_date():
    plan = plan_snapshot([QAHTANI, RIF], _state(previous=None), REFERENCE, _options())

    assert [d.source_uid for d in plan.new_designees] == ["26093", "31191"]
    assert plan.new_designees[0].record_hash == QAHTANI.content_hash()
    assert _children(plan, "aliases").rows == (
        ("26093", (AliasRow("ALQAHTANI, Saud Abdullah S", "aka", "strong", "", "41068"),)),
    )
    assert _children(plan, "country_links").rows == (("26093", (CountryLinkRow(101, "nationality"),)),)
    # "Linked To" resolved by name to the designee the plan creates, by its source_uid.
    assert _children(plan, "relationships").rows == (
        ("31191", (RelationshipRow("26093", "AL-QAHTANI, Saud", "linked_to"),)),
    )
    listing = Bracket(D2, "on_or_before")
    assert [(d.designee, d.program, d.authority, d.listed, d.events) for d in plan.new_designations] == [
        ("26093", "GLOMAG", 11, listing, (EventPlan("listed", listing),)),
        ("31191", "GLOMAG", 11, listing, (EventPlan("listed", listing),)),
    ]
    assert (plan.tally.created, plan.tally.listed, plan.gate.verdict) == (2, 2, Verdict.PASS)


def test_an_unchanged_list_plans_nothing():
    held = [_held(QAHTANI, 1), _held(LAM, 2)]
    state = _state(*held, designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936")])

    plan = plan_snapshot([QAHTANI, LAM], state, REFERENCE, _options())

    assert plan.tally.unchanged == 2
    assert not (plan.new_designees or plan.designee_updates or plan.children or plan.new_designations)
    assert not (plan.delistings or plan.retags or plan.events or plan.skipped_changes)


def test_a_renamed_entry_without_alt_csv_updates_only_its_list_columns():
    held = _held(QAHTANI, 1)
    renamed = DesigneeRecord(
        **{**_fields(QAHTANI), "name": "AL-QAHTANI, Saud Abdullah", "aliases": (), "uncovered": (PART_LISTED_ALIASES,)}
    )

    plan = plan_snapshot([renamed], _state(held, designations=[_active(10, 1, "GLOMAG")]), REFERENCE, _options())

    (update,) = plan.designee_updates
    assert update.parts == frozenset({PART_ENTRY})
    assert update.values["name"] == "AL-QAHTANI, Saud Abdullah"
    assert "remarks" not in update.values and "gender" not in update.values
    # The numbered aliases were not spoken about: neither cleared nor replaced; the stored hash keeps their part.
    assert all(not child.cleared and not child.rows for child in plan.children)
    assert update.record_hash[36:48] == QAHTANI.content_hash()[36:48]  # PARTS order: the fourth part
    assert plan.stats["kept_as_held"] == {PART_LISTED_ALIASES: 1}


def test_a_locked_field_is_left_out_of_the_update_and_listed_as_skipped():
    held = _held(LAM, 2, locks=("title", "aliases"), scalars={"title": "Former Chief Executive"})
    changed = DesigneeRecord(
        **{**_fields(LAM), "title": "Chief Executive of Hong Kong", "aliases": (AliasRecord("X"),)}
    )

    plan = plan_snapshot([changed], _state(held, designations=[_active(11, 2, "HK-EO13936")]), REFERENCE, _options())

    (update,) = plan.designee_updates
    assert "title" not in update.values and update.values["name"] == "LAM, Carrie"
    assert [change.as_json() for change in plan.skipped_changes] == [
        {
            "designee": 2,
            "source_uid": "29249",
            "field": "title",
            "current": "Former Chief Executive",
            "imported": "Chief Executive of Hong Kong",
        },
        {"designee": 2, "source_uid": "29249", "field": "aliases", "imported": "(set)"},
    ]
    assert not _children(plan, "aliases").cleared and not _children(plan, "aliases").rows


def test_a_vanished_entry_is_delisted_in_the_bracket_since_the_previous_snapshot():
    state = _state(
        _held(QAHTANI, 1), _held(LAM, 2), designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936")]
    )

    plan = plan_snapshot([QAHTANI], state, REFERENCE, _options())

    bracket = Bracket(D2, "range", D1)
    assert plan.delistings == (Delisting(11, bracket),)
    assert plan.events == (EventPlan("delisted", bracket, 11, note="No longer on the list."),)
    assert plan.tally.delisted == 1


def test_a_partial_source_never_delists():
    state = _state(
        _held(QAHTANI, 1), _held(LAM, 2), designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936")]
    )

    plan = plan_snapshot([QAHTANI], state, REFERENCE, _options(complete=False))

    assert plan.delistings == () and plan.events == ()


def test_a_renamed_placeholder_tag_is_a_retag_of_the_same_designation():
    entry = DesigneeRecord(source_uid="40001", kind="entity", name="BELARUSKALI OAO", programs=("BELARUS-EO",))
    retagged = DesigneeRecord(**{**_fields(entry), "programs": ("BELARUS-EO14038",)})

    plan = plan_snapshot(
        [retagged], _state(_held(entry, 1), designations=[_active(10, 1, "BELARUS-EO")]), REFERENCE, _options()
    )

    assert plan.retags == (Retag(10, "BELARUS-EO14038", 14),)
    assert plan.events == (
        EventPlan("amended", Bracket(D2, "range", D1), 10, changes={"program": ["BELARUS-EO", "BELARUS-EO14038"]}),
    )
    assert not (plan.delistings or plan.new_designations)


def test_a_locked_designation_keeps_its_status_and_the_plan_says_what_it_skipped():
    state = _state(
        _held(QAHTANI, 1),
        _held(LAM, 2),
        designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936", locks=("status",))],
    )

    plan = plan_snapshot([QAHTANI], state, REFERENCE, _options())

    assert plan.delistings == ()
    assert [c.as_json() for c in plan.skipped_changes] == [
        {"designation": 11, "field": "status", "current": "active", "imported": "delisted"}
    ]


def test_a_designation_delisted_before_and_back_on_the_list_is_a_relisting():
    delisted = HeldDesignation(10, 2, "HK-EO13936", "delisted", Bracket(D1, "on_or_before"), Bracket(D1, "range"))

    plan = plan_snapshot([LAM], _state(_held(LAM, 2), designations=[delisted]), REFERENCE, _options())

    (designation,) = plan.new_designations
    assert designation.events[0].kind == "relisted"
    assert (plan.tally.listed, plan.tally.relisted) == (0, 1)


def test_a_new_program_tag_is_planned_for_creation_and_warned_about():
    entry = DesigneeRecord(source_uid="60001", kind="entity", name="NEW CO", programs=("SOMETHING-EO99999",))

    plan = plan_snapshot([entry], _state(), REFERENCE, _options())

    assert plan.new_programs == ("SOMETHING-EO99999",)
    assert plan.new_designations[0].authority is None
    assert any("SOMETHING-EO99999" in w for w in plan.warnings)


def test_more_delistings_than_the_review_threshold_are_a_hold_with_the_plan_for_the_editor():
    entries = [
        DesigneeRecord(source_uid=str(70000 + n), kind="entity", name=f"COMPANY {n} LLC", programs=("SDGT",))
        for n in range(4)
    ]
    held = [_held(entry, n + 1) for n, entry in enumerate(entries)]
    state = _state(*held, designations=[_active(100 + n, n + 1, "SDGT") for n in range(4)])
    limits = DelistLimits(max_share=1.0, max_count=500, review_count=2)

    plan = plan_snapshot(entries[:1], state, REFERENCE, _options(limits=limits))

    assert plan.gate.verdict == Verdict.HOLD
    assert plan.gate.review["count"] == 3
    assert [item["entry"] for item in plan.gate.review["sample"]] == ["70001", "70002", "70003"]
    assert plan.gate.review["designations"] == [101, 102, 103]
    approved = plan_snapshot(
        entries[:1], state, REFERENCE, _options(limits=limits, approval=DelistApproval(3, frozenset({101, 102, 103})))
    )
    assert approved.gate.verdict == Verdict.APPROVED


def test_an_entry_twice_in_one_snapshot_is_refused():
    with pytest.raises(ValueError, match="appears twice"):
        plan_snapshot([QAHTANI, QAHTANI], _state(), REFERENCE, _options())


# --------------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------------
def _interval(
    record: DesigneeRecord, first_seen, prev, last_seen, first_absent, programs=None
) -> PresenceIntervalRecord:
    programs = programs or record.programs
    return PresenceIntervalRecord(
        record.source_uid, record.kind, record.name, programs, programs, first_seen, prev, last_seen, first_absent
    )


def test_history_refines_an_on_or_before_listing_and_dates_an_end_it_shows():
    state = _state(
        _held(QAHTANI, 1), _held(LAM, 2), designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936")]
    )
    since = datetime.date(2021, 5, 22)
    intervals = [
        _interval(QAHTANI, since, None, D2, None),
        _interval(LAM, datetime.date(2022, 1, 5), datetime.date(2022, 1, 4), D1, D2),
    ]

    plan = plan_history(intervals, state, REFERENCE, HistoryOptions(limits=LIMITS))

    assert [(r.designation, r.status, r.listed, r.delisted) for r in plan.redatings] == [
        (10, "active", Bracket(since, "on_or_before"), None),
        (
            11,
            "delisted",
            Bracket(datetime.date(2022, 1, 5), "range", datetime.date(2022, 1, 4)),
            Bracket(D2, "range", D1),
        ),
    ]
    assert [(e.designation, e.kind, e.note) for e in plan.events] == [
        (10, "listed", REFINED),
        (11, "listed", REFINED),
        (11, "delisted", REFINED),
    ]
    assert plan.gate.review == {} and plan.gate.verdict == Verdict.PASS
    assert (plan.tally.updated, plan.tally.delisted, plan.tally.unchanged) == (2, 1, 0)


def test_history_creates_the_entry_and_the_past_designation_the_tracker_never_held():
    gone = DesigneeRecord(source_uid="36459", kind="individual", name="KADYROV, Ramzan Akhmatovich", programs=("SDGT",))
    interval = _interval(
        gone,
        datetime.date(2022, 9, 15),
        datetime.date(2022, 9, 14),
        datetime.date(2022, 11, 9),
        datetime.date(2022, 11, 14),
    )

    plan = plan_history([interval], _state(), REFERENCE, HistoryOptions(limits=LIMITS))

    (designee,) = plan.new_designees
    assert (designee.source_uid, designee.entry_number, designee.scalars["kind"]) == ("36459", 36459, "individual")
    (designation,) = plan.new_designations
    assert designation.status == "delisted"
    assert [e.kind for e in designation.events] == ["listed", "delisted"]
    assert all(e.designation is None for e in designation.events)  # written against the new row's pk


def test_history_ending_many_active_designations_is_a_hold():
    state = _state(
        _held(QAHTANI, 1), _held(LAM, 2), designations=[_active(10, 1, "GLOMAG"), _active(11, 2, "HK-EO13936")]
    )
    intervals = [_interval(r, D1, None, D1, D2) for r in (QAHTANI, LAM)]
    limits = DelistLimits(max_share=1.0, max_count=500, review_count=1)

    plan = plan_history(intervals, state, REFERENCE, HistoryOptions(limits=limits))

    assert plan.gate.verdict == Verdict.HOLD
    assert [item["name"] for item in plan.gate.review["sample"]] == ["AL-QAHTANI, Saud", "LAM, Carrie"]


def test_history_over_what_it_already_dated_plans_nothing():
    dated = HeldDesignation(10, 1, "GLOMAG", "active", Bracket(datetime.date(2021, 5, 22), "on_or_before"))
    interval = _interval(QAHTANI, datetime.date(2021, 5, 22), None, D2, None)

    plan = plan_history(
        [interval], _state(_held(QAHTANI, 1), designations=[dated]), REFERENCE, HistoryOptions(limits=LIMITS)
    )

    assert plan.tally.unchanged == 1
    assert not (plan.redatings or plan.events or plan.new_designations or plan.new_designees)


MOVES = Reference(
    programs={
        **REFERENCE.programs,
        "ZIMBABWE": ProgramRef(3, "ZIMBABWE", authority=13, authority_ended=datetime.date(2024, 3, 4)),
        "SDNTK": ProgramRef(7, "SDNTK", authority=17),
        "SDGT": ProgramRef(6, "SDGT", authority=16),
        "NS-PLC": ProgramRef(8, "NS-PLC", authority=16),
    },
    countries=REFERENCE.countries,
    resolver=REFERENCE.resolver,
)
MNANGAGWA = DesigneeRecord(source_uid="7513", kind="individual", name="MNANGAGWA, Emmerson Dambudzo", programs=())


def test_history_a_move_to_another_authority_ends_the_old_designation_and_starts_a_new_one():
    since = datetime.date(2021, 5, 22)
    state = _state(_held(MNANGAGWA, 1), designations=[_active(10, 1, "GLOMAG")])
    interval = PresenceIntervalRecord(
        "7513", "individual", MNANGAGWA.name, ("ZIMBABWE",), ("GLOMAG",), since, None, D2, None
    )

    plan = plan_history([interval], state, MOVES, HistoryOptions(limits=LIMITS))

    # The end of E.O. 13288 (registry) falls inside the bracket of the change: both are dated by it.
    moved = Bracket(datetime.date(2024, 3, 4), "range", since)
    assert [(r.designation, r.status, r.listed, r.delisted) for r in plan.redatings] == [(10, "active", moved, None)]
    (zimbabwe,) = plan.new_designations
    assert (zimbabwe.program, zimbabwe.status, zimbabwe.listed, zimbabwe.delisted) == (
        "ZIMBABWE",
        "delisted",
        Bracket(since, "on_or_before"),
        moved,
    )
    assert [e.kind for e in zimbabwe.events] == ["listed", "delisted"]
    assert "GLOMAG" in zimbabwe.events[1].note and "2024-03-04" in zimbabwe.events[1].note
    assert not any(e.kind == "amended" for e in plan.events)


def test_history_a_move_without_an_ended_authority_is_bracketed_by_the_sightings():
    since = datetime.date(2021, 5, 22)
    interval = PresenceIntervalRecord("9999", "individual", "X", ("SDNTK",), ("SDGT",), since, None, D2, None)

    plan = plan_history([interval], _state(), MOVES, HistoryOptions(limits=LIMITS))

    by_program = {d.program: d for d in plan.new_designations}
    assert by_program["SDNTK"].status == "delisted"
    assert by_program["SDNTK"].delisted == Bracket(D2, "range", since)
    assert by_program["SDGT"].status == "active"
    assert by_program["SDGT"].listed == Bracket(D2, "range", since)


def test_history_a_move_between_tags_of_one_authority_stays_one_designation():
    since = datetime.date(2021, 5, 22)
    interval = PresenceIntervalRecord("9998", "entity", "Y", ("SDGT",), ("NS-PLC",), since, None, D2, None)

    plan = plan_history([interval], _state(), MOVES, HistoryOptions(limits=LIMITS))

    (designation,) = plan.new_designations
    assert (designation.program, designation.status, designation.listed) == (
        "NS-PLC",
        "active",
        Bracket(since, "on_or_before"),
    )
    assert [e.kind for e in designation.events] == ["listed", "amended"]


def _fields(record: DesigneeRecord) -> dict:
    import dataclasses

    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
