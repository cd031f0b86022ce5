"""FtM relationship schemas for every kind of link, and fixed query counts of the exports that carry links,
countries by role and birth dates (built data: the 2024 list publishes only "Linked To")."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations import exports
from designations.models import Designee, DesigneeCountry, Relationship
from tests.factories import (
    BirthDateFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    RelationshipFactory,
)

pytestmark = pytest.mark.django_db

DESIGNEES = reverse("designations-api:designee-list")
DESIGNATIONS = reverse("designations-api:designation-list")
ROLE_COLUMNS = [
    "nationality",
    "citizenship",
    "birth_country",
    "address_countries",
    "flag_country",
    "registration_country",
    "other_countries",
]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


class TestFtmRelationshipSchemas:
    """Kinds the 2024 list does not use (it publishes only "Linked To") get the FtM schema that fits."""

    @pytest.mark.parametrize(
        ("kind", "from_kind", "to_kind", "schema", "ends"),
        [
            ("family", "individual", "individual", "Family", ("person", "relative")),
            ("associate", "individual", "individual", "Associate", ("person", "associate")),
            ("owned_by", "vessel", "entity", "Ownership", ("asset", "owner")),
            ("acting_for", "individual", "entity", "Representation", ("agent", "client")),
            ("leader", "individual", "entity", "Directorship", ("director", "organization")),
            ("support", "entity", "entity", "UnknownLink", ("subject", "object")),
            # An Organization is not an FtM Asset, and Family needs two people: both fall back.
            ("owned_by", "entity", "entity", "UnknownLink", ("subject", "object")),
            ("family", "individual", "entity", "UnknownLink", ("subject", "object")),
        ],
    )
    def test_each_kind_gets_the_schema_that_fits_both_ends(self, kind, from_kind, to_kind, schema, ends):
        relationship = RelationshipFactory(
            kind=kind, from_designee__kind=from_kind, to_designee__kind=to_kind, to_designee__source_uid="77"
        )
        RelationshipFactory(  # the same link twice is one entity
            kind=kind, from_designee=relationship.from_designee, to_designee=relationship.to_designee
        )

        entities = list(exports.ftm_entities(Designee.objects.all()))

        (link,) = [entity for entity in entities if entity["schema"] not in exports.FTM_SCHEMA.values()]
        source = f"ofac-sdn-{relationship.from_designee.source_uid}"
        assert link["id"] == f"{source}-{kind.replace('_', '-')}-ofac-sdn-77"
        assert link["schema"] == schema
        assert {ends[0]: link["properties"][ends[0]], ends[1]: link["properties"][ends[1]]} == {
            ends[0]: [source],
            ends[1]: ["ofac-sdn-77"],
        }
        assert set(link["properties"]) <= exports.FTM_PROPERTIES[schema]
        label = Relationship.Kind(kind).label
        assert link["properties"].get("role") == ([label] if "role" in exports.FTM_PROPERTIES[schema] else None)

    def test_query_count_does_not_grow_with_relationships(self, django_assert_num_queries):
        for _ in range(6):
            designee = DesignationFactory().designee
            RelationshipFactory(from_designee=designee)
            RelationshipFactory(from_designee=designee, to_designee=None)
            BirthDateFactory(designee=designee, raw="1966 to 1968", is_range=True)

        # designees, then per chunk: 8 child tables (relationships included) and the source documents
        with django_assert_num_queries(10):
            entities = list(exports.ftm_entities(Designee.objects.all()))

        assert Counter(entity["schema"] for entity in entities)["UnknownLink"] == 6


def test_every_country_role_has_a_column():
    assert set(exports.COUNTRY_ROLE_COLUMNS) == set(DesigneeCountry.Role)
    assert list(exports.COUNTRY_ROLE_COLUMNS.values()) == ROLE_COLUMNS


def test_csv_query_counts_do_not_grow_with_countries_and_birth_dates(api_client):
    for _ in range(5):
        designee = DesignationFactory().designee
        DesigneeCountryFactory(designee=designee)
        DesigneeCountryFactory(designee=designee, role=DesigneeCountry.Role.ADDRESS)
        BirthDateFactory(designee=designee)
        BirthDateFactory(designee=DesigneeFactory())

    for url, queries in ((DESIGNATIONS, 4), (DESIGNEES, 6)):
        response = api_client.get(url, {"format": "csv"})
        with CaptureQueriesContext(connection) as captured:
            rows = read_csv(response)
        assert len(captured) == queries, url
        assert sum(1 for row in rows if row["birth_dates"] == "01 Jan 1970") >= 5
