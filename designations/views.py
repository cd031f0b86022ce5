"""Pages about countries, designees and designations, the search page and the home page.

Timelines and breakdowns come from ``designations.stats.designation_stats`` (the same aggregates the API
serves); lists use ``DesignationFilterSet``, so a page's filters mean what the API's do. Every page costs
a fixed number of queries whatever the data size; tests pin them.

Query parameters get the API's checks (``ParameterChecksMixin``): a ``page`` that is not a page number
is a plain 400 naming it; a filter, ``as_of`` or id a page cannot use (not a date, beyond a 64-bit
integer, no such program) gives the page with the message next to its field, answered 400. Nothing a
client sends reaches the database as a value it cannot hold. The CSV download of the designations list
is the API's own export (``csv_url``), so its cells go through ``designations.exports.csv_value`` too.
"""

from __future__ import annotations

import datetime
import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView
from rest_framework.exceptions import ValidationError

from designations.filtersets import CountryFilterSet, DesignationFilterSet
from designations.models import (
    Country,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    Identifier,
)
from programs.models import Authority, Program
from tracker.api import MAX_INTEGER, MAX_OFFSET, _check_bounded_int

PAGE_SIZE = 50
# Events that start or end a designation: what timelines, recent changes and feeds show.
LISTING_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED)
CHANGE_EVENTS = (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED, DesignationEvent.Kind.DELISTED)
# Query-string keys that are not DesignationFilterSet filters.
PAGE_KEYS = ("page", "as_of", "sort", "filtered")
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
    """``designations.stats.designation_stats``, imported when first called."""
    from designations.stats import designation_stats as stats

    return stats(queryset, **kwargs)


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
        from designations.matching import data_version

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


def in_force(queryset: QuerySet, as_of: datetime.date | None) -> QuerySet:
    """Designations in force on ``as_of`` (today's active ones without a date)."""
    return queryset.in_force_on(as_of) if as_of else queryset.active()


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


def query_without(request, *keys: str) -> str:
    """The current query string without ``keys`` (for pagination and sort links), ending in ``&`` if not empty."""
    params = [(key, value) for key, values in request.GET.lists() if key not in keys for value in values]
    encoded = urlencode(params)
    return f"{encoded}&" if encoded else ""


INTEGER_FILTERS = ("designee_id", "program_id", "authority_id")


def _is_bounded_id(value: str) -> bool:
    value = value.strip()
    return not value or (value.isascii() and value.isdigit() and int(value) <= MAX_INTEGER)


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


class ParameterChecksMixin:
    """The API's parameter checks on a page (see the module docstring).

    1. ``page`` is checked before anything runs: a bad one is a plain 400 naming it (a page past the
       last one is still Django's 404 on lists, the last page on detail pages).
    2. The page renders; when its filters or ``as_of`` hold a value it could not use, the answer is 400,
       with the message next to the field, and the response cache keeps only 200s.
    """

    def get(self, request, *args, **kwargs):
        try:
            check_page_parameter(request)
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
            field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
    return filterset


def timeline(queryset: QuerySet, as_of: datetime.date | None, page_stats: PageStats) -> dict:
    """Listings and delistings per month, for a chart and its table.

    Listings known only as "on or before" the first snapshot we hold are left out of the months (they
    would pile up on that snapshot's month) and counted apart in ``undated``. Three queries, cached.
    """
    listed = page_stats.stats(
        "listed-by-month",
        queryset.exclude(listed_precision=DatePrecision.ON_OR_BEFORE),
        group_by=["month"],
        event="listed",
    )
    delisted = page_stats.stats("delisted-by-month", queryset, group_by=["month"], event="delisted")
    undated = page_stats.get("undated", queryset.filter(listed_precision=DatePrecision.ON_OR_BEFORE).count)
    by_month: dict[str, dict] = defaultdict(lambda: {"listed": 0, "delisted": 0})
    for event, rows in (("listed", listed), ("delisted", delisted)):
        for row in rows:
            if row.get("month"):
                by_month[row["month"]][event] += row["count"]
    limit = as_of.strftime("%Y-%m") if as_of else None
    months = sorted(month for month in by_month if limit is None or month <= limit)
    rows = [{"month": month, **by_month[month]} for month in months]
    return {
        "rows": rows,
        "listed": sum(row["listed"] for row in rows),
        "undated": undated,
        "delisted": sum(row["delisted"] for row in rows),
        "chart": {
            "type": "timeline",
            "labels": months,
            "series": [
                {"label": "Listings", "data": [row["listed"] for row in rows]},
                {"label": "Delistings", "data": [row["delisted"] for row in rows]},
            ],
        },
    }


def narrow_program_choices(filterset: DesignationFilterSet, codes: Sequence[str]) -> None:
    """Offer only the programs with designations on the page (and those already chosen) in the form."""
    field = filterset.form.fields.get("program")
    if field is None:
        return
    chosen = [program.code for program in filterset.form.cleaned_data.get("program") or []]
    field.queryset = Program.objects.filter(code__in=[*codes, *chosen]).order_by("code")


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


def human_rights_programs() -> list[Program]:
    """The human-rights programs (Global Magnitsky, Hong Kong, Caesar, UHRPA, Belarus, 7031(c)...), one query."""
    return list(Program.objects.human_rights().order_by("code"))


# Home ------------------------------------------------------------------------------------------------


class HomeView(TemplateView):
    """The tracker at a glance: totals, recent listings and delistings, the monthly timeline by program
    family, the map of active designations per country, the human-rights programs and the latest imports."""

    template_name = "home.html"
    recent_event_count = 10
    recent_run_count = 5

    def get_context_data(self, **kwargs):
        from importers.models import ImportRun

        context = super().get_context_data(**kwargs)
        page_stats = PageStats("home")
        active = Designation.objects.active()
        totals = page_stats.get(
            "totals",
            lambda: active.aggregate(designations=Count("pk"), designees=Count("designee", distinct=True)),
        )
        countries = {country.code: country for country in Country.objects.all()}
        country_rows = map_data(page_stats.stats("by-country", active, group_by=["country"]), countries)
        context["counts"] = {
            "active_designations": totals["designations"],
            "active_designees": totals["designees"],
            "designees": Designee.objects.count(),
            "programs": Program.objects.count(),
            "countries": len(country_rows),
            "authorities": Authority.objects.count(),
        }
        context["map_rows"] = country_rows
        context["map_chart"] = {"type": "map", "countries": country_rows}
        context["import_runs"] = list(ImportRun.objects.order_by("-created_at", "-pk")[: self.recent_run_count])
        context["recent_events"] = list(
            DesignationEvent.objects.filter(kind__in=CHANGE_EVENTS)
            .select_related("designation__designee", "designation__program")
            .order_by(F("occurred_on").desc(nulls_last=True), "-pk")[: self.recent_event_count]
        )
        programs = list(
            Program.objects.annotate(
                active_count=Count("designations", filter=Q(designations__status=Designation.Status.ACTIVE))
            ).order_by("-active_count", "code")
        )
        context["human_rights_programs"] = [program for program in programs if program.is_human_rights]
        context["family_timeline"] = self.family_timeline(programs, page_stats)
        return context

    def family_timeline(self, programs: Sequence[Program], page_stats: PageStats) -> dict:
        """Listings per month stacked by program family (one aggregate query; families from ``programs``)."""
        family_of = {program.code: program.get_family_display() for program in programs}
        rows = page_stats.stats(
            "listed-by-program-month",
            Designation.objects.exclude(listed_precision=DatePrecision.ON_OR_BEFORE),
            group_by=["program", "month"],
            event="listed",
        )
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for row in rows:
            if row.get("month"):
                counts[family_of.get(row["program"], "Other")][row["month"]] += row["count"]
        months = sorted({month for per_month in counts.values() for month in per_month})
        families = sorted(counts, key=lambda family: -sum(counts[family].values()))
        return {
            "months": months,
            "families": families,
            "table": [
                {"month": month, "counts": [counts[family].get(month, 0) for family in families]} for month in months
            ],
            "chart": {
                "type": "stacked",
                "labels": months,
                "series": [
                    {"label": family, "data": [counts[family].get(month, 0) for month in months]} for family in families
                ],
            },
        }


home = HomeView.as_view()


# Countries -------------------------------------------------------------------------------------------


class CountryListView(ListView):
    """Every country with the number of actively designated parties tied to it, sortable, with the map.

    One query: the whole table is one page (about 250 rows), so the map and the table show the same rows.
    """

    template_name = "designations/country_list.html"
    context_object_name = "countries"
    sorts = {
        "name": ("name",),
        "-name": ("-name",),
        "code": ("code",),
        "count": ("active_designees", "name"),
        "-count": ("-active_designees", "name"),
    }

    @cached_property
    def sort(self) -> str:
        sort = self.request.GET.get("sort", "-count")
        return sort if sort in self.sorts else "-count"

    def get_queryset(self):
        filterset = CountryFilterSet(self.request.GET, queryset=Country.objects.with_active_counts())
        queryset = filterset.qs if filterset.is_valid() else Country.objects.with_active_counts().none()
        return queryset.order_by(*self.sorts[self.sort])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = context["countries"]
        context["sort"] = self.sort
        context["query"] = self.request.GET.get("q", "")
        rows = [{"country": c.code, "count": c.active_designees} for c in countries if c.active_designees]
        context["map_chart"] = {"type": "map", "countries": map_data(rows, {c.code: c for c in countries})}
        context["with_designees"] = len(rows)
        return context


class CountryDetailView(ParameterChecksMixin, DetailView):
    """A country: counts by program and authority, the timeline, the designees tied to it (filterable,
    paginated), related countries, and the programs and authorities aimed at it.

    A designee counts for a country in any role (nationality, address, place of birth...), so an
    individual known only by a place of birth in China is listed under China. With ``?as_of=YYYY-MM-DD``
    the counts and the list show what was in force that day.
    """

    template_name = "designations/country_detail.html"
    context_object_name = "country"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Country.objects.prefetch_related("spellings", "programs", "authorities"),
            code=self.kwargs["code"].upper(),
        )

    def get_template_names(self):
        if self.request.htmx:
            return ["designations/_designation_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        as_of, as_of_error = parse_as_of(self.request)
        everything = Designation.objects.for_country(country.code)
        base = everything.in_force_on(as_of) if as_of else everything
        filterset = designation_filterset(self.request, base)
        designations = (
            table_rows(filterset.qs).order_by("designee__name", "program__code", "pk")
            if filterset.is_valid()
            else Designation.objects.none()
        )
        context.update(paginate_designations(self.request, designations))
        context.update(
            {
                "filterset": filterset,
                "as_of": as_of,
                "as_of_error": as_of_error,
                "query": query_without(self.request, "page"),
                "table_caption": f"Designations of parties tied to {country.name}",
                "feed_url": reverse("designations:country_feed", kwargs={"code": country.code}),
            }
        )
        if self.request.htmx:
            return context
        current = in_force(everything, as_of)
        programs = {program.code: program for program in Program.objects.all()}
        authorities = {authority.code: authority for authority in Authority.objects.all()}
        countries = {c.code: c for c in Country.objects.all()}
        page_stats = PageStats(f"country:{country.code}:{as_of}")
        by_program_authority = page_stats.stats("by-program-authority", current, group_by=["program", "authority"])
        by_program = breakdown(sum_by(by_program_authority, "program"), "program", programs)
        by_authority = breakdown(sum_by(by_program_authority, "authority"), "authority", authorities)
        related = [
            row
            for row in breakdown(page_stats.stats("by-country", current, group_by=["country"]), "country", countries)
            if row["code"] != country.code
        ]
        human_rights = [row for row in by_program if row["object"] is not None and row["object"].is_human_rights]
        narrow_program_choices(filterset, [row["code"] for row in by_program])
        context.update(
            {
                "by_program": by_program,
                "by_authority": by_authority,
                "related_countries": related[:15],
                "human_rights": human_rights,
                "human_rights_query": urlencode(
                    [("program", p.code) for p in programs.values() if p.is_human_rights]
                    + [("status", "active"), ("status", "delisted")]
                ),
                "in_force_total": sum(row["count"] for row in by_program),
                "timeline": timeline(everything, as_of, page_stats),
                "program_chart": {
                    "type": "bar",
                    "labels": [row["code"] for row in by_program[:15]],
                    "series": [{"label": "Designations", "data": [row["count"] for row in by_program[:15]]}],
                },
            }
        )
        return context


# Designees -------------------------------------------------------------------------------------------


class DesigneeDetailView(DetailView):
    """A designee: names in every script, identifiers, birth data, countries with their roles, addresses,
    every designation with its dates, reason and sources, its relationships (links and a small graph) and
    the history of changes to its designations."""

    template_name = "designations/designee_detail.html"
    context_object_name = "designee"
    graph_limit = 12

    def get_queryset(self):
        return Designee.objects.prefetch_related(
            "aliases",
            "identifiers",
            "addresses",
            "birth_dates",
            "places_of_birth__country",
            "country_links__country",
            "relationships_from__to_designee",
            "relationships_to__from_designee",
            "citations",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        designee = self.object
        # A designee has a handful of designations at most, so they are listed whole, active ones first.
        designations = list(
            designee.designations.select_related("program", "authority", "reason_source")
            .with_events()
            .prefetch_related("categories", "citations")
            .order_by("status", F("listed_on").desc(nulls_last=True), "pk")
        )
        context["designations"] = designations
        history = [event for designation in designations for event in designation.events.all()]
        history.sort(key=lambda event: (event.occurred_on or datetime.date.min, event.pk), reverse=True)
        context["history"] = history
        roles: dict[Country, list[str]] = defaultdict(list)
        for link in designee.country_links.all():
            roles[link.country].append(link.get_role_display())
        context["countries"] = sorted(roles.items(), key=lambda item: item[0].name)
        links = [
            (rel.to_designee, rel.to_name, rel.get_kind_display(), "out") for rel in designee.relationships_from.all()
        ] + [
            (rel.from_designee, rel.from_designee.name, rel.get_kind_display(), "in")
            for rel in designee.relationships_to.all()
        ]
        context["graph"] = self.graph(designee, links[: self.graph_limit]) if links else None
        context["graph_more"] = max(0, len(links) - self.graph_limit)
        return context

    @staticmethod
    def graph(designee: Designee, links: Sequence[tuple]) -> dict:
        """Positions for a small radial SVG graph: the designee in the middle, its links around it."""
        width, height, radius = 640, 360, 130
        cx, cy = width / 2, height / 2
        nodes = []
        for index, (other, name, kind, direction) in enumerate(links):
            angle = 2 * math.pi * index / len(links) - math.pi / 2
            x, y = cx + radius * 1.6 * math.cos(angle), cy + radius * math.sin(angle)
            nodes.append(
                {
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "label": name if len(name) <= 28 else f"{name[:27]}…",
                    "name": name,
                    "url": other.get_absolute_url() if other else "",
                    "kind": kind,
                    "direction": direction,
                    "anchor": "start" if x > cx + 1 else "end" if x < cx - 1 else "middle",
                    "label_dx": 8 if x > cx + 1 else -8 if x < cx - 1 else 0,
                }
            )
        label = designee.name if len(designee.name) <= 32 else f"{designee.name[:31]}…"
        return {"width": width, "height": height, "cx": cx, "cy": cy, "label": label, "nodes": nodes}


# Designations list -----------------------------------------------------------------------------------


class DesignationListView(ParameterChecksMixin, FilterView):
    """Every designation, filtered by any filter of the API, with a CSV download of exactly the same rows.

    ``?as_of=YYYY-MM-DD`` shows what was in force that day. With ``HX-Request`` only the table is rendered.
    """

    filterset_class = DesignationFilterSet
    paginate_by = PAGE_SIZE
    template_name = "designations/designation_list.html"
    context_object_name = "designations"
    strict = False

    @cached_property
    def as_of(self) -> tuple[datetime.date | None, str]:
        return parse_as_of(self.request)

    def get_queryset(self):
        queryset = table_rows(Designation.objects.all()).order_by(F("listed_on").desc(nulls_last=True), "pk")
        as_of, _ = self.as_of
        return queryset.in_force_on(as_of) if as_of else queryset

    def get_filterset(self, filterset_class):
        return designation_filterset(self.request, self.get_queryset())

    def get_template_names(self):
        if self.request.htmx:
            return ["designations/_designation_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        as_of, as_of_error = self.as_of
        filterset = context["filter"]
        csv_query = [(key, value) for key, values in filterset.data.lists() for value in values if value != ""]
        if as_of and "as_of" in DesignationFilterSet.base_filters:
            csv_query.append(("as_of", as_of.isoformat()))
        context.update(
            {
                "filterset": filterset,
                "as_of": as_of,
                "as_of_error": as_of_error,
                "query": query_without(self.request, "page"),
                "csv_url": f"/api/designations/?{urlencode([('format', 'csv'), *csv_query])}",
                # The ``<fk>_id`` twins of the code filters work in the query string; the form shows the codes.
                "fields": [name for name in filterset.form.fields if name not in ("program_id", "authority_id")],
                "show_program": True,
                "table_caption": "Designations",
            }
        )
        return context


# Search ----------------------------------------------------------------------------------------------


class SearchView(TemplateView):
    """One box: designees by name in any spelling (the name matcher), by identifier, and countries and
    programs to jump to. Each result says why it matched."""

    template_name = "designations/search.html"
    limit = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = " ".join(self.request.GET.get("q", "").split())[:200]
        context["query"] = query
        if not query:
            return context
        context["countries"] = list(CountryFilterSet({"q": query}, queryset=Country.objects.all()).qs[:5])
        context["programs"] = list(
            Program.objects.filter(
                Q(code__iexact=query) | Q(code__icontains=query) | Q(name__icontains=query)
            ).order_by("code")[:5]
        )
        by_identifier = list(
            Identifier.objects.filter(value__iexact=query)
            .select_related("designee")
            .order_by("designee__name", "pk")[: self.limit]
        )
        results = {
            identifier.designee_id: {
                "designee": identifier.designee,
                "score": 1.0,
                "reason": f"{identifier.kind} {identifier.value}",
                "field": "identifier",
            }
            for identifier in by_identifier
        }
        for match in self.name_matches(query):
            if match.designee_id in results:
                continue
            results[match.designee_id] = {
                "designee_id": match.designee_id,
                "score": match.score,
                "reason": match.matched_name,
                "field": match.matched_field,
                "explanation": match.explanation,
            }
        missing = [pk for pk, result in results.items() if "designee" not in result]
        designees = Designee.objects.in_bulk(missing) if missing else {}
        for pk in missing:
            results[pk]["designee"] = designees.get(pk)
        context["results"] = [result for result in results.values() if result["designee"] is not None]
        return context

    def name_matches(self, query: str) -> list:
        """Names resembling the query, with the screening API's caps: too many words, or past the cost or time
        budget, gives no name matches (the page still shows identifier, country and program matches)."""
        from designations import matching

        if matching.token_count(query) > settings.MATCH_MAX_TOKENS_PER_NAME:
            return []
        budget = matching.ScreeningBudget(units=settings.MATCH_COST_BUDGET, seconds=settings.MATCH_TIME_BUDGET_SECONDS)
        try:
            return matching.match_names(query, limit=self.limit, budget=budget)
        except (ValueError, matching.ScreeningBudgetExceeded):  # nothing to screen, or too dear to screen
            return []
