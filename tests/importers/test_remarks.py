"""The remarks grammar, on remarks and items copied verbatim from OFAC's 2024-07-02 sdn.csv.

Each test names the entry (ent_num) its text comes from; the trimmed file
``tests/data/selections/sdn_2024-07-02_selection.txt/sdn.csv`` holds those rows.
"""

from __future__ import annotations

import datetime

import pytest

from importers.records import (
    AliasRecord,
    BirthDateRecord,
    CountryRoleRecord,
    IdentifierRecord,
    PlaceOfBirthRecord,
    RelationshipRecord,
)
from importers.remarks import RemarksResult, parse_birth_date, parse_item, parse_remarks, split_items
from importers.sources.ofac_sdn import sdn_csv_rows, value
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

D = datetime.date

# ent_num 26093
AL_QAHTANI = "DOB 07 Jul 1978; POB Riyadh, Saudi Arabia; nationality Saudi Arabia; Gender Male; Passport D079021."
# ent_num 29249, with its Title column
LAM = (
    "DOB 13 May 1957; POB Hong Kong; nationality Hong Kong; Gender Female; Secondary sanctions risk: pursuant to "
    "the Hong Kong Autonomy Act of 2020 - Public Law 116-149; Passport KJ0505670 (Hong Kong) issued 13 Apr 2016 "
    "expires 13 Apr 2026; National ID No. D3356664 (Hong Kong); Chief Executive of the Hong Kong Special "
    "Administrative Region."
)
LAM_TITLE = "Chief Executive of the Hong Kong Special Administrative Region"


def test_al_qahtani_gives_day_birth_date_place_nationality_gender_and_passport():
    result = parse_remarks(AL_QAHTANI, kind="individual")

    assert result.birth_dates == (
        BirthDateRecord(raw="07 Jul 1978", date_from=D(1978, 7, 7), date_to=D(1978, 7, 7), precision="day"),
    )
    assert result.places_of_birth == (PlaceOfBirthRecord(place="Riyadh, Saudi Arabia", country="Saudi Arabia"),)
    assert result.countries == (
        CountryRoleRecord(country="Saudi Arabia", role="place_of_birth"),
        CountryRoleRecord(country="Saudi Arabia", role="nationality"),
    )
    assert result.gender == "male"
    assert result.identifiers == (IdentifierRecord(kind="Passport", value="D079021"),)
    assert result.items == 5
    assert result.unparsed == ()


def test_rapid_intervention_force_gives_statement_weak_alias_and_link():
    # ent_num 31191
    result = parse_remarks(
        "Organization Established Date 2015; a.k.a. 'TIGER SQUAD'; Linked To: AL-QAHTANI, Saud.", kind="entity"
    )

    assert result.statements == ("Organization Established Date 2015",)
    assert result.aliases == (AliasRecord(name="TIGER SQUAD", kind="aka", strength="weak"),)
    assert result.relationships == (RelationshipRecord(to_name="AL-QAHTANI, Saud"),)
    assert result.unparsed == ()


def test_lam_passport_with_country_issue_and_expiry_and_title_kept_as_position():
    result = parse_remarks(LAM, title=LAM_TITLE, kind="individual")

    assert result.identifiers == (
        IdentifierRecord(
            kind="Passport",
            value="KJ0505670",
            country="Hong Kong",
            issued_on=D(2016, 4, 13),
            expires_on=D(2026, 4, 13),
        ),
        IdentifierRecord(kind="National ID No.", value="D3356664", country="Hong Kong"),
    )
    assert result.places_of_birth == (PlaceOfBirthRecord(place="Hong Kong", country="Hong Kong"),)
    assert result.gender == "female"
    assert result.statements == (
        "Secondary sanctions risk: pursuant to the Hong Kong Autonomy Act of 2020 - Public Law 116-149",
        LAM_TITLE,
    )
    assert result.positions == (LAM_TITLE,)
    assert result.unparsed == ()


def test_karaeu_place_of_birth_country_is_the_text_after_the_last_comma():
    # ent_num 29642
    result = parse_remarks(
        "DOB 21 Jun 1966; POB Vladikavkaz, Russian Federation; nationality Belarus; Gender Male.", kind="individual"
    )

    assert result.places_of_birth == (
        PlaceOfBirthRecord(place="Vladikavkaz, Russian Federation", country="Russian Federation"),
    )
    assert CountryRoleRecord(country="Belarus", role="nationality") in result.countries


def test_al_zubaidi_alt_nationality_and_alt_passport_are_parsed_like_the_main_ones():
    # ent_num 29026
    result = parse_remarks(
        "DOB 10 Apr 1976; nationality Syria; alt. nationality Canada; Gender Male; Passport N 006540969 (Syria); "
        "alt. Passport HC246053 (Canada).",
        kind="individual",
    )

    assert result.countries == (
        CountryRoleRecord(country="Syria", role="nationality"),
        CountryRoleRecord(country="Canada", role="nationality"),
    )
    assert result.identifiers == (
        IdentifierRecord(kind="Passport", value="N 006540969", country="Syria"),
        IdentifierRecord(kind="Passport", value="HC246053", country="Canada"),
    )


def test_gao_qi_month_birth_date_is_bounded_by_the_month():
    # ent_num 39417
    result = parse_remarks(
        "DOB Aug 1970; POB Linxian County, Shanxi Province, China; nationality China; Gender Male; "
        "Linked To: XINJIANG PUBLIC SECURITY BUREAU.",
        kind="individual",
    )

    assert result.birth_dates == (
        BirthDateRecord(raw="Aug 1970", date_from=D(1970, 8, 1), date_to=D(1970, 8, 31), precision="month"),
    )
    assert result.places_of_birth[0].country == "China"
    assert result.relationships == (RelationshipRecord(to_name="XINJIANG PUBLIC SECURITY BUREAU"),)


def test_chen_quanguo_has_china_only_through_his_place_of_birth():
    # ent_num 29220: no nationality, yet he must be tied to China.
    result = parse_remarks("DOB 1955; POB Pingyu, Henan, China; Gender Male.", kind="individual")

    assert result.countries == (CountryRoleRecord(country="China", role="place_of_birth"),)
    assert result.birth_dates[0].date_from == D(1955, 1, 1)
    assert result.birth_dates[0].date_to == D(1955, 12, 31)
    assert result.birth_dates[0].precision == "year"


def test_aircraft_ew_001ph_fills_the_model_field_and_keeps_statements():
    # ent_num 33373
    result = parse_remarks(
        "Aircraft Manufacture Date 2018; Aircraft Model Agusta-Westland AW-139; Aircraft Manufacturer's Serial "
        "Number (MSN) 31835; Linked To: FOREIGN LIMITED LIABILITY COMPANY SLAVKALI.",
        kind="aircraft",
    )

    assert result.aircraft_model == "Agusta-Westland AW-139"
    assert result.statements == ("Aircraft Manufacture Date 2018", "Aircraft Model Agusta-Westland AW-139")
    assert result.identifiers == (IdentifierRecord(kind="Aircraft Manufacturer's Serial Number (MSN)", value="31835"),)
    assert result.relationships == (RelationshipRecord(to_name="FOREIGN LIMITED LIABILITY COMPANY SLAVKALI"),)


def test_aircraft_operator_fills_its_field():
    # ent_num 15432
    result = parse_remarks(
        "Aircraft Construction Number (also called L/N or S/N or F/N) 8305; Aircraft Manufacture Date 1991; "
        "Aircraft Model IL-76TD; Aircraft Operator YAS AIR; Aircraft Manufacturer's Serial Number (MSN) 1013409297; "
        "Linked To: POUYA AIR.",
        kind="aircraft",
    )

    assert result.aircraft_operator == "YAS AIR"
    assert result.aircraft_model == "IL-76TD"
    assert [i.kind for i in result.identifiers] == [
        "Aircraft Construction Number (also called L/N or S/N or F/N)",
        "Aircraft Manufacturer's Serial Number (MSN)",
    ]
    assert result.unparsed == ()


def test_finikia_vessel_imo_is_an_identifier():
    # ent_num 18213
    result = parse_remarks(
        "Vessel Registration Identification IMO 9385233; Linked To: SYRIAN GENERAL AUTHORITY FOR MARITIME TRANSPORT.",
        kind="vessel",
    )

    assert result.identifiers == (IdentifierRecord(kind="Vessel Registration Identification", value="IMO 9385233"),)


def test_artavil_vessel_with_imo_mmsi_former_flags_and_weak_fka():
    # ent_num 15036
    result = parse_remarks(
        "Former Vessel Flag Malta; alt. Former Vessel Flag Tuvalu; alt. Former Vessel Flag None Identified; alt. "
        "Former Vessel Flag Tanzania; Additional Sanctions Information - Subject to Secondary Sanctions; Vessel "
        "Registration Identification IMO 9187629; MMSI 572469210; f.k.a. 'ALPHA'; Linked To: NATIONAL IRANIAN "
        "TANKER COMPANY.",
        kind="vessel",
    )

    assert result.identifiers == (
        IdentifierRecord(kind="Vessel Registration Identification", value="IMO 9187629"),
        IdentifierRecord(kind="MMSI", value="572469210"),
    )
    assert result.aliases == (AliasRecord(name="ALPHA", kind="fka", strength="weak"),)
    assert "alt. Former Vessel Flag Tuvalu" in result.statements
    assert result.items == 9
    assert result.unparsed == ()


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # ent_num 26093: DD Mon YYYY
        ("DOB 07 Jul 1978", BirthDateRecord("07 Jul 1978", D(1978, 7, 7), D(1978, 7, 7), "day")),
        # 39417: Mon YYYY
        ("DOB Aug 1970", BirthDateRecord("Aug 1970", D(1970, 8, 1), D(1970, 8, 31), "month")),
        # 29220: YYYY
        ("DOB 1955", BirthDateRecord("1955", D(1955, 1, 1), D(1955, 12, 31), "year")),
        # 7782: circa YYYY
        ("DOB circa 1951", BirthDateRecord("circa 1951", D(1951, 1, 1), D(1951, 12, 31), "year", circa=True)),
        # 7929: circa DD Mon YYYY
        (
            "DOB circa 07 Jul 1966",
            BirthDateRecord("circa 07 Jul 1966", D(1966, 7, 7), D(1966, 7, 7), "day", circa=True),
        ),
        # 15496: YYYY to YYYY
        ("DOB 1929 to 1930", BirthDateRecord("1929 to 1930", D(1929, 1, 1), D(1930, 12, 31), "year", is_range=True)),
        # 16605: DD Mon YYYY to DD Mon YYYY
        (
            "DOB 26 Sep 1946 to 07 Dec 1946",
            BirthDateRecord("26 Sep 1946 to 07 Dec 1946", D(1946, 9, 26), D(1946, 12, 7), "day", is_range=True),
        ),
        # 23470: Mon YYYY to Mon YYYY (February of a non-leap year ends on the 28th)
        (
            "DOB Mar 1962 to Feb 1963",
            BirthDateRecord("Mar 1962 to Feb 1963", D(1962, 3, 1), D(1963, 2, 28), "month", is_range=True),
        ),
        # 11748: circa YYYY-YYYY
        (
            "DOB circa 1979-1982",
            BirthDateRecord("circa 1979-1982", D(1979, 1, 1), D(1982, 12, 31), "year", is_range=True, circa=True),
        ),
        # 16455: alt. YYYY to YYYY
        (
            "alt. DOB 1963 to 1965",
            BirthDateRecord("1963 to 1965", D(1963, 1, 1), D(1965, 12, 31), "year", is_range=True),
        ),
    ],
)
def test_every_published_birth_date_shape_is_bounded_without_inventing_precision(item, expected):
    result = parse_item(item, kind="individual")

    assert result.birth_dates == (expected,)
    assert result.unparsed == ()


@pytest.mark.parametrize("value", ["31 Feb 1970", "Summer 1970", "1970 to 1960", "Aug 1970 to 1971"])
def test_birth_dates_that_are_not_real_dates_or_mix_precisions_are_refused(value):
    assert parse_birth_date(value) is None
    assert parse_item(f"DOB {value}").unparsed == (f"DOB {value}",)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # 29584
        (
            "Digital Currency Address - XBT 1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X",
            IdentifierRecord("Digital Currency Address - XBT", "1Q9UAQbcDezmyouFrzt94t4dSMxgsUfW1X"),
        ),
        (
            "alt. Digital Currency Address - XBT 1Kys8fqDen8NGFUJ6AFcXfFW5qquuTH4eh",
            IdentifierRecord("Digital Currency Address - XBT", "1Kys8fqDen8NGFUJ6AFcXfFW5qquuTH4eh"),
        ),
        (
            "Digital Currency Address - ETH 0x7F367cC41522cE07553e823bf3be79A889DEbe1B",
            IdentifierRecord("Digital Currency Address - ETH", "0x7F367cC41522cE07553e823bf3be79A889DEbe1B"),
        ),
        # 906
        ("SWIFT/BIC HAVIGB2L", IdentifierRecord("SWIFT/BIC", "HAVIGB2L")),
        ("Website www.havanaintbank.co.uk", IdentifierRecord("Website", "www.havanaintbank.co.uk")),
        ("Company Number 01074897 (United Kingdom)", IdentifierRecord("Company Number", "01074897", "United Kingdom")),
        # 23171
        ("D-U-N-S Number 542957624", IdentifierRecord("D-U-N-S Number", "542957624")),
        # 22685
        (
            "Unified Social Credit Code (USCC) 9113100033607322XK (China)",
            IdentifierRecord("Unified Social Credit Code (USCC)", "9113100033607322XK", "China"),
        ),
        (
            "Registration Number 131082000061293 (China)",
            IdentifierRecord("Registration Number", "131082000061293", "China"),
        ),
        # 23257
        (
            "Legal Entity Number 851683897 (Netherlands)",
            IdentifierRecord("Legal Entity Number", "851683897", "Netherlands"),
        ),
        # 3754
        ("SSN 523-33-8386 (United States)", IdentifierRecord("SSN", "523-33-8386", "United States")),
        # 7574
        ("Cedula No. 16626888 (Colombia)", IdentifierRecord("Cedula No.", "16626888", "Colombia")),
        (
            "Driver's License No. 76001000150900 (Colombia)",
            IdentifierRecord("Driver's License No.", "76001000150900", "Colombia"),
        ),
        # 26695
        ("Email Address mohand.alrawii@gmail.com", IdentifierRecord("Email Address", "mohand.alrawii@gmail.com")),
        ("Phone Number 9647821757598", IdentifierRecord("Phone Number", "9647821757598")),
        (
            "National Foreign ID Number 00167950 (Iraq)",
            IdentifierRecord("National Foreign ID Number", "00167950", "Iraq"),
        ),
        # 6939
        (
            "Passport 541939 (Yemen) issued 31 Jul 2000",
            IdentifierRecord("Passport", "541939", "Yemen", issued_on=D(2000, 7, 31)),
        ),
        # 8812
        ("Tax ID No. 100036386 (Serbia)", IdentifierRecord("Tax ID No.", "100036386", "Serbia")),
        # 11911: a colon after the label
        ("Telephone: 0097282851500", IdentifierRecord("Telephone", "0097282851500")),
        # 8267: a value with spaces
        ("Tax ID No. AABA 670850 Y", IdentifierRecord("Tax ID No.", "AABA 670850 Y")),
        # a parenthesised note before the country is part of the value
        (
            "Registration Number HRA 738077 (Stuttgart) (Germany)",
            IdentifierRecord("Registration Number", "HRA 738077 (Stuttgart)", "Germany"),
        ),
        # expiry published to the month only: kept as a note, not turned into a day
        (
            "Passport V487440 (Thailand) expires May 2007",
            IdentifierRecord("Passport", "V487440", "Thailand", note="expires May 2007"),
        ),
        ("Aircraft Tail Number EP-MMH", IdentifierRecord("Aircraft Tail Number", "EP-MMH")),
        ("PHONE 850 2 381 8221", IdentifierRecord("PHONE", "850 2 381 8221")),
    ],
)
def test_identifier_items_give_kind_value_country_and_dates(item, expected):
    result = parse_item(item)

    assert result.identifiers == (expected,)
    assert result.unparsed == ()


def test_weak_alias_keeps_apostrophes_inside_the_quotes():
    # ent_num 3754
    assert parse_item("a.k.a. 'ABU-'UMAR'").aliases == (AliasRecord(name="ABU-'UMAR", kind="aka", strength="weak"),)


def test_double_quoted_weak_alias_of_the_printed_list_is_read_too():
    # The printed list and Recent Actions notices quote weak aliases with double quotes.
    assert parse_item('a.k.a. "LI, Jiachao"').aliases == (AliasRecord(name="LI, Jiachao", kind="aka", strength="weak"),)


def test_nationality_of_registration_is_a_registration_country():
    # ent_num 23149
    result = parse_item("Nationality of Registration Korea, North")

    assert result.countries == (CountryRoleRecord(country="Korea, North", role="registration"),)


def test_citizen_is_citizenship():
    assert parse_item("citizen Tajikistan").countries == (CountryRoleRecord(country="Tajikistan", role="citizenship"),)


def test_only_one_final_period_is_removed():
    # ent_num 16862: the item itself ends with a period inside the field.
    items = split_items(
        "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201 and/or 589.209; "
        "alt. Secondary sanctions risk: See Section 11 of Executive Order 14024.; Tax ID No. 7719830028 (Russia); "
        "Registration Number 1127747209501 (Russia)."
    )

    assert items[1] == "alt. Secondary sanctions risk: See Section 11 of Executive Order 14024."
    assert items[-1] == "Registration Number 1127747209501 (Russia)"
    assert split_items("Secondary sanctions risk: See Section 11 of Executive Order 14024..") == [
        "Secondary sanctions risk: See Section 11 of Executive Order 14024."
    ]


def test_separator_inside_parentheses_does_not_split_the_item():
    # ent_num 11313
    remarks = (
        "National ID No. 1372584 (Kenya); (Following data derived from an Eritrean passport issued under the alias "
        "name of Mukhtar Abdullahi Ali: Alt. DOB: 10 October 1969; Alt. POB: Keren Eritrea; nationality: Eritrean; "
        "National ID No.: 1372584, Kenya; Passport No.: 0310857, Eritrea, Issue Date 21 August 2006, Expire Date 20 "
        "August 2008); a.k.a. 'ABU MANSUR'."
    )

    items = split_items(remarks)

    assert len(items) == 3
    assert items[1].startswith("(Following data") and items[1].endswith("20 August 2008)")
    result = parse_remarks(remarks, kind="individual")
    assert result.unparsed == (items[1],)
    assert result.aliases == (AliasRecord(name="ABU MANSUR", kind="aka", strength="weak"),)


def test_an_unclosed_parenthesis_of_cut_remarks_does_not_swallow_other_items():
    assert split_items("Registration Number 1 (Russia); Listing Date (EO 14024 Direct") == [
        "Registration Number 1 (Russia)",
        "Listing Date (EO 14024 Direct",
    ]


def test_every_part_of_a_title_with_several_positions_is_a_position():
    # ent_num 15962: the Title column joins three positions with "; " and the remarks repeat them.
    title = (
        "Finance Director, National Iranian Oil Company; Director, Hong Kong Intertrade Company; "
        "Director, Petro Suisse Intertrade Company"
    )
    result = parse_remarks(
        "DOB 01 Jan 1961 to 31 Dec 1962; nationality Iran; Additional Sanctions Information - Subject to Secondary "
        "Sanctions; Passport U14624657 (Iran); " + title + ".",
        title=title,
        kind="individual",
    )

    assert result.positions == tuple(title.split("; "))
    assert result.unparsed == ()


def test_state_duma_membership_equal_to_the_title_is_a_position():
    # ent_num 16670
    title = "Member of the State Duma of the Federal Assembly of the Russian Federation"
    result = parse_item(title, titles=(title,), kind="individual")

    assert result.statements == (title,)
    assert result.positions == (title,)


def test_free_text_naming_an_office_is_a_position_for_individuals_only():
    # ent_num 7846 has no Title column; the item names an office ("secretary", "advisor").
    item = "Saddam Hussein al-Tikriti's presidential secretary and key advisor"

    assert parse_item(item, kind="individual").positions == (item,)
    assert parse_item(item, kind="entity").unparsed == (item,)


def test_unrecognised_item_is_kept_verbatim_in_unparsed():
    # ent_num 6912
    remarks = (
        "Operations in Afghanistan: Herat, Jalalabad, Kabul, Kandahar, Mazar Sharif.  "
        "Also operations in: Kosovo, Chechnya."
    )

    result = parse_remarks(remarks, kind="entity")

    assert result.unparsed == (remarks[:-1],)
    assert result.items == 1


def _bucket_count(result: RemarksResult) -> int:
    """How many places one item landed in (vessel and aircraft fields go with a statement or country, the
    facts of labelled statements and positions with their statement)."""
    buckets = [
        result.birth_dates,
        result.places_of_birth,
        result.identifiers,
        result.aliases,
        result.relationships,
        result.statements,
        result.unparsed,
        result.gender,
        result.countries if not result.places_of_birth else (),
        result.facts if not result.statements else (),
    ]
    return sum(1 for bucket in buckets if bucket)


def test_every_item_of_the_2024_list_lands_in_exactly_one_place():
    data = data_path("ofac", "sdn_2024-07-02", "sdn.csv").read_bytes()
    kinds = {"": "entity", "individual": "individual", "vessel": "vessel", "aircraft": "aircraft"}
    seen = 0
    for row in sdn_csv_rows(data, "sdn.csv"):
        titles = tuple(split_items(value(row[4])))
        for item in split_items(value(row[11])):
            result = parse_item(item, titles=titles, kind=kinds[value(row[2]).strip()])
            assert result.items == 1
            assert _bucket_count(result) == 1, item
            seen += 1
    assert seen > 60_000


def test_vessel_flag_item_gives_the_flag_field_and_a_flag_country():
    # Constructed: the CSVs give the flag in its own column, the printed list as "Vessel Flag X".
    result = parse_item("Vessel Flag Panama", kind="vessel")

    assert result.vessel_flag == "Panama"
    assert result.countries == (CountryRoleRecord(country="Panama", role="flag"),)
