"""Read-only API endpoints for countries, designees, designations and source documents."""

from rest_framework import viewsets

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


class CountryViewSet(viewsets.ReadOnlyModelViewSet):
    """Countries by ISO alpha-2 code, with their count of actively designated designees."""

    queryset = Country.objects.with_active_counts().order_by("name", "pk")
    serializer_class = CountrySerializer
    filterset_class = CountryFilterSet
    ordering_fields = ("code", "name", "active_designees")
    lookup_field = "code"


class DesigneeViewSet(viewsets.ReadOnlyModelViewSet):
    """Designated individuals, entities, vessels and aircraft."""

    queryset = Designee.objects.with_related().order_by("name", "pk")
    serializer_class = DesigneeSerializer
    filterset_class = DesigneeFilterSet
    ordering_fields = ("id", "name", "kind", "entry_number", "created_at", "updated_at")


class DesignationViewSet(viewsets.ReadOnlyModelViewSet):
    """Designations, newest listing first, each with its dated events."""

    queryset = Designation.objects.with_related().with_events().order_by("-listed_on", "pk")
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    ordering_fields = ("id", "listed_on", "delisted_on", "status", "agency", "designee__name", "program__code")


class SourceDocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """The documents facts come from, newest first."""

    queryset = SourceDocument.objects.order_by("-published_on", "pk")
    serializer_class = SourceDocumentSerializer
    filterset_class = SourceDocumentFilterSet
    ordering_fields = ("id", "published_on", "kind", "agency")
