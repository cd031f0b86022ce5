"""Imports editors start in the admin: now (a download), from uploaded files, or a re-parse of kept files.

Uploaded files are checked (name, size, type) before anything is written, and kept under
``MEDIA_ROOT/uploads/<hash>/`` with the names the source reads; the run imports them from there.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from importers.models import ImportRun
from importers.services.files import stage_kept_files
from importers.services.runs import import_run_enqueue
from importers.sources import get_adapter

MAX_UPLOAD_BYTES = 128 * 1024 * 1024
UPLOAD_SUFFIXES = {".csv": "text", ".xml": "xml"}


def _check_upload(name: str, content: bytes, allowed: tuple[str, ...]) -> None:
    """Refuse files the source does not read, oversized files, and bytes that are not what the name says."""
    if name.lower() not in {n.lower() for n in allowed}:
        raise ValidationError(f"{name}: this source reads only {', '.join(allowed) or 'dated sdn.csv files'}.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"{name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.")
    if not content.strip():
        raise ValidationError(f"{name} is empty.")
    kind = UPLOAD_SUFFIXES.get(Path(name).suffix.lower())
    head = content[:4096]
    if kind is None:
        raise ValidationError(f"{name}: only .csv and .xml files are accepted.")
    if b"\x00" in head:
        raise ValidationError(f"{name} is not a text file.")
    if kind == "xml" and not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise ValidationError(f"{name} is not an XML file.")


def import_run_start(
    *,
    source: str,
    user: AbstractBaseUser | None,
    files: dict[str, bytes] | None = None,
    as_of: datetime.date | None = None,
    dry_run: bool = False,
) -> ImportRun:
    """Start an import of ``source`` through Celery, from the network or from uploaded files.

    Uploaded files are checked (name, size, type), kept under ``MEDIA_ROOT/uploads/<hash>/`` with the
    names the source reads, and imported from there.
    """
    adapter = get_adapter(source)
    path = ""
    if files:
        for name, content in files.items():
            _check_upload(name, content, tuple(adapter.files))
        digest = hashlib.sha256(b"".join(files[name] for name in sorted(files))).hexdigest()[:16]
        folder = Path(settings.MEDIA_ROOT) / "uploads" / digest
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / name.lower()).write_bytes(content)
        path = str(folder)
    with transaction.atomic():
        run = import_run_enqueue(
            source=source, trigger=ImportRun.Trigger.MANUAL, path=path, as_of=as_of, dry_run=dry_run
        )
        ImportRun.objects.filter(pk=run.pk).update(started_by=user)
    run.refresh_from_db()
    return run


def import_run_reparse(*, run: ImportRun, user: AbstractBaseUser | None) -> ImportRun:
    """Import the raw files kept by ``run`` again (e.g. after a parser fix), as a new manual run.

    The kept files are named by their hash; they are copied under ``MEDIA_ROOT/reparse/<run>/`` with
    the names the source reads (``<date>/sdn.csv`` for the history source) and imported from there.
    """
    folder = stage_kept_files(run, purpose="re-parse")
    with transaction.atomic():
        new_run = import_run_enqueue(
            source=run.source, trigger=ImportRun.Trigger.MANUAL, path=str(folder), as_of=run.as_of
        )
        ImportRun.objects.filter(pk=new_run.pk).update(started_by=user)
    new_run.refresh_from_db()
    return new_run
