"""Query strings of the pages' links (pagination, sorting, chips)."""

from __future__ import annotations

from urllib.parse import urlencode


def query_without(request, *keys: str) -> str:
    """The current query string without ``keys`` (for pagination and sort links), ending in ``&`` if not empty."""
    params = [(key, value) for key, values in request.GET.lists() if key not in keys for value in values]
    encoded = urlencode(params)
    return f"{encoded}&" if encoded else ""
