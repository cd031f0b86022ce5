"""The OpenAPI schema at /api/schema/ and the Swagger UI at /api/docs/."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

COLLECTIONS = (
    "authorities",
    "programs",
    "countries",
    "designees",
    "designations",
    "source-documents",
    "import-runs",
)
DETAIL_PATHS = {
    "/api/authorities/{code}/",
    "/api/programs/{code}/",
    "/api/countries/{code}/",
    "/api/designees/{id}/",
    "/api/designations/{id}/",
    "/api/source-documents/{id}/",
    "/api/import-runs/{id}/",
}


def test_schema_is_a_valid_openapi_3_document_listing_every_endpoint(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)  # raises on an invalid document
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {f"/api/{name}/" for name in COLLECTIONS} <= paths
    assert paths >= DETAIL_PATHS


def test_schema_lists_only_get_operations_for_the_catalogue(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)

    # POST /api/match/ screens a batch of names: a read that needs a request body. Deciding a mention of
    # the review queue is the one write, for editors.
    methods = {
        (method, path)
        for path, item in schema["paths"].items()
        if path != "/api/"
        for method in item
        if method != "get"
    }

    assert methods == {("post", "/api/match/"), ("post", "/api/mentions/{id}/decide/")}


def test_schema_documents_the_designation_filters(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)

    parameters = {p["name"]: p for p in schema["paths"]["/api/designations/"]["get"]["parameters"]}

    for name in ("program", "program_id", "authority", "country", "country_role", "listed_after", "q"):
        assert name in parameters
    assert parameters["program"]["schema"]["type"] == "array"
    assert parameters["listed_after"]["schema"]["format"] == "date"


def test_spectacular_validate_fail_on_warn_passes(tmp_path):
    # A fresh process: drf-spectacular reports each warning once per process, so an in-process run after
    # other schema tests would miss warnings.
    schema_file = tmp_path / "schema.yaml"
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(schema_file.read_text())["openapi"].startswith("3.")


def test_docs_page_renders_and_loads_nothing_from_other_hosts(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'<>]+", html)}
    assert hosts <= {"testserver"}, hosts
    local_static = re.findall(r"""(?:src|href)=["']/static/([^"']+)["']""", html)
    assert any(path.endswith(".js") for path in local_static)
    for path in local_static:
        assert finders.find(path), f"{path} is referenced by the docs page but not shipped"
