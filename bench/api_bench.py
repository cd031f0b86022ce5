"""API load benchmark: gunicorn on loopback, loaded by wrk, on PostgreSQL with the full real data.

    createdb -h 127.0.0.1 -U postgres tracker_bench
    .venv/bin/python bench/api_bench.py --database-url postgres://postgres@127.0.0.1:5432/tracker_bench --prepare

``--prepare`` migrates the database and runs ``manage.py seed`` (the 2024-07-02 SDN list and the 2021-2024
history) when it holds no designees yet. The script then starts ``gunicorn tracker.wsgi`` on 127.0.0.1 with
``DJANGO_DEBUG=false`` and the API throttles lifted (``API_ANON_RATE=off``), and for each endpoint runs
``wrk`` (``apt-get install wrk``; a small threaded Python client when wrk is missing) with ``--connections``
keep-alive connections for ``--duration`` seconds. It prints a Markdown table of the median and 99th
percentile latency, requests per second and errors, stops gunicorn, and exits 1 when a goal is missed:
p50 under 20 ms, p99 under 100 ms, over 200 requests/s, no errors.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from machine import loop_seconds

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
DESIGNEE_ENTRY = 29220  # CHEN, Quanguo: GLOMAG, only a place of birth in China
GOALS = {"p50_ms": 20.0, "p99_ms": 100.0, "rps": 200.0}


def server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "api-bench-only"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_MANIFEST_STATIC": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "API_ANON_RATE": "off",
        "API_USER_RATE": "off",
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrate, seed when the database holds no designees yet, and refresh the planner's statistics."""
    manage(env, "migrate", "--no-input", "-v0")
    count = manage(env, "shell", "-c", "from designations.models import Designee; print(Designee.objects.count())")
    if int(count.strip().splitlines()[-1]) == 0:
        print("Seeding the real data (about a minute)...", flush=True)
        manage(env, "seed", "-v0")
    # Fresh statistics: before autovacuum gets to a just-seeded table, the planner guesses badly (the events
    # prefetch then walks the occurred_on index through the whole table).
    manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('ANALYZE')")


def designee_pk(env: dict[str, str]) -> int:
    code = f"from designations.models import Designee; print(Designee.objects.get(entry_number={DESIGNEE_ENTRY}).pk)"
    return int(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = PYTHON.parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,  # its own process group: stopped as one below
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read(), dict(response.headers)


# --------------------------------------------------------------------------------------------------
# Load generators
# --------------------------------------------------------------------------------------------------
_WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _WRK_UNITS[unit]


def run_wrk(url: str, connections: int, threads: int, duration: int) -> dict[str, float]:
    """``wrk --latency`` on one URL; its own percentiles, rate and error counts."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        "Accept: application/json",
    ]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60, check=True)
    out = result.stdout
    percentile = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if set(percentile) != {"50", "99"}:
        raise SystemExit(f"Could not read wrk's output:\n{out}\n{result.stderr}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": _wrk_ms(percentile["50"]),
        "p99_ms": _wrk_ms(percentile["99"]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def run_python_load(url: str, connections: int, duration: int) -> dict[str, float]:
    """The fallback: ``connections`` threads, each a keep-alive HTTP/1.1 connection, for ``duration`` s."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    stop_at = time.monotonic() + duration

    def worker(n: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors[n] += 1
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            latencies[n].append((time.perf_counter() - started) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    samples = sorted(value for per_thread in latencies for value in per_thread)
    return {
        "requests": len(samples),
        "p50_ms": statistics.median(samples),
        "p99_ms": samples[min(len(samples) - 1, int(len(samples) * 0.99))],
        "rps": len(samples) / elapsed,
        "errors": sum(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"), help="PostgreSQL URL.")
    parser.add_argument("--prepare", action="store_true", help="Migrate, and seed an empty database.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads.")
    parser.add_argument("--duration", type=int, default=25, help="Seconds of load per endpoint (default 25).")
    parser.add_argument("--python-client", action="store_true", help="Use the Python client even if wrk exists.")
    args = parser.parse_args()
    loop = loop_seconds()  # before the load: how fast this machine runs Python today
    if not args.database_url or not args.database_url.startswith("postgres"):
        parser.error("--database-url (or DATABASE_URL) must name a PostgreSQL database")

    env = server_env(args.database_url)
    if args.prepare:
        prepare(env)
    pk = designee_pk(env)
    endpoints = [
        ("designations, CN + GLOMAG", "/api/designations/?country=CN&program=GLOMAG"),
        ("designee detail (CHEN, Quanguo)", f"/api/designees/{pk}/"),
    ]
    use_wrk = shutil.which("wrk") is not None and not args.python_client
    port = free_port()
    server = start_gunicorn(env, port, args.workers)
    rows = []
    try:
        for label, path in endpoints:
            url = f"http://127.0.0.1:{port}{path}"
            status, body, headers = fetch(url)
            assert status == 200, (url, status)
            size = len(body)
            results = json.loads(body).get("results")
            for _ in range(20):  # warm the workers' connections and caches
                fetch(url)
            if use_wrk:
                measured = run_wrk(url, args.connections, args.threads, args.duration)
            else:
                measured = run_python_load(url, args.connections, args.duration)
            rows.append((label, path, size, results, headers.get("ETag"), measured))
    finally:
        stop(server)

    print(
        f"\nAPI load, {time.strftime('%Y-%m-%d')}: {platform.node()}, {os.cpu_count()} CPUs, "
        f"{platform.python_implementation()} {platform.python_version()}, gunicorn -w {args.workers}, "
        f"{args.connections} connections x {args.duration} s, {'wrk' if use_wrk else 'Python client'}, "
        f"PostgreSQL, throttles off; a 20M-addition Python loop took {loop:.2f} s before the runs.\n"
    )
    print("| Endpoint | Response | p50 | p99 | Requests/s | Requests | Errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    missed = []
    for label, path, size, results, _etag, m in rows:
        shown = f"{size / 1024:.1f} KiB" + (f", {len(results)} rows" if results is not None else "")
        print(
            f"| {label} `{path}` | {shown} | {m['p50_ms']:.1f} ms | {m['p99_ms']:.1f} ms | {m['rps']:.0f} | "
            f"{m['requests']} | {m['errors']} |"
        )
        if m["p50_ms"] >= GOALS["p50_ms"] or m["p99_ms"] >= GOALS["p99_ms"] or m["rps"] <= GOALS["rps"]:
            missed.append(label)
        if m["errors"]:
            missed.append(f"{label} (errors)")
    print(
        f"\nGoals: p50 < {GOALS['p50_ms']:.0f} ms, p99 < {GOALS['p99_ms']:.0f} ms, > {GOALS['rps']:.0f} req/s, "
        f"no errors: {'met' if not missed else 'missed by ' + ', '.join(missed)}."
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
