"""Reconstructed announcement pages: flagged on import, ``reconstructed: true`` in the API, and labelled on
the designee page, never shown as the release's own words."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from announcements.models import Announcement
from designations.models import SourceDocument
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from tests.factories import DesignationEventFactory, DesignationFactory, SourceDocumentFactory

pytestmark = pytest.mark.django_db

BUNDLED = settings.BASE_DIR / "fixtures" / "announcements" / "ofac"


def run(folder: Path) -> ImportRun:
    created = import_run_create(source="ofac-recent-actions", path=[str(folder)])
    finished = import_run_execute(run_id=created.pk)
    assert finished.status == ImportRun.Status.SUCCEEDED, finished.error
    return finished


def copy_of_bundled(tmp_path: Path, *, reconstructed_column: str | None) -> Path:
    """The bundled notices copied elsewhere, with a pages.csv that has (or lacks) a ``reconstructed`` column."""
    folder = tmp_path / "notices"
    folder.mkdir(parents=True)
    with (BUNDLED / "pages.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (folder / "pages.csv").open("w", encoding="utf-8", newline="") as handle:
        columns = ["file", "url"] + (["reconstructed"] if reconstructed_column is not None else [])
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        for row in rows:
            shutil.copyfile(BUNDLED / row["file"], folder / row["file"])
            if reconstructed_column is not None:
                row["reconstructed"] = reconstructed_column
            writer.writerow({key: row[key] for key in columns})
    return folder


def test_the_bundled_demo_pages_are_flagged_and_the_api_says_so(reference_data, api_client):
    run(BUNDLED)

    assert Announcement.objects.count() == len(list(BUNDLED.glob("*.html")))
    assert not Announcement.objects.filter(reconstructed=False).exists()
    rows = api_client.get(reverse("announcements-api:announcement-list")).json()["results"]
    assert rows and all(row["reconstructed"] is True for row in rows)


def test_pages_saved_elsewhere_are_not_flagged_unless_their_manifest_says_so(reference_data, tmp_path):
    run(copy_of_bundled(tmp_path / "plain", reconstructed_column=None))
    assert not Announcement.objects.filter(reconstructed=True).exists()

    Announcement.objects.all().delete()
    SourceDocument.objects.filter(source="ofac-recent-actions").delete()
    run(copy_of_bundled(tmp_path / "flagged", reconstructed_column="yes"))
    assert Announcement.objects.exists()
    assert not Announcement.objects.filter(reconstructed=False).exists()


def test_a_page_recorded_before_the_flag_is_flagged_by_the_next_import(reference_data):
    run(BUNDLED)
    Announcement.objects.update(reconstructed=False)
    ImportRun.objects.update(raw_sha256="")  # not the same files as the last run: the pages are read again

    run(BUNDLED)

    assert not Announcement.objects.filter(reconstructed=False).exists()


class TestDesigneePage:
    def page_with_reason_from(self, client, *, reconstructed: bool) -> str:
        document = SourceDocumentFactory(title="Treasury Sanctions Officials", url="https://home.treasury.gov/x")
        Announcement.objects.create(
            document=document, source="treasury-press", url=document.url, reconstructed=reconstructed
        )
        designation = DesignationFactory(reason="Responsible for the crackdown.", reason_source=document)
        DesignationEventFactory(designation=designation, source_document=document)
        return " ".join(client.get(designation.designee.get_absolute_url()).content.decode().split())

    def test_a_reason_from_a_reconstructed_page_is_labelled(self, client):
        html = self.page_with_reason_from(client, reconstructed=True)

        assert "<dt>Reason (reconstructed)</dt>" in html
        assert "<strong>Text reconstructed from reports of the release</strong>, not the release's own words." in html
        assert "Reconstructed from reports of:" in html
        assert "(text reconstructed from reports of the release)" in html  # beside the event's source

    def test_a_reason_from_the_release_itself_is_not(self, client):
        html = self.page_with_reason_from(client, reconstructed=False)

        assert "<dt>Reason</dt>" in html
        assert "reconstructed" not in html.lower()
