"""SDN_ADVANCED.XML parsing, on the real hand-cut excerpts of the 2024-03-06 file.

The excerpts (``$TRACKER_DATA_DIR/ofac/sdn_advanced_excerpts_2024-03/``) are sections without a root, and
their look-up tables were cut short by the person who cut them: ``latestdp.xml`` uses
PartySubTypeID 4 and FeatureTypeID 8 that ``minified_ReferenceValueSets.xml`` no longer lists, and
AEROCARIBBEAN's Location 25 is not in ``minified_Locations.xml``. ``assemble()`` joins the sections
into one ``<Sanctions>`` document; with ``complete=True`` it puts back the missing table rows
(``CUT_REFERENCE_VALUES``, the values the full file carries, as other public parsers' fixtures of it
show) and Location 25 rebuilt from its CSV row (``36,25,-0- ,"Havana","Cuba",-0-`` in
``sdn_2021-06-29/add.csv``; location IDs are add_nums).
"""

from __future__ import annotations

import datetime

import pytest
from lxml import etree

from importers.records import AddressRecord, CountryRoleRecord, RelationshipRecord
from importers.sources import get_adapter
from importers.sources.base import SourceError
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

EXCERPTS = data_path("ofac", "sdn_advanced_excerpts_2024-03")
NS = "http://www.un.org/sanctions/1.0"

# (table, ID, attributes, text): rows of the full file's ReferenceValueSets the excerpt lacks.
CUT_REFERENCE_VALUES = [
    ("AliasType", "1403", {}, "Name"),
    ("PartySubType", "3", {"PartyTypeID": "2"}, "Unknown"),
    ("PartySubType", "4", {"PartyTypeID": "1"}, "Unknown"),
    ("FeatureType", "8", {"FeatureTypeGroupID": "1"}, "Birthdate"),
    ("FeatureType", "25", {"FeatureTypeGroupID": "1"}, "Location"),
    ("FeatureType", "224", {"FeatureTypeGroupID": "1"}, "Gender"),
    ("DetailReference", "91526", {}, "Male"),
    ("NamePartType", "1525", {}, "Entity Name"),
    ("Script", "215", {"ScriptCode": "Latn"}, "Latin"),
    ("SanctionsType", "1", {}, "Program"),
    ("LocPartType", "1451", {}, "ADDRESS1"),
    ("LocPartType", "1454", {}, "CITY"),
    ("LocPartType", "1456", {}, "POSTAL CODE"),
    ("Country", "11073", {"ISO2": "CU"}, "Cuba"),
    ("Country", "11115", {"ISO2": "JP"}, "Japan"),
    ("RelationType", "15002", {"Symmetrical": "false"}, "Acting for or on behalf of"),
]
LOCATION_25 = """<Location ID="25">
    <LocationAreaCode AreaCodeID="11073" />
    <LocationCountry CountryID="11073" CountryRelevanceID="1413" />
    <LocationPart LocPartTypeID="1454">
      <LocationPartValue Primary="true" LocPartValueTypeID="1" LocPartValueStatusID="1">
        <Comment />
        <Value>Havana</Value>
      </LocationPartValue>
    </LocationPart>
    <FeatureVersionReference FeatureVersionID="200025" />
  </Location>"""


def excerpt(name: str) -> str:
    return (EXCERPTS / name).read_text(encoding="utf-8")


def reference_values(*, complete: bool) -> str:
    text = excerpt("minified_ReferenceValueSets.xml")
    if not complete:
        return text
    tables = etree.fromstring(text.encode())
    for table, ref_id, attributes, value in CUT_REFERENCE_VALUES:
        holder = tables.find(f"{table}Values")
        row = etree.SubElement(holder, table, ID=ref_id, **attributes)
        row.text = value
    return etree.tostring(tables, encoding="unicode")


def assemble(*, complete: bool = True, extra_parties: str = "", root: str = "Sanctions") -> bytes:
    """One SDN_ADVANCED.XML document from the excerpt sections, in the file's section order."""
    locations = excerpt("minified_Locations.xml")
    if complete:
        locations = locations.replace("<Locations>", "<Locations>\n  " + LOCATION_25, 1)
    document = "\n".join(
        [
            '<?xml version="1.0" standalone="yes"?>',
            f'<{root} xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">',
            excerpt("minified_DateOfIssue.xml"),
            reference_values(complete=complete),
            locations,
            excerpt("minified_IDRegistrationNo.xml"),
            "<DistinctParties>",
            excerpt("latestdp.xml"),
            excerpt("minified_DistinctParties.xml"),
            extra_parties,
            "</DistinctParties>",
            excerpt("minified_ProfileRelationships.xml"),
            excerpt("minified_SanctionsEntries.xml"),
            "<SanctionsEntryLinks />",
            f"</{root}>",
        ]
    )
    return document.encode("utf-8")


def parse(data: bytes):
    return get_adapter("ofac-sdn-advanced").parse({"sdn_advanced.xml": data})


def by_uid(result) -> dict:
    return {record.source_uid: record for record in result.records}


def test_adapter_declares_a_complete_snapshot_of_the_sdn_list():
    adapter = get_adapter("ofac-sdn-advanced")
    assert adapter.list_source == "ofac-sdn"
    assert adapter.is_complete_snapshot is True
    assert adapter.min_records == 5000
    assert adapter.files == ("sdn_advanced.xml",)


def test_al_rawi_parses_with_his_nine_names_birth_dates_and_gender():
    result = parse(assemble())
    rawi = by_uid(result)["25057"]

    assert rawi.kind == "individual"
    # Same spelling as sdn.csv of 2024-07-02: 25057,"AL-RAWI, 'Adnan Muhammad Amin","individual",...
    assert rawi.name == "AL-RAWI, 'Adnan Muhammad Amin"
    assert len(rawi.aliases) == 8  # 9 Alias elements: the primary name and 8 a.k.a.
    assert {a.kind for a in rawi.aliases} == {"aka"}
    assert all(a.script == "Latn" for a in rawi.aliases)
    weak = [a.name for a in rawi.aliases if a.strength == "weak"]
    # LowQuality="true": the three names sdn.csv gives in quotes (a.k.a. 'ALDEEN, Mohammed Amad Az'; ...).
    assert weak == ["Aldeen Mohammed Amad Az", "Emad Mohammad", "Ezaldeen Mohammed Emad"]
    # Matches the remarks "DOB 07 Jan 1985; alt. DOB 28 Aug 1982; Gender Male".
    assert [(b.raw, b.date_from, b.precision) for b in rawi.birth_dates] == [
        ("07 Jan 1985", datetime.date(1985, 1, 7), "day"),
        ("28 Aug 1982", datetime.date(1982, 8, 28), "day"),
    ]
    assert rawi.gender == "male"


def test_alias_parts_without_a_name_part_group_are_joined_in_order_with_a_warning():
    # The excerpt keeps the NamePartGroups of the primary name only.
    result = parse(assemble())
    assert "Aldeen Mohammed Amad Az" in [a.name for a in by_uid(result)["25057"].aliases]
    assert any("NamePartValue without a NamePartGroup" in w for w in result.warnings)


def test_aerocaribbean_gets_program_listing_date_legal_basis_and_address():
    result = parse(assemble())
    airline = by_uid(result)["36"]

    assert airline.kind == "entity"
    assert airline.name == "AEROCARIBBEAN AIRLINES"
    assert airline.programs == ("CUBA",)
    assert airline.listed_on == datetime.date(1986, 12, 10)
    assert airline.legal_basis == "Unknown"  # LegalBasisID="1", as published
    assert [(a.name, a.kind, a.strength) for a in airline.aliases] == [("AERO-CARIBBEAN", "aka", "strong")]
    assert airline.addresses == (AddressRecord(city="Havana", country="Cuba", source_uid="25"),)
    assert airline.countries == (CountryRoleRecord(country="Cuba", role="address"),)
    assert result.published_on == datetime.date(2024, 3, 6)


def test_location_201_reads_like_its_add_csv_row():
    # sdn_2021-06-29/add.csv: 306,201,"Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku","Tokyo 103","Japan"
    party = """<DistinctParty FixedRef="306"><Profile ID="306" PartySubTypeID="3"><Identity ID="1">
      <Alias AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName>
      <DocumentedNamePart><NamePartValue NamePartGroupID="9">BANCO NACIONAL DE CUBA</NamePartValue>
      </DocumentedNamePart></DocumentedName></Alias>
      <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="9" NamePartTypeID="1525" /></MasterNamePartGroup>
      </NamePartGroups></Identity>
      <Feature ID="1" FeatureTypeID="25"><FeatureVersion ID="200201"><VersionLocation LocationID="201" />
      </FeatureVersion></Feature></Profile></DistinctParty>"""
    bank = by_uid(parse(assemble(extra_parties=party)))["306"]
    assert bank.addresses == (
        AddressRecord(
            street="Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku",
            city="Tokyo 103",
            country="Japan",
            source_uid="201",
        ),
    )


def test_profile_relationships_become_typed_relationships_to_the_target_profile():
    # The two real relationships point from 2686 and 4632 to 4697; minimal parties carry their CSV names.
    parties = "".join(
        f"""<DistinctParty FixedRef="{uid}"><Profile ID="{uid}" PartySubTypeID="{sub}"><Identity ID="9{uid}">
        <Alias AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName><DocumentedNamePart>
        <NamePartValue NamePartGroupID="8{uid}">{name}</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
        <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="8{uid}" NamePartTypeID="1525" />
        </MasterNamePartGroup></NamePartGroups></Identity></Profile></DistinctParty>"""
        for uid, sub, name in (
            ("2686", "4", "NASRALLAH, Hasan"),
            ("4632", "3", "BANK MARKAZI JOMHOURI ISLAMI IRAN"),
            ("4697", "3", "HIZBALLAH"),
        )
    )
    records = by_uid(parse(assemble(extra_parties=parties)))
    assert records["2686"].relationships == (
        RelationshipRecord(to_name="HIZBALLAH", kind="acting_for", to_source_uid="4697"),
    )
    assert records["4632"].relationships == (
        RelationshipRecord(to_name="HIZBALLAH", kind="support", to_source_uid="4697"),
    )


def test_identity_documents_attach_to_the_party_of_their_identity():
    # IDRegDocument 4901 (Passport 484824, issued 18 Jan 1984) belongs to identity 2327.
    party = """<DistinctParty FixedRef="2327"><Profile ID="2327" PartySubTypeID="4"><Identity ID="2327">
      <Alias AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName><DocumentedNamePart>
      <NamePartValue NamePartGroupID="7">X</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
      <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="7" NamePartTypeID="1525" />
      </MasterNamePartGroup></NamePartGroups></Identity></Profile></DistinctParty>"""
    result = parse(assemble(extra_parties=party))
    [passport] = by_uid(result)["2327"].identifiers
    assert (passport.kind, passport.value, passport.issued_on) == ("Passport", "484824", datetime.date(1984, 1, 18))
    assert passport.country == ""  # IssuedBy-CountryID 11082 is among the values the excerpt cut
    assert any("CountryValues has no ID 11082" in w for w in result.warnings)
    # Document 1511 belongs to identity 2967, which is not in the excerpt.
    assert any("IDRegDocument for an identity not in <DistinctParties> (1 times)" in w for w in result.warnings)


def test_party_whose_type_the_tables_lack_is_skipped_with_a_warning():
    result = parse(assemble(complete=False))
    assert result.records == []
    assert result.stats["skipped"] == 2
    assert any("PartySubTypeID '4' is not in PartySubTypeValues" in w for w in result.warnings)
    assert any("PartySubTypeID '3' is not in PartySubTypeValues" in w for w in result.warnings)


def test_features_without_a_field_are_kept_as_statements_and_counted():
    # A feature type with no field of its own (a table row made up for the test) becomes a statement.
    data = (
        assemble()
        .replace(b'<Feature ID="28251" FeatureTypeID="224">', b'<Feature ID="28251" FeatureTypeID="9999">')
        .replace(b'<FeatureType ID="8"', b'<FeatureType ID="9999">Organization Type:</FeatureType><FeatureType ID="8"')
    )
    result = parse(data)
    rawi = by_uid(result)["25057"]
    assert rawi.gender == ""
    assert rawi.statements == ("Organization Type: Male",)
    assert result.stats["features_kept_as_statements"] == 1


def test_feature_type_missing_from_the_tables_is_warned_about():
    data = assemble().replace(b'<Feature ID="28251" FeatureTypeID="224">', b'<Feature ID="28251" FeatureTypeID="9999">')
    result = parse(data)
    assert by_uid(result)["25057"].gender == ""
    assert "sdn_advanced.xml: FeatureTypeValues has no ID 9999 (used 1 times)" in result.warnings


def test_unknown_section_is_warned_about():
    data = assemble().replace(b"<SanctionsEntryLinks />", b"<SanctionsEntryLinks /><Surprise><X /></Surprise>")
    assert any("Surprise" in w for w in parse(data).warnings)


def test_nationality_country_comes_from_its_location():
    party = """<DistinctParty FixedRef="5"><Profile ID="5" PartySubTypeID="4"><Identity ID="5">
      <Alias AliasTypeID="1403" Primary="true" LowQuality="false"><DocumentedName><DocumentedNamePart>
      <NamePartValue NamePartGroupID="6">Y</NamePartValue></DocumentedNamePart></DocumentedName></Alias>
      <NamePartGroups><MasterNamePartGroup><NamePartGroup ID="6" NamePartTypeID="1525" />
      </MasterNamePartGroup></NamePartGroups></Identity>
      <Feature ID="2" FeatureTypeID="10"><FeatureVersion ID="3"><VersionLocation LocationID="201" />
      </FeatureVersion></Feature></Profile></DistinctParty>"""
    data = assemble(extra_parties=party).replace(
        b'<FeatureType ID="8"', b'<FeatureType ID="10">Nationality Country</FeatureType><FeatureType ID="8"'
    )
    assert by_uid(parse(data))["5"].countries == (CountryRoleRecord(country="Japan", role="nationality"),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04 not xml at all", "not well-formed"),
        (None, "not well-formed"),  # truncated
        (None, "root element is <sdnList>"),  # a different file
        (
            b'<?xml version="1.0"?><!DOCTYPE Sanctions [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<Sanctions><DateOfIssue><Year>&xxe;</Year></DateOfIssue></Sanctions>",
            "declares entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE Sanctions SYSTEM "http://example.invalid/s.dtd"><Sanctions/>',
            "external DTD",
        ),
    ],
    ids=["empty", "not-xml", "truncated", "wrong-root", "external-entity", "external-dtd"],
)
def test_bad_files_raise_source_error(data, message):
    if data is None and "root" in message:
        data = assemble(root="sdnList")
    elif data is None:
        full = assemble()
        data = full[: len(full) // 2]
    with pytest.raises(SourceError, match=message):
        parse(data)


def test_sections_before_the_reference_values_raise_source_error():
    data = assemble()
    refs = reference_values(complete=True).encode()
    data = data.replace(refs, b"").replace(b"</Sanctions>", refs + b"</Sanctions>")
    with pytest.raises(SourceError, match="comes before <ReferenceValueSets>"):
        parse(data)


def test_the_advanced_file_says_nothing_about_remarks_so_an_import_keeps_those_held():
    result = parse(assemble())

    assert "remarks" not in result.covers
    assert {record.uncovered for record in result.records} == {("remarks",)}
