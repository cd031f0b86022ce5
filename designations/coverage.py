"""What a dated answer rests on: the data's own date, the evidence window, and how sure each date is.

1. **The data's own date** (``data_date``): the publication date of the newest OFAC SDN list snapshot
   imported. "In force" and "active" without ``as_of`` mean in force on that date, whatever today is.
2. **The evidence window** (``evidence_window``): the earliest and the newest list state the dates rest
   on. Before the earliest, a listing is known only as "on or before" it.
3. **How sure a date is.** A date is a bracket of days: an exact day (``day``, or a date without a stated
   precision) is one day; ``month`` and ``year`` the whole month or year (stored as its first day);
   ``range`` the days from ``*_earliest`` (the last list state without the change) to ``*_on`` (the first
   with it), both included, since the change may have come later on the first day or earlier on the last;
   ``on_or_before`` every day up to ``*_on``. A question about dates ("listed in 2019", "in force on
   2021-01-01") is answered *certainly* (the whole bracket satisfies it) or *possibly* (some day of the
   bracket does): ``DateQuestion``. "In force on D" means in force at the end of day D: listed on or before
   D and not delisted on or before D.
4. **Coverage** (``designation_coverage``, ``event_coverage``): what an API answer carries about the rows
   it counts: the data's date, the evidence window, how many rows are dated to the day, to a bracket or
   only "on or before", how many more rows possibly answer the question, and plain-words caveats.
5. **Placing dates in periods** (``dated_stats``): the one definition the statistics API and the pages
   share when they count by year or month; a date is placed in a period only when its whole bracket lies
   inside it.

Each answer of (1) and (2) is computed once per version of the data (``tracker.dataversion``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import BooleanField, Case, CharField, Count, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from designations.models import DatePrecision, Designation, SourceDocument
from tracker import dataversion

# The list whose snapshots date the data: OFAC's SDN list (the consolidated list has a source of its own).
SDN_LIST_SOURCE = "ofac-sdn"
SDN_LIST_NAME = "OFAC SDN list"
CERTAIN, POSSIBLE = "certain", "possible"
CERTAINTIES = (CERTAIN, POSSIBLE)
PERIODS = ("year", "month")

_BRACKETS = (DatePrecision.RANGE, DatePrecision.MONTH, DatePrecision.YEAR)


# --------------------------------------------------------------------------------------------------
# The data's own date and the evidence window, once per version of the data
# --------------------------------------------------------------------------------------------------
_memo: dict[str, tuple[Any, Any]] = {}


def _per_version(name: str, compute: Callable[[], Any], version: Any = None) -> Any:
    """``compute()``, remembered by the process until the data's version changes."""
    version = version if version is not None else dataversion.data_version()
    hit = _memo.get(name)
    if hit is not None and hit[0] == version:
        return hit[1]
    value = compute()
    _memo[name] = (version, value)
    return value


def data_date(version: Any = None) -> datetime.date | None:
    """The publication date of the newest OFAC SDN list snapshot imported (None before any import).

    Read from the list's ``SourceDocument``s of kind ``list_snapshot``, not from the import runs: every
    import of a complete SDN file set (CSV, XML or advanced XML) records one per distinct set of bytes,
    dated by the day the list describes (its ``as_of``), and those documents are what the facts cite. A
    history file (``list_history``) is derived from snapshots and is no list state of its own, and the
    consolidated list is another list. The import runs themselves are the importers' (a layer above).
    """

    def compute() -> datetime.date | None:
        documents = SourceDocument.objects.filter(kind=SourceDocument.Kind.LIST_SNAPSHOT, source=SDN_LIST_SOURCE)
        return documents.aggregate(day=Max("published_on"))["day"]

    return _per_version("data_date", compute, version)


class EvidenceWindow(TypedDict):
    first_list_state: str | None
    last_list_state: str | None


def evidence_window(version: Any = None) -> EvidenceWindow:
    """The earliest and the newest list state the designations' dates rest on (ISO dates, None when unknown).

    The earliest is read from the dates themselves: a listing first seen on the first list state held is
    dated "on or before" that state, and a bracket starts at the last state without the listing, so the
    earliest of those is the first state held. The newest is the data's date (``data_date``).
    """

    def compute() -> EvidenceWindow:
        found = Designation.objects.aggregate(
            open_=Min("listed_on", filter=Q(listed_precision=DatePrecision.ON_OR_BEFORE)),
            bracket=Min("listed_earliest", filter=Q(listed_precision=DatePrecision.RANGE)),
        )
        days = [day for day in (found["open_"], found["bracket"]) if day is not None]
        last = data_date(version)
        return {
            "first_list_state": min(days).isoformat() if days else None,
            "last_list_state": last.isoformat() if last else None,
        }

    return _per_version("evidence_window", compute, version)


# --------------------------------------------------------------------------------------------------
# How sure a date is
# --------------------------------------------------------------------------------------------------
def _next_day(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=1)


def _month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _year_start(day: datetime.date) -> datetime.date:
    return day.replace(month=1, day=1)


class _Fields:
    """The three columns of a date (``listed`` or ``delisted`` of a designation, ``occurred`` of an event) and
    the groups of precisions."""

    def __init__(self, prefix: str) -> None:
        if prefix == "occurred":  # a DesignationEvent's date
            self.on, self.precision, self.earliest = "occurred_on", "precision", "earliest"
        else:
            self.on, self.precision, self.earliest = f"{prefix}_on", f"{prefix}_precision", f"{prefix}_earliest"

    @property
    def exact(self) -> Q:
        return Q(**{f"{self.precision}__in": (DatePrecision.DAY, "")})

    @property
    def month(self) -> Q:
        return Q(**{self.precision: DatePrecision.MONTH})

    @property
    def year(self) -> Q:
        return Q(**{self.precision: DatePrecision.YEAR})

    @property
    def bounded_range(self) -> Q:
        return Q(**{self.precision: DatePrecision.RANGE, f"{self.earliest}__isnull": False})

    @property
    def open(self) -> Q:
        """No earlier bound: "on or before", or a bracket whose start is unknown."""
        return Q(**{self.precision: DatePrecision.ON_OR_BEFORE}) | Q(
            **{self.precision: DatePrecision.RANGE, f"{self.earliest}__isnull": True}
        )


def surely_from(prefix: str, day: datetime.date) -> Q:
    """The whole bracket of the ``prefix`` date lies on or after ``day``."""
    f = _Fields(prefix)
    at = {f"{f.on}__gte": day}
    return (
        (f.exact & Q(**at))
        | (f.month & Q(**at))
        | (f.year & Q(**at))
        | (f.bounded_range & Q(**{f"{f.earliest}__gte": day}))
    )


def surely_until(prefix: str, day: datetime.date) -> Q:
    """The whole bracket of the ``prefix`` date lies on or before ``day``."""
    f = _Fields(prefix)
    return (
        ((f.exact | f.bounded_range | f.open) & Q(**{f"{f.on}__lte": day}))
        | (f.month & Q(**{f"{f.on}__lt": _month_start(_next_day(day))}))
        | (f.year & Q(**{f"{f.on}__lt": _year_start(_next_day(day))}))
    )


def maybe_from(prefix: str, day: datetime.date) -> Q:
    """Some day of the bracket of the ``prefix`` date lies on or after ``day``."""
    f = _Fields(prefix)
    return (
        ((f.exact | f.bounded_range | f.open) & Q(**{f"{f.on}__gte": day}))
        | (f.month & Q(**{f"{f.on}__gte": _month_start(day)}))
        | (f.year & Q(**{f"{f.on}__gte": _year_start(day)}))
    )


def maybe_until(prefix: str, day: datetime.date) -> Q:
    """Some day of the bracket of the ``prefix`` date lies on or before ``day``."""
    f = _Fields(prefix)
    return (
        ((f.exact | f.month | f.year) & Q(**{f"{f.on}__lte": day}))
        | (f.bounded_range & Q(**{f"{f.earliest}__lte": day}))
        | (f.open & Q(**{f"{f.on}__isnull": False}))
    )


def in_force_on(day: datetime.date, certainty: str = CERTAIN) -> Q:
    """Designations in force at the end of ``day``, certainly or possibly.

    Certainly: listed certainly on or before ``day`` and delisted, if at all, certainly after it.
    Possibly: listed possibly on or before ``day`` and not certainly delisted by then.
    """
    not_delisted = Q(delisted_on__isnull=True)
    if certainty == POSSIBLE:
        return maybe_until("listed", day) & (not_delisted | maybe_from("delisted", _next_day(day)))
    return surely_until("listed", day) & (not_delisted | surely_from("delisted", _next_day(day)))


def within_one_period(prefix: str, period: str) -> Q:
    """Dates whose whole bracket lies inside one ``period`` (``year`` or ``month``): the ones a count by
    period can place. "On or before" dates, and brackets across two periods, cannot be placed."""
    f = _Fields(prefix)
    same = {f"{f.earliest}__year": ExtractYear(f.on)}
    if period == "month":
        same[f"{f.earliest}__month"] = ExtractMonth(f.on)
    placed = (f.exact & Q(**{f"{f.on}__isnull": False})) | f.month | (f.bounded_range & Q(**same))
    return placed | f.year if period == "year" else placed


@dataclass(frozen=True)
class DateQuestion:
    """The date criteria of one request: listing and delisting bounds (inclusive), ``as_of`` and how sure
    a date must be to answer them (``certainty``: ``certain`` unless ``possible`` is asked)."""

    listed_after: datetime.date | None = None
    listed_before: datetime.date | None = None
    delisted_after: datetime.date | None = None
    delisted_before: datetime.date | None = None
    as_of: datetime.date | None = None
    certainty: str = CERTAIN

    NAMES = ("listed_after", "listed_before", "delisted_after", "delisted_before", "as_of")

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> DateQuestion:
        """From a FilterSet's cleaned data (missing and empty values are no criterion)."""
        certainty = data.get("date_certainty") or CERTAIN
        return cls(**{name: data.get(name) or None for name in cls.NAMES}, certainty=certainty)

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.NAMES)

    def days(self) -> list[tuple[str, datetime.date]]:
        return [(name, getattr(self, name)) for name in self.NAMES if getattr(self, name)]

    def condition(self, certainty: str | None = None) -> Q:
        """The Q of designations answering every criterion, ``certainty`` (default: the question's) sure."""
        certainty = certainty or self.certainty
        surely = certainty == CERTAIN
        after, before = (surely_from, surely_until) if surely else (maybe_from, maybe_until)
        condition = Q()
        for prefix in ("listed", "delisted"):
            low, high = getattr(self, f"{prefix}_after"), getattr(self, f"{prefix}_before")
            if low:
                condition &= after(prefix, low)
            if high:
                condition &= before(prefix, high)
        if self.as_of:
            condition &= in_force_on(self.as_of, certainty)
        return condition


# --------------------------------------------------------------------------------------------------
# Coverage of an answer
# --------------------------------------------------------------------------------------------------
class PrecisionCounts(TypedDict):
    day: int
    bracket: int
    on_or_before: int
    undated: int


def _flag(condition: Q) -> Case | Value:
    """A boolean column: whether a row matches ``condition`` (an empty condition matches every row)."""
    if not condition:
        return Value(True, output_field=BooleanField())
    return Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())


def _precision_bucket(prefix: str) -> Case:
    """How precisely a row's ``prefix`` date is known: ``day``, ``bracket``, ``on_or_before`` or ``undated``.

    A date without a stated precision is taken as exact."""
    f = _Fields(prefix)
    return Case(
        When(Q(**{f"{f.on}__isnull": True}), then=Value("undated")),
        When(Q(**{f.precision: DatePrecision.ON_OR_BEFORE}), then=Value("on_or_before")),
        When(Q(**{f"{f.precision}__in": _BRACKETS}), then=Value("bracket")),
        default=Value("day"),
        output_field=CharField(),
    )


def designation_coverage(
    queryset: QuerySet, question: DateQuestion, *, version: Any = None, event: str | None = None
) -> dict[str, Any]:
    """The coverage of an answer about the designations of ``queryset`` (filtered by everything but dates)
    that answer ``question``: one grouped query (each row's date criteria evaluated once), plus the data's
    date and evidence window.

    ``rows`` is how many designations answer the question at its certainty; ``listed`` and ``delisted`` say
    how precisely their dates are known (``delisted`` counts only rows with a delisting date);
    ``possibly_more`` is how many more designations possibly answer it (0 when it asks ``possible``, or asks
    nothing about dates). ``event`` (``listed``/``delisted``) narrows the rows to those with that date, as
    the statistics count them.
    """
    asked = question.condition() if question else Q()
    possible = question.condition(POSSIBLE) if question and question.certainty == CERTAIN else asked
    if event in ("listed", "delisted"):
        with_date = Q(**{f"{event}_on__isnull": False})
        asked, possible = asked & with_date, possible & with_date
    groups = (
        queryset.order_by()
        .values(
            c_asked=_flag(asked),
            c_possible=_flag(possible),
            c_listed=_precision_bucket("listed"),
            c_delisted=_precision_bucket("delisted"),
        )
        .annotate(count=Count("pk", distinct=True))
    )
    listed: PrecisionCounts = {"day": 0, "bracket": 0, "on_or_before": 0, "undated": 0}
    delisted = {"day": 0, "bracket": 0, "on_or_before": 0}
    rows = possible_rows = 0
    for group in groups:
        if group["c_possible"] or group["c_asked"]:
            possible_rows += group["count"]
        if not group["c_asked"]:
            continue
        rows += group["count"]
        listed[group["c_listed"]] += group["count"]
        if group["c_delisted"] in delisted:
            delisted[group["c_delisted"]] += group["count"]
    window = evidence_window(version)
    coverage = {
        "data_as_of": window["last_list_state"],
        "evidence": window,
        "date_certainty": question.certainty,
        "rows": rows,
        "listed": listed,
        "delisted": delisted,
        "possibly_more": possible_rows - rows,
    }
    coverage["caveats"] = _caveats(coverage, question)
    return coverage


def _caveats(coverage: dict[str, Any], question: DateQuestion) -> list[str]:
    """Plain words on what the figures cannot say."""
    caveats = []
    first, last = coverage["evidence"]["first_list_state"], coverage["evidence"]["last_list_state"]
    earliest_asked = min((day for _, day in question.days()), default=None)
    if first and earliest_asked and earliest_asked.isoformat() < first:
        caveats.append(
            f"The question reaches before the evidence: the earliest list state held is {first}. A designation "
            f"first seen then is dated only 'on or before {first}', so whether it was listed (or in force) on "
            f"an earlier day is unknown; such rows are counted only with date_certainty=possible."
        )
    latest_asked = max((day for _, day in question.days()), default=None)
    if last and latest_asked and latest_asked.isoformat() > last:
        caveats.append(
            f"The data ends with the {SDN_LIST_NAME} as of {last}: what happened after that date is not in it, "
            f"so a designation in force then is shown in force on any later day."
        )
    if coverage["possibly_more"]:
        caveats.append(
            f"{coverage['possibly_more']} more designation(s) possibly answer the dates asked: their dates are "
            "brackets (between two list states, or only 'on or before' the first one held) that straddle a date "
            "asked. date_certainty=possible includes them."
        )
    if coverage["listed"]["on_or_before"]:
        caveats.append(
            f"{coverage['listed']['on_or_before']} row(s) are dated only 'on or before' the list state they were "
            "first seen on: the listing may be much older."
        )
    return caveats


def event_coverage(rows: Sequence[dict[str, Any]], *, version: Any = None) -> dict[str, Any]:
    """The coverage of a page of designation events (the changes feed's rows, with ``occurred_on`` and
    ``precision``): how precisely the events' dates are known (``undated``: no date at all). No query but
    the evidence window's, once per version of the data."""
    occurred = {"day": 0, "bracket": 0, "on_or_before": 0, "undated": 0}
    for row in rows:
        if not row["occurred_on"]:
            occurred["undated"] += 1
        elif row["precision"] in (DatePrecision.DAY, ""):
            occurred["day"] += 1
        elif row["precision"] == DatePrecision.ON_OR_BEFORE:
            occurred["on_or_before"] += 1
        else:
            occurred["bracket"] += 1
    window = evidence_window(version)
    caveats = []
    if occurred["on_or_before"]:
        caveats.append(
            f"{occurred['on_or_before']} event(s) are dated only 'on or before' the list state they were first "
            "seen on: the change may be much older."
        )
    if occurred["bracket"]:
        caveats.append(
            f"{occurred['bracket']} event(s) are dated by a bracket (between two list states, or a month or a "
            "year): occurred_on is its end, earliest its start (a month or year starts on occurred_on)."
        )
    return {
        "data_as_of": window["last_list_state"],
        "evidence": window,
        "rows": len(rows),
        "occurred": occurred,
        "caveats": caveats,
    }


# --------------------------------------------------------------------------------------------------
# Counting by period: one definition for the statistics API and the pages
# --------------------------------------------------------------------------------------------------
def dated_stats(
    queryset: QuerySet,
    *,
    group_by: Sequence[str],
    event: str | None = None,
    country_role: str | None = None,
) -> list[dict]:
    """``designations.stats.designation_stats``, with dates placed in a year or month only when certain.

    1. Without ``year`` or ``month`` among ``group_by``: the counts as they are.
    2. With one: a designation counts in the period only when the whole bracket of its date (of listing,
       or of delisting with ``event="delisted"``) lies inside it (``within_one_period``, at the finest
       period asked). The rest, dated "on or before" the first list state held or by a bracket across two
       periods, count in rows whose period is None (as do designations without the date), so every
       designation counts once and the counts add up to the total.

    The statistics API (``/api/stats/``) and the program, authority and country pages both count with it.
    """
    from designations.stats import designation_stats, ordered_row, sort_rows, split_stats

    group_by = list(group_by)
    split = split_stats(queryset, group_by=group_by, count=dated_stats, event=event, country_role=country_role)
    if split is not None:
        return split
    periods = [name for name in group_by if name in PERIODS]
    if not periods:
        return designation_stats(queryset, group_by=group_by, event=event, country_role=country_role)
    prefix = "delisted" if event == "delisted" else "listed"
    finest = "month" if "month" in periods else "year"
    marked = queryset.annotate(
        g_placed=Case(
            When(within_one_period(prefix, finest), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    placed = designation_stats(marked.filter(g_placed=True), group_by=group_by, event=event, country_role=country_role)
    rest = [name for name in group_by if name not in PERIODS]
    unplaced = designation_stats(marked.filter(g_placed=False), group_by=rest, event=event, country_role=country_role)
    rows = [row for row in placed if any(row[name] is not None for name in periods)]
    unplaced_rows = [row for row in placed if all(row[name] is None for name in periods)]
    for row in unplaced:
        if row["count"]:
            unplaced_rows.append({**{name: None for name in periods}, **row})
    # Merge the rows with no period that share the other groups' values.
    merged: dict[tuple, dict] = {}
    for row in unplaced_rows:
        key = tuple(row.get(name) for name in group_by)
        if key in merged:
            merged[key]["count"] += row["count"]
        else:
            merged[key] = {name: row.get(name) for name in row}
    rows.extend(merged.values())
    rows = [ordered_row(row, group_by) for row in rows]
    sort_rows(rows, group_by)  # as designation_stats sorts
    return rows
