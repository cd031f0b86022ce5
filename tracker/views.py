"""Site-wide views that belong to no domain app: the health check and the API index."""

from django.db import connection
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


@never_cache
def healthz(request):
    """200 when the database answers a query, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


API_ENDPOINTS = {
    "authorities": "programs-api:authority-list",
    "programs": "programs-api:program-list",
    "countries": "designations-api:country-list",
    "designees": "designations-api:designee-list",
    "designations": "designations-api:designation-list",
    "source-documents": "designations-api:sourcedocument-list",
    "import-runs": "importers-api:importrun-list",
    "changes": "designations-api:changes",
    "changes-feed": "designations-api:changes-feed",
    "stats": "designations-api:stats",
    "match": "match-api:match",
    "export-ftm": "designations-api:export-ftm",
    "announcements": "announcements-api:announcement-list",
    "mentions": "announcements-api:mention-list",
    "reconciliation": "announcements-api:reconciliation",
}


@extend_schema(responses={200: OpenApiTypes.OBJECT})
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):
    """The API's index: one link per collection, plus the schema and its docs."""
    links = {}
    for name, route in API_ENDPOINTS.items():
        try:
            links[name] = request.build_absolute_uri(reverse(route))
        except NoReverseMatch:
            continue
    links["schema"] = request.build_absolute_uri(reverse("schema"))
    links["docs"] = request.build_absolute_uri(reverse("api-docs"))
    return Response(links)
