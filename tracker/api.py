"""What every API endpoint shares: throttles, write permission, strict query parameters, error responses and
conditional GET (ETag and Last-Modified). ``tracker/schema.py`` documents the error responses.

Everything here is switched on in ``tracker/settings.py`` (``REST_FRAMEWORK``, ``MIDDLEWARE``), so an endpoint
added later gets it without code of its own. An endpoint that reads a query parameter outside its FilterSet
(``as_of``, say) lists it in ``extra_query_params``; an endpoint that accepts writes without a model behind it
(a name-screening POST is a read) sets its own ``permission_classes``.

DRF imports the classes named in its ``DEFAULT_*`` settings while ``rest_framework.views`` is loading, so
this module must not import ``rest_framework.views``, ``rest_framework.generics`` or drf-spectacular at
the top.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Set
from typing import Any
from urllib.parse import quote

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, connection, connections, models
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import RFC3986_SUBDELIMS, http_date
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework import exceptions, filters, parsers, permissions, status, throttling
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from tracker import dataversion

logger = logging.getLogger(__name__)

# Deeper than any table here will ever be; the bound keeps OFFSET far from the database's integer limit.
MAX_OFFSET = 10**9
# The largest value of a 64-bit integer column.
MAX_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"\d{1,12}")


# --------------------------------------------------------------------------------------------------
# Throttling
# https://www.django-rest-framework.org/api-guide/throttling/
# --------------------------------------------------------------------------------------------------
class _LiveRateMixin:
    """Read the rate from the current settings, not from the settings of import time.

    DRF binds ``THROTTLE_RATES`` when the class is defined, so a rate changed in a test (or lifted for a
    benchmark) would never apply. A rate of ``None`` turns the throttle off.
    """

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_LiveRateMixin, throttling.AnonRateThrottle):
    """Anonymous clients, counted per client address (``NUM_PROXIES`` says which address to trust)."""


class UserRateThrottle(_LiveRateMixin, throttling.UserRateThrottle):
    """Authenticated clients (token or session), counted per user, at a higher rate."""


# --------------------------------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------------------------------
class ReadOnlyOrModelPermissions(permissions.DjangoModelPermissions):
    """Anyone may read; a write needs a signed-in user holding the Django permission for the view's model.

    ``POST`` needs ``add_<model>``, ``PUT``/``PATCH`` ``change_<model>``, ``DELETE`` ``delete_<model>``. A view
    with no model behind it refuses every write unless it sets its own ``permission_classes``.
    """

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        try:
            queryset = self._queryset(view)
        except AssertionError:  # a view without a queryset: nothing to hold a permission on
            return False
        return request.user.has_perms(self.get_required_permissions(request.method, queryset.model))


# --------------------------------------------------------------------------------------------------
# Strict query parameters
# --------------------------------------------------------------------------------------------------
@functools.cache
def _filterset_parameter_names(filterset_class) -> frozenset[str]:
    """The query parameters a FilterSet reads: one per filter, or one per part of a range filter."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        widget = filter_.field.widget
        if isinstance(widget, SuffixedMultiWidget):
            names.update(widget.suffixed(name, suffix) for suffix in widget.suffixes)
        elif isinstance(widget, forms.MultiWidget):
            names.update(f"{name}{suffix}" for suffix in widget.widgets_names)
        else:
            names.add(name)
    return frozenset(names)


def _filterset_class(view, queryset):
    for backend_class in getattr(view, "filter_backends", ()):
        if issubclass(backend_class, DjangoFilterBackend):
            return backend_class().get_filterset_class(view, queryset)
    return None


def known_query_parameters(view, request, queryset) -> frozenset[str]:
    """Every query parameter ``view`` understands, read from its filter backends, paginator and attributes.

    1. ``format`` (the renderer override) and the view's own ``extra_query_params``.
    2. The FilterSet's filters, via django-filter's backend.
    3. Each other backend's documented parameters (``ordering``, ``search``).
    4. The paginator's parameters (``limit``, ``offset``).

    They follow from the view's class alone, so each class's are read once (the backends' schema parameters
    cost more than the rest of a cheap request).
    """
    known = _known_parameters.get(type(view))
    if known is None:
        known = _known_parameters[type(view)] = frozenset(_read_known_parameters(view, queryset))
    return known


_known_parameters: dict[type, frozenset[str]] = {}


def _read_known_parameters(view, queryset) -> set[str]:
    names = {api_settings.URL_FORMAT_OVERRIDE, *getattr(view, "extra_query_params", ())}
    for backend_class in getattr(view, "filter_backends", ()):
        backend = backend_class()
        if isinstance(backend, DjangoFilterBackend):
            filterset_class = backend.get_filterset_class(view, queryset)
            if filterset_class is not None:
                names |= _filterset_parameter_names(filterset_class)
        else:
            names.update(param["name"] for param in backend.get_schema_operation_parameters(view))
    paginator = getattr(view, "paginator", None)
    if paginator is not None:
        names.update(param["name"] for param in paginator.get_schema_operation_parameters(view))
    names.discard(None)
    return names


@functools.cache
def _integer_filter_names(filterset_class) -> frozenset[str]:
    """Filters whose value ends up compared with an integer column: numbers and choices by primary key."""
    names = set()
    for name, filter_ in filterset_class.base_filters.items():
        by_pk = isinstance(filter_, (django_filters.ModelChoiceFilter, django_filters.ModelMultipleChoiceFilter)) and (
            not filter_.extra.get("to_field_name")
        )
        if isinstance(filter_, django_filters.NumberFilter) or by_pk:
            names.add(name)
    return frozenset(names)


def _check_integer_range(params, names: Iterable[str]) -> None:
    """A number beyond 64 bits reaches the database as an error (SQLite) or a full scan; refuse it here."""
    for name in names:
        for raw in params.getlist(name):
            try:
                number = decimal.Decimal(raw.strip())
            except (decimal.InvalidOperation, ValueError):
                continue  # not a number at all: the filter's own validation names it
            if number.is_finite() and abs(number) > MAX_INTEGER:
                raise exceptions.ValidationError({name: [f"Must be a number from {-MAX_INTEGER} to {MAX_INTEGER}."]})


def _check_bounded_int(params, name: str, low: int, high: int) -> None:
    raw = params.get(name)
    if raw is None:
        return
    if not _DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise exceptions.ValidationError({name: [f"Must be a whole number from {low} to {high}."]})


def check_unknown_query_parameters(request, known: Set[str]) -> None:
    """A 400 naming every query parameter not in ``known``, and listing the known ones."""
    unknown = sorted(name for name in request.query_params if name not in known)
    if unknown:
        hint = f"Known parameters: {', '.join(sorted(known))}."
        raise exceptions.ValidationError({name: [f"Unknown query parameter '{name}'. {hint}"] for name in unknown})


class StrictQueryParamsMixin:
    """Unknown query parameters refused on a plain ``APIView`` too, which no filter backend ever sees.

    Put it first among the view's bases and list the parameters the view reads in ``extra_query_params``.
    Generic views and viewsets need nothing: ``StrictQueryParametersFilter`` checks them.
    """

    extra_query_params: tuple[str, ...] = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_unknown_query_parameters(request, known_query_parameters(self, request, None))


class StrictQueryParametersFilter(filters.BaseFilterBackend):
    """Refuse what other backends would silently ignore: unknown parameters, orderings, limits and offsets.

    DRF drops an unknown ``?ordering=`` field, clamps or ignores a bad ``limit`` and ``offset``, and
    django-filter ignores parameters it has no filter for, so ``?contry=CN`` would answer with the whole
    table. Each is a 400 here, naming the parameter. It runs first among ``DEFAULT_FILTER_BACKENDS``.
    """

    def filter_queryset(self, request, queryset, view):
        params = request.query_params
        check_unknown_query_parameters(request, known_query_parameters(view, request, queryset))
        self.check_ordering(request, queryset, view)
        filterset_class = _filterset_class(view, queryset)
        if filterset_class is not None:
            _check_integer_range(params, _integer_filter_names(filterset_class))
        paginator = getattr(view, "paginator", None)
        if isinstance(paginator, LimitOffsetPagination):
            _check_bounded_int(params, paginator.limit_query_param, 1, paginator.max_limit or MAX_OFFSET)
            _check_bounded_int(params, paginator.offset_query_param, 0, MAX_OFFSET)
        return queryset

    def check_ordering(self, request, queryset, view) -> None:
        for backend_class in getattr(view, "filter_backends", ()):
            if not issubclass(backend_class, filters.OrderingFilter):
                continue
            backend = backend_class()
            value = request.query_params.get(backend.ordering_param)
            if not value:
                continue
            valid = {field for field, _label in backend.get_valid_fields(queryset, view, {"request": request})}
            terms = [term.strip() for term in value.split(",") if term.strip()]
            invalid = [term for term in terms if term.removeprefix("-") not in valid]
            if invalid:
                raise exceptions.ValidationError(
                    {
                        backend.ordering_param: [
                            f"Cannot order by {', '.join(repr(term) for term in invalid)}. "
                            f"Choose from: {', '.join(sorted(valid))} (prefix '-' to reverse)."
                        ]
                    }
                )


class ContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 naming the parameter, not DRF's bare 404."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            choices = ", ".join(sorted({renderer.format for renderer in renderers}))
            raise exceptions.ValidationError(
                {api_settings.URL_FORMAT_OVERRIDE: [f"Unknown format '{format}'. Choose from: {choices}."]}
            )
        return matching


# --------------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------------
class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The request has a value the server cannot use."
    default_code = "bad_request"


def exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's handler, plus the errors that a hostile value can still raise below the API layer.

    A Django ``ValidationError`` (a model field refusing a value) becomes a 400 in DRF's field-error shape,
    and a database ``DataError`` or a driver's ``OverflowError`` (a value out of the column's range) a 400 with
    a ``detail``, instead of a 500.
    """
    # Imported here: DRF imports this module (its DEFAULT_* classes) while rest_framework.views loads.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, (DataError, OverflowError)):
        request = context.get("request")
        logger.warning("Database refused a value of %s: %s", request and request.get_full_path(), exc)
        set_rollback()
        exc = BadRequest()
    return drf_exception_handler(exc, context)


def _api_prefix() -> str:
    return reverse("api-root")


def page_not_found(request: HttpRequest, exception: Exception, template_name: str = "404.html") -> HttpResponse:
    """A JSON 404 under the API's prefix (``/api/nope/``), Django's page elsewhere."""
    if request.path.startswith(_api_prefix()):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception, template_name)


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """A JSON 500 under the API's prefix, Django's page elsewhere."""
    if request.path.startswith(_api_prefix()):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request, template_name)


# --------------------------------------------------------------------------------------------------
# Conditional GET
# https://www.rfc-editor.org/rfc/rfc9110#section-13
# --------------------------------------------------------------------------------------------------
# Routes whose content changes with deployments, not with the data: their Last-Modified would lie.
LAST_MODIFIED_EXEMPT_URL_NAMES = frozenset({"api-root", "schema", "api-docs"})


def weak_etag(content: bytes) -> str:
    """A weak validator: equal bodies give equal tags, whatever compression a proxy applies later."""
    return f'W/"{hashlib.md5(content, usedforsecurity=False).hexdigest()}"'


class ConditionalGetMiddleware:
    """ETag and Last-Modified on every successful GET under ``/api/``, and 304 when the client is current.

    1. Let the view answer; only a 200 to a GET or HEAD under the API prefix is touched.
    2. ETag: a weak hash of the rendered body (an already rendered body costs one hash), unless the
       view set one. Streaming responses (exports) get none: hashing would mean buffering them.
    3. Last-Modified: the newest ``updated_at`` of the tables that make up the data's version
       (``tracker.dataversion``: one query, remembered for ``API_FINGERPRINT_SECONDS`` while no write
       bumps the generation), for data routes only.
    4. ``If-None-Match`` (and, without it, ``If-Modified-Since``) decide 304, as RFC 9110 orders them.
    5. ``Cache-Control: no-cache`` unless the view chose a policy: caches may store the answer but must
       revalidate it, instead of guessing a lifetime from Last-Modified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or not request.path.startswith(_api_prefix())
        ):
            return response
        if not response.streaming and not response.has_header("ETag"):
            response.headers["ETag"] = weak_etag(response.content)
        last_modified = None
        match = getattr(request, "resolver_match", None)
        if not response.has_header("Last-Modified") and (match and match.url_name) not in (
            LAST_MODIFIED_EXEMPT_URL_NAMES
        ):
            last_modified = dataversion.for_request(request).last_modified
            if last_modified is not None:
                response.headers["Last-Modified"] = http_date(last_modified)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Accept",))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )


# --------------------------------------------------------------------------------------------------
# Reads through selectors
# --------------------------------------------------------------------------------------------------
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
                names = _filterset_parameter_names(filterset_class) if filterset_class else frozenset()
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


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered 400, not 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None
