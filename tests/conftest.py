"""Shared fixtures: an API client, a temporary MEDIA_ROOT, fast password hashing, plain static storage, the
reference data, and the seeded 2024 list with its history for a module."""

from __future__ import annotations

import copy
import os
import re
import uuid

import pytest

# The sync Playwright API runs an event loop in the test thread; Django's ORM must still be usable.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Parses of large inputs (the real lists), kept per test process: parsing is pure and its records immutable,
# and some 25 tests import the full 2024 list, each paying about 2 s to parse it. Keyed by the bundle's hash
# and the arguments; each caller gets its own ParsedSource (lists and figures copied). Small inputs, which
# tests build and vary, are always parsed.
_PARSE_MEMO_BYTES = 1_000_000
_parse_memo: dict[tuple, object] = {}


@pytest.fixture(autouse=True, scope="session")
def _memoised_parses():
    import dataclasses
    import functools

    from importers.sources import adapters
    from importers.sources.base import bundle_sha256

    def memoised(parse):
        @functools.wraps(parse)
        def wrapper(self, raw, **kwargs):
            if sum(len(content) for content in raw.values()) < _PARSE_MEMO_BYTES:
                return parse(self, raw, **kwargs)
            key = (type(self), bundle_sha256(raw), tuple(sorted(kwargs.items())))
            if key not in _parse_memo:
                if len(_parse_memo) >= 4:
                    _parse_memo.pop(next(iter(_parse_memo)))
                _parse_memo[key] = parse(self, raw, **kwargs)
            parsed = _parse_memo[key]
            return dataclasses.replace(
                parsed,
                records=list(parsed.records),
                warnings=list(parsed.warnings),
                stats=copy.deepcopy(parsed.stats),
                end_marker_missing=list(parsed.end_marker_missing),
            )

        return wrapper

    # The classes that define the parse each registered adapter uses (a shared base class once).
    defining = {next(base for base in adapter.__mro__ if "parse" in base.__dict__) for adapter in adapters()}
    originals = {cls: cls.__dict__["parse"] for cls in defining}
    for cls, parse in originals.items():
        cls.parse = memoised(parse)
    yield
    for cls, parse in originals.items():
        cls.parse = parse


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
    """Countries, country spellings, authorities and programs from ``fixtures/`` (``load_reference_data``,
    replayed after its first run in this process: ``tests/reference_replay.py``)."""
    from tests import reference_replay

    reference_replay.load()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """What ``manage.py seed`` imports of the 2024 list: the real 2024-07-02 SDN list with the aliases and
    addresses of the December 2025 files, then the 2021-2024 history; once for the module, rolled back after.
    Imported by the first module of the process, replayed after (``tests/seed_replay.py``)."""
    from django.db import transaction

    from tests import seed_replay
    from tests.dbstate import settle_constraints

    with django_db_blocker.unblock(), transaction.atomic():
        seed_replay.load()
        settle_constraints()
        yield
        transaction.set_rollback(True)


def _warm_content_types() -> None:
    """Fill Django's per-process cache of content types, which a transactional test's flush empties: a page
    that reads citations (a generic relation) otherwise makes one query more when it runs after such a test."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_models(*apps.get_models())


@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, db):
    """pytest-django's, counted with the content types cached, so a count does not depend on the tests before."""
    _warm_content_types()
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, db):
    """As ``django_assert_num_queries``."""
    _warm_content_types()
    return django_assert_max_num_queries
