"""The adapter contract: adapters say what they read and parse purely; one writer per record type writes.

The tests without a ``django_db`` mark would fail on any query: reading and parsing never touch the database.
"""

from __future__ import annotations

import datetime

import pytest

from announcements.services import announcement_pages_write
from announcements.sources import MANIFEST, PageRecord
from importers import writers
from importers.records import DesigneeRecord, PresenceIntervalRecord
from importers.services.lists import write_list_history, write_list_snapshot
from importers.sources import adapters, get_adapter
from importers.sources.base import SourceError
from tests.announcements.helpers import pages_folder

STATEMENT = """
Designation of Former Ruritanian Minister Jan Marek Novak for Involvement in Significant Corruption

The United States is designating former Ruritanian Minister of Finance Jan Marek Novak ("Novak") due to his
involvement in significant corruption. This public designation is made under Section 7031(c) of the Department
of State, Foreign Operations, and Related Programs Appropriations Act, 2022.
"""


def test_every_registered_source_has_a_writer_for_what_it_parses_into():
    slugs = {cls.slug for cls in adapters()}
    assert {"ofac-sdn", "ofac-history", "ofac-recent-actions", "treasury-press", "state-press"} <= slugs
    for cls in adapters():
        assert callable(writers.writer_for(cls.record_type)), cls.slug
    assert writers.writer_for(DesigneeRecord) is write_list_snapshot
    assert writers.writer_for(PresenceIntervalRecord) is write_list_history
    assert writers.writer_for(PageRecord) is announcement_pages_write


def test_a_record_type_without_a_writer_or_with_two_is_refused():
    class Unknown:
        pass

    with pytest.raises(LookupError, match="no writer is registered for records of type Unknown"):
        writers.writer_for(Unknown)
    with pytest.raises(ValueError, match="two writers registered for DesigneeRecord"):
        writers.register(DesigneeRecord)(lambda request: None)


def test_an_ofac_folder_gives_the_files_of_the_set_in_any_case_and_nothing_else(tmp_path):
    (tmp_path / "SDN.CSV").write_bytes(b"36,...")
    (tmp_path / "notes.txt").write_bytes(b"not the list")

    assert get_adapter("ofac-sdn").read_local([tmp_path]) == {"sdn.csv": b"36,..."}
    with pytest.raises(SourceError, match="holds none of the files ofac-sdn-xml reads"):
        get_adapter("ofac-sdn-xml").read_local([tmp_path])


def test_a_history_folder_gives_its_dated_snapshots(tmp_path):
    for day in ("2021-06-29", "2024-07-02"):
        (tmp_path / f"sdn_{day}").mkdir()
        (tmp_path / f"sdn_{day}" / "sdn.csv").write_bytes(day.encode())
    (tmp_path / "sdn_2025-12-24.csv").write_bytes(b"flat")

    raw = get_adapter("ofac-history").read_local([tmp_path])

    assert raw == {
        "2021-06-29/sdn.csv": b"2021-06-29",
        "2024-07-02/sdn.csv": b"2024-07-02",
        "sdn_2025-12-24.csv": b"flat",
    }


def test_saved_pages_travel_with_what_their_pages_csv_says_and_parse_without_the_database(tmp_path):
    folder = tmp_path / "statements"
    folder.mkdir()
    (folder / "novak.txt").write_text(STATEMENT, encoding="utf-8")
    (folder / MANIFEST).write_text(
        "file,url,title,date\nnovak.txt,https://www.state.gov/novak/,,2022-07-22\n", encoding="utf-8"
    )
    adapter = get_adapter("state-press")

    raw = adapter.read_local([folder])
    parsed = get_adapter("state-press").parse(raw)  # a new adapter: nothing carried over but the bundle

    assert set(raw) == {"https://www.state.gov/novak/", MANIFEST}
    (page,) = parsed.records
    assert (page.url, page.parsed.published_on) == ("https://www.state.gov/novak/", datetime.date(2022, 7, 22))
    assert set(tmp_path.rglob("*")) == {folder, folder / "novak.txt", folder / MANIFEST}  # nothing written


def test_a_pages_csv_date_that_is_not_a_date_is_refused_naming_the_file(tmp_path):
    folder = pages_folder(tmp_path, "ofac/20181115.html")
    (folder / MANIFEST).write_text("file,url,date\n20181115.html,https://x.test/1,15/11/2018\n", encoding="utf-8")

    with pytest.raises(SourceError, match=r"20181115\.html has a date that is not YYYY-MM-DD"):
        get_adapter("ofac-recent-actions").read_local([folder])
