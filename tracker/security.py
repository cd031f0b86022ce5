"""Site-wide protections Django does not ship: a Content-Security-Policy header, a bound on the query string
and login rate limiting.

All are middleware switched on in ``tracker/settings.py`` (``MIDDLEWARE``) and configured there:

- ``ContentSecurityPolicyMiddleware`` sends ``SECURE_CSP`` (and ``SECURE_CSP_REPORT_ONLY``) on every
  response. The names and the dict format are those of Django 6.0's built-in CSP, so moving to it later is a
  matter of deleting this class. No page needs ``'unsafe-inline'`` scripts: page scripts are files under
  ``static/js/`` that read their data from ``data-`` attributes or ``<script type="application/json">``.
- ``QueryStringLimitMiddleware`` answers ``414 URI Too Long`` to a query string over ``MAX_QUERY_STRING_BYTES``
  (16 KB), as gunicorn and nginx do with a long request line, so no view ever sees a 100 KB search term
  (SQLite refuses a LIKE pattern over 50 KB with an error; any database spends time on one).
- ``LoginRateLimitMiddleware`` refuses a sign-in with ``429 Too Many Requests`` once a username has failed
  ``LOGIN_FAILURE_LIMIT`` times from one client address (or the address has failed
  ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` times, whatever the usernames) within ``LOGIN_FAILURE_WINDOW`` seconds.
  Failures are counted in the default cache, which is Redis in production, so every web worker shares them.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)

CSP_HEADER = "Content-Security-Policy"
CSP_REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


# --------------------------------------------------------------------------------------------------
# Content-Security-Policy
# https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CSP
# --------------------------------------------------------------------------------------------------
def build_policy(directives: Mapping[str, Sequence[str] | bool]) -> str:
    """Render ``{"default-src": ["'self'"], "upgrade-insecure-requests": True}`` as a header value.

    A directive whose value is ``True`` is written bare; ``False``, ``None`` or an empty list leaves it out.
    """
    parts = []
    for name, sources in directives.items():
        if sources is True:
            parts.append(name)
        elif sources:
            parts.append(" ".join([name, *sources]))
    return "; ".join(parts)


def _with_inline_styles(directives: Mapping[str, Sequence[str] | bool]) -> dict[str, Sequence[str] | bool]:
    if not directives:
        return {}
    styles = directives.get("style-src") or directives.get("default-src") or []
    return {**directives, "style-src": [*styles, "'unsafe-inline'"]}


class ContentSecurityPolicyMiddleware:
    """Add the site's Content-Security-Policy to every response that does not already carry one.

    Placed right after ``SecurityMiddleware``, so static files (WhiteNoise), API responses and error pages
    get it too: a JSON or SVG response opened in a browser can then run no script either. A view that needs
    another policy sets the header itself, and this middleware leaves it alone.

    One exception, for styles only: the HTML pages of DRF's browsable API (``?format=api``, or an API URL
    opened in a browser) carry DRF's inline ``style`` attributes and Pygments' ``<style>``, so they also get
    ``style-src 'unsafe-inline'``. Their scripts stay as strict as everywhere else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        enforced = getattr(settings, "SECURE_CSP", {})
        report_only = getattr(settings, "SECURE_CSP_REPORT_ONLY", {})
        self.headers = {CSP_HEADER: build_policy(enforced), CSP_REPORT_ONLY_HEADER: build_policy(report_only)}
        self.browsable_api_headers = {
            CSP_HEADER: build_policy(_with_inline_styles(enforced)),
            CSP_REPORT_ONLY_HEADER: build_policy(_with_inline_styles(report_only)),
        }

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        renderer = getattr(response, "accepted_renderer", None)
        headers = self.browsable_api_headers if getattr(renderer, "format", None) == "api" else self.headers
        for header, policy in headers.items():
            if policy and header not in response:
                response[header] = policy
        return response


# --------------------------------------------------------------------------------------------------
# Query string length
# --------------------------------------------------------------------------------------------------
class QueryStringLimitMiddleware:
    """Refuse a request whose query string is longer than ``MAX_QUERY_STRING_BYTES`` with 414 URI Too Long.

    The bound holds whatever server is in front (``runserver`` has none) and whatever a view does with its
    parameters. Bodies are bounded by Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.MAX_QUERY_STRING_BYTES
        if len(request.META.get("QUERY_STRING", "")) > limit:
            return HttpResponse(
                f"The query string is longer than {limit} bytes.\n", status=414, content_type="text/plain"
            )
        return self.get_response(request)


class NulCharacterMiddleware:
    """Refuse a NUL character in the path or a query parameter before any view sees it.

    No name, code or date the tracker knows holds one, and PostgreSQL refuses NUL in text values, so a
    view filtering on it would fail with a server error. A parameter holding one is a 400 naming it (JSON
    under the API, as its other parameter errors); a path holding one names nothing: 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if "\x00" in request.path:
            if api:
                return JsonResponse({"detail": "Not found."}, status=404)
            return HttpResponse("Not found.\n", status=404, content_type="text/plain")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                message = "NUL characters are not allowed."
                if api:
                    return JsonResponse({name.replace("\x00", ""): [message]}, status=400)
                return HttpResponse(f"{message}\n", status=400, content_type="text/plain")
        return self.get_response(request)


# --------------------------------------------------------------------------------------------------
# Login rate limiting
# --------------------------------------------------------------------------------------------------
def client_address(request: HttpRequest) -> str:
    """The client's address, trusting as many ``X-Forwarded-For`` hops as there are proxies we run.

    The same rule as the API throttles (DRF's ``NUM_PROXIES``, set from ``API_NUM_PROXIES``): with no proxy
    the socket's address counts, since a client can write any ``X-Forwarded-For`` it likes.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "API_NUM_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    return hops[-min(proxies, len(hops))] or remote


def _normalised_username(username: object) -> str:
    # Case-folded and bounded: "Admin" and "admin " count as one target, and a 100 KB username costs a hash.
    return str(username or "")[:300].strip().casefold()


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return f"login-failures:{digest}"


def _failure_keys(username: str, address: str) -> tuple[str, str]:
    """Cache keys counting failures of this username from this address, and of this address overall."""
    return _key("user", _normalised_username(username), address), _key("address", address)


def _increment(key: str, window: int) -> int:
    # The window starts at the first failure (add() only writes a missing key); incr() keeps its expiry.
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def login_failure_record(*, request: HttpRequest, username: str) -> None:
    """Count one failed sign-in of ``username`` from the request's address."""
    address = client_address(request)
    window = settings.LOGIN_FAILURE_WINDOW
    user_key, address_key = _failure_keys(username, address)
    failures = _increment(user_key, window)
    address_failures = _increment(address_key, window)
    # Once per lockout: someone is guessing (or has forgotten a password) and an operator may want to know.
    if failures == settings.LOGIN_FAILURE_LIMIT:
        logger.warning("Sign-in locked for %s s after %s failures from %s", window, failures, address)
    if address_failures == settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
        logger.warning(
            "Sign-in locked for %s s after %s failures of any account from %s", window, address_failures, address
        )


def login_failures_clear(*, request: HttpRequest, username: str) -> None:
    """Forget this username's failures from this address after it signed in (the address count stays)."""
    user_key, _ = _failure_keys(username, client_address(request))
    cache.delete(user_key)


def login_is_locked(*, request: HttpRequest, username: str) -> bool:
    """Whether this username (from this address), or this address, has used up its failed sign-ins."""
    user_key, address_key = _failure_keys(username, client_address(request))
    counts = cache.get_many([user_key, address_key])
    return counts.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT or (
        counts.get(address_key, 0) >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    )


def _on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None:  # a failure outside a request (a management command) limits nothing
        login_failure_record(request=request, username=credentials.get(get_user_model().USERNAME_FIELD, ""))


def _on_logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None:
        login_failures_clear(request=request, username=user.get_username())


class LoginRateLimitMiddleware:
    """Refuse a sign-in POST to a view in ``LOGIN_RATE_LIMITED_VIEWS`` while its username or address is locked.

    Failures are counted from Django's ``user_login_failed`` signal, so any form that signs in through
    ``django.contrib.auth.authenticate`` counts; the check runs before the view, so during a lockout even the
    right password is refused (otherwise guessing would go on, and the 200 would tell the guesser it won).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.views = set(settings.LOGIN_RATE_LIMITED_VIEWS)
        # The receivers live with the middleware: counting without the check (or the reverse) would be useless.
        user_login_failed.connect(_on_login_failed, dispatch_uid="tracker.security.login_failed")
        user_logged_in.connect(_on_logged_in, dispatch_uid="tracker.security.logged_in")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.method != "POST" or request.resolver_match is None:
            return None
        if request.resolver_match.view_name not in self.views:
            return None
        username = request.POST.get(get_user_model().USERNAME_FIELD, "")
        if not login_is_locked(request=request, username=username):
            return None
        from django.contrib import admin  # the page is the admin's sign-in page, locked

        minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
        context = {**admin.site.each_context(request), "title": "Too many failed sign-ins", "minutes": minutes}
        response = TemplateResponse(request, "security/login_locked.html", context, status=429)
        response["Retry-After"] = str(settings.LOGIN_FAILURE_WINDOW)
        return response
