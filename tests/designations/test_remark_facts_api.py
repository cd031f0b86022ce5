"""Stated facts of a designee (``DesigneeFact``) in its API record, the OpenAPI schema, its page and the admin."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from designations.models import DesigneeFact
from tests.factories import DesigneeFactory

pytestmark = pytest.mark.django_db


def _organisation():
    designee = DesigneeFactory(kind="entity", name="EXAMPLE STATE COMPANY")
    DesigneeFact.objects.create(
        designee=designee,
        kind=DesigneeFact.Kind.ORGANIZATION_ESTABLISHED,
        value="1996",
        date_from=datetime.date(1996, 1, 1),
        date_to=datetime.date(1996, 12, 31),
        precision="year",
    )
    DesigneeFact.objects.create(designee=designee, kind=DesigneeFact.Kind.ORGANIZATION_TYPE, value="Financial leasing")
    DesigneeFact.objects.create(
        designee=designee, kind=DesigneeFact.Kind.ORGANIZATION_TYPE, value="Construction of buildings", alt=True
    )
    return designee


def test_the_detail_gives_the_stated_facts_with_their_dates(api_client):
    designee = _organisation()

    data = api_client.get(reverse("designations-api:designee-detail", kwargs={"pk": designee.pk})).json()

    assert data["stated_facts"] == [
        {
            "kind": "organization_established",
            "value": "1996",
            "date_from": "1996-01-01",
            "date_to": "1996-12-31",
            "precision": "year",
            "alt": False,
            "source_document": None,
        },
        {
            "kind": "organization_type",
            "value": "Financial leasing",
            "date_from": None,
            "date_to": None,
            "precision": "",
            "alt": False,
            "source_document": None,
        },
        {
            "kind": "organization_type",
            "value": "Construction of buildings",
            "date_from": None,
            "date_to": None,
            "precision": "",
            "alt": True,
            "source_document": None,
        },
    ]


def test_the_list_gives_them_only_when_facts_are_expanded(api_client):
    designee = _organisation()
    url = reverse("designations-api:designee-list")

    [row] = [r for r in api_client.get(url).json()["results"] if r["id"] == designee.pk]
    assert "stated_facts" not in row
    [row] = [r for r in api_client.get(url, {"expand": "facts"}).json()["results"] if r["id"] == designee.pk]
    assert [fact["value"] for fact in row["stated_facts"]] == ["1996", "Financial leasing", "Construction of buildings"]


def test_the_schema_documents_the_stated_facts(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]

    assert "stated_facts" in components["DesigneeDetail"]["properties"]
    fact = components["DesigneeFact"]
    assert set(fact["properties"]) == {"kind", "value", "date_from", "date_to", "precision", "alt", "source_document"}
    assert "possible_nationality" in fact["properties"]["kind"]["description"]
    assert fact["properties"]["alt"]["description"]


def test_the_page_shows_each_kind_once_with_its_values_and_marks_a_possible_nationality(client):
    designee = _organisation()
    person = DesigneeFactory(name="SHALABI, Ismail")
    DesigneeFact.objects.create(designee=person, kind=DesigneeFact.Kind.POSSIBLE_NATIONALITY, value="Palestinian")

    page = client.get(designee.get_absolute_url()).content.decode()
    assert page.count("<dt>Organization type</dt>") == 1
    assert "<dt>Organization established</dt>" in page and "1996" in page
    assert "Financial leasing" in page and "Construction of buildings" in page
    person_page = client.get(person.get_absolute_url()).content.decode()
    assert "<dt>Possible nationality</dt>" in person_page
    assert "stated as possible, not confirmed" in person_page


def test_the_admin_edits_them_inline(admin_client):
    designee = _organisation()

    response = admin_client.get(reverse("admin:designations_designee_change", args=[designee.pk]))

    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert "stated_facts" in prefixes
