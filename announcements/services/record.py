"""Recording pages: an announcement's document, versions and mentions, and the writer the importers call."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from announcements.models import Announcement, AnnouncementVersion, Mention
from announcements.parsers import ParsedAnnouncement, ParsedEntry
from announcements.services.common import AGENCY_OF, record_json
from announcements.services.effects import mention_resolve
from designations.models import (
    SourceDocument,
)
from importers.upsert import UpsertResult
from importers.writers import WriteRequest
from programs.models import Agency


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
        "record": record_json(entry.record),
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
            "agency": AGENCY_OF.get(parsed.agency, Agency.OFAC),
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
