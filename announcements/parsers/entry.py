"""One entry of OFAC's human-readable SDN list, as printed in Recent Actions notices.

An entry line is the list's printed form of one ``sdn.csv`` row with its ``alt.csv`` aliases,
``add.csv`` addresses and remarks (OFAC's ``dat_spec.txt``; examples in the project's data-format
notes, section 6)::

    NAME (a.k.a. ALIAS; a.k.a. "WEAK ALIAS"), STREET, CITY, COUNTRY; DOB ...; POB ...; nationality ...;
    Gender ...; Passport ...; TITLE (individual) [TAG] [TAG] (Linked To: NAME).

* the primary name comes first, then its aliases in one parenthesis (weak aliases in double quotes,
  where the CSV remarks use single quotes);
* the first address follows the name after a comma, further addresses are items of their own;
* the items after that are the CSV remarks, read with the same grammar (``importers.remarks``),
  except that weak aliases sit in the alias parenthesis and ``Linked To`` comes last, after the tags;
* for an individual, the item just before ``(individual)`` is the CSV ``Title`` (LAM, Carrie: "Chief
  Executive of the Hong Kong Special Administrative Region");
* vessels print their call sign, type, tonnage and flag after the name (``NAINITAL (f.k.a. MIDSEA)
  (T2DR4) Crude Oil Tanker 298,731DWT 156,809GRT None Identified flag; ...``), vessels and aircraft
  end with their type word and entities with none;
* notices may hold non-Latin script in a parenthesis inside an alias (``CHAN, Kwok-ki (Chinese
  Traditional: 陳國基; Chinese Simplified: 陈国基)``, OFAC's 14 Oct 2020 Hong Kong update) and
  typographic dashes and quotes where the CSV has ASCII (an en dash in "Hong Kong Autonomy Act of 2020
  - Public Law 116-149", an em dash in "Additional Sanctions Information - Subject to Secondary
  Sanctions").

``parse_entry_line`` turns a line into the same ``DesigneeRecord`` facts the CSV import gives for the
same entry (name, aliases, birth dates, places of birth, identifiers, countries, programs, title,
relationships). What the printed line cannot tell apart is documented on the functions below.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from importers.records import (
    AddressRecord,
    AliasRecord,
    CountryRoleRecord,
    DesigneeRecord,
    RelationshipRecord,
)
from importers.remarks import (
    RemarksResult,
    looks_like_position,
    merge_results,
    parse_alias,
    parse_item,
    split_items,
)

TYPE_WORDS = ("individual", "vessel", "aircraft")
UPDATE_SEPARATOR = re.compile(r"\s+[-\u2010\u2011\u2012\u2013\u2014\u2212]to[-\u2010\u2011\u2012\u2013\u2014\u2212]\s+")

# Labels OFAC puts before non-Latin script, and their ISO 15924 codes.
SCRIPT_LABELS: dict[str, str] = {
    "arabic": "Arab",
    "armenian": "Armn",
    "belarusian": "Cyrl",
    "burmese": "Mymr",
    "chinese": "Hani",
    "chinese simplified": "Hans",
    "chinese traditional": "Hant",
    "cyrillic": "Cyrl",
    "farsi": "Arab",
    "georgian": "Geor",
    "greek": "Grek",
    "hangul": "Hang",
    "hebrew": "Hebr",
    "japanese": "Jpan",
    "korean": "Kore",
    "latin": "Latn",
    "persian": "Arab",
    "russian": "Cyrl",
    "thai": "Thai",
    "ukrainian": "Cyrl",
}
# Unicode character-name prefixes -> ISO 15924, for script that comes without a known label.
_SCRIPT_BY_CHARACTER = (
    ("CJK", "Hani"),
    ("CYRILLIC", "Cyrl"),
    ("ARABIC", "Arab"),
    ("HANGUL", "Hang"),
    ("HEBREW", "Hebr"),
    ("GREEK", "Grek"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("GEORGIAN", "Geor"),
    ("ARMENIAN", "Armn"),
    ("MYANMAR", "Mymr"),
    ("THAI", "Thai"),
)
_SCRIPT_ITEM = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]*?)(?: script)?:\s*(?P<value>.+)$")
_ALIAS_START = re.compile(r"^(?:[afn]\.k|d\.b)\.a\.")
_TAGS = re.compile(r"(?:\s*\[[^\[\]]+\])+$")
_TYPE = re.compile(r"\s*\((?P<kind>individual|vessel|aircraft)\)$")
_TAG = re.compile(r"\[([^\[\]]+)\]")
# Words that end a vessel type ("General Cargo", "Crude Oil Tanker", "Bulk Carrier"), to find where
# the type stops and the flag begins when no tonnage is printed between them.
_VESSEL_TYPE_WORDS = frozenset(
    {"barge", "bulk", "cargo", "carrier", "container", "dredger", "ferry", "passenger", "ship", "supply"}
    | {"tanker", "trawler", "tug", "vessel", "yacht", "reefer", "boat", "freighter", "lpg", "lng"}
)
_VESSEL_FLAG = re.compile(r"^(?P<main>.*?)\s*\bflag(?:\s*\((?P<owner>[^()]+)\))?$")
_TONNAGE = re.compile(r"(?P<value>[\d][\d,.]*)\s?(?P<unit>DWT|GRT)\b")
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2015\u2212\ufe58\ufe63\uff0d"})
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'"})
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


class EntryLineError(ValueError):
    """An entry line is not in OFAC's list format; the message says what is missing."""


def normalise_chars(text: str) -> str:
    """``normalise_text`` without touching the spacing: the same character mappings, nothing collapsed.

    Also drops invisible characters (soft hyphens, zero-width spaces and joiners, byte-order marks):
    Treasury's releases carry soft hyphens inside long names.
    """
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = re.sub(r"\s*\u2014\s*", " - ", text)
    return text.translate(_DASHES).translate(_QUOTES)


def normalise_text(text: str) -> str:
    """The ASCII punctuation OFAC's CSV files use, and single spaces.

    Unicode is put in NFC form; no-break and other spaces become one space; the em dash becomes
    `` - `` (the CSV writes "Additional Sanctions Information - Subject to Secondary Sanctions" where
    the printed list has "Information—Subject"); en dashes, minus signs and non-breaking hyphens
    become ``-``; curly quotes become straight ones; invisible characters are dropped. Letters of
    other scripts are kept.
    """
    return " ".join(normalise_chars(text).split())


def split_update(text: str) -> tuple[str, str]:
    """``OLD ENTRY -to- NEW ENTRY`` -> the two entry lines, stripped, as printed.

    OFAC prints amendments this way in "The following changes have been made" sections (its
    14 Oct 2020 Hong Kong update, for one). The separator may carry typographic dashes. A line with no
    separator, or with more than one, is an ``EntryLineError``.
    """
    parts = UPDATE_SEPARATOR.split(text.strip())
    if len(parts) == 1:
        raise EntryLineError("no ' -to- ' between an old and a new entry")
    if len(parts) > 2:
        raise EntryLineError(f"' -to- ' appears {len(parts) - 1} times; expected one old and one new entry")
    old, new = (part.strip() for part in parts)
    if not old or not new:
        raise EntryLineError("the old or the new entry around ' -to- ' is empty")
    return old, new


@dataclass(slots=True)
class _Head:
    """The first item of an entry line: the name and what is printed right after it."""

    name: str
    aliases: list[AliasRecord]
    address: str
    vessel_text: str  # call sign, type, tonnage and flag of a vessel, as printed


def parse_entry_line(text: str) -> DesigneeRecord:
    """Parse one entry of OFAC's printed list into a ``DesigneeRecord`` (``source_uid`` is empty).

    1. The text is normalised (``normalise_text``) and the final period dropped.
    2. From the end: an optional ``(Linked To: ...)`` group, the program tags (at least one is
       required), and an optional type word; without one the entry is an entity.
    3. The rest is cut into items at ``"; "`` outside parentheses. The first item holds the name, the
       alias parenthesis (script in parentheses inside an alias becomes an alias of its own with its
       script code), and the first address or a vessel's call sign, type, tonnage and flag.
    4. For an entry with an address, the items that follow it and that no remarks rule recognises are
       further addresses. For an individual, the trailing items that read as positions are the title.
    5. Every other item goes through ``importers.remarks.parse_item``, as the CSV remarks do.

    Addresses are split at their last comma into street and country (one part before the country
    is taken as the city): the printed line does not say where the street ends and the city begins.
    ``remarks`` holds the items after the name and address, ``Linked To`` items included, joined as
    in the CSV. Raises ``EntryLineError`` naming what does not fit the format.
    """
    line = normalise_text(text)
    if not line:
        raise EntryLineError("the entry line is empty")
    _check_balanced(line)
    body = line[:-1].rstrip() if line.endswith(".") else line
    body, linked = _take_linked_to(body)
    tag_match = _TAGS.search(body)
    if tag_match is None:
        raise EntryLineError(f"no program tag such as [SDGT] at the end of {_excerpt(line)!r}")
    programs = tuple(tag.strip() for tag in _TAG.findall(tag_match.group()))
    body = body[: tag_match.start()].rstrip()
    kind = "entity"
    if type_match := _TYPE.search(body):
        kind = type_match.group("kind")
        body = body[: type_match.start()].rstrip()
    if not body:
        raise EntryLineError(f"no name before the program tags in {_excerpt(line)!r}")

    items = split_items(body + ".")  # split_items drops one final period: keep the entry's own
    head = _parse_head(items[0], kind)
    rest = items[1:]
    addresses = [head.address] if head.address else []
    if addresses:
        while rest and _is_address(rest[0]):
            addresses.append(rest.pop(0))
    title_items = _title_items(rest) if kind == "individual" else []
    titles = tuple(title_items)
    result = merge_results(parse_item(item, titles=titles, kind=kind) for item in rest)
    vessel = _parse_vessel(head.vessel_text) if head.vessel_text else {}
    address_records = [_address(text) for text in addresses]

    countries = list(result.countries)
    if vessel.get("vessel_flag"):
        countries.append(CountryRoleRecord(country=vessel["vessel_flag"], role="flag"))
    countries.extend(CountryRoleRecord(country=a.country, role="address") for a in address_records if a.country)
    relationships = (*result.relationships, *(RelationshipRecord(to_name=name) for name in linked))
    remarks_items = [*rest, *(f"Linked To: {name}" for name in linked)]
    return DesigneeRecord(
        source_uid="",
        kind=kind,
        name=head.name,
        programs=programs,
        title="; ".join(title_items),
        gender=result.gender,
        remarks="; ".join(remarks_items) + "." if remarks_items else "",
        call_sign=vessel.get("call_sign", "") or result.call_sign,
        vessel_type=vessel.get("vessel_type", "") or result.vessel_type,
        vessel_flag=vessel.get("vessel_flag", "") or result.vessel_flag,
        vessel_owner=vessel.get("vessel_owner", ""),
        tonnage=vessel.get("tonnage", ""),
        gross_registered_tonnage=vessel.get("gross_registered_tonnage", ""),
        aircraft_model=result.aircraft_model,
        aircraft_operator=result.aircraft_operator,
        aliases=(*head.aliases, *result.aliases),
        identifiers=result.identifiers,
        addresses=tuple(address_records),
        birth_dates=result.birth_dates,
        places_of_birth=result.places_of_birth,
        countries=tuple(dict.fromkeys(countries)),
        relationships=relationships,
        statements=result.statements,
        unparsed=result.unparsed,
    )


def guess_name(text: str) -> str:
    """The likely primary name of a line that did not parse, for an editor's review.

    Text before the first parenthesis or item separator; an inverted personal name keeps its first
    two comma parts ("AL-QAHTANI, Saud").
    """
    line = normalise_text(text)
    head = re.split(r"\s\(|;", line, maxsplit=1)[0]
    parts = [part.strip() for part in head.split(",")]
    if len(parts) >= 2 and _upper(parts[0]) and not _upper(parts[1]):
        return f"{parts[0]}, {parts[1]}".rstrip(".")
    return parts[0].rstrip(".")


# --- the end of the line ------------------------------------------------------------------------


def _check_balanced(line: str) -> None:
    depth = 0
    for char in line:
        depth += (char == "(") - (char == ")")
        if depth < 0:
            raise EntryLineError(f"a ')' closes no '(' in {_excerpt(line)!r}")
    if depth:
        raise EntryLineError(f"{depth} parenthesis(es) left open in {_excerpt(line)!r}: the line looks cut short")
    if line.count("[") != line.count("]"):
        raise EntryLineError(f"unbalanced program tag brackets in {_excerpt(line)!r}")


def _take_linked_to(body: str) -> tuple[str, list[str]]:
    """Split off a final ``(Linked To: A; Linked To: B)`` group -> (rest, [A, B])."""
    if not body.endswith(")"):
        return body, []
    start = _matching_open(body, len(body) - 1)
    group = body[start + 1 : -1].strip()
    if not group.startswith("Linked To:"):
        return body, []
    names = []
    for item in split_items(group + "."):
        name = item.removeprefix("Linked To:").strip()
        if not item.startswith("Linked To:") or not name:
            raise EntryLineError(f"unexpected item {item!r} in the Linked To group")
        names.append(name)
    return body[:start].rstrip(), names


def _matching_open(text: str, close: int) -> int:
    depth = 0
    for index in range(close, -1, -1):
        depth += (text[index] == ")") - (text[index] == "(")
        if depth == 0:
            return index
    raise EntryLineError(f"a ')' closes no '(' in {_excerpt(text)!r}")  # unreachable after _check_balanced


# --- the name, aliases and first address ----------------------------------------------------------


def _groups(text: str) -> list[tuple[int, int]]:
    """(start, end) of each top-level parenthesis in ``text``, end exclusive."""
    groups, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                groups.append((start, index + 1))
    return groups


def _parse_head(item: str, kind: str) -> _Head:
    """Read the first item: name, alias parenthesis, script parenthesis, first address or vessel text."""
    aliases: list[AliasRecord] = []
    name_end = None
    after = ""
    after_start = 0
    for start, end in _groups(item):
        inner = item[start + 1 : end - 1].strip()
        if name_end is not None and item[after_start:start].strip():
            break  # text between two parentheses (a vessel's type): the names are over
        if _ALIAS_START.match(inner):
            aliases.extend(_parse_alias_group(inner))
        elif script_aliases := _script_aliases(inner, AliasRecord(name="")):
            aliases.extend(script_aliases)
        elif name_end is None:
            continue  # a parenthesis inside the name ("... CORPS (IRGC)-QODS FORCE")
        else:
            break  # a vessel's call sign
        if name_end is None:
            name_end = start
        after_start = end
        after = item[end:]
    if name_end is None:
        return _vessel_head(item) if kind == "vessel" else _plain_head(item, kind)
    name = item[:name_end].strip().rstrip(",").strip()
    if not name:
        raise EntryLineError(f"no name before the alias parenthesis in {_excerpt(item)!r}")
    rest = after.strip()
    if rest.startswith(","):
        return _Head(name=name, aliases=aliases, address=rest[1:].strip(), vessel_text="")
    if rest and kind != "vessel":
        raise EntryLineError(f"unexpected text {_excerpt(rest, 40)!r} after the aliases of {name!r}")
    return _Head(name=name, aliases=aliases, address="", vessel_text=rest)


def _parse_alias_group(inner: str) -> list[AliasRecord]:
    aliases: list[AliasRecord] = []
    for raw in split_items(inner + "."):
        text, script_group = raw, ""
        groups = _groups(raw)
        if groups and groups[-1][1] == len(raw):
            start, end = groups[-1]
            candidate = raw[start + 1 : end - 1].strip()
            if _script_aliases(candidate, AliasRecord(name="")):
                text, script_group = raw[:start].rstrip(), candidate
        alias = parse_alias(text)
        if alias is None:
            raise EntryLineError(f"{raw!r} in the alias parenthesis is not an a.k.a., f.k.a. or n.k.a. name")
        aliases.append(alias)
        if script_group:
            aliases.extend(_script_aliases(script_group, alias))
    return aliases


def _script_aliases(group: str, base: AliasRecord) -> list[AliasRecord]:
    """``Chinese Traditional: 陳國基; Chinese Simplified: 陈国基`` -> one alias per script; [] if not script.

    A parenthesis counts as script when each of its items has a known script label, or when it holds
    letters of a non-Latin script (then the script is read from the characters).
    """
    items = split_items(group + ".")
    labelled = [_SCRIPT_ITEM.match(item) for item in items]
    if items and all(m and m.group("label").strip().casefold() in SCRIPT_LABELS for m in labelled):
        return [
            AliasRecord(
                name=m.group("value").strip(),
                kind=base.kind,
                strength=base.strength,
                script=SCRIPT_LABELS[m.group("label").strip().casefold()],
            )
            for m in labelled
            if m
        ]
    script = script_of(group)
    if script and script != "Latn":
        return [AliasRecord(name=group, kind=base.kind, strength=base.strength, script=script)]
    return []


def script_of(text: str) -> str:
    """The ISO 15924 code of the first non-Latin letters in ``text``; ``Latn`` for Latin only; ``""`` for none."""
    latin = False
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, code in _SCRIPT_BY_CHARACTER:
            if name.startswith(prefix):
                return code
        latin = latin or name.startswith("LATIN")
    return "Latn" if latin else ""


def _upper(part: str) -> bool:
    """A part written the way OFAC writes names of entities and surnames: letters, none lower case."""
    letters = [c for c in part if c.isalpha()]
    return bool(letters) and not any(c.islower() for c in letters)


def _plain_head(item: str, kind: str) -> _Head:
    """Name and first address when there is no alias parenthesis.

    An individual's name is its upper-case surname part and the given-name part after it
    (``KARAEU, Yuriy Khadzymuratavich, Minsk, Belarus``); an entity's or aircraft's name is the run of
    leading comma parts written in capitals (``RED MUNDIAL INMOBILIARIA, S.A. DE C.V., Calle ...``),
    since OFAC writes names in capitals and addresses in mixed case.
    """
    parts = [part.strip() for part in item.split(", ")]
    if kind == "individual":
        taken = 2 if len(parts) >= 2 and _upper(parts[0]) else 1
    else:
        taken = 1
        while taken < len(parts) and _upper(parts[taken]):
            taken += 1
    name = ", ".join(parts[:taken]).strip()
    if not name:
        raise EntryLineError(f"no name in {_excerpt(item)!r}")
    return _Head(name=name, aliases=[], address=", ".join(parts[taken:]).strip(), vessel_text="")


def _vessel_head(item: str) -> _Head:
    """``PATHFINDER (8P2482) Crude Oil Tanker Barbados flag`` -> name and the vessel text."""
    if (paren := item.find(" (")) > 0:
        return _Head(name=item[:paren].strip(), aliases=[], address="", vessel_text=item[paren:].strip())
    words = item.split()
    taken = 0
    while taken < len(words) and _upper(words[taken]):
        taken += 1
    taken = taken or len(words)
    return _Head(name=" ".join(words[:taken]), aliases=[], address="", vessel_text=" ".join(words[taken:]))


def _parse_vessel(text: str) -> dict[str, str]:
    """``(T2DR4) Crude Oil Tanker 298,731DWT 156,809GRT None Identified flag (OWNER)`` -> CSV columns.

    Tonnage and GRT keep their printed digits ("298,731"), as the CSV does. With no tonnage printed,
    the type ends at its last type word (Tanker, Cargo, Carrier, ...) and the flag is what follows.
    """
    facts: dict[str, str] = {}
    text = text.strip()
    if text.startswith("("):
        end = _groups(text)[0][1]
        facts["call_sign"] = text[1 : end - 1].strip()
        text = text[end:].strip()
    match = _VESSEL_FLAG.match(text)
    if match is None:
        facts["vessel_type"] = text
        return {key: value for key, value in facts.items() if value}
    main = match.group("main").strip()
    tonnages = list(_TONNAGE.finditer(main))
    if tonnages:
        vessel_type, flag = main[: tonnages[0].start()].strip(), main[tonnages[-1].end() :].strip()
        for found in tonnages:
            key = "tonnage" if found.group("unit") == "DWT" else "gross_registered_tonnage"
            facts[key] = found.group("value")
    else:
        words = main.split()
        cut = max((i + 1 for i, word in enumerate(words) if word.casefold() in _VESSEL_TYPE_WORDS), default=0)
        vessel_type, flag = " ".join(words[:cut]), " ".join(words[cut:])
    facts.update(vessel_type=vessel_type, vessel_flag=flag, vessel_owner=(match.group("owner") or "").strip())
    return {key: value for key, value in facts.items() if value}


# --- items after the first one ------------------------------------------------------------------------


def _is_address(item: str) -> bool:
    """A further address: an item no remarks rule recognises (even as a position)."""
    result: RemarksResult = parse_item(item, kind="entity")
    return bool(result.unparsed) and not _ALIAS_START.match(item)


def _title_items(items: list[str]) -> list[str]:
    """The trailing items of an individual's line that read as positions: its CSV ``Title``."""
    taken = 0
    for item in reversed(items):
        result = parse_item(item, kind="individual")
        if not result.positions or item.startswith(("Alternate Title", "alt. ")) or not looks_like_position(item):
            break
        taken += 1
    return items[len(items) - taken :] if taken else []


def _address(text: str) -> AddressRecord:
    """``Flat F, 20 Floor, Block 2, Royal Ascot, Shatin, Hong Kong`` -> street and country.

    The text after the last comma is the country; with one part before it, that part is the city
    (``Minsk, Belarus``), with more they are the street. A single part is the country.
    """
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) == 1:
        return AddressRecord(country=parts[0])
    if len(parts) == 2:
        return AddressRecord(city=parts[0], country=parts[1])
    return AddressRecord(street=", ".join(parts[:-1]), country=parts[-1])


def _excerpt(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
