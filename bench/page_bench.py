"""Page benchmark: server-side render time and query count of the analysts' pages on a seeded database.

Run against a database seeded with ``manage.py seed`` (the full 2024-07-02 SDN list and 2021-2024 history):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker .venv/bin/python bench/page_bench.py
    SQLITE_PATH=db.sqlite3 .venv/bin/python bench/page_bench.py --runs 20

Each page is fetched through Django's test client (no network, no browser), three ways: **cold**, with the
cache emptied before each request (the first view after an import: aggregates computed, page rendered);
**render**, ``--runs`` requests with the page cache off (aggregates from the cache, the page rendered each
time: its median, slowest time and query count); **cached**, ``--runs`` requests served by the page cache
(``PAGE_CACHE_SECONDS``). Fails (exit status 1) if the Russia country page, the largest, has a render
median over ``--budget-ms``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
# Plain static storage: no collectstatic manifest is needed to render.
os.environ.setdefault("DJANGO_MANIFEST_STATIC", "false")

PAGES = [
    ("home", "/"),
    ("country list", "/countries/"),
    ("country RU", "/countries/RU/"),
    ("country RU, page 20", "/countries/RU/?page=20"),
    ("country RU as of 2022-01-01", "/countries/RU/?as_of=2022-01-01"),
    ("country CN, GLOMAG", "/countries/CN/?filtered=1&program=GLOMAG&status=active"),
    ("program RUSSIA-EO14024", "/programs/RUSSIA-EO14024/"),
    ("program GLOMAG", "/programs/GLOMAG/"),
    ("authority eo-13818", "/authorities/eo-13818/"),
    ("designations", "/designations/"),
    ("designee CHEN, Quanguo", None),
    ("country RU feed", "/countries/RU/feed/"),
]
BUDGET_PAGE = "country RU"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget-ms", type=float, default=150.0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from designations.models import Designation, Designee

    setup_test_environment()  # lets the test client accept the "testserver" host
    settings.DEBUG = False
    client = Client()
    chen = Designee.objects.filter(name="CHEN, Quanguo").first()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"machine: {describe()}")
    print(f"data: {Designee.objects.count():,} designees, {Designation.objects.count():,} designations")
    print(f"{'page':32} {'cold ms':>8} {'render ms':>10} {'max ms':>8} {'cached ms':>10} {'queries':>8} {'KB':>6}")
    budget_failed = False
    for name, url in PAGES:
        if url is None:
            if chen is None:
                continue
            url = chen.get_absolute_url()
        settings.PAGE_CACHE_SECONDS = 0
        response = client.get(url)
        if response.status_code != 200:
            print(f"{name:32} HTTP {response.status_code}")
            budget_failed = True
            continue
        cold, timings, cached = [], [], []
        for _ in range(max(3, args.runs // 5)):  # nothing cached: the first view after an import
            cache.clear()
            start = time.perf_counter()
            client.get(url)
            cold.append((time.perf_counter() - start) * 1000)
        client.get(url)
        for _ in range(args.runs):  # the page rendered, its aggregates read from the cache
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            query_count = len(queries)  # read now: each request resets the connection's query log
        settings.PAGE_CACHE_SECONDS = 300
        client.get(url)
        for _ in range(args.runs):  # the whole page from the page cache
            start = time.perf_counter()
            client.get(url)
            cached.append((time.perf_counter() - start) * 1000)
        median = statistics.median(timings)
        print(
            f"{name:32} {statistics.median(cold):8.1f} {median:10.1f} {max(timings):8.1f} "
            f"{statistics.median(cached):10.1f} {query_count:8d} {len(response.content) / 1024:6.0f}"
        )
        if name == BUDGET_PAGE and median > args.budget_ms:
            budget_failed = True
            print(f"  over budget: {median:.1f} ms > {args.budget_ms:.0f} ms")
    return 1 if budget_failed else 0


if __name__ == "__main__":
    sys.exit(main())
