"""Filters for countries, designees, designations, their events and source documents, shared by the pages and the API.

``?program=GLOMAG&country=IR`` means the same on an HTML list and on its API endpoint. Every foreign key
has a pair of filters: ``<fk>_id`` by primary key and ``<fk>`` by code. Every multi-value filter (programs,
authorities, countries, agencies, kinds, statuses, categories) takes several values, repeated or
comma-separated: ``?program=GLOMAG,HK-EO13936`` means ``?program=GLOMAG&program=HK-EO13936``, either of
them; codes and choices match in any case (``program=glomag``, ``country=cn``) and an unknown one is an
error on its parameter (``tracker.filters``). ``country_role=personal`` narrows ``country`` to the person's
own country: a nationality, a citizenship or a place of birth. ``identifier`` compares normalised values
(``designations.models.normalised_identifier``): ``9245316`` finds ``IMO 9245316``.

Dates are answered by ``designations.coverage.DateQuestion``: ``listed_after``/``listed_before``,
``delisted_after``/``delisted_before`` (bounds inclusive) and ``as_of=YYYY-MM-DD`` (in force at the end of
that day: listed on or before it and not delisted by then). A date is a bracket of days (an exact day; a
month or year; the days between two list snapshots; every day up to the first snapshot held, "on or
before"), so ``date_certainty`` says how sure it must be: ``certain`` (the default) keeps designations
whose whole bracket answers ("listed in 2019" means certainly in 2019; in force on a day means certainly
listed by then and certainly not delisted by then), ``possible`` those whose bracket may answer. A
listing known only as a bracket between two list snapshots is therefore certainly in force from
``listed_on``, the end of the bracket, and a delisting bracket ends it certainly from ``delisted_on`` and
possibly from ``delisted_earliest``.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from designations.coverage import CERTAIN, POSSIBLE, DateQuestion, maybe_from, maybe_until, surely_from, surely_until
from designations.models import (
    AbuseCategory,
    Country,
    CountryName,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    ReviewState,
    SourceDocument,
    normalised_identifier,
)
from designations.querysets import IDENTIFIER_ROLE, PERSONAL_ROLE, designees_in_countries
from programs.filtersets import CountriesFilter, CountryFilter, code_filter_pair
from programs.models import Agency, Authority, Program
from tracker.filters import ListChoiceFilter, ListModelChoiceFilter


@extend_schema_field(OpenApiTypes.STR)
class CategoryFilter(ListModelChoiceFilter):
    """Abuse or conduct categories by code; repeat the parameter, or separate codes by commas, for any of several."""


def identifiers_matching(kind: str | None, value: str | None) -> QuerySet[Identifier]:
    """Identifiers of the published kind (case-insensitive) and with the value, when given.

    The value is compared normalised on both sides (``normalised_identifier``; the stored side is the
    indexed ``normalised_value``): ``9245316`` finds ``IMO 9245316`` and ``kj 0505670`` finds ``KJ0505670``.
    Both criteria apply to the same identifier: ``identifier_type=Passport&identifier=A123`` finds a
    passport numbered A123, not a designee with some passport and some other document numbered A123.
    """
    identifiers = Identifier.objects.all()
    if kind:
        identifiers = identifiers.filter(kind__iexact=kind)
    if value:
        identifiers = identifiers.filter(normalised_value=normalised_identifier(value))
    return identifiers


# The stored roles, and ``personal``: a nationality, a citizenship or a place of birth (``designees_in_countries``).
COUNTRY_ROLE_CHOICES = [
    *DesigneeCountry.Role.choices,
    (PERSONAL_ROLE, "Personal: nationality, citizenship or place of birth"),
    (IDENTIFIER_ROLE, "Identifier: issued one of its identifiers (passport, ID, registration)"),
]

DATE_CERTAINTY_CHOICES = [
    (CERTAIN, "Certain: the whole date bracket answers"),
    (POSSIBLE, "Possible: some day of the date bracket answers"),
]


class CountryFilterSet(django_filters.FilterSet):
    """Countries by code, name, or a spelling a source uses ("Burma", "Korea, North")."""

    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Country
        fields = ("q",)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        spellings = CountryName.objects.filter(name__icontains=value).values("country_id")
        return queryset.filter(Q(code__iexact=value) | Q(name__icontains=value) | Q(pk__in=spellings))


class DesignationFilterSet(django_filters.FilterSet):
    """Designations by program, authority, agency, country of the designee, status, dates and identifiers.

    Date bounds are inclusive: ``listed_after=2020-01-01`` keeps designations listed on that day.
    ``as_of`` keeps designations in force on that day (see the module docstring); ``status`` still means
    the status today, so ``as_of=2022-01-01&status=delisted`` finds designations in force then and
    delisted since.
    """

    # A number, not a choice: a form must not render a select of every designee.
    designee_id = django_filters.NumberFilter(field_name="designee", label="Designee (ID)")
    program, program_id = code_filter_pair(Program, "program")
    authority, authority_id = code_filter_pair(Authority, "authority")
    agency = ListChoiceFilter(choices=Agency.choices, distinct=False)
    country = CountriesFilter(method="filter_country", label="Country of the designee (ISO code, any role)")
    country_role = django_filters.ChoiceFilter(
        choices=COUNTRY_ROLE_CHOICES,
        method="filter_applied_with_country",
        label="Country role (with country)",
    )
    kind = ListChoiceFilter(
        field_name="designee__kind", choices=Designee.Kind.choices, label="Designee kind", distinct=False
    )
    status = ListChoiceFilter(choices=Designation.Status.choices, distinct=False)
    listed_after = django_filters.DateFilter(method="filter_applied_with_dates", label="Listed on or after")
    listed_before = django_filters.DateFilter(method="filter_applied_with_dates", label="Listed on or before")
    delisted_after = django_filters.DateFilter(method="filter_applied_with_dates", label="Delisted on or after")
    delisted_before = django_filters.DateFilter(method="filter_applied_with_dates", label="Delisted on or before")
    as_of = django_filters.DateFilter(method="filter_applied_with_dates", label="In force on (date)")
    date_certainty = django_filters.ChoiceFilter(
        choices=DATE_CERTAINTY_CHOICES,
        method="filter_applied_with_dates",
        label="How sure a date must be (with date filters)",
    )
    identifier_type = django_filters.CharFilter(
        method="filter_identifier", label="Designee identifier type (as published, e.g. Passport)"
    )
    identifier = django_filters.CharFilter(
        method="filter_identifier", label="Designee identifier value (without prefix, spaces or case)"
    )
    category = CategoryFilter(
        field_name="categories__code",
        to_field_name="code",
        queryset=AbuseCategory.objects.all(),
        distinct=True,
        label="Abuse or conduct category (code)",
    )
    review_state = django_filters.ChoiceFilter(choices=ReviewState.choices)
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Designation
        fields = (
            "designee_id",
            "program",
            "program_id",
            "authority",
            "authority_id",
            "agency",
            "country",
            "country_role",
            "kind",
            "status",
            "listed_after",
            "listed_before",
            "delisted_after",
            "delisted_before",
            "as_of",
            "date_certainty",
            "identifier_type",
            "identifier",
            "category",
            "review_state",
            "q",
        )

    def filter_country(self, queryset: QuerySet, name: str, value: list[Country]) -> QuerySet:
        codes = [country.code for country in value]
        return queryset.for_country(codes, self.form.cleaned_data.get("country_role") or None)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Every filter, then the date criteria together (``dates``); ``undated_queryset`` keeps the rows
        before the dates narrowed them, which an answer's coverage counts from."""
        queryset = super().filter_queryset(queryset)
        self.undated_queryset = queryset
        self.dates = DateQuestion.from_data(self.form.cleaned_data)
        return queryset.filter(self.dates.condition()) if self.dates else queryset

    def filter_applied_with_dates(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Date criteria are applied together by ``filter_queryset``, at the certainty asked."""
        return queryset

    def filter_identifier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``identifier_type`` and ``identifier`` match one identifier together; applied once, by either."""
        data = self.form.cleaned_data
        kind, number = (data.get("identifier_type") or "").strip(), (data.get("identifier") or "").strip()
        if name == "identifier" and kind:
            return queryset  # already applied with identifier_type
        if not (kind or number):
            return queryset
        return queryset.filter(designee_id__in=identifiers_matching(kind, number).values("designee_id"))

    def filter_applied_with_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``country_role`` only narrows ``country``; ``filter_country`` reads it."""
        return queryset

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(designee_id__in=Designee.objects.search(value).values("pk"))


class DesigneeFilterSet(django_filters.FilterSet):
    """Designees by kind, country, identifier and by their designations.

    The designation criteria (``program``, ``authority``, ``agency``, ``status``, ``listed_after``,
    ``listed_before``, ``delisted_after``, ``delisted_before``, ``as_of``) apply together to the same
    designation: ``?program=GLOMAG&status=active`` keeps designees actively designated under GLOMAG, not
    designees active under one program and once listed under GLOMAG. ``status=delisted`` keeps designees
    with a matching designation and no active one among them. ``as_of=D`` keeps designees with at least
    one (matching) designation in force on D; their nested ``designations`` list is not narrowed and still
    shows every designation, including those listed after D or ended before it.
    """

    DESIGNATION_FILTERS = (
        "program",
        "program_id",
        "authority",
        "authority_id",
        "agency",
        "status",
        "listed_after",
        "listed_before",
        "delisted_after",
        "delisted_before",
        "as_of",
    )

    kind = ListChoiceFilter(choices=Designee.Kind.choices, distinct=False)
    country = CountriesFilter(method="filter_country", label="Country (ISO code, any role)")
    country_role = django_filters.ChoiceFilter(
        choices=COUNTRY_ROLE_CHOICES,
        method="filter_applied_with_country",
        label="Country role (with country)",
    )
    program, program_id = code_filter_pair(Program, "designations__program", method="filter_applied_together")
    authority, authority_id = code_filter_pair(Authority, "designations__authority", method="filter_applied_together")
    status = ListChoiceFilter(
        choices=Designation.Status.choices, method="filter_applied_together", label="Designation status"
    )
    listed_after = django_filters.DateFilter(method="filter_applied_together", label="Listed on or after")
    listed_before = django_filters.DateFilter(method="filter_applied_together", label="Listed on or before")
    agency = ListChoiceFilter(choices=Agency.choices, method="filter_applied_together", label="Designating agency")
    delisted_after = django_filters.DateFilter(method="filter_applied_together", label="Delisted on or after")
    delisted_before = django_filters.DateFilter(method="filter_applied_together", label="Delisted on or before")
    as_of = django_filters.DateFilter(method="filter_applied_together", label="Designated on (date)")
    date_certainty = django_filters.ChoiceFilter(
        choices=DATE_CERTAINTY_CHOICES,
        method="filter_applied_together",
        label="How sure a date must be (with date filters)",
    )
    entry_number = django_filters.NumberFilter()
    identifier_type = django_filters.CharFilter(
        method="filter_identifier", label="Identifier type (as published, e.g. Passport)"
    )
    identifier = django_filters.CharFilter(
        method="filter_identifier", label="Identifier value (without prefix, spaces or case)"
    )
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = Designee
        fields = (
            "kind",
            "country",
            "country_role",
            "program",
            "program_id",
            "authority",
            "authority_id",
            "status",
            "listed_after",
            "listed_before",
            "agency",
            "delisted_after",
            "delisted_before",
            "as_of",
            "date_certainty",
            "entry_number",
            "identifier_type",
            "identifier",
            "q",
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return self.filter_by_designations(queryset)

    def filter_by_designations(self, queryset: QuerySet) -> QuerySet:
        """Keep designees with a designation matching every designation criterion given.

        1. Narrow designations by program, authority, agency, listing and delisting dates, and to those
           in force on ``as_of``, at the ``date_certainty`` asked (``designations.coverage.DateQuestion``).
        2. ``status=active``: keep designees with an active one among them.
        3. ``status=delisted``: keep designees with one of them and none active.
        4. Both (``status=active,delisted``): keep designees with one of them, as with no status.
        """
        data = self.form.cleaned_data
        # Empty multiple choices clean to an empty queryset (no query: it is .none()), hence truthiness.
        if not any(data.get(name) for name in self.DESIGNATION_FILTERS):
            return queryset
        designations = Designation.objects.all()
        for name in ("program", "program_id", "authority", "authority_id", "agency"):
            if data.get(name):
                designations = designations.filter(**{f"{name.removesuffix('_id')}__in": data[name]})
        dates = DateQuestion.from_data(data)
        if dates:
            designations = designations.filter(dates.condition())
        status = set(data.get("status") or ())
        if status == {Designation.Status.ACTIVE}:
            return queryset.filter(pk__in=designations.active().values("designee_id"))
        queryset = queryset.filter(pk__in=designations.values("designee_id"))
        if status == {Designation.Status.DELISTED}:
            queryset = queryset.exclude(pk__in=designations.active().values("designee_id"))
        return queryset

    def filter_applied_together(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """Designation criteria are applied as one subquery by ``filter_by_designations``."""
        return queryset

    def filter_country(self, queryset: QuerySet, name: str, value: list[Country]) -> QuerySet:
        codes = [country.code for country in value]
        return queryset.for_country(codes, self.form.cleaned_data.get("country_role") or None)

    def filter_applied_with_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``country_role`` only narrows ``country``; ``filter_country`` reads it."""
        return queryset

    def filter_identifier(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``identifier_type`` and ``identifier`` match one identifier together; applied once, by either."""
        data = self.form.cleaned_data
        kind, number = (data.get("identifier_type") or "").strip(), (data.get("identifier") or "").strip()
        if name == "identifier" and kind:
            return queryset  # already applied with identifier_type
        if not (kind or number):
            return queryset
        return queryset.filter(pk__in=identifiers_matching(kind, number).values("designee_id"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=Designee.objects.search(value).values("pk"))


class SourceDocumentFilterSet(django_filters.FilterSet):
    """Source documents by kind, agency, source and publication date (bounds inclusive)."""

    kind = django_filters.MultipleChoiceFilter(choices=SourceDocument.Kind.choices, distinct=False)
    agency = django_filters.MultipleChoiceFilter(choices=Agency.choices, distinct=False)
    source = django_filters.CharFilter()
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")
    q = django_filters.CharFilter(method="search", label="Search")

    class Meta:
        model = SourceDocument
        fields = ("kind", "agency", "source", "published_after", "published_before", "q")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value))


class DesignationEventFilterSet(django_filters.FilterSet):
    """Designation events (the changes feed) by event kind, program, country of the designee, and the day the
    event itself happened (``occurred_after``/``occurred_before``, inclusive), which is often known only as a
    bracket between two list states: ``date_certainty=certain`` (the default) keeps events whose whole bracket
    lies inside the bounds, ``possible`` those that may have happened inside them."""

    kind = django_filters.MultipleChoiceFilter(choices=DesignationEvent.Kind.choices, distinct=False)
    program, program_id = code_filter_pair(Program, "designation__program")
    country = CountryFilter(method="filter_country", label="Country of the designee (ISO code, any role)")
    country_role = django_filters.ChoiceFilter(
        choices=COUNTRY_ROLE_CHOICES,
        method="filter_applied_with_country",
        label="Country role (with country)",
    )

    occurred_after = django_filters.DateFilter(method="filter_occurred", label="Happened on or after")
    occurred_before = django_filters.DateFilter(method="filter_occurred", label="Happened on or before")
    date_certainty = django_filters.ChoiceFilter(
        choices=DATE_CERTAINTY_CHOICES,
        method="filter_applied_with_dates",
        label="How sure the event's date must be (with occurred_after/occurred_before)",
    )

    class Meta:
        model = DesignationEvent
        fields = (
            "kind",
            "program",
            "program_id",
            "country",
            "country_role",
            "occurred_after",
            "occurred_before",
            "date_certainty",
        )

    def filter_applied_with_dates(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``date_certainty`` only says how sure ``occurred_after``/``occurred_before`` must be."""
        return queryset

    def filter_occurred(self, queryset: QuerySet, name: str, value) -> QuerySet:
        certain = (self.form.cleaned_data.get("date_certainty") or CERTAIN) == CERTAIN
        if name == "occurred_after":
            return queryset.filter(surely_from("occurred", value) if certain else maybe_from("occurred", value))
        return queryset.filter(surely_until("occurred", value) if certain else maybe_until("occurred", value))

    def filter_country(self, queryset: QuerySet, name: str, value: Country) -> QuerySet:
        designees = designees_in_countries(value.code, self.form.cleaned_data.get("country_role") or None)
        return queryset.filter(designation__designee_id__in=designees)

    def filter_applied_with_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """``country_role`` only narrows ``country``; ``filter_country`` reads it."""
        return queryset


class DateInput(forms.DateInput):
    """A date box the browser offers a calendar for, holding an ISO date (the API reads the same text)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


# Every date filter of the pages' forms is a date box (the API reads its parameters the same way).
for _filterset in (DesignationFilterSet, DesigneeFilterSet, DesignationEventFilterSet):
    for _filter in _filterset.base_filters.values():
        if isinstance(_filter, django_filters.DateFilter):
            _filter.extra["widget"] = DateInput
