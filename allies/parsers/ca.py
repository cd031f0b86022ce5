"""Canada's Consolidated Canadian Autonomous Sanctions List (``sema-lmes.xml``), one ``record`` per listing.

Global Affairs Canada lists everyone designated under the Special Economic Measures Act regulations and
the Justice for Victims of Corrupt Foreign Officials Regulations in one flat file. Each ``record``:

* ``Country``: the regulations, bilingual: "Russia / Russie", "China / Chine", or for the Magnitsky law
  "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / Règlement ... (RJVDEC)"
  (the 2020 copy has a no-break space after the slash);
* ``LastName`` + ``GivenName`` for a person; ``Entity`` (2020) or ``EntityOrShip`` (later editions) for
  an entity or a ship;
* ``DateOfBirth`` (2020) or ``DateOfBirthOrShipBuildDate`` (later): a person's birth date ("1958-01-01",
  "1958", "1962-05-02 or 1962-05-03"), or a ship's build year;
* ``Title`` / ``TitleOrShip``, ``ShipIMONumber`` (later editions), ``Aliases`` (comma-separated);
* ``Schedule`` ("1", "1, Part 2", "Part 1", "N/A" or absent) and ``Item``: the listing's place in the
  regulations' schedule, its only identifier;
* ``DateOfListing`` (yyyy-mm-dd): in later editions only; the 2020 copy has none.

Later element names follow what public readers of the current file use (OpenSanctions
``datasets/ca/dfatd/crawler.py``) and the ammitto scrape's keys (``entity_or_ship``,
``date_of_birth_or_ship_build_date``, ``date_of_listing``).

Canada publishes no id, so ``source_uid`` is the SHA-256 of Country, Schedule and Item, whitespace
collapsed (the editions differ in spaces: "Venezuela " and "Moldova " carry a trailing one, the JVCFOR
label a no-break space). That key is stable only while Canada keeps the schedule numbering and the
regime's label: Burma's label became "Myanmar (Burma) / Myanmar (Birmanie)" and its schedule "1" became
"1, Part 1" between 2020 and 2026, so the same listing has different keys across those editions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from allies.dates import free_text_birth_dates, parse_iso
from allies.parsers.ammitto import Doc
from allies.parsers.common import Regimes, join_name, meaningful, script_of, unique
from allies.records import AlliedDesignation, AlliedRecord, IdentifierRecord, ListingDate, NameRecord

PUBLISHER = "ca"
LIST_SLUG = "ca-sema-lmes"
# "Air Bagan Holdings Pte. Ltd., Air Bagan Limited": split on commas, but not before a company suffix.
_ALIAS_SPLIT = re.compile(r"\s*[,;]\s*")
_SUFFIX = re.compile(
    r"^(?:ltd|limited|inc|llc|co|corp|plc|jsc|ojsc|pjsc|cjsc|gmbh|s\.?a|s\.?a\.?r\.?l|l\.?p)\.?$", re.I
)


def source_uid(country: str, schedule: str, item: str) -> str:
    """The SHA-256 of the listing's distinguishing fields, whitespace collapsed (see the module docstring)."""
    key = "\x1f".join(" ".join(value.split()) for value in (country, schedule, item))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_aliases(text: str) -> list[str]:
    pieces: list[str] = []
    for piece in _ALIAS_SPLIT.split(" ".join(text.split())):
        if not piece:
            continue
        if pieces and _SUFFIX.match(piece):
            pieces[-1] = f"{pieces[-1]}, {piece}"
        else:
            pieces.append(piece)
    return pieces


def read(doc: Doc, regime_table: Regimes, stats: Counter, *, source: str) -> AlliedRecord:
    """One ``record`` (as a snake-case mapping) -> one record; ``ValueError`` when it cannot be."""
    country = doc.text("country", required=True)
    item = doc.text("item", required=True)
    schedule_raw = doc.text("schedule")
    schedule = "" if schedule_raw.upper() == "N/A" else schedule_raw
    last, given = doc.text("last_name"), doc.text("given_name")
    entity = doc.text("entity_or_ship") or doc.text("entity")
    born = doc.text("date_of_birth_or_ship_build_date") or doc.text("date_of_birth")
    title = doc.text("title_or_ship") or doc.text("title")
    imo = doc.text("ship_imo_number")
    aliases_text = doc.text("aliases")
    listed_raw = doc.text("date_of_listing")
    doc.done()

    if last or given:
        kind = "individual"
        parts = tuple((label, value) for label, value in (("GivenName", given), ("LastName", last)) if value)
        name = join_name(value for _, value in parts)
    elif entity:
        # A build date belongs to a ship: companies have none (731 such records in the 2026 scrape).
        kind = "vessel" if imo or born else "entity"
        parts, name = (("EntityOrShip", entity),), entity
    else:
        raise ValueError("no name")

    dates = []
    if listed_raw:
        listed = parse_iso(listed_raw)
        if listed is None:
            stats["unreadable_listed"] += 1
        else:
            dates.append(ListingDate(kind="listed", date=listed, raw=listed_raw))
    else:
        stats["without_listing_date"] += 1
    birth_dates = free_text_birth_dates(born) if born and kind == "individual" else []
    stats["birth_dates_text_only"] += sum(record.date_from is None for record in birth_dates)

    aliases = tuple(
        NameRecord(
            name=alias, kind="alias" if script_of(alias) in {"Latn", ""} else "original_script", script=script_of(alias)
        )
        for alias in unique(split_aliases(aliases_text))
    )
    if not schedule:
        reference = f"Item {item}"
    elif schedule[:1].isdigit():  # "1", "1, Part 2": the schedule's number
        reference = f"Schedule {schedule}, item {item}"
    else:  # "Part 1": the schedule's part
        reference = f"{schedule}, item {item}"
    designation = AlliedDesignation(
        regime=country,
        regime_code=regime_table.code(country),
        reference=reference,
        dates=tuple(dates),
        instrument=schedule_raw,
    )
    references = [("ca_schedule", schedule_raw)] if schedule_raw else []
    references.append(("ca_item", item))
    return AlliedRecord(
        publisher=PUBLISHER,
        list_slug=LIST_SLUG,
        source=source,
        source_uid=source_uid(country, schedule_raw, item),
        kind=kind,
        name=name,
        name_parts=parts,
        aliases=tuple(alias for alias in aliases if alias.kind == "alias"),
        non_latin_names=tuple(alias for alias in aliases if alias.kind == "original_script"),
        birth_dates=tuple(birth_dates),
        identifiers=(IdentifierRecord(kind="IMO number", value=imo),) if imo else (),
        titles=(meaningful(title),) if meaningful(title) and kind != "vessel" else (),
        designations=(designation,),
        references=tuple(references),
    )
