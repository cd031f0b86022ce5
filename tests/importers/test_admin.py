"""The import-run admin: read-only, with a "Run again" action that calls the enqueue service."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.contrib.admin import helpers
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import importers.services
import importers.services.start
from importers.models import ImportRun
from tests.datafiles import data_path, requires_data

pytestmark = [requires_data, pytest.mark.django_db]

SDN_CSV = data_path("ofac", "sdn_2024-07-02", "sdn.csv")


def make_run(**fields) -> ImportRun:
    started = datetime.datetime(2024, 7, 3, 6, 0, 0, tzinfo=datetime.UTC)
    values = {
        "source": "ofac-sdn",
        "status": ImportRun.Status.SUCCEEDED,
        "trigger": ImportRun.Trigger.CLI,
        "path": "fixtures/ofac/sdn_2024-07-02",
        "as_of": datetime.date(2024, 7, 2),
        "started_at": started,
        "finished_at": started + datetime.timedelta(minutes=2, seconds=5),
        "records": 17452,
        "created": 17452,
        "warnings": [
            {"entry": "36216", "message": "unparsed remarks item: 'Digital Currency Address - XBT'"},
        ],
        "stats": {"unparsed_remarks_share": 0.012},
    }
    values.update(fields)
    return ImportRun.objects.create(**values)


@pytest.fixture
def run():
    return make_run()


def test_changelist_opens_and_lists_runs(admin_client, run):
    response = admin_client.get(reverse("admin:importers_importrun_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [run]
    assert '<td class="field-records">17452</td>' in response.content.decode()


def test_change_page_shows_counts_duration_and_pretty_warnings(admin_client, run):
    response = admin_client.get(reverse("admin:importers_importrun_change", args=[run.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "2:05" in content  # two minutes five seconds
    assert "<pre" in content
    assert "unparsed remarks item: &#x27;Digital Currency Address - XBT&#x27;" in content
    assert "unparsed_remarks_share" in content
    # View only: no save buttons, no editable inputs.
    assert 'name="_save"' not in content
    assert 'name="source"' not in content


def test_change_page_lists_plain_text_warnings_one_per_item(admin_client):
    run = make_run(
        warnings=[
            "add.csv: 4,286 rows for 3,732 entries not in sdn.csv skipped, e.g. 17016, 17022, 17143",
            "58 country spellings could not be mapped to a code (275 uses), e.g. 'undetermined' x20",
        ]
    )

    content = admin_client.get(reverse("admin:importers_importrun_change", args=[run.pk])).content.decode()

    assert "<li>add.csv: 4,286 rows for 3,732 entries not in sdn.csv skipped, e.g. 17016, 17022, 17143</li>" in content
    assert (
        "<li>58 country spellings could not be mapped to a code (275 uses), e.g. &#x27;undetermined&#x27; x20</li>"
        in (content)
    )


def test_change_page_shows_the_raw_file_size_or_that_it_is_missing(admin_client, settings):
    raw = Path(settings.MEDIA_ROOT) / "imports" / "3f1c.csv"
    raw.parent.mkdir(parents=True)
    raw.write_bytes(SDN_CSV.read_bytes()[:1000])
    kept = make_run(raw_file="imports/3f1c.csv")
    lost = make_run(raw_file="imports/0000.csv")

    kept_page = admin_client.get(reverse("admin:importers_importrun_change", args=[kept.pk])).content.decode()
    lost_page = admin_client.get(reverse("admin:importers_importrun_change", args=[lost.pk])).content.decode()

    assert "imports/3f1c.csv (1,000 bytes)" in kept_page
    assert "imports/0000.csv <strong>(missing from disk)</strong>" in lost_page


def test_runs_cannot_be_added(admin_client, run):
    assert admin_client.get(reverse("admin:importers_importrun_add")).status_code == 403
    assert admin_client.post(reverse("admin:importers_importrun_add"), {"source": "ofac-sdn"}).status_code == 403
    assert ImportRun.objects.count() == 1


def test_runs_cannot_be_edited(admin_client, run):
    response = admin_client.post(
        reverse("admin:importers_importrun_change", args=[run.pk]), {"source": "forged", "status": "failed"}
    )

    assert response.status_code == 403
    run.refresh_from_db()
    assert (run.source, run.status) == ("ofac-sdn", ImportRun.Status.SUCCEEDED)


def test_runs_cannot_be_deleted(admin_client, run):
    response = admin_client.post(reverse("admin:importers_importrun_delete", args=[run.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert ImportRun.objects.filter(pk=run.pk).exists()


def test_delete_action_is_not_offered(admin_client, run):
    response = admin_client.get(reverse("admin:importers_importrun_changelist"))

    actions = [name for name, _ in response.context["action_form"].fields["action"].choices if name]
    assert actions == ["run_again", "reparse", "confirm_and_publish", "reject"]


def run_again(client, *runs):
    return client.post(
        reverse("admin:importers_importrun_changelist"),
        {"action": "run_again", helpers.ACTION_CHECKBOX_NAME: [str(r.pk) for r in runs]},
        follow=True,
    )


def test_run_again_enqueues_a_manual_run_with_the_same_source_path_and_date(admin_client, run, monkeypatch):
    calls = []

    def fake_enqueue(**kwargs):
        calls.append(kwargs)
        return ImportRun.objects.create(source=kwargs["source"], trigger=kwargs["trigger"], path=kwargs["path"])

    monkeypatch.setattr(importers.services, "import_run_enqueue", fake_enqueue)

    response = run_again(admin_client, run)

    assert response.status_code == 200
    assert calls == [
        {
            "source": "ofac-sdn",
            "trigger": ImportRun.Trigger.MANUAL,
            "path": "fixtures/ofac/sdn_2024-07-02",
            "as_of": datetime.date(2024, 7, 2),
        }
    ]
    new_run = ImportRun.objects.exclude(pk=run.pk).get()
    messages = [str(message) for message in response.context["messages"]]
    assert messages == [f"{run}: started again as {new_run}."]


def test_run_again_through_the_real_service_creates_a_pending_manual_run(admin_client, run):
    run_again(admin_client, run)

    new_run = ImportRun.objects.exclude(pk=run.pk).get()
    assert (new_run.source, new_run.trigger, new_run.path, new_run.as_of) == (
        "ofac-sdn",
        ImportRun.Trigger.MANUAL,
        "fixtures/ofac/sdn_2024-07-02",
        datetime.date(2024, 7, 2),
    )
    assert new_run.status == ImportRun.Status.PENDING


def test_run_again_reports_a_refused_run_and_goes_on_with_the_others(admin_client, monkeypatch):
    first = make_run(source="ofac-sdn")
    second = make_run(source="ofac-consolidated", path="", as_of=None)
    sources = []

    def fake_enqueue(**kwargs):
        sources.append(kwargs["source"])
        if kwargs["source"] == "ofac-sdn":
            raise ValueError("another import of ofac-sdn is running")
        return ImportRun.objects.create(source=kwargs["source"])

    monkeypatch.setattr(importers.services, "import_run_enqueue", fake_enqueue)

    response = run_again(admin_client, first, second)

    assert sources == ["ofac-sdn", "ofac-consolidated"]
    messages = [str(message) for message in response.context["messages"]]
    assert messages[0] == f"{first}: not started: another import of ofac-sdn is running"
    assert messages[1].startswith(f"{second}: started again as ofac-consolidated #")


def test_run_again_needs_the_add_permission(client, run, monkeypatch):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client.force_login(viewer)
    calls = []
    monkeypatch.setattr(importers.services, "import_run_enqueue", lambda **kw: calls.append(kw))

    listing = client.get(reverse("admin:importers_importrun_changelist"))
    run_again(client, run)

    assert listing.status_code == 200
    assert "action_form" not in listing.context or listing.context["action_form"] is None
    assert calls == []


def test_changelist_queries_are_pinned_and_do_not_grow_with_rows(admin_client):
    url = reverse("admin:importers_importrun_changelist")
    for _ in range(3):
        make_run()
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)

    for _ in range(27):
        make_run()
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 30
    assert len(few) == len(many) <= 7


# --------------------------------------------------------------------------------------------------
# Control of imports by editors: start now, upload, re-parse, accept or dismiss skipped changes
# --------------------------------------------------------------------------------------------------
from django.contrib.auth.models import Group  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402

from designations.models import Designee  # noqa: E402
from designations.services import roles_sync  # noqa: E402


@pytest.fixture
def editor_client(client):
    roles_sync()
    editor = User.objects.create_user("ada", password="pw", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client.force_login(editor)
    client.user = editor
    return client


@pytest.fixture
def fake_enqueue(monkeypatch):
    """The runs the start form and the re-parse action queue (``importers.services.start``), not run."""
    calls = []

    def enqueue(**kwargs):
        calls.append(kwargs)
        return ImportRun.objects.create(source=kwargs["source"], path=kwargs["path"], trigger=kwargs["trigger"])

    monkeypatch.setattr(importers.services.start, "import_run_enqueue", enqueue)
    return calls


def test_changelist_offers_editors_a_start_button(editor_client, run):
    content = editor_client.get(reverse("admin:importers_importrun_changelist")).content.decode()

    assert reverse("admin:importers_importrun_start") in content


def test_start_now_enqueues_a_manual_run_and_shows_it(editor_client, fake_enqueue):
    response = editor_client.post(reverse("admin:importers_importrun_start"), {"source": "ofac-sdn"})

    (call,) = fake_enqueue
    assert call == {
        "source": "ofac-sdn",
        "trigger": ImportRun.Trigger.MANUAL,
        "path": "",
        "as_of": None,
        "dry_run": False,
    }
    new_run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:importers_importrun_change", args=[new_run.pk])
    assert new_run.started_by == editor_client.user


def test_start_with_an_upload_of_the_real_list_imports_that_file(editor_client, fake_enqueue, settings):
    upload = SimpleUploadedFile("sdn.csv", SDN_CSV.read_bytes(), content_type="text/csv")

    editor_client.post(
        reverse("admin:importers_importrun_start"), {"source": "ofac-sdn", "files": [upload], "as_of": "2024-07-02"}
    )

    (call,) = fake_enqueue
    assert call["as_of"] == datetime.date(2024, 7, 2)
    assert (Path(call["path"]) / "sdn.csv").read_bytes() == SDN_CSV.read_bytes()


def test_start_refuses_a_file_the_source_does_not_read(editor_client, fake_enqueue):
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")

    response = editor_client.post(reverse("admin:importers_importrun_start"), {"source": "ofac-sdn", "files": [upload]})

    assert response.status_code == 200
    assert "this source reads only sdn.csv, add.csv, alt.csv, sdn_comments.csv" in response.content.decode()
    assert fake_enqueue == []


def test_pending_run_page_refreshes_itself_until_finished(admin_client):
    pending = make_run(status=ImportRun.Status.PENDING, finished_at=None)
    done = make_run()

    assert (
        'http-equiv="refresh"'
        in admin_client.get(reverse("admin:importers_importrun_change", args=[pending.pk])).content.decode()
    )
    assert (
        'http-equiv="refresh"'
        not in admin_client.get(reverse("admin:importers_importrun_change", args=[done.pk])).content.decode()
    )


def test_reparse_action_starts_a_run_from_the_kept_file(editor_client, fake_enqueue, settings):
    kept = Path(settings.MEDIA_ROOT) / "imports" / ("c" * 64 + ".csv")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(SDN_CSV.read_bytes())
    old = make_run(stats={"raw_files": {"sdn.csv": f"imports/{kept.name}"}})

    editor_client.post(
        reverse("admin:importers_importrun_changelist"),
        {"action": "reparse", helpers.ACTION_CHECKBOX_NAME: [old.pk]},
    )

    (call,) = fake_enqueue
    assert call["path"].endswith(f"reparse/{old.pk}")


@pytest.fixture
def skipped_run():
    president = Designee.objects.create(
        kind="individual",
        name="MNANGAGWA, Emmerson Dambudzo",
        entry_number=7513,
        title="President of Zimbabwe (since 2017)",
        source="ofac-sdn",
        source_uid="7513",
        locked_fields=["title"],
    )
    return make_run(
        skipped_changes=[
            {
                "designee": president.pk,
                "source_uid": "7513",
                "field": "title",
                "current": "President of Zimbabwe (since 2017)",
                "imported": "President of the Republic of Zimbabwe",
            }
        ]
    )


def test_run_page_lists_skipped_changes_with_accept_and_dismiss(editor_client, skipped_run):
    content = editor_client.get(reverse("admin:importers_importrun_change", args=[skipped_run.pk])).content.decode()

    assert "President of the Republic of Zimbabwe" in content
    assert 'data-accept="0"' in content and 'data-dismiss="0"' in content
    listing = editor_client.get(reverse("admin:importers_importrun_changelist"))
    assert listing.context["cl"].model_admin.pending_skipped_changes(skipped_run) == 1


def test_accept_button_applies_the_imported_value(editor_client, skipped_run):
    response = editor_client.post(
        reverse("admin:importers_importrun_skipped_change", args=[skipped_run.pk, 0, "accept"])
    )

    assert response.status_code == 302
    assert Designee.objects.get(source_uid="7513").title == "President of the Republic of Zimbabwe"
    skipped_run.refresh_from_db()
    assert skipped_run.skipped_changes[0]["decision"] == "accepted"
    content = editor_client.get(reverse("admin:importers_importrun_change", args=[skipped_run.pk])).content.decode()
    assert "accepted by ada" in content and 'data-accept="0"' not in content


def test_viewer_cannot_decide_skipped_changes(client, skipped_run):
    roles_sync()
    viewer = User.objects.create_user("vic", password="pw", is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    client.force_login(viewer)

    response = client.post(reverse("admin:importers_importrun_skipped_change", args=[skipped_run.pk, 0, "dismiss"]))

    assert response.status_code == 403
    skipped_run.refresh_from_db()
    assert "decision" not in skipped_run.skipped_changes[0]


# --------------------------------------------------------------------------------------------------
# Runs held for review: confirm and publish, or reject
# --------------------------------------------------------------------------------------------------
def _user(name: str, *codenames: str) -> User:
    user = User.objects.create_user(name, password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="importers", codename__in=codenames))
    return user


@pytest.fixture
def held_run(settings):
    kept = Path(settings.MEDIA_ROOT) / "imports" / "held.csv"
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(SDN_CSV.read_bytes()[:2000])
    plan = {
        "count": 457,
        "sample": [{"designation": 1, "entry": "49165", "name": "MERSAD MOHAJER CO LLC", "program": "IFSR"}],
        "designations": list(range(1, 458)),
    }
    return make_run(
        status=ImportRun.Status.NEEDS_REVIEW,
        warnings=["This run would delist 457 designations ... Held for review: nothing was published."],
        stats={"planned_delistings": plan, "raw_files": {"sdn.csv": "imports/held.csv"}, "as_of": "2024-07-09"},
    )


def test_held_run_page_shows_the_plan_to_all_and_the_buttons_to_reviewers(client, held_run):
    page = reverse("admin:importers_importrun_change", args=[held_run.pk])
    confirm = reverse("admin:importers_importrun_review", args=[held_run.pk, "confirm"])

    client.force_login(_user("viewer", "view_importrun"))
    as_viewer = client.get(page).content.decode()
    client.force_login(_user("reviewer", "view_importrun", "review_importrun"))
    as_reviewer = client.get(page).content.decode()

    for content in (as_viewer, as_reviewer):
        assert "457 designations would be delisted" in content and "MERSAD MOHAJER CO LLC" in content
    assert confirm not in as_viewer
    assert confirm in as_reviewer and "Confirm and publish" in as_reviewer and 'name="review_note"' in as_reviewer


def test_confirm_button_confirms_the_run_and_queues_the_one_that_publishes_it(client, held_run, settings):
    reviewer = _user("reviewer", "view_importrun", "review_importrun")
    client.force_login(reviewer)

    response = client.post(
        reverse("admin:importers_importrun_review", args=[held_run.pk, "confirm"]), {"review_note": "checked"}
    )

    held_run.refresh_from_db()
    new_run = ImportRun.objects.get(reviewed_run=held_run)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:importers_importrun_change", args=[new_run.pk])
    assert (held_run.status, held_run.reviewed_by, held_run.review_note) == ("confirmed", reviewer, "checked")
    assert (new_run.status, new_run.approve_delistings, new_run.started_by) == ("pending", 457, reviewer)
    assert new_run.as_of == datetime.date(2024, 7, 2)  # the held run's own date
    assert (Path(new_run.path) / "sdn.csv").read_bytes() == SDN_CSV.read_bytes()[:2000]


def test_reject_button_records_the_note_and_publishes_nothing(client, held_run):
    client.force_login(_user("reviewer", "view_importrun", "review_importrun"))

    client.post(reverse("admin:importers_importrun_review", args=[held_run.pk, "reject"]), {"review_note": "cut"})

    held_run.refresh_from_db()
    assert (held_run.status, held_run.review_note) == (ImportRun.Status.REJECTED, "cut")
    assert ImportRun.objects.count() == 1
    content = client.get(reverse("admin:importers_importrun_change", args=[held_run.pk])).content.decode()
    assert "Rejected by reviewer" in content


def test_only_reviewers_can_confirm_or_reject(client, held_run):
    client.force_login(_user("runner", "view_importrun", "add_importrun"))

    for decision in ("confirm", "reject"):
        response = client.post(reverse("admin:importers_importrun_review", args=[held_run.pk, decision]))
        assert response.status_code == 403
    assert client.get(reverse("admin:importers_importrun_review", args=[held_run.pk, "confirm"])).status_code == 405
    held_run.refresh_from_db()
    assert held_run.status == ImportRun.Status.NEEDS_REVIEW
    assert ImportRun.objects.count() == 1


def test_confirm_action_confirms_held_runs_and_reports_the_others(client, held_run, run):
    client.force_login(_user("reviewer", "view_importrun", "review_importrun"))

    response = client.post(
        reverse("admin:importers_importrun_changelist"),
        {"action": "confirm_and_publish", helpers.ACTION_CHECKBOX_NAME: [held_run.pk, run.pk]},
        follow=True,
    )

    held_run.refresh_from_db()
    assert held_run.status == ImportRun.Status.CONFIRMED
    messages = [str(m) for m in response.context["messages"]]
    assert any("not held for review" in m for m in messages)
    assert ImportRun.objects.filter(reviewed_run=held_run).count() == 1


def test_start_form_can_vouch_for_files_without_the_end_marker(editor_client, fake_enqueue):
    editor_client.post(
        reverse("admin:importers_importrun_start"), {"source": "ofac-sdn", "allow_missing_end_marker": "on"}
    )

    assert ImportRun.objects.get().allow_missing_end_marker is True
