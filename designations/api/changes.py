"""The changes feed: ``/api/changes/`` (keyset pages of designation events, JSON or CSV) and its Atom twin.

Both read the same events with the same filters (``DesignationEventFilterSet``) and cursor
(``changed_since``, ``after_id``); the JSON rows come from ``designations.selectors.change_rows``, the Atom
entries from ``designations.feeds.EventFeed``.
"""

from __future__ import annotations

import datetime
import json

from django.db.models import F, Q, QuerySet
from django.http import HttpResponseBadRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, generics
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.settings import api_settings

from designations import exports, selectors
from designations.api.keyset import (
    OCCURRED,
    ORDERS,
    ChangesPagination,
    parse_after_id,
    parse_occurred_cursor,
    parse_order,
)
from designations.api.serializers import ChangeSerializer
from designations.coverage import event_coverage
from designations.feeds import EventFeed
from designations.filtersets import DesignationEventFilterSet
from designations.models import DesignationEvent
from tracker import dataversion
from tracker.api import (
    _check_integer_range,
    _integer_filter_names,
    check_unknown_query_parameters,
    filterset_parameter_names,
)
from tracker.csv import CSV_RESPONSE, FORMAT_PARAMETER, CsvExportMixin, wants_csv
from tracker.selectors import Links

# The changes feed and the statistics have a fixed order: the project's filter backends, less ordering.
FILTERS_WITHOUT_ORDERING = [
    backend for backend in api_settings.DEFAULT_FILTER_BACKENDS if not issubclass(backend, filters.OrderingFilter)
]


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


def order_events(queryset: QuerySet, order: str, *, newest_first: bool = False) -> QuerySet:
    """Events by when they were recorded, or by the day they happened by (``occurred_on``; undated last)."""
    if order == OCCURRED:
        day = F("occurred_on").desc(nulls_last=True) if newest_first else F("occurred_on").asc(nulls_last=True)
        return queryset.order_by(day, "-pk" if newest_first else "pk")
    return queryset.order_by(*(("-created_at", "-pk") if newest_first else ("created_at", "pk")))


def filter_occurred_cursor(queryset: QuerySet, params) -> QuerySet:
    """Events after ``occurred_cursor`` in (``occurred_on``, id) order, undated events last."""
    cursor = parse_occurred_cursor(params.get("occurred_cursor"))
    if cursor is None:
        return queryset
    day, after_id = cursor
    if day is None:
        return queryset.filter(occurred_on__isnull=True, pk__gt=after_id)
    return queryset.filter(Q(occurred_on__gt=day) | Q(occurred_on=day, pk__gt=after_id) | Q(occurred_on__isnull=True))


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
        OpenApiParameter(
            "order",
            OpenApiTypes.STR,
            enum=ORDERS,
            description=(
                "`recorded` (default): by when the tracker recorded each event, for polling. `occurred`: by the "
                "day each event happened by (`occurred_on`, the end of its date bracket; undated events last), "
                "for reading a period; pages continue with `occurred_cursor`."
            ),
        ),
        OpenApiParameter(
            "occurred_cursor",
            OpenApiTypes.STR,
            description="With `order=occurred`: where the next page starts. Take it from `next`; do not build it.",
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

    `order=occurred` lists the same events by the day each happened by (`occurred_on`, the end of its
    bracket; events with no date last), oldest first, in pages that continue with `occurred_cursor` (in
    `next`). It is for reading a period, not for polling: an import can add events dated long ago.

    What happened in a period, by the event's own date: `occurred_after` and `occurred_before` (inclusive
    days), e.g. `?changed_since=2000-01-01T00:00:00Z&occurred_after=2023-01-01&occurred_before=2023-12-31` for
    the listings, delistings and amendments of 2023. Many events are dated only by a bracket between two list
    states: `date_certainty=certain` (the default) keeps those whose whole bracket lies inside the bounds,
    `possible` also those that may have happened inside them. Rows keep the feed's order.

    Each page also carries `data_as_of` (the data's own date: the OFAC SDN list as of the newest snapshot
    imported) and `coverage`: the evidence window and how precisely the page's events are dated (to the day,
    to a bracket between two list states or a month or year, only "on or before" the first list state held).
    """

    queryset = DesignationEvent.objects.order_by("created_at", "pk")
    serializer_class = ChangeSerializer
    filterset_class = DesignationEventFilterSet
    filter_backends = FILTERS_WITHOUT_ORDERING
    extra_query_params = ("changed_since", "after_id", "order", "occurred_cursor")
    pagination_class = ChangesPagination
    csv_spec = exports.CHANGE_CSV

    def get_queryset(self):
        return order_events(super().get_queryset(), parse_order(self.request.query_params))

    def filter_queryset(self, queryset):
        params = self.request.query_params
        queryset = filter_changed_since(super().filter_queryset(queryset), params)
        return filter_occurred_cursor(queryset, params) if parse_order(params) == OCCURRED else queryset

    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            return super().list(request, *args, **kwargs)
        links = Links(request)
        self.paginator.order = parse_order(request.query_params)
        rows = self.paginator.paginate_rows(
            self.filter_queryset(self.get_queryset()),
            request,
            lambda page: selectors.change_rows(page, links=links),
        )
        self.paginator.coverage = event_coverage(rows, version=dataversion.for_request(request))
        return self.paginator.get_paginated_response(rows)


# What the Atom feed reads: the filters of /api/changes/ and its cursor, nothing else.
FEED_PARAMETERS = frozenset(
    {*filterset_parameter_names(DesignationEventFilterSet), "changed_since", "after_id", "order"}
)


def check_feed_parameters(request) -> None:
    """The API's own checks on a plain Django view: unknown parameters and ids beyond 64 bits are refused,
    each a ``ValidationError`` naming the parameter (the filters and the cursor check the rest)."""
    check_unknown_query_parameters(Request(request), set(FEED_PARAMETERS))
    _check_integer_range(request.GET, _integer_filter_names(DesignationEventFilterSet))
    parse_after_id(request.GET.get("after_id"))  # read only with changed_since, checked always
    parse_order(request.GET)


class ChangesFeed(EventFeed):
    """The latest 100 changes as an Atom feed, with the filters of ``/api/changes/`` (``changed_since`` is
    optional here), newest first and dated when the tracker recorded them; with ``order=occurred``, the 100
    that happened last (by ``occurred_on``), newest first.

    A bad parameter is a 400 in the API's shape (``{"program_id": ["..."]}``).
    """

    title = "Sanctions designation tracker: changes"
    description = "Listings, amendments and delistings as the tracker records them."
    title_template = "{kind}: {name} [{program}]"
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
        filterset = DesignationEventFilterSet(request.GET, queryset=self.events())
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        if request.GET.get("changed_since"):
            queryset = filter_changed_since(queryset, request.GET)
        return order_events(queryset, parse_order(request.GET), newest_first=True)[: self.limit]

    def link(self):
        return "/api/changes/"

    def items(self, obj) -> list[DesignationEvent]:
        return list(obj)

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
        return f"{super().item_link(item)}#event-{item.pk}"

    def item_guid(self, item: DesignationEvent) -> str:
        return f"tag:designation-tracker,2024:event/{item.pk}"

    def item_pubdate(self, item: DesignationEvent) -> datetime.datetime:
        return item.created_at


changes_feed = ChangesFeed()
