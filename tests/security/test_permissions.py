"""The admin and the write API answer only to signed-in users holding the right permission, and every admin
form checks its CSRF token.

Admin URLs are read from the admin site and API URLs from the resolver, so a model or endpoint added later is
covered without a change here.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from rest_framework.authtoken.models import Token

from designations.models import Designee
from designations.services import roles_sync
from tests.security.conftest import endpoint, endpoint_names, row_counts

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
# Values that fit each admin URL argument; the admin refuses a visitor before looking anything up.
ADMIN_ARGUMENTS = {
    "object_id": "1",
    "content_type_id": "1",
    "history_id": "1",
    "run_id": "1",
    "index": "0",
    "decision": "accept",
    "app_label": "designations",
    "url": "nowhere/",
    "version_id": "1",
    "id": "1",
}


def _admin_paths() -> list[tuple[str, str]]:
    """(name, path) of every URL of the admin site, the catch-all included."""
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            groups = pattern.pattern.regex.groupindex
            positional = pattern.pattern.regex.groups - len(groups)
            if pattern.name:
                kwargs = {name: ADMIN_ARGUMENTS[name] for name in groups}
                path = reverse(f"admin:{pattern.name}", kwargs=kwargs or None, args=["1"] * positional or None)
            else:  # the catch-all
                path = "/admin/nowhere/"
            found.append((pattern.name or "catch-all", path))

    walk(admin.site.get_urls())
    return found


ADMIN_PATHS = _admin_paths()
OPEN_ADMIN_URLS = {"login"}  # the sign-in page itself
# Admin views that answer an anonymous visitor with a redirect to the admin index (which then asks to sign in).
TO_INDEX = {"logout"}


@pytest.mark.parametrize("name, path", ADMIN_PATHS, ids=[name for name, _ in ADMIN_PATHS])
def test_every_admin_url_sends_an_anonymous_visitor_to_sign_in(client, name, path):
    before = row_counts()

    for method in ("get", "post"):
        response = getattr(client, method)(path, {"name": "X", "_save": "Save"} if method == "post" else None)

        if name in OPEN_ADMIN_URLS:
            assert response.status_code == 200
        elif name in TO_INDEX:
            assert response.status_code == 302 and response["Location"] == reverse("admin:index")
        else:
            assert response.status_code == 302, (method, path, response.status_code)
            assert response["Location"].startswith(f"{LOGIN}?next="), (method, path, response["Location"])
    assert row_counts() == before


def test_every_registered_model_has_its_admin_urls_covered():
    names = {name for name, _ in ADMIN_PATHS}

    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        assert {f"{info}_changelist", f"{info}_add", f"{info}_change", f"{info}_delete"} <= names, info


# --------------------------------------------------------------------------------------------------
# Signed in without the right permission
# --------------------------------------------------------------------------------------------------
def _member(group: str | None) -> Client:
    roles_sync()
    user = User.objects.create_user(f"member-{group}", password="a long passphrase", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def _existing(model):
    return model._default_manager.order_by("pk").first()


def test_a_viewer_changes_nothing_through_any_model_admin(world):
    client = _member("Viewers")
    before = row_counts()

    refused = []
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = _existing(model)
        attempts = [(reverse(f"{info}_add"), {"name": "X"}, {403})]
        if obj is not None:
            attempts += [
                (reverse(f"{info}_change", args=[obj.pk]), {"name": "X", "_save": "Save"}, {403}),
                (reverse(f"{info}_delete", args=[obj.pk]), {"post": "yes"}, {403}),
                # A changelist answers an action the user may not run with the list again (and runs nothing).
                (
                    reverse(f"{info}_changelist"),
                    {"action": "delete_selected", "_selected_action": [obj.pk]},
                    {200, 403},
                ),
            ]
        for path, data, expected in attempts:
            status = client.post(path, data).status_code
            if status not in expected:
                refused.append((path, status))

    assert refused == []
    assert row_counts() == before


def test_a_viewer_cannot_use_the_custom_admin_actions(world):
    client = _member("Viewers")
    designee = world["chen"]
    before = row_counts()
    fields_before = Designee.objects.filter(pk=designee.pk).values().get()

    posts = [
        reverse("admin:importers_importrun_start"),
        reverse("admin:importers_importrun_skipped_change", args=[1, 0, "accept"]),
        reverse("admin:designations_designee_revert", args=[designee.pk, 1]),
    ]
    for path in posts:
        assert client.post(path, {"source": "ofac-sdn"}).status_code == 403, path
    for action in ("mark_reviewed", "lock_whole_record", "merge_two", "run_again", "reparse"):
        for info in ("designations_designee", "importers_importrun"):
            client.post(reverse(f"admin:{info}_changelist"), {"action": action, "_selected_action": [1, designee.pk]})

    assert row_counts() == before
    assert Designee.objects.filter(pk=designee.pk).values().get() == fields_before  # not reviewed, locked, merged


def test_staff_without_a_group_is_refused_every_model_page(world):
    client = _member(None)

    statuses = {}
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        statuses[info] = (
            client.get(reverse(f"{info}_changelist")).status_code,
            client.get(reverse(f"{info}_add")).status_code,
        )

    assert set(statuses.values()) == {(403, 403)}, statuses


def test_a_signed_in_non_staff_user_is_sent_to_sign_in(world):
    user = User.objects.create_user("reader", password="a long passphrase")
    client = Client()
    client.force_login(user)

    response = client.get(reverse("admin:designations_designee_changelist"))

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


# --------------------------------------------------------------------------------------------------
# CSRF on every admin form
# --------------------------------------------------------------------------------------------------
def _csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def _token(client, path: str) -> str:
    page = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_admin_forms_refuse_a_post_without_its_csrf_token(world, admin_user):
    client = _csrf_client(admin_user)
    designee = world["chen"]
    change = reverse("admin:designations_designee_change", args=[designee.pk])
    before = row_counts()

    posts = {
        change: {"name": "RENAMED"},
        reverse("admin:programs_program_add"): {"code": "NEW", "name": "New"},
        reverse("admin:designations_designee_delete", args=[designee.pk]): {"post": "yes"},
        reverse("admin:importers_importrun_start"): {"source": "ofac-sdn"},
        reverse("admin:logout"): {},
        reverse("admin:password_change"): {"old_password": "x", "new_password1": "y", "new_password2": "y"},
    }
    for path, data in posts.items():
        response = client.post(path, data)
        assert response.status_code == 403, path
        assert b"CSRF" in response.content, path

    assert row_counts() == before
    assert client.get(reverse("admin:index")).status_code == 200  # still signed in: the logout was refused


def test_the_same_admin_post_with_its_token_goes_through(world, admin_user):
    client = _csrf_client(admin_user)
    path = reverse("admin:programs_program_add")

    response = client.post(path, {"code": "NEW-PROGRAM", "name": "New", "csrfmiddlewaretoken": _token(client, path)})

    assert response.status_code in (200, 302)
    assert response.status_code != 403


def test_the_sign_in_form_checks_csrf_too(admin_user):
    client = Client(enforce_csrf_checks=True)
    admin_user.set_password("a long passphrase")
    admin_user.save()

    without = client.post(LOGIN, {"username": admin_user.username, "password": "a long passphrase"})
    with_token = client.post(
        LOGIN,
        {
            "username": admin_user.username,
            "password": "a long passphrase",
            "csrfmiddlewaretoken": _token(client, LOGIN),
        },
    )

    assert without.status_code == 403
    assert with_token.status_code == 302


# --------------------------------------------------------------------------------------------------
# The API: reads are public, writes need a user with the model permission
# --------------------------------------------------------------------------------------------------
# Endpoints that take a POST as a read: screening names writes nothing.
READ_BY_POST = {"match-api:match"}
API_NAMES = [name for name in endpoint_names() if "-api:" in name or name in {"api-root", "schema", "api-docs"}]


def _token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.mark.parametrize("name", API_NAMES)
def test_no_api_endpoint_writes_for_a_visitor_or_a_user_without_permission(world, name):
    target = endpoint(name)
    reader = _token_client(User.objects.create_user("reader"))
    session = Client()
    session.force_login(User.objects.create_user("analyst"))
    before = row_counts()

    for client in (Client(), reader, session):
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(
                target.path, {"name": "X", "status": "delisted"}, content_type="application/json"
            )
            if name in READ_BY_POST and method == "post":
                assert response.status_code in (200, 400), (method, target.path, response.status_code)
            else:
                assert response.status_code in (401, 403, 405), (method, target.path, response.status_code)

    assert row_counts() == before


def test_a_session_write_without_the_csrf_token_is_refused_even_with_the_permission(world):
    editor = User.objects.create_user("editor")
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["review_mention", "change_mention"]))
    client = _csrf_client(editor)
    before = row_counts()

    response = client.post(reverse("match-api:match"), {"names": [{"name": "CHEN"}]}, content_type="application/json")
    decide = client.post("/api/mentions/1/decide/", {"status": "accepted"}, content_type="application/json")

    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert decide.status_code == 403 and "CSRF" in decide.json()["detail"]
    assert row_counts() == before


def test_api_token_users_are_not_admin_users(world):
    client = _token_client(User.objects.create_user("researcher", is_staff=False))

    response = client.get(reverse("admin:designations_designee_changelist"))

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
