"""One answer to "has the data changed?": ``tracker.dataversion.data_version``."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from designations import matching
from designations.models import Alias, Designation, Designee
from tests.factories import AliasFactory, DesignationFactory
from tracker import dataversion
from tracker.dataversion import bump_generation, data_version

TRACKER = Path(dataversion.__file__).parent
APPS = ("designations", "programs", "importers", "announcements", "allies")


def test_tracker_modules_import_no_app():
    for module in ("dataversion.py", "response_cache.py", "api.py", "csv.py"):
        tree = ast.parse((TRACKER / module).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {name for name in imported if name.split(".")[0] in APPS}, module


def test_apps_register_the_tables_of_what_they_show():
    tables = set(dataversion.registered_tables())

    assert {
        "designations_designee",
        "designations_alias",
        "designations_designation",
        "designations_designationevent",
        "designations_historicaldesignee",
        "designations_historicaldesignation",
        "importers_importrun",
        "announcements_announcement",
        "announcements_mention",
    } <= tables


@pytest.mark.django_db
class TestWhatChangesIt:
    def test_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            data_version()

    def test_a_new_alias_though_it_has_no_updated_at(self):
        alias = AliasFactory()
        before = data_version()

        AliasFactory(designee=alias.designee)

        assert data_version() != before

    def test_an_edit_of_an_alias_is_seen_when_its_designee_is_saved(self):
        # What the admin does: an inline alias changes, and the designee's page saves the designee too.
        alias = AliasFactory()
        before = data_version()
        Alias.objects.filter(pk=alias.pk).update(name="EDITED")  # no signal, no new id: not seen alone
        unseen = data_version()

        Designee.objects.get(pk=alias.designee_id).save()

        assert unseen == before
        assert data_version() != before

    def test_an_orm_deletion_once_committed(self, django_capture_on_commit_callbacks):
        older, _newer = DesignationFactory.create_batch(2)
        before = data_version()

        with django_capture_on_commit_callbacks(execute=True):
            Designation.objects.get(pk=older.pk).delete()

        assert data_version().generation > before.generation

    def test_a_bulk_update_that_bumps_the_generation(self, django_capture_on_commit_callbacks):
        designation = DesignationFactory()
        before = data_version()

        with django_capture_on_commit_callbacks(execute=True):
            Designation.objects.filter(pk=designation.pk).update(review_state="reviewed")
            bump_generation()

        assert data_version() != before

    def test_nothing_else(self):
        DesignationFactory()

        assert data_version() == data_version()

    def test_last_modified_is_the_newest_updated_at_in_whole_seconds(self):
        designation = DesignationFactory()
        later = timezone.now() + datetime.timedelta(days=1, microseconds=500)
        Designation.objects.filter(pk=designation.pk).update(updated_at=later)

        assert data_version().last_modified == int(later.timestamp())

    def test_the_name_index_is_built_for_the_current_version(self):
        matching.reset_index()
        try:
            DesignationFactory()
            assert matching.get_index().version == data_version()
        finally:
            matching.reset_index()


@pytest.mark.django_db(transaction=True)
class TestMemo:
    @pytest.fixture(autouse=True)
    def _fresh_memo(self, settings):
        settings.API_FINGERPRINT_SECONDS = 60
        dataversion._memo.value = None
        yield
        dataversion._memo.value = None

    def test_a_write_no_signal_sees_waits_for_the_memo_to_expire(self, settings):
        designation = DesignationFactory()
        before = data_version()
        later = timezone.now() + datetime.timedelta(days=1)
        Designation.objects.filter(pk=designation.pk).update(updated_at=later)

        remembered = data_version()
        settings.API_FINGERPRINT_SECONDS = 0
        read_again = data_version()

        assert remembered == before
        assert read_again.last_modified == int(later.timestamp())

    def test_a_generation_bump_reads_it_again_at_once(self):
        designation = DesignationFactory()
        before = data_version()
        Designation.objects.filter(pk=designation.pk).update(updated_at=timezone.now() + datetime.timedelta(days=1))

        bump_generation()  # outside a transaction: at once

        after = data_version()
        assert after.values != before.values
        assert after.generation == before.generation + 1

    def test_remembered_calls_cost_no_query(self):
        data_version()

        with CaptureQueriesContext(connection) as queries:
            data_version()

        assert len(queries) == 0

    def test_never_remembered_inside_a_transaction(self):
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            data_version()
            data_version()

        assert len(queries) == 2
        assert dataversion._memo.value is None
