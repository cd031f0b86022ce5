"""Reads through selectors: what the API's list and detail views share when they read plain rows with
``values()`` instead of serializing model instances.

``Links`` builds every object URL of a request from one reversed prefix; ``rows_by_keys``, ``grouped`` and
``many_to_many_rows`` read related rows once per relation; ``SelectorReadMixin`` gives a DRF view the
list and detail reads on top of a selector, with the same filters, ordering, pagination and errors as
DRF's own views (``tracker/api.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, connections, models
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tracker import dataversion
from tracker.api import filterset_parameter_names

# Letters only: it matches the lookup pattern of every route, so reverse() accepts it in place of a value.
_LINK_MARK = "LINKVALUE"
# What reverse() leaves unquoted in a path value (django.urls.resolvers).
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


class Links:
    """The absolute URLs of API objects for one request, as DRF's hyperlinks spell them.

    ``reverse()`` costs tens of microseconds and a page of designations holds hundreds of links, so each
    route is reversed once per request (with a marker for its lookup value) and each URL is the two ends
    of that with the value between them, quoted as ``reverse()`` quotes it.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self._makers: dict[str, Callable[[Any], str]] = {}

    def to(self, view_name: str, kwarg: str = "pk") -> Callable[[Any], str]:
        """A function from a lookup value (``kwarg`` of ``view_name``) to its absolute URL."""
        maker = self._makers.get(view_name)
        if maker is None:
            url = self.request.build_absolute_uri(reverse(view_name, kwargs={kwarg: _LINK_MARK}))
            head, tail = url.split(_LINK_MARK)

            quoted: dict[str, str] = {}

            def maker(value: Any) -> str:
                if isinstance(value, int):
                    return f"{head}{value}{tail}"
                text = quoted.get(value)
                if text is None:
                    text = quoted[value] = quote(str(value), safe=_PATH_SAFE)
                return f"{head}{text}{tail}"

            self._makers[view_name] = maker
        return maker


def iso_date(value: datetime.date | None) -> str | None:
    """A date as DRF's ``DateField`` writes it (ISO 8601), None as None."""
    return value.isoformat() if value else None


def iso_datetime(value: datetime.datetime | None, zone: datetime.tzinfo | None = None) -> str | None:
    """A datetime as DRF's ``DateTimeField`` writes it: ISO 8601 in the current time zone (or ``zone``: pass
    it when writing many, looking it up costs more than the rest), ``Z`` for UTC."""
    if not value:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# Far below any id: marks where the keys go among the parameters of a query compiled ahead.
_KEY_MARK = -(2**62)
_prepared: dict[tuple, tuple] = {}


def rows_by_keys(name: str, keys: Iterable[int], build: Callable[[list[int]], QuerySet]) -> list[dict]:
    """The rows of ``build(keys)``, a ``values()`` query whose only varying parameters are ``keys`` (ids).

    Django takes about as long to compile such a query as the database takes to run it (a millisecond or
    two for a page's nested relations). So the SQL of ``build`` is compiled once per process for each
    number of keys (``name`` tells the queries apart), with markers where the keys go, then run with the
    keys in their place; values come back through the converters Django itself applies.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return []
    prepared = _prepared.get((name, len(keys)))
    if prepared is None:
        queryset = build([_KEY_MARK - index for index in range(len(keys))])
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        slots = [(position, _KEY_MARK - value) for position, value in enumerate(params) if _is_mark(value)]
        if sorted(index for _, index in slots) != list(range(len(keys))):
            raise ValueError(f"{name}: the query's parameters do not hold each key once.")
        names = list(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
        select = [column for column, _, _ in compiler.select[: compiler.col_count]]
        prepared = _prepared[(name, len(keys))] = (queryset.db, sql, params, slots, names, query, select)
    database, sql, params, slots, names, query, select = prepared
    params = list(params)
    for position, index in slots:
        params[position] = keys[index]
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Converters from this thread's connection: a compiled query may be shared by the threads of a process.
    compiler = query.get_compiler(database)
    converters = compiler.get_converters(select)
    if converters:
        rows = compiler.apply_converters(rows, converters)
    return [dict(zip(names, row, strict=True)) for row in rows]


def _is_mark(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value <= _KEY_MARK


def grouped(rows: Iterable[dict], key: str) -> dict[Any, list[dict]]:
    """Rows grouped by the value of ``key`` (which is popped), each group in the rows' order."""
    groups: dict[Any, list[dict]] = {}
    for row in rows:
        groups.setdefault(row.pop(key), []).append(row)
    return groups


def many_to_many_rows(model: type[models.Model], name: str, ids: Iterable[int], *fields: str) -> dict[Any, list[dict]]:
    """``fields`` of the objects each of ``ids`` holds in its many-to-many field ``name``, in one query,
    grouped by owner id, each group in the related model's default order (as a prefetch orders them)."""
    field = model._meta.get_field(name)
    link = field.related_query_name()

    def build(keys: list[int]) -> QuerySet:
        return field.related_model._default_manager.filter(**{f"{link}__in": keys}).values(*fields, owner_key=F(link))

    return grouped(rows_by_keys(f"{model._meta.label}.{name}:{','.join(fields)}", ids, build), "owner_key")


def page_of(queryset: QuerySet) -> QuerySet:
    """The rows of a sliced queryset chosen on its own table first, then read with their joins.

    A deep ``OFFSET`` walks every row before the page; with the joins of the page's columns in the same
    query, the database may join all of those rows before it drops them. Choosing the page's ids in a
    subquery walks the bare table instead, and only the page's rows are joined (a "deferred join").
    """
    query = queryset.query
    if query.low_mark == 0 and query.high_mark is None:
        return queryset.prefetch_related(None)
    ordering = query.order_by or queryset.model._meta.ordering
    return queryset.model._default_manager.filter(pk__in=queryset.values("pk")).order_by(*ordering)


class _Selection:
    """A queryset as the paginator sees it: counted by ``count``, each slice read through ``select``."""

    def __init__(self, queryset: QuerySet, count: Callable[[], int], select: Callable[[QuerySet], list]) -> None:
        self.queryset = queryset
        self.count = count
        self.select = select

    def __getitem__(self, part: slice) -> list[dict]:
        return self.select(self.queryset[part])


# (data version, view, filters) -> the count of the filtered list; see SelectorReadMixin.count_rows.
_counts: dict[tuple, int] = {}
_COUNTS_KEPT = 1000
# What pages through a list without changing which rows it holds.
_PAGE_PARAMETERS = frozenset({"limit", "offset", "ordering", api_settings.URL_FORMAT_OVERRIDE})


class SelectorReadMixin:
    """``list`` and ``retrieve`` read through a selector: rows as plain dicts, rendered as they are.

    The viewset keeps the rest: its queryset, FilterSet and ordering, the paginator (and its ``count``), the
    strict parameter checks, throttles and conditional GET, and ``serializer_class``, which stays the schema
    of the answer and the reference its selector is tested against. ``select(queryset, links)`` reads the
    rows of the filtered, ordered and perhaps sliced queryset it is given.
    """

    def select(self, queryset: QuerySet, links: Links) -> list[dict]:
        raise NotImplementedError

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The filter backends, less the FilterSet when the request names none of its parameters.

        A FilterSet deep-copies its filters and builds and cleans a form on every request (several
        milliseconds for the designations' twenty filters), and without a parameter of its own it returns
        the queryset as it was given.
        """
        for backend_class in self.filter_backends:
            if issubclass(backend_class, DjangoFilterBackend):
                filterset_class = backend_class().get_filterset_class(self, queryset)
                names = filterset_parameter_names(filterset_class) if filterset_class else frozenset()
                if not names.intersection(self.request.query_params):
                    continue
            queryset = backend_class().filter_queryset(self.request, queryset, self)
        return queryset

    def count_rows(self, queryset: QuerySet) -> int:
        """``queryset.count()``, remembered by the process for the data's version and the request's filters.

        The count of a list is the same on every page of it and in every order, and counting a whole table
        costs the database more than reading a page of it. The key holds the data's version, so any change
        to the data counts afresh; inside a transaction (which may hold rows of its own) nothing is kept.
        """
        if connection.in_atomic_block:
            return queryset.count()
        params = self.request.query_params
        filters = tuple(sorted((name, tuple(params.getlist(name))) for name in params if name not in _PAGE_PARAMETERS))
        key = (dataversion.for_request(self.request), type(self), filters)
        count = _counts.get(key)
        if count is None:
            if len(_counts) >= _COUNTS_KEPT:
                _counts.clear()
            count = _counts[key] = queryset.count()
        return count

    def list(self, request, *args, **kwargs):
        links = Links(request)
        queryset = self.filter_queryset(self.get_queryset())
        selection = _Selection(queryset, lambda: self.count_rows(queryset), lambda part: self.select(part, links))
        page = self.paginate_queryset(selection)
        if page is None:
            return Response(self.select(queryset, links))
        return self.get_paginated_response(page)

    def retrieve(self, request, *args, **kwargs):
        """One row, looked up as ``get_object`` does (filters applied, a key of the wrong type is a 404);
        object permissions see the row."""
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        queryset = self.filter_queryset(self.get_queryset())
        try:
            rows = self.select(queryset.filter(**{self.lookup_field: self.kwargs[lookup_url_kwarg]}), Links(request))
        except (TypeError, ValueError, DjangoValidationError):
            rows = []
        if not rows:
            raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
        self.check_object_permissions(request, rows[0])
        return Response(rows[0])
