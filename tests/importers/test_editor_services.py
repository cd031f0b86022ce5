"""Import-run services editors use in the admin: changes skipped because of a lock (accept or dismiss),
imports started now or from uploaded files, and re-parses of kept raw files."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

import importers.services.start
from designations.models import Designee
from importers.models import ImportRun
from importers.services import import_run_reparse, import_run_start, skipped_change_accept, skipped_change_dismiss

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return User.objects.create_user("ada", password="pw", is_staff=True)


@pytest.fixture
def president():
    """MNANGAGWA, Emmerson Dambudzo, entry 7513 of the 2024-07-02 SDN list, as the import writes him."""
    return Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL,
        name="MNANGAGWA, Emmerson Dambudzo",
        entry_number=7513,
        title="President of Zimbabwe",
        source="ofac-sdn",
        source_uid="7513",
        record_hash="a" * 64,
    )


# ---- changes skipped because of a lock -----------------------------------------------------------
@pytest.fixture
def run_with_skipped(president):
    return ImportRun.objects.create(
        source="ofac-sdn",
        status=ImportRun.Status.SUCCEEDED,
        skipped_changes=[
            {
                "designee": president.pk,
                "source_uid": "7513",
                "field": "title",
                "current": "President of Zimbabwe",
                "imported": "Former President",
            },
            {"designee": president.pk, "source_uid": "7513", "field": "aliases", "imported": "(set)"},
        ],
    )


def test_accepting_a_skipped_field_change_applies_it_and_records_the_decision(president, editor, run_with_skipped):
    president.locked_fields = ["title", "aliases"]
    president.save()

    skipped_change_accept(run=run_with_skipped, index=0, user=editor)

    president.refresh_from_db()
    run_with_skipped.refresh_from_db()
    assert president.title == "Former President"
    assert president.locked_fields == ["title", "aliases"]
    assert run_with_skipped.skipped_changes[0]["decision"] == "accepted"
    assert run_with_skipped.skipped_changes[0]["decided_by"] == "ada"
    assert "decision" not in run_with_skipped.skipped_changes[1]
    with pytest.raises(ValidationError, match="already accepted"):
        skipped_change_dismiss(run=run_with_skipped, index=0, user=editor)


def test_accepting_a_skipped_collection_unlocks_it_for_the_next_import(president, editor, run_with_skipped):
    president.locked_fields = ["title", "aliases"]
    president.save()

    skipped_change_accept(run=run_with_skipped, index=1, user=editor)

    president.refresh_from_db()
    assert president.locked_fields == ["title"]
    assert president.record_hash == ""  # the next import sees the entry as changed and writes its aliases


def test_dismissing_keeps_the_editors_value(president, editor, run_with_skipped):
    skipped_change_dismiss(run=run_with_skipped, index=0, user=editor)

    president.refresh_from_db()
    run_with_skipped.refresh_from_db()
    assert president.title == "President of Zimbabwe"
    assert run_with_skipped.skipped_changes[0]["decision"] == "dismissed"
    with pytest.raises(ValidationError, match="no skipped change #5"):
        skipped_change_dismiss(run=run_with_skipped, index=5, user=editor)


# ---- imports started by editors -----------------------------------------------------------------
@pytest.fixture
def enqueued(monkeypatch):
    calls = []

    def fake_enqueue(**kwargs):
        calls.append(kwargs)
        return ImportRun.objects.create(source=kwargs["source"], path=kwargs["path"], trigger=kwargs["trigger"])

    monkeypatch.setattr(importers.services.start, "import_run_enqueue", fake_enqueue)
    return calls


def test_upload_is_kept_under_the_name_the_source_reads_and_imported_from_there(editor, enqueued, settings):
    content = b'7513,"MNANGAGWA, Emmerson Dambudzo","individual","GLOMAG","President of Zimbabwe"\r\n'

    run = import_run_start(source="ofac-sdn", user=editor, files={"SDN.CSV": content})

    (call,) = enqueued
    assert call["trigger"] == ImportRun.Trigger.MANUAL
    folder = settings.MEDIA_ROOT / "uploads"
    assert call["path"].startswith(str(folder))
    assert (folder / call["path"].rsplit("/", 1)[1] / "sdn.csv").read_bytes() == content
    assert run.started_by == editor


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("names.txt", b"a,b\r\n", "reads only"),
        ("sdn.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        ("sdn.csv", b"  \r\n", "empty"),
    ],
    ids=["wrong-name", "binary", "empty"],
)
def test_bad_uploads_are_refused_before_any_run(editor, enqueued, name, content, message):
    with pytest.raises(ValidationError, match=message):
        import_run_start(source="ofac-sdn", user=editor, files={name: content})

    assert enqueued == []


def test_an_xml_upload_must_be_xml(editor, enqueued):
    with pytest.raises(ValidationError, match="not an XML file"):
        import_run_start(source="ofac-sdn-advanced", user=editor, files={"sdn_advanced.xml": b"sdn,csv"})


def test_oversized_upload_is_refused(editor, enqueued, monkeypatch):
    monkeypatch.setattr(importers.services.start, "MAX_UPLOAD_BYTES", 10)

    with pytest.raises(ValidationError, match="larger than"):
        import_run_start(source="ofac-sdn", user=editor, files={"sdn.csv": b"7513,MNANGAGWA\r\n"})


def test_reparse_copies_the_kept_raw_files_back_under_their_names(editor, enqueued, settings):
    kept = settings.MEDIA_ROOT / "imports" / ("b" * 64 + ".csv")
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"7513,...")
    run = ImportRun.objects.create(
        source="ofac-sdn",
        status=ImportRun.Status.SUCCEEDED,
        as_of=datetime.date(2024, 7, 2),
        stats={"raw_files": {"sdn.csv": f"imports/{kept.name}"}},
    )

    new_run = import_run_reparse(run=run, user=editor)

    (call,) = enqueued
    assert call["path"] == str(settings.MEDIA_ROOT / "reparse" / str(run.pk))
    assert call["as_of"] == datetime.date(2024, 7, 2)
    assert (settings.MEDIA_ROOT / "reparse" / str(run.pk) / "sdn.csv").read_bytes() == b"7513,..."
    assert new_run.started_by == editor


def test_reparse_without_a_kept_file_is_refused(editor, enqueued):
    run = ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.FAILED)

    with pytest.raises(ValidationError, match="kept no raw file"):
        import_run_reparse(run=run, user=editor)
    assert enqueued == []
