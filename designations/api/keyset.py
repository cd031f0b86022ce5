"""Keyset pages of the changes feed: rows in ``(created_at, id)`` order, and a cursor to resume after them.

Offsets would skip or repeat rows while imports add events; a cursor of the last row's ``created_at`` and
``id`` does neither, even when thousands of events share one ``created_at`` (an import writes them in
bulk). ``changed_since`` and ``after_id`` carry the cursor in the query string.
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

    def paginate_rows(self, queryset: QuerySet, request, select: Callable[[QuerySet], Sequence[dict]]) -> list:
        self.request = request
        self.limit = self.get_limit(request)
        rows = list(select(queryset[: self.limit + 1]))
        self.has_more = len(rows) > self.limit
        rows = rows[: self.limit]
        if rows:
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
