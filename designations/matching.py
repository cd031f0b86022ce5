"""Name screening: rank designees whose name or alias resembles a queried name.

The matcher holds every designee's primary name and aliases (strong and weak) in memory, in an index
built once per process and rebuilt when the data changes (see ``data_version``). A query goes through
three steps:

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
   these keys; names hit by enough of the query (rarer words weigh more) go on to scoring.
3. **Scoring.** Query words are paired with a candidate's words regardless of order, each pair
   scored by a fuzzy ratio (``rapidfuzz``), lifted when the phonetic keys agree (KARAEU / Kareau),
   initials agreeing with the word they abbreviate; two neighbouring words can pair with one
   ("Abdul Aziz" / "ABDULAZIZ"). The name score weighs how much of the query is explained against
   how much of the candidate name is; a whole-name comparison with spaces removed is used when
   higher. Weak aliases lose 10%. Birth date, country and kind, when given, raise the score when
   they agree and lower it when they disagree. ``_score_name`` has the details.

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
from typing import TypedDict

import jellyfish
from anyascii import anyascii
from django.db import connection
from rapidfuzz.distance import Indel

from designations.models import Alias, BirthDate, Designation, DesignationEvent, Designee, DesigneeCountry

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
CANDIDATES = 250  # names scored per query, at least; more when a larger limit asks for them
PRUNE_SLACK = 0.8  # merged words and whole-name comparison can match what the key look-up missed

BIRTH_DATE_AGREES = 0.05
BIRTH_DATE_DISAGREES = -0.15
BIRTH_DATE_SLACK_DAYS = 366  # a near miss (or a "circa" date) is neither agreement nor disagreement
COUNTRY_AGREES = 0.03
COUNTRY_DISAGREES = -0.05
KIND_AGREES = 0.02
KIND_DISAGREES = -0.15
MAX_BONUS = BIRTH_DATE_AGREES + COUNTRY_AGREES + KIND_AGREES

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


@dataclass(slots=True)
class _Query:
    tokens: list[_Token]
    merged: list[tuple[tuple[int, ...], str]]
    scripts: frozenset[str]
    particles: tuple[str, ...]
    abjad: bool
    compact: str  # the words written together, as typed


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
    return re.sub(r"(.)\1+", r"\1", word)


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


def data_version() -> tuple:
    """A cheap fingerprint of everything the index is built from, in one query of index look-ups.

    1. The latest ``updated_at`` of import runs: every import saves its run when it ends (a small
       table). The highest ids of designees, aliases, designations and designation events change with
       most imports too, and with rows added by hand.
    2. The highest history ids of designees and designations, where their history is kept: every
       save or delete through the ORM writes a history row, the admin's included (it saves the
       designee when its inline aliases, birth dates or countries change or are deleted).

    Every part is one index look-up (row counts would read whole tables: 5 ms per call on
    PostgreSQL, paid by every page view). ``MAX(updated_at)`` over designees would also do, but it
    reads the whole table. An alias, birth date or country changed or deleted without saving its
    designee (in the shell, say) is seen at the next import or designee save.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(data_version_parts()))  # names from the model registry only
        return (connection.alias, *cursor.fetchone())


def data_version_parts() -> list[str]:
    """The sub-queries of ``data_version``, for callers that fold them into a query of their own."""
    return list(_data_version_parts(connection.vendor))


@functools.cache
def _data_version_parts(vendor: str) -> tuple[str, ...]:
    # Built once per process: reading ``Model.history`` builds a manager class each time (about 1 ms).
    from importers.models import ImportRun

    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    parts = [
        f"(SELECT MAX(id) FROM {table(Designee)})",
        f"(SELECT MAX(id) FROM {table(Alias)})",
        f"(SELECT MAX(id) FROM {table(Designation)})",
        f"(SELECT MAX(id) FROM {table(DesignationEvent)})",
        f"(SELECT MAX(updated_at) FROM {table(ImportRun)})",
    ]
    for model in (Designee, Designation):
        history = getattr(model, "history", None)
        if history is not None:
            parts.append(f"(SELECT MAX({quote(history.model._meta.pk.column)}) FROM {table(history.model)})")
    return tuple(parts)


class NameIndex:
    """Every designee name and alias, tokenised, with an inverted index from token keys to names."""

    def __init__(
        self,
        version: tuple,
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
        postings: dict[str, list[int]] = defaultdict(list)
        for word, positions in token_names.items():
            token = tokens[word]
            keys = token.keys
            if len(token.skeleton) >= 2 and not token.initial:
                keys = (*keys, "s:" + token.skeleton)
            for key in keys:
                postings[key].extend(positions)
        self.postings = dict(postings)
        self.word_counts = word_counts  # names holding each word

    @classmethod
    def build(cls, version: tuple = ()) -> NameIndex:
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
    def _build(cls, version: tuple) -> NameIndex:
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
            names.append(_Name(pk, text, field_name, tuple(tokens), compact, published, weight))
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
    ) -> list[MatchResult]:
        """Rank designees against one query; see ``match_names``."""
        _check(name, birth_date=birth_date, country=country, kind=kind, threshold=threshold, limit=limit)
        born = parse_birth_date(birth_date) if birth_date else None
        country = country.upper() if country else None
        query = self._query(name)

        # 1. Candidates: names sharing keys with the most (and rarest) query tokens, each token alone or
        #    written together with the next one ("abdul aziz" finds "abdulaziz"). A name whose hits
        #    explain too little of the query cannot reach the threshold and is not scored.
        units = [(1 << i, token) for i, token in enumerate(query.tokens) if not token.initial]
        units += [(3 << i[0], _make_token(text)) for i, text in query.merged]
        covered: dict[int, int] = {}
        for mask, token in units:
            found: set[int] = set()
            keys = token.keys
            if query.abjad and len(token.skeleton) >= 2:
                keys = (*keys, "s:" + token.skeleton)
            for key in keys:
                found.update(self.postings.get(key, ()))
            for position in found:
                covered[position] = covered.get(position, 0) | mask
        weights = [t.weight for t in query.tokens]
        mask_weight: dict[int, float] = {}
        hits: dict[int, float] = {}
        for position, mask in covered.items():
            weight = mask_weight.get(mask)
            if weight is None:
                weight = mask_weight[mask] = sum(w for i, w in enumerate(weights) if mask >> i & 1)
            hits[position] = weight
        query_weight = sum(weights)
        needed = query_weight * PRUNE_SLACK * (threshold - (1 - QUERY_SHARE) - MAX_BONUS) / QUERY_SHARE
        if needed > 0:
            hits = {position: weight for position, weight in hits.items() if weight >= needed}
        wanted = max(CANDIDATES, limit * 10)
        candidates = heapq.nlargest(wanted, hits, key=hits.__getitem__) if len(hits) > wanted else list(hits)

        # 2. Score each candidate name; keep each designee's best name.
        cache: dict[tuple, tuple[float, bool]] = {}
        best: dict[int, tuple[float, _Name, _Alignment]] = {}
        for position in candidates:
            candidate = self.names[position]
            score, alignment = _score_name(query, candidate, cache)
            if score <= 0:
                continue
            current = best.get(candidate.designee_id)
            if current is None or score > current[0] or (score == current[0] and candidate.field == "name"):
                best[candidate.designee_id] = (score, candidate, alignment)

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

    def _query(self, text: str) -> _Query:
        words = _words(text, invert=True)
        kept = _without_particles(words)
        scripts = scripts_of(text)
        abjad = bool(scripts & ABJADS)
        tokens = [self._weighted(_make_token(word), abjad) for word in kept]
        particles = tuple(w for w in words if w in PARTICLES and w not in kept)
        return _Query(tokens, _merged(tokens), scripts, particles, abjad, "".join(t.text for t in tokens))

    def _weighted(self, token: _Token, abjad: bool) -> _Token:
        """The token weighed by how many names hold it (for an abjad query: hold its consonants)."""
        if abjad:
            frequency = len(set(self.postings.get("s:" + token.skeleton, ())))
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
    if set(query.forms) & set(candidate.forms):
        return 1.0, True
    ratio = max(Indel.normalized_similarity(q, c) for q in query.forms for c in candidate.forms)
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


def _merged_pair(query: str, candidate: str, abjad: bool) -> float:
    """How alike a word and two words written together are; stricter than ``_pair``, no phonetics."""
    ratio = Indel.normalized_similarity(query, candidate)
    score = ratio * ratio if ratio >= MERGED_MIN_RATIO else 0.0
    if abjad:  # rare enough not to need caching the skeletons
        skeleton_ratio = Indel.normalized_similarity(skeleton(query), skeleton(candidate))
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
    """The process's name index, rebuilt first if the data changed since it was built (one query if not)."""
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
) -> list[MatchResult]:
    """Designees whose primary name or an alias resembles ``name``, best first.

    ``birth_date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``country`` an ISO alpha-2 code (any
    of the designee's countries, in any role, agrees); ``kind`` a ``Designee.Kind`` value. Results
    score at least ``threshold`` (0..1); at most ``limit`` (1..100) are returned. Equal scores rank
    designees with an active designation first. Raises ``ValueError`` on bad arguments.
    """
    return get_index().search(name, birth_date=birth_date, country=country, kind=kind, threshold=threshold, limit=limit)


def match_many(
    queries: Sequence[MatchQuery], *, threshold: float = DEFAULT_THRESHOLD, limit: int = DEFAULT_LIMIT
) -> list[list[MatchResult]]:
    """``match_names`` for each query, reading the data version once for the whole batch."""
    index = get_index()
    return [
        index.search(
            query["name"],
            birth_date=query.get("birth_date"),
            country=query.get("country"),
            kind=query.get("kind"),
            threshold=threshold,
            limit=limit,
        )
        for query in queries
    ]
