"""Query parameters of the views outside DRF: the pages, the Atom feeds and the admin's history views.

The API refuses a bad parameter with a 400 naming it (tracker/api.py); these views get the same checks. A
page still renders, with the message next to the field and at the top of its filter form, and answers
400; a bad ``page`` number is a plain 400; the changes feed answers in the API's JSON shape. Nothing a
client sends reaches the database as a number it cannot hold (an ``OverflowError`` was a 500).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from designations.models import Designation
from tests.security.conftest import endpoint, endpoint_names

pytestmark = pytest.mark.django_db

HUGE = str(10**20)
INTEGERS_BAD = [HUGE, f"-{HUGE}", str(2**63), "abc", "12abc", "1e400", "\u202e7"]
DATES_BAD = ["2024-02-30", "99999-12-31", "2024-13-01", "abc", "-1", "1e9", "31/12/2020"]
PAGES_BAD = ["abc", "-1", "0", HUGE, "1.5", "1e3", "\u202e1"]
# Values a client may well send and a view must take without failing (it may still find nothing).
HARMLESS = ["-1", "0", "1", "", "last"]

DESIGNATION_FILTERS = {
    **dict.fromkeys(("designee_id", "program_id", "authority_id"), INTEGERS_BAD),
    **dict.fromkeys(("as_of", "listed_after", "listed_before", "delisted_after", "delisted_before"), DATES_BAD),
}
# A designations table's ``sort`` takes a column name, "-" before it for descending; nothing else.
SORTS_BAD = ["bogus", "--listed", "listed_on", "-", "Designee", "designee,listed", "<script>", "\u202elisted"]
# What each view outside DRF reads from the query string, and the values it must refuse (400, naming it).
STRICT = {
    "designations:country_detail": {"page": PAGES_BAD, "sort": SORTS_BAD, **DESIGNATION_FILTERS},
    "designations:designation_list": {"page": PAGES_BAD, "sort": SORTS_BAD, **DESIGNATION_FILTERS},
    "programs:program_detail": {"page": PAGES_BAD, "sort": [*SORTS_BAD, "program", "-program"], **DESIGNATION_FILTERS},
    "programs:authority_detail": {"page": PAGES_BAD, "sort": SORTS_BAD, **DESIGNATION_FILTERS},
    "programs:program_list": {"page": PAGES_BAD},
    "allies:coordination": {
        "page": PAGES_BAD,
        "program": ["NO-SUCH-PROGRAM"],
        "country": ["XX"],
        "country_role": ["bogus"],
        "ally": ["us", "bogus"],
        "relation": ["bogus"],
    },
    "programs:authority_list": {"page": PAGES_BAD},
    "designations:changes": {
        "page": PAGES_BAD,
        "period": ["bogus", "365", "-1"],
        "occurred_after": DATES_BAD,
        "occurred_before": DATES_BAD,
        "program": ["NO-SUCH-PROGRAM"],
        "country": ["XX"],
        "country_role": ["bogus"],
        "date_certainty": ["bogus"],
    },
    "designations:compare": {
        "country": ["XX", "abc", "QC,QR,A,B,C,D,E"],  # unknown, and more than six
        "program": ["NO-SUCH-PROGRAM", "GLOMAG,A,B,C,D,E,F"],
        "as_of": DATES_BAD,
        "format": ["xml", "json"],
    },
    "designations-api:changes-feed": {
        "program_id": INTEGERS_BAD,
        "after_id": INTEGERS_BAD,
        "changed_since": DATES_BAD,
        "program": ["NO-SUCH-PROGRAM"],
        "kind": ["bogus"],
        "country": ["XX", "abc"],
        "country_role": ["bogus"],
        "zzz_unknown": ["1"],
    },
    # The changes feed's preview reads what the feed reads, through the feed.
    "designations:changes_feed_preview": {
        "program_id": INTEGERS_BAD,
        "after_id": INTEGERS_BAD,
        "changed_since": DATES_BAD,
        "program": ["NO-SUCH-PROGRAM"],
        "kind": ["bogus"],
        "country": ["XX", "abc"],
        "country_role": ["bogus"],
        "zzz_unknown": ["1"],
    },
    # A page's timeline as an SVG image and its figures as CSV: only the page's as_of.
    "home_timeline_svg": {"as_of": DATES_BAD},
    "designations:country_timeline_svg": {"as_of": DATES_BAD},
    "programs:program_timeline_svg": {"as_of": DATES_BAD},
    "programs:authority_timeline_svg": {"as_of": DATES_BAD},
    "home_timeline_csv": {"as_of": DATES_BAD},
    "designations:country_timeline_csv": {"as_of": DATES_BAD},
    "programs:program_timeline_csv": {"as_of": DATES_BAD},
    "programs:authority_timeline_csv": {"as_of": DATES_BAD},
}
# Views that read only free text or a choice with a default: any value is served (200).
LENIENT = {
    "designations:country_list": ("q", "sort"),
    "designations:search": ("q",),
}
# Views that read no query parameter at all.
READ_NOTHING = {
    "home",
    "healthz",
    "readyz",
    "designations:country_feed",
    "programs:program_feed",
    "designations:country_feed_preview",
    "programs:program_feed_preview",
    "designations:designee_detail",
}


class _Alerts(HTMLParser):
    """The text of every ``role="alert"`` element of a page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.alerts: list[str] = []
        self._depth = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if self._depth:
            self._depth += 1
        elif ("role", "alert") in attrs:
            self._depth = 1
            self.alerts.append("")

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.alerts[-1] += data


def named_parameters(response) -> str:
    """Where a 400 names what was wrong: JSON keys, a plain-text body, or a page's alerts."""
    content_type = response["Content-Type"]
    body = response.content.decode()
    if content_type.startswith("application/json"):
        return " ".join(json.loads(body))
    if content_type.startswith("text/plain"):
        return body
    return " | ".join(_Alerts(body).alerts)


def non_drf_views() -> set[str]:
    return {name for name in endpoint_names() if not hasattr(endpoint(name).view, "cls")}


def test_every_view_outside_drf_refuses_what_it_cannot_use_naming_the_parameter(client, world):
    assert non_drf_views() == set(STRICT) | set(LENIENT) | READ_NOTHING, "a view is missing from this test's tables"
    problems = []
    for name, parameters in STRICT.items():
        path = endpoint(name).path
        for parameter, values in parameters.items():
            for value in values:
                response = client.get(path, {parameter: value})
                if response.status_code != 400 or parameter not in named_parameters(response):
                    problems.append((name, parameter, value, response.status_code, named_parameters(response)[:200]))
            for value in HARMLESS if parameter not in ("zzz_unknown", "program", "kind", "country") else ():
                response = client.get(path, {parameter: value})
                if response.status_code >= 500:
                    problems.append((name, parameter, value, response.status_code))
    for name, parameters in LENIENT.items():
        path = endpoint(name).path
        for parameter in parameters:
            for value in [*INTEGERS_BAD, *DATES_BAD, "<script>alert(1)</script>", "A" * 2000]:
                response = client.get(path, {parameter: value})
                if response.status_code != 200:
                    problems.append((name, parameter, value[:40], response.status_code))
    assert problems == []


def test_changes_feed_refuses_an_id_beyond_64_bits_naming_it(client, world):
    response = client.get(reverse("designations-api:changes-feed"), {"program_id": "99999999999999999999"})

    assert response.status_code == 400
    assert list(response.json()) == ["program_id"]


def test_changes_feed_refuses_an_unknown_parameter_as_the_api_does(client, world):
    response = client.get(reverse("designations-api:changes-feed"), {"progam": "GLOMAG"})

    assert response.status_code == 400
    assert "Unknown query parameter 'progam'" in response.json()["progam"][0]


def test_a_page_number_that_is_not_one_is_400_naming_page(client, world):
    for path in ("/designations/", "/programs/", "/programs/GLOMAG/", "/countries/QC/"):
        response = client.get(path, {"page": "-1"})

        assert response.status_code == 400, path
        assert response.content.decode().startswith("page: Must be a whole number from 1 to ")


def test_a_page_names_a_filter_it_could_not_use_and_answers_400(client, world):
    response = client.get("/designations/", {"program_id": HUGE, "status": "active"})

    assert response.status_code == 400
    assert "program_id: Not a valid id." in _Alerts(response.content.decode()).alerts  # a field the form hides
    assert list(response.context["designations"]) == list(
        Designation.objects.active().order_by("-listed_on", "pk")
    )  # the other filters still apply


# --------------------------------------------------------------------------------------------------
# The admin's history views
# --------------------------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client, world):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_reverting_to_a_version_that_does_not_exist_is_404(admin_client, world):
    chen = world["chen"]
    latest = chen.history.order_by("-history_id").first().history_id

    for version in (latest + 1000, 10**20):
        response = admin_client.post(f"/admin/designations/designee/{chen.pk}/history/{version}/revert/")
        assert response.status_code == 404, version

    assert chen.history.count() == 1  # nothing was recorded


@pytest.mark.parametrize(
    "path",
    [
        "/admin/designations/designee/abc/history/1/revert/",
        "/admin/designations/designee/abc/history/",
        "/admin/designations/designee/{chen}/history/abc/",
        "/admin/designations/designation/{designation}/history/abc/",
        "/admin/programs/program/{glomag}/history/abc/",
        "/admin/programs/authority/{authority}/history/abc/",
    ],
)
def test_history_views_answer_404_to_a_malformed_record_or_version_id(admin_client, world, path):
    ids = {
        "chen": world["chen"].pk,
        "designation": Designation.objects.filter(designee=world["chen"]).get().pk,
        "glomag": world["glomag"].pk,
        "authority": world["authority"].pk,
    }
    method = admin_client.post if path.endswith("/revert/") else admin_client.get

    assert method(path.format(**ids)).status_code == 404
