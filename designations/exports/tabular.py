"""The CSV exports of the designations API.

The columns of the CSV exports of designations, designees, countries, source documents and the changes feed
(``*_CSV``; their names are part of the API). How exports are read, streamed and made safe for spreadsheets
(``csv_value``) is ``tracker.csv``'s. Designation and designee rows carry the designee's countries with one
column per ``DesigneeCountry.Role`` (``COUNTRY_ROLE_COLUMNS``: ``nationality``, ``citizenship``,
``birth_country``, ``address_countries``, ``flag_country``, ``registration_country``, ``other_countries``)
and its birth dates as published with their first and last possible day (``BIRTH_DATE_COLUMNS``).
"""

from __future__ import annotations

from collections.abc import Iterable

from designations.models import (
    Alias,
    BirthDate,
    Designation,
    DesignationEvent,
    DesigneeCountry,
    Identifier,
)
from tracker.csv import MULTI_SEPARATOR, CsvSpec, Getter, field, group_values
from tracker.csv import csv_value as csv_value  # the cell writer, still importable from here

# --------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------


# One column per role a country can have for a designee (``DesigneeCountry.Role``), ISO alpha-2 codes joined by
# ``|`` when a designee has several in that role (two nationalities, addresses in three countries).
COUNTRY_ROLE_COLUMNS = {
    DesigneeCountry.Role.NATIONALITY: "nationality",
    DesigneeCountry.Role.CITIZENSHIP: "citizenship",
    DesigneeCountry.Role.PLACE_OF_BIRTH: "birth_country",
    DesigneeCountry.Role.ADDRESS: "address_countries",
    DesigneeCountry.Role.FLAG: "flag_country",
    DesigneeCountry.Role.REGISTRATION: "registration_country",
    DesigneeCountry.Role.OTHER: "other_countries",
}
# The birth dates of a designee, one value per published date, in the same order in the three columns:
# ``birth_dates`` as published ("circa 1970", "01 Jan 1966 to 31 Dec 1968"), ``birth_date_from`` and
# ``birth_date_to`` the first and last day it can be (ISO 8601; equal for a single day, empty when the text
# was not understood). ``circa`` is only in the published text: its bounds are those of the stated date.
BIRTH_DATE_COLUMNS = ("birth_dates", "birth_date_from", "birth_date_to")


def _designee_facts(designee_ids: Iterable[int]) -> dict[int, dict[str, list]]:
    """The per-role country columns and the birth date columns of each designee, in two queries."""
    ids = list(designee_ids)
    facts: dict[int, dict[str, list]] = {}

    def of(designee_id: int) -> dict[str, list]:
        if designee_id not in facts:
            facts[designee_id] = {name: [] for name in (*COUNTRY_ROLE_COLUMNS.values(), *BIRTH_DATE_COLUMNS)}
        return facts[designee_id]

    links = DesigneeCountry.objects.filter(designee_id__in=ids).order_by("designee_id", "role", "country__code")
    for designee_id, role, code in links.values_list("designee_id", "role", "country__code"):
        # An unknown role (added to the model but not here) still lands somewhere rather than vanishing.
        of(designee_id)[COUNTRY_ROLE_COLUMNS.get(role, "other_countries")].append(code)
    births = BirthDate.objects.filter(designee_id__in=ids).order_by("designee_id", "pk")
    for designee_id, raw, date_from, date_to in births.values_list("designee_id", "raw", "date_from", "date_to"):
        row = of(designee_id)
        row["birth_dates"].append(raw)
        row["birth_date_from"].append(date_from)
        row["birth_date_to"].append(date_to)
    return facts


def _fact_cell(values: list) -> str | None:
    """A list of codes, texts or dates as the text ``csv_value`` would make of it (``|``-joined, ISO dates,
    empty for a missing date), or None when empty: done once per designee rather than once per row and
    cell, since these ten columns are most of the cells of a designation row."""
    if not values:
        return None
    return MULTI_SEPARATOR.join("" if value is None else str(value) for value in values)


def _add_designee_facts(chunk: list[dict], key: str) -> None:
    """Set the country role and birth date columns on each row, by the designee id in ``row[key]``."""
    facts = {
        designee_id: {name: _fact_cell(values) for name, values in columns.items()}
        for designee_id, columns in _designee_facts({row[key] for row in chunk}).items()
    }
    empty = dict.fromkeys((*COUNTRY_ROLE_COLUMNS.values(), *BIRTH_DATE_COLUMNS))
    for row in chunk:
        row.update(facts.get(row[key], empty))


def _fact_columns() -> tuple[tuple[str, Getter], ...]:
    return tuple((name, field(name)) for name in (*COUNTRY_ROLE_COLUMNS.values(), *BIRTH_DATE_COLUMNS))


def source_documents_by_designation(designation_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The distinct documents cited by each designation's events, by document id."""
    events = (
        DesignationEvent.objects.filter(designation_id__in=designation_ids, source_document__isnull=False)
        .order_by("designation_id", "source_document_id")
        .values("designation_id", "source_document_id", "source_document__url")
        .distinct()
    )
    documents: dict[int, list[dict]] = {}
    for event in events:
        documents.setdefault(event["designation_id"], []).append(
            {"id": event["source_document_id"], "url": event["source_document__url"]}
        )
    return documents


def _designation_related(chunk: list[dict]) -> None:
    _add_designee_facts(chunk, "designee_id")
    documents = source_documents_by_designation(row["id"] for row in chunk)
    for row in chunk:
        row["documents"] = documents.get(row["id"], [])


_DESIGNATION_FIELDS = (
    "id",
    "designee_id",
    "designee__name",
    "designee__kind",
    "designee__entry_number",
    "program__code",
    "authority__code",
    "agency",
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
    "legal_basis",
    "reason",
    "source",
    "created_at",
    "updated_at",
)
DESIGNATION_CSV = CsvSpec(
    filename="designations.csv",
    columns=(
        ("id", field("id")),
        ("designee_id", field("designee_id")),
        ("designee_name", field("designee__name")),
        ("designee_kind", field("designee__kind")),
        ("entry_number", field("designee__entry_number")),
        ("program", field("program__code")),
        ("authority", field("authority__code")),
        ("agency", field("agency")),
        ("status", field("status")),
        ("listed_on", field("listed_on")),
        ("listed_precision", field("listed_precision")),
        ("listed_earliest", field("listed_earliest")),
        ("delisted_on", field("delisted_on")),
        ("delisted_precision", field("delisted_precision")),
        ("delisted_earliest", field("delisted_earliest")),
        # The designee's countries, one column per role, and its birth dates (see ``COUNTRY_ROLE_COLUMNS``
        # and ``BIRTH_DATE_COLUMNS``); these replace the single ``countries`` cell, which mixed the roles.
        *_fact_columns(),
        ("legal_basis", field("legal_basis")),
        ("reason", field("reason")),
        ("source", field("source")),
        ("source_document_ids", lambda row: [doc["id"] for doc in row["documents"]]),
        ("source_document_urls", lambda row: [doc["url"] for doc in row["documents"] if doc["url"]]),
        ("created_at", field("created_at")),
        ("updated_at", field("updated_at")),
    ),
    fields=_DESIGNATION_FIELDS,
    related=_designation_related,
)


def _designee_related(chunk: list[dict]) -> None:
    ids = [row["id"] for row in chunk]
    aliases = group_values(Alias.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "name")
    identifiers = group_values(
        Identifier.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "kind", "value"
    )
    designations = group_values(
        Designation.objects.filter(designee_id__in=ids).order_by("pk"), "designee_id", "id", "program__code", "status"
    )
    _add_designee_facts(chunk, "id")
    for row in chunk:
        pk = row["id"]
        row["aliases"] = [alias["name"] for alias in aliases.get(pk, [])]
        row["identifiers"] = [f"{i['kind']}: {i['value']}" for i in identifiers.get(pk, [])]
        row["programs"] = sorted({d["program__code"] for d in designations.get(pk, [])})
        row["active_programs"] = sorted(
            {d["program__code"] for d in designations.get(pk, []) if d["status"] == "active"}
        )
        row["designation_ids"] = [d["id"] for d in designations.get(pk, [])]


_DESIGNEE_FIELDS = (
    "id",
    "entry_number",
    "kind",
    "name",
    "title",
    "gender",
    "call_sign",
    "vessel_type",
    "vessel_flag",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
    "remarks",
    "source",
    "source_uid",
    "created_at",
    "updated_at",
)
_DESIGNEE_COLUMNS = (
    "id",
    "entry_number",
    "kind",
    "name",
    "title",
    "gender",
    "aliases",
    "identifiers",
    # One column per country role and the birth dates, as in the designations CSV; they replace ``countries``
    # (every code in one cell) and ``country_roles`` (``CN:nationality|HK:address``).
    *COUNTRY_ROLE_COLUMNS.values(),
    *BIRTH_DATE_COLUMNS,
    "programs",
    "active_programs",
    "designation_ids",
    *_DESIGNEE_FIELDS[6:],
)
DESIGNEE_CSV = CsvSpec(
    filename="designees.csv",
    columns=tuple((name, field(name)) for name in _DESIGNEE_COLUMNS),
    fields=_DESIGNEE_FIELDS,
    related=_designee_related,
)

COUNTRY_CSV = CsvSpec(
    filename="countries.csv",
    columns=(
        ("code", lambda c: c.code),
        ("name", lambda c: c.name),
        ("numeric", lambda c: c.numeric),
        ("active_designees", lambda c: getattr(c, "active_designees", None)),
    ),
)

SOURCE_DOCUMENT_CSV = CsvSpec(
    filename="source-documents.csv",
    columns=(
        ("id", lambda s: s.pk),
        ("kind", lambda s: s.kind),
        ("agency", lambda s: s.agency),
        ("source", lambda s: s.source),
        ("source_uid", lambda s: s.source_uid),
        ("title", lambda s: s.title),
        ("url", lambda s: s.url),
        ("published_on", lambda s: s.published_on),
        ("content_sha256", lambda s: s.content_sha256),
    ),
)

IMPORT_RUN_CSV = CsvSpec(
    filename="import-runs.csv",
    columns=(
        ("id", lambda r: r.pk),
        ("source", lambda r: r.source),
        ("status", lambda r: r.status),
        ("trigger", lambda r: r.trigger),
        ("as_of", lambda r: r.as_of),
        ("dry_run", lambda r: r.dry_run),
        ("started_at", lambda r: r.started_at),
        ("finished_at", lambda r: r.finished_at),
        ("raw_sha256", lambda r: r.raw_sha256),
        ("records", lambda r: r.records),
        ("created", lambda r: r.created),
        ("updated", lambda r: r.updated),
        ("unchanged", lambda r: r.unchanged),
        ("delisted", lambda r: r.delisted),
        ("skipped", lambda r: r.skipped),
        ("failed", lambda r: r.failed),
        ("warning_count", lambda r: len(r.warnings)),
        ("created_at", lambda r: r.created_at),
    ),
)

_CHANGE_FIELDS = (
    "id",
    "created_at",
    "kind",
    "occurred_on",
    "precision",
    "earliest",
    "designation_id",
    "designation__designee_id",
    "designation__designee__name",
    "designation__designee__entry_number",
    "designation__program__code",
    "designation__status",
    "source_document_id",
    "source_document__url",
    "import_run_id",
    "changes",
    "note",
)
CHANGE_CSV = CsvSpec(
    filename="changes.csv",
    columns=(
        *((name, field(name)) for name in _CHANGE_FIELDS[:7]),
        ("designee_id", field("designation__designee_id")),
        ("designee_name", field("designation__designee__name")),
        ("entry_number", field("designation__designee__entry_number")),
        ("program", field("designation__program__code")),
        ("designation_status", field("designation__status")),
        ("source_document_id", field("source_document_id")),
        ("source_document_url", field("source_document__url")),
        ("import_run_id", field("import_run_id")),
        ("changes", lambda row: row["changes"] or None),
        ("note", field("note")),
    ),
    fields=_CHANGE_FIELDS,
)
