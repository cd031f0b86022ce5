"""The editors' review of party links in the admin: the queue, its decisions and links made by hand; and the
read-only allied entries and designations."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from allies.resolution import resolve_links
from tests.factories import DesignationFactory, DesigneeFactory, ProgramFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:allies_partylink_changelist")
ADD = reverse("admin:allies_partylink_add")


def allied(uid: str, name: str, publisher: str = "uk") -> AlliedEntry:
    entry = AlliedEntry.objects.create(
        publisher=publisher,
        list_slug=f"{publisher}-list",
        source_uid=uid,
        source=f"{publisher}-list-format",
        kind="individual",
        name=name,
    )
    AlliedDesignation.objects.create(
        entry=entry,
        regime="Global Human Rights",
        regime_code="UK-GHR",
        theme="human_rights",
        listed_on=datetime.date(2021, 3, 22),
        dates=[{"kind": "listed", "date": "2021-03-22", "raw": "22/03/2021", "note": ""}],
    )
    return entry


@pytest.fixture
def queue():
    glomag = ProgramFactory(code="GLOMAG", is_human_rights=True)
    sure = DesigneeFactory(name="ZHU, Hailun")
    unsure = DesigneeFactory(name="WANG, Mingshan")
    for designee in (sure, unsure):
        DesignationFactory(designee=designee, program=glomag)
    linked = PartyLink.objects.create(
        designee=sure,
        entry=allied("GHR0078", "HAILUN ZHU"),
        state=PartyLink.State.LINKED,
        score=1.0,
        features={
            "name": 1.0,
            "name_ours": "ZHU, Hailun",
            "name_theirs": "HAILUN ZHU",
            "rule": "name, birth date agrees",
        },
    )
    pending = PartyLink.objects.create(
        designee=unsure,
        entry=allied("GHR0079", "WANG MINGSHAN"),
        state=PartyLink.State.PENDING,
        score=0.86,
        features={
            "name": 0.86,
            "name_ours": "WANG, Mingshan",
            "name_theirs": "WANG MINGSHAN",
            "birth_date": "unknown",
            "countries": "agree",
            "identifier": "none shared",
            "unique_name": False,
            "rule": "for review",
        },
    )
    return {"linked": linked, "pending": pending, "sure": sure, "unsure": unsure}


def editor(*codenames: str) -> User:
    user = User.objects.create_user("editor", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="allies", codename__in=codenames))
    return user


def test_review_queue_lists_links_waiting_for_review_first_with_readable_features(admin_client, queue):
    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert [link.pk for link in response.context["cl"].result_list] == [queue["pending"].pk, queue["linked"].pk]
    page = response.content.decode()
    assert "Birth date: <strong>unknown</strong>" in page
    assert "Decided by the rule: <strong>for review</strong>" in page
    assert "Only close name on either side: <strong>no</strong>" in page
    assert "&quot;birth_date&quot;" not in page and '"birth_date"' not in page  # not raw JSON
    assert "uk-list" in page and "GHR0079" in page and "WANG MINGSHAN" in page  # publisher, list, id, name
    assert "0.86" in page


def test_review_queue_filters_by_state(admin_client, queue):
    response = admin_client.get(CHANGELIST, {"state__exact": "pending"})

    assert [link.pk for link in response.context["cl"].result_list] == [queue["pending"].pk]


@pytest.mark.parametrize(("action", "state"), [("confirm", "confirmed"), ("reject", "rejected")])
def test_an_editors_decision_is_kept_with_who_made_it_and_when(client, queue, action, state):
    user = editor("view_partylink", "change_partylink")
    client.force_login(user)

    response = client.post(CHANGELIST, {"action": action, "_selected_action": [queue["pending"].pk]}, follow=True)

    assert response.status_code == 200
    link = PartyLink.objects.get(pk=queue["pending"].pk)
    assert link.state == state
    assert link.decided_by == user
    assert link.decided_at is not None
    assert PartyLink.objects.get(pk=queue["linked"].pk).state == PartyLink.State.LINKED  # not selected


def test_a_later_resolution_leaves_a_rejection_alone(admin_client, queue):
    admin_client.post(CHANGELIST, {"action": "reject", "_selected_action": [queue["linked"].pk]})

    resolve_links()

    assert PartyLink.objects.get(pk=queue["linked"].pk).state == PartyLink.State.REJECTED


def test_an_editor_who_may_only_view_gets_no_decision_actions(client, queue):
    client.force_login(editor("view_partylink"))

    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert response.context["action_form"] is None  # neither confirm nor reject offered
    client.post(CHANGELIST, {"action": "confirm", "_selected_action": [queue["pending"].pk]})
    assert PartyLink.objects.get(pk=queue["pending"].pk).state == PartyLink.State.PENDING


def test_an_editor_links_a_designee_to_an_entry_by_hand(client, queue):
    user = editor("view_partylink", "add_partylink", "view_alliedentry")
    user.user_permissions.add(Permission.objects.get(codename="view_designee"))
    client.force_login(user)
    entry = allied("EU.1.1", "ZHU Hailun", publisher="eu")

    response = client.post(ADD, {"designee": queue["sure"].pk, "entry": entry.pk})

    assert response.status_code == 302
    link = PartyLink.objects.get(designee=queue["sure"], entry=entry)
    assert (link.state, link.decided_by) == (PartyLink.State.MANUAL, user)
    assert link.decided_at is not None


def test_linking_by_hand_a_pair_already_proposed_says_to_decide_it_instead(admin_client, queue):
    response = admin_client.post(ADD, {"designee": queue["unsure"].pk, "entry": queue["pending"].entry_id})

    assert response.status_code == 200
    assert "already linked (waiting for review)" in response.content.decode()
    assert PartyLink.objects.get(pk=queue["pending"].pk).state == PartyLink.State.PENDING


def test_party_links_are_never_deleted(admin_client, queue):
    response = admin_client.get(reverse("admin:allies_partylink_delete", args=[queue["pending"].pk]))

    assert response.status_code == 403


def test_allied_entries_and_designations_are_read_only_and_searchable(admin_client, queue):
    entries = admin_client.get(reverse("admin:allies_alliedentry_changelist"), {"q": "hailun"})
    designations = admin_client.get(reverse("admin:allies_allieddesignation_changelist"), {"q": "GHR0079"})

    assert [entry.source_uid for entry in entries.context["cl"].result_list] == ["GHR0078"]
    assert [d.entry.source_uid for d in designations.context["cl"].result_list] == ["GHR0079"]
    assert admin_client.get(reverse("admin:allies_alliedentry_add")).status_code == 403
    change = admin_client.get(reverse("admin:allies_alliedentry_change", args=[queue["linked"].entry_id]))
    assert change.status_code == 200
    assert "2021-03-22 <small>(listed)</small>" in change.content.decode()
    assert 'name="name"' not in change.content.decode()  # shown, not editable
