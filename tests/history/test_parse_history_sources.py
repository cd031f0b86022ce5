"""The sources of the list history before 2021, parsed alone (no database): the chained interval files, the
exact-day evidence, and the earlier full sets in both of OFAC's legacy formats.

Read from the real files of ``ofac/history-pre2021/`` (its ``PROVENANCE.md`` gives the figures checked here).
"""

from __future__ import annotations

import csv
import datetime

from importers.sources import get_adapter
from importers.sources.ofac_archive import pipe_to_csv
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

DERIVED = data_path("ofac", "history-pre2021", "derived")
RAW = data_path("ofac", "history-pre2021", "raw")
PRE2021 = DERIVED / "sdn_presence_intervals_2015-01_2021-05-22.csv"
HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
CREATED = DERIVED / "advanced_entry_created_dates_partial_2024-03.csv"
RECENT_ACTIONS = DERIVED / "recent_actions_dates_2001-2018_sanctionsexplorer.csv"
FIRST_STATE = datetime.date(2021, 5, 22)


def _rows(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_two_interval_files_chain_where_the_first_ends_on_the_state_the_second_starts_with():
    adapter = get_adapter("ofac-history")

    parsed = adapter.parse(adapter.read_local([HISTORY, PRE2021]))

    # Every interval of both files is kept.
    assert len(parsed.records) == len(_rows(PRE2021)) + len(_rows(HISTORY))
    # Chained: the 2021-2024 intervals "on or before 2021-05-22" of entries still listed at the end of the
    # earlier file, counted straight from the files.
    open_at_end = {r["ent_num"] for r in _rows(PRE2021) if not r["first_absent"]}
    expected = sum(1 for r in _rows(HISTORY) if not r["prev_snapshot"] and r["ent_num"] in open_at_end)
    assert parsed.stats["chained"] == expected > 8000
    lam = [r for r in parsed.records if r.source_uid == "29249"]
    assert [(r.first_seen, r.prev_snapshot, r.continues) for r in lam] == [
        (datetime.date(2021, 1, 14), datetime.date(2020, 6, 11), False),
        (FIRST_STATE, None, True),
    ]
    # An entry's intervals come in order, the earlier file's first.
    uids = [int(r.source_uid) for r in parsed.records]
    assert uids == sorted(uids)


def test_exact_day_evidence_reads_both_tables_with_every_day_of_each_entry():
    adapter = get_adapter("ofac-entry-dates")

    parsed = adapter.parse(adapter.read_local([CREATED, RECENT_ACTIONS]))

    created = [r for r in parsed.records if r.evidence == "created"]
    pages = [r for r in parsed.records if r.evidence == "recent_action"]
    assert len(created) == len({r["ent_num"] for r in _rows(CREATED)})
    assert len(pages) == len(_rows(RECENT_ACTIONS)) == 5835
    # OFAC's own dates come first: they win over the pages where both date a listing.
    assert parsed.records[0].evidence == "created"
    row = next(r for r in _rows(RECENT_ACTIONS) if int(r["n_action_pages"]) > 3)
    record = next(r for r in pages if r.source_uid == row["ent_num"])
    assert record.days[0] == datetime.date.fromisoformat(row["earliest_action_date"])
    assert [d.isoformat() for d in record.days] == sorted(set(row["all_action_dates"].split(";")))


def test_the_pipe_delimited_set_reads_as_the_csv_set_it_is():
    warnings: list[str] = []
    converted = pipe_to_csv((RAW / "2020-06_dfritsch1_Bahama" / "sdn.pip").read_bytes(), "sdn.pip", warnings)

    assert not converted.startswith(b"Ent_num")  # the uploader's header line is left out
    assert converted.endswith(b"\x1a")
    adapter = get_adapter("ofac-sdn-archive")
    parsed = adapter.parse(adapter.read_local([RAW / "2020-06_dfritsch1_Bahama", RAW / "2019-01_moov-io_watchman"]))

    by_set = parsed.stats
    assert by_set["2020-06_dfritsch1_Bahama"]["entries"] == 8224  # PROVENANCE: 8,224 entries
    assert by_set["2019-01_moov-io_watchman"]["entries"] == 7379
    assert by_set["2020-06_dfritsch1_Bahama"]["files"] == ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"]
    # Newest set first, and the addresses of add.pip are attached.
    assert parsed.records[0].set_name == "2020-06_dfritsch1_Bahama"
    cuba_bank = next(e.record for e in parsed.records if e.source_uid == "306")
    assert {a.country for a in cuba_bank.addresses} >= {"Switzerland"}
