"""Hostile input against every public endpoint and form: nothing breaks, changes, or leaks.

Every named URL pattern of the site outside the admin (read from the resolver, so a new endpoint is covered
the day it is routed) gets, with the parameters its view reads plus unknown ones:

- injection strings (SQL, HTML/script, template syntax), 100 KB values, numbers and dates out of range;
- bytes no form would send: invalid UTF-8, NUL, overlong and broken percent-escapes, in keys and values;
- deep pagination (``page``, ``limit``, ``offset`` huge, zero or negative) and duplicated or unknown parameters;
- the same strings (and path traversal) in place of the URL's own argument (a code or an id);
- odd headers (htmx, content negotiation, conditional GET, a foreign Host) and every unsafe method with
  malformed, deeply nested, oversized and multipart bodies.

Each response must be below 500, must not echo a live ``<script>`` or event handler into HTML, XML, CSV or
text, and must not contain the secret key, a database password or a traceback. The row count of every model
is the same after an endpoint's cases as before. The admin's sign-in form gets the same strings.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse
from django.test import Client
from django.utils import translation

from tests.security.conftest import SENTINEL, Endpoint, endpoint, endpoint_names, row_counts

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(7301)</script>"
QUOTED_SCRIPT = "'\"><script>alert(7301)</script>"  # out of an attribute or an SQL string, then a script
HANDLER = '"><img src=x onerror=alert(7302)>'
SECRET_KEY = "hostile-input-suite-secret-Zq8v2LkP0wX4nR7tY1uI9oE3aS6dF5gH"
VALUES = {
    "sql-quote": "' OR '1'='1",
    "sql-stacked-union": "1'; DROP TABLE designations_designee; SELECT username, password FROM auth_user --",
    "sql-like": "%_%\\",
    "script": SCRIPT,
    "handler": HANDLER,
    "template": "{{7*7}}{% debug %}${7*7}#{7*7}",
    "huge": "A" * 100_000,
    "traversal": "../../../../etc/passwd",
    "negative": "-1",
    "huge-number": str(10**30),
    "float-overflow": "1e309",
    "nan": "NaN",
    "bad-date": "2024-02-30",
    "far-date": "99999-12-31T25:61:61+99:00",
    "unicode": "陈全国\u202e\ufeff\u0000",
    "empty": "",
    "commas": "a,b,,c,,,",
}
# Query-string bytes as a client can send them, past any encoder.
RAW = {
    "invalid-utf8": "%FF%FE%FD",
    "nul": "%00",
    "overlong-slash": "%C0%AF",
    "surrogate": "%ED%A0%80",
    "broken-escape": "%G1%",
    "double-encoded-traversal": "..%252f..%252fetc%252fpasswd",
}
# The sharpest values, tried parameter by parameter (the others go to all parameters at once), so that each
# reaches the query a valid form would run: a 31-digit number no integer column holds, and 4 KB of text. (A
# query string over MAX_QUERY_STRING_BYTES, 16 KB, gets 414 before any view: "huge" above checks that.)
SHARP = {
    "quoted-script": quote(QUOTED_SCRIPT, safe=""),
    "invalid-utf8-nul": "%FF%00",
    "huge-number": str(10**30),
    "long": "A" * 4_000,
}
PAGINATION = [
    "page=1000000000",
    "page=-1",
    "page=0",
    "page=last",
    "page=1e9",
    "limit=1000000000",
    "limit=-5",
    "limit=0",
    "offset=1000000000000000000",
    "offset=-1",
    "offset=1000000000&limit=500",
    "limit=1&limit=2&offset=1&offset=-1",
]
ODD_QUERIES = [
    "zzz_unknown=1",
    "a",
    "=x",
    "&&&",
    "%FF=1",
    "%00=1",
    "A" * 10_000 + "=1",
    "&".join(f"f{i}=1" for i in range(1_100)),  # past DATA_UPLOAD_MAX_NUMBER_FIELDS
    "format=xml",
    "format=" + quote(SCRIPT, safe=""),
]
PATH_ARGUMENTS = {
    "script": quote(SCRIPT, safe=""),
    "sql": quote(VALUES["sql-quote"], safe=""),
    "traversal": "..%2F..%2F..%2Fetc%2Fpasswd",
    "dot-dot": "..",
    "nul": "%00",
    "invalid-utf8": "%FF%FE",
    "huge": "A" * 10_000,
    "negative": "-1",
    "huge-number": str(10**30),
    "template": quote("{{7*7}}", safe=""),
}
HEADERS = {
    # Headers no view here reads to decide anything, together.
    "odd": {
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_CURRENT_URL": SCRIPT,
        "HTTP_HX_TARGET": SCRIPT,
        "HTTP_X_FORWARDED_FOR": VALUES["sql-quote"],
        "HTTP_X_FORWARDED_PROTO": SCRIPT,
        "HTTP_ACCEPT_LANGUAGE": "A" * 10_000,
        "HTTP_COOKIE": f"sessionid={quote(SCRIPT)}; csrftoken=../../etc/passwd",
        "HTTP_RANGE": "bytes=0-99999999999999999999999",
    },
    "accept-html": {"HTTP_ACCEPT": "text/html"},
    "accept-csv": {"HTTP_ACCEPT": "text/csv"},
    "accept-junk": {"HTTP_ACCEPT": "text/html;q=<script>, */*; version=../../"},
    "conditional-junk": {"HTTP_IF_NONE_MATCH": SCRIPT, "HTTP_IF_MODIFIED_SINCE": "Thu, 99 Foo 99999 99:99:99 GMT"},
    "conditional-ok": {"HTTP_IF_NONE_MATCH": "*", "HTTP_IF_MODIFIED_SINCE": "Sat, 01 Jan 2000 00:00:00 GMT"},
    "foreign-host": {"HTTP_HOST": "evil.example.org"},
    "host-script": {"HTTP_HOST": SCRIPT},
    "token-junk": {"HTTP_AUTHORIZATION": "Token " + VALUES["sql-quote"]},
}
JSON_BODY = json.dumps({"name": SCRIPT, "names": [VALUES["sql-quote"], "A" * 100_000], "id": 10**30, "q": None})
BODIES = {
    "json": (JSON_BODY, "application/json"),
    "json-broken": ("{", "application/json"),
    "json-deep": ("[" * 100_000 + "]" * 100_000, "application/json"),
    "json-invalid-utf8": (b'{"name": "\xff\xfe"}', "application/json"),
    "form-huge": ("name=" + "A" * 100_000, "application/x-www-form-urlencoded"),
    "content-type-junk": ("x", "application/x-" + "A" * 1000),
    "multipart-traversal": (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd"\r\n'
        b"Content-Type: text/plain\r\n\r\nroot:x:0:0\r\n--XyZ--\r\n",
        "multipart/form-data; boundary=XyZ",
    ),
    "multipart-broken": (b"--XyZ\r\nContent-Disposition: form-data\r\n", "multipart/form-data; boundary=XyZ"),
}
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Types a browser parses as a document, where an echoed tag would run.
MARKUP_TYPES = {
    "text/html",
    "application/xhtml+xml",
    "image/svg+xml",
    "text/xml",
    "application/xml",
    "application/atom+xml",
    "application/rss+xml",
    "text/plain",  # only without nosniff, which every response here sends; listed for safety
}


@dataclass
class Case:
    label: str
    method: str
    path: str
    body: bytes | str | None = None
    content_type: str = "application/octet-stream"
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        shown = self.path if len(self.path) < 160 else self.path[:150] + f"...({len(self.path)} chars)"
        return f"{self.label}: {self.method} {shown}"


def _query(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def cases(target: Endpoint) -> Iterator[Case]:
    """Every hostile request for one endpoint."""
    names = sorted(target.parameters | {"q", "zzz_unknown"})
    for label, value in VALUES.items():
        query = "&".join(f"{name}={quote(value, safe='')}" for name in names)
        yield Case(f"all parameters {label}", "GET", _query(target.path, query))
    for label, raw in RAW.items():
        yield Case(f"all parameters {label}", "GET", _query(target.path, "&".join(f"{n}={raw}" for n in names)))
    for name in sorted(target.first_hand | {"zzz_unknown"}):
        for label, raw in SHARP.items():
            yield Case(f"{name} {label}", "GET", _query(target.path, f"{name}={raw}"))
    if "format" in target.parameters:  # the CSV export and the browsable API, filtered by hostile values
        for output in ("csv", "api"):
            others = "&".join(f"{name}={quote(QUOTED_SCRIPT, safe='')}" for name in names if name != "format")
            yield Case(f"format={output} with scripts", "GET", _query(target.path, f"format={output}&{others}"))
            yield Case(f"format={output} unfiltered", "GET", _query(target.path, f"format={output}"))
    duplicated = "&".join(f"{name}=1&{name}={quote(QUOTED_SCRIPT)}&{name}=" for name in names)
    yield Case("all parameters duplicated", "GET", _query(target.path, duplicated))
    paginated = {"page", "limit", "offset"} & target.parameters
    for query in (PAGINATION if paginated else []) + ODD_QUERIES:
        yield Case("query " + query[:40], "GET", _query(target.path, query))
    if target.path_template:
        for label, argument in PATH_ARGUMENTS.items():
            yield Case(f"URL argument {label}", "GET", target.path_template.replace(SENTINEL, argument))
    for label, headers in HEADERS.items():
        yield Case(f"headers {label}", "GET", target.path, headers=headers)
    for label, (body, content_type) in BODIES.items():
        yield Case(f"POST {label}", "POST", target.path, body, content_type)
    for method in UNSAFE_METHODS[1:]:
        yield Case(f"{method} json", method, target.path, *BODIES["json"])


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _secrets() -> list[str]:
    values = [settings.SECRET_KEY]
    values += [connection.settings_dict.get("PASSWORD") for connection in connections.all()]
    return [value for value in values if value]


def problems_of(case: Case, response) -> list[str]:
    """What is wrong with ``response`` to ``case`` (empty when it is a safe answer)."""
    found = []
    if response.status_code >= 500:
        found.append(f"status {response.status_code}")
    body = _body(response)
    content_type = response.get("Content-Type", "")
    # JSON or YAML (DRF's error messages repeat a rejected value) is data, which a browser never renders as a
    # page when the response says nosniff. Whatever it may parse as markup must not carry the payloads.
    markup = content_type.split(";")[0].strip() in MARKUP_TYPES or not content_type
    if markup or response.get("X-Content-Type-Options") != "nosniff":
        for payload in (SCRIPT, "<img src=x onerror=alert(7302)>"):
            if payload in body:
                found.append(f"echoes {payload!r} unescaped in {content_type or 'a response without a type'}")
    for secret in _secrets():
        if secret in body:
            found.append("leaks a secret setting")
    if "Traceback (most recent call last)" in body or 'File "/' in body:
        found.append("shows a traceback")
    return found


def run(client: Client, case: Case) -> list[str]:
    try:
        if case.method == "GET":
            response = client.get(case.path, **case.headers)
        else:
            response = client.generic(
                case.method, case.path, data=case.body or "", content_type=case.content_type, **case.headers
            )
    except Exception:
        return ["raised " + traceback.format_exc(limit=-3).strip().replace("\n", " | ")]
    return problems_of(case, response)


@pytest.fixture
def quiet_client(settings):
    """A client, with a recognisable secret key to look for in every answer."""
    settings.SECRET_KEY = SECRET_KEY
    # Thousands of expected 4xx answers would each log a warning; a 5xx is still logged (and fails the test).
    logging.getLogger("django.request").setLevel(logging.ERROR)
    yield Client()
    logging.getLogger("django.request").setLevel(logging.NOTSET)
    cache.clear()  # the failed sign-ins counted against 127.0.0.1


@pytest.fixture
def hostile_client(quiet_client, world, monkeypatch):
    """The client, over the seeded world; the OpenAPI schema is built once per version and language.

    drf-spectacular builds the whole schema on every request (a tenth of a second); the hostile parameters
    reach it only as the version and the language, which stay part of the key.
    """
    from drf_spectacular.generators import SchemaGenerator

    built = {}
    build = SchemaGenerator.get_schema

    def get_schema(self, request=None, public=False):
        key = (self.api_version, translation.get_language(), public)
        if key not in built:
            built[key] = build(self, request=request, public=public)
        return built[key]

    monkeypatch.setattr(SchemaGenerator, "get_schema", get_schema)
    return quiet_client


def test_every_public_route_is_covered():
    """A new pattern needs no change here; one whose argument has no known model fails in its own test."""
    names = set(endpoint_names())

    assert {"home", "designations-api:designation-list", "match-api:match", "api-docs"} <= names
    assert not any(name.startswith("admin:") for name in names)


@pytest.mark.parametrize("name", endpoint_names())
def test_hostile_input_breaks_changes_and_leaks_nothing(hostile_client, name):
    target = endpoint(name)
    before = row_counts()

    failures = []
    count = 0
    for case in cases(target):
        count += 1
        failures += [f"{case}: {problem}" for problem in run(hostile_client, case)]

    print(f"{name}: {count} hostile requests")
    assert failures == [], "\n".join(failures[:40])
    assert row_counts() == before


# --------------------------------------------------------------------------------------------------
# Forms: the admin's sign-in form and the name-screening POST
# --------------------------------------------------------------------------------------------------
def test_admin_sign_in_form_takes_hostile_credentials(quiet_client, django_user_model):
    django_user_model.objects.create_user("ada", password="a long passphrase", is_staff=True)
    before = row_counts()

    failures = []
    for label, value in VALUES.items():
        for data in (
            {"username": value, "password": value},
            {"username": "ada", "password": value},
            {"username": value},
        ):
            case = Case(f"sign-in {label}", "POST", "/admin/login/?next=" + quote(value, safe=""))
            response = quiet_client.post(case.path, data)
            failures += [f"{case}: {problem}" for problem in problems_of(case, response)]
            # The form again, locked (429), a next= too long (414) or holding a NUL (400): never signed in.
            if response.status_code not in (200, 400, 414, 429):
                failures.append(f"{case}: status {response.status_code}")
            if settings.SESSION_COOKIE_NAME in response.cookies:
                failures.append(f"{case}: signed in")

    assert failures == []
    assert row_counts() == before


SCREENING_PAYLOADS = [
    {"names": [{"name": SCRIPT}, {"name": VALUES["sql-stacked-union"]}, {"name": VALUES["template"]}]},
    {"names": [{"name": "A" * 100_000}]},
    {"names": [{"name": f"NAME {i}"} for i in range(1_000)]},
    {"names": [{"name": "CHEN", "birth_date": "2024-02-30", "country": SCRIPT, "kind": "../../etc/passwd"}]},
    {"names": [{"name": "CHEN", "threshold": "1e309", "limit": -1}]},
    {"names": [{"name": "\u0000"}, {"name": "%_%\\"}, {"name": "\ud800"}]},
    {"names": "CHEN"},
    {"names": [["CHEN"]]},
    {"names": []},
    {},
    [],
    "CHEN",
    None,
]


def test_name_screening_takes_hostile_json(hostile_client):
    before = row_counts()

    failures = []
    for payload in SCREENING_PAYLOADS:
        case = Case(f"match {str(payload)[:60]}", "POST", "/api/match/")
        response = hostile_client.post(case.path, json.dumps(payload), content_type="application/json")
        failures += [f"{case}: {problem}" for problem in problems_of(case, response)]
        if response.status_code not in (200, 400):
            failures.append(f"{case}: status {response.status_code}")

    assert failures == []
    assert row_counts() == before


def test_the_checks_catch_a_crash_an_echo_a_leak_and_a_traceback(settings):
    settings.SECRET_KEY = SECRET_KEY
    case = Case("self-check", "GET", "/")

    def page(body: str, status: int = 200, content_type: str = "text/html") -> HttpResponse:
        response = HttpResponse(body, status=status, content_type=content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    assert problems_of(case, page("<p>fine</p>")) == []
    assert problems_of(case, page("", status=502)) == ["status 502"]
    assert problems_of(case, page(f"<p>{SCRIPT}</p>"))[0].startswith("echoes")
    assert problems_of(case, page(json.dumps({"q": [SCRIPT]}), content_type="application/json")) == []
    assert problems_of(case, page(f"<p>{SECRET_KEY}</p>")) == ["leaks a secret setting"]
    assert problems_of(case, page("Traceback (most recent call last):")) == ["shows a traceback"]
