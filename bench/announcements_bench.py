"""Announcement benchmark: parse time per page, the parsers on real pages, and the matcher on name variants.

(a) Every page listed in ``tests/data/announcements/pages.csv`` is parsed ``--repeat`` times by its
parser (OFAC notice or index, Treasury release or index, State statement or index); the median time
per page is printed in milliseconds with the number of entries or items it gave. Pages expected to
fail (``expect`` = ``parse-error``) are timed up to their ``AnnouncementParseError``. Part (a) needs
no database.

(b) Every query of ``tests/data/announcements/name_variants.csv`` (spellings from Treasury press
releases and State statements, each labelled with the entry number of the 2024 list it denotes, or
with none when it must match nothing) is screened with ``designations.matching.match_names`` at the
default threshold, scored exactly as ``bench/match_bench.py`` does: a query with an expected entry is
a true positive when the top result is that entry, a false positive when the top result is another
designee and a false negative when nothing comes back; a query expected to match nothing is a false
positive when anything comes back. Precision is TP / (TP + FP), recall TP / (queries with an expected
entry). Every miss is printed.

(c) Every real page of the data directory's ``announcements/real/`` (Treasury releases of 2018-2025
saved as their ``<article>``, State statements saved as text; ``tests/announcements/real_pages.py``
says how they are read and scored) is parsed and its designated names compared with the hand-read
``truth.tsv``: found, missed and extra names, recall and precision per kind and year. Part (c) needs
no database; without a data directory it is skipped.

Part (b) runs on a database filled by ``manage.py seed`` (the database comes from the environment,
as for the site)::

    SQLITE_PATH=/tmp/tracker.sqlite3 DJANGO_DEBUG=true .venv/bin/python manage.py migrate
    SQLITE_PATH=/tmp/tracker.sqlite3 DJANGO_DEBUG=true .venv/bin/python manage.py seed
    SQLITE_PATH=/tmp/tracker.sqlite3 DJANGO_DEBUG=true .venv/bin/python bench/announcements_bench.py

``--parse-only`` skips part (b); ``--real-only`` runs part (c) alone.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from pathlib import Path

from machine import describe

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "announcements"
PAGES = DATA / "pages.csv"
VARIANTS = DATA / "name_variants.csv"


def _parsers() -> dict:
    from announcements.parsers import recent_actions, state, treasury

    return {
        "ofac-index": recent_actions.parse_index,
        "ofac-notice": recent_actions.parse_notice,
        "treasury-index": treasury.parse_index,
        "treasury-release": treasury.parse_release,
        "state-index": state.parse_index,
        "state-statement": state.parse_statement,
    }


def bench_parsing(repeat: int) -> None:
    from announcements.parsers.base import AnnouncementParseError

    parsers = _parsers()
    with PAGES.open(encoding="utf-8", newline="") as handle:
        pages = list(csv.DictReader(handle))
    print(f"parse time per page, median of {repeat} runs:")
    print(f"{'page':<58} {'bytes':>7} {'ms':>7}  result")
    medians = []
    for page in pages:
        html = (DATA / page["file"]).read_bytes()
        parse = parsers[page["parser"]]
        timings, result = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            try:
                result = parse(html, page["url"])
            except AnnouncementParseError as exc:
                result = exc
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings)
        medians.append(median)
        if isinstance(result, AnnouncementParseError):
            shown = "AnnouncementParseError (expected)" if page["expect"] == "parse-error" else f"ERROR {result}"
        elif hasattr(result, "entries"):
            errors = sum(1 for entry in result.entries if entry.error)
            shown = f"{len(result.entries)} entries" + (f", {errors} not parsed" if errors else "")
        else:
            shown = f"{len(result.items)} items"
        print(f"{page['file']:<58} {len(html):>7,} {median:>7.2f}  {shown}")
    print(f"all {len(pages)} pages: median {statistics.median(medians):.2f} ms, max {max(medians):.2f} ms\n")


def bench_real_pages() -> None:
    from tests.announcements.real_pages import scores_by_group
    from tracker.datadir import data_dir

    folder = data_dir()
    folder = folder / "announcements" / "real" if folder is not None else None
    if folder is None or not (folder / "truth.tsv").is_file():
        print("real pages: skipped (no data directory with announcements/real/)\n")
        return
    print(f"real pages ({folder}): designated names against truth.tsv")
    print(
        f"{'kind':<16} {'year':>4} {'pages':>5} {'found':>5} {'missed':>6} {'extra':>5} {'recall':>7} {'precision':>9}"
    )
    groups = scores_by_group(folder)
    for (kind, year), score in groups.items():
        print(
            f"{kind:<16} {year:>4} {score.pages:>5} {score.tp:>5} {score.fn:>6} {score.fp:>5} "
            f"{score.recall:>7.3f} {score.precision:>9.3f}"
        )
    for score in groups.values():
        for name in score.misses:
            print(f"MISSED {name}")
        for name in score.extras:
            print(f"EXTRA  {name}")
    print()


def bench_matching() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from designations import matching
    from designations.models import Alias, Designee

    with VARIANTS.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(f"database: {connection.vendor} {settings.DATABASES['default']['NAME']}")
    print(f"designees: {Designee.objects.count():,}, aliases: {Alias.objects.count():,}")
    matching.get_index()

    tp = fp = fn = tn = 0
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
        if (top is None) != (not expected) or (expected and str(got) != expected):
            shown = f"{top.name} ({got}) {top.score:.3f} via {top.matched_field} {top.matched_name!r}" if top else "-"
            print(f"XX {row['query']!r} expected {expected or 'nothing'}: {shown}")
    positives = sum(1 for row in rows if row["expected_entry_number"])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    print(
        f"\nname variants: {len(rows)} ({positives} expected to match, {len(rows) - positives} expected not to)"
        f"\nthreshold {matching.DEFAULT_THRESHOLD}: TP {tp}, FP {fp}, FN {fn}, TN {tn}"
        f"\nprecision {precision:.3f}, recall {recall:.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=21, help="Parses per page (the median is shown).")
    parser.add_argument("--parse-only", action="store_true", help="Time the parsers only; no database.")
    parser.add_argument("--real-only", action="store_true", help="Score the real pages only; no database.")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    print(f"machine: {describe()}\n")
    if not args.real_only:
        bench_parsing(args.repeat)
    bench_real_pages()
    if not args.parse_only and not args.real_only:
        bench_matching()
    return 0


if __name__ == "__main__":
    sys.exit(main())
