"""The CSV columns of the authorities and programs API (``?format=csv``; their names are part of the API).

How exports are read, streamed and made safe for spreadsheets is ``tracker.csv``'s.
"""

from __future__ import annotations

from tracker.csv import CsvSpec, codes

AUTHORITY_CSV = CsvSpec(
    filename="authorities.csv",
    columns=(
        ("code", lambda a: a.code),
        ("kind", lambda a: a.kind),
        ("name", lambda a: a.name),
        ("short_name", lambda a: a.short_name),
        ("citation", lambda a: a.citation),
        ("issuer", lambda a: a.issuer),
        ("implements", lambda a: codes(a.implements)),
        ("signed_on", lambda a: a.signed_on),
        ("effective_on", lambda a: a.effective_on),
        ("status", lambda a: a.status),
        ("ended_on", lambda a: a.ended_on),
        ("ended_by", lambda a: a.ended_by.code if a.ended_by else None),
        ("is_human_rights", lambda a: a.is_human_rights),
        ("target_countries", lambda a: codes(a.target_countries)),
        ("official_url", lambda a: a.official_url),
        ("date_note", lambda a: a.date_note),
        ("summary", lambda a: a.summary),
    ),
    prepare=lambda queryset: queryset.select_related("ended_by").prefetch_related("implements", "target_countries"),
)

PROGRAM_CSV = CsvSpec(
    filename="programs.csv",
    columns=(
        ("code", lambda p: p.code),
        ("name", lambda p: p.name),
        ("agency", lambda p: p.agency),
        ("family", lambda p: p.family),
        ("status", lambda p: p.status),
        ("replaced_by", lambda p: p.replaced_by.code if p.replaced_by else None),
        ("authorities", lambda p: codes(p.authorities)),
        ("target_countries", lambda p: codes(p.target_countries)),
        ("is_human_rights", lambda p: p.is_human_rights),
        ("description", lambda p: p.description),
        ("first_seen_on", lambda p: p.first_seen_on),
        ("last_seen_on", lambda p: p.last_seen_on),
    ),
    prepare=lambda queryset: queryset.select_related("replaced_by").prefetch_related("authorities", "target_countries"),
)
