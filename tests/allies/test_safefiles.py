"""Hostile and broken containers: spreadsheets, tar.gz scrapes and YAML documents (all constructed here)."""

from __future__ import annotations

import io
import tarfile
import zipfile

import pytest

from allies import safefiles
from allies.parsers import au_dfat_xlsx, uk_ammitto
from allies.safefiles import BadDocument, load_yaml
from importers.sources.base import SourceError
from tests.allies.samples import tar_gz, xlsx

UK_INDEX = b"---\nsource: uk\ncount: 2\nfetched_at: '2026-08-22T06:46:55Z'\nschema: ammitto:sources:uk:v1\n"
# Invented designation in the UK scrape's shape.
GOOD = b"""---
last_updated: '2024-01-15'
date_designated: '2023-12-07'
unique_id: TST0001
names:
  names:
  - name1: Jane
    name6: EXAMPLE
    name_type: Primary Name
regime_name: The Global Human Rights Sanctions Regulations 2020
individual_entity_ship: Individual
sanctions_imposed_indicators:
  asset_freeze: true
"""


def scrape(**members: bytes) -> dict[str, bytes]:
    return {"processed.tar.gz": tar_gz({"processed/_index.yaml": UK_INDEX, **members})}


# --- Spreadsheets ----------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_the_spreadsheet_is_read(monkeypatch):
    monkeypatch.setattr(safefiles, "MAX_ZIP_BYTES", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * 1024 * 1024))  # compresses to about 2 KB
    with pytest.raises(SourceError, match="zip bomb"):
        au_dfat_xlsx.parse({"list.xlsx": out.getvalue()})


def test_a_spreadsheet_of_too_many_parts_is_refused(monkeypatch):
    monkeypatch.setattr(safefiles, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(SourceError, match="5 parts"):
        au_dfat_xlsx.parse({"list.xlsx": xlsx([["Reference"]])})


def test_a_file_that_is_no_zip_is_refused():
    with pytest.raises(SourceError, match="not a spreadsheet"):
        au_dfat_xlsx.parse({"list.xlsx": b"Reference,Name\n1,Example\n"})
    with pytest.raises(SourceError, match="empty"):
        au_dfat_xlsx.parse({"list.xlsx": b""})


def test_a_named_worksheet_must_exist():
    with pytest.raises(SourceError, match="no worksheet named 'Data'"):
        safefiles.read_sheet(xlsx([["a"]], sheet="Sheet1"), what="x.xlsx", sheet="Data")


# --- Archives --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["../evil.yaml", "processed/../../evil.yaml", "/etc/evil.yaml", "C:/evil.yaml"])
def test_an_archive_with_a_path_traversal_member_is_refused(name):
    with pytest.raises(SourceError, match="unsafe member path"):
        uk_ammitto.parse(scrape(**{"processed/tst0001.yaml": GOOD, name: GOOD}))


def test_links_are_refused_when_they_point_outside_and_skipped_otherwise():
    refused = {
        "processed.tar.gz": tar_gz({"processed/_index.yaml": UK_INDEX}, kinds={"processed/x.yaml": tarfile.SYMTYPE})
    }
    with pytest.raises(SourceError, match="unsafe member path"):
        uk_ammitto.parse(refused)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, content in (("processed/_index.yaml", UK_INDEX), ("processed/tst0001.yaml", GOOD)):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("processed/copy.yaml")
        link.type, link.linkname = tarfile.SYMTYPE, "tst0001.yaml"
        archive.addfile(link)
    result = uk_ammitto.parse({"processed.tar.gz": out.getvalue()})
    assert [r.source_uid for r in result.records] == ["TST0001"]
    assert result.warnings == ["processed.tar.gz: skipped 'processed/copy.yaml', which is not a regular file"]


def test_a_truncated_or_oversized_archive_is_refused(monkeypatch):
    data = scrape(**{"processed/tst0001.yaml": GOOD * 50})["processed.tar.gz"]
    with pytest.raises(SourceError, match="truncated"):
        uk_ammitto.parse({"processed.tar.gz": data[: len(data) // 2]})
    monkeypatch.setattr(safefiles, "MAX_TAR_MEMBER_BYTES", 1000)
    with pytest.raises(SourceError, match="refusing an archive member"):
        uk_ammitto.parse({"processed.tar.gz": data})


def test_another_publishers_scrape_is_refused():
    index = UK_INDEX.replace(b"sources:uk", b"sources:eu")
    with pytest.raises(SourceError, match="not the uk scrape"):
        uk_ammitto.parse({"processed.tar.gz": tar_gz({"processed/_index.yaml": index, "processed/t.yaml": GOOD})})


# --- YAML documents --------------------------------------------------------------------------------


def test_a_record_missing_a_required_field_is_skipped_with_a_warning():
    missing = GOOD.replace(b"unique_id: TST0001\n", b"")
    result = uk_ammitto.parse(scrape(**{"processed/tst0001.yaml": GOOD, "processed/tst0002.yaml": missing}))
    assert [r.source_uid for r in result.records] == ["TST0001"]
    assert result.warnings == [
        "processed.tar.gz: skipped processed/tst0002.yaml: record lacks the required field 'unique_id'"
    ]
    assert result.stats["skipped"] == 1


def test_hostile_or_broken_documents_are_skipped_with_a_warning():
    laughs = b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    members = {
        "processed/tst0001.yaml": GOOD,
        "processed/laughs.yaml": laughs,
        "processed/python.yaml": b"unique_id: !!python/object/apply:os.system ['true']\n",
        "processed/broken.yaml": b"unique_id: [unclosed\n",
        "processed/deep.yaml": b"x: " + b"[" * 100_000 + b"]" * 100_000,
        "processed/list.yaml": b"- just\n- a list\n",
        "processed/twice.yaml": GOOD + b"unique_id: TST0009\n",
    }
    result = uk_ammitto.parse(scrape(**members))
    assert [r.source_uid for r in result.records] == ["TST0001"]
    reasons = {w.split(": ", 2)[1].removeprefix("skipped "): w.split(": ", 2)[2] for w in result.warnings}
    assert reasons["processed/laughs.yaml"] == "uses YAML anchors, which this source never does"
    assert reasons["processed/python.yaml"] == "refusing the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"
    assert reasons["processed/broken.yaml"].startswith("not valid YAML")
    assert reasons["processed/deep.yaml"] == "nested too deeply"
    assert reasons["processed/list.yaml"] == "record is a list, not a mapping"
    assert reasons["processed/twice.yaml"] == "the key 'unique_id' appears twice"


def test_unknown_fields_are_reported_once_per_field():
    extra = GOOD.replace(b"unique_id: TST0001", b"unique_id: TST0001\nfavourite_colour: blue")
    result = uk_ammitto.parse(scrape(**{"processed/tst0001.yaml": extra}))
    assert result.warnings == ["processed.tar.gz: unknown field 'record.favourite_colour' (1 times), not imported"]


def test_load_yaml_keeps_text_and_reads_nulls():
    assert load_yaml(b"a: '1958'\nb: 1958\nc: true\nd: ~\ne:\nf: 'null'\n") == {
        "a": "1958", "b": "1958", "c": "true", "d": None, "e": None, "f": "null",
    }  # fmt: skip
    with pytest.raises(BadDocument, match="more than one"):
        load_yaml(b"---\na: 1\n---\nb: 2\n")
    with pytest.raises(BadDocument, match="not text"):
        load_yaml(b"? [a, b]\n: 1\n")
