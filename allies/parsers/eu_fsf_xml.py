"""The EU Financial Sanctions Files, full list XML ("xmlFullSanctionsList" 1.1).

**No real copy of this file was available**: every public copy found is over 4 MiB and was missing from
the snapshots (PROVENANCE.md). This parser follows the published layout instead (the element and
attribute names are listed in ``allies.parsers.eu``): the file served at
``https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content``, as read by
OpenSanctions (``zavod/zavod/shed/fsf.py``, ``datasets/eu/fsf/crawler.py``) and as its public test
fixtures show it (root ``export`` in the namespace ``http://eu.europa.ec/fpi/fsd/export`` with
``generationDate``; ``sanctionEntity`` elements with their attributes and children). The tests read a
sample constructed from that layout, with the values of the ammitto scrape's record for ZHU Hailun,
labelled as constructed.

Each ``sanctionEntity`` is converted to the mapping the ammitto scrape uses (attribute names in snake
case, repeated children as lists, empty attributes left out), so both formats share ``eu.read``. Unknown
attributes and elements end up as unknown fields in the warnings.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from allies.parsers import eu
from allies.parsers.ammitto import Doc
from allies.parsers.common import RawBundle, Regimes, finish, pick_file
from allies.records import ParsedAlliedSource
from importers.xmlsafe import Element, children, iterparse, localname, release, text_of

__all__ = ["LIST_SLUG", "PUBLISHER", "SLUG", "entity_mapping", "parse"]

SLUG = "eu-fsf-xml"
PUBLISHER, LIST_SLUG = eu.PUBLISHER, eu.LIST_SLUG

LIST_CHILDREN = {
    "regulation": "regulations",
    "nameAlias": "name_aliases",
    "citizenship": "citizenships",
    "birthdate": "birthdates",
    "address": "addresses",
    "identification": "identifications",
    "regulationSummary": "regulation_summaries",
    "contactInfo": "contact_infos",
}
TEXT_CHILDREN = {"remark": "remark", "publicationUrl": "publication_url"}
SINGLE_CHILDREN = {"subjectType": "subject_type"}


def snake(name: str) -> str:
    """``euReferenceNumber`` -> ``eu_reference_number``, ``countryIso2Code`` -> ``country_iso2_code``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def entity_mapping(element: Element) -> dict:
    """An FSF element as the ammitto scrape writes it: attributes in snake case, empty ones left out."""
    mapping: dict = {snake(name): value for name, value in element.attrib.items() if value and not name.startswith("{")}
    for child in children(element):
        name = localname(child)
        if name in LIST_CHILDREN:
            mapping.setdefault(LIST_CHILDREN[name], []).append(entity_mapping(child))
        elif name in TEXT_CHILDREN:
            if text := text_of(child):
                key = TEXT_CHILDREN[name]
                mapping[key] = f"{mapping[key]}\n{text}" if key in mapping else text
        elif name in SINGLE_CHILDREN:
            mapping[SINGLE_CHILDREN[name]] = entity_mapping(child)
        else:  # left for the field audit: reported as an unknown field
            mapping[f"<{name}>"] = entity_mapping(child)
    return mapping


def parse(raw: RawBundle) -> ParsedAlliedSource:
    """Read the FSF XML into one record per ``sanctionEntity`` (logical id).

    1. Stream the file safely (``importers.xmlsafe``); the root must be ``export``.
    2. Convert each entity (``entity_mapping``) and read it (``eu.read``); one that cannot be read, or
       whose logical id was seen before, is skipped with a warning.
    """
    name, data = pick_file(raw, what=SLUG, suffixes=(".xml",))
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    regime_table = Regimes(PUBLISHER, name)
    seen: set[str] = set()
    root: Element | None = None
    for event, element in iterparse(data, what=name, root="export"):
        if root is None:
            root = element
            generated = element.get("generationDate", "")
            try:
                result.published_on = datetime.datetime.fromisoformat(generated).date()
            except ValueError:
                result.warnings.append(f"{name}: no readable generationDate ({generated!r}); the list has no date")
            continue
        if event != "end" or element.getparent() is not root:
            continue
        tag = localname(element)
        if tag == "sanctionEntity":
            stats["entities"] += 1
            logical_id = element.get("logicalId", "")
            try:
                record = eu.read(
                    Doc(entity_mapping(element), "sanctionEntity", unknown), regime_table, stats, source=SLUG
                )
                if record.source_uid in seen:
                    raise ValueError("its logicalId appears twice")
            except ValueError as exc:
                stats["skipped"] += 1
                result.warnings.append(f"{name}: skipped sanctionEntity {logical_id or '(no logicalId)'}: {exc}")
            else:
                seen.add(record.source_uid)
                result.records.append(record)
        else:
            unknown[tag] += 1
        release(element)
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=name)
