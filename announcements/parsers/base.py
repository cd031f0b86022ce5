"""What the announcement parsers produce."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from importers.records import DesigneeRecord
from importers.sources.base import SourceError


class AnnouncementParseError(SourceError):
    """The page cannot be read as an announcement of its kind (layout changed, wrong page, empty)."""


class Action:
    """What an announcement does to the person or entity it names."""

    LISTED = "listed"  # added to the SDN list / designated
    DELISTED = "delisted"  # removed from the SDN list
    AMENDED = "amended"  # an SDN entry changed (``OLD -to- NEW``)
    VISA_DESIGNATION = "visa_designation"  # State section 7031(c) public designation
    IDENTIFIED = "identified"  # named in a report (Hong Kong Autonomy Act section 5(a))
    MENTIONED = "mentioned"  # named in running text without a clear action

    ALL = (LISTED, DELISTED, AMENDED, VISA_DESIGNATION, IDENTIFIED, MENTIONED)


@dataclass(slots=True)
class ParsedEntry:
    """One person, entity, vessel or aircraft an announcement names, and what it does to them.

    ``raw`` is the text the entry was read from, verbatim (an entry line, a bullet, a sentence).
    ``programs`` overrides the announcement's for this entry (a section 353 listing: ``SECTION-353``).
    ``record`` is set for entries in OFAC's list format (Recent Actions), parsed with the SDN remarks
    grammar; for updates ``old_record`` is the entry before the change. ``error`` is non-empty when the
    entry could not be parsed: such entries are kept (and flagged) rather than dropped.
    """

    action: str
    name: str
    raw: str
    kind: str = ""  # individual | entity | vessel | aircraft | "" (unknown)
    record: DesigneeRecord | None = None
    old_record: DesigneeRecord | None = None
    programs: tuple[str, ...] = ()  # OFAC tags as published, where given
    name_variants: tuple[str, ...] = ()  # other spellings the text gives, e.g. "Kareau (Karaeu)"
    country: str = ""  # as written
    position: str = ""
    reason: str = ""
    legal_basis: str = ""  # e.g. "E.O. 13894 Section 2(a)(i)(A)"
    family_covered: bool = False  # 7031(c): immediate family members designated too
    family_members: tuple[str, ...] = ()  # relatives designated by name with this person
    family_of: str = ""  # for a relative designated by name: the official's name, as in their entry
    relationship: str = ""  # the relative's relation to that official as written ("husband", "adult children")
    section: str = ""  # the heading the entry was under, verbatim
    error: str = ""


@dataclass(slots=True)
class ParsedAnnouncement:
    """One announcement page: what it is, when it was published, what it says, and whom it names."""

    source: str  # adapter slug: ofac-recent-actions | treasury-press | state-press
    kind: str  # designations.models.SourceDocument.Kind value
    url: str
    title: str
    published_on: datetime.date
    number: str = ""  # release number, e.g. "sm1143"
    agency: str = ""  # programs.models.Agency value (ofac, treasury, state)
    authorities: tuple[str, ...] = ()  # legal bases cited, normalised, e.g. "E.O. 13818", "Caesar Act"
    programs: tuple[str, ...] = ()  # OFAC tags or program codes the page concerns
    summary: str = ""  # the lead paragraph: who was designated and why
    text: str = ""  # the body as plain text (one paragraph per line), for versions and diffs
    entries: list[ParsedEntry] = field(default_factory=list)
    sections: tuple[str, ...] = ()  # section headings found, verbatim
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IndexItem:
    """One link on an index page."""

    url: str
    title: str
    published_on: datetime.date | None


@dataclass(slots=True)
class IndexPage:
    """An index page: its items, newest first as the site lists them, and the next (older) page.

    ``warnings`` says when the items were found only by a fallback (the page's layout changed).
    """

    items: list[IndexItem]
    next_url: str = ""
    warnings: list[str] = field(default_factory=list)
