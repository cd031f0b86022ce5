"""The site's own security middleware (tracker/security.py): the CSP header and the query-string bound."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from tracker.security import ContentSecurityPolicyMiddleware, build_policy

pytestmark = pytest.mark.django_db


def test_build_policy_writes_directives_in_order_and_skips_empty_ones():
    policy = build_policy(
        {
            "default-src": ["'self'"],
            "img-src": ["'self'", "data:"],
            "report-uri": [],
            "sandbox": False,
            "upgrade-insecure-requests": True,
        }
    )

    assert policy == "default-src 'self'; img-src 'self' data:; upgrade-insecure-requests"


def _respond(settings, response: HttpResponse, **csp) -> HttpResponse:
    for name, value in csp.items():
        setattr(settings, name, value)
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(RequestFactory().get("/"))


def test_a_view_that_sets_its_own_policy_keeps_it(settings):
    own = HttpResponse()
    own["Content-Security-Policy"] = "default-src 'none'"

    response = _respond(settings, own, SECURE_CSP={"default-src": ["'self'"]})

    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_report_only_sends_the_policy_under_the_report_only_header(settings):
    response = _respond(settings, HttpResponse(), SECURE_CSP={}, SECURE_CSP_REPORT_ONLY={"script-src": ["'self'"]})

    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == "script-src 'self'"


def test_only_the_browsable_api_allows_inline_styles_and_never_inline_scripts(client):
    page = client.get("/countries/")
    json = client.get("/api/countries/", HTTP_ACCEPT="application/json")
    browsable = client.get("/api/countries/", HTTP_ACCEPT="text/html")

    assert "style-src 'self';" in page["Content-Security-Policy"]
    assert "style-src 'self';" in json["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline';" in browsable["Content-Security-Policy"]
    for response in (page, json, browsable):
        assert "script-src 'self';" in response["Content-Security-Policy"]


def test_no_page_template_has_an_inline_script_handler_or_style():
    """What the policy would block, caught at the source: every <script> has a src or carries JSON data."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent / "templates"
    offenders = []
    for path in sorted(root.rglob("*.html")):
        text = re.sub(r"{#.*?#}|{% comment %}.*?{% endcomment %}", "", path.read_text(encoding="utf-8"), flags=re.S)
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.relative_to(root)}: {tag}")
        for match in re.findall(r"<[^>]*\s(on[a-z]+|style)\s*=", text):
            offenders.append(f"{path.relative_to(root)}: inline {match}=")
        if re.search(r"<style\b", text):
            offenders.append(f"{path.relative_to(root)}: <style>")

    assert offenders == []


@pytest.mark.parametrize("path", ["/designations/", "/api/designations/", "/static/js/charts.js"])
def test_a_query_string_over_the_limit_gets_414_before_any_view(client, settings, path):
    settings.MAX_QUERY_STRING_BYTES = 100

    at_limit = client.get(f"{path}?q={'a' * 98}")
    over = client.get(f"{path}?q={'a' * 99}")

    assert at_limit.status_code != 414
    assert over.status_code == 414
    assert over.content == b"The query string is longer than 100 bytes.\n"
    assert "script-src 'self'" in over["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/reconciliation/?program=%00", 400),
        ("/api/designations/?q=a%00b", 400),
        ("/search/?q=%FF%00", 400),
        ("/programs/%00/", 404),
        ("/api/programs/%00/", 404),
    ],
)
def test_nul_characters_are_refused_before_any_view(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/") and status == 400:
        assert list(response.json()) == [path.split("?")[1].split("=")[0]]  # names the parameter
