"""Candidates for a mention, strongest evidence first, and the decision between them (``choose``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Q

from announcements.models import Mention
from announcements.services.common import (
    ANNOUNCEMENT_SOURCES,
    AUTO_LINK_MARGIN,
    AUTO_LINK_SCORE,
    CANDIDATE_LIMIT,
    CONTEXT_LINK_SCORE,
    LIST_ENTRY_SOURCES,
    VISA_PROGRAM,
    authority_codes,
    date_fits,
)
from designations.countries import CountryResolver
from designations.models import (
    Designation,
    Designee,
    Identifier,
)


@dataclass(frozen=True)
class Candidate:
    designee_id: int
    name: str
    score: float
    matched_name: str
    via: str  # identifier | announcement | exact name | matcher

    def as_json(self) -> dict:
        return {
            "designee": self.designee_id,
            "name": self.name,
            "score": round(self.score, 4),
            "matched_name": self.matched_name,
            "via": self.via,
        }


def entry_key(name: str) -> str:
    """The key of a designee an announcement created: its name, upper-cased, spacing folded."""
    return " ".join(re.sub(r"[^\w,.'\- ]+", " ", name.upper()).split())[:100]


def _root(designee_id: int, merged: dict[int, int]) -> int:
    seen = set()
    while designee_id in merged and designee_id not in seen:
        seen.add(designee_id)
        designee_id = merged[designee_id]
    return designee_id


def _identifier_candidates(mention: Mention) -> list[Candidate]:
    values = [i.get("value", "") for i in mention.record.get("identifiers", []) if i.get("value")]
    if not values:
        return []
    rows = list(
        Identifier.objects.filter(value__in=values)
        .exclude(kind__icontains="email")
        .exclude(kind__icontains="website")
        .values_list("designee_id", "designee__name", "value")
    )
    ids = {row[0] for row in rows}
    return [Candidate(pk, name, 1.0, value, "identifier") for pk, name, value in rows if len(ids) == 1][:1]


# Company forms written out and abbreviated: the list writes "LLC" where a release writes "Limited
# Liability Company", and the other way round.
_COMPANY_FORMS = (
    ("Limited Liability Company", "LLC"),
    ("Joint Stock Company", "JSC"),
    ("Public Joint Stock Company", "PJSC"),
    ("Open Joint Stock Company", "OJSC"),
    ("Closed Joint Stock Company", "CJSC"),
    ("Company Limited", "Co., Ltd."),
    ("Limited", "Ltd"),
    ("Corporation", "Corp"),
    ("Incorporated", "Inc"),
)


def names_of(mention: Mention) -> list[str]:
    """The spellings to look the mention up by: its name without the short form or nickname the text
    put beside it ("Aqif Rakipi (Rakipi)" -> "Aqif Rakipi"), its variants and aliases, and each with
    its company form written the other way."""
    names = [mention.name, *mention.name_variants]
    for alias in mention.record.get("aliases", []):
        if alias.get("name"):
            names.append(alias["name"])
    cleaned = []
    for name in names:
        name = _without_short_form(name or "")
        cleaned.append(name)
        for long, short in _COMPANY_FORMS:
            pattern = re.compile(rf"\b{re.escape(long)}\b", re.IGNORECASE)
            if pattern.search(name):
                cleaned.append(" ".join(pattern.sub(short, name).split()))
                break
            if re.search(rf"(?<!\w){re.escape(short)}(?!\w)", name, re.IGNORECASE):
                cleaned.append(re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", long, name, flags=re.IGNORECASE))
                break
    short_forms = {entry_key(n) for n in mention.name_variants if len(n.split()) == 1 and n in mention.name}
    return [n for n in dict.fromkeys(n.strip() for n in cleaned if n and n.strip()) if entry_key(n) not in short_forms]


def _without_short_form(name: str) -> str:
    """A name without the short form or nickname the text put beside it: "Aqif Rakipi (Rakipi)"."""
    return " ".join(re.sub(r'\s*\([^()]*\)\s*$|\s*"[^"]*"\s*(?=\S)', " ", name).split())


def family_head(mention: Mention) -> Mention | None:
    """The official a relative was designated with: the mention of the same page listing this name
    among its ``family_members``."""
    if mention.action != Mention.Action.VISA_DESIGNATION:
        return None
    heads = [
        other
        for other in mention.announcement.mentions.filter(
            action=Mention.Action.VISA_DESIGNATION, in_current_version=True
        )
        if other.pk != mention.pk and mention.name in (other.family_members or [])
    ]
    return heads[0] if len(heads) == 1 else None


def _short_form_candidates(mention: Mention) -> list[Candidate]:
    """The designee of the one other mention of the page whose short form this mention's name is."""
    words = mention.name.split()
    if not 1 <= len(words) <= 2 or mention.record:
        return []
    folded = [w.casefold() for w in words]
    owners = []
    for other in mention.announcement.mentions.exclude(pk=mention.pk).filter(in_current_version=True):
        full = _without_short_form(other.name).split()
        short = re.search(r"\(([^()]*)\)\s*$", other.name)
        if len(full) > len(words) and (
            [w.casefold() for w in full[-len(words) :]] == folded
            or mention.name in (other.name_variants or [])
            or (short is not None and short.group(1).strip(' "').casefold() == mention.name.casefold())
        ):
            owners.append(other)
    if len(owners) != 1 or owners[0].designee_id is None:
        return []
    owner = owners[0]
    return [Candidate(owner.designee_id, owner.designee.name, 1.0, owner.name, "short form")]


def _country_code(text: str) -> str | None:
    if not text:
        return None
    return CountryResolver.from_db().resolve(text)


def candidates_for(mention: Mention) -> list[Candidate]:
    """Designees the mention may name, best first (see the module docstring for the order)."""
    from designations.matching import match_many

    found = _identifier_candidates(mention) or _short_form_candidates(mention)
    if found:
        return found
    head = family_head(mention)
    excluded = {head.designee_id} if head is not None and head.designee_id else set()
    source = mention.announcement.source
    own = Designee.objects.filter(
        source__in=ANNOUNCEMENT_SOURCES, source_uid=entry_key(mention.name), merged_into__isnull=True
    )
    if source in LIST_ENTRY_SOURCES or mention.action == Mention.Action.VISA_DESIGNATION:
        own = own.filter(source=source)
    found = [Candidate(d.pk, d.name, 1.0, d.name, "announcement") for d in own[:2] if d.pk not in excluded]
    if len(found) == 1:
        return found

    names = names_of(mention)
    exact = {
        pk: name
        for pk, name in Designee.objects.filter(
            Q(name__in=names) | Q(aliases__name__in=names) | Q(name__iexact=mention.name)
        ).values_list("pk", "name")
    }
    merged = dict(Designee.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into_id"))
    scores: dict[int, Candidate] = {}
    for pk, name in exact.items():
        root = _root(pk, merged)
        scores[root] = Candidate(root, name, 1.0, name, "exact name")
    if len(scores) == 1 and mention.record:
        return list(scores.values())  # a list entry spelled as exactly one designee's name or alias
    kind = mention.kind or None
    country = _country_code(mention.country)
    queries = [{"name": n, "kind": kind, "country": country} for n in names if len(n) >= 3]
    for results in match_many(queries, limit=CANDIDATE_LIMIT) if queries else []:
        for result in results:
            root = _root(result.designee_id, merged)
            known = scores.get(root)
            if known is None or result.score > known.score:
                scores[root] = Candidate(root, result.name, result.score, result.matched_name, "matcher")
    ranked = sorted(
        (c for c in scores.values() if c.designee_id not in excluded), key=lambda c: (-c.score, c.designee_id)
    )
    return ranked[:CANDIDATE_LIMIT]


def program_codes(mention: Mention) -> list[str]:
    """The programs a mention speaks of: its own (a section 353 listing: ``SECTION-353``), a State visa
    designation's 7031(c) program, or the announcement's list tags."""
    if mention.action == Mention.Action.VISA_DESIGNATION:
        return list(mention.programs or [VISA_PROGRAM])
    return list(dict.fromkeys(mention.programs or mention.announcement.programs or []))


def _context_rows(mention: Mention, designee_ids: list[int]) -> list[tuple]:
    """Designations of ``designee_ids`` under what the announcement concerns: its OFAC tags (notices) or
    the legal bases it cites (press releases, statements), matched against each designation's program,
    its authority, and its program's authorities."""
    codes = program_codes(mention)
    cited = authority_codes([mention.legal_basis, *mention.announcement.authorities])
    if not codes and not cited:
        return []
    condition = Q(program__code__in=codes) if codes else Q(pk__in=[])
    if cited:
        condition |= Q(authority__code__in=cited) | Q(program__authorities__code__in=cited)
    return list(
        Designation.objects.filter(condition, designee_id__in=designee_ids)
        .values_list("designee_id", "listed_on", "listed_precision", "listed_earliest")
        .distinct()
    )


def in_context(mention: Mention, designee_ids: list[int]) -> set[int]:
    """The designees among ``designee_ids`` designated under what the announcement concerns."""
    return {row[0] for row in _context_rows(mention, designee_ids)}


def in_dated_context(mention: Mention, designee_ids: list[int]) -> set[int]:
    """Of those, the designees whose designation the announcement's day fits (a listing dated to that
    day, or a bracket holding it): the release's program and date together."""
    day = mention.announcement.document.published_on
    return {
        designee_id
        for designee_id, on, precision, earliest in _context_rows(mention, designee_ids)
        if day is None or date_fits(on, precision, earliest, day)
    }


def choose(mention: Mention, candidates: list[Candidate]) -> Candidate | None:
    """The candidate to link automatically, or None when an editor must decide.

    * An identifier, the owner of a short form on the same page, or a designee an earlier
      announcement created under this name: linked.
    * The context rule: the only candidate scoring at least ``CONTEXT_LINK_SCORE`` that is designated
      under what the announcement concerns on a date its day fits (``in_dated_context``) is linked,
      even over a higher-scoring designee outside that context (a release's "A71 Limited Liability
      Company" for the one company of its program and day, not another "... Limited Liability
      Company" of the list) - unless that other one carries the name exactly.
    * Otherwise the best candidate, when no other comes within ``AUTO_LINK_MARGIN`` of it, or when it
      is the only one of those designated under what the announcement concerns (``in_context``), and
      it scores at least ``AUTO_LINK_SCORE``; or at least ``CONTEXT_LINK_SCORE`` when it is in context
      and no other candidate in context comes near it (a press release's "Mohammed Alzahrani" for the
      list's "ALZAHRANI, Mohammed Saad H.", the one such GloMag designee).
    * A name the parser was not sure designates anyone (``mentioned``) is linked only in context.
    """
    if not candidates:
        return None
    top = candidates[0]
    if top.via in ("identifier", "announcement", "short form") and top.score >= 1.0:
        return top
    ids = [c.designee_id for c in candidates]
    dated = in_dated_context(mention, ids)
    strong = [c for c in candidates if c.designee_id in dated and c.score >= CONTEXT_LINK_SCORE]
    if len(strong) == 1:
        chosen = strong[0]
        exact_stranger = any(c.score >= 0.99 and c.designee_id not in dated for c in candidates)
        if not exact_stranger:
            return chosen
    if mention.action == Mention.Action.MENTIONED:
        return None
    near = [c for c in candidates if c.score >= top.score - AUTO_LINK_MARGIN]
    context = in_context(mention, ids)
    if len(near) > 1:
        near = [c for c in near if c.designee_id in context]
        if len(near) != 1:
            return None
    chosen = near[0]
    if chosen.score >= AUTO_LINK_SCORE:
        return chosen
    rivals = [c for c in candidates if c is not chosen and c.designee_id in context]
    if (
        chosen.score >= CONTEXT_LINK_SCORE
        and chosen.designee_id in context
        and all(c.score < chosen.score - AUTO_LINK_MARGIN for c in rivals)
    ):
        return chosen
    return None
