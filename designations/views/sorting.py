"""Sorting a designations table: the orders ``?sort=`` takes, its check, and the column headings that link
to each order (used by the list, country, program and authority pages)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F
from rest_framework.exceptions import ValidationError

from designations.views.querystring import query_without

# The orders ``?sort=`` takes on a designations table: a column ascending, or descending with a leading "-".
# Every order ends in ``pk``, so rows that tie keep one order from page to page. Undated designations (no
# listing or delisting date) come last in both directions. A date known only within a span ("between 1 and
# 30 Jun 2024", "on or before 2 Jul 2024") sorts by ``listed_on`` / ``delisted_on``: its latest possible day,
# the bound every dated designation has (``listed_earliest`` is often unknown); a month or a year sorts by
# its first day, the day stored. The date orders read the indexes on (listed_on, id), (-listed_on, id) and
# (-delisted_on, id) (migration 0012) up to the page; the others sort the filtered rows, narrow ones
# (``table_rows``), which stays well under a second for the whole list.
DESIGNATION_SORTS: dict[str, tuple] = {
    "designee": ("designee__name", "program__code", "pk"),
    "-designee": ("-designee__name", "program__code", "pk"),
    "program": ("program__code", "designee__name", "pk"),
    "-program": ("-program__code", "designee__name", "pk"),
    "status": ("status", "designee__name", "pk"),
    "-status": ("-status", "designee__name", "pk"),
    "listed": (F("listed_on").asc(nulls_last=True), "pk"),
    "-listed": (F("listed_on").desc(nulls_last=True), "pk"),
    "delisted": (F("delisted_on").asc(nulls_last=True), "pk"),
    "-delisted": (F("delisted_on").desc(nulls_last=True), "pk"),
}
# A designations table's columns in their order, with the one ``?sort=`` key of each sortable column.
TABLE_COLUMNS = (
    ("Designee", "designee"),
    ("Kind", None),
    ("Program", "program"),
    ("Status", "status"),
    ("Listed", "listed"),
    ("Delisted", "delisted"),
)
# Columns whose first click sorts newest first; the others start ascending (A to Z).
DESCENDING_FIRST = ("listed", "delisted")


def table_sorts(show_program: bool = True) -> dict[str, tuple]:
    """The ``sort`` values a designations table takes (without its Program column, none by program)."""
    return {key: order for key, order in DESIGNATION_SORTS.items() if show_program or key.lstrip("-") != "program"}


def check_sort_parameter(request, sorts: Iterable[str]) -> None:
    """``ValidationError`` naming ``sort`` and the values it takes, unless it is absent or one of ``sorts``."""
    value = request.GET.get("sort")
    if value is not None and value not in sorts:
        raise ValidationError({"sort": [f"Must be one of {', '.join(sorts)}."]})


def table_sort(request, *, default: str, show_program: bool = True) -> dict:
    """The order of a designations table from ``?sort=`` (``default`` without one), and its column headings.

    Returns ``sort`` (the key), ``sort_order`` (for ``order_by``) and ``sort_headers``: per column its
    ``label``, and for a sortable one its ``key``, the ``url`` its heading links to (the same query string,
    filters and ``as_of`` kept, back to the first page, sorted by that column: the other direction when it
    is the current one) and ``aria_sort`` (``ascending`` or ``descending`` on the current column, else "").
    A ``sort`` the table does not take was refused before (``ParameterChecksMixin``): here it is the default.
    """
    sorts = table_sorts(show_program)
    sort = request.GET.get("sort") or default
    if sort not in sorts:
        sort = default
    query = query_without(request, "page", "sort")
    descending = sort.startswith("-")
    headers = []
    for label, key in TABLE_COLUMNS:
        if key == "program" and not show_program:
            continue
        if key is None:
            headers.append({"label": label, "key": None, "url": "", "aria_sort": ""})
            continue
        current = sort.lstrip("-") == key
        if current:
            target = key if descending else f"-{key}"
        else:
            target = f"-{key}" if key in DESCENDING_FIRST else key
        headers.append(
            {
                "label": label,
                "key": key,
                "url": f"{request.path}?{query}sort={target}",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return {"sort": sort, "sort_order": sorts[sort], "sort_headers": headers}
