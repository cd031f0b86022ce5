"""The matcher's tuning: limits of a query, score weights and cut-offs, candidate and cost figures."""

from __future__ import annotations

from designations.models import Designee

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
# Filiation particles: "bin Salman" names the father, a part of the name that must still match. A query's
# word after one pairs in full only with a list word that follows one too; else the particle counts as a
# query word not found, weighing what the word it introduces weighs ("bin Salman" is one name part).
# Articles (al-, el-) are not among them: the list writes the same name with the article, glued to it or
# without it (AL-QAHTANI, ALQAHTANI).
FILIATION = frozenset({"bin", "ibn", "ben", "bn", "bint", "binti"})
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
