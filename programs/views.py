"""Pages about programs and authorities."""

from __future__ import annotations

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from designations.models import Designation
from designations.views import PAGE_SIZE, paginate_designations
from programs.models import Authority, Program

ACTIVE = Q(designations__status=Designation.Status.ACTIVE)


class ProgramListView(ListView):
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


class ProgramDetailView(DetailView):
    """A program: its authorities, the countries it targets, its renames, and its active designations."""

    template_name = "programs/program_detail.html"
    context_object_name = "program"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_queryset(self):
        return Program.objects.select_related("replaced_by").prefetch_related(
            "authorities", "target_countries", "replaces"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        designations = (
            Designation.objects.active().filter(program=self.object).with_related().order_by("designee__name", "pk")
        )
        context.update(paginate_designations(self.request, designations))
        return context


class AuthorityListView(ListView):
    """Every authority with its status and the number of programs under it."""

    template_name = "programs/authority_list.html"
    context_object_name = "authorities"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Authority.objects.annotate(program_count=Count("programs", distinct=True)).order_by(
            "-is_human_rights", "name", "pk"
        )


class AuthorityDetailView(DetailView):
    """An authority: its lifecycle, what it implements, its programs, and the active designations under it.

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programs = Program.objects.filter(authorities=self.object).values("pk")
        designations = (
            Designation.objects.active()
            .filter(Q(authority=self.object) | Q(program__in=programs))
            .with_related()
            .order_by("designee__name", "program__code", "pk")
        )
        context.update(paginate_designations(self.request, designations))
        return context
