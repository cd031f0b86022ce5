"""OFAC "Recent Actions" notices and their index, parsed purely (bytes in, ``ParsedAnnouncement`` out).

Page layout relied on (OFAC's Drupal site, as documented in the project's data-format notes, section 6;
``https://ofac.treasury.gov/recent-actions/20120613``), with the class names two independent scrapers
of the live site read (OpenSanctions' OFAC crawlers take the title from ``span.treas-page-title``):

* the title in ``h1.uswds-page-title`` (its text in ``span.treas-page-title``); older copies have
  ``h1.page-title``;
* the label **Release Date** with the date as ``MM/DD/YYYY``, in the Drupal field
  ``field--name-field-release-date`` (a ``time`` element with a ``datetime`` attribute);
* the body in ``div.field--name-field-body``; older copies label it **Recent Actions Body**
  (``field--name-field-recent-actions-body``);
* in the body, section headers ("The following individuals have been added to OFAC's SDN List:") in a
  heading, a bold paragraph or a plain paragraph, each followed by entries in OFAC's printed list
  format, one paragraph per entry or several in one paragraph separated by ``<br>`` (sometimes each in
  an ``<a>`` without ``href``, as a parser of the 10 Jan 2025 notice reports);
* non-SDN sections ("Sectorial Sanctions Identifications List Update") between them.

Each of these is looked up by the live site's class first, then by older classes, label text or a
generic element; every fallback is reported in a warning that names the selector used. A page
without any SDN section, or with SDN sections but no entry under them, is an
``AnnouncementParseError``: a changed layout must fail the run loudly.
"""

from __future__ import annotations

import dataclasses
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
from announcements.parsers.entry import EntryLineError, guess_name, normalise_text, parse_entry_line, split_update
from announcements.parsers.html import (
    absolute,
    blocks,
    date_from_iso,
    date_from_text,
    find_first,
    is_heading,
    lines_of,
    next_page_url,
    parse_html,
    spaced_text,
    text_of,
)

SOURCE = "ofac-recent-actions"
KIND = "recent_action"
AGENCY = "ofac"

TITLE_SELECTORS = ("h1.uswds-page-title", "span.treas-page-title", "h1.page-title", "h1")
DATE_SELECTORS = (".field--name-field-release-date time[datetime]", ".field--name-field-release-date")
BODY_SELECTORS = (
    "div.field--name-field-body",
    ".field--name-field-recent-actions-body .field__item",
    ".field--name-field-recent-actions-body",
    "article",
    "main",
    "body",
)

# A section header names the SDN list ("OFAC's SDN List", "OFAC's list of SDNs", "SDN list").
_SDN = re.compile(r"\bSDN(?:s)?\b|Specially Designated Nationals", re.IGNORECASE)
_FOLLOWING = re.compile(r"^(?:In addition, )?the following\b", re.IGNORECASE)
_DELISTED = re.compile(r"\b(?:removed from|deletions?|deleted from|delisted)\b", re.IGNORECASE)
_LISTED = re.compile(r"\b(?:added to|additions?)\b", re.IGNORECASE)
_AMENDED = re.compile(r"\b(?:changes?|updated|updates?|amended|amendments?)\b", re.IGNORECASE)
# Headings that group SDN sections without being one ("Specially Designated Nationals List Update").
_SDN_GROUP = re.compile(r"^(?:Specially Designated Nationals|SDN)(?: \(SDN\))?(?: List)? Updates?:?$", re.IGNORECASE)
_NOTICE_ID = re.compile(r"/recent-actions/(?P<id>\d{8}(?:_\d+)?)/?$")


def section_action(heading: str) -> str | None:
    """The action of an SDN section header, or None when the text is not one.

    Deletions and removals delist, additions list, changes and updates amend. The header must name
    the SDN list: "The following entities have been added to the SSI List" is not an SDN section.
    """
    if not _FOLLOWING.match(heading) or not _SDN.search(heading):
        return None
    if _DELISTED.search(heading):
        return Action.DELISTED
    if _LISTED.search(heading):
        return Action.LISTED
    if _AMENDED.search(heading):
        return Action.AMENDED
    return None


def parse_notice(html: bytes, url: str) -> ParsedAnnouncement:
    """Parse one notice page: title, release date, and one ``ParsedEntry`` per entry line.

    Additions become ``Action.LISTED`` entries whose record carries the release date as
    ``listed_on``; deletions become ``DELISTED``; changes become ``AMENDED`` with the entry before
    the change in ``old_record`` when the line is ``OLD -to- NEW``. A line that does not parse is kept
    with ``error`` set and a warning. ``number`` is the notice id of the URL (``20201002``).
    """
    tree = parse_html(html, url)
    warnings: list[str] = []
    title = _title(tree, url, warnings)
    published_on = _release_date(tree, url, warnings)
    body = _body(tree, url, warnings)

    entries: list[ParsedEntry] = []
    sections: list[str] = []
    paragraphs: list[str] = []
    summary = ""
    action: str | None = None
    header = ""
    sdn_sections = 0
    for block in blocks(body):
        block_text = text_of(block)
        if block_text == title or block_text.startswith(("Release Date", "Recent Actions Body")):
            continue
        heading_block = is_heading(block)
        block_lines = lines_of(block)
        paragraphs.extend(block_lines)
        for line in block_lines:
            text = normalise_text(line)
            if heading_block or _looks_like_header(text):
                sections.append(line)
                action, header = section_action(text), line
                if action:
                    sdn_sections += 1
                elif not _SDN_GROUP.match(text):
                    warnings.append(f"{url}: section {line!r} is not a change to the SDN list; its content is skipped")
                continue
            if action is None:
                if not sections and not summary:
                    summary = text
                continue
            entries.append(_entry(line, action, header, published_on, url, warnings, len(entries) + 1))

    if not sdn_sections:
        seen = "; ".join(repr(s) for s in sections) or "none"
        raise AnnouncementParseError(f"{url}: no section of SDN list changes found (section headings seen: {seen})")
    if not entries:
        raise AnnouncementParseError(f"{url}: SDN sections found but no entry under them (layout changed?)")
    programs = tuple(dict.fromkeys(tag for entry in entries for tag in entry.programs))
    return ParsedAnnouncement(
        source=SOURCE,
        kind=KIND,
        url=url,
        title=title,
        published_on=published_on,
        number=notice_id(url),
        agency=AGENCY,
        programs=programs,
        summary=summary,
        text="\n".join(paragraphs),
        entries=entries,
        sections=tuple(sections),
        warnings=warnings,
    )


def _looks_like_header(text: str) -> bool:
    """A plain line that introduces a list: "The following ... :"."""
    return bool(_FOLLOWING.match(text)) and text.rstrip().endswith(":")


def _entry(
    line: str, action: str, header: str, published_on: datetime.date, url: str, warnings: list[str], number: int
) -> ParsedEntry:
    """One entry line under a section; parse errors are kept on the entry and warned about."""
    try:
        old_record = None
        if action == Action.AMENDED and " -to- " in normalise_text(line):
            old_line, new_line = split_update(line)
            old_record, record = parse_entry_line(old_line), parse_entry_line(new_line)
        else:
            record = parse_entry_line(line)
    except EntryLineError as exc:
        warnings.append(f"{url}: entry {number} under {header!r} could not be parsed: {exc}")
        return ParsedEntry(action=action, name=guess_name(line), raw=line, section=header, error=str(exc))
    if action == Action.LISTED:
        record = dataclasses.replace(record, listed_on=published_on)
    return ParsedEntry(
        action=action,
        name=record.name,
        raw=line,
        kind=record.kind,
        record=record,
        old_record=old_record,
        programs=record.programs,
        section=header,
    )


def notice_id(url: str) -> str:
    """``https://ofac.treasury.gov/recent-actions/20181127_33`` -> ``20181127_33``; "" for other URLs."""
    match = _NOTICE_ID.search(urlsplit(url).path)
    return match.group("id") if match else ""


# --- page parts ------------------------------------------------------------------------------------------


def _title(tree: LexborHTMLParser, url: str, warnings: list[str]) -> str:
    found = find_first(tree, TITLE_SELECTORS)
    if found is not None:
        if found.by_fallback:
            warnings.append(f"{url}: title found by {found.selector!r}, not by the expected {TITLE_SELECTORS[0]}")
        return text_of(found.node)
    title_tag = tree.css_first("title")
    if title_tag is not None and (text := text_of(title_tag).split(" | ")[0].strip()):
        warnings.append(f"{url}: no h1 title; the title is taken from the <title> element")
        return text
    raise AnnouncementParseError(f"{url}: no title found (no h1 and no <title>)")


def _release_date(tree: LexborHTMLParser, url: str, warnings: list[str]) -> datetime.date:
    """The Release Date: the Drupal field's ``datetime``, its text, or the text after the label."""
    found = find_first(tree, DATE_SELECTORS)
    if found is not None:
        date = date_from_iso(found.node.attributes.get("datetime") or "") or date_from_text(text_of(found.node))
        if date is not None:
            return date
    labelled = _date_after_label(tree)
    if labelled is not None:
        warnings.append(f"{url}: release date found by its 'Release Date' label; the Drupal date field is missing")
        return labelled
    raise AnnouncementParseError(f"{url}: no release date found (no date field and no 'Release Date' label)")


def _date_after_label(tree: LexborHTMLParser) -> datetime.date | None:
    """The ``MM/DD/YYYY`` date in the text that follows a "Release Date" label."""
    root = tree.body or tree.root
    text = spaced_text(root)
    match = re.search(r"Release Date:?\s*(\d{1,2}/\d{1,2}/\d{4})", text)
    return date_from_text(match.group(1)) if match else None


def _body(tree: LexborHTMLParser, url: str, warnings: list[str]) -> LexborNode:
    found = find_first(tree, BODY_SELECTORS)
    if found is None:
        raise AnnouncementParseError(f"{url}: no notice body found")
    if found.index > 2:
        warnings.append(
            f"{url}: notice body found by {found.selector!r}; no {BODY_SELECTORS[0]}, and the "
            "'Recent Actions Body' field is missing (layout changed?)"
        )
    elif found.by_fallback:
        warnings.append(f"{url}: notice body found by {found.selector!r}, not by the expected {BODY_SELECTORS[0]}")
    return found.node


# --- the index --------------------------------------------------------------------------------------------


def parse_index(html: bytes, url: str) -> IndexPage:
    """The notices an index page lists, newest first, with the next (older) page's URL.

    Rows are Drupal views rows (``div.views-row``): the first link is the notice, the text holds its
    date as "Month DD, YYYY". Without views rows, links to ``/recent-actions/YYYYMMDD`` are taken with
    no date, and the fallback is reported. A page with neither is an ``AnnouncementParseError``.
    """
    tree = parse_html(html, url)
    items: list[IndexItem] = []
    warnings: list[str] = []
    for row in tree.css(".views-row"):
        link = next((a for a in row.css("a[href]") if text_of(a)), None)
        if link is None:
            continue
        items.append(
            IndexItem(
                url=absolute(url, link.attributes["href"] or ""),
                title=text_of(link),
                published_on=date_from_text(spaced_text(row)),
            )
        )
    if not items:
        seen: set[str] = set()
        for link in tree.css("a[href]"):
            href = absolute(url, link.attributes.get("href") or "")
            if notice_id(href) and href not in seen:
                seen.add(href)
                items.append(IndexItem(url=href, title=text_of(link), published_on=None))
        if items:
            warnings.append(f"{url}: no views rows; {len(items)} notice links taken from the page without dates")
    if not items:
        raise AnnouncementParseError(f"{url}: no notices listed (no views rows and no links to notices)")
    return IndexPage(items=items, next_url=next_page_url(tree, url), warnings=warnings)
