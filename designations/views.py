"""Pages about countries and designees, and the home page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from designations.models import Country, Designation, DesignationEvent, Designee, DesigneeCountry
from importers.models import ImportRun
from programs.models import Authority, Program

PAGE_SIZE = 50


def paginate_designations(request, queryset, *, prefix: str = "page") -> dict:
    """Context for one page of designations: ``page_obj``, ``designations`` and ``paginator``.

    Costs two queries (the count and the page), whatever the page size.
    """
    paginator = Paginator(queryset, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get(prefix))
    return {"paginator": paginator, "page_obj": page_obj, "designations": page_obj.object_list}


class HomeView(TemplateView):
    """The tracker at a glance: totals, the latest imports, recent listings and the human-rights programs."""

    template_name = "home.html"
    recent_event_count = 10
    recent_run_count = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = Designation.objects.active().aggregate(
            designations=Count("pk"), designees=Count("designee", distinct=True)
        )
        context["counts"] = {
            "active_designations": active["designations"],
            "active_designees": active["designees"],
            "designees": Designee.objects.count(),
            "programs": Program.objects.count(),
            "countries": (
                DesigneeCountry.objects.filter(designee__designations__status=Designation.Status.ACTIVE)
                .values("country_id")
                .distinct()
                .count()
            ),
            "authorities": Authority.objects.count(),
        }
        context["import_runs"] = list(ImportRun.objects.order_by("-created_at", "-pk")[: self.recent_run_count])
        context["recent_events"] = list(
            DesignationEvent.objects.filter(
                kind__in=(
                    DesignationEvent.Kind.LISTED,
                    DesignationEvent.Kind.DELISTED,
                    DesignationEvent.Kind.RELISTED,
                )
            )
            .select_related("designation__designee", "designation__program")
            .order_by(F("occurred_on").desc(nulls_last=True), "-pk")[: self.recent_event_count]
        )
        context["human_rights_programs"] = list(
            Program.objects.human_rights()
            .annotate(active_count=Count("designations", filter=Q(designations__status=Designation.Status.ACTIVE)))
            .order_by("-active_count", "code")
        )
        return context


home = HomeView.as_view()


class CountryListView(ListView):
    """Every country, with the number of actively designated designees tied to it."""

    template_name = "designations/country_list.html"
    context_object_name = "countries"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Country.objects.with_active_counts().order_by("-active_designees", "name")


class CountryDetailView(DetailView):
    """A country: the programs and authorities aimed at it, and the active designations of designees tied to it.

    A designee counts for a country in any role (nationality, address, place of birth...), so an
    individual known only by a place of birth in China is listed under China.
    """

    template_name = "designations/country_detail.html"
    context_object_name = "country"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Country.objects.prefetch_related("spellings", "programs", "authorities"),
            code=self.kwargs["code"].upper(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        designations = (
            Designation.objects.active()
            .for_country(self.object.code)
            .with_related()
            .order_by("designee__name", "program__code", "pk")
        )
        context.update(paginate_designations(self.request, designations))
        return context


class DesigneeDetailView(DetailView):
    """A designee: names, identifiers, countries, and every designation it has had, active or not."""

    template_name = "designations/designee_detail.html"
    context_object_name = "designee"

    def get_queryset(self):
        return Designee.objects.prefetch_related(
            "aliases",
            "identifiers",
            "addresses",
            "birth_dates",
            "places_of_birth",
            "country_links__country",
            "relationships_from__to_designee",
            "relationships_to__from_designee",
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A designee has a handful of designations at most, so they are listed whole, active ones first.
        context["designations"] = list(
            self.object.designations.select_related("program", "authority").order_by(
                "status", F("listed_on").desc(nulls_last=True), "pk"
            )
        )
        return context
