"""Canada's sema-lmes.xml: the real 2020 copy (no DateOfListing), the real ammitto scrape of 2026, and a
CONSTRUCTED file in the later layout (with DateOfListing) written from scrape documents read at test time."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
import yaml

from allies.parsers import ca_ammitto, ca_sema_xml
from allies.regimes import by_code
from importers.sources.base import SourceError
from tests.allies import rawfiles, real
from tests.allies.samples import BILLION_LAUGHS, EXTERNAL_ENTITY, members_of, sema_lmes_xml
from tests.datafiles import data_bytes, requires_data

pytestmark = requires_data

XML = ca_sema_xml.SLUG
SCRAPE = ca_ammitto.SLUG
JVCFOR = "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"
ZHU_FILE = "ca-China-Chine-Part-1-1.yaml"  # country: China / Chine, Zhu Hailun, Part 1 item 1
MADURO_FILE = (
    "ca-Justice-for-Victims-of-Corrupt-Foreign-Officials-Regulations-JVCFOR-R-glement-relatif-la-justice-pour-"
    "les-victimes-de-dirigeants-trangers-corrompus-RJVDEC-1.yaml"
)


@pytest.fixture(scope="module")
def scrape_texts():
    return rawfiles.scrape_texts(rawfiles.CA_SCRAPE)


def test_2020_records_per_regime_equal_the_raw_file():
    raw = rawfiles.ca_xml_countries()
    parsed = {}
    for record in real.parsed(XML).records:
        label = " ".join(record.designations[0].regime.split())
        parsed[label] = parsed.get(label, 0) + 1
    assert parsed == dict(raw)
    jvcfor = next(count for label, count in raw.items() if label.startswith(JVCFOR))
    assert jvcfor == real.parsed(XML).stats["regimes"]["CA-JVCFOA"] == 70  # PROVENANCE.md: JVCFOR 70
    assert len(real.parsed(XML).records) == sum(raw.values()) == 1369


def test_2020_copy_has_no_listing_dates_and_says_so():
    result = real.parsed(XML)
    assert all(r.designations[0].dates == () for r in result.records)
    assert result.published_on is None
    assert result.warnings == [
        "sema-lmes.xml: no record has a DateOfListing (an edition from before Canada published listing dates); "
        "the records carry no listing date"
    ]
    assert not [r for r in result.records if r.designations[0].regime_code == "CA-SEMA-CHINA"]  # March 2021


def test_2020_aliases_and_titles_are_read():
    # <Entity>Air Bagan</Entity><Aliases>Air Bagan Holdings Pte. Ltd., Air Bagan Limited</Aliases>
    (air_bagan,) = real.find(XML, lambda r: r.name == "Air Bagan")
    assert [a.name for a in air_bagan.aliases] == ["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]
    assert air_bagan.designations[0].regime_code == "CA-SEMA-MYANMAR"
    # <Title>Major General/major-général</Title><LastName>Al-Ahmad</LastName><GivenName>Jumah&#160;</GivenName>
    (al_ahmad,) = real.find(XML, lambda r: r.name == "Jumah Al-Ahmad")
    assert al_ahmad.titles == ("Major General/major-général",)


def test_scrape_jvcfoa_records_and_individuals_equal_the_raw_documents(scrape_texts):
    jvcfoa = rawfiles.count_lines(scrape_texts, rf"^country: {JVCFOR.replace('(', r'[(]').replace(')', r'[)]')}")
    assert jvcfoa == real.parsed(SCRAPE).stats["regimes"]["CA-JVCFOA"] == 80  # PROVENANCE.md
    people = sum("\nentity_or_ship:" not in text for text in scrape_texts.values())
    assert people == real.parsed(SCRAPE).stats["kinds"]["individual"] == 3514  # PROVENANCE.md: individuals 3,514
    dates = sorted(d.date for r in real.parsed(SCRAPE).records for d in r.designations[0].dates)
    assert (dates[0], dates[-1]) == (datetime.date(2008, 9, 4), datetime.date(2026, 8, 13))  # PROVENANCE.md
    assert len(real.parsed(SCRAPE).records) == len(scrape_texts)


def test_zhu_hailun_is_listed_under_the_china_regulations_on_21_march_2021():
    # ca-China-Chine-Part-1-1.yaml: last_name Zhu, given_name Hailun, schedule Part 1, item '1',
    # date_of_listing '2021-03-21'; no date of birth in the record.
    (zhu,) = real.find(SCRAPE, lambda r: r.name == "Hailun Zhu")
    designation = zhu.designations[0]
    assert (designation.regime, designation.regime_code) == ("China / Chine", "CA-SEMA-CHINA")
    assert designation.listed_on == datetime.date(2021, 3, 21)
    assert designation.reference == "Part 1, item 1"
    assert zhu.birth_dates == ()
    # The day the China regulations (SOR/2021-49) were registered.
    assert by_code("CA-SEMA-CHINA").instruments[-1].date == designation.listed_on


def test_constructed_later_layout_gives_the_scrapes_records():
    documents = members_of(data_bytes(*rawfiles.CA_SCRAPE), {ZHU_FILE, MADURO_FILE})
    loaded = [yaml.safe_load(documents[name]) for name in (ZHU_FILE, MADURO_FILE)]
    result = ca_sema_xml.parse({"sema-lmes.xml": sema_lmes_xml(loaded)})
    scrape = {r.source_uid: r for r in real.parsed(SCRAPE).records}
    assert [dataclasses.replace(r, source=SCRAPE) for r in result.records] == [
        scrape[r.source_uid] for r in result.records
    ]
    assert [r.designations[0].regime_code for r in result.records] == ["CA-SEMA-CHINA", "CA-JVCFOA"]
    assert result.warnings == []


def test_company_suffixes_stay_with_their_alias_and_ships_are_vessels():
    # Invented records in the later layout.
    data = sema_lmes_xml(
        [
            {"country": "Russia / Russie", "entity_or_ship": "Example Trading", "schedule": "1, Part 2", "item": "7",
             "aliases": "Example Co., Ltd., Example Holdings Pte. Ltd.; Пример", "date_of_listing": "2022-02-24"},
            {"country": "Russia / Russie", "entity_or_ship": "EXAMPLE STAR", "date_of_birth_or_ship_build_date": "2005",
             "schedule": "1, Part 3", "item": "1", "date_of_listing": "2025-02-24"},
            {"country": "Russia / Russie", "given_name": "No", "schedule": "1, Part 1", "item": ""},
        ]
    )  # fmt: skip
    result = ca_sema_xml.parse({"sema-lmes.xml": data})
    company, ship = result.records
    assert [a.name for a in company.aliases] == ["Example Co., Ltd.", "Example Holdings Pte. Ltd."]
    assert [n.name for n in company.non_latin_names] == ["Пример"]
    assert company.designations[0].reference == "Schedule 1, Part 2, item 7"
    assert (ship.kind, ship.birth_dates) == ("vessel", ())
    assert result.warnings == ["sema-lmes.xml: skipped record 3: record lacks the required field 'item'"]


def test_xml_bombs_are_refused():
    for data in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        with pytest.raises(SourceError, match="refusing a DOCTYPE that declares entities"):
            ca_sema_xml.parse({"sema-lmes.xml": data})
