"""Dates as the allied lists write them: list dates, birth dates in their many shapes, DFAT's listing prose.

Birth dates become ``BirthDateRecord``s with bounds and a precision (day, month, year). A value no rule
recognises is kept as text only (``date_from`` None) and the parsers count it; nothing is guessed from a
two-digit year or a non-Gregorian calendar.
"""

from __future__ import annotations

import calendar
import datetime
import re

from allies.records import BirthDateRecord, ListingDate

MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name} | {
    name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
MONTHS["june"] = 6

# Years outside this window are not birth years of living designees (a Hijri "1402" read as Gregorian).
MIN_YEAR, MAX_YEAR = 1850, 2100
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's 1900 date system, with its 1900-02-29 bug accounted for


def parse_day(raw: str, fmt: str = "%d/%m/%Y") -> datetime.date | None:
    """A full date in ``fmt`` (UK lists: dd/mm/yyyy), or None."""
    try:
        return datetime.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a calendar date
    except ValueError:
        return None


def parse_iso(raw: str) -> datetime.date | None:
    """A ``yyyy-mm-dd`` date (the EU file and the ammitto scrapes), or None."""
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def excel_serial(value: float) -> datetime.date | None:
    """An Excel 1900-system serial number as a date, or None when it is not a plausible one."""
    if value != int(value) or not 1 <= value <= 2958465:
        return None
    return EXCEL_EPOCH + datetime.timedelta(days=int(value))


# --- Bounds --------------------------------------------------------------------------------------


def date_bounds(year: int, month: int | None = None, day: int | None = None):
    """(first day, last day, precision) of a year, month or day; None when it is no real date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year"
    if not 1 <= month <= 12:
        return None
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return datetime.date(year, month, 1), datetime.date(year, month, last), "month"
    try:
        exact = datetime.date(year, month, day)
    except ValueError:
        return None
    return exact, exact, "day"


def _record(raw: str, start, end=None, *, circa: bool = False) -> BirthDateRecord:
    end = end or start
    return BirthDateRecord(
        raw=raw,
        date_from=start[0],
        date_to=end[1],
        precision=start[2],
        is_range=end is not start and (start[0], start[1]) != (end[0], end[1]),
        circa=circa,
    )


def text_only(raw: str) -> BirthDateRecord:
    """A birth date kept as published, without bounds."""
    return BirthDateRecord(raw=raw)


# --- UK: dd/mm/yyyy with unknown parts --------------------------------------------------------------

# OFSI writes unknown parts as "00" ("00/00/1958", "00/01/1958") and also plain "01/1958" and "1958";
# the FCDO list writes them as letters ("dd/mm/1945"), as its published XML samples show.
_UK_DOB = re.compile(r"(?:(?P<d>\d{2}|dd)/)?(?:(?P<m>\d{2}|mm)/)?(?P<y>\d{4})")


def uk_birth_date(raw: str) -> BirthDateRecord | None:
    """A UK list DOB; None for an empty value, text only for an unrecognised one."""
    value = raw.strip()
    if not value:
        return None
    match = _UK_DOB.fullmatch(value)
    if match is None:
        return text_only(value)
    day, month = match.group("d"), match.group("m")
    if day is not None and month is None:  # "01/1958": the single leading part is the month
        day, month = None, day
    day_n = int(day) if day and day.isdigit() and int(day) else None
    month_n = int(month) if month and month.isdigit() and int(month) else None
    if month_n is None:
        day_n = None  # a day without its month says nothing
    bounds = date_bounds(int(match.group("y")), month_n, day_n)
    return _record(value, bounds) if bounds else text_only(value)


# --- Free text: DFAT, Canada ------------------------------------------------------------------------

_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
# DFAT writes day-first ("16/11/1977", "1/03/1961"), as does Canada's list where it is not ISO.
_SHAPES = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
    re.compile(r"(?P<m>\d{1,2})/(?P<y>\d{4})"),
    re.compile(r"(?P<y>\d{4})"),
    re.compile(rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?[\s-]+{_MONTH},?[\s-]+(?P<y>\d{{4}})"),
    re.compile(rf"{_MONTH},?\s+(?P<y>\d{{4}})"),
    re.compile(rf"{_MONTH}\s+(?P<d>\d{{1,2}}),\s+(?P<y>\d{{4}})"),  # "March 16, 1972"
)
_CIRCA = re.compile(r"^(?:approximately|approx\.?|circa|ca\.|c\.|about)\s*:?\s*", re.IGNORECASE)
_PREFIX = re.compile(r"^(?:alt(?:ernative)?\.?\s+DOB|DOB)\s*:?\s*", re.IGNORECASE)
_RANGE = re.compile(r"^(?:between\s+)?(?P<a>.+?)\s*(?:\band\b|\bto\b|-|\u2013)\s*(?P<b>.+)$", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"(?:^|(?<=[\s,;]))\(?[a-j]\)\s*|;|>>|\n|\bor\b|\bOR\b")


def _single(text: str):
    """Bounds of one date written in one of the shapes, or None."""
    for pattern in _SHAPES:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        if "mon" in parts:
            month = MONTHS.get(parts["mon"].casefold())
            if month is None:
                return None
        else:
            month = int(parts["m"]) if parts.get("m") else None
        day = int(parts["d"]) if parts.get("d") else None
        return date_bounds(int(parts["y"]), month, day)
    return None


def _one_birth_date(text: str) -> BirthDateRecord:
    raw = text
    value = _PREFIX.sub("", " ".join(text.replace("\xa0", " ").split())).strip(" ,.")
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    circa = bool(_CIRCA.match(value))
    value = _CIRCA.sub("", value)
    if re.search(r"hijri|islamic|persian", value, re.IGNORECASE):
        return text_only(raw.strip())
    single = _single(value)
    if single is not None:
        return _record(raw.strip(), single, circa=circa)
    match = _RANGE.match(value)
    if match is not None:
        start, end = _single(match.group("a").strip(" ,.")), _single(match.group("b").strip(" ,."))
        if start and end and start[2] == end[2] and start[0] <= end[1]:
            return _record(raw.strip(), start, end, circa=circa)
    return text_only(raw.strip())


def free_text_birth_dates(raw: str) -> list[BirthDateRecord]:
    """Every birth date in a free-text cell: "a) 1 Jan. 1964 b) 1959", "1987;1988", "X or Y", ranges.

    Each alternative is parsed alone; one no shape fits is kept as text only.
    """
    text = raw.strip()
    if not text or text.casefold() in {"na", "n/a", "-", "unknown"}:
        return []
    pieces = [piece.strip(" ,.;") for piece in _ALTERNATIVES.split(text)]
    pieces = [piece for piece in pieces if piece]
    if len(pieces) > 1 and any(_one_birth_date(piece).date_from is None for piece in pieces):
        # Splitting broke something ("Between 1975 and 1979" has no separators, but "1 or 2 May 1970"
        # would): when the whole reads as one date, keep it whole.
        whole = _one_birth_date(text)
        if whole.date_from is not None:
            return [whole]
    return [_one_birth_date(piece) for piece in pieces] or [text_only(text)]


def cell_birth_dates(value: object) -> list[BirthDateRecord]:
    """Birth dates of a spreadsheet cell: a date cell, a number (a year, or an Excel serial), or text."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return [BirthDateRecord(raw=value.isoformat(), date_from=value, date_to=value, precision="day")]
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        number = float(value)
        if number.is_integer() and MIN_YEAR <= number <= MAX_YEAR:
            bounds = date_bounds(int(number))
            return [_record(str(int(number)), bounds)] if bounds else []
        day = excel_serial(number)
        if day is not None:
            return [BirthDateRecord(raw=str(value), date_from=day, date_to=day, precision="day")]
        return [text_only(str(value))]
    return free_text_birth_dates(str(value))


# --- DFAT listing information ------------------------------------------------------------------------

_DATE_TEXT = r"\d{1,2}(?:st|nd|rd|th)?\.?\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|\d{1,2}/\d{1,2}/\d{4}"
# "Listed on 2 Sep. 2014", "Listed on: 17 Aug. 2017", "First listed on 20 Feb. 2024", "The Minister for
# Foreign Affairs listed this entity on 21 December 2001", "Designated under the Autonomous Sanctions
# Regulations 2011 on 2 March 2012", "Listed by UN 1267 Committee on 25 January 2001" (regulation8_consolidated.xlsx).
_LISTED = re.compile(
    rf"(?<!re-)(?<!re)(?<!last )\b(?:first\s+)?listed(?:\s+this\s+\w+)?\s+on:?\s+(?P<date>{_DATE_TEXT})"
    rf"|\bdesignated\s+under\s+[^.]*?\bon\s+(?P<designated>{_DATE_TEXT})"
    rf"|\blisted\s+by\s+(?:the\s+)?UN\s+[^.]*?committee\s+on\s+(?P<un>{_DATE_TEXT})",
    re.IGNORECASE,
)
# "(relisted on 1 Sep. 2017)", "re-listed on 16 Jun. 2017, 14 Jun. 2020 and 7 Jun. 2023", "Relisted on
# 6 Nov 2022.", "Last listed on: 16/09/2022", "(Relisted on 3 Aug. 2020 and 2 Aug. 2023)".
_RELISTED = re.compile(
    rf"\b(?:re-?listed|last\s+listed)\s*(?:on)?:?\s+(?P<dates>(?:{_DATE_TEXT})(?:\s*(?:,|and|&)\s*(?:{_DATE_TEXT}))*)",
    re.IGNORECASE,
)


def text_day(raw: str) -> datetime.date | None:
    """A day written "2 March 2012", "2 Sep. 2014", "21. Jul 1997" or "16/09/2022"; None otherwise."""
    value = " ".join(raw.replace(".", " ").replace(",", " ").split())
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]{3,9}) (\d{4})", value)
    if match is not None:
        month = MONTHS.get(match.group(2).casefold())
        bounds = date_bounds(int(match.group(3)), month, int(match.group(1))) if month else None
        return bounds[0] if bounds else None
    return parse_day(raw)


def listing_information_dates(text: str) -> list[ListingDate]:
    """The listing and relisting dates DFAT states in its "Listing Information" prose, in order."""
    found: list[ListingDate] = []
    for match in _LISTED.finditer(text):
        raw = match.group("date") or match.group("designated") or match.group("un")
        day = text_day(raw)
        if day is None:
            continue
        note = "the UN committee's listing date, as DFAT quotes it" if match.group("un") else ""
        found.append(ListingDate(kind="listed", date=day, raw=raw, note=note))
    for match in _RELISTED.finditer(text):
        for raw in re.findall(_DATE_TEXT, match.group("dates")):
            day = text_day(raw)
            if day is not None:
                found.append(ListingDate(kind="relisted", date=day, raw=raw))
    return found
