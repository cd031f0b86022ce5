"""Load test: mixed traffic from 100 clients against gunicorn on PostgreSQL with the full real data.

    createdb -h 127.0.0.1 -U postgres tracker_load
    .venv/bin/python bench/load_bench.py --database-url postgres://postgres@127.0.0.1:5432/tracker_load --prepare

``--prepare`` migrates the database and runs ``manage.py seed`` when it holds no designees yet (the real SDN
list of 2 July 2024, 15,443 entries, and the 2021-2024 list history), then ANALYZE. For each gunicorn
worker count in ``--workers`` (default ``2,4``: the same run measures both), the script starts
``gunicorn tracker.wsgi`` on 127.0.0.1 with ``DJANGO_DEBUG=false``, the API throttles off
(``API_ANON_RATE=off``, ``API_USER_RATE=off``) and a private ``redis-server`` as the shared cache (as in
production), warms it up, then runs one ``wrk`` per kind of request, all at once, for ``--duration``
seconds (default 60). Their connection counts sum to ``--clients`` (default 100):

    home 12, country pages 18, API designation list 15, API designee list 10, /api/match/ 20,
    /api/stats/ 15, CSV export 10

Each ``wrk`` cycles through many URLs of its kind (countries, programs, names of designees, groupings),
so caches see realistic traffic rather than one hot URL. It prints, per worker count, a Markdown table of
requests, requests/s, p50 and p99 latency and errors (socket errors, timeouts over 30 s and non-2xx/3xx
answers) per kind, the total throughput, and the ratio of the throughputs at 4 and 2 workers. Exits 1 on
any error. Needs ``wrk`` (``apt-get install wrk``) and ``redis-server``. The client runs on the same
machine as the server and the database: on a small machine the three compete for the same cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from machine import loop_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import _wrk_ms, free_port, prepare, server_env, start_gunicorn, stop

CLIENTS = {  # share of the clients per kind of request, in percent
    "home": 12,
    "country page": 18,
    "API designations": 15,
    "API designees": 10,
    "match": 20,
    "stats": 15,
    "CSV export": 10,
}


@dataclass
class Result:
    kind: str
    connections: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def ensure_database(database_url: str) -> None:
    """Create the database named in the URL when it does not exist yet."""
    from urllib.parse import urlsplit

    name = urlsplit(database_url).path.lstrip("/")
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()


def database_samples(database_url: str) -> dict[str, list[str]]:
    """Values to build URLs from: countries and programs with designations, designees' names."""
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.code FROM designations_country c
                JOIN designations_designeecountry dc ON dc.country_id = c.id
                GROUP BY c.code ORDER BY count(*) DESC LIMIT 40
                """
            )
            countries = [code for (code,) in cursor.fetchall()]
            cursor.execute(
                """
                SELECT p.code FROM programs_program p JOIN designations_designation d ON d.program_id = p.id
                GROUP BY p.code ORDER BY count(*) DESC LIMIT 30
                """
            )
            programs = [code for (code,) in cursor.fetchall()]
            # Every 97th designee: names of people, companies and vessels from all over the list.
            cursor.execute("SELECT name FROM designations_designee WHERE id % 97 = 0 ORDER BY id LIMIT 150")
            names = [name for (name,) in cursor.fetchall()]
    finally:
        conn.close()
    if len(countries) < 10 or len(programs) < 10 or len(names) < 50:
        raise SystemExit("The database holds too little data: run with --prepare (manage.py seed)")
    return {"countries": countries, "programs": programs, "names": names}


def url_lists(samples: dict[str, list[str]]) -> dict[str, list[str]]:
    from urllib.parse import quote

    countries, programs, names = samples["countries"], samples["programs"], samples["names"]
    groupings = ["program", "program,year", "country", "authority", "year", "kind", "status", "country,year"]
    return {
        "home": ["/"],
        "country page": [f"/countries/{code}/" for code in countries],
        "API designations": [f"/api/designations/?country={code}" for code in countries]
        + [f"/api/designations/?program={code}&status=active" for code in programs],
        "API designees": [f"/api/designees/?program={code}" for code in programs]
        + [f"/api/designees/?country={code}&kind=individual" for code in countries],
        "match": [f"/api/match/?name={quote(name)}" for name in names],
        "stats": [f"/api/stats/?group_by={g}" for g in groupings]
        + [f"/api/stats/?group_by=year&program={code}" for code in programs],
        "CSV export": [f"/api/designations/?format=csv&program={code}" for code in programs[5:]]
        + [f"/api/designations/?format=csv&country={code}" for code in countries[10:]],
    }


def lua_script(paths: list[str], folder: Path, kind: str) -> Path:
    """A wrk script sending ``paths`` in turn (each thread starts at its own offset), as a browser would
    for pages and as an API client would for the rest."""
    accept = "text/html" if kind in ("home", "country page") else "application/json"
    quoted = ",\n".join(f'  "{path}"' for path in paths)
    script = folder / (re.sub(r"\W+", "_", kind) + ".lua")
    script.write_text(
        f"""local paths = {{
{quoted}
}}
local i = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
function init(args) i = tonumber(offset) or 0 end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {{["Accept"] = "{accept}"}})
end
"""
    )
    return script


def run_wrk(base: str, script: Path, connections: int, duration: int) -> dict[str, float]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", "-s", str(script)]
    out = subprocess.run([*command, base], capture_output=True, text=True, timeout=duration + 120, check=True).stdout
    percentile = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(percentile) != {"50", "99"}:
        raise SystemExit(f"Could not read wrk's output:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _wrk_ms(percentile["50"]),
        "p99_ms": _wrk_ms(percentile["99"]),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def warm_up(base: str, urls: dict[str, list[str]]) -> None:
    """Every URL once (answers must be 200), so the measurement does not start on cold workers."""
    for kind, paths in urls.items():
        for path in paths:
            request = urllib.request.Request(base + path, headers={"Accept": "application/json"})
            with urllib.request.urlopen(request, timeout=120) as response:
                if response.status != 200:
                    raise SystemExit(f"{kind}: {path} answered {response.status}")
                response.read()


def measure(env, urls, scripts, workers: int, clients: int, duration: int) -> list[Result]:
    port = free_port()
    server = start_gunicorn(env, port, workers)
    base = f"http://127.0.0.1:{port}"
    try:
        warm_up(base, urls)
        shares = {kind: max(1, round(clients * share / 100)) for kind, share in CLIENTS.items()}
        with ThreadPoolExecutor(max_workers=len(shares)) as pool:
            futures = {
                kind: pool.submit(run_wrk, base, scripts[kind], connections, duration)
                for kind, connections in shares.items()
            }
            measured = {kind: future.result() for kind, future in futures.items()}
    finally:
        stop(server)
    return [Result(kind, shares[kind], **measured[kind]) for kind in CLIENTS]


def start_redis() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return process, f"redis://127.0.0.1:{port}/1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker_load"),
        help="PostgreSQL URL (default: tracker_load on the local server).",
    )
    parser.add_argument("--prepare", action="store_true", help="Migrate, and seed an empty database.")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts, one run each (default 2,4).")
    parser.add_argument("--clients", type=int, default=100, help="Concurrent connections in all (default 100).")
    parser.add_argument("--duration", type=int, default=60, help="Seconds of load per worker count (default 60).")
    args = parser.parse_args()
    loop = loop_seconds()  # before the load: how fast this machine runs Python today
    if not args.database_url.startswith("postgres"):
        parser.error("--database-url must name a PostgreSQL database")
    for tool in ("wrk", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (apt-get install {tool})")
    worker_counts = [int(n) for n in args.workers.split(",")]

    env = server_env(args.database_url)
    if args.prepare:
        ensure_database(args.database_url)
        prepare(env)
    urls = url_lists(database_samples(args.database_url))
    redis, cache_url = start_redis()
    env = {**env, "REDIS_CACHE_URL": cache_url}
    results: dict[int, list[Result]] = {}
    loads: dict[int, tuple[float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as folder:
            scripts = {kind: lua_script(paths, Path(folder), kind) for kind, paths in urls.items()}
            for workers in worker_counts:
                before = os.getloadavg()[0]
                results[workers] = measure(env, urls, scripts, workers, args.clients, args.duration)
                loads[workers] = (before, os.getloadavg()[0])
    finally:
        redis.kill()
        redis.wait()

    print(
        f"\nMixed load, {time.strftime('%Y-%m-%d')}: {platform.node()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL, Redis cache, throttles off, "
        f"{args.clients} connections for {args.duration} s per run, wrk on the same machine; a 20M-addition "
        f"Python loop took {loop:.2f} s before the runs."
    )
    errors = 0
    for workers, rows in results.items():
        total = sum(r.rps for r in rows)
        print(
            f"\ngunicorn -w {workers} (sync): {total:.0f} requests/s in all; "
            f"load average {loads[workers][0]:.1f} before, {loads[workers][1]:.1f} after\n"
        )
        print("| Requests | Clients | Requests done | Requests/s | p50 | p99 | Errors |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            print(
                f"| {r.kind} | {r.connections} | {r.requests} | {r.rps:.1f} | {r.p50_ms:.0f} ms | "
                f"{r.p99_ms:.0f} ms | {r.errors} |"
            )
            errors += r.errors
    if len(results) >= 2:
        first, last = worker_counts[0], worker_counts[-1]
        ratio = sum(r.rps for r in results[last]) / sum(r.rps for r in results[first])
        print(f"\nThroughput ratio, {last} vs {first} workers: {ratio:.2f}")
    print(f"\nErrors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
