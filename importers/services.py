"""Import services: create, enqueue and execute import runs.

``import_run_execute`` owns every status transition of an ``ImportRun`` (see its docstring), but for
the editors' decisions on a run held for review (``import_run_confirm``, ``import_run_reject``). Tasks,
the ``import_source`` command and the admin all go through these functions.
"""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import time
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from designations.models import Designation, Designee, SourceDocument
from importers.fetch import fetch_bundle
from importers.models import ImportRun
from importers.records import ParsedSource
from importers.sources import get_adapter
from importers.sources.base import FetchError, RawBundle, SourceAdapter, SourceError, bundle_sha256
from importers.upsert import (
    DelistApproval,
    ImportSafetyError,
    ReviewRequired,
    UpsertResult,
    upsert_history,
    upsert_snapshot,
)
from tracker.logs import log_context

logger = logging.getLogger(__name__)

MAX_LOCAL_FILE_BYTES = 512 * 1024 * 1024
SNAPSHOT_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")

# Errors worth another attempt: the network (a refused or dropped connection, a timeout, a 5xx, a body cut
# short) and the database connection (a restart, a failover, a deadlock victim).
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
DATABASE_ERRORS = (OperationalError, InterfaceError)
TRANSIENT_ERRORS = (*NETWORK_ERRORS, *DATABASE_ERRORS)


class ImportRefused(Exception):
    """The run could not start (another run of the source is running, or the run is not pending)."""


@dataclass(frozen=True)
class _Loaded:
    raw: RawBundle
    validators: dict[str, dict[str, str]]
    not_modified: bool = False


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


def _read_local(paths: list[str], adapter: SourceAdapter) -> RawBundle:
    """Read files and folders given on the command line into a bundle.

    A folder contributes the adapter's files found in it (for the history source: every dated
    ``sdn.csv`` below it, named ``<date>/sdn.csv``). Earlier paths win over later ones for the same name.
    """
    bundle: RawBundle = {}
    for text in paths:
        path = Path(text)
        if not path.exists():
            raise SourceError(f"{path} does not exist")
        candidates: list[tuple[str, Path]] = []
        if path.is_file():
            candidates.append((path.name, path))
        elif hasattr(adapter, "local_files"):  # sources of many pages (announcements)
            candidates.extend(adapter.local_files(path))
        elif adapter.slug == "ofac-history":
            for child in sorted(path.rglob("*")):
                if not child.is_file():
                    continue
                if child.name.lower() == "sdn.csv" and SNAPSHOT_NAME.search(child.parent.name):
                    candidates.append((f"{SNAPSHOT_NAME.search(child.parent.name).group(1)}/sdn.csv", child))
                elif child.suffix.lower() == ".csv" and SNAPSHOT_NAME.search(child.name):
                    candidates.append((child.name, child))
        else:
            lower = {child.name.lower(): child for child in path.iterdir() if child.is_file()}
            for name in adapter.files:
                if name.lower() in lower:
                    candidates.append((name, lower[name.lower()]))
        if not candidates:
            raise SourceError(f"{path} holds none of the files {adapter.slug} reads ({', '.join(adapter.files)})")
        for name, file_path in candidates:
            if file_path.stat().st_size > MAX_LOCAL_FILE_BYTES:
                raise SourceError(f"{file_path} is larger than {MAX_LOCAL_FILE_BYTES} bytes")
            bundle.setdefault(name, file_path.read_bytes())
    return bundle


def _last_success(source: str, exclude_pk: int | None = None) -> ImportRun | None:
    return (
        ImportRun.objects.filter(source=source, status__in=[ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED])
        .exclude(pk=exclude_pk)
        .exclude(dry_run=True)
        .order_by("-finished_at", "-pk")
        .first()
    )


def _load(run: ImportRun, adapter: SourceAdapter) -> _Loaded:
    if run.path:
        return _Loaded(raw=_read_local(run.path.splitlines(), adapter), validators={})
    if hasattr(adapter, "load"):  # sources that walk index pages themselves (announcements)
        raw = adapter.load(run)
        return _Loaded(raw=raw, validators={}, not_modified=not raw)
    url = settings.IMPORT_SOURCE_URLS.get(adapter.slug)
    if not url:
        raise SourceError(f"{adapter.slug} has no download URL; import it from a file with --path")
    previous = _last_success(adapter.slug, exclude_pk=run.pk)
    validators = (previous.stats or {}).get("http", {}) if previous else {}
    # A download must bring the whole set: a file set without alt.csv or add.csv would be imported as a
    # set that says nothing about aliases or addresses, and OFAC always publishes all of them, so a 404
    # is a broken download, not an optional file.
    fetched = fetch_bundle(
        url,
        adapter.files,
        adapter.files,
        validators=validators,
        end_marker=None if run.allow_missing_end_marker else adapter.end_marker,
    )
    if fetched.not_modified:
        return _Loaded(raw={}, validators=validators, not_modified=True)
    raw: RawBundle = {}
    for name, file in fetched.files.items():
        if file.content is None:  # this file unchanged, others changed: reuse the kept copy
            kept = (previous.stats or {}).get("raw_files", {}).get(name) if previous else None
            if not kept or not (Path(settings.MEDIA_ROOT) / kept).exists():
                raise FetchError(f"{name} was not modified but no kept copy exists; retry without validators")
            raw[name] = (Path(settings.MEDIA_ROOT) / kept).read_bytes()
        else:
            raw[name] = file.content
    new_validators = {
        name: {"etag": f.etag, "last_modified": f.last_modified}
        for name, f in fetched.files.items()
        if f.etag or f.last_modified
    }
    return _Loaded(raw=raw, validators=new_validators)


def _is_reparse(run: ImportRun) -> bool:
    """A run over raw files the tracker kept (``MEDIA_ROOT/reparse/``), started to parse them again."""
    folder = (Path(settings.MEDIA_ROOT) / "reparse").resolve()
    paths = [Path(p).resolve() for p in run.path.splitlines() if p]
    return bool(paths) and all(p.is_relative_to(folder) for p in paths)


def kept_raw_path(name: str, sha256: str) -> str:
    """Where a raw file is kept, relative to MEDIA_ROOT: ``imports/<sha256><suffix of its name>``."""
    return f"imports/{sha256}{Path(name).suffix or '.bin'}"


def _keep_raw(raw: RawBundle) -> dict[str, str]:
    """Store each raw file under MEDIA_ROOT/imports/ named by its SHA-256; return name -> relative path."""
    import hashlib

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    kept = {}
    for name, content in raw.items():
        relative = kept_raw_path(name, hashlib.sha256(content).hexdigest())
        target = Path(settings.MEDIA_ROOT) / relative
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            tmp.write_bytes(content)
            tmp.replace(target)
        kept[name] = relative
    return kept


def _source_document(adapter: SourceAdapter, parsed: ParsedSource, sha256: str, as_of: datetime.date) -> SourceDocument:
    kind = (
        SourceDocument.Kind.LIST_HISTORY
        if adapter.record_kind == "presence_interval"
        else SourceDocument.Kind.LIST_SNAPSHOT
    )
    title = f"{adapter.name or adapter.slug} as of {as_of:%d %b %Y}"
    document, _ = SourceDocument.objects.get_or_create(
        source=adapter.list_source or adapter.slug,
        source_uid=sha256,
        defaults={
            "kind": kind,
            "title": title,
            "published_on": as_of,
            "content_sha256": sha256,
            "url": settings.IMPORT_SOURCE_URLS.get(adapter.slug, "") or "",
        },
    )
    return document


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


def _lock_list_rows(list_source: str) -> None:
    """Lock the list's designees and designations until the import's transaction ends.

    The upsert reads them, with the fields editors locked, and writes them later in the same transaction:
    an editor's save in between would be overwritten by values read before it. Locked first, the save
    waits for the import to commit and lands on top of it. Readers are not blocked. (SQLite ignores
    this: its database-wide write lock already makes an editor wait.)
    """
    designees = Designee.objects.filter(source=list_source).order_by("pk").select_for_update()
    list(designees.values_list("pk", flat=True))
    designations = Designation.objects.filter(designee__source=list_source).order_by("pk")
    list(designations.select_for_update(of=("self",)).values_list("pk", flat=True))


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
    4. Upsert inside one transaction (rolled back for a dry run, or on any error), which locks the
       list's rows against concurrent edits and records SUCCEEDED with the data: both commit, or neither.
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
        loaded = _load(run, adapter)
        previous = _last_success(run.source, exclude_pk=run.pk)
        if loaded.not_modified:
            _finish(run, ImportRun.Status.UNCHANGED, stats={**run.stats, "http": loaded.validators})
            _log_outcome(run)
            return run
        sha256 = bundle_sha256(loaded.raw)
        run.raw_sha256 = sha256
        # Same bytes as the last success: nothing to do, unless an editor asked to re-parse them on purpose.
        if previous and previous.raw_sha256 == sha256 and not run.dry_run and not _is_reparse(run):
            _finish(
                run,
                ImportRun.Status.UNCHANGED,
                raw_file=previous.raw_file,
                stats={"raw_files": previous.stats.get("raw_files", {}), "http": loaded.validators},
            )
            _log_outcome(run)
            return run
        _refuse_held_files(run, sha256)
        parsed = adapter.parse(loaded.raw, as_of=run.as_of)
        _check_end_markers(run, parsed, sha256)
        as_of = run.as_of or parsed.published_on or timezone.now().date()
        run.records = len(parsed.records)
        if len(parsed.records) < adapter.min_records:
            raise SourceError(
                f"Only {len(parsed.records)} records parsed, below the floor of {adapter.min_records} for "
                f"{adapter.slug}: the file looks truncated or is not the expected list. Nothing was written."
            )
        # Kept before the transaction: named by their hash, they are harmless if it rolls back.
        kept = {} if run.dry_run else _keep_raw(loaded.raw)
        approval = _approval(run)
        try:
            outcome = _upsert(run, adapter, parsed, loaded, kept, sha256, as_of, approval, progress)
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


def _upsert(
    run: ImportRun,
    adapter: SourceAdapter,
    parsed: ParsedSource,
    loaded: _Loaded,
    kept: dict[str, str],
    sha256: str,
    as_of: datetime.date,
    approval: DelistApproval | None,
    progress: Callable[[int], None] | None,
) -> dict:
    """Step 4 of ``import_run_execute``: write in one transaction; return the run's outcome fields.

    A real run's outcome is recorded (SUCCEEDED) inside the transaction, so it commits with the data; a
    dry run's transaction is rolled back and the caller records its outcome. ``ReviewRequired`` and any
    error roll it back and propagate.
    """
    with transaction.atomic():
        if adapter.record_kind != "announcement" and adapter.list_source:
            _lock_list_rows(adapter.list_source)
        if adapter.record_kind == "announcement":  # each page is its own source document
            result = adapter.upsert(parsed, run)
        elif adapter.record_kind == "presence_interval":
            document = _source_document(adapter, parsed, sha256, as_of)
            result = upsert_history(
                records=parsed.records,
                list_source=adapter.list_source,
                source_document=document,
                import_run=run,
                approval=approval,
                review=not run.dry_run,
            )
        else:
            document = _source_document(adapter, parsed, sha256, as_of)
            result = upsert_snapshot(
                records=parsed.records,
                list_source=adapter.list_source,
                complete=adapter.is_complete_snapshot,
                snapshot_date=as_of,
                source_document=document,
                import_run=run,
                progress=progress,
                max_delist_share=run.max_delist_share,
                approval=approval,
                review=not run.dry_run,
            )
        if not run.dry_run:
            # Records editors had reviewed and the import just changed go back to their queue.
            from designations.services import review_flag_changed

            result.stats["flagged_for_review"] = review_flag_changed()
        outcome = {
            **_counts(result),
            # Notes of earlier attempts (retries, an interrupted attempt) stay in front.
            "warnings": [*run.warnings, *parsed.warnings, *result.warnings],
            "skipped_changes": result.skipped_changes,
            "raw_file": next(iter(kept.values()), ""),
            "stats": {
                **parsed.stats,
                **result.stats,
                "raw_files": kept,
                "http": loaded.validators,
                "as_of": str(as_of),
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
    loaded: _Loaded,
    kept: dict[str, str],
    as_of: datetime.date,
) -> ImportRun:
    """RUNNING -> NEEDS_REVIEW: nothing was written; record the plan and keep the raw files for the review."""
    plan = hold.plan
    sample = "; ".join(f"{item['entry']} {item['name']} ({item['program']})" for item in plan["sample"][:5])
    warnings = [
        *run.warnings,
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


def _approval(run: ImportRun) -> DelistApproval | None:
    """The delistings a person approved for ``run``: exactly a reviewed plan, or up to a number."""
    if run.reviewed_run_id:
        plan = (run.reviewed_run.stats or {}).get("planned_delistings") or {}
        return DelistApproval(count=plan.get("count", 0), designations=frozenset(plan.get("designations", [])))
    if run.approve_delistings is not None:
        return DelistApproval(count=run.approve_delistings)
    return None


def _refuse_held_files(run: ImportRun, sha256: str) -> None:
    """Refuse files a run of the source was held for review or rejected for, unless this run is approved.

    Without this every scheduled run would hold the same files again, or publish what an editor rejected.
    """
    if run.dry_run or run.reviewed_run_id or run.approve_delistings is not None:
        return
    held = (
        ImportRun.objects.filter(
            source=run.source,
            raw_sha256=sha256,
            status__in=[ImportRun.Status.NEEDS_REVIEW, ImportRun.Status.REJECTED],
        )
        .exclude(pk=run.pk)
        .order_by("-pk")
        .first()
    )
    if held is None:
        return
    if held.status == ImportRun.Status.NEEDS_REVIEW:
        raise SourceError(
            f"These are the files import run #{held.pk} holds for review; nothing was written. Confirm or reject "
            f"run #{held.pk} in the admin."
        )
    raise SourceError(
        f"These are the files an editor rejected in import run #{held.pk} ({held.review_note or 'no note'}); "
        "nothing was written. To import them after all, run again with --approve-delistings."
    )


def _check_end_markers(run: ImportRun, parsed: ParsedSource, sha256: str) -> None:
    """Refuse files without the end marker their format guarantees, unless a person vouched for them.

    A file cut at a line end parses cleanly: only the missing marker tells it from a whole one, and a
    list cut short delists everyone after the cut. A person vouches with the run's
    ``allow_missing_end_marker``, or did so for the very same bytes in an earlier run of the source
    (a re-parse of its kept files).
    """
    missing = parsed.end_marker_missing
    if not missing:
        return
    names = ", ".join(missing)
    vouched = (
        ImportRun.objects.filter(source=run.source, raw_sha256=sha256, allow_missing_end_marker=True)
        .exclude(pk=run.pk)
        .order_by("pk")
        .first()
    )
    if vouched is not None and not run.allow_missing_end_marker:
        parsed.warnings.append(
            f"{names} {'lacks' if len(missing) == 1 else 'lack'} OFAC's 0x1A end-of-file marker; imported because "
            f"a person vouched for these same files in import run #{vouched.pk}."
        )
        return
    if not run.allow_missing_end_marker:
        raise SourceError(
            f"{names} {'does' if len(missing) == 1 else 'do'} not end with OFAC's 0x1A end-of-file marker: the "
            "file may have been cut at a line end (a list cut short delists every entry after the cut). Nothing "
            "was written. If you checked the files are whole (a copy that lost the marker), import them again "
            "with --no-end-marker (admin: 'The files lack the end marker')."
        )
    parsed.warnings.append(
        f"{names} {'lacks' if len(missing) == 1 else 'lack'} OFAC's 0x1A end-of-file marker; imported because "
        "the run vouches that the files are whole (--no-end-marker)."
    )


def _counts(result: UpsertResult) -> dict[str, int]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "delisted": result.delisted,
        "skipped": result.skipped,
    }


# --------------------------------------------------------------------------------------------------
# Runs held for review
# --------------------------------------------------------------------------------------------------
def _decide_held(run: ImportRun, status: str, *, user, note: str) -> None:
    """NEEDS_REVIEW -> ``status`` by compare-and-swap: of two editors deciding at once, one wins."""
    now = timezone.now()
    decided = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.NEEDS_REVIEW).update(
        status=status, reviewed_by=user, reviewed_at=now, review_note=note, updated_at=now
    )
    if decided != 1:
        run.refresh_from_db()
        raise ValidationError(
            f"Import run #{run.pk} is not held for review (it is {run.get_status_display().lower()}): "
            "nothing to decide."
        )


def _stage_kept_files(run: ImportRun) -> Path:
    """Copy ``run``'s kept raw files under ``MEDIA_ROOT/reparse/<run>/`` with the names the source reads."""
    kept: dict[str, str] = (run.stats or {}).get("raw_files") or {}
    if not kept:
        raise ValidationError(f"Import run #{run.pk} kept no raw file to import.")
    folder = Path(settings.MEDIA_ROOT) / "reparse" / str(run.pk)
    for name, relative in kept.items():
        source_path = Path(settings.MEDIA_ROOT) / relative
        if not source_path.is_file():
            raise ValidationError(f"The raw file {relative} of import run #{run.pk} is missing from disk.")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
    return folder


def import_run_confirm(*, run: ImportRun, user=None, note: str = "") -> ImportRun:
    """An editor confirms the delistings of a run held for review; return the new run that publishes them.

    1. Refuse when a later import of the source succeeded since the run was held: its files are out of
       date, and importing them would take the list back (``ValidationError``; reject it instead).
    2. NEEDS_REVIEW -> CONFIRMED by compare-and-swap (``ValidationError`` if the run is not held).
    3. Copy the run's kept raw files under ``MEDIA_ROOT/reparse/<run>/``.
    4. Queue a new run of those files (``reviewed_run`` = this run, started by the editor) with the held
       run's date, share and end-marker settings, approved to delist exactly the planned designations.
       It ends SUCCEEDED with the reviewed delistings; if its plan differs (the database changed since
       the review) it is held for review again.
    All in one transaction: a missing raw file leaves the run held.
    """
    plan = (run.stats or {}).get("planned_delistings") or {}
    held_as_of = (run.stats or {}).get("as_of")  # the date the held run used, e.g. its download's day
    as_of = run.as_of or (datetime.date.fromisoformat(held_as_of) if held_as_of else None)
    later = (
        ImportRun.objects.filter(source=run.source, status=ImportRun.Status.SUCCEEDED, dry_run=False)
        .filter(finished_at__gt=run.finished_at or run.created_at)
        .order_by("pk")
        .first()
    )
    if later is not None:
        raise ValidationError(
            f"Import run #{later.pk} of {run.source} succeeded after run #{run.pk} was held, so its files are out "
            "of date: reject it; the next import plans its delistings afresh."
        )
    with transaction.atomic():
        _decide_held(run, ImportRun.Status.CONFIRMED, user=user, note=note)
        folder = _stage_kept_files(run)
        new_run = import_run_enqueue(
            source=run.source,
            trigger=ImportRun.Trigger.MANUAL,
            path=str(folder),
            as_of=as_of,
            max_delist_share=run.max_delist_share,
            allow_missing_end_marker=run.allow_missing_end_marker,
            approve_delistings=plan.get("count", 0),
            reviewed_run=run,
        )
        if user is not None:
            ImportRun.objects.filter(pk=new_run.pk).update(started_by=user)
    logger.info(
        "Import run %s of %s confirmed by %s; run %s publishes it",
        *(run.pk, run.source, getattr(user, "username", "?"), new_run.pk),
        extra={"import_run_id": run.pk},
    )
    run.refresh_from_db()
    new_run.refresh_from_db()
    return new_run


def import_run_reject(*, run: ImportRun, user=None, note: str = "") -> ImportRun:
    """An editor rejects a run held for review: NEEDS_REVIEW -> REJECTED, with the note; nothing is published.

    The same files are refused from then on (``_refuse_held_files``) unless a run approves delistings.
    """
    who = getattr(user, "username", "") or "an editor"
    _decide_held(run, ImportRun.Status.REJECTED, user=user, note=note.strip() or f"Rejected by {who} without a note.")
    logger.info("Import run %s of %s rejected by %s", run.pk, run.source, who, extra={"import_run_id": run.pk})
    run.refresh_from_db()
    return run
