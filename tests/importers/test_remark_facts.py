"""Facts OFAC states in remarks (established dates, organization and target types, aircraft manufacture
dates, vessel build years, former flags, occupations, positions, "possibly" nationalities) parsed from the
real 2024-07-02 ``sdn.csv``, imported as ``DesigneeFact`` rows and replaced like the other collections."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections import Counter

import pytest

from designations.models import (
    Designee,
    DesigneeCountry,
    DesigneeFact,
    SourceDocument,
    designee_children_snapshot,
)
from importers.models import ImportRun
from importers.records import FACT_KINDS, PART_FACTS, PART_REMARKS, DesigneeRecord, FactRecord
from importers.remarks import fact_kind, parse_item, parse_remarks, split_items
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.sources.ofac_sdn import sdn_csv_rows, value
from importers.upsert import upsert_snapshot
from tests.datafiles import data_bytes, requires_data, select_rows

pytestmark = requires_data

SDN_2024 = data_bytes("ofac", "sdn_2024-07-02", "sdn.csv")
KINDS = {"": "entity", "individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
# Real entries: 7945 SHALABI (nationality Jordan; nationality possibly Palestinian;arrested ...), 12722 (a
# Syrian officer with positions), 15436 (an aircraft with its manufacture date), 16885 (an organisation
# with its established date and target type), 20222 (positions with alt. ones), 18735 (organization type).
ENTRIES = {"7945", "12722", "15436", "16885", "20222", "18735"}


def _parsed_2024() -> dict[str, tuple[FactRecord, ...]]:
    facts = {}
    for row in sdn_csv_rows(SDN_2024, "sdn.csv"):
        result = parse_remarks(value(row[11]), title=value(row[4]), kind=KINDS[value(row[2]).strip()])
        facts[row[0]] = result.facts
    return facts


# --------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------
def test_fact_kinds_of_the_parser_are_the_model_choices():
    assert set(FACT_KINDS) == set(DesigneeFact.Kind.values)


def test_counts_of_each_fact_kind_on_the_real_2024_list():
    facts = _parsed_2024()
    counts = Counter(fact.kind for entry in facts.values() for fact in entry)
    entries = Counter(kind for entry in facts.values() for kind in {fact.kind for fact in entry})

    assert counts == {
        "organization_established": 1976,
        "position": 1907,
        "organization_type": 543,
        "target_type": 311,
        "aircraft_manufacture_date": 270,
        "former_vessel_flag": 80,
        "vessel_year_of_build": 18,
        "possible_nationality": 3,
        "occupation": 1,
    }
    assert entries["organization_established"] == 1951
    assert entries["aircraft_manufacture_date"] == 270
    # Every established, manufacture and build date on the list is read to its bounds.
    dated = [
        f for entry in facts.values() for f in entry if f.kind in {"organization_established", "vessel_year_of_build"}
    ]
    assert all(f.date_from and f.date_to and f.precision for f in dated)


def test_real_entries_give_exactly_their_facts():
    facts = _parsed_2024()

    assert facts["16885"] == (
        FactRecord(
            "organization_established",
            "31 Mar 2008",
            datetime.date(2008, 3, 31),
            datetime.date(2008, 3, 31),
            "day",
        ),
        FactRecord("target_type", "State-Owned Enterprise"),
    )
    assert facts["15436"] == (
        FactRecord(
            "aircraft_manufacture_date",
            "28 Aug 2002",
            datetime.date(2002, 8, 28),
            datetime.date(2002, 8, 28),
            "day",
        ),
    )
    assert facts["20222"] == (
        FactRecord("position", "Owner"),
        FactRecord("position", "General Manager", alt=True),
        FactRecord("position", "Chief Executive Officer", alt=True),
    )
    assert facts["12722"] == (
        FactRecord("position", "Major General"),
        FactRecord("position", "Director, General Intelligence Directorate"),
    )
    assert facts["7945"] == (FactRecord("possible_nationality", "Palestinian"),)


def test_a_possible_nationality_is_a_fact_never_a_country_and_its_neighbour_item_is_kept():
    row = next(row for row in sdn_csv_rows(SDN_2024, "sdn.csv") if row[0] == "7945")
    result = parse_remarks(value(row[11]), title=value(row[4]), kind="individual")

    assert [(c.country, c.role) for c in result.countries] == [("Germany", "place_of_birth"), ("Jordan", "nationality")]
    # "nationality possibly Palestinian;arrested 23 Apr 2002": two items, the second a statement.
    assert "arrested 23 Apr 2002" in result.statements
    assert result.unparsed == ()


def test_a_year_of_establishment_spans_the_year_and_alt_values_are_marked():
    [fact] = parse_item("Organization Established Date 1996").facts
    assert (fact.date_from, fact.date_to, fact.precision) == (
        datetime.date(1996, 1, 1),
        datetime.date(1996, 12, 31),
        "year",
    )
    [fact] = parse_item("alt. Organization Type: Construction of buildings", kind="entity").facts
    assert (fact.kind, fact.value, fact.alt) == ("organization_type", "Construction of buildings", True)
    [fact] = parse_item("citizen possibly Palestinian").facts
    assert (fact.kind, fact.value) == ("possible_citizenship", "Palestinian")
    # A label without a value, or only a prefix of another word, is no fact.
    assert parse_item("Target Typed", kind="entity").facts == ()


def test_separator_without_a_space_is_split_only_before_a_letter():
    assert split_items("nationality possibly Palestinian;arrested 23 Apr 2002.") == [
        "nationality possibly Palestinian",
        "arrested 23 Apr 2002",
    ]
    assert split_items("Digital Currency Address - XBT 1abc;") == ["Digital Currency Address - XBT 1abc;"]
    assert split_items("note (a; b;c); d") == ["note (a; b;c)", "d"]


def test_feature_type_labels_name_the_same_kinds_as_the_remarks_labels():
    assert fact_kind("Organization Type:") == fact_kind("organization type") == "organization_type"
    assert fact_kind("Organization Established Date") == "organization_established"
    assert fact_kind("Vessel Type") == ""


def test_records_without_facts_keep_the_hash_they_had_and_facts_change_the_facts_part():
    plain = DesigneeRecord(source_uid="1", kind="entity", name="X", programs=("SDGT",))
    with_fact = dataclasses.replace(plain, facts=(FactRecord("target_type", "Financial Institution"),))

    # Entries stored before facts were read are not all "changed": the facts join the hash only when present.
    assert len(plain.part_values()[PART_FACTS]) == 10
    earlier_repr = repr(plain).removesuffix(", facts=(), uncovered=())") + ")"
    assert plain.legacy_hash() == hashlib.sha256(earlier_repr.encode()).hexdigest()
    changed = {part for part, digest in with_fact.part_hashes().items() if digest != plain.part_hashes()[part]}
    assert changed == {PART_FACTS}


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------
@pytest.fixture
def low_floor(monkeypatch):
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 1)


def _import(folder, as_of):
    run = import_run_create(source="ofac-sdn", path=[str(folder)], as_of=as_of)
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _facts(uid: str) -> list[tuple]:
    designee = Designee.objects.get(source="ofac-sdn", source_uid=uid)
    return list(designee.stated_facts.values_list("kind", "value", "date_from", "date_to", "precision", "alt"))


@pytest.fixture
def imported(reference_data, low_floor, tmp_path):
    folder = tmp_path / "first"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(select_rows(SDN_2024, ENTRIES))
    _import(folder, datetime.date(2024, 7, 2))
    return tmp_path


def test_the_csv_import_stores_the_facts_of_real_entries(imported):
    d = datetime.date
    assert _facts("16885") == [
        ("organization_established", "31 Mar 2008", d(2008, 3, 31), d(2008, 3, 31), "day", False),
        ("target_type", "State-Owned Enterprise", None, None, "", False),
    ]
    assert _facts("15436") == [
        ("aircraft_manufacture_date", "28 Aug 2002", d(2002, 8, 28), d(2002, 8, 28), "day", False)
    ]
    assert [(kind, text, alt) for kind, text, *_, alt in _facts("20222")] == [
        ("position", "Owner", False),
        ("position", "General Manager", True),
        ("position", "Chief Executive Officer", True),
    ]
    assert _facts("7945") == [("possible_nationality", "Palestinian", None, None, "", False)]
    shalabi = Designee.objects.get(source_uid="7945")
    # The possible nationality is no country link: Jordan is the one nationality the list asserts.
    nationalities = shalabi.country_links.filter(role=DesigneeCountry.Role.NATIONALITY)
    assert list(nationalities.values_list("country__code", flat=True)) == ["JO"]
    # A version of the designee keeps its facts with its other child rows, each with the document it came from.
    document = SourceDocument.objects.get(kind=SourceDocument.Kind.LIST_SNAPSHOT, published_on="2024-07-02")
    assert designee_children_snapshot(shalabi)["stated_facts"] == [
        {
            "source_document_id": document.pk,
            "kind": "possible_nationality",
            "value": "Palestinian",
            "date_from": None,
            "date_to": None,
            "precision": "",
            "alt": False,
        }
    ]


def test_a_reimport_that_drops_a_fact_removes_it_and_touches_only_that_entry(imported):
    data = select_rows(SDN_2024, ENTRIES)
    assert b"; Target Type State-Owned Enterprise" in data
    folder = imported / "second"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(data.replace(b"; Target Type State-Owned Enterprise", b"", 1))

    run = _import(folder, datetime.date(2024, 7, 9))

    assert [kind for kind, *_ in _facts("16885")] == ["organization_established"]
    assert (run.updated, run.unchanged) == (1, len(ENTRIES) - 1)


def test_an_input_that_does_not_speak_about_the_facts_keeps_them(imported):
    # The remarks cut short with no spill-over file: neither remarks nor facts are covered.
    held = Designee.objects.get(source_uid="16885")
    record = DesigneeRecord(
        source_uid="16885",
        kind=held.kind,
        name=held.name,
        programs=tuple(held.designations.values_list("program__code", flat=True)),
        uncovered=(PART_REMARKS, PART_FACTS),
    )
    upsert_snapshot(
        records=[record],
        list_source="ofac-sdn",
        complete=False,
        snapshot_date=datetime.date(2024, 7, 9),
        source_document=None,
    )

    assert [kind for kind, *_ in _facts("16885")] == ["organization_established", "target_type"]


def test_locked_facts_are_kept_and_the_change_listed(imported):
    held = Designee.objects.get(source_uid="16885")
    Designee.objects.filter(pk=held.pk).update(locked_fields=["*"])
    folder = imported / "second"
    folder.mkdir()
    data = select_rows(SDN_2024, ENTRIES).replace(b"; Target Type State-Owned Enterprise", b"", 1)
    (folder / "sdn.csv").write_bytes(data)

    run = _import(folder, datetime.date(2024, 7, 9))

    assert [kind for kind, *_ in _facts("16885")] == ["organization_established", "target_type"]
    assert any(change["field"] == "stated_facts" for change in run.skipped_changes), run.skipped_changes


# --------------------------------------------------------------------------------------------------
# SDN_ADVANCED.XML: the same facts from typed features
# --------------------------------------------------------------------------------------------------
def test_advanced_xml_features_give_the_facts_the_csv_remarks_give():
    from tests.importers.test_ofac_advanced_parse import assemble, by_uid, parse

    # Al-Rawi's second birth date feature turned into an "Organization Established Date" of 1982 (its
    # DatePeriod is one day, 28 Aug 1982), and his gender feature into a "Title" (a position).
    data = (
        assemble()
        .replace(b'<Feature ID="28250" FeatureTypeID="8">', b'<Feature ID="28250" FeatureTypeID="9001">')
        .replace(b'<Feature ID="28251" FeatureTypeID="224">', b'<Feature ID="28251" FeatureTypeID="9002">')
        .replace(
            b'<FeatureType ID="8"',
            b'<FeatureType ID="9001">Organization Established Date</FeatureType>'
            b'<FeatureType ID="9002">Title</FeatureType><FeatureType ID="8"',
        )
    )
    rawi = by_uid(parse(data))["25057"]

    assert rawi.facts == (
        FactRecord(
            "organization_established", "28 Aug 1982", datetime.date(1982, 8, 28), datetime.date(1982, 8, 28), "day"
        ),
        FactRecord("position", "Male"),
    )
    assert rawi.title == "Male"
    # The statement stays, as the CSV remarks keep the item as a statement too.
    assert rawi.statements == ("Organization Established Date: 1982-08-28",)


# --------------------------------------------------------------------------------------------------
# SDN.XML: facts from the remarks it keeps, and a "possibly" nationality in its nationality list
# --------------------------------------------------------------------------------------------------
def test_sdn_xml_gives_facts_and_keeps_a_possible_nationality_out_of_the_countries():
    from tests.importers.test_ofac_xml_parse import by_uid, parse, with_entry

    # SHALABI (entry 7945) as SDN.XML would give him, with a remark OFAC leaves in the remarks of entities.
    entry = b"""<sdnEntry><uid>7945</uid><firstName>Ismail Abdallah Sbaitan</firstName><lastName>SHALABI</lastName>
      <sdnType>Individual</sdnType><remarks>Position: Owner; arrested 23 Apr 2002.</remarks>
      <programList><program>SDGT</program></programList>
      <nationalityList><nationality><uid>1</uid><country>Jordan</country><mainEntry>true</mainEntry></nationality>
      <nationality><uid>2</uid><country>possibly Palestinian</country><mainEntry>false</mainEntry></nationality>
      </nationalityList></sdnEntry>"""
    shalabi = by_uid(parse(with_entry(entry)))["7945"]

    assert [(c.country, c.role) for c in shalabi.countries] == [("Jordan", "nationality")]
    assert shalabi.facts == (FactRecord("possible_nationality", "Palestinian"), FactRecord("position", "Owner"))
