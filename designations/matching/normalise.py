"""Normalisation: a name in any script to the words the matcher compares, and a birth date to its range."""

from __future__ import annotations

import calendar
import datetime
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

import jellyfish
from anyascii import anyascii

from designations.matching.tuning import FILIATION, PARTICLES

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
    bound: frozenset[int] = frozenset()  # tokens written after a filiation particle ("bin Mohammed")


@dataclass(slots=True)
class _Query:
    tokens: list[_Token]
    merged: list[tuple[tuple[int, ...], str]]
    scripts: frozenset[str]
    particles: tuple[str, ...]
    abjad: bool
    compact: str  # the words written together, as typed
    chars: str  # its letters, sorted
    bound: dict[int, tuple[str, float]] = field(default_factory=dict)  # token -> the filiation particle before it


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


def transliterate(text: str) -> str:
    """``text`` in Latin letters as the matcher reads it: Cyrillic, Arabic, Greek and the rest letter by letter,
    a run of Chinese, Japanese or Korean characters as "family givenname" ("陈全国" -> "chen quanguo")."""
    return " ".join(_to_ascii(text).split())


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


def _bound(words: list[str]) -> dict[int, str]:
    """The kept words (by their position among ``_without_particles(words)``) written right after a filiation
    particle, with the particle: "Rami bin Mohammed Makhlouf" -> ``{1: "bin"}``."""
    if not any(w in FILIATION for w in words) or all(w in PARTICLES for w in words):
        return {}
    bound, position, particle = {}, 0, None
    for word in words:
        if word in PARTICLES:
            particle = word if word in FILIATION else particle
            continue
        if particle:
            bound[position] = particle
        particle = None
        position += 1
    return bound


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
