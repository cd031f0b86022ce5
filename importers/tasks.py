"""Celery tasks for imports: thin wrappers around ``importers.services``."""

from __future__ import annotations

import logging

from celery import shared_task

from importers.errors import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


@shared_task(
    bind=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def run_import(self, run_id: int) -> str | None:
    """Execute import run ``run_id``; return how it ended (the run's status, or "refused").

    Transient network and database errors retry with backoff (the run goes back to PENDING in between);
    anything else fails the run. A run held for an editor's review (``needs_review``) is an outcome like
    ``succeeded``: nothing is retried or raised, and no page is re-rendered since nothing was published.

    Acknowledged late (settings): if the worker dies mid-run, the broker re-delivers the task and
    ``import_run_execute`` runs the interrupted run again.
    """
    from importers.models import ImportRun
    from importers.services import ImportRefused, import_run_execute

    if not ImportRun.objects.filter(pk=run_id).exists():
        logger.warning("Import run %s does not exist; nothing to do", run_id)
        return None
    try:
        run = import_run_execute(run_id=run_id, final_attempt=self.request.retries >= MAX_RETRIES)
    except ImportRefused as exc:
        logger.warning("Import run %s refused: %s", run_id, exc)
        return "refused"
    if run.status == ImportRun.Status.SUCCEEDED and not run.dry_run:
        _warm_pages()
    return run.status


def _warm_pages() -> None:
    """Queue the rendering of the largest pages: the import just made every cached page stale."""
    from designations.tasks import warm_pages

    try:
        warm_pages.delay()
    except Exception:  # the import succeeded; a broker hiccup must not turn it into a failure
        logger.exception("Could not queue the page warming after an import")


@shared_task
def run_scheduled_import(source: str) -> int:
    """Start a scheduled import of ``source`` (the beat schedule calls this); returns the new run's id."""
    from importers.models import ImportRun
    from importers.services import import_run_enqueue

    run = import_run_enqueue(source=source, trigger=ImportRun.Trigger.SCHEDULED)
    return run.pk
