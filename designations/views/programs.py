"""Pages about programs and authorities.

A program or authority page shows its legal basis and lifecycle, the timeline of listings and
delistings, the breakdown by country and the designations under it (filterable, paginated); with
``?as_of=YYYY-MM-DD`` the counts and the list show what was in force that day. Query parameters get the
API's checks (``designations.views.ParameterChecksMixin``).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView

from designations.context_processors import data_date_for
from designations.extensions import subject_panels
from designations.models import Country, Designation
from designations.views.common import (
    PAGE_SIZE,
    PageStats,
    ParameterChecksMixin,
    breakdown,
    date_certainty,
    designation_filterset,
    in_force,
    in_force_on,
    map_data,
    page_title,
    paginate_designations,
    parse_as_of,
    results_status,
    table_rows,
    timeline,
)
from designations.views.pickers import filter_chips, offer_picker_choices
from designations.views.querystring import query_without
from designations.views.sorting import table_sort
from programs.models import Authority, AuthorityEvent, Program

ACTIVE = Q(designations__status=Designation.Status.ACTIVE)


class DesignationsPageMixin:
    """The parts program and authority pages share: the filtered table, the timeline, the countries.

    Subclasses give ``designations_of(obj)``, every designation under the object, listed or delisted.
    With ``HX-Request`` only the table is rendered (the filter form is layered with htmx).
    """

    show_program = True
    default_sort = "designee"
    # The filters the page's form offers as pickers of the values with designations here (with counts).
    picker_filters: tuple[str, ...] = ("program", "country")

    def designations_of(self, obj) -> QuerySet:
        raise NotImplementedError

    def authorities_of(self, obj) -> list[Authority]:
        """The authorities behind the object, whose end after the data's date the page points out."""
        raise NotImplementedError

    def title_of(self, obj) -> str:
        """The page's ``<title>`` before its filters: the object by name."""
        return str(obj)

    def get_template_names(self):
        if self.request.htmx:
            return ["designations/_designation_table.html"]
        return [self.template_name]

    def designations_context(self, obj) -> dict:
        as_of, as_of_error = parse_as_of(self.request)
        everything = self.designations_of(obj)
        certainty = date_certainty(self.request)
        base = in_force_on(everything, as_of, certainty) if as_of else everything
        filterset = designation_filterset(self.request, base)
        sort = table_sort(self.request, default=self.default_sort, show_program=self.show_program)
        designations = (
            table_rows(filterset.qs).order_by(*sort["sort_order"])
            if filterset.is_valid()
            else Designation.objects.none()
        )
        context = paginate_designations(self.request, designations)
        context.update(sort)
        context.update(
            {
                "filterset": filterset,
                "as_of": as_of,
                "as_of_error": as_of_error,
                "query": query_without(self.request, "page"),
                "show_program": self.show_program,
                "page_title": page_title(self.title_of(obj), self.request, filterset, as_of),
                "results_status": results_status(context["page_obj"], as_of),
                "live_status": True,
            }
        )
        context.update(filter_chips(self.request, filterset, as_of))
        if self.request.htmx:
            return context
        day = data_date_for(self.request).day
        context["ended_after_data"] = [
            authority
            for authority in self.authorities_of(obj)
            if day is not None and authority.ended_on is not None and authority.ended_on > day
        ]
        page_stats = PageStats(f"{obj._meta.model_name}:{obj.pk}:{as_of}:{certainty}")
        current = in_force(everything, as_of, certainty)
        countries = {country.code: country for country in Country.objects.all()}
        country_rows = page_stats.stats("by-country", current, group_by=["country"])
        by_country = breakdown(country_rows, "country", countries)
        context["panels"] = subject_panels(obj)
        offer_picker_choices(filterset, base, page_stats, self.picker_filters)
        context.update(
            {
                "timeline": timeline(everything, as_of, page_stats),
                "by_country": by_country,
                "in_force_total": page_stats.get("in-force", current.count),
                "map_chart": {"type": "map", "countries": map_data(country_rows, countries)},
            }
        )
        return context


def program_title(program: Program) -> str:
    """A program by name with its code, or by its code alone when it has no other name."""
    name = (program.name or "").strip()
    return f"{name} ({program.code})" if name and name != program.code else program.code


class ProgramListView(ParameterChecksMixin, ListView):
    """Every program, human-rights programs first, with its active designation count."""

    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return (
            Program.objects.annotate(active_count=Count("designations", filter=ACTIVE))
            .prefetch_related("target_countries")
            .order_by("-is_human_rights", "code")
        )


class ProgramDetailView(ParameterChecksMixin, DesignationsPageMixin, DetailView):
    """A program: its authorities and their lifecycle, the countries it targets, its renames, the
    timeline, the breakdown by country and its designations."""

    template_name = "programs/program_detail.html"
    context_object_name = "program"
    slug_field = "code"
    slug_url_kwarg = "code"
    show_program = False
    picker_filters = ("country",)

    def get_queryset(self):
        return Program.objects.select_related("replaced_by").prefetch_related(
            "authorities", "target_countries", "replaces"
        )

    def designations_of(self, obj: Program) -> QuerySet:
        return Designation.objects.filter(program=obj)

    def authorities_of(self, obj: Program) -> list[Authority]:
        return list(obj.authorities.all())

    def title_of(self, obj: Program) -> str:
        """ "Global Magnitsky Human Rights Accountability Act (GLOMAG)": the name, with the code OFAC tags by."""
        return program_title(obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.designations_context(self.object))
        context["table_caption"] = f"Designations under {self.object.code}"
        context["feed_url"] = reverse("programs:program_feed", kwargs={"code": self.object.code})
        if not self.request.htmx:
            context["lifecycle"] = list(
                AuthorityEvent.objects.filter(authority__programs=self.object)
                .select_related("authority")
                .order_by("occurred_on", "authority__name", "pk")
            )
        return context


class AuthorityListView(ParameterChecksMixin, ListView):
    """Every authority with its status and the number of programs under it."""

    template_name = "programs/authority_list.html"
    context_object_name = "authorities"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Authority.objects.annotate(program_count=Count("programs", distinct=True)).order_by(
            "-is_human_rights", "name", "pk"
        )


class AuthorityDetailView(ParameterChecksMixin, DesignationsPageMixin, DetailView):
    """An authority: its lifecycle, what it implements, its programs, the timeline, the breakdown by
    country and the designations under it.

    A designation is under an authority when it names the authority itself, or when its program is one
    the authority stands behind (OFAC's list gives the program tag, not the order).
    """

    template_name = "programs/authority_detail.html"
    context_object_name = "authority"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Authority.objects.select_related("ended_by").prefetch_related(
                "events", "implements", "implemented_by", "target_countries", "programs"
            ),
            code=self.kwargs["code"],
        )

    def designations_of(self, obj: Authority) -> QuerySet:
        programs = Program.objects.filter(authorities=obj).values("pk")
        return Designation.objects.filter(Q(authority=obj) | Q(program__in=programs))

    def authorities_of(self, obj: Authority) -> list[Authority]:
        return [obj]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.designations_context(self.object))
        context["table_caption"] = f"Designations under {self.object}"
        return context
