"""``/api/stats/``: counts of designations, listings or delistings over any designation filter, grouped."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from designations.api.changes import FILTERS_WITHOUT_ORDERING
from designations.api.serializers import StatsRowSerializer
from designations.filtersets import DesignationFilterSet
from designations.models import Designation
from designations.stats import GROUPS, StatsError, designation_stats
from tracker.csv import CSV_RESPONSE, FORMAT_PARAMETER, CsvExportMixin, csv_response, csv_value, wants_csv
from tracker.response_cache import CachedReadMixin

# A grouping's CSV columns, where it has more than its own.
STATS_COLUMNS = {"country": ("country", "country_name")}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "group_by",
            OpenApiTypes.STR,
            description=f"Comma-separated groupings, any of: {', '.join(GROUPS)}. None: one total.",
        ),
        OpenApiParameter(
            "event",
            OpenApiTypes.STR,
            enum=["listed", "delisted"],
            description=(
                "Absent: count designations (year/month of listing). `listed`: count listings by listing "
                "date. `delisted`: count delistings by delisting date (only delisted designations)."
            ),
        ),
        FORMAT_PARAMETER,
    ],
    responses={(200, "application/json"): StatsRowSerializer(many=True), (200, "text/csv"): CSV_RESPONSE},
)
class StatsView(CachedReadMixin, CsvExportMixin, generics.ListAPIView):
    """Counts of designations, listings or delistings, grouped, over any designation filter (incl. `as_of`).

    Examples: `?program=GLOMAG&event=listed&group_by=year` (GloMag listings per year);
    `?program=HK-EO13936&status=active&group_by=country` (active Hong Kong designations per country).
    A designation counts once per country its designee is tied to (any role, or `country_role` when
    given), so per-country counts add up to more than the total. Dates known only as a bracket between
    two list snapshots count at the end of the bracket. Rows are sorted by the group values.
    """

    queryset = Designation.objects.all()
    serializer_class = StatsRowSerializer
    filterset_class = DesignationFilterSet
    filter_backends = FILTERS_WITHOUT_ORDERING
    extra_query_params = ("group_by", "event")
    pagination_class = None

    def list_uncached(self, request, *args, **kwargs):
        group_by = [name.strip() for value in request.query_params.getlist("group_by") for name in value.split(",")]
        group_by = [name for name in group_by if name]
        queryset = self.filter_queryset(self.get_queryset())
        try:
            rows = designation_stats(
                queryset,
                group_by=group_by,
                event=request.query_params.get("event") or None,
                country_role=request.query_params.get("country_role") or None,
            )
        except StatsError as exc:
            raise ValidationError({exc.parameter: [str(exc)]}) from exc
        if wants_csv(request):
            header = [*(column for name in group_by for column in STATS_COLUMNS.get(name, (name,))), "count"]
            values = ([csv_value(row[column]) for column in header] for row in rows)
            return csv_response("stats.csv", header, values)
        return Response(rows)
