"""The home page's first visit: at most 200 KB on the wire (issue 17), as `make run` serves it.

`make run` is Django's runserver with DEBUG on: WhiteNoise serves the static files from the finders
(``whitenoise.runserver_nostatic``), through the middleware, and ``GZipMiddleware`` compresses them and the
HTML for a client that accepts gzip. (In production WhiteNoise serves its own compressed copies.) The test
client goes through the same middleware; the browser fetches the same files (checked by hand with Chromium:
176 KB of 698 KB before compression).
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

BUDGET = 200 * 1024


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_the_home_pages_first_visit_transfers_at_most_200_kb(client, reference_data):
    page = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and page["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.content).decode()
    assets = sorted(set(re.findall(r'"(/static/[^"?#]+)"', html)))
    # What the page draws with: styles, the charts' scripts and the map's shapes.
    assert any(asset.endswith(".css") for asset in assets) and any("chart" in asset for asset in assets)
    assert any(asset.endswith(".json") for asset in assets)

    sizes = {"/": len(page.content)}
    for asset in assets:
        response = client.get(asset, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, asset
        body = _body(response)
        if len(body) > 1024:  # compressed on the wire, and the same file once uncompressed
            assert response["Content-Encoding"] == "gzip", asset
            assert gzip.decompress(body)
        sizes[asset] = len(body)

    assert sum(sizes.values()) <= BUDGET, sizes
