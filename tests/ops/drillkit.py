"""Tools for the fault drills: throwaway databases, a private Redis, worker processes, a loopback source.

The drills drive the tracker only from outside, as an operator would: ``manage.py`` and ``python -c``
subprocesses, Celery workers started as separate processes, and SQL on the local PostgreSQL (user
``postgres``, trust authentication) to look at the result. Nothing here imports Django.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psycopg2

from tests.datafiles import data_path

ROOT = Path(__file__).resolve().parent.parent.parent
PYTHON = sys.executable
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def _local_cluster() -> str:
    """The local cluster as ``pg_ctlcluster`` names it: DRILL_PG_CLUSTER, else the first version found."""
    if os.environ.get("DRILL_PG_CLUSTER"):
        return os.environ["DRILL_PG_CLUSTER"]
    versions = sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    return f"{versions[0] if versions else '15'} main"


PG_CLUSTER = _local_cluster()

SDN_2021 = data_path("ofac", "sdn_2021-06-29")
# The drills' 2024 list: the 2 July 2024 sdn.csv with the December 2025 aliases, addresses and spill-over of
# the same entries, as the seed pairs them, in one folder of links. A download must bring all four files, so
# the loopback source serves these same bytes.
SDN_2024_FILES = {
    "sdn.csv": data_path("ofac", "sdn_2024-07-02", "sdn.csv"),
    **{name: data_path("ofac", "sdn_2025-12-24_partial", name) for name in ("add.csv", "alt.csv", "sdn_comments.csv")},
}
SDN_2024 = Path(tempfile.gettempdir()) / "tracker-drills" / "sdn_2024-07-02_set"
SDN_2024.mkdir(parents=True, exist_ok=True)
for _name, _target in SDN_2024_FILES.items():
    if not (SDN_2024 / _name).is_symlink():
        (SDN_2024 / _name).symlink_to(_target)
# The 2024 list delists this many of the 2021 designations: above IMPORT_MAX_DELIST_COUNT, so drills approve them
# (945 gone, and 20 moved to a program under another authority, which ends the old designation).
DELISTINGS_2021_TO_2024 = 965


# --------------------------------------------------------------------------------------------------
# Waiting
# --------------------------------------------------------------------------------------------------
def wait_for(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail the drill after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------------------------------
def connect(dbname: str = "postgres", **kwargs) -> psycopg2.extensions.connection:
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, connect_timeout=5, **kwargs)
    conn.autocommit = True
    return conn


def sql(dbname: str, query: str, params: tuple | list = ()) -> list[tuple]:
    """Run one statement on ``dbname`` in its own connection; the rows it returned (or [])."""
    conn = connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-h", PG_HOST, "-p", str(PG_PORT), "-q"], check=False).returncode == 0


def drop_database(name: str) -> None:
    sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
    sql("postgres", f'DROP DATABASE IF EXISTS "{name}"')


def create_database(name: str, template: str | None = None) -> str:
    """A new database, as a copy of ``template`` when given (a file-level copy: seconds, not minutes)."""
    drop_database(name)
    if template:
        sql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [template])
        sql("postgres", f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    else:
        sql("postgres", f'CREATE DATABASE "{name}"')
    return name


def unique_name(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def backends_of(dbname: str) -> list[int]:
    """Server processes connected to ``dbname`` other than the one asking."""
    rows = sql(
        "postgres",
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [dbname],
    )
    return [pid for (pid,) in rows]


def import_is_writing(dbname: str) -> bool:
    """True while a transaction on ``dbname`` holds a write lock on the designee table: an import mid-write."""
    rows = sql(
        dbname,
        """
        SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'designations_designee' AND l.mode = 'RowExclusiveLock' AND l.granted
          AND l.pid <> pg_backend_pid()
        """,
    )
    return bool(rows)


# Every table an import writes, reduced to what it means: no surrogate keys, no timestamps, foreign keys
# replaced by the natural key they point at. Two databases that went through the same imports (in any
# order of attempts, with any sequence gaps) have the same fingerprint.
# A fact's document by its key, not its id: a run killed mid-import consumed ids its retry does not reuse.
_DESIGNEE = "JOIN designations_designee d ON d.id = t.designee_id"
_DOCUMENT = "LEFT JOIN designations_sourcedocument s ON s.id = t.source_document_id"
_CHILD = (
    "(to_jsonb(t) - ARRAY['id', 'designee_id', 'source_document_id'])"
    " || jsonb_build_object('designee', d.source_uid, 'document', s.source_uid)"
)
FINGERPRINT_QUERIES = {
    "designee": (
        "SELECT to_jsonb(t) - ARRAY['id', 'created_at', 'updated_at', 'merged_into_id', 'reviewed_at',"
        " 'reviewed_by_id'] AS r FROM designations_designee t"
    ),
    "designation": (
        "SELECT (to_jsonb(t) - ARRAY['id', 'created_at', 'updated_at', 'designee_id', 'reviewed_at',"
        " 'reviewed_by_id', 'reason_source_id']) || jsonb_build_object('designee', d.source_uid) AS r"
        f" FROM designations_designation t {_DESIGNEE}"
    ),
    "designation_event": (
        "SELECT (to_jsonb(t) - ARRAY['id', 'created_at', 'updated_at', 'designation_id', 'import_run_id',"
        " 'source_document_id']) || jsonb_build_object('designee', d.source_uid, 'program', x.program_id,"
        " 'document', s.source_uid) AS r FROM designations_designationevent t"
        " JOIN designations_designation x ON x.id = t.designation_id"
        " JOIN designations_designee d ON d.id = x.designee_id"
        " LEFT JOIN designations_sourcedocument s ON s.id = t.source_document_id"
    ),
    **{
        table: f"SELECT {_CHILD} AS r FROM designations_{table} t {_DESIGNEE} {_DOCUMENT}"
        for table in ("alias", "identifier", "address", "birthdate", "placeofbirth", "designeecountry")
    },
    "relationship": (
        "SELECT (to_jsonb(t) - ARRAY['id', 'from_designee_id', 'to_designee_id', 'source_document_id'])"
        " || jsonb_build_object('from', f.source_uid, 'to', o.source_uid, 'document', s.source_uid) AS r"
        " FROM designations_relationship t"
        " JOIN designations_designee f ON f.id = t.from_designee_id"
        " LEFT JOIN designations_designee o ON o.id = t.to_designee_id"
        " LEFT JOIN designations_sourcedocument s ON s.id = t.source_document_id"
    ),
    "source_document": (
        "SELECT to_jsonb(t) - ARRAY['id', 'created_at', 'updated_at', 'url'] AS r FROM designations_sourcedocument t"
    ),
    "program": (
        "SELECT to_jsonb(t) - ARRAY['id', 'created_at', 'updated_at', 'replaced_by_id'] AS r FROM programs_program t"
    ),
}


def fingerprint(dbname: str) -> dict[str, tuple[int, str]]:
    """Per table: (row count, MD5 of its rows in canonical order)."""
    conn = connect(dbname)
    result = {}
    try:
        with conn.cursor() as cursor:
            for name, query in FINGERPRINT_QUERIES.items():
                cursor.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(q.r::text, E'\\n' ORDER BY q.r::text), ''))"
                    f" FROM ({query}) q"
                )
                result[name] = cursor.fetchone()
    finally:
        conn.close()
    return result


def duplicated_designations(dbname: str) -> int:
    """Designee/program pairs with more than one active designation: what a doubled import would leave."""
    return sql(
        dbname,
        """
        SELECT count(*) FROM (
          SELECT designee_id, program_id FROM designations_designation WHERE status = 'active'
          GROUP BY 1, 2 HAVING count(*) > 1) q
        """,
    )[0][0]


def runs(dbname: str) -> list[dict]:
    rows = sql(
        dbname,
        "SELECT id, source, status, error, warnings, created, updated, delisted FROM importers_importrun ORDER BY id",
    )
    keys = ("id", "source", "status", "error", "warnings", "created", "updated", "delisted")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def run_status(dbname: str, pk: int) -> str:
    return sql(dbname, "SELECT status FROM importers_importrun WHERE id = %s", [pk])[0][0]


def restart_postgresql() -> None:
    """Restart the local cluster (fast shutdown: other clients are disconnected, not waited for)."""
    version, cluster = PG_CLUSTER.split()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "-m", "fast", version, cluster, "restart"],
        check=True,
        timeout=120,
    )


def ensure_postgresql_up(timeout: float = 60) -> None:
    """Wait for PostgreSQL, and start the cluster if it does not come back by itself."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pg_ready():
            return
        time.sleep(1)
    version, cluster = PG_CLUSTER.split()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "start"], check=False, timeout=120)
    wait_for(pg_ready, 60, "PostgreSQL to accept connections again")


# --------------------------------------------------------------------------------------------------
# The tracker, run as separate processes
# --------------------------------------------------------------------------------------------------
def tracker_env(dbname: str, broker_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CELERY_BROKER_URL", "REDIS_CACHE_URL", "SQLITE_PATH", "PYTEST_XDIST_WORKER")
    }
    env.update(
        DATABASE_URL=database_url(dbname),
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="fault-drill",
        DJANGO_DEBUG="false",
        DJANGO_MANIFEST_STATIC="false",
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def django(env: dict[str, str], code: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``code`` in a Python process with Django set up; it reports back on its last stdout line."""
    script = "import django\ndjango.setup()\n" + code
    result = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode:
        raise AssertionError(f"script failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def last_json(result: subprocess.CompletedProcess):
    return json.loads(result.stdout.strip().splitlines()[-1])


def enqueue_import(
    env: dict[str, str],
    *,
    path: Path | None,
    max_delist_share: float | None = 1.0,
    approve_delistings: int | None = DELISTINGS_2021_TO_2024,
) -> int:
    """Queue an import of the SDN list as the admin does (``import_run_enqueue``); the new run's id."""
    paths = f"[{str(path)!r}]" if path else "''"
    result = django(
        env,
        "import datetime, json\n"
        "from importers.services import import_run_enqueue\n"
        f"run = import_run_enqueue(source='ofac-sdn', path={paths}, as_of=datetime.date(2024, 7, 2),"
        f" max_delist_share={max_delist_share!r}, approve_delistings={approve_delistings!r})\n"
        "print(json.dumps(run.pk))\n",
    )
    return last_json(result)


class Worker:
    """A Celery worker in its own process group, writing its log to a file."""

    def __init__(self, env: dict[str, str], log: Path, *, concurrency: int = 1, name: str = "drill") -> None:
        self.log = log
        self._out = log.open("ab")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                f"--hostname={name}-{secrets.token_hex(3)}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 90) -> None:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"worker exited with {self.process.returncode}:\n{self.output()[-3000:]}")
            return " ready." in self.output()

        wait_for(ready, timeout, "the worker to be ready", interval=0.3)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_pool_process(self) -> int:
        """SIGKILL the pool process running the task (the worker's only child); its pid."""
        (child,) = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool, as a power cut or the OOM killer would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._out.close()

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL if it does not stop in 30 s."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        self._out.close()


class RedisServer:
    """A private, throwaway redis-server on a free loopback port (never the shared one on 6379)."""

    def __init__(self, port: int | None = None) -> None:
        if not shutil.which("redis-server"):
            raise AssertionError("redis-server is not installed")
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 20, f"redis-server on port {self.port}")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --------------------------------------------------------------------------------------------------
# A loopback HTTP source standing in for OFAC's download server
# --------------------------------------------------------------------------------------------------
class _SourceHandler(BaseHTTPRequestHandler):
    server: SourceServer

    def log_message(self, *args):
        pass

    def do_GET(self):
        srv = self.server
        name = self.path.rsplit("/", 1)[-1]
        with srv.lock:
            srv.requests.append(name)
            action = srv.script.pop(0) if (name == "sdn.csv" and srv.script) else "ok"
        if action == "500":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if action == "hang":
            time.sleep(srv.hang_seconds)
        body = srv.files.get(name)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if action == "cut":  # the connection drops a third of the way through the body
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


class SourceServer(ThreadingHTTPServer):
    """Serves ``files`` under /ofac/; ``script`` lists what the next requests of sdn.csv get:
    ``"500"`` (a server error), ``"hang"`` (an answer after ``hang_seconds``), ``"cut"`` (a truncated body)
    or ``"ok"``; once the script is used up every request is served."""

    daemon_threads = True

    def __init__(self, files: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _SourceHandler)
        self.files = files
        self.script: list[str] = []
        self.requests: list[str] = []
        self.hang_seconds = 5.0
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/ofac/"

    def close(self) -> None:
        self.shutdown()
        self.server_close()
