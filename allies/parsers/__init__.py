"""One pure parser per allied list and format: ``parse(raw: dict[str, bytes]) -> ParsedAlliedSource``.

Each parser module names its ``SLUG`` (the parser), ``PUBLISHER`` and ``LIST_SLUG`` (the list, shared by
its formats: records of one list carry the same keys whichever format they were read from). No database,
no network: the bytes in, records, warnings and figures out.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# slug -> module, in the order of the lists (UK, EU, Canada, Australia).
MODULES = {
    "uk-ofsi-conlist-xlsx": "uk_ofsi_xlsx",
    "uk-ofsi-conlist-csv": "uk_ofsi_csv",
    "uk-sanctions-list-csv": "uk_fcdo_csv",
    "uk-sanctions-list-xml": "uk_fcdo_xml",
    "uk-sanctions-list-ammitto": "uk_ammitto",
    "eu-fsf-xml": "eu_fsf_xml",
    "eu-fsf-ammitto": "eu_ammitto",
    "ca-sema-lmes-xml": "ca_sema_xml",
    "ca-sema-lmes-ammitto": "ca_ammitto",
    "au-dfat-consolidated-xlsx": "au_dfat_xlsx",
    "au-dfat-consolidated-ammitto": "au_ammitto",
}


def parser(slug: str) -> ModuleType:
    """The parser module of a slug; ``KeyError`` names the known slugs."""
    if slug not in MODULES:
        raise KeyError(f"unknown allied parser {slug!r}; known: {', '.join(MODULES)}")
    return importlib.import_module(f"allies.parsers.{MODULES[slug]}")
