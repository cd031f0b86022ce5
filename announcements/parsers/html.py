"""HTML helpers shared by the announcement parsers: decoding, finding elements with fallbacks, text
by paragraph and by line, dates as the three sites print them, and the legal bases a text cites.

Every finder takes an ordered list of CSS selectors, most specific first. The first one is the layout
the site is known to use; the others are fallbacks for a changed layout, and using one is reported
(``found_by``), so that a parser can say in its warnings that the page no longer looks as expected.
"""

from __future__ import annotations

import datetime
import html as html_lib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from announcements.parsers.base import AnnouncementParseError
from announcements.parsers.entry import normalise_chars, normalise_text

BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_SELECTOR = ", ".join(sorted(BLOCK_TAGS))
SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "header", "footer", "form", "button"})

_US_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
# Month names in any case: the State text of 20 Dec 2021 prints its date "DECEMBER 20, 2021".
_LONG_DATE = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\s+(\d{1,2}),\s*(\d{4})\b",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("January February March April May June July August September October November December".split()),
        start=1,
    )
}


def decode(content: bytes | str, url: str) -> str:
    """The page as text: UTF-8 first (the three sites serve UTF-8), then Windows-1252.

    An empty page is an ``AnnouncementParseError`` naming the URL.
    """
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("cp1252", errors="replace")
    else:
        text = content
    if not text.strip():
        raise AnnouncementParseError(f"{url}: the page is empty")
    return text


_MARKUP = re.compile(r"<(?:!doctype|html|head|body|article|main|div|p|h[1-6]|ul|li|span|section|table)\b", re.I)


def is_markup(text: str) -> bool:
    """Whether a saved page is HTML (any common element) rather than the plain text of a statement."""
    return bool(_MARKUP.search(text[:20000]))


def text_to_html(text: str) -> str:
    """A plain-text statement as HTML: the first line as ``h1``, each further paragraph as ``p``.

    Paragraphs are separated by blank lines (a page's text as copied from a browser); a text without
    blank lines has one paragraph per line.
    """
    text = text.replace("\r\n", "\n").strip()
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    if len(paragraphs) == 1:
        paragraphs = [p for p in text.split("\n") if p.strip()]
    title, *body = paragraphs
    parts = [f"<h1>{html_lib.escape(' '.join(title.split()))}</h1>"]
    parts += [f"<p>{html_lib.escape(' '.join(p.split()))}</p>" for p in body]
    return "<html><body><article>" + "".join(parts) + "</article></body></html>"


def parse_html(html: bytes | str, url: str) -> LexborHTMLParser:
    """Decode and parse a page (``decode``); a plain-text page is parsed as ``text_to_html`` makes it."""
    text = decode(html, url)
    if not is_markup(text):
        text = text_to_html(text)
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


# --- lines with their bold runs ----------------------------------------------------------------------

_BOLD_TAGS = frozenset({"b", "strong"})
_ON, _OFF = "\x01", "\x02"  # marks around bold text while a line is assembled (never in page text)


@dataclass(frozen=True, slots=True)
class Unit:
    """One line of a page's body, with where its bold runs are.

    A line is a block element (paragraph, heading, list item, cell) or the part of one between two
    ``<br>``: the releases of 2019 put a whole body in one paragraph, its sub-headings as bold lines
    between ``<br><br>`` (``sm853``). ``text`` has the ASCII punctuation and single spaces of
    ``normalise_text``; ``bold`` holds ``(start, end)`` offsets into it. ``heading`` is true for a
    heading element and for a line that is bold throughout.
    """

    text: str
    bold: tuple[tuple[int, int], ...]
    tag: str
    heading: bool
    block: int

    def bold_texts(self) -> list[str]:
        return [self.text[start:end] for start, end in self.bold]


def text_units(root: LexborNode) -> list[Unit]:
    """The lines of ``root``'s block elements in document order (see ``Unit``); empty lines left out."""
    units: list[Unit] = []
    for index, node in enumerate(blocks(root)):
        for marked in _marked_lines(node):
            text, spans = _unmark(marked)
            if not text:
                continue
            heading = node.tag in HEADING_TAGS or _wholly_bold(text, spans)
            units.append(Unit(text=text, bold=spans, tag=node.tag, heading=heading, block=index))
    return units


def _marked_lines(node: LexborNode) -> list[str]:
    """The element's text cut at ``<br>``, bold text between ``_ON`` and ``_OFF`` marks."""
    lines: list[str] = []
    current: list[str] = []
    depth = 0

    def walk(parent: LexborNode) -> None:
        nonlocal depth
        for child in parent.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                current.append(child.text(deep=False))
            elif tag == "br":
                # A break inside bold text closes the run on this line and reopens it on the next.
                lines.append("".join(current) + (_OFF if depth else ""))
                current.clear()
                if depth:
                    current.append(_ON)
            elif tag in ("-comment", *SKIPPED_TAGS):
                continue
            elif tag in _BOLD_TAGS:
                if not depth:
                    current.append(_ON)
                depth += 1
                walk(child)
                depth -= 1
                if not depth:
                    current.append(_OFF)
            else:
                walk(child)

    walk(node)
    lines.append("".join(current))
    return lines


def _unmark(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Normalise a marked line (``normalise_chars``, single spaces) and turn its marks into offsets."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for char in normalise_chars(marked):
        if char == _ON:
            start = len(out)
        elif char == _OFF:
            if start is not None:
                spans.append((start, len(out)))
            start = None
        elif char.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(char)
    text = "".join(out).rstrip()
    trimmed = []
    for begin, end in spans:
        end = min(end, len(text))
        while begin < end and text[begin] == " ":
            begin += 1
        while end > begin and text[end - 1] == " ":
            end -= 1
        if begin < end:
            trimmed.append((begin, end))
    return text, tuple(trimmed)


def _wholly_bold(text: str, spans: tuple[tuple[int, int], ...]) -> bool:
    """Every letter of the line is inside a bold run (a bold line used as a sub-heading)."""
    if not spans:
        return False
    inside = [False] * len(text)
    for start, end in spans:
        inside[start:end] = [True] * (end - start)
    letters = [flag for char, flag in zip(text, inside, strict=True) if char.isalnum()]
    return bool(letters) and all(letters)


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
        month = _MONTHS[match.group(1).capitalize()]
        candidates.append((match.start(), (int(match.group(3)), month, int(match.group(2)))))
    for _position, (year, month, day) in sorted(candidates):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    return None


# --- links --------------------------------------------------------------------------------------------


def absolute(url: str, href: str) -> str:
    return urljoin(url, href.strip())


# The "next page" link of an index, most specific first: the U.S. Web Design System pager that OFAC's
# and Treasury's indexes use (``a.usa-pagination__next-page`` in ``li.usa-pagination__item--next``;
# the link carries no ``rel="next"``), the ``rel="next"`` link, Drupal's classic pager, WordPress's.
NEXT_PAGE_SELECTORS = (
    "a.usa-pagination__next-page",
    "li.usa-pagination__item--next a",
    'a[rel="next"]',
    "li.pager__item--next a",
    "a.next.page-numbers",
    "a.next",
)


def next_page_url(tree: LexborHTMLParser, url: str) -> str:
    """The "next page" link of an index page (``NEXT_PAGE_SELECTORS``), absolute; "" if none."""
    for selector in NEXT_PAGE_SELECTORS:
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
        (r"Section 353\b|Northern Triangle Enhanced Engagement Act", "Section 353"),
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
_ABBREVIATIONS = (
    *("U.S.", "E.O.", "Mr.", "Ms.", "Mrs.", "Dr.", "No.", "St.", "Gen.", "Col.", "Lt.", "Jr.", "Sr."),
    # Company forms end names in mid-sentence: "Gomei Air Services Co., Ltd. is a Mahan Air GSA".
    *("Co.", "Ltd.", "Inc.", "Corp.", "Pte.", "Pvt.", "Pty.", "Bhd.", "Ltda.", "Cia."),
)
# A piece ending in initials ("U.K.", "S.A. de C.V.", "I.C.I.C.") has not ended its sentence.
_INITIALS = re.compile(r"(?:^|[\s(])(?:[A-Za-z]\.){1,}$")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences of running text start and end, not cutting after abbreviations or initials."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        piece = text[start : match.start("gap")]
        if piece.endswith(_ABBREVIATIONS) or _INITIALS.search(piece):
            continue
        spans.append((start, match.start("gap")))
        start = match.end("gap")
    spans.append((start, len(text)))
    result = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin < end:
            result.append((begin, end))
    return result


def sentences(text: str) -> list[str]:
    """Cut running text into sentences, not after "U.S.", "E.O." and similar abbreviations."""
    text = text.strip()
    return [text[start:end] for start, end in sentence_spans(text)]
