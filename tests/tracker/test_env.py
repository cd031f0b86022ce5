"""The typed environment readers in tracker/env.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker.env import env_bool, env_float, env_int, env_list, env_str


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("YES", True), ("off", False), ("", False)])
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG") is expected


def test_env_bool_rejects_nonsense(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean"):
        env_bool("X_FLAG")


def test_defaults_apply_when_unset(monkeypatch):
    monkeypatch.delenv("X_UNSET", raising=False)
    assert env_bool("X_UNSET", default=True) is True
    assert env_int("X_UNSET", 7) == 7
    assert env_float("X_UNSET", 0.5) == 0.5
    assert env_str("X_UNSET", "d") == "d"
    assert env_list("X_UNSET", ["a"]) == ["a"]


def test_env_int_and_float_reject_bad_values(monkeypatch):
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be an integer"):
        env_int("X_NUM", 1)
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a number"):
        env_float("X_NUM", 1.0)


def test_env_list_splits_and_strips(monkeypatch):
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,,")
    assert env_list("X_HOSTS") == ["a.example", "b.example"]


def test_file_variant_reads_secrets_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    monkeypatch.setenv("X_SECRET", "ignored")
    assert env_str("X_SECRET") == "s3cret"


def test_unreadable_file_variant_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="X_SECRET_FILE points at"):
        env_str("X_SECRET")


def _settings_env(**extra):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(extra)
    return env


def _load_settings(env):
    import subprocess
    import sys

    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE']='tracker.settings';"
        "from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'],"
        " settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)


def test_production_without_secret_key_is_a_clear_error():
    result = _load_settings(_settings_env())
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_embedded_default_is_sqlite_with_eager_tasks():
    result = _load_settings(_settings_env(DJANGO_SECRET_KEY="x"))
    assert result.stdout.split() == ["False", "django.db.backends.sqlite3", "True"]


def test_database_url_and_broker_switch_to_postgresql_and_a_real_queue():
    result = _load_settings(
        _settings_env(
            DJANGO_SECRET_KEY="x",
            DATABASE_URL="postgres://u@127.0.0.1:5432/db",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        )
    )
    assert result.stdout.split() == ["False", "django.db.backends.postgresql", "False"]
