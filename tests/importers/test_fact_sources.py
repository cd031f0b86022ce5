"""Each published fact of a designee keeps the document it was read from (``designations.models.FactSource``).

Real entries of the 2 July 2024 SDN list, with the aliases and addresses OFAC published for them in December
2025: LAM, Carrie (29249: an address, numbered aliases, a birth date and a passport) and the entries of the
stated-facts tests.
"""

from __future__ import annotations

import datetime

import pytest

from designations.models import Address, Alias, BirthDate, Designee, DesigneeCountry, DesigneeFact, SourceDocument
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import data_bytes, requires_data, select_rows

pytestmark = requires_data

SDN_2024 = data_bytes("ofac", "sdn_2024-07-02", "sdn.csv")
ADD_2025 = data_bytes("ofac", "sdn_2025-12-24_partial", "add.csv")
ALT_2025 = data_bytes("ofac", "sdn_2025-12-24_partial", "alt.csv")
ENTRIES = {"29249", "16885", "7945"}


@pytest.fixture
def low_floor(monkeypatch):
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 1)


def _import(paths, as_of: datetime.date) -> ImportRun:
    run = import_run_create(source="ofac-sdn", path=[str(path) for path in paths], as_of=as_of)
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _documents(rows) -> set[tuple[str, str]]:
    """(date, title) of the documents of ``rows`` (facts)."""
    return {
        (str(document.published_on), document.title)
        for document in SourceDocument.objects.filter(pk__in=[row.source_document_id for row in rows])
    }


def test_files_of_another_date_are_credited_to_their_own_document(reference_data, low_floor, tmp_path):
    """The seed's bundle: the 2024 list's ``sdn.csv`` with December 2025's ``alt.csv`` and ``add.csv``."""
    main = tmp_path / "sdn_2024-07-02"
    later = tmp_path / "sdn_2025-12-24_partial"
    main.mkdir()
    later.mkdir()
    (main / "sdn.csv").write_bytes(select_rows(SDN_2024, ENTRIES))
    (later / "add.csv").write_bytes(select_rows(ADD_2025, ENTRIES))
    (later / "alt.csv").write_bytes(select_rows(ALT_2025, ENTRIES))

    _import([main, later], datetime.date(2024, 7, 2))

    lam = Designee.objects.get(source_uid="29249")
    listed = Alias.objects.filter(designee=lam).exclude(source_uid="")
    assert listed.count() == 2
    assert _documents(listed) == {("2025-12-24", "OFAC SDN list (CSV): alt.csv as of 24 Dec 2025")}
    addresses = Address.objects.filter(designee=lam)
    assert _documents(addresses) == {("2025-12-24", "OFAC SDN list (CSV): add.csv as of 24 Dec 2025")}
    address_countries = DesigneeCountry.objects.filter(designee=lam, role=DesigneeCountry.Role.ADDRESS)
    assert _documents(address_countries) == _documents(addresses)
    # What the main file gives (the remarks' facts) is the list of the run's date.
    from_remarks = [
        *BirthDate.objects.filter(designee=lam),
        *DesigneeCountry.objects.filter(designee=lam).exclude(role=DesigneeCountry.Role.ADDRESS),
        *lam.identifiers.all(),
    ]
    assert len(from_remarks) >= 4
    assert _documents(from_remarks) == {("2024-07-02", "OFAC SDN list (CSV) as of 02 Jul 2024")}
    # Every fact of every entry has its document.
    for model in (Alias, Address, BirthDate, DesigneeCountry, DesigneeFact):
        assert not model.objects.filter(source_document__isnull=True).exists(), model


def test_files_of_one_folder_share_the_runs_document(reference_data, low_floor, tmp_path):
    folder = tmp_path / "sdn_2024-07-02"
    folder.mkdir()
    (folder / "sdn.csv").write_bytes(select_rows(SDN_2024, ENTRIES))
    (folder / "alt.csv").write_bytes(select_rows(ALT_2025, ENTRIES))

    _import([folder], datetime.date(2024, 7, 2))

    assert SourceDocument.objects.count() == 1
    assert _documents(Alias.objects.all()) == {("2024-07-02", "OFAC SDN list (CSV) as of 02 Jul 2024")}


def test_a_later_import_keeps_the_document_of_facts_it_gives_again(reference_data, low_floor, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    data = select_rows(SDN_2024, ENTRIES)
    (first / "sdn.csv").write_bytes(data)
    _import([first], datetime.date(2024, 7, 2))
    before = {fact.pk: fact.source_document_id for fact in DesigneeFact.objects.filter(designee__source_uid="16885")}
    [old_document] = set(before.values())
    # The next list changes one fact of 16885 (its target type) and leaves its established date as it was.
    assert b"; Target Type State-Owned Enterprise" in data
    (second / "sdn.csv").write_bytes(data.replace(b"Target Type State-Owned Enterprise", b"Target Type Private", 1))

    _import([second], datetime.date(2024, 7, 9))

    facts = {fact.kind: fact.source_document_id for fact in DesigneeFact.objects.filter(designee__source_uid="16885")}
    new_document = SourceDocument.objects.get(published_on="2024-07-09").pk
    # Rewritten with its part, the unchanged fact keeps the document that first gave it; the changed one
    # names the list that changed it.
    assert facts == {"organization_established": old_document, "target_type": new_document}
    assert DesigneeFact.objects.get(designee__source_uid="16885", kind="target_type").value == "Private"
