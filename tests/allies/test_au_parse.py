"""DFAT's Consolidated List: the real xlsx of November 2024 and the real ammitto scrape of August 2026."""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest

from allies.parsers import au_ammitto, au_dfat_xlsx
from importers.sources.base import SourceError
from tests.allies import rawfiles, real
from tests.allies.samples import xlsx
from tests.datafiles import data_bytes, requires_data

pytestmark = requires_data

XLSX = au_dfat_xlsx.SLUG
SCRAPE = au_ammitto.SLUG
HUMAN_RIGHTS = "Autonomous (Thematic - Human Rights)"
CORRUPTION = "Autonomous (Thematic \u2013 Corruption)"  # an en dash, as DFAT writes it
CYBER = "Autonomous (Thematic - Cyber)"


@pytest.fixture(scope="module")
def figures():
    return rawfiles.dfat_figures()


@pytest.fixture(scope="module")
def scrape_texts():
    return rawfiles.scrape_texts(rawfiles.AU_SCRAPE)


def test_references_per_committee_equal_the_raw_sheet(figures):
    parsed = Counter(d.regime for r in real.parsed(XLSX).records for d in r.designations)
    assert dict(parsed) == figures["references"]
    # PROVENANCE.md: Thematic Human Rights 103 references, Corruption 14, Cyber 5; 3,062 references.
    assert [figures["references"][c] for c in (HUMAN_RIGHTS, CORRUPTION, CYBER)] == [103, 14, 5]
    stats = real.parsed(XLSX).stats["regimes"]
    assert (stats["AU-HR"], stats["AU-CORRUPTION"], stats["AU-CYBER"]) == (103, 14, 5)
    assert len(real.parsed(XLSX).records) == figures["all"] == 3062


def test_the_list_date_is_the_newest_control_date():
    sheet = rawfiles.Sheet(data_bytes(*rawfiles.DFAT))
    serials = [
        row["Control Date"] for row in sheet.columns(header_row=1, names=("Control Date",)) if row["Control Date"]
    ]
    newest = datetime.date(1899, 12, 30) + datetime.timedelta(days=max(int(float(s)) for s in serials))
    assert real.parsed(XLSX).published_on == newest == datetime.date(2024, 11, 11)  # PROVENANCE.md


def test_thematic_listings_have_a_control_date_and_no_listing_date():
    # Their "Listing Information" names only the instrument ("... Thematic Sanctions) Instrument 2022").
    for record in real.parsed(XLSX).records:
        for designation in record.designations:
            if designation.regime_code in {"AU-HR", "AU-CORRUPTION", "AU-CYBER"}:
                assert designation.listed_on is None
                assert [d.kind for d in designation.dates] == ["control_date"]


def test_listing_information_dates_designated_and_relisted():
    # Reference 1724 (Bruno Stojić): "Designated under the Autonomous Sanctions Regulations 2011 on 2 March
    # 2012. Formerly listed on the RBA as 2009FRY0132. (Relisted on 12 January 2024)".
    designation = real.by_uid(XLSX)["1724"].designations[0]
    assert designation.listed_on == datetime.date(2012, 3, 2)
    assert designation.date("relisted") == datetime.date(2024, 1, 12)
    assert designation.date("control_date") == datetime.date(2024, 1, 12)


def test_first_human_rights_listing_and_its_names():
    # 6830 "Aleksey Vasilyevich ANICHIN" (Primary Name, DOB a date cell 1949-12-01, Control Date
    # 2022-03-30) and 6830a "Alexei Vasilyevich ANICHIN" (Aka).
    anichin = real.by_uid(XLSX)["6830"]
    assert (anichin.name, [a.name for a in anichin.aliases]) == (
        "Aleksey Vasilyevich ANICHIN",
        ["Alexei Vasilyevich ANICHIN"],
    )
    assert [(b.precision, b.date_from) for b in anichin.birth_dates] == [("day", datetime.date(1949, 12, 1))]
    designation = anichin.designation("AU-HR")
    assert designation.date("control_date") == datetime.date(2022, 3, 30)
    assert "Thematic Sanctions) Instrument 2022" in designation.instrument


def test_birth_dates_as_numbers_and_as_text():
    by_uid = real.by_uid(XLSX)
    # 7291 Hassan KARAMI: the number 1960. 7288: "a) 1976; b) 1977".
    assert [(b.raw, b.precision) for b in by_uid["7291"].birth_dates] == [("1960", "year")]
    assert [b.date_from.year for b in by_uid["7288"].birth_dates] == [1976, 1977]
    # 2: "a) Approximately 1955- 1958 b) Approximately 1945-1950".
    ranges = [(b.circa, b.is_range, b.date_from.year, b.date_to.year) for b in by_uid["2"].birth_dates]
    assert ranges == [(True, True, 1955, 1958), (True, True, 1945, 1950)]
    assert [n.script for n in by_uid["2"].non_latin_names] == ["Arab"]  # 2a, "Original Script"


def test_scrape_thematic_records_equal_the_raw_documents(scrape_texts):
    parsed = real.parsed(SCRAPE).stats["regimes"]
    for code, committee, expected in (("AU-HR", HUMAN_RIGHTS, 112), ("AU-CORRUPTION", CORRUPTION, 14)):
        raw = rawfiles.count_lines(scrape_texts, rf"^  committees: {re.escape(committee)}$")
        assert parsed[code] == raw == expected  # PROVENANCE.md: Thematic HR 112 records, Corruption 14
    assert (
        real.parsed(SCRAPE).stats["kinds"]["individual"]
        == rawfiles.count_lines(scrape_texts, r"^entity_type: person$")
        == 2551
    )  # PROVENANCE.md: individuals 2,551
    assert len(real.parsed(SCRAPE).records) == len(scrape_texts)


def test_the_2024_human_rights_listings_are_all_in_the_2026_scrape_under_the_same_reference():
    scrape = real.by_uid(SCRAPE)
    for record in real.parsed(XLSX).records:
        if "AU-HR" in record.regime_codes:
            assert scrape[record.source_uid].name == record.name
            assert scrape[record.source_uid].regime_codes == ("AU-HR",)


def test_scrape_birth_dates_are_read_from_the_published_text():
    # au-6830.yaml: dates_of_birth raw_value '1949-12-01' (the converter's own precision says "year").
    (birth,) = real.by_uid(SCRAPE)["6830"].birth_dates
    assert (birth.raw, birth.precision) == ("1949-12-01", "day")


def test_zhu_hailun_is_not_on_the_australian_list():
    for slug in (XLSX, SCRAPE):
        assert not real.find(slug, lambda r: "hailun" in r.name.casefold())


def test_another_workbook_or_a_missing_column_is_refused():
    with pytest.raises(SourceError, match="not DFAT's Consolidated List"):
        au_dfat_xlsx.parse({"list.xlsx": data_bytes(*rawfiles.OFSI)})
    header = [c for c in au_dfat_xlsx.COLUMNS if c != "Committees"]
    with pytest.raises(SourceError, match="Committees"):
        au_dfat_xlsx.parse({"list.xlsx": xlsx([header], sheet="Sheet1")})


def test_a_row_with_an_odd_reference_is_skipped_with_a_warning():
    # Constructed: an invented listing and a row whose Reference is not DFAT's shape.
    row = {"Reference": "9001", "Name of Individual or Entity": "Jane EXAMPLE", "Type": "Individual ",
           "Name Type": "Primary Name", "Date of Birth": "c. 1962", "Listing Information": "Listed on: 20 Jul. 2017",
           "Committees": HUMAN_RIGHTS + " ", "Control Date": "21/07/2017"}  # fmt: skip
    rows = [list(au_dfat_xlsx.COLUMNS), [row.get(c, "") for c in au_dfat_xlsx.COLUMNS]]
    rows.append([dict(row, Reference="X-1").get(c, "") for c in au_dfat_xlsx.COLUMNS])
    result = au_dfat_xlsx.parse({"list.xlsx": xlsx(rows, sheet="Sheet1")})
    (record,) = result.records
    assert (record.source_uid, record.kind, record.regime_codes) == ("9001", "individual", ("AU-HR",))
    assert record.birth_dates[0].circa and record.birth_dates[0].date_from == datetime.date(1962, 1, 1)
    assert record.designations[0].listed_on == datetime.date(2017, 7, 20)
    assert result.warnings == ["list.xlsx [Sheet1]: skipped row 3: Reference 'X-1' is not a DFAT reference"]
