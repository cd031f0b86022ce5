"""Read path benchmark: cold 50-row API pages on distinct URLs, in-process and under load, cache off and on.

    createdb -h 127.0.0.1 -U postgres tracker_bench
    .venv/bin/python bench/read_path_bench.py --database-url postgres://postgres@127.0.0.1:5432/tracker_bench --prepare

``--prepare`` migrates the database, runs ``manage.py seed`` when it holds no designees yet (the full
2024-07-02 SDN list and the 2021-2024 history) and ANALYZE. Researchers page through lists and rarely ask
for the same URL twice, so every measurement here walks *distinct* URLs:

* **pages**: every 50-row page (``?offset=0,50,...``) of ``/api/designations/`` and ``/api/designees/``,
  under each of several orderings;
* **small lists**: filtered lists of 1 to 50 rows (designations of one program and one country, designees of
  one country and one kind, designations of one program in force on a date).

It measures, in this order:

1. **Server time**, in-process: a Django test client (the server's settings, no network) asks each URL
   once, with the response cache off, then (``API_RESPONSE_CACHE_SECONDS=300``) twice: cold, then cached.
   A request's time is from the handler's entry to its rendered body; the time its queries spent in the
   database driver is measured with ``connection.execute_wrapper``.
2. **Load**: ``gunicorn tracker.wsgi -w 2`` with a private ``redis-server`` as the shared cache, the
   throttles off, loaded by ``wrk`` with 1 and with 8 keep-alive connections (each connection walks its
   own share of the URLs, so no URL is asked twice until all have been), with the response cache off,
   and on (cold: distinct URLs; cached: 20 URLs over and over). gunicorn's access log gives each request's
   time inside the worker (``%(D)s``): the server time under load.

It prints Markdown tables with the machine, the date and the load average, and exits 1 when a goal is
missed: a cold 50-row designations page at most 10 ms of server time (median, in-process) and at least 400
requests/s with 8 connections; small filtered lists with a p99 latency of at most 40 ms under 8
connections. Needs ``wrk`` (``apt-get install wrk``) and ``redis-server``; the client, the server and the
database share the machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from machine import loop_seconds

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import PYTHON, ROOT, _wrk_ms, fetch, free_port, prepare, server_env, stop
from load_bench import start_redis

GOALS = {"server_ms": 10.0, "rps": 400.0, "small_p99_ms": 40.0}
DESIGNATION_ORDERINGS = ("", "listed_on", "-id", "designee__name", "-program__code", "status", "-delisted_on")
DESIGNEE_ORDERINGS = ("", "-entry_number", "kind", "-updated_at", "id")
HOT_URLS = 20


# --------------------------------------------------------------------------------------------------
# In-process: the URLs, and the server time of each
# --------------------------------------------------------------------------------------------------
IN_PROCESS = r"""
import json, os, random, statistics, sys, time
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from urllib.parse import urlencode

from designations.models import Designation, Designee, DesigneeCountry

args = json.loads(sys.argv[1])
rng = random.Random(7)


def pages(path, count, orderings):
    urls = []
    for ordering in orderings:
        for offset in range(0, count, 50):
            query = {"offset": offset, **({"ordering": ordering} if ordering else {})}
            urls.append(f"{path}?{urlencode(query)}")
    rng.shuffle(urls)
    return urls


def small_lists():
    urls = []
    pairs = (
        Designation.objects.filter(designee__country_links__isnull=False)
        .values("program__code", "designee__country_links__country__code")
        .annotate(n=Count("id", distinct=True))
        .filter(n__lte=50)
    )
    for row in pairs:
        query = {"program": row["program__code"], "country": row["designee__country_links__country__code"]}
        urls.append(f"/api/designations/?{urlencode(query)}")
    kinds = DesigneeCountry.objects.values("country__code", "designee__kind")
    for row in kinds.annotate(n=Count("designee", distinct=True)).filter(n__lte=50):
        urls.append(f"/api/designees/?{urlencode({'country': row['country__code'], 'kind': row['designee__kind']})}")
    programs = Designation.objects.values("program__code").annotate(n=Count("id")).filter(n__lte=200)
    for row in programs:
        for year in (2021, 2022, 2023):
            urls.append(f"/api/designations/?{urlencode({'program': row['program__code'], 'as_of': f'{year}-06-30'})}")
    rng.shuffle(urls)
    return urls


sets = {
    "designations pages": pages("/api/designations/", Designation.objects.count(), args["designation_orderings"]),
    "designees pages": pages("/api/designees/", Designee.objects.count(), args["designee_orderings"]),
    "small lists": small_lists(),
}


class Timer:
    def __init__(self):
        self.seconds, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(urls):
    client = Client(HTTP_ACCEPT="application/json")
    times, sql, queries = [], [], []
    for url in urls:
        timer = Timer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        times.append(elapsed * 1000)
        sql.append(timer.seconds * 1000)
        queries.append(timer.queries)
    times_sorted = sorted(times)
    return {
        "n": len(times),
        "p50": statistics.median(times),
        "p90": times_sorted[int(len(times) * 0.9)],
        "p99": times_sorted[min(len(times) - 1, int(len(times) * 0.99))],
        "sql_p50": statistics.median(sql),
        "queries": statistics.median(queries),
    }


warm = Client(HTTP_ACCEPT="application/json")
for url in [urls[0] for urls in sets.values()] * 5:
    warm.get(url)
sample = args["sample"]
results = {}
for name, urls in sets.items():
    chosen = urls[:sample]
    settings.API_RESPONSE_CACHE_SECONDS = 0
    results[(name, "off", "cold")] = measure(chosen)
    settings.API_RESPONSE_CACHE_SECONDS = 300
    cache.clear()
    results[(name, "on", "cold")] = measure(chosen)
    results[(name, "on", "cached")] = measure(chosen)
print(json.dumps({"sets": sets, "results": [[*key, value] for key, value in results.items()]}))
"""


def in_process(env: dict[str, str], sample: int) -> tuple[dict[str, list[str]], list]:
    args = {
        "designation_orderings": DESIGNATION_ORDERINGS,
        "designee_orderings": DESIGNEE_ORDERINGS,
        "sample": sample,
    }
    result = subprocess.run(
        [str(PYTHON), "-c", IN_PROCESS, json.dumps(args)],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "tracker.settings",
            "DJANGO_ALLOWED_HOSTS": f"{env['DJANGO_ALLOWED_HOSTS']},testserver",  # the test client's host
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"The in-process measurement failed:\n{result.stderr}")
    data = json.loads(result.stdout.strip().splitlines()[-1])
    return data["sets"], data["results"]


# --------------------------------------------------------------------------------------------------
# Under load: gunicorn and wrk
# --------------------------------------------------------------------------------------------------
# Each wrk thread walks its own share of the URLs, from its own start; with ``stop_after`` set a thread
# stops when its share is done (so that no URL is asked twice).
WRK_SCRIPT = """
local paths = {%(paths)s}
local threads, started = %(threads)d, 0
function setup(thread)
  thread:set("share", started)
  started = started + 1
end
local count = 0
function request()
  local per = math.floor(#paths / threads)
  count = count + 1
  if %(stop)s and count > per then
    wrk.thread:stop()
  end
  local index = (share * per + count - 1) %% #paths + 1
  return wrk.format("GET", paths[index], {["Accept"] = "application/json"})
end
"""


@dataclass
class LoadResult:
    label: str
    cache: str
    connections: int
    distinct: int
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    server_p50_ms: float
    server_p99_ms: float
    errors: int


def start_gunicorn(env: dict[str, str], port: int, workers: int, access_log: Path) -> subprocess.Popen:
    """``gunicorn tracker.wsgi`` with an access log of each request's time in the worker (microseconds)."""
    process = subprocess.Popen(
        [
            str(PYTHON.parent / "gunicorn"),
            "tracker.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--log-level",
            "warning",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(D)s %(s)s",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: stopped as one
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            if fetch(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def run_wrk(base: str, paths: list[str], connections: int, duration: int, stop_when_done: bool) -> dict:
    threads = min(connections, 2)
    script = WRK_SCRIPT % {
        "paths": ",".join(json.dumps(path) for path in paths),
        "threads": threads,
        "stop": "true" if stop_when_done else "false",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s", handle.name, base]
        out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True).stdout
    finally:
        os.unlink(handle.name)
    percentile = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _wrk_ms(percentile["50"]),
        "p99_ms": _wrk_ms(percentile["99"]),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def server_times(access_log: Path, start: int) -> tuple[list[float], int]:
    """Request times (ms) logged since byte ``start``, and where the log ends now."""
    with access_log.open() as handle:
        handle.seek(start)
        lines = handle.read().splitlines()
        end = handle.tell()
    return [int(line.split()[0]) / 1000 for line in lines if line.strip()], end


def load_runs(env, sets, args, cache: str, label_suffix: str = "") -> list[LoadResult]:
    port = free_port()
    access_log = Path(tempfile.mkstemp(suffix=".log")[1])
    server = start_gunicorn(env, port, args.workers, access_log)
    base = f"http://127.0.0.1:{port}"
    results = []
    try:
        for path in [urls[0] for urls in sets.values()] * 10:  # warm both workers' connections
            fetch(base + path)
        runs = [(name, urls, False) for name, urls in sets.items()]
        if cache == "on":
            hot = sets["designations pages"][:HOT_URLS]
            runs = [(name, urls, True) for name, urls in sets.items()] + [("designations, 20 hot pages", hot, False)]
        for name, urls, stop_when_done in runs:
            for connections in (1, 8):
                _, mark = server_times(access_log, 0)
                measured = run_wrk(base, urls, connections, args.duration, stop_when_done)
                times, _ = server_times(access_log, mark)
                times.sort()
                results.append(
                    LoadResult(
                        label=name + label_suffix,
                        cache="on, cached" if name.endswith("hot pages") else cache,
                        connections=connections,
                        distinct=len(urls),
                        server_p50_ms=statistics.median(times) if times else float("nan"),
                        server_p99_ms=times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan"),
                        **measured,
                    )
                )
    finally:
        stop(server)
        access_log.unlink(missing_ok=True)
    return results


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="PostgreSQL URL.")
    parser.add_argument("--prepare", action="store_true", help="Migrate, seed an empty database, ANALYZE.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument("--duration", type=int, default=15, help="Seconds of load per run (default 15).")
    parser.add_argument("--sample", type=int, default=300, help="URLs per set asked in-process (default 300).")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must name a PostgreSQL database")
    for tool in ("wrk", "redis-server"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is missing (apt-get install {'wrk' if tool == 'wrk' else 'redis-server'})")

    redis, cache_url = start_redis()
    try:
        env = {
            **server_env(args.database_url),
            "REDIS_CACHE_URL": cache_url,
            "API_RESPONSE_CACHE_SECONDS": "0",
            "PAGE_CACHE_SECONDS": "0",
        }
        if args.prepare:
            prepare(env)
        load_before = os.getloadavg()
        loop = loop_seconds()  # before the load: how fast this machine runs Python today
        sets, server = in_process(env, args.sample)
        loaded = load_runs(env, sets, args, "off")
        loaded += load_runs({**env, "API_RESPONSE_CACHE_SECONDS": "300"}, sets, args, "on")
        load_after = os.getloadavg()
    finally:
        redis.kill()
        redis.wait()

    print(
        f"\nRead path, {time.strftime('%Y-%m-%d %H:%M')}: {platform.node()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, PostgreSQL, Redis cache, throttles off; "
        f"load average {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} before, "
        f"{load_after[0]:.2f} after; a 20M-addition Python loop took {loop:.2f} s before the runs.\n"
    )
    print("Server time in-process (Django test client, one request at a time, each URL once per column):\n")
    print("| URLs | cache | requests | p50 | p90 | p99 | in SQL (p50) | queries |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, cache, state, m in server:
        print(
            f"| {name} ({len(sets[name])} distinct) | {cache}, {state} | {m['n']} | {m['p50']:.1f} ms | "
            f"{m['p90']:.1f} ms | {m['p99']:.1f} ms | {m['sql_p50']:.1f} ms | {m['queries']:.0f} |"
        )
    print(
        f"\nUnder load: gunicorn -w {args.workers}, wrk for {args.duration} s per row; server time is gunicorn's "
        "request time in the worker:\n"
    )
    print("| URLs | cache | conn. | requests (distinct URLs) | req/s | p50 | p99 | server p50 | server p99 | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in loaded:
        print(
            f"| {r.label} | {r.cache} | {r.connections} | {r.requests} ({r.distinct}) | {r.rps:.0f} | "
            f"{r.p50_ms:.1f} ms | {r.p99_ms:.1f} ms | {r.server_p50_ms:.1f} ms | {r.server_p99_ms:.1f} ms | "
            f"{r.errors} |"
        )

    cold_page = next(m for name, cache, state, m in server if name == "designations pages" and cache == "off")
    pages_8 = next(r for r in loaded if r.label == "designations pages" and r.cache == "off" and r.connections == 8)
    small_8 = next(r for r in loaded if r.label == "small lists" and r.cache == "off" and r.connections == 8)
    missed = []
    if cold_page["p50"] > GOALS["server_ms"]:
        missed.append(f"server time {cold_page['p50']:.1f} ms > {GOALS['server_ms']:.0f} ms")
    if pages_8.rps < GOALS["rps"]:
        missed.append(f"{pages_8.rps:.0f} req/s < {GOALS['rps']:.0f}")
    if small_8.p99_ms > GOALS["small_p99_ms"]:
        missed.append(f"small lists p99 {small_8.p99_ms:.1f} ms > {GOALS['small_p99_ms']:.0f} ms")
    if any(r.errors for r in loaded):
        missed.append("errors")
    print(
        f"\nGoals (response cache off): a cold 50-row designations page <= {GOALS['server_ms']:.0f} ms of server "
        f"time and >= {GOALS['rps']:.0f} req/s with 8 connections; small filtered lists p99 <= "
        f"{GOALS['small_p99_ms']:.0f} ms: {'met' if not missed else 'missed: ' + '; '.join(missed)}."
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
