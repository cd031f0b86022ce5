"""SDN list history: the real presence-interval file, and a replay of snapshots made of real rows."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path

import pytest

from importers.records import PresenceIntervalRecord
from importers.sources import get_adapter
from importers.sources.base import SourceError
from tests.datafiles import data_bytes, data_path, requires_data

pytestmark = requires_data

ROOT = Path(__file__).parent.parent.parent
INTERVALS = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
SDN_2021 = data_path("ofac", "sdn_2021-06-29", "sdn.csv")
SDN_2024 = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
D = datetime.date


def parse(raw: dict[str, bytes]):
    return get_adapter("ofac-history").parse(raw)


@pytest.fixture(scope="module")
def history():
    return parse({INTERVALS.name: INTERVALS.read_bytes()})


def interval_lines(count: int) -> list[bytes]:
    """The header and the first ``count`` rows of the real interval file."""
    return (data_bytes(*INTERVALS.parts[-3:]).splitlines(keepends=True) or [b""])[: count + 1]


def test_adapter_is_a_history_not_a_snapshot():
    adapter = get_adapter("ofac-history")
    assert (adapter.list_source, adapter.is_complete_snapshot) == ("ofac-sdn", False)
    assert (adapter.min_records, adapter.record_type) == (100, PresenceIntervalRecord)


def test_interval_file_gives_every_interval_with_its_counts(history):
    # Figures from shared/data/PROVENANCE.md §7.
    assert len(history.records) == 16437
    assert history.stats["intervals"] == 16437
    assert history.stats["ended"] == 994
    assert {k: history.stats[f"kind_{k}"] for k in ("individual", "entity", "vessel", "aircraft")} == {
        "individual": 7454,
        "entity": 7703,
        "vessel": 895,
        "aircraft": 385,
    }
    assert {k: history.stats[f"ended_{k}"] for k in ("individual", "entity", "vessel", "aircraft")} == {
        "individual": 527,
        "entity": 433,
        "vessel": 23,
        "aircraft": 11,
    }
    assert history.published_on == D(2024, 7, 2)
    assert history.warnings == []


@pytest.mark.parametrize(
    ("tags", "intervals", "ended"),
    [
        ({"GLOMAG"}, 707, 7),
        ({"HK-EO13936"}, 42, 0),
        ({"SYRIA-CAESAR"}, 25, 0),
        ({"BELARUS", "BELARUS-EO", "BELARUS-EO14038"}, 232, 0),
        ({"UHRPA"}, 1, 0),
        ({"MAGNIT"}, 65, 1),
    ],
)
def test_tag_counts_match_provenance(history, tags, intervals, ended):
    matching = [r for r in history.records if tags & {*r.programs_first, *r.programs_last}]
    assert (len(matching), sum(r.first_absent is not None for r in matching)) == (intervals, ended)


def test_belarus_placeholder_tag_is_seen_renamed_within_one_interval(history):
    renamed = [r for r in history.records if r.programs_first == ("BELARUS-EO",)]
    assert len(renamed) == 33
    assert {r.programs_last for r in renamed} == {("BELARUS-EO14038",)}
    assert all(r.first_absent is None for r in renamed)


def test_first_snapshot_entries_have_no_previous_snapshot(history):
    on_first = [r for r in history.records if r.first_seen == D(2021, 5, 22)]
    assert len(on_first) == 8878  # entries of the first state (sdn_snapshots_...csv)
    assert all(r.prev_snapshot is None for r in on_first)
    assert all(r.prev_snapshot is not None for r in history.records if r.first_seen != D(2021, 5, 22))


def test_interval_dates_are_utc_dates_of_fetch_times(history):
    # 36459 KADYROV duplicate record: seen 2022-09-15 .. 2022-11-09, gone by 2022-11-14 (PROVENANCE §7).
    [kadyrov] = [r for r in history.records if r.source_uid == "36459"]
    assert (kadyrov.first_seen, kadyrov.last_seen) == (D(2022, 9, 15), D(2022, 11, 9))
    assert kadyrov.first_absent == D(2022, 11, 14)
    assert kadyrov.programs_last == ("MAGNIT", "GLOMAG", "RUSSIA-EO14024")
    [airline] = [r for r in history.records if r.source_uid == "36"]
    assert (airline.kind, airline.name, airline.programs_first) == ("entity", "AEROCARIBBEAN AIRLINES", ("CUBA",))
    assert (airline.last_seen, airline.first_absent) == (D(2024, 7, 2), None)


def test_missing_column_raises_source_error():
    lines = interval_lines(3)
    lines[0] = lines[0].replace(b",first_absent", b"")
    with pytest.raises(SourceError, match="missing column"):
        parse({INTERVALS.name: b"".join(lines)})


def test_row_with_an_unparseable_date_is_skipped_with_a_warning():
    lines = interval_lines(150)
    lines[1] = lines[1].replace(b"2021-05-22T22:02:00Z", b"22/05/2021", 1)
    result = parse({INTERVALS.name: b"".join(lines)})
    assert len(result.records) == 149
    assert result.stats["skipped"] == 1
    assert "first_seen '22/05/2021' is not a date" in result.warnings[0]


def test_row_whose_first_absent_is_before_last_seen_is_skipped():
    lines = INTERVALS.read_bytes().splitlines(keepends=True)
    # The first row with a first_absent (the file has CRLF line ends).
    ended = next(line.rstrip(b"\r\n") for line in lines[1:] if not line.rstrip(b"\r\n").endswith(b","))
    fields = ended.split(b",")
    assert fields[-1].startswith(b"20")
    fields[-1] = b"2020-01-01T00:00:00Z"
    data = b"".join([*lines[:150], b",".join(fields) + b"\r\n"])
    result = parse({INTERVALS.name: data})
    assert len(result.records) == 149
    assert "first_absent 2020-01-01 is before last_seen" in result.warnings[0]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({INTERVALS.name: b""}, "empty"),
        ({INTERVALS.name: interval_lines(0)[0]}, "no intervals"),
        ({}, "no input files"),
        ({"snapshots/sdn.csv": data_bytes("ofac", "sdn_2021-06-29", "sdn.csv")}, "cannot date"),
    ],
    ids=["empty-file", "header-only", "empty-bundle", "undated-snapshot"],
)
def test_bad_input_raises_source_error(raw, message):
    with pytest.raises(SourceError, match=message):
        parse(raw)


# --- Replay of dated snapshots ------------------------------------------------------------------


def rows_by_uid(path: Path) -> dict[str, bytes]:
    """Raw CRLF lines of a real sdn.csv by ent_num (the final 0x1A line left out)."""
    lines = path.read_bytes().split(b"\r\n")
    return {line.split(b",", 1)[0].decode(): line for line in lines if line[:1].isdigit()}


def snapshot(rows: dict[str, bytes], uids: list[str]) -> bytes:
    """An sdn.csv made of real rows, with OFAC's CRLF line ends and final 0x1A byte."""
    return b"".join(rows[uid] + b"\r\n" for uid in uids) + b"\x1a"


@pytest.fixture
def replayed(tmp_path):
    """Three snapshots written as a folder, then read back as a bundle.

    Built from 50 ent_nums present on both dates (among them 7513 MNANGAGWA, moved from ZIMBABWE to
    GLOMAG), 3 of 2021 gone by 2024, and 5 of 2024 not yet listed in 2021.
    """
    old, new = rows_by_uid(SDN_2021), rows_by_uid(SDN_2024)
    both = ["7513", *[uid for uid in old if uid in new and uid != "7513"][:49]]
    gone = [uid for uid in old if uid not in new][:3]
    added = [uid for uid in new if uid not in old][:5]
    files = {
        "2021-06-29/sdn.csv": snapshot(old, both + gone),
        "sdn_2023-01-01.csv": snapshot(new, both + added[:3]),
        "2024-07-02/sdn.csv": snapshot(new, both[:45] + added),
    }
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    bundle = {str(p.relative_to(tmp_path)): p.read_bytes() for p in sorted(tmp_path.rglob("*.csv"))}
    return parse(bundle), both, gone, added


def test_replay_brackets_every_presence_between_snapshots(replayed):
    result, both, gone, added = replayed
    intervals = {r.source_uid: r for r in result.records}
    assert len(result.records) == 50 + 3 + 5
    assert result.published_on == D(2024, 7, 2)
    assert result.stats["snapshots"] == 3

    def dates(uid):
        r = intervals[uid]
        return (r.prev_snapshot, r.first_seen, r.last_seen, r.first_absent)

    assert {dates(uid) for uid in both[:45]} == {(None, D(2021, 6, 29), D(2024, 7, 2), None)}
    assert {dates(uid) for uid in both[45:]} == {(None, D(2021, 6, 29), D(2023, 1, 1), D(2024, 7, 2))}
    assert {dates(uid) for uid in gone} == {(None, D(2021, 6, 29), D(2021, 6, 29), D(2023, 1, 1))}
    assert {dates(uid) for uid in added[:3]} == {(D(2021, 6, 29), D(2023, 1, 1), D(2024, 7, 2), None)}
    assert {dates(uid) for uid in added[3:]} == {(D(2023, 1, 1), D(2024, 7, 2), D(2024, 7, 2), None)}
    assert result.stats["ended"] == 5 + 3


def test_replay_keeps_first_and_last_programs_and_the_latest_name(replayed):
    result, *_ = replayed
    [mnangagwa] = [r for r in result.records if r.source_uid == "7513"]
    assert (mnangagwa.programs_first, mnangagwa.programs_last) == (("ZIMBABWE",), ("GLOMAG",))
    assert (mnangagwa.kind, mnangagwa.name) == ("individual", "MNANGAGWA, Emmerson Dambudzo")
    kinds = Counter(r.kind for r in result.records)
    assert sum(kinds.values()) == 58
    assert set(kinds) <= {"individual", "entity", "vessel", "aircraft"}


def test_two_snapshots_of_one_date_raise_source_error():
    data = SDN_2021.read_bytes()
    with pytest.raises(SourceError, match="both snapshots of 2021-06-29"):
        parse({"2021-06-29/sdn.csv": data, "sdn_2021-06-29.csv": data})


def test_truncated_snapshot_raises_source_error():
    data = SDN_2021.read_bytes()
    with pytest.raises(SourceError, match="truncated"):
        parse({"2021-06-29/sdn.csv": data, "2021-07-01/sdn.csv": data[: len(data) // 2]})


def test_replayed_snapshot_without_its_end_marker_is_listed_for_the_import_to_refuse():
    rows = rows_by_uid(SDN_2021)
    uids = list(rows)[:200]
    whole = snapshot(rows, uids)
    cut_at_a_line_end = whole.removesuffix(b"\x1a")[: whole.index(rows[uids[150]])]

    result = parse({"2021-06-29/sdn.csv": whole, "2021-07-01/sdn.csv": cut_at_a_line_end})

    assert result.end_marker_missing == ["2021-07-01/sdn.csv"]
    assert result.stats["ended"] == 50  # what a cut snapshot would make of the entries after the cut
    assert parse({"2021-06-29/sdn.csv": whole}).end_marker_missing == []
