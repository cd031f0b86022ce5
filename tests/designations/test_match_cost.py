"""What screening may cost over the API: the threshold floor, word caps, the per-request budget and the
names-per-minute throttle of ``/api/match/``, over the 39 real entries of the 2024 selection.

The hostile request is the one that took a web worker down: 100 names of about 300 characters of common
company words and a number, ``threshold`` 0, ``limit`` 100. Cost is asserted in the matcher's own units
(``matching.ScreeningCost``), never in seconds.
"""

from __future__ import annotations

import random

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.authtoken.models import Token

from designations import matching
from tests.datafiles import data_path, requires_data, selection

SELECTION = selection("sdn_2024-07-02_selection")
EXTRAS_2025 = data_path("ofac", "sdn_2025-12-24_partial")
URL = "/api/match/"
COMMON_WORDS = "co ltd llc company trading limited corporation inc group international holding".split()


def hostile_name(rng: random.Random, number: int) -> str:
    words: list[str] = []
    while len(" ".join(words)) < 290:
        words.append(rng.choice(COMMON_WORDS))
    return f"{' '.join(words)} {number}"[:300]


HOSTILE = {
    "queries": [{"name": hostile_name(random.Random(number), number)} for number in range(100)],
    "threshold": 0,
    "limit": 100,
}


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """No throttle unless a test sets one."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def budgets(monkeypatch):
    """Every screening budget a request opens, to read what it counted."""
    opened: list[matching.ScreeningBudget] = []

    class Recorded(matching.ScreeningBudget):
        __slots__ = ()

        def __init__(self, **limits):
            super().__init__(**limits)
            opened.append(self)

    monkeypatch.setattr(matching, "ScreeningBudget", Recorded)
    return opened


@pytest.fixture
def rates(settings):
    """Set the names-per-minute rates for one test (the request rates stay off)."""

    def set_rates(anon: str | None, user: str | None = None) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "match_anon": anon, "match_user": user},
        }
        cache.clear()

    return set_rates


pytestmark = [requires_data, pytest.mark.usefixtures("match_entries", "db")]


# --- The hostile request ------------------------------------------------------------------------


def test_the_hostile_batch_is_refused_naming_what_is_too_big_before_any_screening(api_client, budgets):
    response = api_client.post(URL, HOSTILE, format="json")

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"threshold", "queries"}
    assert "greater than or equal to 0.5" in errors["threshold"][0]
    assert set(errors["queries"]) == {str(i) for i in range(100)}  # every name, by its position
    assert "words to compare; a name may have at most 30" in errors["queries"]["0"]["name"][0]
    assert budgets == []  # refused before the matcher did anything: no cost counted at all


def test_the_hostile_words_within_the_caps_stop_at_the_cost_budget(api_client, budgets, settings):
    # The same words cut to 10 a name (1000 in all, the batch cap), at the floor and the largest limit: the
    # dearest batch the validation lets through. (On the full list it costs about twice the default budget:
    # tests/designations/test_matching.py.) Here, a budget this small list can run out of.
    settings.MATCH_COST_BUDGET = 1_000
    queries = [{"name": " ".join(query["name"].split()[:9])} for query in HOSTILE["queries"]]

    response = api_client.post(URL, {"queries": queries, "threshold": 0.5, "limit": 100}, format="json")

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "screening_budget_exceeded"
    assert body["limit"] == "cost"
    assert "the 1000 cost units one request may use" in body["detail"]
    [budget] = budgets
    assert 0 < body["names_screened"] == budget.cost.names < 100
    assert budget.cost.units == body["cost_units"] > settings.MATCH_COST_BUDGET
    # Checked between candidate names: it stops within one name's cost of the budget.
    assert body["cost_units"] < settings.MATCH_COST_BUDGET + budget.cost.units / budget.cost.names


# --- Caps, refused before screening -------------------------------------------------------------


@pytest.mark.parametrize("threshold", ["0", "0.3", "0.49"])
def test_get_refuses_a_threshold_below_the_floor_naming_threshold(api_client, budgets, threshold):
    response = api_client.get(URL, {"name": "Carrie Lam", "threshold": threshold})

    assert response.status_code == 400
    assert list(response.json()) == ["threshold"]
    assert budgets == []


def test_post_refuses_a_threshold_below_the_floor_and_accepts_the_floor(api_client):
    low = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}], "threshold": 0.3}, format="json")
    floor = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}], "threshold": 0.5}, format="json")

    assert low.status_code == 400
    assert list(low.json()) == ["threshold"]
    assert floor.status_code == 200
    assert floor.json()["responses"][0]["results"][0]["entry_number"] == 29249


def test_the_floor_is_the_setting_as_configured_now(api_client, settings):
    settings.MATCH_MIN_THRESHOLD = 0.8

    refused = api_client.get(URL, {"name": "Carrie Lam", "threshold": 0.7})
    accepted = api_client.get(URL, {"name": "Carrie Lam", "threshold": 0.8})

    assert refused.status_code == 400
    assert "greater than or equal to 0.8" in refused.json()["threshold"][0]
    assert accepted.status_code == 200


def test_a_name_with_too_many_words_is_refused_naming_it(api_client, budgets):
    thirty = " ".join(f"word{i}" for i in range(30))
    thirty_one = f"{thirty} more"

    get = api_client.get(URL, {"name": thirty_one})
    post = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}, {"name": thirty_one}]}, format="json")
    accepted = api_client.get(URL, {"name": thirty})

    assert get.status_code == 400
    assert get.json() == {
        "name": [
            "The name has 31 words to compare; a name may have at most 30 "
            "(particles such as al-, bin or van not counted)."
        ]
    }
    assert post.status_code == 400
    assert list(post.json()["queries"]) == ["1"]
    assert list(post.json()["queries"]["1"]) == ["name"]
    assert accepted.status_code == 200
    assert len(budgets) == 1  # the accepted one only


def test_particles_do_not_count_as_words(api_client, settings):
    settings.MATCH_MAX_TOKENS_PER_NAME = 2

    assert api_client.get(URL, {"name": "Saud bin al-Qahtani"}).status_code == 200
    assert api_client.get(URL, {"name": "Saud Abdullah al-Qahtani"}).status_code == 400


def test_a_batch_with_too_many_words_in_all_is_refused_naming_queries(api_client, budgets, settings):
    settings.MATCH_MAX_TOKENS_PER_BATCH = 10
    queries = [{"name": "Carrie Lam"}, {"name": "Chen Quanguo"}, {"name": "Yuriy Khadzymuratavich Kareau"}]

    within = api_client.post(URL, {"queries": [*queries, {"name": "Saud al-Qahtani"}]}, format="json")
    over = api_client.post(URL, {"queries": [*queries, {"name": "Mousa Mohammed Abu Marzook"}]}, format="json")

    assert within.status_code == 200  # 2 + 2 + 3 + 2 (al- left out) = 9 words
    assert over.status_code == 400
    assert over.json() == {
        "queries": [
            "The batch has 11 words to compare in all; a batch may have at most 10. Send it in smaller batches."
        ]
    }
    assert len(budgets) == 1


# --- The budget, while screening ----------------------------------------------------------------


def test_screening_past_the_cost_budget_answers_413_and_counts_what_it_did(api_client, budgets, settings):
    settings.MATCH_COST_BUDGET = 30
    queries = [{"name": name} for name in ("Carrie Lam", "Chen Quanguo", "Saud al-Qahtani", "Yuri Karaev")] * 5

    response = api_client.post(URL, {"queries": queries}, format="json")

    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "screening_budget_exceeded"
    assert body["limit"] == "cost"
    assert body["detail"].startswith(f"Screening stopped at name {body['names_screened']} of 20: the request went")
    [budget] = budgets
    assert budget.cost.units == body["cost_units"] > 30
    assert budget.cost.names == body["names_screened"] < 20


def test_an_ordinary_batch_stays_well_within_the_default_budget(api_client, budgets, settings):
    queries = [{"name": name} for name in ("Carrie Lam", "陈全国", "Saud al-Qahtani", "Yuri Karaev", "Angela Merkel")]

    response = api_client.post(URL, {"queries": queries * 20}, format="json")

    assert response.status_code == 200
    [budget] = budgets
    assert budget.cost.names == 100
    assert budget.cost.units < settings.MATCH_COST_BUDGET / 100


def test_the_time_budget_is_checked_as_screening_goes_not_by_a_signal(api_client, budgets, settings):
    settings.MATCH_TIME_BUDGET_SECONDS = 0  # spent at the first check

    response = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}, {"name": "Chen Quanguo"}]}, format="json")

    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["limit"], body["names_screened"]) == ("screening_budget_exceeded", "time", 1)
    assert "the 0 seconds one request may take" in body["detail"]


def test_get_has_the_same_budget(api_client, settings):
    settings.MATCH_COST_BUDGET = 1

    response = api_client.get(URL, {"name": "Carrie Lam"})

    assert response.status_code == 413
    assert response.json()["code"] == "screening_budget_exceeded"
    assert response.json()["names_screened"] == 1


# --- Names per minute ---------------------------------------------------------------------------


def test_a_batch_counts_one_per_name_and_a_refused_batch_counts_nothing(api_client, rates):
    rates("5/min")
    three = {"queries": [{"name": "Carrie Lam"}, {"name": "Chen Quanguo"}, {"name": "Yuri Karaev"}]}

    first = api_client.post(URL, three, format="json")
    second = api_client.post(URL, three, format="json")
    single = api_client.get(URL, {"name": "Saud al-Qahtani"})
    last = api_client.get(URL, {"name": "Saud al-Qahtani"})
    over = api_client.get(URL, {"name": "Saud al-Qahtani"})

    assert first.status_code == 200
    assert second.status_code == 429  # 3 + 3 names > 5
    assert second.json()["detail"].startswith("This request screens 3 names; 2 of the 5 names allowed per min remain.")
    assert int(second.headers["Retry-After"]) > 0
    assert (single.status_code, last.status_code) == (200, 200)  # the refused batch took nothing: 4, then 5
    assert over.status_code == 429


def test_a_batch_larger_than_the_rate_is_told_to_send_smaller_batches(api_client, rates):
    rates("5/min")

    response = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}] * 6}, format="json")

    assert response.status_code == 429
    assert "Send smaller batches." in response.json()["detail"]


def test_signed_in_users_count_against_their_own_rate(api_client, rates):
    rates("2/min", "10/min")
    user = get_user_model().objects.create_user("screener")
    token = Token.objects.create(user=user)
    batch = {"queries": [{"name": "Carrie Lam"}] * 6}

    anonymous = api_client.post(URL, batch, format="json")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    signed_in = api_client.post(URL, batch, format="json")
    again = api_client.post(URL, batch, format="json")

    assert anonymous.status_code == 429
    assert signed_in.status_code == 200
    assert again.status_code == 429  # 6 + 6 > 10


def test_an_invalid_batch_counts_no_more_than_the_largest_batch(api_client, rates):
    rates("150/min")

    too_many = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}] * 500}, format="json")
    after = api_client.post(URL, {"queries": [{"name": "Carrie Lam"}] * 50}, format="json")

    assert too_many.status_code == 400  # more than 100 names: refused, and counted as 100
    assert after.status_code == 200


# --- The schema ---------------------------------------------------------------------------------


def test_schema_documents_the_floor_and_the_400_413_and_429_answers(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)

    operations = schema["paths"]["/api/match/"]
    for method, operation in operations.items():
        assert {"200", "400", "413", "429"} <= set(operation["responses"]), method
        body = operation["responses"]["413"]["content"]["application/json"]["schema"]
        assert body["properties"]["code"]["enum"] == ["screening_budget_exceeded"]
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        assert "MATCH_MAX_TOKENS_PER_NAME" in operation["description"]
    threshold = next(p for p in operations["get"]["parameters"] if p["name"] == "threshold")
    assert threshold["schema"]["minimum"] == 0.5
