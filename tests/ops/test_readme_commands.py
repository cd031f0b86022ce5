"""Every command the README and the docs show works exactly as written, in a new shell, after ``make run``.

A new user copies these lines. The test collects every command of the ``sh`` blocks of ``README.md`` and
``docs/*.md``, and every inline command (a code span starting with ``.venv/bin/``, ``make `` or
``scripts/``), and requires each to be listed in ``PLAN`` below: run here, in order, or left out with the
reason (a Docker engine, a production server, a benchmark of several minutes, CI itself). A command added
to the docs without a line here fails the test.

Commands run with ``bash -c`` in the checkout, in an environment like a new login shell's (``PATH``,
``HOME``, ``LANG``; none of the tracker's variables), after ``make run`` has seeded ``db.sqlite3``. This
changes the checkout's database, so it runs only when asked: ``pytest -m readme`` (CI does, on its clean
clone). Commands that download from OFAC get a loopback server holding the data directory's files
(``IMPORT_OFAC_SDN_URL``): tests never reach the internet.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.datafiles import data_path, requires_data

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
pytestmark = [pytest.mark.readme, requires_data]

CI_RUNS_IT = "CI runs it as a step of its own (.ci/run)"
PRODUCTION = "a step on a production server (root, systemd, /srv, PostgreSQL of its own): see docs/deploy.md"
DOCKER = "needs a Docker engine, which this machine has not (tests/ops/test_deploy_files.py checks the files)"
BENCH = "a benchmark of several minutes, run by hand; its results are in docs/benchmarks.md"


@dataclass(frozen=True)
class Step:
    command: str
    action: str = "run"  # run | serve | superuser | with_server | skip
    reason: str = ""
    loopback: bool = False  # the command downloads from OFAC: serve it the data directory's files


# In the order they run. ``skip`` lines say why they are not run here.
PLAN: list[Step] = [
    Step("make run", "serve"),
    Step(".venv/bin/python manage.py createsuperuser", "superuser"),
    Step(".venv/bin/python manage.py setup_roles"),
    Step(".venv/bin/python manage.py create_api_token admin"),
    Step(".venv/bin/python manage.py load_reference_data"),
    Step(".venv/bin/python manage.py export_ftm --output tracker.ftm.jsonl"),
    Step(".venv/bin/python manage.py import_source ofac-sdn --path ~/Downloads/sdn.csv --as-of 2026-11-27"),
    Step(
        ".venv/bin/python manage.py import_source ofac-sdn --path ../shared/data/ofac/sdn_2024-07-02 --dry-run"
        "   # report, write nothing"
    ),
    Step(
        ".venv/bin/python manage.py import_source ofac-consolidated --path "
        "../shared/data/ofac/consolidated_2025-12-19 --as-of 2025-12-19"
    ),
    Step(
        ".venv/bin/python manage.py import_source ofac-history --path "
        "../shared/data/ofac/history/sdn_presence_intervals_2021-05-22_2024-07-02.csv"
    ),
    Step(".venv/bin/python manage.py import_source state-press --path fixtures/announcements/state"),
    Step(
        ".venv/bin/python manage.py import_source uk-ofsi-conlist-xlsx --path "
        "../shared/data/allied/uk/ofsi-conlist_2025-04-14"
    ),
    Step(".venv/bin/python manage.py resolve_allied_links"),
    Step(".venv/bin/python bench/allies_resolution_eval.py"),
    # Takes the README's screenshots from the tracker ``make run`` serves (started again for it here).
    Step("make screenshots", "with_server"),
    Step(
        ".venv/bin/python manage.py import_source ofac-sdn                     # download OFAC's current SDN CSV set",
        loopback=True,
    ),
    Step("make import SOURCE=ofac-sdn", loopback=True),
    Step(
        ".venv/bin/python manage.py import_source ofac-recent-actions"
        "                 # walk ofac.treasury.gov/recent-actions",
        "skip",
        "walks the live index of ofac.treasury.gov; the same walk over a loopback site is "
        "tests/announcements/test_review.py::test_index_walk_over_loopback",
    ),
    Step("make lint"),
    Step("make test", "skip", CI_RUNS_IT),
    Step("DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker make test", "skip", CI_RUNS_IT),
    Step("make test-worker", "skip", CI_RUNS_IT),
    Step("make drills", "skip", CI_RUNS_IT),
    Step("make backup-drill", "skip", CI_RUNS_IT),
    Step("cp .env.example .env        # set DJANGO_SECRET_KEY", "skip", DOCKER),
    Step("docker compose up -d --build", "skip", DOCKER),
    Step(
        "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker CELERY_BROKER_URL=redis://127.0.0.1:6379/0",
        "skip",
        "the PostgreSQL + Redis setup (a secret key of your own, a server name): CI's PostgreSQL leg and the "
        "fault drills run the same seed, gunicorn and Celery processes",
    ),
    Step("export DJANGO_SECRET_KEY=... DJANGO_ALLOWED_HOSTS=tracker.example.org", "skip", "as above"),
    Step("make seed", "skip", "as above (make run seeds the embedded database first)"),
    Step(".venv/bin/gunicorn tracker.wsgi --workers 4 &", "skip", "as above"),
    Step("make worker & make beat &", "skip", "as above"),
    Step("make bench", "skip", BENCH),
    Step("make load-bench", "skip", BENCH),
    Step(".venv/bin/python bench/import_bench.py", "skip", BENCH),
    Step(".venv/bin/python bench/remarks_coverage.py [path/to/sdn.csv]", "skip", BENCH),
    Step(".venv/bin/python bench/export_bench.py", "skip", BENCH),
    Step(".venv/bin/python bench/api_bench.py --database-url postgres://... [--prepare]", "skip", BENCH),
    Step(".venv/bin/python bench/load_bench.py --database-url postgres://...", "skip", BENCH),
    Step(".venv/bin/python bench/announcements_bench.py --real-only", "skip", BENCH),
    Step(".venv/bin/python bench/screening_cost_bench.py [--repeat 20] [--uncapped]", "skip", BENCH),
    Step(".venv/bin/python bench/allies_bench.py", "skip", BENCH),
    Step(
        ".venv/bin/python bench/read_path_bench.py --database-url "
        "postgres://postgres@127.0.0.1:5432/tracker_bench --prepare",
        "skip",
        BENCH,
    ),
    Step("scripts/backup.sh", "skip", PRODUCTION),
    Step("scripts/restore.sh", "skip", PRODUCTION),
    Step("scripts/backup_drill.sh", "skip", CI_RUNS_IT),
    Step("make install", "skip", "make run installs first (the run above)"),
    Step("make up", "skip", DOCKER),
    Step("make down", "skip", DOCKER),
    Step("make logs", "skip", DOCKER),
]


def documented_commands() -> list[str]:
    """Every command of the docs: ``sh`` block lines (comments and blank lines aside) and inline commands.

    The ``sh`` blocks of ``docs/deploy.md`` are a production server's setup, run as root on that server
    (sudo, systemd, /srv, a PostgreSQL of its own): they are left out, for the reason ``PRODUCTION`` gives;
    its inline commands are kept.
    """
    commands: list[str] = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        if path.name != "deploy.md":
            for block in re.findall(r"```sh\n(.*?)```", text, re.S):
                for line in block.splitlines():
                    if line.strip() and not line.lstrip().startswith("#"):
                        commands.append(line.strip())
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        for span in re.findall(r"`([^`\n]+)`", prose):
            if span.startswith((".venv/bin/", "make ", "scripts/")):
                commands.append(span.strip())
    return list(dict.fromkeys(commands))


def _shell_env(home: Path, **extra: str) -> dict[str, str]:
    """What a new login shell of a user of this machine has: no variable of the tracker's."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    env.update(extra)
    return env


def _run(command: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def ofac_site():
    """OFAC's download folder on loopback: the 2024 ``sdn.csv`` and the December 2025 companion files."""
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"readme-ofac-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    shutil.copy(data_path("ofac", "sdn_2024-07-02", "sdn.csv"), folder / "sdn.csv")
    for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
        shutil.copy(data_path("ofac", "sdn_2025-12-24_partial", name), folder / name)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A new user's home, with a list they downloaded themselves in ~/Downloads."""
    folder = tmp_path_factory.mktemp("home")
    (folder / "Downloads").mkdir()
    shutil.copy(data_path("ofac", "sdn_2024-07-02", "sdn.csv"), folder / "Downloads" / "sdn.csv")
    return folder


def test_every_documented_command_is_planned():
    planned = {step.command for step in PLAN}
    documented = set(documented_commands())
    assert not documented - planned, f"commands in the docs with no line in PLAN: {sorted(documented - planned)}"
    assert not planned - documented, f"PLAN lines no longer in the docs: {sorted(planned - documented)}"
    assert all(step.reason for step in PLAN if step.action == "skip")


def _serve(step: Step, env: dict[str, str]) -> None:
    """Start the command, wait until the tracker answers on 127.0.0.1:8000, then stop it."""
    process = subprocess.Popen(
        ["bash", "-c", step.command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 900
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read().decode(errors="replace")[-3000:]
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/", timeout=5) as response:
                    assert response.status == 200
                    return
            except OSError:
                time.sleep(2)
        pytest.fail(f"{step.command!r} did not serve http://127.0.0.1:8000/ within 15 minutes")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _with_server(step: Step, env: dict[str, str]) -> list[str]:
    """Run the command while the tracker serves on 127.0.0.1:8000 (as after ``make run``, in another shell)."""
    server = subprocess.Popen(
        [".venv/bin/python", "manage.py", "runserver", "127.0.0.1:8000", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8000/healthz", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the tracker did not start on 127.0.0.1:8000"
                time.sleep(1)
        result = _run(step.command, env)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    if result.returncode != 0:
        return [f"$ {step.command}\nexit {result.returncode}\n{(result.stdout + result.stderr)[-2000:]}"]
    return []


def _createsuperuser(step: Step, env: dict[str, str]) -> None:
    """Answer the command's prompts on a terminal, as a person would."""
    import pty

    answers = {
        b"Username": b"admin\n",
        b"Email address": b"admin@example.org\n",
        b"Password (again)": b"a-Long-passphrase-42\n",
        b"Password": b"a-Long-passphrase-42\n",
        b"Bypass password validation": b"n\n",
    }
    pid, fd = pty.fork()
    if pid == 0:  # the child: the user's shell
        os.chdir(ROOT)
        os.execvpe("bash", ["bash", "-c", step.command], env)
    output = b""
    deadline = time.monotonic() + 120
    pending = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        pending += chunk
        # A prompt is answered once the command waits on it: "Username (leave blank to use 'root'): ".
        if not pending.rstrip().endswith(b":"):
            continue
        for prompt, answer in answers.items():
            if prompt in pending.rsplit(b"\n", 1)[-1]:
                os.write(fd, answer)
                pending = b""
                break
    else:
        os.kill(pid, signal.SIGKILL)  # still asking: fail with what it printed, never hang
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, output.decode(errors="replace")
    assert b"Superuser created successfully" in output, output.decode(errors="replace")


def _counts() -> dict[str, int]:
    with sqlite3.connect(ROOT / "db.sqlite3") as db:
        return {
            table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("designations_alias", "designations_address", "designations_designee")
        }


def test_documented_commands_work_as_written(home, ofac_site):
    if (ROOT / "db.sqlite3").exists() and os.environ.get("CI") != "true":
        pytest.skip("db.sqlite3 exists: this test reseeds the checkout's own database; run it on a clean clone")
    failures = []
    for step in PLAN:
        if step.action == "skip":
            continue
        env = _shell_env(home)
        if step.loopback:
            env["IMPORT_OFAC_SDN_URL"] = ofac_site
        if step.action == "serve":
            _serve(step, env)
            continue
        if step.action == "superuser":
            _createsuperuser(step, env)
            continue
        if step.action == "with_server":
            failures.extend(_with_server(step, env))
            continue
        before = _counts()
        result = _run(step.command, env)
        if result.returncode != 0:
            failures.append(f"$ {step.command}\nexit {result.returncode}\n{(result.stdout + result.stderr)[-2000:]}")
            continue
        after = _counts()
        # An import of a list set without alt.csv or add.csv says nothing about aliases or addresses.
        for table in ("designations_alias", "designations_address"):
            if after[table] < before[table] * 0.95:
                failures.append(f"$ {step.command}\n{table} fell from {before[table]} to {after[table]}")
    assert not failures, "\n\n".join(failures)
