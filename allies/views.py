"""Pages of the allied coordination: the overview (per ally, what it did about the US human-rights and
anti-corruption designations, and when), and the panel the designee page shows of its allied designations.

The figures are ``allies.coordination``'s, the same as ``/api/coordination/`` and its summary give for the
same filters; the page only lays them out. Every allied date is shown with what it rests on: the
publisher's own listing date, or a stand-in (OFSI's "Listed On", the EU regulation's date, DFAT's control
date), labelled as such.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.core.paginator import InvalidPage, Paginator
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.views.generic import TemplateView

from allies.adapters import LIST_NAMES
from allies.coordination import ALLIES, RELATIONS, Row, coordination_rows, overlap, regime_table, summary
from allies.coordination import ally_date as coordination_bracket
from allies.models import PUBLISHER_CHOICES, PartyLink
from designations.filtersets import DesignationFilterSet
from designations.models import Designation, Designee
from designations.views.common import PAGE_SIZE, PageStats, ParameterChecksMixin
from designations.views.querystring import query_without
from programs.filtersets import CountriesSelect
from programs.models import Program

ALLY_NAMES = dict(PUBLISHER_CHOICES)
RELATION_LABELS = {
    "same_day": "Same day",
    "within_30_days": "Within 30 days",
    "ally_before": "Ally first (over 30 days before)",
    "ally_after": "Ally later (over 30 days after)",
    "never": "Not designated",
    "uncertain": "Uncertain (dates allow several)",
}
# What an allied date rests on (allies.records.DATE_KINDS), in a few words; stand-ins say so.
DATE_KIND_LABELS = {
    "listed": "the publisher's listing date",
    "first_listed": "stand-in: OFSI's “Listed On” (the day the entry went on its list)",
    "regulation_published": "stand-in: date of the EU regulation listing the entry",
    "control_date": "stand-in: DFAT's control date (last change; listed on or before it)",
    "last_updated": "last change of the entry, not a listing date",
    "relisted": "date the listing was renewed",
}
LINK_LABELS = dict(PartyLink.State.choices)
INSTRUMENT_DATE_LABELS = {
    "in_force": "in force",
    "adopted": "adopted",
    "assented": "royal assent",
    "registered": "registered",
}
FILTERS = ("program", "country", "country_role")


class RowsForm(forms.Form):
    """Narrows the table of rows to what one ally did (the figures above it stay over every row)."""

    ally = forms.ChoiceField(
        choices=[("", "Any ally"), *PUBLISHER_CHOICES],
        required=False,
        label="Ally",
        error_messages={"invalid_choice": "ally: %(value)s is not one of uk, eu, ca, au."},
    )
    relation = forms.ChoiceField(
        choices=[("", "Designated, any relation"), *RELATION_LABELS.items()],
        required=False,
        label="Its relation to the US date",
        error_messages={"invalid_choice": f"relation: %(value)s is not one of {', '.join(RELATION_LABELS)}."},
    )


def display_date(designation: dict) -> dict:
    """An allied designation's date for display: the day, whether it is only a latest bound, and its kind."""
    day = datetime.date.fromisoformat(designation["date"]) if designation.get("date") else None
    kind = designation.get("date_kind")
    return {
        "day": day,
        "on_or_before": bool(designation.get("date_earliest")),
        "kind": kind,
        "kind_label": DATE_KIND_LABELS.get(kind, kind or "no date given"),
        "stand_in": bool(designation.get("stand_in")),
    }


def first_designation(answer: dict) -> dict | None:
    """The ally's first act among its designations of the party, as ``allies.coordination`` picks it."""
    dated = [d for d in answer["designations"] if d.get("date")]
    return min(dated, key=lambda d: (d["date"], bool(d.get("stand_in"))), default=None)


def display_row(row: Row) -> dict:
    """A coordination row laid out for the table: the US date and, per ally, the relation and its date."""
    listed = row.us_listed
    cells = []
    for ally in ALLIES:
        answer = row.allies[ally]
        first = first_designation(answer)
        cells.append(
            {
                "ally": ally,
                "name": ALLY_NAMES[ally],
                "relation": answer["relation"],
                "relation_label": RELATION_LABELS[answer["relation"]],
                "possible": [RELATION_LABELS[name] for name in answer.get("possible", []) if name in RELATION_LABELS],
                "days": answer["days"],
                "date": display_date(first) if first else None,
                "regimes": sorted({d["regime_code"] for d in answer["designations"]}),
            }
        )
    return {
        "designation_id": row.designation_id,
        "designee_name": row.designee_name,
        "designee_url": reverse("designations:designee_detail", kwargs={"pk": row.designee_id}),
        "program": row.program,
        "us_day": datetime.date.fromisoformat(listed["on"]) if listed["on"] else None,
        "us_earliest": datetime.date.fromisoformat(listed["earliest"]) if listed["earliest"] else None,
        "us_precision": listed["precision"],
        "countries": row.countries,
        "allies": cells,
    }


def ally_figures(figures: dict) -> list[dict]:
    """Per ally, the summary's figures with their labels and shares."""
    answer = []
    for ally in ALLIES:
        ally_summary = figures[ally]
        total = ally_summary["us_designations"]
        median = ally_summary["median_days_us_to_ally"]
        answer.append(
            {
                "ally": ally,
                "name": ALLY_NAMES[ally],
                **ally_summary,
                "share": share(ally_summary["designated_by_ally"], total),
                "relations": [
                    {"name": name, "label": RELATION_LABELS[name], "count": count}
                    for name, count in ally_summary["relations"].items()
                ],
                # The median of an even number of lags can fall between two days.
                "median": int(median) if median is not None and median == int(median) else median,
            }
        )
    return answer


def regimes_table() -> list[dict]:
    """``allies.coordination.regime_table`` with the ally's, the lists' and the dates' labels."""
    answer = []
    for regime in regime_table():
        instruments = [
            {
                **instrument,
                "day": datetime.date.fromisoformat(instrument["date"]) if instrument["date"] else None,
                "date_label": INSTRUMENT_DATE_LABELS.get(instrument["date_kind"], instrument["date_kind"]),
            }
            for instrument in regime["instruments"]
        ]
        lists = [{**item, "name": LIST_NAMES.get(item["list"], item["list"])} for item in regime["lists"]]
        answer.append({**regime, "ally_name": ALLY_NAMES[regime["ally"]], "instruments": instruments, "lists": lists})
    return answer


def overlap_table(rows: list[Row]) -> list[dict]:
    """``allies.coordination.overlap`` with labels ("United States only"; "United Kingdom, Canada") and shares."""
    return [
        {
            **item,
            "label": ", ".join(ALLY_NAMES[ally] for ally in item["allies"]) or "No ally (the United States alone)",
            "share": share(item["count"], len(rows)),
        }
        for item in overlap(rows)
    ]


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def years_table(figures: dict) -> tuple[list[dict], dict]:
    """Share coordinated (same day or within 30 days, certain only) per US listing year and ally: the rows of
    a table and a chart of the same figures (``static/js/charts.js``, grouped bars)."""
    years = sorted({year for ally in ALLIES for year in figures[ally]["by_us_year"]} - {"undated"})
    if any("undated" in figures[ally]["by_us_year"] for ally in ALLIES):
        years.append("undated")
    rows = []
    for year in years:
        cells = []
        for ally in ALLIES:
            counts = figures[ally]["by_us_year"].get(year, {"us": 0, "designated": 0, "coordinated": 0})
            cells.append({**counts, "share": share(counts["coordinated"], counts["us"])})
        rows.append({"year": year, "us": cells[0]["us"], "cells": cells})
    # The chart's axis runs through every year, a year without US designations left blank (null), not 0.
    dated = {row["year"]: row for row in rows if row["year"] != "undated"}
    labels = [str(year) for year in range(int(min(dated)), int(max(dated)) + 1)] if dated else []
    chart = {
        "type": "grouped",
        "labels": labels,
        "series": [
            {
                "label": ALLY_NAMES[ally],
                "data": [dated[year]["cells"][index]["share"] if year in dated else None for year in labels],
            }
            for index, ally in enumerate(ALLIES)
        ],
    }
    return rows, chart


class CoordinationView(ParameterChecksMixin, TemplateView):
    """The coordination overview: per ally, the US human-rights and anti-corruption designations it also
    designated and when, with the program and country filters of the designations, and the rows."""

    template_name = "allies/coordination.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("rows_form_invalid"):
            response.status_code = 400
        return response

    def get_filterset(self) -> DesignationFilterSet:
        data = self.request.GET.copy()
        for key in list(data):
            if key not in FILTERS:
                data.pop(key)
        filterset = DesignationFilterSet(data, queryset=Designation.objects.all(), request=self.request)
        # One program and one country to choose on the page (several still work in the query string).
        programs = filterset.form.fields["program"]
        programs.queryset = Program.objects.filter(is_human_rights=True).order_by("code")
        programs.widget = CountriesSelect(choices=programs.choices)
        programs.empty_label = "Any human-rights program"
        programs.label = "Program"
        country = filterset.form.fields["country"]
        country.empty_label = "Any country"
        country.label = "Country of the designee"
        role = filterset.form.fields["country_role"]
        role.label = "Country role"
        role.choices = [("", "Any role"), *((key, label) for key, label in role.choices if key)]
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.get_filterset()
        rows_form = RowsForm(self.request.GET)
        valid = filterset.is_valid() & rows_form.is_valid()
        rows = coordination_rows(filterset.qs) if valid else []
        figures = summary(rows)
        ally = rows_form.cleaned_data.get("ally") if valid else ""
        relation = rows_form.cleaned_data.get("relation") if valid else ""
        if relation and not ally:
            rows_form.add_error("relation", "Choose the ally whose relation to the US date this is.")
            valid = False
        shown = rows
        if ally:
            wanted = {relation} if relation else set(RELATIONS) - {"never"}
            shown = [row for row in rows if row.allies[ally]["relation"] in wanted]
        paginator = Paginator(shown, PAGE_SIZE)
        number = self.request.GET.get("page") or 1
        if number == "last":
            number = paginator.num_pages
        try:
            page_obj = paginator.page(number)
        except InvalidPage as error:
            raise Http404("No such page.") from error
        years, chart = years_table(figures)
        filters = [(key, value) for key in FILTERS for value in self.request.GET.getlist(key)]
        query = [*filters, *((key, value) for key in ("ally", "relation") for value in self.request.GET.getlist(key))]
        context.update(
            {
                "filterset": filterset,
                "rows_form": rows_form,
                "rows_form_invalid": not valid,
                "allies": ally_figures(figures),
                "overlap": overlap_table(rows),
                "regimes": regimes_table(),
                "regimes_url": reverse("allies-api:coordination-regimes"),
                "ally_names": [ALLY_NAMES[ally] for ally in ALLIES],
                "relation_labels": RELATION_LABELS,
                "date_kind_labels": DATE_KIND_LABELS,
                "total": len(rows),
                "shown_total": len(shown),
                "years": years,
                "chart": chart,
                "page_obj": page_obj,
                "rows": [display_row(row) for row in page_obj.object_list],
                "query": query_without(self.request, "page"),
                "api_url": f"{reverse('allies-api:coordination')}?{urlencode(query)}",
                "csv_url": f"{reverse('allies-api:coordination')}?{urlencode([('format', 'csv'), *query])}",
                "summary_url": f"{reverse('allies-api:coordination-summary')}?{urlencode(filters)}",
            }
        )
        return context


def designee_allied_panel(designee: Designee) -> dict | None:
    """The designee page's panel of allied designations: the allied entries tied to the designee (linked
    automatically with confidence, confirmed or linked by an editor), each designation with its list, regime
    and date with its kind, and each US human-rights designation's relation to each ally; and how many possible
    matches wait for an editor. None when the designee has neither (one query: most designees)."""
    links = list(
        PartyLink.objects.filter(designee=designee, state__in=(*PartyLink.SAME_PARTY, PartyLink.State.PENDING))
        .select_related("entry")
        .prefetch_related("entry__designations")
        .order_by("entry__publisher", "entry__list_slug", "entry__source_uid")
    )
    if not links:
        return None  # most designees: one query, and no panel
    same_party = [link for link in links if link.state in PartyLink.SAME_PARTY]
    pending = len(links) - len(same_party)
    rows = []
    if same_party:
        rows = coordination_rows(
            Designation.objects.filter(designee=designee).order_by(F("listed_on").asc(nulls_last=True))
        )
    designations = []
    for link in same_party:
        entry = link.entry
        for designation in sorted(entry.designations.all(), key=lambda d: d.regime_code):
            date = coordination_date(designation)
            designations.append(
                {
                    "ally": entry.get_publisher_display(),
                    "list": entry.list_slug,
                    "entry_id": entry.source_uid,
                    "entry_name": entry.name,
                    "regime": designation.regime,
                    "regime_code": designation.regime_code,
                    "reference": designation.reference,
                    "date": date,
                    "still_listed": designation.is_listed and entry.is_listed,
                    "link": LINK_LABELS[link.state],
                    "link_state": link.state,
                }
            )
    return {
        "template": "allies/_designee_panel.html",
        "designations": designations,
        "pending": pending,
        "relations": [display_row(row) for row in rows],
        "ally_names": [ALLY_NAMES[ally] for ally in ALLIES],
    }


def coordination_date(designation) -> dict | None:
    """An allied designation's date as the coordination reads it (``allies.coordination.ally_date``)."""
    date = coordination_bracket(designation.dates or [], designation.listed_on)
    if date is None:
        return None
    return {
        "day": date.latest,
        "on_or_before": date.earliest != date.latest,
        "kind": date.kind,
        "kind_label": DATE_KIND_LABELS.get(date.kind, date.kind),
        "stand_in": date.stand_in,
    }


def subject_allied_panel(subject) -> dict | None:
    """A country's, a program's or an authority's panel of coordination: per ally, how many of the US
    human-rights designations of the page's subject it also designated, and when, with a link to the rows
    on the coordination page. None when the subject has no such designation (a program outside human rights,
    a country without one)."""
    from designations.models import Country
    from programs.models import Authority

    designations = Designation.objects.filter(program__is_human_rights=True)
    if isinstance(subject, Country):
        designations = designations.filter(designee__country_links__country=subject).distinct()
        query = {"country": subject.code}
    elif isinstance(subject, Program):
        if not subject.is_human_rights:
            return None
        designations = designations.filter(program=subject)
        query = {"program": subject.code}
    elif isinstance(subject, Authority):
        designations = designations.filter(authority=subject)
        query = {}
    else:
        return None
    # Cached until the data changes, as the page's other aggregates are.
    scope = f"allied-panel:{type(subject).__name__}:{subject.pk}"
    computed = PageStats(scope).get("figures", lambda: _subject_figures(designations))
    if computed is None:
        return None
    total, figures = computed
    allies = [
        {
            "name": ALLY_NAMES[ally],
            "designated": figures[ally]["designated_by_ally"],
            "relations": figures[ally]["relations"],
            "median": figures[ally]["median_days_us_to_ally"],
            "pairs": figures[ally]["exactly_dated_pairs"],
            "stand_ins": figures[ally]["exactly_dated_pairs_on_stand_ins"],
        }
        for ally in ALLIES
    ]
    return {
        "template": "allies/_subject_panel.html",
        "anchor": "allied-coordination",  # the section's heading id, for a page's menu
        "title": "Allies acting on the same parties",
        "total": total,
        "allies": allies,
        "url": f"{reverse('allies:coordination')}?{urlencode(query)}" if query else reverse("allies:coordination"),
    }


def _subject_figures(designations) -> tuple[int, dict] | None:
    rows = coordination_rows(designations)
    return (len(rows), summary(rows)) if rows else None
