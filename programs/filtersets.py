"""Filters for authorities and programs, shared by the pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from designations.filtersets import CountryFilter, code_filter_pair
from programs.models import Agency, Authority, Program


class AuthorityFilterSet(django_filters.FilterSet):
    """Authorities by kind, issuer, status, target country and the instruments they implement."""

    kind = django_filters.MultipleChoiceFilter(choices=Authority.Kind.choices, distinct=False)
    issuer = django_filters.MultipleChoiceFilter(choices=Agency.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=Authority.Status.choices, distinct=False)
    is_human_rights = django_filters.BooleanFilter()
    country = CountryFilter(field_name="target_countries", label="Target country (ISO code)")
    implements, implements_id = code_filter_pair(Authority, "implements", distinct=True)
    ended_by, ended_by_id = code_filter_pair(Authority, "ended_by")
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Authority
        fields = (
            "kind",
            "issuer",
            "status",
            "is_human_rights",
            "country",
            "implements",
            "implements_id",
            "ended_by",
            "ended_by_id",
            "q",
        )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(short_name__icontains=value)
            | Q(citation__icontains=value)
        )


class ProgramFilterSet(django_filters.FilterSet):
    """Programs by agency, family, status, authority, target country and the tag that replaced them."""

    agency = django_filters.MultipleChoiceFilter(choices=Agency.choices, distinct=False)
    family = django_filters.MultipleChoiceFilter(choices=Program.Family.choices, distinct=False)
    status = django_filters.MultipleChoiceFilter(choices=Program.Status.choices, distinct=False)
    is_human_rights = django_filters.BooleanFilter()
    authority, authority_id = code_filter_pair(Authority, "authorities", distinct=True)
    country = CountryFilter(field_name="target_countries", label="Target country (ISO code)")
    replaced_by, replaced_by_id = code_filter_pair(Program, "replaced_by")
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Program
        fields = (
            "agency",
            "family",
            "status",
            "is_human_rights",
            "authority",
            "authority_id",
            "country",
            "replaced_by",
            "replaced_by_id",
            "q",
        )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value) | Q(description__icontains=value))
