"""The review queue and the reconciliation report, in the API and the admin, and the index walk."""

from __future__ import annotations

import datetime
import http.server
import threading
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from announcements.models import Mention
from designations.models import Designation, DesignationEvent, Designee
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from tests.announcements.helpers import DATA, NOTICES, designation_of, pages_folder, run_import
from tests.factories import DesignationFactory, DesigneeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(listed, tmp_path):
    """KARAEU's Belarus listing, waiting for review: a look-alike designee makes the name ambiguous."""
    twin = DesigneeFactory(name="KARAEU, Yuriy Khadzymuratavich", kind=Designee.Kind.INDIVIDUAL)
    DesignationFactory(designee=twin, program=designation_of("KARAEU, Yuriy Khadzymuratavich", "BELARUS").program)
    run_import("ofac-recent-actions", [pages_folder(tmp_path, "ofac/20201002.html")])
    mention = Mention.objects.get(name="KARAEU, Yuriy Khadzymuratavich")
    assert mention.status == Mention.Status.REVIEW
    return mention


def _user(name: str, group: str | None) -> User:
    user = User.objects.create_user(name, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def _real_karaeu() -> Designee:
    return Designee.objects.get(entry_number=29642, source="ofac-sdn")


# --------------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------------
def test_review_queue_is_listed_in_the_api(api_client, queued):
    response = api_client.get("/api/mentions/?status=review")
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert names == ["KARAEU, Yuriy Khadzymuratavich"]
    row = response.json()["results"][0]
    assert row["designee"] is None and len(row["candidates"]) >= 2


def test_deciding_needs_the_review_permission(api_client, queued):
    url = f"/api/mentions/{queued.pk}/decide/"
    assert api_client.post(url, {"decision": "reject"}, format="json").status_code == 403
    api_client.force_authenticate(_user("viewer", "Viewers"))
    assert api_client.post(url, {"decision": "reject"}, format="json").status_code == 403
    queued.refresh_from_db()
    assert queued.status == Mention.Status.REVIEW


def test_an_editor_accepts_the_right_designee_and_the_listing_is_dated(api_client, queued):
    api_client.force_authenticate(_user("editor", "Editors"))
    real = _real_karaeu()
    response = api_client.post(
        f"/api/mentions/{queued.pk}/decide/", {"decision": "accept", "designee": real.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    queued.refresh_from_db()
    assert (queued.designee, queued.decided_by.username) == (real, "editor")
    designation = Designation.objects.get(designee=real, program__code="BELARUS")
    assert (designation.listed_on, designation.listed_precision) == (datetime.date(2020, 10, 2), "day")
    # Decided once: a second decision is refused, not applied.
    again = api_client.post(f"/api/mentions/{queued.pk}/decide/", {"decision": "reject"}, format="json")
    assert again.status_code == 409


def test_bad_decisions_are_400_with_the_field_named(api_client, queued):
    api_client.force_authenticate(_user("editor", "Editors"))
    url = f"/api/mentions/{queued.pk}/decide/"
    bad = api_client.post(url, {"decision": "maybe"}, format="json")
    assert bad.status_code == 400 and "decision" in bad.json()
    missing = api_client.post(url, {"decision": "accept", "designee": 10**9}, format="json")
    assert missing.status_code == 400 and "designee" in missing.json()


NOTE = "Not our KARAEU: the notice's annex gives another birth date (checked with the Minsk desk)."


def _rejected_with_a_note(mention: Mention) -> None:
    editor = APIClient()
    editor.force_authenticate(_user("editor", "Editors"))
    response = editor.post(f"/api/mentions/{mention.pk}/decide/", {"decision": "reject", "note": NOTE}, format="json")
    assert response.status_code == 200, response.content


def test_a_decision_is_public_but_its_note_is_for_editors_only(queued):
    _rejected_with_a_note(queued)
    url = f"/api/mentions/{queued.pk}/"
    readers = {"anonymous": None, "signed-in user": User.objects.create_user("reader", password="pw")}
    readers |= {"viewer (staff)": _user("viewer", "Viewers"), "editor": _user("editor2", "Editors")}

    seen = {}
    for label, user in readers.items():
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        seen[label] = client.get(url).json()

    public = seen["anonymous"]
    assert public["status"] == "rejected" and public["decided_at"] and public["designee"] is None
    assert "note" not in public and "decided_by" not in public
    assert "note" not in seen["signed-in user"]
    assert seen["viewer (staff)"]["note"] == seen["editor"]["note"] == NOTE
    announcement = APIClient().get(public["announcement"]).json()
    assert [mention for mention in announcement["mentions"] if "note" in mention] == []


def test_an_editors_answer_is_never_served_to_anyone_else_from_a_cache(queued, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 300
    _rejected_with_a_note(queued)
    editor = APIClient()
    editor.force_authenticate(_user("editor2", "Editors"))

    for url in (f"/api/mentions/{queued.pk}/", "/api/mentions/?status=rejected"):
        mine = editor.get(url)
        theirs = APIClient().get(url)

        assert NOTE in mine.content.decode() and "private" in mine["Cache-Control"]
        assert theirs.status_code == 200 and NOTE not in theirs.content.decode()


def test_reconciliation_counts_and_sections(api_client, listed, tmp_path):
    run_import("ofac-recent-actions", [pages_folder(tmp_path, *NOTICES)])
    counts = api_client.get("/api/reconciliation/").json()["counts"]
    # The ICC designations exist only through their notices.
    assert counts["announced_not_listed"] == 2
    listed_total = Designation.objects.exclude(source__in=["ofac-recent-actions"]).count()
    announced = Designation.objects.filter(
        events__kind=DesignationEvent.Kind.LISTED, events__source_document__announcement__isnull=False
    ).exclude(source="ofac-recent-actions")
    assert counts["listed_not_announced"] == listed_total - announced.distinct().count()
    rows = api_client.get("/api/reconciliation/").json()["results"]  # the first section by default
    assert {row["designee_name"] for row in rows} == {"BENSOUDA, Fatou", "MOCHOCHOKO, Phakiso"}
    glomag = api_client.get("/api/reconciliation/?program=GLOMAG&section=listed_not_announced").json()
    assert glomag["counts"]["announced_not_listed"] == 0
    assert glomag["results"] and {row["program"] for row in glomag["results"]} == {"GLOMAG"}
    assert api_client.get("/api/reconciliation/?section=nope").status_code == 400
    assert api_client.get("/api/reconciliation/?bogus=1").status_code == 400


def test_announcement_detail_lists_versions_and_mentions(api_client, listed, tmp_path):
    run_import("ofac-recent-actions", [pages_folder(tmp_path, "ofac/20200709.html")])
    listing = api_client.get("/api/announcements/?source=ofac-recent-actions").json()
    assert listing["count"] == 1
    detail = api_client.get(listing["results"][0]["url"]).json()
    assert detail["published_on"] == "2020-07-09"
    assert len(detail["versions"]) == 1
    assert {m["designee_name"] for m in detail["mentions"]} >= {"CHEN, Quanguo", "ZHU, Hailun"}


# --------------------------------------------------------------------------------------------------
# Admin
# --------------------------------------------------------------------------------------------------
def test_editor_decides_in_the_admin(client, queued):
    client.force_login(_user("editor", "Editors"))
    page = client.get(f"/admin/announcements/mention/{queued.pk}/decide/")
    assert page.status_code == 200
    assert b"Link to the chosen designee" in page.content
    real = _real_karaeu()
    response = client.post(
        f"/admin/announcements/mention/{queued.pk}/decide/", {"decision": "accept", "designee": str(real.pk)}
    )
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == Mention.Status.ACCEPTED and queued.designee == real


def test_editor_creates_or_rejects_with_bulk_actions(client, queued):
    client.force_login(_user("editor", "Editors"))
    response = client.post(
        "/admin/announcements/mention/", {"action": "reject", "_selected_action": [queued.pk]}, follow=True
    )
    assert response.status_code == 200
    queued.refresh_from_db()
    assert queued.status == Mention.Status.REJECTED


def test_viewer_sees_the_queue_but_cannot_decide(client, queued):
    client.force_login(_user("viewer", "Viewers"))
    page = client.get(f"/admin/announcements/mention/{queued.pk}/decide/")
    assert page.status_code == 200 and b"Link to the chosen designee" not in page.content
    assert client.post(f"/admin/announcements/mention/{queued.pk}/decide/", {"decision": "reject"}).status_code == 403
    queued.refresh_from_db()
    assert queued.status == Mention.Status.REVIEW


def test_reconciliation_page_in_the_admin(client, listed, tmp_path):
    run_import("ofac-recent-actions", [pages_folder(tmp_path, *NOTICES)])
    client.force_login(_user("viewer", "Viewers"))
    page = client.get("/admin/announcements/mention/reconciliation/?section=announced_not_listed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Announced not listed: 2" in text
    assert "BENSOUDA, Fatou" in text and "MOCHOCHOKO, Phakiso" in text


# --------------------------------------------------------------------------------------------------
# Fetching: the index walk, over loopback
# --------------------------------------------------------------------------------------------------
class _Site(http.server.BaseHTTPRequestHandler):
    pages: dict[str, bytes] = {}
    hits: list[str] = []

    def do_GET(self):
        self.hits.append(self.path)
        body = self.pages.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _serve_index(base: str, notices: list[str]) -> None:
    """An index page linking to ``notices`` (newest first), and the notices themselves."""
    rows = "".join(
        f'<div class="views-row"><a href="{base}/recent-actions/{n}">Notice {n}</a> '
        f"<span>{datetime.date(int(n[:4]), int(n[4:6]), int(n[6:])):%B %d, %Y}</span></div>"
        for n in notices
    )
    index = f"<html><body><h1>Recent Actions</h1><div class='view-content'>{rows}</div></body></html>".encode()
    _Site.pages = {"/recent-actions": index}
    for n in notices:
        _Site.pages[f"/recent-actions/{n}"] = (DATA / "ofac" / f"{n}.html").read_bytes()


def test_the_index_walk_fetches_only_new_notices(listed, site, settings):
    settings.IMPORT_SOURCE_URLS = {**settings.IMPORT_SOURCE_URLS, "ofac-recent-actions": f"{site}/recent-actions"}
    _Site.hits = []
    _serve_index(site, ["20200709", "20181115"])
    first = import_run_execute(run_id=import_run_create(source="ofac-recent-actions").pk)
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    assert first.created == 2
    _serve_index(site, ["20201002", "20200709", "20181115"])
    _Site.hits = []
    second = import_run_execute(run_id=import_run_create(source="ofac-recent-actions").pk)
    assert second.created == 1
    assert _Site.hits == ["/recent-actions", "/recent-actions/20201002"]  # nothing fetched twice
    _Site.hits = []
    third = import_run_execute(run_id=import_run_create(source="ofac-recent-actions").pk)
    assert third.status == ImportRun.Status.UNCHANGED
    assert _Site.hits == ["/recent-actions"]
    kept = Path(settings.MEDIA_ROOT) / second.raw_file
    assert kept.read_bytes() == (DATA / "ofac" / "20201002.html").read_bytes()
