"""DFAT's Consolidated List (Australia): what the xlsx and the ammitto scrape share.

DFAT lists every listing under a numeric ``Reference`` ("6830"); its other names are rows of their own
with a letter suffix ("6830a", "6830b"; a few have a further digit, "34c1"). A listing's regime is its
``Committees`` value: a UN committee ("1267/1989/2253 (ISIL (Da'esh) and Al-Qaida)") or an autonomous
regime ("Autonomous (Russia)", "Autonomous (Thematic - Human Rights)", and "Autonomous (Thematic
U+2013 Corruption)", written with an en dash).

Dates (regulation8_consolidated.xlsx of November 2024):

* ``Control Date`` is the day the entry was last changed, not necessarily its listing date: kept as
  ``control_date``;
* ``Listing Information`` is prose. It names the instrument ("Autonomous Sanctions (Designated Persons
  and Entities and Declared Persons—Thematic Sanctions) Instrument 2022") and often, for older regimes,
  the dates: "Designated under the Autonomous Sanctions Regulations 2011 on 2 March 2012. Relisted on
  12 January 2024.", "Listed on 2 Sep. 2014 (relisted on 1 Sep. 2017)". Those become ``listed`` and
  ``relisted`` dates (``allies.dates.listing_information_dates``). The thematic listings state only
  their instrument.
"""

from __future__ import annotations

import re

from allies.parsers.common import script_of
from allies.records import ListingDate, NameRecord

PUBLISHER = "au"
LIST_SLUG = "au-dfat-consolidated"
TYPES = {"individual": "individual", "entity": "entity", "vessel": "vessel", "person": "individual",
         "organization": "entity", "organisation": "entity"}  # fmt: skip
NAME_TYPES = {
    "primary name": "primary",
    "aka": "alias",
    "alias": "alias",
    "original script": "original_script",
    "formerly known as": "former",
    "previously listed as": "former",
}
_REFERENCE = re.compile(r"(\d+)([a-z]*\d*)")


def base_reference(reference: str) -> str | None:
    """ "6830" -> "6830", "6830a" -> "6830", "34c1" -> "34"; None for anything else."""
    match = _REFERENCE.fullmatch(reference.strip())
    return match.group(1) if match else None


def name_kind(name_type: str) -> str:
    """DFAT's "Name Type" ("Primary Name ", "aka", "Original script") as a ``NameRecord.kind``; alias when unknown."""
    return NAME_TYPES.get(" ".join(name_type.split()).casefold(), "alias")


def name_record(text: str, name_type: str, *, strength: str = "") -> NameRecord:
    kind = name_kind(name_type)
    script = script_of(text)
    if kind == "alias" and script not in {"Latn", ""}:
        kind = "original_script"
    return NameRecord(name=text, kind=kind, quality=strength, weak=strength.casefold() == "weak", script=script)


def control_date(day, raw: str) -> tuple[ListingDate, ...]:
    return (ListingDate(kind="control_date", date=day, raw=raw),) if day else ()
