"""Import runs under faults, in-process: what the drills (test_drills.py) check on real services, fast.

These run in ``make test``, on SQLite and on PostgreSQL; the PostgreSQL-only ones use its row and
advisory locks.
"""

from __future__ import annotations

import datetime
import json
import logging

import psycopg2
import pytest
from django.db import OperationalError, connection
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from designations.models import Designee
from importers.models import ImportRun
from importers.services import ImportRefused, import_run_create, import_run_enqueue, import_run_execute, lists, runs
from importers.sources import get_adapter
from tests.datafiles import data_path, requires_data
from tests.ops.test_logs import _Collect
from tracker.logs import JsonFormatter

pytestmark = requires_data

DATA = data_path("ofac")
TINY = DATA / "tiny_fixture_2025-05-16"
AS_OF = datetime.date(2025, 5, 16)

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL locks")


@pytest.fixture
def low_floor(monkeypatch):
    """The tiny real fixture has 17 entries; the production floor is thousands."""
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)


def _create(**kwargs) -> ImportRun:
    # The tiny real set is a copy that lost OFAC's 0x1A end markers: these tests vouch for it.
    kwargs.setdefault("allow_missing_end_marker", True)
    return import_run_create(source="ofac-sdn", path=[str(TINY)], as_of=AS_OF, **kwargs)


def _other_session():
    """A second database session, as another process would have (psycopg2, outside Django's transaction)."""
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"])
    conn.autocommit = True
    return conn


# --------------------------------------------------------------------------------------------------
# Queueing while the broker is down
# --------------------------------------------------------------------------------------------------
def test_a_run_queued_while_the_broker_is_down_fails_saying_so_and_the_caller_carries_on(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    from importers.tasks import run_import

    def broker_down(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(run_import, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_enqueue(source="ofac-sdn", path=[str(TINY)])

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "broker did not answer" in run.error and "start the import again" in run.error


def test_a_queued_run_records_its_task_id(reference_data, low_floor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = import_run_enqueue(source="ofac-sdn", path=[str(TINY)], as_of=AS_OF, allow_missing_end_marker=True)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert len(run.task_id) == 36  # the Celery task's id


# --------------------------------------------------------------------------------------------------
# A run whose worker died
# --------------------------------------------------------------------------------------------------
def test_a_redelivered_run_left_running_by_a_dead_worker_runs_again_and_succeeds(reference_data, low_floor):
    run = _create()
    # What a worker killed mid-import leaves: the run RUNNING, its transaction rolled back. On SQLite only
    # its age tells it is abandoned; on PostgreSQL its free run lock does.
    long_ago = timezone.now() - datetime.timedelta(hours=2)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, started_at=long_ago)

    done = import_run_execute(run_id=run.pk)

    assert done.status == ImportRun.Status.SUCCEEDED
    assert done.warnings[0].startswith("An earlier attempt was interrupted")
    assert Designee.objects.filter(source="ofac-sdn").count() == 17


@postgresql_only
def test_on_postgresql_a_dead_runs_free_lock_lets_the_next_run_recover_at_once(reference_data, low_floor):
    stale = ImportRun.objects.create(
        source="ofac-sdn",
        status=ImportRun.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=runs.ABANDON_GRACE_SECONDS + 5),
    )

    run = import_run_execute(run_id=_create().pk)  # minutes, not the 31 of the time limit

    stale.refresh_from_db()
    assert stale.status == ImportRun.Status.FAILED and stale.error.startswith("Abandoned")
    assert run.status == ImportRun.Status.SUCCEEDED


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_run_whose_process_lives_is_never_taken_for_abandoned(reference_data, low_floor, monkeypatch):
    live = ImportRun.objects.create(
        source="ofac-sdn", status=ImportRun.Status.RUNNING, started_at=timezone.now() - datetime.timedelta(hours=5)
    )
    other = _other_session()  # the live process: it holds the source's run lock
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [runs.RUN_LOCK_CLASS, runs._run_lock_key("ofac-sdn")])
    monkeypatch.setattr(runs, "RESUME_WAIT_SECONDS", 0.5)
    try:
        pending = _create()
        with pytest.raises(ImportRefused, match="already running"):
            import_run_execute(run_id=pending.pk)
        with pytest.raises(ImportRefused, match="still running in another process"):
            import_run_execute(run_id=live.pk)  # a second delivery of the live run's task
    finally:
        other.close()

    live.refresh_from_db()
    pending.refresh_from_db()
    assert live.status == ImportRun.Status.RUNNING
    assert pending.status == ImportRun.Status.FAILED and f"run #{live.pk}" in pending.error
    assert not Designee.objects.exists()
    # The process gone (its session closed), the next run recovers by itself.
    assert import_run_execute(run_id=_create().pk).status == ImportRun.Status.SUCCEEDED
    live.refresh_from_db()
    assert live.status == ImportRun.Status.FAILED


# --------------------------------------------------------------------------------------------------
# Transient database errors
# --------------------------------------------------------------------------------------------------
def test_a_lost_database_connection_puts_the_run_back_to_pending_then_fails_it_on_the_last_attempt(
    reference_data, low_floor, monkeypatch
):
    adapter = type(get_adapter("ofac-sdn"))
    original = adapter.parse

    def connection_lost(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(adapter, "parse", connection_lost)
    run = _create()
    with pytest.raises(OperationalError):
        import_run_execute(run_id=run.pk, final_attempt=False)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.PENDING
    assert run.warnings[-1].startswith("Attempt failed with a database error, retrying")

    with pytest.raises(OperationalError):
        import_run_execute(run_id=run.pk, final_attempt=True)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert run.error == "Database error: server closed the connection unexpectedly"

    monkeypatch.setattr(adapter, "parse", original)
    assert import_run_execute(run_id=_create().pk).status == ImportRun.Status.SUCCEEDED


def test_the_task_retries_transient_database_errors():
    from importers.tasks import run_import

    assert OperationalError in run_import.autoretry_for
    assert any(issubclass(OperationalError, kind) for kind in runs.TRANSIENT_ERRORS)


# --------------------------------------------------------------------------------------------------
# Editors' edits during an import
# --------------------------------------------------------------------------------------------------
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_lists_rows_are_locked_while_the_import_writes(reference_data, low_floor, monkeypatch):
    import_run_execute(run_id=_create().pk)
    some = Designee.objects.filter(source="ofac-sdn").order_by("pk").first()
    seen = {}
    real_upsert = lists.upsert_snapshot

    def upsert_then_look(**kwargs):
        other = _other_session()  # an editor saving the designee while the import's transaction is open
        try:
            with other.cursor() as cursor:
                cursor.execute("SET lock_timeout = '200ms'")
                try:
                    cursor.execute("UPDATE designations_designee SET name = 'edited' WHERE id = %s", [some.pk])
                    seen["editor"] = "wrote"
                except psycopg2.errors.LockNotAvailable:
                    seen["editor"] = "waited"
        finally:
            other.close()
        return real_upsert(**kwargs)

    monkeypatch.setattr(lists, "upsert_snapshot", upsert_then_look)
    run = import_run_execute(run_id=_create(max_delist_share=1.0, dry_run=True).pk)

    assert run.status == ImportRun.Status.SUCCEEDED
    assert seen == {"editor": "waited"}


# --------------------------------------------------------------------------------------------------
# What operators see in the logs
# --------------------------------------------------------------------------------------------------
def test_each_run_logs_its_start_and_outcome_tagged_with_its_id(reference_data, low_floor, tmp_path):
    handler = _Collect(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        ok = import_run_execute(run_id=_create().pk)
        (tmp_path / "sdn.csv").write_bytes(b"")
        bad = import_run_create(source="ofac-sdn", path=[str(tmp_path / "sdn.csv")])
        with pytest.raises(Exception):  # noqa: B017 (whatever the parser raises, the run must say failed)
            import_run_execute(run_id=bad.pk)
    finally:
        logging.getLogger().removeHandler(handler)

    entries = [json.loads(line) for line in handler.lines if json.loads(line)["logger"] == "importers.services"]
    ours = [e for e in entries if e.get("import_run_id") == ok.pk]
    assert ours[0]["message"] == f"Import run {ok.pk} of ofac-sdn started"
    assert ours[-1]["level"] == "INFO" and ours[-1]["status"] == "succeeded" and ours[-1]["rows_created"] == 17
    failed = [e for e in entries if e.get("import_run_id") == bad.pk][-1]
    assert failed["level"] == "ERROR" and failed["status"] == "failed"
    assert failed["message"].startswith(f"Import run {bad.pk} of ofac-sdn failed: ")
