"""The admin for authorities, their lifecycle events, and programs."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations.models import Country, Designation, Designee
from programs.models import Authority, AuthorityEvent, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The Hong Kong authorities and program, and one real designee under it (SDN entry 29242)."""
    hong_kong = Country.objects.create(code="HK", name="Hong Kong", numeric="344")
    china = Country.objects.create(code="CN", name="China", numeric="156")
    hkaa = Authority.objects.create(
        code="hong-kong-autonomy-act",
        kind=Authority.Kind.STATUTE,
        name="Hong Kong Autonomy Act",
        citation="Pub. L. 116-149",
        issuer="CONGRESS",
        signed_on=datetime.date(2020, 7, 14),
        is_human_rights=True,
    )
    eo = Authority.objects.create(
        code="eo-13936",
        kind=Authority.Kind.EXECUTIVE_ORDER,
        name="Executive Order 13936: The President's Executive Order on Hong Kong Normalization",
        short_name="E.O. 13936",
        issuer="PRESIDENT",
        signed_on=datetime.date(2020, 7, 14),
        is_human_rights=True,
    )
    eo.implements.add(hkaa)
    eo.target_countries.add(hong_kong, china)
    event = AuthorityEvent.objects.create(
        authority=eo, kind=AuthorityEvent.Kind.SIGNED, occurred_on=datetime.date(2020, 7, 14)
    )
    program = Program.objects.create(
        code="HK-EO13936", name="Hong Kong Normalization", family="human_rights", is_human_rights=True
    )
    program.authorities.add(eo, hkaa)
    russia = Program.objects.create(code="CAATSA - RUSSIA", name="CAATSA - Russia", family="country")
    tang = Designee.objects.create(kind="individual", name="TANG, Chris", entry_number=29242)
    Designation.objects.create(designee=tang, program=program, listed_on=datetime.date(2020, 8, 7))
    return {"authority": eo, "authorityevent": event, "program": program, "russia": russia}


MODELS = ("authority", "authorityevent", "program")


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:programs_{model}_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_change_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:programs_{model}_change", args=[world[model].pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(reverse(f"admin:programs_{model}_add"))

    assert response.status_code == 200


def test_authority_change_page_has_lifecycle_inline_and_two_way_pickers(admin_client, world):
    response = admin_client.get(reverse("admin:programs_authority_change", args=[world["authority"].pk]))

    events, citations = response.context["inline_admin_formsets"]
    assert events.formset.prefix == "events"
    assert citations.formset.prefix == "programs-citation-content_type-object_id"
    assert len(events.formset.forms) == 1
    content = response.content.decode()
    # filter_horizontal renders the "selectfilter" widget for both many-to-many fields.
    assert content.count('class="selectfilter"') == 2


def test_program_search_finds_a_code_with_spaces(admin_client, world):
    response = admin_client.get(reverse("admin:programs_program_changelist"), {"q": "CAATSA - RUSSIA"})

    assert list(response.context["cl"].result_list) == [world["russia"]]


def test_authority_search_finds_by_citation(admin_client, world):
    response = admin_client.get(reverse("admin:programs_authority_changelist"), {"q": "116-149"})

    assert [authority.code for authority in response.context["cl"].result_list] == ["hong-kong-autonomy-act"]


def test_program_changelist_counts_only_active_designations(admin_client, world):
    ho = Designee.objects.create(kind="individual", name="HO, Kwok Wai", entry_number=29250)
    Designation.objects.create(
        designee=ho,
        program=world["program"],
        status=Designation.Status.DELISTED,
        listed_on=datetime.date(2020, 8, 7),
        delisted_on=datetime.date(2021, 1, 1),
    )

    response = admin_client.get(reverse("admin:programs_program_changelist"), {"q": "HK-EO13936"})

    (program,) = response.context["cl"].result_list
    assert response.context["cl"].model_admin.active_designations(program) == 1


def test_authority_changelist_counts_programs(admin_client, world):
    response = admin_client.get(reverse("admin:programs_authority_changelist"), {"q": "eo-13936"})

    (authority,) = response.context["cl"].result_list
    assert response.context["cl"].model_admin.program_count(authority) == 1


def add_programs(count: int, start: int) -> None:
    for number in range(start, start + count):
        program = Program.objects.create(code=f"EO{14000 + number}", name=f"Executive Order {14000 + number}")
        authority = Authority.objects.create(
            code=f"eo-{14000 + number}", kind=Authority.Kind.EXECUTIVE_ORDER, name=f"Executive Order {14000 + number}"
        )
        program.authorities.add(authority)
        AuthorityEvent.objects.create(authority=authority, kind="signed", occurred_on=datetime.date(2021, 4, 15))


@pytest.mark.parametrize(("model", "limit"), [("program", 5), ("authority", 5), ("authorityevent", 7)])
def test_changelist_queries_are_pinned_and_do_not_grow_with_rows(admin_client, world, model, limit):
    url = reverse(f"admin:programs_{model}_changelist")
    add_programs(1, 0)  # 3 programs
    admin_client.get(url)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)

    add_programs(27, 1)  # 30 programs
    with CaptureQueriesContext(connection) as many:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert Program.objects.count() == 30
    assert len(few) == len(many) <= limit
