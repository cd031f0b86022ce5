"""Errors worth another attempt, in a module without models so Celery's task module can read it at import.

The network (a refused or dropped connection, a timeout, a body cut short) and the database connection (a
restart, a failover, a deadlock victim).
"""

from __future__ import annotations

import requests
from django.db import InterfaceError, OperationalError

NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
DATABASE_ERRORS = (OperationalError, InterfaceError)
TRANSIENT_ERRORS = (*NETWORK_ERRORS, *DATABASE_ERRORS)
