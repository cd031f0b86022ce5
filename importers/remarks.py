"""The grammar of OFAC's remarks field, as pure functions.

OFAC's legacy list files (``sdn.csv``, ``cons_prim.csv``) pack everything that has no column of its own
into the Remarks column: birth dates, places of birth, nationalities, identifiers, weak aliases, links
to other entries, and free-text statements. The same text is the tail of an entry line in the
human-readable list and in Recent Actions notices (``NAME (a.k.a. ...), ADDRESS; DOB ...; POB ...``),
so the item-level functions here (``split_items``, ``parse_item``, ``parse_birth_date``,
``parse_identifier``) are public and reused there.

The grammar, as observed on the 2024-07-02 ``sdn.csv`` (15,443 entries, about 60,000 items) and as
OFAC describes it (``dat_spec.txt``; "Important Announcement for Users of OFAC's SDN Data Files",
https://ofac.treasury.gov/recent-actions/20120613):

1. Items are separated by ``"; "`` and the field ends with one ``"."``, which is removed (only one:
   ``"... Executive Order 14024.."`` keeps the period that belongs to the item). A separator inside
   parentheses does not end an item (entry 11313 has a parenthesised note holding ``"; "``).
2. An item may start with ``"alt. "`` (an alternative value of the same kind); the prefix is removed
   before the item is recognised, and kept in the text of statements.
3. Each item is recognised by its leading label, tried in this order: ``DOB``, ``POB``,
   ``nationality``, ``citizen``, ``Gender``, ``Linked To:``, ``a.k.a.``/``f.k.a.``/``n.k.a.``
   (quoted: weak aliases, single quotes in the CSV, double quotes in the printed list), vessel and
   aircraft facts (``Aircraft Model``, ``Aircraft Operator``, ``Vessel Type``, ``Vessel Flag``,
   ``Nationality of Registration``), statement labels (``STATEMENT_PREFIXES``, scope phrases such
   as ``all offices worldwide``, family ties), identifier labels (``<Label> <value> (<country>)
   issued <date> expires <date>``, the last three optional), a bare website or email address, and
   finally positions.
4. Free text with no label is a *position* (kept in ``statements`` and in ``positions``) when it
   equals a part of the entry's Title column (titles with several positions are joined by ``"; "``
   too), or when the entry is an individual (or of unknown kind) and the item starts with a position
   label (``Alternate Title``, ``Position:``, ``Rank``) or contains one of the words in
   ``POSITION_WORDS`` (a rank or an office: minister, member, director, general, ...). On the 2024
   list 1,586 individuals have a Title; all but about 170 position items equal a part of it.
   Anything else is kept verbatim in ``unparsed``. Nothing is dropped: every item lands in exactly
   one bucket.
5. Some items state a fact that has no field of its own: the statements labelled as in
   ``FACT_LABELS`` (``Organization Established Date 1996``, ``Organization Type: ...``, ``Aircraft
   Manufacture Date 28 Aug 2002``, ``Target Type ...``) and the positions. They stay statements (and
   positions) as text, and are also given as ``facts`` (``importers.records.FactRecord``), dates read
   like DOBs. A nationality or citizenship OFAC gives as ``possibly <X>`` is a fact too
   (``possible_nationality``), never a country: the country links say what the list asserts.

Dates are never given more precision than published: ``Aug 1970`` is the month from 1 to 31 August,
``1966 to 1968`` the range from 1 January 1966 to 31 December 1968. Identifier dates that are not a
full day (``issued 1999``, ``expires May 2007``) go to the identifier's ``note`` as published.

This module imports nothing from Django, so benchmarks and other tools can use it alone.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

from importers.records import (
    DATED_FACTS,
    FACT_AIRCRAFT_MANUFACTURE_DATE,
    FACT_FORMER_VESSEL_FLAG,
    FACT_OCCUPATION,
    FACT_ORGANIZATION_ESTABLISHED,
    FACT_ORGANIZATION_TYPE,
    FACT_POSITION,
    FACT_POSSIBLE_CITIZENSHIP,
    FACT_POSSIBLE_NATIONALITY,
    FACT_TARGET_TYPE,
    FACT_VESSEL_YEAR_OF_BUILD,
    AliasRecord,
    BirthDateRecord,
    CountryRoleRecord,
    FactRecord,
    IdentifierRecord,
    PlaceOfBirthRecord,
    RelationshipRecord,
)

ITEM_SEPARATOR = "; "
# "; ", and a ";" with no space before a letter ("nationality possibly Palestinian;arrested 23 Apr 2002").
_SEPARATOR = re.compile(r"(; |;(?=[A-Za-z]))")

MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}

# Labels of identifiers seen in OFAC's remarks (sdn.csv 2021-06-29 and 2024-07-02, cons_prim.csv
# 2025-12-19), spelled as published. The longest label that prefixes an item wins, so
# "Vessel Registration Identification" beats "Identification Number" and "Passport" is tried after
# "Diplomatic Passport". Labels not listed here are caught by ``_GENERIC_IDENTIFIER`` below.
IDENTIFIER_LABELS: tuple[str, ...] = (
    "Afghan Money Service Provider License Number",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Mode S Transponder Code",
    "Aircraft Serial Identification",
    "Aircraft Tail Number",
    "BIK (RU)",
    "Birth Certificate Number",
    "Bosnian Personal ID No.",
    "Branch Unit Number",
    "British National Overseas Passport",
    "Business Number",
    "Business Registration Document #",
    "Business Registration Number",
    "C.I.F.",
    "C.I.N.",
    "C.R. No.",
    "C.U.I.",
    "C.U.I.P.",
    "C.U.I.P. #",
    "C.U.I.T.",
    "C.U.R.P.",
    "C.U.R.P. #",
    "CNP (Personal Numerical Code)",
    "Cartilla de Servicio Militar Nacional",
    "Cedula No.",
    "Central Registration System Number",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Chinese Commercial Code",
    "Citizen's Card Number",
    "Commercial Registry Number",
    "Company ID: No.",
    "Company Number",
    "Credencial electoral",
    "D-U-N-S Number",
    "D.N.I.",
    "Diplomatic Passport",
    "Driver's License No.",
    "Dubai Chamber of Commerce Membership No.",
    "Economic Register Number (CBLS)",
    "Electoral Registry No.",
    "Email",
    "EMAIL",
    "Email Address",
    "Enterprise Number",
    "Equity Ticker",
    "FAX",
    "Fax",
    "Fax No.",
    "File Number",
    "Fiscal Code",
    "Folio Mercantil No.",
    "Government Gazette Number",
    "I.F.E.",
    "ISIN",
    "Identification Number",
    "Immigration No.",
    "International Maritime Organization No.",
    "Istanbul Chamber of Comm. No.",
    "Italian Fiscal Code",
    "Kenyan ID No.",
    "LE Number",
    "Legal Entity Number",
    "License",
    "MICEX Code",
    "MMSI",
    "MSB Registration Number",
    "Matricula Mercantil No",
    "Military Registration Number",
    "Moroccan Personal ID No.",
    "N.I.E.",
    "N.I.F.",
    "NIT #",
    "National Foreign ID Number",
    "National ID No.",
    "Numero Unico de Identificacao Tributaria (NUIT)",
    "Numero de Identidad",
    "Organization Code",
    "PHONE",
    "Paraguayan tax identification number",
    "Passport",
    "Passport Booklet",
    "Passport No.",
    "Permit Number",
    "Personal ID Card",
    "Phone No.",
    "Phone Number",
    "Pilot License Number",
    "Previous Aircraft Tail Number",
    "Public Registration Number",
    "Public Security and Immigration No.",
    "R.F.C.",
    "R.F.C. #",
    "RFC",
    "RIF #",
    "RSIN",
    "RTN",
    "RUC #",
    "Refugee ID Card",
    "Registered Charity No.",
    "Registration Certificate Number (Dubai)",
    "Registration ID",
    "Registration Number",
    "Residency Number",
    "Romanian C.R.",
    "Romanian Permanent Resident CAN",
    "Romanian Tax Registration",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)",
    "SRE Permit No.",
    "SSN",
    "SWIFT/BIC",
    "Seafarer's Identification Document",
    "Serial No.",
    "Stateless Person ID Card",
    "Stateless Person Passport",
    "TELEX",
    "Tarjeta Profesional",
    "Tax ID No.",
    "Tazkira National ID Card",
    "Telephone",
    "Telephone No.",
    "Telephone Number",
    "Tourism License No.",
    "Trade License No.",
    "Trademark number",
    "Travel Document Number",
    "Turkish Identification Number",
    "UAE Identification",
    "UK Company Number",
    "UN/LOCODE",
    "US FEIN",
    "Unified Social Credit Code (USCC)",
    "United Social Credit Code Certificate (USCCC)",
    "V.A.T. Number",
    "Vessel Registration Identification",
    "VisaNumberID",
    "Website",
)
_IDENTIFIER_LABELS_LONGEST_FIRST = tuple(sorted(IDENTIFIER_LABELS, key=len, reverse=True))

# Labels of statements kept as text. Matched as prefixes of the item (after any "alt. ").
STATEMENT_PREFIXES: tuple[str, ...] = (
    "Additional Sanctions Information -",
    "Aircraft Manufacture Date",
    "CAATSA Section 235 Information:",
    "Effective Date (",
    "Executive Order 13",
    "Executive Order 14",
    "Former Vessel Flag",
    "ICTY indictee",
    "IFCA Determination -",
    "Issuer Name",
    "Listing Date (",
    "Occupation:",
    "Organization Established Date",
    "Organization Type:",
    "Other Vessel Call Sign",
    "Other Vessel Flag",
    "Other Vessel Type",
    "PEESA Information:",
    "Purchase/Sales For Divestment Date (",
    "Secondary sanctions risk:",
    "Subtribe:",
    "Target Type",
    "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
    "Tribe:",
    "United States financial institutions are prohibited from",
    "Vessel Year of Build",
    "arrested",
    "ethnicity",
    "named in UNSCR",
)
# Statement labels whose value is a stated fact of its own (``FactRecord``), by label; a label ending in
# ":" is followed by its value after one space, like the others. The same labels name the feature types
# of SDN_ADVANCED.XML, where they come from (``fact_kind``).
FACT_LABELS: dict[str, str] = {
    "Organization Established Date": FACT_ORGANIZATION_ESTABLISHED,
    "Organization Type:": FACT_ORGANIZATION_TYPE,
    "Aircraft Manufacture Date": FACT_AIRCRAFT_MANUFACTURE_DATE,
    "Vessel Year of Build": FACT_VESSEL_YEAR_OF_BUILD,
    "Former Vessel Flag": FACT_FORMER_VESSEL_FLAG,
    "Target Type": FACT_TARGET_TYPE,
    "Occupation:": FACT_OCCUPATION,
}
_FACT_KINDS_BY_KEY = {label.rstrip(":").casefold(): kind for label, kind in FACT_LABELS.items()}
# "nationality possibly Palestinian": a nationality OFAC does not assert, kept as a fact, never a country.
_POSSIBLY = re.compile(r"^possibly (?P<value>\S.*)$", re.IGNORECASE)
# Statements about where a listing applies ("All offices worldwide", "and all other locations
# worldwide", "Only locations in Syria") and pointers to guidance, matched case-insensitively.
_SCOPE_STATEMENT = re.compile(
    r"^(?:(?:and )?all (?:other )?(?:offices|branches|locations)\b|and other locations\b|only locations\b|"
    r"[\w ]+ branch only$|for more information\b)",
    re.IGNORECASE,
)
# Family ties are published as prose ("daughter of Slobodan Milosevic"): kept as statements.
_FAMILY = re.compile(
    r"^(?:daughter|son|wife|husband|brother|sister|father|mother|nephew|niece|cousin|"
    r"brother-in-law|sister-in-law|son-in-law|daughter-in-law|father-in-law|mother-in-law|"
    r"half-brother|half-sister|grandson|granddaughter|uncle|aunt) of ",
    re.IGNORECASE,
)

# Words that make an unlabelled item of an individual a position (rank, office or role).
POSITION_WORDS: frozenset[str] = frozenset(
    {
        "admiral",
        "adviser",
        "advisor",
        "agent",
        "ambassador",
        "assistant",
        "attorney",
        "brigadier",
        "captain",
        "ceo",
        "chair",
        "chairman",
        "chairperson",
        "chairwoman",
        "chancellor",
        "chief",
        "colonel",
        "commandant",
        "commander",
        "commissioner",
        "co-founder",
        "coordinator",
        "councillor",
        "counselor",
        "deputy",
        "dean",
        "director",
        "editor",
        "editor-in-chief",
        "emir",
        "envoy",
        "executive",
        "facilitator",
        "financier",
        "founder",
        "general",
        "governor",
        "head",
        "inspector",
        "judge",
        "leader",
        "lieutenant",
        "major",
        "manager",
        "mayor",
        "member",
        "minister",
        "officer",
        "official",
        "operative",
        "owner",
        "partner",
        "president",
        "prosecutor",
        "rector",
        "representative",
        "secretary",
        "senator",
        "shareholder",
        "speaker",
        "spokesman",
        "spokesperson",
        "superintendent",
        "treasurer",
        "vice-chairman",
        "vice-chairperson",
        "vice-president",
    }
)
# Labels OFAC puts before a position ("Alternate Title, Editor-In-Chief of ISeCure").
_POSITION_LABELS = ("Alternate Title", "Position:", "Rank ", "Title ")
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")

_DAY = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
_MONTH = r"[A-Z][a-z]{2} \d{4}"
_YEAR = r"\d{4}"
_ANY_DATE = rf"(?:{_DAY}|{_MONTH}|{_YEAR})"

_ALT = re.compile(r"^[Aa]lt\. ")
# "d.b.a." (doing business as) names a trade name: an a.k.a. for our purposes.
_WEAK_ALIAS = re.compile(r"""^(?P<kind>[afn]\.k|d\.b)\.a\.,? (?:'(?P<single>.+)'|"(?P<double>.+)")$""")
_STRONG_ALIAS = re.compile(r"^(?P<kind>[afn]\.k|d\.b)\.a\.,? (?P<name>[^'\"].*)$")
_BARE_CONTACT = re.compile(
    r"^(?P<value>(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)(?: \((?:website|email)\))?\.?$"
)
_ID_TAIL = re.compile(
    rf"^(?P<value>.*?)(?: \((?P<country>[^()]+)\))?(?: issued (?P<issued>{_ANY_DATE}))?"
    rf"(?: expires (?P<expires>{_ANY_DATE}))?$"
)
_DIGITAL_CURRENCY = re.compile(r"^(?P<label>Digital Currency Address - [A-Z0-9]+) (?P<rest>.+)$")
# An identifier label we do not list yet: words ending in a typical identifier noun, then a value
# with a digit in it ("Fiscal Registration No. 123 (Italy)").
_GENERIC_IDENTIFIER = re.compile(
    r"^(?P<label>[A-Z][A-Za-z.'/&()\- ]*?\b(?:No\.|Number|ID|Code|Card|Passport|Licen[cs]e|#))"
    r":? (?P<rest>\S*\d.*)$"
)


@dataclass(frozen=True, slots=True)
class RemarksResult:
    """What a remarks field (or one item of it) says, as record parts.

    ``items`` counts the items read; ``unparsed`` holds those no rule recognised, verbatim.
    ``positions`` repeats the statements that were recognised as positions or titles; ``facts`` holds
    what positions and labelled statements (``FACT_LABELS``) state, structured, and the nationalities
    stated as only possible.
    """

    birth_dates: tuple[BirthDateRecord, ...] = ()
    places_of_birth: tuple[PlaceOfBirthRecord, ...] = ()
    countries: tuple[CountryRoleRecord, ...] = ()
    gender: str = ""
    identifiers: tuple[IdentifierRecord, ...] = ()
    aliases: tuple[AliasRecord, ...] = ()
    relationships: tuple[RelationshipRecord, ...] = ()
    statements: tuple[str, ...] = ()
    positions: tuple[str, ...] = ()
    facts: tuple[FactRecord, ...] = ()
    unparsed: tuple[str, ...] = ()
    aircraft_model: str = ""
    aircraft_operator: str = ""
    vessel_type: str = ""
    vessel_flag: str = ""
    call_sign: str = ""
    items: int = 0


_TUPLE_FIELDS = tuple(f.name for f in fields(RemarksResult) if f.name != "items" and f.default == ())
_TEXT_FIELDS = tuple(f.name for f in fields(RemarksResult) if f.default == "")


def merge_results(results: Iterable[RemarksResult]) -> RemarksResult:
    """Combine the results of several items, keeping their order.

    Tuples are concatenated (countries without repeating a country and role); single values keep the
    first non-empty one; item counts add up.
    """
    tuples: dict[str, list] = {name: [] for name in _TUPLE_FIELDS}
    texts: dict[str, str] = dict.fromkeys(_TEXT_FIELDS, "")
    items = 0
    for result in results:
        items += result.items
        for name in _TUPLE_FIELDS:
            tuples[name].extend(getattr(result, name))
        for name in _TEXT_FIELDS:
            if not texts[name]:
                texts[name] = getattr(result, name)
    tuples["countries"] = list(dict.fromkeys(tuples["countries"]))
    return RemarksResult(**{name: tuple(values) for name, values in tuples.items()}, **texts, items=items)


def split_items(text: str) -> list[str]:
    """Split a remarks field into its items: strip it, drop one final period, split on ``"; "``.

    A ``";"`` directly followed by a letter separates items too: three entries of the 2024 list have
    ``"nationality possibly Palestinian;arrested 23 Apr 2002"``.

    A separator inside parentheses does not end an item: pieces are joined back while a ``(`` is
    open and a later piece closes it (entry 11313 of the 2024 list has a parenthesised note
    ``(Following data derived from an Eritrean passport ...: Alt. DOB: ...; Alt. POB: ...; ...)``).
    Empty items (nothing between two separators) are left out; each item is stripped.
    """
    text = text.strip()
    if text.endswith("."):
        text = text[:-1]
    # Pieces at even indexes, the separator that followed each at odd ones.
    parts = _SEPARATOR.split(text)
    pieces, separators = parts[::2], [*parts[1::2], ""]
    items: list[str] = []
    index = 0
    while index < len(pieces):
        item = pieces[index]
        end = index
        depth = item.count("(") - item.count(")")
        while depth > 0 and end + 1 < len(pieces):
            end += 1
            depth += pieces[end].count("(") - pieces[end].count(")")
        if depth <= 0 and end > index:
            item = "".join(
                piece + separator for piece, separator in zip(pieces[index:end], separators[index:end], strict=True)
            )
            item += pieces[end]
        else:
            end = index  # never closed (cut remarks): keep the pieces as separate items
        items.append(item)
        index = end + 1
    return [item.strip() for item in items if item.strip()]


def title_parts(title: str) -> tuple[str, ...]:
    """The positions in a Title column value: several are joined by ``"; "``, like remarks items."""
    return tuple(split_items(title)) if title and title.strip() != "-0-" else ()


def parse_remarks(text: str, *, title: str = "", kind: str = "") -> RemarksResult:
    """Parse a whole remarks field. ``title`` is the entry's Title column, ``kind`` its type.

    Both only decide whether an unlabelled item is a position (see the module docstring).
    """
    parts = title_parts(title)
    return merge_results(parse_item(item, titles=parts, kind=kind) for item in split_items(text))


def parse_item(item: str, *, titles: Sequence[str] = (), kind: str = "") -> RemarksResult:
    """Parse one remarks item; the result has ``items == 1`` and the item in exactly one bucket."""
    item = item.strip()
    body = _ALT.sub("", item, count=1)
    result = _parse_labelled(item, body) or _parse_position(item, body, titles, kind)
    if result is None:
        return RemarksResult(unparsed=(item,), items=1)
    return result


def _parse_labelled(item: str, body: str) -> RemarksResult | None:
    """Recognise an item by its label; None when no label matches."""
    head, _, value = body.partition(" ")
    value = value.strip()
    if head == "DOB" and value:
        birth_date = parse_birth_date(value)
        return RemarksResult(birth_dates=(birth_date,), items=1) if birth_date else None
    if head == "POB" and value:
        place = parse_place_of_birth(value)
        role = (CountryRoleRecord(country=place.country, role="place_of_birth"),) if place.country else ()
        return RemarksResult(places_of_birth=(place,), countries=role, items=1)
    if head in ("nationality", "citizen") and value:
        role = "nationality" if head == "nationality" else "citizenship"
        if possible := possible_country(value, role=role, alt=item != body):
            return RemarksResult(facts=(possible,), items=1)
        return RemarksResult(countries=(CountryRoleRecord(country=value, role=role),), items=1)
    if head == "Gender" and value.lower() in ("male", "female"):
        return RemarksResult(gender=value.lower(), items=1)
    if body.startswith("Linked To:"):
        name = body.removeprefix("Linked To:").strip()
        return RemarksResult(relationships=(RelationshipRecord(to_name=name),), items=1) if name else None
    if alias := parse_alias(body):
        return RemarksResult(aliases=(alias,), items=1)
    if result := _parse_craft(item, body):
        return result
    if fact := parse_fact(body, alt=item != body):
        return RemarksResult(statements=(item,), facts=(fact,), items=1)
    if body.startswith(STATEMENT_PREFIXES) or _SCOPE_STATEMENT.match(body) or _FAMILY.match(body):
        return RemarksResult(statements=(item,), items=1)
    if identifier := parse_identifier(body) or _bare_contact(body):
        return RemarksResult(identifiers=(identifier,), items=1)
    return None


def _bare_contact(text: str) -> IdentifierRecord | None:
    """Old entries give a website or an email with no label (``www.manartv.com``,
    ``http://www.sanabel.org.uk (website)``, ``info@sanabel.org.uk (email)``)."""
    match = _BARE_CONTACT.match(text)
    if match is None:
        return None
    value = match.group("value")
    kind = "Email Address" if "@" in value and not value.startswith(("http", "www.")) else "Website"
    return IdentifierRecord(kind=kind, value=value)


def _parse_craft(item: str, body: str) -> RemarksResult | None:
    """Vessel and aircraft facts that have a field of their own on ``DesigneeRecord``."""
    for prefix, name in (
        ("Aircraft Model ", "aircraft_model"),
        ("Aircraft Operator ", "aircraft_operator"),
        ("Vessel Type ", "vessel_type"),
        ("Vessel Call Sign ", "call_sign"),
    ):
        if body.startswith(prefix) and (value := body.removeprefix(prefix).strip()):
            # An "alt." value is an alternative: it stays a statement and does not take the field.
            extra = {} if item != body else {name: value}
            return RemarksResult(statements=(item,), items=1, **extra)
    if body.startswith("Vessel Flag ") and (flag := body.removeprefix("Vessel Flag ").strip()):
        extra = {} if item != body else {"vessel_flag": flag}
        return RemarksResult(countries=(CountryRoleRecord(country=flag, role="flag"),), items=1, **extra)
    for prefix in ("Nationality of Registration ", "Registration Country "):
        if body.startswith(prefix) and (country := body.removeprefix(prefix).strip()):
            return RemarksResult(countries=(CountryRoleRecord(country=country, role="registration"),), items=1)
    return None


def _parse_position(item: str, body: str, titles: Sequence[str], kind: str) -> RemarksResult | None:
    """An unlabelled item that is a title or looks like a position (module docstring, rule 4)."""
    folded = " ".join(body.split()).casefold()
    if any(folded == " ".join(t.split()).casefold() for t in titles) or (
        kind in ("individual", "") and (body.startswith(_POSITION_LABELS) or looks_like_position(body))
    ):
        value = body.removeprefix("Position:").strip() or body
        fact = FactRecord(kind=FACT_POSITION, value=value, alt=item != body)
        return RemarksResult(statements=(item,), positions=(item,), facts=(fact,), items=1)
    return None


def parse_fact(body: str, *, alt: bool = False) -> FactRecord | None:
    """``Organization Established Date 31 Mar 2008`` -> a dated fact; any ``FACT_LABELS`` label with a value.

    ``body`` is the item without its ``alt.`` prefix (``alt`` says whether it had one).
    """
    for label, kind in FACT_LABELS.items():
        if body.startswith(label) and body[len(label) : len(label) + 1] in (" ", ":"):
            value = body[len(label) :].lstrip(":").strip()
            return fact_record(kind, value, alt=alt) if value else None
    return None


def fact_kind(label: str) -> str:
    """The fact kind of a label or feature type, however it ends ("Organization Type:", "Target Type");
    "" when it names none."""
    return _FACT_KINDS_BY_KEY.get(label.strip().rstrip(":").strip().casefold(), "")


def fact_record(kind: str, value: str, *, alt: bool = False) -> FactRecord:
    """A fact of ``kind`` as published; a date (``DATED_FACTS``) gets its bounds the way a DOB does."""
    if kind in DATED_FACTS and (date := parse_birth_date(value)):
        return FactRecord(
            kind=kind, value=value, date_from=date.date_from, date_to=date.date_to, precision=date.precision, alt=alt
        )
    return FactRecord(kind=kind, value=value, alt=alt)


def possible_country(value: str, *, role: str, alt: bool = False) -> FactRecord | None:
    """``possibly Palestinian`` (a nationality or citizenship value) -> a fact that it is possible; None
    for a stated country. The country stays a fact, so no country filter or match counts it as certain."""
    match = _POSSIBLY.match(value.strip())
    if match is None:
        return None
    kind = FACT_POSSIBLE_NATIONALITY if role == "nationality" else FACT_POSSIBLE_CITIZENSHIP
    return FactRecord(kind=kind, value=match.group("value").strip(), alt=alt)


def looks_like_position(text: str) -> bool:
    """True when free text names a rank or an office: it contains a word of ``POSITION_WORDS``."""
    return any(word.casefold() in POSITION_WORDS for word in _WORD.findall(text))


def parse_alias(text: str) -> AliasRecord | None:
    """``a.k.a. 'TIGER SQUAD'`` -> a weak alias; an unquoted ``a.k.a. NAME`` -> a strong one."""
    if match := _WEAK_ALIAS.match(text):
        name = match.group("single") or match.group("double")
        return AliasRecord(name=name, kind=_alias_kind(match.group("kind")), strength="weak")
    if match := _STRONG_ALIAS.match(text):
        return AliasRecord(name=match.group("name").strip(), kind=_alias_kind(match.group("kind")), strength="strong")
    return None


def _alias_kind(prefix: str) -> str:
    """``a.k`` -> aka, ``f.k`` -> fka, ``n.k`` -> nka, ``d.b`` -> aka."""
    return "aka" if prefix == "d.b" else f"{prefix[0]}ka"


def parse_place_of_birth(value: str) -> PlaceOfBirthRecord:
    """``Linxian County, Shanxi Province, China`` -> country ``China`` (the text after the last comma).

    With no comma the whole text is the country (``POB Hong Kong``). Mapping the text to a country
    code, and ignoring it when it names a province, is left to the upsert.
    """
    country = value.rsplit(",", 1)[-1].strip()
    return PlaceOfBirthRecord(place=value, country=country)


def _parse_date(text: str) -> tuple[datetime.date, datetime.date, str] | None:
    """A published date -> (first day, last day, precision); None when it is not a date."""
    parts = text.split()
    try:
        if len(parts) == 3 and parts[1] in MONTHS and parts[0].isdigit() and parts[2].isdigit():
            day = datetime.date(int(parts[2]), MONTHS[parts[1]], int(parts[0]))
            return day, day, "day"
        if len(parts) == 2 and parts[0] in MONTHS and parts[1].isdigit() and len(parts[1]) == 4:
            year, month = int(parts[1]), MONTHS[parts[0]]
            last = calendar.monthrange(year, month)[1]
            return datetime.date(year, month, 1), datetime.date(year, month, last), "month"
        if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
            year = int(parts[0])
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year"
    except ValueError:  # 31 Feb, year 0
        return None
    return None


def parse_day(text: str) -> datetime.date | None:
    """A date published to the day (``13 Apr 2016``); None for anything less precise."""
    parsed = _parse_date(text)
    return parsed[0] if parsed and parsed[2] == "day" else None


def parse_birth_date(value: str) -> BirthDateRecord | None:
    """Parse a DOB value into its bounds; None when the shape is not one OFAC uses.

    Shapes: ``DD Mon YYYY``, ``Mon YYYY``, ``YYYY``, each optionally after ``circa``; ranges
    ``A to B`` of two dates of the same shape; ``circa YYYY-YYYY``.
    """
    raw = value.strip()
    text = raw
    circa = text.startswith("circa ")
    if circa:
        text = text.removeprefix("circa ").strip()
    if " to " in text:
        first, _, last = text.partition(" to ")
    elif circa and re.fullmatch(r"\d{4}-\d{4}", text):
        first, _, last = text.partition("-")
    else:
        first = last = text
    start, end = _parse_date(first.strip()), _parse_date(last.strip())
    if start is None or end is None or start[2] != end[2] or start[0] > end[1]:
        return None
    return BirthDateRecord(
        raw=raw,
        date_from=start[0],
        date_to=end[1],
        precision=start[2],
        is_range=first != last,
        circa=circa,
    )


def parse_identifier(text: str) -> IdentifierRecord | None:
    """``<Label> <value> (<country>) issued <date> expires <date>`` -> an identifier, or None.

    The label is a known one (``IDENTIFIER_LABELS``), a ``Digital Currency Address - <ticker>``, or
    an unknown label ending like an identifier name. The value must be non-empty; dates that are not
    a full day are kept in ``note``.
    """
    label, rest = _identifier_label(text)
    if not label:
        return None
    match = _ID_TAIL.match(rest)
    if match is None:  # unreachable: the value group can take everything
        return None
    value, country = match.group("value").strip(), (match.group("country") or "").strip()
    if not value and country:  # "International Maritime Organization No. (5777731)"
        value, country = country, ""
    if not value:
        return None
    notes = []
    issued = expires = None
    if match.group("issued"):
        issued = parse_day(match.group("issued"))
        if issued is None:
            notes.append(f"issued {match.group('issued')}")
    if match.group("expires"):
        expires = parse_day(match.group("expires"))
        if expires is None:
            notes.append(f"expires {match.group('expires')}")
    return IdentifierRecord(
        kind=label, value=value, country=country, issued_on=issued, expires_on=expires, note="; ".join(notes)
    )


def _identifier_label(text: str) -> tuple[str, str]:
    """Split an item into (label, rest); ("", "") when it does not start with an identifier label."""
    if match := _DIGITAL_CURRENCY.match(text):
        return match.group("label"), match.group("rest")
    for label in _IDENTIFIER_LABELS_LONGEST_FIRST:
        if text.startswith(label):
            rest = text[len(label) :]
            if rest.startswith(":"):  # "Italian Fiscal Code: KMMMHD68D03Z352N", "Email:adelb@..."
                rest = " " + rest[1:]
            if rest.startswith(" ") and rest.strip():
                return label, rest.strip()
    if match := _GENERIC_IDENTIFIER.match(text):
        return match.group("label"), match.group("rest").strip()
    return "", ""
