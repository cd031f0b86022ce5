"""Simple readers of the real allied files, independent of the parsers, for checking their figures.

The figures the tests compare with are computed here from the raw bytes with the standard library and
lxml: the first worksheet of an xlsx read straight from its XML parts, the scrapes' YAML read line by line.
None of this shares code with ``allies``.
"""

from __future__ import annotations

import html
import io
import re
import tarfile
import zipfile
from collections import Counter, defaultdict

from lxml import etree

from tests.datafiles import data_bytes

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

OFSI = ("allied", "uk", "ofsi-conlist_2025-04-14", "ConList.xlsx")
DFAT = ("allied", "au", "dfat-consolidated_2024-11-11", "regulation8_consolidated.xlsx")
UK_SCRAPE = ("allied", "uk", "ammitto-data-uk_2026-08-22", "processed.tar.gz")
EU_SCRAPE = ("allied", "eu", "ammitto-data-eu_2026-05-01", "processed-eu-format.tar.gz")
CA_SCRAPE = ("allied", "ca", "ammitto-data-ca_2026-08-22", "processed.tar.gz")
AU_SCRAPE = ("allied", "au", "ammitto-data-au_2026-08-22", "processed.tar.gz")
CA_XML = ("allied", "ca", "gac-sema-lmes_2020-04-15", "sema-lmes.xml")


def _letters(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


class Sheet:
    """The first worksheet of an xlsx, read straight from its XML parts.

    Cells are found by scanning the sheet XML (``<c r="AJ17" t="s"><v>12</v></c>``: Excel, and DFAT's and
    OFSI's files, write the reference first); shared strings are resolved with lxml; numbers stay as the
    XML writes them (2 -> "2").
    """

    def __init__(self, data: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = etree.fromstring(archive.read("xl/workbook.xml"))
            first = workbook.find("m:sheets/m:sheet", NS).get(REL)
            rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            target = next(rel.get("Target") for rel in rels if rel.get("Id") == first)
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            self.shared = []
            if "xl/sharedStrings.xml" in archive.namelist():
                for item in etree.fromstring(archive.read("xl/sharedStrings.xml")).findall("m:si", NS):
                    self.shared.append("".join(item.itertext()))
            self.xml = archive.read(path)

    def _cells(self, letters: str, xml: bytes):
        pattern = rb'<c r="(' + letters.encode() + rb')(\d+)"([^>]*?)(?:/>|>(.*?)</c>)'
        for match in re.finditer(pattern, xml, re.DOTALL):
            column, row, attributes, body = match.groups()
            kind = re.search(rb't="(\w+)"', attributes)
            content = re.search(rb"<(?:v|t)[^>]*>(.*?)</(?:v|t)>", body or b"", re.DOTALL)
            value = html.unescape(content.group(1).decode("utf-8")) if content else ""
            if kind and kind.group(1) == b"s":
                value = self.shared[int(value)]
            yield column.decode(), int(row), value

    def row(self, number: int) -> dict[str, str]:
        """One row as {column letter: text}."""
        xml = re.search(rb'<row r="' + str(number).encode() + rb'"[^>]*>(.*?)</row>', self.xml, re.DOTALL).group(1)
        return {column: value for column, _, value in self._cells("[A-Z]+", xml)}

    def columns(self, *, header_row: int, names: tuple[str, ...]) -> list[dict[str, str]]:
        """The rows after the header, as {column name: text} for the named columns only."""
        header = {value: column for column, value in self.row(header_row).items()}
        letters = {header[name]: name for name in names}
        rows: dict[int, dict[str, str]] = defaultdict(dict)
        for column, row, value in self._cells("|".join(letters), self.xml):
            if column in letters and row > header_row:
                rows[row][letters[column]] = value
        return [{name: row.get(name, "") for name in names} for _, row in sorted(rows.items())]


def ofsi_figures() -> dict:
    """OFSI groups per regime and per group type within a regime, from the raw sheet."""
    sheet = Sheet(data_bytes(*OFSI))
    rows = sheet.columns(header_row=2, names=("Group ID", "Regime", "Group Type"))
    groups: dict[str, set[str]] = defaultdict(set)
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        groups[row["Regime"]].add(row["Group ID"])
        types[(row["Regime"], row["Group Type"])].add(row["Group ID"])
    return {
        "groups": {regime: len(ids) for regime, ids in groups.items()},
        "types": {key: len(ids) for key, ids in types.items()},
        "all_groups": len(set().union(*groups.values())),
        "rows": len(rows),
        "banner": list(sheet.row(1).values())[:2],
    }


def dfat_figures() -> dict:
    """DFAT references per committee (surrounding spaces dropped), from the raw sheet."""
    rows = Sheet(data_bytes(*DFAT)).columns(header_row=1, names=("Reference", "Committees"))
    per: dict[str, set[str]] = defaultdict(set)
    every = set()
    for row in rows:
        if not row["Reference"]:
            continue
        base = re.match(r"\d+", row["Reference"].strip()).group(0)
        per[row["Committees"].strip()].add(base)
        every.add(base)
    return {"references": {name: len(refs) for name, refs in per.items()}, "all": len(every)}


def scrape_texts(parts: tuple[str, ...]) -> dict[str, str]:
    """The record documents of a scrape as text, by base name (``_index.yaml`` left out)."""
    texts = {}
    with tarfile.open(fileobj=io.BytesIO(data_bytes(*parts)), mode="r:gz") as archive:
        for member in archive:
            base = member.name.rsplit("/", 1)[-1]
            if member.isfile() and base.endswith(".yaml") and base != "_index.yaml":
                texts[base] = archive.extractfile(member).read().decode("utf-8")
    return texts


def count_lines(texts: dict[str, str], pattern: str) -> int:
    """How many documents have a line matching ``pattern`` (a regular expression, multiline)."""
    compiled = re.compile(pattern, re.MULTILINE)
    return sum(1 for text in texts.values() if compiled.search(text))


def ca_xml_countries() -> Counter:
    root = etree.fromstring(data_bytes(*CA_XML))
    return Counter(" ".join(record.findtext("Country").split()) for record in root.iter("record"))
