"""Coordination: for each US designation under a human-rights or anti-corruption program, which allies
designated the same party (``PartyLink``), under which regime, and when relative to the US.

Dates and their certainty:

* The US date is the designation's listing bracket: ``listed_earliest`` .. ``listed_on`` (one day when it is
  known to the day; from the first list held back to nothing when it is known only "on or before" it).
* An ally's date is, per allied designation, the publisher's own listing date (``listed``, an exact day)
  when the list gives one. Otherwise a stand-in, named as such in ``date_kind`` and ``stand_in``: OFSI's
  ``first_listed`` (when its list took the entry in) and the EU's ``regulation_published`` (the earliest
  legal act the entry cites: the listing day when the listing act is still cited, later otherwise) are used
  as the day; DFAT's ``control_date`` (the last change) only says the listing was on or before it, so the
  ally's date is then a bracket open to the past.

The relation of an ally to a US designation (``RELATIONS``) compares the two brackets: ``same_day``,
``within_30_days`` (either side, not the same day), ``ally_before`` and ``ally_after`` (more than 30 days),
``never`` (no linked designation of that ally). When the brackets allow more than one answer the relation is
``uncertain`` and ``possible`` lists the answers they allow. Per ally the earliest dated designation of the
linked entries counts (under any of its regimes; each is listed).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from allies.models import AlliedDesignation, PartyLink
from designations.models import DatePrecision, Designation, DesigneeCountry

ALLIES = ("uk", "eu", "ca", "au")
WINDOW = 30
RELATIONS = ("same_day", "within_30_days", "ally_before", "ally_after", "never", "uncertain")
# Date kinds that give the ally's listing day exactly, and stand-ins that bound it (lower, upper).
EXACT_KINDS = ("listed",)
STAND_INS = {
    "first_listed": "exact",  # the day OFSI's list took the entry in: the UK listing as far as OFSI says
    "regulation_published": "exact",  # the EU listing act's day, or a later act's: never before the listing
    "control_date": "upper",  # DFAT's last change: the listing was on or before it
}
EARLIEST_HELD = datetime.date(1990, 1, 1)  # a bracket open to the past starts here, before any program compared


@dataclass
class AllyDate:
    """An allied designation's date as a bracket, with the kind of date it rests on."""

    earliest: datetime.date
    latest: datetime.date
    kind: str
    stand_in: bool


def ally_date(dates: Iterable[dict], listed_on: datetime.date | None) -> AllyDate | None:
    """The bracket of an allied designation's listing day from the dates the list gives (see the docstring)."""
    if listed_on:
        return AllyDate(listed_on, listed_on, "listed", False)
    by_kind: dict[str, datetime.date] = {}
    for item in dates:
        day = datetime.date.fromisoformat(item["date"])
        kind = item["kind"]
        if kind in STAND_INS and (kind not in by_kind or day < by_kind[kind]):
            by_kind[kind] = day
    for kind, bound in STAND_INS.items():
        if kind in by_kind:
            day = by_kind[kind]
            if bound == "exact":
                return AllyDate(day, day, kind, True)
            return AllyDate(EARLIEST_HELD, day, kind, True)
    return None


def relation(us: tuple[datetime.date, datetime.date], ally: AllyDate) -> tuple[str, list[str], tuple[int, int]]:
    """(relation, the relations possible, (fewest, most) days from the US date to the ally's).

    The days from the US listing to the ally's can be anything from ``low`` to ``high``; each relation is a
    band of those days, and every band the range reaches is possible.
    """
    low = (ally.earliest - us[1]).days
    high = (ally.latest - us[0]).days
    possible = []
    if low < -WINDOW:
        possible.append("ally_before")
    if (low <= -1 and high >= -WINDOW) or (low <= WINDOW and high >= 1):
        possible.append("within_30_days")
    if low <= 0 <= high:
        possible.append("same_day")
    if high > WINDOW:
        possible.append("ally_after")
    return (possible[0] if len(possible) == 1 else "uncertain"), possible, (low, high)


@dataclass
class Row:
    designation_id: int
    designee_id: int
    designee_name: str
    designee_kind: str
    program: str
    us_listed: dict
    countries: list[str]
    allies: dict[str, dict] = field(default_factory=dict)


def us_bracket(listed_on, precision, earliest) -> tuple[datetime.date, datetime.date] | None:
    if listed_on is None:
        return None
    if precision == DatePrecision.ON_OR_BEFORE:
        return (EARLIEST_HELD, listed_on)
    return (earliest or listed_on, listed_on)


def coordination_rows(designations=None) -> list[Row]:
    """One row per US designation under a human-rights program (``designations`` narrows them), with each
    ally's relation. Five queries whatever the number of rows."""
    queryset = designations if designations is not None else Designation.objects.all()
    queryset = queryset.filter(program__is_human_rights=True).order_by("listed_on", "pk")
    rows = list(
        queryset.values_list(
            "pk",
            "designee_id",
            "designee__name",
            "designee__kind",
            "program__code",
            "listed_on",
            "listed_precision",
            "listed_earliest",
            "status",
            "delisted_on",
        )
    )
    designee_ids = {row[1] for row in rows}
    countries: dict[int, set[str]] = defaultdict(set)
    personal = DesigneeCountry.objects.filter(
        designee_id__in=designee_ids, role__in=("nationality", "citizenship", "place_of_birth")
    )
    for designee_id, code in personal.values_list("designee_id", "country__code"):
        countries[designee_id].add(code)
    links: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for designee_id, entry_id, state in PartyLink.objects.filter(
        designee_id__in=designee_ids, state__in=PartyLink.SAME_PARTY
    ).values_list("designee_id", "entry_id", "state"):
        links[designee_id].append((entry_id, state))
    entry_ids = {entry_id for pairs in links.values() for entry_id, _ in pairs}
    allied: dict[int, list[dict]] = defaultdict(list)
    for values in AlliedDesignation.objects.filter(entry_id__in=entry_ids).values(
        "entry_id",
        "entry__publisher",
        "entry__list_slug",
        "entry__source_uid",
        "entry__name",
        "regime",
        "regime_code",
        "theme",
        "reference",
        "listed_on",
        "dates",
        "is_listed",
    ):
        allied[values["entry_id"]].append(values)
    answer = []
    for pk, designee_id, name, kind, program, listed_on, precision, earliest, status, delisted_on in rows:
        bracket = us_bracket(listed_on, precision, earliest)
        row = Row(
            designation_id=pk,
            designee_id=designee_id,
            designee_name=name,
            designee_kind=kind,
            program=program,
            us_listed={
                "on": listed_on.isoformat() if listed_on else None,
                "earliest": bracket[0].isoformat() if bracket and bracket[0] != bracket[1] else None,
                "precision": precision,
                "status": status,
                "delisted_on": delisted_on.isoformat() if delisted_on else None,
            },
            countries=sorted(countries.get(designee_id, ())),
        )
        for ally in ALLIES:
            row.allies[ally] = _ally_answer(ally, bracket, links.get(designee_id, ()), allied)
        answer.append(row)
    return answer


def _ally_answer(ally, bracket, links, allied) -> dict:
    designations = []
    for entry_id, state in links:
        for values in allied.get(entry_id, ()):
            if values["entry__publisher"] != ally:
                continue
            date = ally_date(values["dates"], values["listed_on"])
            designations.append(
                {
                    "regime_code": values["regime_code"],
                    "regime": values["regime"],
                    "theme": values["theme"],
                    "list": values["entry__list_slug"],
                    "entry": values["entry__source_uid"],
                    "name": values["entry__name"],
                    "reference": values["reference"],
                    "date": date.latest.isoformat() if date else None,
                    "date_earliest": date.earliest.isoformat() if date and date.earliest != date.latest else None,
                    "date_kind": date.kind if date else None,
                    "stand_in": date.stand_in if date else None,
                    "still_listed": values["is_listed"],
                    "link": state,
                    "_date": date,
                }
            )
    if not designations:
        return {"relation": "never", "possible": ["never"], "days": None, "designations": []}
    dated = [d for d in designations if d["_date"]]
    # The ally's first act: the designation whose date can be earliest, exact days before stand-ins.
    first = min(dated, key=lambda d: (d["_date"].latest, d["_date"].stand_in), default=None)
    for d in designations:
        d.pop("_date")
    if first is None or bracket is None:
        return {"relation": "uncertain", "possible": [], "days": None, "designations": designations}
    date = ally_date_of(first)
    name, possible, days = relation(bracket, date)
    return {
        "relation": name,
        "possible": possible,
        "days": list(days),
        "date_kind": date.kind,
        "stand_in": date.stand_in,
        "designations": designations,
    }


def ally_date_of(designation: dict) -> AllyDate:
    latest = datetime.date.fromisoformat(designation["date"])
    earliest = datetime.date.fromisoformat(designation["date_earliest"]) if designation["date_earliest"] else latest
    return AllyDate(earliest, latest, designation["date_kind"], designation["stand_in"])


def _year(listed: dict) -> str:
    """The US listing's year when its whole bracket lies in one year, else ``undated``."""
    if not listed["on"] or listed["precision"] == DatePrecision.ON_OR_BEFORE:
        return "undated"
    earliest = listed["earliest"] or listed["on"]
    return listed["on"][:4] if earliest[:4] == listed["on"][:4] else "undated"


def summary(rows: list[Row]) -> dict:
    """Per ally: how many of the rows it also designated, the share by US listing year (coordinated = same
    day or within 30 days, certain only; a year only when the US bracket lies in it), the median days from
    the US date to the ally's (rows dated to one day on both sides), who moved first, and how many of those
    rest on a stand-in date of the ally's."""
    answer: dict[str, dict] = {}
    for ally in ALLIES:
        relations: dict[str, int] = defaultdict(int)
        by_year: dict[str, dict[str, int]] = defaultdict(lambda: {"us": 0, "designated": 0, "coordinated": 0})
        lags: list[int] = []
        stand_ins = 0
        for row in rows:
            result = row.allies[ally]
            relations[result["relation"]] += 1
            year = _year(row.us_listed)
            by_year[year]["us"] += 1
            if result["relation"] != "never":
                by_year[year]["designated"] += 1
            if result["relation"] in ("same_day", "within_30_days"):
                by_year[year]["coordinated"] += 1
            days = result["days"]
            if days and days[0] == days[1]:
                lags.append(days[0])
                stand_ins += bool(result.get("stand_in"))
        answer[ally] = {
            "us_designations": len(rows),
            "designated_by_ally": sum(n for name, n in relations.items() if name != "never"),
            "relations": {name: relations.get(name, 0) for name in RELATIONS},
            "median_days_us_to_ally": statistics.median(lags) if lags else None,
            "exactly_dated_pairs": len(lags),
            "exactly_dated_pairs_on_stand_ins": stand_ins,
            "ally_first": sum(1 for lag in lags if lag < 0),
            "us_first": sum(1 for lag in lags if lag > 0),
            "same_day": sum(1 for lag in lags if lag == 0),
            "by_us_year": dict(sorted(by_year.items())),
        }
    return answer


def overlap(rows: list[Row]) -> list[dict]:
    """How many of the rows each combination of allies also designated (any relation but ``never``): one
    ``{"allies": [...], "count": n}`` per combination found, ``[]`` being the US alone; largest first."""
    combinations = Counter(tuple(ally for ally in ALLIES if row.allies[ally]["relation"] != "never") for row in rows)
    ordered = sorted(combinations.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    return [{"allies": list(allies), "count": count} for allies, count in ordered]


def jurisdiction_split(designations):
    """The statistics' ``jurisdiction`` grouping (``designations.stats.register_split``): every designation
    under ``us``, and under each ally whose list holds an entry tied to its designee as the same party
    (``PartyLink.SAME_PARTY``: linked, confirmed or linked by hand), under any of the ally's regimes."""
    yield "us", designations
    for ally in ALLIES:
        tied = PartyLink.objects.filter(
            state__in=PartyLink.SAME_PARTY, entry__publisher=ally, entry__designations__isnull=False
        ).values("designee_id")
        yield ally, designations.filter(designee_id__in=tied)


def regime_table() -> list[dict]:
    """The allied regimes compared with the US programs (``allies.regimes.REGIMES``): each with its ally, the
    agency, its legal instruments and the dated step of each one's lifecycle, and per list held, what the list
    carries under it (entries still listed, entries no longer listed, the first listing date it gives, and
    entries tied to a US designee as the same party). Two queries."""
    from django.db.models import Count, Min, Q

    from allies.regimes import AGENCIES, REGIMES

    codes = [regime.code for regime in REGIMES]
    held = Q(is_listed=True, entry__is_listed=True)
    per_list: dict[str, dict[str, dict]] = defaultdict(dict)
    for values in (
        AlliedDesignation.objects.filter(regime_code__in=codes)
        .values("regime_code", "entry__list_slug")
        .annotate(listed=Count("pk", filter=held), removed=Count("pk", filter=~held), first=Min("listed_on"))
        .order_by()
    ):
        per_list[values["regime_code"]][values["entry__list_slug"]] = {
            "list": values["entry__list_slug"],
            "listed": values["listed"],
            "removed": values["removed"],
            "first_listed_on": values["first"].isoformat() if values["first"] else None,
            "tied_to_us": 0,
        }
    tied = (
        AlliedDesignation.objects.filter(regime_code__in=codes, entry__party_links__state__in=PartyLink.SAME_PARTY)
        .values("regime_code", "entry__list_slug")
        .annotate(entries=Count("entry", distinct=True))
        .order_by()
    )
    for values in tied:
        per_list[values["regime_code"]][values["entry__list_slug"]]["tied_to_us"] = values["entries"]
    return [
        {
            "code": regime.code,
            "ally": regime.publisher,
            "agency": AGENCIES[regime.publisher],
            "title": regime.title,
            "theme": regime.theme,
            "instruments": [
                {
                    "title": instrument.title,
                    "citation": instrument.citation,
                    "date": instrument.date.isoformat() if instrument.date else None,
                    "date_kind": instrument.date_kind,
                    "source": instrument.source,
                    "verified": instrument.verified,
                }
                for instrument in regime.instruments
            ],
            "lists": sorted(per_list[regime.code].values(), key=lambda item: item["list"]),
        }
        for regime in REGIMES
    ]
