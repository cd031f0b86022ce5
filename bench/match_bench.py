"""Name-screening benchmark: precision, recall and latency of the matcher on a seeded database.

Run on a database filled by ``manage.py seed`` (the database comes from the environment, as for the
site: ``SQLITE_PATH=/tmp/tracker.sqlite3`` or ``DATABASE_URL=postgres://...``)::

    SQLITE_PATH=/tmp/tracker.sqlite3 DJANGO_DEBUG=true .venv/bin/python bench/match_bench.py

Every query of ``tests/data/matching/labelled_names.csv`` is screened at the default threshold. A query
with an expected entry number is a true positive when the top result is that entry, a false positive
when the top result is another designee and a false negative when nothing comes back; a query
expected to match nothing is a false positive when anything comes back. Precision is TP / (TP + FP),
recall TP / (number of queries with an expected entry).

Latency is measured per query, after one warm-up pass (which also builds the in-memory index): the
matcher call (``match_names``), and ``GET /api/match/`` through Django's test client (routing,
validation, serialisation, middleware, rendering). Throttling is switched off for the run.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
import types
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "data" / "matching" / "labelled_names.csv"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="Timed passes over the labelled queries.")
    parser.add_argument("--verbose", action="store_true", help="Print every query with its top result.")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ["API_ANON_RATE"] = "off"
    os.environ["API_USER_RATE"] = "off"
    os.environ["API_MATCH_ANON_RATE"] = "off"  # names per minute: the timed passes screen more than it allows
    os.environ["API_MATCH_USER_RATE"] = "off"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import NoReverseMatch, include, path, reverse

    from designations import matching
    from designations.models import Alias, Designee

    with LABELLED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(f"designees: {Designee.objects.count():,}, aliases: {Alias.objects.count():,}")
    print(f"machine: {describe()}")

    import resource

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started, cpu = time.perf_counter(), time.process_time()
    index = matching.get_index()
    print(
        f"index build (first call, including the version query): {time.perf_counter() - started:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU; {len(index.names):,} names, {len(index.key_words):,} keys; "
        f"peak RSS +{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024:.0f} MB"
    )

    tp = fp = fn = tn = 0
    misses = []
    for row in rows:
        expected = row["expected_entry_number"]
        results = matching.match_names(row["query"])
        top = results[0] if results else None
        got = top and matching.get_index().designees[top.designee_id].entry_number
        if expected:
            if top is None:
                fn += 1
            elif str(got) == expected:
                tp += 1
            else:
                fp += 1
        elif top is None:
            tn += 1
        else:
            fp += 1
        if args.verbose or (top is None) != (not expected) or (expected and str(got) != expected):
            shown = f"{top.name} ({got}) {top.score:.3f} via {top.matched_field} {top.matched_name!r}" if top else "-"
            marker = "  " if (expected and str(got) == expected) or (not expected and top is None) else "XX"
            line = f"{marker} {row['query']!r} expected {expected or 'nothing'}: {shown}"
            print(line)
            if marker == "XX":
                misses.append(line)
    positives = sum(1 for row in rows if row["expected_entry_number"])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    print(
        f"\nlabelled queries: {len(rows)} ({positives} expected to match, {len(rows) - positives} expected not to)"
        f"\nthreshold {matching.DEFAULT_THRESHOLD}: TP {tp}, FP {fp}, FN {fn}, TN {tn}"
        f"\nprecision {precision:.3f}, recall {recall:.3f}"
    )

    timings, cpu_timings = [], []
    for _ in range(args.repeat):
        for row in rows:
            started, cpu = time.perf_counter(), time.process_time()
            matching.match_names(row["query"])
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu) * 1000)
    print(
        f"\nmatch_names: p50 {_percentile(timings, 0.5):.1f} ms, p95 {_percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms over {len(timings)} calls (includes the one-query version check); "
        f"CPU time p50 {_percentile(cpu_timings, 0.5):.1f} ms, p95 {_percentile(cpu_timings, 0.95):.1f} ms"
    )

    try:
        reverse("match-api:match")
        urlconf = settings.ROOT_URLCONF
    except NoReverseMatch:  # the route is not in tracker/urls.py yet: add it for the run
        urlconf = types.ModuleType("match_bench_urls")
        urlconf.urlpatterns = [path("api/", include("designations.api.match_urls"))]
        urlconf.urlpatterns += __import__(settings.ROOT_URLCONF, fromlist=["urlpatterns"]).urlpatterns
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        url = reverse("match-api:match")
        for row in rows:
            assert client.get(url, {"name": row["query"]}).status_code == 200
        timings, cpu_timings = [], []
        for _ in range(args.repeat):
            for row in rows:
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(url, {"name": row["query"]})
                timings.append((time.perf_counter() - started) * 1000)
                cpu_timings.append((time.process_time() - cpu) * 1000)
                assert response.status_code == 200, response.content
    print(
        f"GET /api/match/: p50 {_percentile(timings, 0.5):.1f} ms, p95 {_percentile(timings, 0.95):.1f} ms, "
        f"mean {statistics.fmean(timings):.1f} ms over {len(timings)} requests; "
        f"CPU time p50 {_percentile(cpu_timings, 0.5):.1f} ms, p95 {_percentile(cpu_timings, 0.95):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
