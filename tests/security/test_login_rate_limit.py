"""Failed sign-ins are limited per username and client address, and per address (tracker/security.py)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "the right passphrase"


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 50
    settings.LOGIN_FAILURE_WINDOW = 15 * 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True)


def sign_in(client, username: str, password: str, address: str = "203.0.113.7", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def fail(client, times: int, username: str = "ada", address: str = "203.0.113.7", **headers) -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong guess", address, **headers)
        assert response.status_code == 200  # the form again, with its error
        assert "_auth_user_id" not in client.session


def test_right_password_after_four_failures_signs_in(client, editor):
    fail(client, 4)

    response = sign_in(client, "ada", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_after_five_failures_even_the_right_password_gets_429(client, editor):
    fail(client, 5)

    response = sign_in(client, "ada", PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Too many failed sign-ins" in response.content.decode()
    assert "try again in 15 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_login_page_itself_still_opens_during_a_lockout(client, editor):
    fail(client, 5)

    assert client.get(LOGIN, REMOTE_ADDR="203.0.113.7").status_code == 200


def test_spellings_of_one_username_share_a_count(client, editor):
    for username in ("ada", "ADA", " Ada", "ada ", "aDa"):
        sign_in(client, username, "wrong guess")

    assert sign_in(client, "ada", PASSWORD).status_code == 429


def test_a_lockout_holds_for_one_username_and_one_address_only(client, editor):
    User.objects.create_user("grace", password=PASSWORD, is_staff=True)
    fail(client, 5)

    assert sign_in(client, "grace", PASSWORD).status_code == 302  # another account from the same address
    client.logout()
    assert sign_in(client, "ada", PASSWORD, address="198.51.100.20").status_code == 302  # the real user elsewhere


def test_one_address_trying_many_usernames_is_locked_out(client, editor, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 8
    for index in range(8):
        sign_in(client, f"user{index}", "wrong guess")

    assert sign_in(client, "ada", PASSWORD).status_code == 429
    assert sign_in(client, "ada", PASSWORD, address="198.51.100.20").status_code == 302


def test_a_success_clears_the_username_count(client, editor):
    fail(client, 4)
    assert sign_in(client, "ada", PASSWORD).status_code == 302
    client.logout()

    fail(client, 4)

    assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_the_lockout_ends_when_the_window_has_passed(client, editor, monkeypatch, settings):
    # The clock is moved in the in-process cache (a Redis key's expiry cannot be made to pass).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "lockout-window-test"}
    }
    fail(client, 5)
    assert sign_in(client, "ada", PASSWORD).status_code == 429

    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)

    assert sign_in(client, "ada", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(client, editor):
    for index in range(5):
        sign_in(client, "ada", "wrong guess", HTTP_X_FORWARDED_FOR=f"192.0.2.{index}")

    response = sign_in(client, "ada", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_client_address_is_counted(client, editor, settings):
    settings.API_NUM_PROXIES = 1
    proxy = "10.0.0.2"
    fail(client, 5, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")

    locked = sign_in(client, "ada", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other_client = sign_in(client, "ada", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert locked.status_code == 429
    assert other_client.status_code == 302


def test_a_huge_username_is_counted_without_error(client, editor):
    for _ in range(5):
        assert sign_in(client, "x" * 100_000, "wrong guess").status_code == 200

    assert sign_in(client, "x" * 100_000, "wrong guess").status_code == 429


def test_a_lockout_is_logged_once_for_operators(client, editor, caplog):
    with caplog.at_level("WARNING", logger="tracker.security"):
        fail(client, 5)
        assert sign_in(client, "ada", "wrong guess").status_code == 429

    warnings = [record for record in caplog.records if record.name == "tracker.security"]
    assert len(warnings) == 1
    assert "203.0.113.7" in warnings[0].getMessage()
