"""State Department press statements and reports, and their index, parsed purely.

Layout relied on (state.gov, WordPress; the 2020-2024 pages):

* index: ``https://www.state.gov/press-releases/`` (``/page/N/``), items ``li.collection-result`` with
  ``a.collection-result__link`` and ``p.collection-result__date`` ("June 17, 2020"), next page
  ``a.next.page-numbers``;
* page: content type ("Press Statement", "Report") in ``p.article-meta__content-type``, title in
  ``h1.featured-content__headline``, date in ``p.article-meta__publish-date``, text in
  ``div.entry-content``.

Three kinds of page are read for designees (the project's data-format notes, section 8):

* **designation statements** (Caesar Act, 17 Jun 2020): "We are designating <names> pursuant to
  E.O. 13894 Section 2(a)(i)(A) and Section 2(a)(ii), respectively" -> ``LISTED`` entries, each with
  its E.O. section as ``legal_basis`` ("respectively" pairs names and sections in order);
* **section 7031(c) statements**: "The Department of State is publicly designating <country>
  <position> <name> for <reason>", or a bulleted list "<name>, a former <position> of <country>, for
  <reason>" after "designating the following individuals" -> ``VISA_DESIGNATION`` entries, with
  ``family_covered`` when the text says immediate family members are covered too;
* **Hong Kong Autonomy Act reports and updates**: paragraphs "<name> is <position>." (or list items
  "<name>, <position>") -> ``IDENTIFIED`` entries.

A page of none of these kinds parses with no entries and a warning.
"""

from __future__ import annotations

import datetime
import re

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
from announcements.parsers.prose import guess_kind, names_in_list, trailing_name
from importers.remarks import POSITION_WORDS

SOURCE = "state-press"
AGENCY = "state"
KIND_STATEMENT = "press_statement"
KIND_REPORT = "report"

TITLE_SELECTORS = ("h1.featured-content__headline", "h1")
DATE_SELECTORS = (".article-meta__publish-date", "time[datetime]")
BODY_SELECTORS = (".entry-content", "article", "main")
TYPE_SELECTORS = (".article-meta__content-type",)

_DESIGNATING = re.compile(r"\bdesignating\b", re.IGNORECASE)
_BASIS_WORD = re.compile(r"\b(?:pursuant to|under)\b")
_VISA_SUBJECT = re.compile(r"\bdesignating\s+(?P<subject>.+?)(?:,\s*|\s+)for\s+(?P<reason>.+?)\.?$")
_IDENTIFIED = re.compile(
    r"^(?P<name>[A-Z][\w'\-]+(?: [A-Z][\w'\-]+){1,3}) (?:is|was|serves as) (?:the |a |an )?(?P<position>[^.]+)\.?$"
)
_FAMILY = re.compile(
    r"\b(?:his|her)\s+(?:wife|husband|spouse|son|daughter|sons|daughters|children|adult children|"
    r"[a-z]+-in-law)[,:]?\s+(?P<names>[A-Z][^.;]*)"
)
_7031C_ACT = re.compile(r"Section 7031\(c\) of the [^.]*?Appropriations Act, \d{4}")


def parse_statement(html: bytes, url: str) -> ParsedAnnouncement:
    """Parse one statement or report page: title, date, kind, authorities, and the persons it names."""
    tree = parse_html(html, url)
    warnings: list[str] = []
    title = _title(tree, url, warnings)
    published_on = _date(tree, url, warnings)
    body = _body(tree, url, warnings)
    content_type = text_of(tree.css_first(TYPE_SELECTORS[0])) if tree.css_first(TYPE_SELECTORS[0]) else ""
    kind = statement_kind(content_type, title)

    nodes = list(blocks(body))
    paragraphs = [text_of(node) for node in nodes if not is_heading(node)]
    full_text = "\n".join(text_of(node) for node in nodes)
    if "7031(c)" in full_text:
        entries = _visa_designations(nodes, full_text)
    elif "Hong Kong Autonomy Act" in full_text and (kind == KIND_REPORT or "report" in title.casefold()):
        entries = _hkaa_identified(nodes, full_text)
    elif _DESIGNATING.search(full_text):
        entries = _designations(paragraphs)
    else:
        entries = []
        warnings.append(f"{url}: no designation, 7031(c) designation or Hong Kong Autonomy Act report recognised")
    if not entries and not warnings:
        warnings.append(f"{url}: recognised as {kind} but no person is named in a form the parser knows")
    return ParsedAnnouncement(
        source=SOURCE,
        kind=kind,
        url=url,
        title=title,
        published_on=published_on,
        agency=AGENCY,
        authorities=authorities_in(full_text),
        summary=paragraphs[0] if paragraphs else "",
        text="\n".join(raw_text(node) for node in nodes),
        entries=entries,
        sections=tuple(text_of(node) for node in nodes if node.tag in HEADING_TAGS),
        warnings=warnings,
    )


def statement_kind(content_type: str, title: str) -> str:
    """``report`` for the Report content type (or a title starting "Report"/"Update to Report")."""
    if content_type:
        return KIND_REPORT if "report" in content_type.casefold() else KIND_STATEMENT
    return KIND_REPORT if title.startswith(("Report", "Update to Report")) else KIND_STATEMENT


# --- designation statements -----------------------------------------------------------------------------


def _designations(paragraphs: list[str]) -> list[ParsedEntry]:
    """Names from "designating <names> pursuant to|under <basis>" clauses, each with its basis.

    A sentence may hold several clauses joined by ", as well as"; with "respectively" the names and
    the provisions are paired in order, otherwise every name gets all the provisions of its clause.
    """
    entries: list[ParsedEntry] = []
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            if not _DESIGNATING.search(sentence):
                continue
            for clause in re.split(r",\s*as well as\s+", sentence):
                entries.extend(_designation_clause(clause, sentence))
    return entries


def _designation_clause(clause: str, sentence: str) -> list[ParsedEntry]:
    basis_match = _BASIS_WORD.search(clause)
    if basis_match is None:
        return []
    start = _DESIGNATING.search(clause)
    names_text = clause[start.end() : basis_match.start()] if start else clause[: basis_match.start()]
    basis_text = clause[basis_match.end() :]
    bases = legal_bases(basis_text) or acts_in(basis_text)
    names = names_in_list(names_text)
    if not names or not bases:
        return []
    paired = "respectively" in basis_text and len(bases) == len(names)
    return [
        ParsedEntry(
            action=Action.LISTED,
            name=name,
            raw=sentence,
            kind=guess_kind(name),
            reason=sentence,
            legal_basis=bases[index] if paired else "; ".join(bases),
        )
        for index, name in enumerate(names)
    ]


# --- section 7031(c) -----------------------------------------------------------------------------------------


def _visa_designations(nodes: list[LexborNode], full_text: str) -> list[ParsedEntry]:
    """7031(c) designations: bulleted "<name>, <position>, for <reason>" items, else prose sentences."""
    basis_match = _7031C_ACT.search(full_text)
    basis = basis_match.group() if basis_match else "Section 7031(c)"
    paragraphs = [text_of(node) for node in nodes if node.tag == "p"]
    items = [text_of(node) for node in nodes if node.tag == "li"]
    entries: list[ParsedEntry] = []
    if items and re.search(r"designating the following", full_text, re.IGNORECASE):
        for item in items:
            if entry := _visa_item(item, item, basis):
                entries.append(entry)
    if not entries:
        for paragraph in paragraphs:
            for sentence in sentences(paragraph):
                if re.search(r"\bpublicly designating\b|\bis designating\b", sentence):
                    match = _VISA_SUBJECT.search(sentence)
                    if match and (entry := _visa_item(match.group("subject"), sentence, basis, match.group("reason"))):
                        entries.append(entry)
    surnames = {entry.name.split()[-1] for entry in entries}
    for entry in entries:
        surname = entry.name.split()[-1]
        entry.reason = " ".join([entry.reason, *(p for p in paragraphs if p.startswith(surname + " "))]).strip()
        entry.family_covered = _family_covered(full_text, surname, surnames)
        entry.family_members = _family_members(full_text, entry.name)
    return entries


def _visa_item(subject: str, raw: str, basis: str, reason: str = "") -> ParsedEntry | None:
    """One designee from "<name>, <position> in|of <country>[, for <reason>]" or "<country> <position> <name>"."""
    subject = subject.strip().rstrip(".")
    if not reason and (match := re.search(r",?\s+for\s+(?P<reason>.+)$", subject)):
        subject, reason = subject[: match.start()], match.group("reason")
    name, position, country = _split_subject(subject)
    if not name:
        return None
    return ParsedEntry(
        action=Action.VISA_DESIGNATION,
        name=name,
        raw=raw,
        kind="individual",
        country=country,
        position=position,
        reason=f"for {reason.strip().rstrip('.')}." if reason else "",
        legal_basis=basis,
    )


def _split_subject(subject: str) -> tuple[str, str, str]:
    """(name, position, country) of a designee phrase.

    "Anderson Jibas, former mayor of the Kili/Bikini/Ejit community in the Republic of the Marshall
    Islands" -> the name before the comma, the position after it, the country after its last " in "
    (when that starts with a capital);
    "Palau Senate President Hokkons Baules" -> the name after the last position word, the first word
    as the country when more than one word precedes the name.
    """
    if "," in subject:
        name, _, rest = subject.partition(",")
        rest = re.sub(r"^(?:a|an|the)\s+", "", rest.strip().rstrip(","))
        position, country = rest, ""
        if " in " in rest:
            head, tail = rest.rsplit(" in ", 1)
            if re.match(r"^(?:the\s+)?[A-Z]", tail):
                position, country = head.strip(), re.sub(r"^the\s+", "", tail.strip())
        return name.strip(), position.strip(), country
    words = subject.split()
    last_position = max((i for i, w in enumerate(words) if w.strip(",").casefold() in POSITION_WORDS), default=-1)
    if last_position < 0:
        return trailing_name(subject), "", ""
    name = " ".join(words[last_position + 1 :])
    prefix = words[: last_position + 1]
    if len(prefix) > 1 and prefix[0][0].isupper() and prefix[0].casefold() not in POSITION_WORDS | {"former"}:
        return name, " ".join(prefix[1:]), prefix[0].removesuffix("'s")
    return name, " ".join(prefix), ""


def _family_covered(text: str, surname: str, surnames: set[str]) -> bool:
    """True when a sentence about family members names this person, or names no designee at all
    ("... render Baules, Jibas, and their immediate family members generally ineligible")."""
    for sentence in sentences(text.replace("\n", " ")):
        if "family member" not in sentence:
            continue
        if surname in sentence or not any(other in sentence for other in surnames):
            return True
    return False


def _family_members(text: str, name: str) -> tuple[str, ...]:
    """Family members designated by name in a sentence about this person ("his wife, X")."""
    members: list[str] = []
    for sentence in sentences(text.replace("\n", " ")):
        if name.split()[-1] not in sentence:
            continue
        for match in _FAMILY.finditer(sentence):
            names = re.split(r"\s+(?:pursuant to|under|for|who|as well as)\b", match.group("names"))[0]
            members.extend(n for n in names_in_list(names) if n != name)
    return tuple(dict.fromkeys(members))


# --- Hong Kong Autonomy Act reports -------------------------------------------------------------------------


def _hkaa_identified(nodes: list[LexborNode], full_text: str) -> list[ParsedEntry]:
    """The persons a report identifies: "<name> is <position>." paragraphs or "<name>, <position>" items."""
    basis = "Hong Kong Autonomy Act Section 5(a)" if "Section 5(a)" in full_text else "Hong Kong Autonomy Act"
    entries: list[ParsedEntry] = []
    for node in nodes:
        if is_heading(node):
            continue
        text = text_of(node)
        name = position = ""
        if match := _IDENTIFIED.match(text):
            name, position = match.group("name"), match.group("position").strip()
        elif node.tag == "li" and "," in text:
            name, position = (part.strip() for part in text.split(",", 1))
        if not name or not {w.casefold() for w in re.findall(r"[\w-]+", position)} & POSITION_WORDS:
            continue
        entries.append(
            ParsedEntry(
                action=Action.IDENTIFIED,
                name=name,
                raw=text,
                kind="individual",
                position=position.rstrip("."),
                reason=text,
                legal_basis=basis,
            )
        )
    return entries


# --- page parts ----------------------------------------------------------------------------------------------


def _title(tree: LexborHTMLParser, url: str, warnings: list[str]) -> str:
    found = find_first(tree, TITLE_SELECTORS)
    if found is not None:
        if found.by_fallback:
            warnings.append(f"{url}: title found by {found.selector!r}, not by h1.featured-content__headline")
        return text_of(found.node)
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None and (content := (meta.attributes.get("content") or "").strip()):
        warnings.append(f"{url}: title taken from the og:title meta element")
        return content
    raise AnnouncementParseError(f"{url}: no title found (no h1 and no og:title)")


def _date(tree: LexborHTMLParser, url: str, warnings: list[str]) -> datetime.date:
    found = find_first(tree, DATE_SELECTORS)
    if found is not None:
        date = date_from_iso(found.node.attributes.get("datetime") or "") or date_from_text(text_of(found.node))
        if date is not None:
            if found.by_fallback:
                warnings.append(f"{url}: date found by {found.selector!r}, not by .article-meta__publish-date")
            return date
    meta = tree.css_first('meta[property="article:published_time"]')
    if meta is not None and (date := date_from_iso(meta.attributes.get("content") or "")):
        warnings.append(f"{url}: date taken from the article:published_time meta element")
        return date
    raise AnnouncementParseError(f"{url}: no publication date found")


def _body(tree: LexborHTMLParser, url: str, warnings: list[str]) -> LexborNode:
    found = find_first(tree, BODY_SELECTORS)
    if found is None:
        raise AnnouncementParseError(f"{url}: no statement text found (no .entry-content, article or main)")
    if found.by_fallback:
        warnings.append(f"{url}: text found by {found.selector!r}, not by .entry-content")
    return found.node


# --- the index --------------------------------------------------------------------------------------------------


def parse_index(html: bytes, url: str) -> IndexPage:
    """The statements an index page lists, newest first, with the next page's URL.

    Items are ``li.collection-result`` (link ``a.collection-result__link``, date
    ``p.collection-result__date``); without them, links inside ``main`` to state.gov pages are taken
    with no date and the fallback is reported. A page with neither is an ``AnnouncementParseError``.
    """
    tree = parse_html(html, url)
    warnings: list[str] = []
    items: list[IndexItem] = []
    for row in tree.css("li.collection-result"):
        link = row.css_first("a.collection-result__link") or row.css_first("a[href]")
        if link is None or not link.attributes.get("href"):
            continue
        date_node = row.css_first(".collection-result__date")
        items.append(
            IndexItem(
                url=absolute(url, link.attributes["href"] or ""),
                title=text_of(link),
                published_on=date_from_text(text_of(date_node)) if date_node else date_from_text(spaced_text(row)),
            )
        )
    if not items:
        main = tree.css_first("main")
        for link in main.css("a[href]") if main is not None else []:
            href = absolute(url, link.attributes.get("href") or "")
            if "state.gov/" in href and text_of(link) and "page-numbers" not in (link.attributes.get("class") or ""):
                items.append(IndexItem(url=href, title=text_of(link), published_on=None))
        if items:
            warnings.append(f"{url}: no li.collection-result items; {len(items)} links taken from main without dates")
    if not items:
        raise AnnouncementParseError(f"{url}: no statements listed")
    return IndexPage(items=items, next_url=next_page_url(tree, url), warnings=warnings)
