"""Resolving a mention and what it does to the designations: dates, delistings, amendments, reasons."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from announcements.models import Mention
from announcements.services.common import (
    LIST_ENTRY_SOURCES,
    MentionDecisionError,
    authority_codes,
    date_fits,
    record_json,
)
from announcements.services.linking import candidates_for, choose, entry_key, family_head, program_codes
from designations.models import (
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    Relationship,
    SourceDocument,
)
from importers.records import CountryRoleRecord, DesigneeRecord, RelationshipRecord
from programs.models import Agency, Program

logger = logging.getLogger("announcements.services")


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
        apply_mention(mention, import_run=import_run)
    elif not candidates and _may_create(mention):
        create_designee(mention, import_run=import_run)
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
    codes = tuple(program_codes(mention))
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


def create_designee(mention: Mention, *, import_run=None, user: AbstractBaseUser | None = None) -> Mention:
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
    apply_mention(mention, import_run=import_run)
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
        if event.precision != DatePrecision.DAY and date_fits(event.occurred_on, event.precision, event.earliest, day):
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
    if date_fits(d.listed_on, d.listed_precision, d.listed_earliest, day) or d.listed_on is None:
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
    elif date_fits(d.delisted_on, d.delisted_precision, d.delisted_earliest, day):
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
            old = record_json(parse_entry_line(split_update(mention.raw)[0]))
        except ValueError:
            old = {}
    changes = {}
    for name in ("name", "title", "statements", "aliases", "identifiers", "addresses", "programs"):
        if old.get(name) != new.get(name):
            changes[name] = [old.get(name), new.get(name)]
    return changes


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
    fitting = [d for d in rows if date_fits(d.listed_on, d.listed_precision, d.listed_earliest, day)]
    return fitting if len(fitting) == 1 else []


def apply_mention(mention: Mention, *, import_run=None) -> list[str]:
    """Apply what the announcement says to the linked designee's designations; return warnings."""
    announcement = mention.announcement
    document = announcement.document
    day = document.published_on
    warnings: list[str] = []
    if mention.designee_id is None or day is None:
        return warnings
    programs = _programs(program_codes(mention))
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
