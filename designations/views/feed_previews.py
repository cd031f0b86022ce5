"""HTML previews of the Atom feeds: what a feed is, how to subscribe, and its entries as a reader shows them.

A feed opened in a browser is raw XML (Chromium no longer renders XSLT), so the pages link here instead; the
feed itself stays the ``<link rel="alternate">`` of each page, for readers that find feeds by themselves.

A preview is built by the feed object itself (``Feed.get_object`` and ``Feed.get_feed``, the very calls that
write the XML), so it lists exactly the entries the feed holds, with the same titles, dates, summaries and
links. Summaries are read back from the feed's ``type="html"`` text (``designations.feeds.html_summary``) into
plain text, and the template escapes them again: nothing in an entry becomes markup of the page.
"""

from __future__ import annotations

import html
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import rfc3339_date
from django.views.generic import TemplateView
from rest_framework.exceptions import ValidationError

from designations.api.changes import FEED_PARAMETERS, ChangesFeed
from designations.feeds import CountryChangesFeed, ProgramChangesFeed
from designations.models import Country
from designations.views.common import bad_parameter_response
from programs.models import Program


class FeedPreviewView(TemplateView):
    """One feed's preview. Subclasses give the feed (``feed``), its route (``feed_route``), the page it is
    the feed of (``back_link``) and what an entry's date means (``date_note``)."""

    template_name = "designations/feed_preview.html"
    http_method_names = ["get", "head"]
    feed: Feed
    feed_route = ""
    date_note = ""

    def feed_kwargs(self) -> dict:
        return dict(self.kwargs)

    def feed_query(self) -> str:
        return ""

    def back_link(self, obj) -> tuple[str, str]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        try:
            self.feed_object = self.feed.get_object(request, **self.feed_kwargs())
        except ValidationError as error:
            return bad_parameter_response(error)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        generator = self.feed.get_feed(self.feed_object, self.request)
        path = reverse(self.feed_route, kwargs=self.feed_kwargs())
        query = self.feed_query()
        feed_path = f"{path}?{query}" if query else path
        back_url, back_text = self.back_link(self.feed_object)
        context.update(
            {
                "feed": generator.feed,
                "entries": preview_entries(generator),
                "feed_path": feed_path,
                "feed_address": self.request.build_absolute_uri(feed_path),
                "date_note": self.date_note,
                "back_url": back_url,
                "back_text": back_text,
                "page_title": f"Feed preview: {generator.feed['title']}",
            }
        )
        return context


def preview_entries(generator) -> list[dict]:
    """The entries of a feed generator as a reader shows them: ``title``, ``link``, ``updated`` (the
    ``<updated>`` timestamp as the XML writes it, and its day as ``updated_day``), ``summary`` (the plain text
    of the ``type="html"`` summary) and ``id``."""
    entries = []
    for item in generator.items:
        updated = item["updateddate"] or item["pubdate"]
        entries.append(
            {
                "id": item["unique_id"],
                "title": item["title"],
                "link": item["link"],
                # As the XML writes it, and its day in the feed's own offset (never shifted to another zone).
                "updated": rfc3339_date(updated) if updated else "",
                "updated_day": updated.date() if updated else None,
                "summary": html.unescape(item["description"] or ""),
            }
        )
    return entries


# The feed's own description (above it on the page) says what an entry's timestamp is.
CHANGE_DATE_NOTE = 'Each title and summary says how exactly the day is known ("on", "in", "between", "on or before").'


class CountryFeedPreviewView(FeedPreviewView):
    """The preview of a country's feed of listings and delistings."""

    model = Country
    feed = CountryChangesFeed()
    feed_route = "designations:country_feed"
    date_note = CHANGE_DATE_NOTE

    def feed_kwargs(self) -> dict:
        return {"code": get_object_or_404(Country, code=self.kwargs["code"].upper()).code}

    def back_link(self, obj: Country) -> tuple[str, str]:
        return obj.get_absolute_url(), obj.name


class ProgramFeedPreviewView(FeedPreviewView):
    """The preview of a program's feed of listings and delistings."""

    model = Program
    feed = ProgramChangesFeed()
    feed_route = "programs:program_feed"
    date_note = CHANGE_DATE_NOTE

    def back_link(self, obj: Program) -> tuple[str, str]:
        return obj.get_absolute_url(), obj.code


class ChangesFeedPreviewView(FeedPreviewView):
    """The preview of the changes feed (``/api/changes/feed/``), with the same filters in its query string."""

    feed = ChangesFeed()
    feed_route = "designations-api:changes-feed"
    date_note = "An entry's date is when the tracker recorded the change; its summary says when the change happened."

    def feed_kwargs(self) -> dict:
        return {}

    def feed_query(self) -> str:
        return urlencode(
            [(key, value) for key, values in self.request.GET.lists() if key in FEED_PARAMETERS for value in values]
        )

    def back_link(self, obj) -> tuple[str, str]:
        return reverse("home"), "the home page"
