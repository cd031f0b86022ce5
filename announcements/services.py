"""Recording announcements and tying the people they name to designees.

``announcement_record`` stores one parsed page: its ``SourceDocument``, the ``Announcement``, a new
``AnnouncementVersion`` when the bytes changed, and its ``Mention`` rows. ``mention_resolve`` then
decides each mention:

1. **Candidates**, strongest evidence first: an identifier of the entry (passport, national ID...)
   held by exactly one designee; the designee of another mention of the same page whose short form
   the mention's name is ("Rakipi" for "Aqif Rakipi"); a designee an earlier announcement created for
   the same name; a designee whose name or an alias is the mention's name exactly; then the name
   screening matcher (``designations.matching``, the one ``/api/match/`` uses) on the name and every
   variant the text gives ("Kareau (Karaeu)"), without the short form in brackets and with company
   forms written both ways ("A71 Limited Liability Company", "A71 LLC"). A relative designated with
   an official is never linked to the official.
2. **Decision** (``choose``). A candidate designated under what the announcement concerns (its
   program, or an authority it cites) on a date the announcement's day fits is *in context*; when it
   is the only one in context scoring at least ``CONTEXT_LINK_SCORE`` it is linked, even when another
   designee's name scores higher (the release's program and date say more than a few letters).
   Otherwise the best candidate is linked when it scores at least ``AUTO_LINK_SCORE`` and no other
   designee comes within ``AUTO_LINK_MARGIN`` of it (when several do, the one designated under what
   the announcement concerns wins if it is the only one). Two equal candidates under the same program
   are never linked automatically. Nothing above the matcher's threshold: a notice entry in list
   format, or a 7031(c) or section 353 designation, becomes a designee of its own (``created``; a
   relative with a "family member of" link to the official); anything else waits for an editor
   (``review``). A name the parser was not sure designates anyone (``mentioned``) is linked only when
   in context, and is otherwise left to an editor when the list has candidates for it.
3. **Effects** (``_apply``), idempotent: a listing dates the designation to the announcement's day
   (a notice beats a snapshot bracket; dates an editor locked stay), a delisting ends it on that day,
   an amendment records an event, and a reason or legal basis the text gives is stored on the
   designation with the announcement as its source.

Editors decide what waits with ``mention_accept`` (the proposed designee or another one),
``mention_create_designee`` and ``mention_reject``. ``reconciliation`` compares what was announced
with what the lists say.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from announcements.models import Announcement, AnnouncementVersion, Mention
from announcements.parsers import ParsedAnnouncement, ParsedEntry
from designations.countries import CountryResolver
from designations.models import (
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    Identifier,
    Relationship,
    SourceDocument,
)
from importers.records import CountryRoleRecord, DesigneeRecord, RelationshipRecord
from importers.upsert import UpsertResult
from importers.writers import WriteRequest
from programs.models import Agency, Program

logger = logging.getLogger(__name__)

AUTO_LINK_SCORE = 0.9
AUTO_LINK_MARGIN = 0.05
CONTEXT_LINK_SCORE = 0.85
CANDIDATE_LIMIT = 5
VISA_PROGRAM = "7031C"
ANNOUNCEMENT_SOURCES = ("ofac-recent-actions", "treasury-press", "state-press")
# Announcement sources whose entries are authoritative enough to create a designee and its designation.
LIST_ENTRY_SOURCES = ("ofac-recent-actions",)
_AGENCY = {"ofac": Agency.OFAC, "treasury": Agency.OFAC, "state": Agency.STATE}
_DATE_RANK = {
    DatePrecision.ON_OR_BEFORE: 1,
    DatePrecision.RANGE: 2,
    DatePrecision.YEAR: 3,
    DatePrecision.MONTH: 4,
    DatePrecision.DAY: 5,
}


class MentionDecisionError(Exception):
    """An editor's decision cannot be applied (wrong state, no designee to accept)."""


# --------------------------------------------------------------------------------------------------
# Recording pages
# --------------------------------------------------------------------------------------------------
@dataclass
class RecordOutcome:
    announcement: Announcement
    status: str  # created | updated | unchanged
    mentions: list[Mention]  # new or changed mentions, to resolve


def mention_key(action: str, name: str, raw: str) -> str:
    """A mention's identity within its announcement: action, name and text, whitespace folded.

    The name is part of it because one sentence of a press release can name several people.
    """
    text = " ".join(raw.split())
    return hashlib.sha256(f"{action}\0{' '.join(name.split())}\0{text}".encode()).hexdigest()


def _record_json(record: DesigneeRecord | None) -> dict:
    """The record as JSON values: dates as ISO strings (``_record_from_json`` reads them back)."""
    if record is None:
        return {}
    return json.loads(json.dumps(dataclasses.asdict(record), cls=DjangoJSONEncoder))


def _mention_fields(entry: ParsedEntry, order: int) -> dict:
    return {
        "order": order,
        "action": entry.action,
        "name": entry.name[:500],
        "raw": entry.raw,
        "kind": entry.kind,
        "programs": list(entry.programs),
        "name_variants": list(entry.name_variants),
        "country": entry.country[:100],
        "position": entry.position[:500],
        "reason": entry.reason,
        "legal_basis": entry.legal_basis[:500],
        "family_covered": entry.family_covered,
        "family_members": list(entry.family_members),
        "section": entry.section[:500],
        "record": _record_json(entry.record),
        "error": entry.error,
        "in_current_version": True,
    }


@transaction.atomic
def announcement_record(
    *,
    parsed: ParsedAnnouncement,
    content_sha256: str,
    raw_file: str = "",
    import_run=None,
    reconstructed: bool = False,
) -> RecordOutcome:
    """Store one parsed page; a page already recorded with the same bytes changes nothing (but for being
    flagged ``reconstructed``, which a page recorded before the flag existed may lack).

    ``reconstructed``: the page was written from reports of the release, not saved from the publisher.

    A page whose bytes changed at the same URL gets a new version; its mentions are brought in line:
    kept ones keep their link, new ones are returned for resolving, and ones the new version dropped
    stay (with their decisions) but are marked ``in_current_version=False``.
    """
    document, _ = SourceDocument.objects.get_or_create(
        source=parsed.source,
        source_uid=parsed.url,
        defaults={
            "kind": parsed.kind,
            "agency": _AGENCY.get(parsed.agency, Agency.OFAC),
            "url": parsed.url,
            "title": parsed.title[:500],
            "published_on": parsed.published_on,
            "content_sha256": content_sha256,
        },
    )
    announcement, created = Announcement.objects.get_or_create(
        source=parsed.source, url=parsed.url, defaults={"document": document, "import_run": import_run}
    )
    if not created and announcement.versions.filter(content_sha256=content_sha256).exists():
        if reconstructed and not announcement.reconstructed:
            announcement.reconstructed = True
            announcement.save(update_fields=["reconstructed", "updated_at"])
        return RecordOutcome(announcement, "unchanged", [])

    document.kind = parsed.kind
    document.title = parsed.title[:500]
    document.published_on = parsed.published_on
    document.content_sha256 = content_sha256
    document.save()
    announcement.number = parsed.number[:50]
    announcement.summary = parsed.summary
    announcement.authorities = list(parsed.authorities)
    announcement.programs = list(parsed.programs)
    announcement.sections = list(parsed.sections)
    announcement.warnings = list(parsed.warnings)
    announcement.reconstructed = reconstructed
    announcement.import_run = import_run
    announcement.save()
    AnnouncementVersion.objects.create(
        announcement=announcement,
        content_sha256=content_sha256,
        raw_file=raw_file,
        title=parsed.title[:500],
        published_on=parsed.published_on,
        text=parsed.text,
        import_run=import_run,
    )

    existing = {m.key: m for m in announcement.mentions.all()}
    seen: set[str] = set()
    to_resolve: list[Mention] = []
    for order, entry in enumerate(parsed.entries):
        key = mention_key(entry.action, entry.name, entry.raw)
        if key in seen:
            continue  # the same line twice on one page is one mention
        seen.add(key)
        fields = _mention_fields(entry, order)
        mention = existing.get(key)
        if mention is None:
            mention = Mention.objects.create(announcement=announcement, key=key, **fields)
            to_resolve.append(mention)
        else:
            for name, value in fields.items():
                setattr(mention, name, value)
            mention.save()
            if mention.status in Mention.OPEN_STATUSES:
                to_resolve.append(mention)
    announcement.mentions.exclude(key__in=seen).update(in_current_version=False, updated_at=timezone.now())
    return RecordOutcome(announcement, "created" if created else "updated", to_resolve)


def reconstructed_announcement_documents(ids: list[int]) -> set[int]:
    """The source documents among ``ids`` whose announcement page is a reconstruction (one query)."""
    rows = Announcement.objects.filter(document_id__in=ids, reconstructed=True).values_list("document_id", flat=True)
    return set(rows)


def announcement_pages_write(request: WriteRequest) -> UpsertResult:
    """Write the pages an announcement source parsed (its ``PageRecord``s), in one import run.

    The writer the app registers for ``PageRecord`` (``importers.writers``): each page is recorded
    (``announcement_record``) in the order the adapter gives them, oldest first, so a delisting notice
    comes after its listing, and the mentions it brought are resolved (``mention_resolve``) against a
    name index that stays as it was when the run began.
    """
    from designations.matching import index_frozen

    result = UpsertResult(records=len(request.records))
    statuses: Counter = Counter()
    with index_frozen():
        for page in request.records:
            outcome = announcement_record(
                parsed=page.parsed,
                content_sha256=page.sha256,
                raw_file=request.kept_files.get(page.name, ""),
                import_run=request.run,
                reconstructed=page.reconstructed,
            )
            setattr(result, outcome.status, getattr(result, outcome.status) + 1)
            for mention in outcome.mentions:
                mention_resolve(mention, import_run=request.run)
                statuses[mention.status] += 1
    result.stats = {"mentions": dict(statuses)}
    if statuses.get("review"):
        result.warnings.append(f"{statuses['review']} mentions wait for an editor in the review queue")
    if statuses.get("unparsed"):
        result.warnings.append(f"{statuses['unparsed']} entries could not be parsed; kept for review")
    return result


# --------------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------------
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


def _names_of(mention: Mention) -> list[str]:
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

    names = _names_of(mention)
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


def _program_codes(mention: Mention) -> list[str]:
    """The programs a mention speaks of: its own (a section 353 listing: ``SECTION-353``), a State visa
    designation's 7031(c) program, or the announcement's list tags."""
    if mention.action == Mention.Action.VISA_DESIGNATION:
        return list(mention.programs or [VISA_PROGRAM])
    return list(dict.fromkeys(mention.programs or mention.announcement.programs or []))


def _context_rows(mention: Mention, designee_ids: list[int]) -> list[tuple]:
    """Designations of ``designee_ids`` under what the announcement concerns: its OFAC tags (notices) or
    the legal bases it cites (press releases, statements), matched against each designation's program,
    its authority, and its program's authorities."""
    codes = _program_codes(mention)
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
        if day is None or _fits(on, precision, earliest, day)
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


# --------------------------------------------------------------------------------------------------
# Resolving and effects
# --------------------------------------------------------------------------------------------------
def _may_create(mention: Mention) -> bool:
    if mention.action == Mention.Action.VISA_DESIGNATION:
        return True
    return (
        mention.action == Mention.Action.LISTED
        and mention.announcement.source in LIST_ENTRY_SOURCES
        and bool(mention.record)
    )


def mention_resolve(mention: Mention, *, import_run=None) -> Mention:
    """Link ``mention`` automatically, create its designee, or leave it for review; then apply it."""
    if mention.error:
        mention.status = Mention.Status.UNPARSED
        mention.save(update_fields=["status", "updated_at"])
        return mention
    candidates = candidates_for(mention)
    mention.candidates = [c.as_json() for c in candidates]
    chosen = choose(mention, candidates)
    if chosen is not None:
        mention.status = Mention.Status.LINKED
        mention.designee_id = chosen.designee_id
        mention.score = chosen.score
        mention.save()
        _apply(mention, import_run=import_run)
    elif not candidates and _may_create(mention):
        _create_designee(mention, import_run=import_run)
    elif not candidates and mention.action == Mention.Action.MENTIONED:
        # Named without a designation the parser could read, and nobody on the list carries the name.
        mention.status = Mention.Status.REJECTED
        mention.designee = None
        mention.score = None
        mention.note = mention.note or "Named without a clear designation; no listed party carries the name."
        mention.save()
    else:
        mention.status = Mention.Status.REVIEW
        mention.designee = None
        mention.score = None
        mention.save()
    return mention


def _record_for(mention: Mention) -> DesigneeRecord:
    """The designee record a new designee is built from: the list entry, or the statement's facts."""
    document = mention.announcement.document
    codes = tuple(_program_codes(mention))
    key = entry_key(mention.name)
    if mention.record:
        base = _record_from_json(mention.record)
        return dataclasses.replace(
            base,
            source_uid=key,
            programs=base.programs or codes,
            listed_on=document.published_on,
            legal_basis=mention.legal_basis or base.legal_basis,
        )
    countries = (CountryRoleRecord(mention.country, "other"),) if mention.country else ()
    head = family_head(mention)
    relationships = ()
    if head is not None:
        to_name = head.designee.name if head.designee_id else head.name
        relationships = (RelationshipRecord(to_name=to_name, kind=Relationship.Kind.FAMILY),)
    return DesigneeRecord(
        source_uid=key,
        kind=mention.kind or "individual",
        name=mention.name,
        programs=codes,
        title=mention.position,
        countries=countries,
        relationships=relationships,
        listed_on=document.published_on,
        legal_basis=mention.legal_basis,
    )


def _record_from_json(data: dict) -> DesigneeRecord:
    from importers import records as r

    nested = {
        "aliases": r.AliasRecord,
        "identifiers": r.IdentifierRecord,
        "addresses": r.AddressRecord,
        "birth_dates": r.BirthDateRecord,
        "places_of_birth": r.PlaceOfBirthRecord,
        "countries": r.CountryRoleRecord,
        "relationships": r.RelationshipRecord,
    }
    values = {}
    for f in dataclasses.fields(DesigneeRecord):
        if f.name not in data:
            continue
        value = data[f.name]
        if f.name in nested:
            value = tuple(nested[f.name](**_dates(item)) for item in value)
        elif isinstance(value, list):
            value = tuple(value)
        elif f.name == "listed_on" and isinstance(value, str):
            value = datetime.date.fromisoformat(value)
        values[f.name] = value
    return DesigneeRecord(**values)


def _dates(item: dict) -> dict:
    return {
        k: datetime.date.fromisoformat(v) if isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else v
        for k, v in item.items()
    }


def _create_designee(mention: Mention, *, import_run=None, user: AbstractBaseUser | None = None) -> Mention:
    """Make a designee (and its designations) for a mention no tracked designee matches."""
    from importers.upsert import upsert_snapshot

    announcement = mention.announcement
    document = announcement.document
    record = _record_for(mention)
    if not record.programs:
        raise MentionDecisionError("The announcement names no program to designate this party under.")
    agency = Agency.STATE if mention.action == Mention.Action.VISA_DESIGNATION else document.agency
    upsert_snapshot(
        records=[record],
        list_source=announcement.source,
        complete=False,
        snapshot_date=document.published_on,
        source_document=document,
        import_run=import_run,
        agency=agency,
    )
    designee = Designee.objects.get(source=announcement.source, source_uid=record.source_uid)
    head = family_head(mention)
    if head is not None and head.designee_id:
        # The official may be a designee of another list (the list import resolves names within its own).
        Relationship.objects.filter(
            from_designee=designee, kind=Relationship.Kind.FAMILY, to_designee__isnull=True
        ).update(to_designee_id=head.designee_id)
    mention.status = Mention.Status.CREATED
    mention.designee = designee
    mention.score = None
    if user is not None:
        mention.decided_by = user
        mention.decided_at = timezone.now()
    mention.save()
    _apply(mention, import_run=import_run)
    return mention


def _programs(codes: list[str]) -> list[Program]:
    by_code = {p.code: p for p in Program.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def _authority_for(program: Program) -> int | None:
    """The authority a new designation under ``program`` is made under, as the list import picks it."""
    from importers.upsert import choose_authority

    return choose_authority(list(program.authorities.values_list("pk", "kind")))


def _designation_for(designee_id: int, program: Program, on: datetime.date) -> Designation | None:
    """The designee's designation under ``program`` an action on ``on`` concerns."""
    rows = list(Designation.objects.filter(designee_id=designee_id, program=program).order_by("-listed_on", "-pk"))
    for d in rows:
        started = d.listed_earliest if d.listed_precision == DatePrecision.RANGE else None
        if d.status == Designation.Status.ACTIVE or d.delisted_on is None or d.delisted_on >= on:
            if started is None or started <= on or d.listed_precision == DatePrecision.ON_OR_BEFORE:
                return d
    return rows[0] if rows else None


def _locked(d: Designation, *names: str) -> bool:
    locks = d.locked_fields or []
    return "*" in locks or "__all__" in locks or any(n in locks for n in names)


def _fits(on: datetime.date | None, precision: str, earliest: datetime.date | None, day: datetime.date) -> bool:
    """Whether an announcement's ``day`` can be the date a bracket (``on``, ``precision``) stands for."""
    if on is None or not precision:
        return True
    if precision == DatePrecision.DAY:
        return on == day
    if precision == DatePrecision.ON_OR_BEFORE:
        return day <= on
    if precision == DatePrecision.RANGE:
        return (earliest is None or earliest < day) and day <= on
    if precision == DatePrecision.MONTH:
        return (on.year, on.month) == (day.year, day.month)
    if precision == DatePrecision.YEAR:
        return on.year == day.year
    return False


def _event(d: Designation, kind: str, day: datetime.date, document: SourceDocument, import_run, **extra) -> None:
    """Point the designation's event of ``kind`` at the announcement's day, or record one."""
    events = d.events.filter(kind=kind).order_by("occurred_on", "pk")
    if events.filter(source_document=document).exists():
        events.filter(source_document=document).update(
            occurred_on=day, precision=DatePrecision.DAY, earliest=None, updated_at=timezone.now()
        )
        return
    if events.filter(occurred_on=day, precision=DatePrecision.DAY).exists():
        return  # already dated to this day by another announcement: one event, not two
    target = None
    for event in events:
        if event.precision != DatePrecision.DAY and _fits(event.occurred_on, event.precision, event.earliest, day):
            target = event
            break
    note = f"Dated by {document.get_kind_display().lower()}: {document.title}"[:1000]
    if target is not None:
        target.occurred_on, target.precision, target.earliest = day, DatePrecision.DAY, None
        target.source_document, target.note = document, note
        target.save()
    else:
        DesignationEvent.objects.create(
            designation=d,
            kind=kind,
            occurred_on=day,
            precision=DatePrecision.DAY,
            source_document=document,
            import_run=import_run,
            note=note,
            **extra,
        )


def _date_listing(d: Designation, day: datetime.date, document: SourceDocument, import_run) -> list[str]:
    warnings = []
    if _locked(d, "listed_on"):
        return [f"{d}: listing date locked by an editor; left at {d.listed_on}"]
    if d.listed_precision == DatePrecision.DAY and d.listed_on and d.listed_on != day:
        return [f"{d}: listed on {d.listed_on} by an earlier source; the announcement of {day} leaves it"]
    if _fits(d.listed_on, d.listed_precision, d.listed_earliest, day) or d.listed_on is None:
        if (d.listed_on, d.listed_precision, d.listed_earliest) != (day, DatePrecision.DAY, None):
            d.listed_on, d.listed_precision, d.listed_earliest = day, DatePrecision.DAY, None
            d.save()
        _event(d, DesignationEvent.Kind.LISTED, day, document, import_run)
    else:
        warnings.append(f"{d}: listed {d.listed_on} ({d.listed_precision}); the announcement of {day} does not fit")
    return warnings


def _date_delisting(d: Designation, day: datetime.date, document: SourceDocument, import_run) -> list[str]:
    if _locked(d, "status", "delisted_on"):
        return [f"{d}: status locked by an editor; the delisting of {day} was not applied"]
    if d.listed_on and d.listed_on > day:
        return [f"{d}: listed {d.listed_on}, after the delisting of {day}"]
    if d.status == Designation.Status.ACTIVE:
        d.status = Designation.Status.DELISTED
        d.delisted_on, d.delisted_precision, d.delisted_earliest = day, DatePrecision.DAY, None
        d.save()
    elif _fits(d.delisted_on, d.delisted_precision, d.delisted_earliest, day):
        if (d.delisted_on, d.delisted_precision) != (day, DatePrecision.DAY):
            d.delisted_on, d.delisted_precision, d.delisted_earliest = day, DatePrecision.DAY, None
            d.save()
    else:
        return [f"{d}: delisted {d.delisted_on}; the notice of {day} does not fit"]
    _event(d, DesignationEvent.Kind.DELISTED, day, document, import_run)
    return []


def _set_reason(d: Designation, mention: Mention, document: SourceDocument) -> None:
    """Store the reason and legal basis the text gives, unless locked or given by another source."""
    changed = False
    from_here = d.reason_source_id in (None, document.pk)
    if mention.reason and not _locked(d, "reason") and (not d.reason or d.reason_source_id == document.pk):
        if d.reason != mention.reason:
            d.reason, changed = mention.reason, True
    if mention.legal_basis and not _locked(d, "legal_basis") and (not d.legal_basis or from_here):
        if d.legal_basis != mention.legal_basis:
            d.legal_basis, changed = mention.legal_basis, True
    if changed:
        d.reason_source = document
        d.save()


def _amendment_changes(mention: Mention) -> dict:
    new = mention.record or {}
    old = {}
    if mention.raw and " -to- " in mention.raw:
        from announcements.parsers.entry import parse_entry_line, split_update

        try:
            old = _record_json(parse_entry_line(split_update(mention.raw)[0]))
        except ValueError:
            old = {}
    changes = {}
    for name in ("name", "title", "statements", "aliases", "identifiers", "addresses", "programs"):
        if old.get(name) != new.get(name):
            changes[name] = [old.get(name), new.get(name)]
    return changes


_EXECUTIVE_ORDER = re.compile(r"\bE\.?\s?O\.?\s*(\d{5})\b")


def authority_codes(texts) -> set[str]:
    """Authority codes of the legal bases an announcement cites ("E.O. 13405" -> "eo-13405", names too)."""
    from programs.models import Authority

    codes, names = set(), []
    for text in texts:
        orders = _EXECUTIVE_ORDER.findall(text or "")
        codes.update(f"eo-{number}" for number in orders)
        if not orders and text:
            names.append(text.strip())
    if names:
        codes.update(
            Authority.objects.filter(Q(short_name__in=names) | Q(name__in=names) | Q(code__in=names)).values_list(
                "code", flat=True
            )
        )
    return codes


def _designations_cited(mention: Mention, day: datetime.date) -> list[Designation]:
    """The designee's designations an announcement without list tags speaks of.

    Those made under an authority the mention or the announcement cites (directly or through the
    program's authorities); failing that, the single designation whose listing date the announcement's
    day fits. Several fitting designations and no citation: none (nothing is guessed).
    """
    rows = list(Designation.objects.filter(designee_id=mention.designee_id).select_related("authority", "program"))
    codes = authority_codes([mention.legal_basis, *mention.announcement.authorities])
    if codes:
        program_codes = {
            d.pk: set(d.program.authorities.values_list("code", flat=True)) for d in rows if d.authority_id is None
        }
        cited = [
            d
            for d in rows
            if (d.authority is not None and d.authority.code in codes) or program_codes.get(d.pk, set()) & codes
        ]
        if cited:
            return cited
    fitting = [d for d in rows if _fits(d.listed_on, d.listed_precision, d.listed_earliest, day)]
    return fitting if len(fitting) == 1 else []


def _apply(mention: Mention, *, import_run=None) -> list[str]:
    """Apply what the announcement says to the linked designee's designations; return warnings."""
    announcement = mention.announcement
    document = announcement.document
    day = document.published_on
    warnings: list[str] = []
    if mention.designee_id is None or day is None:
        return warnings
    programs = _programs(_program_codes(mention))
    touched: list[Designation] = []
    action = mention.action
    if action == Mention.Action.LISTED and not programs:
        # A press release or statement cites legal bases, not list tags: date and explain the
        # designee's designations under what it cites, or the one its date fits.
        for d in _designations_cited(mention, day):
            warnings += _date_listing(d, day, document, import_run)
            _set_reason(d, mention, document)
            touched.append(d)
    elif action in (Mention.Action.LISTED, Mention.Action.VISA_DESIGNATION):
        for program in programs:
            d = _designation_for(mention.designee_id, program, day)
            if d is None and (_may_create(mention) or mention.status == Mention.Status.CREATED):
                d = Designation.objects.create(
                    designee_id=mention.designee_id,
                    program=program,
                    authority_id=_authority_for(program),
                    agency=Agency.STATE if action == Mention.Action.VISA_DESIGNATION else document.agency,
                    listed_on=day,
                    listed_precision=DatePrecision.DAY,
                    source=announcement.source,
                )
            if d is None:
                continue
            warnings += _date_listing(d, day, document, import_run)
            _set_reason(d, mention, document)
            touched.append(d)
    elif action == Mention.Action.DELISTED:
        candidates = (
            [_designation_for(mention.designee_id, p, day) for p in programs]
            if programs
            else list(Designation.objects.filter(designee_id=mention.designee_id, status=Designation.Status.ACTIVE))
        )
        for d in filter(None, candidates):
            warnings += _date_delisting(d, day, document, import_run)
            touched.append(d)
    elif action == Mention.Action.AMENDED:
        for program in programs:
            d = _designation_for(mention.designee_id, program, day)
            if d is not None:
                if not d.events.filter(kind=DesignationEvent.Kind.AMENDED, source_document=document).exists():
                    DesignationEvent.objects.create(
                        designation=d,
                        kind=DesignationEvent.Kind.AMENDED,
                        occurred_on=day,
                        precision=DatePrecision.DAY,
                        source_document=document,
                        import_run=import_run,
                        changes=_amendment_changes(mention),
                        note=f"Entry updated by notice: {document.title}"[:1000],
                    )
                touched.append(d)
    if touched and mention.designation_id != touched[0].pk:
        mention.designation = touched[0]
        mention.save(update_fields=["designation", "updated_at"])
    for warning in warnings:
        logger.info("announcement %s: %s", announcement.pk, warning)
    return warnings


# --------------------------------------------------------------------------------------------------
# Editors' decisions
# --------------------------------------------------------------------------------------------------
def _check_open(mention: Mention) -> None:
    if mention.status not in (*Mention.OPEN_STATUSES, Mention.Status.LINKED):
        raise MentionDecisionError(f"This mention is already decided ({mention.get_status_display().lower()}).")


@transaction.atomic
def mention_accept(
    *, mention: Mention, user: AbstractBaseUser | None, designee: Designee | None = None, note: str = ""
) -> Mention:
    """Link the mention to ``designee`` (default: the best candidate) and apply it."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    if mention.status == Mention.Status.UNPARSED and designee is None:
        raise MentionDecisionError("The entry text was not parsed: pick the designee it names.")
    if designee is None:
        if not mention.candidates:
            raise MentionDecisionError("No candidate was proposed: pick a designee or create one.")
        designee = Designee.objects.get(pk=mention.candidates[0]["designee"])
    mention.designee = designee
    mention.status = Mention.Status.ACCEPTED
    mention.score = next((c["score"] for c in mention.candidates if c["designee"] == designee.pk), None)
    mention.decided_by = user
    mention.decided_at = timezone.now()
    mention.note = note or mention.note
    mention.save()
    _apply(mention)
    return mention


@transaction.atomic
def mention_create_designee(*, mention: Mention, user: AbstractBaseUser | None, note: str = "") -> Mention:
    """Make a new designee for the mention (an editor found it names nobody the tracker holds)."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    if not mention.name:
        raise MentionDecisionError("The mention has no name to create a designee from.")
    mention.note = note or mention.note
    return _create_designee(mention, user=user)


@transaction.atomic
def mention_reject(*, mention: Mention, user: AbstractBaseUser | None, note: str = "") -> Mention:
    """Record that the mention names no designee the tracker should link (the link, if any, is removed)."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    mention.status = Mention.Status.REJECTED
    mention.designee = None
    mention.designation = None
    mention.decided_by = user
    mention.decided_at = timezone.now()
    mention.note = note or mention.note
    mention.save()
    return mention


def review_queue() -> QuerySet[Mention]:
    """Mentions waiting for an editor, in the current version of their announcement."""
    return Mention.objects.filter(status__in=Mention.OPEN_STATUSES, in_current_version=True)


# --------------------------------------------------------------------------------------------------
# Reconciliation
# --------------------------------------------------------------------------------------------------
def _announced(kind: str) -> Exists:
    return Exists(
        DesignationEvent.objects.filter(
            designation=OuterRef("pk"), kind=kind, source_document__announcement__isnull=False
        )
    )


def reconciliation(*, program: str | None = None) -> dict[str, QuerySet]:
    """What the announcements and the lists disagree on.

    * ``announced_not_listed``: designations only announcements vouch for (no list import holds
      them), and listings announced whose party no designee matched yet (mentions in review).
    * ``listed_not_announced``: designations on a list with no announcement dating their listing.
    * ``delisted_without_notice``: delistings no announcement records.
    """
    designations = Designation.objects.select_related("designee", "program")
    if program:
        designations = designations.filter(program__code=program)
    announced_only = designations.filter(source__in=ANNOUNCEMENT_SOURCES)
    unmatched = review_queue().filter(action__in=[Mention.Action.LISTED, Mention.Action.VISA_DESIGNATION])
    if program:
        quoted = f'"{program}"'
        unmatched = unmatched.filter(Q(programs__icontains=quoted) | Q(announcement__programs__icontains=quoted))
    on_lists = designations.exclude(source__in=ANNOUNCEMENT_SOURCES)
    return {
        "announced_not_listed": announced_only.order_by("-listed_on", "pk"),
        "announced_unmatched": unmatched.select_related("announcement__document").order_by("pk"),
        "listed_not_announced": on_lists.filter(~_announced(DesignationEvent.Kind.LISTED)).order_by("-listed_on", "pk"),
        "delisted_without_notice": designations.filter(status=Designation.Status.DELISTED)
        .filter(~_announced(DesignationEvent.Kind.DELISTED))
        .order_by("-delisted_on", "pk"),
    }
