"""Entry lines of OFAC's printed list (Recent Actions notices) read with the SDN remarks grammar.

The lines come from the reconstructed notice pages in ``tests/data/announcements/ofac/`` (each built
from the real rows of the 2021-06-29 CSV set, see PROVENANCE.md there) and from the real list text
quoted in the project's data-format notes (OFAC's 14 Oct 2020 Hong Kong update, the compiled list's
ANTONOV and LEE entries, a printed vessel entry). Each line is also checked against the CSV row of the
same person, parsed by the CSV importer: both must give the same facts.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from announcements.parsers.entry import (
    EntryLineError,
    guess_name,
    normalise_text,
    parse_entry_line,
    script_of,
    split_update,
)
from announcements.parsers.recent_actions import parse_notice
from importers.records import AliasRecord, IdentifierRecord, RelationshipRecord
from importers.sources.ofac_sdn import OfacSdnCsvSource, sdn_csv_lines
from tests.datafiles import data_path, requires_data, selection

pytestmark = requires_data

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "announcements" / "ofac"
D21 = data_path("ofac", "sdn_2021-06-29")

# OFAC's 14 Oct 2020 update of CHAN, Eric, verbatim (data-format notes, section 6).
CHAN_UPDATE = (
    "CHAN, Eric (a.k.a. CHAN, Eric Kwok-ki; a.k.a. CHAN, Kwok-ki (Chinese Traditional: 陳國基; Chinese Simplified: "
    "陈国基)), Flat F, 20 Floor, Block 2, Royal Ascot, Shatin, Hong Kong; DOB 05 Apr 1959; POB Hong Kong; nationality "
    "Hong Kong; Gender Male; National ID No. G142458A (Hong Kong); Secretary General, Committee for Safeguarding "
    "National Security of the Hong Kong Special Administrative Region (individual) [HK-EO13936]. -to- CHAN, Eric "
    "(a.k.a. CHAN, Eric Kwok-ki; a.k.a. CHAN, Kwok-ki (Chinese Simplified: 陈国基; Chinese Traditional: 陳國基)), Flat "
    "F, 20 Floor, Block 2, Royal Ascot, Shatin, Hong Kong; DOB 05 Apr 1959; POB Hong Kong; nationality Hong Kong; "
    "Gender Male; Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 \u2013 Public Law 116-149; "
    "National ID No. G142458A (Hong Kong); Secretary General, Committee for Safeguarding National Security of the "
    "Hong Kong Special Administrative Region (individual) [HK-EO13936]."
)
ANTONOV = (
    "ANTONOV, Boris Alekseyevich, Russia; DOB 19 Dec 1980; nationality Russia; Gender Male; Secondary sanctions "
    "risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 (individual) [CAATSA - RUSSIA] (Linked To: "
    "MAIN INTELLIGENCE DIRECTORATE)."
)
# A printed vessel entry (its aliases, call sign, type, tonnage and flag after the name).
NAINITAL = (
    "NAINITAL (f.k.a. MIDSEA; f.k.a. MOTION; f.k.a. NAJM) (T2DR4) Crude Oil Tanker 298,731DWT 156,809GRT None "
    "Identified flag; Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag Tanzania; "
    "Additional Sanctions Information\u2014Subject to Secondary Sanctions; Vessel Registration Identification IMO "
    "9079092; MMSI 572442210 (vessel) [IRAN] (Linked To: NATIONAL IRANIAN TANKER COMPANY)."
)


def _aliases(record) -> set[tuple[str, str, str]]:
    return {(a.name, a.kind, a.strength) for a in record.aliases if not a.script}


# --- single lines ---------------------------------------------------------------------------------------


def test_chan_update_splits_and_both_sides_keep_the_chinese_script_as_aliases():
    old_line, new_line = split_update(CHAN_UPDATE)
    old, new = parse_entry_line(old_line), parse_entry_line(new_line)

    assert old.name == new.name == "CHAN, Eric"
    assert old.kind == "individual"
    assert old.programs == new.programs == ("HK-EO13936",)
    assert [(a.name, a.script) for a in new.aliases] == [
        ("CHAN, Eric Kwok-ki", ""),
        ("CHAN, Kwok-ki", ""),
        ("陈国基", "Hans"),
        ("陳國基", "Hant"),
    ]
    assert {(a.name, a.script) for a in old.aliases} == {(a.name, a.script) for a in new.aliases}
    assert new.title == (
        "Secretary General, Committee for Safeguarding National Security of the Hong Kong Special Administrative Region"
    )
    assert new.identifiers == (IdentifierRecord(kind="National ID No.", value="G142458A", country="Hong Kong"),)
    assert new.birth_dates[0].date_from == datetime.date(1959, 4, 5)
    assert new.addresses[0].street == "Flat F, 20 Floor, Block 2, Royal Ascot, Shatin"
    assert new.addresses[0].country == "Hong Kong"
    # The en dash of the new entry is the CSV's hyphen, and the statement is what changed.
    assert (
        "Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149"
        in new.statements
    )
    assert not any(s.startswith("Secondary sanctions risk") for s in old.statements)
    assert new.unparsed == old.unparsed == ()


def test_split_update_accepts_typographic_dashes_and_refuses_a_line_without_or_with_two_separators():
    assert split_update("A [X]. \u2013to\u2013 B [X].") == ("A [X].", "B [X].")
    with pytest.raises(EntryLineError, match="no ' -to- '"):
        split_update("AL-QAHTANI, Saud (individual) [GLOMAG].")
    with pytest.raises(EntryLineError, match="2 times"):
        split_update("A [X]. -to- B [X]. -to- C [X].")


def test_lee_weak_alias_in_double_quotes_is_weak_and_strong_ones_stay_strong():
    record = parse_entry_line(
        'LEE, John Ka-chiu (a.k.a. LEE, John; a.k.a. LEE, Ka Chiu; a.k.a. "LI, Jiachao"), Flat A, 5/F, Block 2, '
        "King's Park Villa, No. 1 King's Park Rise, Homantin, Kowloon, Hong Kong; DOB 07 Dec 1957; Gender Male; "
        "National ID No. G0286787 (Hong Kong); Secretary for Security (individual) [HK-EO13936]."
    )
    assert record.name == "LEE, John Ka-chiu"
    assert record.aliases == (
        AliasRecord(name="LEE, John"),
        AliasRecord(name="LEE, Ka Chiu"),
        AliasRecord(name="LI, Jiachao", strength="weak"),
    )
    assert record.title == "Secretary for Security"
    assert record.gender == "male"


def test_antonov_linked_to_after_the_tags_is_a_relationship_and_the_tag_keeps_its_spaces():
    record = parse_entry_line(ANTONOV)
    assert record.name == "ANTONOV, Boris Alekseyevich"
    assert record.programs == ("CAATSA - RUSSIA",)
    assert record.relationships == (RelationshipRecord(to_name="MAIN INTELLIGENCE DIRECTORATE"),)
    assert record.addresses[0].country == "Russia"
    assert record.remarks.endswith("; Linked To: MAIN INTELLIGENCE DIRECTORATE.")
    assert record.unparsed == ()


def test_vessel_by_its_type_word_with_call_sign_type_tonnage_and_flag():
    record = parse_entry_line(NAINITAL)
    assert record.kind == "vessel"
    assert record.name == "NAINITAL"
    assert [(a.name, a.kind) for a in record.aliases] == [("MIDSEA", "fka"), ("MOTION", "fka"), ("NAJM", "fka")]
    assert (record.call_sign, record.vessel_type, record.tonnage, record.gross_registered_tonnage) == (
        "T2DR4",
        "Crude Oil Tanker",
        "298,731",
        "156,809",
    )
    assert record.vessel_flag == "None Identified"
    assert IdentifierRecord(kind="Vessel Registration Identification", value="IMO 9079092") in record.identifiers
    # The em dash becomes the CSV's " - ".
    assert "Additional Sanctions Information - Subject to Secondary Sanctions" in record.statements
    assert record.relationships == (RelationshipRecord(to_name="NATIONAL IRANIAN TANKER COMPANY"),)


def test_vessel_without_tonnage_splits_type_from_flag_at_the_type_word():
    record = parse_entry_line(
        "PATHFINDER (8P2482) Crude Oil Tanker Barbados flag; Vessel Registration Identification IMO 9577094 "
        "(vessel) [RUSSIA-EO14024]."
    )
    assert (record.name, record.call_sign, record.vessel_type, record.vessel_flag) == (
        "PATHFINDER",
        "8P2482",
        "Crude Oil Tanker",
        "Barbados",
    )


def test_entity_has_no_type_word_and_its_name_may_hold_commas_and_parentheses():
    record = parse_entry_line(
        "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE (a.k.a. QODS FORCE), Tehran, Iran [SDGT] [IRGC]."
    )
    assert record.kind == "entity"
    assert record.name == "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"
    assert record.aliases == (AliasRecord(name="QODS FORCE"),)
    assert (record.addresses[0].city, record.addresses[0].country) == ("Tehran", "Iran")
    assert parse_entry_line("RED MUNDIAL INMOBILIARIA, S.A. DE C.V., Calle 1, Mexico City, Mexico [SDNTK].").name == (
        "RED MUNDIAL INMOBILIARIA, S.A. DE C.V."
    )


def test_normalise_text_gives_the_csv_punctuation():
    assert normalise_text("Act of 2020 \u2013 Public Law") == "Act of 2020 - Public Law"
    assert normalise_text("Information\u2014Subject") == "Information - Subject"
    assert normalise_text("King\u2019s \u201cPark\u201d\u00a0Villa") == 'King\'s "Park" Villa'
    assert script_of("Пригожин") == "Cyrl" and script_of("陈国基") == "Hani" and script_of("ABC") == "Latn"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "empty"),
        ("AL-QAHTANI, Saud; DOB 07 Jul 1978 (individual).", "no program tag"),
        ("MOCHOCHOKO, Phakiso; nationality Lesotho; Gender Male (individual", "left open"),
        ("X (a.k.a. Y) stray words [SDGT].", "unexpected text"),
        ("X (a.k.a. Y; Z) [SDGT].", "not an a.k.a."),
        ("(individual) [GLOMAG].", "no name"),
    ],
)
def test_lines_that_do_not_parse_raise_a_value_error_saying_why(line, message):
    with pytest.raises(EntryLineError, match=message) as caught:
        parse_entry_line(line)
    assert isinstance(caught.value, ValueError)


def test_guess_name_gives_an_editor_the_name_of_a_broken_line():
    assert guess_name("MOCHOCHOKO, Phakiso; nationality Lesotho; Gender Male (individual") == "MOCHOCHOKO, Phakiso"
    assert guess_name("XINJIANG PUBLIC SECURITY BUREAU (a.k.a. X), Xinjiang, China [GLOM") == (
        "XINJIANG PUBLIC SECURITY BUREAU"
    )


# --- the same person from a notice line and from the CSV files ---------------------------------------------

# Aliases the 2021-06-29 alt.csv holds that were added after the notice (later alias numbers): the
# reconstructed notices leave them out (see PROVENANCE.md).
LATER_ALIASES = {"48350", "48351", "48352", "46828"}
NOTICES = ("20181115", "20200617", "20200709", "20200807", "20201002")


def _notice_entries():
    for notice in NOTICES:
        url = f"https://ofac.treasury.gov/recent-actions/{notice}"
        for entry in parse_notice((PAGES / f"{notice}.html").read_bytes(), url).entries:
            yield pytest.param(entry, id=f"{notice}-{entry.name}")


@pytest.fixture(scope="module")
def csv_records():
    """The 2021-06-29 CSV rows of every person in the notices, parsed by the CSV importer."""
    names = {entry.name for param in _notice_entries() for entry in param.values}
    main = (D21 / "sdn.csv").read_bytes()
    uids = {row[0] for _line, row in sdn_csv_lines(main, "sdn.csv") if row[1] in names}
    bundle = {}
    for filename in ("sdn.csv", "alt.csv", "add.csv"):
        data = (D21 / filename).read_bytes()
        kept = [line for line in data.split(b"\r\n") if line.split(b",", 1)[0].decode() in uids]
        bundle[filename] = b"\r\n".join(kept) + b"\r\n\x1a"
    records = OfacSdnCsvSource().parse(bundle).records
    return {record.name: record for record in records}


@pytest.mark.parametrize("entry", list(_notice_entries()))
def test_a_notice_line_and_the_csv_row_of_the_same_person_give_the_same_facts(entry, csv_records):
    line, row = entry.record, csv_records[entry.name]
    assert line.kind == row.kind
    assert line.programs == row.programs
    assert _aliases(line) == {(a.name, a.kind, a.strength) for a in row.aliases if a.source_uid not in LATER_ALIASES}
    assert line.birth_dates == row.birth_dates
    assert line.places_of_birth == row.places_of_birth
    assert line.identifiers == row.identifiers
    assert line.gender == row.gender
    assert line.title == row.title
    assert line.relationships == row.relationships
    assert set(line.countries) == set(row.countries)
    assert [", ".join(p for p in (a.street, a.city, a.country) if p) for a in line.addresses] == [
        ", ".join(p for p in (a.street, a.city, a.country) if p) for a in row.addresses
    ]
    assert line.unparsed == row.unparsed == ()


# Lines in the printed format built from rows of the 2024-07-02 selection (no alt.csv or add.csv for it):
# an aircraft, an entity with a weak alias and a link, a vessel with a link.
SELECTION = selection("sdn_2024-07-02_selection") / "sdn.csv"
LINES_2024 = {
    "33373": (
        "EW-001PH; Aircraft Manufacture Date 2018; Aircraft Model Agusta-Westland AW-139; Aircraft Manufacturer's "
        "Serial Number (MSN) 31835 (aircraft) [BELARUS-EO14038] (Linked To: FOREIGN LIMITED LIABILITY COMPANY "
        "SLAVKALI)."
    ),
    "31191": (
        'RAPID INTERVENTION FORCE (a.k.a. "TIGER SQUAD"); Organization Established Date 2015 [GLOMAG] (Linked To: '
        "AL-QAHTANI, Saud)."
    ),
    "18213": (
        "FINIKIA; Vessel Registration Identification IMO 9385233 (vessel) [SYRIA] (Linked To: SYRIAN GENERAL "
        "AUTHORITY FOR MARITIME TRANSPORT)."
    ),
}


@pytest.mark.parametrize(("uid", "line"), LINES_2024.items(), ids=LINES_2024.keys())
def test_aircraft_entity_and_vessel_lines_match_their_2024_csv_rows(uid, line):
    row = next(r for r in OfacSdnCsvSource().parse({"sdn.csv": SELECTION.read_bytes()}).records if r.source_uid == uid)
    record = parse_entry_line(line)
    assert (record.kind, record.name, record.programs) == (row.kind, row.name, row.programs)
    assert _aliases(record) == _aliases(row)
    assert record.identifiers == row.identifiers
    assert record.relationships == row.relationships
    assert record.statements == row.statements
    assert record.aircraft_model == row.aircraft_model
    assert record.unparsed == row.unparsed == ()
