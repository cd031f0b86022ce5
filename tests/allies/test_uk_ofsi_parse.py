"""OFSI Consolidated List: the real ConList.xlsx of 14/04/2025, and the same rows written out as CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
from collections import Counter

import pytest
from python_calamine import CalamineWorkbook

from allies.parsers import uk_ofsi_csv, uk_ofsi_xlsx
from allies.parsers.ofsi import COLUMNS
from importers.sources.base import SourceError
from tests.allies import rawfiles, real
from tests.allies.samples import xlsx
from tests.datafiles import data_bytes, requires_data

pytestmark = requires_data

SLUG = uk_ofsi_xlsx.SLUG


@pytest.fixture(scope="module")
def figures():
    return rawfiles.ofsi_figures()


def records_under(regime: str):
    return [r for r in real.parsed(SLUG).records if regime in {d.regime for d in r.designations}]


def test_groups_per_regime_equal_the_raw_sheet(figures):
    counts = Counter(d.regime for r in real.parsed(SLUG).records for d in r.designations)
    assert dict(counts) == figures["groups"]
    # PROVENANCE.md: Global Human Rights 143 groups, Global Anti-Corruption 66.
    assert (figures["groups"]["Global Human Rights"], figures["groups"]["Global Anti-Corruption"]) == (143, 66)


def test_kinds_under_the_thematic_regimes_equal_the_raw_sheet(figures):
    for regime in ("Global Human Rights", "Global Anti-Corruption"):
        kinds = Counter(r.kind for r in records_under(regime))
        assert kinds["individual"] == figures["types"][(regime, "Individual")]
        assert kinds["entity"] == figures["types"].get((regime, "Entity"), 0)
    assert figures["types"][("Global Human Rights", "Individual")] == 123  # PROVENANCE.md: 123 + 20
    assert figures["types"][("Global Human Rights", "Entity")] == 20


def test_one_record_per_group_id_and_the_banner_date(figures):
    result = real.parsed(SLUG)
    assert len(result.records) == figures["all_groups"] == 4688
    assert len({r.source_uid for r in result.records}) == len(result.records)
    assert figures["banner"] == ["Last Updated", "14/04/2025"]
    assert result.published_on == datetime.date(2025, 4, 14)
    assert result.stats["rows"] == figures["rows"]


def test_thematic_regimes_are_coded_and_others_warned_about_once():
    result = real.parsed(SLUG)
    assert result.stats["regimes"]["UK-GHR"] == 143
    assert result.stats["regimes"]["UK-GAC"] == 66
    russia = [w for w in result.warnings if "'Russia'" in w]
    assert russia == [
        "ConList.xlsx [Data]: regime 'Russia' is not in the allied regime table; coded UK-RUSSIA (2181 records)"
    ]
    assert not [w for w in result.warnings if "Global Human Rights" in w]


def test_zhu_hailun_is_listed_under_global_human_rights_on_22_march_2021():
    # ConList.xlsx, Group ID 14078: ZHU | HAILUN, DOB "01/1958", Listed On and UK Sanctions List Date
    # Designated 22/03/2021, Last Updated 01/04/2021, Other Information "(UK Sanctions List Ref):GHR0078...".
    zhu = real.by_uid(SLUG)["14078"]
    assert (zhu.kind, zhu.name, zhu.name_parts) == (
        "individual",
        "HAILUN ZHU",
        (("Name 1", "HAILUN"), ("Name 6", "ZHU")),
    )
    (birth,) = zhu.birth_dates
    assert (birth.raw, birth.date_from, birth.date_to, birth.precision) == (
        "01/1958",
        datetime.date(1958, 1, 1),
        datetime.date(1958, 1, 31),
        "month",
    )
    (designation,) = zhu.designations
    assert (designation.regime_code, designation.reference) == ("UK-GHR", "GHR0078")
    assert designation.listed_on == datetime.date(2021, 3, 22)
    assert designation.date("first_listed") == datetime.date(2021, 3, 22)
    assert designation.date("last_updated") == datetime.date(2021, 4, 1)
    assert zhu.gender == "male"
    assert zhu.nationalities == ("China",)
    assert zhu.reasons.startswith("Zhu Hailun was a provincial-level Chinese Communist Party and State official")
    assert ("uk_sanctions_list_ref", "GHR0078") in zhu.references
    assert len(zhu.positions) == 3  # "(1) Former Deputy Secretary ... (2) ... (3) ..."


def test_a_group_under_two_regimes_has_one_designation_for_each():
    # Group 13919 (Viktor LUKASHENKO): every name twice, under "Belarus" (Listed On 06/11/2020, designated
    # 31/12/2020) and "Global Human Rights" (29/09/2020); Other Information "BEL0047 and GHR0051".
    record = real.by_uid(SLUG)["13919"]
    designations = {d.regime_code: d for d in record.designations}
    assert set(designations) == {"UK-BELARUS", "UK-GHR"}
    assert designations["UK-GHR"].reference == "GHR0051"
    assert designations["UK-GHR"].listed_on == datetime.date(2020, 9, 29)
    assert designations["UK-BELARUS"].listed_on == datetime.date(2020, 12, 31)
    assert designations["UK-BELARUS"].date("first_listed") == datetime.date(2020, 11, 6)
    assert len({a.name for a in record.aliases}) == len(record.aliases)  # names not doubled by the regimes


def test_first_listed_keeps_the_eu_era_date_of_a_carried_over_listing():
    # Group 12894 (PCHONKA, GHR0072): Listed On 06/03/2014, UK Sanctions List Date Designated 31/12/2020.
    designation = real.by_uid(SLUG)["12894"].designation("UK-GHR")
    assert designation.listed_on == datetime.date(2020, 12, 31)
    assert designation.date("first_listed") == datetime.date(2014, 3, 6)


# --- CSV ------------------------------------------------------------------------------------------


def ofsi_rows_as_csv(*, encoding: str = "utf-8") -> bytes:
    """The real xlsx's rows (banner, header, data) written out as a CSV file."""
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data_bytes(*rawfiles.OFSI)))
    rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python(skip_empty_area=False)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["" if v is None else str(v) for v in row] for row in rows])
    return out.getvalue().encode(encoding, errors="replace")


def test_csv_of_the_real_rows_gives_the_same_records_as_the_xlsx():
    result = uk_ofsi_csv.parse({"ConList.csv": ofsi_rows_as_csv()})
    xlsx_records = real.parsed(SLUG).records
    assert [dataclasses.replace(r, source=SLUG) for r in result.records] == xlsx_records
    assert {r.source for r in result.records} == {"uk-ofsi-conlist-csv"}
    assert result.published_on == datetime.date(2025, 4, 14)
    assert result.stats["regimes"] == real.parsed(SLUG).stats["regimes"]


def test_csv_that_is_not_utf8_is_read_as_windows_1252_with_a_warning():
    rows = [["Last Updated", "14/04/2025"], list(COLUMNS), ["" for _ in COLUMNS]]
    row = dict(zip(COLUMNS, rows[2], strict=True)) | {
        "Name 6": "CAFÉ EXAMPLE", "Group Type": "Entity", "Alias Type": "Primary name", "Regime": "Global Human Rights",
        "Listed On": "01/02/2023", "UK Sanctions List Date Designated": "01/02/2023", "Last Updated": "01/02/2023",
        "Group ID": "99001",
    }  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([rows[0], rows[1], [row[c] for c in COLUMNS]])
    result = uk_ofsi_csv.parse({"ConList.csv": out.getvalue().encode("cp1252")})
    assert result.warnings[0] == "ConList.csv: not UTF-8; read as Windows-1252"
    assert result.records[0].name == "CAFÉ EXAMPLE"


# --- Broken input ----------------------------------------------------------------------------------


def test_truncated_xlsx_is_refused():
    data = data_bytes(*rawfiles.OFSI)
    with pytest.raises(SourceError, match="truncated"):
        uk_ofsi_xlsx.parse({"ConList.xlsx": data[: len(data) // 2]})


def test_another_lists_workbook_is_refused_for_its_columns():
    with pytest.raises(SourceError, match="no OFSI Consolidated List header"):
        uk_ofsi_xlsx.parse({"ConList.xlsx": data_bytes(*rawfiles.DFAT)})


def test_a_header_without_a_required_column_is_refused():
    header = [c for c in COLUMNS if c != "UK Sanctions List Date Designated"]
    with pytest.raises(SourceError, match="lacks the column"):
        uk_ofsi_xlsx.parse({"ConList.xlsx": xlsx([["Last Updated", "14/04/2025"], header])})


def test_unknown_columns_and_rows_without_a_group_id_are_warned_about():
    # Constructed: the real header plus one more column, an invented group and a row without Group ID.
    header = [*COLUMNS, "Sanctions Imposed"]
    good = dict.fromkeys(header, "") | {
        "Name 6": "EXAMPLE", "Name 1": "Test", "Group Type": "Individual", "Alias Type": "Primary name",
        "Regime": "Global Anti-Corruption", "Listed On": "26/04/2021",
        "UK Sanctions List Date Designated": "26/04/2021", "Last Updated": "26/04/2021", "Group ID": "99002",
        "DOB": "00/00/1970",
    }  # fmt: skip
    orphan = good | {"Group ID": ""}
    rows = [["Last Updated", "14/04/2025"], header, [good[c] for c in header], [orphan[c] for c in header]]
    result = uk_ofsi_xlsx.parse({"ConList.xlsx": xlsx(rows)})
    assert [r.source_uid for r in result.records] == ["99002"]
    assert result.records[0].birth_dates[0].precision == "year"
    assert "ConList.xlsx [Data]: skipped row 4, which has no Group ID" in result.warnings
    assert "ConList.xlsx [Data]: unknown field 'Sanctions Imposed' (1 times), not imported" in result.warnings
