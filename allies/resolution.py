"""Cross-list resolution: which allied entries name the same party as a US designee.

Two screenings find the candidates, with the name matcher:

1. every US designee with a designation under a human-rights or anti-corruption program (``Program.is_human_
   rights``) against every allied entry (any regime: Canada lists some human-rights cases under its country
   regulations), over an index of the allied names (``NameIndex.from_names``);
2. every allied entry under a human-rights or anti-corruption regime (``theme``) against every US designee,
   under any program (the US often lists under a country program a person an ally lists for human rights), over
   the tracker's own index of the US list (``designations.matching.get_index``).

A candidate is then compared on what both records give:

* ``name``: the matcher's best score over the designee's primary name and strong aliases against the
  entry's names (any script, any order); an organisation's names also without their legal form and
  bracketed acronym, and each half of a name given in two languages (``name_variants``);
* ``birth_date``: ``same_day`` when both give the same full date of birth, ``agrees`` when a published birth
  date of each overlaps otherwise (circa widens a year either way), ``conflicts`` when both give dates and none
  overlap, ``unknown`` otherwise;
* ``countries``: ``agree`` when a personal country (nationality, citizenship, place of birth) is shared,
  ``differ`` when both give some and none is shared, ``unknown`` otherwise;
* ``identifier``: ``agrees`` when a normalised identifier of five or more characters is the same.

The rules, in order (``RULES``): a birth date that conflicts, or a person against an organisation, is never
a link; a shared identifier with a name of ``NAME_PENDING`` or more links; a person with a name of
``NAME_PENDING`` or more links when both give the same full date of birth (a spelling of the name the matcher
scores lower, e.g. ALEKSIN and OLEKSIN, born 29 Aug 1997), one with a name of ``NAME_LINK`` or more when the
birth date agrees, or when no birth date is known on either side and a
country agrees, or (``NAME_EXACT``) when nothing else is known on either side and neither has another name
that close (the designee none in the entry's list, the entry none among the US designees); an organisation,
vessel or aircraft with a name of ``NAME_LINK_ORGANISATION`` or more links unless its countries differ;
anything else from ``NAME_PENDING`` goes to the editors' review queue (from ``NAME_LINK`` for a US designee
outside the human-rights programs, found by the second screening). An editor's decision (confirmed,
rejected, linked by hand) is never changed by a later run.
"""

from __future__ import annotations

import datetime
import gc
import re
import time
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from designations.matching import get_index
from designations.matching.index import NameIndex
from designations.matching.records import DesigneeFacts
from designations.models import Alias, BirthDate, Designation, Designee, DesigneeCountry, Identifier

NAME_LINK = 0.9
NAME_EXACT = 0.98
NAME_LINK_ORGANISATION = 0.95
NAME_PENDING = 0.8
MIN_IDENTIFIER = 5
PERSONAL_ROLES = ("nationality", "citizenship", "place_of_birth")
THEMES = ("human_rights", "anti_corruption", "human_rights_and_corruption")
RULES = (
    "birth dates conflict: not the same person",
    "a person and an organisation: not the same party",
    "shared identifier",
    "name, the same full date of birth",
    "name, birth date agrees",
    "name, no birth date known, country agrees",
    "the same name, nothing else known, no other close name on either side",
    "organisation name, countries do not differ",
    "for review",
)

Span = tuple[datetime.date, datetime.date]

# Legal forms that one list writes and another leaves out ("DANA HOLDINGS LIMITED" / "Dana Holdings"),
# longest first; an organisation's name is also screened without them. Generic nouns ("company",
# "corporation", "group") stay: without them two different bodies would often share what is left.
LEGAL_FORMS = (
    "open joint stock company",
    "closed joint stock company",
    "public joint stock company",
    "private joint stock company",
    "joint stock company",
    "limited liability company",
    "limited liability partnership",
    "public limited company",
    "co ltd",
    "limited",
    "ltd",
    "llc",
    "llp",
    "plc",
    "inc",
    "ojsc",
    "pjsc",
    "cjsc",
    "jsc",
    "ooo",
    "oao",
    "zao",
    "pao",
    "gmbh",
    "fze",
    "fzco",
)
_LEGAL_FORM = re.compile(
    r"\b(?:" + "|".join(re.escape(form).replace(r"\ ", r"\s+") for form in LEGAL_FORMS) + r")\b\.?"
)
_PARENTHESES = re.compile(r"\([^()]*\)")
_LEGAL_WORDS = frozenset(word for form in LEGAL_FORMS for word in form.split())
_SPLIT_WORDS = re.compile(r"[^\w]+")


def name_variants(name: str, kind: str) -> list[str]:
    """Other forms of an organisation's name to screen besides the name itself: each part of a name given in
    two languages at once ("Islamic Republic of Iran Broadcasting/Radiotélévision de la République islamique
    d'Iran"), and the name without its legal form and bracketed acronym ("JSC 140 Repair Plant" -> "140 Repair
    Plant"). People's names have none. A variant keeps at least one word of four letters or more."""
    if kind == "individual":
        return []
    # Most names hold none of what a variant removes: a set look-up answers them before any pattern runs.
    if "/" not in name and "(" not in name and not _LEGAL_WORDS.intersection(_SPLIT_WORDS.split(name.casefold())):
        return []
    parts = [name]
    halves = [half.strip() for half in name.split("/")]
    if len(halves) == 2 and all(len(half.split()) >= 2 for half in halves):
        parts.extend(halves)
    variants = []
    for part in parts:
        for text in (part, " ".join(_PARENTHESES.sub(" ", part).split())):
            stripped = " ".join(_LEGAL_FORM.sub(" ", text.casefold()).replace('"', " ").split()).strip(" ,.-“”«»")
            for candidate in (text.strip(), stripped):
                if candidate and candidate.casefold() != name.casefold() and re.search(r"\w{4,}", candidate):
                    if candidate.casefold() not in {v.casefold() for v in variants}:
                        variants.append(candidate)
    return variants


def _span(start: datetime.date | None, end: datetime.date | None, circa: bool) -> Span | None:
    if start is None:
        return None
    end = end or start
    if circa:
        start, end = start - datetime.timedelta(days=365), end + datetime.timedelta(days=365)
    return start, end


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def compare_birth_dates(ours: list[Span], theirs: list[Span]) -> str:
    if not ours or not theirs:
        return "unknown"
    # A full date is a span of one day (circa widens it, so a circa date is never "the same day").
    if any(a0 == a1 == b0 == b1 for a0, a1 in ours for b0, b1 in theirs):
        return "same_day"
    overlap = any(a0 <= b1 and b0 <= a1 for a0, a1 in ours for b0, b1 in theirs)
    return "agrees" if overlap else "conflicts"


def compare_countries(ours: set[str], theirs: set[str]) -> str:
    if not ours or not theirs:
        return "unknown"
    return "agree" if ours & theirs else "differ"


def decide(
    kind_ours: str,
    kind_theirs: str,
    name: float,
    birth: str,
    countries: str,
    identifier: bool,
    *,
    unique: bool = False,
) -> tuple[str, str] | None:
    """(state, rule) for a candidate pair, or None when it is no link at all (see the module docstring).

    ``unique``: the designee has no other name of ``NAME_LINK`` or more in the entry's list, and the entry
    none among the US designees screened.
    """
    person_ours, person_theirs = kind_ours == "individual", kind_theirs == "individual"
    if birth == "conflicts":
        return None
    if person_ours != person_theirs:
        return None
    if identifier and name >= NAME_PENDING:
        return PartyLink.State.LINKED, RULES[2]
    if person_ours:
        if name >= NAME_PENDING and birth == "same_day":
            return PartyLink.State.LINKED, RULES[3]
        if name >= NAME_LINK and birth in ("agrees", "same_day"):
            return PartyLink.State.LINKED, RULES[4]
        if name >= NAME_LINK and birth == "unknown" and countries == "agree":
            return PartyLink.State.LINKED, RULES[5]
        if name >= NAME_EXACT and birth == "unknown" and countries == "unknown" and unique:
            return PartyLink.State.LINKED, RULES[6]
    elif name >= NAME_LINK_ORGANISATION and countries != "differ":
        return PartyLink.State.LINKED, RULES[7]
    if name >= NAME_PENDING:
        return PartyLink.State.PENDING, RULES[8]
    return None


def human_rights_designees() -> set[int]:
    """The US designees with a designation under a human-rights or anti-corruption program."""
    return set(Designation.objects.filter(program__is_human_rights=True).values_list("designee_id", flat=True))


class _Ours:
    """US designees (``ids``), with what the comparisons read."""

    def __init__(self, ids: set[int]) -> None:
        self.designees = dict(Designee.objects.filter(pk__in=ids).values_list("pk", "kind"))
        self.names: dict[int, list[str]] = defaultdict(list)
        for pk, name in Designee.objects.filter(pk__in=ids).values_list("pk", "name"):
            self.names[pk].append(name)
        aliases = Alias.objects.filter(designee_id__in=ids, strength=Alias.Strength.STRONG)
        for pk, name in aliases.values_list("designee_id", "name"):
            self.names[pk].append(name)
        for pk, names in self.names.items():
            names.extend(variant for name in list(names) for variant in name_variants(name, self.designees[pk]))
        self.births: dict[int, list[Span]] = defaultdict(list)
        for pk, start, end, circa in BirthDate.objects.filter(designee_id__in=ids).values_list(
            "designee_id", "date_from", "date_to", "circa"
        ):
            if span := _span(start, end, circa):
                self.births[pk].append(span)
        self.countries: dict[int, set[str]] = defaultdict(set)
        personal = DesigneeCountry.objects.filter(designee_id__in=ids, role__in=PERSONAL_ROLES)
        for pk, code in personal.values_list("designee_id", "country__code"):
            self.countries[pk].add(code)
        self.identifiers: dict[int, set[str]] = defaultdict(set)
        for pk, value in Identifier.objects.filter(designee_id__in=ids).values_list("designee_id", "normalised_value"):
            if len(value or "") >= MIN_IDENTIFIER:
                self.identifiers[pk].add(value)


class _Allied:
    """The allied entries as the matcher and the comparisons read them."""

    def __init__(self) -> None:
        self.kinds: dict[int, str] = {}
        self.lists: dict[int, str] = {}
        self.births: dict[int, list[Span]] = {}
        self.countries: dict[int, set[str]] = {}
        self.identifiers: dict[int, set[str]] = {}
        self.names: dict[int, list[str]] = defaultdict(list)
        # Entries under a human-rights or anti-corruption regime: screened against the whole US list too.
        self.themed = set(
            AlliedDesignation.objects.filter(theme__in=THEMES).values_list("entry_id", flat=True).distinct()
        )
        facts: dict[int, DesigneeFacts] = {}
        raw_names: list[tuple[int, str, str, bool]] = []
        rows = AlliedEntry.objects.values_list(
            "pk", "list_slug", "kind", "name", "names", "birth_dates", "countries", "identifiers"
        )
        for pk, list_slug, kind, name, names, births, countries, identifiers in rows:
            person = kind == "individual"
            self.kinds[pk], self.lists[pk] = kind, list_slug
            self.births[pk] = [
                span
                for b in births
                if (span := _span(_day(b.get("date_from")), _day(b.get("date_to")), bool(b.get("circa"))))
            ]
            self.countries[pk] = set(countries)
            self.identifiers[pk] = {
                i["normalised_value"] for i in identifiers if len(i.get("normalised_value") or "") >= MIN_IDENTIFIER
            }
            facts[pk] = DesigneeFacts(
                id=pk, name=name, kind=kind, entry_number=None, birth_dates=(), countries=frozenset(), programs=()
            )
            raw_names.append((pk, name, "name", person))
            self.names[pk].append(name)
            seen = {name.casefold()}
            strong = [name, *(other["name"] for other in names if not other.get("weak"))]
            others = [*names, *({"name": variant} for text in strong for variant in name_variants(text, kind))]
            for other in others:
                # The same name again (another case, a "primary variation" equal to it) adds nothing.
                if other["name"].casefold() in seen:
                    continue
                seen.add(other["name"].casefold())
                field_name = "weak_alias" if other.get("weak") else "alias"
                raw_names.append((pk, other["name"], field_name, person))
                if not other.get("weak"):
                    self.names[pk].append(other["name"])
        self.index = NameIndex.from_names(None, facts, raw_names)


def _distinct(names: list[str]) -> list[str]:
    """The names to screen, each once: the matcher folds case and spacing, so names differing only in them
    (a legal-form variant in lower case, a name written twice) give the same answers."""
    seen: set[str] = set()
    answer = []
    for name in names:
        key = " ".join(name.casefold().split())
        if key not in seen:
            seen.add(key)
            answer.append(name)
    return answer


def candidate_links() -> dict[tuple[int, int], dict]:
    """(designee id, entry id) -> the state, score and features the rules give, for every pair they link or
    queue. Reads the database; writes nothing.

    The cyclic garbage collector is paused meanwhile (as ``NameIndex.build`` does): the indexes and the
    searches allocate a few million small objects, none of them cyclic garbage, and the collections they
    would trigger cost about a third of the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _candidate_links()
    finally:
        if enabled:
            gc.enable()


def _candidate_links() -> dict[tuple[int, int], dict]:
    allied = _Allied()
    screened = human_rights_designees()
    ours = _Ours(screened)
    scored: dict[tuple[int, int], tuple[float, str, str]] = {}

    def keep(designee_id: int, entry_id: int, score: float, our_name: str, their_name: str) -> None:
        key = (designee_id, entry_id)
        if score > scored.get(key, (0.0,))[0]:
            scored[key] = (score, our_name, their_name)

    # 1. The US human-rights designees against every allied entry.
    for designee_id in ours.designees:
        for name in _distinct(ours.names[designee_id]):
            try:
                results = allied.index.search(name, threshold=NAME_PENDING, limit=10)
            except ValueError:
                continue  # a name the matcher cannot read (no letters)
            for result in results:
                keep(designee_id, result.designee_id, result.score, name, result.matched_name)
    # 2. The allied human-rights and anti-corruption entries against the whole US list, but those the first
    # screening already found under a US human-rights program with a name of NAME_LINK or more: the US rarely
    # lists one party twice, and the first screening's answer stands for them.
    found_first = {entry_id for (_, entry_id), (score, _, _) in scored.items() if score >= NAME_LINK}
    us_index = get_index()
    for entry_id in allied.themed - found_first:
        for name in _distinct(allied.names[entry_id]):
            try:
                results = us_index.search(name, threshold=NAME_PENDING, limit=10)
            except ValueError:
                continue
            for result in results:
                keep(result.designee_id, entry_id, result.score, result.matched_name, name)
    others = {designee_id for designee_id, _ in scored} - screened
    if others:
        extra = _Ours(others)
        for attribute in ("designees", "names", "births", "countries", "identifiers"):
            getattr(ours, attribute).update(getattr(extra, attribute))
    # How many close names each side has: within one list, and across the US designees.
    per_list: dict[tuple[int, str], int] = defaultdict(int)
    per_entry: dict[int, int] = defaultdict(int)
    for (designee_id, entry_id), (score, _, _) in scored.items():
        if score >= NAME_LINK:
            per_list[(designee_id, allied.lists[entry_id])] += 1
            per_entry[entry_id] += 1
    found: dict[tuple[int, int], dict] = {}
    for (designee_id, entry_id), (score, our_name, their_name) in scored.items():
        birth = compare_birth_dates(ours.births.get(designee_id, []), allied.births[entry_id])
        countries = compare_countries(ours.countries.get(designee_id, set()), allied.countries[entry_id])
        identifier = bool(ours.identifiers.get(designee_id, set()) & allied.identifiers[entry_id])
        unique = per_list[(designee_id, allied.lists[entry_id])] == 1 and per_entry[entry_id] == 1
        decision = decide(
            ours.designees[designee_id], allied.kinds[entry_id], score, birth, countries, identifier, unique=unique
        )
        if decision is None:
            continue
        state, rule = decision
        if state == PartyLink.State.PENDING and designee_id not in screened and score < NAME_LINK:
            # Outside the US human-rights programs only close names are worth an editor's time: a short
            # allied name scores 0.8 against many unrelated US names.
            continue
        found[(designee_id, entry_id)] = {
            "state": state,
            "score": round(score, 4),
            "features": {
                "name": round(score, 4),
                "name_ours": our_name,
                "name_theirs": their_name,
                "birth_date": birth,
                "countries": countries,
                "identifier": "agrees" if identifier else "none shared",
                "unique_name": unique,
                "rule": rule,
            },
        }
    return found


@transaction.atomic
def resolve_links() -> dict[str, int | float]:
    """Bring the resolver's links up to date; editors' decisions stand. Returns the figures of the run.

    It runs in full every time (``bench/allies_bench.py``), so a change on the US side is seen too.
    """
    started = time.perf_counter()
    found = candidate_links()
    decided = set(PartyLink.objects.filter(state__in=PartyLink.EDITOR_STATES).values_list("designee_id", "entry_id"))
    current = {
        (link.designee_id, link.entry_id): link for link in PartyLink.objects.exclude(state__in=PartyLink.EDITOR_STATES)
    }
    now = timezone.now()
    new, changed = [], []
    for key, values in found.items():
        if key in decided:
            continue
        link = current.pop(key, None)
        if link is None:
            new.append(PartyLink(designee_id=key[0], entry_id=key[1], **values))
        elif (link.state, link.score, link.features) != (values["state"], values["score"], values["features"]):
            link.state, link.score, link.features = values["state"], values["score"], values["features"]
            link.updated_at = now
            changed.append(link)
    PartyLink.objects.bulk_create(new, batch_size=1000)
    PartyLink.objects.bulk_update(changed, ["state", "score", "features", "updated_at"], batch_size=1000)
    PartyLink.objects.filter(pk__in=[link.pk for link in current.values()]).delete()
    states = defaultdict(int)
    for values in found.values():
        states[values["state"]] += 1
    return {
        "linked": states[PartyLink.State.LINKED],
        "pending": states[PartyLink.State.PENDING],
        "created": len(new),
        "changed": len(changed),
        "dropped": len(current),
        "seconds": round(time.perf_counter() - started, 2),
    }
