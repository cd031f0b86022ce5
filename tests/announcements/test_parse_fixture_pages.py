"""The fixture set itself: every page listed, marked as reconstructed, parsed to its expected count;
the labelled name variants point at entries of the 2024 list the demo data uses."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from announcements.parsers import recent_actions, state, treasury
from announcements.parsers.base import AnnouncementParseError
from importers.sources.ofac_sdn import sdn_csv_rows
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "announcements"
SDN_2024 = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
PARSERS = {
    "ofac-index": recent_actions.parse_index,
    "ofac-notice": recent_actions.parse_notice,
    "treasury-index": treasury.parse_index,
    "treasury-release": treasury.parse_release,
    "state-index": state.parse_index,
    "state-statement": state.parse_statement,
}
# Entries (or index items) each page gives; None for a page that must fail.
EXPECTED_COUNTS = {
    "ofac/recent-actions_page0.html": 5,
    "ofac/recent-actions_page1.html": 3,
    "ofac/20181115.html": 17,
    "ofac/20200617.html": 19,
    "ofac/20200709.html": 5,
    "ofac/20200807.html": 11,
    "ofac/20200902.html": 2,
    "ofac/20201002.html": 8,
    "ofac/20201002_corrected.html": 8,
    "ofac/20201014.html": 1,
    "ofac/20210402.html": 2,
    "ofac/20200902_damaged.html": 2,
    "ofac/20120613_no_sections.html": None,
    "treasury/press-releases_page0.html": 5,
    "treasury/sm547.html": 17,
    "treasury/sm1034.html": 9,
    "treasury/sm1055.html": 5,
    "treasury/sm1088.html": 11,
    "treasury/sm1143.html": 8,
    "state/press-releases_page1.html": 5,
    "state/syria-caesar-act-designations.html": 15,
    "state/palau-marshall-islands-7031c.html": 2,
    "state/release-of-the-hong-kong-autonomy-act-report.html": 0,
    "state/hkaa-report-2020.html": 10,
    "state/hkaa-update-2021.html": 5,
}


def _pages() -> list[dict[str, str]]:
    with (DATA / "pages.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_page_is_listed_once_and_marked_as_reconstructed():
    listed = [page["file"] for page in _pages()]
    on_disk = sorted(str(path.relative_to(DATA)) for path in DATA.rglob("*.html"))
    assert sorted(listed) == on_disk == sorted(EXPECTED_COUNTS)
    for name in on_disk:
        assert "RECONSTRUCTED page" in (DATA / name).read_text(encoding="utf-8"), name


@pytest.mark.parametrize("page", _pages(), ids=lambda page: page["file"])
def test_every_page_parses_to_its_expected_count(page):
    parse = PARSERS[page["parser"]]
    html = (DATA / page["file"]).read_bytes()
    expected = EXPECTED_COUNTS[page["file"]]
    if page["expect"] == "parse-error":
        with pytest.raises(AnnouncementParseError):
            parse(html, page["url"])
        assert expected is None
        return
    result = parse(html, page["url"])
    found = result.items if hasattr(result, "items") else result.entries
    assert len(found) == expected
    if hasattr(result, "entries"):
        errors = [entry for entry in result.entries if entry.error]
        assert len(errors) == (1 if page["expect"] == "entry-error" else 0)


def test_name_variants_are_at_least_50_real_spellings_labelled_with_entries_of_the_2024_list():
    with (DATA / "name_variants.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ["query", "expected_entry_number", "note", "source"]
        rows = list(reader)
    entries = {row[0] for row in sdn_csv_rows(SDN_2024.read_bytes(), "sdn.csv")}
    assert len(rows) >= 50
    assert len({row["query"] for row in rows}) == len(rows)
    negatives = [row for row in rows if not row["expected_entry_number"]]
    assert 8 <= len(negatives) <= 15
    for row in rows:
        assert row["source"] and row["note"], row
        if row["expected_entry_number"]:
            assert row["expected_entry_number"] in entries, row
