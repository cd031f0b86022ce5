"""Log records for operators: plain text or JSON lines, tagged with what they belong to.

``LOG_FORMAT=json`` makes every process (gunicorn, Celery worker and beat, management commands) write one
JSON object per line, which log shippers index without parsing rules. Either format carries the context
of the record: the request id of a web request, the Celery task, the import run and its source.

The context lives in a ``ContextVar``, set with ``log_context()`` (import runs, tasks) and, for web
requests, by receivers of Django's ``request_started``/``request_finished`` signals. Signals rather than
a middleware: they fire around the whole request, middleware included, and need no entry in MIDDLEWARE.
"""

from __future__ import annotations

import datetime
import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from django.core.signals import request_finished, request_started

_context: ContextVar[dict[str, Any]] = ContextVar("tracker_log_context", default={})  # noqa: B039 (never mutated)

# Attributes every LogRecord has; anything else on a record came from ``extra=`` or the context.
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

# A request id taken from the X-Request-ID header of a proxy in front, when it looks like one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def bind(**fields: Any) -> Token:
    """Add ``fields`` to the context of every record logged from here on; ``unbind`` the token after."""
    return _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})


def unbind(token: Token) -> None:
    _context.reset(token)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Tag every record logged inside the block with ``fields`` (e.g. ``import_run_id=42``)."""
    token = bind(**fields)
    try:
        yield
    finally:
        unbind(token)


class ContextFilter(logging.Filter):
    """Copy the current context onto each record (fields passed with ``extra=`` win)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRIBUTES and not k.startswith("_")}


class PlainFormatter(logging.Formatter):
    """``time LEVEL logger message key=value ...``: the context appended to the classic line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _fields(record)
        if not fields:
            return line
        head, newline, rest = line.partition("\n")  # keep a traceback below the tagged first line
        tags = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{head} {tags}{newline}{rest}"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exc_type"] = record.exc_info[0].__name__ if record.exc_info[0] else None
            entry["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


# --------------------------------------------------------------------------------------------------
# Web requests: a request id on every record logged while one is served
# --------------------------------------------------------------------------------------------------
_request_token: ContextVar[Token | None] = ContextVar("tracker_request_token", default=None)


def request_id_from(environ: dict[str, Any] | None) -> str:
    """The proxy's X-Request-ID when it is a sane token, else a fresh one."""
    given = (environ or {}).get("HTTP_X_REQUEST_ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _request_started(sender, environ=None, scope=None, **kwargs) -> None:
    if environ is None and scope is not None:  # ASGI: headers are a list of byte pairs
        environ = {"HTTP_X_REQUEST_ID": dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")}
    # A request this context started and never finished (a streaming response nobody closed) ends here: its
    # id must not stay on every later record of the thread.
    _request_finished(sender)
    _request_token.set(bind(request_id=request_id_from(environ)))


def _request_finished(sender, **kwargs) -> None:
    token = _request_token.get()
    if token is not None:
        try:
            unbind(token)
        except ValueError:  # finished in another context than it started (ASGI): nothing to undo here
            pass
        _request_token.set(None)


# Connected when the LOGGING setting loads this module, i.e. in every process Django sets up.
request_started.connect(_request_started, dispatch_uid="tracker.logs.request_started")
request_finished.connect(_request_finished, dispatch_uid="tracker.logs.request_finished")
