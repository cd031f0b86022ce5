"""Uploads (an editor starting an import from files): only the source's own files, bounded in size and count,
checked for type, and written nowhere but under ``MEDIA_ROOT/uploads/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import importers.services.start
from designations.services import roles_sync
from importers.models import ImportRun

pytestmark = pytest.mark.django_db

START = reverse("admin:importers_importrun_start")
CSV = b'36,"AERO-CARIBBEAN","-0-","CUBA","-0-","-0-","-0-","-0-","-0-","-0-","-0-","-0-"\r\n'


@pytest.fixture
def enqueued(monkeypatch):
    """The runs the start form hands to Celery, without running them."""
    calls = []

    def enqueue(**kwargs):
        calls.append(kwargs)
        return ImportRun.objects.create(source=kwargs["source"], path=kwargs["path"], trigger=kwargs["trigger"])

    monkeypatch.setattr(importers.services.start, "import_run_enqueue", enqueue)
    return calls


def _client(client, group: str):
    roles_sync()
    user = User.objects.create_user(f"{group.lower()}-user", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.fixture
def editor(client):
    return _client(client, "Editors")


def _multipart(filename: str, content: bytes, source: str = "ofac-sdn") -> bytes:
    """A form post whose file name reaches the server exactly as written (the test client keeps only its base)."""
    return (
        b'--B\r\nContent-Disposition: form-data; name="source"\r\n\r\n' + source.encode() + b"\r\n"
        b'--B\r\nContent-Disposition: form-data; name="files"; filename="' + filename.encode() + b'"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n--B--\r\n"
    )


def _files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


@pytest.mark.parametrize("filename", ["../../etc/passwd", "/etc/passwd", "..\\..\\passwd", "sdn.csv\x00.exe"])
def test_a_path_in_the_file_name_is_refused_and_nothing_is_written(editor, enqueued, settings, tmp_path, filename):
    response = editor.generic("POST", START, _multipart(filename, CSV), content_type="multipart/form-data; boundary=B")

    assert response.status_code in (200, 400)
    assert enqueued == []
    assert _files_under(Path(settings.MEDIA_ROOT)) == set()
    assert not (tmp_path.parent / "etc").exists()


@pytest.mark.parametrize("filename", ["../../sdn.csv", "..\\..\\sdn.csv", "/tmp/sdn.csv"])
def test_a_source_file_name_behind_a_path_is_kept_under_the_uploads_folder(editor, enqueued, settings, filename):
    editor.generic("POST", START, _multipart(filename, CSV), content_type="multipart/form-data; boundary=B")

    (call,) = enqueued
    uploads = Path(settings.MEDIA_ROOT) / "uploads"
    assert Path(call["path"]).parent == uploads
    assert _files_under(Path(settings.MEDIA_ROOT)) == {Path(call["path"]) / "sdn.csv"}


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("sdn.csv", b"\x00\x01binary\x00", "is not a text file"),
        ("sdn.csv", b"  \r\n", "is empty"),
        ("index.html", b"<script>alert(1)</script>", "this source reads only"),
        ("sdn.exe", b"MZ\x90\x00", "this source reads only"),
    ],
)
def test_a_file_that_is_not_what_the_source_reads_is_refused(editor, enqueued, settings, filename, content, message):
    upload = SimpleUploadedFile(filename, content)

    response = editor.post(START, {"source": "ofac-sdn", "files": [upload]})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert enqueued == []
    assert _files_under(Path(settings.MEDIA_ROOT)) == set()


def test_an_xml_source_refuses_a_file_that_is_not_xml(editor, enqueued):
    upload = SimpleUploadedFile("sdn.xml", b"name,program\r\nX,SDGT\r\n")

    response = editor.post(START, {"source": "ofac-sdn-xml", "files": [upload]})

    assert "is not an XML file" in response.content.decode()
    assert enqueued == []


def test_an_oversized_file_is_refused_before_anything_is_written(editor, enqueued, settings, monkeypatch):
    monkeypatch.setattr("importers.services.start.MAX_UPLOAD_BYTES", 1024 * 1024)
    upload = SimpleUploadedFile("sdn.csv", CSV * (1024 * 1024 // len(CSV) + 1))

    response = editor.post(START, {"source": "ofac-sdn", "files": [upload]})

    assert response.status_code == 200
    assert "sdn.csv is larger than 1 MB." in response.content.decode()
    assert enqueued == []
    assert _files_under(Path(settings.MEDIA_ROOT)) == set()


def test_too_many_files_in_one_post_is_a_bad_request(editor, enqueued):
    uploads = [SimpleUploadedFile("sdn.csv", CSV) for _ in range(101)]  # DATA_UPLOAD_MAX_NUMBER_FILES is 100

    response = editor.post(START, {"source": "ofac-sdn", "files": uploads})

    assert response.status_code == 400
    assert enqueued == []


def test_a_viewer_cannot_upload(client, enqueued, settings):
    viewer = _client(client, "Viewers")

    response = viewer.post(START, {"source": "ofac-sdn", "files": [SimpleUploadedFile("sdn.csv", CSV)]})

    assert response.status_code == 403
    assert enqueued == []
    assert _files_under(Path(settings.MEDIA_ROOT)) == set()
