"""CSV output, for every API list and detail (``?format=csv``) and the pages' downloads.

``CsvExportMixin`` answers ``?format=csv`` on a viewset's ``list`` with every row matching the filters, not
one page (pagination does not apply), and on ``retrieve`` with the one row. Rows are read from the database
through one cursor (``QuerySet.iterator``) in chunks of ``CHUNK_SIZE``, each chunk's multi-valued cells with
one query per related table (``CsvSpec``), and written to a ``StreamingHttpResponse``, so memory stays flat
whatever the export size. Columns are fixed per endpoint (an app's ``exports`` holds its specs; their
names are part of the API). Dates and datetimes are ISO 8601 (datetimes in UTC with a ``Z``); booleans are
``true`` / ``false``; a missing value is empty; a cell holding several values (aliases, countries, source
documents) separates them with ``|``, which no well-formed URL contains.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before
one) as a formula, and names, remarks and titles come from sources and editors. So every text cell that
starts with one of these, with their full-width forms (U+FF1D, U+FF0B, U+FF0D, U+FF20), or with spaces before
one, gets a single quote in front (``'=HYPERLINK(...)``, ``'-0-``), as OWASP's CSV injection guidance advises
(``csv_text``). The rule goes by the value's type, not its look: numbers (ids, entry numbers, counts in
``stats.csv``) are written as they are, a negative one included, while text that merely looks like a number
(``-0-``, ``-5`` in a text column) is quoted. A reader that needs the original text drops a leading ``'``
when the character after it is one of those above.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers
from rest_framework.response import Response
from rest_framework.settings import api_settings

CHUNK_SIZE = 2000
MULTI_SEPARATOR = "|"
ROWS_PER_WRITE = 500


# --------------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------------
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection"), as is one with
# spaces before it; full-width forms included, which some spreadsheets read as their ASCII twins.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def csv_text(text: str) -> str:
    """``text`` made safe to open in a spreadsheet: a leading ``'`` when it would start a formula."""
    if text[:1] in FORMULA_TRIGGERS or text.lstrip()[:1] in FORMULA_TRIGGERS:
        return f"'{text}"
    return text


def csv_value(value: Any) -> str:
    """One cell: ISO 8601 dates, ``true``/``false``, ``|``-joined lists, empty for None, numbers as they are,
    and text through ``csv_text``. Every CSV the tracker writes reads its cells from here."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        # Only the start of a cell counts: the joined text is checked, not each value.
        return csv_text(MULTI_SEPARATOR.join(_plain_value(item) for item in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return csv_text(str(value))


def _plain_value(value: Any) -> str:
    """One value of a multi-valued cell, before the cell as a whole goes through ``csv_text``."""
    if isinstance(value, list | tuple):
        return MULTI_SEPARATOR.join(_plain_value(item) for item in value)
    if value is None or isinstance(value, bool | int | float | decimal.Decimal | datetime.date | dict):
        return csv_value(value)
    return str(value)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """The CSV text in pieces of ``ROWS_PER_WRITE`` rows (one piece per row would be slow to send)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % ROWS_PER_WRITE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> StreamingHttpResponse:
    """A streamed ``text/csv`` attachment named ``filename``."""
    return StreamingHttpResponse(
        csv_lines(header, rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --------------------------------------------------------------------------------------------------
# Export specs
# --------------------------------------------------------------------------------------------------
Getter = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class CsvSpec:
    """The columns of one CSV export and how to read them.

    Small tables read model instances: ``prepare`` adds the ``select_related``/``prefetch_related`` the
    columns need. Large ones (designations, designees, changes) set ``fields``: rows are then the dicts of
    ``values(*fields)``, and ``related`` adds each chunk's multi-valued cells with one query per related
    table, which is several times faster than building model instances. Either way the export costs a
    fixed number of queries per ``CHUNK_SIZE`` rows.
    """

    filename: str
    columns: tuple[tuple[str, Getter], ...]
    prepare: Callable[[QuerySet], QuerySet] = lambda queryset: queryset
    fields: tuple[str, ...] = ()
    related: Callable[[list[dict]], None] | None = None

    @property
    def header(self) -> list[str]:
        return [name for name, _ in self.columns]

    def rows(self, queryset: QuerySet) -> Iterator[list[str]]:
        """Each row's cells; the list view's own prefetches give way to the ones the columns need."""
        queryset = queryset.prefetch_related(None)
        getters = [getter for _, getter in self.columns]
        if not self.fields:
            for obj in self.prepare(queryset).iterator(chunk_size=CHUNK_SIZE):
                yield [csv_value(getter(obj)) for getter in getters]
            return
        for chunk in value_chunks(queryset, self.fields):
            if self.related:
                self.related(chunk)
            for row in chunk:
                yield [csv_value(getter(row)) for getter in getters]


def value_chunks(queryset: QuerySet, fields: Sequence[str]) -> Iterator[list[dict]]:
    """``queryset.values(*fields)`` in lists of ``CHUNK_SIZE`` rows, read through one database cursor."""
    chunk: list[dict] = []
    for row in queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def group_values(queryset: QuerySet, key: str, *fields: str) -> dict[Any, list[dict]]:
    """``values(key, *fields)`` grouped by ``key``, in the queryset's order."""
    groups: dict[Any, list[dict]] = {}
    for row in queryset.values(key, *fields):
        groups.setdefault(row[key], []).append(row)
    return groups


def field(name: str) -> Getter:
    """A column read from the row's ``name``."""
    return lambda row: row[name]


def codes(related) -> list[str]:
    """The ``code`` of each object of a (prefetched) related manager."""
    return [obj.code for obj in related.all()]


# --------------------------------------------------------------------------------------------------
# On API endpoints
# --------------------------------------------------------------------------------------------------
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=["json", "csv"],
    description=(
        "`csv`: every matching row (not one page: `limit`/`offset` do not apply), streamed as a CSV "
        "attachment with fixed, flattened columns; dates ISO 8601, several values in a cell joined by `|`."
    ),
)
CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV (with `format=csv`).")


class CsvRenderer(renderers.BaseRenderer):
    """``text/csv``, chosen by ``?format=csv``. Exports are streamed by ``CsvExportMixin``, not rendered here;
    this renders only what reaches it otherwise (a dict or a list of dicts) as a plain table."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data if isinstance(data, list) else [data]
        header = list(rows[0]) if rows and isinstance(rows[0], dict) else []
        lines = csv_lines(header, ([csv_value(row.get(key)) for key in header] for row in rows))
        return "".join(lines).encode(self.charset)


def wants_csv(request) -> bool:
    return request.query_params.get(api_settings.URL_FORMAT_OVERRIDE) == "csv"


class CsvExportMixin:
    """``?format=csv`` on ``list`` (every matching row, streamed) and ``retrieve`` (one row).

    The CSV format is chosen before content negotiation, so it stays out of the JSON schema's media types;
    errors (a bad filter value, a throttled request) are still answered in JSON.
    """

    csv_spec: CsvSpec

    def perform_content_negotiation(self, request, force=False):
        if wants_csv(request):
            return CsvRenderer(), CsvRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400 and wants_csv(request):
            request.accepted_renderer, request.accepted_media_type = renderers.JSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if wants_csv(request):
            queryset = self.filter_queryset(self.get_queryset())
            return csv_response(self.csv_spec.filename, self.csv_spec.header, self.csv_spec.rows(queryset))
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if wants_csv(request):
            obj = self.get_object()
            stem = self.csv_spec.filename.removesuffix(".csv")
            key = slugify(str(kwargs.get(self.lookup_url_kwarg or self.lookup_field, obj.pk)))
            rows = self.csv_spec.rows(self.get_queryset().filter(pk=obj.pk))
            return csv_response(f"{stem}-{key}.csv", self.csv_spec.header, rows)
        return super().retrieve(request, *args, **kwargs)


def csv_schema(serializer_class):
    """Document ``format`` and the CSV response on a viewset's ``list`` and ``retrieve``."""
    return extend_schema_view(
        list=extend_schema(
            parameters=[FORMAT_PARAMETER],
            responses={(200, "application/json"): serializer_class, (200, "text/csv"): CSV_RESPONSE},
        ),
        retrieve=extend_schema(
            parameters=[FORMAT_PARAMETER],
            responses={(200, "application/json"): serializer_class, (200, "text/csv"): CSV_RESPONSE},
        ),
    )
