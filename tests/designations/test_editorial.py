"""Editorial work against real imports: locks surviving a re-import of the 2024 SDN list, categories, citations."""

from __future__ import annotations

import datetime
import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType

from designations import services
from designations.models import AbuseCategory, Alias, Citation, Designation, Designee
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute, skipped_change_accept
from tests.datafiles import data_path, requires_data

pytestmark = [requires_data, pytest.mark.django_db]

ROOT = Path(__file__).parent.parent.parent
SDN_2024 = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
SEED = importlib.import_module("designations.migrations.0004_abuse_categories_and_roles")


@pytest.fixture
def vocabulary():
    """The abuse and conduct categories the migration seeds (a flush by a transactional test may have removed them)."""
    for code, name, description in SEED.CATEGORIES:
        AbuseCategory.objects.get_or_create(code=code, defaults={"name": name, "description": description})
    return {c.code: c for c in AbuseCategory.objects.all()}


def _import(path: Path, as_of: datetime.date) -> ImportRun:
    run = import_run_create(source="ofac-sdn", path=str(path), as_of=as_of)
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _changed_2024_file(tmp_path: Path) -> Path:
    """The real 2024-07-02 sdn.csv with three edits OFAC could make on a later day."""
    raw = SDN_2024.read_bytes()
    edits = [
        # Entry 7513: a new title and a new alias.
        (b'"GLOMAG","President of Zimbabwe",', b'"GLOMAG","President of the Republic of Zimbabwe",'),
        (b"a.k.a. 'CROCODILE'.\"", b"a.k.a. 'CROCODILE'; a.k.a. 'NGWENA'.\""),
        # Entry 48160: a title where there was none.
        (
            b'48160,"MNANGAGWA, Auxillia","individual","GLOMAG",-0- ,',
            b'48160,"MNANGAGWA, Auxillia","individual","GLOMAG","First Lady of Zimbabwe",',
        ),
    ]
    for old, new in edits:
        assert raw.count(old) == 1, old
        raw = raw.replace(old, new)
    folder = tmp_path / "sdn_2024-07-09"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(raw)
    return folder


def test_locked_fields_survive_a_reimport_of_the_real_2024_list_with_changes(reference_data, tmp_path):
    editor = User.objects.create_user("ada", is_staff=True)
    _import(SDN_2024.parent, datetime.date(2024, 7, 2))
    president = Designee.objects.get(source="ofac-sdn", source_uid="7513")
    assert president.title == "President of Zimbabwe"
    # The editor curates the title and the aliases, and locks both.
    president.title = "President of Zimbabwe (since November 2017)"
    president._history_user = editor
    president.save()
    Alias.objects.create(designee=president, name="ED")
    services.designee_lock_fields(designee=president, fields=["title", "aliases"], user=editor)
    versions = president.history.count()

    run = _import(_changed_2024_file(tmp_path), datetime.date(2024, 7, 9))

    president.refresh_from_db()
    assert president.title == "President of Zimbabwe (since November 2017)"
    assert sorted(president.aliases.values_list("name", flat=True)) == ["CROCODILE", "ED"]
    # The unlocked entry took the list's change.
    assert Designee.objects.get(source_uid="48160").title == "First Lady of Zimbabwe"
    assert (run.updated, run.created, run.delisted) == (2, 0, 0)
    # The run lists what it would have changed, for the editor to accept or dismiss.
    skipped = {change["field"]: change for change in run.skipped_changes}
    assert set(skipped) == {"title", "aliases"}
    assert skipped["title"]["source_uid"] == "7513"
    assert skipped["title"]["current"] == "President of Zimbabwe (since November 2017)"
    assert skipped["title"]["imported"] == "President of the Republic of Zimbabwe"
    # Imports write with raw SQL: they add no version to the history (the run and its events trace them).
    assert president.history.count() == versions

    index = run.skipped_changes.index(skipped["title"])
    skipped_change_accept(run=run, index=index, user=editor)

    president.refresh_from_db()
    assert president.title == "President of the Republic of Zimbabwe"
    assert president.history.first().history_user == editor


def test_a_whole_record_lock_keeps_every_field_and_collection(reference_data, tmp_path):
    _import(SDN_2024.parent, datetime.date(2024, 7, 2))
    president = Designee.objects.get(source_uid="7513")
    services.designee_lock_fields(designee=president, fields=["*"], user=None)

    run = _import(_changed_2024_file(tmp_path), datetime.date(2024, 7, 9))

    president.refresh_from_db()
    assert president.title == "President of Zimbabwe"
    assert list(president.aliases.values_list("name", flat=True)) == ["CROCODILE"]
    assert {c["field"] for c in run.skipped_changes if c["source_uid"] == "7513"} >= {"title", "aliases"}


def test_the_vocabulary_holds_the_conduct_the_issue_names(vocabulary):
    assert {
        "corruption",
        "extrajudicial-killing",
        "torture",
        "arbitrary-detention",
        "repression-of-protest",
        "undermining-democracy",
    } <= set(vocabulary)


def test_designations_filter_by_category_and_keep_a_curated_reason(vocabulary, reference_data):
    glomag = Designation.objects.model.program.field.related_model.objects.get(code="GLOMAG")
    president = Designee.objects.create(kind="individual", name="MNANGAGWA, Emmerson Dambudzo", entry_number=7513)
    chen = Designee.objects.create(kind="individual", name="CHEN, Quanguo", entry_number=29220)
    corrupt = Designation.objects.create(
        designee=president,
        program=glomag,
        listed_on=datetime.date(2024, 3, 4),
        curated_reason="Designated for his role in corruption, shielding smuggling networks of gold and diamonds.",
    )
    corrupt.categories.add(vocabulary["corruption"])
    detention = Designation.objects.create(designee=chen, program=glomag, listed_on=datetime.date(2020, 7, 9))
    detention.categories.add(vocabulary["arbitrary-detention"], vocabulary["torture"])

    assert list(Designation.objects.filter(categories__code="corruption")) == [corrupt]
    assert list(Designation.objects.filter(categories__code="torture")) == [detention]
    assert corrupt.curated_reason.startswith("Designated for his role in corruption")
    # Category changes are part of the designation's history.
    latest = detention.history.first()
    assert {c.abusecategory.code for c in latest.categories.all()} == {"arbitrary-detention", "torture"}


def test_citations_hang_on_any_record_and_name_the_fact(reference_data):
    president = Designee.objects.create(kind="individual", name="MNANGAGWA, Emmerson Dambudzo", entry_number=7513)
    glomag = Designation.objects.model.program.field.related_model.objects.get(code="GLOMAG")
    citation = Citation.objects.create(
        content_object=president,
        field="title",
        url="https://home.treasury.gov/news/press-releases/jy2147",
        title="Treasury Sanctions Zimbabwean President and Other Senior Officials for Corruption",
        published_on=datetime.date(2024, 3, 4),
    )
    Citation.objects.create(
        content_object=glomag,
        url="https://www.congress.gov/bill/114th-congress/senate-bill/284",
        title="Global Magnitsky Human Rights Accountability Act",
    )

    assert list(president.citations.all()) == [citation]
    assert citation.content_type == ContentType.objects.get_for_model(Designee)
    assert str(citation) == (
        "Treasury Sanctions Zimbabwean President and Other Senior Officials for Corruption (04 Mar 2024)"
    )
    assert glomag.citations.count() == 1
    # Deleting the record deletes its citations.
    president.delete()
    assert Citation.objects.count() == 1
