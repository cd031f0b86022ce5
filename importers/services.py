"""Import services: create, enqueue and execute import runs.

``import_run_execute`` owns every status transition of an ``ImportRun`` (see its docstring). Tasks,
the ``import_source`` command and the admin all go through these functions.
"""

from __future__ import annotations

import datetime
import logging
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from designations.models import SourceDocument
from importers.fetch import fetch_bundle
from importers.models import ImportRun
from importers.records import ParsedSource
from importers.sources import get_adapter
from importers.sources.base import FetchError, RawBundle, SourceAdapter, SourceError, bundle_sha256
from importers.upsert import ImportSafetyError, UpsertResult, upsert_history, upsert_snapshot

logger = logging.getLogger(__name__)

MAX_LOCAL_FILE_BYTES = 512 * 1024 * 1024
SNAPSHOT_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


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
) -> ImportRun:
    """Create a pending run of ``source``; ``KeyError`` for an unknown source."""
    get_adapter(source)  # validates the slug
    if max_delist_share is not None and not 0 <= max_delist_share <= 1:
        raise ValueError("max_delist_share is a share between 0 and 1")
    if isinstance(path, list | tuple):
        path = "\n".join(str(p) for p in path)
    return ImportRun.objects.create(
        source=source, trigger=trigger, path=path, as_of=as_of, dry_run=dry_run, max_delist_share=max_delist_share
    )


def import_run_enqueue(
    *,
    source: str,
    trigger: str = ImportRun.Trigger.MANUAL,
    path: str | list[str] = "",
    as_of: datetime.date | None = None,
    dry_run: bool = False,
    max_delist_share: float | None = None,
) -> ImportRun:
    """Create a pending run and queue its task once the transaction commits."""
    from importers.tasks import run_import as run_import_task

    run = import_run_create(
        source=source, trigger=trigger, path=path, as_of=as_of, dry_run=dry_run, max_delist_share=max_delist_share
    )
    transaction.on_commit(lambda: run_import_task.delay(run.pk))
    return run


def _fail_stale_runs(source: str) -> None:
    """Mark runs of ``source`` still RUNNING long after any task could be alive as failed.

    A worker killed mid-import (SIGKILL, power loss) leaves its run RUNNING; its transaction was rolled
    back by the database, so nothing was written, but the row would block the source forever.
    """
    limit = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    ImportRun.objects.filter(source=source, status=ImportRun.Status.RUNNING, started_at__lt=limit).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        error="Abandoned: the process running it stopped before it finished. Nothing it started was written.",
    )


def _claim(run: ImportRun) -> None:
    """PENDING -> RUNNING by compare-and-swap; refuses when another run of the source is running."""
    _fail_stale_runs(run.source)
    try:
        with transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
                status=ImportRun.Status.RUNNING, started_at=timezone.now()
            )
    except IntegrityError:
        other = ImportRun.objects.filter(source=run.source, status=ImportRun.Status.RUNNING).first()
        message = f"Another import of {run.source} is already running (run #{other.pk if other else '?'})."
        ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.PENDING).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), error=message
        )
        raise ImportRefused(message) from None
    if claimed != 1:
        raise ImportRefused(f"Run #{run.pk} is not pending; it cannot be started again.")
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
    fetched = fetch_bundle(url, adapter.files, adapter.required_files or adapter.files[:1], validators=validators)
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


def _keep_raw(raw: RawBundle) -> dict[str, str]:
    """Store each raw file under MEDIA_ROOT/imports/ named by its SHA-256; return name -> relative path."""
    import hashlib

    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    kept = {}
    for name, content in raw.items():
        digest = hashlib.sha256(content).hexdigest()
        suffix = Path(name).suffix or ".bin"
        target = folder / f"{digest}{suffix}"
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            tmp.write_bytes(content)
            tmp.replace(target)
        kept[name] = f"imports/{target.name}"
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


def import_run_execute(
    *,
    run_id: int,
    progress: Callable[[int], None] | None = None,
    final_attempt: bool = True,
) -> ImportRun:
    """Run import ``run_id`` from start to end, recording every outcome on the run.

    1. Claim the run (PENDING -> RUNNING); refuse if the source already has a running import.
    2. Load the raw files (local paths or HTTP with conditional requests) and hash them. Same hash
       as the last successful run, or HTTP 304: finish UNCHANGED without parsing.
    3. Parse purely; refuse below the source's ``min_records`` floor.
    4. Upsert inside one transaction (rolled back for a dry run, or on any error).
    5. Finish SUCCEEDED with counts, warnings and the kept raw files, or FAILED with the error, which
       is re-raised. A transient network error on a non-final attempt puts the run back to PENDING so
       the task's retry can claim it again.
    """
    run = ImportRun.objects.get(pk=run_id)
    adapter = get_adapter(run.source)
    _claim(run)
    try:
        loaded = _load(run, adapter)
        previous = _last_success(run.source, exclude_pk=run.pk)
        if loaded.not_modified:
            return _finish(run, ImportRun.Status.UNCHANGED, stats={**run.stats, "http": loaded.validators})
        sha256 = bundle_sha256(loaded.raw)
        run.raw_sha256 = sha256
        # Same bytes as the last success: nothing to do, unless an editor asked to re-parse them on purpose.
        if previous and previous.raw_sha256 == sha256 and not run.dry_run and not _is_reparse(run):
            return _finish(
                run,
                ImportRun.Status.UNCHANGED,
                raw_file=previous.raw_file,
                stats={"raw_files": previous.stats.get("raw_files", {}), "http": loaded.validators},
            )
        parsed = adapter.parse(loaded.raw, as_of=run.as_of)
        as_of = run.as_of or parsed.published_on or timezone.now().date()
        run.records = len(parsed.records)
        if len(parsed.records) < adapter.min_records:
            raise SourceError(
                f"Only {len(parsed.records)} records parsed, below the floor of {adapter.min_records} for "
                f"{adapter.slug}: the file looks truncated or is not the expected list. Nothing was written."
            )
        with transaction.atomic():
            if adapter.record_kind == "announcement":  # each page is its own source document
                result = adapter.upsert(parsed, run)
            elif adapter.record_kind == "presence_interval":
                document = _source_document(adapter, parsed, sha256, as_of)
                result = upsert_history(
                    records=parsed.records,
                    list_source=adapter.list_source,
                    source_document=document,
                    import_run=run,
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
                )
            if run.dry_run:
                transaction.set_rollback(True)
            else:
                # Records editors had reviewed and the import just changed go back to their queue.
                from designations.services import review_flag_changed

                result.stats["flagged_for_review"] = review_flag_changed()
        kept = {} if run.dry_run else _keep_raw(loaded.raw)
        return _finish(
            run,
            ImportRun.Status.SUCCEEDED,
            **_counts(result),
            warnings=[*parsed.warnings, *result.warnings],
            skipped_changes=result.skipped_changes,
            raw_file=next(iter(kept.values()), ""),
            stats={**parsed.stats, **result.stats, "raw_files": kept, "http": loaded.validators, "as_of": str(as_of)},
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        if final_attempt:
            _finish(run, ImportRun.Status.FAILED, error=f"Network error: {exc}")
        else:
            run.warnings = [*run.warnings, f"Attempt failed with a network error, retrying: {exc}"]
            run.status = ImportRun.Status.PENDING
            run.started_at = None
            run.save(update_fields=["warnings", "status", "started_at", "updated_at"])
        raise
    except (SourceError, ImportSafetyError) as exc:
        _finish(run, ImportRun.Status.FAILED, error=str(exc))
        raise
    except Exception:
        _finish(run, ImportRun.Status.FAILED, error=traceback.format_exc())
        raise


def _counts(result: UpsertResult) -> dict[str, int]:
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "delisted": result.delisted,
        "skipped": result.skipped,
    }
