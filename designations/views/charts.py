"""Charts as files: a page's timeline as an SVG image (``.../timeline.svg``), drawn on the server, and its
figures as CSV (``.../timeline.csv``).

Each route serves the timeline of one page's subject (the whole tracker, a country, a program, an authority)
from the same figures and the same cache as the page (``timeline`` under the page's ``PageStats`` scope), so
the image, the CSV and the page's chart and table cannot disagree (on an authority's page the statistics API's
``authority`` filter would count only designations naming the authority itself, not those under its programs;
the timeline's CSV counts what the page counts). ``?as_of=YYYY-MM-DD`` stops the months at that
day, as on the page; a value that is not a date is a plain 400 naming ``as_of``.

The SVG is ``image/svg+xml`` with a policy of its own (``default-src 'none'``): the image holds no script
and fetches nothing, and a browser opening it runs nothing either. The CSV is a plain ``text/csv`` attachment
(``tracker.csv``): a header row and figures only, what they rest on said by its file name.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.dateformat import format as format_date
from django.utils.text import slugify
from django.views import View

from designations.charts_svg import timeline_svg
from designations.context_processors import data_date_for
from designations.coverage import CERTAIN
from designations.models import Country, Designation
from designations.views.common import PageStats, parse_as_of, timeline
from designations.views.programs import AuthorityDetailView, ProgramDetailView
from programs.models import Authority, Program
from tracker.csv import csv_response, csv_value

SVG_POLICY = "default-src 'none'; frame-ancestors 'none'"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def timeline_words(*, subject: str, figures: dict, as_of: datetime.date | None, data_day: datetime.date | None) -> dict:
    """The texts of a timeline image: ``title``, ``date_line`` (drawn under it) and ``description`` (its
    ``<desc>``: the subject, the months, the totals, the data's date and what the figures rest on)."""
    months = figures["chart"]["labels"]
    data = f"OFAC SDN list as of {format_date(data_day, 'j M Y')}" if data_day else "no OFAC SDN list imported yet"
    date_line = f"Up to {format_date(as_of, 'j M Y')} · {data}" if as_of else data[:1].upper() + data[1:]
    if months:
        span = f"from {months[0]} to {months[-1]} ({len(months)} month{'' if len(months) == 1 else 's'} on the axis)"
    else:
        span = "with no dated listing or delisting"
    description = (
        f"Bar chart of listings and delistings per month for {subject}, {span}: "
        f"{_count(figures['listed'], 'listing')} and {_count(figures['delisted'], 'delisting')}"
        f"{' up to ' + format_date(as_of, 'j M Y') if as_of else ''}. Data: {data}. "
        "The figures rest on the tracker's records of each designation's listing and delisting dates, placed as "
        "the statistics API places them (/api/stats/?group_by=month): a change counts in a month only when its "
        "whole date bracket lies in that month."
    )
    if figures["undated"]:
        description += (
            f" {_count(figures['undated'], 'listing')} cannot be placed in one month and "
            f"{'is' if figures['undated'] == 1 else 'are'} not counted."
        )
    return {
        "title": f"Listings and delistings per month: {subject}",
        "date_line": date_line,
        "description": description,
    }


class TimelineView(View):
    """The timeline of one page's subject as a file. Subject classes say whose (``subject_of``), which
    designations (``designations_of``) and under which cache scope the page keeps its figures (``scope_of``);
    format classes say how the figures are written (``answer``)."""

    http_method_names = ["get", "head"]
    model: type | None = None

    def get_object(self, code: str):
        return get_object_or_404(self.model, code=code)

    def subject_of(self, obj) -> str:
        raise NotImplementedError

    def designations_of(self, obj) -> QuerySet:
        raise NotImplementedError

    def scope_of(self, obj, as_of: datetime.date | None) -> str:
        raise NotImplementedError

    def answer(self, *, subject: str, figures: dict, as_of: datetime.date | None, data_day: datetime.date | None):
        raise NotImplementedError

    def get(self, request, code: str | None = None):
        as_of, error = parse_as_of(request)
        if error:
            return HttpResponseBadRequest(
                "as_of: Not a date (use YYYY-MM-DD).\n", content_type="text/plain; charset=utf-8"
            )
        obj = self.get_object(code) if code is not None else None
        figures = timeline(self.designations_of(obj), as_of, PageStats(self.scope_of(obj, as_of)))
        return self.answer(
            subject=self.subject_of(obj), figures=figures, as_of=as_of, data_day=data_date_for(request).day
        )


class TimelineSvgView(TimelineView):
    """The timeline as an SVG image (``timeline_svg``), named after its subject and day."""

    def answer(self, *, subject, figures, as_of, data_day):
        words = timeline_words(subject=subject, figures=figures, as_of=as_of, data_day=data_day)
        series = {series["label"]: series["data"] for series in figures["chart"]["series"]}
        svg = timeline_svg(
            months=figures["chart"]["labels"],
            listed=series["Listings"],
            delisted=series["Delistings"],
            **words,
        )
        day = as_of or data_day
        name = f"timeline-{slugify(subject) or 'chart'}-{day.isoformat() if day else 'undated'}.svg"
        response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        response["Content-Security-Policy"] = SVG_POLICY
        response["X-Content-Type-Options"] = "nosniff"
        return response


def timeline_csv_name(*, subject: str, as_of: datetime.date | None, data_day: datetime.date | None) -> str:
    """The CSV's file name, which says what its figures rest on: the subject, the last day counted when the
    page has an ``as_of``, and the day of the OFAC SDN list the data holds (``timeline-china-sdn-2024-07-02.csv``,
    ``timeline-glomag-to-2021-12-31-sdn-2024-07-02.csv``, ``timeline-china-no-sdn-list.csv``)."""
    parts = ["timeline", slugify(subject) or "chart"]
    if as_of:
        parts.append(f"to-{as_of.isoformat()}")
    parts.append(f"sdn-{data_day.isoformat()}" if data_day else "no-sdn-list")
    return "-".join(parts) + ".csv"


class TimelineCsvView(TimelineView):
    """The timeline's figures as CSV: ``month`` (YYYY-MM), ``listed``, ``delisted``, one row per month of the
    chart's axis (every month from the first to the last, empty ones at zero, exactly the SVG's bars), then
    one last row with ``month`` empty: in ``listed``, the listings that cannot be placed in one month (counted
    in no month, as the page's caption says), with ``delisted`` empty (the timeline counts no such
    delistings; with ``as_of`` this count, like the page's, is not cut at that day). The dated rows add up to
    the page's totals. Cells go through ``csv_value`` (formula-injection guard included)."""

    header = ("month", "listed", "delisted")

    def answer(self, *, subject, figures, as_of, data_day):
        chart = figures["chart"]
        series = {series["label"]: series["data"] for series in chart["series"]}
        rows = [
            [csv_value(month), csv_value(listed), csv_value(delisted)]
            for month, listed, delisted in zip(chart["labels"], series["Listings"], series["Delistings"], strict=True)
        ]
        rows.append([csv_value(None), csv_value(figures["undated"]), csv_value(None)])
        return csv_response(timeline_csv_name(subject=subject, as_of=as_of, data_day=data_day), self.header, rows)


# Subjects ---------------------------------------------------------------------------------------------------


class HomeTimeline:
    """Every designation's listings and delistings per month."""

    def subject_of(self, obj) -> str:
        return "all designations"

    def designations_of(self, obj) -> QuerySet:
        return Designation.objects.all()

    def scope_of(self, obj, as_of):
        return f"home-timeline:{as_of}"


class CountryTimeline:
    """A country page's timeline (``CountryDetailView``)."""

    model = Country

    def get_object(self, code: str) -> Country:
        return get_object_or_404(Country, code=code.upper())

    def subject_of(self, obj: Country) -> str:
        return obj.name

    def designations_of(self, obj: Country) -> QuerySet:
        return Designation.objects.for_country(obj.code)

    def scope_of(self, obj: Country, as_of):
        return f"country:{obj.code}:{as_of}:{CERTAIN}"


class ProgramTimeline:
    """A program page's timeline (``ProgramDetailView``)."""

    model = Program

    def subject_of(self, obj: Program) -> str:
        return obj.code

    def designations_of(self, obj: Program) -> QuerySet:
        return ProgramDetailView().designations_of(obj)

    def scope_of(self, obj: Program, as_of):
        return f"{obj._meta.model_name}:{obj.pk}:{as_of}:{CERTAIN}"


class AuthorityTimeline:
    """An authority page's timeline (``AuthorityDetailView``): designations naming the authority and those
    under its programs."""

    model = Authority

    def subject_of(self, obj: Authority) -> str:
        return str(obj)

    def designations_of(self, obj: Authority) -> QuerySet:
        return AuthorityDetailView().designations_of(obj)

    def scope_of(self, obj: Authority, as_of):
        return f"{obj._meta.model_name}:{obj.pk}:{as_of}:{CERTAIN}"


class HomeTimelineSvgView(HomeTimeline, TimelineSvgView):
    """Every designation's timeline as an SVG image."""


class HomeTimelineCsvView(HomeTimeline, TimelineCsvView):
    """Every designation's timeline as CSV."""


class CountryTimelineSvgView(CountryTimeline, TimelineSvgView):
    """A country page's timeline as an SVG image."""


class CountryTimelineCsvView(CountryTimeline, TimelineCsvView):
    """A country page's timeline as CSV."""


class ProgramTimelineSvgView(ProgramTimeline, TimelineSvgView):
    """A program page's timeline as an SVG image."""


class ProgramTimelineCsvView(ProgramTimeline, TimelineCsvView):
    """A program page's timeline as CSV."""


class AuthorityTimelineSvgView(AuthorityTimeline, TimelineSvgView):
    """An authority page's timeline as an SVG image."""


class AuthorityTimelineCsvView(AuthorityTimeline, TimelineCsvView):
    """An authority page's timeline as CSV."""
