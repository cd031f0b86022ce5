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
3. **Effects** (``apply_mention``), idempotent: a listing dates the designation to the announcement's day
   (a notice beats a snapshot bracket; dates an editor locked stay), a delisting ends it on that day,
   an amendment records an event, and a reason or legal basis the text gives is stored on the
   designation with the announcement as its source.

Editors decide what waits with ``mention_accept`` (the proposed designee or another one),
``mention_create_designee`` and ``mention_reject``. ``reconciliation`` compares what was announced
with what the lists say.

The package: ``record`` (pages, versions, mentions; the importers' writer), ``linking`` (candidates and the
decision), ``effects`` (resolving a mention and its effects on designations), ``decisions`` (editors'),
``reconciliation``, and ``common`` (thresholds, source lists and helpers they share).
"""

from announcements.services.common import (
    ANNOUNCEMENT_SOURCES,
    AUTO_LINK_MARGIN,
    AUTO_LINK_SCORE,
    CONTEXT_LINK_SCORE,
    LIST_ENTRY_SOURCES,
    MentionDecisionError,
    authority_codes,
)
from announcements.services.decisions import mention_accept, mention_create_designee, mention_reject, review_queue
from announcements.services.effects import mention_resolve
from announcements.services.linking import Candidate, candidates_for, choose, entry_key, in_context, names_of
from announcements.services.reconciliation import reconciliation
from announcements.services.record import (
    RecordOutcome,
    announcement_pages_write,
    announcement_record,
    mention_key,
    reconstructed_announcement_documents,
)

__all__ = [
    "ANNOUNCEMENT_SOURCES",
    "AUTO_LINK_MARGIN",
    "AUTO_LINK_SCORE",
    "CONTEXT_LINK_SCORE",
    "LIST_ENTRY_SOURCES",
    "Candidate",
    "MentionDecisionError",
    "RecordOutcome",
    "announcement_pages_write",
    "announcement_record",
    "authority_codes",
    "candidates_for",
    "choose",
    "entry_key",
    "in_context",
    "mention_accept",
    "mention_create_designee",
    "mention_key",
    "mention_reject",
    "mention_resolve",
    "names_of",
    "reconciliation",
    "reconstructed_announcement_documents",
    "review_queue",
]
