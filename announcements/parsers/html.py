"""HTML helpers shared by the announcement parsers: decoding, finding elements with fallbacks, text
by paragraph and by line, dates as the three sites print them, and the legal bases a text cites.

Every finder takes an ordered list of CSS selectors, most specific first. The first one is the layout
the site is known to use; the others are fallbacks for a changed layout, and using one is reported
(``found_by``), so that a parser can say in its warnings that the page no longer looks as expected.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from announcements.parsers.base import AnnouncementParseError
from announcements.parsers.entry import normalise_text

BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_SELECTOR = ", ".join(sorted(BLOCK_TAGS))
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "form", "button"})

_US_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_LONG_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s*(\d{4})\b"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("January February March April May June July August September October November December".split()),
        start=1,
    )
}


def parse_html(html: bytes | str, url: str) -> LexborHTMLParser:
    """Decode and parse a page. UTF-8 first (the three sites serve UTF-8), then Windows-1252.

    An empty page is an ``AnnouncementParseError`` naming the URL.
    """
    if isinstance(html, bytes):
        if not html.strip():
            raise AnnouncementParseError(f"{url}: the page is empty")
        try:
            text = html.decode("utf-8")
        except UnicodeDecodeError:
            text = html.decode("cp1252", errors="replace")
    else:
        text = html
    if not text.strip():
        raise AnnouncementParseError(f"{url}: the page is empty")
    return LexborHTMLParser(text)


@dataclass(frozen=True, slots=True)
class Found:
    """An element found by one of several selectors; ``index`` 0 means the expected layout."""

    node: LexborNode
    selector: str
    index: int

    @property
    def by_fallback(self) -> bool:
        return self.index > 0


def find_first(root: LexborHTMLParser | LexborNode, selectors: Sequence[str]) -> Found | None:
    """The first element that matches, trying the selectors in order, ignoring empty elements."""
    for index, selector in enumerate(selectors):
        for node in root.css(selector):
            if text_of(node):
                return Found(node=node, selector=selector, index=index)
    return None


def text_of(node: LexborNode | None) -> str:
    """The element's text with the CSV's ASCII punctuation and single spaces (``normalise_text``)."""
    if node is None:
        return ""
    return normalise_text(node.text(deep=True, separator=""))


def spaced_text(node: LexborNode | None) -> str:
    """Like ``text_of``, with a space between the texts of sibling elements (a row of cells, a page)."""
    if node is None:
        return ""
    return normalise_text(node.text(deep=True, separator=" "))


def raw_text(node: LexborNode) -> str:
    """The element's text with whitespace collapsed, typography kept as published."""
    return " ".join(node.text(deep=True, separator="").split())


def lines_of(node: LexborNode) -> list[str]:
    """The element's text cut at ``<br>``, each line with whitespace collapsed, empty lines left out.

    Notices put several entries in one paragraph separated by ``<br>``, sometimes each in an ``<a>``
    without ``href``; the text of inline children is kept in its line.
    """
    lines: list[str] = []
    current: list[str] = []

    def walk(parent: LexborNode) -> None:
        for child in parent.iter(include_text=True):
            if child.tag == "br":
                lines.append("".join(current))
                current.clear()
            elif child.tag == "-text":
                current.append(child.text(deep=False))
            elif child.tag not in ("-comment", *SKIPPED_TAGS):
                walk(child)

    walk(node)
    lines.append("".join(current))
    return [" ".join(line.split()) for line in lines if line.strip()]


def blocks(root: LexborNode) -> Iterator[LexborNode]:
    """The block elements under ``root`` in document order: paragraphs, headings, list items, cells.

    Containers (``div``, ``section``, lists, tables) are entered; a container with text of its own and
    no block inside counts as a block. Navigation, headers, footers and scripts are left out.
    """
    for child in root.iter(include_text=False):
        tag = child.tag
        if tag in SKIPPED_TAGS:
            continue
        if tag in BLOCK_TAGS:
            if text_of(child):
                yield child
        elif child.css_first(_BLOCK_SELECTOR) is not None:
            yield from blocks(child)
        elif text_of(child):
            yield child


def is_heading(node: LexborNode) -> bool:
    """A heading element, or a paragraph whose whole text is bold (``<p><strong>...</strong></p>``)."""
    if node.tag in HEADING_TAGS:
        return True
    if node.tag != "p":
        return False
    bold = " ".join(text_of(b) for b in node.css("strong, b"))
    return bool(bold) and normalise_text(bold) == text_of(node)


def bold_runs(node: LexborNode) -> list[str]:
    """The texts of the bold elements in a paragraph, in order."""
    return [text for b in node.css("strong, b") if (text := text_of(b))]


# --- dates ------------------------------------------------------------------------------------------


def date_from_iso(value: str) -> datetime.date | None:
    """``2020-10-02T14:00:00Z`` -> 2020-10-02 (the calendar date as published, no time-zone shift)."""
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match:
        return None
    try:
        return datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def date_from_text(text: str) -> datetime.date | None:
    """The first date in ``text`` written ``MM/DD/YYYY`` or ``Month D, YYYY``; None if there is none."""
    candidates = []
    if match := _US_DATE.search(text):
        candidates.append((match.start(), (int(match.group(3)), int(match.group(1)), int(match.group(2)))))
    if match := _LONG_DATE.search(text):
        candidates.append((match.start(), (int(match.group(3)), _MONTHS[match.group(1)], int(match.group(2)))))
    for _position, (year, month, day) in sorted(candidates):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


# --- links --------------------------------------------------------------------------------------------


def absolute(url: str, href: str) -> str:
    return urljoin(url, href.strip())


def next_page_url(tree: LexborHTMLParser, url: str) -> str:
    """The "next page" link of an index page (Drupal pager or WordPress pagination), absolute; "" if none."""
    for selector in ('a[rel="next"]', "li.pager__item--next a", "a.next.page-numbers", "a.next"):
        node = tree.css_first(selector)
        if node is not None and (href := node.attributes.get("href")):
            return absolute(url, href)
    return ""


# --- legal bases ----------------------------------------------------------------------------------------

# Statutes the three sites cite, each with the name the tracker files it under.
ACTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), name)
    for pattern, name in (
        (r"Global Magnitsky Human Rights Accountability Act|Global Magnitsky Act", "Global Magnitsky Act"),
        (r"Caesar Syria Civilian Protection Act|Caesar Act", "Caesar Act"),
        (r"Hong Kong Autonomy Act", "Hong Kong Autonomy Act"),
        (r"Hong Kong Human Rights and Democracy Act", "Hong Kong Human Rights and Democracy Act"),
        (r"Uyghur Human Rights Policy Act", "Uyghur Human Rights Policy Act"),
        (r"Sergei Magnitsky Rule of Law Accountability Act", "Sergei Magnitsky Act"),
        (r"Countering America's Adversaries Through Sanctions Act|\bCAATSA\b", "CAATSA"),
        (r"Foreign Narcotics Kingpin Designation Act|Kingpin Act", "Kingpin Act"),
        (r"Section 7031\(c\)", "Section 7031(c)"),
    )
)
_EO = r"(?:Executive Order|E\.\s?O\.?)\s*(?:\((?:E\.\s?O\.?)\)\s*)?(?:No\.\s*)?(?P<eo>1\d{4})"
_SECTION = r"(?P<section>\d+(?:\([a-zA-Z0-9]+\))+)"
_BASIS = re.compile(
    rf"{_EO}(?:,?\s*(?:[Ss]ection|[Ss]ec\.)?\s*{_SECTION.replace('section', 'eo_section')})?"
    rf"|(?:[Ss]ection|[Ss]ec\.)\s*{_SECTION}"
)


def authorities_in(text: str) -> tuple[str, ...]:
    """The legal bases a text cites, normalised, in order of first mention, each once.

    Executive orders as ``E.O. 13818`` (written "Executive Order (E.O.) 13405", "E.O. 13818" or
    "Executive Order 13894"), statutes under the names of ``ACTS``.
    """
    text = normalise_text(text)
    found: list[tuple[int, str]] = [(m.start(), f"E.O. {m.group('eo')}") for m in re.finditer(_EO, text)]
    for pattern, name in ACTS:
        if match := pattern.search(text):
            found.append((match.start(), name))
    return tuple(dict.fromkeys(name for _position, name in sorted(found)))


def legal_bases(text: str) -> list[str]:
    """The E.O. provisions a clause cites, in order: ``E.O. 13894 Section 2(a)(i)(A)``.

    A section written after an order without the word "Section" (``E.O. 13894 2(a)(i)(D)``) belongs
    to it; a section written alone (``and Section 2(a)(ii)``) belongs to the last order named. An
    order cited without a section is given alone (``E.O. 13818``).
    """
    text = normalise_text(text)
    bases: list[str] = []
    current = ""
    for match in _BASIS.finditer(text):
        if match.group("eo"):
            current = match.group("eo")
            section = match.group("eo_section")
            bases.append(f"E.O. {current} Section {section}" if section else f"E.O. {current}")
        elif current:
            bases.append(f"E.O. {current} Section {match.group('section')}")
    return bases


def acts_in(text: str) -> list[str]:
    """The statutes of ``ACTS`` a clause cites, in order."""
    text = normalise_text(text)
    found = [(match.start(), name) for pattern, name in ACTS if (match := pattern.search(text))]
    return [name for _position, name in sorted(found)]


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]?(?P<gap>\s+)(?=[\"'\u201c\u2018(]?[A-Z])")
_ABBREVIATIONS = ("U.S.", "E.O.", "Mr.", "Ms.", "Mrs.", "Dr.", "No.", "St.", "Gen.", "Col.", "Lt.", "Jr.", "Sr.")


def sentences(text: str) -> list[str]:
    """Cut running text into sentences, not after "U.S.", "E.O." and similar abbreviations."""
    text = text.strip()
    result: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start("gap")]
        if piece.endswith(_ABBREVIATIONS):
            continue
        result.append(piece.strip())
        start = match.end("gap")
    result.append(text[start:].strip())
    return [sentence for sentence in result if sentence]
