"""Read-only API endpoints for countries, designees, designations and source documents.

Lists and details are read by ``designations.selectors`` (plain ``values()`` rows, no serializer at work);
each viewset's serializer stays the schema of its answer. Every endpoint also answers ``?format=csv``
(``tracker.csv.CsvExportMixin``) with the columns of ``designations.exports``. The changes feed, the
statistics and the FollowTheMoney export have modules of their own (``changes``, ``stats``, ``ftm``).
"""

from __future__ import annotations

from rest_framework import viewsets

from designations import exports, selectors
from designations.api.coverage import DatedLimitOffsetPagination, asks_about_dates, designations_coverage
from designations.api.serializers import (
    CountrySerializer,
    DesignationSerializer,
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
from tracker.csv import CsvExportMixin, csv_schema
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


@csv_schema(DesigneeSerializer)
class DesigneeViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Designated individuals, entities, vessels and aircraft.

    ``as_of=YYYY-MM-DD`` keeps designees with at least one designation in force on that day; each
    designee's nested ``designations`` still lists all of its designations, whatever their dates.
    """

    queryset = Designee.objects.order_by("name", "pk")
    serializer_class = DesigneeSerializer
    filterset_class = DesigneeFilterSet
    ordering_fields = ("id", "name", "kind", "entry_number", "created_at", "updated_at")
    csv_spec = exports.DESIGNEE_CSV

    def select(self, queryset, links):
        return selectors.designee_rows(queryset, links=links)


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
