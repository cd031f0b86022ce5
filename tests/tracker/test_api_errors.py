"""Hostile and mistaken query strings on every API list endpoint: a 400 naming the parameter, never a 500.

The endpoints and their parameters are read from the OpenAPI schema, so an endpoint added later is covered
without editing this file.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.urls import resolve, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from designations.models import Designee
from tests.datafiles import requires_data
from tracker.api import StrictQueryParamsMixin, exception_handler

pytestmark = [requires_data, pytest.mark.django_db]

DESIGNATIONS = reverse("designations-api:designation-list")

# Raw, already percent-encoded query values: SQL, a 10,000-character value, invalid UTF-8, a NUL byte,
# numbers past 64 bits, an impossible date, a negative number, an empty value.
HOSTILE_VALUES = (
    quote("' OR 1=1; DROP TABLE designations_designation; --"),
    "A" * 10_000,
    "%FF%FE",
    "%00",
    "99999999999999999999999",
    "1e400",
    "2024-02-30",
    "-1",
    "",
)


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()


# A valid value of each type, for the parameters an endpoint requires (``changed_since``, ``name``).
VALID_BY_FORMAT = {"date-time": "2024-07-01T00:00:00Z", "date": "2024-07-01", "integer": "1", "string": "CHEN Quanguo"}


def list_operations() -> dict[str, tuple[list[str], dict[str, str]]]:
    """Every GET endpoint without path parameters (but the index): its query parameters, and valid values
    for those it requires."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {}
    for path, item in schema["paths"].items():
        if "get" not in item or "{" in path or path == "/api/":
            continue
        params = [p for p in item["get"].get("parameters", []) if p["in"] == "query"]
        required = {
            p["name"]: VALID_BY_FORMAT[p["schema"].get("format") or p["schema"]["type"]]
            for p in params
            if p.get("required")
        }
        operations[path] = ([p["name"] for p in params], required)
    return operations


def uses_limit_offset_pages(path: str) -> bool:
    view_class = resolve(path).func.cls
    return issubclass(getattr(view_class, "pagination_class", None) or object, LimitOffsetPagination)


LIST_OPERATIONS = list_operations()
PAGINATED = sorted(path for path in LIST_OPERATIONS if uses_limit_offset_pages(path))
ORDERED = sorted(path for path, (params, _required) in LIST_OPERATIONS.items() if "ordering" in params)


def get(client, path: str, query: str = "", **params):
    """GET ``path`` with its required parameters, ``params``, and ``query`` exactly as given (already encoded)."""
    required = "&".join(
        f"{name}={quote(value)}" for name, value in LIST_OPERATIONS[path][1].items() if name not in params
    )
    given = "&".join(f"{name}={quote(str(value))}" for name, value in params.items())
    return client.get(f"{path}?{'&'.join(part for part in (required, given, query) if part)}")


def head_of_body(response) -> bytes:
    return b"(streamed)" if response.streaming else response.content[:300]


def assert_names_parameter(response, name: str) -> None:
    assert response.status_code == 400, (name, response.status_code, head_of_body(response))
    assert response["Content-Type"] == "application/json"
    assert name in response.json(), response.json()


def test_schema_lists_the_catalogue_collections():
    assert {"/api/designations/", "/api/designees/", "/api/programs/", "/api/import-runs/"} <= set(LIST_OPERATIONS)
    assert "/api/designations/" in PAGINATED and "/api/designations/" in ORDERED


@pytest.mark.parametrize("path", sorted(LIST_OPERATIONS))
def test_unknown_parameter_is_a_400_naming_it_and_listing_the_known_ones(api_client, path):
    response = get(api_client, path, contry="CN")

    assert_names_parameter(response, "contry")
    message = response.json()["contry"][0]
    assert message.startswith("Unknown query parameter 'contry'.")
    for name in LIST_OPERATIONS[path][0]:
        assert name in message


@pytest.mark.parametrize("path", sorted(LIST_OPERATIONS))
def test_hostile_values_of_every_documented_parameter_give_200_or_a_400_naming_it(api_client, sdn_selection, path):
    for name in LIST_OPERATIONS[path][0]:
        for value in HOSTILE_VALUES:
            response = get(api_client, path, f"{name}={value}")

            assert response.status_code in (200, 400), (path, name, value[:40], head_of_body(response))
            if response.status_code == 400:
                assert_names_parameter(response, name)


@pytest.mark.parametrize("path", PAGINATED)
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("limit", "-1"),
        ("limit", "0"),
        ("limit", "abc"),
        ("limit", "1.5"),
        ("limit", "501"),
        ("limit", "99999999999999999999"),
        ("offset", "-1"),
        ("offset", "abc"),
        ("offset", str(10**12)),
    ],
)
def test_bad_limit_or_offset_is_a_400_instead_of_a_silent_default(api_client, path, name, value):
    assert_names_parameter(get(api_client, path, **{name: value}), name)


@pytest.mark.parametrize("path", PAGINATED)
def test_largest_limit_and_a_deep_offset_are_accepted(api_client, sdn_selection, path):
    largest = get(api_client, path, limit=500)
    deep = get(api_client, path, offset=10**9)

    assert largest.status_code == 200
    assert deep.status_code == 200
    assert deep.json()["results"] == []


@pytest.mark.parametrize("path", ORDERED)
def test_unknown_ordering_field_is_a_400_listing_the_valid_ones(api_client, path):
    response = get(api_client, path, ordering="-password,name")

    assert_names_parameter(response, "ordering")
    assert "'-password'" in response.json()["ordering"][0]


def test_valid_ordering_still_orders(api_client, sdn_selection):
    response = api_client.get(reverse("designations-api:designee-list"), {"ordering": "-entry_number", "limit": 3})

    assert [(row["entry_number"], row["name"]) for row in response.json()["results"]] == [
        (39796, "TORNADO CASH"),
        (39417, "GAO, Qi"),
        (33373, "EW-001PH"),
    ]


def test_unknown_format_is_a_400_naming_the_parameter(api_client):
    response = api_client.get(DESIGNATIONS, {"format": "xml"})

    assert_names_parameter(response, "format")
    assert "json" in response.json()["format"][0]


def test_filter_value_errors_keep_drf_field_shape(api_client, sdn_selection):
    response = api_client.get(DESIGNATIONS, {"listed_after": "2024-02-30", "program": "NO-SUCH-TAG"})

    assert response.status_code == 400
    assert set(response.json()) == {"listed_after", "program"}
    assert response.json()["listed_after"] == ["Enter a valid date."]


def test_real_filters_still_answer(api_client, sdn_selection):
    response = api_client.get(DESIGNATIONS, {"program": "HK-EO13936"})

    assert response.status_code == 200
    assert [row["designee"]["name"] for row in response.json()["results"]] == ["LAM, Carrie"]


class TestDetailsAndRoutes:
    def test_unknown_parameter_on_a_detail_is_a_400(self, api_client, sdn_selection):
        chen = Designee.objects.get(entry_number=29220)

        response = api_client.get(
            reverse("designations-api:designee-detail", kwargs={"pk": chen.pk}), {"fields": "name"}
        )

        assert_names_parameter(response, "fields")

    @pytest.mark.parametrize(
        "path",
        ["/api/designees/99999999999999999999999/", "/api/designees/%FF/", "/api/designees/-1/", "/api/programs/%00/"],
    )
    def test_hostile_detail_keys_are_a_json_404(self, api_client, sdn_selection, path):
        response = api_client.get(path)

        assert response.status_code == 404
        assert "detail" in response.json()

    def test_unknown_api_route_is_a_json_404(self, api_client):
        response = api_client.get("/api/no-such-collection/")

        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}

    def test_unknown_page_outside_the_api_stays_html(self, client):
        response = client.get("/no-such-page/")

        assert response.status_code == 404
        assert "json" not in response["Content-Type"]


class TestExceptionHandler:
    def test_database_data_error_is_a_400_detail(self):
        response = exception_handler(DataError("integer out of range"), {"request": None})

        assert response.status_code == 400
        assert response.data == {"detail": "The request has a value the server cannot use."}

    def test_driver_overflow_is_a_400_detail(self):
        response = exception_handler(OverflowError("Python int too large to convert to SQLite INTEGER"), {})

        assert response.status_code == 400

    def test_django_validation_error_keeps_drf_field_shape(self):
        error = DjangoValidationError({"as_of": ["Enter a valid date."]})

        response = exception_handler(error, {})

        assert response.status_code == 400
        assert response.data == {"as_of": ["Enter a valid date."]}

    def test_other_errors_are_left_to_the_500_page(self):
        assert exception_handler(RuntimeError("bug"), {}) is None


class TestStrictQueryParamsMixin:
    """A plain APIView, which no filter backend sees, adopting the mixin."""

    class Since(StrictQueryParamsMixin, APIView):
        extra_query_params = ("since",)

        def get(self, request):
            return Response({"since": request.query_params.get("since")})

    def test_declared_parameter_passes_and_format_is_always_known(self):
        view = self.Since.as_view()

        response = view(APIRequestFactory().get("/api/since/", {"since": "2024-07-02", "format": "json"}))

        assert response.status_code == 200
        assert response.data == {"since": "2024-07-02"}

    def test_misspelt_parameter_is_a_400_naming_it(self):
        view = self.Since.as_view()

        response = view(APIRequestFactory().get("/api/since/", {"sinse": "2024-07-02"}))

        assert response.status_code == 400
        assert list(response.data) == ["sinse"]
        assert "Known parameters: format, since." in response.data["sinse"][0]
