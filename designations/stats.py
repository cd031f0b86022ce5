"""Counts of designations, listings and delistings, grouped by program, authority, country, date and more.

One SQL aggregation per call (``values()`` + ``annotate(Count)``), the same on SQLite and PostgreSQL.

Dates: ``year`` and ``month`` are those of ``listed_on`` (``event=None`` or ``"listed"``) or of
``delisted_on`` (``"delisted"``). Where a date is only known as a bracket between two list snapshots
(``range`` precision) it is the end of the bracket, the day the listing (or delisting) was certainly in
effect; where it is ``on_or_before`` it is the first snapshot the designation was seen on. With the
seeded 2021-2024 history, designations already on the list in May 2021 therefore count under 2021.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db.models import Count, F, FilteredRelation, Q
from django.db.models.functions import ExtractMonth, ExtractYear

from designations.models import DesignationEvent, DesigneeCountry
from designations.querysets import IDENTIFIER_ROLE, PERSONAL_ROLE, DesignationQuerySet, stored_roles

GROUPS = ("program", "authority", "country", "year", "month", "kind", "agency", "status")
EVENTS = ("listed", "delisted")


# Groupings other apps add (``register_split``): name -> ``split(queryset)``, giving ``(value, narrowed
# queryset)`` pairs; a designation counts under every value whose narrowed queryset keeps it (so the rows may
# add up to more than the total). ``allies`` adds ``jurisdiction``: the US, and each ally that designated the
# same party.
_SPLITS: dict[str, Callable[[DesignationQuerySet], Iterable[tuple[str, DesignationQuerySet]]]] = {}


def register_split(name: str, split: Callable[[DesignationQuerySet], Iterable[tuple[str, Any]]]) -> None:
    """Add the grouping ``name`` to the statistics (see ``_SPLITS``); an app calls it from ``ready()``."""
    if name in GROUPS:
        raise ValueError(f"{name!r} is already a grouping")
    _SPLITS[name] = split


def groups() -> tuple[str, ...]:
    """Every grouping the statistics know: the built-in ones, then those other apps registered."""
    return (*GROUPS, *_SPLITS)


def split_stats(queryset, *, group_by: Sequence[str], count: Callable[..., list[dict]], **kwargs) -> list[dict] | None:
    """Rows for a ``group_by`` holding a registered split grouping, counted with ``count`` for each of its
    values over the narrowed queryset, in ``group_by`` order; ``None`` when ``group_by`` holds none."""
    group_by = list(group_by)
    names = [name for name in group_by if name in _SPLITS]
    if not names:
        return None
    _check(group_by)
    name = names[0]
    rest = [other for other in group_by if other != name]
    rows, rank = [], {}
    for value, narrowed in _SPLITS[name](queryset):
        rank[value] = len(rank)
        rows.extend(ordered_row({**row, name: value}, group_by) for row in count(narrowed, group_by=rest, **kwargs))
    sort_rows(rows, group_by, ranks={name: rank})  # the split's values in the order it gives them
    return rows


def ordered_row(row: dict, group_by: list[str]) -> dict:
    """The row's keys in the order the statistics give them: the groups in order (``country`` followed by
    ``country_name``), then ``count``."""
    keys = []
    for name in group_by:
        keys.append(name)
        if name == "country":
            keys.append("country_name")
    return {**{key: row.get(key) for key in keys}, "count": row["count"]}


def sort_rows(rows: list[dict], group_by: list[str], ranks: dict[str, dict] | None = None) -> None:
    """Sort ``rows`` in place by the group values in ``group_by`` order, missing values last (in Python: SQLite
    puts NULL first and PostgreSQL last); a grouping in ``ranks`` by the rank of its values instead."""
    ranks = ranks or {}

    def part(row: dict, name: str) -> tuple:
        value = row[name]
        if name in ranks:
            return (False, ranks[name][value])
        return (value is None, "" if value is None else value)

    def key(row: dict) -> tuple:
        return tuple(part(row, name) for name in group_by)

    rows.sort(key=key)


def _check(group_by: list[str]) -> None:
    known = groups()
    for name in group_by:
        if name not in known:
            raise StatsError("group_by", f"Unknown grouping {name!r}; choose from {', '.join(known)}.")
        if group_by.count(name) > 1:
            raise StatsError("group_by", f"Grouping {name!r} is given twice.")
    if sum(name in _SPLITS for name in group_by) > 1:
        raise StatsError("group_by", f"Choose at most one of {', '.join(_SPLITS)}.")


class StatsError(ValueError):
    """A grouping, event or role the statistics do not know; ``parameter`` names the offending argument."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def designation_stats(
    queryset: DesignationQuerySet,
    *,
    group_by: Sequence[str],
    event: str | None = None,
    country_role: str | None = None,
) -> list[dict]:
    """Count the designations of ``queryset`` per combination of the ``group_by`` values.

    1. ``event=None`` counts the designations themselves; ``"listed"`` counts listings (designations
       with a listing date) and ``"delisted"`` counts delistings (designations with a delisting date, but
       not records OFAC removed as duplicates of another entry), placed in time by that date.
    2. ``country`` counts a designation once for each country its designee is tied to, in any role or,
       with ``country_role``, in that role only (``personal``: nationality, citizenship or place of birth;
       ``identifier``: the issuer of one of its identifiers);
       a designation with no such country counts under
       ``country=None``. The per-country counts therefore add up to more than the total.
    3. A grouping another app registered (``register_split``: ``jurisdiction``) counts the designations
       once for each of its values that keeps them (see ``Split``).
    4. Rows are dicts with one key per grouping (``country`` adds ``country_name``; ``month`` is
       ``"YYYY-MM"``; ``program`` and ``authority`` are codes) and ``count``, sorted by the group values
       in ``group_by`` order, missing values last. No grouping gives one row with the total.

    Raises ``StatsError`` (a ``ValueError``) for an unknown grouping, event or role, or a repeated grouping.
    """
    group_by = list(group_by)
    _check(group_by)
    split = split_stats(queryset, group_by=group_by, count=designation_stats, event=event, country_role=country_role)
    if split is not None:
        return split
    if event is not None and event not in EVENTS:
        raise StatsError("event", f"Unknown event {event!r}; choose from {', '.join(EVENTS)}.")
    if country_role and country_role not in (*DesigneeCountry.Role.values, PERSONAL_ROLE, IDENTIFIER_ROLE):
        raise StatsError("country_role", f"Unknown country role {country_role!r}.")

    date_field = "delisted_on" if event == "delisted" else "listed_on"
    queryset = queryset.order_by().prefetch_related(None).select_related(None)
    if event is not None:
        queryset = queryset.filter(**{f"{date_field}__isnull": False})
    if event == "delisted":
        # A record OFAC removed as a duplicate of another entry ended, but nobody was delisted.
        queryset = queryset.exclude(events__kind=DesignationEvent.Kind.REMOVED_DUPLICATE)

    # Aliases are prefixed: an annotation may not reuse a model field's name (``agency``, ``status``).
    columns: dict[str, Any] = {}
    for name in group_by:
        if name == "program":
            columns["g_program"] = F("program__code")
        elif name == "authority":
            columns["g_authority"] = F("authority__code")
        elif name == "kind":
            columns["g_kind"] = F("designee__kind")
        elif name in ("agency", "status"):
            columns[f"g_{name}"] = F(name)
        elif name == "year":
            columns["g_year"] = ExtractYear(date_field)
        elif name == "month":
            columns["g_month_year"] = ExtractYear(date_field)
            columns["g_month_month"] = ExtractMonth(date_field)
        elif name == "country":
            links = "designee__country_links"
            if country_role == IDENTIFIER_ROLE:
                links = "designee__identifiers"  # the issuing countries of its identifiers
            elif country_role:
                roles = stored_roles(country_role)
                queryset = queryset.annotate(
                    g_links=FilteredRelation(links, condition=Q(designee__country_links__role__in=roles))
                )
                links = "g_links"
            columns["g_country"] = F(f"{links}__country__code")
            columns["g_country_name"] = F(f"{links}__country__name")

    # A designee tied to countries joins one row per tie: count each designation once per group.
    count = Count("pk", distinct="country" in group_by)
    if not columns:
        return [queryset.aggregate(count=count)]
    rows = [_row(values, group_by) for values in queryset.values(**columns).annotate(count=count)]
    sort_rows(rows, group_by)
    return rows


def _row(values: dict[str, Any], group_by: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in group_by:
        if name == "month":
            year, month = values["g_month_year"], values["g_month_month"]
            row["month"] = f"{year:04d}-{month:02d}" if year is not None else None
        elif name == "country":
            row["country"] = values["g_country"]
            row["country_name"] = values["g_country_name"]
        else:
            row[name] = values[f"g_{name}"]
    row["count"] = values["count"]
    return row
