"""Atom feeds of new listings and delistings, per country and per program.

Each entry is one listing, relisting or delisting event, dated by when it happened on the list, and links
to the designee's page. Feeds are linked from the country and program pages (``<link rel="alternate">``).

Names come from sources and editors, so nothing in a feed is markup of ours. Atom (RFC 4287, section 3.1)
says how to read each text: ``<title>`` and ``<subtitle>`` carry no ``type`` and are plain text, which the
feed generator only XML-escapes; ``<summary type="html">`` is HTML, so ``item_description`` HTML-escapes
the plain text of ``item_summary`` first (``html_summary``), and a reader that unescapes the XML reads
text again, never an element (``X <img onerror=...>`` reaches its HTML as ``X &lt;img onerror=...&gt;``).
The changes feed of the API (``designations.api.changes``) is an ``EventFeed`` too.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from designations.models import Country, Designation, DesignationEvent
from programs.models import Program

CHANGE_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED, DesignationEvent.Kind.DELISTED)


def html_summary(text: str) -> str:
    """Plain ``text`` as the content of an Atom ``type="html"`` element: HTML-escaped, once.

    ``escape`` escapes even a string marked safe, so no value can slip through as markup; the feed
    generator then XML-escapes the result, which a reader undoes before reading the HTML.
    """
    return escape(text)


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

    def item_summary(self, item: DesignationEvent) -> str:
        designation = item.designation
        parts = [
            f"{designation.designee.name} ({designation.designee.get_kind_display().lower()}) "
            f"{item.get_kind_display().lower()} under {designation.program.code}"
            + (f" on {item.occurred_on:%d %b %Y}" if item.occurred_on else "")
            + "."
        ]
        if item.source_document is not None:
            parts.append(f"Source: {item.source_document}.")
        return " ".join(parts)

    def item_guid(self, item: DesignationEvent) -> str:
        return f"designation-event-{item.pk}"

    def item_pubdate(self, item: DesignationEvent) -> datetime.datetime:
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
        return f"New listings and delistings of parties tied to {obj.name} by nationality, address or birth."


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
        return f"New listings and delistings under {obj.code} ({obj.name})."
