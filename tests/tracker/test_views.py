"""Site-wide views: the health check and the API index."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

API_COLLECTIONS = (
    "authorities",
    "programs",
    "countries",
    "designees",
    "designations",
    "source-documents",
    "import-runs",
    "announcements",
    "mentions",
)
# Endpoints that are not collections, and the parameter each one requires.
API_TOOLS = {
    "changes": "changed_since",
    "changes-feed": None,
    "stats": None,
    "match": "name",
    "export-ftm": None,
    "reconciliation": None,
    "coordination": None,
    "coordination-summary": None,
    "coordination-regimes": None,
}


def test_healthz_answers_200_json_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_api_root_links_every_collection_the_schema_and_the_docs(api_client):
    response = api_client.get("/api/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    links = response.json()
    assert set(links) == {*API_COLLECTIONS, *API_TOOLS, "schema", "docs", "data_as_of"}
    assert links.pop("data_as_of") is None  # nothing imported yet
    for name in API_COLLECTIONS:
        assert links[name] == f"http://testserver/api/{name}/"
    assert links["changes-feed"] == "http://testserver/api/changes/feed/"
    assert links["export-ftm"] == "http://testserver/api/export/ftm/"
    assert links["reconciliation"] == "http://testserver/api/reconciliation/"
    assert links["coordination"] == "http://testserver/api/coordination/"
    assert links["schema"] == "http://testserver/api/schema/"
    assert links["docs"] == "http://testserver/api/docs/"


def test_every_api_root_link_answers(api_client):
    links = api_client.get("/api/", HTTP_ACCEPT="application/json").json()
    links.pop("data_as_of")

    for name, url in links.items():
        response = api_client.get(url)
        required = API_TOOLS.get(name)
        if required:
            # Without its required parameter the endpoint says which one is missing.
            assert response.status_code == 400, name
            assert required in response.content.decode(), name
        else:
            assert response.status_code == 200, name


@pytest.mark.parametrize(
    "query, expected",
    [("name", ["name", "pk"]), ("-name,code", ["-name", "code", "pk"]), ("-code", ["-code", "pk"])],
)
def test_api_ordering_always_ends_with_the_primary_key(rf, query, expected):
    from rest_framework.request import Request

    from designations.api.views import CountryViewSet
    from designations.models import Country
    from tracker.filters import OrderingFilter

    view = CountryViewSet()
    request = Request(rf.get("/api/countries/", {"ordering": query}))

    assert OrderingFilter().get_ordering(request, Country.objects.all(), view) == expected


def test_favicon_ico_leads_to_the_sites_icon(client):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    icon = Path(finders.find("favicon.svg")).read_text()
    assert icon.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in icon


def test_every_page_links_the_sites_icon(client):
    content = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content


def test_api_docs_say_what_to_do_without_javascript_and_link_back(client):
    content = client.get("/api/docs/").content.decode()

    noscript = content[content.index("<noscript>") : content.index("</noscript>")]
    assert 'href="/api/schema/"' in noscript and 'href="/"' in noscript
    assert "needs JavaScript" in noscript
    header = content[content.index('<header class="api-docs-header">') : content.index("</header>")]
    assert 'href="/"' in header  # the way back, with JavaScript too


def test_editors_reach_the_import_log_in_the_admin(client):
    from django.contrib.auth.models import Group, User

    from designations.services import roles_sync

    roles_sync()  # the group the migrations create (a transactional test's flush may have removed it)
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)

    index = client.get("/admin/").content.decode()
    runs = client.get("/admin/importers/importrun/")

    assert 'href="/admin/importers/importrun/"' in index
    assert runs.status_code == 200
