"""Import tasks: eager in-process by default, and through Redis with a real worker process in CI."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from designations.models import Designee
from importers.models import ImportRun
from importers.services import import_run_enqueue
from importers.sources import get_adapter
from importers.tasks import run_import, run_scheduled_import
from tests.datafiles import data_path, requires_data

pytestmark = requires_data

ROOT = Path(__file__).parent.parent.parent
DATA = data_path("ofac")


@pytest.fixture
def low_floor(monkeypatch):
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)


def test_enqueued_import_runs_eagerly_after_commit(reference_data, low_floor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_enqueue(
            source="ofac-sdn",
            path=[str(DATA / "tiny_fixture_2025-05-16")],
            as_of=datetime.date(2025, 5, 16),
            allow_missing_end_marker=True,  # a third-party copy that lost OFAC's 0x1A end markers
        )

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert Designee.objects.count() == 17


def test_task_for_a_missing_run_logs_and_returns(db, caplog):
    assert run_import.delay(999999).get() is None
    assert "does not exist" in caplog.text


def test_scheduled_task_creates_a_scheduled_run(db, django_capture_on_commit_callbacks, monkeypatch):
    calls = []
    monkeypatch.setattr(run_import, "delay", lambda pk: calls.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        pk = run_scheduled_import.delay("ofac-sdn").get()

    run = ImportRun.objects.get(pk=pk)
    assert run.trigger == ImportRun.Trigger.SCHEDULED
    assert calls == [pk]


def test_beat_schedule_names_registered_tasks(settings):
    from tracker.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks
        get_adapter(entry["args"][0])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_import_task_runs_to_success_through_redis_and_a_worker_process(reference_data):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql" or not broker.startswith("redis://"):
        pytest.fail("the worker test needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) set")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "DJANGO_SECRET_KEY": "worker-test",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        run = import_run_enqueue(
            source="ofac-sdn", path=[str(DATA / "sdn_2021-06-29")], as_of=datetime.date(2021, 6, 29)
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.FAILED):
                break
            time.sleep(0.5)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            output = worker.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            worker.kill()
            output = worker.communicate()[0]
    assert run.status == ImportRun.Status.SUCCEEDED, f"{run.status}: {run.error}\n{output[-3000:]}"
    assert run.created == 8976
    assert Designee.objects.filter(source="ofac-sdn").count() == 8976
    assert "run_import" in output


def test_a_run_held_for_review_is_an_outcome_of_the_task_not_an_error(reference_data, low_floor, settings, tmp_path):
    from importers.services import import_run_create, import_run_execute
    from tests.datafiles import selection

    settings.IMPORT_REVIEW_DELIST_COUNT, settings.IMPORT_MAX_DELIST_SHARE = 3, 1.0
    named = selection("sdn_2024-07-02_named")
    first = import_run_create(source="ofac-sdn", path=[str(named)], as_of=datetime.date(2024, 7, 2))
    import_run_execute(run_id=first.pk)
    lines = (named / "sdn.csv").read_bytes().removesuffix(b"\x1a").split(b"\r\n")[:-1]
    (tmp_path / "sdn.csv").write_bytes(b"".join(line + b"\r\n" for line in lines[:-5]) + b"\x1a")
    run = import_run_create(source="ofac-sdn", path=[str(tmp_path / "sdn.csv")], as_of=datetime.date(2024, 7, 9))

    assert run_import.delay(run.pk).get() == ImportRun.Status.NEEDS_REVIEW

    run.refresh_from_db()
    assert run.status == ImportRun.Status.NEEDS_REVIEW
    assert not run.error
