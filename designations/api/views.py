"""Read-only API endpoints for countries, designees, designations and source documents.

Lists and details are read by ``designations.selectors`` (plain ``values()`` rows, no serializer at work);
each viewset's serializer stays the schema of its answer. Every endpoint also answers ``?format=csv``
(``tracker.csv.CsvExportMixin``) with the columns of ``designations.exports``. The changes feed, the
statistics and the FollowTheMoney export have modules of their own (``changes``, ``stats``, ``ftm``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets

from designations import exports, selectors
from designations.api.coverage import DatedLimitOffsetPagination, asks_about_dates, designations_coverage
from designations.api.serializers import (
    CountrySerializer,
    DesignationSerializer,
    DesigneeDetailSerializer,
    DesigneeRowSerializer,
    DesigneeSerializer,
    SourceDocumentSerializer,
)
from designations.filtersets import (
    CountryFilterSet,
    DesignationFilterSet,
    DesigneeFilterSet,
    SourceDocumentFilterSet,
)
from designations.models import Country, Designation, Designee, SourceDocument
from tracker.csv import CSV_RESPONSE, FORMAT_PARAMETER, CsvExportMixin, csv_schema
from tracker.csv import CsvRenderer as CsvRenderer  # still importable from here
from tracker.response_cache import CachedReadMixin
from tracker.selectors import SelectorReadMixin


@csv_schema(CountrySerializer)
class CountryViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Countries by ISO alpha-2 code, with their count of actively designated designees."""

    queryset = Country.objects.with_active_counts().order_by("name", "pk")
    serializer_class = CountrySerializer
    filterset_class = CountryFilterSet
    ordering_fields = ("code", "name", "active_designees")
    lookup_field = "code"
    csv_spec = exports.COUNTRY_CSV

    def select(self, queryset, links):
        return selectors.country_rows(queryset, links=links)


# What ``?expand=`` may add to each row of the designee list (comma-separated or repeated).
DESIGNEE_EXPANSIONS = ("facts",)
EXPAND_PARAMETER = OpenApiParameter(
    "expand",
    OpenApiTypes.STR,
    description=(
        "`facts`: each row also carries the designee's birth dates, places of birth, addresses and "
        "relationships both ways, as the detail does (five more queries per page, whatever its size). "
        "Without it the list stays light."
    ),
    enum=DESIGNEE_EXPANSIONS,
)


@extend_schema_view(
    list=extend_schema(
        parameters=[FORMAT_PARAMETER, EXPAND_PARAMETER],
        responses={(200, "application/json"): DesigneeRowSerializer, (200, "text/csv"): CSV_RESPONSE},
    ),
    retrieve=extend_schema(
        parameters=[FORMAT_PARAMETER],
        responses={(200, "application/json"): DesigneeDetailSerializer, (200, "text/csv"): CSV_RESPONSE},
    ),
)
class DesigneeViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Designated individuals, entities, vessels and aircraft.

    ``as_of=YYYY-MM-DD`` keeps designees with at least one designation in force on that day; each
    designee's nested ``designations`` still lists all of its designations, whatever their dates.

    The detail is the whole record: with the list's names, identifiers, countries and designations, the
    birth dates, places of birth, addresses and relationships both ways. The list gives those only with
    ``?expand=facts``.
    """

    queryset = Designee.objects.order_by("name", "pk")
    serializer_class = DesigneeSerializer
    filterset_class = DesigneeFilterSet
    ordering_fields = ("id", "name", "kind", "entry_number", "created_at", "updated_at")
    csv_spec = exports.DESIGNEE_CSV
    extra_query_params = ("expand",)

    def expansions(self) -> set[str]:
        """What ``?expand=`` asks for; an unknown expansion is a 400 naming the parameter."""
        values = self.request.query_params.getlist("expand")
        asked = {part.strip() for value in values for part in value.split(",") if part.strip()}
        unknown = sorted(asked.difference(DESIGNEE_EXPANSIONS))
        if unknown:
            choices = ", ".join(DESIGNEE_EXPANSIONS)
            message = f"Cannot expand {', '.join(map(repr, unknown))}. Choose from: {choices}."
            raise exceptions.ValidationError({"expand": [message]})
        return asked

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.expansions()  # a bad ``expand`` is refused even when the page is empty

    def with_facts(self) -> bool:
        """The detail always gives the facts; the list when ``?expand=facts`` asks for them."""
        request = getattr(self, "request", None)
        asked = "facts" in self.expansions() if request is not None else False
        return asked or self.action == "retrieve"

    def get_serializer_class(self):
        return DesigneeDetailSerializer if self.with_facts() else DesigneeSerializer

    def select(self, queryset, links):
        return selectors.designee_rows(queryset, links=links, facts=self.with_facts())


@csv_schema(DesignationSerializer)
class DesignationViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Designations, newest listing first, each with its dated events.

    ``as_of=YYYY-MM-DD`` keeps designations in force on that day: listed on or before it and not delisted
    by then. Dates are brackets (an exact day, a month or year, the days between two list snapshots, or
    every day up to the first snapshot held): ``date_certainty=certain`` (the default) keeps designations
    whose whole bracket answers the date criteria, ``possible`` those whose bracket may. So a listing known
    only as a bracket between two list snapshots is certainly in force from ``listed_on``, the end of the
    bracket, and "listed in 2019" (``listed_after=2019-01-01&listed_before=2019-12-31``) means certainly in
    2019. Without ``as_of``, ``status=active`` means in force on the data's own date (``data_as_of``).

    With a date criterion the page also carries ``data_as_of`` and ``coverage``: the evidence window, how
    precisely the matching rows' dates are known, how many more designations possibly match, and caveats.
    """

    queryset = Designation.objects.order_by("-listed_on", "pk")
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    ordering_fields = ("id", "listed_on", "delisted_on", "status", "agency", "designee__name", "program__code")
    csv_spec = exports.DESIGNATION_CSV
    pagination_class = DatedLimitOffsetPagination

    def select(self, queryset, links):
        return selectors.designation_rows(queryset, links=links)

    def get_paginated_response(self, data):
        """The page, with ``data_as_of`` and ``coverage`` when the request asks about dates."""
        self.paginator.coverage = designations_coverage(self) if asks_about_dates(self.request) else None
        return super().get_paginated_response(data)


@csv_schema(SourceDocumentSerializer)
class SourceDocumentViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """The documents facts come from, newest first."""

    queryset = SourceDocument.objects.order_by("-published_on", "pk")
    serializer_class = SourceDocumentSerializer
    filterset_class = SourceDocumentFilterSet
    ordering_fields = ("id", "published_on", "kind", "agency")
    csv_spec = exports.SOURCE_DOCUMENT_CSV

    def select(self, queryset, links):
        return selectors.source_document_rows(queryset, links=links)
