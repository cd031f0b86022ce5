"""Read-only API endpoints for authorities and programs (JSON, or CSV with ``?format=csv``)."""

from rest_framework import viewsets

from designations import exports
from designations.api.views import CsvExportMixin, csv_schema
from programs.api.serializers import AuthoritySerializer, ProgramSerializer
from programs.filtersets import AuthorityFilterSet, ProgramFilterSet
from programs.models import Authority, Program
from tracker.response_cache import CachedReadMixin


@csv_schema(AuthoritySerializer)
class AuthorityViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctioning authorities (statutes, executive orders, regulations), looked up by code."""

    queryset = Authority.objects.with_related().order_by("name", "pk")
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilterSet
    ordering_fields = ("code", "name", "kind", "status", "signed_on", "effective_on", "ended_on")
    lookup_field = "code"
    csv_spec = exports.AUTHORITY_CSV


@csv_schema(ProgramSerializer)
class ProgramViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctions programs as the lists tag them, looked up by code (``CAATSA - RUSSIA`` keeps its spaces)."""

    queryset = Program.objects.with_related().order_by("code", "pk")
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilterSet
    ordering_fields = ("code", "name", "agency", "family", "status")
    lookup_field = "code"
    # Program codes are published tags that contain spaces and dots; only a slash would break the path.
    lookup_value_regex = "[^/]+"
    csv_spec = exports.PROGRAM_CSV
