"""The data's own date on every page: "OFAC SDN list as of 2 Jul 2024".

The tracker's answers are only as recent as the newest list it imported, whatever today's date or the time
of the last import run (``designations.coverage.data_date``). ``data_date`` gives every template that date
(``{{ data_date.day }}``), read the first time a page uses it (once per version of the data, shared with
the API), and views that need it in their own logic read the same object through ``data_date_for(request)``.
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils.functional import cached_property

from designations.coverage import SDN_LIST_NAME, data_date
from tracker import dataversion


class DataDate:
    """The publication date of the newest OFAC SDN list snapshot imported: what "in force" and "active"
    mean on every page unless an ``as_of`` says otherwise. False (and ``day`` None) before any import."""

    source = SDN_LIST_NAME

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def day(self) -> datetime.date | None:
        return data_date(dataversion.for_request(self.request))

    def __bool__(self) -> bool:
        return self.day is not None


def data_date_for(request: HttpRequest) -> DataDate:
    """The ``DataDate`` of this request (read at most once per request, by the views and the templates alike)."""
    found = getattr(request, "_data_date", None)
    if found is None:
        found = request._data_date = DataDate(request)
    return found


def data_date_context(request: HttpRequest) -> dict:
    """Template context processor: ``data_date`` (see the module docstring)."""
    return {"data_date": data_date_for(request)}
