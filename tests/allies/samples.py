"""Constructed inputs for the allied parsers: files we hold no real copy of, and hostile or broken files.

CONSTRUCTED, NOT REAL. No copy of the FCDO's UK-Sanctions-List.csv/.xml, of the EU's FSF XML, or of a
recent ``sema-lmes.xml`` with ``DateOfListing`` was available (``allied/PROVENANCE.md``). The renderers
below write records into those layouts as their parsers' docstrings describe them, so that each parser
runs on a file of its layout. The values come either from the real ammitto scrapes (read at test time
from the data directory, so nothing third-party is stored here) or are invented (``TST...``,
"Example"), and each test says which.
"""

from __future__ import annotations

import csv
import io
import re
import tarfile
import zipfile
from xml.sax.saxutils import escape, quoteattr

from allies.parsers.uk_fcdo_csv import COLUMNS as FCDO_CSV_COLUMNS

# --- Archives --------------------------------------------------------------------------------------


def tar_gz(members: dict[str, bytes], *, kinds: dict[str, bytes] | None = None) -> bytes:
    """A .tar.gz of regular files (``members``) and of special members (``kinds``: name -> tar type)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        for name, kind in (kinds or {}).items():
            info = tarfile.TarInfo(name)
            info.type = kind
            info.linkname = "/etc/passwd"
            archive.addfile(info)
    return out.getvalue()


def members_of(data: bytes, names: set[str]) -> dict[str, bytes]:
    """The named members of a real scrape (by base name), read with the standard library."""
    found = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive:
            base = member.name.rsplit("/", 1)[-1]
            if base in names and member.isfile():
                found[base] = archive.extractfile(member).read()
    return found


def xlsx(rows: list[list[str]], *, sheet: str = "Data") -> bytes:
    """A minimal xlsx workbook of one worksheet of inline strings (enough for the spreadsheet reader)."""

    def column(index: int) -> str:
        name = ""
        index += 1
        while index:
            index, rest = divmod(index - 1, 26)
            name = chr(65 + rest) + name
        return name

    sheet_rows = "".join(
        f'<row r="{r + 1}">'
        + "".join(
            f'<c r="{column(c)}{r + 1}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for c, value in enumerate(row)
            if value
        )
        + "</row>"
        for r, row in enumerate(rows)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rels}">'
            f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>{sheet_rows}'
            "</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


# --- UK Sanctions List (FCDO) ----------------------------------------------------------------------
# An "entry" is a mapping in the ammitto UK scrape's shape (unique_id, names: {names: [...]}, ...), plus
# the fields the scrape drops, under the CSV column names ("D.O.B", "Passport number", ...) when wanted.

_XML_NAME_FIELDS = {f"name{i}": f"Name{i}" for i in range(1, 7)}


def _names(entry: dict) -> list[dict]:
    return (entry.get("names") or {}).get("names", [])


def _xml_text(tag: str, value: str) -> str:
    return f"<{tag}>{escape(value)}</{tag}>" if value else ""


def _dmy(iso: str) -> str:
    """yyyy-mm-dd (the scrape) -> dd/mm/yyyy (the FCDO's files)."""
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def fcdo_xml(entries: list[dict], *, generated: str = "02/09/2026") -> bytes:
    """UK-Sanctions-List.xml with one ``Designation`` per entry (layout: ``allies.parsers.uk_fcdo_xml``)."""
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<Designations xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    ]
    out.append(_xml_text("DateGenerated", generated))
    for entry in entries:
        out.append("<Designation>")
        out.append(_xml_text("LastUpdated", _dmy(entry["last_updated"]) if entry.get("last_updated") else ""))
        out.append(_xml_text("DateDesignated", _dmy(entry["date_designated"]) if entry.get("date_designated") else ""))
        out.append(_xml_text("UniqueID", entry.get("unique_id", "")))
        out.append(_xml_text("OFSIGroupID", entry.get("ofsi_group_id", "")))
        out.append(_xml_text("UNReferenceNumber", entry.get("un_reference_number", "")))
        out.append("<Names>")
        for name in _names(entry):
            parts = "".join(_xml_text(tag, name.get(key, "")) for key, tag in _XML_NAME_FIELDS.items())
            out.append(
                f"<Name>{parts}{_xml_text('NameType', name.get('name_type', ''))}"
                f"{_xml_text('AliasStrength', name.get('alias_strength', ''))}</Name>"
            )
        out.append("</Names>")
        non_latin = (entry.get("non_latin_names") or {}).get("names", [])
        if non_latin:
            out.append("<NonLatinNames>")
            for name in non_latin:
                out.append(
                    f"<NonLatinName>{_xml_text('NameNonLatinScript', name['name_non_latin_script'])}</NonLatinName>"
                )
            out.append("</NonLatinNames>")
        for key, tag in (
            ("regime_name", "RegimeName"),
            ("individual_entity_ship", "IndividualEntityShip"),
            ("designation_source", "DesignationSource"),
            ("sanctions_imposed", "SanctionsImposed"),
            ("other_information", "OtherInformation"),
            ("uk_statement_of_reasons", "UKStatementofReasons"),
        ):
            out.append(_xml_text(tag, entry.get(key, "")))
        addresses = (entry.get("addresses") or {}).get("addresses", [])
        if addresses:
            out.append("<Addresses>")
            for address in addresses:
                lines = "".join(_xml_text(f"AddressLine{i}", address.get(f"address_line{i}", "")) for i in range(1, 7))
                out.append(
                    f"<Address>{lines}{_xml_text('AddressPostalCode', address.get('address_postal_code', ''))}"
                    f"{_xml_text('AddressCountry', address.get('address_country', ''))}</Address>"
                )
            out.append("</Addresses>")
        if entry.get("D.O.B") or entry.get("Passport number") or entry.get("Nationality(/ies)"):
            dobs = "".join(_xml_text("DOB", dob) for dob in entry.get("D.O.B", []))
            passports = "".join(
                f"<Passport>{_xml_text('PassportNumber', number)}"
                f"{_xml_text('PassportAdditionalInformation', note)}</Passport>"
                for number, note in entry.get("Passport number", [])
            )
            out.append(
                f"<IndividualDetails><Individual><DOBs>{dobs}</DOBs>"
                f"<Nationalities>{_xml_text('Nationality', entry.get('Nationality(/ies)', ''))}</Nationalities>"
                f"<PassportDetails>{passports}</PassportDetails>"
                f"<Genders>{_xml_text('Gender', entry.get('Gender', ''))}</Genders>"
                "</Individual></IndividualDetails>"
            )
        out.append("</Designation>")
    out.append("</Designations>")
    return "\n".join(part for part in out if part).encode("utf-8")


def fcdo_csv(entries: list[dict], *, report_date: str = "02-Sep-2026") -> bytes:
    """UK-Sanctions-List.csv: one row per name, address, birth date and passport of each entry, the
    designation's other fields repeated on every row (layout: ``allies.parsers.uk_fcdo_csv``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"Report Date: {report_date}"])
    writer.writerow(FCDO_CSV_COLUMNS)
    for entry in entries:
        base = {
            "Last Updated": _dmy(entry["last_updated"]) if entry.get("last_updated") else "",
            "Unique ID": entry.get("unique_id", ""),
            "OFSI Group ID": entry.get("ofsi_group_id", ""),
            "UN Reference Number": entry.get("un_reference_number", ""),
            "Regime Name": entry.get("regime_name", ""),
            "Designation Type": entry.get("individual_entity_ship", ""),
            "Designation source": entry.get("designation_source", ""),
            "Sanctions Imposed": entry.get("sanctions_imposed", ""),
            "Other Information": entry.get("other_information", ""),
            "UK Statement of Reasons": entry.get("uk_statement_of_reasons", ""),
            "Date Designated": _dmy(entry["date_designated"]) if entry.get("date_designated") else "",
            "Nationality(/ies)": entry.get("Nationality(/ies)", ""),
            "Gender": entry.get("Gender", ""),
        }
        rows = []
        for name in _names(entry):
            rows.append(
                {f"Name {i}": name.get(f"name{i}", "") for i in range(1, 7)}
                | {"Name type": name.get("name_type", ""), "Alias strength": name.get("alias_strength", "")}
            )
        for name in (entry.get("non_latin_names") or {}).get("names", []):
            rows.append({"Name non-latin script": name["name_non_latin_script"]})
        for address in (entry.get("addresses") or {}).get("addresses", []):
            row = {f"Address Line {i}": address.get(f"address_line{i}", "") for i in range(1, 7)}
            row |= {"Address Postal Code": address.get("address_postal_code", "")}
            rows.append(row | {"Address Country": address.get("address_country", "")})
        rows += [{"D.O.B": dob} for dob in entry.get("D.O.B", [])]
        rows += [
            {"Passport number": number, "Passport additional information": note}
            for number, note in entry.get("Passport number", [])
        ]
        for row in rows or [{}]:
            merged = base | row
            writer.writerow([merged.get(column, "") for column in FCDO_CSV_COLUMNS])
    return out.getvalue().encode("utf-8")


# --- EU FSF XML ------------------------------------------------------------------------------------
# An "entity" is a mapping in the ammitto EU scrape's shape (snake case, child lists pluralised).

_FSF_CHILDREN = {
    "regulations": "regulation",
    "name_aliases": "nameAlias",
    "citizenships": "citizenship",
    "birthdates": "birthdate",
    "addresses": "address",
    "identifications": "identification",
    "regulation_summaries": "regulationSummary",
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _fsf_element(tag: str, mapping: dict) -> str:
    attributes = []
    children = []
    for key, value in mapping.items():
        if key in _FSF_CHILDREN:
            children += [_fsf_element(_FSF_CHILDREN[key], item) for item in value]
        elif key == "subject_type":
            children.insert(0, _fsf_element("subjectType", value))
        elif key == "remark":
            children.insert(0, f"<remark>{escape(value)}</remark>")
        elif key == "publication_url" and tag == "regulation":
            children.append(f"<publicationUrl>{escape(value)}</publicationUrl>")
        else:
            text = value if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
            attributes.append(f"{_camel(key)}={quoteattr(text)}")
    attrs = (" " + " ".join(attributes)) if attributes else ""
    return f"<{tag}{attrs}>{''.join(children)}</{tag}>" if children else f"<{tag}{attrs}/>"


def fsf_xml(entities: list[dict], *, generated: str = "2026-05-01T08:00:00.000+02:00") -> bytes:
    """The FSF full list XML ("xmlFullSanctionsList" 1.1) of the entities (layout: ``allies.parsers.eu``)."""
    body = "\n".join(_fsf_element("sanctionEntity", entity) for entity in entities)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="{generated}" globalFileId="1">\n'
        f"{body}\n</export>\n"
    ).encode()


# --- Canada sema-lmes.xml, later layout ------------------------------------------------------------

_CA_ELEMENTS = {
    "country": "Country",
    "last_name": "LastName",
    "given_name": "GivenName",
    "entity_or_ship": "EntityOrShip",
    "date_of_birth_or_ship_build_date": "DateOfBirthOrShipBuildDate",
    "schedule": "Schedule",
    "item": "Item",
    "date_of_listing": "DateOfListing",
    "aliases": "Aliases",
}


def sema_lmes_xml(records: list[dict]) -> bytes:
    """sema-lmes.xml in the layout of the editions with ``DateOfListing`` (``allies.parsers.ca``)."""
    body = "".join(
        "<record>"
        + "".join(f"<{_CA_ELEMENTS[key]}>{escape(str(value))}</{_CA_ELEMENTS[key]}>" for key, value in record.items())
        + "</record>"
        for record in records
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><data-set>{body}</data-set>'.encode()


# --- Hostile XML -----------------------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<data-set><record><Country>&lol3;</Country><Entity>x</Entity><Item>1</Item></record></data-set>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE data-set [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<data-set><record><Country>&secret;</Country><Entity>x</Entity><Item>1</Item></record></data-set>
"""


def yaml_line(text: str, key: str) -> str | None:
    """The value of a top-level ``key: value`` line of a YAML text, read without a YAML parser."""
    match = re.search(rf"^{re.escape(key)}: (.*)$", text, re.MULTILINE)
    return match.group(1).strip().strip("'\"") if match else None
