"""The list history from 2015 on the real files, imported as the seed imports it: the 2024 list, the chained
2015-2024 intervals, the earlier full sets for the entries gone since, OFAC's own dates and the Recent Actions
pages, then the bundled Recent Actions notices.

One import serves the whole module's questions (it is the slow part), asked in one test.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from designations.models import Address, Alias, BirthDate, DatePrecision, Designation, DesignationEvent
from importers.management.commands import seed
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.upsert import upsert_entry_dates, upsert_history
from tests.datafiles import DATA_DIR, requires_data

pytestmark = requires_data

DAY = DatePrecision.DAY
FIRST_2021_STATE = datetime.date(2021, 5, 22)


def _import(source, paths, as_of=None):
    run = import_run_execute(run_id=import_run_create(source=source, path=list(paths), as_of=as_of).pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _numbers(path: Path) -> set[str]:
    """The entry numbers an OFAC CSV file has rows for."""
    return {line.split(b",", 1)[0].decode() for line in path.read_bytes().splitlines() if line[:1].isdigit()}


def _gone_by_2025() -> set[str]:
    """Entry numbers of the 2024 list that the December 2025 address file has no row for."""
    ofac = DATA_DIR / "ofac"
    return _numbers(ofac / "sdn_2024-07-02" / "sdn.csv") - _numbers(ofac / "sdn_2025-12-24_partial" / "add.csv")


def _in_force(program: str, day: datetime.date) -> int:
    return Designation.objects.for_program(program).in_force_on(day).count()


def test_the_history_from_2015_dates_listings_as_tightly_as_the_evidence_allows(reference_data):
    runs = {}
    for source, paths, as_of in seed.seed_steps(DATA_DIR):
        if source in ("treasury-press", "state-press"):
            continue
        runs[source] = _import(source, paths, as_of)

    # 1. Chained: an entry "on or before 2021-05-22" in the 2021-2024 file takes the earlier file's bracket;
    # only what was already on the first list state held (2015-01-17) stays "on or before".
    on_or_before = Designation.objects.filter(listed_precision=DatePrecision.ON_OR_BEFORE)
    assert not on_or_before.filter(listed_on=FIRST_2021_STATE).exists()
    assert set(on_or_before.values_list("listed_on", flat=True)) <= {datetime.date(2015, 1, 17)}
    # LAM, Carrie: added between the 2020-06-11 and 2021-01-14 states (then dated by the 7 Aug 2020 notice).
    lam = Designation.objects.get(designee__source_uid="29249", program__code="HK-EO13936")
    assert (lam.listed_on, lam.listed_precision) == (datetime.date(2020, 8, 7), DAY)

    # 2. Exact days: the 52 E.O. 13818 designations of 21 Dec 2017 (Recent Actions page), the 17 of the
    # Khashoggi action of 15 Nov 2018 and the 11 of 7 Aug 2020 (the bundled notices) keep their days.
    to_the_day = Designation.objects.filter(listed_precision=DAY)
    assert to_the_day.filter(program__code="GLOMAG", listed_on="2017-12-21").count() == 52
    assert to_the_day.filter(program__code="GLOMAG", listed_on="2018-11-15").count() == 17
    assert to_the_day.filter(program__code="HK-EO13936", listed_on="2020-08-07").count() == 11
    # One listing event per designation, refined in place, keeping what each document said.
    glomag_2017 = Designation.objects.filter(program__code="GLOMAG", listed_on="2017-12-21").first()
    (listed,) = glomag_2017.events.filter(kind=DesignationEvent.Kind.LISTED)
    assert (listed.occurred_on, listed.precision) == (datetime.date(2017, 12, 21), DAY)
    trail = listed.changes["evidence"]
    assert [item["precision"] for item in trail] == ["on_or_before", "range", "day"]
    assert trail[1]["earliest"] == "2015-01-17" and trail[1]["on"] == "2018-01-27"
    assert trail[2]["evidence"] == "recent_action" and listed.source_document.kind == "recent_action"
    # MNANGAGWA under ZIMBABWE: OFAC's own "Created" day; the Recent Actions page of another day is kept in the
    # note, and the event still cites the document its day rests on.
    zimbabwe = Designation.objects.get(designee__source_uid="7513", program__code="ZIMBABWE")
    (listed,) = zimbabwe.events.filter(kind=DesignationEvent.Kind.LISTED)
    assert (zimbabwe.listed_on, zimbabwe.listed_precision) == (datetime.date(2003, 3, 10), DAY)
    assert "Created" in listed.source_document.title and "not used" in listed.note
    # Evidence that does not fit the history is kept on the event, not dropped.
    stats = runs["ofac-entry-dates"].stats
    assert stats["recent_action_conflicts"] > 0
    conflicting = DesignationEvent.objects.filter(note__contains="kept as evidence, not used")
    assert conflicting.count() >= stats["recent_action_conflicts"]

    # 3. In force on a day before 2021: HK-EO13936 on 2021-01-01. The list states bracket all 29 listings of
    # 2020 between 2020-06-11 and 2021-01-14; the 7 Aug notice dates 11 of them to the day. No evidence here
    # dates the 9 Nov and 7 Dec actions to the day: they are possibly, not certainly, in force then.
    hk = Designation.objects.filter(program__code="HK-EO13936")
    assert _in_force("HK-EO13936", datetime.date(2021, 1, 1)) == 11
    possible = hk.filter(
        listed_precision=DatePrecision.RANGE, listed_earliest__lte="2021-01-01", listed_on__gt="2021-01-01"
    )
    assert possible.count() == 18
    assert possible.count() + _in_force("HK-EO13936", datetime.date(2021, 1, 1)) == 29

    # 4. Countries of delisted designees: entries gone before 2024 are described by the newest earlier set
    # that lists them, so their delistings count under a country. (Before: 2 of the 1,011 delistings of the
    # 2021-2024 history had one.) The 2015 and 2018 sets have no add.csv: entries gone by 2018 have only the
    # countries their remarks name; entries that came and went between 2021-06-29 and 2024-07-02 are in no set.
    delisted = Designation.objects.filter(status=Designation.Status.DELISTED)
    since_2021 = delisted.filter(delisted_earliest__gte=FIRST_2021_STATE)
    with_country = since_2021.filter(designee__country_links__isnull=False).distinct()
    assert since_2021.count() > 1000
    assert with_country.count() / since_2021.count() > 0.8
    assert delisted.filter(designee__country_links__isnull=False).distinct().count() / delisted.count() > 0.5
    assert runs["ofac-sdn-archive"].updated > 2000
    # Entries removed between the 2015 and 2018 states get the countries the 2015 set gives them.
    gone_early = Designation.objects.filter(delisted_on="2018-01-27", designee__country_links__isnull=False)
    assert gone_early.exists()
    # No designation was created or ended by the earlier sets: they describe, they do not list.
    assert not DesignationEvent.objects.filter(import_run=runs["ofac-sdn-archive"]).exists()

    # 5. Each fact names the document it came from. LAM, Carrie: the 2024 list's remarks, December 2025's
    # alias file. AL-MOALLEM, Walid (12880): on the 2024 list, gone from the December 2025 alias and address
    # files, so his seven numbered aliases and his address come from the newest earlier set that gave them.
    lam_aliases = Alias.objects.filter(designee__source_uid="29249").exclude(source_uid="")
    assert {(str(a.source_document.published_on), a.source_document.title[-25:]) for a in lam_aliases} == {
        ("2025-12-24", "alt.csv as of 24 Dec 2025")
    }
    lam_birth = BirthDate.objects.get(designee__source_uid="29249")
    assert lam_birth.source_document.published_on == datetime.date(2024, 7, 2)
    moallem = Alias.objects.filter(designee__source_uid="12880").exclude(source_uid="")
    assert moallem.count() == 7
    assert {a.source_document.published_on for a in moallem} == {datetime.date(2021, 6, 29)}
    assert "sdn_2021-06-29" in moallem[0].source_document.title
    # His 2021 address row is empty: no address, from any file.
    assert not Address.objects.filter(designee__source_uid="12880").exists()
    # His remarks' facts still come from the 2024 list, which spoke of them.
    assert BirthDate.objects.get(designee__source_uid="12880").source_document.published_on == datetime.date(2024, 7, 2)
    # Entries of the 2024 list that the December 2025 files no longer carry (681): each one the 2021-06-29 set
    # gives numbered aliases or an address for has them back, and from that set.
    gone = _gone_by_2025()
    june_2021 = DATA_DIR / "ofac" / "sdn_2021-06-29"
    expected_aliases = gone & _numbers(june_2021 / "alt.csv")
    expected_addresses = gone & {
        line.split(b",", 1)[0].decode()
        for line in (june_2021 / "add.csv").read_bytes().splitlines()
        if line[:1].isdigit() and line.count(b"-0-") < 4
    }
    assert len(gone) > 500 and len(expected_aliases) > 100 and len(expected_addresses) > 100
    numbered = Alias.objects.filter(designee__source_uid__in=gone).exclude(source_uid="")
    assert set(numbered.values_list("designee__source_uid", flat=True)) == expected_aliases
    addressed = Address.objects.filter(designee__source_uid__in=gone)
    assert set(addressed.values_list("designee__source_uid", flat=True)) == expected_addresses
    for facts in (numbered, addressed):
        assert set(facts.values_list("source_document__published_on", flat=True)) == {datetime.date(2021, 6, 29)}

    # 6. Planned again over what it wrote, the history and the exact days change nothing.
    events = DesignationEvent.objects.count()
    for source in ("ofac-history", "ofac-entry-dates"):
        adapter = get_adapter(source)
        paths = next(paths for step, paths, _ in seed.seed_steps(DATA_DIR) if step == source)
        records = adapter.parse(adapter.read_local([Path(p) for p in paths])).records
        upsert = upsert_history if source == "ofac-history" else upsert_entry_dates
        again = upsert(records=records, list_source="ofac-sdn", source_document=None)
        assert (again.updated, again.delisted, again.created) == (0, 0, 0), source
    assert DesignationEvent.objects.count() == events
    assert runs["ofac-sdn-archive"].stats["sets"]["sdn_2021-06-29"]["described"] > 500
