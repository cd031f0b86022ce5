"""CSV output of every list endpoint and the FollowTheMoney export, over 39 real entries of the 2024 list."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse

from designations import exports
from designations.models import Designation, DesignationEvent, Designee
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from tests.datafiles import requires_data, selection
from tests.factories import DesignationEventFactory, DesignationFactory, ImportRunFactory, SourceDocumentFactory
from tracker import csv as csv_output

pytestmark = [requires_data, pytest.mark.django_db]

SELECTION = selection("sdn_2024-07-02_selection")
FTM = reverse("designations-api:export-ftm")
LISTS = {
    "authorities": reverse("programs-api:authority-list"),
    "programs": reverse("programs-api:program-list"),
    "countries": reverse("designations-api:country-list"),
    "designees": reverse("designations-api:designee-list"),
    "designations": reverse("designations-api:designation-list"),
    "source-documents": reverse("designations-api:sourcedocument-list"),
    "import-runs": reverse("importers-api:importrun-list"),
}
DESIGNATION_COLUMNS = [
    "id",
    "designee_id",
    "designee_name",
    "designee_kind",
    "entry_number",
    "program",
    "authority",
    "agency",
    "status",
    "listed_on",
    "listed_precision",
    "listed_earliest",
    "delisted_on",
    "delisted_precision",
    "delisted_earliest",
    "nationality",
    "citizenship",
    "birth_country",
    "address_countries",
    "flag_country",
    "registration_country",
    "other_countries",
    "birth_dates",
    "birth_date_from",
    "birth_date_to",
    "legal_basis",
    "reason",
    "source",
    "source_document_ids",
    "source_document_urls",
    "created_at",
    "updated_at",
]


@pytest.fixture
def selection(reference_data, monkeypatch):
    """39 real entries of the 2024-07-02 SDN list, imported as a snapshot of that day."""
    monkeypatch.setattr(type(get_adapter("ofac-sdn")), "min_records", 5)
    run = import_run_create(source="ofac-sdn", path=[str(SELECTION)], as_of=datetime.date(2024, 7, 2))
    run = import_run_execute(run_id=run.pk)
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run


def read_csv(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def read_lines(response) -> list[dict]:
    assert isinstance(response, StreamingHttpResponse)
    return [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]


class TestCsv:
    @pytest.mark.parametrize("name", list(LISTS))
    def test_every_list_streams_all_matching_rows_not_one_page(self, api_client, selection, name):
        ImportRunFactory()
        SourceDocumentFactory()
        total = api_client.get(LISTS[name]).json()["count"]

        response = api_client.get(LISTS[name], {"format": "csv", "limit": 1})

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
        assert len(read_csv(response)) == total > 1

    def test_designation_columns_and_a_real_row(self, api_client, selection):
        response = api_client.get(LISTS["designations"], {"format": "csv", "program": "GLOMAG"})

        content = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(content)))
        assert content.splitlines()[0].split(",") == DESIGNATION_COLUMNS
        assert len(rows) == api_client.get(LISTS["designations"], {"program": "GLOMAG"}).json()["count"] == 5
        chen = next(row for row in rows if row["designee_name"] == "CHEN, Quanguo")
        document = DesignationEvent.objects.get(designation_id=chen["id"]).source_document
        assert chen | {"id": "", "designee_id": "", "created_at": "", "updated_at": ""} == {
            **dict.fromkeys(DESIGNATION_COLUMNS, ""),
            "designee_kind": "individual",
            "designee_name": "CHEN, Quanguo",
            "entry_number": "29220",
            "program": "GLOMAG",
            "authority": "eo-13818",
            "agency": "OFAC",
            "status": "active",
            "listed_on": "2024-07-02",
            "listed_precision": "on_or_before",
            "birth_country": "CN",
            "birth_dates": "1955",
            "birth_date_from": "1955-01-01",
            "birth_date_to": "1955-12-31",
            "source": "ofac-sdn",
            "source_document_ids": str(document.pk),
            "source_document_urls": "https://www.treasury.gov/ofac/downloads/",
        }
        assert chen["created_at"].endswith("Z") and datetime.datetime.fromisoformat(chen["created_at"])

    def test_several_source_documents_and_countries_are_joined_by_a_bar(self, api_client):
        designation = DesignationFactory(status=Designation.Status.DELISTED, delisted_on=datetime.date(2023, 1, 5))
        first, second = SourceDocumentFactory(), SourceDocumentFactory()
        DesignationEventFactory(designation=designation, source_document=first)
        DesignationEventFactory(designation=designation, source_document=second, kind="delisted")
        DesignationEventFactory(designation=designation, source_document=first, kind="amended")

        (row,) = read_csv(api_client.get(LISTS["designations"], {"format": "csv"}))

        assert row["source_document_ids"] == f"{first.pk}|{second.pk}"
        assert row["source_document_urls"] == f"{first.url}|{second.url}"
        assert (row["delisted_on"], row["status"]) == ("2023-01-05", "delisted")

    def test_designee_row_flattens_names_identifiers_countries_and_programs(self, api_client, selection):
        rows = read_csv(api_client.get(LISTS["designees"], {"format": "csv", "q": "ANSAR BANK"}))

        (bank,) = rows
        assert bank["entry_number"] == "12478"
        assert bank["programs"] == "IFSR|IRAN|IRGC|NPWMD|SDGT"
        assert bank["active_programs"] == bank["programs"]
        assert "Website: www.ansarbank.com" in bank["identifiers"].split("|")

    def test_detail_as_csv_is_one_row_with_the_same_columns(self, api_client, selection):
        url = reverse("programs-api:program-detail", kwargs={"code": "CAATSA - RUSSIA"})

        response = api_client.get(url, {"format": "csv"})

        assert response["Content-Disposition"] == 'attachment; filename="programs-caatsa-russia.csv"'
        assert [row["code"] for row in read_csv(response)] == ["CAATSA - RUSSIA"]

    def test_a_bad_filter_with_csv_is_a_json_400(self, api_client):
        response = api_client.get(LISTS["designations"], {"format": "csv", "program": "NOPE"})

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert "program" in response.json()

    @pytest.mark.parametrize("count", [3, 12])
    def test_designation_csv_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            DesignationEventFactory()

        response = api_client.get(LISTS["designations"], {"format": "csv"})
        # rows, then per chunk: countries, birth dates and source documents
        with django_assert_num_queries(4):
            rows = read_csv(response)

        assert len(rows) == count

    @pytest.mark.parametrize("count", [3, 12])
    def test_designee_csv_query_count_does_not_grow_with_rows(self, api_client, django_assert_num_queries, count):
        for _ in range(count):
            DesignationEventFactory()

        response = api_client.get(LISTS["designees"], {"format": "csv"})
        # rows, then per chunk: aliases, identifiers, designations, countries, birth dates
        with django_assert_num_queries(6):
            rows = read_csv(response)

        assert len(rows) == count

    def test_rows_are_read_in_chunks(self, api_client, monkeypatch, django_assert_num_queries):
        monkeypatch.setattr(csv_output, "CHUNK_SIZE", 2)
        for _ in range(5):
            DesignationEventFactory()

        response = api_client.get(LISTS["designations"], {"format": "csv"})
        # rows, then three related queries for each of three chunks
        with django_assert_num_queries(10):
            assert len(read_csv(response)) == 5


class TestFollowTheMoney:
    def test_one_valid_json_line_per_entity_and_sanction(self, api_client, selection):
        response = api_client.get(FTM)

        assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
        assert 'filename="designees.ftm.json"' in response["Content-Disposition"]
        entities = read_lines(response)
        schemas = Counter(entity["schema"] for entity in entities)
        assert schemas["Sanction"] == Designation.objects.count()
        assert schemas["Person"] + schemas["Organization"] + schemas["Vessel"] + schemas["Airplane"] == 39
        kinds = Counter(Designee.objects.values_list("kind", flat=True))
        assert (schemas["Person"], schemas["Vessel"], schemas["Airplane"]) == (
            kinds["individual"],
            kinds["vessel"],
            kinds["aircraft"],
        )
        assert len({entity["id"] for entity in entities}) == len(entities)

    def test_every_property_is_one_the_schema_defines(self, api_client, selection):
        for entity in read_lines(api_client.get(FTM)):
            allowed = exports.FTM_PROPERTIES.get(entity["schema"], SANCTION_PROPERTIES)
            assert set(entity["properties"]) <= allowed, entity
            assert all(isinstance(values, list) and values for values in entity["properties"].values())
            assert all(isinstance(value, str) for values in entity["properties"].values() for value in values)

    def test_sanctions_follow_their_entity_and_point_at_it(self, api_client, selection):
        entities = read_lines(api_client.get(FTM))

        current = None
        for entity in entities:
            if entity["schema"] == "Sanction":
                assert entity["properties"]["entity"] == [current]
                assert entity["id"].startswith(f"{current}-sanction-")
            else:
                current = entity["id"]
        ansar = [e for e in entities if e["properties"].get("entity") == ["ofac-sdn-12478"]]
        assert sorted(e["properties"]["program"][0] for e in ansar) == ["IFSR", "IRAN", "IRGC", "NPWMD", "SDGT"]

    def test_real_person_vessel_and_aircraft(self, api_client, selection):
        entities = {entity["id"]: entity for entity in read_lines(api_client.get(FTM))}

        chen = entities["ofac-sdn-29220"]
        assert chen["schema"] == "Person"
        assert chen["properties"]["name"] == ["CHEN, Quanguo"]
        assert chen["properties"]["birthDate"] == ["1955"]
        assert chen["properties"]["birthPlace"] == ["Pingyu, Henan, China"]
        assert chen["properties"]["birthCountry"] == ["cn"]
        assert chen["properties"]["gender"] == ["male"]
        assert chen["properties"]["topics"] == ["sanction"]
        (sanction,) = [e for e in entities.values() if e["properties"].get("entity") == ["ofac-sdn-29220"]]
        assert sanction["properties"]["program"] == ["GLOMAG"]
        assert sanction["properties"]["status"] == ["active"]
        assert sanction["properties"]["sourceUrl"] == ["https://www.treasury.gov/ofac/downloads/"]
        # Only "on or before" the snapshot is known: no start date is made up.
        assert "startDate" not in sanction["properties"]
        assert sanction["properties"]["summary"] == ["Listed on or before 2024-07-02"]

        ebano = entities["ofac-sdn-4243"]
        assert ebano["schema"] == "Vessel"
        assert ebano["properties"]["imoNumber"] == ["7406784"]
        assert ebano["properties"]["flag"] == ["pa"]
        assert ebano["properties"]["grossRegisteredTonnage"] == ["1865"]

        assert entities["ofac-sdn-15432"]["schema"] == "Airplane"
        lam = entities["ofac-sdn-29249"]
        assert lam["properties"]["title"] == ["Chief Executive of the Hong Kong Special Administrative Region"]
        assert "passportNumber" in lam["properties"] or "idNumber" in lam["properties"]

    def test_digital_currency_addresses_are_not_mislabelled_as_ids(self, api_client, selection):
        tornado = next(e for e in read_lines(api_client.get(FTM)) if e["id"] == "ofac-sdn-39796")

        assert tornado["schema"] == "Organization"
        assert not any(value.startswith("0x") for value in tornado["properties"].get("idNumber", []))
        assert tornado["properties"]["website"] == ["tornado.cash"]

    def test_a_delisted_designation_has_an_end_date_and_no_sanction_topic(self, api_client):
        designation = DesignationFactory(
            status=Designation.Status.DELISTED, delisted_on=datetime.date(2023, 1, 5), delisted_precision="day"
        )

        entity, sanction = read_lines(api_client.get(FTM))

        assert "topics" not in entity["properties"]
        assert sanction["properties"]["endDate"] == ["2023-01-05"]
        assert sanction["properties"]["startDate"] == sanction["properties"]["listingDate"] == ["2021-06-01"]
        assert sanction["id"] == f"{entity['id']}-sanction-{designation.pk}"

    def test_query_count_is_fixed_per_chunk(self, api_client, django_assert_num_queries):
        DesignationEventFactory.create_batch(4)

        response = api_client.get(FTM)
        # designees, then per chunk: 8 child tables (relationships included) and the source documents
        with django_assert_num_queries(10):
            assert len(read_lines(response)) == 8

    def test_command_writes_the_same_lines(self, api_client, selection, tmp_path):
        output = tmp_path / "tracker.ftm.json"

        call_command("export_ftm", "--output", str(output), verbosity=0)

        assert output.read_text().splitlines() == b"".join(api_client.get(FTM).streaming_content).decode().splitlines()


# alephdata/followthemoney followthemoney/schema/Sanction.yaml, with Interval.yaml (startDate, endDate, date,
# summary, recordId, sourceUrl).
SANCTION_PROPERTIES = {
    "entity",
    "authority",
    "authorityId",
    "unscId",
    "program",
    "provisions",
    "status",
    "duration",
    "reason",
    "country",
    "listingDate",
    "startDate",
    "endDate",
    "date",
    "summary",
    "recordId",
    "sourceUrl",
}


def test_schema_documents_the_new_endpoints_and_csv(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert {"/api/changes/", "/api/stats/", "/api/export/ftm/"} <= set(schema["paths"])
    for url in (*LISTS.values(), "/api/changes/", "/api/stats/"):
        operation = schema["paths"][url]["get"]
        assert "text/csv" in operation["responses"]["200"]["content"], url
        assert "format" in {p["name"] for p in operation["parameters"]}, url
    changes = {p["name"]: p for p in schema["paths"]["/api/changes/"]["get"]["parameters"]}
    assert changes["changed_since"]["required"] is True
    assert "Polling recipe" in schema["paths"]["/api/changes/"]["get"]["description"]
