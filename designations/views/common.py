"""What the pages share: the designations table, its filters and parameter checks, as-of, timelines, breakdowns
and maps. Program and authority pages (``designations.views.programs``) use them as the country pages do."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.utils.dateformat import format as format_date
from django.utils.dateparse import parse_date
from rest_framework.exceptions import ValidationError

from designations.coverage import CERTAIN, POSSIBLE, DateQuestion, dated_stats, designation_coverage
from designations.coverage import in_force_on as coverage_in_force_on
from designations.filtersets import DesignationFilterSet
from designations.models import (
    Country,
    Designation,
    DesignationEvent,
)
from designations.views.sorting import check_sort_parameter, table_sorts
from tracker import dataversion
from tracker.api import MAX_OFFSET, _check_bounded_int
from tracker.filters import (
    ListCheckboxSelectMultiple,
    is_bounded_id,
    split_values,
)

PAGE_SIZE = 50
# Events that start or end a designation: what timelines, recent changes and feeds show.
LISTING_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED)
CHANGE_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED, DesignationEvent.Kind.DELISTED)
# Query-string keys that are not DesignationFilterSet filters.
PAGE_KEYS = ("page", "as_of", "sort", "filtered", "status_default")
# Filters with a few fixed choices, shown as check boxes rather than multiple selects.
CHECKBOX_FILTERS = ("kind", "status", "agency")
# Plain labels for the date bounds (django-filter's defaults read "Listed on is greater than or equal to").
FORM_LABELS = {
    "listed_after": "Listed on or after",
    "listed_before": "Listed on or before",
    "delisted_after": "Delisted on or after",
    "delisted_before": "Delisted on or before",
    "q": "Name, alias or identifier contains",
}


# Shared helpers --------------------------------------------------------------------------------------


def designation_stats(queryset: QuerySet, **kwargs) -> list[dict]:
    """``designations.coverage.dated_stats``: the statistics API's counts, dates placed by the same rule."""
    return dated_stats(queryset, **kwargs)


class PageStats:
    """The aggregates of one page, cached until the data changes.

    Timelines and breakdowns of a large country scan thousands of designations, while the data only
    changes when an import or an editor writes. Results are cached under the page's ``scope`` (e.g.
    ``country:RU:as_of=None``) and the data's fingerprint (``matching.data_version()``, one cheap query
    per page), so the first view of a page after a change computes them and later views read them.
    """

    timeout = 6 * 60 * 60

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._version: tuple | None = None

    def get(self, name: str, compute):
        from tracker.dataversion import data_version

        if self._version is None:
            self._version = data_version()
        digest = hashlib.sha256(repr((self.scope, name, self._version)).encode()).hexdigest()
        key = f"page-stats:{digest}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.timeout)
        return value

    def stats(self, name: str, queryset: QuerySet, **kwargs) -> list[dict]:
        """``designation_stats(queryset, **kwargs)``, cached as ``name`` within the scope."""
        return self.get(name, lambda: designation_stats(queryset, **kwargs))


def parse_as_of(request) -> tuple[datetime.date | None, str]:
    """The ``as_of`` date of the query string and an error message (empty when valid or absent)."""
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return None, ""
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        return None, f'as_of: "{raw}" is not a date (use YYYY-MM-DD); showing the current state.'
    return day, ""


def date_certainty(request) -> str:
    """How sure a date must be on this page: ``possible`` when the query string asks, else ``certain``."""
    return POSSIBLE if request.GET.get("date_certainty") == POSSIBLE else CERTAIN


def in_force_on(queryset: QuerySet, as_of: datetime.date, certainty: str = CERTAIN) -> QuerySet:
    """Designations in force at the end of ``as_of``, as the API's ``as_of`` filter means it."""
    return queryset.filter(coverage_in_force_on(as_of, certainty))


def page_coverage(request) -> dict | None:
    """What a designations page's date criteria rest on, as the API's ``coverage`` says it (None without a
    date criterion, or with one the filters cannot use): the same filters, ``as_of`` included."""
    if not any(request.GET.get(name) for name in DateQuestion.NAMES):
        return None
    data = request.GET.copy()
    for key in PAGE_KEYS:
        if key != "as_of":
            data.pop(key, None)
    filterset = DesignationFilterSet(data, queryset=Designation.objects.all(), request=request)
    if not filterset.is_valid():
        return None
    filterset.qs  # noqa: B018 (runs filter_queryset: undated_queryset and dates)
    return designation_coverage(filterset.undated_queryset, filterset.dates, version=dataversion.for_request(request))


def in_force(queryset: QuerySet, as_of: datetime.date | None, certainty: str = CERTAIN) -> QuerySet:
    """Designations in force on ``as_of`` (without a date: active ones, in force on the data's own date)."""
    return in_force_on(queryset, as_of, certainty) if as_of else queryset.active()


TABLE_FIELDS = (
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
    "designee__name",
    "designee__kind",
    "program__code",
)


def table_rows(queryset: QuerySet) -> QuerySet:
    """Designations with just what a designations table shows (a large page sorts narrow rows)."""
    return queryset.select_related("designee", "program").only(*TABLE_FIELDS)


def paginate_designations(request, queryset, *, prefix: str = "page") -> dict:
    """Context for one page of designations: ``page_obj``, ``designations`` and ``paginator``.

    Costs two queries (the count and the page), whatever the page size.
    """
    paginator = Paginator(queryset, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get(prefix))
    return {"paginator": paginator, "page_obj": page_obj, "designations": page_obj.object_list}


INTEGER_FILTERS = ("designee_id", "program_id", "authority_id")


def _is_bounded_id(value: str) -> bool:
    """An id, or a comma list of ids (as the filters take them), each within a 64-bit integer."""
    return all(is_bounded_id(item) for item in split_values(value))


def check_page_parameter(request, name: str = "page") -> None:
    """``ValidationError`` naming ``name`` unless it is absent, empty, ``last`` or a page number the API's
    ``offset`` would also take (1 to ``MAX_OFFSET``)."""
    if request.GET.get(name) not in (None, "", "last"):
        _check_bounded_int(request.GET, name, 1, MAX_OFFSET)


def parameter_errors(context: dict) -> bool:
    """Whether a page's context holds a query parameter the page could not use."""
    filterset = context.get("filterset")
    return bool(context.get("as_of_error")) or bool(filterset is not None and filterset.is_bound and filterset.errors)


def summarise_filter_errors(filterset) -> None:
    """Name each filter the page could not use at the top of its form, as ``name: message``.

    A page's form shows only some of the filters its query string may hold (``program_id`` never), so a
    message next to its field alone could go unseen.
    """
    if filterset is None or not filterset.is_bound:
        return
    form = filterset.form
    lines = [f"{name}: {' '.join(messages)}" for name, messages in form.errors.items() if name != NON_FIELD_ERRORS]
    for line in lines:
        form.add_error(None, line)


def bad_parameter_response(error: ValidationError) -> HttpResponseBadRequest:
    """A plain 400 naming each parameter, as ``parameter: message`` lines (the value is not echoed)."""
    lines = [f"{name}: {' '.join(str(message) for message in messages)}" for name, messages in error.detail.items()]
    return HttpResponseBadRequest("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# A filter form the page filled in by itself (its status boxes checked "Active": in force today) says so with
# this hidden field. Sent with an "as of" day and the status boxes as they were, the day decides what is in
# force, not today's status: the redirect below leaves the status out (static/js/filters.js does the same).
STATUS_DEFAULT = "status_default"


def _without_default_status(request, kept: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query without ``status_default``, and without ``status`` too when it is the page's own default and
    an ``as_of`` day was chosen."""
    untouched = request.GET.getlist("status") == request.GET.getlist(STATUS_DEFAULT)
    drop_status = untouched and bool(request.GET.get("as_of", "").strip())
    return [(key, value) for key, value in kept if key != STATUS_DEFAULT and not (drop_status and key == "status")]


class ParameterChecksMixin:
    """The API's parameter checks on a page (see the module docstring).

    0. A query string with empty parameters (a filter form submitted without scripts sends every box,
       ``?program=GLOMAG&country=&q=``) redirects to the same URL without them, so a URL to share says only
       what was chosen. (With scripts, ``static/js/filters.js`` leaves them out before the request.) So does
       one with ``status_default`` (``STATUS_DEFAULT``), without the status the page had checked by itself
       when a day was chosen.
    1. ``page`` is checked before anything runs: a bad one is a plain 400 naming it (a page past the
       last one is still Django's 404 on lists, the last page on detail pages).
       So is ``sort`` on a page with a sortable designations table (a view with ``default_sort``, one of
       ``DESIGNATION_SORTS``): a value the table does not take is a plain 400 naming it and the values it takes.
    2. The page renders; when its filters or ``as_of`` hold a value it could not use, the answer is 400,
       with the message next to the field, and the response cache keeps only 200s.
    """

    def get(self, request, *args, **kwargs):
        kept = [(key, value) for key, values in request.GET.lists() for value in values if value.strip()]
        if STATUS_DEFAULT in request.GET:
            kept = _without_default_status(request, kept)
        if len(kept) < sum(len(values) for _, values in request.GET.lists()):
            return HttpResponseRedirect(f"{request.path}?{urlencode(kept)}" if kept else request.path)
        try:
            check_page_parameter(request)
            if getattr(self, "default_sort", None) is not None:
                check_sort_parameter(request, table_sorts(getattr(self, "show_program", True)))
        except ValidationError as error:
            return bad_parameter_response(error)
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if parameter_errors(context):
            summarise_filter_errors(context.get("filterset"))
            response.status_code = 400
        return response


def designation_filterset(request, queryset: QuerySet) -> DesignationFilterSet:
    """A ``DesignationFilterSet`` over ``queryset`` from the query string.

    Until the form is submitted (no filter key in the query string), the list shows designations in
    force: active ones, or, with ``as_of``, those in force on that day (the base queryset already is).
    """
    data = request.GET.copy()
    for key in PAGE_KEYS:
        data.pop(key, None)
    if "as_of" in DesignationFilterSet.base_filters:
        data.pop("as_of", None)  # applied to the base queryset already, with the page's own validation
    submitted = bool(data) or "filtered" in request.GET
    if not submitted and not request.GET.get("as_of"):
        data.setlist("status", [Designation.Status.ACTIVE])
    # Ids beyond a 64-bit integer would overflow the database driver: refuse them as form errors.
    out_of_range = [name for name in INTEGER_FILTERS for value in data.getlist(name) if not _is_bounded_id(value)]
    for name in out_of_range:
        data.setlist(name, [])
    filterset = DesignationFilterSet(data, queryset=queryset, request=request)
    for name in dict.fromkeys(out_of_range):
        filterset.form.add_error(name if name in filterset.form.fields else None, "Not a valid id.")
    for name, label in FORM_LABELS.items():
        if name in filterset.form.fields:
            filterset.form.fields[name].label = label
    for name in CHECKBOX_FILTERS:
        field = filterset.form.fields.get(name)
        if field is not None:
            field.widget = ListCheckboxSelectMultiple(choices=field.choices)
    return filterset


def results_status(page_obj, as_of: datetime.date | None) -> str:
    """The short line a designations table is announced by: "185 designations" (in force on ``as_of``).

    It is the page's only live region: a screen reader says this line after each filter, not the table.
    """
    count = page_obj.paginator.count
    day = f" on {format_date(as_of, 'j M Y')}" if as_of else ""
    if not count:
        return f"No designations match{day}."
    noun = "designation" if count == 1 else "designations"
    return f"{count:,} {noun}{' in force' + day if as_of else ''}."


# Query-string keys that are page state, not filters a title names.
_UNTITLED_KEYS = ("filtered", "page", "sort", "as_of", "date_certainty", "country_role")


def _words(field: forms.Field, value) -> str:
    """One filter's value in words: codes for programs and authorities, names for countries, labels for
    choices (several joined by "or")."""
    if isinstance(value, (list, tuple, QuerySet)):
        return " or ".join(_words(field, item) for item in value)
    if isinstance(value, Country):
        return value.name
    code = getattr(value, "code", None)
    if code is not None:
        return str(code)
    return str(dict(getattr(field, "choices", ()) or ()).get(value, value))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def filter_summary(request, filterset) -> list[str]:
    """The filters the query string chose, in words and in the form's order, for a page's ``<title>``:
    ``["GLOMAG", "China"]``, ``["Individual", "listed on or after 1 Jun 2024"]``.

    Programs, authorities, countries and choices stand for themselves; dates, numbers and typed text are
    named by their label (``name, alias or identifier contains "chen"``). Empty before the form is used
    (the page's default state) or when a filter could not be used.
    """
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return []
    form = filterset.form
    chosen = {key for key, values in request.GET.lists() if any(value.strip() for value in values)}
    words = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if name not in chosen or name in _UNTITLED_KEYS or value in (None, "", [], ()):
            continue
        label = _lower_first(str(field.label or name))
        if isinstance(value, datetime.date):
            words.append(f"{label} {format_date(value, 'j M Y')}")
        elif isinstance(field, forms.CharField | forms.DecimalField | forms.IntegerField):
            words.append(f"{label} \u201c{value}\u201d")
        elif text := _words(field, value):
            words.append(text)
    return words


def page_title(subject: str, request, filterset, as_of: datetime.date | None = None) -> str:
    """A page's ``<title>`` naming its filters and date: "Designations: GLOMAG, China",
    "Designations: Russia, in force on 1 Jan 2022"; ``subject`` alone without them."""
    words = filter_summary(request, filterset)
    if as_of:
        words.append(f"in force on {format_date(as_of, 'j M Y')}")
    return f"{subject}: {', '.join(words)}" if words else subject


def timeline(queryset: QuerySet, as_of: datetime.date | None, page_stats: PageStats) -> dict:
    """Listings and delistings per month, for a chart and its table, and listings per year.

    Dates are placed as the statistics API places them (``designations.coverage.dated_stats``): in a month
    (or year) only when their whole bracket lies inside it. The rest (dated only "on or before" the first
    list state held, or by a bracket across two months) are counted apart in ``undated``; ``years`` equals
    what ``/api/stats/?group_by=year&event=listed`` answers for the same designations. Cached.
    """
    listed = page_stats.stats("listed-by-month", queryset, group_by=["month"], event="listed")
    delisted = page_stats.stats("delisted-by-month", queryset, group_by=["month"], event="delisted")
    years = page_stats.stats("listed-by-year", queryset, group_by=["year"], event="listed")
    undated = sum(row["count"] for row in listed if row["month"] is None)
    by_month: dict[str, dict] = defaultdict(lambda: {"listed": 0, "delisted": 0})
    for event, rows in (("listed", listed), ("delisted", delisted)):
        for row in rows:
            if row.get("month"):
                by_month[row["month"]][event] += row["count"]
    limit = as_of.strftime("%Y-%m") if as_of else None
    months = sorted(month for month in by_month if limit is None or month <= limit)
    rows = [{"month": month, **by_month[month]} for month in months]
    # The chart's axis runs through every month from the first to the last, empty ones at zero, so its bars
    # stand at their distance in time (the table lists only the months with a listing or a delisting).
    axis = every_month(months[0], months[-1]) if months else []
    empty = {"listed": 0, "delisted": 0}
    return {
        "rows": rows,
        "years": years,
        "listed": sum(row["listed"] for row in rows),
        "undated": undated,
        "delisted": sum(row["delisted"] for row in rows),
        "chart": {
            "type": "timeline",
            "labels": axis,
            "series": [
                {"label": "Listings", "data": [by_month.get(month, empty)["listed"] for month in axis]},
                {"label": "Delistings", "data": [by_month.get(month, empty)["delisted"] for month in axis]},
            ],
        },
    }


def every_month(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ("YYYY-MM"), both included."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (label := f"{year:04d}-{month:02d}") <= last:
        months.append(label)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def sum_by(rows: Iterable[dict], key: str) -> list[dict]:
    """Rows of ``designation_stats`` grouped by several keys, summed over ``key`` alone."""
    totals: dict = defaultdict(int)
    for row in rows:
        totals[row[key]] += row["count"]
    return [{key: value, "count": count} for value, count in totals.items()]


def breakdown(rows: Iterable[dict], key: str, objects: dict[str, object]) -> list[dict]:
    """Rows of ``designation_stats`` joined to the objects they count (by code), largest first."""
    result = [
        {"code": row[key], "object": objects.get(row[key]), "count": row["count"]}
        for row in rows
        if row.get(key) is not None
    ]
    result.sort(key=lambda item: (-item["count"], str(item["code"])))
    return result


def map_data(rows: Iterable[dict], countries: dict[str, Country]) -> list[dict]:
    """Country rows of ``designation_stats`` as the map script reads them (ISO numeric ids, page links)."""
    data = []
    for row in rows:
        country = countries.get(row.get("country"))
        if country is None:
            continue
        data.append(
            {
                "code": country.code,
                "numeric": country.numeric,
                "name": country.name,
                "count": row["count"],
                "url": country.get_absolute_url(),
            }
        )
    data.sort(key=lambda item: (-item["count"], item["name"]))
    return data
