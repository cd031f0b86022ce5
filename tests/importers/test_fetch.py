"""Fetching over real HTTP from a loopback server that serves the real OFAC files."""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from designations.models import Designee
from importers.fetch import fetch_file
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.sources.base import FetchError
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

TINY = data_path("ofac", "tiny_fixture_2025-05-16")


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
    for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"):
        server.files[name] = (TINY / name).read_bytes()
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


def test_missing_optional_files_are_skipped(reference_data, tiny_source):
    del tiny_source.files["sdn_comments.csv"]
    del tiny_source.files["alt.csv"]

    run = _fetch_run()

    assert run.status == ImportRun.Status.SUCCEEDED
    assert set(run.stats["raw_files"]) == {"sdn.csv", "add.csv"}


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
