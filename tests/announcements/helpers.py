"""Helpers of the announcement tests: import runs, folders of pages, designations by name."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from designations.models import DatePrecision, Designation
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources.base import SourceError
from tests.datafiles import selection

DATA = Path(__file__).resolve().parents[1] / "data" / "announcements"
LIST = selection("sdn_2024-07-02_named")
DAY = DatePrecision.DAY


def run_import(source, paths, expect=ImportRun.Status.SUCCEEDED, **kwargs):
    run = import_run_create(source=source, path=[str(p) for p in paths], **kwargs)
    try:
        run = import_run_execute(run_id=run.pk)
    except SourceError:
        run.refresh_from_db()
    assert run.status == expect, run.error
    return run


def pages_folder(tmp_path, *files: str) -> Path:
    """A folder holding the given pages of tests/data/announcements and a pages.csv with their URLs."""
    urls = {row["file"]: row["url"] for row in csv.DictReader((DATA / "pages.csv").open(encoding="utf-8"))}
    folder = tmp_path / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "pages.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "url"])
        for file in files:
            name = Path(file).name
            shutil.copyfile(DATA / file, folder / name)
            writer.writerow([name, urls[file]])
    return folder


def designation_of(name: str, program: str) -> Designation:
    return Designation.objects.select_related("designee").get(designee__name=name, program__code=program)


NOTICES = (
    "ofac/20181115.html",
    "ofac/20200617.html",
    "ofac/20200709.html",
    "ofac/20200807.html",
    "ofac/20200902.html",
    "ofac/20201002.html",
    "ofac/20201014.html",
    "ofac/20210402.html",
)
