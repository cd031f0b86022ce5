"""Fault drills on the real services: PostgreSQL, Redis and Celery worker processes (``make drills``).

Each drill starts from a copy of one base database (reference data and the real SDN list of 29 June
2021), imports the real list of 2 July 2024 (``$TRACKER_DATA_DIR/ofac/``: 15,443 entries, which creates, updates
and delists thousands of rows) through a worker, breaks something on the way, and checks that:

* the run ends in a clear recorded state (succeeded, or failed with a message saying why);
* the data is exactly what it was before the run, or exactly what an undisturbed import of the same file
  leaves (``expected``), compared table by table on a fingerprint of every row the import writes;
* no designation is doubled, and the next run recovers by itself.

The PostgreSQL restart drill comes last: it disconnects every client of the cluster.
"""

from __future__ import annotations

import json
import time

import psycopg2
import pytest

from tests.ops.drillkit import (
    DELISTINGS_2021_TO_2024,
    SDN_2021,
    SDN_2024,
    SDN_2024_FILES,
    RedisServer,
    SourceServer,
    Worker,
    backends_of,
    create_database,
    django,
    drop_database,
    duplicated_designations,
    enqueue_import,
    ensure_postgresql_up,
    fingerprint,
    import_is_writing,
    last_json,
    manage,
    pg_ready,
    restart_postgresql,
    run_status,
    runs,
    sql,
    tracker_env,
    unique_name,
    wait_for,
)

pytestmark = pytest.mark.drill

TERMINAL = ("succeeded", "unchanged", "failed")


# --------------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_db():
    """Migrated, reference data loaded, the 2021 list imported: the state every drill starts from."""
    if not pg_ready():
        pytest.fail("the drills need PostgreSQL on 127.0.0.1:5432 (user postgres, trust)")
    name = create_database(unique_name("drill_base"))
    env = tracker_env(name)
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "load_reference_data", "-v0")
        manage(env, "import_source", "ofac-sdn", "--path", str(SDN_2021), "--as-of", "2021-06-29", "--no-progress")
        yield name
    finally:
        drop_database(name)


@pytest.fixture(scope="module")
def before(base_db):
    return fingerprint(base_db)


@pytest.fixture(scope="module")
def expected(base_db):
    """The fingerprint an undisturbed import of the 2024 list leaves, on its own copy of the base."""
    name = create_database(unique_name("drill_ref"), template=base_db)
    try:
        manage(
            tracker_env(name),
            "import_source",
            "ofac-sdn",
            "--path",
            str(SDN_2024),
            "--as-of",
            "2024-07-02",
            "--max-delist-share",
            "1",
            "--approve-delistings",
            str(DELISTINGS_2021_TO_2024),
            "--no-progress",
        )
        return fingerprint(name)
    finally:
        drop_database(name)


@pytest.fixture
def drill_db(base_db):
    name = create_database(unique_name("drill"), template=base_db)
    yield name
    ensure_postgresql_up()
    drop_database(name)


@pytest.fixture
def redis():
    """A private Redis per drill: no message of one drill can reach the worker of the next."""
    server = RedisServer()
    yield server
    server.kill()


@pytest.fixture
def workers(tmp_path):
    started: list[Worker] = []

    def start(env, *, concurrency=1, name="drill"):
        worker = Worker(env, tmp_path / f"{name}-{len(started)}.log", concurrency=concurrency, name=name)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def finished(dbname: str, pk: int, timeout: float) -> str:
    def status():
        try:
            value = run_status(dbname, pk)
        except psycopg2.OperationalError:  # PostgreSQL restarting
            return None
        return value if value in TERMINAL else None

    return wait_for(status, timeout, f"import run #{pk} to finish", interval=0.5)


def describe(dbname: str, *workers: Worker) -> str:
    """What to print when a drill fails: the runs, and the end of each worker's log."""
    lines = [json.dumps(run, default=str)[:1500] for run in runs(dbname)]
    for worker in workers:
        lines.append(f"--- {worker.log.name}\n{worker.output()[-4000:]}")
    return "\n".join(lines)


def assert_exactly(dbname: str, fingerprint_expected: dict, context: str) -> None:
    actual = fingerprint(dbname)
    differing = {table: (actual[table], want) for table, want in fingerprint_expected.items() if actual[table] != want}
    assert not differing, f"{context}: tables differ (actual, expected): {differing}"
    assert duplicated_designations(dbname) == 0


# --------------------------------------------------------------------------------------------------
# A worker killed mid-import
# --------------------------------------------------------------------------------------------------
def test_pool_process_killed_mid_import_is_redelivered_and_the_run_succeeds(drill_db, redis, workers, before, expected):
    env = tracker_env(drill_db, redis.url)
    worker = workers(env)
    pk = enqueue_import(env, path=SDN_2024)

    wait_for(lambda: import_is_writing(drill_db), 180, "the import to start writing")
    time.sleep(1.0)
    assert import_is_writing(drill_db), "the import finished before it could be killed"
    worker.kill_pool_process()

    status = finished(drill_db, pk, 300)
    run = runs(drill_db)[-1]
    assert (run["id"], status) == (pk, "succeeded"), describe(drill_db, worker)
    assert any("interrupted" in warning for warning in run["warnings"]), run["warnings"]
    assert "WorkerLostError" in worker.output()
    assert_exactly(drill_db, expected, "after the re-delivered run")


def test_worker_killed_mid_import_leaves_the_data_untouched_and_a_new_worker_finishes_the_run(
    drill_db, redis, workers, before, expected
):
    # Redis gives an unacknowledged task back after the visibility timeout: short here, an hour by default.
    env = tracker_env(drill_db, redis.url, CELERY_BROKER_VISIBILITY_TIMEOUT="15")
    worker = workers(env)
    pk = enqueue_import(env, path=SDN_2024)

    wait_for(lambda: import_is_writing(drill_db), 180, "the import to start writing")
    time.sleep(1.0)
    assert import_is_writing(drill_db), "the import finished before it could be killed"
    worker.kill()
    wait_for(lambda: not backends_of(drill_db), 60, "the killed worker's database sessions to end")

    assert run_status(drill_db, pk) == "running"  # nobody knows yet: the next worker or run finds out
    assert_exactly(drill_db, before, "right after the kill")

    second = workers(env, name="drill-second")
    status = finished(drill_db, pk, 300)
    assert status == "succeeded", describe(drill_db, worker, second)
    assert [r["id"] for r in runs(drill_db)][-1] == pk  # the same run, re-delivered: no second run
    assert_exactly(drill_db, expected, "after the re-delivered run")


# --------------------------------------------------------------------------------------------------
# Redis down when a task is enqueued
# --------------------------------------------------------------------------------------------------
def test_import_enqueued_while_redis_is_down_fails_clearly_and_the_next_one_runs(drill_db, workers, before, expected):
    redis = RedisServer()
    env = tracker_env(drill_db, redis.url)
    redis.kill()
    try:
        result = django(
            env,
            "import datetime, json\n"
            "from importers.services import import_run_enqueue\n"
            f"run = import_run_enqueue(source='ofac-sdn', path=[{str(SDN_2024)!r}], as_of=datetime.date(2024, 7, 2),"
            f" max_delist_share=1.0, approve_delistings={DELISTINGS_2021_TO_2024})\n"
            "run.refresh_from_db()\n"
            "print(json.dumps([run.pk, run.status, run.error]))\n",
            check=False,
        )
        assert result.returncode == 0, f"enqueueing crashed the caller:\n{result.stderr[-3000:]}"
        pk, status, error = last_json(result)
        assert status == "failed", (status, error)
        assert "broker" in error.lower()
        assert_exactly(drill_db, before, "after the refused enqueue")

        redis = RedisServer(port=redis.port)  # the broker is back
        worker = workers(env)
        retry = enqueue_import(env, path=SDN_2024)
        assert finished(drill_db, retry, 300) == "succeeded", describe(drill_db, worker)
        assert run_status(drill_db, pk) == "failed"
        assert_exactly(drill_db, expected, "after the next run")
    finally:
        redis.kill()


# --------------------------------------------------------------------------------------------------
# A source answering 500, hanging, cutting the download short, or serving a truncated file
# --------------------------------------------------------------------------------------------------
def test_source_errors_retry_then_fail_clearly_and_the_next_run_succeeds(drill_db, redis, workers, before, expected):
    source = SourceServer({name: path.read_bytes() for name, path in SDN_2024_FILES.items()})
    env = tracker_env(drill_db, redis.url, IMPORT_OFAC_SDN_URL=source.url, IMPORT_HTTP_TIMEOUT="1.5")
    try:
        worker = workers(env)
        # Every attempt of the first run gets a 500: retried with backoff, then failed.
        source.script = ["500"] * 6
        failing = enqueue_import(env, path=None)
        assert finished(drill_db, failing, 240) == "failed", describe(drill_db, worker)
        run = runs(drill_db)[-1]
        assert run["error"].startswith("Network error"), run["error"]
        assert sum("retrying" in w for w in run["warnings"]) == 5, run["warnings"]
        assert source.requests.count("sdn.csv") == 6
        assert_exactly(drill_db, before, "after the failed run")

        # The next run meets a hang past the timeout, a download cut short and a 500, and still succeeds.
        source.hang_seconds = 4.0
        source.script = ["hang", "cut", "500"]
        recovering = enqueue_import(env, path=None)
        assert finished(drill_db, recovering, 240) == "succeeded", describe(drill_db, worker)
        run = runs(drill_db)[-1]
        assert sum("retrying" in w for w in run["warnings"]) == 3, run["warnings"]
        assert_exactly(drill_db, expected, "after the recovering run")
    finally:
        source.close()


def test_truncated_file_is_refused_before_writing_and_the_full_file_then_imports(drill_db, redis, workers, before):
    files = {name: path.read_bytes() for name, path in SDN_2024_FILES.items()}
    full = files["sdn.csv"]
    lines = full.split(b"\r\n")
    source = SourceServer({**files, "sdn.csv": b"\r\n".join(lines[: len(lines) // 2]) + b"\r\n"})
    env = tracker_env(drill_db, redis.url, IMPORT_OFAC_SDN_URL=source.url)
    try:
        worker = workers(env)
        truncated = enqueue_import(env, path=None, max_delist_share=0.1)
        assert finished(drill_db, truncated, 240) == "failed", describe(drill_db, worker)
        error = runs(drill_db)[-1]["error"]
        assert "0x1A end-of-file marker" in error and "Nothing was written" in error, error
        assert_exactly(drill_db, before, "after the truncated file")

        source.files["sdn.csv"] = full
        whole = enqueue_import(env, path=None, max_delist_share=0.1)
        assert finished(drill_db, whole, 240) == "succeeded", describe(drill_db, worker)
    finally:
        source.close()


# --------------------------------------------------------------------------------------------------
# Two imports of one source at once
# --------------------------------------------------------------------------------------------------
def test_two_imports_of_one_source_at_once_one_runs_the_other_is_refused(drill_db, redis, workers, expected):
    env = tracker_env(drill_db, redis.url)
    worker = workers(env, concurrency=2)
    result = django(
        env,
        "import datetime, json\n"
        "from django.db import transaction\n"
        "from importers.services import import_run_enqueue\n"
        "with transaction.atomic():  # both queued at the same commit\n"
        "    pks = [import_run_enqueue(source='ofac-sdn', path=[" + repr(str(SDN_2024)) + "],"
        " as_of=datetime.date(2024, 7, 2), max_delist_share=1.0,"
        f" approve_delistings={DELISTINGS_2021_TO_2024}).pk for _ in range(2)]\n"
        "print(json.dumps(pks))\n",
    )
    first, second = last_json(result)
    statuses = sorted([finished(drill_db, first, 300), finished(drill_db, second, 300)])

    by_id = {run["id"]: run for run in runs(drill_db)}
    assert statuses in (["failed", "succeeded"], ["succeeded", "unchanged"]), describe(drill_db, worker)
    if statuses[0] == "failed":
        refused = by_id[first] if by_id[first]["status"] == "failed" else by_id[second]
        assert "already running" in refused["error"], refused["error"]
    assert_exactly(drill_db, expected, "after both runs")

    again = enqueue_import(env, path=SDN_2024)
    assert finished(drill_db, again, 120) == "unchanged", describe(drill_db, worker)


# --------------------------------------------------------------------------------------------------
# Editors at work while an import runs
# --------------------------------------------------------------------------------------------------
CHANGED_ENTRIES = """
import datetime, json
from pathlib import Path
from designations.models import Designee
from importers.sources import get_adapter
parsed = get_adapter("ofac-sdn").parse(
    {p.name: p.read_bytes() for p in Path(%r).iterdir()}, as_of=datetime.date(2024, 7, 2)
)
stored = dict(Designee.objects.filter(source="ofac-sdn").values_list("source_uid", "record_hash"))
changed = [r.source_uid for r in parsed.records if r.source_uid in stored and stored[r.source_uid] != r.content_hash()]
print(json.dumps(changed))
"""

# An editor correcting names one after another, as the admin does (the edited field gets locked), until the
# run is over. Each line it prints is one committed edit: whether the run was running when the edit began,
# whether the import's transaction was open, and how long the save took (it waits for the import's locks).
EDITOR = """
import json, sys, time
from django.db import connection
from designations.models import Designee
from designations.services import designee_lock_fields
from importers.models import ImportRun

def import_transaction_open():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'designations_designee'"
            " AND l.mode IN ('RowShareLock', 'RowExclusiveLock') AND l.granted AND l.pid <> pg_backend_pid()")
        return cursor.fetchone() is not None

uids = json.loads(sys.stdin.read())
run_id = %d
print("ready")
sys.stdout.flush()
deadline = time.monotonic() + 300
while ImportRun.objects.get(pk=run_id).status == "pending" and time.monotonic() < deadline:
    time.sleep(0.05)  # set up before the run starts, so the first edits land while it runs
for i, uid in enumerate(uids):
    running = ImportRun.objects.get(pk=run_id).status == "running"
    designee = Designee.objects.get(source="ofac-sdn", source_uid=uid)
    during = import_transaction_open()
    designee.name = f"{designee.name} [corrected {i}]"
    started = time.monotonic()
    designee_lock_fields(designee=designee, fields=["name"], user=None)
    took = time.monotonic() - started
    print(json.dumps({"uid": uid, "name": designee.name, "running": running, "during": during, "took": took}))
    sys.stdout.flush()
    if not running and ImportRun.objects.get(pk=run_id).status in ("succeeded", "unchanged", "failed"):
        break
"""


def test_editors_edits_made_while_an_import_runs_are_kept(drill_db, redis, workers, tmp_path):
    import subprocess
    import sys

    from tests.ops.drillkit import ROOT

    env = tracker_env(drill_db, redis.url)
    changed = last_json(django(env, CHANGED_ENTRIES % str(SDN_2024)))
    assert len(changed) > 1000  # the 2024 list rewrites thousands of the 2021 entries
    pk = enqueue_import(env, path=SDN_2024)  # pending: no worker yet
    # The editor's process is set up (Django loaded, the entries read) before a worker starts the run, so
    # its first edits land while the run runs.
    editor = subprocess.Popen(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + EDITOR % pk],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    editor.stdin.write(json.dumps(changed))
    editor.stdin.close()
    assert editor.stdout.readline().strip() == "ready", editor.stderr.read()[-3000:]
    worker = workers(env)
    stdout = editor.stdout.read()
    editor.wait(timeout=600)
    stderr = editor.stderr.read()
    assert editor.returncode == 0, stderr[-3000:]
    assert finished(drill_db, pk, 300) == "succeeded", describe(drill_db, worker)
    edits = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    # The drill proves something only if edits were made while the run ran, one while its transaction was
    # open (that one waits for the import to commit, then lands on top of it).
    assert sum(edit["running"] for edit in edits) >= 5, edits[:5]
    assert any(edit["during"] for edit in edits), "no edit overlapped the import's transaction"
    waited = max(edit["took"] for edit in edits)
    print(f"{len(edits)} edits, {sum(e['running'] for e in edits)} while the run ran; longest save {waited:.1f}s")

    stored = dict(
        sql(
            drill_db,
            "SELECT source_uid, name FROM designations_designee WHERE source = 'ofac-sdn' AND source_uid = ANY(%s)"
            " AND locked_fields ? 'name'",
            [[edit["uid"] for edit in edits]],
        )
    )
    lost = [edit for edit in edits if stored.get(edit["uid"]) != edit["name"]]
    now = [stored.get(edit["uid"]) for edit in lost[:3]]
    assert not lost, f"{len(lost)} of {len(edits)} edits lost, e.g. {lost[:3]}, now {now}"


# --------------------------------------------------------------------------------------------------
# PostgreSQL restarted mid-import (last: it disconnects every client of the cluster)
# --------------------------------------------------------------------------------------------------
def test_postgresql_restarted_mid_import_the_run_is_retried_and_succeeds(drill_db, redis, workers, expected):
    env = tracker_env(drill_db, redis.url)
    worker = workers(env)
    pk = enqueue_import(env, path=SDN_2024)
    wait_for(lambda: import_is_writing(drill_db), 180, "the import to start writing")
    time.sleep(0.5)
    try:
        restart_postgresql()
    finally:
        ensure_postgresql_up()

    status = finished(drill_db, pk, 400)
    assert status == "succeeded", describe(drill_db, worker)
    run = runs(drill_db)[-1]
    assert any("retrying" in w for w in run["warnings"]), run["warnings"]
    assert_exactly(drill_db, expected, "after the retried run")
