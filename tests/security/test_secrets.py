"""Secrets come only from the environment or from files named by ``<NAME>_FILE`` (Docker and Kubernetes secrets)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.security._subprocess import PRODUCTION_ENV, ROOT, environment, read_settings, serve, strong_secret_key


def _secret_file(tmp_path: Path, name: str, value: str) -> str:
    path = tmp_path / name
    path.write_text(value + "\n")  # secret files usually end with a newline, which is not part of the secret
    path.chmod(0o600)
    return str(path)


def test_secret_key_and_former_keys_are_read_from_files(tmp_path):
    key, former = strong_secret_key(), strong_secret_key()
    env = environment(
        **PRODUCTION_ENV,
        DJANGO_SECRET_KEY_FILE=_secret_file(tmp_path, "key", key),
        DJANGO_SECRET_KEY_FALLBACKS_FILE=_secret_file(tmp_path, "former", former),
    )

    values = read_settings(["SECRET_KEY", "SECRET_KEY_FALLBACKS"], env)

    assert values == {"SECRET_KEY": key, "SECRET_KEY_FALLBACKS": [former]}


def test_service_urls_with_passwords_are_read_from_files(tmp_path):
    env = environment(
        **PRODUCTION_ENV,
        DJANGO_SECRET_KEY=strong_secret_key(),
        DATABASE_URL_FILE=_secret_file(tmp_path, "db", "postgres://tracker:pg-s3cret@db.internal:5432/tracker"),
        CELERY_BROKER_URL_FILE=_secret_file(tmp_path, "broker", "redis://:broker-s3cret@redis.internal:6379/0"),
        REDIS_CACHE_URL_FILE=_secret_file(tmp_path, "cache", "redis://:cache-s3cret@redis.internal:6379/1"),
    )

    values = read_settings(["DATABASES", "CELERY_BROKER_URL", "CACHES"], env)

    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["HOST"], database["PASSWORD"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        "pg-s3cret",
    )
    assert values["CELERY_BROKER_URL"] == "redis://:broker-s3cret@redis.internal:6379/0"
    assert values["CACHES"]["default"]["LOCATION"] == "redis://:cache-s3cret@redis.internal:6379/1"


@pytest.mark.parametrize("content", ["", "   "])
def test_an_empty_secret_key_file_is_refused_in_production(tmp_path, content):
    path = tmp_path / "key"
    path.write_text(content)
    env = environment(**PRODUCTION_ENV, DJANGO_SECRET_KEY_FILE=str(path))

    result = serve(env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_missing_secret_file_is_a_clear_error_not_a_default(tmp_path):
    env = environment(**PRODUCTION_ENV, DJANGO_SECRET_KEY_FILE=str(tmp_path / "absent"))

    result = serve(env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY_FILE points at" in result.stderr


def test_production_never_falls_back_to_the_development_key():
    env = environment(**PRODUCTION_ENV)

    result = serve(env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def _environment_reads(tree: ast.AST) -> list[ast.AST]:
    """``os.environ``, ``os.getenv`` and ``os.environ.get`` expressions in a module."""
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "os":
            if node.attr in {"environ", "getenv", "environb"}:
                reads.append(node)
    return reads


def _is_settings_module_default(source: str, node: ast.AST) -> bool:
    line = source.splitlines()[node.lineno - 1]
    return 'os.environ.setdefault("DJANGO_SETTINGS_MODULE"' in line


def test_only_the_environment_readers_read_the_environment():
    """Settings (and so secrets) are read in one place, ``tracker/env.py``, which knows ``<NAME>_FILE``."""
    allowed = {ROOT / "tracker" / "env.py", ROOT / "manage.py"}  # manage.py: the offline-commands placeholder
    skipped = {"tests", "bench", ".venv", "node_modules", "staticfiles", "media"}
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if skipped & set(path.relative_to(ROOT).parts) or path in allowed:
            continue
        source = path.read_text(encoding="utf-8")
        for node in _environment_reads(ast.parse(source)):
            if not _is_settings_module_default(source, node):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")

    assert offenders == []
