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

import decimal
import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Set
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.views import defaults
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import SuffixedMultiWidget
from rest_framework import exceptions, filters, parsers, permissions, status, throttling
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import LimitOffsetPagination
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
def filterset_parameter_names(filterset_class) -> frozenset[str]:
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
                names |= filterset_parameter_names(filterset_class)
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


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered 400, not 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - the document is nested too deeply.") from None
