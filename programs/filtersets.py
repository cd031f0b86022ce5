"""Filters for authorities and programs, shared by the pages and the API; and the filters every layer above
uses to choose a country by its code or a program or authority by its code or id."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_filters.fields import ModelChoiceField

from programs.models import Agency, Authority, Country, Program
from tracker.filters import ListModelChoiceField, ListModelChoiceFilter, split_values


class CountryCodeField(ModelChoiceField):
    """A country chosen by its ISO alpha-2 code, in either case (``ir`` finds ``IR``)."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().upper()
        return super().to_python(value)


class CountryFilter(django_filters.ModelChoiceFilter):
    """Filter by one country, given as its ISO alpha-2 code; an unknown code is a validation error."""

    field_class = CountryCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Country.objects.all())
        kwargs.setdefault("to_field_name", "code")
        super().__init__(*args, **kwargs)


class CountriesSelect(forms.Select):
    """One country to choose on a page's form; in the query string, as many as given (``country=IR,cn``)."""

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = split_values(getter(name) if getter is not None else data.get(name))
        return [value.upper() if isinstance(value, str) else value for value in values]


class CountriesField(ListModelChoiceField):
    """Countries by code; its select offers "any country" first, as ``CountryFilter``'s does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_label = "---------"


class CountriesFilter(ListModelChoiceFilter):
    """Filter by countries given as ISO alpha-2 codes, in either case, repeated or comma-separated
    (``country=IR,cn``); several mean any of them, and an unknown code is a validation error naming it.

    The filter's ``method`` receives the list of countries. Pages show it as one select, as ``CountryFilter``.
    """

    field_class = CountriesField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Country.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("widget", CountriesSelect)
        super().__init__(*args, **kwargs)


class CodeMultipleChoiceFilter(ListModelChoiceFilter):
    """Related objects chosen by their ``code``, in any case, repeated or comma-separated
    (``program=GLOMAG,uhrpa``); several values mean any of them.

    django-filter would compare ``field_name`` with each chosen object's code, and drf-spectacular reads
    the parameter's type from ``field_name`` followed by ``to_field_name``. Filtering on the chosen objects
    themselves lets ``field_name`` name the relation, which suits both.
    """

    def get_filter_predicate(self, v):
        return {self.field_name: v}


def code_filter_pair(
    model: type[Program] | type[Authority], field_name: str, *, method: str | None = None, distinct: bool = False
) -> tuple[django_filters.Filter, django_filters.Filter]:
    """The ``<fk>`` (by code, in any case) and ``<fk>_id`` (by pk) filters for ``field_name``; both take
    several values, repeated or comma-separated.

    Pass ``distinct=True`` when ``field_name`` crosses a many-to-many relation, where two values could
    match one row twice.
    """
    label = model._meta.verbose_name.capitalize()
    by_code = CodeMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="code",
        queryset=model.objects.all(),
        label=f"{label} (code)",
        distinct=distinct,
        method=method,
    )
    by_pk = ListModelChoiceFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        label=f"{label} (ID)",
        distinct=distinct,
        method=method,
    )
    return by_code, by_pk


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
