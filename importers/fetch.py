"""HTTP fetching for source adapters: timeouts, a clear user agent, conditional requests, size limits."""

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
) -> FetchedFile | None:
    """GET one file. Returns None for a missing optional file (404); raises ``FetchError`` otherwise.

    ``requests.ConnectionError`` and ``requests.Timeout`` propagate unchanged: they are the transient
    errors the Celery task retries.
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
        for chunk in response.iter_content(CHUNK):
            size += len(chunk)
            if size > MAX_BYTES:
                raise FetchError(f"{url} sent more than {MAX_BYTES} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        if declared and declared.isdigit() and response.headers.get("Content-Encoding") is None:
            if len(body) != int(declared):
                raise FetchError(f"{url} was cut short: {len(body)} of {declared} bytes received")
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
) -> FetchResult:
    """Fetch a source's files from ``base_url`` (a folder URL ending in ``/``, or one file's URL)."""
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
            )
            if fetched is not None:
                result.files[name] = fetched
            if not base_url.endswith("/"):
                break
    return result
