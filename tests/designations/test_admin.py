"""The admin for countries, source documents, designees, designations and their events."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

import pytest
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations.models import (
    Address,
    Alias,
    BirthDate,
    Country,
    CountryName,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
)
from importers.models import ImportRun
from programs.models import Authority, Program

pytestmark = pytest.mark.django_db

SDN_CSV = Path(__file__).resolve().parents[2] / "fixtures" / "ofac" / "sdn_2024-07-02" / "sdn.csv"


def sdn_rows(program: str, count: int, skip: tuple[str, ...] = ("7513", "29220")) -> list[list[str]]:
    """The first ``count`` entries of the 2024-07-02 SDN list under ``program`` (real names and numbers).

    ``skip`` holds the entry numbers the ``world`` fixture already created.
    """
    rows = []
    with SDN_CSV.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 12 and row[3] == program and row[0] not in skip:
                rows.append(row)
                if len(rows) == count:
                    break
    return rows


def add_sdn_designees(program: Program, rows: list[list[str]], country: Country) -> list[Designee]:
    """Designees (with an alias, an identifier and an active designation each) for SDN rows."""
    designees = []
    for ent_num, name, sdn_type, *_ in rows:
        designee = Designee.objects.create(
            kind="individual" if sdn_type == "individual" else "entity",
            name=name,
            entry_number=int(ent_num),
            source="ofac-sdn",
            source_uid=ent_num,
            record_hash="0" * 64,
        )
        Alias.objects.create(designee=designee, name=f"{name.split(',')[0]} (alias)", strength="weak")
        Identifier.objects.create(designee=designee, kind="National ID No.", value=f"ID{ent_num}", country=country)
        DesigneeCountry.objects.create(designee=designee, country=country, role="nationality")
        designation = Designation.objects.create(
            designee=designee, program=program, listed_on=datetime.date(2021, 12, 10), source="ofac-sdn"
        )
        DesignationEvent.objects.create(designation=designation, kind="listed", occurred_on=designation.listed_on)
        designees.append(designee)
    return designees


@pytest.fixture
def world():
    """A small, real slice of the SDN list: Zimbabwe's president under GLOMAG, with his facts."""
    zimbabwe = Country.objects.create(code="ZW", name="Zimbabwe", numeric="716")
    china = Country.objects.create(code="CN", name="China", numeric="156")
    CountryName.objects.create(name="Zimbabwe", country=zimbabwe)
    act = Authority.objects.create(
        code="global-magnitsky-act",
        kind=Authority.Kind.STATUTE,
        name="Global Magnitsky Human Rights Accountability Act",
        is_human_rights=True,
    )
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", family="human_rights", is_human_rights=True)
    glomag.authorities.add(act)
    snapshot = SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn.csv@2024-07-02",
        title="SDN list, 2 July 2024",
        published_on=datetime.date(2024, 7, 2),
    )
    run = ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED, records=1, created=1)
    president = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL,
        name="MNANGAGWA, Emmerson Dambudzo",
        entry_number=7513,
        title="President of Zimbabwe",
        gender=Designee.Gender.MALE,
        source="ofac-sdn",
        source_uid="7513",
        record_hash="a" * 64,
    )
    Alias.objects.create(designee=president, name="CROCODILE", strength=Alias.Strength.WEAK)
    Identifier.objects.create(designee=president, kind="Passport", value="AD005831", country=zimbabwe)
    Address.objects.create(designee=president, city="Harare", country=zimbabwe, country_text="Zimbabwe")
    BirthDate.objects.create(
        designee=president,
        raw="15 Sep 1946",
        date_from=datetime.date(1946, 9, 15),
        date_to=datetime.date(1946, 9, 15),
        precision="day",
    )
    PlaceOfBirth.objects.create(designee=president, place="Zvishavane, Zimbabwe", country=zimbabwe)
    DesigneeCountry.objects.create(designee=president, country=zimbabwe, role="nationality")
    chen = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL, name="CHEN, Quanguo", entry_number=29220, source="ofac-sdn", source_uid="29220"
    )
    Relationship.objects.create(from_designee=president, to_name="CHIWENGA, Constantino Guveya")
    Relationship.objects.create(from_designee=chen, to_designee=president, to_name=president.name)
    designation = Designation.objects.create(
        designee=president, program=glomag, authority=act, listed_on=datetime.date(2024, 3, 4), source="ofac-sdn"
    )
    event = DesignationEvent.objects.create(
        designation=designation,
        kind=DesignationEvent.Kind.LISTED,
        occurred_on=datetime.date(2024, 3, 4),
        source_document=snapshot,
        import_run=run,
    )
    return {
        "country": zimbabwe,
        "china": china,
        "countryname": CountryName.objects.get(),
        "sourcedocument": snapshot,
        "designee": president,
        "designation": designation,
        "designationevent": event,
        "program": glomag,
    }


MODELS = ("country", "countryname", "sourcedocument", "designee", "designation", "designationevent")


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:designations_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_change_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:designations_{model}_change", args=[world[model].pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:designations_{model}_add"))

    assert response.status_code == 200


def test_designee_change_page_shows_every_inline(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_change", args=[world["designee"].pk]))

    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {
        "aliases",
        "identifiers",
        "addresses",
        "birth_dates",
        "places_of_birth",
        "country_links",
        "relationships_from",
        "designations",
    }
    content = response.content.decode()
    assert "CROCODILE" in content
    assert "AD005831" in content
    assert "CHIWENGA, Constantino Guveya" in content


def test_designee_source_fields_are_shown_but_not_editable(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_change", args=[world["designee"].pk]))

    form_fields = set(response.context["adminform"].form.fields)
    assert {"source", "source_uid", "record_hash"}.isdisjoint(form_fields)
    assert "name" in form_fields
    content = response.content.decode()
    assert 'name="source_uid"' not in content
    assert "a" * 64 in content  # the record hash, displayed read-only


def test_designation_form_picks_designees_by_autocomplete_not_a_select_of_all(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_add"))

    form = response.context["adminform"].form
    for field in ("designee", "program", "authority"):
        assert isinstance(form.fields[field].widget.widget, AutocompleteSelect), field
    # An autocomplete select renders no option per designee.
    assert "CHEN, Quanguo</option>" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mnangagwa", "MNANGAGWA, Emmerson Dambudzo"),
        ("crocodile", "MNANGAGWA, Emmerson Dambudzo"),
        ("AD005831", "MNANGAGWA, Emmerson Dambudzo"),
        ("29220", "CHEN, Quanguo"),
    ],
    ids=["name", "alias", "identifier", "entry-number"],
)
def test_designee_search_finds_by_name_alias_identifier_and_entry_number(admin_client, world, query, expected):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": query})

    assert response.status_code == 200
    assert [designee.name for designee in response.context["cl"].result_list] == [expected]


def test_designee_search_with_no_match_lists_nothing(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "no such person"})

    assert list(response.context["cl"].result_list) == []


def test_designation_search_finds_by_designee_alias(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_changelist"), {"q": "crocodile"})

    assert list(response.context["cl"].result_list) == [world["designation"]]


def test_designee_changelist_shows_program_codes_and_active_count(admin_client, world):
    delisted_program = Program.objects.create(code="ZIMBABWE", name="Zimbabwe", family="country")
    Designation.objects.create(
        designee=world["designee"],
        program=delisted_program,
        status=Designation.Status.DELISTED,
        listed_on=datetime.date(2003, 3, 7),
        delisted_on=datetime.date(2024, 3, 4),
    )

    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "mnangagwa"})

    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert model_admin.program_codes(row) == "GLOMAG, (ZIMBABWE)"
    assert model_admin.active_designations(row) == 1


def changelist_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["designee", "designation", "designationevent"])
def test_big_changelists_cost_the_same_queries_for_3_and_30_rows(admin_client, world, model):
    url = reverse(f"admin:designations_{model}_changelist")
    rows = sdn_rows("GLOMAG", 30)
    add_sdn_designees(world["program"], rows[:1], world["china"])  # 3 designees with the world's two
    admin_client.get(url)  # warm the session and content-type caches
    few = changelist_queries(admin_client, url)

    add_sdn_designees(world["program"], rows[1:28], world["china"])  # 30 designees
    many = changelist_queries(admin_client, url)

    assert Designee.objects.count() == 30
    assert few == many


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("designee", 6),
        ("designation", 7),
        ("designationevent", 6),
        ("country", 5),
        ("countryname", 5),
        ("sourcedocument", 7),
    ],
)
def test_changelist_query_count_is_pinned(admin_client, django_assert_max_num_queries, world, model, limit):
    add_sdn_designees(world["program"], sdn_rows("GLOMAG", 30), world["china"])
    url = reverse(f"admin:designations_{model}_changelist")

    with django_assert_max_num_queries(limit):
        response = admin_client.get(url)

    assert response.status_code == 200


def test_designee_changelist_skips_the_unfiltered_count(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "chen"})

    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].result_count == 1


def test_designation_change_page_shows_events_read_only(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_change", args=[world["designation"].pk]))

    (events,) = [f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "events"]
    assert events.has_add_permission is False
    assert events.has_change_permission is False
    assert events.has_delete_permission is False
    assert len(events.formset.forms) == 1
    assert "SDN list, 2 July 2024" in response.content.decode()
