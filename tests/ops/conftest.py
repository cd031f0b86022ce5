"""Operations tests. Fault drills (``@pytest.mark.drill``) run only when asked for: ``make drills``.

Drills start real processes against the local PostgreSQL and a private Redis, restart PostgreSQL and
kill workers; they must never run inside the parallel ``make test``. Registered here so the marker is
known wherever the suite is run from.
"""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "drill: a fault drill on the real services (run with make drills)")


def pytest_collection_modifyitems(config, items):
    """Skip drills unless the marker expression names them (``-m drill``), e.g. under a bare ``pytest``."""
    if "drill" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="fault drill: run with `make drills`")
    for item in items:
        if item.get_closest_marker("drill"):
            item.add_marker(skip)
