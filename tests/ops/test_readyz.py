"""/healthz and /readyz: what a load balancer or orchestrator asks before sending traffic."""

from __future__ import annotations

import shutil
import socket
import time

import pytest
from django.db import OperationalError

from tests.ops.drillkit import RedisServer
from tracker import views

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_readyz_is_ready_in_eager_mode_without_asking_for_a_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "skipped"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_naming_the_broker_when_the_broker_port_is_closed(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"

    started = time.monotonic()
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["broker"]["status"] == "error"
    assert "127.0.0.1" not in response.content.decode()  # names what failed, not where it lives
    assert time.monotonic() - started < views.READY_TIMEOUT + 2


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(client, monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True

    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "_check_database", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"] == {"status": "error", "error": "OperationalError"}


def test_readyz_answers_within_its_timeout_when_a_dependency_hangs(client, monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    monkeypatch.setattr(views, "READY_TIMEOUT", 0.3)
    monkeypatch.setattr(views, "_check_database", lambda: time.sleep(3))

    started = time.monotonic()
    response = client.get("/readyz")

    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["error"] == "no answer within 0.3s"


def test_readyz_is_ready_with_a_broker_that_answers(client, settings):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = RedisServer()  # a private one on a free loopback port
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis.url
    try:
        response = client.get("/readyz")
    finally:
        redis.kill()

    assert response.status_code == 200, response.json()
    assert response.json() == {"status": "ok", "checks": {"database": {"status": "ok"}, "broker": {"status": "ok"}}}
