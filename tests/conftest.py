"""Shared fixtures: an API client, a temporary MEDIA_ROOT, fast password hashing, plain static storage."""

from __future__ import annotations

import copy
import os
import re
import uuid

import pytest

# The sync Playwright API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test its own cache key space, and each xdist worker its own Redis database.

    With Redis as the cache (the PostgreSQL leg of CI) tests would otherwise see each other's sign-in
    failure counts and cached answers, and a ``cache.clear()`` in one worker would flush the other's.
    """
    caches = copy.deepcopy(settings.CACHES)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    for config in caches.values():
        config["KEY_PREFIX"] = uuid.uuid4().hex
        if config["BACKEND"].endswith("RedisCache") and worker:
            # One Redis database per xdist worker: a test's cache.clear() (FLUSHDB) stays in its own worker.
            config["LOCATION"] = re.sub(
                r"/(\d+)$", lambda match: f"/{int(match.group(1)) + worker}", config["LOCATION"]
            )
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def reference_data(db):
    """Countries, country spellings, authorities and programs from ``fixtures/``."""
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
