"""Background work on the public pages."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


def _host() -> str:
    """A host name the tracker answers to, for rendering its own pages."""
    for host in settings.ALLOWED_HOSTS:
        if host and "*" not in host and not host.startswith("."):
            return host
    return "localhost"


def warmed_paths(countries: int) -> list[str]:
    """The pages worth rendering ahead: the largest ones, which analysts open first."""
    from designations.models import Country
    from programs.models import Program

    paths = ["/", "/countries/", "/programs/", "/designations/"]
    largest = Country.objects.with_active_counts().filter(active_designees__gt=0).order_by("-active_designees")
    paths += [f"/countries/{code}/" for code in largest.values_list("code", flat=True)[:countries]]
    paths += [program.get_absolute_url() for program in Program.objects.human_rights().order_by("code")]
    return paths


@shared_task(ignore_result=True)
def warm_pages(countries: int | None = None) -> int:
    """Render the largest public pages once, after an import, so their first reader does not wait.

    A change to the data makes every cached page and page aggregate unreachable; the Russia page then
    takes about twice as long to render as when its aggregates are cached. Rendering the largest pages
    here fills the shared cache (aggregates, and the pages themselves for the tracker's first allowed
    host) while no one waits. Returns how many pages rendered; failures are logged, never raised.
    """
    from django.test import Client

    countries = settings.PAGE_WARM_COUNTRIES if countries is None else countries
    if countries < 0 or settings.PAGE_CACHE_SECONDS <= 0:
        return 0
    client = Client(HTTP_HOST=_host(), secure=settings.SECURE_SSL_REDIRECT)
    done = 0
    for path in warmed_paths(countries):
        try:
            response = client.get(path)
        except Exception:  # a page that fails here fails for readers too: log it, warm the rest
            logger.exception("Warming %s failed", path)
            continue
        if response.status_code == 200:
            done += 1
        else:
            logger.warning("Warming %s answered %s", path, response.status_code)
    logger.info("Warmed %s public pages", done)
    return done
