"""The raw files of import runs: read or downloaded, kept by hash, staged again for a later run.

Every run keeps the files it imported under ``MEDIA_ROOT/imports/``, named by their SHA-256, so that a
run can be re-parsed offline (``import_run_reparse``) or published after an editor's review
(``import_run_confirm``) from exactly the bytes it read.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from designations.models import SourceDocument
from importers.models import ImportRun
from importers.sources.base import FetchError, FetchRequest, RawBundle, SourceAdapter


@dataclass(frozen=True)
class Loaded:
    """A run's raw bundle, the HTTP validators to keep for the next download, and what the source said."""

    raw: RawBundle
    validators: dict[str, dict[str, str]] = field(default_factory=dict)
    not_modified: bool = False
    warnings: tuple[str, ...] = ()


def last_success(source: str, exclude_pk: int | None = None) -> ImportRun | None:
    """The source's latest run that succeeded or found nothing new (dry runs aside)."""
    return (
        ImportRun.objects.filter(source=source, status__in=[ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED])
        .exclude(pk=exclude_pk)
        .exclude(dry_run=True)
        .order_by("-finished_at", "-pk")
        .first()
    )


def load(run: ImportRun, adapter: SourceAdapter) -> Loaded:
    """Read the run's files: its paths (``adapter.read_local``), else a download (``adapter.fetch``).

    A download sends the last successful run's validators; a file the server says is unchanged is read
    from that run's kept copy.
    """
    if run.path:
        return Loaded(raw=adapter.read_local([Path(text) for text in run.path.splitlines() if text]))
    previous = last_success(adapter.slug, exclude_pk=run.pk)
    request = FetchRequest(
        url=settings.IMPORT_SOURCE_URLS.get(adapter.slug, "") or "",
        validators=(previous.stats or {}).get("http", {}) if previous else {},
        end_marker=None if run.allow_missing_end_marker else adapter.end_marker,
        known=frozenset(SourceDocument.objects.filter(source=adapter.slug).values_list("source_uid", flat=True)),
    )
    fetched = adapter.fetch(request)
    validators = {name: dict(values) for name, values in fetched.validators.items()}
    if fetched.not_modified:
        return Loaded(raw={}, validators=validators, not_modified=True, warnings=fetched.warnings)
    raw = dict(fetched.files)
    for name in fetched.unchanged:  # this file unchanged, others changed: reuse the kept copy
        kept = (previous.stats or {}).get("raw_files", {}).get(name) if previous else None
        if not kept or not (Path(settings.MEDIA_ROOT) / kept).exists():
            raise FetchError(f"{name} was not modified but no kept copy exists; retry without validators")
        raw[name] = (Path(settings.MEDIA_ROOT) / kept).read_bytes()
    return Loaded(raw=raw, validators=validators, warnings=fetched.warnings)


def kept_raw_path(name: str, sha256: str) -> str:
    """Where a raw file is kept, relative to MEDIA_ROOT: ``imports/<sha256><suffix of its name>``."""
    return f"imports/{sha256}{Path(name).suffix or '.bin'}"


def keep_raw(raw: RawBundle) -> dict[str, str]:
    """Store each raw file under MEDIA_ROOT/imports/ named by its SHA-256; return name -> relative path."""
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


def is_reparse(run: ImportRun) -> bool:
    """A run over raw files the tracker kept (``MEDIA_ROOT/reparse/``), started to parse them again."""
    folder = (Path(settings.MEDIA_ROOT) / "reparse").resolve()
    paths = [Path(p).resolve() for p in run.path.splitlines() if p]
    return bool(paths) and all(p.is_relative_to(folder) for p in paths)


def stage_kept_files(run: ImportRun, *, purpose: str) -> Path:
    """Copy ``run``'s kept raw files under ``MEDIA_ROOT/reparse/<run>/`` with the names the source reads.

    ``ValidationError`` when the run kept none (to ``purpose``: "import", "re-parse") or one is gone.
    """
    kept: dict[str, str] = (run.stats or {}).get("raw_files") or {}
    if not kept:
        raise ValidationError(f"Import run #{run.pk} kept no raw file to {purpose}.")
    folder = Path(settings.MEDIA_ROOT) / "reparse" / str(run.pk)
    for name, relative in kept.items():
        source_path = Path(settings.MEDIA_ROOT) / relative
        if not source_path.is_file():
            raise ValidationError(f"The raw file {relative} of import run #{run.pk} is missing from disk.")
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
    return folder
