"""Designation statistics (``designations.stats`` and ``/api/stats/``) over the real 2024 list and its history.

The expected figures are computed independently: from the raw OFAC files with the csv module, or by
counting ORM rows in Python, never with the aggregation under test.
"""

from __future__ import annotations

import csv
import datetime
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse

from designations.models import Designation, DesignationEvent, DesigneeCountry
from designations.stats import StatsError, designation_stats
from tests.datafiles import data_path, requires_data
from tests.factories import (
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ProgramFactory,
)

pytestmark = requires_data

ROOT = Path(__file__).parent.parent.parent
HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
STATS = reverse("designations-api:stats")


def _tags(value: str) -> set[str]:
    return set(value.strip("[]").split("] ["))


def history_counts(program: str, column: str, *, tags_from: tuple[str, ...] = ("programs_first", "programs_last")):
    """Per-year counts of ``column`` (``first_seen`` or ``first_absent``) for ``program``, from the raw file,
    over the rows whose ``tags_from`` columns carry the tag."""
    counts: Counter = Counter()
    with HISTORY.open(newline="") as handle:
        for row in csv.DictReader(handle):
            tags = set().union(*(_tags(row[name]) for name in tags_from))
            if program in tags and row[column]:
                counts[int(row[column][:4])] += 1
    return counts


def history_moves_into(program: str) -> list[str]:
    """Entry numbers whose tag ``program`` appeared only after their first sighting (a re-tag into it)."""
    with HISTORY.open(newline="") as handle:
        return [
            row["ent_num"]
            for row in csv.DictReader(handle)
            if program in _tags(row["programs_last"]) and program not in _tags(row["programs_first"])
        ]


def python_counts(queryset, key) -> Counter:
    return Counter(key(designation) for designation in queryset)


@pytest.mark.usefixtures("seeded")
class TestRealData:
    def test_glomag_listings_per_year_match_the_history_file(self, db):
        rows = designation_stats(Designation.objects.for_program("GLOMAG"), group_by=["year"], event="listed")

        # Entries listed under GLOMAG from their first sighting count in that year. The 12 moved there from
        # ZIMBABWE (another authority) are new designations dated by E.O. 13288's revocation, 4 March 2024.
        moved = history_moves_into("GLOMAG")
        expected = history_counts("GLOMAG", "first_seen", tags_from=("programs_first",)) + Counter({2024: len(moved)})
        assert len(moved) == 12
        assert {
            designation.listed_on
            for designation in Designation.objects.for_program("GLOMAG").filter(designee__source_uid__in=moved)
        } == {datetime.date(2024, 3, 4)}
        assert {row["year"]: row["count"] for row in rows} == expected
        assert rows == [
            {"year": 2021, "count": 415},
            {"year": 2022, "count": 193},
            {"year": 2023, "count": 78},
            {"year": 2024, "count": 21},
        ]

    def test_glomag_delistings_per_year_match_the_history_file(self, db):
        rows = designation_stats(Designation.objects.for_program("GLOMAG"), group_by=["year"], event="delisted")

        # The file's 7 GLOMAG ends, but 36459 KADYROV's: a second record of 23343, removed on 14 Nov 2022 while
        # 23343 stayed listed, which is not a delisting (its designation still ended).
        expected = history_counts("GLOMAG", "first_absent") - Counter({2022: 1})
        assert {row["year"]: row["count"] for row in rows} == expected
        assert sum(row["count"] for row in rows) == 6
        assert Designation.objects.for_program("GLOMAG").delisted().count() == 7
        duplicate = Designation.objects.for_program("GLOMAG").get(designee__source_uid="36459")
        assert duplicate.events.filter(kind=DesignationEvent.Kind.REMOVED_DUPLICATE).exists()

    def test_active_hong_kong_designations_per_country_are_china_and_hong_kong(self, db, api_client):
        active = Designation.objects.for_program("HK-EO13936").active()
        expected = Counter(
            code
            for designation in active.prefetch_related("designee__country_links__country")
            for code in {link.country.code for link in designation.designee.country_links.all()}
        )

        response = api_client.get(STATS, {"program": "HK-EO13936", "status": "active", "group_by": "country"})

        assert response.status_code == 200
        assert response.json()["results"] == [
            {"country": "CN", "country_name": "China", "count": expected["CN"]},
            {"country": "HK", "country_name": "Hong Kong", "count": expected["HK"]},
        ]
        assert (expected["CN"], expected["HK"], active.count()) == (32, 20, 42)

    def test_country_role_narrows_the_country_grouping(self, db, api_client):
        active = Designation.objects.for_program("HK-EO13936").active()
        nationality = Counter(
            link.country.code
            for link in DesigneeCountry.objects.filter(
                designee__in=active.values("designee"), role=DesigneeCountry.Role.NATIONALITY
            ).select_related("country")
        )
        without = active.exclude(
            designee__in=DesigneeCountry.objects.filter(role=DesigneeCountry.Role.NATIONALITY).values("designee")
        ).count()

        rows = api_client.get(
            STATS,
            {"program": "HK-EO13936", "status": "active", "group_by": "country", "country_role": "nationality"},
        ).json()["results"]

        assert {row["country"]: row["count"] for row in rows} == {**nationality, None: without}
        assert rows[-1]["country"] is None  # missing values sort last

    def test_program_and_status_counts_match_python_counts(self, db):
        expected = python_counts(Designation.objects.select_related("program"), lambda d: (d.program.code, d.status))

        rows = designation_stats(Designation.objects.all(), group_by=["program", "status"])

        assert {(row["program"], row["status"]): row["count"] for row in rows} == expected
        assert [(row["program"], row["status"]) for row in rows] == sorted(expected)

    def test_kind_agency_and_authority_counts_match_python_counts(self, db):
        queryset = Designation.objects.active().select_related("designee", "authority")
        expected = python_counts(
            queryset, lambda d: (d.designee.kind, d.agency, d.authority.code if d.authority else None)
        )

        rows = designation_stats(Designation.objects.active(), group_by=["kind", "agency", "authority"])

        assert {(row["kind"], row["agency"], row["authority"]): row["count"] for row in rows} == expected
        assert sum(row["count"] for row in rows) == Designation.objects.active().count()

    def test_month_groups_are_year_month_strings_matching_python_counts(self, db):
        queryset = Designation.objects.for_program("GLOMAG")
        expected = python_counts(queryset, lambda d: d.listed_on.strftime("%Y-%m"))

        rows = designation_stats(queryset, group_by=["month"], event="listed")

        assert {row["month"]: row["count"] for row in rows} == expected
        assert rows[0] == {"month": "2021-05", "count": expected["2021-05"]}

    def test_as_of_counts_designations_in_force_on_the_day(self, db, api_client):
        # Certainly in force at the end of the day: listed by then (a listing bracket counts from its end) and
        # not possibly delisted by then (a delisting bracket may end it from its start).
        day = datetime.date(2022, 1, 1)
        expected = sum(
            1
            for d in Designation.objects.for_program("GLOMAG")
            if d.listed_on <= day and (d.delisted_on is None or (d.delisted_earliest or d.delisted_on) > day)
        )

        answer = api_client.get(STATS, {"program": "GLOMAG", "as_of": "2022-01-01"}).json()

        assert answer["results"] == [{"count": expected}]
        assert answer["coverage"]["rows"] == expected

    def test_csv_has_the_group_columns_and_count(self, db, api_client):
        query = {"program": "GLOMAG", "event": "listed", "group_by": "year"}
        response = api_client.get(STATS, {**query, "format": "csv"})
        rows = api_client.get(STATS, query).json()["results"]

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert 'filename="stats.csv"' in response["Content-Disposition"]
        lines = b"".join(response.streaming_content).decode().splitlines()
        # The listings that cannot be placed in one year (dated "on or before" the first list state) come last,
        # with an empty year.
        assert lines == ["year,count", *(f"{row['year'] or ''},{row['count']}" for row in rows)]
        assert lines[-1].startswith(",")

    def test_one_query_whatever_the_grouping(self, db, django_assert_num_queries):
        for group_by in (["program"], ["country", "year"], ["authority", "month", "kind", "agency", "status"]):
            with django_assert_num_queries(1):
                designation_stats(Designation.objects.all(), group_by=group_by, event="listed")


class TestValidation:
    """Made-up rows; their designees use their own ``source``, so they never clash with the real entries the
    module's ``seeded`` fixture may already hold."""

    @pytest.mark.parametrize(
        ("params", "parameter"),
        [
            ({"group_by": "program,continent"}, "group_by"),
            ({"group_by": "year,year"}, "group_by"),
            ({"event": "amended"}, "event"),
            ({"group_by": "country", "country_role": "favourite"}, "country_role"),
        ],
    )
    def test_bad_values_are_a_400_naming_the_parameter(self, db, api_client, params, parameter):
        response = api_client.get(STATS, params)

        assert response.status_code == 400
        assert parameter in response.json()

    def test_function_raises_stats_error_with_the_parameter(self, db):
        with pytest.raises(StatsError) as excinfo:
            designation_stats(Designation.objects.all(), group_by=["program"], event="listing")

        assert excinfo.value.parameter == "event"

    def test_filters_apply_before_counting(self, db, api_client):
        program = ProgramFactory(code="QTEST")
        DesignationFactory.create_batch(2, program=program, designee__source="test")
        DesignationFactory(
            program=program,
            designee__source="test",
            status=Designation.Status.DELISTED,
            delisted_on=datetime.date(2023, 5, 1),
        )
        DesignationFactory(designee__source="test")  # another program

        rows = api_client.get(STATS, {"program": "QTEST", "group_by": "status"}).json()["results"]

        assert rows == [{"status": "active", "count": 2}, {"status": "delisted", "count": 1}]

    def test_a_designee_tied_to_a_country_twice_counts_once_there(self, db):
        designee = DesigneeFactory(source="test")
        for role in (DesigneeCountry.Role.NATIONALITY, DesigneeCountry.Role.ADDRESS):
            DesigneeCountryFactory(designee=designee, country__code="QM", country__name="Testland", role=role)
        DesignationFactory(designee=designee)

        assert designation_stats(Designation.objects.filter(designee=designee), group_by=["country"]) == [
            {"country": "QM", "country_name": "Testland", "count": 1}
        ]

    def test_a_record_removed_as_a_duplicate_is_not_counted_as_a_delisting(self, db, api_client):
        program = ProgramFactory(code="QDUP")
        ended = {"program": program, "designee__source": "test", "status": Designation.Status.DELISTED}
        delisted = DesignationFactory(**ended, delisted_on=datetime.date(2022, 3, 1))
        DesignationEventFactory(designation=delisted, kind=DesignationEvent.Kind.DELISTED)
        duplicate = DesignationFactory(**ended, delisted_on=datetime.date(2022, 11, 14))
        DesignationEventFactory(designation=duplicate, kind=DesignationEvent.Kind.REMOVED_DUPLICATE)

        rows = designation_stats(Designation.objects.filter(program=program), group_by=["year"], event="delisted")
        response = api_client.get(STATS, {"program": "QDUP", "group_by": "year", "event": "delisted"})

        assert rows == [{"year": 2022, "count": 1}]
        assert response.json()["results"] == [{"year": 2022, "count": 1}]

    def test_personal_country_role_counts_nationality_citizenship_and_place_of_birth(self, db, api_client):
        program = ProgramFactory(code="QPER")
        for role in ("place_of_birth", "nationality", "address"):
            designee = DesigneeFactory(source="test")
            DesigneeCountryFactory(designee=designee, country__code="QP", country__name="Personland", role=role)
            if role == "nationality":  # born there too: still one designation there
                DesigneeCountry.objects.create(
                    designee=designee, country=designee.country_links.get().country, role="place_of_birth"
                )
            DesignationFactory(designee=designee, program=program)

        params = {"program": "QPER", "group_by": "country", "country_role": "personal"}
        rows = api_client.get(STATS, params).json()["results"]

        assert {(row["country"], row["count"]) for row in rows} == {("QP", 2), (None, 1)}
