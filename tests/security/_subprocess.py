"""Run Django with a production-like environment in a child process, where settings are read afresh."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# What a deployment must set (README "Running with PostgreSQL, Redis and Celery"); the rest are defaults.
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
}
_OWN_PREFIXES = ("DJANGO_", "DATABASE_URL", "CELERY_", "REDIS_", "API_", "SQLITE_", "IMPORT_")


def strong_secret_key() -> str:
    return secrets.token_urlsafe(50)


def environment(**values: str) -> dict[str, str]:
    """This process's environment without any of the tracker's own variables, plus ``values``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(_OWN_PREFIXES)}
    env.update(values)
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def read_settings(names: list[str], env: dict[str, str]) -> dict:
    """The values of ``names`` in ``tracker.settings`` loaded under ``env`` (JSON-able ones only)."""
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tracker.settings';"
        "from django.conf import settings;"
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def serve(env: dict[str, str]) -> subprocess.CompletedProcess:
    """Load the WSGI application, as gunicorn does before serving, under ``env``."""
    return subprocess.run(
        [sys.executable, "-c", "import tracker.wsgi"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
