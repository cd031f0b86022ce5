"""Celery tasks of the allied lists: thin wrappers around ``allies.resolution``."""

from __future__ import annotations

import contextlib
import logging
import threading

from celery import shared_task

from importers.errors import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, retry_jitter=True, max_retries=5)
def resolve_allied_links() -> dict:
    """Link US designees to the allied entries of the same party (``allies.resolution.resolve_links``)."""
    from allies.resolution import resolve_links

    figures = resolve_links()
    logger.info("Allied links resolved: %s", figures)
    return figures


_deferred = threading.local()


def schedule_resolution() -> None:
    """Resolve the links once the transaction that changed a list commits (inline when tasks run eagerly);
    inside ``resolution_deferred()``, once at its end."""
    from django.db import transaction

    if getattr(_deferred, "active", False):
        _deferred.wanted = True
        return
    transaction.on_commit(resolve_allied_links.delay)


@contextlib.contextmanager
def resolution_deferred():
    """Several lists imported in a row (a seed) resolve the links once, after the last."""
    _deferred.active, _deferred.wanted = True, False
    try:
        yield
    finally:
        _deferred.active = False
        if _deferred.wanted:
            resolve_allied_links.delay()
