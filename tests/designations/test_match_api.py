"""``GET`` and ``POST /api/match/`` over the real entries of the 2024 selection (and their 2025 aliases).

The selection (``tests/data/selections/sdn_2024-07-02_selection.txt``) holds 39 real entries of the 2024-07-02 list,
among them AL-QAHTANI, Saud (26093), LAM, Carrie (29249), KARAEU, Yuriy Khadzymuratavich (29642) and
CHEN, Quanguo (29220). It is imported once for the module and rolled back after it.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from designations import matching
from designations.models import BirthDate, Designation, DesignationEvent, Designee, DesigneeCountry
from tests.datafiles import data_path, requires_data, selection

ROOT = Path(__file__).resolve().parents[2]
SELECTION = selection("sdn_2024-07-02_selection")
EXTRAS_2025 = data_path("ofac", "sdn_2025-12-24_partial")
URL = "/api/match/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """Lift the API's rate limits."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()
    yield
    cache.clear()


pytestmark = [requires_data, pytest.mark.usefixtures("match_entries", "db")]


def test_route_is_named_match():
    assert reverse("match-api:match") == URL


def test_get_ranks_designees_with_their_facts_and_explanation(api_client):
    response = api_client.get(URL, {"name": "Saud al-Qahtani"})

    assert response.status_code == 200
    body = response.json()
    assert body["query"] == {"name": "Saud al-Qahtani", "birth_date": "", "country": "", "kind": ""}
    first = body["results"][0]
    qahtani = Designee.objects.get(entry_number=26093)
    assert first == {
        "id": qahtani.pk,
        "url": f"http://testserver/api/designees/{qahtani.pk}/",
        "name": "AL-QAHTANI, Saud",
        "kind": "individual",
        "entry_number": 26093,
        "status": "active",
        "programs": ["GLOMAG"],
        "designations": first["designations"],
        "birth_dates": first["birth_dates"],
        "countries": first["countries"],
        "score": 1.0,
        "matched_name": "AL-QAHTANI, Saud",
        "matched_field": "name",
        "explanation": first["explanation"],
    }
    # The list's own entry: "DOB 07 Jul 1978; POB Riyadh, Saudi Arabia; nationality Saudi Arabia".
    assert [(d["program"], d["status"], d["delisted_on"]) for d in first["designations"]] == [
        ("GLOMAG", "active", None)
    ]
    assert first["designations"][0]["listed_precision"]  # a listing date says what it rests on
    assert [(b["raw"], b["date_from"], b["precision"]) for b in first["birth_dates"]] == [
        ("07 Jul 1978", "1978-07-07", "day")
    ]
    assert {(c["code"], c["role"]) for c in first["countries"]} >= {("SA", "nationality"), ("SA", "place_of_birth")}
    assert set(first["explanation"]) == {
        "name_score",
        "token_similarity",
        "compact_similarity",
        "phonetic_agreement",
        "matched_tokens",
        "word_order",
        "transliteration",
        "particles_ignored",
        "particles_unmatched",
        "weak_alias_penalty",
        "birth_date",
        "country",
        "kind",
    }
    assert response.headers["Last-Modified"]


def test_get_designee_url_leads_to_the_designee(api_client):
    first = api_client.get(URL, {"name": "Carrie Lam"}).json()["results"][0]

    detail = api_client.get(first["url"])

    assert detail.status_code == 200
    assert detail.json()["name"] == "LAM, Carrie"


def test_get_with_birth_date_country_and_kind_scores_their_agreement(api_client, settings):
    # KARAEU, Yuriy Khadzymuratavich: DOB 21 Jun 1966, Belarus (nationality, address), Russia (place of birth).
    settings.MATCH_MIN_THRESHOLD = 0.0  # the floor is a setting: lowered here to see three disagreements add up
    plain = api_client.get(URL, {"name": "Yuriy Kareau"}).json()["results"][0]
    agreeing = api_client.get(
        URL, {"name": "Yuriy Kareau", "birth_date": "1966-06", "country": "by", "kind": "individual"}
    ).json()
    disagreeing = api_client.get(
        URL, {"name": "Yuriy Kareau", "birth_date": "1990", "country": "FR", "kind": "entity", "threshold": 0}
    ).json()

    assert plain["entry_number"] == agreeing["results"][0]["entry_number"] == 29642
    assert agreeing["query"] == {"name": "Yuriy Kareau", "birth_date": "1966-06", "country": "BY", "kind": "individual"}
    explanation = agreeing["results"][0]["explanation"]
    assert explanation["birth_date"] > 0 and explanation["country"] > 0 and explanation["kind"] > 0
    assert agreeing["results"][0]["score"] > plain["score"]
    karaeu = next(r for r in disagreeing["results"] if r["entry_number"] == 29642)
    assert karaeu["score"] < plain["score"]


def test_get_honours_threshold_and_limit(api_client):
    # At the lowest threshold allowed: MAHAMOUD, Bashir Mohamed; AL-TIKRITI, Abid Hamid Mahmud; NIKOUSOKHAN, Mahmoud.
    everything = api_client.get(URL, {"name": "Mohammad Mahmoud", "threshold": 0.5, "limit": 100}).json()["results"]
    two = api_client.get(URL, {"name": "Mohammad Mahmoud", "threshold": 0.5, "limit": 2}).json()["results"]
    strict = api_client.get(URL, {"name": "Saud Qahtani", "threshold": 0.99}).json()["results"]

    assert len(everything) > 2
    assert two == everything[:2]
    assert [r["entry_number"] for r in strict] == [26093]


def test_post_batch_answers_each_query_in_order_without_csrf_or_authentication():
    client = APIClient(enforce_csrf_checks=True)
    queries = [
        {"name": "Saud al-Qahtani", "country": "SA"},
        {"name": "陈全国"},
        {"name": "Yuri Karaev", "birth_date": "1966"},
        {"name": "Angela Merkel"},
    ]

    response = client.post(URL, {"queries": queries, "limit": 1}, format="json")

    assert response.status_code == 200
    responses = response.json()["responses"]
    assert [r["query"]["name"] for r in responses] == [q["name"] for q in queries]
    assert [[x["entry_number"] for x in r["results"]] for r in responses] == [[26093], [29220], [29642], []]
    assert responses[2]["results"][0]["matched_field"] == "alias"


def test_post_from_a_signed_in_session_needs_the_csrf_token():
    user = get_user_model().objects.create_user("analyst", password="x")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(URL, {"queries": [{"name": "Carrie Lam"}]}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "--"}, "name"),
        ({"name": "x" * 301}, "name"),
        ({"name": "Carrie Lam", "threshold": "1.5"}, "threshold"),
        ({"name": "Carrie Lam", "threshold": "-0.1"}, "threshold"),
        ({"name": "Carrie Lam", "threshold": "high"}, "threshold"),
        ({"name": "Carrie Lam", "limit": "0"}, "limit"),
        ({"name": "Carrie Lam", "limit": "101"}, "limit"),
        ({"name": "Carrie Lam", "birth_date": "13/05/1957"}, "birth_date"),
        ({"name": "Carrie Lam", "birth_date": "1957-13"}, "birth_date"),
        ({"name": "Carrie Lam", "birth_date": "1957-02-30"}, "birth_date"),
        ({"name": "Carrie Lam", "country": "HKG"}, "country"),
        ({"name": "Carrie Lam", "kind": "person"}, "kind"),
        ({"name": "Carrie Lam", "nmae": "x"}, "nmae"),
    ],
)
def test_get_refuses_a_bad_parameter_naming_it(api_client, params, parameter):
    response = api_client.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_get_accepts_a_name_of_exactly_300_characters(api_client):
    assert api_client.get(URL, {"name": "Lam " + "x" * 296}).status_code == 200


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"queries": ["This field is required."]}),
        ({"queries": []}, {"queries": ["Ensure this field has at least 1 elements."]}),
        (
            {"queries": [{"name": "Carrie Lam"}] * 101},
            {"queries": ["Ensure this field has no more than 100 elements."]},
        ),
        (
            {"queries": [{"name": "Carrie Lam"}, {"birth_date": "1957"}]},
            {"queries": {"1": {"name": ["This field is required."]}}},
        ),
        (
            {"queries": [{"name": "Carrie Lam"}], "limit": 500},
            {"limit": ["Ensure this value is less than or equal to 100."]},
        ),
        (
            {"queries": [{"name": "Carrie Lam"}], "threshold": 2},
            {"threshold": ["Ensure this value is less than or equal to 1.0."]},
        ),
    ],
)
def test_post_refuses_a_bad_batch_naming_the_parameter(api_client, body, errors):
    response = api_client.post(URL, body, format="json")

    assert response.status_code == 400
    assert response.json() == errors


# The data version, then the candidates' designations, birth dates and countries, for all of them at once.
QUERIES_WITH_RESULTS = 4


@pytest.mark.parametrize("limit", [1, 100])
def test_get_costs_four_queries_whatever_the_limit(api_client, django_assert_num_queries, limit):
    api_client.get(URL, {"name": "Carrie Lam"})  # builds the index
    with django_assert_num_queries(QUERIES_WITH_RESULTS):
        response = api_client.get(URL, {"name": "Mohammad Mahmoud", "threshold": 0.5, "limit": limit})
    results = response.json()["results"]
    assert len(results) == 1 if limit == 1 else len(results) > 1
    assert all(r["designations"] and r["status"] == "active" for r in results)


def test_a_name_matching_nothing_costs_only_the_data_version(api_client, django_assert_num_queries):
    api_client.get(URL, {"name": "Carrie Lam"})  # builds the index
    with django_assert_num_queries(1):
        assert api_client.get(URL, {"name": "Angela Merkel"}).json()["results"] == []


@pytest.mark.parametrize("size", [1, 100])
def test_post_costs_four_queries_whatever_the_batch_size(api_client, django_assert_num_queries, size):
    api_client.get(URL, {"name": "Carrie Lam"})  # builds the index
    queries = [{"name": name} for name in ("Carrie Lam", "Saud al-Qahtani", "Chen Quanguo", "Yuri Karaev")]
    with django_assert_num_queries(QUERIES_WITH_RESULTS):
        response = api_client.post(URL, {"queries": (queries * 25)[:size], "limit": 100}, format="json")
    responses = response.json()["responses"]
    assert len(responses) == size
    assert all(r["results"][0]["birth_dates"] and r["results"][0]["countries"] for r in responses)


# --- What a person needs to act on a candidate ------------------------------------------------------


def test_each_candidate_carries_its_published_facts_beside_the_score(api_client):
    # LAM, Carrie (29249): "DOB 13 May 1957; POB Hong Kong; nationality Hong Kong", HK-EO13936.
    lam = api_client.get(URL, {"name": "Carrie Lam"}).json()["results"][0]
    held = Designee.objects.get(entry_number=29249)

    assert lam["entry_number"] == 29249
    assert lam["status"] == "active"
    assert [b["raw"] for b in lam["birth_dates"]] == ["13 May 1957"]
    assert lam["birth_dates"][0]["date_from"] == lam["birth_dates"][0]["date_to"] == "1957-05-13"
    assert {(c["code"], c["role"]) for c in lam["countries"]} == set(
        DesigneeCountry.objects.filter(designee=held).values_list("country__code", "role")
    )
    assert ("HK", "nationality") in {(c["code"], c["role"]) for c in lam["countries"]}
    assert {d["program"]: d["status"] for d in lam["designations"]} == {"HK-EO13936": "active"}


def test_the_batch_carries_the_same_facts_as_a_single_name(api_client):
    single = api_client.get(URL, {"name": "Chen Quanguo", "limit": 1}).json()["results"]
    batch = api_client.post(URL, {"queries": [{"name": "Chen Quanguo"}], "limit": 1}, format="json").json()

    assert batch["responses"][0]["results"] == single
    # CHEN, Quanguo (29220): no nationality, only his place of birth, "Pingyu, Henan, China" (and an address).
    roles = {(c["code"], c["role"]) for c in single[0]["countries"]}
    assert ("CN", "place_of_birth") in roles
    assert not {role for _, role in roles} & {"nationality", "citizenship"}


def _delist(entry_number: int) -> Designee:
    """End every designation of a listed entry, as a delisting on the list's own date would."""
    designee = Designee.objects.get(entry_number=entry_number)
    Designation.objects.filter(designee=designee).update(
        status=Designation.Status.DELISTED, delisted_on=datetime.date(2024, 7, 2), delisted_precision="day"
    )
    matching.reset_index()
    return designee


def test_a_delisted_candidate_is_answered_and_marked_unless_left_out(api_client):
    _delist(29249)

    answered = api_client.get(URL, {"name": "Carrie Lam"}).json()["results"]
    left_out = api_client.get(URL, {"name": "Carrie Lam", "include_delisted": "false"}).json()["results"]
    batch = api_client.post(
        URL,
        {"queries": [{"name": "Carrie Lam"}, {"name": "Saud al-Qahtani"}], "include_delisted": False},
        format="json",
    ).json()["responses"]

    [lam] = answered
    assert (lam["entry_number"], lam["status"], lam["programs"]) == (29249, "delisted", [])
    assert [(d["program"], d["status"], d["delisted_on"]) for d in lam["designations"]] == [
        ("HK-EO13936", "delisted", "2024-07-02")
    ]
    assert [b["raw"] for b in lam["birth_dates"]] == ["13 May 1957"]  # the facts stay with the history
    assert left_out == []
    assert [[r["entry_number"] for r in response["results"]] for response in batch] == [[], [26093]]


def test_include_delisted_refuses_what_is_not_a_boolean(api_client):
    response = api_client.get(URL, {"name": "Carrie Lam", "include_delisted": "maybe"})

    assert response.status_code == 400
    assert list(response.json()) == ["include_delisted"]


def _second_record(of: Designee, entry_number: int, ended_as: str) -> Designee:
    """Another record of the same party, under another entry number, whose designation has ended as ``ended_as``
    (as the snapshot import records a record OFAC removed while the other entry stays listed)."""
    record = Designee.objects.create(
        kind=of.kind, name=of.name, entry_number=entry_number, source="ofac-sdn", source_uid=str(entry_number)
    )
    for row in BirthDate.objects.filter(designee=of):
        BirthDate.objects.create(designee=record, raw=row.raw, date_from=row.date_from, date_to=row.date_to)
    kept = Designation.objects.filter(designee=of).first()
    ended = Designation.objects.create(
        designee=record,
        program=kept.program,
        status=Designation.Status.DELISTED,
        listed_on=datetime.date(2022, 9, 15),
        delisted_on=datetime.date(2022, 11, 14),
    )
    DesignationEvent.objects.create(designation=ended, kind=DesignationEvent.Kind.LISTED)
    DesignationEvent.objects.create(designation=ended, kind=ended_as, occurred_on=datetime.date(2022, 11, 14))
    matching.reset_index()
    return record


def test_a_record_ofac_removed_as_a_duplicate_is_left_out_and_a_delisted_namesake_is_not(api_client):
    qahtani = Designee.objects.get(entry_number=26093)
    duplicate = _second_record(qahtani, 990001, DesignationEvent.Kind.REMOVED_DUPLICATE)
    namesake = _second_record(qahtani, 990002, DesignationEvent.Kind.DELISTED)

    results = api_client.get(URL, {"name": "Saud al-Qahtani"}).json()["results"]
    batch = api_client.post(URL, {"queries": [{"name": "Saud al-Qahtani"}]}, format="json").json()

    ranked = [(r["id"], r["status"]) for r in results]
    assert ranked[0] == (qahtani.pk, "active")
    assert (namesake.pk, "delisted") in ranked  # delisted, not a duplicate: still answered, marked
    assert duplicate.pk not in {r["id"] for r in results}
    assert batch["responses"][0]["results"] == results
    assert duplicate.pk in matching.get_index().removed_duplicates


def test_schema_documents_both_operations(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    validate_schema(schema)

    operations = schema["paths"]["/api/match/"]
    assert set(operations) == {"get", "post"}
    parameters = {p["name"] for p in operations["get"]["parameters"]}
    assert {"name", "birth_date", "country", "kind", "threshold", "limit"} <= parameters
    assert operations["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/MatchBatch")
    for operation in operations.values():
        assert {"200", "400"} <= set(operation["responses"])
        assert "application/json" in operation["responses"]["400"]["content"]
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert {} in operations["post"]["security"]  # anonymous callers allowed
    result = schema["components"]["schemas"]["MatchResult"]
    assert {"score", "matched_name", "matched_field", "explanation", "programs"} <= set(result["properties"])
    assert {"status", "designations", "birth_dates", "countries"} <= set(result["properties"])
    assert "include_delisted" in parameters
    include = next(p for p in operations["get"]["parameters"] if p["name"] == "include_delisted")
    assert include["schema"]["default"] is True
    assert "nothing disappears" in include["description"]
    assert "include_delisted" in schema["components"]["schemas"]["MatchBatch"]["properties"]


def test_schema_command_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.json"

    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(target))

    assert "/api/match/" in json.loads(target.read_text())["paths"]
