"""Exact days from dated evidence, planned alone (no database): inside the bracket a day wins; outside, the
evidence is kept on the listing event and the bracket stays. Entries are real (E.O. 13818 designations of 21
Dec 2017, ZIMBABWE's MNANGAGWA); the state is what the load step would give after the history.
"""

from __future__ import annotations

import datetime

from importers.records import EntryDateRecord
from importers.upsert.entry_dates import plan_entry_dates
from importers.upsert.plan import Bracket
from importers.upsert.state import HeldDesignation, HeldDesignee, HeldEvent, ListState

BRACKET_2017 = Bracket(datetime.date(2018, 1, 27), "range", datetime.date(2015, 1, 17))
GULNARA = HeldDesignee(1, "23441", "KARIMOVA, Gulnara")
MNANGAGWA = HeldDesignee(2, "7513", "MNANGAGWA, Emmerson Dambudzo")
HELD_EVENT = HeldEvent(
    100,
    "listed",
    BRACKET_2017,
    source_document=7,
    note="Date refined from the list history.",
    changes={"evidence": [{"on": "2024-07-02", "precision": "on_or_before", "source_document": 3}]},
)


def _state(*designations: HeldDesignation) -> ListState:
    return ListState("ofac-sdn", {d.source_uid: d for d in (GULNARA, MNANGAGWA)}, designations)


def test_a_day_inside_the_bracket_dates_the_listing_and_refines_its_one_event():
    held = HeldDesignation(10, 1, "GLOMAG", "active", BRACKET_2017, listed_event=HELD_EVENT)
    page = EntryDateRecord("23441", "recent_action", (datetime.date(2017, 12, 21),), "Global Magnitsky Designations")

    plan = plan_entry_dates([page], _state(held))

    (redating,) = plan.redatings
    assert redating.listed == Bracket(datetime.date(2017, 12, 21), "day")
    (event,) = plan.events
    assert (event.refines, event.designation, event.kind) == (100, 10, "listed")
    assert event.when == Bracket(datetime.date(2017, 12, 21), "day")
    # What each document said: the snapshot, the history's bracket, then the page.
    assert [item["precision"] for item in event.changes["evidence"]] == ["on_or_before", "range", "day"]
    assert event.changes["evidence"][1]["source_document"] == 7
    assert "between 2015-01-17 and 2018-01-27" in event.note
    assert plan.stats["dated_to_the_day"] == 1


def test_the_earliest_day_inside_the_bracket_wins_and_ofac_own_date_comes_first():
    held = HeldDesignation(
        11, 2, "ZIMBABWE", "delisted", Bracket(datetime.date(2015, 1, 17), "on_or_before"), listed_event=None
    )
    created = EntryDateRecord("7513", "created", (datetime.date(2003, 3, 10),))
    pages = EntryDateRecord("7513", "recent_action", (datetime.date(2003, 3, 7), datetime.date(2008, 11, 25)))

    plan = plan_entry_dates([created, pages], _state(held))

    (redating,) = plan.redatings
    assert redating.listed == Bracket(datetime.date(2003, 3, 10), "day")
    # The pages disagree with OFAC's own day: kept on the event, not used.
    (event,) = plan.events
    assert event.when == Bracket(datetime.date(2003, 3, 10), "day")
    assert "2003-03-07" in event.note and "disagrees with 2003-03-10" in event.note and "not used" in event.note
    assert not event.keeps_document  # re-dated by this run: it cites the run's document
    assert event.changes["evidence"][-1]["conflict"] is True
    assert (plan.stats["dated_to_the_day"], plan.stats["conflicts"]) == (1, 1)


def test_evidence_outside_every_bracket_is_kept_and_the_bracket_stays():
    held = HeldDesignation(10, 1, "GLOMAG", "active", BRACKET_2017, listed_event=HELD_EVENT)
    later_update = EntryDateRecord("23441", "recent_action", (datetime.date(2018, 2, 20),))

    plan = plan_entry_dates([later_update], _state(held))

    assert not plan.redatings
    (event,) = plan.events
    assert (event.when, event.refines) == (BRACKET_2017, 100)
    assert "2018-02-20" in event.note and "kept as evidence, not used" in event.note
    assert event.keeps_document  # the date still rests on the document the event cites


def test_a_locked_listing_date_and_an_entry_the_tracker_lacks_are_left_alone():
    held = HeldDesignation(10, 1, "GLOMAG", "active", BRACKET_2017, locks=("listed_on",), listed_event=HELD_EVENT)
    records = [
        EntryDateRecord("23441", "created", (datetime.date(2017, 12, 21),)),
        EntryDateRecord("99999", "created", (datetime.date(2017, 12, 21),)),
    ]

    plan = plan_entry_dates(records, _state(held))

    assert not plan.redatings
    assert plan.stats["entries_not_held"] == 1


def test_evidence_already_kept_is_not_kept_twice():
    page = EntryDateRecord("23441", "recent_action", (datetime.date(2018, 2, 20),))
    kept = HeldEvent(
        100,
        "listed",
        BRACKET_2017,
        changes={"evidence": [{"on": "2018-02-20", "precision": "day", "evidence": "recent_action", "conflict": True}]},
    )
    held = HeldDesignation(10, 1, "GLOMAG", "active", BRACKET_2017, listed_event=kept)

    plan = plan_entry_dates([page], _state(held))

    assert not (plan.events or plan.redatings)
