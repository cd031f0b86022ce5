"""The real 2024-07-02 SDN list and the 2021-2024 history, imported end to end into the database."""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.db.models.functions import Length

from designations.models import Address, Alias, Designation, DesignationEvent, Designee, DesigneeCountry
from importers.models import ImportRun
from importers.services import import_run_confirm, import_run_create, import_run_execute
from importers.sources import get_adapter
from importers.sources.base import SourceError
from importers.upsert import ImportSafetyError
from tests.datafiles import data_path, requires_data, selection

pytestmark = requires_data

ROOT = Path(__file__).parent.parent.parent
SDN_2024 = data_path("ofac", "sdn_2024-07-02")
EXTRAS_2025 = data_path("ofac", "sdn_2025-12-24_partial")
HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
SDN_2021 = data_path("ofac", "sdn_2021-06-29")


@pytest.fixture
def low_floor(monkeypatch):
    """Selections hold a few dozen entries; the production floor is thousands."""
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)


def _imported_once(django_db_blocker, paths):
    """The reference data and one import of ``paths`` (the 2024 list), for a class of tests that only read it or
    write inside their own test (rolled back after each): once for the class, rolled back after it."""
    from django.db import transaction

    from tests import reference_replay
    from tests.dbstate import settle_constraints

    with django_db_blocker.unblock(), transaction.atomic():
        reference_replay.load()
        run = _import("ofac-sdn", paths, as_of=datetime.date(2024, 7, 2))
        settle_constraints()
        yield run
        transaction.set_rollback(True)


@pytest.fixture(scope="class")
def list_2024(django_db_setup, django_db_blocker):
    """The 2024-07-02 list as OFAC published it that day (sdn.csv and its companions)."""
    yield from _imported_once(django_db_blocker, [SDN_2024])


@pytest.fixture(scope="class")
def bundle_2024(django_db_setup, django_db_blocker):
    """What ``manage.py seed`` imports before the history: the 2024 list with the aliases and addresses of
    December 2025."""
    yield from _imported_once(django_db_blocker, [SDN_2024, EXTRAS_2025])


def _import(source, paths, as_of=None, **kwargs):
    run = import_run_create(source=source, path=[str(p) for p in paths], as_of=as_of, **kwargs)
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def _file_counts(path: Path) -> tuple[Counter, Counter]:
    """Per-tag and per-type counts read straight from the file with the csv module."""
    text = (path / "sdn.csv").read_bytes().decode("ascii").rstrip("\x1a\r\n")
    tags, types = Counter(), Counter()
    for row in csv.reader(io.StringIO(text)):
        for tag in row[3].strip().split("] ["):
            tags[tag] += 1
        types[row[2].strip() if row[2].strip() != "-0-" else "entity"] += 1
    return tags, types


class TestThe2024List:
    def test_real_2024_list_gives_per_program_and_per_type_counts_of_the_file(self, list_2024, db):
        run = list_2024
        tags, types = _file_counts(SDN_2024)

        active = Counter(Designation.objects.active().values_list("program__code", flat=True))
        assert active == tags
        assert active["GLOMAG"] == 700 and active["HK-EO13936"] == 42 and active["CAATSA - RUSSIA"] == 54
        assert Counter(Designee.objects.values_list("kind", flat=True)) == types
        assert types == {"individual": 6927, "entity": 7270, "vessel": 872, "aircraft": 374}
        assert run.created == 15443
        assert run.stats["remarks_unparsed_share"] < 0.01

    def test_person_with_only_a_place_of_birth_in_china_counts_under_china(self, list_2024, db):
        chen = Designee.objects.get(name="CHEN, Quanguo")

        assert list(chen.country_links.values_list("country__code", "role")) == [("CN", "place_of_birth")]
        assert Designee.objects.for_country("CN").filter(pk=chen.pk).exists()
        assert chen.designations.get().program.code == "GLOMAG"


# --------------------------------------------------------------------------------------------------
# A file set without alt.csv, add.csv or sdn_comments.csv keeps what those files gave
# --------------------------------------------------------------------------------------------------
def _held_facts() -> dict:
    """What the companion files gave: numbered aliases, addresses, address countries, remarks over 1,000."""
    return {
        "aliases": set(
            Alias.objects.exclude(source_uid="").values_list("designee__source_uid", "source_uid", "name", "kind")
        ),
        "addresses": set(Address.objects.values_list("designee__source_uid", "source_uid", "street", "city")),
        "address_countries": set(
            DesigneeCountry.objects.filter(role="address").values_list("designee__source_uid", "country__code")
        ),
        "long_remarks": dict(
            Designee.objects.annotate(length=Length("remarks"))
            .filter(length__gt=1000)
            .values_list("source_uid", "remarks")
        ),
    }


class TestTheSeedBundle:
    """The 2024 list with the 2025 companion files, imported once for the class; each test's own writes are
    rolled back after it."""

    def test_seed_bundle_adds_2025_aliases_and_addresses_for_2024_entries(self, bundle_2024, db):
        run = bundle_2024

        qahtani = Designee.objects.get(source_uid="26093")
        assert "ALQAHTANI, Saud Abdullah S" in set(qahtani.aliases.values_list("name", flat=True))
        assert qahtani.addresses.filter(city="Riyadh").exists()
        assert any("add.csv" in w and "not in sdn.csv" in w for w in run.warnings)

    def test_sdn_csv_alone_on_the_seeded_tracker_keeps_aliases_addresses_and_full_remarks(self, bundle_2024, db):
        before = _held_facts()
        weak_before = Alias.objects.filter(source_uid="").count()

        run = _import("ofac-sdn", [SDN_2024 / "sdn.csv"], as_of=datetime.date(2024, 7, 2))

        # Nothing about an entry changed, so no entry looks changed only because the companions were absent.
        assert (run.created, run.updated, run.unchanged, run.delisted) == (0, 0, 15443, 0)
        assert _held_facts() == before
        assert len(before["aliases"]) == 17999 and len(before["addresses"]) == 17381
        assert len(before["address_countries"]) == 13208 and len(before["long_remarks"]) == 18
        assert Alias.objects.filter(source_uid="").count() == weak_before
        warnings = "\n".join(run.warnings)
        assert "alt.csv is not in the input: the aliases it numbers are kept" in warnings
        assert "add.csv is not in the input: addresses, and the address countries they give, are kept" in warnings
        assert "sdn_comments.csv is not in the input: 19 entries whose remarks" in warnings
        assert run.stats["kept_as_held"]["listed_aliases"] == 15443

    # A list cut at a line end.
    def test_list_cut_at_a_line_end_is_refused_then_held_for_review_and_published_only_as_reviewed(
        self, bundle_2024, db, tmp_path
    ):
        cut = tmp_path / "cut"
        cut.mkdir()
        lines = (SDN_2024 / "sdn.csv").read_bytes().split(b"\r\n")
        (cut / "sdn.csv").write_bytes(b"".join(line + b"\r\n" for line in lines[:15038]))  # `head -n 15038`: 97%
        for name in ("add.csv", "alt.csv", "sdn_comments.csv"):
            (cut / name).write_bytes((EXTRAS_2025 / name).read_bytes())
        statuses = dict(Designation.objects.values_list("pk", "status"))
        events = DesignationEvent.objects.count()

        refused = import_run_create(source="ofac-sdn", path=[str(cut)], as_of=datetime.date(2024, 7, 9))
        with pytest.raises(SourceError, match="does not end with OFAC's 0x1A end-of-file marker"):
            import_run_execute(run_id=refused.pk)
        held = import_run_create(
            source="ofac-sdn", path=[str(cut)], as_of=datetime.date(2024, 7, 9), allow_missing_end_marker=True
        )
        held = import_run_execute(run_id=held.pk)

        assert held.status == ImportRun.Status.NEEDS_REVIEW
        assert dict(Designation.objects.values_list("pk", "status")) == statuses
        assert DesignationEvent.objects.count() == events
        plan = held.stats["planned_delistings"]
        assert plan["count"] == len(plan["designations"]) == 457
        assert set(held.stats["raw_files"]) == {"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"}

        published = import_run_execute(run_id=import_run_confirm(run=held, user=None, note="checked").pk)

        assert published.status == ImportRun.Status.SUCCEEDED, published.error
        assert published.delisted == 457
        gone = set(Designation.objects.filter(status=Designation.Status.DELISTED).values_list("pk", flat=True))
        assert gone == set(plan["designations"])
        assert DesignationEvent.objects.filter(import_run=published).count() == 457
        held.refresh_from_db()
        assert held.status == ImportRun.Status.CONFIRMED and published.reviewed_run == held


def test_2024_over_2021_lists_delists_and_keeps_history(reference_data):
    _import("ofac-sdn", [SDN_2021], as_of=datetime.date(2021, 6, 29))
    # Three years apart, 9.0% of the 2021 designations end: 945 are gone, and 20 entries moved to a program under
    # another authority (ZIMBABWE -> GLOMAG, SDNTK -> SDGT and -> VENEZUELA, CAATSA - RUSSIA -> SSIDES), which
    # ends the designation under the old one. Above the default 5% guard.
    with pytest.raises(ImportSafetyError, match="would delist 965 of 10759"):
        _import("ofac-sdn", [SDN_2024], as_of=datetime.date(2024, 7, 2))
    # Within a raised share, 965 is still above the 500 one run may delist without a person's approval.
    with pytest.raises(ImportSafetyError, match=r"would delist 965 designations.*IMPORT_MAX_DELIST_COUNT"):
        _import("ofac-sdn", [SDN_2024], as_of=datetime.date(2024, 7, 2), max_delist_share=0.1)
    run = _import("ofac-sdn", [SDN_2024], as_of=datetime.date(2024, 7, 2), max_delist_share=0.1, approve_delistings=965)
    moved = Designation.objects.filter(program__code="ZIMBABWE", designee__designations__program__code="GLOMAG")
    assert set(moved.values_list("status", flat=True)) == {"delisted"}
    assert {"7513", "7489"} <= set(moved.values_list("designee__source_uid", flat=True))

    tags, _ = _file_counts(SDN_2024)
    assert Counter(Designation.objects.active().values_list("program__code", flat=True)) == tags
    assert run.delisted > 0 and run.stats["listed"] > 0
    delisted = Designation.objects.delisted().first()
    assert (delisted.delisted_earliest, delisted.delisted_on) == (datetime.date(2021, 6, 29), datetime.date(2024, 7, 2))
    # Entries gone since 2021 keep their designee and delisted designation.
    assert Designee.objects.count() > 15443


def test_history_backfill_dates_designations_and_the_api_filters_on_them(reference_data, api_client):
    _import("ofac-sdn", [SDN_2024], as_of=datetime.date(2024, 7, 2))
    run = _import("ofac-history", [HISTORY])

    assert run.created == 994  # entries removed before 2024-07-02, known only from the history
    # GAO, Qi: first seen on 2023-12-08 (UHRPA appeared then), bracketed by the snapshot before.
    gao = Designation.objects.get(designee__source_uid="39417", program__code="UHRPA")
    assert gao.listed_precision == "range"
    assert gao.listed_earliest < gao.listed_on == datetime.date(2023, 12, 8)
    # BELARUS-EO -> BELARUS-EO14038: one designation, amended, never delisted.
    retagged = Designation.objects.filter(events__kind=DesignationEvent.Kind.AMENDED, program__code="BELARUS-EO14038")
    assert retagged.count() == 33
    assert not Designation.objects.filter(program__code="BELARUS-EO").exists()
    # Removed entries carry a delisting bracket.
    kadyrov_duplicate = Designation.objects.filter(designee__source_uid="36459")
    assert kadyrov_duplicate.count() > 0
    assert set(kadyrov_duplicate.values_list("status", "delisted_on")) == {("delisted", datetime.date(2022, 11, 14))}
    # ... as a second record of 23343, removed: not a delisting of the person.
    ends = DesignationEvent.objects.filter(designation__in=kadyrov_duplicate).exclude(kind=DesignationEvent.Kind.LISTED)
    assert set(ends.values_list("kind", flat=True)) == {DesignationEvent.Kind.REMOVED_DUPLICATE}
    assert run.stats["removed_duplicates"] >= kadyrov_duplicate.count()

    response = api_client.get("/api/designations/", {"program": "GLOMAG", "delisted_after": "2021-05-22", "limit": 500})
    assert response.status_code == 200
    assert response.json()["count"] == 7  # PROVENANCE: 7 GLOMAG intervals ended
    listed_2023 = api_client.get("/api/designations/", {"listed_after": "2023-01-01", "listed_before": "2023-12-31"})
    # Listed in 2023 certainly (the API's default date_certainty): the whole bracket lies in 2023.
    certainly_2023 = Designation.objects.filter(listed_on__year=2023).exclude(
        listed_precision="range", listed_earliest__lt=datetime.date(2023, 1, 1)
    )
    assert listed_2023.json()["count"] == certainly_2023.count() > 0

    events = DesignationEvent.objects.count()
    again = import_run_execute(run_id=import_run_create(source="ofac-history", path=[str(HISTORY)]).pk)
    assert again.status == ImportRun.Status.UNCHANGED
    assert DesignationEvent.objects.count() == events


@pytest.mark.parametrize("source", ["ofac-consolidated"])
def test_real_consolidated_list_imports_with_its_tags(reference_data, source):
    cons = data_path("ofac", "consolidated_2025-12-19")
    run = _import(source, [cons], as_of=datetime.date(2025, 12, 19))

    assert run.created == 442
    counts = Counter(Designation.objects.filter(source="ofac-consolidated").values_list("program__code", flat=True))
    assert counts["UKRAINE-EO13662"] == 286 and counts["CAATSA - RUSSIA"] == 1


def test_renamed_entry_in_sdn_csv_alone_keeps_its_aliases_addresses_and_remarks(reference_data, tmp_path, low_floor):
    named = selection("sdn_2024-07-02_named")
    _import("ofac-sdn", [named], as_of=datetime.date(2024, 7, 2))
    before = _held_facts()
    wang = Designee.objects.get(source_uid="43421")  # WANG, Yunhe: remarks of 4,188 characters
    assert len(wang.remarks) == 4188 and wang.aliases.exclude(source_uid="").exists() and wang.addresses.exists()
    lines = (named / "sdn.csv").read_bytes().split(b"\r\n")
    lines = [line.replace(b'"WANG, Yunhe"', b'"WANG, Yun He"') for line in lines]
    (tmp_path / "sdn.csv").write_bytes(b"\r\n".join(lines))

    run = _import("ofac-sdn", [tmp_path / "sdn.csv"], as_of=datetime.date(2024, 7, 9))

    assert run.updated == 1
    wang.refresh_from_db()
    assert wang.name == "WANG, Yun He"
    assert _held_facts() == before
    assert len(wang.remarks) == 4188
