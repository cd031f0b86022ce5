"""Name screening: rank designees whose name or alias resembles a queried name.

The matcher holds every designee's primary name and aliases (strong and weak) in memory, in an index
built once per process and rebuilt when the data changes (``tracker.dataversion.data_version``). A query
goes through three steps:

1. **Normalisation.** The name is transliterated to ASCII with ``anyascii`` (Cyrillic, Greek, Arabic
   script, diacritics), lower-cased and cut into words at spaces, hyphens and punctuation;
   apostrophes are dropped ("Grigor'evich" -> "grigorevich"). Chinese, Japanese and Korean
   characters become one syllable each: the first is the family name and the rest are joined into
   the given name ("陈全国" -> "chen quanguo"), as the list spells Chinese names. A list-style
   inverted name ("AL-QAHTANI, Saud") is turned around at its single comma. Particles and titles
   (al-, el-, bin, ibn, bint, van, von, de, Dr...) are left out; a glued article ("ALQAHTANI") also
   matches without it ("qahtani").
2. **Candidate generation.** Every word of every list name is indexed under its text and its
   phonetic keys (Metaphone and NYSIIS from ``jellyfish``) and its consonant skeleton (used for
   Arabic-script queries). The query's words, alone and two neighbours written together, look up
   these keys, keeping the words found that are spelt close enough to score; names holding enough
   of the query (rarer words weigh more) are candidates, at most ``CANDIDATES`` (or ten per result
   asked for). Words in a large share of the names ("company", "limited") find no candidates of
   their own while rarer words of the query find enough. ``NameIndex._candidates`` has the details.
3. **Scoring.** Query words are paired with a candidate's words regardless of order, each pair
   scored by a fuzzy ratio (``rapidfuzz``), lifted when the phonetic keys agree (KARAEU / Kareau),
   initials agreeing with the word they abbreviate; two neighbouring words can pair with one
   ("Abdul Aziz" / "ABDULAZIZ"). The name score weighs how much of the query is explained against
   how much of the candidate name is; a whole-name comparison with spaces removed is used when
   higher. Weak aliases lose 10%. Birth date, country and kind, when given, raise the score when
   they agree and lower it when they disagree. ``_score_name`` has the details. A cheap upper bound
   (``_Bounds``) first leaves out the candidates that cannot reach the threshold: most of them, and
   never one that could.

**Cost.** What a search does is counted in ``ScreeningCost`` units (about a microsecond each: one
query word compared with one word of a list name) and charged to a ``ScreeningBudget``, which stops
the search, between candidates, once its units or seconds are spent (``ScreeningBudgetExceeded``).
A query costs roughly its words x the candidates examined x their words: the number of candidates
is bounded, so a long query of common words costs what its length says, not what the list holds.
The API gives each request a budget (``designations/api/match.py``); other callers need none.

What transliteration achieves (measured by ``bench/match_bench.py`` on
``tests/data/matching/labelled_names.csv``):

* Cyrillic (Russian, Belarusian) and Greek come out in a standard romanisation that fuzzy and
  phonetic matching bring close to the list's spellings ("Кадыров Рамзан" -> KADYROV, Ramzan
  Akhmatovich; "Аляксандр Лукашэнка" -> LUKASHENKA, Alyaksandr Ryhorovich).
* Arabic script comes out without short vowels ("سعود القحطاني" -> "swd al-qhtany"); it is
  compared on consonant skeletons against the list's Latin names, with the written long vowels
  breaking ties (بشار, Bashar, ahead of Bushra). It works for the common names tried, at scores
  around 0.8 rather than 1.
* Chinese characters give Mandarin pinyin, which matches the list's pinyin spellings ("陈全国" ->
  CHEN, Quanguo) but cannot reach Cantonese ones ("林鄭月娥" gives "Lin Zhengyuee", not LAM CHENG,
  Yuet-ngor) unless an editor adds the pinyin as an alias. Korean gives the Revised Romanisation
  ("김정은" -> "Gim Jeongeun"), which fuzzy matching brings only partly near the list's "KIM, Jong Un".
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import datetime
import functools
import gc
import heapq
import itertools
import math
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, TypedDict

import jellyfish
from anyascii import anyascii
from rapidfuzz import process
from rapidfuzz.distance import Indel

from designations.models import Alias, BirthDate, Designation, Designee, DesigneeCountry
from tracker.dataversion import DataVersion, data_version

KINDS = frozenset(Designee.Kind.values)
MAX_NAME_LENGTH = 300
MAX_LIMIT = 100
DEFAULT_THRESHOLD = 0.7
DEFAULT_LIMIT = 10

# Words that tie name parts together rather than name anyone (Arabic articles and filiation words;
# Dutch, German, Romance and Portuguese particles) and titles. "abu" and "umm" name a person (by a
# child) and stay.
PARTICLES = frozenset(
    {"al", "el", "ul", "bin", "ben", "bn", "ibn", "bint", "binti", "van", "von", "der", "den", "de", "del", "della"}
    | {"da", "di", "do", "dos", "das", "du", "la", "le", "ter", "ten", "y", "mr", "mrs", "ms", "dr"}
)
# Scripts written without short vowels: compare their names on consonant skeletons.
ABJADS = frozenset({"arabic", "hebrew", "syriac", "thaana"})

WEAK_ALIAS_FACTOR = 0.9
TOKEN_FLOOR = 0.5  # a token pair scoring less than this (a ratio under 0.71) counts as no match
INITIAL_SCORE = 0.75
PHONETIC_MIN_RATIO = 0.6
PHONETIC_BOTH = 0.8  # Metaphone and NYSIIS keys both agree
PHONETIC_ONE = 0.7  # one of them agrees
MERGED_MIN_RATIO = 0.8  # two words written together must be close to the one word they stand for
MERGE_UNLESS = 0.85  # words written together are tried only for a query word with no partner this close
COMPACT_FACTOR = 0.95
QUERY_SHARE = 0.7  # weight of "the query is explained" against "the candidate is explained"
INITIAL_WEIGHT = 0.3
CANDIDATES = 250  # names examined per query, at least; more when a larger limit asks for them
PRUNE_SLACK = 0.8  # merged words and whole-name comparison can match what the key look-up missed
BOUND_MARGIN = 1e-4  # scores are rounded to 4 places: a bound this close to the threshold is scored
COMMON_SHARE = 0.01  # a word in more of the names than this finds no candidates while rarer ones find enough
COMMON_MIN = 100  # ... nor one in fewer than this many, on a small list
POSTINGS_PER_UNIT = 8  # inverted-index entries read for one cost unit (see ``ScreeningCost``)
SCORE_UNITS = 4  # scoring a candidate in full costs this many times bounding it

BIRTH_DATE_AGREES = 0.05
BIRTH_DATE_DISAGREES = -0.15
BIRTH_DATE_SLACK_DAYS = 366  # a near miss (or a "circa" date) is neither agreement nor disagreement
COUNTRY_AGREES = 0.03
COUNTRY_DISAGREES = -0.05
KIND_AGREES = 0.02
KIND_DISAGREES = -0.15
MAX_BONUS = BIRTH_DATE_AGREES + COUNTRY_AGREES + KIND_AGREES

# rapidfuzz turns a score cutoff into a whole distance, rounding: these let the boundary ratios through.
_RATIO_CUTOFF = PHONETIC_MIN_RATIO - 0.01
_MERGED_CUTOFF = MERGED_MIN_RATIO - 0.01
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u02b9\u02be\u02bf\u00b4]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# The Arabic article written on its word ("الأسد"): transliterated, it would be glued on ("lsd").
_ARABIC_ARTICLE = re.compile(r"(?<![\u0600-\u06ff])\u0627\u0644(?=[\u0600-\u06ff]{2})")
# Alifs are long (or hamza-borne) vowels that anyascii drops or turns into an apostrophe; kept as
# vowels they tell "بشار" (bshar, Bashar) from "بشرى" (bshra, Bushra).
_ARABIC_ALIFS = str.maketrans({"\u0627": "a", "\u0622": "a", "\u0623": "a", "\u0625": "i"})
_BIRTH_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_VOWELS = str.maketrans("", "", "aeiouwy")
# Han ideographs, kana and Hangul: one syllable per character.
_SYLLABIC_CHAR = re.compile("[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class MatchResult:
    """A designee whose name or alias resembles the query, with the score and why."""

    designee_id: int
    name: str
    score: float
    matched_name: str
    matched_field: str
    explanation: dict[str, float | str] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class DesigneeFacts:
    """What the matcher knows about a designee beyond its names."""

    id: int
    name: str
    kind: str
    entry_number: int | None
    birth_dates: tuple[tuple[datetime.date, datetime.date], ...]
    countries: frozenset[str]
    programs: tuple[str, ...]  # active programs only


class MatchQuery(TypedDict, total=False):
    """One name to screen, as the batch call takes it."""

    name: str
    birth_date: str | None
    country: str | None
    kind: str | None


class ScreeningBudgetExceeded(Exception):
    """Screening stopped because it used up its budget of cost units (``"cost"``) or time (``"time"``)."""

    def __init__(self, limit: str, cost: ScreeningCost) -> None:
        super().__init__(f"screening exceeded its {limit} budget after {cost.names} names and {cost.units} cost units")
        self.limit = limit
        self.cost = cost


@dataclass(slots=True)
class ScreeningCost:
    """What screening has done so far.

    The unit of ``units`` is one comparison of a query word with a word of a list name, about a
    microsecond: a candidate name is bounded for ``query words x name words`` units (``_Bounds``), scored
    for ``SCORE_UNITS`` times as many (``_score_name``), and ``POSTINGS_PER_UNIT`` entries of the inverted
    index read to find candidates count one unit.
    """

    names: int = 0
    tokens: int = 0  # query words, as the matcher counts them (``token_count``)
    postings: int = 0  # inverted-index entries read
    examined: int = 0  # candidate names bounded
    scored: int = 0  # candidate names scored in full
    units: int = 0


class ScreeningBudget:
    """The cost units and seconds one screening (a request) may use, checked as it goes.

    ``NameIndex.search`` charges it for each name, for reading the index, for bounding the candidates
    and for each candidate it scores; ``charge`` raises ``ScreeningBudgetExceeded`` once the units or the
    seconds are spent, so a hostile batch stops early instead of running until a worker is killed. No
    signal, no thread: the check is a comparison at each charge. The default is unlimited: the budget
    then only counts.
    """

    __slots__ = ("_deadline", "cost", "seconds", "units")

    def __init__(self, *, units: int | None = None, seconds: float | None = None) -> None:
        self.cost = ScreeningCost()
        self.units = units
        self.seconds = seconds
        self._deadline = math.inf if seconds is None else time.monotonic() + seconds

    def charge(self, units: int) -> None:
        """Count ``units`` more, and stop when the budget is spent."""
        self.cost.units += units
        if self.units is not None and self.cost.units > self.units:
            raise ScreeningBudgetExceeded("cost", self.cost)
        if time.monotonic() >= self._deadline:
            raise ScreeningBudgetExceeded("time", self.cost)


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    forms: tuple[str, ...]  # the text, plus the text without a glued article
    metaphone: frozenset[str]
    nysiis: frozenset[str]
    skeleton: str
    keys: tuple[str, ...]  # inverted-index keys (the skeleton's apart)
    initial: bool
    weight: float = 1.0

    def weighted(self, weight: float) -> _Token:
        return _Token(
            self.text, self.forms, self.metaphone, self.nysiis, self.skeleton, self.keys, self.initial, weight
        )


@dataclass(frozen=True, slots=True)
class _Name:
    designee_id: int
    text: str  # as published
    field: str  # "name", "alias" or "weak_alias"
    tokens: tuple[_Token, ...]  # in reading order (an inverted list name turned around)
    compact: str  # the words written together, in reading order
    published: str  # the same in the published order, when that differs ("LIN ZHENG, Yue'e": "linzhengyuee")
    weight: float  # of all its tokens
    joined: tuple[str, ...]  # each two neighbouring words written together, as ``_merged`` pairs them
    chars: str  # the letters of ``compact``, sorted (see ``_Bounds``)


@dataclass(slots=True)
class _Query:
    tokens: list[_Token]
    merged: list[tuple[tuple[int, ...], str]]
    scripts: frozenset[str]
    particles: tuple[str, ...]
    abjad: bool
    compact: str  # the words written together, as typed
    chars: str  # its letters, sorted


# --- Normalisation -------------------------------------------------------------------------------


def scripts_of(text: str) -> frozenset[str]:
    """The non-ASCII scripts a text uses, by Unicode name prefix: ``{"cyrillic"}``, ``{"cjk"}``, ``{"latin"}``..."""
    found = set()
    for char in text:
        if char.isascii() or not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        found.add(name.split(" ", 1)[0].lower() if name else "other")
    return frozenset(found)


def _syllabic(char: str) -> bool:
    return bool(_SYLLABIC_CHAR.match(char))


def _to_ascii(text: str) -> str:
    """Transliterate; a run of CJK/Korean/Japanese characters becomes "family givenname" in pinyin."""
    if text.isascii():
        return text
    if not _SYLLABIC_CHAR.search(text):
        return anyascii(text)
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            syllables = [anyascii(c) for c in run]
            parts.append(" " + syllables[0] + (" " + "".join(syllables[1:]) if len(syllables) > 1 else "") + " ")
            run.clear()

    for char in text:
        if _syllabic(char):
            run.append(char)
        else:
            flush()
            parts.append(anyascii(char))
    flush()
    return "".join(parts)


def _uninvert(text: str) -> str:
    """``"LAM, Carrie"`` -> ``"Carrie LAM"``: the list writes individuals' names surname first."""
    if text.count(",") != 1:
        return text.replace(",", " ")
    surname, given = text.split(",")
    return f"{given} {surname}" if given.strip() and surname.strip() else text.replace(",", " ")


def _words(text: str, *, invert: bool) -> list[str]:
    if not text.isascii():
        text = _ARABIC_ARTICLE.sub("al-", text).translate(_ARABIC_ALIFS)
    text = _to_ascii(_uninvert(text) if invert else text)
    text = _APOSTROPHES.sub("", text.lower())
    return [word for word in _SEPARATORS.split(text) if word]


def skeleton(word: str) -> str:
    """The consonants of a word, as Arabic script writes it: "qahtani" -> "khtn", "qhtny" -> "khtn".

    Vowels and the semi-vowels w and y (Arabic's long vowels) are dropped; q, g and c become k, dh
    (ظ and ذ as transliterated) z and th t, as Latin spellings have them; doubled letters are single.
    """
    word = word.replace("dh", "z").replace("th", "t")
    word = word.replace("q", "k").replace("g", "k").replace("c", "k").translate(_VOWELS)
    return "".join(letter for letter, _ in itertools.groupby(word))


_skeleton = functools.lru_cache(maxsize=1 << 16)(skeleton)  # for words written together, met again and again


def _forms(word: str) -> tuple[str, ...]:
    """The word, and the word without a glued article ("alqahtani" -> "qahtani", "elsayed" -> "sayed")."""
    if len(word) >= 6 and word[:2] in ("al", "el") and word[2] not in "aeiou":
        return (word, word[2:])
    return (word,)


def _make_token(word: str, weight: float = 1.0) -> _Token:
    forms = _forms(word)
    if word.isalpha():
        metaphone = frozenset(key for key in map(jellyfish.metaphone, forms) if key)
        nysiis = frozenset(key for key in map(jellyfish.nysiis, forms) if key)
    else:
        metaphone = nysiis = frozenset()
    keys: tuple[str, ...] = ()
    if len(word) > 1:
        keys = (*(f"t:{f}" for f in forms), *(f"m:{k}" for k in metaphone), *(f"n:{k}" for k in nysiis))
    return _Token(word, forms, metaphone, nysiis, skeleton(forms[-1]), keys, len(word) == 1, weight)


# Query words, met again and again (common names, company words): their keys are worked out once.
_query_token = functools.lru_cache(maxsize=1 << 14)(_make_token)


def _without_particles(words: list[str]) -> list[str]:
    return [w for w in words if w not in PARTICLES] or words  # a name made only of particles is still a name


def parse_birth_date(text: str) -> tuple[datetime.date, datetime.date]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> the first and last day it may be. Raises ``ValueError``."""
    match = _BIRTH_DATE.match(text.strip())
    if not match:
        raise ValueError("birth_date must be YYYY, YYYY-MM or YYYY-MM-DD.")
    year, month, day = (int(part) if part else None for part in match.groups())
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if not 1 <= month <= 12:
        raise ValueError("birth_date has no such month.")
    if day is None:
        return datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1])
    try:
        exact = datetime.date(year, month, day)
    except ValueError:
        raise ValueError("birth_date has no such day.") from None
    return exact, exact


# --- The index -----------------------------------------------------------------------------------


class NameIndex:
    """Every designee name and alias, tokenised, with an inverted index from token keys to names."""

    def __init__(
        self,
        version: DataVersion | None,
        designees: dict[int, DesigneeFacts],
        names: list[_Name],
        tokens: dict[str, _Token],
        token_names: dict[str, list[int]],
        word_counts: dict[str, int],
    ) -> None:
        self.version = version
        self.built_at = time.time()
        self.designees = designees
        self.names = names
        self.tokens = tokens  # every word of every name
        self.lengths = [len(name.compact) for name in names]
        self.word_names = token_names  # word -> positions of the names holding it
        key_words: dict[str, list[str]] = defaultdict(list)
        for word, token in tokens.items():
            keys = token.keys
            if len(token.skeleton) >= 2 and not token.initial:
                keys = (*keys, "s:" + token.skeleton)
            for key in keys:
                key_words[key].append(word)
        self.key_words = {key: tuple(words) for key, words in key_words.items()}  # inverted-index key -> words
        self.word_counts = word_counts  # names holding each word

    @classmethod
    def build(cls, version: DataVersion | None = None) -> NameIndex:
        """Read designees, aliases, birth dates, countries and active programs in five queries.

        The cyclic garbage collector is paused meanwhile: the build allocates a few hundred thousand
        small objects, none of them garbage, and collections triggered by them would cost a third of
        the time.
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls._build(version)
        finally:
            if enabled:
                gc.enable()

    @classmethod
    def _build(cls, version: DataVersion | None) -> NameIndex:
        birth: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        for designee_id, start, end, circa in BirthDate.objects.filter(date_from__isnull=False).values_list(
            "designee_id", "date_from", "date_to", "circa"
        ):
            end = end or start
            if circa:  # "circa 1970": a year either way
                start, end = start - datetime.timedelta(days=365), end + datetime.timedelta(days=365)
            birth[designee_id].append((start, end))
        countries: dict[int, set[str]] = defaultdict(set)
        for designee_id, code in DesigneeCountry.objects.values_list("designee_id", "country__code"):
            countries[designee_id].add(code)
        programs: dict[int, set[str]] = defaultdict(set)
        for designee_id, code in Designation.objects.active().values_list("designee_id", "program__code"):
            programs[designee_id].add(code)

        designees: dict[int, DesigneeFacts] = {}
        raw_names: list[tuple[int, str, str, bool]] = []
        for pk, name, kind, entry_number in Designee.objects.order_by("pk").values_list(
            "pk", "name", "kind", "entry_number"
        ):
            designees[pk] = DesigneeFacts(
                id=pk,
                name=name,
                kind=kind,
                entry_number=entry_number,
                birth_dates=tuple(birth.get(pk, ())),
                countries=frozenset(countries.get(pk, ())),
                programs=tuple(sorted(programs.get(pk, ()))),
            )
            raw_names.append((pk, name, "name", kind == Designee.Kind.INDIVIDUAL))
        for designee_id, name, strength in Alias.objects.order_by("pk").values_list("designee_id", "name", "strength"):
            facts = designees.get(designee_id)
            if facts is None:
                continue
            field_name = "weak_alias" if strength == Alias.Strength.WEAK else "alias"
            raw_names.append((designee_id, name, field_name, facts.kind == Designee.Kind.INDIVIDUAL))

        # Tokenise each distinct word once; weigh it by how rare it is among all names.
        split = [
            (pk, text, field_name, _words(text, invert=invert), invert and text.count(",") == 1)
            for pk, text, field_name, invert in raw_names
        ]
        frequency = Counter(word for _, _, _, words, _ in split for word in set(words))
        total = max(len(split), 1)
        cache: dict[str, _Token] = {}
        token_names: dict[str, list[int]] = defaultdict(list)
        names = []
        for pk, text, field_name, words, inverted in split:
            kept = _without_particles(words)
            tokens = []
            for word in kept:
                token = cache.get(word)
                if token is None:
                    token = cache[word] = _make_token(word, _rarity(frequency[word], total, word))
                tokens.append(token)
                token_names[word].append(len(names))
            compact = "".join(kept)
            published = "".join(_without_particles(_words(text, invert=False))) if inverted else compact
            weight = sum(t.weight for t in tokens)
            names.append(
                _Name(
                    pk,
                    text,
                    field_name,
                    tuple(tokens),
                    compact,
                    published,
                    weight,
                    tuple(text for _, text in _merged(tokens)),
                    "".join(sorted(compact)),
                )
            )
        return cls(version, designees, names, cache, token_names, frequency)

    def search(
        self,
        name: str,
        *,
        birth_date: str | None = None,
        country: str | None = None,
        kind: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = DEFAULT_LIMIT,
        budget: ScreeningBudget | None = None,
    ) -> list[MatchResult]:
        """Rank designees against one query; see ``match_names``."""
        _check(name, birth_date=birth_date, country=country, kind=kind, threshold=threshold, limit=limit)
        born = parse_birth_date(birth_date) if birth_date else None
        country = country.upper() if country else None
        query = self._query(name)
        if budget is None:
            budget = ScreeningBudget()
        budget.cost.names += 1
        budget.cost.tokens += len(query.tokens)
        budget.charge(len(query.tokens))

        # 1. Candidates: names sharing keys with the most (and rarest) query tokens, each token alone or
        #    written together with the next one ("abdul aziz" finds "abdulaziz"). A name whose hits
        #    explain too little of the query cannot reach the threshold and is not scored.
        bonus = (BIRTH_DATE_AGREES if born else 0.0) + (COUNTRY_AGREES if country else 0.0)
        bonus += KIND_AGREES if kind else 0.0  # the most the given facts can add
        candidates = self._candidates(query, threshold, max(CANDIDATES, limit * 10), budget)

        # 2. Score each candidate name that may reach the threshold; keep each designee's best name.
        #    Bounding them all is charged before it starts; scoring, as it goes.
        cutoff = threshold - bonus - BOUND_MARGIN
        cache: dict[tuple, tuple[float, bool]] = {}
        bounds = _Bounds(query)
        names = [self.names[position] for position in candidates]
        width = len(query.tokens)
        if cutoff > 0:
            budget.cost.examined += len(names)
            budget.charge(width * sum(len(name.tokens) for name in names))
            bounds.prepare(names)
        #    Once ``limit`` designees are found, a name whose bound (with the most the facts can add) is
        #    below the ``limit``-th best of them could not be answered either, and is not scored.
        best: dict[int, tuple[float, _Name, _Alignment]] = {}
        raws: dict[int, float] = {}  # each designee's best score so far, with its birth date, country and kind
        floor = cutoff
        for candidate in names:
            if floor > 0 and not bounds.reaches(candidate, floor):
                continue
            budget.cost.scored += 1
            budget.charge(SCORE_UNITS * width * len(candidate.tokens))
            score, alignment = _score_name(query, candidate, cache)
            if score <= 0:
                continue
            designee_id = candidate.designee_id
            current = best.get(designee_id)
            if current is None or score > current[0] or (score == current[0] and candidate.field == "name"):
                best[designee_id] = (score, candidate, alignment)
            if cutoff > 0 and (current is None or score > current[0]):
                facts = self.designees[designee_id]
                raws[designee_id] = score + (
                    _birth_date_adjustment(born, facts)
                    + _country_adjustment(country, facts)
                    + _kind_adjustment(kind, facts)
                )
                if len(raws) >= limit:
                    floor = max(cutoff, heapq.nlargest(limit, raws.values())[-1] - bonus - BOUND_MARGIN)

        # 3. Birth date, country and kind; then rank.
        ranked = []
        for designee_id, (score, candidate, alignment) in best.items():
            facts = self.designees[designee_id]
            adjustments = {
                "birth_date": _birth_date_adjustment(born, facts),
                "country": _country_adjustment(country, facts),
                "kind": _kind_adjustment(kind, facts),
            }
            raw = score + sum(adjustments.values())
            final = round(min(1.0, max(0.0, raw)), 4)
            if final < threshold:
                continue
            ranked.append((-raw, not facts.programs, facts.name, designee_id, final, candidate, alignment, adjustments))
        ranked.sort(key=lambda row: row[:4])
        return [
            MatchResult(
                designee_id=designee_id,
                name=self.designees[designee_id].name,
                score=final,
                matched_name=candidate.text,
                matched_field=candidate.field,
                explanation={**_explain(query, candidate, alignment), **adjustments},
            )
            for *_, designee_id, final, candidate, alignment, adjustments in ranked[:limit]
        ]

    def _candidates(self, query: _Query, threshold: float, wanted: int, budget: ScreeningBudget) -> list[int]:
        """Positions of the names worth scoring against ``query``: the most covered, at most ``wanted``.

        Each query word (alone, or written together with the next) is a unit; its keys find words that
        sound alike, and the names holding those spelt close enough to pair with it (``_pairing``) are
        covered by it. A name must be covered by enough of the query's weight to reach the threshold,
        with ``PRUNE_SLACK`` and ``MAX_BONUS`` to spare for what the key look-up misses. Units are read from
        the rarest; two kinds only add weight to the names that rarer units find, without finding names of
        their own:

        1. The commonest units, as long as together they weigh less than a name needs: a name covered by
           them alone would not be kept anyway (MaxScore, as search engines prune).
        2. Common words, in more than ``COMMON_SHARE`` of the names ("company", "limited", "muhammad"),
           as long as the rarer units find ``wanted`` names: a name sharing only such words
           with the query is then not worth examining. (When they find fewer, as a misspelt rare word
           does, the common words find names too.)

        Among names covered alike, those whose length is closer to the query's come first: they can
        score higher.
        """
        weights = [t.weight for t in query.tokens]
        needed = sum(weights) * PRUNE_SLACK * (threshold - (1 - QUERY_SHARE) - MAX_BONUS) / QUERY_SHARE
        found = []
        read = 0
        for mask, token, merged in self._units(query):
            keys = token.keys
            if query.abjad and len(token.skeleton) >= 2:
                keys = (*keys, "s:" + token.skeleton)
            words = {word for key in keys for word in self.key_words.get(key, ())}
            read += len(words)
            lists = [self.word_names[word] for word in self._pairing(query, token, words, merged)]
            found.append((sum(map(len, lists)), mask, lists))
        found.sort(key=lambda unit: unit[0], reverse=True)  # the commonest first

        mask_weight: dict[int, float] = {}

        def weigh(mask: int) -> float:
            weight = mask_weight.get(mask)
            if weight is None:
                weight = mask_weight[mask] = sum(w for i, w in enumerate(weights) if mask >> i & 1)
            return weight

        lazy = 0  # found[:lazy] only add weight; found[lazy:common] only when the rarer ones find enough
        if needed > 0:
            covers = 0
            while lazy < len(found) and weigh(covers | found[lazy][1]) < needed:
                covers |= found[lazy][1]
                lazy += 1
        common = lazy
        frequent = max(COMMON_MIN, COMMON_SHARE * len(self.names))
        while common + 1 < len(found) and found[common][0] > frequent and found[common + 1][0]:
            common += 1
        # Names by the units covering them (a bit mask): set operations, not a loop over the names.
        regions: dict[int, set[int]] = {}
        covered = 0
        for i in range(len(found) - 1, -1, -1):  # the rarest first
            size, mask, lists = found[i]
            read += size
            positions = set().union(*lists)
            for held, region in list(regions.items()):
                both = region & positions
                if not both:
                    continue
                positions -= both
                if held | mask != held:
                    region -= both
                    regions.setdefault(held | mask, set()).update(both)
                    if not region:
                        del regions[held]
            if positions and i >= lazy and (i >= common or covered < wanted):
                regions.setdefault(mask, set()).update(positions)
                covered += len(positions)
        budget.cost.postings += read
        budget.charge(read // POSTINGS_PER_UNIT)

        by_weight: dict[float, list[int]] = defaultdict(list)
        for mask, region in regions.items():
            by_weight[weigh(mask)].extend(region)
        candidates: list[int] = []
        for weight in sorted(by_weight, reverse=True):
            positions = by_weight[weight]
            if needed > 0 and weight < needed:
                break
            if len(candidates) + len(positions) > wanted:
                candidates += self._nearest(positions, len(query.compact), wanted - len(candidates))
                break
            candidates += positions
        return candidates

    def _nearest(self, positions: list[int], length: int, count: int) -> list[int]:
        """The ``count`` names among ``positions`` whose length (written together) is closest to ``length``."""
        lengths = self.lengths
        positions = sorted(positions, key=lengths.__getitem__)
        keys = [lengths[position] for position in positions]
        below = bisect.bisect_left(keys, length) - 1
        above = below + 1
        chosen = []
        while len(chosen) < count:
            if above >= len(keys) or (below >= 0 and length - keys[below] <= keys[above] - length):
                chosen.append(positions[below])
                below -= 1
            else:
                chosen.append(positions[above])
                above += 1
        return chosen

    @staticmethod
    def _units(query: _Query) -> list[tuple[int, _Token, bool]]:
        """What finds candidates: each query word but initials, and each two written together (a bit mask of
        the query words it stands for, the token, and whether it is two words)."""
        units = [(1 << i, token, False) for i, token in enumerate(query.tokens) if not token.initial]
        units += [(3 << i[0], _query_token(text), True) for i, text in query.merged]
        return units

    def _pairing(self, query: _Query, token: _Token, words: set[str], merged: bool) -> list[str]:
        """The ``words`` (found by ``token``'s keys) that ``_score_name`` would pair with it: the keys find
        words that sound alike, of which only those spelt alike enough score (see ``_pair``)."""
        tokens = self.tokens
        if merged:  # two query words written together, against one word of a name
            close = words if query.abjad else [word for word, _, _ in _close(token.text, list(words), _MERGED_CUTOFF)]
            return [word for word in close if _merged_pair(token.text, word, query.abjad)]
        if query.abjad:  # skeletons may bring any two words together
            return [word for word in words if _pair(token, tokens[word], True)[0]]
        forms = [(form, word) for word in words for form in tokens[word].forms]
        choices = [form for form, _ in forms]
        close = {forms[i][1] for q_form in token.forms for _, _, i in _close(q_form, choices, _RATIO_CUTOFF)}
        return [word for word in close if _pair(token, tokens[word], False)[0]]

    def _query(self, text: str) -> _Query:
        words = _words(text, invert=True)
        kept = _without_particles(words)
        scripts = scripts_of(text)
        abjad = bool(scripts & ABJADS)
        tokens = [self._weighted(_query_token(word), abjad) for word in kept]
        particles = tuple(w for w in words if w in PARTICLES and w not in kept)
        compact = "".join(t.text for t in tokens)
        return _Query(tokens, _merged(tokens), scripts, particles, abjad, compact, "".join(sorted(compact)))

    def _weighted(self, token: _Token, abjad: bool) -> _Token:
        """The token weighed by how many names hold it (for an abjad query: hold its consonants)."""
        if abjad:
            words = self.key_words.get("s:" + token.skeleton, ())
            frequency = len(set().union(*(self.word_names[word] for word in words)))
        else:
            frequency = self.word_counts.get(token.text, 0)
        return token.weighted(_rarity(frequency, len(self.names), token.text))


def _rarity(frequency: int, total: int, word: str) -> float:
    """A word's weight: 1 for a word in 20 names or fewer, falling with its log-frequency to 0.3 for a word
    in every name (about 0.5 for one in a tenth of them); 0.3 for an initial."""
    if len(word) == 1:
        return INITIAL_WEIGHT
    full = math.log(max(total, 2) / 20)  # a word in 20 names or fewer counts fully
    idf = math.log(max(total, 2) / max(frequency, 1))
    return round(0.3 + 0.7 * min(1.0, idf / full), 3) if full > 0 else 1.0


# --- Scoring -------------------------------------------------------------------------------------


def _pair(query: _Token, candidate: _Token, abjad: bool) -> tuple[float, bool]:
    """How alike two tokens are (0..1), and whether their phonetic keys agree.

    The fuzzy ratio is squared, so near-identical spellings keep most of their score and merely
    similar ones little ("qahtani"/"qadhafi" 0.71 -> 0.51). Agreeing phonetic keys lift a pair that is
    already alike (ratio 0.6 or more) to 0.85 when Metaphone and NYSIIS both agree, to 0.75 when one
    does on words of five letters or more: short words share keys too easily.
    """
    if query.initial or candidate.initial:
        return (INITIAL_SCORE if query.text[0] == candidate.text[0] else 0.0), False
    q_forms, c_forms = query.forms, candidate.forms
    if len(q_forms) == 1 and len(c_forms) == 1:  # most words: no glued article
        if q_forms[0] == c_forms[0]:
            return _SAME
        # Below PHONETIC_MIN_RATIO, the squared ratio is under TOKEN_FLOOR and no phonetic lift applies.
        ratio = Indel.normalized_similarity(q_forms[0], c_forms[0], score_cutoff=0.0 if abjad else _RATIO_CUTOFF)
    else:
        if set(q_forms) & set(c_forms):
            return _SAME
        ratio = max(Indel.normalized_similarity(q, c) for q in q_forms for c in c_forms)
    if ratio < PHONETIC_MIN_RATIO and not abjad:
        return _NO_PAIR
    metaphone = bool(query.metaphone & candidate.metaphone)
    nysiis = bool(query.nysiis & candidate.nysiis)
    score = ratio * ratio
    if ratio >= PHONETIC_MIN_RATIO:
        if metaphone and nysiis:
            score = max(score, PHONETIC_BOTH)
        elif (metaphone or nysiis) and min(len(query.text), len(candidate.text)) >= 5:
            score = max(score, PHONETIC_ONE)
    if abjad and query.skeleton and candidate.skeleton:
        # Consonants decide; the vowels the script does write (alifs, w, y) break ties.
        skeleton_ratio = Indel.normalized_similarity(query.skeleton, candidate.skeleton)
        score = max(score, PHONETIC_BOTH * skeleton_ratio * skeleton_ratio * (0.85 + 0.15 * ratio))
    return (score if score >= TOKEN_FLOOR else 0.0), metaphone or nysiis


_NO_PAIR = (0.0, False)
_SAME = (1.0, True)


def _merged_pair(query: str, candidate: str, abjad: bool) -> float:
    """How alike a word and two words written together are; stricter than ``_pair``, no phonetics."""
    ratio = Indel.normalized_similarity(query, candidate, score_cutoff=0.0 if abjad else _MERGED_CUTOFF)
    score = ratio * ratio if ratio >= MERGED_MIN_RATIO else 0.0
    if abjad:
        skeleton_ratio = Indel.normalized_similarity(_skeleton(query), _skeleton(candidate))
        if skeleton_ratio >= MERGED_MIN_RATIO:
            score = max(score, PHONETIC_BOTH * skeleton_ratio * skeleton_ratio * (0.85 + 0.15 * ratio))
    return score


def _merged(tokens: Sequence[_Token]) -> list[tuple[tuple[int, ...], str]]:
    """Each two neighbouring words written together ("abdul" + "aziz" -> "abdulaziz")."""
    return [
        ((i, i + 1), a.text + b.text)
        for i, (a, b) in enumerate(itertools.pairwise(tokens))
        if not a.initial and not b.initial
    ]


@dataclass(frozen=True, slots=True)
class _Alignment:
    """How a query lined up with a candidate name (kept to explain the winners only)."""

    token_score: float
    compact_score: float
    penalty: float
    matched: dict[int, tuple[float, bool, int]]  # query token -> (score, phonetic agreement, candidate token)
    candidate_matched: int


def _score_name(query: _Query, candidate: _Name, cache: dict[tuple, tuple[float, bool]]) -> tuple[float, _Alignment]:
    """Score one candidate name against the query.

    1. Every query token is paired with every candidate token (see ``_pair``). Pairs are taken
       greedily, best first, each token used once: word order does not matter.
    2. Unless every query word found a close partner (0.85 or more), two neighbouring words of either
       side, written together, are also paired with a word of the other ("Abdul Aziz" / "ABDULAZIZ").
    3. The token score is ``0.7 * (weighted share of the query matched) + 0.3 * (weighted share of
       the candidate matched)``: a missing middle name costs less than a query word that is not there.
    4. The compact score compares both names with spaces removed, the query's words put in the
       candidate's order (or as typed, against a list name in its published, surname-first order);
       it is used when it is higher.
    5. A weak alias keeps 90% of its score.
    """
    pairs: list[tuple[float, bool, tuple[int, ...], tuple[int, ...]]] = []
    good = set()
    for qi, q in enumerate(query.tokens):
        for ci, c in enumerate(candidate.tokens):
            key = (qi, c.text)
            result = cache.get(key)
            if result is None:
                result = cache[key] = _pair(q, c, query.abjad)
            if result[0] > 0:
                pairs.append((result[0], result[1], (qi,), (ci,)))
                if result[0] >= MERGE_UNLESS:
                    good.add(qi)
    if len(good) < len(query.tokens):
        singles_q = [((qi,), q.text) for qi, q in enumerate(query.tokens)]
        singles_c = [((ci,), c.text) for ci, c in enumerate(candidate.tokens)]
        for q_units, c_units in ((query.merged, singles_c), (singles_q, _merged(candidate.tokens))):
            for q_idx, q_text in q_units:
                for c_idx, c_text in c_units:
                    if not query.abjad and 2 * min(len(q_text), len(c_text)) < MERGED_MIN_RATIO * (
                        len(q_text) + len(c_text)
                    ):
                        continue  # lengths too far apart for the ratio ever to reach the minimum
                    key = (q_text, c_text)
                    result = cache.get(key)
                    if result is None:
                        result = cache[key] = (_merged_pair(q_text, c_text, query.abjad), False)
                    if result[0] > 0:
                        pairs.append((result[0], False, q_idx, c_idx))
    pairs.sort(key=lambda p: (-p[0], len(p[2]) + len(p[3]), p[2], p[3]))
    used_q: dict[int, tuple[float, bool, int]] = {}
    used_c: dict[int, float] = {}
    for score, phonetic, q_idx, c_idx in pairs:
        if any(i in used_q for i in q_idx) or any(i in used_c for i in c_idx):
            continue
        for i in q_idx:
            used_q[i] = (score, phonetic, c_idx[0])
        for i in c_idx:
            used_c[i] = score

    tokens = query.tokens
    query_share = sum(tokens[qi].weight * s for qi, (s, _, _) in used_q.items()) / sum(t.weight for t in tokens)
    candidate_share = sum(candidate.tokens[ci].weight * s for ci, s in used_c.items()) / (candidate.weight or 1.0)
    token_score = QUERY_SHARE * query_share + (1 - QUERY_SHARE) * candidate_share

    compact_score = 0.0
    if len(used_q) < len(tokens) or len(used_c) < len(candidate.tokens):
        # The query's words in the candidate's order (an unmatched word stays after the one before it).
        order, last = [], -1.0
        for qi in range(len(tokens)):
            last = used_q[qi][2] if qi in used_q else last + 0.01
            order.append((last, qi))
        reordered = "".join(tokens[qi].text for _, qi in sorted(order))
        ratio = Indel.normalized_similarity(reordered, candidate.compact)
        if candidate.published != candidate.compact:  # surname first, as Chinese names are written
            ratio = max(ratio, Indel.normalized_similarity(query.compact, candidate.published))
        compact_score = COMPACT_FACTOR * ratio * ratio

    score = max(token_score, compact_score)
    penalty = 0.0
    if candidate.field == "weak_alias":
        penalty = -score * (1 - WEAK_ALIAS_FACTOR)
        score += penalty
    return score, _Alignment(token_score, compact_score, penalty, used_q, len(used_c))


def _far_apart(a: int, b: int) -> bool:
    """Whether words of these lengths are too far apart for ``_merged_pair`` ever to reach ``MERGED_MIN_RATIO``."""
    return 2 * min(a, b) < MERGED_MIN_RATIO * (a + b)


class _Bounds:
    """For one query, a score ``_score_name`` cannot exceed on a candidate name, at a fraction of its cost.

    Every pairing ``_score_name`` may choose is scored, once per query for each word of the list (and each
    two neighbouring words written together), but each query word and each candidate word is credited
    with its best partner, as if no other word wanted it: the greedy pairing can only do worse. The
    whole-name comparison is bounded by comparing the two names' letters sorted: two strings never have
    a longer common subsequence than their sorted letters have, whatever the order of the words.
    """

    __slots__ = ("_joinable", "_merges_for", "complete", "joined", "query", "weight", "weights", "words")

    def __init__(self, query: _Query) -> None:
        self.query = query
        self.words: dict[str, _Profile] = {}  # list word -> how it pairs with the query's words
        self.joined: dict[str, _Profile] = {}  # two list words written together -> the same
        self.complete = False  # whether a word missing from ``words`` (or ``joined``) pairs with nothing
        self.weights = [t.weight for t in query.tokens]
        self.weight = sum(self.weights)
        self._merges_for: dict[int, list[tuple[tuple[int, ...], str]]] = {}  # list word length -> merged query words
        self._joinable: dict[int, list[int]] = {}  # length of two list words together -> query words

    def prepare(self, names: Sequence[_Name]) -> None:
        """Pair every word of ``names`` with the query at once, keeping the pairings that score.

        Most words of most candidates have no partner in the query: ``process.extract`` (rapidfuzz, in
        C) finds the few that are close enough (a ratio of ``PHONETIC_MIN_RATIO``, or
        ``MERGED_MIN_RATIO`` for words written together, below which ``_pair`` and ``_merged_pair``
        give nothing) and only those are scored. Skeletons (an Arabic-script query) may bring any two
        words together: those queries are paired word by word instead, in ``reaches``.
        """
        query = self.query
        if query.abjad:
            return
        words: dict[str, _Token] = {}
        joined: set[str] = set()
        for name in names:
            for token in name.tokens:
                words[token.text] = token
            joined.update(name.joined)
        texts = list(words)
        glued = [(token.forms[1], text) for text, token in words.items() if len(token.forms) > 1]
        stripped = [form for form, _ in glued]
        initials = [text for text in texts if len(text) == 1]
        width, weights = len(query.tokens), self.weights
        scores: dict[str, list[float]] = {}
        gains: dict[str, float] = {}  # what two query words written together may win with a word
        for qi, q in enumerate(query.tokens):
            if q.initial:
                close = {text for text in texts if text[0] == q.text[0]}
            else:
                close = set(initials)
                for form in q.forms:
                    close.update(text for text, _, _ in _close(form, texts, _RATIO_CUTOFF))
                    close.update(glued[i][1] for _, _, i in _close(form, stripped, _RATIO_CUTOFF))
            for text in close:
                score = _pair(q, words[text], False)[0]
                if score:
                    scores.setdefault(text, [0.0] * width)[qi] = score
        for (first, second), merged in query.merged:
            for text, _, _ in _close(merged, texts, _MERGED_CUTOFF):
                score = _merged_pair(merged, text, False)
                if score:
                    row = scores.setdefault(text, [0.0] * width)
                    row[first] = max(row[first], score)
                    row[second] = max(row[second], score)
                    gains[text] = max(gains.get(text, 0.0), (weights[first] + weights[second]) * score)
        self.words = {text: self._profile(row, gains.get(text, 0.0)) for text, row in scores.items()}
        together = list(joined)
        scores = {}
        for qi, q in enumerate(query.tokens):
            for text, _, _ in _close(q.text, together, _MERGED_CUTOFF):
                score = _merged_pair(q.text, text, False)
                if score:
                    scores.setdefault(text, [0.0] * width)[qi] = score
        self.joined = {text: self._profile(row) for text, row in scores.items()}
        self.complete = True

    def reaches(self, candidate: _Name, cutoff: float) -> bool:
        """Whether ``_score_name`` may give ``candidate`` ``cutoff`` or more.

        Each query word is credited with its best partner among the candidate's words, and each of the
        candidate's words with its best partner among the query's. Each word serves one pairing only, so
        the query's side also gains at most what the candidate's words can each give it at best, and the
        candidate's side at most what the query's words can each give it: the smaller of each two holds.
        """
        words, complete = self.words, self.complete
        found = []  # the profiles that pair with something, with the weight of their list word(s)
        query_sum = gain_sum = candidate_sum = 0.0
        tokens = candidate.tokens
        for c in tokens:
            profile = words.get(c.text)
            if profile is None:
                if complete:
                    continue
                profile = words[c.text] = self._word(c)
            if profile.top:
                found.append((profile, c.weight))
                query_sum += profile.mass
                gain_sum += profile.gain
                candidate_sum += c.weight * profile.top
        if candidate.joined and (self.joined or not complete):
            joined = self.joined
            for k, text in enumerate(candidate.joined):
                profile = joined.get(text)
                if profile is None:
                    if complete:
                        continue
                    profile = joined[text] = self._joined(text)
                if profile.top:
                    query_sum += profile.mass
                    gain_sum += profile.gain
                    (first, second), _ = _merged(tokens)[k]
                    found.append((profile, tokens[first].weight + tokens[second].weight))
                    for c in (tokens[first], tokens[second]):  # raised to the pair's score, if lower
                        own = words.get(c.text)
                        candidate_sum += c.weight * max(0.0, profile.top - (own.top if own else 0.0))
        factor = WEAK_ALIAS_FACTOR if candidate.field == "weak_alias" else 1.0
        if found:
            weight, candidate_weight = self.weight, candidate.weight or 1.0
            query_part = QUERY_SHARE * min(query_sum, gain_sum, weight) / weight
            candidate_part = (1 - QUERY_SHARE) * min(1.0, candidate_sum / candidate_weight)
            if factor * (query_part + candidate_part) >= cutoff:
                if len(found) == 1:
                    return True
                best_query = [0.0] * len(self.weights)  # per query word: its best score
                best_candidate = [0.0] * len(self.weights)  # per query word: the most it gives the candidate
                for profile, held in found:
                    for i, score in enumerate(profile.scores):
                        if score > best_query[i]:
                            best_query[i] = score
                        if held * score > best_candidate[i]:
                            best_candidate[i] = held * score
                query_sum = sum(w * s for w, s in zip(self.weights, best_query, strict=True))
                query_part = QUERY_SHARE * min(query_sum, gain_sum) / weight
                candidate_sum = min(candidate_sum, sum(best_candidate))
                candidate_part = (1 - QUERY_SHARE) * min(1.0, candidate_sum / candidate_weight)
                if factor * (query_part + candidate_part) >= cutoff:
                    return True
        ratio = Indel.normalized_similarity(self.query.chars, candidate.chars)
        return factor * COMPACT_FACTOR * ratio * ratio >= cutoff

    def _profile(self, scores: list[float], merged_gain: float = 0.0) -> _Profile:
        weighted = [w * s for w, s in zip(self.weights, scores, strict=True)]
        return _Profile(scores, max(scores), sum(weighted), max(max(weighted), merged_gain))

    def _word(self, word: _Token) -> _Profile:
        """How well each query word pairs with one list word, alone or written together with its neighbour."""
        query = self.query
        abjad = query.abjad
        scores = [_pair(q, word, abjad)[0] for q in query.tokens]
        merges = self._merges_for.get(len(word.text))
        if merges is None:
            merges = self._merges_for[len(word.text)] = [
                (indices, text)
                for indices, text in query.merged
                if query.abjad or not _far_apart(len(text), len(word.text))
            ]
        merged_gain, weights = 0.0, self.weights
        for (first, second), text in merges:
            score = _merged_pair(text, word.text, abjad)
            if score > scores[first]:
                scores[first] = score
            if score > scores[second]:
                scores[second] = score
            merged_gain = max(merged_gain, (weights[first] + weights[second]) * score)
        return self._profile(scores, merged_gain)

    def _joined(self, text: str) -> _Profile:
        """How well each query word pairs with two neighbouring list words written together."""
        query = self.query
        joinable = self._joinable.get(len(text))
        if joinable is None:
            joinable = self._joinable[len(text)] = [
                qi for qi, q in enumerate(query.tokens) if query.abjad or not _far_apart(len(q.text), len(text))
            ]
        scores = [0.0] * len(query.tokens)
        for qi in joinable:
            scores[qi] = _merged_pair(query.tokens[qi].text, text, query.abjad)
        return self._profile(scores)


class _Profile(NamedTuple):
    """How one list word (or two written together) pairs with each query word, and its best pairing."""

    scores: list[float]  # per query word
    top: float
    mass: float  # the scores weighed by the query words' weights
    gain: float  # the most one pairing with it may add to the query's side: one word's, or two written together


def _close(text: str, choices: list[str], cutoff: float) -> list[tuple[str, float, int]]:
    """The choices whose Indel ratio to ``text`` is ``cutoff`` or more, with it and their index."""
    return process.extract(text, choices, scorer=Indel.normalized_similarity, score_cutoff=cutoff, limit=None)


def _explain(query: _Query, candidate: _Name, alignment: _Alignment) -> dict[str, float | str]:
    """The per-feature account of a name's score, for people to read."""
    matched = [alignment.matched[qi][2] for qi in sorted(alignment.matched)]
    inexact = [phonetic for score, phonetic, _ in alignment.matched.values() if score < 1.0]
    return {
        "name_score": round(max(alignment.token_score, alignment.compact_score) + alignment.penalty, 4),
        "token_similarity": round(alignment.token_score, 4),
        "compact_similarity": round(alignment.compact_score, 4),
        "phonetic_agreement": round(sum(inexact) / len(inexact), 4) if inexact else 0.0,
        "matched_tokens": (
            f"{len(alignment.matched)} of {len(query.tokens)} query words, "
            f"{alignment.candidate_matched} of {len(candidate.tokens)} name words"
        ),
        "word_order": "same" if matched == sorted(matched) else "reordered",
        "transliteration": "+".join(sorted(query.scripts)) or "none",
        "particles_ignored": " ".join(query.particles),
        "weak_alias_penalty": round(alignment.penalty, 4),
    }


def _birth_date_adjustment(born: tuple[datetime.date, datetime.date] | None, facts: DesigneeFacts) -> float:
    if born is None or not facts.birth_dates:
        return 0.0
    start, end = born
    gaps = []
    for known_start, known_end in facts.birth_dates:
        if start <= known_end and known_start <= end:
            return BIRTH_DATE_AGREES
        gaps.append((known_start - end).days if known_start > end else (start - known_end).days)
    return 0.0 if min(gaps) <= BIRTH_DATE_SLACK_DAYS else BIRTH_DATE_DISAGREES


def _country_adjustment(country: str | None, facts: DesigneeFacts) -> float:
    if not country or not facts.countries:
        return 0.0
    return COUNTRY_AGREES if country in facts.countries else COUNTRY_DISAGREES


def _kind_adjustment(kind: str | None, facts: DesigneeFacts) -> float:
    if not kind:
        return 0.0
    return KIND_AGREES if kind == facts.kind else KIND_DISAGREES


def searchable(name: str) -> bool:
    """Whether a name has anything to match on (letters or digits in some script)."""
    return bool(_words(name, invert=True))


def token_count(name: str) -> int:
    """How many words of ``name`` the matcher compares (particles and titles left out): what a query costs
    grows with it."""
    return len(_without_particles(_words(name, invert=True)))


def _check(
    name: str, *, birth_date: str | None, country: str | None, kind: str | None, threshold: float, limit: int
) -> None:
    if not name or not searchable(name):
        raise ValueError("name must have letters or digits.")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"name must be at most {MAX_NAME_LENGTH} characters.")
    if birth_date:
        parse_birth_date(birth_date)
    if country and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise ValueError("country must be an ISO 3166-1 alpha-2 code, e.g. SA.")
    if kind and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(sorted(KINDS))}.")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be between 0 and 1.")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}.")


# --- Public API ----------------------------------------------------------------------------------

_lock = threading.Lock()
_index: NameIndex | None = None


_frozen = threading.local()


@contextlib.contextmanager
def index_frozen():
    """Within the block, this thread keeps using the index as it stood on entry.

    For batch writers that match many names while they write (an announcement import): each write
    changes the data's fingerprint, and rebuilding the index (seconds over the full list) before every
    match would cost far more than the match. Names the block itself adds are not in the frozen index.
    """
    outer = getattr(_frozen, "index", None)
    _frozen.index = outer or get_index()
    try:
        yield _frozen.index
    finally:
        _frozen.index = outer


def get_index() -> NameIndex:
    """The process's name index, rebuilt first if the data changed since it was built (``data_version``: at most
    one query)."""
    global _index
    frozen = getattr(_frozen, "index", None)
    if frozen is not None:
        return frozen
    version = data_version()
    index = _index
    if index is not None and index.version == version:
        return index
    with _lock:
        if _index is None or _index.version != version:
            _index = NameIndex.build(version)
        return _index


def reset_index() -> None:
    """Forget the built index (tests that roll the database back use this)."""
    global _index
    with _lock:
        _index = None


def match_names(
    name: str,
    *,
    birth_date: str | None = None,
    country: str | None = None,
    kind: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    budget: ScreeningBudget | None = None,
) -> list[MatchResult]:
    """Designees whose primary name or an alias resembles ``name``, best first.

    ``birth_date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``country`` an ISO alpha-2 code (any
    of the designee's countries, in any role, agrees); ``kind`` a ``Designee.Kind`` value. Results
    score at least ``threshold`` (0..1); at most ``limit`` (1..100) are returned. Equal scores rank
    designees with an active designation first. Raises ``ValueError`` on bad arguments, and
    ``ScreeningBudgetExceeded`` when a ``budget`` is given and spent.
    """
    return get_index().search(
        name, birth_date=birth_date, country=country, kind=kind, threshold=threshold, limit=limit, budget=budget
    )


def match_many(
    queries: Sequence[MatchQuery],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    budget: ScreeningBudget | None = None,
) -> list[list[MatchResult]]:
    """``match_names`` for each query, reading the data version once for the whole batch (and sharing
    ``budget``, when given, across it)."""
    index = get_index()
    return [
        index.search(
            query["name"],
            birth_date=query.get("birth_date"),
            country=query.get("country"),
            kind=query.get("kind"),
            threshold=threshold,
            limit=limit,
            budget=budget,
        )
        for query in queries
    ]
