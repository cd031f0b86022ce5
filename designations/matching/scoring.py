"""Scoring a candidate name against a query: word pairs, merged words, the upper bound that skips candidates,
the adjustments for birth date, country and kind, and the checks of a query's arguments."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Indel

from designations.matching.normalise import (
    _Name,
    _Query,
    _skeleton,
    _Token,
    _without_particles,
    _words,
    parse_birth_date,
)
from designations.matching.records import DesigneeFacts
from designations.matching.tuning import (
    _MERGED_CUTOFF,
    _RATIO_CUTOFF,
    BIRTH_DATE_AGREES,
    BIRTH_DATE_DISAGREES,
    BIRTH_DATE_SLACK_DAYS,
    COMPACT_FACTOR,
    COUNTRY_AGREES,
    COUNTRY_DISAGREES,
    INITIAL_SCORE,
    KIND_AGREES,
    KIND_DISAGREES,
    KINDS,
    MAX_LIMIT,
    MAX_NAME_LENGTH,
    MERGE_UNLESS,
    MERGED_MIN_RATIO,
    PHONETIC_BOTH,
    PHONETIC_MIN_RATIO,
    PHONETIC_ONE,
    QUERY_SHARE,
    TOKEN_FLOOR,
    WEAK_ALIAS_FACTOR,
)

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
    unmatched_particles: tuple[str, ...] = ()  # filiation particles of the query the candidate lacks


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
    5. A filiation particle of the query ("bin" in "Mohammed bin Salman") must still match: the word after it
       must pair with a list word written after one too ("MAKHLOUF, Rami Bin Mohammed"). Else the particle
       counts as a query word not found, in the token score and in the compact one ("SALMAN, Muhammad" names
       someone whose family name, not his father's, is Salman). A particle that matches changes nothing.
    6. A weak alias keeps 90% of its score.
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
    unmatched = {
        qi: particle
        for qi, (particle, _) in query.bound.items()
        if qi not in used_q or used_q[qi][2] not in candidate.bound
    }
    missing = sum(query.bound[qi][1] for qi in unmatched)
    query_share = sum(tokens[qi].weight * s for qi, (s, _, _) in used_q.items()) / (
        sum(t.weight for t in tokens) + missing
    )
    candidate_share = sum(candidate.tokens[ci].weight * s for ci, s in used_c.items()) / (candidate.weight or 1.0)
    token_score = QUERY_SHARE * query_share + (1 - QUERY_SHARE) * candidate_share

    compact_score = 0.0
    if len(used_q) < len(tokens) or len(used_c) < len(candidate.tokens) or unmatched:
        # The query's words in the candidate's order (an unmatched word stays after the one before it), an
        # unmatched particle before its word.
        order, last = [], -1.0
        for qi in range(len(tokens)):
            last = used_q[qi][2] if qi in used_q else last + 0.01
            order.append((last, qi))
        reordered = "".join(unmatched.get(qi, "") + tokens[qi].text for _, qi in sorted(order))
        ratio = Indel.normalized_similarity(reordered, candidate.compact)
        if candidate.published != candidate.compact:  # surname first, as Chinese names are written
            typed = "".join(unmatched.get(qi, "") + token.text for qi, token in enumerate(tokens))
            ratio = max(ratio, Indel.normalized_similarity(typed, candidate.published))
        compact_score = COMPACT_FACTOR * ratio * ratio

    score = max(token_score, compact_score)
    penalty = 0.0
    if candidate.field == "weak_alias":
        penalty = -score * (1 - WEAK_ALIAS_FACTOR)
        score += penalty
    particles = tuple(unmatched[qi] for qi in sorted(unmatched))
    return score, _Alignment(token_score, compact_score, penalty, used_q, len(used_c), particles)


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

    __slots__ = (
        "_joinable",
        "_merges_for",
        "complete",
        "joined",
        "query",
        "spelt_out",
        "weight",
        "weights",
        "words",
    )

    def __init__(self, query: _Query) -> None:
        self.query = query
        # The query's letters with its filiation particles, sorted: the whole-name comparison takes them in
        # when the candidate lacks the particles (``_score_name``).
        particles = "".join(particle for particle, _ in query.bound.values())
        self.spelt_out = "".join(sorted(query.compact + particles)) if particles else ""
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
        if self.spelt_out:
            ratio = max(ratio, Indel.normalized_similarity(self.spelt_out, candidate.chars))
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
        "particles_ignored": " ".join(_ignored(query)),
        "particles_unmatched": " ".join(alignment.unmatched_particles),
        "weak_alias_penalty": round(alignment.penalty, 4),
    }


def _ignored(query: _Query) -> list[str]:
    """The query's particles and titles left out of the comparison: all but the filiation particles that
    must match (``_Query.bound``)."""
    ignored = list(query.particles)
    for particle, _ in query.bound.values():
        ignored.remove(particle)
    return ignored


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
