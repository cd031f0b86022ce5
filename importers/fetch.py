"""HTTP fetching for source adapters: timeouts, a clear user agent, conditional requests, size limits.

A body must be whole: one shorter than its ``Content-Length`` is cut short (urllib3 raises on it, and the
error says so), and one sent without a ``Content-Length`` must end with its format's end marker when the
format has one (OFAC's CSV files end with 0x1A), since nothing else tells a closed connection from the end
of the file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import requests
from django.conf import settings

from importers.sources.base import FetchError

logger = logging.getLogger(__name__)

MAX_BYTES = 512 * 1024 * 1024  # no OFAC file comes near this; a larger body is not what we asked for
CHUNK = 1024 * 1024


@dataclass
class FetchedFile:
    name: str
    content: bytes | None  # None when the server answered 304 Not Modified
    etag: str = ""
    last_modified: str = ""
    status: int = 200


@dataclass
class FetchResult:
    files: dict[str, FetchedFile] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return bool(self.files) and all(f.content is None for f in self.files.values())


def fetch_file(
    url: str,
    *,
    name: str,
    etag: str = "",
    last_modified: str = "",
    required: bool = True,
    timeout: float | None = None,
    session: requests.Session | None = None,
    end_marker: bytes | None = None,
) -> FetchedFile | None:
    """GET one file. Returns None for a missing optional file (404); raises ``FetchError`` otherwise.

    ``requests.ConnectionError`` and ``requests.Timeout`` propagate unchanged: they are the transient
    errors the Celery task retries, as is a body cut short of its ``Content-Length``
    (``ChunkedEncodingError``). A body without ``Content-Length`` that does not end with ``end_marker``
    is refused (``FetchError``).
    """
    headers = {"User-Agent": settings.IMPORT_USER_AGENT, "Accept-Encoding": "gzip"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = settings.IMPORT_HTTP_TIMEOUT if timeout is None else timeout
    http = session or requests
    with http.get(url, headers=headers, timeout=(min(timeout, 15.0), timeout), stream=True) as response:
        if response.status_code == 304:
            return FetchedFile(name=name, content=None, etag=etag, last_modified=last_modified, status=304)
        if response.status_code == 404 and not required:
            return None
        if response.status_code >= 500:
            # A server error is as transient as a dropped connection: let the task retry it.
            raise requests.ConnectionError(f"{url} answered {response.status_code}")
        if response.status_code != 200:
            raise FetchError(f"{url} answered HTTP {response.status_code}")
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > MAX_BYTES:
            raise FetchError(f"{url} declares {declared} bytes, over the {MAX_BYTES} byte limit")
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise FetchError(f"{url} sent more than {MAX_BYTES} bytes")
                chunks.append(chunk)
        except requests.exceptions.ChunkedEncodingError as exc:
            # urllib3 enforces Content-Length: a connection closed early is an incomplete read.
            raise requests.exceptions.ChunkedEncodingError(
                f"{url} was cut short: the connection closed after {size} bytes"
                + (f" of the {declared} announced" if declared else "")
                + f" ({exc})"
            ) from exc
        body = b"".join(chunks)
        if declared and declared.isdigit() and response.headers.get("Content-Encoding") is None:
            if len(body) != int(declared):
                raise FetchError(f"{url} was cut short: {len(body)} of {declared} bytes received")
        if not declared and end_marker and not body.endswith(end_marker):
            raise FetchError(
                f"{url} sent no Content-Length and its body does not end with the end-of-file marker "
                f"{end_marker!r} its files always have: it may have been cut short. Nothing was imported."
            )
        return FetchedFile(
            name=name,
            content=body,
            etag=response.headers.get("ETag", ""),
            last_modified=response.headers.get("Last-Modified", ""),
        )


def fetch_bundle(
    base_url: str,
    files: tuple[str, ...],
    required: tuple[str, ...],
    *,
    validators: dict[str, dict[str, str]] | None = None,
    end_marker: bytes | None = None,
) -> FetchResult:
    """Fetch a source's files from ``base_url`` (a folder URL ending in ``/``, or one file's URL).

    A file in ``required`` that answers 404 fails the fetch; others are skipped.
    """
    validators = validators or {}
    result = FetchResult()
    with requests.Session() as session:
        for name in files:
            url = base_url if not base_url.endswith("/") else base_url + name
            known = validators.get(name, {})
            fetched = fetch_file(
                url,
                name=name,
                etag=known.get("etag", ""),
                last_modified=known.get("last_modified", ""),
                required=name in required,
                session=session,
                end_marker=end_marker,
            )
            if fetched is not None:
                result.files[name] = fetched
            if not base_url.endswith("/"):
                break
    return result
