"""Django settings for the designation tracker.

Configured only by environment variables (see ``.env.example`` and ``tracker/env.py``).
Without ``DATABASE_URL`` the tracker runs on SQLite; without ``CELERY_BROKER_URL`` tasks run eagerly
in-process. https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker.datadir import data_dir
from tracker.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------------------------------
# Core
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
# --------------------------------------------------------------------------------------------------
DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (or DJANGO_SECRET_KEY_FILE) in production. For local "
            "development run `make run` first (it writes .env.local with DJANGO_DEBUG=true), or set DJANGO_DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
# Former keys, comma-separated, still accepted for sessions and signatures while a new key rolls out.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # WhiteNoise serves the static files under runserver too (`make run`), through the middleware below, so
    # they are compressed and carry the same headers as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_results",
    "simple_history",
    "programs",
    "designations",
    "importers",
    "announcements",
    "allies",
    # The deployment's system checks (tracker/checks.py); no models.
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses what the client accepts compressed (HTML, JSON, CSV, and static files under runserver; WhiteNoise
    # serves its own compressed copies in production). Django's own BREACH mitigation pads each response.
    "django.middleware.gzip.GZipMiddleware",
    # Content-Security-Policy on every response, static files included (tracker/security.py).
    "tracker.security.ContentSecurityPolicyMiddleware",
    # 414 for a query string over MAX_QUERY_STRING_BYTES (tracker/security.py).
    "tracker.security.QueryStringLimitMiddleware",
    "tracker.security.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag, Last-Modified and 304 for API reads (tracker/api.py).
    "tracker.api.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Failed sign-ins per username and address (tracker/security.py).
    "tracker.security.LoginRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "designations.context_processors.data_date_context",
            ],
        },
    },
]

# --------------------------------------------------------------------------------------------------
# Database: SQLite by default, PostgreSQL when DATABASE_URL is set
# https://docs.djangoproject.com/en/5.2/ref/databases/
# --------------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait (up to the timeout)
            # instead of failing with "database is locked" half-way through a transaction.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --------------------------------------------------------------------------------------------------
# Internationalisation
# --------------------------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --------------------------------------------------------------------------------------------------
# Static and media files (WhiteNoise serves static files from gunicorn)
# https://whitenoise.readthedocs.io/en/stable/django.html
# --------------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("DJANGO_MANIFEST_STATIC", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --------------------------------------------------------------------------------------------------
# Cache: local memory by default, Redis when REDIS_CACHE_URL is set
# API throttles and sign-in limits count in this cache, so production needs one every web process shares:
# `check --deploy` refuses a per-process one while DEBUG is off (tracker.E001, tracker/checks.py).
# --------------------------------------------------------------------------------------------------
REDIS_CACHE_URL = env_str("REDIS_CACHE_URL")
if REDIS_CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --------------------------------------------------------------------------------------------------
# Sessions: the admin's and the browsable API's sign-in
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/#browser-length-sessions-vs-persistent-sessions
# --------------------------------------------------------------------------------------------------
# A sign-in ends after DJANGO_SESSION_COOKIE_AGE seconds (8 hours, a working day, instead of Django's two
# weeks), and by default when the browser closes; the server forgets the session at the same age either way.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 8 * 60 * 60)
if SESSION_COOKIE_AGE < 60:
    raise ImproperlyConfigured(f"DJANGO_SESSION_COOKIE_AGE must be at least 60 seconds, not {SESSION_COOKIE_AGE}.")
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# --------------------------------------------------------------------------------------------------
# Security: HTTPS, cookies, response headers, Content-Security-Policy, sign-in limits
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# https://docs.djangoproject.com/en/5.2/ref/middleware/#module-django.middleware.security
# `manage.py check --deploy` is clean with DJANGO_DEBUG=false, a strong DJANGO_SECRET_KEY and a public host
# in DJANGO_ALLOWED_HOSTS (tests/security/test_deploy_settings.py).
# --------------------------------------------------------------------------------------------------
# Behind a TLS-terminating proxy that overwrites X-Forwarded-Proto: trust that header, so Django knows the
# browser spoke HTTPS. Without such a proxy the header must not be trusted (a client could claim HTTPS).
if env_bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Plain HTTP is redirected to HTTPS in production once the tracker answers to a public host name. A tracker
# answering only on loopback (tests, benchmarks, a local docker compose) has no certificate to send anyone
# to, so it is not redirected. Set DJANGO_SECURE_SSL_REDIRECT=false when the proxy redirects by itself.
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "testserver"}
SECURE_SSL_REDIRECT = env_bool(
    "DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG and not set(ALLOWED_HOSTS) <= _LOOPBACK_HOSTS
)
# Probes on the container's own port speak plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HSTS (sent on HTTPS responses only): browsers refuse plain HTTP to the site, and with the default
# includeSubDomains to its subdomains, for a year. The preload flag only allows the domain's owner to submit
# it to the browsers' built-in list (hstspreload.org); set DJANGO_SECURE_HSTS_PRELOAD=false to withhold that.
# Start a first deployment with a short DJANGO_SECURE_HSTS_SECONDS (e.g. 3600) if HTTPS is not yet certain.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (tracker.security.ContentSecurityPolicyMiddleware; Django 6.0's names and format).
# Scripts and styles come only from our own static files: no inline script, handler or style anywhere (DRF's
# browsable API pages alone also allow inline styles). The API docs start Swagger UI from static/js/.
# DJANGO_CSP_REPORT_ONLY=true sends the same policy as Content-Security-Policy-Report-Only instead.
_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
_CSP_REPORT_ONLY = env_bool("DJANGO_CSP_REPORT_ONLY", default=False)
SECURE_CSP = {} if _CSP_REPORT_ONLY else _CSP
SECURE_CSP_REPORT_ONLY = _CSP if _CSP_REPORT_ONLY else {}
# Sign-in rate limit (tracker.security.LoginRateLimitMiddleware): after LOGIN_FAILURE_LIMIT failures of one
# username from one address, or LOGIN_FAILURE_LIMIT_PER_ADDRESS failures from one address, sign-ins from it
# get 429 until LOGIN_FAILURE_WINDOW seconds have passed since the first failure. Counts live in the default
# cache: set REDIS_CACHE_URL when running more than one web process, or each process counts alone.
LOGIN_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_int("DJANGO_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 50)
LOGIN_FAILURE_WINDOW = env_int("DJANGO_LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_RATE_LIMITED_VIEWS = ["admin:login", "rest_framework:login"]
# Longest query string served (tracker.security.QueryStringLimitMiddleware): far above any URL the pages build,
# far below SQLite's 50 KB limit on a LIKE pattern. (gunicorn's own request line stops at 4 KB by default.)
MAX_QUERY_STRING_BYTES = env_int("DJANGO_MAX_QUERY_STRING_BYTES", 16 * 1024)

# --------------------------------------------------------------------------------------------------
# Django REST framework and the OpenAPI schema
# https://www.django-rest-framework.org/api-guide/settings/
# --------------------------------------------------------------------------------------------------


def _throttle_rate(name: str, default: str) -> str | None:
    """A DRF rate such as ``120/min``; ``off`` (or ``none``) lifts the limit, e.g. for a load test."""
    value = (env_str(name, default) or "").strip()
    if value.lower() in ("", "off", "none"):
        return None
    if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must look like 120/min (or be off), not {value!r}.")
    return value


# Reads are public, at API_ANON_RATE per client address; token (or session) users get API_USER_RATE.
# Counts live in the default cache, which is Redis in production, so every web worker shares them.
API_ANON_RATE = _throttle_rate("API_ANON_RATE", "120/min")
API_USER_RATE = _throttle_rate("API_USER_RATE", "1200/min")
# Name screening (/api/match/) is also throttled by size: each name screened counts one, so a batch of 100
# counts 100 (designations.api.match.ScreeningRateThrottle), per client address or per user.
API_MATCH_ANON_RATE = _throttle_rate("API_MATCH_ANON_RATE", "600/min")
API_MATCH_USER_RATE = _throttle_rate("API_MATCH_USER_RATE", "6000/min")
# What one screening request may ask for: no threshold below MATCH_MIN_THRESHOLD (under it nearly every list name
# sharing a common word with the query matches), at most MATCH_MAX_TOKENS_PER_NAME words in a name (the longest
# list name has 26) and MATCH_MAX_TOKENS_PER_BATCH in a batch (100 names of 10 words, the list's 99th percentile;
# its names average 3.4). A request that goes past MATCH_COST_BUDGET cost units (designations.matching.ScreeningCost,
# about a microsecond of matching each: an ordinary batch of 100 names costs about 130,000) or
# MATCH_TIME_BUDGET_SECONDS stops there and is answered 413, well before a web worker's timeout (gunicorn's is 30 s).
MATCH_MIN_THRESHOLD = env_float("MATCH_MIN_THRESHOLD", 0.5)
MATCH_MAX_TOKENS_PER_NAME = env_int("MATCH_MAX_TOKENS_PER_NAME", 30)
MATCH_MAX_TOKENS_PER_BATCH = env_int("MATCH_MAX_TOKENS_PER_BATCH", 1000)
MATCH_COST_BUDGET = env_int("MATCH_COST_BUDGET", 2_000_000)
MATCH_TIME_BUDGET_SECONDS = env_float("MATCH_TIME_BUDGET_SECONDS", 5.0)
# Proxies in front of the tracker that append to X-Forwarded-For: 0 trusts only the socket's address.
API_NUM_PROXIES = env_int("API_NUM_PROXIES", 1 if env_bool("DJANGO_BEHIND_PROXY", default=False) else 0)
# Seconds rendered API reads stay in the cache (tracker/response_cache.py); any change to the data makes
# them unreachable at once, so this only bounds memory. 0 (the default) turns the response cache off: reads
# go through selectors and cost a few milliseconds (docs/benchmarks.md, bench/read_path_bench.py).
API_RESPONSE_CACHE_SECONDS = env_int("API_RESPONSE_CACHE_SECONDS", 0)
# Seconds a web process trusts its last reading of the data's version (tracker/dataversion.py), which keys
# the caches and the name index and gives the API's Last-Modified. Writes through the ORM are seen at once
# (with Redis as the cache, by every process); others (another process with a per-process cache, SQL by
# hand) within this long. 0: read it on every request.
API_FINGERPRINT_SECONDS = env_float("API_FINGERPRINT_SECONDS", 1.0)
# Seconds a rendered public page (home, countries, programs, authorities, designees) stays in the cache,
# keyed like the API's answers by the data's fingerprint. 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# After each successful import task, render the home, list and human-rights program pages and this many of
# the largest country pages, so their first reader after the import does not wait (-1: no warming).
PAGE_WARM_COUNTRIES = env_int("PAGE_WARM_COUNTRIES", 10)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Session first: an anonymous or badly authenticated write is a 403, as before tokens existed (the
        # first class decides; Token first would make it a 401 with WWW-Authenticate: Token).
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.ReadOnlyOrModelPermissions"],
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.AnonRateThrottle", "tracker.api.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": API_ANON_RATE,
        "user": API_USER_RATE,
        "match_anon": API_MATCH_ANON_RATE,
        "match_user": API_MATCH_USER_RATE,
    },
    "NUM_PROXIES": API_NUM_PROXIES,
    "DEFAULT_FILTER_BACKENDS": [
        # First: an unknown parameter is refused before any filter runs.
        "tracker.api.StrictQueryParametersFilter",
        "django_filters.rest_framework.DjangoFilterBackend",
        "tracker.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "tracker.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "tracker.api.ContentNegotiation",
    "EXCEPTION_HANDLER": "tracker.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "tracker.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "tracker.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sanctions designation tracker API",
    "DESCRIPTION": (
        "US sanctioning authorities, programs, designees and their designations, imported from "
        "OFAC's lists. Reading is public."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar: no CDN request at all.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The same choices appear on several serializers; one enum name each keeps the schema warning-free.
    "ENUM_NAME_OVERRIDES": {
        "AgencyEnum": "programs.models.Agency",
        "DatePrecisionEnum": "designations.models.DatePrecision",
        "DesigneeKindEnum": "designations.models.Designee.Kind",
        "DesignationStatusEnum": "designations.models.Designation.Status",
        "SourceDocumentKindEnum": "designations.models.SourceDocument.Kind",
        "AllyEnum": "allies.coordination.ALLIES",
    },
}

# --------------------------------------------------------------------------------------------------
# Celery: eager in-process without CELERY_BROKER_URL
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
# --------------------------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or "memory://"
CELERY_TASK_ALWAYS_EAGER = env_str("CELERY_BROKER_URL") is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
# A task is acknowledged when it ends, not when it starts: if its worker dies (SIGKILL, OOM, power loss), the
# broker hands it to another worker, and importers.services resumes the interrupted import run.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Seconds before Redis gives an unacknowledged task to another worker. Above the task time limit (and
    # the longest retry countdown), or a slow task still running would be handed out a second time.
    "visibility_timeout": env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", 60 * 60),
    # Queueing a task fails in seconds, not minutes, when the broker's host does not answer.
    "socket_connect_timeout": 5,
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "import-ofac-sdn-daily": {
        "task": "importers.tasks.run_scheduled_import",
        "schedule": env_int("IMPORT_SDN_INTERVAL_SECONDS", 24 * 60 * 60),
        "args": ["ofac-sdn"],
    },
    "import-ofac-consolidated-daily": {
        "task": "importers.tasks.run_scheduled_import",
        "schedule": env_int("IMPORT_CONSOLIDATED_INTERVAL_SECONDS", 24 * 60 * 60),
        "args": ["ofac-consolidated"],
    },
    # Announcements: each run walks the index pages down to the first page already recorded.
    "import-ofac-recent-actions": {
        "task": "importers.tasks.run_scheduled_import",
        "schedule": env_int("IMPORT_ANNOUNCEMENTS_INTERVAL_SECONDS", 6 * 60 * 60),
        "args": ["ofac-recent-actions"],
    },
    "import-treasury-press": {
        "task": "importers.tasks.run_scheduled_import",
        "schedule": env_int("IMPORT_ANNOUNCEMENTS_INTERVAL_SECONDS", 6 * 60 * 60),
        "args": ["treasury-press"],
    },
    "import-state-press": {
        "task": "importers.tasks.run_scheduled_import",
        "schedule": env_int("IMPORT_ANNOUNCEMENTS_INTERVAL_SECONDS", 6 * 60 * 60),
        "args": ["state-press"],
    },
}
# The allied lists, weekly by default (0 turns it off); each run that commits resolves the allied links again.
ALLIED_SCHEDULED_SOURCES = ("uk-sanctions-list-xml", "eu-fsf-xml", "ca-sema-lmes-xml", "au-dfat-consolidated-xlsx")
IMPORT_ALLIED_INTERVAL_SECONDS = env_int("IMPORT_ALLIED_INTERVAL_SECONDS", 7 * 24 * 60 * 60)
if IMPORT_ALLIED_INTERVAL_SECONDS > 0:
    for _source in ALLIED_SCHEDULED_SOURCES:
        CELERY_BEAT_SCHEDULE[f"import-{_source}"] = {
            "task": "importers.tasks.run_scheduled_import",
            "schedule": IMPORT_ALLIED_INTERVAL_SECONDS,
            "args": [_source],
        }

# --------------------------------------------------------------------------------------------------
# Imports
# --------------------------------------------------------------------------------------------------
# Share of active designations of a source that one complete snapshot may delist before the run is
# refused as a probable truncated or wrong download.
IMPORT_MAX_DELIST_SHARE = env_float("IMPORT_MAX_DELIST_SHARE", 0.05)
# The most designations one run may delist, whatever the share: beyond it the run is refused unless a person
# approves that many (import_source --approve-delistings N).
IMPORT_MAX_DELIST_COUNT = env_int("IMPORT_MAX_DELIST_COUNT", 500)
# A run that would delist more than this many designations publishes nothing and waits for an editor to
# confirm or reject it in the admin (status needs_review).
IMPORT_REVIEW_DELIST_COUNT = env_int("IMPORT_REVIEW_DELIST_COUNT", 50)
IMPORT_HTTP_TIMEOUT = env_float("IMPORT_HTTP_TIMEOUT", 60.0)
IMPORT_USER_AGENT = env_str(
    "IMPORT_USER_AGENT", "sanctions-designation-tracker/1.0 (+https://github.com/; open-source sanctions tracker)"
)
# The folder of real source files the seed and the tests read (OFAC's lists and their history, saved pages,
# allied lists; each folder's PROVENANCE.md says what it is). They are third-party files, not part of this
# repository: TRACKER_DATA_DIR, else ../shared/data beside the checkout when it exists (tracker/datadir.py),
# else None, and the seed downloads OFAC's current lists instead.
TRACKER_DATA_DIR = data_dir()
IMPORT_SOURCE_URLS = {
    "ofac-sdn": env_str("IMPORT_OFAC_SDN_URL", "https://www.treasury.gov/ofac/downloads/"),
    "ofac-consolidated": env_str(
        "IMPORT_OFAC_CONSOLIDATED_URL", "https://www.treasury.gov/ofac/downloads/consolidated/"
    ),
    "ofac-sdn-xml": env_str("IMPORT_OFAC_SDN_XML_URL", "https://www.treasury.gov/ofac/downloads/sdn.xml"),
    "ofac-sdn-advanced": env_str(
        "IMPORT_OFAC_SDN_ADVANCED_URL", "https://www.treasury.gov/ofac/downloads/sanctions/1.0/sdn_advanced.xml"
    ),
    # Announcements: the first index page (the walk follows its "next" links).
    "ofac-recent-actions": env_str("IMPORT_OFAC_RECENT_ACTIONS_URL", "https://ofac.treasury.gov/recent-actions"),
    "treasury-press": env_str("IMPORT_TREASURY_PRESS_URL", "https://ofac.treasury.gov/press-releases"),
    "state-press": env_str("IMPORT_STATE_PRESS_URL", "https://www.state.gov/press-releases/"),
    # Allied lists, in their publishers' own formats (allies/adapters.py). OFSI's Consolidated List is kept for
    # files a user holds; the UK Sanctions List (FCDO) is the one the schedule reads for the UK.
    "uk-sanctions-list-xml": env_str(
        "IMPORT_UK_SANCTIONS_LIST_URL", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"
    ),
    "uk-sanctions-list-csv": env_str(
        "IMPORT_UK_SANCTIONS_LIST_CSV_URL", "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv"
    ),
    "uk-ofsi-conlist-xlsx": env_str(
        "IMPORT_UK_OFSI_CONLIST_URL", "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx"
    ),
    "eu-fsf-xml": env_str(
        "IMPORT_EU_FSF_URL",
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
    ),
    "ca-sema-lmes-xml": env_str(
        "IMPORT_CA_SEMA_LMES_URL",
        "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-"
        "relations_internationales/sanctions/sema-lmes.xml",
    ),
    "au-dfat-consolidated-xlsx": env_str(
        "IMPORT_AU_DFAT_URL", "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx"
    ),
}

# --------------------------------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------------------------------
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
# plain: one readable line per record; json: one JSON object per line for log shippers. Both carry the
# request id, Celery task and import run a record belongs to (tracker/logs.py).
LOG_FORMAT = (env_str("LOG_FORMAT", "plain") or "plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "tracker.logs.ContextFilter"}},
    "formatters": {
        "plain": {"()": "tracker.logs.PlainFormatter"},
        "json": {"()": "tracker.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
