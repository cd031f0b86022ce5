"""The deployment files: .env.example documents every setting, compose and Dockerfile hold together.

No Docker engine is needed: the files are parsed, not run.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
SETTINGS_SOURCES = tuple(ROOT / "tracker" / name for name in ("settings.py", "env.py", "datadir.py"))
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_environ(node: ast.AST) -> bool:
    """``os.environ`` or a bare ``environ``."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
        isinstance(node, ast.Name) and node.id == "environ"
    )


def environment_names(source: str) -> set[str]:
    """Every environment variable a settings module reads, by name.

    Reads are calls of the ``env_*`` helpers with a literal name, of any local function that passes its
    first parameter on to such a call (``_throttle_rate("API_ANON_RATE", ...)``), and ``os.environ``
    lookups (``.get``, ``[...]``, ``os.getenv``).
    """
    tree = ast.parse(source)
    readers = {"getenv"}
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    readers |= {function.name for function in functions if function.name.startswith("env_")}
    readers |= {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "tracker.env"
        for alias in node.names
    }
    functions = [function for function in functions if function.args.args]
    grew = True
    while grew:  # wrappers of wrappers
        grew = False
        for function in functions:
            first = function.args.args[0].arg
            if function.name in readers:
                continue
            for call in ast.walk(function):
                if (
                    isinstance(call, ast.Call)
                    and _callee(call) in readers
                    and call.args
                    and isinstance(call.args[0], ast.Name)
                    and call.args[0].id == first
                ):
                    readers.add(function.name)
                    grew = True
                    break
    names = set()
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and node.args:
            is_reader = _callee(node) in readers
            func = node.func
            is_environ_get = isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value)
            if is_reader or is_environ_get:
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and _is_environ(node.value):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and ENV_NAME.match(key.value):
            names.add(key.value)
    return names


def documented_names(text: str) -> set[str]:
    """Names set in an env file, commented out (``# NAME=default``) or not."""
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_the_parser_finds_every_kind_of_read_so_a_missing_line_fails():
    source = """
from tracker.env import env_bool, env_str as read
import os

def _rate(name, default):
    return read(name, default)

def _rate_twice(name):
    return _rate(name, "1/s")

DEBUG = env_bool("X_DEBUG")
KEY = read("X_KEY")
RATE = _rate("X_RATE", "1/s")
OTHER = _rate_twice("X_OTHER")
HOME = os.environ.get("X_HOME")
PATH = os.environ["X_PATH"]
USER = os.getenv("X_USER")
NOT_A_READ = print("X_NOTHING")
"""
    assert environment_names(source) == {"X_DEBUG", "X_KEY", "X_RATE", "X_OTHER", "X_HOME", "X_PATH", "X_USER"}
    assert documented_names("A=1\n# B=2\n#C=\n  # not a setting\nlower=1\n") == {"A", "B", "C"}


def test_env_example_documents_every_setting_the_tracker_reads():
    read = set().union(*(environment_names(path.read_text()) for path in SETTINGS_SOURCES))
    documented = documented_names((ROOT / ".env.example").read_text())

    assert len(read) > 30  # the parser still sees the settings
    missing = sorted(read - documented)
    assert not missing, f".env.example does not document {missing}: add a line with its default and a comment"


def test_env_example_documents_only_settings_something_reads():
    read = set().union(*(environment_names(path.read_text()) for path in SETTINGS_SOURCES))
    compose = (ROOT / "docker-compose.yml").read_text()
    used_by_compose = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    documented = documented_names((ROOT / ".env.example").read_text())

    assert not documented - read - used_by_compose, "stale lines in .env.example"


# --------------------------------------------------------------------------------------------------
# docker-compose.yml and the Dockerfile
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_file_parses_and_runs_every_service(compose):
    assert set(compose["services"]) == {"migrate", "web", "worker", "beat", "postgres", "redis"}


def test_postgres_and_redis_have_health_checks_and_named_volumes(compose):
    services, volumes = compose["services"], compose["volumes"]
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
        mounted = [v.split(":")[0] for v in services[name]["volumes"]]
        assert all(volume in volumes for volume in mounted), (name, mounted)


def test_migrations_run_once_before_web_worker_and_beat(compose):
    services = compose["services"]
    assert "migrate" in services["migrate"]["command"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy", name
    for name in ("web", "worker", "beat"):
        assert "migrate" not in str(services[name]["command"]), name


def test_web_runs_gunicorn_with_workers_from_the_environment_and_a_health_check(compose):
    web = compose["services"]["web"]
    command = web["command"] if isinstance(web["command"], str) else " ".join(web["command"])
    assert "gunicorn" in command and "GUNICORN_WORKERS" in command
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def _gunicorn_option(command: str, option: str) -> str:
    """The value given to ``option`` in a gunicorn command line."""
    words = command.replace("\\\n", " ").split()
    assert option in words, f"{option} missing from: {command}"
    return words[words.index(option) + 1].strip("\"'")


def test_gunicorn_has_a_control_socket_of_its_own_per_instance(compose):
    from gunicorn.config import KNOWN_SETTINGS

    # The option's real name in the pinned gunicorn (its default path is shared by every gunicorn of a user).
    option = next(setting for setting in KNOWN_SETTINGS if setting.name == "control_socket")
    assert "--control-socket" in option.cli
    web = compose["services"]["web"]
    command = web["command"] if isinstance(web["command"], str) else " ".join(web["command"])

    path = _gunicorn_option(command, "--control-socket")

    assert path.startswith("/") and path != option.default
    assert "$${HOSTNAME}" in path  # the container's own name: one socket per web container
    mounted = [volume.split(":")[1] for volume in web.get("volumes", [])]
    assert not any(path.startswith(mount.rstrip("/") + "/") for mount in mounted)  # not on a shared volume


def test_the_systemd_unit_gives_gunicorn_its_own_control_socket():
    unit = (ROOT / "docs" / "deploy.md").read_text().split("# /etc/systemd/system/tracker-web.service")[1]
    unit = unit.split("```")[0]

    path = _gunicorn_option(unit, "--control-socket")

    assert "RuntimeDirectory=tracker-web" in unit
    assert path == "/run/tracker-web/gunicorn.ctl"


def test_services_share_one_definition_and_the_env_file(compose):
    for name in ("migrate", "web", "worker", "beat"):
        service = compose["services"][name]
        assert service["env_file"] == [".env"] or service["env_file"] == ".env", name
        assert "@postgres:5432/" in service["environment"]["DATABASE_URL"], name
        assert "redis://redis:6379/0" in service["environment"]["CELERY_BROKER_URL"], name
        assert "redis://redis:6379/1" in service["environment"]["REDIS_CACHE_URL"], name


def test_dockerfile_collects_static_files_at_build_and_runs_as_a_non_root_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines() if line.strip()]
    run_lines = [line for line in lines if line.startswith("RUN")]
    assert any("collectstatic" in line for line in run_lines)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert (ROOT / ".dockerignore").exists()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "db.sqlite3", "media"} <= set(ignored)
