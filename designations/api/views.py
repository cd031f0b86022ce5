"""Read-only API endpoints for countries, designees, designations and source documents.

Lists and details are read by ``designations.selectors`` (plain ``values()`` rows, no serializer at work);
each viewset's serializer stays the schema of its answer. Every endpoint also answers ``?format=csv``
(``tracker.csv.CsvExportMixin``) with the columns of ``designations.exports``. The changes feed, the
statistics and the FollowTheMoney export have modules of their own (``changes``, ``stats``, ``ftm``).
"""

from __future__ import annotations

from rest_framework import viewsets

from designations import exports, selectors
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
from tracker.api import SelectorReadMixin
from tracker.csv import CsvExportMixin, csv_schema
from tracker.csv import CsvRenderer as CsvRenderer  # still importable from here
from tracker.response_cache import CachedReadMixin


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
    by then. A listing known only as a bracket between two list snapshots counts from the end of the
    bracket (``listed_on``), the day it was certainly in effect.
    """

    queryset = Designation.objects.order_by("-listed_on", "pk")
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    ordering_fields = ("id", "listed_on", "delisted_on", "status", "agency", "designee__name", "program__code")
    csv_spec = exports.DESIGNATION_CSV

    def select(self, queryset, links):
        return selectors.designation_rows(queryset, links=links)


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
