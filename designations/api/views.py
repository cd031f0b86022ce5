"""Read-only API endpoints for countries, designees, designations and source documents; the changes feed,
statistics and bulk exports.

Every list endpoint also answers ``?format=csv`` (``CsvExportMixin``): all matching rows, streamed, with
the columns documented in ``designations.exports``.
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, generics, renderers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from designations import exports
from designations.api.serializers import (
    ChangeSerializer,
    CountrySerializer,
    DesignationSerializer,
    DesigneeSerializer,
    SourceDocumentSerializer,
    StatsRowSerializer,
)
from designations.feeds import html_summary
from designations.filtersets import (
    CountryFilterSet,
    DesignationEventFilterSet,
    DesignationFilterSet,
    DesigneeFilterSet,
    SourceDocumentFilterSet,
)
from designations.models import Country, Designation, DesignationEvent, Designee, SourceDocument
from designations.stats import GROUPS, StatsError, designation_stats
from tracker.api import (
    MAX_INTEGER,
    StrictQueryParamsMixin,
    _check_integer_range,
    _filterset_parameter_names,
    _integer_filter_names,
    check_unknown_query_parameters,
)
from tracker.response_cache import CachedReadMixin

# --------------------------------------------------------------------------------------------------
# CSV output on list endpoints
# --------------------------------------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description=(
        "`csv`: every matching row (not one page: `limit`/`offset` do not apply), streamed as a CSV "
        "attachment with fixed, flattened columns; dates ISO 8601, several values in a cell joined by `|`."
    ),
)
CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV (with `format=csv`).")
# The changes feed and the statistics have a fixed order: the project's filter backends, less ordering.
FILTERS_WITHOUT_ORDERING = [
    backend for backend in api_settings.DEFAULT_FILTER_BACKENDS if not issubclass(backend, filters.OrderingFilter)
]


class CsvRenderer(renderers.BaseRenderer):
    """``text/csv``, chosen by ``?format=csv``. Exports are streamed by ``CsvExportMixin``, not rendered here;
    this renders only what reaches it otherwise (a dict or a list of dicts) as a plain table."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        header = list(rows[0]) if rows and isinstance(rows[0], dict) else []
        lines = exports.csv_lines(header, ([exports.csv_value(row.get(key)) for key in header] for row in rows))
        return "".join(lines).encode(self.charset)


def wants_csv(request) -> bool:
    return request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "csv"


class CsvExportMixin:
    """``?format=csv`` on ``list`` (every matching row, streamed) and ``retrieve`` (one row).

    The CSV format is chosen before content negotiation, so it stays out of the JSON schema's media types;
    errors (a bad filter value, a throttled request) are still answered in JSON.
    """

    csv_spec: exports.CsvSpec

    def perform_content_negotiation(self, request, force=False):
        if wants_csv(request):
            return CsvRenderer(), CsvRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400 and wants_csv(request):
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            queryset = self.filter_queryset(self.get_queryset())
            return exports.csv_response(self.csv_spec.filename, self.csv_spec.header, self.csv_spec.rows(queryset))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if wants_csv(request):
            obj = self.get_object()
            stem = self.csv_spec.filename.removesuffix(".csv")
            key = slugify(str(kwargs.get(self.lookup_url_kwarg or self.lookup_field, obj.pk)))
            rows = self.csv_spec.rows(self.get_queryset().filter(pk=obj.pk))
            return exports.csv_response(f"{stem}-{key}.csv", self.csv_spec.header, rows)
        return super().retrieve(request, *args, **kwargs)


def csv_schema(serializer_class):
    """Document ``format`` and the CSV response on a viewset's ``list`` and ``retrieve``."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[FORMAT_PARAMETER],
            responses={(200, "application/json"): serializer_class, (200, "text/csv"): CSV_RESPONSE},
        ),
        retrieve=extend_schema(
            parameters=[FORMAT_PARAMETER],
            responses={(200, "application/json"): serializer_class, (200, "text/csv"): CSV_RESPONSE},
        ),
    )


# --------------------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------------------


@csv_schema(CountrySerializer)
class CountryViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Countries by ISO alpha-2 code, with their count of actively designated designees."""

    queryset = Country.objects.with_active_counts().order_by("name", "pk")
    serializer_class = CountrySerializer
    filterset_class = CountryFilterSet
    ordering_fields = ("code", "name", "active_designees")
    lookup_field = "code"
    csv_spec = exports.COUNTRY_CSV


@csv_schema(DesigneeSerializer)
class DesigneeViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Designated individuals, entities, vessels and aircraft.

    ``as_of=YYYY-MM-DD`` keeps designees with at least one designation in force on that day; each
    designee's nested ``designations`` still lists all of its designations, whatever their dates.
    """

    queryset = Designee.objects.with_related().prefetch_related("citations").order_by("name", "pk")
    serializer_class = DesigneeSerializer
    filterset_class = DesigneeFilterSet
    ordering_fields = ("id", "name", "kind", "entry_number", "created_at", "updated_at")
    csv_spec = exports.DESIGNEE_CSV


@csv_schema(DesignationSerializer)
class DesignationViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """Designations, newest listing first, each with its dated events.

    ``as_of=YYYY-MM-DD`` keeps designations in force on that day: listed on or before it and not delisted
    by then. A listing known only as a bracket between two list snapshots counts from the end of the
    bracket (``listed_on``), the day it was certainly in effect.
    """

    queryset = (
        Designation.objects.with_related()
        .with_events()
        .prefetch_related("categories", "citations")
        .order_by("-listed_on", "pk")
    )
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilterSet
    ordering_fields = ("id", "listed_on", "delisted_on", "status", "agency", "designee__name", "program__code")
    csv_spec = exports.DESIGNATION_CSV


@csv_schema(SourceDocumentSerializer)
class SourceDocumentViewSet(CachedReadMixin, CsvExportMixin, viewsets.ReadOnlyModelViewSet):
    """The documents facts come from, newest first."""

    queryset = SourceDocument.objects.order_by("-published_on", "pk")
    serializer_class = SourceDocumentSerializer
    filterset_class = SourceDocumentFilterSet
    ordering_fields = ("id", "published_on", "kind", "agency")
    csv_spec = exports.SOURCE_DOCUMENT_CSV


# --------------------------------------------------------------------------------------------------
# Changes
# --------------------------------------------------------------------------------------------------


def parse_changed_since(value: str | None) -> datetime.datetime:
    """An aware datetime from ``changed_since``; naive values are UTC. Raises ``ValidationError`` naming it.

    An unencoded ``+`` in an offset arrives as a space (``...T10:00:00 00:00``); that is read as ``+``.
    """
    if not value:
        raise ValidationError({"changed_since": ["This parameter is required: an ISO 8601 date-time."]})
    candidates = [value]
    if value[-6:-5] == " ":
        candidates.append(f"{value[:-6]}+{value[-5:]}")
    for candidate in candidates:
        try:
            moment = parse_datetime(candidate.strip())
        except ValueError:
            moment = None
        if moment is not None:
            if timezone.is_naive(moment):
                return moment.replace(tzinfo=datetime.UTC)
            # In UTC: the database refuses offsets beyond +-15:59, which ISO 8601 text can still carry.
            try:
                return moment.astimezone(datetime.UTC)
            except OverflowError:
                break
    raise ValidationError({"changed_since": [f"Not an ISO 8601 date-time: {value!r}."]})


def parse_after_id(value: str | None) -> int | None:
    """The ``after_id`` cursor; ``ValidationError`` naming it when it is not an id a 64-bit column can hold."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except ValueError:
        raise ValidationError({"after_id": [f"Not an integer: {value!r}."]}) from None
    if abs(number) > MAX_INTEGER:
        raise ValidationError({"after_id": [f"Must be a number from {-MAX_INTEGER} to {MAX_INTEGER}."]})
    return number


def format_cursor_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class ChangesPagination(BasePagination):
    """Keyset pages over ``(created_at, id)``: ``limit`` rows, and a ``next`` link that resumes after them.

    ``next`` is always given: it carries ``changed_since`` and ``after_id`` of the last row returned (or
    the request's own when the page is empty), so following it never skips or repeats a row.
    """

    default_limit = 100
    max_limit = 1000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        rows = list(queryset[: self.limit + 1])
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if rows:
            self.cursor = (format_cursor_time(rows[-1].created_at), rows[-1].pk)
        else:
            self.cursor = (request.query_params["changed_since"], request.query_params.get("after_id"))
        return rows

    def get_limit(self, request) -> int:
        value = request.query_params.get("limit")
        if value in (None, ""):
            return self.default_limit
        try:
            limit = int(value)
        except ValueError:
            raise ValidationError({"limit": [f"Not an integer: {value!r}."]}) from None
        if limit < 1:
            raise ValidationError({"limit": ["Must be at least 1."]})
        return min(limit, self.max_limit)

    def get_next_link(self) -> str:
        params = self.request.query_params.copy()
        params["changed_since"], after_id = self.cursor
        if after_id in (None, ""):
            params.pop("after_id", None)
        else:
            params["after_id"] = str(after_id)
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params, doseq=True)}")

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "has_more": self.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "has_more", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "description": "Where to continue: the next page now, or the next poll once caught up.",
                },
                "has_more": {"type": "boolean", "description": "More rows are waiting beyond this page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {self.default_limit}, at most {self.max_limit}).",
                "schema": {"type": "integer"},
            }
        ]


def changes_queryset():
    return DesignationEvent.objects.select_related(
        "designation__designee", "designation__program", "source_document"
    ).order_by("created_at", "pk")


def filter_changed_since(queryset, params):
    """Events recorded at or after ``changed_since``; with ``after_id``, strictly after that event."""
    since = parse_changed_since(params.get("changed_since"))
    after_id = parse_after_id(params.get("after_id"))
    if after_id is None:
        return queryset.filter(created_at__gte=since)
    return queryset.filter(created_at__gte=since).exclude(created_at=since, pk__lte=after_id)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "changed_since",
            OpenApiTypes.DATETIME,
            required=True,
            description="ISO 8601 date-time (UTC when it has no offset; URL-encode a `+`, or write `Z`).",
        ),
        OpenApiParameter(
            "after_id",
            OpenApiTypes.INT,
            description="Resume after this event among those recorded exactly at `changed_since`.",
        ),
        FORMAT_PARAMETER,
    ],
    responses={(200, "application/json"): ChangeSerializer(many=True), (200, "text/csv"): CSV_RESPONSE},
)
class ChangesView(CsvExportMixin, generics.ListAPIView):
    """What changed in the tracker since a moment: designation events in the order they were recorded.

    Each row is one event (listed, amended, delisted, relisted, removed as a duplicate) with the designation
    it is about, the document it comes from, the import run that recorded it and, for an amendment, the
    changed fields. `created_at` is when the tracker recorded it; `occurred_on` (with `precision`, and
    `earliest` for a bracket between two list snapshots) is when it happened.

    Polling recipe:

    1. First call: `GET /api/changes/?changed_since=2024-07-01T00:00:00Z` (plus any of `kind`, `program`,
       `country`, `country_role`).
    2. Follow `next` while `has_more` is true. Rows are ordered by (`created_at`, `id`) and `next` resumes
       strictly after the last row returned (`changed_since` = its `created_at`, `after_id` = its `id`),
       so no row is skipped or repeated, even when thousands share one `created_at` (an import writes
       its events in bulk).
    3. Once `has_more` is false, keep the last `next` and call it again later: it returns only what was
       recorded since.

    An import's events become visible when the import commits, with the `created_at` of the moment they
    were written. Imports of different sources may run at the same time; a client that must not miss
    events of a long concurrent import can poll from a little earlier than its cursor (for example
    `changed_since` an hour before the last `created_at` seen, without `after_id`) and drop event ids it
    already holds.

    `format=csv` returns every row since the cursor at once (no pages), same order.
    """

    queryset = DesignationEvent.objects.none()  # for the schema; see get_queryset
    serializer_class = ChangeSerializer
    filterset_class = DesignationEventFilterSet
    filter_backends = FILTERS_WITHOUT_ORDERING
    extra_query_params = ("changed_since", "after_id")
    pagination_class = ChangesPagination
    csv_spec = exports.CHANGE_CSV

    def get_queryset(self):
        return changes_queryset()

    def filter_queryset(self, queryset):
        return filter_changed_since(super().filter_queryset(queryset), self.request.query_params)


# What the Atom feed reads: the filters of /api/changes/ and its cursor, nothing else.
FEED_PARAMETERS = frozenset({*_filterset_parameter_names(DesignationEventFilterSet), "changed_since", "after_id"})


def check_feed_parameters(request) -> None:
    """The API's own checks on a plain Django view: unknown parameters and ids beyond 64 bits are refused,
    each a ``ValidationError`` naming the parameter (the filters and the cursor check the rest)."""
    check_unknown_query_parameters(Request(request), set(FEED_PARAMETERS))
    _check_integer_range(request.GET, _integer_filter_names(DesignationEventFilterSet))
    parse_after_id(request.GET.get("after_id"))  # read only with changed_since, checked always


class ChangesFeed(Feed):
    """The latest 100 changes as an Atom feed, with the filters of ``/api/changes/`` (``changed_since`` is
    optional here).

    A bad parameter is a 400 in the API's shape (``{"program_id": ["..."]}``). Titles are plain text and
    summaries escaped HTML, as in ``designations.feeds``.
    """

    feed_type = Atom1Feed
    title = "Sanctions designation tracker: changes"
    description = "Listings, amendments and delistings as the tracker records them."
    limit = 100

    def __call__(self, request, *args, **kwargs):
        try:
            self.get_object(request)
        except ValidationError as exc:
            return HttpResponseBadRequest(json.dumps(exc.detail), content_type="application/json")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        """The latest events matching the request's filters (not yet run); ``ValidationError`` on a bad value."""
        check_feed_parameters(request)
        filterset = DesignationEventFilterSet(request.GET, queryset=changes_queryset())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        if request.GET.get("changed_since"):
            queryset = filter_changed_since(queryset, request.GET)
        return queryset.order_by("-created_at", "-pk")[: self.limit]

    def link(self):
        return "/api/changes/"

    def items(self, obj) -> list[DesignationEvent]:
        return list(obj)

    def item_title(self, item: DesignationEvent) -> str:
        designation = item.designation
        return f"{item.get_kind_display()}: {designation.designee.name} [{designation.program.code}]"

    def item_description(self, item: DesignationEvent) -> str:
        return html_summary(self.item_summary(item))

    def item_summary(self, item: DesignationEvent) -> str:
        """What changed, as plain text (field values as recorded, whatever they contain)."""
        parts = [f"{item.get_kind_display()} {item.occurred_on or ''}".strip()]
        if item.precision:
            parts.append(f"precision: {item.get_precision_display()}")
        if item.earliest:
            parts.append(f"not before {item.earliest}")
        for field, (old, new) in (item.changes or {}).items():
            parts.append(f"{field}: {old} -> {new}")
        if item.source_document:
            parts.append(f"source: {item.source_document}")
        return "; ".join(parts)

    def item_link(self, item: DesignationEvent) -> str:
        return f"{item.designation.designee.get_absolute_url()}#event-{item.pk}"

    def item_guid(self, item: DesignationEvent) -> str:
        return f"tag:designation-tracker,2024:event/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: DesignationEvent) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: DesignationEvent) -> datetime.datetime:
        return item.created_at


changes_feed = ChangesFeed()


# --------------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------------


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
            values = ([exports.csv_value(row[column]) for column in header] for row in rows)
            return exports.csv_response("stats.csv", header, values)
        return Response(rows)


# --------------------------------------------------------------------------------------------------
# FollowTheMoney export
# --------------------------------------------------------------------------------------------------


class FtmExportView(StrictQueryParamsMixin, APIView):
    """Every designee as a FollowTheMoney entity (Person, Organization, Vessel, Airplane), each followed by
    its `Sanction` entities, as JSON lines (one entity per line), streamed.

    Entity ids are `<source>-<entry>` (`ofac-sdn-29220`); sanctions are `<entity id>-sanction-<designation
    id>`. The same file comes from `manage.py export_ftm`.
    """

    @extend_schema(responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, *args, **kwargs):
        return StreamingHttpResponse(
            exports.ftm_lines(Designee.objects.all()),
            content_type="application/x-ndjson; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="designees.ftm.json"'},
        )
