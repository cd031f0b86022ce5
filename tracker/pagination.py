"""API pagination: limit/offset pages (50 by default, at most 500 a page), and a cursor for whole walks.

Offsets suit a person paging through a list; a program copying a whole list needs something else: deep
offsets slow down with depth, and rows added or removed while it walks shift every later page, so rows are
skipped or repeated. ``?cursor=`` (empty to start) switches a list to keyset pages in id order: each page
holds the ``limit`` rows after the previous page's last id, and ``next`` carries that id on. A walk never
skips or repeats a row that stays in the list while it runs, and every page costs the same however deep.
Cursor pages have no ``count`` and no ``previous``; ``ordering`` and ``offset`` do not go with a cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from tracker.filters import is_bounded_id


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 500
    cursor_query_param = "cursor"
    # Parameters that choose a position or an order other than the cursor's own.
    cursor_excludes = ("offset", "ordering")

    walking = False

    def paginate_queryset(self, queryset, request, view=None):
        after = self.get_cursor(request)
        if after is None:
            self.walking = False
            return super().paginate_queryset(queryset, request, view)
        self.walking = True
        self.request = request
        self.limit = self.get_limit(request)
        return self.walk(queryset, after)

    def get_cursor(self, request) -> int | None:
        """The id a cursor page starts after (0 for the first page), or None without ``cursor``."""
        params = request.query_params
        if self.cursor_query_param not in params:
            return None
        clashing = [name for name in self.cursor_excludes if name in params]
        if clashing:
            raise ValidationError(
                {
                    name: [f"Not with `{self.cursor_query_param}`: cursor pages are in id order, one after another."]
                    for name in clashing
                }
            )
        value = params.get(self.cursor_query_param, "").strip()
        if value == "":
            return 0
        if not is_bounded_id(value):
            raise ValidationError(
                {self.cursor_query_param: [f"Not a cursor: {value!r}. Start with an empty cursor and follow `next`."]}
            )
        return int(value)

    def walk(self, rows_source, after: int) -> list:
        """The ``limit`` rows after id ``after``, in id order, and whether more follow.

        ``rows_source`` is a queryset, or a selector's selection (``.queryset`` and ``.select``); the ids are
        chosen on the bare table first, then only those rows are read.
        """
        queryset: QuerySet = getattr(rows_source, "queryset", rows_source)
        read: Callable[[QuerySet], Any] = getattr(rows_source, "select", list)
        ids = list(queryset.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[: self.limit + 1])
        self.has_more = len(ids) > self.limit
        ids = ids[: self.limit]
        self.last_id = ids[-1] if ids else None
        if not ids:
            return []
        return list(read(queryset.model._default_manager.filter(pk__in=ids).order_by("pk")))

    def get_next_link(self):
        if not self.walking:
            return super().get_next_link()
        if not self.has_more:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.last_id)

    def get_previous_link(self):
        if not self.walking:
            return super().get_previous_link()
        return None

    def get_paginated_response(self, data):
        if not self.walking:
            return super().get_paginated_response(data)
        return Response({"next": self.get_next_link(), "has_more": self.has_more, "results": data})

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        properties = paginated["properties"]
        properties["count"] = {**properties["count"], "description": "Rows in the whole list (not on cursor pages)."}
        properties["has_more"] = {"type": "boolean", "description": "Cursor pages only: more rows follow."}
        properties["results"] = properties.pop("results")
        paginated["required"] = ["results"]
        return paginated

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": (
                    "Walk the whole list: pass it empty to start (`?cursor=`), then follow `next` until it is "
                    "null. Rows come in id order, `limit` a page; no row that stays in the list while you walk "
                    "is skipped or repeated. No `count`, and not with `offset` or `ordering`."
                ),
                "schema": {"type": "string"},
            },
        ]

    def get_html_context(self):
        if self.walking:
            return {"previous_url": None, "next_url": self.get_next_link(), "page_links": []}
        return super().get_html_context()
