"""Export benchmark: the full CSV of every designation (and the other bulk exports) over the seeded data.

Run: ``.venv/bin/python bench/export_bench.py [--database PATH_OR_POSTGRES_URL]``. Without ``--database`` a
fresh SQLite file is migrated and seeded (``manage.py seed``: 15,443 entries of 2024-07-02 and the
2021-2024 history, 18,926 designations). Each export runs in its own process through Django's test client
(the whole middleware and DRF stack, no network), reading the streamed body to the end. Reported per export:

- ``seconds``: wall time of the request and of reading the whole body (goal for the designations CSV: < 10 s);
- ``rows`` and ``mib``: lines and size of the body;
- ``traced_peak_mib``: the largest Python heap growth during the export (tracemalloc, second run);
- ``max_rss_mib``: the process's peak resident memory (Django and the connection included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = {
    "designations.csv": "/api/designations/?format=csv",
    "designees.csv": "/api/designees/?format=csv",
    "changes.csv": "/api/changes/?changed_since=2000-01-01T00:00:00Z&format=csv",
    "designees.ftm.json": "/api/export/ftm/",
}

STEP = r"""
import json, resource, sys, time, tracemalloc, django
django.setup()
from django.test import Client

url = sys.argv[1]
client = Client()

def fetch():
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    return response, size, lines

client.get("/api/programs/")  # warm up: URL resolution, first connection
start = time.perf_counter()
response, size, lines = fetch()
seconds = time.perf_counter() - start
tracemalloc.start()
fetch()
traced_peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({
    "seconds": round(seconds, 2),
    "rows": lines - (1 if url.endswith("csv") else 0),
    "mib": round(size / 2**20, 1),
    "streamed": response.streaming,
    "traced_peak_mib": round(traced_peak / 2**20, 1),
    "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
}))
"""


def _env(database: str, media: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "SQLITE_PATH")}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="bench",
        DJANGO_MEDIA_ROOT=media,
        DJANGO_ALLOWED_HOSTS="testserver",
        API_ANON_RATE="off",
    )
    if database.startswith("postgres"):
        env["DATABASE_URL"] = database
    else:
        env["SQLITE_PATH"] = database
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="An already seeded SQLite file or PostgreSQL URL (default: seed a new one).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="export-bench-") as tmp:
        database = args.database or str(Path(tmp) / "bench.sqlite3")
        env = _env(database, str(Path(tmp) / "media"))
        if not args.database:
            for command in (["migrate", "-v0"], ["seed", "-v0"]):
                subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        results = {}
        for name, url in EXPORTS.items():
            output = subprocess.run(
                [sys.executable, "-c", STEP, url], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout
            results[name] = json.loads(output.strip().splitlines()[-1])
            print(f"{name:20} {json.dumps(results[name])}", flush=True)
    print(
        json.dumps(
            {
                "database": "postgresql" if database.startswith("postgres") else "sqlite",
                "python": platform.python_version(),
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
