"""Read-only API endpoint for import runs (JSON, or CSV with ``?format=csv``)."""

from rest_framework import viewsets

from designations import exports
from designations.api.views import CsvExportMixin, csv_schema
from importers.api.serializers import ImportRunSerializer
from importers.filtersets import ImportRunFilterSet
from importers.models import ImportRun
from tracker.response_cache import CachedReadMixin


@csv_schema(ImportRunSerializer)
class ImportRunViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Import runs, newest first: what each source import found and changed."""

    queryset = ImportRun.objects.order_by("-created_at", "-pk")
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilterSet
    ordering_fields = ("id", "created_at", "started_at", "finished_at", "source", "status")
    csv_spec = exports.IMPORT_RUN_CSV
