"""Read-only API endpoints for authorities and programs (JSON, or CSV with ``?format=csv``).

Lists and details are read by ``programs.api.selectors``; each viewset's serializer stays the schema.
"""

from rest_framework import viewsets

from programs.api import selectors
from programs.api.serializers import AuthoritySerializer, ProgramSerializer
from programs.exports import AUTHORITY_CSV, PROGRAM_CSV
from programs.filtersets import AuthorityFilterSet, ProgramFilterSet
from programs.models import Authority, Program
from tracker.csv import CsvExportMixin, csv_schema
from tracker.response_cache import CachedReadMixin
from tracker.selectors import SelectorReadMixin


@csv_schema(AuthoritySerializer)
class AuthorityViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctioning authorities (statutes, executive orders, regulations), looked up by code."""

    queryset = Authority.objects.order_by("name", "pk")
    serializer_class = AuthoritySerializer
    filterset_class = AuthorityFilterSet
    ordering_fields = ("code", "name", "kind", "status", "signed_on", "effective_on", "ended_on")
    lookup_field = "code"
    csv_spec = AUTHORITY_CSV

    def select(self, queryset, links):
        return selectors.authority_rows(queryset, links=links)


@csv_schema(ProgramSerializer)
class ProgramViewSet(CachedReadMixin, CsvExportMixin, SelectorReadMixin, viewsets.ReadOnlyModelViewSet):
    """Sanctions programs as the lists tag them, looked up by code (``CAATSA - RUSSIA`` keeps its spaces)."""

    queryset = Program.objects.order_by("code", "pk")
    serializer_class = ProgramSerializer
    filterset_class = ProgramFilterSet
    ordering_fields = ("code", "name", "agency", "family", "status")
    lookup_field = "code"
    # Program codes are published tags that contain spaces and dots; only a slash would break the path.
    lookup_value_regex = "[^/]+"
    csv_spec = PROGRAM_CSV

    def select(self, queryset, links):
        return selectors.program_rows(queryset, links=links)
