"""Keyset pages of the changes feed: rows in ``(created_at, id)`` order, and a cursor to resume after them.

Offsets would skip or repeat rows while imports add events; a cursor of the last row's ``created_at`` and
``id`` does neither, even when thousands of events share one ``created_at`` (an import writes them in
bulk). ``changed_since`` and ``after_id`` carry the cursor in the query string.

``order=occurred`` pages the same events in ``(occurred_on, id)`` order (undated events last) for reading a
period; ``occurred_cursor`` (``YYYY-MM-DD.id``) carries that cursor.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from designations.api.coverage import DATA_AS_OF_SCHEMA, EVENT_COVERAGE_SCHEMA
from tracker.api import MAX_INTEGER
from tracker.filters import is_bounded_id


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


# ``order``: when the tracker recorded each event (the default, for polling), or when the event happened.
RECORDED, OCCURRED = "recorded", "occurred"
ORDERS = (RECORDED, OCCURRED)
# The cursor of an ``order=occurred`` page: the last row's ``occurred_on`` (or this word) and id.
UNDATED = "undated"


def parse_order(params) -> str:
    """``order``, ``recorded`` when absent; ``ValidationError`` naming it otherwise."""
    value = (params.get("order") or RECORDED).strip().lower()
    if value not in ORDERS:
        raise ValidationError({"order": [f"Not an order: {params.get('order')!r}. Choose from: {', '.join(ORDERS)}."]})
    if value == OCCURRED and params.get("after_id"):
        raise ValidationError({"after_id": ["Goes with order=recorded; follow `next` of order=occurred pages."]})
    if value == RECORDED and params.get("occurred_cursor"):
        raise ValidationError({"occurred_cursor": ["Goes with order=occurred."]})
    return value


def parse_occurred_cursor(value: str | None) -> tuple[datetime.date | None, int] | None:
    """``occurred_cursor`` (``YYYY-MM-DD.id`` or ``undated.id``) as (day or None, id); None when absent."""
    if not value:
        return None
    day_text, _, id_text = value.strip().rpartition(".")
    try:
        day = None if day_text == UNDATED else datetime.date.fromisoformat(day_text)
    except ValueError:
        day = False
    after_id = int(id_text) if is_bounded_id(id_text) else None
    if day is False or after_id is None:
        raise ValidationError({"occurred_cursor": [f"Not a cursor: {value!r}. Follow `next` as given."]})
    return day, after_id


def format_occurred_cursor(row: dict) -> str:
    return f"{row['occurred_on'] or UNDATED}.{row['id']}"


def format_cursor_time(moment: datetime.datetime) -> str:
    """A cursor's time: UTC, always with microseconds, so that no two instants share one spelling."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class ChangesPagination(BasePagination):
    """Keyset pages over ``(created_at, id)``: ``limit`` rows, and a ``next`` link that resumes after them.

    ``next`` is always given: it carries ``changed_since`` and ``after_id`` of the last row returned (or
    the request's own when the page is empty), so following it never skips or repeats a row. The page's
    rows come from ``select`` (a selector's rows, with ``created_at`` as the API writes it).
    """

    default_limit = 100
    max_limit = 1000
    order = RECORDED

    def paginate_rows(self, queryset: QuerySet, request, select: Callable[[QuerySet], Sequence[dict]]) -> list:
        self.request = request
        self.limit = self.get_limit(request)
        rows = list(select(queryset[: self.limit + 1]))
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if self.order == OCCURRED:
            given = request.query_params.get("occurred_cursor")
            self.occurred_cursor = format_occurred_cursor(rows[-1]) if rows else given
        elif rows:
            self.cursor = (format_cursor_time(parse_datetime(rows[-1]["created_at"])), rows[-1]["id"])
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
        if self.order == OCCURRED:
            if self.occurred_cursor:
                params["occurred_cursor"] = self.occurred_cursor
            return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params, doseq=True)}")
        params["changed_since"], after_id = self.cursor
        if after_id in (None, ""):
            params.pop("after_id", None)
        else:
            params["after_id"] = str(after_id)
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params, doseq=True)}")

    def get_paginated_response(self, data):
        answer = {"next": self.get_next_link(), "has_more": self.has_more}
        coverage = getattr(self, "coverage", None)
        if coverage is not None:
            answer["data_as_of"] = coverage["data_as_of"]
            answer["coverage"] = coverage
        return Response({**answer, "results": data})

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
                "data_as_of": DATA_AS_OF_SCHEMA,
                "coverage": EVENT_COVERAGE_SCHEMA,
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
