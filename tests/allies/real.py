"""The real allied files, each parsed once per test session (the larger ones take seconds)."""

from __future__ import annotations

import functools

from allies.parsers import (
    au_ammitto,
    au_dfat_xlsx,
    ca_ammitto,
    ca_sema_xml,
    eu_ammitto,
    uk_ammitto,
    uk_ofsi_xlsx,
)
from allies.records import AlliedRecord, ParsedAlliedSource
from tests.allies import rawfiles
from tests.datafiles import data_bytes

REAL = {
    uk_ofsi_xlsx.SLUG: (uk_ofsi_xlsx, rawfiles.OFSI),
    uk_ammitto.SLUG: (uk_ammitto, rawfiles.UK_SCRAPE),
    eu_ammitto.SLUG: (eu_ammitto, rawfiles.EU_SCRAPE),
    ca_sema_xml.SLUG: (ca_sema_xml, rawfiles.CA_XML),
    ca_ammitto.SLUG: (ca_ammitto, rawfiles.CA_SCRAPE),
    au_dfat_xlsx.SLUG: (au_dfat_xlsx, rawfiles.DFAT),
    au_ammitto.SLUG: (au_ammitto, rawfiles.AU_SCRAPE),
}


@functools.cache
def parsed(slug: str) -> ParsedAlliedSource:
    module, parts = REAL[slug]
    return module.parse({parts[-1]: data_bytes(*parts)})


def by_uid(slug: str) -> dict[str, AlliedRecord]:
    return {record.source_uid: record for record in parsed(slug).records}


def find(slug: str, predicate) -> list[AlliedRecord]:
    return [record for record in parsed(slug).records if predicate(record)]
