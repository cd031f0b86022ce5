"""Dates as the allied lists write them (the shapes quoted from the real files named in each test)."""

from __future__ import annotations

import datetime

import pytest

from allies.dates import cell_birth_dates, free_text_birth_dates, listing_information_dates, uk_birth_date

D = datetime.date


@pytest.mark.parametrize(
    ("raw", "bounds", "precision"),
    [
        ("22/03/1958", (D(1958, 3, 22), D(1958, 3, 22)), "day"),
        ("00/01/1958", (D(1958, 1, 1), D(1958, 1, 31)), "month"),  # OFSI: 00 for an unknown day
        ("00/00/1958", (D(1958, 1, 1), D(1958, 12, 31)), "year"),
        ("01/1958", (D(1958, 1, 1), D(1958, 1, 31)), "month"),  # OFSI ConList.xlsx, ZHU Hailun
        ("1958", (D(1958, 1, 1), D(1958, 12, 31)), "year"),
        ("dd/mm/1945", (D(1945, 1, 1), D(1945, 12, 31)), "year"),  # UK Sanctions List XML
        ("dd/02/1945", (D(1945, 2, 1), D(1945, 2, 28)), "month"),
    ],
)
def test_uk_birth_dates(raw, bounds, precision):
    record = uk_birth_date(raw)
    assert (record.date_from, record.date_to, record.precision, record.raw) == (*bounds, precision, raw)


def test_uk_birth_dates_that_are_no_date_are_kept_as_text():
    assert uk_birth_date("") is None
    assert uk_birth_date("31/02/1958").date_from is None
    assert uk_birth_date("about 1960") == uk_birth_date("about 1960").__class__(raw="about 1960")


def test_free_text_alternatives_ranges_and_circa():
    # regulation8_consolidated.xlsx, "Date of Birth".
    [first, second] = free_text_birth_dates("a) 1 Jan. 1964 b) 1959")
    assert (first.date_from, first.precision, second.precision) == (D(1964, 1, 1), "day", "year")
    [approx] = free_text_birth_dates("Approximately 1968")
    assert (approx.circa, approx.precision) == (True, "year")
    [between] = free_text_birth_dates("Between 1975 and 1979")
    assert (between.is_range, between.date_from, between.date_to) == (True, D(1975, 1, 1), D(1979, 12, 31))
    months = free_text_birth_dates("March 1968 to March 1969")
    assert [(m.date_from, m.date_to, m.precision) for m in months] == [(D(1968, 3, 1), D(1969, 3, 31), "month")]
    assert [d.date_from for d in free_text_birth_dates("14 Mar 1974 >> 13 Apr 1974")] == [
        D(1974, 3, 14),
        D(1974, 4, 13),
    ]
    assert [d.date_from for d in free_text_birth_dates("1/03/1961; 16/06/1960")] == [D(1961, 3, 1), D(1960, 6, 16)]
    assert [d.date_from for d in free_text_birth_dates("19-Dec-1992")] == [D(1992, 12, 19)]
    assert [d.date_from for d in free_text_birth_dates("alt DOB: 19/11/1956")] == [D(1956, 11, 19)]
    # sema-lmes.xml: "1962-05-02 or 1962-05-03".
    assert [d.date_from for d in free_text_birth_dates("1962-05-02 or 1962-05-03")] == [D(1962, 5, 2), D(1962, 5, 3)]


def test_free_text_that_is_no_gregorian_date_is_kept_as_text():
    [hijri] = free_text_birth_dates("24/06/1402 (Hijri Calendar)")
    assert (hijri.raw, hijri.date_from) == ("24/06/1402 (Hijri Calendar)", None)
    assert free_text_birth_dates("Sep-77")[0].date_from is None  # a two-digit year is not guessed
    assert free_text_birth_dates("NA") == []


def test_spreadsheet_cells_dates_years_and_serials():
    assert cell_birth_dates(D(1949, 12, 1))[0].precision == "day"
    assert [(b.raw, b.precision) for b in cell_birth_dates(1960.0)] == [("1960", "year")]
    (serial,) = cell_birth_dates(25569.0)  # Excel's serial for 1 January 1970
    assert (serial.date_from, serial.precision) == (D(1970, 1, 1), "day")


def test_listing_information_dates():
    # regulation8_consolidated.xlsx, "Listing Information".
    dates = listing_information_dates(
        "Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012. Formerly listed on the RBA as "
        "2009FRY0132. \n(Relisted on 12 January 2024)"
    )
    assert [(d.kind, d.date) for d in dates] == [("listed", D(2012, 3, 2)), ("relisted", D(2024, 1, 12))]
    dates = listing_information_dates(
        "Listed on 19 Jun. 2014 (re-listed on 16 Jun. 2017, 14 Jun. 2020 and 7 Jun. 2023)"
    )
    assert [(d.kind, d.date.year) for d in dates] == [
        ("listed", 2014),
        ("relisted", 2017),
        ("relisted", 2020),
        ("relisted", 2023),
    ]
    dates = listing_information_dates(
        "The Minister for Foreign Affairs listed this entity on 21 December 2001 under section 15(1) of the Charter "
        "of the United Nations Act 1945 (CotUNA). Relisted on 6 Nov 2022."
    )
    assert [(d.kind, d.date) for d in dates] == [("listed", D(2001, 12, 21)), ("relisted", D(2022, 11, 6))]
    (un,) = listing_information_dates("Listed by UN 1267 Committee on 25 January 2001 (amended on 20 December 2005)")
    assert (un.date, un.note) == (D(2001, 1, 25), "the UN committee's listing date, as DFAT quotes it")
    last = listing_information_dates("Instrument of first listing: Charter ... (No. 2). Last listed on: 16/09/2022")
    assert [(d.kind, d.date) for d in last] == [("relisted", D(2022, 9, 16))]
    thematic = "Autonomous Sanctions (Designated Persons and Entities and Declared Persons—Thematic Sanctions) "
    assert listing_information_dates(thematic + "Instrument 2022") == []
