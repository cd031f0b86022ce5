"""Moving Country, CountryName and Citation into the reference layer (``programs``) keeps every row.

The test database is taken back to the migrations before the move, filled there through the historical
models (a country with a spelling, a designee tied to it, a program targeting it, a citation with its
history row, and an editor group allowed to change citations), migrated forward again, and read through
today's models.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from designations.models import Designee
from programs.models import Citation, Country, CountryName, Program

BEFORE = [("designations", "0006_designation_reason_source_and_more"), ("programs", "0003_updated_at_index")]
pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before_the_move():
    apps = _migrate(BEFORE)
    yield apps
    call_command("migrate", verbosity=0)  # back to the latest state for the other tests


def test_migrating_keeps_countries_spellings_links_targets_citations_and_grants(before_the_move):
    old = before_the_move
    OldCountry = old.get_model("designations", "Country")
    ru = OldCountry.objects.create(code="RU", name="Russia", numeric="643")
    old.get_model("designations", "CountryName").objects.create(name="Russian Federation", country=ru)
    designee = old.get_model("designations", "Designee").objects.create(
        source="ofac-sdn", source_uid="99001", kind="individual", name="TEST, Person"
    )
    old.get_model("designations", "DesigneeCountry").objects.create(designee=designee, country=ru, role="nationality")
    program = old.get_model("programs", "Program").objects.create(code="TEST-PROG", name="Test program")
    program.target_countries.add(ru)
    OldContentType = old.get_model("contenttypes", "ContentType")
    designee_type = OldContentType.objects.get_or_create(app_label="designations", model="designee")[0]
    old.get_model("designations", "Citation").objects.create(
        content_type=designee_type, object_id=designee.pk, url="https://example.org/r", title="A report"
    )
    citation_type = OldContentType.objects.get_or_create(app_label="designations", model="citation")[0]
    OldPermission = old.get_model("auth", "Permission")
    change = OldPermission.objects.get_or_create(
        content_type=citation_type, codename="change_citation", defaults={"name": "Can change citation"}
    )[0]
    old.get_model("auth", "Group").objects.create(name="Test editors").permissions.add(change)

    call_command("migrate", verbosity=0)

    russia = Country.objects.get(code="RU")
    assert (russia.name, russia.numeric) == ("Russia", "643")
    assert CountryName.objects.get(name="Russian Federation").country == russia
    assert Designee.objects.get(source_uid="99001").country_links.get().country == russia
    assert list(Program.objects.get(code="TEST-PROG").target_countries.all()) == [russia]
    citation = Citation.objects.get()
    assert citation.content_object == Designee.objects.get(source_uid="99001")
    assert ContentType.objects.get_for_model(Citation).app_label == "programs"
    assert not ContentType.objects.filter(app_label="designations", model="citation").exists()
    granted = Group.objects.get(name="Test editors").permissions.get()
    assert (granted.content_type.app_label, granted.codename) == ("programs", "change_citation")
