"""Typed readers for environment variables.

Only this module and ``tracker/settings.py`` read ``os.environ``. Every helper raises
``ImproperlyConfigured`` on a value it cannot interpret, and accepts ``<NAME>_FILE`` (a path to a
file holding the value) so secrets can come from Docker or Kubernetes secret files.

A variable the environment does not set is looked up in the *local environment file*, ``.env.local`` at
the top of the checkout, which ``make run`` writes for development on one machine (``DJANGO_DEBUG=true``),
so that the README's ``.venv/bin/python manage.py ...`` commands work in any new shell. The environment
always wins over the file. ``TRACKER_ENV_FILE`` names another file, or, set empty, turns the file off (the
tests do). A deployment has no such file (``.dockerignore`` keeps it out of the image), and
``check --deploy`` warns when one was read (``tracker.W002``).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

LOCAL_ENV_FILE = Path(__file__).resolve().parent.parent / ".env.local"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def local_env_path() -> Path | None:
    """The local environment file in use: ``TRACKER_ENV_FILE`` if set (empty: none), else ``.env.local``."""
    configured = os.environ.get("TRACKER_ENV_FILE")
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    return LOCAL_ENV_FILE


def read_env_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines of an environment file; blank lines and ``#`` comments are skipped.

    A value may be wrapped in single or double quotes. Any other line is an error naming the file and line.
    """
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, sep, value = text.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name.replace("_", "").isalnum() or not name[0].isalpha():
            raise ImproperlyConfigured(f"{path} line {number}: expected NAME=value, got {text[:60]!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name] = value
    return values


def _load_local() -> tuple[Path | None, dict[str, str]]:
    path = local_env_path()
    if path is None or not path.is_file():
        return None, {}
    return path, read_env_file(path)


LOCAL_ENV_USED, _LOCAL = _load_local()


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name is None and name not in os.environ:
        file_name = _LOCAL.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {file_name!r}, which cannot be read: {exc}") from exc
    value = os.environ.get(name)
    return _LOCAL.get(name) if value is None else value


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable as a string, or ``default`` when it is unset."""
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    """Return the variable as a boolean (1/0, true/false, yes/no, on/off)."""
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    """Return the variable as an integer."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    """Return the variable as a float."""
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """Return a comma-separated variable as a list of non-empty, stripped items."""
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]
