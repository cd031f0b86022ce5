"""The name index: every designee name and alias, tokenised, with an inverted index from word keys to names;
its candidate search."""

from __future__ import annotations

import bisect
import datetime
import gc
import heapq
import math
import time
from collections import Counter, defaultdict

from designations.matching.cost import ScreeningBudget
from designations.matching.normalise import (
    _bound,
    _make_token,
    _Name,
    _Query,
    _query_token,
    _Token,
    _without_particles,
    _words,
    parse_birth_date,
    scripts_of,
)
from designations.matching.records import DesigneeFacts, MatchResult
from designations.matching.scoring import (
    _Alignment,
    _birth_date_adjustment,
    _Bounds,
    _check,
    _close,
    _country_adjustment,
    _explain,
    _kind_adjustment,
    _merged,
    _merged_pair,
    _pair,
    _score_name,
)
from designations.matching.tuning import (
    _MERGED_CUTOFF,
    _RATIO_CUTOFF,
    ABJADS,
    BIRTH_DATE_AGREES,
    BOUND_MARGIN,
    CANDIDATES,
    COMMON_MIN,
    COMMON_SHARE,
    COUNTRY_AGREES,
    DEFAULT_LIMIT,
    DEFAULT_THRESHOLD,
    INITIAL_WEIGHT,
    KIND_AGREES,
    MAX_BONUS,
    PARTICLES,
    POSTINGS_PER_UNIT,
    PRUNE_SLACK,
    QUERY_SHARE,
    SCORE_UNITS,
)
from designations.models import Alias, BirthDate, Designation, DesignationEvent, Designee, DesigneeCountry
from tracker.dataversion import DataVersion

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
        self.removed_duplicates: frozenset[int] = frozenset()  # designees left out: records OFAC removed as duplicates

    @classmethod
    def build(cls, version: DataVersion | None = None) -> NameIndex:
        """Read designees, aliases, birth dates, countries, active programs and removed duplicates in six queries.

        A designee none of whose designations is in force, and one of which OFAC ended by removing the record
        as a duplicate of another entry (a ``removed_duplicate`` event, e.g. entry 36459 KADYROV beside 23343),
        is not indexed: the record never named anyone the other entry does not.

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
        removed = set(
            DesignationEvent.objects.filter(kind=DesignationEvent.Kind.REMOVED_DUPLICATE).values_list(
                "designation__designee_id", flat=True
            )
        )
        removed -= programs.keys()  # a record relisted since is no longer a removed duplicate

        designees: dict[int, DesigneeFacts] = {}
        raw_names: list[tuple[int, str, str, bool]] = []
        for pk, name, kind, entry_number in Designee.objects.order_by("pk").values_list(
            "pk", "name", "kind", "entry_number"
        ):
            if pk in removed:
                continue
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
        index = cls.from_names(version, designees, raw_names)
        index.removed_duplicates = frozenset(removed)
        return index

    @classmethod
    def from_names(
        cls,
        version: DataVersion | None,
        designees: dict[int, DesigneeFacts],
        raw_names: list[tuple[int, str, str, bool]],
    ) -> NameIndex:
        """An index over ``raw_names``: (id of its record in ``designees``, the name, ``name``, ``alias`` or
        ``weak_alias``, whether it is a person's name the list may write surname first). Other lists than
        the SDN list (the allied ones) are indexed this way too."""
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
                    frozenset(_bound(words)),
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
        include_delisted: bool = True,
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
        designees = self.designees
        for candidate in names:
            if not include_delisted and not designees[candidate.designee_id].programs:
                continue  # no designation in force: left out when asked
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
        # "bin Salman" is one name part: its particle weighs what the name it introduces weighs.
        bound = {i: (particle, tokens[i].weight) for i, particle in _bound(words).items()}
        return _Query(tokens, _merged(tokens), scripts, particles, abjad, compact, "".join(sorted(compact)), bound)

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
