"""The researcher's complete record in the exports, on the real 2024 list: birth dates (ranges as ranges,
"circa" kept as approximate) and "Linked To" relationships in the FollowTheMoney export, and one column per
country role plus the birth dates in the designation and designee CSVs."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections import Counter

import pytest
from django.urls import reverse

from designations import exports
from designations.models import BirthDate, Designee, DesigneeCountry, Relationship
from tests.datafiles import requires_data

pytestmark = [requires_data, pytest.mark.django_db]

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
BIRTH_COLUMNS = ["birth_dates", "birth_date_from", "birth_date_to"]


@pytest.fixture(scope="module")
def ftm(seeded, django_db_blocker) -> dict[str, dict]:
    """The whole FtM export of the seeded list, by entity id (built once: it is some 40,000 entities)."""
    with django_db_blocker.unblock():
        return {entity["id"]: entity for entity in exports.ftm_entities(Designee.objects.all())}


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def prefix_days(value: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day an FtM date prefix (``1970``, ``1970-02``, ``1970-02-03``) can mean."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        day = datetime.date(*parts)
        return day, day
    if len(parts) == 2:
        first = datetime.date(parts[0], parts[1], 1)
        return first, (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)


def designee_pk(entry: str) -> int:
    return Designee.objects.get(source="ofac-sdn", source_uid=entry).pk


@pytest.mark.usefixtures("seeded")
class TestFtmBirthDates:
    def test_a_range_of_years_is_every_year_of_it_with_the_published_range_in_notes(self, ftm):
        tanoue = ftm["ofac-sdn-16606"]["properties"]

        assert tanoue["name"] == ["TANOUE, Fumio"]
        assert tanoue["birthDate"] == ["1955", "1956"]
        assert "Birth date: 01 Jan 1955 to 31 Dec 1956 (range 1955-01-01 to 1956-12-31)" in tanoue["notes"]

    def test_ranges_beside_a_single_year_keep_each_date_its_own_note(self, ftm):
        agha = ftm["ofac-sdn-18688"]["properties"]

        assert agha["birthDate"] == ["1964", "1965", "1966", "1961", "1962", "1963", "1960"]
        birth_notes = [note for note in agha["notes"] if note.startswith("Birth date: ")]
        assert birth_notes == [
            "Birth date: 01 Jan 1964 to 31 Dec 1966 (range 1964-01-01 to 1966-12-31)",
            "Birth date: 01 Jan 1961 to 31 Dec 1963 (range 1961-01-01 to 1963-12-31)",
        ]

    def test_a_range_within_one_year_or_month_is_that_year_or_month(self, ftm):
        # "01 Jan 1973 to 31 Dec 1973" is the year 1973, "01 Feb 1958 to 28 Feb 1958" February 1958.
        assert ftm["ofac-sdn-18593"]["properties"]["birthDate"] == ["1973", "1970"]
        li = ftm["ofac-sdn-24838"]["properties"]
        assert li["birthDate"] == ["1958-02"]
        assert "Birth date: 01 Feb 1958 to 28 Feb 1958 (range 1958-02-01 to 1958-02-28)" in li["notes"]

    def test_a_range_across_a_new_year_gives_both_years_and_its_exact_bounds(self, ftm):
        # The Iranian year 1342: 21 March 1963 to 20 March 1964.
        abdollahpour = ftm["ofac-sdn-44922"]["properties"]

        assert abdollahpour["birthDate"] == ["1963", "1964"]
        assert "Birth date: 21 Mar 1963 to 20 Mar 1964 (range 1963-03-21 to 1964-03-20)" in abdollahpour["notes"]

    def test_circa_keeps_the_stated_date_and_is_marked_approximate(self, ftm):
        auf = ftm["ofac-sdn-10155"]["properties"]
        assert auf["birthDate"] == ["1954"]
        assert "Birth date: circa 1954 (approximate)" in auf["notes"]

        al_kurd = ftm["ofac-sdn-10409"]["properties"]
        assert al_kurd["birthDate"] == ["1949", "1951"]
        assert [note for note in al_kurd["notes"] if note.startswith("Birth date: ")] == [
            "Birth date: circa 1949 (approximate)",
            "Birth date: circa 1951 (approximate)",
        ]

        peshawari = ftm["ofac-sdn-11355"]["properties"]
        assert peshawari["birthDate"] == ["1961-01-01"]
        assert "Birth date: circa 01 Jan 1961 (approximate)" in peshawari["notes"]

    def test_a_circa_range_is_both_approximate_and_a_range(self, ftm):
        mahamoud = ftm["ofac-sdn-11748"]["properties"]

        assert mahamoud["birthDate"] == ["1979", "1980", "1981", "1982"]
        assert "Birth date: circa 1979-1982 (approximate; range 1979-01-01 to 1982-12-31)" in mahamoud["notes"]

    def test_an_exact_date_has_no_birth_note(self, ftm):
        chen = ftm["ofac-sdn-29220"]["properties"]

        assert chen["birthDate"] == ["1955"]
        assert not any(note.startswith("Birth date: ") for note in chen.get("notes", []))

    def test_no_birth_date_outside_its_published_bounds(self, ftm):
        """Across the whole list: every birthDate value of a person overlaps one of its published dates."""
        bounds: dict[str, list[tuple[datetime.date, datetime.date]]] = {}
        rows = BirthDate.objects.filter(designee__source="ofac-sdn", date_from__isnull=False)
        for uid, start, end in rows.values_list("designee__source_uid", "date_from", "date_to"):
            bounds.setdefault(f"ofac-sdn-{uid}", []).append((start, end or start))
        checked = 0
        for entity_id, dates in bounds.items():
            for value in ftm[entity_id]["properties"]["birthDate"]:
                first, last = prefix_days(value)
                assert any(first <= end and start <= last for start, end in dates), (entity_id, value, dates)
                checked += 1
        assert checked > 7000


@pytest.mark.usefixtures("seeded")
class TestFtmRelationships:
    def test_linked_to_is_an_unknown_link_between_the_two_entities(self, ftm):
        link = ftm["ofac-sdn-15006-linked-to-ofac-sdn-6636"]

        assert link == {
            "id": "ofac-sdn-15006-linked-to-ofac-sdn-6636",
            "schema": "UnknownLink",
            "properties": {"subject": ["ofac-sdn-15006"], "object": ["ofac-sdn-6636"], "role": ["Linked to"]},
        }
        assert ftm["ofac-sdn-6636"]["properties"]["name"] == ["TALIBAN"]

    def test_every_resolved_link_is_one_entity_with_both_ends_in_the_export(self, ftm):
        links = [entity for entity in ftm.values() if entity["schema"] == "UnknownLink"]
        resolved = Relationship.objects.filter(to_designee__isnull=False)
        pairs = set(resolved.values_list("from_designee__source_uid", "to_designee__source_uid"))

        assert len(links) == len(pairs) > 6000
        for link in links:
            (subject,), (target,) = link["properties"]["subject"], link["properties"]["object"]
            assert ftm[subject]["schema"] != "UnknownLink" and ftm[target]["schema"] != "UnknownLink"
            assert link["id"] == f"{subject}-linked-to-{target}"

    def test_a_link_to_a_party_not_on_the_list_stays_a_note_of_its_designee(self, ftm):
        ayala = ftm["ofac-sdn-11812"]

        assert ayala["properties"]["name"] == ["AYALA BARRERA, Rubi Yiceth"]
        assert "Linked to: HERJEZ LTDA" in ayala["properties"]["notes"]
        assert not any(entity_id.startswith("ofac-sdn-11812-linked-to-") for entity_id in ftm)

    def test_a_link_to_a_designee_left_out_of_the_export_is_a_note_not_a_dangling_entity(self):
        entities = list(exports.ftm_entities(Designee.objects.filter(source_uid="15006")))

        assert [entity["schema"] for entity in entities] == ["Organization", "Sanction"]
        assert "Linked to: TALIBAN" in entities[0]["properties"]["notes"]

    def test_link_entities_follow_their_designee_and_its_sanctions(self, api_client):
        lines = b"".join(api_client.get(reverse("designations-api:export-ftm")).streaming_content).splitlines()
        ids = [json.loads(line)["id"] for line in lines]

        at = ids.index("ofac-sdn-15006-linked-to-ofac-sdn-6636")
        start = ids.index("ofac-sdn-15006")
        assert start < at - 1
        assert all(entity_id.startswith("ofac-sdn-15006-sanction-") for entity_id in ids[start + 1 : at])


@pytest.mark.usefixtures("seeded")
class TestCsv:
    def test_designee_row_has_one_column_per_country_role_and_its_birth_dates(self, api_client):
        rows = read_csv(api_client.get(DESIGNEES, {"format": "csv", "entry_number": "18688"}))

        (agha,) = rows
        assert agha["name"] == "AGHA, Torek"
        assert {column: agha[column] for column in ROLE_COLUMNS + BIRTH_COLUMNS} == {
            "nationality": "",
            "citizenship": "",
            "birth_country": "AF|PK",
            "address_countries": "PK",
            "flag_country": "",
            "registration_country": "",
            "other_countries": "",
            "birth_dates": "01 Jan 1964 to 31 Dec 1966|01 Jan 1961 to 31 Dec 1963|1960",
            "birth_date_from": "1964-01-01|1961-01-01|1960-01-01",
            "birth_date_to": "1966-12-31|1963-12-31|1960-12-31",
        }
        assert "countries" not in agha and "country_roles" not in agha

    def test_designation_rows_carry_the_designees_nationality_and_circa_birth_date(self, api_client):
        rows = read_csv(api_client.get(DESIGNATIONS, {"format": "csv", "designee_id": designee_pk("11748")}))

        assert rows
        for row in rows:
            assert row["designee_name"] == "MAHAMOUD, Bashir Mohamed"
            assert {column: row[column] for column in ("nationality", "address_countries", *BIRTH_COLUMNS)} == {
                "nationality": "SO",
                "address_countries": "SO",
                "birth_dates": "circa 1979-1982|1982",
                "birth_date_from": "1979-01-01|1982-01-01",
                "birth_date_to": "1982-12-31|1982-12-31",
            }
            assert "countries" not in row

    def test_every_role_on_the_list_lands_in_its_own_column(self, api_client):
        rows = read_csv(api_client.get(DESIGNEES, {"format": "csv"}))

        cells = Counter()
        for row in rows:
            for column in ROLE_COLUMNS:
                cells[column] += len(row[column].split("|")) if row[column] else 0
        links = Counter(DesigneeCountry.objects.values_list("role", flat=True))
        assert cells == Counter({exports.COUNTRY_ROLE_COLUMNS[role]: count for role, count in links.items()})
        assert cells["flag_country"] > 800 and cells["nationality"] > 4000
