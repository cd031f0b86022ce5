"""Allied lists: how long each import and the cross-list resolution take, on a seeded database.

Run on a database filled by ``manage.py seed`` (the database comes from the environment, as for the site)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_allies DJANGO_DEBUG=true \
        .venv/bin/python bench/allies_bench.py

Each real allied list held under the data directory (``allied/``) is imported through the import machinery
(``import_run_create`` + ``import_run_execute``: parse, write, the run's bookkeeping), timed per list with
the resolution left out; then the resolution (``allies.resolution.resolve_links``: every US human-rights
designee against every allied entry, and every allied human-rights and anti-corruption entry against the whole
US list) is timed on its own, ``--repeat`` times, each time building the US name index again as after an
import. Goals (issue 18): each list
<= 10 s and the resolution <= 10 s on PostgreSQL. The allied rows the run adds stay in the database.
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
LISTS = (
    ("uk-ofsi-conlist-xlsx", ("uk", "ofsi-conlist_2025-04-14")),
    ("uk-sanctions-list-ammitto", ("uk", "ammitto-data-uk_2026-08-22")),
    ("eu-fsf-ammitto", ("eu", "ammitto-data-eu_2026-05-01")),
    ("ca-sema-lmes-ammitto", ("ca", "ammitto-data-ca_2026-08-22")),
    ("au-dfat-consolidated-ammitto", ("au", "ammitto-data-au_2026-08-22")),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="Resolution runs to time (default 3).")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    import allies.writers
    from allies.models import AlliedEntry, PartyLink
    from allies.resolution import resolve_links
    from designations.matching import reset_index
    from importers.models import ImportRun
    from importers.services import import_run_create, import_run_execute

    allies.writers.schedule_resolution = lambda: None  # timed on its own below
    data = Path(settings.TRACKER_DATA_DIR) / "allied"
    print(f"# {describe()}")
    print(f"# database: {connection.vendor}; allied entries before: {AlliedEntry.objects.count()}")
    for slug, parts in LISTS:
        path = data.joinpath(*parts)
        started = time.perf_counter()
        run = import_run_execute(run_id=import_run_create(source=slug, path=[str(path)]).pk)
        elapsed = time.perf_counter() - started
        ok = run.status in (ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED)
        print(
            f"{slug:32} {elapsed:6.2f} s  {run.status:10} records {run.records}, created {run.created}, "
            f"updated {run.updated}, removed {run.delisted}" + ("" if ok else f"  ERROR {run.error}")
        )
    times = []
    for _ in range(max(args.repeat, 1)):
        reset_index()  # as after an import: the US name index is built again (the second screening reads it)
        figures = resolve_links()
        times.append(figures["seconds"])
    print(
        f"resolution: median {statistics.median(times):.2f} s of {times}; linked {figures['linked']}, "
        f"pending {figures['pending']}; party links held {PartyLink.objects.count()}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
