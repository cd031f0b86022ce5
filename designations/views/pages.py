"""Pages about countries, designees and designations, and the home page.

Timelines and breakdowns come from ``designations.coverage.dated_stats`` (the aggregates ``/api/stats/``
serves, dates placed in a month or year by the same rule); lists use ``DesignationFilterSet``, so a page's
filters (``date_certainty`` included) mean what the API's do, and the designations list says what its date
criteria rest on as the API's ``coverage`` does. Every page costs a fixed number of queries whatever the
data size; tests pin them.

Query parameters get the API's checks (``ParameterChecksMixin``): a ``page`` that is not a page number
is a plain 400 naming it; a filter, ``as_of`` or id a page cannot use (not a date, beyond a 64-bit
integer, no such program) gives the page with the message next to its field, answered 400. Nothing a
client sends reaches the database as a value it cannot hold. The CSV download of the designations list
is the API's own export (``csv_url``), so its cells go through ``designations.exports.csv_value`` too.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from designations.extensions import designee_panels, reconstructed_documents, subject_panels
from designations.filtersets import CountryFilterSet, DesignationFilterSet
from designations.models import (
    FACT_LISTS,
    Country,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    SourceDocument,
    cited_documents,
)
from designations.views.common import (
    CHANGE_EVENTS,
    PAGE_SIZE,
    PageStats,
    ParameterChecksMixin,
    breakdown,
    date_certainty,
    designation_filterset,
    in_force,
    in_force_on,
    map_data,
    page_coverage,
    page_title,
    paginate_designations,
    parse_as_of,
    results_status,
    sum_by,
    table_rows,
    timeline,
)
from designations.views.pickers import filter_chips, offer_picker_choices
from designations.views.querystring import query_without
from designations.views.sorting import table_sort
from programs.models import Authority, Program


def human_rights_programs() -> list[Program]:
    """The human-rights programs (Global Magnitsky, Hong Kong, Caesar, UHRPA, Belarus, 7031(c)...), one query."""
    return list(Program.objects.human_rights().order_by("code"))


# Home ------------------------------------------------------------------------------------------------


class HomeView(TemplateView):
    """The tracker at a glance: totals, recent listings and delistings, the monthly timeline by program
    family, the map of active designations per country, the human-rights programs.
    The import log is the editors', in the admin."""

    template_name = "home.html"
    recent_event_count = 10

    def get_context_data(self, **kwargs):
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
    default_sort = "designee"

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
        base = in_force_on(everything, as_of, date_certainty(self.request)) if as_of else everything
        filterset = designation_filterset(self.request, base)
        sort = table_sort(self.request, default=self.default_sort)
        designations = (
            table_rows(filterset.qs).order_by(*sort["sort_order"])
            if filterset.is_valid()
            else Designation.objects.none()
        )
        context.update(paginate_designations(self.request, designations))
        context.update(sort)
        context.update(
            {
                "filterset": filterset,
                "as_of": as_of,
                "as_of_error": as_of_error,
                "query": query_without(self.request, "page"),
                "table_caption": f"Designations of parties tied to {country.name}",
                "feed_url": reverse("designations:country_feed", kwargs={"code": country.code}),
                "page_title": page_title(country.name, self.request, filterset, as_of),
                "results_status": results_status(context["page_obj"], as_of),
                "live_status": True,
            }
        )
        context.update(filter_chips(self.request, filterset, as_of))
        if self.request.htmx:
            return context
        current = in_force(everything, as_of, date_certainty(self.request))
        programs = {program.code: program for program in Program.objects.all()}
        authorities = {authority.code: authority for authority in Authority.objects.all()}
        countries = {c.code: c for c in Country.objects.all()}
        page_stats = PageStats(f"country:{country.code}:{as_of}:{date_certainty(self.request)}")
        by_program_authority = page_stats.stats("by-program-authority", current, group_by=["program", "authority"])
        by_program = breakdown(sum_by(by_program_authority, "program"), "program", programs)
        by_authority = breakdown(sum_by(by_program_authority, "authority"), "authority", authorities)
        related = [
            row
            for row in breakdown(page_stats.stats("by-country", current, group_by=["country"]), "country", countries)
            if row["code"] != country.code
        ]
        human_rights = [row for row in by_program if row["object"] is not None and row["object"].is_human_rights]
        context["panels"] = subject_panels(country)
        offer_picker_choices(filterset, base, page_stats, ["program"])
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
            "stated_facts",
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
        # Reasons and sources from reconstructed pages are labelled as such, never shown as the release's words.
        reconstructed = reconstructed_documents(
            [designation.reason_source_id for designation in designations]
            + [event.source_document_id for event in history]
        )
        for designation in designations:
            designation.reason_reconstructed = designation.reason_source_id in reconstructed
        for event in history:
            event.source_reconstructed = event.source_document_id in reconstructed
        history.sort(key=lambda event: (event.occurred_on or datetime.date.min, event.pk), reverse=True)
        context["history"] = history
        context["fact_sources"], context["facts_unsourced"] = self.number_fact_sources(designee)
        roles: dict[Country, list[str]] = defaultdict(list)
        marks: dict[Country, list[int]] = defaultdict(list)
        for link in designee.country_links.all():
            roles[link.country].append(link.get_role_display())
            if link.source_number and link.source_number not in marks[link.country]:
                marks[link.country].append(link.source_number)
        context["countries"] = [
            (country, roles[country], sorted(marks[country])) for country in sorted(roles, key=lambda c: c.name)
        ]
        links = [
            (rel.to_designee, rel.to_name, rel.get_kind_display(), "out") for rel in designee.relationships_from.all()
        ] + [
            (rel.from_designee, rel.from_designee.name, rel.get_kind_display(), "in")
            for rel in designee.relationships_to.all()
        ]
        context["graph"] = self.graph(designee, links[: self.graph_limit]) if links else None
        context["graph_more"] = max(0, len(links) - self.graph_limit)
        # What apps above this one add about the designee (its allied designations, for one).
        context["panels"] = designee_panels(designee)
        return context

    @staticmethod
    def number_fact_sources(designee: Designee) -> tuple[list[tuple[int, SourceDocument]], bool]:
        """Number the documents the designee's facts were read from, oldest first, and mark each fact with
        its document's number (``source_number``, None for a fact without one: an editor's, or stored
        before facts kept their source). Returns the numbered documents and whether a fact has none."""
        facts = [fact for relation in FACT_LISTS.values() for fact in getattr(designee, relation).all()]
        cited = {fact.source_document_id for fact in facts if fact.source_document_id}
        numbered = list(enumerate(cited_documents(cited), start=1))
        number = {document.pk: n for n, document in numbered}
        for fact in facts:
            fact.source_number = number.get(fact.source_document_id)
        return numbered, any(fact.source_document_id is None for fact in facts)

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
    default_sort = "-listed"
    picker_filters = ("program", "authority", "country")

    @cached_property
    def as_of(self) -> tuple[datetime.date | None, str]:
        return parse_as_of(self.request)

    @cached_property
    def sort(self) -> dict:
        return table_sort(self.request, default=self.default_sort)

    def get_queryset(self):
        queryset = table_rows(Designation.objects.all()).order_by(*self.sort["sort_order"])
        as_of, _ = self.as_of
        return in_force_on(queryset, as_of, date_certainty(self.request)) if as_of else queryset

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
        context.update(self.sort)
        context.update(
            {
                "filterset": filterset,
                "as_of": as_of,
                "as_of_error": as_of_error,
                "query": query_without(self.request, "page"),
                # In the swapped table, so the link always downloads the rows just filtered, and says how many.
                "csv_url": f"/api/designations/?{urlencode([('format', 'csv'), *csv_query])}",
                "csv_rows": context["paginator"].count,
                # The ``<fk>_id`` twins of the code filters work in the query string; the form shows the codes,
                # and the editors' filters only to editors.
                "fields": [
                    name
                    for name in filterset.form.fields
                    if name not in ("program_id", "authority_id")
                    and (self.request.user.is_staff or name not in EDITORS_FILTERS)
                ],
                "show_program": True,
                "table_caption": "Designations",
                "page_title": page_title("Designations", self.request, filterset, as_of),
                "results_status": results_status(context["page_obj"], as_of),
                "live_status": True,
            }
        )
        context.update(filter_chips(self.request, filterset, as_of))
        if not self.request.htmx:
            page_stats = PageStats(f"designations:{as_of}:{date_certainty(self.request)}")
            offer_picker_choices(filterset, self.get_queryset(), page_stats, self.picker_filters)
        if not self.request.htmx and filterset.is_valid():
            context["coverage"] = page_coverage(self.request)
        return context


# Filters of the editors' work (review queue, a record by its database id): on the page's form for staff only;
# the query string still takes them from anyone.
EDITORS_FILTERS = ("review_state", "designee_id")
