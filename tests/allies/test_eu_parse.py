"""EU Financial Sanctions Files: the real ammitto scrape, and FSF XML constructed in its layout.

No real FSF XML is held (PROVENANCE.md). The XML tests write a CONSTRUCTED file (``tests.allies.samples``)
from the scrape's real document for ZHU Hailun, read at test time, with the ``designationDate`` the scrape
drops added back, and from an invented entity (logical id 9000001).
"""

from __future__ import annotations

import dataclasses
import datetime
import re

import pytest
import yaml

from allies.parsers import eu_ammitto, eu_fsf_xml
from allies.parsers.eu import STAND_IN
from importers.sources.base import SourceError
from tests.allies import rawfiles, real
from tests.allies.samples import BILLION_LAUGHS, fsf_xml, members_of
from tests.datafiles import data_bytes, requires_data

pytestmark = requires_data

SLUG = eu_ammitto.SLUG
ZHU_FILE = "eu-6251-70.yaml"  # processed/eu-6251-70.yaml: eu_reference_number EU.6251.70, logical_id 128226

# Invented: a person with a birth year range, a passport, an address with contact details, a weak alias.
INVENTED = {
    "eu_reference_number": "EU.9999.1",
    "logical_id": "9000001",
    "designation_date": "2023-12-11",
    "remark": "Invented for a test.",
    "regulations": [
        {
            "regulation_type": "amendment", "organisation_type": "council", "publication_date": "2024-01-15",
            "entry_into_force_date": "2024-01-16", "number_title": "2024/999 (OJ L)", "programme": "HR",
            "logical_id": "1", "publication_url": "https://example.org/act",
        }
    ],
    "subject_type": {"code": "person", "classification_code": "P"},
    "name_aliases": [
        {"first_name": "Jane", "last_name": "EXAMPLE", "whole_name": "Jane EXAMPLE", "gender": "F",
         "name_language": "EN", "strong": True, "function": "Governor", "logical_id": "2",
         "regulation_summaries": [{"regulation_type": "amendment", "publication_date": "2023-12-11",
                                   "number_title": "2023/888", "publication_url": "https://example.org/a"}]},
        {"whole_name": "J. EXAMPLE", "strong": False, "logical_id": "3"},
    ],
    "birthdates": [{"circa": True, "year_range_from": 1960, "year_range_to": 1962, "city": "Exampletown",
                    "country_iso2_code": "00", "country_description": "UNKNOWN", "logical_id": "4"}],
    "identifications": [{"identification_type_code": "passport", "identification_type_description": "National passport",
                         "number": "X123", "country_iso2_code": "XX", "country_description": "EXAMPLELAND",
                         "logical_id": "5", "known_expired": False}],
    "addresses": [{"street": "1 Example Street", "city": "Exampletown", "country_iso2_code": "XX",
                   "country_description": "EXAMPLELAND", "logical_id": "6"}],
}  # fmt: skip


@pytest.fixture(scope="module")
def scrape_texts():
    return rawfiles.scrape_texts(rawfiles.EU_SCRAPE)


@pytest.fixture(scope="module")
def zhu_document():
    return yaml.safe_load(members_of(data_bytes(*rawfiles.EU_SCRAPE), {ZHU_FILE})[ZHU_FILE])


def test_hr_programme_entities_and_persons_equal_the_raw_documents(scrape_texts):
    hr = {name: text for name, text in scrape_texts.items() if re.search(r"^\s+programme: HR$", text, re.M)}
    persons = rawfiles.count_lines(hr, r"^subject_type:\n  code: person$")
    assert (len(hr), persons) == (170, 133)  # PROVENANCE.md: 170 entities (133 persons)
    records = [r for r in real.parsed(SLUG).records if "EU-HR" in r.regime_codes]
    assert len(records) == real.parsed(SLUG).stats["regimes"]["EU-HR"] == len(hr)
    assert sum(r.kind == "individual" for r in records) == persons
    assert (
        real.parsed(SLUG).stats["kinds"]["individual"]
        == rawfiles.count_lines(scrape_texts, r"^subject_type:\n  code: person$")
        == 4341
    )  # PROVENANCE.md: persons 4,341 in all
    assert len(real.parsed(SLUG).records) == len(scrape_texts) == 5860


def test_latest_act_date_equals_the_raw_documents(scrape_texts):
    raw = max(
        day for text in scrape_texts.values() for day in re.findall(r"publication_date: '(\d{4}-\d\d-\d\d)'", text)
    )
    latest = max(r.designations[0].date("last_updated") for r in real.parsed(SLUG).records)
    assert latest.isoformat() == raw == "2026-02-26"  # PROVENANCE.md: latest publication date 2026-02-26


def test_scrape_records_have_the_labelled_stand_in_and_no_listing_date():
    for record in real.parsed(SLUG).records:
        designation = record.designations[0]
        assert designation.listed_on is None
        stand_in = [d for d in designation.dates if d.kind == "regulation_published"]
        assert len(stand_in) == 1 and stand_in[0].note == STAND_IN


def test_zhu_hailun_in_the_scrape():
    # eu-6251-70.yaml: programme HR, entity-level regulation 2021/2151 of 2021-12-07; his Chinese name,
    # citizenship and birth date cite 2021/478 of 2021-03-22; birthdate month_of_year 1, year 1958,
    # city "Lianshui, Jiangsu".
    zhu = real.by_uid(SLUG)["128226"]
    assert (zhu.name, zhu.kind, zhu.gender) == ("ZHU Hailun", "individual", "male")
    designation = zhu.designation("EU-HR")
    assert designation.reference == "EU.6251.70"
    assert designation.date("regulation_published") == datetime.date(2021, 3, 22)
    assert designation.date("last_updated") == datetime.date(2021, 12, 7)
    assert designation.instrument == "2021/2151 (OJ L436)"
    (birth,) = zhu.birth_dates
    assert (birth.raw, birth.precision, birth.date_from) == ("1958-01", "month", datetime.date(1958, 1, 1))
    assert zhu.places_of_birth[0].place == "Lianshui, Jiangsu, CHINA"
    assert zhu.citizenships == ("CHINA",)
    assert [(n.name, n.script, n.language) for n in zhu.non_latin_names] == [("朱海仑", "Hani", "ZH")]


# --- Constructed FSF XML ---------------------------------------------------------------------------


def without_listed(record):
    designations = tuple(
        dataclasses.replace(d, dates=tuple(day for day in d.dates if day.kind != "listed")) for d in record.designations
    )
    return dataclasses.replace(record, designations=designations, source=SLUG)


def test_constructed_xml_gives_the_scrapes_record_plus_the_designation_date(zhu_document):
    document = dict(zhu_document, designation_date="2021-03-22")
    result = eu_fsf_xml.parse({"full.xml": fsf_xml([document])})
    (record,) = result.records
    assert record.designation("EU-HR").listed_on == datetime.date(2021, 3, 22)
    assert without_listed(record) == real.by_uid(SLUG)["128226"]
    assert result.published_on == datetime.date(2026, 5, 1)
    assert result.warnings == []


def test_constructed_xml_reads_ranges_identifiers_addresses_and_weak_aliases():
    (record,) = eu_fsf_xml.parse({"full.xml": fsf_xml([INVENTED])}).records
    assert (record.source_uid, record.name, record.gender, record.positions) == (
        "9000001",
        "Jane EXAMPLE",
        "female",
        ("Governor",),
    )
    (alias,) = record.aliases
    assert (alias.name, alias.weak, alias.quality) == ("J. EXAMPLE", True, "weak")
    (birth,) = record.birth_dates
    assert (birth.is_range, birth.circa, birth.date_from, birth.date_to) == (
        True, True, datetime.date(1960, 1, 1), datetime.date(1962, 12, 31),
    )  # fmt: skip
    assert record.places_of_birth[0].place == "Exampletown"  # "UNKNOWN" is no country
    (passport,) = record.identifiers
    assert (passport.kind, passport.value, passport.country) == ("National passport", "X123", "EXAMPLELAND")
    assert record.addresses[0].street == "1 Example Street"
    designation = record.designation("EU-HR")
    assert designation.listed_on == datetime.date(2023, 12, 11)
    assert designation.date("regulation_published") == datetime.date(2023, 12, 11)  # the name's summary
    assert designation.source_url == "https://example.org/act"
    assert record.other_information == "Invented for a test."


def test_unknown_subject_types_are_skipped_and_unknown_elements_reported():
    odd = dict(INVENTED, logical_id="9000002", subject_type={"code": "planet", "classification_code": "X"})
    data = fsf_xml([INVENTED, odd]).replace(b"<remark>", b"<sanctionNote>x</sanctionNote><remark>", 1)
    result = eu_fsf_xml.parse({"full.xml": data})
    assert [r.source_uid for r in result.records] == ["9000001"]
    assert result.warnings == [
        "full.xml: skipped sanctionEntity 9000002: unknown subject type 'planet'",
        "full.xml: unknown field 'sanctionEntity.<sanctionNote>' (1 times), not imported",
    ]


def test_xml_bomb_and_other_roots_are_refused():
    with pytest.raises(SourceError, match="DOCTYPE"):
        eu_fsf_xml.parse({"full.xml": BILLION_LAUGHS.replace(b"data-set", b"export")})
    with pytest.raises(SourceError, match="root element"):
        eu_fsf_xml.parse({"full.xml": b'<?xml version="1.0"?><sanctionEntity logicalId="1"/>'})
    with pytest.raises(SourceError, match="not well-formed"):
        eu_fsf_xml.parse({"full.xml": fsf_xml([INVENTED])[:-40]})
