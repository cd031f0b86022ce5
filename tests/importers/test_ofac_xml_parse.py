"""Legacy SDN.XML parsing, on the real head of the 2014-05-30 file (5 entries, uids 10, 15, 25, 36, 39)."""

from __future__ import annotations

import csv
import datetime
import io

import pytest

from importers.records import AddressRecord, AliasRecord, BirthDateRecord
from importers.sources import get_adapter
from importers.sources.base import SourceError
from importers.sources.ofac_xml import parse_birth_date, parse_list_date
from tests.datafiles import data_bytes, data_path, requires_data

pytestmark = requires_data

DATA = data_path("ofac")
HEAD = data_bytes("ofac", "sdn_xml_head_2014-05-30", "sdn.xml")
TEMPURI_ROOT = b'<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://tempuri.org/sdnList.xsd">'
SLS_NS = b"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def parse(data: bytes):
    return get_adapter("ofac-sdn-xml").parse({"sdn.xml": data})


def by_uid(result) -> dict:
    return {record.source_uid: record for record in result.records}


def with_entry(extra: bytes) -> bytes:
    """The real head with one more ``sdnEntry`` before the closing tag."""
    return HEAD.replace(b"</sdnList>", extra + b"</sdnList>")


def test_adapter_declares_a_complete_snapshot_of_the_sdn_list():
    adapter = get_adapter("ofac-sdn-xml")
    assert (adapter.list_source, adapter.is_complete_snapshot, adapter.min_records) == ("ofac-sdn", True, 5000)
    assert adapter.files == ("sdn.xml",)


def test_real_head_gives_five_entries_and_its_publish_date():
    result = parse(HEAD)
    assert [r.source_uid for r in result.records] == ["10", "15", "25", "36", "39"]
    assert result.published_on == datetime.date(2014, 5, 30)
    assert [r.kind for r in result.records] == ["entity", "individual", "entity", "entity", "entity"]
    assert all(r.programs == ("CUBA",) for r in result.records)


def test_head_warns_that_record_count_disagrees_with_the_entries_read():
    # The head keeps 5 of the 5,931 entries its publshInformation announces.
    result = parse(HEAD)
    assert result.warnings == ["sdn.xml: publshInformation/Record_Count says 5931 entries, the file has 5"]
    assert result.stats["record_count"] == 5931


def test_entry_36_matches_its_csv_rows():
    # sdn_2021-06-29: sdn.csv 36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",...; alt.csv 36,12,"aka","AERO-CARIBBEAN";
    # add.csv 36,25,-0- ,"Havana","Cuba".
    sdn = next(row for row in csv.reader(io.StringIO((DATA / "sdn_2021-06-29/sdn.csv").read_text())) if row[0] == "36")
    airline = by_uid(parse(HEAD))["36"]
    assert airline.name == sdn[1]
    assert airline.programs == (sdn[3],)
    assert airline.aliases == (AliasRecord(name="AERO-CARIBBEAN", kind="aka", strength="strong", source_uid="12"),)
    assert airline.addresses == (AddressRecord(city="Havana", country="Cuba", source_uid="25"),)


def test_individual_name_is_last_comma_first_as_in_the_csv():
    person = by_uid(parse(HEAD))["15"]
    assert person.name == "ABDELNUR, Nury de Jesus"
    assert person.kind == "individual"


def test_street_joins_address_lines():
    shipping = by_uid(parse(HEAD))["25"]
    assert shipping.addresses == (
        AddressRecord(street="171 Old Bakery Street", city="Valletta", country="Malta", source_uid="16"),
    )


@pytest.mark.parametrize(
    "root",
    [b"<sdnList>", b'<sdnList xmlns="' + SLS_NS + b'">'],
    ids=["no-namespace", "sls-namespace"],
)
def test_namespace_does_not_matter(root):
    result = parse(HEAD.replace(TEMPURI_ROOT, root))
    assert [r.source_uid for r in result.records] == ["10", "15", "25", "36", "39"]
    assert result.records == parse(HEAD).records


def test_every_documented_field_is_mapped():
    # An entry in the layout of data-formats.md §2, with LAM Carrie's values from sdn.csv 2024-07-02.
    entry = b"""<sdnEntry><uid>29249</uid><firstName>Carrie</firstName><lastName>LAM</lastName>
      <title>Chief Executive of the Hong Kong Special Administrative Region</title><sdnType>Individual</sdnType>
      <remarks>Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149.</remarks>
      <programList><program>HK-EO13936</program></programList>
      <idList><id><uid>1</uid><idType>Passport</idType><idNumber>KJ0505670</idNumber><idCountry>Hong Kong</idCountry>
        <issueDate>13 Apr 2016</issueDate><expirationDate>2026-04-13</expirationDate></id></idList>
      <akaList><aka><uid>45963</uid><type>a.k.a.</type><category>strong</category><lastName>LAM CHENG</lastName>
        <firstName>Yuet-ngor</firstName></aka><aka><uid>7</uid><type>f.k.a.</type><category>weak</category>
        <lastName>CHENG</lastName></aka></akaList>
      <addressList><address><uid>9</uid><address1>Tamar</address1><address2>Admiralty</address2>
        <city>Hong Kong</city><stateOrProvince>HK</stateOrProvince><postalCode>000</postalCode>
        <country>China</country></address></addressList>
      <nationalityList><nationality><uid>2</uid><country>Hong Kong</country><mainEntry>true</mainEntry></nationality>
      </nationalityList>
      <citizenshipList><citizenship><uid>3</uid><country>China</country><mainEntry>true</mainEntry></citizenship>
      </citizenshipList>
      <dateOfBirthList><dateOfBirthItem><uid>4</uid><dateOfBirth>13 May 1957</dateOfBirth><mainEntry>true</mainEntry>
      </dateOfBirthItem><dateOfBirthItem><uid>5</uid><dateOfBirth>circa 1955</dateOfBirth><mainEntry>false</mainEntry>
      </dateOfBirthItem></dateOfBirthList>
      <placeOfBirthList><placeOfBirthItem><uid>6</uid><placeOfBirth>Hong Kong</placeOfBirth><mainEntry>true</mainEntry>
      </placeOfBirthItem></placeOfBirthList></sdnEntry>"""
    result = parse(with_entry(entry))
    lam = by_uid(result)["29249"]
    assert lam.name == "LAM, Carrie"
    assert lam.title == "Chief Executive of the Hong Kong Special Administrative Region"
    assert lam.remarks.startswith("Secondary sanctions risk")
    assert lam.programs == ("HK-EO13936",)
    [passport] = lam.identifiers
    assert (passport.kind, passport.value, passport.country) == ("Passport", "KJ0505670", "Hong Kong")
    assert (passport.issued_on, passport.expires_on) == (datetime.date(2016, 4, 13), datetime.date(2026, 4, 13))
    assert [(a.name, a.kind, a.strength, a.source_uid) for a in lam.aliases] == [
        ("LAM CHENG, Yuet-ngor", "aka", "strong", "45963"),
        ("CHENG", "fka", "weak", "7"),
    ]
    assert lam.addresses == (
        AddressRecord(street="Tamar, Admiralty", city="Hong Kong, HK 000", country="China", source_uid="9"),
    )
    assert [(c.country, c.role) for c in lam.countries] == [
        ("Hong Kong", "nationality"),
        ("China", "citizenship"),
        ("Hong Kong", "place_of_birth"),
        ("China", "address"),
    ]
    assert lam.statements == (
        "Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149",
    )
    assert [b.date_from for b in lam.birth_dates] == [datetime.date(1957, 5, 13), datetime.date(1955, 1, 1)]
    assert lam.birth_dates[1].circa is True
    assert [p.place for p in lam.places_of_birth] == ["Hong Kong"]
    assert not [w for w in result.warnings if "unknown element" in w]


def test_links_and_gender_left_in_the_remarks_are_read():
    # GAO Qi's remarks from sdn.csv 2024-07-02, minus the items SDN.XML breaks out into elements.
    entry = b"""<sdnEntry><uid>39417</uid><firstName>Qi</firstName><lastName>GAO</lastName><sdnType>Individual</sdnType>
      <remarks>Gender Male; Linked To: XINJIANG PUBLIC SECURITY BUREAU.</remarks>
      <programList><program>GLOMAG</program><program>UHRPA</program></programList></sdnEntry>"""
    gao = by_uid(parse(with_entry(entry)))["39417"]
    assert gao.programs == ("GLOMAG", "UHRPA")
    assert gao.gender == "male"
    assert [r.to_name for r in gao.relationships] == ["XINJIANG PUBLIC SECURITY BUREAU"]


def test_vessel_info_fills_the_vessel_fields():
    entry = b"""<sdnEntry><uid>18213</uid><lastName>FINIKIA</lastName><sdnType>Vessel</sdnType>
      <programList><program>SYRIA</program></programList>
      <vesselInfo><callSign>YKAB</callSign><vesselType>Cargo</vesselType><vesselFlag>Syria</vesselFlag>
      <vesselOwner>SYRIAN GENERAL AUTHORITY FOR MARITIME TRANSPORT</vesselOwner><tonnage>5,000</tonnage>
      <grossRegisteredTonnage>4,000</grossRegisteredTonnage></vesselInfo></sdnEntry>"""
    vessel = by_uid(parse(with_entry(entry)))["18213"]
    assert vessel.kind == "vessel"
    assert (vessel.call_sign, vessel.vessel_type, vessel.vessel_flag) == ("YKAB", "Cargo", "Syria")
    assert (vessel.tonnage, vessel.gross_registered_tonnage) == ("5,000", "4,000")
    assert vessel.vessel_owner == "SYRIAN GENERAL AUTHORITY FOR MARITIME TRANSPORT"


def test_unknown_elements_are_counted_and_warned_about():
    data = HEAD.replace(b"<sdnType>Entity</sdnType>", b"<sdnType>Entity</sdnType><newField>x</newField>")
    result = parse(data)
    assert len(result.records) == 5
    assert "sdn.xml: unknown element sdnEntry/newField (4 times), not imported" in result.warnings


def test_bad_entry_is_skipped_with_a_warning_and_the_rest_read():
    data = HEAD.replace(b"<sdnType>Individual</sdnType>", b"<sdnType>Spaceship</sdnType>")
    result = parse(data)
    assert [r.source_uid for r in result.records] == ["10", "25", "36", "39"]
    assert result.stats["skipped"] == 1
    assert any("unknown sdnType 'Spaceship'" in w for w in result.warnings)


def test_bad_alias_is_dropped_but_its_entry_kept():
    data = HEAD.replace(b"<type>a.k.a.</type>", b"<type>x.y.z.</type>", 1)
    result = parse(data)
    assert by_uid(result)["10"].aliases == ()
    assert any("dropped an alias" in w for w in result.warnings)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE sdnList [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<sdnList><sdnEntry><uid>1</uid><lastName>&lol3;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>"""
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE sdnList [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b"<sdnList><sdnEntry><uid>1</uid><lastName>&xxe;</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>"
)
EXTERNAL_DTD = HEAD.replace(b"?>\r\n", b'?>\r\n<!DOCTYPE sdnList SYSTEM "http://example.invalid/sdn.dtd">\r\n', 1)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (BILLION_LAUGHS, "declares entities"),
        (EXTERNAL_ENTITY, "declares entities"),
        (EXTERNAL_DTD, "external DTD"),
        (HEAD[: len(HEAD) // 2], "not well-formed"),
        (b"ent_num,SDN_Name\r\n36,AEROCARIBBEAN AIRLINES\r\n", "not well-formed"),
        (b"", "empty"),
        (HEAD.replace(b"sdnList", b"consolidatedList"), "root element is <consolidatedList>"),
    ],
    ids=["billion-laughs", "external-entity", "external-dtd", "truncated", "not-xml", "empty", "wrong-root"],
)
def test_hostile_or_broken_files_raise_source_error(data, message):
    with pytest.raises(SourceError, match=message):
        parse(data)


def test_hostile_file_yields_nothing_before_the_error(monkeypatch):
    # The DOCTYPE check runs on the root element, before any entry is mapped.
    import importers.sources.ofac_xml as module

    mapped = []
    monkeypatch.setattr(module, "_entry", lambda *args: mapped.append(args))
    with pytest.raises(SourceError):
        parse(EXTERNAL_ENTITY)
    assert mapped == []


def test_missing_file_in_the_bundle_raises_source_error():
    with pytest.raises(SourceError, match="one file named sdn\\.xml"):
        get_adapter("ofac-sdn-xml").parse({"sdn.csv": b"36"})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07 Jul 1978", BirthDateRecord("07 Jul 1978", datetime.date(1978, 7, 7), datetime.date(1978, 7, 7), "day")),
        ("Aug 1970", BirthDateRecord("Aug 1970", datetime.date(1970, 8, 1), datetime.date(1970, 8, 31), "month")),
        ("1966", BirthDateRecord("1966", datetime.date(1966, 1, 1), datetime.date(1966, 12, 31), "year")),
        (
            "1966 to 1968",
            BirthDateRecord("1966 to 1968", datetime.date(1966, 1, 1), datetime.date(1968, 12, 31), "year", True),
        ),
        (
            "circa 1965",
            BirthDateRecord("circa 1965", datetime.date(1965, 1, 1), datetime.date(1965, 12, 31), "year", circa=True),
        ),
        (
            "circa 1966-1968",
            BirthDateRecord(
                "circa 1966-1968", datetime.date(1966, 1, 1), datetime.date(1968, 12, 31), "year", True, True
            ),
        ),
        ("sometime", None),
    ],
)
def test_birth_date_shapes_of_the_list(raw, expected):
    assert parse_birth_date(raw) == expected


def test_unparseable_birth_date_is_kept_as_unparsed():
    entry = b"""<sdnEntry><uid>99</uid><lastName>X</lastName><sdnType>Entity</sdnType>
      <dateOfBirthList><dateOfBirthItem><uid>1</uid><dateOfBirth>unknown</dateOfBirth></dateOfBirthItem>
      </dateOfBirthList></sdnEntry>"""
    record = by_uid(parse(with_entry(entry)))["99"]
    assert (record.birth_dates, record.unparsed) == ((), ("DOB unknown",))


def test_list_dates_in_both_spellings():
    assert parse_list_date("13 Apr 2016") == parse_list_date("2016-04-13") == datetime.date(2016, 4, 13)
    assert parse_list_date("Apr 2016") is None
