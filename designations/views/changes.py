"""The "What changed" page: listings, delistings and amendments in a period, by program and by country.

The period is a preset (the last 7, 30 or 90 days) or a custom span of days (``occurred_after`` and
``occurred_before``, the changes feed's own parameters). Presets count back from the data's own date (the
newest OFAC SDN list snapshot imported, ``designations.coverage.data_date``), not from today: the data may
be older than the calendar. Events are read through ``DesignationEventFilterSet``, so the page, the CSV link
(``/api/changes/?format=csv``) and the filters mean the same thing. Many events are dated only by a bracket
between two list states: by default an event counts in the period only when its whole bracket lies inside it
(``date_certainty=certain``); the page says how many more possibly happened in it and offers to include them.

Query parameters get the pages' checks (``ParameterChecksMixin``): a bad date, a period that ends before it
starts, an unknown program or country gives the page with the message, answered 400.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.generic import TemplateView

from designations import selectors
from designations.api.changes import order_events
from designations.api.keyset import OCCURRED
from designations.context_processors import data_date_for
from designations.coverage import CERTAIN, POSSIBLE, evidence_window
from designations.filtersets import DesignationEventFilterSet
from designations.models import Country, DatePrecision, DesignationEvent, SourceDocument
from designations.views.common import PAGE_SIZE, ParameterChecksMixin
from designations.views.querystring import query_without
from programs.filtersets import CountriesSelect
from programs.models import Program
from tracker import dataversion
from tracker.selectors import Links

CUSTOM = "custom"
# Preset periods: the last N days up to and including the data's own date.
PRESETS = {"7": 7, "30": 30, "90": 90}
PERIOD_LABELS = {"7": "Last 7 days", "30": "Last 30 days", "90": "Last 90 days", CUSTOM: "Dates chosen"}
DEFAULT_PERIOD = "7"
# The query-string keys the events are filtered by (the changes feed's names).
FILTER_KEYS = ("program", "country", "country_role", "occurred_after", "occurred_before", "date_certainty")
# The kinds of change the page counts apart; a relisting is a listing, a duplicate removed is "other".
GROUPS = {
    "listed": (DesignationEvent.Kind.LISTED, DesignationEvent.Kind.RELISTED),
    "delisted": (DesignationEvent.Kind.DELISTED,),
    "amended": (DesignationEvent.Kind.AMENDED,),
    "other": (DesignationEvent.Kind.REMOVED_DUPLICATE,),
}
GROUP_OF = {kind: group for group, kinds in GROUPS.items() for kind in kinds}
KIND_LABELS = dict(DesignationEvent.Kind.choices)
DOCUMENT_KINDS = dict(SourceDocument.Kind.choices)
# The earliest moment the CSV link asks for: every event the tracker ever recorded.
EVERY_EVENT = "1970-01-01T00:00:00Z"


def _iso(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def choose_period(params, anchor: datetime.date) -> tuple[str, dict[str, str], list[str], list[str]]:
    """The period the query string asks for: its name (a preset or ``custom``), the date filters it stands for
    (``occurred_after``/``occurred_before`` as ISO dates), errors naming ``period``, and notes.

    1. Without ``period``: ``custom`` when a date is given, else the default preset.
    2. A preset counts back from ``anchor`` (the data's date), ``anchor`` included; dates given beside a
       preset are not used (the page says so).
    3. ``custom`` takes the dates as given, and needs at least one.
    """
    given = {key: params.get(key, "") for key in ("occurred_after", "occurred_before")}
    has_dates = any(value.strip() for value in given.values())
    period = params.get("period") or (CUSTOM if has_dates else DEFAULT_PERIOD)
    errors, notes = [], []
    if period not in PRESETS and period != CUSTOM:
        errors.append("period: choose one of 7, 30, 90 (days) or custom.")
        return period, given, errors, notes
    if period == CUSTOM:
        if not has_dates:
            errors.append("period: a custom period needs a From date, a To date or both.")
        return period, given, errors, notes
    start = anchor - datetime.timedelta(days=PRESETS[period] - 1)
    dates = {"occurred_after": start.isoformat(), "occurred_before": anchor.isoformat()}
    if has_dates and {key: value.strip() for key, value in given.items()} != dates:
        notes.append(
            f"The From and To dates were not used: {PERIOD_LABELS[period].lower()} is chosen. "
            "Choose \u201cDates chosen\u201d to use them."
        )
    return period, dates, errors, notes


def changes_filterset(request, dates: dict[str, str]) -> DesignationEventFilterSet:
    """A ``DesignationEventFilterSet`` over every event, from the page's filters and the period's dates, its
    form laid out for the page (one program and one country to choose, plain labels)."""
    data = request.GET.copy()
    for key in list(data):
        if key not in FILTER_KEYS:
            data.pop(key)
    for key, value in dates.items():
        data.setlist(key, [value] if value else [])
    filterset = DesignationEventFilterSet(data, queryset=DesignationEvent.objects.all(), request=request)
    fields = filterset.form.fields
    fields["occurred_after"].label = "From"
    fields["occurred_before"].label = "To"
    for name in ("occurred_after", "occurred_before"):
        fields[name].widget.attrs["aria-describedby"] = "changes-dates-help"
    programs = fields["program"]
    programs.queryset = Program.objects.order_by("code")
    programs.widget = CountriesSelect(choices=programs.choices)
    programs.empty_label = "Any program"
    programs.label = "Program"
    fields["country"].empty_label = "Any country"
    fields["country"].label = "Country of the designee"
    return filterset


def check_period_order(filterset: DesignationEventFilterSet) -> None:
    """A period that ends before it starts is an error on ``occurred_before`` (the "To" date)."""
    start = filterset.form.cleaned_data.get("occurred_after")
    end = filterset.form.cleaned_data.get("occurred_before")
    if start and end and start > end:
        filterset.form.add_error(
            "occurred_before",
            f"The To date ({end.isoformat()}) is before the From date ({start.isoformat()}).",
        )


def kind_counts(events: QuerySet) -> dict[str, int]:
    """How many events of each group (``GROUPS``) and how precisely they are dated, in one query.

    ``day``: to the day; ``bracket``: between two list states (or a month or year); ``on_or_before``: only
    "on or before" a list state (a bracket without a known start says no more); ``undated``: no date.
    """
    dated = Q(occurred_on__isnull=False)
    exact = Q(precision__in=(DatePrecision.DAY, ""))
    open_ = Q(precision=DatePrecision.ON_OR_BEFORE) | Q(precision=DatePrecision.RANGE, earliest__isnull=True)
    return events.aggregate(
        total=Count("pk"),
        **{group: Count("pk", filter=Q(kind__in=kinds)) for group, kinds in GROUPS.items()},
        relisted=Count("pk", filter=Q(kind=DesignationEvent.Kind.RELISTED)),
        day=Count("pk", filter=dated & exact),
        on_or_before=Count("pk", filter=dated & open_),
        bracket=Count("pk", filter=dated & ~exact & ~open_),
        undated=Count("pk", filter=~dated),
    )


def _group_rows(rows, key: str, objects: dict) -> list[dict]:
    """Rows of (``key``, kind, n) summed per ``key`` into the page's groups, most changes first."""
    table: dict = defaultdict(lambda: dict.fromkeys(GROUPS, 0))
    for row in rows:
        table[row[key]][GROUP_OF.get(row["kind"], "other")] += row["n"]
    result = [
        {"code": code, "object": objects.get(code), **counts, "total": sum(counts.values())}
        for code, counts in table.items()
    ]
    result.sort(key=lambda item: (item["code"] is None, -item["total"], str(item["code"] or "")))
    return result


def by_program(events: QuerySet) -> list[dict]:
    """Per program, the events of each group (two queries)."""
    rows = list(events.order_by().values("designation__program__code", "kind").annotate(n=Count("pk")))
    codes = {row["designation__program__code"] for row in rows}
    programs = {program.code: program for program in Program.objects.filter(code__in=codes)}
    return _group_rows(rows, "designation__program__code", programs)


def by_country(events: QuerySet) -> list[dict]:
    """Per country tied to the designee (any role), the events of each group; an event whose designee is tied
    to several countries counts under each, and one tied to none under ``None`` (two queries)."""
    key = "designation__designee__country_links__country__code"
    rows = list(events.order_by().values(key, "kind").annotate(n=Count("pk", distinct=True)))
    codes = {row[key] for row in rows if row[key]}
    countries = {country.code: country for country in Country.objects.filter(code__in=codes)}
    return _group_rows(rows, key, countries)


def date_basis(row: dict) -> str:
    """What an event's date rests on, in words."""
    document = row["source_document"]
    precision = row["precision"]
    if not row["occurred_on"]:
        return "No date known for this change."
    if precision == DatePrecision.RANGE and row["earliest"]:
        return (
            "Two OFAC SDN list states: the last one without the change and the first one with it; "
            "the change happened between them."
        )
    if precision in (DatePrecision.ON_OR_BEFORE, DatePrecision.RANGE):
        return "First seen on the earliest OFAC SDN list state the tracker holds; the change may be much older."
    if precision == DatePrecision.MONTH:
        return "The source gives only the month."
    if precision == DatePrecision.YEAR:
        return "The source gives only the year."
    if document:
        return f"The date of its source: {DOCUMENT_KINDS.get(document['kind'], document['kind']).lower()}."
    return "A date given to the day, without a source document."


def display_rows(rows: list[dict]) -> list[dict]:
    """``selectors.change_rows`` laid out for the page: dates as dates, page links, what each date rests on."""
    designee_url = reverse("designations:designee_detail", kwargs={"pk": 0})[: -len("0/")]
    zone = timezone.get_current_timezone()
    shown = []
    for row in rows:
        designation = row["designation"]
        recorded = datetime.datetime.fromisoformat(row["created_at"].replace("Z", "+00:00")).astimezone(zone)
        shown.append(
            {
                "id": row["id"],
                "kind": row["kind"],
                "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
                "group": GROUP_OF.get(row["kind"], "other"),
                "day": _iso(row["occurred_on"]),
                "earliest": _iso(row["earliest"]),
                "precision": row["precision"],
                "basis": date_basis(row),
                "recorded": recorded.date(),
                "designee": designation["designee"]["name"],
                "designee_url": f"{designee_url}{designation['designee']['id']}/",
                "program": designation["program"],
                "program_url": reverse("programs:program_detail", kwargs={"code": designation["program"]}),
                "document": row["source_document"],
                "changes": sorted((row["changes"] or {}).keys()),
            }
        )
    return shown


class ChangesView(ParameterChecksMixin, TemplateView):
    """What changed in a period: listings, delistings and amendments (cards), by program and by country
    (tables), and the changes themselves, each dated at its precision with what the date rests on."""

    template_name = "designations/changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        data_day = data_date_for(request).day
        anchor = data_day or timezone.localdate()
        period, dates, period_errors, notes = choose_period(request.GET, anchor)
        filterset = changes_filterset(request, dates)
        valid = filterset.is_valid()
        if valid:
            check_period_order(filterset)
        for error in period_errors:
            filterset.form.add_error(None, error)
        valid = valid and not filterset.form.errors
        cleaned = filterset.form.cleaned_data if valid else {}
        certainty = cleaned.get("date_certainty") or CERTAIN
        events = filterset.qs if valid else DesignationEvent.objects.none()

        counts = kind_counts(events)
        possibly_more = 0
        if valid and certainty == CERTAIN and (cleaned.get("occurred_after") or cleaned.get("occurred_before")):
            data = filterset.data.copy()
            data.setlist("date_certainty", [POSSIBLE])
            possible = DesignationEventFilterSet(data, queryset=DesignationEvent.objects.all(), request=request)
            possibly_more = possible.qs.count() - counts["total"] if possible.is_valid() else 0

        paginator = Paginator(order_events(events, OCCURRED, newest_first=True), PAGE_SIZE)
        number = request.GET.get("page")
        page_obj = paginator.get_page(paginator.num_pages if number == "last" else number)
        rows = selectors.change_rows(page_obj.object_list, links=Links(request)) if valid else []

        filters = [(key, value) for key in ("program", "country", "country_role") for value in request.GET.getlist(key)]
        api_query = [
            ("changed_since", EVERY_EVENT),
            ("order", OCCURRED),
            *((key, value) for key, value in dates.items() if value),
            *filters,
            *([("date_certainty", certainty)] if certainty != CERTAIN else []),
        ]
        keep = query_without(request, "page", "date_certainty")
        context.update(
            {
                "filterset": filterset,
                "valid": valid,
                "period": period,
                "period_labels": PERIOD_LABELS,
                "period_label": PERIOD_LABELS[period].lower() if period in PRESETS else "",
                "presets": [
                    {
                        "value": value,
                        "label": PERIOD_LABELS[value],
                        "url": f"?{urlencode([('period', value), *filters])}",
                    }
                    for value in PRESETS
                ],
                "start": cleaned.get("occurred_after"),
                "end": cleaned.get("occurred_before"),
                "data_day": data_day,
                "anchor": anchor,
                "notes": notes,
                "certainty": certainty,
                "counts": counts,
                "possibly_more": possibly_more,
                "possible_url": f"?{keep}date_certainty={POSSIBLE}",
                "certain_url": f"?{keep}".rstrip("&"),
                "by_program": by_program(events) if valid else [],
                "by_country": by_country(events) if valid else [],
                "evidence": evidence_window(dataversion.for_request(request)),
                "page_obj": page_obj,
                "changes": display_rows(rows),
                "query": query_without(request, "page"),
                "csv_url": f"{reverse('designations-api:changes')}?{urlencode([('format', 'csv'), *api_query])}",
                "api_url": f"{reverse('designations-api:changes')}?{urlencode(api_query)}",
                "feed_url": f"{reverse('designations-api:changes-feed')}?{urlencode(filters)}".rstrip("?"),
                "feed_preview_url": f"{reverse('designations:changes_feed_preview')}?{urlencode(filters)}".rstrip("?"),
                "page_title": self.title(period, cleaned),
            }
        )
        return context

    @staticmethod
    def title(period: str, cleaned: dict) -> str:
        """The page's ``<title>``: "What changed: last 30 days, GLOMAG", "What changed: 1 Jan 2024 to ..."."""
        words = []
        if period in PRESETS:
            words.append(PERIOD_LABELS[period].lower())
        else:
            start, end = cleaned.get("occurred_after"), cleaned.get("occurred_before")
            if start:
                words.append(f"from {format_date(start, 'j M Y')}")
            if end:
                words.append(f"to {format_date(end, 'j M Y')}")
        words.extend(program.code for program in cleaned.get("program") or [])
        if cleaned.get("country"):
            words.append(cleaned["country"].name)
        return f"What changed: {', '.join(words)}" if words else "What changed"
