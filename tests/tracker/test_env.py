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


# --- the local environment file (.env.local, written by `make run`) ---------------------------------------
def _settings_in_child(tmp_path, env_file_text: str | None, **env: str) -> dict:
    """``DEBUG`` and the data directory as a new process reads them, with ``TRACKER_ENV_FILE`` at a file."""
    from tests.security._subprocess import environment, read_settings

    values = dict(env)
    if env_file_text is not None:
        path = tmp_path / "local.env"
        path.write_text(env_file_text)
        values["TRACKER_ENV_FILE"] = str(path)
    return read_settings(["DEBUG", "SECRET_KEY"], environment(**values))


def test_a_new_shell_after_make_run_gets_debug_from_the_local_file(tmp_path):
    """Without it, `manage.py createsuperuser` in a new shell fails: DJANGO_SECRET_KEY is not set."""
    assert _settings_in_child(tmp_path, "# written by make run\nDJANGO_DEBUG=true\n")["DEBUG"] is True
    with pytest.raises(RuntimeError, match="DJANGO_SECRET_KEY is not set"):
        _settings_in_child(tmp_path, None, TRACKER_ENV_FILE="")


def test_the_environment_wins_over_the_local_file(tmp_path):
    values = _settings_in_child(
        tmp_path,
        "DJANGO_DEBUG=true\nDJANGO_SECRET_KEY='from-the-file'\n",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 60,
    )
    assert values == {"DEBUG": False, "SECRET_KEY": "x" * 60}


def test_a_line_that_is_not_name_equals_value_is_an_error_naming_the_line(tmp_path):
    from tracker.env import read_env_file

    path = tmp_path / "local.env"
    path.write_text('A=1\n\n# fine\nexport B="two words"\nnot a setting\n')
    with pytest.raises(ImproperlyConfigured, match=r"local.env line 5: expected NAME=value"):
        read_env_file(path)
    path.write_text("A=1\nexport B=\"two words\"\nC='3'\n")
    assert read_env_file(path) == {"A": "1", "B": "two words", "C": "3"}


def test_check_deploy_warns_when_the_local_file_was_read(tmp_path):
    from tests.security._subprocess import PRODUCTION_ENV, environment, manage, strong_secret_key

    path = tmp_path / "local.env"
    path.write_text("DJANGO_SECURE_HSTS_SECONDS=31536000\n")
    env = environment(
        **PRODUCTION_ENV,
        REDIS_CACHE_URL="redis://127.0.0.1:6379/1",
        DJANGO_SECRET_KEY=strong_secret_key(),
        TRACKER_ENV_FILE=str(path),
    )
    result = manage("check", "--deploy", env=env)
    assert "tracker.W002" in result.stderr + result.stdout
    assert str(path) in result.stderr + result.stdout
