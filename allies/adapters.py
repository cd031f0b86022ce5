"""The allied lists as import sources: one adapter per list and format, each over its pure parser.

They run through the import machinery like OFAC's (``import_source``, the admin's upload, Celery): the same
run lifecycle, dry runs, a floor under which a file is refused, kept raw files. Each list file is the whole
list, so an entry it no longer carries is marked removed (never deleted). The records are written by
``allies.writers``.

The publishers' own formats download from the URLs configured in ``IMPORT_SOURCE_URLS`` (settings, each
overridable from the environment), and the beat schedule imports the current UK, EU, Canadian and Australian
lists weekly (``IMPORT_ALLIED_INTERVAL_SECONDS``). The scrapes (``-ammitto``) have no URL: they are imported
from disk (``--path``), as the project holds them under the data directory (``allied/``).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import ClassVar

from allies.parsers import MODULES, parser
from allies.records import AlliedRecord
from importers.records import ParsedSource
from importers.sources.base import RawBundle, SourceAdapter

# What each format's file is called, by the end of its name (the parser picks the one file it reads).
_SUFFIXES = {
    "xlsx": (".xlsx",),
    "csv": (".csv",),
    "xml": (".xml",),
    "ammitto": (".tar.gz", ".tgz", ".tar"),
}
# The file each official format is published as (the name a download or an upload is kept under).
FILES = {
    "uk-ofsi-conlist-xlsx": ("ConList.xlsx",),
    "uk-ofsi-conlist-csv": ("ConList.csv",),
    "uk-sanctions-list-csv": ("UK-Sanctions-List.csv",),
    "uk-sanctions-list-xml": ("UK-Sanctions-List.xml",),
    "eu-fsf-xml": ("xmlFullSanctionsList_1_1.xml",),
    "ca-sema-lmes-xml": ("sema-lmes.xml",),
    "au-dfat-consolidated-xlsx": ("regulation8_consolidated.xlsx",),
}
# Each list's name, shared by its formats (the adapters' names add the format; the pages show it as is).
LIST_NAMES = {
    "uk-ofsi-conlist": "UK OFSI Consolidated List",
    "uk-sanctions-list": "UK Sanctions List (FCDO)",
    "eu-fsf": "EU consolidated financial sanctions list",
    "ca-sema-lmes": "Canada consolidated autonomous sanctions list",
    "au-dfat-consolidated": "Australia DFAT consolidated list",
}


class AlliedListSource(SourceAdapter):
    """An allied list in one format (``parser_slug``, a key of ``allies.parsers.MODULES``)."""

    parser_slug: ClassVar[str]
    record_type = AlliedRecord
    is_complete_snapshot = True
    # The smallest real list held has 1,000+ entries; a file with fewer than this is cut or the wrong one.
    min_records = 100

    @property
    def suffixes(self) -> tuple[str, ...]:
        return _SUFFIXES[self.parser_slug.rsplit("-", 1)[1]]

    def folder_files(self, folder: Path) -> list[tuple[str, Path]]:
        """The files of ``folder`` in this format (the parser refuses a folder holding two)."""
        return sorted(
            (child.name, child)
            for child in folder.iterdir()
            if child.is_file() and child.name.lower().endswith(self.suffixes)
        )

    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        parsed = parser(self.parser_slug).parse(raw)
        return ParsedSource(
            records=list(parsed.records),
            warnings=list(parsed.warnings),
            stats=dict(parsed.stats),
            published_on=parsed.published_on,
        )


def _adapter(parser_slug: str) -> type[AlliedListSource]:
    module = parser(parser_slug)
    name = f"{LIST_NAMES.get(module.LIST_SLUG, module.LIST_SLUG)} ({parser_slug.rsplit('-', 1)[1]})"
    return type(
        "".join(part.title() for part in parser_slug.split("-")) + "Source",
        (AlliedListSource,),
        {
            "slug": parser_slug,
            "parser_slug": parser_slug,
            "list_source": module.LIST_SLUG,
            "name": name,
            "files": FILES.get(parser_slug, ()),
        },
    )


ADAPTERS: tuple[type[AlliedListSource], ...] = tuple(_adapter(slug) for slug in MODULES)
