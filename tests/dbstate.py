"""Helpers for data set up once for a module (or class) inside a transaction that is rolled back after it."""

from __future__ import annotations

from django.db import connection


def settle_constraints() -> None:
    """Check the deferred foreign keys of what the module's transaction wrote, once, at its own level.

    Each test's teardown checks constraints inside its savepoint (Django's TestCase does); on PostgreSQL the
    checks of rows the outer transaction still owes are run there and undone with the savepoint, so every
    test would re-check the whole import (about 0.9 s for the 2024 list). Checked here, they are done.
    """
    connection.check_constraints()
