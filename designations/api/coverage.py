"""What the API's dated answers carry: ``data_as_of`` and a ``coverage`` object (``designations.coverage``).

``/api/designations/`` carries them when the request asks about dates (``as_of``, ``listed_after``,
``listed_before``, ``delisted_after``, ``delisted_before``); ``/api/stats/`` and ``/api/changes/`` always.
The JSON schemas here document them in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Any

from designations.coverage import DateQuestion, designation_coverage
from designations.filtersets import DesignationFilterSet
from tracker import dataversion
from tracker.pagination import LimitOffsetPagination

_DATE = {"type": "string", "format": "date", "nullable": True}
_COUNT = {"type": "integer"}
EVIDENCE_SCHEMA = {
    "type": "object",
    "description": "The list states the dates rest on: the earliest held and the newest (the data's date).",
    "properties": {"first_list_state": _DATE, "last_list_state": _DATE},
}
PRECISION_SCHEMA = {
    "type": "object",
    "description": (
        "Rows by how precisely the date is known: to the day; to a bracket (between two list states, a month "
        "or a year); only 'on or before' the first list state held; not dated."
    ),
    "properties": {"day": _COUNT, "bracket": _COUNT, "on_or_before": _COUNT, "undated": _COUNT},
}
DATA_AS_OF_SCHEMA = {
    **_DATE,
    "description": (
        "The data's own date: the OFAC SDN list as of this day (the newest snapshot imported). 'Active' and "
        "'in force' without as_of mean on this day."
    ),
}
CAVEATS_SCHEMA = {
    "type": "array",
    "items": {"type": "string"},
    "description": "Plain words on what the figures cannot say (e.g. a question reaching before the evidence).",
}
DESIGNATION_COVERAGE_SCHEMA = {
    "type": "object",
    "description": (
        "What the answer's dates rest on. `rows`: designations answering the date criteria at `date_certainty`; "
        "`listed`/`delisted`: how precisely their dates are known (`delisted` counts rows with a delisting "
        "date); `possibly_more`: how many more designations possibly answer (brackets that straddle a date "
        "asked; 0 with date_certainty=possible)."
    ),
    "properties": {
        "data_as_of": DATA_AS_OF_SCHEMA,
        "evidence": EVIDENCE_SCHEMA,
        "date_certainty": {"type": "string", "enum": ["certain", "possible"]},
        "rows": _COUNT,
        "listed": PRECISION_SCHEMA,
        "delisted": PRECISION_SCHEMA,
        "possibly_more": _COUNT,
        "caveats": CAVEATS_SCHEMA,
    },
}
EVENT_COVERAGE_SCHEMA = {
    "type": "object",
    "description": "What the page's event dates rest on: how precisely each event's date is known.",
    "properties": {
        "data_as_of": DATA_AS_OF_SCHEMA,
        "evidence": EVIDENCE_SCHEMA,
        "rows": _COUNT,
        "occurred": PRECISION_SCHEMA,
        "caveats": CAVEATS_SCHEMA,
    },
}


def _only_with_dates(schema: dict) -> dict:
    return {**schema, "description": f"Only when the request has a date criterion. {schema['description']}"}


def asks_about_dates(request) -> bool:
    """Whether the request has a date criterion (``as_of`` or a listing or delisting bound)."""
    return any(request.query_params.get(name) for name in DateQuestion.NAMES)


def designations_coverage(view, *, event: str | None = None) -> dict[str, Any] | None:
    """The coverage of a designation answer of ``view`` (its queryset, the request's filters); None when
    the filters do not validate (the filter backend has answered 400 already)."""
    request = view.request
    filterset = DesignationFilterSet(request.query_params, queryset=view.get_queryset(), request=request)
    if not filterset.is_valid():
        return None
    filterset.qs  # noqa: B018 (runs filter_queryset: undated_queryset and dates)
    return designation_coverage(
        filterset.undated_queryset, filterset.dates, version=dataversion.for_request(request), event=event
    )


class DatedLimitOffsetPagination(LimitOffsetPagination):
    """The project's limit/offset pages, with ``data_as_of`` and ``coverage`` when the view gives them
    (``self.coverage``, set for the request by ``get_paginated_response``'s caller)."""

    coverage: dict[str, Any] | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.coverage is not None:
            results = response.data.pop("results")
            response.data["data_as_of"] = self.coverage["data_as_of"]
            response.data["coverage"] = self.coverage
            response.data["results"] = results
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            **{key: value for key, value in paginated["properties"].items() if key != "results"},
            "data_as_of": _only_with_dates(DATA_AS_OF_SCHEMA),
            "coverage": _only_with_dates(DESIGNATION_COVERAGE_SCHEMA),
            "results": paginated["properties"]["results"],
        }
        return paginated
