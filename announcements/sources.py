"""Source adapters of announcements: OFAC Recent Actions, Treasury press releases, State statements.

They plug into the list import's machinery (``importers.services.import_run_execute``): an
``ImportRun`` per run, raw pages kept by hash, one transaction, a failed run writes nothing. What
differs from a list is how pages arrive and how they are written:

* ``load`` walks the source's index pages from the newest, fetching each page not seen before, and
  stops at the first index page that holds a page already recorded (only what is new since the last
  run is fetched) or after ``max_index_pages``.
* ``local_files`` reads a folder of saved pages (``import_source ofac-recent-actions --path DIR``):
  every ``*.html`` file in it (and ``*.txt``, statements saved as their text), except saved index
  pages (``index*.html``, ``*_pageN.html``). The folder's ``pages.csv`` gives each page's URL, and may
  give its ``title`` and ``date`` for pages saved without them (a Treasury release saved as its
  ``<article>`` has no title; a statement's text may carry no date).
* The index walk follows the sites' "next page" links (``announcements.parsers.html.NEXT_PAGE_SELECTORS``:
  the U.S. Web Design System pager of OFAC's and Treasury's indexes carries no ``rel="next"``); an
  index read by a fallback selector is reported in the run's warnings.
* ``parse`` parses every page purely; a page with no structure the parser knows fails the whole run
  with an error naming the page, rather than importing nothing from it silently.
* ``upsert`` records pages oldest first (a delisting notice after its listing) and resolves their
  mentions (``announcements.services``).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from announcements.parsers import AnnouncementParseError, IndexPage, ParsedAnnouncement
from designations.models import SourceDocument
from importers.records import ParsedSource
from importers.sources import register
from importers.sources.base import RawBundle, SourceAdapter, SourceError

logger = logging.getLogger(__name__)

# Saved index pages in a folder of pages: ``index.html``, ``index-2.html``, ``press-releases_page1.html``.
INDEX_PAGE = re.compile(r"^index\b|_page\d+$", re.IGNORECASE)
PAGE_SUFFIXES = (".html", ".htm", ".txt")


# Words in a notice's title that announce changes to the lists.
LIST_CHANGE_TITLE = re.compile(
    r"\b(designations?|designated|removals?|deletions?|delistings?|updates?|identifications?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class PageRecord:
    """One parsed page with the bytes' hash and where the raw copy is kept."""

    name: str
    url: str
    sha256: str
    raw_file: str
    parsed: ParsedAnnouncement


def canonical_url(content: bytes) -> str:
    """The page's own URL, from ``<link rel=canonical>`` or ``og:url``, when it states one."""
    tree = LexborHTMLParser(content.decode("utf-8", errors="replace"))
    for selector, attribute in (('link[rel="canonical"]', "href"), ('meta[property="og:url"]', "content")):
        node = tree.css_first(selector)
        if node is not None and (node.attributes.get(attribute) or "").startswith("http"):
            return node.attributes[attribute].strip()
    return ""


class AnnouncementSource(SourceAdapter):
    """Base of the announcement adapters; subclasses set the URLs and the two parse functions."""

    record_kind = "announcement"
    min_records = 1
    index_url: ClassVar[str] = ""
    page_url_prefix: ClassVar[str] = ""
    max_index_pages: ClassVar[int] = 10
    max_page_bytes: ClassVar[int] = 5 * 1024 * 1024

    def __init__(self) -> None:
        super().__init__()
        self.page_hints: dict[str, dict] = {}  # page name -> title and date a folder's pages.csv gives
        self.index_warnings: list[str] = []  # fallbacks used while walking the index

    def parse_page(
        self, content: bytes, url: str, *, title: str = "", published_on: datetime.date | None = None
    ) -> ParsedAnnouncement:
        raise NotImplementedError

    def parse_index(self, content: bytes, url: str) -> IndexPage:
        raise NotImplementedError

    def announces_list_changes(self, content: bytes) -> bool:
        """Whether a page the parser could not read should have held list changes (then the run fails)."""
        return True

    # ---- raw input ----
    def local_files(self, folder: Path) -> list[tuple[str, Path]]:
        """The saved pages of a folder, named by their URL where the folder's ``pages.csv`` gives it.

        ``pages.csv`` (columns ``file`` and ``url``, paths relative to the folder) records where each
        saved page was published; without it a page's URL comes from its canonical link or its name.
        """
        rows: dict[str, dict] = {}
        manifest = folder / "pages.csv"
        if manifest.is_file():
            with manifest.open(encoding="utf-8", newline="") as handle:
                rows = {row["file"]: row for row in csv.DictReader(handle) if row.get("file") and row.get("url")}
        files = []
        for child in sorted(folder.rglob("*")):
            if child.is_file() and child.suffix.lower() in PAGE_SUFFIXES and not INDEX_PAGE.search(child.stem):
                relative = child.relative_to(folder).as_posix()
                row = rows.get(relative, {})
                name = row.get("url") or child.name
                files.append((name, child))
                hints = {"title": (row.get("title") or "").strip()}
                if date := (row.get("date") or row.get("published_on") or "").strip():
                    try:
                        hints["published_on"] = datetime.date.fromisoformat(date)
                    except ValueError as exc:
                        message = f"{manifest}: {relative} has a date that is not YYYY-MM-DD: {date!r}"
                        raise SourceError(message) from exc
                self.page_hints[name] = hints
        return files

    def page_url(self, name: str, content: bytes) -> str:
        if name.startswith(("http://", "https://")):
            return name
        return canonical_url(content) or f"{self.page_url_prefix}{Path(name).stem}"

    def load(self, run) -> RawBundle:
        """Fetch the pages listed on the index that are not recorded yet, newest first."""
        from importers.fetch import fetch_file

        url = getattr(settings, "IMPORT_SOURCE_URLS", {}).get(self.slug) or self.index_url
        if not url:
            raise SourceError(f"{self.slug} has no index URL; import it from saved pages with --path")
        known = set(SourceDocument.objects.filter(source=self.slug).values_list("source_uid", flat=True))
        bundle: RawBundle = {}
        for _ in range(self.max_index_pages):
            fetched = fetch_file(url, name="index")
            index = self.parse_index(fetched.content or b"", url)
            for warning in index.warnings:
                logger.warning("%s index: %s", self.slug, warning)
            self.index_warnings += index.warnings
            fresh = [item for item in index.items if item.url not in known and item.url not in bundle]
            for item in fresh:
                page = fetch_file(item.url, name=item.url)
                if page.content and len(page.content) > self.max_page_bytes:
                    raise SourceError(f"{item.url} is larger than {self.max_page_bytes} bytes")
                bundle[item.url] = page.content or b""
            if len(fresh) < len(index.items) or not index.next_url:
                break
            url = index.next_url
        return bundle

    # ---- parse ----
    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        from importers.services import kept_raw_path

        records: list[PageRecord] = []
        warnings: list[str] = list(self.index_warnings)
        for name in sorted(raw):
            content = raw[name]
            url = self.page_url(name, content)
            try:
                parsed = self.parse_page(content, url, **self.page_hints.get(name, {}))
            except AnnouncementParseError as exc:
                if self.announces_list_changes(content):
                    raise SourceError(f"{name}: {exc} Nothing from this run was written.") from exc
                warnings.append(f"{url}: skipped, it announces no list change ({exc})")
                continue
            sha256 = hashlib.sha256(content).hexdigest()
            records.append(PageRecord(name, url, sha256, kept_raw_path(name, sha256), parsed))
            warnings += [w if w.startswith(url) else f"{url}: {w}" for w in parsed.warnings]
        records.sort(key=lambda r: (r.parsed.published_on, r.url))
        entries = Counter(e.action for r in records for e in r.parsed.entries)
        unparsed = sum(1 for r in records for e in r.parsed.entries if e.error)
        stats = {"pages": len(records), "entries": dict(entries), "unparsed_entries": unparsed}
        published = max((r.parsed.published_on for r in records), default=None)
        return ParsedSource(records=records, warnings=warnings, stats=stats, published_on=published)

    # ---- write ----
    def upsert(self, parsed: ParsedSource, run):
        from designations.matching import index_frozen
        from importers.upsert import UpsertResult

        result = UpsertResult(records=len(parsed.records))
        statuses: Counter = Counter()
        with index_frozen():
            self._upsert_pages(parsed, run, result, statuses)
        result.stats = {"mentions": dict(statuses)}
        if statuses.get("review"):
            result.warnings.append(f"{statuses['review']} mentions wait for an editor in the review queue")
        if statuses.get("unparsed"):
            result.warnings.append(f"{statuses['unparsed']} entries could not be parsed; kept for review")
        return result

    def _upsert_pages(self, parsed: ParsedSource, run, result, statuses: Counter) -> None:
        from announcements.services import announcement_record, mention_resolve

        for record in parsed.records:
            outcome = announcement_record(
                parsed=record.parsed, content_sha256=record.sha256, raw_file=record.raw_file, import_run=run
            )
            setattr(result, outcome.status, getattr(result, outcome.status) + 1)
            for mention in outcome.mentions:
                mention_resolve(mention, import_run=run)
                statuses[mention.status] += 1


@register
class OfacRecentActionsSource(AnnouncementSource):
    slug = "ofac-recent-actions"
    name = "OFAC Recent Actions"
    list_source = "ofac-recent-actions"
    index_url = "https://ofac.treasury.gov/recent-actions"
    page_url_prefix = "https://ofac.treasury.gov/recent-actions/"

    def announces_list_changes(self, content: bytes) -> bool:
        """Notices titled as designations, removals or updates must have sections; guidance notices need not.

        OFAC's Recent Actions also carry general licences, guidance and file-format announcements with no
        list change: those are skipped with a warning. A notice whose title announces list changes but
        whose sections cannot be found fails the run (the layout changed).
        """
        tree = LexborHTMLParser(content.decode("utf-8", errors="replace"))
        node = tree.css_first("h1") or tree.css_first("title")
        title = node.text(strip=True) if node is not None else ""
        return not title or bool(LIST_CHANGE_TITLE.search(title))

    def parse_page(
        self, content: bytes, url: str, *, title: str = "", published_on: datetime.date | None = None
    ) -> ParsedAnnouncement:
        from announcements.parsers.recent_actions import parse_notice

        return parse_notice(content, url)

    def parse_index(self, content: bytes, url: str) -> IndexPage:
        from announcements.parsers.recent_actions import parse_index

        return parse_index(content, url)


@register
class TreasuryPressSource(AnnouncementSource):
    slug = "treasury-press"
    name = "Treasury press releases"
    list_source = "treasury-press"
    index_url = "https://ofac.treasury.gov/press-releases"
    page_url_prefix = "https://home.treasury.gov/news/press-releases/"

    def parse_page(
        self, content: bytes, url: str, *, title: str = "", published_on: datetime.date | None = None
    ) -> ParsedAnnouncement:
        from announcements.parsers.treasury import parse_release

        return parse_release(content, url, title=title, published_on=published_on)

    def parse_index(self, content: bytes, url: str) -> IndexPage:
        from announcements.parsers.treasury import parse_index

        return parse_index(content, url)


@register
class StatePressSource(AnnouncementSource):
    slug = "state-press"
    name = "State Department statements and reports"
    list_source = "state-press"
    index_url = "https://www.state.gov/press-releases/"
    page_url_prefix = "https://www.state.gov/"

    def parse_page(
        self, content: bytes, url: str, *, title: str = "", published_on: datetime.date | None = None
    ) -> ParsedAnnouncement:
        from announcements.parsers.state import parse_statement

        return parse_statement(content, url, title=title, published_on=published_on)

    def parse_index(self, content: bytes, url: str) -> IndexPage:
        from announcements.parsers.state import parse_index

        return parse_index(content, url)
