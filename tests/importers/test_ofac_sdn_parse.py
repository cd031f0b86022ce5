"""Parsing OFAC's legacy CSV files (SDN list and consolidated list) into designee records.

Real files only: the 2024-07-02 sdn.csv and the 2025-12-24 add/alt/comments in ``$TRACKER_DATA_DIR/ofac/``, the
complete 2021-06-29 set, the consolidated 2025-12-19 set and a 39-row selection of the 2024 file in
``$TRACKER_DATA_DIR/ofac/``. Bad input is made by cutting or altering those bytes.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
from collections import Counter
from pathlib import Path

import pytest

from importers.records import (
    PART_ADDRESSES,
    PART_FACTS,
    PART_LISTED_ALIASES,
    PART_REMARKS,
    PARTS,
    AddressRecord,
    AliasRecord,
    CountryRoleRecord,
    DesigneeRecord,
    IdentifierRecord,
)
from importers.sources import get_adapter
from importers.sources.base import SourceError
from importers.sources.ofac_sdn import OfacConsolidatedSource, OfacSdnCsvSource, sdn_csv_rows, split_programs
from tests.datafiles import data_path, requires_data, selection

pytestmark = requires_data

ROOT = Path(__file__).resolve().parents[2]
D24 = data_path("ofac", "sdn_2024-07-02")
D25 = data_path("ofac", "sdn_2025-12-24_partial")
D21 = data_path("ofac", "sdn_2021-06-29")
CONS = data_path("ofac", "consolidated_2025-12-19")
SELECTION = selection("sdn_2024-07-02_selection") / "sdn.csv"
NAMED = selection("sdn_2024-07-02_named")  # 120 entries with their 2025 aliases, addresses and spill-over
TINY = data_path("ofac", "tiny_fixture_2025-05-16")


def _bundle(directory: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in names if (directory / name).exists()}


def _by_uid(records: list[DesigneeRecord]) -> dict[str, DesigneeRecord]:
    return {record.source_uid: record for record in records}


@pytest.fixture(scope="module")
def parsed_2024():
    return OfacSdnCsvSource().parse({"sdn.csv": (D24 / "sdn.csv").read_bytes()}, as_of=datetime.date(2024, 7, 2))


@pytest.fixture(scope="module")
def parsed_2021():
    return OfacSdnCsvSource().parse(_bundle(D21, OfacSdnCsvSource.files))


@pytest.fixture(scope="module")
def selection():
    parsed = OfacSdnCsvSource().parse({"sdn.csv": SELECTION.read_bytes()})
    return _by_uid(parsed.records)


# --- the adapters -------------------------------------------------------------------------------


def test_adapters_are_registered_with_their_list_contract():
    sdn = get_adapter("ofac-sdn")
    cons = get_adapter("ofac-consolidated")

    assert isinstance(sdn, OfacSdnCsvSource)
    assert (sdn.list_source, sdn.is_complete_snapshot, sdn.min_records) == ("ofac-sdn", True, 5000)
    assert sdn.files == ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
    assert sdn.required_files == ("sdn.csv",)
    assert isinstance(cons, OfacConsolidatedSource)
    assert (cons.list_source, cons.is_complete_snapshot, cons.min_records) == ("ofac-consolidated", True, 100)
    assert cons.files == ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")
    assert cons.required_files == ("cons_prim.csv",)


# --- real rows (2024-07-02 selection) --------------------------------------------------------------


def test_selection_parses_every_row(selection):
    assert len(selection) == 39


def test_al_qahtani_record(selection):
    record = selection["26093"]

    assert (record.kind, record.name, record.programs) == ("individual", "AL-QAHTANI, Saud", ("GLOMAG",))
    assert record.gender == "male"
    assert record.birth_dates[0].date_from == datetime.date(1978, 7, 7)
    assert record.identifiers == (IdentifierRecord(kind="Passport", value="D079021"),)
    assert record.remarks == (
        "DOB 07 Jul 1978; POB Riyadh, Saudi Arabia; nationality Saudi Arabia; Gender Male; Passport D079021."
    )
    assert record.title == "" and record.call_sign == "" and record.unparsed == ()


def test_null_type_is_an_entity_and_weak_alias_comes_from_remarks(selection):
    record = selection["31191"]

    assert (record.kind, record.name) == ("entity", "RAPID INTERVENTION FORCE")
    assert record.aliases == (AliasRecord(name="TIGER SQUAD", kind="aka", strength="weak"),)
    assert [r.to_name for r in record.relationships] == ["AL-QAHTANI, Saud"]
    assert record.statements == ("Organization Established Date 2015",)


def test_lam_title_column_and_identifiers(selection):
    record = selection["29249"]

    assert record.title == "Chief Executive of the Hong Kong Special Administrative Region"
    assert record.programs == ("HK-EO13936",)
    assert record.identifiers[0].expires_on == datetime.date(2026, 4, 13)
    assert record.title in record.statements
    assert CountryRoleRecord(country="Hong Kong", role="nationality") in record.countries


def test_program_tags_are_split_exactly_as_published(selection):
    assert selection["29026"].programs == ("SYRIA", "SYRIA-CAESAR")
    assert selection["39417"].programs == ("GLOMAG", "UHRPA")
    assert selection["21328"].programs == ("CYBER2", "CAATSA - RUSSIA")
    assert selection["12478"].programs == ("IRAN", "SDGT", "NPWMD", "IRGC", "IFSR")
    assert split_programs("-0- ") == ()


def test_vessel_columns_fill_the_vessel_fields_and_flag_country(selection):
    record = selection["15036"]

    assert record.kind == "vessel"
    assert (record.call_sign, record.vessel_type, record.tonnage, record.gross_registered_tonnage) == (
        "T2EU4",
        "Crude/Oil Products Tanker",
        "99,144",
        "56,068",
    )
    assert record.vessel_flag == "Iran"
    assert CountryRoleRecord(country="Iran", role="flag") in record.countries
    assert [i.kind for i in record.identifiers] == ["Vessel Registration Identification", "MMSI"]
    assert record.aliases == (AliasRecord(name="ALPHA", kind="fka", strength="weak"),)
    assert selection["4243"].vessel_flag == "Panama"
    assert selection["18213"].identifiers == (
        IdentifierRecord(kind="Vessel Registration Identification", value="IMO 9385233"),
    )


def test_aircraft_record_takes_model_and_operator_from_remarks(selection):
    assert selection["33373"].kind == "aircraft"
    assert selection["33373"].aircraft_model == "Agusta-Westland AW-139"
    assert (selection["15432"].aircraft_model, selection["15432"].aircraft_operator) == ("IL-76TD", "YAS AIR")


def test_crypto_addresses_are_identifiers(selection):
    kinds = Counter(i.kind for i in selection["29584"].identifiers)

    assert kinds["Digital Currency Address - XBT"] == 2
    assert kinds["Digital Currency Address - ETH"] >= 1


def test_entity_with_registration_number_and_country(selection):
    record = selection["22685"]

    assert IdentifierRecord(kind="Registration Number", value="131082000061293", country="China") in record.identifiers
    assert record.kind == "entity" and record.unparsed == ()


def test_individual_with_only_a_place_of_birth_is_tied_to_its_country(selection):
    assert selection["29220"].countries == (CountryRoleRecord(country="China", role="place_of_birth"),)


def test_birth_date_ranges_circa_and_month_precision(selection):
    assert selection["11748"].birth_dates[0].circa and selection["11748"].birth_dates[0].is_range
    assert selection["7929"].birth_dates[0].precision == "day" and selection["7929"].birth_dates[0].circa
    assert selection["23470"].birth_dates[0].date_to == datetime.date(1963, 2, 28)
    assert selection["15496"].birth_dates[0].is_range
    assert selection["39417"].birth_dates[0].precision == "month"


def test_unknown_remarks_item_is_kept_and_counted():
    data = SELECTION.read_bytes()
    parsed = OfacSdnCsvSource().parse({"sdn.csv": data})
    records = _by_uid(parsed.records)

    # ent_num 12312 KOREA DAESONG BANK publishes "TGMS daesongbank", which no rule knows.
    assert records["12312"].unparsed == ("TGMS daesongbank",)
    assert parsed.stats["remarks_unparsed"] == sum(len(r.unparsed) for r in parsed.records)
    assert parsed.stats["remarks_unparsed"] >= 3  # 12312, 6912, 11313
    count = f"{parsed.stats['remarks_unparsed']:,} of {parsed.stats['remarks_items']:,} remarks items"
    assert any(count in warning and "not recognised" in warning for warning in parsed.warnings)


def test_remarks_cut_at_1000_characters_without_spill_over_is_reported(selection):
    parsed = OfacSdnCsvSource().parse({"sdn.csv": SELECTION.read_bytes()})

    assert len(selection["39796"].remarks) == 1000
    assert parsed.stats["remarks_cut_not_continued"] == 1
    assert any("39796" in warning and "cut at 1,000" in warning for warning in parsed.warnings)


# --- the whole 2024-07-02 list -----------------------------------------------------------------


def test_2024_list_counts_by_type(parsed_2024):
    assert len(parsed_2024.records) == 15_443
    assert parsed_2024.stats["types"] == {"individual": 6927, "entity": 7270, "vessel": 872, "aircraft": 374}
    assert Counter(r.kind for r in parsed_2024.records) == Counter(parsed_2024.stats["types"])
    assert parsed_2024.published_on == datetime.date(2024, 7, 2)


def test_2024_list_program_counts_match_an_independent_count(parsed_2024):
    text = (D24 / "sdn.csv").read_bytes().decode("ascii").removesuffix("\x1a")
    expected: Counter[str] = Counter()
    for row in csv.reader(io.StringIO(text, newline="")):
        for tag in row[3].split("] ["):
            expected[tag] += 1
    got = Counter(tag for record in parsed_2024.records for tag in record.programs)

    assert got == expected
    assert parsed_2024.stats["programs"] == dict(expected)
    assert got["GLOMAG"] == 700 and got["HK-EO13936"] == 42 and got["UHRPA"] == 1
    assert got["BELARUS-EO14038"] == 160 and got["SYRIA-CAESAR"] == 25


def test_2024_list_leaves_under_one_percent_of_remarks_items_unparsed(parsed_2024):
    stats = parsed_2024.stats

    assert stats["remarks_items"] > 60_000
    assert stats["remarks_unparsed"] == sum(len(r.unparsed) for r in parsed_2024.records)
    assert stats["remarks_unparsed_share"] < 0.01


def test_2024_list_hong_kong_entries_carry_the_hkaa_statement(parsed_2024):
    hk = [r for r in parsed_2024.records if "HK-EO13936" in r.programs]
    hkaa = "Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149"

    assert sum(1 for r in hk if hkaa in r.statements) == 39


def test_sdn_csv_rows_reads_every_record_and_skips_the_eof_line():
    rows = list(sdn_csv_rows((D24 / "sdn.csv").read_bytes(), "sdn.csv"))

    assert len(rows) == 15_443
    assert {len(row) for row in rows} == {12}
    assert rows[-1][0].isdigit()


# --- the complete 2021-06-29 set ---------------------------------------------------------------


def test_2021_set_joins_spill_over_onto_cut_remarks(parsed_2021):
    record = _by_uid(parsed_2021.records)["12300"]

    assert "Linked To: PROMO RAIZ S.A.S.;" in record.remarks
    assert "PROMO RAIZ S.A.S." in [r.to_name for r in record.relationships]
    assert len(record.remarks) > 1000
    assert parsed_2021.stats["comments_appended"] == 5
    assert parsed_2021.stats["comments_not_truncated"] == 0


def test_2021_set_counts(parsed_2021):
    assert parsed_2021.stats["types"] == {"individual": 4620, "entity": 3673, "vessel": 406, "aircraft": 277}
    assert parsed_2021.stats["rows"] == {"sdn.csv": 8976, "add.csv": 13837, "alt.csv": 11910, "sdn_comments.csv": 5}
    assert parsed_2021.stats["skipped_rows"] == {"sdn.csv": 0, "add.csv": 0, "alt.csv": 0, "sdn_comments.csv": 0}
    strong = Counter(a.kind for r in parsed_2021.records for a in r.aliases if a.strength == "strong")
    assert strong == Counter({"aka": 11523, "fka": 369, "nka": 18})
    addresses = sum(len(r.addresses) for r in parsed_2021.records)
    assert addresses + parsed_2021.stats["empty_addresses"] == 13837


def test_2021_set_attaches_aliases_and_addresses(parsed_2021):
    records = _by_uid(parsed_2021.records)

    assert records["26093"].aliases[0] == AliasRecord(name="ALQAHTANI, Saud Abdullah S", source_uid="41068")
    assert records["26093"].addresses == (AddressRecord(city="Riyadh", country="Saudi Arabia", source_uid="39492"),)
    assert CountryRoleRecord(country="Saudi Arabia", role="address") in records["26093"].countries
    assert records["31191"].addresses == (AddressRecord(country="Saudi Arabia", source_uid="47142"),)
    assert [a.source_uid for a in records["29249"].aliases] == ["45963", "45964"]
    assert [a.name for a in records["29642"].aliases] == [
        "KARAEV, Yuriy Khadzimuratovich",
        "KARAEV, Yuri",
        "KARAYEV, Yuri",
        "KARAEV, Yuriy",
    ]


# --- the bundled seed: 2024 sdn.csv with December 2025 add/alt/comments --------------------------


def test_seed_skips_rows_of_other_entries_with_one_warning_per_file():
    raw = {"sdn.csv": (D24 / "sdn.csv").read_bytes(), **_bundle(D25, ("add.csv", "alt.csv", "sdn_comments.csv"))}

    parsed = OfacSdnCsvSource().parse(raw)

    stats = parsed.stats
    assert stats["skipped_rows"]["add.csv"] == 4286
    assert stats["skipped_rows"]["alt.csv"] == 2108
    # Spill-over rows are used only for remarks cut at 1,000 characters.
    assert stats["comments_not_truncated"] == 5
    assert stats["comments_orphans"] == 5
    assert stats["comments_appended"] == 18
    assert stats["skipped_rows"]["sdn_comments.csv"] == 10
    for name in ("add.csv", "alt.csv"):
        assert sum(1 for warning in parsed.warnings if warning.startswith(f"{name}:")) == 1
    assert len(parsed.warnings) < 10


# --- the consolidated list -----------------------------------------------------------------------


def test_consolidated_list_counts_and_tags():
    parsed = OfacConsolidatedSource().parse(_bundle(CONS, OfacConsolidatedSource.files))

    assert len(parsed.records) == 442
    assert parsed.stats["types"] == {"individual": 79, "entity": 363, "vessel": 0, "aircraft": 0}
    assert parsed.stats["programs"] == {
        "UKRAINE-EO13662": 286,
        "RUSSIA-EO14024": 93,
        "NS-PLC": 78,
        "CMIC-EO13959": 68,
        "SDGT": 2,
        "VENEZUELA-EO13850": 2,
        "561-Related": 1,
        "IRAN-CON-ARMS-EO": 1,
        "CAATSA - RUSSIA": 1,
        "BURMA-EO14014": 1,
        "ILLICIT-DRUGS-EO14059": 1,
    }
    assert parsed.stats["comments_appended"] == 10
    assert sum(1 for r in parsed.records for a in r.aliases if a.strength == "strong") == 1073


# --- files that are not what they claim ---------------------------------------------------------


def test_file_without_eof_marker_but_complete_is_parsed_and_listed_as_unmarked():
    # moov-io's tiny fixture lost the 0x1A line but every record ends with CRLF: it parses, and the import
    # refuses it unless a person vouches for it (importers.services).
    parsed = OfacSdnCsvSource().parse(_bundle(TINY, OfacSdnCsvSource.files))

    assert len(parsed.records) == 17
    assert parsed.end_marker_missing == ["sdn.csv", "add.csv", "alt.csv"]


# --- what a file set speaks about ----------------------------------------------------------------


def _named(*names: str, **replace: bytes) -> dict[str, bytes]:
    bundle = {name: (NAMED / name).read_bytes() for name in names}
    return {**bundle, **replace}


def _without_address_row() -> set[str]:
    """Entries of the named selection gone from the list by December 2025: its add.csv has no row for them."""
    rows = {line.split(b",", 1)[0].decode() for line in (NAMED / "add.csv").read_bytes().splitlines()}
    entries = {line.split(b",", 1)[0].decode() for line in (NAMED / "sdn.csv").read_bytes().splitlines()}
    return {uid for uid in entries - rows if uid.isdigit()}


def test_full_set_covers_every_part_and_every_file_has_its_end_marker():
    parsed = OfacSdnCsvSource().parse(_named(*OfacSdnCsvSource.files))
    gone = _without_address_row()

    assert parsed.covers == PARTS
    assert 0 < len(gone) < len(parsed.records)
    # Every part of every entry, but the aliases and addresses of those the 2025 files say nothing about.
    assert {r.source_uid: r.uncovered for r in parsed.records} == {
        r.source_uid: (PART_LISTED_ALIASES, PART_ADDRESSES) if r.source_uid in gone else () for r in parsed.records
    }
    assert parsed.end_marker_missing == []
    assert len(_by_uid(parsed.records)["43421"].remarks) == 4188  # WANG, Yunhe: completed by the spill-over


def test_sdn_csv_alone_does_not_cover_the_aliases_and_addresses_of_the_other_files():
    parsed = OfacSdnCsvSource().parse(_named("sdn.csv"))

    assert PART_LISTED_ALIASES not in parsed.covers and PART_ADDRESSES not in parsed.covers
    wang = _by_uid(parsed.records)["43421"]
    assert set(wang.uncovered) == {PART_LISTED_ALIASES, PART_ADDRESSES, PART_REMARKS, PART_FACTS}
    others = [r for r in parsed.records if r.source_uid != "43421"]
    assert {r.uncovered for r in others} == {(PART_LISTED_ALIASES, PART_ADDRESSES)}
    # The remarks a.k.a.s are still there: the remarks speak about them.
    assert any(a.strength == "weak" and not a.source_uid for r in parsed.records for a in r.aliases)
    assert any(w.startswith("alt.csv is not in the input") and "kept" in w for w in parsed.warnings)
    assert any(w.startswith("add.csv is not in the input") and "kept" in w for w in parsed.warnings)
    assert any(w.startswith("sdn_comments.csv is not in the input") and "43421" in w for w in parsed.warnings)


def test_spill_over_file_without_end_marker_proves_nothing_by_a_missing_row():
    comments = (NAMED / "sdn_comments.csv").read_bytes()
    unmarked = comments.removesuffix(b"\x1a")
    files = ("sdn.csv", "add.csv", "alt.csv")

    whole = OfacSdnCsvSource().parse(_named(*files, **{"sdn_comments.csv": unmarked}))
    emptied = OfacSdnCsvSource().parse(_named(*files, **{"sdn_comments.csv": b"\r\n"}))

    gone = _without_address_row()
    assert all(record.uncovered == () for record in whole.records if record.source_uid not in gone)  # its one row
    assert any("no 0x1A end marker" in w and "completed every" in w for w in whole.warnings)
    assert set(_by_uid(emptied.records)["43421"].uncovered) == {PART_REMARKS, PART_FACTS}
    assert whole.end_marker_missing == emptied.end_marker_missing == []


def test_list_alias_and_address_files_without_their_end_marker_are_listed():
    bundle = {name: data.removesuffix(b"\x1a") for name, data in _named(*OfacSdnCsvSource.files).items()}

    parsed = OfacSdnCsvSource().parse(bundle)

    assert parsed.end_marker_missing == ["sdn.csv", "add.csv", "alt.csv"]
    assert len(parsed.records) == 120


def test_consolidated_set_without_its_alias_file_keeps_those_aliases():
    bundle = _bundle(CONS, ("cons_prim.csv", "cons_add.csv", "cons_comments.csv"))

    parsed = OfacConsolidatedSource().parse(bundle)

    assert PART_LISTED_ALIASES not in parsed.covers
    assert all(PART_LISTED_ALIASES in record.uncovered for record in parsed.records)
    assert any(w.startswith("cons_alt.csv is not in the input") for w in parsed.warnings)


def test_file_cut_inside_a_quoted_field_is_refused():
    data = SELECTION.read_bytes()
    cut = data[: data.rindex(b"Linked To:")]  # the last record's remarks, quote left open

    with pytest.raises(SourceError, match=r"sdn\.csv line \d+.*truncated"):
        OfacSdnCsvSource().parse({"sdn.csv": cut})


def test_file_cut_between_fields_is_refused():
    data = SELECTION.read_bytes()
    cut = data[: data.rindex(b'"CUBA",') + len(b'"CUBA",')]

    with pytest.raises(SourceError, match="truncated"):
        OfacSdnCsvSource().parse({"sdn.csv": cut})


def test_row_with_a_missing_column_is_refused_naming_file_and_line():
    lines = SELECTION.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace(b",-0- ", b"", 1)

    with pytest.raises(SourceError, match=r"sdn\.csv line 3: expected 12 columns, found 11"):
        OfacSdnCsvSource().parse({"sdn.csv": b"\r\n".join(lines)})


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00",
        random.Random(0).randbytes(4096),
    ],
    ids=["png", "random"],
)
def test_binary_input_is_refused(data):
    with pytest.raises(SourceError, match=r"sdn\.csv is not a CSV text file"):
        OfacSdnCsvSource().parse({"sdn.csv": data})


def test_html_error_page_is_refused():
    page = b"<!DOCTYPE html>\r\n<html><head><title>Access Denied</title></head></html>\r\n"

    with pytest.raises(SourceError, match=r"sdn\.csv line 1: expected 12 columns, found 1"):
        OfacSdnCsvSource().parse({"sdn.csv": page})


def test_empty_file_is_refused():
    with pytest.raises(SourceError, match=r"sdn\.csv is empty"):
        OfacSdnCsvSource().parse({"sdn.csv": b""})


def test_file_with_only_the_eof_marker_has_no_entries():
    with pytest.raises(SourceError, match="no entries"):
        OfacSdnCsvSource().parse({"sdn.csv": b"\x1a"})


def test_missing_required_file_is_refused():
    with pytest.raises(SourceError, match=r"required file sdn\.csv is missing"):
        OfacSdnCsvSource().parse({"add.csv": (D21 / "add.csv").read_bytes()})


def test_address_file_handed_in_as_the_list_is_recognised():
    with pytest.raises(SourceError, match=r"sdn\.csv line 1: expected 12 columns, found 6; this looks like an address"):
        OfacSdnCsvSource().parse({"sdn.csv": (D21 / "add.csv").read_bytes()})


def test_list_handed_in_as_the_alias_file_is_recognised():
    raw = {"sdn.csv": SELECTION.read_bytes(), "alt.csv": SELECTION.read_bytes()}

    with pytest.raises(SourceError, match=r"alt\.csv line 1: expected 5 columns, found 12; this looks like a list"):
        OfacSdnCsvSource().parse(raw)


def test_duplicate_entry_number_is_refused():
    lines = SELECTION.read_bytes().split(b"\r\n")
    doubled = b"\r\n".join([*lines[:2], lines[0], *lines[2:]])

    with pytest.raises(SourceError, match=r"sdn\.csv line 3: entry \d+ appears twice \(first on line 1\)"):
        OfacSdnCsvSource().parse({"sdn.csv": doubled})


def test_non_numeric_entry_number_is_refused():
    data = b"X1" + SELECTION.read_bytes()

    with pytest.raises(SourceError, match=r"sdn\.csv line 1: entry number 'X1\d+' is not a number"):
        OfacSdnCsvSource().parse({"sdn.csv": data})


def test_bytes_valid_in_neither_utf8_nor_cp1252_are_refused_naming_the_line():
    data = SELECTION.read_bytes().replace(b"AL-QAHTANI, Saud", b"AL-QAHTANI, Sa\x81d", 1)

    with pytest.raises(SourceError, match=r"sdn\.csv line \d+: byte 0x81"):
        OfacSdnCsvSource().parse({"sdn.csv": data})


def test_windows_1252_bytes_are_decoded_with_a_warning():
    data = SELECTION.read_bytes().replace(b"AL-QAHTANI, Saud", b"AL-QAHTANI, Sa\xfcd", 1)

    parsed = OfacSdnCsvSource().parse({"sdn.csv": data})

    assert _by_uid(parsed.records)["26093"].name == "AL-QAHTANI, Saüd"
    assert any("Windows-1252" in warning for warning in parsed.warnings)


def test_eof_byte_in_the_middle_is_refused():
    data = SELECTION.read_bytes().replace(b"\r\n", b"\r\n\x1a", 1)

    with pytest.raises(SourceError, match="control byte 0x1A on line 2"):
        OfacSdnCsvSource().parse({"sdn.csv": data})


def test_entry_of_unknown_type_is_skipped_with_a_warning():
    data = SELECTION.read_bytes().replace(b'26093,"AL-QAHTANI, Saud","individual"', b'26093,"AL-QAHTANI, Saud","ship"')

    parsed = OfacSdnCsvSource().parse({"sdn.csv": data})

    assert "26093" not in _by_uid(parsed.records)
    assert len(parsed.records) == 38
    assert parsed.stats["skipped_rows"]["sdn.csv"] == 1
    assert any("26093" in warning and "'ship'" in warning for warning in parsed.warnings)


def test_alias_of_unknown_type_is_skipped_with_a_warning():
    alt = (
        b'26093,41068,"xka","ALQAHTANI, Saud Abdullah S",-0- \r\n'
        b'31191,49051,"aka","SAUDI RAPID INTERVENTION GROUP",-0- \r\n\x1a'
    )

    parsed = OfacSdnCsvSource().parse({"sdn.csv": SELECTION.read_bytes(), "alt.csv": alt})

    records = _by_uid(parsed.records)
    assert [a.name for a in records["26093"].aliases] == []
    assert [a.name for a in records["31191"].aliases] == ["SAUDI RAPID INTERVENTION GROUP", "TIGER SQUAD"]
    assert parsed.stats["skipped_rows"]["alt.csv"] == 1
    assert any(warning.startswith("alt.csv: 1 aliases skipped") for warning in parsed.warnings)


def test_duplicate_address_number_is_refused():
    add = b'26093,39492,-0- ,"Riyadh","Saudi Arabia",-0- \r\n31191,39492,-0- ,-0- ,"Saudi Arabia",-0- \r\n\x1a'

    with pytest.raises(SourceError, match=r"add\.csv line 2: address number 39492 appears twice"):
        OfacSdnCsvSource().parse({"sdn.csv": SELECTION.read_bytes(), "add.csv": add})


def test_entries_the_address_file_has_no_row_for_keep_their_addresses_and_aliases_as_held():
    """The seed's bundle: the 2024 sdn.csv with the December 2025 add.csv and alt.csv. OFAC's add.csv has a row
    for every entry of its list (8,976 of 8,976 in the 2021 set), so the 681 entries of 2024 gone by 2025 have
    none: the 2025 files say nothing about their addresses or aliases (12880 AL-MOALLEM, Walid: 7 aliases in
    2021), and those parts are not covered for them; the other entries' are."""
    full_2021 = _bundle(D21, OfacSdnCsvSource.files)
    rows_2021 = {line.split(b",", 1)[0] for line in full_2021["add.csv"].splitlines() if line[:1].isdigit()}
    entries_2021 = {line.split(b",", 1)[0] for line in full_2021["sdn.csv"].splitlines() if line[:1].isdigit()}
    assert rows_2021 == entries_2021  # the format's guarantee, on a real full set

    bundle = {"sdn.csv": (D24 / "sdn.csv").read_bytes(), **_bundle(D25, ("add.csv", "alt.csv"))}
    parsed = OfacSdnCsvSource().parse(bundle, as_of=datetime.date(2024, 7, 2))

    records = _by_uid(parsed.records)
    unspoken = {uid for uid, r in records.items() if {PART_LISTED_ALIASES, PART_ADDRESSES} <= set(r.uncovered)}
    assert len(unspoken) == parsed.stats["entries_without_address_row"] == 681
    assert "12880" in unspoken and not records["12880"].aliases
    assert records["29249"].uncovered == () and records["29249"].addresses  # LAM, Carrie: in the 2025 files
    assert any("has no row for 681 entries" in warning for warning in parsed.warnings)
    # The full 2021 set speaks about every entry.
    assert OfacSdnCsvSource().parse(full_2021).stats["entries_without_address_row"] == 0


@pytest.mark.django_db
def test_a_bundle_whose_address_file_lacks_an_entry_leaves_its_aliases_and_addresses(
    reference_data, monkeypatch, tmp_path
):
    """The tiny set twice: whole, then with the address and alias rows of one entry left out (its files of
    another list): it keeps its aliases and addresses, and the others' are still replaced."""
    from designations.models import Designee
    from importers.services import import_run_create, import_run_execute

    monkeypatch.setattr(OfacSdnCsvSource, "min_records", 1)

    def run(path, as_of):
        created = import_run_create(source="ofac-sdn", path=[str(path)], as_of=as_of, allow_missing_end_marker=True)
        return import_run_execute(run_id=created.pk)  # the tiny set has no end markers

    assert run(TINY, datetime.date(2025, 5, 16)).status == "succeeded"
    kept_uid = "11195"  # IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY: addresses and numbered aliases
    kept = Designee.objects.get(source_uid=kept_uid)
    aliases, addresses = set(kept.aliases.values_list("name", flat=True)), kept.addresses.count()
    assert aliases and addresses

    later = tmp_path / "sdn_2025-06-01"
    later.mkdir()
    for name in ("sdn.csv", "sdn_comments.csv"):
        (later / name).write_bytes((TINY / name).read_bytes())
    for name in ("add.csv", "alt.csv"):  # rows of the other entries only: another list's files
        lines = (TINY / name).read_bytes().split(b"\r\n")
        others = [line for line in lines if not line.startswith(kept_uid.encode() + b",")]
        assert len(others) < len(lines)
        if name == "add.csv":  # and another entry's address moved: its addresses are still replaced
            others = [line.replace(b'"Geneva 1208"', b'"Geneva 1201"') for line in others]
        (later / name).write_bytes(b"\r\n".join(others))

    result = run(later, datetime.date(2025, 6, 1))

    assert result.status == "succeeded", result.error
    kept.refresh_from_db()
    assert set(kept.aliases.values_list("name", flat=True)) == aliases
    assert kept.addresses.count() == addresses
    moved = Designee.objects.get(source_uid="12685").addresses.values_list("city", flat=True)
    assert "Geneva 1201" in moved and "Geneva 1208" not in moved
    # The tiny set's own add.csv already lacked two entries (20540, 40716); now 11195 as well.
    (warning,) = [warning for warning in result.warnings if "add.csv has no row for" in warning]
    assert "has no row for 3 entries" in warning and "11195" in warning
