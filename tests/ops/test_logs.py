"""Structured logs: the JSON and plain formatters, and the context they carry (request, task, import run)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest

from tracker.logs import ContextFilter, JsonFormatter, PlainFormatter, log_context, request_id_from


def _record(message="Imported %s rows", args=(1200,), level=logging.INFO, exc_info=None, **extra):
    record = logging.LogRecord("importers.services", level, __file__, 10, message, args, exc_info)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


class _Collect(logging.Handler):
    """Keeps what the console handler would write, through the same filter."""

    def __init__(self, formatter: logging.Formatter):
        super().__init__()
        self.setFormatter(formatter)
        self.addFilter(ContextFilter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def json_lines():
    handler = _Collect(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.lines
    root.removeHandler(handler)


def test_json_formatter_writes_one_object_per_line_with_level_logger_message_and_extra():
    line = JsonFormatter().format(_record(status="succeeded", records=12))

    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "INFO"
    assert entry["logger"] == "importers.services"
    assert entry["message"] == "Imported 1200 rows"
    assert entry["status"] == "succeeded"
    assert entry["records"] == 12
    assert entry["time"].endswith("+00:00")


def test_json_formatter_keeps_the_traceback_in_the_same_line():
    try:
        raise ValueError("bad row")
    except ValueError:
        line = JsonFormatter().format(_record("failed", (), logging.ERROR, exc_info=sys.exc_info()))

    entry = json.loads(line)
    assert entry["exc_type"] == "ValueError"
    assert "Traceback" in entry["exc"] and "bad row" in entry["exc"]


def test_json_formatter_survives_values_json_cannot_encode():
    import datetime

    entry = json.loads(JsonFormatter().format(_record(as_of=datetime.date(2024, 7, 2), path=object())))

    assert entry["as_of"] == "2024-07-02"
    assert entry["path"].startswith("<object")


def test_context_tags_every_record_logged_inside_the_block(json_lines):
    log = logging.getLogger("importers.upsert")
    with log_context(import_run_id=42, import_source="ofac-sdn"):
        log.warning("country not mapped")
        with log_context(task_id="abc"):
            log.warning("nested")
    log.warning("outside")

    entries = [json.loads(line) for line in json_lines]
    assert entries[0]["import_run_id"] == 42 and entries[0]["import_source"] == "ofac-sdn"
    assert entries[1]["task_id"] == "abc" and entries[1]["import_run_id"] == 42
    assert "import_run_id" not in entries[2] and "task_id" not in entries[2]


def test_plain_formatter_appends_the_context_to_the_classic_line():
    record = _record(import_run_id=7)

    line = PlainFormatter().format(record)

    assert line.endswith("INFO importers.services Imported 1200 rows import_run_id=7")


@pytest.mark.django_db
def test_a_request_gets_a_request_id_on_its_records(client, json_lines, settings, monkeypatch):
    from tracker import views

    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(views, "_check_database", lambda: (_ for _ in ()).throw(RuntimeError("down")))

    client.get("/readyz", HTTP_X_REQUEST_ID="req-123")
    client.get("/readyz")

    entries = [json.loads(line) for line in json_lines if "Readiness check" in line]
    assert entries[0]["request_id"] == "req-123"
    assert len(entries[1]["request_id"]) == 32 and entries[1]["request_id"] != "req-123"
    logging.getLogger("after").warning("after the request")
    assert "request_id" not in json.loads(json_lines[-1])


def test_a_request_left_unfinished_does_not_tag_what_follows(db, client, json_lines):
    from django.core.signals import request_started

    request_started.send(sender=None, environ={"HTTP_X_REQUEST_ID": "never-finished"})  # a response never closed
    client.get("/healthz")
    logging.getLogger("after").warning("after the request")

    assert "request_id" not in json.loads(json_lines[-1])


def test_an_unlikely_request_id_header_is_replaced():
    assert request_id_from({"HTTP_X_REQUEST_ID": "abc-1.2_3"}) == "abc-1.2_3"
    assert request_id_from({"HTTP_X_REQUEST_ID": "x" * 65}) != "x" * 65
    assert request_id_from({"HTTP_X_REQUEST_ID": 'a"}\n{"level": "CRITICAL'}) != 'a"}\n{"level": "CRITICAL'
    assert len(request_id_from(None)) == 32


def _configured(log_format: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "LOG_"))}
    env.update(DJANGO_SECRET_KEY="x", LOG_FORMAT=log_format, DJANGO_SETTINGS_MODULE="tracker.settings")
    code = "import django, logging; django.setup(); logging.getLogger('importers').warning('Run %s failed', 9)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


def test_log_format_json_makes_the_process_log_json_lines():
    result = _configured("json")

    entry = json.loads(result.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Run 9 failed" and entry["level"] == "WARNING"


def test_log_format_plain_is_the_readable_default_and_a_typo_is_refused():
    assert _configured("plain").stderr.strip().endswith("WARNING importers Run 9 failed")
    refused = _configured("xml")
    assert refused.returncode != 0
    assert "LOG_FORMAT must be plain or json" in refused.stderr
