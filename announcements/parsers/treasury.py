"""Treasury press releases and their index, parsed purely (bytes in, ``ParsedAnnouncement`` out).

Layout relied on (home.treasury.gov, Drupal; the selectors of OpenSanctions' press-release crawler,
``datasets/us/ofac/press_releases/crawler.py``, and the saved release pages in its ``evals/sources``):

* index: ``https://ofac.treasury.gov/press-releases?page=N``, one ``table.views-table`` whose rows
  link to ``/news/press-releases/<number>``; other links in the table (PDFs) are skipped; the next
  page is the U.S. Web Design System pager's ``a.usa-pagination__next-page``;
* release: the title in ``h2.uswds-page-title`` (outside the article), the body in
  ``article.entity--type-node`` (the text in its ``field--name-field-news-body``), the date in
  ``time.datetime[datetime]``. A page saved as its ``<article>`` alone (as OpenSanctions keeps them)
  has no title: one is taken from a heading inside, else from the caller, else left empty with a
  warning.

Who a release designates is read from what its sentences say (``announcements.parsers.clauses``),
helped by its typography, which changed over the years:

* since 2020 the parties are in bold on first mention, often with the short form the text goes on to
  use: "<b>Yuriy Khadzymuratavich Kareau</b> (Karaeu)" (``sm1143``), "<b>Aqif Rakipi (Rakipi)</b>"
  (``jy0712``), a company split over several bold runs ("<b>Urbanizacion</b>, <b>Inmobiliaria y
  Construccion de Obras</b>, <b>S.A. de C.V.</b>", ``jy1467``), a surname alone in bold after the
  full name ("Aleksandr Bortnikov (<b>Bortnikov</b>)", ``jy0045``);
* in 2018-2020 nothing marks them: they stand in plain prose ("OFAC designated Ibrahim Jadhran
  pursuant to ...", ``sm477``), in ``h4`` sub-headings over a paragraph that designates them
  (``sm668``), in a section listing each party with its legal basis (``sm704``), or in one paragraph
  cut by ``<br>`` whose bold lines are sub-headings (``sm853``);
* the bold dateline ("<strong>WASHINGTON </strong>- ", once "WASHNGTON", ``sm1142``) and bold
  headings ("SANCTIONS IMPLICATIONS") are never names.

Each party becomes one ``LISTED`` entry (``AMENDED`` for an entry updated, "adding X as an alias for
Y"), whatever the number of spellings the text uses for it, with the spellings, position, reason and
legal basis the text gives. Parties the grammar is not sure of (named under a sub-heading or by a
weak verb such as "targeted", vessels given with an IMO number) are ``MENTIONED`` entries, for the
linking step to confirm against the list; a caller holding a list can confirm them here instead
with ``is_listed``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
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
from announcements.parsers.clauses import Clause, basis_of, find_clauses, is_historical, trailing_phrase
from announcements.parsers.html import (
    HEADING_TAGS,
    Unit,
    absolute,
    authorities_in,
    blocks,
    date_from_iso,
    date_from_text,
    find_first,
    is_heading,
    next_page_url,
    parse_html,
    raw_text,
    sentence_spans,
    sentences,
    spaced_text,
    text_of,
    text_units,
)
from announcements.parsers.names import (
    LEGAL_FORMS,
    Name,
    clean_name,
    fold,
    guess_kind,
    head_name,
    is_person_like,
    name_key,
    name_runs,
    names_in_phrase,
    split_list,
)
from announcements.parsers.prose import position_after, variants_after

SOURCE = "treasury-press"
KIND = "press_release"
AGENCY = "treasury"

TITLE_SELECTORS = ("h2.uswds-page-title", "h1.uswds-page-title", "span.treas-page-title", "h1", "h2")
ARTICLE_SELECTORS = ("article.entity--type-node", "article", "main")
BODY_SELECTORS = (".field--name-field-news-body",)
DATE_SELECTORS = ("time.datetime[datetime]", "time[datetime]")
_RELEASE_PATH = re.compile(r"/news/press-releases/(?P<number>[A-Za-z]*\d+)/?$")
_DESIGNATION = re.compile(r"\bdesignat\w*\b.*\b(?:pursuant to|under)\b", re.IGNORECASE)


def release_number(url: str) -> str:
    """``https://home.treasury.gov/news/press-releases/sm1143`` -> ``sm1143`` (the path's last segment)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def parse_release(
    html: bytes | str,
    url: str,
    *,
    title: str = "",
    published_on: datetime.date | None = None,
    is_listed: Callable[[str], bool] | None = None,
) -> ParsedAnnouncement:
    """Parse one press release: title, date, number, authorities, lead paragraph, named designees.

    ``title`` and ``published_on`` are used only when the page has none of its own (a saved
    ``<article>``); ``is_listed`` says whether a name is a listed party's, to confirm the names the
    grammar is unsure of (see the module docstring). Nothing here reads a database.
    """
    tree = parse_html(html, url)
    warnings: list[str] = []
    article = _article(tree, url, warnings)
    body_found = find_first(article, BODY_SELECTORS)
    body = body_found.node if body_found else article
    units = [unit for unit in text_units(body) if not _END_MARK.match(unit.text)]
    title = _title(tree, article, units, url, warnings, given=title)
    published_on = _date(tree, article, url, warnings, given=published_on)

    paragraphs = [node for node in blocks(body) if not _END_MARK.match(text_of(node))]
    texts = [text_of(node) for node in paragraphs]
    full_text = "\n".join(texts)
    summary = next((text for node, text in zip(paragraphs, texts, strict=True) if not is_heading(node)), "")
    entries = ReleaseReader(units, full_text, is_listed).entries()
    if not any(entry.action == Action.LISTED for entry in entries):
        warnings.append(f"{url}: no party is designated by name in the release; nothing to link")
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


# --- who a release designates -----------------------------------------------------------------------------

_END_MARK = re.compile(r"^#{3,}$")
_JOINED = "\x00"  # marks a bold group joined from several runs (one company name)
_QUOTE = '"'
_IMO = re.compile(r"\((?:IMO|MMSI)\b:?\s*\d{7,9}\)")
_VESSELS_BLOCKED = re.compile(
    r"\bvessels?\b.*\b(?:blocked|identified)\b|\b(?:blocked|identified)\b.*\bvessels?\b", re.IGNORECASE
)
_GROUP_LIST = re.compile(
    r"\b(?:individuals|entities|persons|vessels|companies|members|officials|aircraft|people)\b[^:]{0,120}:\s*(?=[A-Z])"
)
_QUOTED_BY = re.compile(r"\b(?:said|says|stated|states|added|noted|according to)\b[^.;:]{0,80}$")
_NOT_NAMES = frozenset({"ofac", "treasury", "washington", "united states", "u.s.", "state department", "note"})


@dataclass(slots=True)
class _Form:
    """One mention of a party: how it was written, how sure the grammar is, where it stands."""

    name: Name
    rank: int  # 3: designated citing a legal basis, 2: designated, 1: bold, 0: heading, weak verb, IMO
    unit: int
    position: int
    source: str  # clause | bold | heading | imo | weak | reference | list
    clause: Clause | None = None


@dataclass(slots=True)
class _Party:
    forms: list[_Form] = field(default_factory=list)
    refs: set[str] = field(default_factory=set)  # short forms: "Rakipi", "Bortnikov", "Karaeu"
    amended: bool = False  # its entry is updated ("adding X as an alias for <party>")
    other: bool = False  # named by a clause of someone else's or of the past

    @property
    def primary(self) -> _Form:
        full = [f for f in self.forms if f.source != "reference"] or self.forms
        return max(full, key=lambda f: (f.rank, -f.unit, -f.position))

    @property
    def rank(self) -> int:
        return max(f.rank for f in self.forms)

    @property
    def keys(self) -> set[str]:
        return {name_key(f.name.text) for f in self.forms}

    @property
    def is_vessel(self) -> bool:
        return any(f.name.kind == "vessel" or (f.clause and f.clause.as_property) for f in self.forms)

    @property
    def kind(self) -> str:
        if self.is_vessel:
            return "vessel"
        name = self.primary.name.text
        # Only companies are "owned or controlled" ("The Four Seasons Damascus is owned or controlled by").
        owned = re.compile(re.escape(name) + r"(?:\s*\([^()]*\))?\s+(?:is|are|was|were)\s+(?:\w+\s+)?owned\b")
        if any(f.clause is not None and owned.search(f.clause.sentence) for f in self.forms):
            return "entity"
        return guess_kind(name)

    @property
    def introduced(self) -> tuple[int, int]:
        """Where the release introduces the party: its first bold form, else its first mention."""
        bold = [(f.unit, f.position) for f in self.forms if f.source == "bold"]
        return min(bold or [(f.unit, f.position) for f in self.forms])


class ReleaseReader:
    """Reads a release's lines into parties and their entries (the steps of ``entries``)."""

    def __init__(self, units: list[Unit], full_text: str, is_listed: Callable[[str], bool] | None) -> None:
        self.units = units
        self.full_text = full_text
        self.is_listed = is_listed
        self.parties: list[_Party] = []
        self.clauses: list[tuple[int, Clause]] = []  # (unit, clause) of every clause found
        self.leads: dict[int, _Party] = {}  # unit -> the party the paragraph is about
        self._last_agent: dict[int, str] = {}  # unit -> who acted in its last clause naming an agent
        self._pending_refs: list[tuple[int, int, str]] = []  # bold short forms of names in plain text
        self._names_cache: list[Name] | None = None

    # -- the steps --
    def entries(self) -> list[ParsedEntry]:
        """1. read bold runs, sub-headings and IMO numbers; 2. read the clauses of every sentence;
        3. resolve short forms and pronouns and merge spellings of one party; 4. decide each party."""
        for index, unit in enumerate(self.units):
            if unit.heading:
                self._heading(index, unit)
            else:
                self._bold(index, unit)
                self._vessels(index, unit)
        for index, unit in enumerate(self.units):
            if not unit.heading:
                self._sentences(index, unit)
        self._resolve()
        return self._decide()

    # -- 1. typography --
    def _heading(self, index: int, unit: Unit) -> None:
        """A sub-heading that is a name ("Voltra Transcor Energy BVBA", "HASSAN TABAJA") may introduce a
        party; it counts only if something else designates it."""
        words = unit.text.split()
        if not 1 <= len(words) <= 8 or unit.text.endswith(":") or unit.tag in ("h1", "h2"):
            return
        name = head_name(unit.text)
        if name is not None and name.text == unit.text.strip(" .") and len(words) <= 6:
            self._add(_Form(name, 0, index, 0, "heading"))

    def _bold(self, index: int, unit: Unit) -> None:
        """Bold runs of a line: names, short forms in brackets, or the dateline and inline headings."""
        previous: _Party | None = None
        for start, end, marked in _bold_groups(unit):
            text = marked.lstrip(_JOINED)
            before = unit.text[:start].rstrip()
            after = unit.text[end:].lstrip()
            if _is_dateline(index, unit, start, end):
                continue
            if before.endswith("(") and after.startswith(")"):
                # "Aleksandr Bortnikov (<b>Bortnikov</b>)": the short form of the name before it, which
                # the release introduces here.
                if previous is not None:
                    previous.refs.add(text.strip('"'))
                    self._intro(previous, index, start)
                else:
                    self._pending_refs.append((index, start, text.strip('"')))
                continue
            if _inline_heading(text, after) or _QUOTED_BY.search(before) or _in_quote(unit.text, start):
                continue  # a heading, or the official quoted ("... ," said <b>Secretary ...</b>)
            for name in _names_in_bold(marked, start):
                if name.text.casefold() in _NOT_NAMES:
                    continue
                tail = re.match(r"\s*\((?P<inner>[^()]+)\)", unit.text[end:])
                if tail and not name.short:
                    cleaned = clean_name(f"{name.text} ({tail.group('inner')})")
                    if cleaned is not None and cleaned.short:
                        name.short = cleaned.short  # "<b>James Kabarebe</b> (Kabarebe)"
                    elif cleaned is not None and cleaned.kind:
                        name.kind, name.identifiers = cleaned.kind, cleaned.identifiers
                previous = self._add(_Form(name, 1, index, name.start, "bold"))
                self.leads.setdefault(index, previous)  # the paragraph is about its first bold name

    def _vessels(self, index: int, unit: Unit) -> None:
        """Vessels given with their IMO number: "the JW JEWEL (IMO: 9402964) and NYMEX STAR (IMO: ...)"."""
        for match in _IMO.finditer(unit.text):
            phrase = trailing_phrase(unit.text[: match.start()].rstrip())
            names = names_in_phrase(phrase)
            if names:
                name = names[-1]
                name.kind = "vessel"
                self._add(_Form(name, 0, index, match.start(), "imo"))

    # -- 2. sentences --
    def _sentences(self, index: int, unit: Unit) -> None:
        inside = False  # a quotation left open by an earlier sentence of the line
        for start, end in sentence_spans(unit.text):
            sentence = unit.text[start:end]
            skip = inside or sentence.startswith(_QUOTE)
            inside = inside != (sentence.count(_QUOTE) % 2 == 1)
            if skip:
                continue  # officials' quotes designate no one
            clauses = find_clauses(sentence)
            for clause in clauses:
                if clause.agent == "implied" and self._last_agent.get(index) == "foreign":
                    # "Concurrently, the Department of State is designating two individuals ... Eitan
                    # Yardeni is being designated for ...": the passive goes on with the State's action.
                    clause.agent = "foreign"
                if clause.agent in ("own", "foreign"):
                    self._last_agent[index] = clause.agent
                self._clause(index, unit, start, clause)
            if not clauses and (group := _GROUP_LIST.search(sentence)):
                # "The following 14 individuals were members of the operations team: A, B, ..." in a
                # release that designates "All 17 individuals": candidates for the list to confirm.
                for name in names_in_phrase(sentence[group.end() :].rstrip(". "), group.end()):
                    self._add(_Form(name, 0, index, start + name.start, "list"))

    def _clause(self, index: int, unit: Unit, offset: int, clause: Clause) -> None:
        self.clauses.append((index, clause))
        names = clause.names
        # Bold runs inside the clause's parties are the names as the release marks them.
        if clause.names_end > clause.names_start:
            bold = [
                name
                for start, end, text in _bold_groups(unit)
                if offset + clause.names_start <= start
                and end <= offset + clause.names_end
                and not (unit.text[:start].rstrip().endswith("(") and unit.text[end:].lstrip().startswith(")"))
                for name in _names_in_bold(text, start - offset)
            ]
            names = bold or self._known_names(clause, names)
        if clause.list_follows:
            names = self._list_items(index)
        rank = clause.rank
        source = "weak" if rank == 1 else "clause"
        if clause.pronoun:
            lead = self.leads.get(index) or self._previous_lead(index)
            if lead is not None and clause.today:
                lead.forms.append(_Form(lead.primary.name, rank, index, offset, "reference", clause))
            return
        for name in names:
            form = _Form(name, rank if rank > 1 else 0, index, offset + name.start, source, clause)
            if clause.action == Action.AMENDED:
                form.rank = 0
            party = self._add(form, reference=True)
            if clause.action == Action.AMENDED:
                party.amended = party.amended or clause.today
            elif not clause.today:
                party.other = True
                form.rank = -1
            if index not in self.leads and name.start <= 1:
                self.leads[index] = party

    def _known_names(self, clause: Clause, names: list[Name]) -> list[Name]:
        """Keep whole a name the release wrote in bold that a list reading would cut in two
        ("Mehrdad Geramian Nik and Partners Company is being designated ...")."""
        region = clause.sentence[clause.names_start : clause.names_end] if clause.names_end else ""
        for party in self.parties:
            for form in party.forms:
                known = form.name.text
                if form.source != "bold" or " and " not in known or known not in region:
                    continue
                start = clause.names_start + region.index(known)
                end = start + len(known)
                inside = [n for n in names if start <= n.start and n.end <= end]
                if len(inside) >= 2:
                    whole = Name(known, start, end)
                    names = sorted([n for n in names if n not in inside] + [whole], key=lambda n: n.start)
        return names

    def _list_items(self, index: int) -> list[Name]:
        """The parties of the list items after a sentence ending "...:" (one per item: the name its first
        clause gives, in bold if the item bolds one; "The Palau-flagged LPG tanker <b>MD 23</b> (IMO ...),
        which is owned by ...")."""
        names = []
        for unit in self.units[index + 1 :]:
            if unit.tag != "li":
                break
            lead = re.split(r",\s|\s(?:is|was|are|were)\s|\s-\s|:\s", unit.text, maxsplit=1)[0]
            groups = [g for g in _bold_groups(unit) if g[1] <= len(lead)]
            found = _names_in_bold(groups[0][2], groups[0][0]) if groups else names_in_phrase(lead)[-1:]
            names.extend(found[:1])
        return names

    def _previous_lead(self, index: int) -> _Party | None:
        for earlier in range(index - 1, -1, -1):
            if earlier in self.leads:
                return self.leads[earlier]
            if self.units[earlier].heading:
                return None
        return None

    # -- 3. one party, many spellings --
    def _add(self, form: _Form, *, reference: bool = False) -> _Party:
        """The party a form names (an existing one with the same spelling or short form), or a new one."""
        key = name_key(form.name.text)
        folded = form.name.text.casefold()
        for party in self.parties:
            if key in party.keys:
                break
            if reference and len(form.name.text.split()) <= 2 and folded in {r.casefold() for r in party.refs}:
                form.source = "reference"
                break
        else:
            party = _Party()
            self.parties.append(party)
        party.forms.append(form)
        if form.name.short:
            party.refs.add(form.name.short)
        return party

    def _intro(self, party: _Party, unit: int, position: int) -> None:
        party.forms.append(_Form(party.primary.name, -2, unit, position, "bold"))

    def _resolve(self) -> None:
        """Merge the parties that are one: short forms, surnames, company forms, and full names found
        in the prose for a short name a clause designates."""
        for index, start, short in self._pending_refs:
            owners = [p for p in self.parties if short.casefold() in {r.casefold() for r in p.refs}]
            if len(owners) == 1:
                self._intro(owners[0], index, start)
        changed = True
        while changed:
            changed = self._merge_once()
        for party in list(self.parties):
            self._expand(party)

    def _merge_once(self) -> bool:
        for party in self.parties:
            for other in self.parties:
                if other is party or not self._same(party, other):
                    continue
                if all(self._is_short_of(f.name.text, other) for f in party.forms if f.source != "reference"):
                    keep, drop = other, party  # "Beltran Guzman" is a short form of the bold full name
                elif all(self._is_short_of(f.name.text, party) for f in other.forms if f.source != "reference"):
                    keep, drop = party, other
                else:
                    keep, drop = (party, other) if party.rank >= other.rank else (other, party)
                for form in drop.forms:
                    if self._is_short_of(form.name.text, keep):
                        form.source = "reference"
                    keep.forms.append(form)
                keep.refs |= drop.refs
                keep.other = keep.other and drop.other
                keep.amended = keep.amended or drop.amended
                self.parties.remove(drop)
                for unit, lead in list(self.leads.items()):
                    if lead is drop:
                        self.leads[unit] = keep
                return True
        return False

    def _same(self, a: _Party, b: _Party) -> bool:
        if a.keys & b.keys:
            return True
        if a.is_vessel != b.is_vessel:
            return False
        for x, y in ((a, b), (b, a)):
            for form in y.forms:
                if self._is_short_of(form.name.text, x):
                    return True
        # Company forms: "MENA Crystal Sugar" is "MENA Crystal Sugar Company Limited".
        for ka in a.keys:
            for kb in b.keys:
                short, long = sorted((ka, kb), key=len)
                rest = long[len(short) :].split()
                if long.startswith(short + " ") and rest and all(w in LEGAL_FORMS for w in rest):
                    return True
        # One person spelt two ways ("Aleksandr Bortnikov", bold "Alexander Bortnikov"): the same
        # surname as the unique party so called, and the same initial.
        if min(a.rank, b.rank) <= 1 and max(a.rank, b.rank) >= 2:
            weak, strong = (a, b) if a.rank <= 1 else (b, a)
            name = weak.primary.name.text.split()
            if len(name) >= 2 and is_person_like(weak.primary.name.text):
                surnames = {r.casefold() for r in strong.refs} | {strong.primary.name.text.split()[-1].casefold()}
                rivals = [
                    p
                    for p in self.parties
                    if p is not weak and name[-1].casefold() in {p.primary.name.text.split()[-1].casefold()}
                ]
                if name[-1].casefold() in surnames and len(rivals) == 1:
                    return strong.primary.name.text[:1].casefold() == name[0][:1].casefold()
        return False

    def _is_short_of(self, text: str, party: _Party) -> bool:
        """``text`` is a short form of the party: one it gave, or the last words of its only full name."""
        if text.casefold() in {r.casefold() for r in party.refs}:
            return True
        words = text.split()
        if len(words) > 2 or party.is_vessel:
            return False
        full = party.primary.name.text.split()
        if len(full) <= len(words) or [w.casefold() for w in full[-len(words) :]] != [w.casefold() for w in words]:
            return False
        owners = [p for p in self.parties if p.primary.name.text.split()[-len(words) :] == words]
        return len([p for p in owners if len(p.primary.name.text.split()) > len(words)]) == 1

    def _expand(self, party: _Party) -> None:
        """A short name a clause designates, written in full elsewhere in the release: "Khedri is being
        designated" (the release's "Abdolhossein Khedri"), "Gomei Air Services is being designated"
        ("Gomei Air Services Co., Ltd.")."""
        primary = party.primary
        if primary.rank < 2 or party.is_vessel:
            return
        text = primary.name.text
        words = text.split()
        longer: set[str] = set()
        for run in self._prose_names():
            run_words = run.text.split()
            if len(run_words) <= len(words):
                continue
            if run_words[: len(words)] == words and all(fold(w) in LEGAL_FORMS for w in run_words[len(words) :]):
                longer.add(run.text)  # the company's full form
            elif (run.short == text or (len(words) == 1 and run_words[-1] == words[0])) and is_person_like(run.text):
                longer.add(run.text)  # the person's full name: "Abdolhossein Khedri", "... Kareau (Karaeu)"
        if len(longer) == 1:
            full = longer.pop()
            primary.name.variants = (*primary.name.variants, text)
            party.refs.add(text)
            party.forms.append(
                _Form(
                    clean_name(full) or primary.name,
                    primary.rank,
                    primary.unit,
                    primary.position,
                    "expanded",
                    primary.clause,
                )
            )
            primary.source = "reference"

    def _prose_names(self) -> list[Name]:
        """Every name the release writes anywhere (``name_runs``), cleaned; read once."""
        if self._names_cache is None:
            self._names_cache = [
                run
                for unit in self.units
                for start, end in name_runs(unit.text)
                if (run := clean_name(unit.text[start:end])) is not None
            ]
        return self._names_cache

    # -- 4. decide --
    def _decide(self) -> list[ParsedEntry]:
        designates = any(c.today and c.action == Action.LISTED and c.rank >= 2 for _, c in self.clauses)
        vessels = any(c.today and c.as_property for _, c in self.clauses) or any(
            _VESSELS_BLOCKED.search(s) and not is_historical(s) for unit in self.units for s in sentences(unit.text)
        )
        default_basis, default_sentence = _release_basis(self.full_text)
        own = [c.basis for _, c in self.clauses if c.today and c.basis and c.action == Action.LISTED]
        if own and not default_sentence:
            default_basis = max(dict.fromkeys(own), key=own.count)  # the basis most of today's designations cite
        entries = []
        for party in sorted(self.parties, key=lambda p: p.introduced):
            action = self._action(party, designates, vessels)
            if action is None:
                continue
            entries.append(self._entry(party, action, default_basis, default_sentence))
        return entries

    def _action(self, party: _Party, designates: bool, vessels: bool) -> str | None:
        rank = party.rank
        sources = {f.source for f in party.forms if f.rank >= 0}
        if rank >= 2:
            return Action.LISTED
        if party.amended:
            return Action.AMENDED
        if party.other and rank < 2:
            return None  # named only as someone else's designee, or a past one
        if "bold" in sources and designates:
            return Action.LISTED
        if "imo" in sources and vessels:
            return Action.LISTED
        if not sources & {"bold", "imo", "heading", "weak", "list"}:
            return None
        if self.is_listed is not None:
            return Action.LISTED if self.is_listed(party.primary.name.text) else None
        # A sub-heading alone is a topic more often than a party ("Treasury Actions", "ALBANIA").
        return Action.MENTIONED if sources & {"bold", "imo", "weak", "list"} else None

    def _entry(self, party: _Party, action: str, default_basis: str, default_sentence: str) -> ParsedEntry:
        primary = party.primary
        name = primary.name.text
        paragraph = self.units[party.introduced[0]].text
        clauses = [f.clause for f in party.forms if f.clause is not None and f.clause.today]
        bases = [c.basis for c in clauses if c.basis]
        basis = "; ".join(dict.fromkeys(b for text in bases for b in text.split("; "))) or default_basis
        own = next((s for s in sentences(paragraph) if _mentions(s, party)), "")
        designation = clauses[0].sentence if clauses else default_sentence
        reason = " ".join(dict.fromkeys(s for s in (own, designation) if s))
        variants = list(variants_after(name, paragraph))
        for form in party.forms:
            if form.source == "reference":
                continue
            if name_key(form.name.text) != name_key(name) and form.name.text not in variants:
                variants.append(form.name.text)
            variants.extend(v for v in form.name.variants if v not in variants and v != name)
        position = self._position(party, name, paragraph)
        return ParsedEntry(
            action=action,
            name=name,
            raw=paragraph,
            kind=party.kind,
            name_variants=tuple(dict.fromkeys(variants)),
            position=position,
            reason=reason,
            legal_basis=basis,
        )

    def _position(self, party: _Party, name: str, paragraph: str) -> str:
        """The office the release gives: "<name> is|was the ..." (under any of its spellings), else the
        title written before the name in a designation ("Deputy Minister of Defense Pavel Popov"), else
        an apposition in the paragraph introducing it ("<name>, the ...")."""
        spellings = [name, *(f.name.text for f in party.forms if f.source != "reference" and f.name.text != name)]
        for spelling in dict.fromkeys(spellings):
            for unit in [paragraph] + [u.text for u in self.units]:
                if re.search(re.escape(spelling) + r"(?:\s*\([^()]*\))?\s+(?:is|was|serves as)\s", unit):
                    if found := position_after(spelling, unit):
                        return found
        if title := next((f.name.title for f in party.forms if f.name.title), ""):
            return title
        return position_after(name, paragraph) if paragraph.count("(") <= 2 else ""


def _in_quote(text: str, position: int) -> bool:
    """The offset falls in a sentence that opens with a quotation (an official's words)."""
    return any(start <= position < end and text[start] == _QUOTE for start, end in sentence_spans(text))


def _mentions(sentence: str, party: _Party) -> bool:
    names = {f.name.text for f in party.forms} | party.refs
    return any(re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", sentence) for n in names if n)


def _bold_groups(unit: Unit) -> list[tuple[int, int, str]]:
    """The bold runs of a line joined where they are one name: runs apart by spaces only ("<b>Asim
    Sarajlic</b> <b>(Sarajlic)</b>"), and a company split at its commas ("<b>Urbanizacion</b>,
    <b>Inmobiliaria y Construccion de Obras</b>, <b>S.A. de C.V.</b>": the last run is a bare company
    form, and no run before it is a complete company name)."""
    groups: list[list[int]] = []
    for start, end in unit.bold:
        if groups and not unit.text[groups[-1][1] : start].strip():
            groups[-1][1] = end
        else:
            groups.append([start, end])
    merged: list[list[int]] = []  # start, end, and 1 for runs joined into one company name
    for start, end in groups:
        text = unit.text[start:end]
        if merged and _is_bare_form(text):
            chain = len(merged) - 1
            while (
                chain > 0
                and unit.text[merged[chain - 1][1] : merged[chain][0]].strip() == ","
                and not _ends_with_form(unit.text[merged[chain - 1][0] : merged[chain - 1][1]])
            ):
                chain -= 1
            if unit.text[merged[-1][1] : start].strip() == ",":
                merged[chain:] = [[merged[chain][0], end, 1]]
                continue
        merged.append([start, end, 0])
    return [
        (start, end, unit.text[start:end] if not joined else _JOINED + unit.text[start:end])
        for start, end, joined in merged
        if re.search(r"[A-Za-z0-9]", unit.text[start:end])
    ]


def _is_bare_form(text: str) -> bool:
    words = text.replace(",", " ").split()
    return (bool(words) and all(fold(w) in LEGAL_FORMS for w in words)) or bool(
        re.fullmatch(r"S\.\s?A\.(?:\s+de\s+C\.\s?V\.)?", text.strip())
    )


def _ends_with_form(text: str) -> bool:
    words = text.split()
    return bool(words) and fold(words[-1]) in LEGAL_FORMS


def _names_in_bold(text: str, offset: int) -> list[Name]:
    """The names a bold run holds: one, or a list ("<b>Esperanza, Luisa Caceres De Arismendi, ...</b>");
    runs joined into one company name (``_bold_groups``) are one name."""
    if text.startswith(_JOINED):
        name = clean_name(text[len(_JOINED) :])
        if name is not None:
            name.start, name.end = offset, offset + len(text) - len(_JOINED)
        return [name] if name is not None else []
    text = text.rstrip(" ,;:")
    names = []
    for start, end in split_list(text, at_and=False):
        piece = text[start:end].strip()
        name = clean_name(piece)
        if name is None or len(piece.split()) > 12 or not re.search(r"[A-Za-z]", name.text):
            continue
        if piece.endswith(":") or name.text[:1].islower():
            continue
        name.start, name.end = offset + start, offset + end
        names.append(name)
    return names


def _is_dateline(index: int, unit: Unit, start: int, end: int) -> bool:
    """The bold place name a release opens with: "<strong>WASHINGTON </strong>- Today, ..."."""
    return start == 0 and bool(re.match(r"\s*-", unit.text[end:])) and len(unit.text[start:end].split()) <= 3


def _inline_heading(text: str, after: str) -> bool:
    """A bold run used as a heading inside a paragraph: capitals or title case, followed by a new
    sentence rather than by the rest of its own ("... NETWORK As a result ...", "Note:")."""
    if text.rstrip().endswith(":"):
        return True
    if not re.search(r"[a-z]", text) and len(text.split()) >= 2 and re.match(r"[A-Z][a-z]", after):
        return True
    return False


def _release_basis(text: str) -> tuple[str, str]:
    """The basis, and the sentence giving it, that covers every designee of the release.

    From a sentence about all of them ("All 17 individuals are being designated pursuant to
    E.O. 13818 for ..."), else from the first sentence citing a basis with "pursuant to" ("These
    designations, pursuant to Executive Order (E.O.) 13405, target ...").
    """
    all_sentences = sentences(text.replace("\n", " "))
    for sentence in all_sentences:
        if re.match(r"^(?:All|Each of)\b", sentence) and _DESIGNATION.search(sentence):
            return basis_of(sentence), sentence
    for sentence in all_sentences:
        if basis := basis_of(sentence):
            return basis, ""
    return "", ""


# --- page parts ------------------------------------------------------------------------------------------


def _title(
    tree: LexborHTMLParser, article: LexborNode, units: list[Unit], url: str, warnings: list[str], *, given: str
) -> str:
    """The site's title element, else a heading inside the page, else the caller's title (a saved
    ``<article>`` has none of its own); else the page's meta title; else "" with a warning."""
    found = find_first(tree, TITLE_SELECTORS)
    if found is not None:
        if found.by_fallback:
            warnings.append(f"{url}: title found by {found.selector!r}, not by h2.uswds-page-title")
        return text_of(found.node)
    leading = next((u for u in units if not u.heading), None)
    first_heading = next((u for u in units if u.heading and u.tag in HEADING_TAGS), None)
    if first_heading is not None and leading is not None and units.index(first_heading) < units.index(leading):
        warnings.append(f"{url}: no title element; the title is the heading the page opens with")
        return first_heading.text
    if given:
        warnings.append(f"{url}: no title in the page; the title given with it is used")
        return given
    meta = tree.css_first('meta[property="og:title"]')
    if meta is not None and (content := (meta.attributes.get("content") or "").strip()):
        warnings.append(f"{url}: title taken from the og:title meta element")
        return content
    warnings.append(f"{url}: no title found (no title element, heading or og:title); the release has none")
    return ""


def _article(tree: LexborHTMLParser, url: str, warnings: list[str]) -> LexborNode:
    found = find_first(tree, ARTICLE_SELECTORS)
    if found is None:
        raise AnnouncementParseError(f"{url}: no release body found (no article.entity--type-node, article or main)")
    if found.by_fallback:
        warnings.append(f"{url}: release body found by {found.selector!r}, not by article.entity--type-node")
    return found.node


def _date(
    tree: LexborHTMLParser, article: LexborNode, url: str, warnings: list[str], *, given: datetime.date | None
) -> datetime.date:
    for root in (article, tree):
        found = find_first(root, DATE_SELECTORS)
        if found is not None and (date := date_from_iso(found.node.attributes.get("datetime") or "")):
            if found.by_fallback or root is tree:
                warnings.append(f"{url}: date found by {found.selector!r} outside the expected place")
            return date
    date = date_from_text(text_of(article)[:400])
    if date is not None:
        warnings.append(f"{url}: date read from the text; no time element")
        return date
    if given is not None:
        warnings.append(f"{url}: no date in the page; the date given with it is used")
        return given
    raise AnnouncementParseError(f"{url}: no publication date found (no time[datetime] and no date in the text)")


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
