"""Bulk exports of the designations data, one module per format.

- ``tabular``: the columns of the API's CSV exports (designations, designees, countries, source documents,
  import runs, the changes feed); how they are streamed and made safe for spreadsheets is ``tracker.csv``'s.
- ``ftm``: FollowTheMoney (FtM) JSON lines, one entity per designee, its sanctions and its relationships.

The names callers use are importable from here.
"""

from designations.exports.ftm import (
    FTM_PROPERTIES,
    FTM_SCHEMA,
    MAX_BIRTH_RANGE_YEARS,
    ftm_birth_date,
    ftm_designee_entity,
    ftm_entities,
    ftm_entity_id,
    ftm_lines,
    ftm_relationship_entities,
    ftm_sanction_entity,
)
from designations.exports.tabular import (
    BIRTH_DATE_COLUMNS,
    CHANGE_CSV,
    COUNTRY_CSV,
    COUNTRY_ROLE_COLUMNS,
    DESIGNATION_CSV,
    DESIGNEE_CSV,
    IMPORT_RUN_CSV,
    SOURCE_DOCUMENT_CSV,
    csv_value,
)

__all__ = [
    "BIRTH_DATE_COLUMNS",
    "CHANGE_CSV",
    "COUNTRY_CSV",
    "COUNTRY_ROLE_COLUMNS",
    "DESIGNATION_CSV",
    "DESIGNEE_CSV",
    "FTM_PROPERTIES",
    "FTM_SCHEMA",
    "IMPORT_RUN_CSV",
    "MAX_BIRTH_RANGE_YEARS",
    "SOURCE_DOCUMENT_CSV",
    "csv_value",
    "ftm_birth_date",
    "ftm_designee_entity",
    "ftm_entities",
    "ftm_entity_id",
    "ftm_lines",
    "ftm_relationship_entities",
    "ftm_sanction_entity",
]
