"""Treasury press releases and their index, parsed purely (bytes in, ``ParsedAnnouncement`` out).

Layout relied on (home.treasury.gov, Drupal; the selectors of OpenSanctions' press-release crawler,
``datasets/us/ofac/press_releases/crawler.py``, and the saved release pages in its ``evals/sources``):

* index: ``https://ofac.treasury.gov/press-releases?page=N``, one ``table.views-table`` whose rows
  link to ``/news/press-releases/<number>``; other links in the table (PDFs) are skipped;
* release: the title in ``h2.uswds-page-title``, the body in ``article.entity--type-node`` (the text
  in its ``field--name-field-news-body``), the date in ``time.datetime[datetime]``;
* in the body, the people and entities designated are in bold on first mention, often followed by
  the short form or another spelling in parentheses: "<b>Yuriy Khadzymuratavich Kareau</b> (Karaeu)"
  (``sm1143``); the legal basis is written "pursuant to Executive Order (E.O.) 13405".

Names in running text are candidates for linking, not list entries: each becomes a ``LISTED`` entry
without a ``record``, with the spellings, position, reason and legal basis the text gives.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from announcements.parsers.base import (
    Action,
    AnnouncementParseError,
    IndexItem,
    IndexPage,
    ParsedAnnouncement,
    ParsedEntry,
)
from announcements.parsers.html import (
    HEADING_TAGS,
    absolute,
    acts_in,
    authorities_in,
    blocks,
    bold_runs,
    date_from_iso,
    date_from_text,
    find_first,
    is_heading,
    legal_bases,
    next_page_url,
    parse_html,
    raw_text,
    sentences,
    spaced_text,
    text_of,
)
from announcements.parsers.prose import guess_kind, position_after, variants_after

SOURCE = "treasury-press"
KIND = "press_release"
AGENCY = "treasury"

TITLE_SELECTORS = ("h2.uswds-page-title", "h1", "h2")
ARTICLE_SELECTORS = ("article.entity--type-node", "article", "main")
BODY_SELECTORS = (".field--name-field-news-body",)
DATE_SELECTORS = ("time.datetime[datetime]", "time[datetime]")
_RELEASE_PATH = re.compile(r"/news/press-releases/(?P<number>[A-Za-z]*\d+)/?$")
_DESIGNATION = re.compile(r"\bdesignat\w*\b.*\b(?:pursuant to|under)\b", re.IGNORECASE)


def release_number(url: str) -> str:
    """``https://home.treasury.gov/news/press-releases/sm1143`` -> ``sm1143`` (the path's last segment)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def parse_release(html: bytes, url: str) -> ParsedAnnouncement:
    """Parse one press release: title, date, number, authorities, lead paragraph, named designees."""
    tree = parse_html(html, url)
    warnings: list[str] = []
    title = _title(tree, url, warnings)
    article = _article(tree, url, warnings)
    body_found = find_first(article, BODY_SELECTORS)
    body = body_found.node if body_found else article
    published_on = _date(tree, article, url, warnings)

    paragraphs = [node for node in blocks(body) if text_of(node) != "###"]
    texts = [text_of(node) for node in paragraphs]
    full_text = "\n".join(texts)
    summary = next((text for node, text in zip(paragraphs, texts, strict=True) if not is_heading(node)), "")
    entries = _entries(paragraphs, full_text, warnings, url)
    return ParsedAnnouncement(
        source=SOURCE,
        kind=KIND,
        url=url,
        title=title,
        published_on=published_on,
        number=release_number(url),
        agency=AGENCY,
        authorities=authorities_in(full_text),
        summary=summary,
        text="\n".join(raw_text(node) for node in paragraphs),
        entries=entries,
        sections=tuple(text for node, text in zip(paragraphs, texts, strict=True) if node.tag in HEADING_TAGS),
        warnings=warnings,
    )


def _entries(paragraphs: list[LexborNode], full_text: str, warnings: list[str], url: str) -> list[ParsedEntry]:
    """One entry per name in bold in a paragraph, in order of first mention, each once."""
    default_basis, default_sentence = _release_basis(full_text)
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for node in paragraphs:
        if is_heading(node):
            continue
        text = text_of(node)
        for name in bold_runs(node):
            if not _is_name(name, seen):
                continue
            seen.add(name.casefold())
            entries.append(_entry(name, text, default_basis, default_sentence))
    if not entries:
        warnings.append(f"{url}: no designee names found in bold in the release body; nothing to link")
    return entries


def _is_name(text: str, seen: set[str]) -> bool:
    """A bold run that names someone new: capitalised, a few words, not a short form of an earlier name."""
    words = text.split()
    if not words or len(words) > 10 or not text[0].isupper() or text.endswith(":"):
        return False
    folded = text.casefold()
    if folded in seen:
        return False
    return not (len(words) == 1 and any(folded in name.split() for name in seen))


def _entry(name: str, paragraph: str, default_basis: str, default_sentence: str) -> ParsedEntry:
    """The entry for one name: spellings, position, reason and legal basis from its paragraph.

    The reason is the paragraph's first sentence naming the person, then the sentence that designates
    them (in the paragraph, or the release's sentence about all designees).
    """
    paragraph_sentences = sentences(paragraph)
    own = next((s for s in paragraph_sentences if name in s), "")
    designation = next((s for s in paragraph_sentences if _DESIGNATION.search(s)), "")
    basis = _basis_of(designation) or default_basis
    reason = " ".join(dict.fromkeys(s for s in (own, designation or default_sentence) if s))
    return ParsedEntry(
        action=Action.LISTED,
        name=name,
        raw=paragraph,
        kind=guess_kind(name),
        name_variants=variants_after(name, paragraph),
        position=position_after(name, paragraph),
        reason=reason,
        legal_basis=basis,
    )


def _basis_of(sentence: str) -> str:
    """The provisions a designation sentence cites, from its "pursuant to"/"under" clause."""
    match = re.search(r"\b(?:pursuant to|under)\b(?P<rest>.*)$", sentence)
    if not match:
        return ""
    clause = match.group("rest")
    return "; ".join(dict.fromkeys(legal_bases(clause) or acts_in(clause)))


def _release_basis(text: str) -> tuple[str, str]:
    """The basis, and the sentence giving it, that covers every designee of the release.

    From a sentence about all of them ("All 17 individuals are being designated pursuant to
    E.O. 13818 for ..."), else from the first sentence citing a basis with "pursuant to" ("These
    designations, pursuant to Executive Order (E.O.) 13405, target ...").
    """
    all_sentences = sentences(text.replace("\n", " "))
    for sentence in all_sentences:
        if re.match(r"^(?:All|Each of)\b", sentence) and _DESIGNATION.search(sentence):
            return _basis_of(sentence), sentence
    for sentence in all_sentences:
        if basis := _basis_of(sentence):
            return basis, ""
    return "", ""


# --- page parts ------------------------------------------------------------------------------------------


def _title(tree: LexborHTMLParser, url: str, warnings: list[str]) -> str:
    found = find_first(tree, TITLE_SELECTORS)
    if found is not None:
        if found.by_fallback:
            warnings.append(f"{url}: title found by {found.selector!r}, not by h2.uswds-page-title")
        return text_of(found.node)
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None and (content := (meta.attributes.get("content") or "").strip()):
        warnings.append(f"{url}: title taken from the og:title meta element")
        return content
    raise AnnouncementParseError(f"{url}: no title found (no h2.uswds-page-title, h1, h2 or og:title)")


def _article(tree: LexborHTMLParser, url: str, warnings: list[str]) -> LexborNode:
    found = find_first(tree, ARTICLE_SELECTORS)
    if found is None:
        raise AnnouncementParseError(f"{url}: no release body found (no article.entity--type-node, article or main)")
    if found.by_fallback:
        warnings.append(f"{url}: release body found by {found.selector!r}, not by article.entity--type-node")
    return found.node


def _date(tree: LexborHTMLParser, article: LexborNode, url: str, warnings: list[str]) -> datetime.date:
    for root in (article, tree):
        found = find_first(root, DATE_SELECTORS)
        if found is not None and (date := date_from_iso(found.node.attributes.get("datetime") or "")):
            if found.by_fallback or root is tree:
                warnings.append(f"{url}: date found by {found.selector!r} outside the expected place")
            return date
    date = date_from_text(text_of(article)[:400])
    if date is None:
        raise AnnouncementParseError(f"{url}: no publication date found (no time[datetime] and no date in the text)")
    warnings.append(f"{url}: date read from the text; no time element")
    return date


# --- the index --------------------------------------------------------------------------------------------


def parse_index(html: bytes, url: str) -> IndexPage:
    """The releases an index page lists, newest first, with the next page's URL.

    Rows of ``table.views-table`` (any table as a reported fallback); in each row the link to
    ``/news/press-releases/`` is the item and its date is the row's ``time[datetime]`` or a date in
    its text. Rows linking elsewhere are skipped. No table with release links is an error.
    """
    tree = parse_html(html, url)
    warnings: list[str] = []
    tables = tree.css("table.views-table")
    if not tables:
        tables = tree.css("table")
        if tables:
            warnings.append(f"{url}: no table.views-table; release links read from other tables")
    items: list[IndexItem] = []
    for table in tables:
        for row in table.css("tr"):
            link = next(
                (a for a in row.css("a[href]") if _RELEASE_PATH.search(urlsplit(a.attributes["href"] or "").path)),
                None,
            )
            if link is None:
                continue
            time_node = row.css_first("time[datetime]")
            published = date_from_iso(time_node.attributes.get("datetime") or "") if time_node else None
            items.append(
                IndexItem(
                    url=absolute(url, link.attributes["href"] or ""),
                    title=text_of(link),
                    published_on=published or date_from_text(spaced_text(row)),
                )
            )
    if not items:
        raise AnnouncementParseError(
            f"{url}: no press releases listed (no table rows linking to /news/press-releases/)"
        )
    return IndexPage(items=items, next_url=next_page_url(tree, url), warnings=warnings)
