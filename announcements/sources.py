"""Source adapters of announcements: OFAC Recent Actions, Treasury press releases, State statements.

They plug into the list import's machinery (``importers.services.import_run_execute``): an
``ImportRun`` per run, raw pages kept by hash, one transaction, a failed run writes nothing. What
differs from a list is how pages arrive and what their records are:

* ``fetch`` walks the source's index pages from the newest, fetching each page not seen before, and
  stops at the first index page that holds a page already recorded (only what is new since the last
  run is fetched) or after ``max_index_pages``.
* ``read_local`` reads folders of saved pages (``import_source ofac-recent-actions --path DIR``):
  every ``*.html`` file in them (and ``*.txt``, statements saved as their text), except saved index
  pages (``index*.html``, ``*_pageN.html``). A folder's ``pages.csv`` gives each page's URL, and may
  give its ``title`` and ``date`` for pages saved without them (a Treasury release saved as its
  ``<article>`` has no title; a statement's text may carry no date); what it gives travels in the
  bundle as ``pages.csv`` (url, title, date), so a re-parse of the kept files reads it too.
* The index walk follows the sites' "next page" links (``announcements.parsers.html.NEXT_PAGE_SELECTORS``:
  the U.S. Web Design System pager of OFAC's and Treasury's indexes carries no ``rel="next"``); an
  index read by a fallback selector is reported in the run's warnings.
* ``parse`` parses every page purely into a ``PageRecord``; a page with no structure the parser knows
  fails the whole run with an error naming the page, rather than importing nothing from it silently.
  Records come oldest first (a delisting notice after its listing).
* The records are written by ``announcements.services.announcement_pages_write``, the writer the app
  registers for ``PageRecord`` (``announcements.apps``).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from selectolax.lexbor import LexborHTMLParser

from announcements.parsers import AnnouncementParseError, IndexPage, ParsedAnnouncement
from importers.records import ParsedSource
from importers.sources.base import Fetched, FetchRequest, RawBundle, SourceAdapter, SourceError

logger = logging.getLogger(__name__)

# Saved index pages in a folder of pages: ``index.html``, ``index-2.html``, ``press-releases_page1.html``.
INDEX_PAGE = re.compile(r"^index\b|_page\d+$", re.IGNORECASE)
PAGE_SUFFIXES = (".html", ".htm", ".txt")
MANIFEST = "pages.csv"  # a folder's list of its pages; in a bundle, what it gives per page URL


# Words in a notice's title that announce changes to the lists.
LIST_CHANGE_TITLE = re.compile(
    r"\b(designations?|designated|removals?|deletions?|delistings?|updates?|identifications?)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class PageRecord:
    """One parsed page: its name in the bundle, its URL, the hash of its bytes and what the parser read."""

    name: str
    url: str
    sha256: str
    parsed: ParsedAnnouncement
    reconstructed: bool = False


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

    record_type = PageRecord
    min_records = 1
    index_url: ClassVar[str] = ""
    page_url_prefix: ClassVar[str] = ""
    max_index_pages: ClassVar[int] = 10
    max_page_bytes: ClassVar[int] = 5 * 1024 * 1024

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
    def read_local(self, paths: Sequence[Path]) -> RawBundle:
        """The saved pages of ``paths``, with what their folders' ``pages.csv`` say about them (``MANIFEST``)."""
        bundle = super().read_local(paths)
        hints = [hint for path in paths if path.is_dir() for hint in _folder_hints(path)]
        if any(hint["title"] or hint["date"] or hint["reconstructed"] for hint in hints):
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=["url", "title", "date", "reconstructed"], lineterminator="\n")
            writer.writeheader()
            writer.writerows(hints)
            bundle[MANIFEST] = out.getvalue().encode("utf-8")
        return bundle

    def folder_files(self, folder: Path) -> list[tuple[str, Path]]:
        """The saved pages of a folder, named by their URL where the folder's ``pages.csv`` gives it.

        ``pages.csv`` (columns ``file`` and ``url``, paths relative to the folder) records where each
        saved page was published; without it a page's URL comes from its canonical link or its name.
        """
        rows = _manifest_rows(folder)
        return [(rows.get(relative, {}).get("url") or child.name, child) for relative, child in _saved_pages(folder)]

    def page_url(self, name: str, content: bytes) -> str:
        if name.startswith(("http://", "https://")):
            return name
        return canonical_url(content) or f"{self.page_url_prefix}{Path(name).stem}"

    def fetch(self, request: FetchRequest) -> Fetched:
        """Fetch the pages listed on the index that are not recorded yet (``request.known``), newest first."""
        from importers.fetch import fetch_file

        url = request.url or self.index_url
        if not url:
            raise SourceError(f"{self.slug} has no index URL; import it from saved pages with --path")
        bundle: RawBundle = {}
        warnings: list[str] = []
        for _ in range(self.max_index_pages):
            fetched = fetch_file(url, name="index")
            index = self.parse_index(fetched.content or b"", url)
            for warning in index.warnings:
                logger.warning("%s index: %s", self.slug, warning)
            warnings += index.warnings
            fresh = [item for item in index.items if item.url not in request.known and item.url not in bundle]
            for item in fresh:
                page = fetch_file(item.url, name=item.url)
                if page.content and len(page.content) > self.max_page_bytes:
                    raise SourceError(f"{item.url} is larger than {self.max_page_bytes} bytes")
                bundle[item.url] = page.content or b""
            if len(fresh) < len(index.items) or not index.next_url:
                break
            url = index.next_url
        return Fetched(files=bundle, warnings=tuple(warnings))

    # ---- parse ----
    def parse(self, raw: RawBundle, *, as_of: datetime.date | None = None) -> ParsedSource:
        hints = _bundle_hints(raw.get(MANIFEST))
        reconstructed = {url for url, hint in hints.items() if hint.pop("reconstructed", False)}
        records: list[PageRecord] = []
        warnings: list[str] = []
        for name in sorted(raw):
            if name == MANIFEST:
                continue
            content = raw[name]
            url = self.page_url(name, content)
            try:
                parsed = self.parse_page(content, url, **hints.get(name, {}))
            except AnnouncementParseError as exc:
                if self.announces_list_changes(content):
                    raise SourceError(f"{name}: {exc} Nothing from this run was written.") from exc
                warnings.append(f"{url}: skipped, it announces no list change ({exc})")
                continue
            digest = hashlib.sha256(content).hexdigest()
            records.append(PageRecord(name, url, digest, parsed, reconstructed=name in reconstructed))
            warnings += [w if w.startswith(url) else f"{url}: {w}" for w in parsed.warnings]
        records.sort(key=lambda r: (r.parsed.published_on, r.url))
        entries = Counter(e.action for r in records for e in r.parsed.entries)
        unparsed = sum(1 for r in records for e in r.parsed.entries if e.error)
        stats = {"pages": len(records), "entries": dict(entries), "unparsed_entries": unparsed}
        published = max((r.parsed.published_on for r in records), default=None)
        return ParsedSource(records=records, warnings=warnings, stats=stats, published_on=published)


def _saved_pages(folder: Path) -> list[tuple[str, Path]]:
    """(path relative to the folder, path) of every saved page below ``folder``, saved index pages aside."""
    return [
        (child.relative_to(folder).as_posix(), child)
        for child in sorted(folder.rglob("*"))
        if child.is_file() and child.suffix.lower() in PAGE_SUFFIXES and not INDEX_PAGE.search(child.stem)
    ]


def _manifest_rows(folder: Path) -> dict[str, dict]:
    """The rows of the folder's ``pages.csv`` that give a page's URL, by the page's path in the folder."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle) if row.get("file") and row.get("url")}


def is_bundled_reconstruction(folder: Path) -> bool:
    """Whether ``folder`` is (inside) the bundled demo pages, ``fixtures/announcements/``: pages written from
    reports of the releases, not saved from the publishers (``fixtures/README.md``)."""
    bundled = (settings.BASE_DIR / "fixtures" / "announcements").resolve()
    return folder.resolve().is_relative_to(bundled)


def _folder_hints(folder: Path) -> list[dict[str, str]]:
    """What the folder's ``pages.csv`` says of its pages: url, title, date (checked: YYYY-MM-DD) and whether
    the page is a reconstruction (its ``reconstructed`` column says ``yes``/``true``/``1``, or the folder is
    the bundled demo pages)."""
    rows = _manifest_rows(folder)
    bundled = is_bundled_reconstruction(folder)
    hints = []
    for relative, _ in _saved_pages(folder):
        row = rows.get(relative)
        if row is None:
            continue
        date = (row.get("date") or row.get("published_on") or "").strip()
        if date:
            try:
                datetime.date.fromisoformat(date)
            except ValueError as exc:
                message = f"{folder / MANIFEST}: {relative} has a date that is not YYYY-MM-DD: {date!r}"
                raise SourceError(message) from exc
        flag = bundled or (row.get("reconstructed") or "").strip().lower() in ("yes", "true", "1")
        hints.append(
            {
                "url": row["url"],
                "title": (row.get("title") or "").strip(),
                "date": date,
                "reconstructed": "yes" if flag else "",
            }
        )
    return hints


def _bundle_hints(manifest: bytes | None) -> dict[str, dict]:
    """Page name -> the ``title`` and ``published_on`` a bundle's ``MANIFEST`` gives for it."""
    if not manifest:
        return {}
    hints = {}
    for row in csv.DictReader(io.StringIO(manifest.decode("utf-8"), newline="")):
        hint: dict = {"title": row.get("title") or "", "reconstructed": row.get("reconstructed") == "yes"}
        if row.get("date"):
            try:
                hint["published_on"] = datetime.date.fromisoformat(row["date"])
            except ValueError as exc:
                raise SourceError(f"{MANIFEST}: {row.get('url')} has a date that is not YYYY-MM-DD") from exc
        hints[row.get("url") or ""] = hint
    return hints


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


# Registered by the app when it is ready (``announcements.apps``).
ADAPTERS: tuple[type[AnnouncementSource], ...] = (OfacRecentActionsSource, TreasuryPressSource, StatePressSource)
