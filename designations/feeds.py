"""Atom feeds of new listings and delistings, per country and per program.

Each entry is one listing, relisting or delisting event, dated by when it happened on the list, and links
to the designee's page. Feeds are linked from the country and program pages (``<link rel="alternate">``).

Names come from sources and editors, so nothing in a feed is markup of ours. Atom (RFC 4287, section 3.1)
says how to read each text: ``<title>`` and ``<subtitle>`` carry no ``type`` and are plain text, which the
feed generator only XML-escapes; ``<summary type="html">`` is HTML, so ``item_description`` HTML-escapes
the plain text of ``item_summary`` first (``html_summary``), and a reader that unescapes the XML reads
text again, never an element (``X <img onerror=...>`` reaches its HTML as ``X &lt;img onerror=...&gt;``).
The changes feed of the API (``designations.api.changes``) is an ``EventFeed`` too.

Dates are said at the precision they are known (``DatePrecision``), in the words the pages use
(``templates/designations/_date.html``, read through ``date_phrase``): "listed on 31 Jul 2020", "listed between
22 May 2021 and 2 Jul 2024", "listed on or before 22 May 2021", "listed in Mar 2022". Atom's ``<updated>`` and
``<published>`` must be timestamps, so they carry the latest day the event can have happened (``occurred_on``);
the entry's words never claim a day the tracker does not know.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, strip_tags

from designations.models import Country, DatePrecision, Designation, DesignationEvent
from programs.models import Program

CHANGE_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED, DesignationEvent.Kind.DELISTED)


def html_summary(text: str) -> str:
    """Plain ``text`` as the content of an Atom ``type="html"`` element: HTML-escaped, once.

    ``escape`` escapes even a string marked safe, so no value can slip through as markup; the feed
    generator then XML-escapes the result, which a reader undoes before reading the HTML.
    """
    return escape(text)


def date_phrase(day: datetime.date | None, earliest: datetime.date | None, precision: str) -> str:
    """When something happened, as plain text at the precision it is known, ready to follow a verb.

    The date itself is worded by ``designations/_date.html``, as on every page; this adds the preposition:
    "on 31 Jul 2020" (a day), "in Mar 2022" / "in 2022" (a month or year), "between 22 May 2021 and 2 Jul 2024"
    (a bracket), "on or before 22 May 2021" (no earlier bound). No date gives "".
    """
    if day is None:
        return ""
    html = render_to_string("designations/_date.html", {"day": day, "earliest": earliest, "precision": precision})
    words = " ".join(strip_tags(html).split())
    if words.startswith(("between ", "on or before ")):
        return words
    if precision in (DatePrecision.MONTH, DatePrecision.YEAR):
        return f"in {words}"
    return f"on {words}"


class EventFeed(Feed):
    """Designation events as Atom entries: what every feed of the tracker shares.

    Each entry is one event with its designation, designee, program and source document read in the same
    query (``events()``). Titles are plain text (``title_template``), summaries the HTML-escaped plain text
    of ``item_summary`` (``html_summary``); guids are not links. Subclasses choose the events and the dates.
    """

    feed_type = Atom1Feed
    item_guid_is_permalink = False
    title_template = "{kind}: {name} ({program})"

    def events(self) -> QuerySet:
        return DesignationEvent.objects.select_related(
            "designation__designee", "designation__program", "source_document"
        )

    def item_title(self, item: DesignationEvent) -> str:
        """Plain text (Atom's default ``type="text"``): XML-escaped by the generator, nothing more."""
        designation = item.designation
        return self.title_template.format(
            kind=item.get_kind_display(), name=designation.designee.name, program=designation.program.code
        )

    def item_description(self, item: DesignationEvent) -> str:
        """The ``<summary type="html">``: the summary's text, HTML-escaped."""
        return html_summary(self.item_summary(item))

    def item_summary(self, item: DesignationEvent) -> str:
        """What the entry says, as plain text."""
        raise NotImplementedError

    def item_link(self, item: DesignationEvent) -> str:
        return item.designation.designee.get_absolute_url()

    def item_updateddate(self, item: DesignationEvent) -> datetime.datetime:
        return self.item_pubdate(item)


# Said in every subtitle: an entry's <updated> is a timestamp, its words say how exactly the day is known.
DATES_NOTE = (
    ' Dates are as exact as the list\'s history allows: "between" names the two list snapshots a change fell'
    " between, and an entry's timestamp is the latest day the change can have happened."
)


class DesignationChangesFeed(EventFeed):
    """The latest listings and delistings among some designations (``designations()`` says which)."""

    limit = 50

    def designations(self, obj) -> QuerySet:
        raise NotImplementedError

    def items(self, obj):
        return (
            self.events()
            .filter(kind__in=CHANGE_EVENTS, designation__in=self.designations(obj).values("pk"))
            .order_by(F("occurred_on").desc(nulls_last=True), "-pk")[: self.limit]
        )

    def item_title(self, item: DesignationEvent) -> str:
        """Plain text: what happened, when (at its precision), to whom, under which program."""
        designation = item.designation
        kind = " ".join(
            filter(None, [item.get_kind_display(), date_phrase(item.occurred_on, item.earliest, item.precision)])
        )
        return f"{kind}: {designation.designee.name} ({designation.program.code})"

    def item_summary(self, item: DesignationEvent) -> str:
        designation = item.designation
        when = date_phrase(item.occurred_on, item.earliest, item.precision)
        parts = [
            f"{designation.designee.name} ({designation.designee.get_kind_display().lower()}) "
            f"{item.get_kind_display().lower()} under {designation.program.code}" + (f" {when}" if when else "") + "."
        ]
        if item.source_document is not None:
            parts.append(f"Source: {item.source_document}.")
        return " ".join(parts)

    def item_guid(self, item: DesignationEvent) -> str:
        return f"designation-event-{item.pk}"

    def item_pubdate(self, item: DesignationEvent) -> datetime.datetime:
        """A timestamp, as Atom requires: the latest day the event can have happened (the words say how
        exactly it is known)."""
        day = item.occurred_on or item.created_at.date()
        return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


class CountryChangesFeed(DesignationChangesFeed):
    """Listings and delistings of parties tied to one country (in any role)."""

    def get_object(self, request, code: str) -> Country:
        return get_object_or_404(Country, code=code.upper())

    def designations(self, obj: Country) -> QuerySet:
        return Designation.objects.for_country(obj.code)

    def title(self, obj: Country) -> str:
        return f"US designations: {obj.name}, listings and delistings"

    def link(self, obj: Country) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Country) -> str:
        return reverse("designations:country_feed", kwargs={"code": obj.code})

    def subtitle(self, obj: Country) -> str:
        return (
            f"New listings and delistings of parties tied to {obj.name} by nationality, address or birth." + DATES_NOTE
        )


class ProgramChangesFeed(DesignationChangesFeed):
    """Listings and delistings under one program."""

    def get_object(self, request, code: str) -> Program:
        return get_object_or_404(Program, code=code)

    def designations(self, obj: Program) -> QuerySet:
        return Designation.objects.filter(program=obj)

    def title(self, obj: Program) -> str:
        return f"US designations: {obj.code}, listings and delistings"

    def link(self, obj: Program) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Program) -> str:
        return reverse("programs:program_feed", kwargs={"code": obj.code})

    def subtitle(self, obj: Program) -> str:
        return f"New listings and delistings under {obj.code} ({obj.name})." + DATES_NOTE
