"""System checks of the deployment, run by ``manage.py check --deploy`` (registered in ``TrackerConfig.ready``).

``tracker.E001``: with ``DEBUG`` off, the default cache must be shared by every web process. API throttle
counts, sign-in failure counts (``LOGIN_FAILURE_LIMIT``) and the response caches live in it; in a
per-process cache each gunicorn worker counts alone, so two workers allow twice the sign-in attempts and
twice the API rate. Memory and dummy caches are per process; a file cache is shared only by the processes
of one machine, and every machine in front of the same database would count alone.

``tracker.W002``: settings were read from a local environment file (``.env.local``, written by ``make run``
for development on one machine; ``tracker/env.py``). A deployment sets its variables itself: such a file
may carry ``DJANGO_DEBUG=true`` into production.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from tracker import env

# Cache backends whose entries one process (or one machine) keeps to itself.
UNSHARED_CACHE_BACKENDS = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django.core.cache.backends.filebased.FileBasedCache",
    }
)


@register(Tags.caches, deploy=True)
def check_shared_cache(app_configs=None, **kwargs) -> list[CheckMessage]:
    """``tracker.E001`` when ``DEBUG`` is off and the default cache is not shared between processes."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in UNSHARED_CACHE_BACKENDS:
        return []
    return [
        Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared by the web processes: each one "
            "keeps its own API throttle and sign-in failure counts, so the limits multiply by the number of "
            "processes.",
            hint="Set REDIS_CACHE_URL (e.g. redis://127.0.0.1:6379/1); see docs/deploy.md.",
            id="tracker.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_no_local_env_file(app_configs=None, **kwargs) -> list[CheckMessage]:
    """``tracker.W002`` when a local environment file supplied settings."""
    if env.LOCAL_ENV_USED is None:
        return []
    return [
        Warning(
            f"Settings were read from the local development file {env.LOCAL_ENV_USED}.",
            hint="Remove it (or set TRACKER_ENV_FILE to an empty value) and set the variables in the environment.",
            id="tracker.W002",
        )
    ]
