"""Fetching over real HTTP from a loopback server that serves the real OFAC files.

A download must bring OFAC's whole set (a 404 for alt.csv or add.csv is a broken download, not an optional
file) and whole files: a body short of its Content-Length, or sent without one and without the 0x1A end
marker, is refused before anything is parsed.
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from designations.models import Designation, Designee
from importers.fetch import fetch_file
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.sources.base import FetchError
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

TINY = data_path("ofac", "tiny_fixture_2025-05-16")
SDN_2024 = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
EOF_MARKER = b"\x1a"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        srv = self.server
        srv.requests.append((self.path, dict(self.headers)))
        if srv.delay:
            time.sleep(srv.delay)
        if srv.status != 200:
            self.send_response(srv.status)
            self.end_headers()
            return
        name = self.path.rsplit("/", 1)[-1]
        body = srv.files.get(name)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        if srv.send_length:  # without it the body ends when the connection closes (HTTP/1.0)
            self.send_header("Content-Length", str(srv.declared_length or len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.files: dict[str, bytes] = {}
        self.requests: list = []
        self.delay = 0.0
        self.status = 200
        self.declared_length = 0
        self.send_length = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ofac/"


@pytest.fixture
def server():
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def tiny_source(server, settings, monkeypatch):
    # Served as OFAC serves its files, ending with the 0x1A line (the third-party copy lost it).
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        server.files[name] = (TINY / name).read_bytes() + EOF_MARKER
    settings.IMPORT_SOURCE_URLS = {**settings.IMPORT_SOURCE_URLS, "ofac-sdn": server.url}
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    return server


def _fetch_run():
    run = import_run_create(source="ofac-sdn", trigger=ImportRun.Trigger.SCHEDULED, as_of=datetime.date(2025, 5, 16))
    return import_run_execute(run_id=run.pk)


def test_fetch_sends_user_agent_and_reads_the_file(server, settings):
    server.files["sdn.csv"] = (TINY / "sdn.csv").read_bytes()

    fetched = fetch_file(server.url + "sdn.csv", name="sdn.csv")

    assert fetched.content == (TINY / "sdn.csv").read_bytes()
    assert fetched.etag
    assert server.requests[0][1]["User-Agent"] == settings.IMPORT_USER_AGENT


def test_import_from_http_then_conditional_request_ends_unchanged(reference_data, tiny_source):
    first = _fetch_run()
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    assert Designee.objects.count() == 17
    tiny_source.requests.clear()

    second = _fetch_run()

    assert second.status == ImportRun.Status.UNCHANGED
    sent = [headers for _, headers in tiny_source.requests]
    assert all("If-None-Match" in headers for headers in sent)


@pytest.mark.parametrize("missing", ["alt.csv", "add.csv", "sdn_comments.csv"])
def test_download_without_a_companion_file_fails_clearly_and_writes_nothing(reference_data, tiny_source, missing):
    first = _fetch_run()
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    before = (Designee.objects.count(), sorted(Designation.objects.values_list("pk", "status")))
    aliases = sorted(Designee.objects.values_list("aliases__name", flat=True).exclude(aliases__name=None))
    changed = tiny_source.files["sdn.csv"].replace(b'",', b' (RENAMED)",', 1)  # new bytes, not a 304
    tiny_source.files["sdn.csv"] = changed
    del tiny_source.files[missing]

    with pytest.raises(FetchError, match=f"{missing}.* 404"):
        _fetch_run()

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportRun.Status.FAILED
    assert missing in run.error and "404" in run.error
    assert (Designee.objects.count(), sorted(Designation.objects.values_list("pk", "status"))) == before
    assert sorted(Designee.objects.values_list("aliases__name", flat=True).exclude(aliases__name=None)) == aliases
    assert not Designee.objects.filter(name__contains="RENAMED").exists()


def test_missing_required_file_fails_the_run(reference_data, tiny_source):
    del tiny_source.files["sdn.csv"]

    with pytest.raises(FetchError, match="404"):
        _fetch_run()

    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_timeout_fails_the_run_with_a_network_error(reference_data, tiny_source, settings):
    settings.IMPORT_HTTP_TIMEOUT = 0.3
    tiny_source.delay = 1.0

    with pytest.raises(requests.Timeout):
        _fetch_run()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "Network error" in run.error
    assert not Designee.objects.exists()


def test_server_error_is_treated_as_transient(reference_data, tiny_source):
    tiny_source.status = 503

    with pytest.raises(requests.ConnectionError):
        _fetch_run()

    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_non_final_network_failure_puts_the_run_back_to_pending(reference_data, tiny_source):
    tiny_source.status = 500
    run = import_run_create(source="ofac-sdn")

    with pytest.raises(requests.ConnectionError):
        import_run_execute(run_id=run.pk, final_attempt=False)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.PENDING
    assert "retrying" in run.warnings[-1]
    tiny_source.status = 200
    assert import_run_execute(run_id=run.pk).status == ImportRun.Status.SUCCEEDED


def test_truncated_download_is_detected(server):
    server.files["sdn.csv"] = (TINY / "sdn.csv").read_bytes()
    server.declared_length = len(server.files["sdn.csv"]) + 1000

    with pytest.raises((FetchError, requests.RequestException)):
        fetch_file(server.url + "sdn.csv", name="sdn.csv", timeout=2)


def test_body_shorter_than_its_content_length_fails_the_run_and_writes_nothing(reference_data, tiny_source):
    body = tiny_source.files["sdn.csv"]
    tiny_source.declared_length = len(body) + 1000  # the connection closes 1,000 bytes early

    with pytest.raises(requests.RequestException, match="cut short"):
        _fetch_run()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "cut short" in run.error
    assert not Designee.objects.exists()


def test_body_without_content_length_and_without_the_end_marker_is_refused(server):
    server.send_length = False
    server.files["sdn.csv"] = (TINY / "sdn.csv").read_bytes()

    with pytest.raises(FetchError, match=r"no Content-Length.*end-of-file marker"):
        fetch_file(server.url + "sdn.csv", name="sdn.csv", end_marker=EOF_MARKER)

    server.files["sdn.csv"] += EOF_MARKER
    fetched = fetch_file(server.url + "sdn.csv", name="sdn.csv", end_marker=EOF_MARKER)
    assert fetched.content.endswith(EOF_MARKER)


def test_list_cut_at_a_line_end_over_http_without_content_length_is_refused(reference_data, tiny_source):
    first = _fetch_run()
    assert first.status == ImportRun.Status.SUCCEEDED, first.error
    before = sorted(Designation.objects.values_list("pk", "status"))
    lines = SDN_2024.read_bytes().split(b"\r\n")
    cut = b"".join(line + b"\r\n" for line in lines[: len(lines) * 97 // 100])  # 97%, at a line end
    tiny_source.files["sdn.csv"] = cut
    tiny_source.send_length = False

    with pytest.raises(FetchError, match="end-of-file marker"):
        _fetch_run()

    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportRun.Status.FAILED
    assert "no Content-Length" in run.error
    assert sorted(Designation.objects.values_list("pk", "status")) == before
