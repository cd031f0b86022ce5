"""Names in running text: where one starts and ends, what belongs to it, and when two spellings are one.

Treasury and State write the parties they act against inside sentences: "OFAC designated Belgium-based
Voltra Transcor Energy BVBA, Belgium-based OFFISCOOP NV, and United Kingdom-based BSQRD Limited for
being owned or controlled by Wael Bazzi" (``sm668``), "Federal Security Service (FSB) Director
Aleksandr Bortnikov (Bortnikov)" (``jy0045``), "Attorney General of Guatemala Maria Consuelo Porras
Argueta de Porres ("Porras")". The rules here read such noun phrases from the shape of English names,
not from a list of the names expected:

1. **Lists** (``split_list``) are cut at semicolons, commas, ", and", "as well as", "along with" and
   "alongside"; a comma before a company form ("ASM International Trading, LLC", "Sumilab, S.A. de
   C.V.") is part of the name. A bare "and" cuts only where the left part is complete: a person's
   name, or a company name ending in its form ("Kohana Company Limited and Iridescent Co Ltd"); "Al-Mohaimen
   for Transportation and Contracting" stays whole.
2. **The head name of an item** (``head_name``) is its last run of capitalised words (with "of",
   "for", "the", "and", "&" and name particles inside, digits after the first word) that is neither
   in a prepositional phrase ("in the U.K. and France"), nor possessive ("Kanyuka's"), nor used as an
   adjective ("Mexican national", "Sinaloa Cartel members"). Descriptors ending in "-based",
   "-registered", "-flagged" and the like are never part of a name. An item that starts with a count
   or a determiner of a group ("three Sinaloa Cartel members", "these individuals") names no one.
3. **Titles before a person's name** are cut at the last office word ("Deputy Minister of Defense
   Pavel Popov", "Prosecutor General Igor Krasnov"), with the place an office belongs to ("of
   Guatemala", "of the Marshall Islands": a country of ``fixtures/countries.json``, or one word). An
   organisation's name keeps its office words ("Federal Security Service").
4. **What follows a name in parentheses** (``clean_name``) is a company form that belongs to it
   ("BS Company (Offshore)"), an identifier ("(IMO: 9254082)"), or the short form or spelling the text
   goes on to use ("(Rakipi)", "(Karaeu)", "("Porras")"), kept apart from the name. A nickname in
   quotes inside a name is taken out ('Nicolas "Nicolasito" Ernesto Maduro Guerra'); the "AI-" typed
   for "Al-" ("AI-Mohaimen", ``sm704``) is put right.
5. **One party, several spellings** (``name_key``): case, accents, punctuation, "&"/"and" and a
   leading "The" do not count.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from importers.remarks import POSITION_WORDS

# Company forms: the words a company's name ends with, compared lower-cased without dots.
LEGAL_FORMS = frozenset(
    {"llc", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company", "plc", "llp"}
    | {"lp", "gmbh", "ag", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "bvba", "kft", "doo", "ooo"}
    | {"oao", "zao", "pao", "ojsc", "cjsc", "pjsc", "jsc", "fze", "fzco", "fzc", "fzllc", "dmcc", "pte"}
    | {"pvt", "pty", "sal", "offshore", "cv", "sadecv", "ltda", "bhd", "sdn", "tic", "as", "ab", "oy"}
    | {"kg", "jv", "lda", "eirl", "sac", "saa", "ca", "sapi", "llcfz", "fzllc", "ood", "eood", "zrt"}
)
# Words that make a name an organisation's (beyond the company forms).
ORG_WORDS = frozenset(
    {"agency", "army", "association", "authority", "bank", "brigade", "bureau", "commission", "committee"}
    | {"council", "department", "directorate", "division", "enterprise", "establishment", "force", "forces"}
    | {"foundation", "fund", "group", "guard", "holding", "holdings", "institute", "militia", "ministry"}
    | {"office", "organization", "organisation", "party", "projects", "regiment", "service", "services"}
    | {"trading", "trust", "unit", "university", "trade", "industries", "industry", "industrial"}
    | {"engineering", "construction", "contracting", "transportation", "transport", "shipping", "marine"}
    | {"maritime", "petroleum", "oil", "gas", "energy", "exchange", "investment", "investments"}
    | {"consulting", "consultancy", "logistics", "airlines", "airline", "aviation", "tourism", "travel"}
    | {"development", "developments", "pharma", "pharmaceutical", "pharmaceuticals", "media", "network"}
    | {"center", "centre", "hospital", "refinery", "factory", "plant", "mining", "minerals", "import"}
    | {"export", "cartel", "organisation", "front", "movement", "brigades", "battalion", "corps", "club"}
    | {"tv", "television", "radio", "press", "news", "agro", "technology", "technologies", "solutions"}
    | {"systems", "electronics", "chemical", "chemicals", "resources", "capital", "partners", "finance"}
    | {"financial", "insurance", "securities", "ventures", "enterprises", "commercial", "international"}
    | {"global", "cooperative", "union"}
    | LEGAL_FORMS
)
# Words of an office or a rank written before a person's name ("First Deputy Chief of Staff of the
# Presidential Executive Office Sergei Kiriyenko"); the last of them ends the title.
TITLE_WORDS = POSITION_WORDS | frozenset(
    {"directorate", "ministry", "office", "service", "department", "committee", "council", "bureau"}
    | {"agency", "administration", "government", "policy", "defense", "defence", "security", "staff"}
    | {"presidential", "federal", "state", "national", "affairs", "interior", "justice", "foreign"}
    | {"internal", "public", "court", "supreme", "senate", "congress", "parliament", "assembly", "police"}
    | {"navy", "intelligence", "first", "second", "third", "former", "acting", "vice", "senior", "prime"}
    | {"premier", "legislator", "lawmaker", "magistrate", "ombudsman", "comptroller", "auditor"}
    | {"solicitor", "consul", "businessman", "businesswoman", "oligarch", "officials", "penitentiary"}
    | {"minister", "ministers", "commission", "commissioner", "regional", "provincial", "municipal"}
    | {"city", "integration", "economy", "finance", "trade", "energy", "health", "education", "labor"}
    | {"attorney-general", "deputy-chief", "chief-of-staff"}
)
# Lower-case words inside a name: particles of personal names ("Porras Argueta de Porres", "bin
# Salman") and the small words of organisations' names ("Foz for Trading", "Fourth Division of the
# Syrian Arab Army").
PARTICLES = frozenset(
    {"de", "del", "della", "la", "las", "los", "le", "y", "da", "das", "do", "dos", "du", "van", "von"}
    | {"der", "den", "ter", "bin", "ibn", "bint", "binti", "al", "el", "abu", "ben", "di", "e", "zu"}
)
CONNECTORS = PARTICLES | {"of", "for", "the", "and", "&", "et", "und"}
# Words that begin a description of a group rather than a name ("three Sinaloa Cartel members").
QUANTIFIERS = frozenset(
    {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "several"}
    | {"multiple", "various", "numerous", "all", "both", "these", "those", "this", "that", "such", "other"}
    | {"another", "additional", "further", "more", "many", "some", "each", "every", "any", "certain"}
    | {"following", "its", "their", "his", "her", "our", "which", "who", "whom", "whose", "one", "dozens"}
    | {"hundreds", "thousands", "individuals", "entities", "persons", "people", "members", "officials"}
)
# Words that may follow a name without making it an adjective ("Wael Bazzi for acting ...").
_AFTER_NAME = frozenset(
    {"who", "which", "that", "whose", "whom", "where", "when", "for", "pursuant", "under", "based"}
    | {"registered", "located", "operating", "owned", "controlled", "managed", "directed", "and", "or"}
    | {"nor", "as", "in", "on", "at", "with", "by", "from", "to", "since", "is", "are", "was", "were"}
    | {"has", "have", "had", "will", "would", "also", "today", "a", "an", "the", "its", "his", "her"}
    | {"their", "through", "via", "after", "before", "because", "due", "of", "-", "along", "alongside"}
    | {"together", "including", "aboard", "vessel", "vessels", "being", "be", "been", "all", "both"}
    | {"respectively", "itself", "himself", "herself", "themselves", "previously", "currently", "now"}
)
PREPOSITIONS = frozenset(
    {"of", "in", "from", "to", "by", "with", "at", "on", "for", "against", "under", "into", "through"}
    | {"across", "between", "among", "near", "within", "outside", "behind", "about", "over", "via"}
    | {"like", "than", "toward", "towards", "throughout", "upon", "onto", "during", "despite", "per"}
)
# Descriptors written as one hyphenated word before a name: "Belgium-based", "Panama-flagged",
# "U.S.-designated", "Hong Kong-registered".
_DESCRIPTOR = re.compile(
    r"-(?:based|registered|flagged|headquartered|owned|controlled|linked|affiliated|designated|sanctioned"
    r"|backed|aligned|born|listed|incorporated|domiciled|run|led|funded|origin|made|related)$",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\([^()]*\)|\"[^\"]*\"|\S+")
_PARTICLE_NAME = re.compile(r"^(?:al|el|bin|ibn|de|van|von|da|du|le|la|d')-?[A-Z]")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.){2,}$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,11}$")
# Parenthesised company forms that are part of a name: "BS Company (Offshore)", "Wee Tiong (S) Pte Ltd".
_PART_OF_NAME = frozenset({"offshore", "private", "pvt", "pty", "s", "llc", "sal", "smcprivate", "fze", "ltd"})
_IDENTIFIER = re.compile(r"^(?:IMO|MMSI|tail|MSN|registration|serial|hull)\b", re.IGNORECASE)
_ALIAS = re.compile(r"^(?:a\.k\.a\.|f\.k\.a\.|n\.k\.a\.|also known as|formerly|previously)\s*,?\s*", re.IGNORECASE)
_TRAILING_PUNCT = re.compile(r"[\s.,;:]+$")
_ABBREVIATED_END = re.compile(r"(?:\b[A-Za-z]\.)+$|\b(?:Co|Ltd|Inc|Corp|Pte|Pvt|Pty|Ltda|Bhd)\.$")
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december".split()
)


@functools.lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """A word compared lower-cased, without dots, commas, apostrophes or the brackets around it."""
    return re.sub(r"[.,;:'()\"]", "", word).casefold()


@functools.cache
def country_names() -> frozenset[str]:
    """Country names and spellings of the reference data (``fixtures/``), lower-cased, for cutting the
    place an office belongs to off a person's name. Read from the files: parsers touch no database."""
    folder = Path(__file__).resolve().parents[2] / "fixtures"
    names: set[str] = set()
    for file_name in ("countries.json", "country_names.json"):
        path = folder / file_name
        if path.is_file():
            names.update(row["fields"]["name"].casefold() for row in json.loads(path.read_text(encoding="utf-8")))
    return frozenset(names)


# --- tokens ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        return self.text.strip(",;:")

    @property
    def folded(self) -> str:
        return fold(self.text)


def tokens_of(text: str) -> list[Token]:
    """Words, parenthesised groups and quoted words of ``text``, with their offsets."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def is_descriptor(word: str) -> bool:
    return bool(_DESCRIPTOR.search(word.strip(",;:")))


def _capitalised(word: str) -> bool:
    word = word.strip(",;:\"'")
    return bool(word) and (word[0].isupper() or bool(_PARTICLE_NAME.match(word)) or bool(_INITIALISM.match(word)))


def _name_word(token: Token) -> bool:
    """A word that can be part of a name on its own (not a connector, a digit or a parenthesis)."""
    bare = token.bare
    if not bare or bare.startswith(("(", '"')) or is_descriptor(bare) or bare.endswith("'s"):
        return False
    return _capitalised(bare)


# --- lists ------------------------------------------------------------------------------------------------


_LIST_WORDS = re.compile(
    r",\s*(?:and|or)\s+|,?\s+as well as\s+|,?\s+along with\s+|,?\s+alongside\s+|,?\s+together with\s+"
    r"|,?\s+in addition to\s+|;\s*(?:and\s+)?|,\s*"
)
_PUNCTUATION_LIST = re.compile(r",\s*(?:and|or)\s+|;\s*(?:and\s+)?|,\s*")


def _masked(text: str) -> str:
    """``text`` with the insides of brackets and quotes blanked, so that nothing splits inside them."""
    out = list(text)
    depth = 0
    quoted = False
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif char == '"':
            quoted = not quoted
        elif depth or quoted:
            out[index] = "_"
    return "".join(out)


def _starts_with_form(text: str) -> bool:
    """The text begins with a company form ("LLC", "Ltd.", "S.A. de C.V.", "Co., Ltd.")."""
    words = text.split()
    if not words:
        return False
    first = fold(words[0])
    if first in LEGAL_FORMS:
        return True
    return bool(re.match(r"^(?:S\.\s?A\.|C\.\s?A\.|L\.\s?L\.\s?C\.|S\.\s?de\s)", text))


def split_list(text: str, *, at_and: bool = True) -> list[tuple[int, int]]:
    """The items of a list phrase as ``(start, end)`` offsets (see the module docstring, rule 1).

    ``at_and=False`` cuts at punctuation only: a name in bold is one name even with an "and" inside
    ("<b>Mehrdad Geramian Nik and Partners Company</b>").
    """
    masked = _masked(text)
    cuts: list[tuple[int, int]] = []
    for match in (_LIST_WORDS if at_and else _PUNCTUATION_LIST).finditer(masked):
        after = text[match.end() :]
        before = text[: match.start()]
        if match.group().strip().startswith(",") and match.group().strip() == ",":
            if _starts_with_form(after):
                continue  # "ASM International Trading, LLC"
            if re.search(r"\b(?:" + "|".join(_MONTH_NAMES) + r")\s+\d{1,2}$", before, re.IGNORECASE):
                continue  # "June 5, 2019"
        cuts.append((match.start(), match.end()))
    pieces: list[tuple[int, int]] = []
    start = 0
    for cut_start, cut_end in cuts:
        pieces.append((start, cut_start))
        start = cut_end
    pieces.append((start, len(text)))
    items: list[tuple[int, int]] = []
    for begin, end in pieces:
        items.extend(_split_and(text, masked, begin, end) if at_and else [(begin, end)])
    return [(b, e) for b, e in items if text[b:e].strip()]


def _split_and(text: str, masked: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Cut a piece at a bare " and " where the left part is a complete name (rule 1)."""
    for match in re.finditer(r"\s+and\s+", masked[begin:end]):
        left = text[begin : begin + match.start()].strip()
        right = text[begin + match.end() : end].strip()
        if not left or not right:
            continue
        left_words = [fold(w) for w in left.split()]
        right_first = right.split()[0]
        if fold(right_first) in QUANTIFIERS or right_first[0].islower():
            cut = True  # "... and his companies", "... and three entities"
        elif left_words[-1] in LEGAL_FORMS or left.endswith(")"):
            cut = True  # "Kohana Company Limited and Iridescent Co Ltd", "Synergy SAL (Offshore) and ..."
        else:
            # An organisation's name still open on the left ("Al-Mohaimen for Transportation and
            # Contracting", "Sahel Star Oil and Gas Company LLC") is not cut.
            cut = not (set(left_words) & ORG_WORDS)
        if cut:
            cut_at = begin + match.start()
            return [(begin, cut_at), *_split_and(text, masked, begin + match.end(), end)]
    return [(begin, end)]


# --- the head name of an item ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Name:
    """A name read from text: as written (cleaned), where it stood, and what came with it."""

    text: str
    start: int = 0
    end: int = 0
    short: str = ""  # the short form the text gives in parentheses: "Rakipi", "Porras"
    variants: tuple[str, ...] = ()  # other spellings: "(Karaeu)", a nickname, "Four Seasons Damascus"
    kind: str = ""  # vessel | aircraft when the text says so; else guessed later
    identifiers: tuple[str, ...] = ()  # "IMO 9254082"
    title: str = ""  # the office written before a person's name ("Deputy Minister of Defense")
    extras: dict = field(default_factory=dict)


def head_name(text: str, offset: int = 0) -> Name | None:
    """The name an item of a list stands for (rules 2 and 3), or None when it names no one."""
    tokens = tokens_of(text)
    while tokens and tokens[0].folded in ("a", "an", "the") and tokens[0].text[0].islower():
        tokens = tokens[1:]
    if not tokens:
        return None
    first = tokens[0]
    if (first.folded in QUANTIFIERS and first.text[0].islower()) or first.folded.isdigit():
        return None
    runs = _runs(tokens)
    chosen = None
    for index, (i, j) in enumerate(runs):
        k = i - 1
        while k >= 0 and tokens[k].folded in ("the", "a", "an", "its", "his", "her", "their"):
            k -= 1  # "to the SDN List": the preposition before the article
        previous = tokens[k].folded if k >= 0 else ""
        following = tokens[j] if j < len(tokens) else None
        if previous in PREPOSITIONS or _inside_of_phrase(tokens, i):
            continue
        if _possessive(tokens[j - 1]):
            continue
        if following is not None and _attributive(following, single=j - i == 1):
            continue
        chosen = (i, j)
        if index == len(runs) - 1:
            break
    if chosen is None:
        return None
    i, j = chosen
    i, title = _cut_title(tokens, i, j)
    if i >= j or (not title and _is_position(tokens[i:j])):
        return None
    start, end = tokens[i].start, tokens[j - 1].end
    name = clean_name(text[start:end])
    if name is None:
        return None
    name.start, name.end = offset + start, offset + end
    name.title = title
    return name


def names_in_phrase(text: str, offset: int = 0) -> list[Name]:
    """The names a list phrase gives (rules 1 to 3), in order.

    When the phrase starts with a description of a group that has a modifier ("individuals and
    entities connected to two of the financiers highlighted in that announcement, Mohammad Bazzi and
    Adham Tabaja", "two of Kanyuka's companies registered in the U.K. and France"), the names after it
    belong to the modifier, not to the list: none is returned. A short description without one ("a
    Sinaloa-based real estate business, Urbanizacion ...") is the name's apposition.
    """
    names: list[Name] = []
    for begin, end in split_list(text):
        name = head_name(text[begin:end], offset + begin)
        if name is None:
            if not names and _has_modifier(text[:end]):
                return []
            continue
        names.append(name)
    return names


def name_runs(text: str) -> list[tuple[int, int]]:
    """Every run of name words in ``text`` (``(start, end)`` offsets), possessives left out: the names a
    text uses anywhere, for finding the full form of a short name ("Khedri" -> "Abdolhossein Khedri")."""
    tokens = tokens_of(text)
    spans = []
    for i, j in _runs(tokens):
        if _possessive(tokens[j - 1]):
            j -= 1
        if j > i:
            spans.append((tokens[i].start, tokens[j - 1].end))
    return spans


def _has_modifier(text: str) -> bool:
    """A description with a prepositional phrase or a participle ("connected to ...", "registered in")."""
    for token in tokens_of(text):
        word = token.folded
        if token.text[:1].islower() and (word in PREPOSITIONS or word.endswith(("ed", "ing"))):
            return True
    return False


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """The runs of name words in ``tokens``: ``(first, past-last)`` indexes.

    A possessive ("Kanyuka's") ends its run; a comma ends a run unless a company form follows it
    ("ASM International Trading, LLC").
    """
    runs: list[tuple[int, int]] = []
    index = 0
    while index < len(tokens):
        if not (_name_word(tokens[index]) or _possessive(tokens[index])):
            index += 1
            continue
        start = index
        index += 1
        while index < len(tokens) and not _possessive(tokens[index - 1]):
            token = tokens[index]
            previous = tokens[index - 1]
            if previous.text.endswith((";", ":")) or _ends_sentence(previous):
                break
            if previous.text.endswith(",") and not _starts_with_form(" ".join(t.text for t in tokens[index:])):
                break
            if _name_word(token) or _possessive(token):
                index += 1
            elif token.bare[:1].isdigit() and len(token.bare) <= 6:
                index += 1  # "Genava 11", "MD 23"
            elif token.text.startswith(("(", '"')):
                index += 1  # "(FSB)", "(Offshore)", '"Nicolasito"'
            elif token.folded in CONNECTORS or token.text == "&":
                following = tokens[index + 1] if index + 1 < len(tokens) else None
                if following is not None and (_name_word(following) or following.folded == "the"):
                    index += 1
                else:
                    break
            else:
                break
        end = index
        while end > start and tokens[end - 1].folded in CONNECTORS and not _name_word(tokens[end - 1]):
            end -= 1
        runs.append((start, end))
    return runs


def _ends_sentence(token: Token) -> bool:
    """A word with a full stop that is not an abbreviation ("Troops." but not "Ltd.", "E.O.", "Jr.")."""
    text = token.text.rstrip(")\"'")
    if not text.endswith(".") or _INITIALISM.match(text) or fold(text) in LEGAL_FORMS:
        return False
    return text not in ("Jr.", "Sr.", "St.", "Dr.", "Mr.", "Mrs.", "Ms.", "Gen.", "Col.", "Lt.", "No.", "Co.")


def _inside_of_phrase(tokens: list[Token], index: int) -> bool:
    """The run at ``index`` stands inside an "of" phrase of a common noun: "the son of Venezuela's
    illegitimate regime leader Nicolas Maduro Moros", "the leader of a militia in Libya"."""
    for k in range(1, index):
        if tokens[k].folded == "of" and tokens[k - 1].text[:1].islower() and tokens[k - 1].folded not in QUANTIFIERS:
            return True
    return False


def _possessive(token: Token) -> bool:
    bare = token.bare
    return bare.endswith(("'s", "s'")) and _capitalised(bare)


def _attributive(token: Token, *, single: bool = False) -> bool:
    """The word after a run makes the run an adjective ("Mexican national", "Sinaloa Cartel members",
    "an Iranian shipping network"); after a name of several words a participle does not ("KOHANA
    shipping ..."), after a single capitalised word it does."""
    word = token.text
    if not word or not word[0].islower():
        return False
    if token.folded in _AFTER_NAME:
        return False
    return single or not token.folded.endswith(("ing", "ed"))


def _is_position(tokens: list[Token]) -> bool:
    """A run that describes an office, not a party: its head word (before any "of") is a position
    ("Communist Party Secretary of the XPSB", "the current Director")."""
    words = [t.folded for t in tokens if not t.text.startswith(("(", '"'))]
    head = words[: words.index("of")] if "of" in words else words
    return bool(head) and head[-1] in POSITION_WORDS


def _cut_title(tokens: list[Token], i: int, j: int) -> tuple[int, str]:
    """Where a person's name starts after the office written before it (rule 3), and that office."""
    last_title = max((k for k in range(i, j - 1) if tokens[k].folded in TITLE_WORDS), default=-1)
    if last_title < 0:
        return i, ""
    start = last_title + 1
    # The place or body an office belongs to: "of Guatemala", "of the Marshall Islands", "of the FSB".
    if start < j and tokens[start].folded in ("of", "for", "in"):
        start += 1
        if start < j and tokens[start].folded == "the":
            start += 1
        countries = country_names()
        for length in range(min(4, j - start), 0, -1):
            phrase = " ".join(tokens[k].bare for k in range(start, start + length)).casefold()
            if phrase in countries:
                start += length
                break
        else:
            start += 1
        while start < j and tokens[start].text.startswith("("):
            start += 1
    tail = [tokens[k].text for k in range(start, j)]
    plain = [fold(w) for w in tail if not w.startswith(("(", '"'))]
    if len(plain) >= 2 and not set(plain) & ORG_WORDS and _capitalised(tokens[start].bare):
        title = " ".join(tokens[k].bare for k in range(i, start)).strip(" ,")
        return start, title
    return i, ""


# --- cleaning a name ------------------------------------------------------------------------------------------


def clean_name(text: str) -> Name | None:
    """A name as it should be kept (rule 4): short form, identifiers, nickname and typos taken apart."""
    text = " ".join(text.split())
    text = re.sub(r"\bAI-(?=[A-Z])", "Al-", text)  # a capital I typed for the l of "Al-" (sm704)
    if not _ABBREVIATED_END.search(text):
        text = _TRAILING_PUNCT.sub("", text)
    short = ""
    variants: list[str] = []
    identifiers: list[str] = []
    kind = ""
    # Parenthesised groups at the end: short form, spelling, identifier or a part of the name.
    while True:
        match = re.search(r"\s*\((?P<inner>[^()]*)\)$", text)
        if not match:
            break
        inner = match.group("inner").strip().strip('"').strip()
        head = text[: match.start()].rstrip(" ,")
        if fold(inner).replace(" ", "").replace("-", "") in _PART_OF_NAME:
            break
        if _IDENTIFIER.match(inner):
            identifiers.append(re.sub(r"\s*:\s*", " ", inner))
            if inner.upper().startswith(("IMO", "MMSI")):
                kind = "vessel"
        elif alias := _ALIAS.match(inner):
            variants.append(inner[alias.end() :].strip().strip('"'))
        elif inner:
            if _is_short_form(inner, head):
                short = short or inner
            else:
                variants.append(inner)
        text = head
    # A nickname in quotes inside the name: 'Nicolas "Nicolasito" Ernesto Maduro Guerra'.
    for match in list(re.finditer(r'\s*"(?P<nick>[^"]{1,40})"\s*', text)):
        if match.start() > 0 and match.end() < len(text):
            variants.append(match.group("nick"))
    text = re.sub(r'\s*"[^"]{1,40}"\s*(?=\S)', " ", text).strip().strip('"').strip()
    if not text or not _capitalised(text.split()[0]):
        return None
    words = text.split()
    if words[0] == "The" and len(words) > 1:
        rest = " ".join(words[1:])
        if rest.upper() == rest:
            text = rest  # "The KOHANA": the vessel's name is written in capitals, the article is not
        else:
            variants.append(rest)  # "The Four Seasons Damascus" is also "Four Seasons Damascus"
    return Name(
        text=text, short=short, variants=tuple(dict.fromkeys(variants)), kind=kind, identifiers=tuple(identifiers)
    )


def _is_short_form(inner: str, name: str) -> bool:
    """``inner`` stands for ``name``: some of its words ("Rakipi", "Beltran Guzman", "Kingston Fresh"),
    its initials ("XPSB", "GTG"), or a spelling of its last word ("Karaeu" for "Kareau")."""
    name_words = [fold(w).removeprefix("al-") for w in name.split()]
    inner_words = [fold(w).removeprefix("al-") for w in inner.split()]
    if inner_words and all(w in name_words for w in inner_words):
        return True
    initials = "".join(w[0] for w in name.split() if w[:1].isupper())
    if _ACRONYM.match(inner) and inner.replace(".", "").replace("-", "") in (initials, initials.upper()):
        return True
    return len(inner_words) == 1 and name_words and _similar(inner_words[0], name_words[-1])


def _similar(a: str, b: str) -> bool:
    """Two spellings of one word: same first letter and length within two, at most two letters apart."""
    if not a or not b or a[0] != b[0] or abs(len(a) - len(b)) > 2:
        return False
    return sum(1 for x, y in zip(sorted(a), sorted(b), strict=False) if x != y) <= 2


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """What two spellings of one party share (rule 5)."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[.,'\"()\-/]", " ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def is_person_like(name: str) -> bool:
    """Two to six capitalised words (particles allowed) and no organisation or company word."""
    words = name.split()
    if not 2 <= len(words) <= 6 or {fold(w) for w in words} & ORG_WORDS:
        return False
    return all(_capitalised(w) or fold(w) in PARTICLES for w in words) and not any(c.isdigit() for c in name)


def guess_kind(name: str, context: str = "") -> str:
    """``vessel`` when the text calls it one, ``entity`` for an organisation's name or a one-word name,
    else ``individual``."""
    if context == "vessel":
        return "vessel"
    words = {fold(w) for w in name.split()}
    if words & ORG_WORDS or len(name.split()) == 1:
        return "entity"
    return "individual"
