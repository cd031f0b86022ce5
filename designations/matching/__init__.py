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
   (al-, el-, bin, ibn, bint, van, von, de, Dr...) are left out of the words; a glued article
   ("ALQAHTANI") also matches without it ("qahtani"). A filiation particle (bin, ibn, bint...) is
   remembered with the word it introduces, which must pair with a list word introduced by one too.
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
   higher. A query's filiation particle the candidate does not write before the same name counts as a
   query word not found ("Mohammed bin Salman" against "SALMAN, Muhammad"). Weak aliases lose 10%.
   Birth date, country and kind, when given, raise the score when they agree and lower it when they
   disagree. ``_score_name`` has the details. A cheap upper bound
   (``_Bounds``) first leaves out the candidates that cannot reach the threshold: most of them, and
   never one that could.

**Cost.** What a search does is counted in ``ScreeningCost`` units (about a microsecond each: one
query word compared with one word of a list name) and charged to a ``ScreeningBudget``, which stops
the search, between candidates, once its units or seconds are spent (``ScreeningBudgetExceeded``).
A query costs roughly its words x the candidates examined x their words: the number of candidates
is bounded, so a long query of common words costs what its length says, not what the list holds.
The API gives each request a budget (``designations/api/match.py``); other callers need none.

The package: ``normalise`` (names to words), ``index`` (``NameIndex`` and its candidate search), ``scoring``
(word pairs, bounds, adjustments), ``cost`` (units and budgets), ``tuning`` (every weight and limit),
``records`` (what a search answers); this module keeps the process's index and the public functions.

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

import contextlib
import threading
from collections.abc import Sequence

from designations.matching.cost import ScreeningBudget, ScreeningBudgetExceeded, ScreeningCost
from designations.matching.index import NameIndex
from designations.matching.normalise import parse_birth_date
from designations.matching.records import DesigneeFacts, MatchQuery, MatchResult
from designations.matching.scoring import searchable, token_count
from designations.matching.tuning import DEFAULT_LIMIT, DEFAULT_THRESHOLD, KINDS, MAX_LIMIT, MAX_NAME_LENGTH
from tracker.dataversion import data_version

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_THRESHOLD",
    "KINDS",
    "MAX_LIMIT",
    "MAX_NAME_LENGTH",
    "DesigneeFacts",
    "MatchQuery",
    "MatchResult",
    "NameIndex",
    "ScreeningBudget",
    "ScreeningBudgetExceeded",
    "ScreeningCost",
    "get_index",
    "index_frozen",
    "match_many",
    "match_names",
    "parse_birth_date",
    "reset_index",
    "searchable",
    "token_count",
]

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
    include_delisted: bool = True,
) -> list[MatchResult]:
    """Designees whose primary name or an alias resembles ``name``, best first.

    ``birth_date`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ``country`` an ISO alpha-2 code (any
    of the designee's countries, in any role, agrees); ``kind`` a ``Designee.Kind`` value. Results
    score at least ``threshold`` (0..1); at most ``limit`` (1..100) are returned. Equal scores rank
    designees with an active designation first; with ``include_delisted=False`` designees none of whose
    designations is in force are left out. Records OFAC removed as duplicates of another entry are never
    answered (``NameIndex.build``). Raises ``ValueError`` on bad arguments, and ``ScreeningBudgetExceeded``
    when a ``budget`` is given and spent.
    """
    return get_index().search(
        name,
        birth_date=birth_date,
        country=country,
        kind=kind,
        threshold=threshold,
        limit=limit,
        budget=budget,
        include_delisted=include_delisted,
    )


def match_many(
    queries: Sequence[MatchQuery],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = DEFAULT_LIMIT,
    budget: ScreeningBudget | None = None,
    include_delisted: bool = True,
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
            include_delisted=include_delisted,
        )
        for query in queries
    ]
