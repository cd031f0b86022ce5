"""The filter form's pickers and the chips of active filters: programs, authorities and countries offered as
searchable lists of check boxes, each named, coded and counted within the page's scope, and one removable chip
per active filter value above the results."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, QuerySet
from django.utils.dateformat import format as format_date
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from designations.filtersets import DesignationFilterSet
from designations.models import Country
from designations.views.common import PAGE_KEYS, PageStats, designation_stats
from tracker.filters import ListChoiceFilter, ListModelChoiceFilter, split_values

# Filters a page's form offers as a searchable list of check boxes: the values with designations in the page's
# scope, each named, coded and counted. The noun names them in the list's messages ("3 of 35 programs").
PICKER_NOUNS = {
    "program": ("program", "programs"),
    "authority": ("authority", "authorities"),
    "country": ("country", "countries"),
}


def picker_rows(name: str, queryset: QuerySet, page_stats: PageStats, country_role: str | None = None) -> list[dict]:
    """The values of the filter ``name`` (``program``, ``authority`` or ``country``) that designations of
    ``queryset`` carry, as ``{"code", "name", "counts": {status: count}}``, from one grouped query (names
    included), cached within the page's scope (the per-status counts let the page count what its status
    filter keeps)."""

    def compute() -> list[dict]:
        if name == "country":
            rows = designation_stats(queryset, group_by=["country", "status"], country_role=country_role)
            found = [(row["country"], row["country_name"], row["status"], row["count"]) for row in rows]
        else:
            found = (
                queryset.order_by()
                .prefetch_related(None)
                .select_related(None)
                .values_list(f"{name}__code", f"{name}__name", "status")
                .annotate(count=Count("pk"))
            )
        values: dict[str, dict] = {}
        for code, title, status, count in found:
            if code is not None:
                value = values.setdefault(code, {"code": code, "name": title or "", "counts": {}})
                value["counts"][status] = value["counts"].get(status, 0) + count
        return list(values.values())

    return page_stats.get(f"picker:{name}:{country_role or ''}", compute)


def _picker_label(code: str, name: str) -> str:
    """ "Global Magnitsky (GLOMAG)": the name with its code, or the code alone when it has no other name."""
    name = (name or "").strip()
    return f"{name} ({code})" if name and name.casefold() != code.casefold() else code


def offer_picker_choices(
    filterset: DesignationFilterSet, queryset: QuerySet, page_stats: PageStats, names: Sequence[str]
) -> None:
    """Give each filter of ``names`` shown in the form the options its picker offers (``field.picker``): the
    values with designations in ``queryset`` (the page's scope, before its filters) that the status chosen
    keeps, and the values already chosen, each with the count of designations it gives, by name.

    The counts come from ``picker_rows`` (one grouped query per filter, cached with the page's other
    aggregates); they count the page's scope with the status filter (by default the designations in force),
    not the form's other filters, so they hold as the table is filtered in place.
    """
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    statuses = set(cleaned.get("status") or ()) or None
    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        role = (cleaned.get("country_role") or None) if name == "country" else None
        chosen = {obj.code.upper(): obj for obj in cleaned.get(name) or ()}
        options = []
        for row in picker_rows(name, queryset, page_stats, role):
            count = sum(n for status, n in row["counts"].items() if statuses is None or status in statuses)
            if count or row["code"].upper() in chosen:
                options.append({"code": row["code"], "label": _picker_label(row["code"], row["name"]), "count": count})
        offered = {option["code"].upper() for option in options}
        options += [
            {"code": obj.code, "label": _picker_label(obj.code, obj.name), "count": 0}
            for folded, obj in chosen.items()
            if folded not in offered
        ]
        for option in options:
            option["checked"] = option["code"].upper() in chosen
        options.sort(key=lambda option: (option["label"].casefold(), option["code"]))
        one, many = PICKER_NOUNS[name]
        field.picker = {"options": options, "noun": one, "nouns": many, "items": _picker_items(name, options)}


def _picker_items(name: str, options: list[dict]) -> str:
    """The picker's check boxes as list items, built here rather than in a template loop: a country list holds
    a few hundred, which Django's template engine takes tens of milliseconds to render."""
    return format_html_join(
        "\n",
        '<li><label for="id_{0}_{1}"><input type="checkbox" name="{0}" value="{2}" id="id_{0}_{1}"{3}> {4} '
        '<span class="count">\u00b7 {5}</span></label></li>',
        (
            (
                name,
                index,
                option["code"],
                mark_safe(" checked") if option["checked"] else "",
                option["label"],
                f"{option['count']:,}",
            )
            for index, option in enumerate(options)
        ),
    )


# Names of the filters on a chip ("Program: GLOMAG"), where the form's own label would not read well there.
CHIP_LABELS = {
    "designee_id": "Designee (ID)",
    "program": "Program",
    "program_id": "Program",
    "authority": "Authority",
    "authority_id": "Authority",
    "agency": "Agency",
    "country": "Country",
    "country_role": "Country role",
    "kind": "Kind",
    "status": "Status",
    "listed_after": "Listed after",
    "listed_before": "Listed before",
    "delisted_after": "Delisted after",
    "delisted_before": "Delisted before",
    "as_of": "As of",
    "date_certainty": "Date certainty",
    "identifier_type": "Identifier type",
    "identifier": "Identifier",
    "category": "Category",
    "review_state": "Review state",
    "q": "Search",
}
# Query-string keys a chip never stands for: the page's state, kept in every chip's link but the page number.
_CHIPLESS_KEYS = ("filtered", "sort")


def _chip_value(field: forms.Field | None, cleaned, name: str, raw: str) -> str:
    """One value of a filter as a chip says it: a code, a country's name, a choice's label, a date as
    "1 Jan 2022", typed text in quotes; the value as typed when the filter could not use it."""
    if isinstance(cleaned, (list, tuple, QuerySet)):
        for item in cleaned:
            code = getattr(item, "code", None)
            if code is not None and (str(code).upper() == raw.upper() or str(item.pk) == raw):
                return item.name if isinstance(item, Country) else str(code)
        # A model field's choices would be read from the database: its values were found above, or are bad.
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            labels = {str(key).casefold(): label for key, label in field.choices}
            return str(labels.get(raw.casefold(), raw))
        return raw
    if isinstance(cleaned, datetime.date):
        return format_date(cleaned, "j M Y")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField) and cleaned:
        return str(dict(field.choices).get(cleaned, cleaned))
    if isinstance(field, forms.CharField):
        return f"\u201c{raw}\u201d"
    return raw


def filter_chips(request, filterset, as_of: datetime.date | None = None) -> dict:
    """The filters the query string holds, one chip per value, each a link to the same page without that value.

    Returns ``filter_chips`` (``label``: "Program: GLOMAG", ``url``) and ``clear_filters_url`` (the page
    without any filter, its sort kept). A comma list counts as its values (``program=GLOMAG,UHRPA`` gives two
    chips, and removing one keeps the other). A link keeps ``filtered=1`` when the page was filtered, so
    taking away the last filter does not bring back the page's default (designations in force). The page
    number is dropped: the rows change.
    """
    form = filterset.form if filterset is not None else None
    cleaned = getattr(form, "cleaned_data", {}) if form is not None else {}
    filters = filterset.filters if filterset is not None else {}
    params: list[tuple[str, str]] = []
    for key, values in request.GET.lists():
        if key == "page":
            continue
        multiple = isinstance(filters.get(key), (ListChoiceFilter, ListModelChoiceFilter))
        for value in values:
            params += [(key, item) for item in (split_values(value) if multiple else [value.strip()]) if item]
    submitted = any(key not in PAGE_KEYS for key, _ in params) or "filtered" in request.GET
    chips = []
    for index, (key, value) in enumerate(params):
        if key in _CHIPLESS_KEYS or (key not in filters and key != "as_of"):
            continue
        if key == "as_of":
            words = format_date(as_of, "j M Y") if as_of else value
        else:
            field = form.fields.get(key) if form is not None else None
            words = _chip_value(field, cleaned.get(key), key, value)
        rest = params[:index] + params[index + 1 :]
        if submitted and not any(name == "filtered" for name, _ in rest):
            rest.insert(0, ("filtered", "1"))
        chips.append({"label": f"{CHIP_LABELS.get(key, key)}: {words}", "url": f"{request.path}?{urlencode(rest)}"})
    kept = [(key, value) for key, value in params if key == "sort"]
    return {
        "filter_chips": chips,
        "clear_filters_url": f"{request.path}?{urlencode(kept)}" if kept else request.path,
    }
