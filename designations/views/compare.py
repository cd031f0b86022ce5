"""The compare page: two to six countries, or two to six programs, side by side.

For each subject it shows the designations in force (on the data's date, or on ``?as_of=YYYY-MM-DD``), the
designees they name, the dated listings and the delistings, the programs (of a country) or the countries (of
a program) with most designations in force, and listings per month on one chart with a series per subject.
Every figure is counted as the subject's own page counts it, under the same ``PageStats`` scope, so the two
pages agree and share their cache. ``?format=csv`` answers the comparison table as CSV.

Subjects are chosen by ``country`` (ISO code or name) or ``program`` (code), repeated or comma-separated.
An unknown one, more than six, countries mixed with programs, a bad ``as_of`` or a ``format`` other than
``csv`` gets the page with the message and HTTP 400 (``ParameterChecksMixin``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.dateformat import format as format_date
from django.utils.text import Truncator
from django.views.generic import TemplateView

from designations.context_processors import data_date_for
from designations.models import Country, Designation
from designations.views.common import (
    PageStats,
    ParameterChecksMixin,
    breakdown,
    date_certainty,
    every_month,
    in_force,
    parse_as_of,
    sum_by,
    timeline,
)
from designations.views.querystring import query_without
from programs.models import Program
from tracker.csv import csv_response, csv_value
from tracker.filters import split_values

MAX_SUBJECTS = 6
TOP = 5
CSV_HEADER = (
    "kind",
    "code",
    "name",
    "as_of",
    "in_force",
    "designees",
    "listings",
    "listings_not_in_one_month",
    "delistings",
    "top",
)


@dataclass
class Subject:
    """One country or program as the compare page shows it."""

    kind: str  # "country" or "program"
    code: str
    name: str
    url: str
    in_force: int
    designees: int
    timeline: dict
    # The programs of a country, or the countries of a program, with most designations in force: rows of
    # ``breakdown`` (code, object, count), largest first.
    top: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How the chart's legend and the tables' headings name it: a country by name, a program by code."""
        return self.name if self.kind == "country" else self.code


def _designees(page_stats: PageStats, current: QuerySet) -> int:
    return page_stats.get("designees-in-force", lambda: current.values("designee_id").distinct().count())


def country_subject(
    country: Country, as_of: datetime.date | None, certainty: str, programs: dict[str, Program]
) -> Subject:
    """A country's figures, counted as ``CountryDetailView`` counts them (same scope, same statistics)."""
    everything = Designation.objects.for_country(country.code)
    current = in_force(everything, as_of, certainty)
    page_stats = PageStats(f"country:{country.code}:{as_of}:{certainty}")
    by_program_authority = page_stats.stats("by-program-authority", current, group_by=["program", "authority"])
    by_program = breakdown(sum_by(by_program_authority, "program"), "program", programs)
    return Subject(
        kind="country",
        code=country.code,
        name=country.name,
        url=country.get_absolute_url(),
        in_force=sum(row["count"] for row in by_program),
        designees=_designees(page_stats, current),
        timeline=timeline(everything, as_of, page_stats),
        top=by_program[:TOP],
    )


def program_subject(
    program: Program, as_of: datetime.date | None, certainty: str, countries: dict[str, Country]
) -> Subject:
    """A program's figures, counted as ``ProgramDetailView`` counts them (same scope, same statistics)."""
    everything = Designation.objects.filter(program=program)
    current = in_force(everything, as_of, certainty)
    page_stats = PageStats(f"program:{program.pk}:{as_of}:{certainty}")
    by_country = breakdown(page_stats.stats("by-country", current, group_by=["country"]), "country", countries)
    return Subject(
        kind="program",
        code=program.code,
        name=program.name or program.code,
        url=program.get_absolute_url(),
        in_force=page_stats.get("in-force", current.count),
        designees=_designees(page_stats, current),
        timeline=timeline(everything, as_of, page_stats),
        top=by_country[:TOP],
    )


def compare_timeline(subjects: list[Subject]) -> dict:
    """Listings per month of every subject: ``rows`` (the months with a listing, each with one count per
    subject, for the table) and ``chart`` (every month from the first listing to the last, one series per
    subject, for ``static/js/charts.js``)."""
    listed = [
        {row["month"]: row["listed"] for row in subject.timeline["rows"] if row["listed"]} for subject in subjects
    ]
    months = sorted({month for counts in listed for month in counts})
    axis = every_month(months[0], months[-1]) if months else []
    return {
        "rows": [{"month": month, "counts": [counts.get(month, 0) for counts in listed]} for month in months],
        "chart": {
            "type": "timeline",
            "labels": axis,
            "series": [
                {"label": subject.label, "data": [counts.get(month, 0) for month in axis]}
                for subject, counts in zip(subjects, listed, strict=True)
            ],
        },
    }


def _shown(value: str) -> str:
    """A value the page could not use, as its message quotes it (cut short: the box above holds it whole)."""
    return f"\u201c{Truncator(value).chars(24)}\u201d"


def _resolve(values: list[str], lookup: dict[str, object]) -> tuple[list, list[str]]:
    """The objects ``values`` name (by ``lookup``'s case-folded keys, each once, in order) and the values
    naming none."""
    found, unknown = [], []
    for value in values:
        obj = lookup.get(value.casefold())
        if obj is None:
            unknown.append(value)
        elif obj not in found:
            found.append(obj)
    return found, unknown


class CompareView(ParameterChecksMixin, TemplateView):
    """Two to six countries or programs side by side (see the module docstring)."""

    template_name = "designations/compare.html"
    extra_query_params = ("country", "program", "as_of", "date_certainty", "format")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("errors"):
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        as_of, as_of_error = parse_as_of(request)
        certainty = date_certainty(request)
        countries = {country.code: country for country in Country.objects.order_by("name")}
        programs = {program.code: program for program in Program.objects.order_by("code")}
        country_values = split_values(request.GET.getlist("country"))
        program_values = split_values(request.GET.getlist("program"))
        errors = [as_of_error] if as_of_error else []
        output = request.GET.get("format", "")
        if output not in ("", "csv"):
            errors.append("format: Only csv is offered (leave format out for the page).")

        kind = "country" if country_values else "program" if program_values else ""
        chosen: list = []
        if country_values and program_values:
            errors.append("country, program: Compare countries or programs, not both at once.")
        elif len({value.casefold() for value in country_values + program_values}) > MAX_SUBJECTS:
            noun = "countries" if kind == "country" else "programs"
            given = len(country_values or program_values)
            errors.append(f"{kind}: At most {MAX_SUBJECTS} {noun} can be compared ({given} given).")
        elif kind == "country":
            lookup = {country.name.casefold(): country for country in countries.values()}
            lookup.update({code.casefold(): country for code, country in countries.items()})
            chosen, unknown = _resolve(country_values, lookup)
            if unknown:
                names = ", ".join(_shown(value) for value in unknown)
                errors.append(f"country: No country has the code or name {names}.")
        elif kind == "program":
            chosen, unknown = _resolve(program_values, {code.casefold(): p for code, p in programs.items()})
            if unknown:
                names = ", ".join(_shown(value) for value in unknown)
                errors.append(f"program: No program has the code {names}.")

        if kind == "country":
            subjects = [country_subject(country, as_of, certainty, programs) for country in chosen]
        else:
            subjects = [program_subject(program, as_of, certainty, countries) for program in chosen]
        pad = [""] * MAX_SUBJECTS
        context.update(
            {
                "as_of": as_of,
                "as_of_error": as_of_error,
                "errors": errors,
                "output": output,
                "kind": kind,
                "subjects": subjects,
                "compared": compare_timeline(subjects),
                "country_inputs": (country_values + pad)[:MAX_SUBJECTS],
                "program_inputs": (program_values + pad)[:MAX_SUBJECTS],
                "country_choices": list(countries.values()),
                "program_choices": list(programs.values()),
                "query": query_without(request, "format"),
                "page_title": self.title(subjects, as_of),
            }
        )
        return context

    @staticmethod
    def title(subjects: list[Subject], as_of: datetime.date | None) -> str:
        """ "Compare: China, Russia", with the day when ``as_of`` is given."""
        if not subjects:
            return "Compare countries or programs"
        day = f", in force on {format_date(as_of, 'j M Y')}" if as_of else ""
        return f"Compare: {', '.join(subject.label for subject in subjects)}{day}"

    def render_to_response(self, context, **response_kwargs):
        if context["output"] == "csv" and not context["errors"]:
            day = context["as_of"] or data_date_for(self.request).day
            rows = (
                [
                    csv_value(value)
                    for value in (
                        subject.kind,
                        subject.code,
                        subject.name,
                        day,
                        subject.in_force,
                        subject.designees,
                        subject.timeline["listed"],
                        subject.timeline["undated"],
                        subject.timeline["delisted"],
                        [f"{row['code']}:{row['count']}" for row in subject.top],
                    )
                ]
                for subject in context["subjects"]
            )
            return csv_response("compare.csv", CSV_HEADER, rows)
        return super().render_to_response(context, **response_kwargs)
