"""Re-tags on the real 2021-2024 history: a move to a program under another authority ends one designation and
starts another; a placeholder renamed under the same authority stays one designation, amended.

The moves are found in the interval file itself (tags at the first and at the last sighting of an entry) and
classified by the program registry (``fixtures/``), so the test follows the data, not a list of entries.
"""

from __future__ import annotations

import datetime

from designations.models import Designation, DesignationEvent
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.upsert.state import load_reference
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

SDN_2024 = data_path("ofac", "sdn_2024-07-02")
HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")


def _import(source, paths, as_of=None):
    run = import_run_execute(run_id=import_run_create(source=source, path=[str(p) for p in paths], as_of=as_of).pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _moves() -> list[tuple[str, str, str, datetime.date]]:
    """(ent_num, old tag, new tag, first sighting) of every interval whose one tag went and one came, under
    another authority."""
    reference = load_reference()
    adapter = get_adapter("ofac-history")
    moves = []
    for interval in adapter.parse(adapter.read_local([HISTORY])).records:
        went = set(interval.programs_first) - set(interval.programs_last)
        came = set(interval.programs_last) - set(interval.programs_first)
        if len(went) == 1 and len(came) == 1:
            [old], [new] = went, came
            known = reference.programs.get(old)
            if known is not None and known.replaced_by == new:
                continue
            old_authority, new_authority = reference.authority_for(old), reference.authority_for(new)
            if old_authority is None or old_authority != new_authority:
                moves.append((interval.source_uid, old, new, interval.first_seen))
    return moves


def _in_force(program: str, day: datetime.date) -> set[str]:
    """Entry numbers in force under ``program`` on ``day``, as the API's ``as_of`` asks (``in_force_on``)."""
    return set(Designation.objects.for_program(program).in_force_on(day).values_list("designee__source_uid", flat=True))


def test_moves_to_another_authority_end_one_designation_and_start_another(reference_data):
    _import("ofac-sdn", [SDN_2024], as_of=datetime.date(2024, 7, 2))
    _import("ofac-history", [HISTORY])

    moves = _moves()
    by_pair = {}
    first_seen = {}
    for uid, old, new, seen in moves:
        by_pair.setdefault((old, new), set()).add(uid)
        first_seen[uid] = seen
    assert len(by_pair[("ZIMBABWE", "GLOMAG")]) == 12  # the 12 moves, found in the data
    assert {"7513", "7489"} <= by_pair[("ZIMBABWE", "GLOMAG")]
    assert by_pair[("SDNTK", "SDGT")] and by_pair[("PEESA", "PEESA-EO14039")]

    for uid, old, new, _seen in moves:
        ended = Designation.objects.get(designee__source_uid=uid, program__code=old)
        started = Designation.objects.get(designee__source_uid=uid, program__code=new)
        assert ended.status == Designation.Status.DELISTED, (uid, old)
        assert (ended.delisted_earliest, ended.delisted_on, ended.delisted_precision) == (
            started.listed_earliest,
            started.listed_on,
            started.listed_precision,
        ), (uid, old, new)
        assert ended.authority_id != started.authority_id or ended.authority_id is None
        # No amendment carries one designation over to the other authority.
        assert not DesignationEvent.objects.filter(
            designation__designee__source_uid=uid, kind=DesignationEvent.Kind.AMENDED, changes__program=[old, new]
        ).exists()
        assert ended.events.filter(kind=DesignationEvent.Kind.DELISTED, note__contains=new).exists()

    zimbabwe = by_pair[("ZIMBABWE", "GLOMAG")]
    # E.O. 13288 was revoked on 2024-03-04 (registry): the moves are dated by it, inside the bracket.
    assert set(
        Designation.objects.filter(designee__source_uid__in=zimbabwe, program__code="ZIMBABWE").values_list(
            "delisted_on", "delisted_precision"
        )
    ) == {(datetime.date(2024, 3, 4), "range")}
    # As of 2022-01-01 under ZIMBABWE (those listed by then: MNANGAGWA and CHIWENGA among them) and not under
    # GLOMAG; as of 2024-06-01 under GLOMAG and no longer under ZIMBABWE.
    day = datetime.date(2022, 1, 1)
    listed_by_then = {uid for uid in zimbabwe if first_seen[uid] <= day}
    assert {"7513", "7489"} <= listed_by_then
    assert listed_by_then <= _in_force("ZIMBABWE", day)
    assert not zimbabwe & _in_force("GLOMAG", day)
    day = datetime.date(2024, 6, 1)
    assert zimbabwe <= _in_force("GLOMAG", day)
    assert not zimbabwe & _in_force("ZIMBABWE", day)

    # A renamed placeholder of the same authority stays one designation, amended, never delisted.
    belarus = Designation.objects.filter(
        program__code="BELARUS-EO14038", events__changes__program=["BELARUS-EO", "BELARUS-EO14038"]
    )
    assert belarus.count() == 33
    assert not Designation.objects.filter(program__code="BELARUS-EO").exists()
