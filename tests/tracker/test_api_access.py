"""Who may read and write through the API, with which credentials, and how fast (tracker/api.py)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token

from designations.models import Designation
from tests.datafiles import requires_data
from tracker import settings as tracker_settings

pytestmark = [requires_data, pytest.mark.django_db]

DESIGNATIONS = reverse("designations-api:designation-list")
DESIGNEES = reverse("designations-api:designee-list")
COLLECTIONS = (
    reverse("programs-api:authority-list"),
    reverse("programs-api:program-list"),
    reverse("designations-api:country-list"),
    DESIGNEES,
    DESIGNATIONS,
    reverse("designations-api:sourcedocument-list"),
    reverse("importers-api:importrun-list"),
)

# Last-Modified, count, the page of programs, and the prefetches of authorities and target countries.
QUERIES_PROGRAM_PAGE = 5


@pytest.fixture
def rates(settings):
    """Set the anonymous and user rates for one test, on a fresh throttle history."""

    def set_rates(anon: str | None, user: str | None) -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": anon, "user": user}}
        cache.clear()

    yield set_rates
    cache.clear()


@pytest.fixture
def no_throttle(rates):
    rates(None, None)


def token_client(api_client, user: User):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api_client


class TestReadAndWritePermissions:
    def test_anonymous_clients_read_every_collection(self, api_client, reference_data, sdn_selection, no_throttle):
        for url in COLLECTIONS:
            response = api_client.get(url)

            assert response.status_code == 200, (url, response.content)
            assert response.json()["count"] > 0, url

    def test_anonymous_client_reads_a_real_designee_detail(self, api_client, sdn_selection, no_throttle):
        designee = Designation.objects.get(designee__entry_number=29220).designee

        data = api_client.get(reverse("designations-api:designee-detail", kwargs={"pk": designee.pk})).json()

        assert data["name"] == "CHEN, Quanguo"
        assert [d["program"] for d in data["designations"]] == ["GLOMAG"]

    def test_anonymous_write_is_refused(self, api_client, sdn_selection, no_throttle):
        before = Designation.objects.count()

        response = api_client.post(DESIGNATIONS, {"reason": "test"}, format="json")

        assert response.status_code == 403
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert Designation.objects.count() == before

    def test_token_user_without_the_model_permission_cannot_write(self, api_client, sdn_selection, no_throttle):
        client = token_client(api_client, User.objects.create_user("reader"))
        designation = Designation.objects.get(designee__entry_number=29249)  # LAM, Carrie under HK-EO13936

        post = client.post(DESIGNATIONS, {}, format="json")
        delete = client.delete(reverse("designations-api:designation-detail", kwargs={"pk": designation.pk}))

        assert post.status_code == 403
        assert post.json() == {"detail": "You do not have permission to perform this action."}
        assert delete.status_code == 403
        assert Designation.objects.filter(pk=designation.pk).exists()

    def test_token_user_with_the_model_permission_passes_the_check_on_a_read_only_endpoint(
        self, api_client, no_throttle
    ):
        editor = User.objects.create_user("editor")
        editor.user_permissions.add(Permission.objects.get(codename="add_designation"))
        client = token_client(api_client, editor)

        response = client.post(DESIGNATIONS, {}, format="json")

        # Past authentication and permission, the catalogue itself offers no POST.
        assert response.status_code == 405

    def test_token_user_reads_like_anyone(self, api_client, sdn_selection, no_throttle):
        client = token_client(api_client, User.objects.create_user("researcher"))

        response = client.get(DESIGNATIONS, {"program": "GLOMAG"})

        assert response.status_code == 200
        assert {row["designee"]["name"] for row in response.json()["results"]} == {
            "FLEURETTE HOLDINGS NETHERLANDS B.V.",
            "AL-QAHTANI, Saud",
            "CHEN, Quanguo",
            "RAPID INTERVENTION FORCE",
            "GAO, Qi",
        }

    def test_wrong_token_is_refused_even_for_a_read(self, api_client, no_throttle):
        api_client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")

        response = api_client.get(DESIGNATIONS)

        assert response.status_code == 403
        assert response.json() == {"detail": "Invalid token."}

    def test_session_user_without_permission_cannot_write(self, client, no_throttle):
        client.force_login(User.objects.create_user("analyst"))

        response = client.post(DESIGNATIONS, {}, content_type="application/json")

        assert response.status_code == 403

    def test_token_lookup_costs_one_query(self, api_client, reference_data, no_throttle, django_assert_num_queries):
        client = token_client(api_client, User.objects.create_user("researcher"))
        programs = reverse("programs-api:program-list")

        # Anonymous: Last-Modified, count, page and its prefetches. A token adds one: the token with its user.
        with django_assert_num_queries(QUERIES_PROGRAM_PAGE + 1):
            client.get(programs)
        client.credentials()
        with django_assert_num_queries(QUERIES_PROGRAM_PAGE):
            client.get(programs)


class TestThrottling:
    def test_anonymous_client_gets_429_with_retry_after_past_its_rate(self, api_client, rates):
        rates("3/min", "10/min")

        statuses = [api_client.get(DESIGNATIONS).status_code for _ in range(4)]
        refused = api_client.get(DESIGNATIONS)

        assert statuses == [200, 200, 200, 429]
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert refused.json()["detail"].startswith("Request was throttled.")

    def test_token_user_gets_the_higher_rate_and_its_own_count(self, api_client, rates):
        rates("2/min", "5/min")
        for _ in range(2):
            assert api_client.get(DESIGNATIONS).status_code == 200
        assert api_client.get(DESIGNATIONS).status_code == 429  # the address is used up for anonymous reads

        client = token_client(api_client, User.objects.create_user("researcher"))
        statuses = [client.get(DESIGNATIONS).status_code for _ in range(6)]

        assert statuses == [200] * 5 + [429]

    def test_forged_forwarded_for_header_does_not_reset_the_count(self, api_client, rates):
        rates("2/min", "5/min")

        statuses = [api_client.get(DESIGNATIONS, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]

        assert statuses == [200, 200, 429]

    def test_throttled_request_is_refused_before_any_query(self, api_client, rates, django_assert_num_queries):
        rates("1/min", "5/min")
        api_client.get(DESIGNATIONS)

        with django_assert_num_queries(0):
            assert api_client.get(DESIGNATIONS).status_code == 429

    def test_rate_off_lifts_the_limit(self, api_client, rates):
        rates(None, None)

        statuses = {api_client.get(reverse("programs-api:program-list")).status_code for _ in range(30)}

        assert statuses == {200}

    @pytest.mark.parametrize(
        ("raw", "expected"), [("120/min", "120/min"), ("5/s", "5/s"), ("off", None), ("none", None), ("", None)]
    )
    def test_rate_setting_reads_drf_rates_and_off(self, monkeypatch, raw, expected):
        monkeypatch.setenv("API_TEST_RATE", raw)

        assert tracker_settings._throttle_rate("API_TEST_RATE", "120/min") == expected

    def test_rate_setting_refuses_a_malformed_rate(self, monkeypatch):
        monkeypatch.setenv("API_TEST_RATE", "120 per minute")

        with pytest.raises(ImproperlyConfigured, match="API_TEST_RATE"):
            tracker_settings._throttle_rate("API_TEST_RATE", "120/min")


class TestCreateApiTokenCommand:
    def test_prints_a_new_token_that_authenticates(self, api_client, no_throttle):
        User.objects.create_user("researcher")
        out = io.StringIO()

        call_command("create_api_token", "researcher", stdout=out)

        key = out.getvalue().strip()
        assert Token.objects.get(user__username="researcher").key == key
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = api_client.post(DESIGNATIONS, {}, format="json")
        assert response.status_code == 403  # known, but without the permission to write

    def test_running_again_prints_the_same_token_and_reset_replaces_it(self):
        User.objects.create_user("researcher")
        first, again, reset = io.StringIO(), io.StringIO(), io.StringIO()

        call_command("create_api_token", "researcher", stdout=first)
        call_command("create_api_token", "researcher", stdout=again)
        call_command("create_api_token", "researcher", "--reset", stdout=reset)

        assert first.getvalue() == again.getvalue()
        assert reset.getvalue() != first.getvalue()
        assert Token.objects.get().key == reset.getvalue().strip()

    def test_unknown_or_inactive_user_is_an_error(self):
        User.objects.create_user("gone", is_active=False)

        with pytest.raises(CommandError, match="No user named 'nobody'"):
            call_command("create_api_token", "nobody")
        with pytest.raises(CommandError, match="inactive"):
            call_command("create_api_token", "gone")
        assert not Token.objects.exists()
