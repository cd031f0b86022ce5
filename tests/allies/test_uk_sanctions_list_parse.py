"""The FCDO's UK Sanctions List: the real ammitto scrape, and CSV / XML files constructed in its layouts.

No real UK-Sanctions-List.csv or .xml is held (PROVENANCE.md). The CSV and XML tests write CONSTRUCTED
files (``tests.allies.samples``) from real scrape documents read at test time (GHR0078, GAC0001) and from
an invented designation (TST0001), and check that the three formats give the same records.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections import Counter

import pytest
import yaml

from allies.parsers import uk_ammitto, uk_fcdo_csv, uk_fcdo_xml
from importers.sources.base import SourceError
from tests.allies import rawfiles, real
from tests.allies.samples import EXTERNAL_ENTITY, fcdo_csv, fcdo_xml, members_of
from tests.datafiles import data_bytes, requires_data

pytestmark = requires_data

SLUG = uk_ammitto.SLUG

# Invented: a designation with the fields the scrape drops (birth dates, passports, gender), a "ALias"
# name type as the published list spells it once, and a weak alias.
TST0001 = {
    "unique_id": "TST0001",
    "ofsi_group_id": "99999",
    "date_designated": "2023-12-07",
    "last_updated": "2024-01-15",
    "names": {
        "names": [
            {"name1": "Jane", "name2": "Q", "name6": "EXAMPLE", "name_type": "Primary Name"},
            {"name1": "Jayne", "name6": "EXAMPEL", "name_type": "ALias", "alias_strength": "Low quality a.k.a"},
        ]
    },
    "regime_name": "The Global Anti-Corruption Sanctions Regulations 2021",
    "individual_entity_ship": "Individual",
    "designation_source": "UK",
    "sanctions_imposed": "Asset freeze|Travel Ban",
    "uk_statement_of_reasons": "Invented for a test.",
    "D.O.B": ["dd/mm/1945", "01/03/1958"],
    "Passport number": [("P0000001", "Exampleland passport")],
    "Nationality(/ies)": "Exampleland",
    "Gender": "Female",
}


@pytest.fixture(scope="module")
def scrape_texts():
    return rawfiles.scrape_texts(rawfiles.UK_SCRAPE)


@pytest.fixture(scope="module")
def real_entries():
    """GHR0078 (ZHU Hailun) and GAC0001 (KUZNETSOV) as the scrape holds them, loaded with PyYAML."""
    found = members_of(data_bytes(*rawfiles.UK_SCRAPE), {"ghr0078.yaml", "gac0001.yaml"})
    return [yaml.safe_load(found[name]) for name in ("ghr0078.yaml", "gac0001.yaml")]


# --- The scrape ------------------------------------------------------------------------------------


def test_scrape_records_per_thematic_regime_equal_the_raw_documents(scrape_texts):
    # Counted from the YAML text line by line (long regime names are folded over two lines by the scrape's
    # YAML writer, so only these short ones are counted this way).
    parsed = Counter(r.designations[0].regime for r in real.parsed(SLUG).records)
    for regime, expected in (
        ("The Global Human Rights Sanctions Regulations 2020", 181),  # PROVENANCE.md: GHR 181
        ("The Global Anti-Corruption Sanctions Regulations 2021", 65),  # GAC 65
        ("The Cyber (Sanctions) (EU Exit) Regulations 2020", 109),
    ):
        raw = rawfiles.count_lines(scrape_texts, rf"^regime_name: {re.escape(regime)}$")
        assert parsed[regime] == raw == expected
    assert real.parsed(SLUG).stats["regimes"]["UK-GHR"] == 181
    assert real.parsed(SLUG).stats["regimes"]["UK-GAC"] == 65
    assert sum(parsed.values()) == len(scrape_texts)


def test_scrape_kinds_equal_the_raw_documents(scrape_texts):
    raw = rawfiles.count_lines(scrape_texts, r"^individual_entity_ship: Individual$")
    assert raw == 4036  # PROVENANCE.md
    assert real.parsed(SLUG).stats["kinds"]["individual"] == raw
    assert len(real.parsed(SLUG).records) == len(scrape_texts) == 6349
    assert real.parsed(SLUG).published_on == datetime.date(2026, 8, 22)  # _index.yaml fetched_at
    assert real.parsed(SLUG).warnings == [w for w in real.parsed(SLUG).warnings if "regime" in w]


def test_zhu_hailun_in_the_scrape_is_ghr0078_designated_on_22_march_2021():
    # ghr0078.yaml: date_designated '2021-03-22', ofsi_group_id '14078', no date of birth (dropped).
    zhu = real.by_uid(SLUG)["GHR0078"]
    assert (zhu.name, zhu.kind) == ("HAILUN ZHU", "individual")
    designation = zhu.designations[0]
    assert (designation.regime_code, designation.listed_on, designation.origin) == (
        "UK-GHR",
        datetime.date(2021, 3, 22),
        "UK",
    )
    assert designation.measures == ("Asset freeze", "Travel Ban", "Director Disqualification Sanction")
    assert zhu.birth_dates == ()
    assert ("ofsi_group_id", "14078") in zhu.references
    # The same designee and designation date on OFSI's list of April 2025.
    ofsi = real.by_uid("uk-ofsi-conlist-xlsx")["14078"].designation("UK-GHR")
    assert ofsi.reference == "GHR0078" and ofsi.listed_on == designation.listed_on


def test_the_two_uk_lists_disagree_by_a_day_on_the_december_2022_ghr_designations(scrape_texts):
    # ghr0085.yaml has date_designated '2022-12-08'; OFSI's row for the same group (15672, MITHOO Mian) has
    # "UK Sanctions List Date Designated" 09/12/2022. Kept as each list says.
    assert "date_designated: '2022-12-08'" in scrape_texts["ghr0085.yaml"]
    assert real.by_uid(SLUG)["GHR0085"].designations[0].listed_on == datetime.date(2022, 12, 8)
    assert real.by_uid("uk-ofsi-conlist-xlsx")["15672"].designation("UK-GHR").listed_on == datetime.date(2022, 12, 9)


# --- Constructed CSV and XML -----------------------------------------------------------------------


def same_facts(record, *, source: str):
    """The record with another source and its dates' raw text dropped (the scrape writes ISO dates)."""
    designations = tuple(
        dataclasses.replace(d, dates=tuple(dataclasses.replace(day, raw="") for day in d.dates))
        for d in record.designations
    )
    return dataclasses.replace(record, source=source, designations=designations)


def test_constructed_xml_gives_the_scrapes_records_for_the_same_designations(real_entries):
    result = uk_fcdo_xml.parse({"UK-Sanctions-List.xml": fcdo_xml([*real_entries, TST0001])})
    records = {r.source_uid: r for r in result.records}
    for uid in ("GHR0078", "GAC0001"):
        assert same_facts(records[uid], source=SLUG) == same_facts(real.by_uid(SLUG)[uid], source=SLUG)
    assert records["GHR0078"].designations[0].dates[0].raw == "22/03/2021"
    assert result.published_on == datetime.date(2026, 9, 2)
    assert result.stats["regimes"] == {"UK-GAC": 2, "UK-GHR": 1}
    assert result.warnings == []


def test_constructed_csv_gives_the_same_records_as_the_xml(real_entries):
    entries = [*real_entries, TST0001]
    from_xml = uk_fcdo_xml.parse({"UK-Sanctions-List.xml": fcdo_xml(entries)}).records
    result = uk_fcdo_csv.parse({"UK-Sanctions-List.csv": fcdo_csv(entries)})
    assert [dataclasses.replace(r, source=uk_fcdo_xml.SLUG) for r in result.records] == from_xml
    assert result.published_on == datetime.date(2026, 9, 2)
    # One row per name, non-Latin name, address, birth date and passport of each designation.
    per_entry = [
        len(e["names"]["names"])
        + len((e.get("non_latin_names") or {}).get("names", []))
        + len((e.get("addresses") or {}).get("addresses", []))
        + len(e.get("D.O.B", []))
        + len(e.get("Passport number", []))
        for e in entries
    ]
    assert result.stats["rows"] == sum(per_entry)


def test_fields_the_scrape_drops_are_read_from_the_csv():
    (record,) = uk_fcdo_csv.parse({"UK-Sanctions-List.csv": fcdo_csv([TST0001])}).records
    assert record.name == "Jane Q EXAMPLE"
    (alias,) = record.aliases
    assert (alias.name, alias.kind, alias.weak) == ("Jayne EXAMPEL", "alias", True)
    assert [(b.raw, b.precision, b.date_from) for b in record.birth_dates] == [
        ("dd/mm/1945", "year", datetime.date(1945, 1, 1)),
        ("01/03/1958", "day", datetime.date(1958, 3, 1)),
    ]
    (passport,) = record.identifiers
    assert (passport.kind, passport.value, passport.note) == ("Passport", "P0000001", "Exampleland passport")
    assert (record.gender, record.nationalities) == ("female", ("Exampleland",))
    assert record.designations[0].listed_on == datetime.date(2023, 12, 7)


def test_a_designation_without_unique_id_is_skipped_with_a_warning():
    broken = dict(TST0001, unique_id="")
    result = uk_fcdo_xml.parse({"UK-Sanctions-List.xml": fcdo_xml([TST0001, broken])})
    assert [r.source_uid for r in result.records] == ["TST0001"]
    assert result.warnings == ["UK-Sanctions-List.xml: skipped Designation (no UniqueID): no Unique ID"]
    result = uk_fcdo_csv.parse({"UK-Sanctions-List.csv": fcdo_csv([TST0001, broken])})
    assert [r.source_uid for r in result.records] == ["TST0001"]
    assert "UK-Sanctions-List.csv: skipped row 8, which has no Unique ID" in result.warnings


def test_csv_without_a_required_column_is_refused():
    text = fcdo_csv([TST0001]).decode().replace("Regime Name", "Regime")
    with pytest.raises(SourceError, match="lacks the column"):
        uk_fcdo_csv.parse({"UK-Sanctions-List.csv": text.encode()})


def test_xml_of_another_list_or_with_entities_is_refused():
    with pytest.raises(SourceError, match="root element"):
        uk_fcdo_xml.parse({"UK-Sanctions-List.xml": b"<ArrayOfFinancialSanctionsTarget/>"})
    with pytest.raises(SourceError, match="DOCTYPE"):
        uk_fcdo_xml.parse({"UK-Sanctions-List.xml": EXTERNAL_ENTITY.replace(b"data-set", b"Designations")})
