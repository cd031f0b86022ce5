"""``/api/stats/``: counts of designations, listings or delistings over any designation filter, grouped."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from designations.api.changes import FILTERS_WITHOUT_ORDERING
from designations.api.coverage import designations_coverage
from designations.api.serializers import StatsSerializer
from designations.coverage import dated_stats
from designations.filtersets import DesignationFilterSet
from designations.models import Designation
from designations.stats import GROUPS, StatsError
from tracker.csv import CSV_RESPONSE, FORMAT_PARAMETER, CsvExportMixin, csv_response, csv_value, wants_csv
from tracker.response_cache import CachedReadMixin

# A grouping's CSV columns, where it has more than its own.
STATS_COLUMNS = {"country": ("country", "country_name")}


@extend_schema(
    parameters=[
        OpenApiParameter(
            "group_by",
            OpenApiTypes.STR,
            description=(
                f"Comma-separated groupings, any of: {', '.join(GROUPS)}, and `jurisdiction` where the allied "
                "lists are installed (`us`, and each ally, `uk`, `eu`, `ca`, `au`, that designated the same "
                "party). None: one total."
            ),
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
    responses={(200, "application/json"): StatsSerializer, (200, "text/csv"): CSV_RESPONSE},
)
class StatsView(CachedReadMixin, CsvExportMixin, generics.ListAPIView):
    """Counts of designations, listings or delistings, grouped, over any designation filter (incl. `as_of`).

    Examples: `?program=GLOMAG&event=listed&group_by=year` (GloMag listings per year);
    `?program=HK-EO13936&status=active&group_by=country` (active Hong Kong designations per country).
    A designation counts once per country its designee is tied to (any role, or `country_role` when
    given; never once per role), so per-country counts add up to more than the total. Rows are sorted by
    the group values.

    `group_by=jurisdiction` (with the allied lists): each designation counts under `us`, and again under
    each ally (`uk`, `eu`, `ca`, `au`) whose list holds an entry tied to its designee as the same party
    (linked by the resolver, confirmed or linked by an editor; never a pending or rejected link), under any
    of the ally's regimes. Links are made for designees under US human-rights and anti-corruption programs,
    so elsewhere an ally's count covers only designees who are also under one of those. Combine it with
    `year` for the share of US listings per year the allies also designated;
    `/api/coordination/` says when each ally acted.

    Dates: with `year` or `month` a designation counts in a period only when the whole bracket of its date
    (of listing; of delisting with `event=delisted`) lies inside it; those dated only "on or before" the
    first list state held, or by a bracket between two list states across two periods, count in a row whose
    period is null, so every designation counts once. The program, authority and country pages count the
    same way. Date filters (`as_of`, `listed_after`...) answer at `date_certainty` (default `certain`).

    The answer is `{"data_as_of", "coverage", "results"}`: the data's own date, what the counts' dates rest
    on (evidence window, rows dated to the day / to a bracket / only "on or before", how many more
    designations possibly match the date filters, caveats) and the rows.
    """

    queryset = Designation.objects.all()
    serializer_class = StatsSerializer
    filterset_class = DesignationFilterSet
    filter_backends = FILTERS_WITHOUT_ORDERING
    extra_query_params = ("group_by", "event")
    pagination_class = None

    def list_uncached(self, request, *args, **kwargs):
        group_by = [name.strip() for value in request.query_params.getlist("group_by") for name in value.split(",")]
        group_by = [name for name in group_by if name]
        queryset = self.filter_queryset(self.get_queryset())
        event = request.query_params.get("event") or None
        try:
            rows = dated_stats(
                queryset,
                group_by=group_by,
                event=event,
                country_role=request.query_params.get("country_role") or None,
            )
        except StatsError as exc:
            raise ValidationError({exc.parameter: [str(exc)]}) from exc
        if wants_csv(request):
            header = [*(column for name in group_by for column in STATS_COLUMNS.get(name, (name,))), "count"]
            values = ([csv_value(row[column]) for column in header] for row in rows)
            return csv_response("stats.csv", header, values)
        coverage = designations_coverage(self, event=event)
        return Response({"data_as_of": coverage["data_as_of"], "coverage": coverage, "results": rows})
