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
* **section 7031(c) statements**, in each wording used since 2018: "The Department of State is
  (publicly) designating <country> <position> <name> for <reason>", "The United States is designating
  Attorney General of Guatemala <name> ("Porras") due to her involvement in significant corruption",
  "... is announcing the public designation of <name>, due to ...", "The Department has designated
  <name>, <position>, for ...", or a bulleted list "<name>, a former <position> of <country>, for
  <reason>" after "designating the following individuals" -> ``VISA_DESIGNATION`` entries, with
  ``family_covered`` when the text says immediate family members are covered too. Relatives
  designated by name ("The Department is also designating Porras's husband <name>", "Cartes's adult
  children A, B, and C", "his wife, X, and his daughters Y and Z") are designees of their own, each
  with ``family_of`` naming the official, who lists them in ``family_members``;
* **section 353 lists** (the "Corrupt and Undemocratic Actors" report of the United States-Northern
  Triangle Enhanced Engagement Act, section 353(b)): list items and paragraphs opening with a name and
  saying what the person did ("engaged in significant corruption", "undermined democratic processes or
  institutions", "obstructed investigations") under a country heading -> ``VISA_DESIGNATION``
  entries of the program ``SECTION-353`` (persons on the list are ineligible for visas); a statement
  announcing the list without names parses with none;
* **Hong Kong Autonomy Act reports and updates**: paragraphs "<name> is <position>." (or list items
  "<name>, <position>") -> ``IDENTIFIED`` entries. A statement about a report that names no one (the
  State text of 20 Dec 2021) has none.

A page of none of these kinds parses with no entries and a warning. A statement saved as plain text
(its title on the first line, paragraphs between blank lines) is read like the page: its date is the
first date in its text, else the one given by the caller.
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
from announcements.parsers.clauses import is_historical
from announcements.parsers.html import (
    HEADING_TAGS,
    absolute,
    acts_in,
    authorities_in,
    blocks,
    date_from_iso,
    date_from_text,
    decode,
    find_first,
    is_heading,
    is_markup,
    legal_bases,
    next_page_url,
    parse_html,
    raw_text,
    sentences,
    spaced_text,
    text_of,
)
from announcements.parsers.names import (
    TITLE_WORDS,
    country_names,
    is_person_like,
    name_key,
    names_in_phrase,
    split_list,
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
# The verbs of a State designation: "is (also) (publicly) designating", "announcing the (public)
# designation of", "has (publicly) designated", "hereby designate".
_VISA_TRIGGER = re.compile(
    r"\b(?:(?:is|am|are)\s+(?:also\s+)?(?:publicly\s+)?designating"
    r"|announc(?:ing|es|ed)\s+(?:the\s+)?(?:public\s+)?designations?\s+of"
    r"|(?:has|have)\s+(?:also\s+)?(?:publicly\s+)?designated|(?:hereby\s+)?publicly\s+designat(?:e|es|ed)"
    r"|hereby\s+designate)\s+"
)
# Where the designee phrase ends and the reason begins: "... due to her involvement", ", for his role".
_VISA_REASON = re.compile(
    r",?\s+(?:due\s+to|for)\s+(?=(?:his|her|their|its|involvement|significant|gross|being|having|engaging"
    r"|actions|acts|role|the|a|an|participating|undermining|obstructing)\b)"
    r"|,?\s+(?:under|pursuant\s+to)\s+Section\b|,\s*(?:who|whose)\b|\.$"
)
_RELATIONS = (
    r"(?:adult\s+|minor\s+|two\s+|three\s+|four\s+)?(?:wife|husband|spouse|sons?|daughters?|child|children"
    r"|father|mother|parents|brothers?|sisters?|siblings|step(?:son|daughter)s?|grand(?:son|daughter)s?"
    r"|(?:son|daughter|father|mother|brother|sister)s?-in-law|immediate\s+family\s+members?)"
)
_FAMILY_GROUP = re.compile(
    rf"(?:^|,\s*(?:and\s+)?|\s+and\s+)(?P<owner>his|her|their|(?:[A-Z][\w'-]+\s)*?[A-Z][\w-]+'s?)\s+"
    rf"(?P<relation>{_RELATIONS})\b,?\s*"
)
SECTION_353_PROGRAM = "SECTION-353"
SECTION_353_BASIS = "Section 353(b) of the United States-Northern Triangle Enhanced Engagement Act"
_353_CONDUCT = re.compile(
    r"\b(?:engaged\s+in\s+significant\s+corruption|undermined\s+democratic|obstructed\s+(?:the\s+)?investigation"
    r"|knowingly\s+engaged|engaged\s+in\s+(?:actions|acts)\s+that\s+undermine|significant\s+corruption)",
    re.IGNORECASE,
)
_353_COUNTRIES = ("El Salvador", "Guatemala", "Honduras", "Nicaragua")


def parse_statement(
    html: bytes | str, url: str, *, title: str = "", published_on: datetime.date | None = None
) -> ParsedAnnouncement:
    """Parse one statement or report page: title, date, kind, authorities, and the persons it names.

    ``title`` and ``published_on`` are used only when the page has none of its own (a statement saved
    as its text alone may carry no date).
    """
    text = decode(html, url)
    plain = not is_markup(text)
    tree = parse_html(text, url)
    warnings: list[str] = []
    if plain:
        warnings.append(f"{url}: the page is plain text; its first line is taken as the title")
    title = _title(tree, url, warnings, given=title, quiet=plain)
    body = _body(tree, url, warnings, quiet=plain)
    published_on = _date(tree, body, url, warnings, given=published_on)
    content_type = text_of(tree.css_first(TYPE_SELECTORS[0])) if tree.css_first(TYPE_SELECTORS[0]) else ""
    kind = statement_kind(content_type, title)

    nodes = list(blocks(body))
    paragraphs = [text_of(node) for node in nodes if not is_heading(node)]
    full_text = "\n".join(text_of(node) for node in nodes)
    programs: tuple[str, ...] = ()
    recognised = True
    if "7031(c)" in full_text:
        entries = _visa_designations(nodes, full_text)
    elif _is_section_353(full_text):
        entries = _section_353(nodes)
        programs = (SECTION_353_PROGRAM,)
    elif "Hong Kong Autonomy Act" in full_text and (kind == KIND_REPORT or "report" in title.casefold()):
        entries = _hkaa_identified(nodes, full_text)
    elif _DESIGNATING.search(full_text):
        entries = _designations(paragraphs)
    else:
        entries = []
        recognised = False
        warnings.append(f"{url}: no designation, 7031(c) designation or Hong Kong Autonomy Act report recognised")
    if not entries and recognised:
        warnings.append(f"{url}: recognised as {kind} but no person is named in a form the parser knows")
    return ParsedAnnouncement(
        source=SOURCE,
        kind=kind,
        url=url,
        title=title,
        published_on=published_on,
        agency=AGENCY,
        authorities=authorities_in(full_text),
        programs=programs,
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
    """7031(c) designations: bulleted "<name>, <position>, for <reason>" items, else prose sentences;
    relatives designated by name become entries of their own (see the module docstring)."""
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
        for paragraph in [*paragraphs, *items]:
            for sentence in sentences(paragraph):
                entries.extend(_visa_sentence(sentence, basis, entries))
    officials = [entry for entry in entries if not entry.family_of]
    surnames = {entry.name.split()[-1] for entry in officials}
    for entry in officials:
        surname = entry.name.split()[-1]
        short = entry.name_variants[0] if entry.name_variants else surname
        entry.reason = " ".join(
            [entry.reason, *(p for p in paragraphs if p.startswith((surname + " ", short + " ", short + "'s ")))]
        ).strip()
        relatives = tuple(e.name for e in entries if e.family_of == entry.name)
        entry.family_members = tuple(dict.fromkeys((*relatives, *_family_members(full_text, entry.name))))
        entry.family_covered = bool(relatives) or _family_covered(full_text, surname, surnames)
    return entries


def _visa_sentence(sentence: str, basis: str, earlier: list[ParsedEntry]) -> list[ParsedEntry]:
    """The designees of one 7031(c) sentence: officials, or relatives of an official named before.

    The officials of one sentence are its names, each with the apposition after it ("Jane Roe, a former
    minister of X, and John Doe, a former judge in X, for their involvement ...").
    """
    match = _VISA_TRIGGER.search(sentence)
    if match is None or re.search(r"\bpreviously\b", sentence[: match.start()]):
        return []
    rest = sentence[match.end() :]
    end = _VISA_REASON.search(rest)
    subject = rest[: end.start()] if end else rest.rstrip(".")
    reason = ""
    if end is not None and (separator := end.group().strip(" ,")).startswith(("due to", "for")):
        reason = f"{separator} {rest[end.end() :].strip()}".rstrip(".") + "."
    if is_historical(sentence[: match.start()] + " " + subject):
        return []
    if _FAMILY_GROUP.match(subject):
        return _relatives(subject, sentence, basis, earlier)
    entries = []
    for phrase in _officials(subject):
        entry = _visa_item(phrase, sentence, basis, strict=True)
        if entry is not None:
            entry.reason = reason
            entries.append(entry)
    return entries


def _officials(subject: str) -> list[str]:
    """A designation's subject cut into one phrase per official: each name with its apposition."""
    phrases: list[str] = []
    for begin, end in split_list(subject):
        item = subject[begin:end].strip()
        names = names_in_phrase(item)
        starts_name = bool(names) and is_person_like(names[-1].text) and item[:1].isupper()
        if starts_name or not phrases:
            phrases.append(item)
        else:
            phrases[-1] = f"{phrases[-1]}, {item}"
    return phrases


def _relatives(subject: str, sentence: str, basis: str, earlier: list[ParsedEntry]) -> list[ParsedEntry]:
    """Relatives named in one designation: "Porras's husband Gilberto de Jesus Porres de Paz", "his wife,
    X, and his daughters Y and Z", "Cartes's adult children A, B, and C"."""
    officials = [entry for entry in earlier if not entry.family_of]
    groups = list(_FAMILY_GROUP.finditer(subject))
    entries = []
    for index, group in enumerate(groups):
        end = groups[index + 1].start() if index + 1 < len(groups) else len(subject)
        owner = group.group("owner").removesuffix("'s").removesuffix("'")
        official = _official(owner, officials)
        for name in names_in_phrase(subject[group.end() : end].strip(" ,")):
            if not is_person_like(name.text):
                continue
            entries.append(
                ParsedEntry(
                    action=Action.VISA_DESIGNATION,
                    name=name.text,
                    raw=sentence,
                    kind="individual",
                    reason=sentence,
                    legal_basis=basis,
                    family_of=official.name if official else "",
                    relationship=" ".join(group.group("relation").split()),
                )
            )
    return entries


def _official(owner: str, officials: list[ParsedEntry]) -> ParsedEntry | None:
    """The designee a relative belongs to: "his"/"her" the last one named, "Porras's" the one so called."""
    if owner in ("his", "her", "their"):
        return officials[-1] if officials else None
    key = name_key(owner)
    for entry in reversed(officials):
        names = [entry.name, *entry.name_variants]
        if any(key == name_key(n) or key in name_key(n).split() for n in names):
            return entry
    return officials[-1] if len(officials) == 1 else None


def _visa_item(subject: str, raw: str, basis: str, reason: str = "", *, strict: bool = False) -> ParsedEntry | None:
    """One designee from "<name>, <position> in|of <country>[, for <reason>]" or "<country> <position> <name>".

    ``strict``: the reason was cut off already; a "for" left in the phrase belongs to the position
    ("Head of the Ministry of Internal Affairs for Grozny").
    """
    subject = subject.strip().rstrip(".")
    if not reason and not strict and (match := re.search(r",?\s+for\s+(?P<reason>.+)$", subject)):
        subject, reason = subject[: match.start()], match.group("reason")
    short = ""
    if "," not in subject and (names := names_in_phrase(subject)):
        # "Attorney General of Guatemala Maria Consuelo Porras Argueta de Porres ("Porras")"
        found = names[-1]
        name, short = found.text, found.short
        position, country = _position_country(subject[: found.start].strip())
    else:
        name, position, country = _split_subject(subject)
    if not name:
        return None
    return ParsedEntry(
        action=Action.VISA_DESIGNATION,
        name=name,
        raw=raw,
        kind="individual",
        name_variants=(short,) if short else (),
        country=country,
        position=position,
        reason=f"for {reason.strip().rstrip('.')}." if reason else "",
        legal_basis=basis,
    )


def _position_country(prefix: str) -> tuple[str, str]:
    """(position, country) of the words before a name: "Attorney General of Guatemala" -> ("Attorney
    General", "Guatemala"); "Palau Senate President" -> ("Senate President", "Palau")."""
    prefix = re.sub(r"^(?:the|a|an)\s+", "", prefix.strip(" ,"))
    if match := re.search(r"\s+of\s+(?:the\s+)?(?P<place>[A-Z][\w' ]+)$", prefix):
        if match.group("place").casefold() in country_names():
            return prefix[: match.start()], match.group("place")
    words = prefix.split()
    if len(words) > 1 and words[0][:1].isupper() and words[0].casefold().removesuffix("'s") not in TITLE_WORDS:
        return " ".join(words[1:]), words[0].removesuffix("'s")
    return prefix, ""


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
    """The persons a report identifies: "<name> is <position>." paragraphs or "<name>, <position>" items.

    The name must read as a person's ("Chen Dong"), not as the subject of any sentence ("The United
    States is concerned ...").
    """
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
        if not is_person_like(name) or name.split()[0] in ("The", "This", "These", "Today", "Under", "Foreign"):
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


# --- section 353 ------------------------------------------------------------------------------------------------


def _is_section_353(text: str) -> bool:
    """A page about the section 353 list (the "Engel list") rather than one that only mentions it."""
    return bool(re.search(r"Section 353\b", text)) and bool(
        re.search(r"Northern Triangle|Corrupt and Undemocratic Actors", text, re.IGNORECASE)
    )


def _section_353(nodes: list[LexborNode]) -> list[ParsedEntry]:
    """The persons a section 353 list names: items opening with a person's name and saying what they
    did, under the heading of their country ("Guatemala", "Honduras", "El Salvador", "Nicaragua")."""
    entries: list[ParsedEntry] = []
    country = ""
    for node in nodes:
        text = text_of(node)
        if is_heading(node) or text in _353_COUNTRIES:
            country = next((c for c in _353_COUNTRIES if c.casefold() in text.casefold()), country)
            continue
        if not _353_CONDUCT.search(text):
            continue
        lead = re.split(r"\s+-\s+|:\s|,\s|\s+(?:is|was|engaged|undermined|obstructed|knowingly)\b", text, maxsplit=1)[0]
        names = names_in_phrase(lead)
        if not names or names[0].start > 0 or not is_person_like(names[0].text):
            continue
        name = names[0].text
        rest = text[len(lead) :].strip(" :,-")
        position = rest.split(",")[0] if rest and rest[:1].islower() is False and "," in rest[:120] else ""
        entries.append(
            ParsedEntry(
                action=Action.VISA_DESIGNATION,
                name=name,
                raw=text,
                kind="individual",
                programs=(SECTION_353_PROGRAM,),
                country=country,
                position=position if position and not _353_CONDUCT.search(position) else "",
                reason=text,
                legal_basis=SECTION_353_BASIS,
            )
        )
    return entries


# --- page parts ----------------------------------------------------------------------------------------------


def _title(tree: LexborHTMLParser, url: str, warnings: list[str], *, given: str, quiet: bool) -> str:
    found = find_first(tree, TITLE_SELECTORS)
    if found is not None:
        if found.by_fallback and not quiet:
            warnings.append(f"{url}: title found by {found.selector!r}, not by h1.featured-content__headline")
        return text_of(found.node)
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None and (content := (meta.attributes.get("content") or "").strip()):
        warnings.append(f"{url}: title taken from the og:title meta element")
        return content
    heading = next((node for node in tree.css("h2, h3") if text_of(node)), None)
    if heading is not None:
        warnings.append(f"{url}: no h1; the title is the first heading")
        return text_of(heading)
    if given:
        warnings.append(f"{url}: no title in the page; the title given with it is used")
        return given
    warnings.append(f"{url}: no title found (no h1, heading or og:title)")
    return ""


def _date(
    tree: LexborHTMLParser, body: LexborNode, url: str, warnings: list[str], *, given: datetime.date | None
) -> datetime.date:
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
    # A saved text opens with its date line ("DECEMBER 20, 2021") before the statement itself.
    head = " ".join(text_of(node) for node in list(blocks(body))[:6])
    if (date := date_from_text(head[:600])) is not None:
        warnings.append(f"{url}: date read from the text; no date element")
        return date
    if given is not None:
        warnings.append(f"{url}: no date in the page; the date given with it is used")
        return given
    raise AnnouncementParseError(f"{url}: no publication date found")


def _body(tree: LexborHTMLParser, url: str, warnings: list[str], *, quiet: bool) -> LexborNode:
    found = find_first(tree, BODY_SELECTORS)
    if found is None:
        raise AnnouncementParseError(f"{url}: no statement text found (no .entry-content, article or main)")
    if found.by_fallback and not quiet:
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
