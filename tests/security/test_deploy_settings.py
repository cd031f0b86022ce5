"""Production settings: `check --deploy` is clean, and HTTPS, cookies and response headers are what it checks.

The settings are read once per process, so each configuration is loaded in a child process.
"""

from __future__ import annotations

import pytest
from django.core.checks import Error
from django.test import Client, override_settings

from tests.security._subprocess import PRODUCTION_ENV, environment, manage, read_settings, strong_secret_key
from tracker.checks import check_shared_cache

SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_CSP",
    "SECURE_CSP_REPORT_ONLY",
    "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE",
]
# A production environment has a cache every web process shares (the check does not connect to it).
SHARED_CACHE = {"REDIS_CACHE_URL": "redis://127.0.0.1:6379/1"}
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def production(**overrides: str) -> dict[str, str]:
    return environment(**{**PRODUCTION_ENV, **SHARED_CACHE, "DJANGO_SECRET_KEY": strong_secret_key(), **overrides})


def test_check_deploy_reports_nothing_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


def test_check_deploy_fails_without_a_shared_cache():
    env = production()
    del env["REDIS_CACHE_URL"]

    result = manage("check", "--deploy", env=env)

    assert result.returncode == 1
    assert "tracker.E001" in result.stderr
    assert "REDIS_CACHE_URL" in result.stderr


@pytest.mark.parametrize(
    "backend, debug, failing",
    [
        ("django.core.cache.backends.locmem.LocMemCache", False, True),
        ("django.core.cache.backends.dummy.DummyCache", False, True),
        ("django.core.cache.backends.filebased.FileBasedCache", False, True),
        ("django.core.cache.backends.redis.RedisCache", False, False),
        ("django.core.cache.backends.db.DatabaseCache", False, False),
        ("django.core.cache.backends.locmem.LocMemCache", True, False),
    ],
)
def test_the_shared_cache_check_refuses_per_process_caches_in_production(backend, debug, failing):
    with override_settings(DEBUG=debug, CACHES={"default": {"BACKEND": backend, "LOCATION": "tracker-check"}}):
        messages = check_shared_cache()

    assert [(type(message), message.id) for message in messages] == ([(Error, "tracker.E001")] if failing else [])


def test_the_shared_cache_check_runs_only_with_deploy():
    from django.core import checks

    with override_settings(DEBUG=False, CACHES=LOCMEM):
        ordinary = checks.run_checks(tags=[checks.Tags.caches])
        deploy = checks.run_checks(tags=[checks.Tags.caches], include_deployment_checks=True)

    assert "tracker.E001" not in [message.id for message in ordinary]
    assert "tracker.E001" in [message.id for message in deploy]


@pytest.mark.parametrize(
    "overrides, check_id",
    [
        ({"DJANGO_SECURE_HSTS_SECONDS": "0"}, "security.W004"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "false"}, "security.W008"),
        ({"DJANGO_SECURE_COOKIES": "false"}, "security.W012"),
        ({"DJANGO_SECRET_KEY": "short"}, "security.W009"),
    ],
)
def test_check_deploy_reports_a_weakened_setting(overrides, check_id):
    result = manage("check", "--deploy", env=production(**overrides))

    assert check_id in result.stdout + result.stderr


def test_check_deploy_without_a_secret_key_reports_the_offline_placeholder():
    env = production()
    del env["DJANGO_SECRET_KEY"]

    result = manage("check", "--deploy", env=env)

    assert "security.W009" in result.stdout + result.stderr


def test_production_defaults_are_https_only_with_strict_headers():
    values = read_settings(SECURITY_SETTINGS, production())

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # X-Forwarded-Proto is trusted only on request
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://tracker.example.org"]
    assert values["SECURE_CSP"]["script-src"] == ["'self'"]
    assert values["SECURE_CSP"]["frame-ancestors"] == ["'none'"]
    assert values["SECURE_CSP_REPORT_ONLY"] == {}


def test_a_sign_in_lasts_eight_hours_and_ends_with_the_browser():
    default = read_settings(SECURITY_SETTINGS, production())
    configured = read_settings(
        SECURITY_SETTINGS,
        production(DJANGO_SESSION_COOKIE_AGE="3600", DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE="false"),
    )

    assert (default["SESSION_COOKIE_AGE"], default["SESSION_EXPIRE_AT_BROWSER_CLOSE"]) == (8 * 60 * 60, True)
    assert (configured["SESSION_COOKIE_AGE"], configured["SESSION_EXPIRE_AT_BROWSER_CLOSE"]) == (3600, False)
    with pytest.raises(RuntimeError, match="DJANGO_SESSION_COOKIE_AGE must be at least 60 seconds"):
        read_settings(SECURITY_SETTINGS, production(DJANGO_SESSION_COOKIE_AGE="0"))


def test_https_settings_follow_the_environment():
    values = read_settings(
        SECURITY_SETTINGS,
        production(
            DJANGO_BEHIND_PROXY="true",
            DJANGO_SECURE_SSL_REDIRECT="false",
            DJANGO_SECURE_HSTS_SECONDS="3600",
            DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
            DJANGO_SECURE_HSTS_PRELOAD="false",
            DJANGO_CSRF_TRUSTED_ORIGINS="https://tracker.example.org,https://www.tracker.example.org",
            DJANGO_CSP_REPORT_ONLY="true",
        ),
    )

    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://tracker.example.org", "https://www.tracker.example.org"]
    assert values["SECURE_CSP"] == {}
    assert values["SECURE_CSP_REPORT_ONLY"]["script-src"] == ["'self'"]


def test_a_tracker_serving_only_loopback_is_not_redirected_to_https():
    env = production(DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost")

    values = read_settings(SECURITY_SETTINGS, env)

    assert values["SECURE_SSL_REDIRECT"] is False  # tests, benchmarks, a local compose: no certificate
    assert values["SESSION_COOKIE_SECURE"] is True


def test_development_turns_the_https_settings_off():
    values = read_settings(SECURITY_SETTINGS, environment(DJANGO_DEBUG="true"))

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False


# --------------------------------------------------------------------------------------------------
# The same settings at work on responses (in this process)
# --------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "img-src 'self' data:" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/designations/?format=json", "/api/nowhere/", "/static/js/charts.js"])
def test_api_errors_and_static_files_carry_the_policy_too(client, path):
    response = client.get(path)

    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_https_responses_carry_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True

    response = Client().get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP


@pytest.mark.django_db
def test_plain_http_is_redirected_except_health_probes(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    client = Client(HTTP_HOST="tracker.example.org")

    page = client.get("/countries/?q=iran")
    probe = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://tracker.example.org/countries/?q=iran"
    assert probe.status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_forwarded_https_is_not_redirected(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    client = Client(HTTP_HOST="tracker.example.org")

    assert client.get("/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert client.get("/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_http_only(client, django_user_model):
    django_user_model.objects.create_user("ada", password="a long passphrase", is_staff=True)

    form = client.get("/admin/login/")
    signed_in = client.post("/admin/login/", {"username": "ada", "password": "a long passphrase"})

    assert form.cookies["csrftoken"]["secure"] is True
    assert signed_in.cookies["sessionid"]["secure"] is True
    assert signed_in.cookies["sessionid"]["httponly"] is True


@pytest.mark.django_db
def test_an_admin_session_expires_after_eight_hours_not_two_weeks(client, django_user_model):
    django_user_model.objects.create_user("ada", password="a long passphrase", is_staff=True)

    signed_in = client.post("/admin/login/", {"username": "ada", "password": "a long passphrase"})

    assert signed_in.status_code == 302
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert signed_in.cookies["sessionid"]["max-age"] == ""  # a browser-session cookie: gone when it closes
