"""The life of an import run: created, queued, claimed, executed to one recorded outcome.

``import_run_execute`` owns every status transition of an ``ImportRun`` (see its docstring), but for
the editors' decisions on a run held for review (``importers.services.review``). Tasks, the
``import_source`` command and the admin all go through these functions.
"""

from __future__ import annotations

import datetime
import logging
import time
import traceback
import zlib
from collections.abc import Callable
from typing import NoReturn

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from designations.services import review_flag_changed
from importers import writers
from importers.errors import DATABASE_ERRORS, NETWORK_ERRORS, TRANSIENT_ERRORS
from importers.models import ImportRun
from importers.records import ParsedSource
from importers.services import checks, files
from importers.sources import get_adapter
from importers.sources.base import SourceAdapter, SourceError, bundle_sha256
from importers.upsert import ImportSafetyError, ReviewRequired, UpsertResult
from tracker.logs import log_context

# One logger for every import-run service: the name operators filter and alert on.
logger = logging.getLogger("importers.services")


class ImportRefused(Exception):
    """The run could not start (another run of the source is running, or the run is not pending)."""


def import_run_create(
    *,
    source: str,
    trigger: str = ImportRun.Trigger.MANUAL,
    path: str | list[str] = "",
    as_of: datetime.date | None = None,
    dry_run: bool = False,
    max_delist_share: float | None = None,
    allow_missing_end_marker: bool = False,
    approve_delistings: int | None = None,
    reviewed_run: ImportRun | None = None,
) -> ImportRun:
    """Create a pending run of ``source``; ``KeyError`` for an unknown source.

    ``allow_missing_end_marker`` and ``approve_delistings`` carry a person's word: that files without
    OFAC's 0x1A end marker are whole, and that up to that many delistings are real. ``reviewed_run`` is
    the held run an editor confirmed (``import_run_confirm``).
    """
    get_adapter(source)  # validates the slug
    if max_delist_share is not None and not 0 <= max_delist_share <= 1:
        raise ValueError("max_delist_share is a share between 0 and 1")
    if approve_delistings is not None and approve_delistings < 0:
        raise ValueError("approve_delistings is a number of delistings, 0 or more")
    if isinstance(path, list | tuple):
        path = "\n".join(str(p) for p in path)
    return ImportRun.objects.create(
        source=source,
        trigger=trigger,
        path=path,
        as_of=as_of,
        dry_run=dry_run,
        max_delist_share=max_delist_share,
        allow_missing_end_marker=allow_missing_end_marker,
        approve_delistings=approve_delistings,
        reviewed_run=reviewed_run,
    )


def import_run_enqueue(
    *,
    source: str,
    trigger: str = ImportRun.Trigger.MANUAL,
    path: str | list[str] = "",
    as_of: datetime.date | None = None,
    dry_run: bool = False,
    max_delist_share: float | None = None,
    allow_missing_end_marker: bool = False,
    approve_delistings: int | None = None,
    reviewed_run: ImportRun | None = None,
) -> ImportRun:
    """Create a pending run and queue its task once the transaction commits (see ``_send``)."""
    run = import_run_create(
        source=source,
        trigger=trigger,
        path=path,
        as_of=as_of,
        dry_run=dry_run,
        max_delist_share=max_delist_share,
        allow_missing_end_marker=allow_missing_end_marker,
        approve_delistings=approve_delistings,
        reviewed_run=reviewed_run,
    )
    transaction.on_commit(lambda: _send(run))
    return run


def _send(run: ImportRun) -> None:
    """Queue ``run``'s task. A broker that does not answer fails the run, saying so, instead of the caller.

    Without this the run would stay PENDING forever (no task will ever claim it) and the page or command
    that started it would crash after the run was already committed.
    """
    from importers.tasks import run_import as run_import_task

    try:
        result = run_import_task.delay(run.pk)
    except BrokerError as exc:
        # The broker's address stays in the log: the run's error is shown to editors and in the API.
        message = (
            f"Could not queue the import: the task broker did not answer ({exc.__class__.__name__}). Nothing "
            "was started; start the import again once the broker is back."
        )
        logger.error("Import run %s of %s not queued: %s", run.pk, run.source, exc, extra={"import_run_id": run.pk})
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message, updated_at=timezone.now()
        )
        return
    if getattr(result, "id", None):  # the Celery task id, to find the task's own record and logs
        ImportRun.objects.filter(pk=run.pk).update(task_id=result.id)


# --------------------------------------------------------------------------------------------------
# Runs whose process died
# --------------------------------------------------------------------------------------------------
# An executing run holds its source's run lock: a PostgreSQL session-level advisory lock, which the server
# releases by itself when the session ends. So a RUNNING run whose source lock is free lost its process
# (worker SIGKILLed, machine gone, connection cut), and that process's transaction was rolled back: it
# wrote nothing. SQLite has no such lock: there a RUNNING run is taken for abandoned once it is older than
# the task time limit (Celery would have killed a task that old).
RUN_LOCK_CLASS = 0x1D17  # first key of the advisory lock pair: "import runs"
RESUME_WAIT_SECONDS = 30.0  # how long a re-delivered run waits for the dead session's lock to go
ABANDON_GRACE_SECONDS = 60.0  # a lock-free RUNNING run younger than this may be reconnecting to record its end
OUTCOME_PATIENCE_SECONDS = 60.0  # how long to keep trying to record an outcome while the database restarts
ABANDONED = (
    "Abandoned: the process running it stopped (killed, or cut off from the database) before it finished. "
    "Its transaction was rolled back, so nothing it started was written."
)


def _run_lock_key(source: str) -> int:
    return zlib.crc32(source.encode()) - 2**31  # the second key: a signed 32-bit integer per source


def _try_run_lock(source: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, _run_lock_key(source)])
        return bool(cursor.fetchone()[0])


def _release_run_lock(source: str) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, _run_lock_key(source)])
    except DATABASE_ERRORS:
        pass  # the session is gone, and its lock with it


def _refuse(run: ImportRun) -> NoReturn:
    """Refuse to execute ``run``; a PENDING run is marked failed with the reason."""
    if run.status == ImportRun.Status.PENDING:
        other = ImportRun.objects.filter(source=run.source, status=ImportRun.Status.RUNNING).exclude(pk=run.pk).first()
        message = f"Another import of {run.source} is already running (run #{other.pk if other else '?'})."
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message, updated_at=timezone.now()
        )
        logger.warning("Import run %s refused: %s", run.pk, message)
        raise ImportRefused(message)
    if run.status == ImportRun.Status.RUNNING:
        raise ImportRefused(f"Run #{run.pk} is still running in another process; it cannot run twice at once.")
    raise ImportRefused(f"Run #{run.pk} is not pending; it cannot be started again.")


def _acquire_run_lock(run: ImportRun) -> bool | None:
    """Take ``run``'s source lock (None: this database has none); refuse while a live process holds it.

    ``run`` found RUNNING is a re-delivered task whose worker died: the server may take a moment to end
    the dead session, so wait up to RESUME_WAIT_SECONDS for its lock.
    """
    if connection.vendor != "postgresql":
        return None
    deadline = time.monotonic() + (RESUME_WAIT_SECONDS if run.status == ImportRun.Status.RUNNING else 0)
    while not _try_run_lock(run.source):
        if time.monotonic() >= deadline:
            _refuse(run)
        time.sleep(0.5)
    return True


def _recover_abandoned(run: ImportRun, lock: bool | None) -> None:
    """Settle runs of ``run``'s source left RUNNING by a process that died.

    ``run`` itself RUNNING means its task was re-delivered: it goes back to PENDING, to be claimed and run
    again from the start (the interrupted attempt wrote nothing). Other such runs are marked failed, so
    they stop blocking the source.
    """
    now = timezone.now()
    if lock:  # we hold the source's lock: no live process is running this source
        others_dead = Q(started_at__lt=now - datetime.timedelta(seconds=ABANDON_GRACE_SECONDS))
        mine_dead = True
    else:
        limit = now - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
        others_dead = Q(started_at__lt=limit)
        mine_dead = run.started_at is not None and run.started_at < limit
    if run.status == ImportRun.Status.RUNNING and mine_dead:
        note = "An earlier attempt was interrupted (its worker stopped before it finished; nothing was written)."
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.PENDING, started_at=None, warnings=[*run.warnings, note], updated_at=now
        )
        logger.warning("Import run %s of %s was interrupted; running it again", run.pk, run.source)
        run.refresh_from_db()
    abandoned = ImportRun.objects.filter(source=run.source, status=ImportRun.Status.RUNNING).exclude(pk=run.pk)
    for pk in abandoned.filter(others_dead).values_list("pk", flat=True):
        if ImportRun.objects.filter(pk=pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED, finished_at=now, error=ABANDONED, updated_at=now
        ):
            logger.error("Import run %s of %s abandoned: marked failed", pk, run.source, extra={"import_run_id": pk})


def _claim(run: ImportRun, lock: bool | None) -> None:
    """PENDING -> RUNNING by compare-and-swap; refuses when another run of the source is running."""
    _recover_abandoned(run, lock)
    try:
        with transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
                status=ImportRun.Status.RUNNING, started_at=timezone.now()
            )
    except IntegrityError:
        _refuse(run)
    if claimed != 1:
        run.refresh_from_db()
        _refuse(run)
    run.refresh_from_db()


def import_run_execute(
    *,
    run_id: int,
    progress: Callable[[int], None] | None = None,
    final_attempt: bool = True,
) -> ImportRun:
    """Run import ``run_id`` from start to end, recording every outcome on the run.

    1. Take the source's run lock (PostgreSQL), the sign to later runs that this one is alive, and claim
       the run (PENDING -> RUNNING); refuse if a live process runs the source already. A run left
       RUNNING by a dead process is run again when its task is re-delivered, or else marked failed.
    2. Load the raw files (local paths or HTTP with conditional requests) and hash them. Same hash
       as the last successful run, or HTTP 304: finish UNCHANGED without parsing.
       Files that a run held for review or rejected (same hash) are refused unless the run carries an
       approval.
    3. Parse purely; refuse files without their end marker (unless a person vouched for them) and a
       parse below the source's ``min_records`` floor.
    4. Hand the records to the writer of their type (``importers.writers``) inside one transaction
       (rolled back for a dry run, or on any error), which records SUCCEEDED with the data: both commit,
       or neither. The list writers lock the list's rows against concurrent edits first.
       Delistings beyond the review threshold roll it back and end NEEDS_REVIEW, with the plan and the
       kept raw files, for an editor to confirm or reject.
    5. On error, FAILED with the error, which is re-raised. A transient network or database error on a
       non-final attempt puts the run back to PENDING so the task's retry can claim it again.
    Every record logged meanwhile carries the run's id (``import_run_id``).
    """
    run = ImportRun.objects.get(pk=run_id)
    adapter = get_adapter(run.source)
    with log_context(import_run_id=run.pk, import_source=run.source):
        lock = _acquire_run_lock(run)
        try:
            _claim(run, lock)
            logger.info("Import run %s of %s started", run.pk, run.source, extra={"trigger": run.trigger})
            run = _execute(run, adapter, progress=progress, final_attempt=final_attempt)
        finally:
            if lock:
                _release_run_lock(run.source)
    return run


def _execute(
    run: ImportRun, adapter: SourceAdapter, *, progress: Callable[[int], None] | None, final_attempt: bool
) -> ImportRun:
    """Steps 2 to 5 of ``import_run_execute``, for a claimed run."""
    try:
        loaded = files.load(run, adapter)
        previous = files.last_success(run.source, exclude_pk=run.pk)
        if loaded.not_modified:
            _finish(run, ImportRun.Status.UNCHANGED, stats={**run.stats, "http": loaded.validators})
            _log_outcome(run)
            return run
        sha256 = bundle_sha256(loaded.raw)
        run.raw_sha256 = sha256
        # Same bytes as the last success: nothing to do, unless an editor asked to re-parse them on purpose.
        if previous and previous.raw_sha256 == sha256 and not run.dry_run and not files.is_reparse(run):
            _finish(
                run,
                ImportRun.Status.UNCHANGED,
                raw_file=previous.raw_file,
                stats={"raw_files": previous.stats.get("raw_files", {}), "http": loaded.validators},
            )
            _log_outcome(run)
            return run
        checks.refuse_held_files(run, sha256)
        parsed = adapter.parse(loaded.raw, as_of=run.as_of)
        checks.check_end_markers(run, parsed, sha256)
        as_of = run.as_of or parsed.published_on or timezone.now().date()
        run.records = len(parsed.records)
        if len(parsed.records) < adapter.min_records:
            raise SourceError(
                f"Only {len(parsed.records)} records parsed, below the floor of {adapter.min_records} for "
                f"{adapter.slug}: the file looks truncated or is not the expected list. Nothing was written."
            )
        # Kept before the transaction: named by their hash, they are harmless if it rolls back.
        kept = {} if run.dry_run else files.keep_raw(loaded.raw)
        request = writers.WriteRequest(
            records=parsed.records,
            adapter=adapter,
            run=run,
            as_of=as_of,
            raw_sha256=sha256,
            kept_files=kept,
            approval=checks.approval(run),
            review=not run.dry_run,
            progress=progress,
        )
        try:
            outcome = _write(request, parsed, loaded)
        except ReviewRequired as hold:
            return _hold(run, hold, parsed, loaded, kept, as_of)
        if run.dry_run:
            _finish(run, ImportRun.Status.SUCCEEDED, **outcome)
        _log_outcome(run)
        return run
    except TRANSIENT_ERRORS as exc:
        kind = "Network error" if isinstance(exc, NETWORK_ERRORS) else "Database error"
        if final_attempt:
            _settle(run, ImportRun.Status.FAILED, error=f"{kind}: {exc}")
        else:
            note = f"Attempt failed with a {kind.lower()}, retrying: {exc}"
            _settle(run, ImportRun.Status.PENDING, started_at=None, finished_at=None, warnings=[*run.warnings, note])
        raise
    except (SourceError, ImportSafetyError) as exc:
        _settle(run, ImportRun.Status.FAILED, error=str(exc))
        raise
    except Exception:
        _settle(run, ImportRun.Status.FAILED, error=traceback.format_exc())
        raise


def _write(request: writers.WriteRequest, parsed: ParsedSource, loaded: files.Loaded) -> dict:
    """Step 4 of ``import_run_execute``: write in one transaction; return the run's outcome fields.

    A real run's outcome is recorded (SUCCEEDED) inside the transaction, so it commits with the data; a
    dry run's transaction is rolled back and the caller records its outcome. ``ReviewRequired`` and any
    error roll it back and propagate.
    """
    run = request.run
    write = writers.writer_for(request.adapter.record_type)
    with transaction.atomic():
        result = write(request)
        if not run.dry_run:
            # Records editors had reviewed and the import just changed go back to their queue.
            result.stats["flagged_for_review"] = review_flag_changed()
        outcome = {
            **_counts(result),
            # Notes of earlier attempts (retries, an interrupted attempt) stay in front.
            "warnings": [*run.warnings, *loaded.warnings, *parsed.warnings, *result.warnings],
            "skipped_changes": result.skipped_changes,
            "raw_file": next(iter(request.kept_files.values()), ""),
            "stats": {
                **parsed.stats,
                **result.stats,
                "raw_files": dict(request.kept_files),
                "http": loaded.validators,
                "as_of": str(request.as_of),
            },
        }
        if run.dry_run:
            transaction.set_rollback(True)
        else:
            _finish(run, ImportRun.Status.SUCCEEDED, **outcome)  # commits with the data, or not at all
    return outcome


def _hold(
    run: ImportRun,
    hold: ReviewRequired,
    parsed: ParsedSource,
    loaded: files.Loaded,
    kept: dict[str, str],
    as_of: datetime.date,
) -> ImportRun:
    """RUNNING -> NEEDS_REVIEW: nothing was written; record the plan and keep the raw files for the review."""
    plan = hold.plan
    sample = "; ".join(f"{item['entry']} {item['name']} ({item['program']})" for item in plan["sample"][:5])
    warnings = [
        *run.warnings,
        *loaded.warnings,
        *parsed.warnings,
        f"{hold} Held for review: nothing was published. An editor confirms it (the same files are imported "
        f"again, allowed to delist exactly these {plan['count']}) or rejects it in the admin, import run #{run.pk}.",
        f"Planned delistings: {plan['count']}, e.g. {sample}.",
    ]
    _finish(
        run,
        ImportRun.Status.NEEDS_REVIEW,
        warnings=warnings,
        raw_file=next(iter(kept.values()), ""),
        stats={
            **parsed.stats,
            "planned_delistings": plan,
            "raw_files": kept,
            "http": loaded.validators,
            "as_of": str(as_of),
        },
    )
    _log_outcome(run)
    return run


def _finish(run: ImportRun, status: str, **fields) -> ImportRun:
    for name, value in fields.items():
        setattr(run, name, value)
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def _settle(run: ImportRun, status: str, **fields) -> bool:
    """Record how an attempt that raised ended, if the database still says the run is RUNNING.

    It may not: a commit whose answer was lost with the connection did commit, SUCCEEDED status included.
    While the database restarts, reconnect and retry for up to OUTCOME_PATIENCE_SECONDS; if it does not
    come back, the run stays RUNNING and is recovered by its re-delivered task or the next run.
    """
    now = timezone.now()
    values = {"finished_at": now, "records": run.records, "raw_sha256": run.raw_sha256, **fields}
    values.update(status=status, updated_at=now)
    deadline = time.monotonic() + OUTCOME_PATIENCE_SECONDS
    while True:
        try:
            written = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(**values)
            run.refresh_from_db()
            break
        except DATABASE_ERRORS:
            if connection.in_atomic_block or time.monotonic() > deadline:
                logger.error("Could not record the outcome of import run %s: the database did not answer", run.pk)
                return False
            connection.close()  # a broken connection is not reopened until closed
            time.sleep(1)
    _log_outcome(run)
    return bool(written)


def _log_outcome(run: ImportRun) -> None:
    """One line per attempt's end, at a level operators alert on: ERROR for a failed run."""
    fields = {
        "status": run.status,
        "trigger": run.trigger,
        "records": run.records,
        "rows_created": run.created,
        "rows_updated": run.updated,
        "rows_delisted": run.delisted,
        "duration_s": run.duration.total_seconds() if run.duration else None,
    }
    if run.status == ImportRun.Status.FAILED:
        reason = (run.error.strip().splitlines() or ["?"])[-1]
        logger.error("Import run %s of %s failed: %s", run.pk, run.source, reason, extra=fields)
    elif run.status == ImportRun.Status.PENDING:
        logger.warning("Import run %s of %s will be retried: %s", run.pk, run.source, run.warnings[-1], extra=fields)
    elif run.status == ImportRun.Status.NEEDS_REVIEW:
        planned = (run.stats or {}).get("planned_delistings", {}).get("count")
        logger.warning(
            "Import run %s of %s held for review: it would delist %s designations; nothing was published",
            *(run.pk, run.source, planned),
            extra=fields,
        )
    else:
        logger.info(
            "Import run %s of %s %s: %s records, %s created, %s updated, %s delisted",
            *(run.pk, run.source, run.status, run.records, run.created, run.updated, run.delisted),
            extra=fields,
        )


def _counts(result: UpsertResult) -> dict[str, int]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "delisted": result.delisted,
        "skipped": result.skipped,
    }
