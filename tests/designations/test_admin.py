"""The admin for countries, source documents, designees, designations and their events."""

from __future__ import annotations

import csv
import datetime

import pytest
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from designations.models import (
    Address,
    Alias,
    BirthDate,
    Country,
    CountryName,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
)
from importers.models import ImportRun
from programs.models import Authority, Program
from tests.datafiles import data_path, requires_data

pytestmark = [requires_data, pytest.mark.django_db]

SDN_CSV = data_path("ofac", "sdn_2024-07-02", "sdn.csv")


def sdn_rows(program: str, count: int, skip: tuple[str, ...] = ("7513", "29220")) -> list[list[str]]:
    """The first ``count`` entries of the 2024-07-02 SDN list under ``program`` (real names and numbers).

    ``skip`` holds the entry numbers the ``world`` fixture already created.
    """
    rows = []
    with SDN_CSV.open(encoding="latin-1", newline="") as handle:
        for row in csv.reader(handle):
            if len(row) >= 12 and row[3] == program and row[0] not in skip:
                rows.append(row)
                if len(rows) == count:
                    break
    return rows


def add_sdn_designees(program: Program, rows: list[list[str]], country: Country) -> list[Designee]:
    """Designees (with an alias, an identifier and an active designation each) for SDN rows."""
    designees = []
    for ent_num, name, sdn_type, *_ in rows:
        designee = Designee.objects.create(
            kind="individual" if sdn_type == "individual" else "entity",
            name=name,
            entry_number=int(ent_num),
            source="ofac-sdn",
            source_uid=ent_num,
            record_hash="0" * 64,
        )
        Alias.objects.create(designee=designee, name=f"{name.split(',')[0]} (alias)", strength="weak")
        Identifier.objects.create(designee=designee, kind="National ID No.", value=f"ID{ent_num}", country=country)
        DesigneeCountry.objects.create(designee=designee, country=country, role="nationality")
        designation = Designation.objects.create(
            designee=designee, program=program, listed_on=datetime.date(2021, 12, 10), source="ofac-sdn"
        )
        DesignationEvent.objects.create(designation=designation, kind="listed", occurred_on=designation.listed_on)
        designees.append(designee)
    return designees


@pytest.fixture
def world():
    """A small, real slice of the SDN list: Zimbabwe's president under GLOMAG, with his facts."""
    zimbabwe = Country.objects.create(code="ZW", name="Zimbabwe", numeric="716")
    china = Country.objects.create(code="CN", name="China", numeric="156")
    CountryName.objects.create(name="Zimbabwe", country=zimbabwe)
    act = Authority.objects.create(
        code="global-magnitsky-act",
        kind=Authority.Kind.STATUTE,
        name="Global Magnitsky Human Rights Accountability Act",
        is_human_rights=True,
    )
    glomag = Program.objects.create(code="GLOMAG", name="Global Magnitsky", family="human_rights", is_human_rights=True)
    glomag.authorities.add(act)
    snapshot = SourceDocument.objects.create(
        kind=SourceDocument.Kind.LIST_SNAPSHOT,
        source="ofac-sdn",
        source_uid="sdn.csv@2024-07-02",
        title="SDN list, 2 July 2024",
        published_on=datetime.date(2024, 7, 2),
    )
    run = ImportRun.objects.create(source="ofac-sdn", status=ImportRun.Status.SUCCEEDED, records=1, created=1)
    president = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL,
        name="MNANGAGWA, Emmerson Dambudzo",
        entry_number=7513,
        title="President of Zimbabwe",
        gender=Designee.Gender.MALE,
        source="ofac-sdn",
        source_uid="7513",
        record_hash="a" * 64,
    )
    Alias.objects.create(designee=president, name="CROCODILE", strength=Alias.Strength.WEAK)
    Identifier.objects.create(designee=president, kind="Passport", value="AD005831", country=zimbabwe)
    Address.objects.create(designee=president, city="Harare", country=zimbabwe, country_text="Zimbabwe")
    BirthDate.objects.create(
        designee=president,
        raw="15 Sep 1946",
        date_from=datetime.date(1946, 9, 15),
        date_to=datetime.date(1946, 9, 15),
        precision="day",
    )
    PlaceOfBirth.objects.create(designee=president, place="Zvishavane, Zimbabwe", country=zimbabwe)
    DesigneeCountry.objects.create(designee=president, country=zimbabwe, role="nationality")
    chen = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL, name="CHEN, Quanguo", entry_number=29220, source="ofac-sdn", source_uid="29220"
    )
    Relationship.objects.create(from_designee=president, to_name="CHIWENGA, Constantino Guveya")
    Relationship.objects.create(from_designee=chen, to_designee=president, to_name=president.name)
    designation = Designation.objects.create(
        designee=president, program=glomag, authority=act, listed_on=datetime.date(2024, 3, 4), source="ofac-sdn"
    )
    event = DesignationEvent.objects.create(
        designation=designation,
        kind=DesignationEvent.Kind.LISTED,
        occurred_on=datetime.date(2024, 3, 4),
        source_document=snapshot,
        import_run=run,
    )
    return {
        "country": zimbabwe,
        "china": china,
        "countryname": CountryName.objects.get(),
        "sourcedocument": snapshot,
        "designee": president,
        "designation": designation,
        "designationevent": event,
        "program": glomag,
    }


MODELS = ("country", "countryname", "sourcedocument", "designee", "designation", "designationevent")
# Countries and their spellings are reference data: their admin is the programs app's.
APP_OF = {"country": "programs", "countryname": "programs"}


def admin_url(model: str, action: str, *args) -> str:
    return reverse(f"admin:{APP_OF.get(model, 'designations')}_{model}_{action}", args=args or None)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@pytest.mark.parametrize("model", MODELS)
def test_change_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(admin_url(model, "change", world[model].pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_page_opens_for_superuser(admin_client, world, model):
    response = admin_client.get(admin_url(model, "add"))

    assert response.status_code == 200


def test_designee_change_page_shows_every_inline(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_change", args=[world["designee"].pk]))

    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert prefixes == {
        "aliases",
        "identifiers",
        "addresses",
        "birth_dates",
        "places_of_birth",
        "country_links",
        "relationships_from",
        "stated_facts",
        "designations",
        "programs-citation-content_type-object_id",
    }
    content = response.content.decode()
    assert "CROCODILE" in content
    assert "AD005831" in content
    assert "CHIWENGA, Constantino Guveya" in content


def test_designee_source_fields_are_shown_but_not_editable(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_change", args=[world["designee"].pk]))

    form_fields = set(response.context["adminform"].form.fields)
    assert {"source", "source_uid", "record_hash"}.isdisjoint(form_fields)
    assert "name" in form_fields
    content = response.content.decode()
    assert 'name="source_uid"' not in content
    assert "a" * 64 in content  # the record hash, displayed read-only


def test_designation_form_picks_designees_by_autocomplete_not_a_select_of_all(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_add"))

    form = response.context["adminform"].form
    for field in ("designee", "program", "authority"):
        assert isinstance(form.fields[field].widget.widget, AutocompleteSelect), field
    # An autocomplete select renders no option per designee.
    assert "CHEN, Quanguo</option>" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mnangagwa", "MNANGAGWA, Emmerson Dambudzo"),
        ("crocodile", "MNANGAGWA, Emmerson Dambudzo"),
        ("AD005831", "MNANGAGWA, Emmerson Dambudzo"),
        ("29220", "CHEN, Quanguo"),
    ],
    ids=["name", "alias", "identifier", "entry-number"],
)
def test_designee_search_finds_by_name_alias_identifier_and_entry_number(admin_client, world, query, expected):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": query})

    assert response.status_code == 200
    assert [designee.name for designee in response.context["cl"].result_list] == [expected]


def test_designee_search_with_no_match_lists_nothing(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "no such person"})

    assert list(response.context["cl"].result_list) == []


def test_designation_search_finds_by_designee_alias(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_changelist"), {"q": "crocodile"})

    assert list(response.context["cl"].result_list) == [world["designation"]]


def test_designee_changelist_shows_program_codes_and_active_count(admin_client, world):
    delisted_program = Program.objects.create(code="ZIMBABWE", name="Zimbabwe", family="country")
    Designation.objects.create(
        designee=world["designee"],
        program=delisted_program,
        status=Designation.Status.DELISTED,
        listed_on=datetime.date(2003, 3, 7),
        delisted_on=datetime.date(2024, 3, 4),
    )

    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "mnangagwa"})

    row = response.context["cl"].result_list[0]
    model_admin = response.context["cl"].model_admin
    assert model_admin.program_codes(row) == "GLOMAG, (ZIMBABWE)"
    assert model_admin.active_designations(row) == 1


def changelist_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", ["designee", "designation", "designationevent"])
def test_big_changelists_cost_the_same_queries_for_3_and_30_rows(admin_client, world, model):
    url = reverse(f"admin:designations_{model}_changelist")
    rows = sdn_rows("GLOMAG", 30)
    add_sdn_designees(world["program"], rows[:1], world["china"])  # 3 designees with the world's two
    admin_client.get(url)  # warm the session and content-type caches
    few = changelist_queries(admin_client, url)

    add_sdn_designees(world["program"], rows[1:28], world["china"])  # 30 designees
    many = changelist_queries(admin_client, url)

    assert Designee.objects.count() == 30
    assert few == many


@pytest.mark.parametrize(
    ("model", "limit"),
    [
        ("designee", 6),
        ("designation", 8),  # one more for the list of abuse categories in the filter
        ("designationevent", 6),
        ("country", 5),
        ("countryname", 5),
        ("sourcedocument", 7),
    ],
)
def test_changelist_query_count_is_pinned(admin_client, django_assert_max_num_queries, world, model, limit):
    add_sdn_designees(world["program"], sdn_rows("GLOMAG", 30), world["china"])
    url = admin_url(model, "changelist")

    with django_assert_max_num_queries(limit):
        response = admin_client.get(url)

    assert response.status_code == 200


def test_designee_changelist_skips_the_unfiltered_count(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designee_changelist"), {"q": "chen"})

    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].result_count == 1


def test_designation_change_page_shows_events_read_only(admin_client, world):
    response = admin_client.get(reverse("admin:designations_designation_change", args=[world["designation"].pk]))

    (events,) = [f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "events"]
    assert events.has_add_permission is False
    assert events.has_change_permission is False
    assert events.has_delete_permission is False
    assert len(events.formset.forms) == 1
    assert "SDN list, 2 July 2024" in response.content.decode()


# --------------------------------------------------------------------------------------------------
# The editors' workspace: roles, locks, review, merge, history and revert
# --------------------------------------------------------------------------------------------------
from django.contrib.admin import helpers  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402

from designations import services  # noqa: E402
from designations.models import AbuseCategory, Citation, DesigneeMerge  # noqa: E402


def _member(client, username: str, group: str | None):
    services.roles_sync()
    user = User.objects.create_user(username, password="pw", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def editor_client(client):
    client.user = _member(client, "ada", "Editors")
    return client


@pytest.fixture
def viewer_client(client):
    client.user = _member(client, "vic", "Viewers")
    return client


def designee_post_data(client, designee, **changes) -> dict:
    """The designee's change form as the browser would submit it, with ``changes`` applied."""
    response = client.get(reverse("admin:designations_designee_change", args=[designee.pk]))
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "locked_fields":
            data[name] = list(value or [])
        elif value is not None:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, management[name].value())
        for form in formset.formset.forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                if hasattr(value, "pk"):
                    value = value.pk
                if value is not None and value is not False:
                    data[f"{form.prefix}-{name}"] = value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_editor_edit_is_locked_against_imports_and_recorded_as_one_version(editor_client, world):
    president = world["designee"]
    data = designee_post_data(editor_client, president, title="President of the Republic of Zimbabwe")
    data["aliases-0-name"] = "NGWENA"

    response = editor_client.post(reverse("admin:designations_designee_change", args=[president.pk]), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    president.refresh_from_db()
    assert president.title == "President of the Republic of Zimbabwe"
    assert president.locked_fields == ["title", "aliases"]
    version = president.history.first()
    assert version.history_user == editor_client.user
    assert version.history_change_reason == "Changed title, aliases"
    assert [row["name"] for row in version.children["aliases"]] == ["NGWENA"]


def test_a_fact_an_editor_changes_is_no_longer_the_documents(editor_client, world):
    president = world["designee"]
    snapshot = SourceDocument.objects.get(source_uid="sdn.csv@2024-07-02")
    Alias.objects.filter(designee=president).update(source_document=snapshot)
    Identifier.objects.filter(designee=president).update(source_document=snapshot)
    page = editor_client.get(reverse("admin:designations_designee_change", args=[president.pk])).content.decode()
    assert page.count("SDN list, 2 July 2024") >= 2  # each fact shows where it was read

    data = designee_post_data(editor_client, president)
    data["aliases-0-name"] = "NGWENA"
    response = editor_client.post(reverse("admin:designations_designee_change", args=[president.pk]), data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    [alias] = Alias.objects.filter(designee=president)
    assert (alias.name, alias.source_document) == ("NGWENA", None)
    # The identifier, untouched, still names the list it came from.
    assert Identifier.objects.get(designee=president).source_document == snapshot


def test_locks_are_checkboxes_that_save_as_a_list(editor_client, world):
    president = world["designee"]
    data = designee_post_data(editor_client, president, locked_fields=["*", "identifiers"])

    editor_client.post(reverse("admin:designations_designee_change", args=[president.pk]), data)

    president.refresh_from_db()
    assert president.locked_fields == ["*", "identifiers"]
    page = editor_client.get(reverse("admin:designations_designee_change", args=[president.pk])).content.decode()
    assert 'type="checkbox" name="locked_fields" value="title"' in page


def test_history_page_shows_field_and_child_changes_and_reverts(editor_client, world):
    president = world["designee"]
    editor_client.post(
        reverse("admin:designations_designee_change", args=[president.pk]),
        designee_post_data(editor_client, president, title="Typo"),
    )
    president.refresh_from_db()
    first = president.history.order_by("history_id").first()

    page = editor_client.get(reverse("admin:designations_designee_history", args=[president.pk]))
    content = page.content.decode()
    assert "President of Zimbabwe" in content and "Typo" in content
    assert f'data-revert="{first.history_id}"' in content

    response = editor_client.post(reverse("admin:designations_designee_revert", args=[president.pk, first.history_id]))

    assert response.status_code == 302
    president.refresh_from_db()
    assert president.title == "President of Zimbabwe"


def test_review_actions_and_the_queue_filter(editor_client, world):
    url = reverse("admin:designations_designee_changelist")
    chen = Designee.objects.get(entry_number=29220)

    editor_client.post(
        url, {"action": "mark_reviewed", helpers.ACTION_CHECKBOX_NAME: [world["designee"].pk]}, follow=True
    )
    queue = editor_client.get(url, {"queue": "changed"})
    attention = editor_client.get(url, {"review_state__exact": "reviewed"})

    assert Designee.objects.get(pk=world["designee"].pk).reviewed_by == editor_client.user
    assert list(queue.context["cl"].result_list) == [chen]
    assert [d.pk for d in attention.context["cl"].result_list] == [world["designee"].pk]


def test_merge_action_asks_which_record_to_keep_then_merges(editor_client, world):
    url = reverse("admin:designations_designee_changelist")
    chen = Designee.objects.get(entry_number=29220)
    selected = [world["designee"].pk, chen.pk]

    confirm = editor_client.post(url, {"action": "merge_two", helpers.ACTION_CHECKBOX_NAME: selected})
    assert confirm.status_code == 200
    assert "Keep which record?" in confirm.content.decode()

    editor_client.post(
        url,
        {"action": "merge_two", helpers.ACTION_CHECKBOX_NAME: selected, "confirm": "yes", "kept": world["designee"].pk},
    )
    chen.refresh_from_db()
    assert chen.merged_into == world["designee"]

    merge = DesigneeMerge.objects.get()
    editor_client.post(
        reverse("admin:designations_designeemerge_changelist"),
        {"action": "undo", helpers.ACTION_CHECKBOX_NAME: [merge.pk]},
    )
    chen.refresh_from_db()
    assert chen.merged_into is None


def test_designation_page_edits_reason_categories_and_citations(editor_client, world):
    corruption, _ = AbuseCategory.objects.get_or_create(code="corruption", defaults={"name": "Corruption"})
    designation = world["designation"]
    url = reverse("admin:designations_designation_change", args=[designation.pk])
    page = editor_client.get(url)
    assert 'name="categories"' in page.content.decode()
    prefix = "programs-citation-content_type-object_id"
    data = {
        "designee": designation.designee_id,
        "program": designation.program_id,
        "authority": designation.authority_id,
        "agency": designation.agency,
        "status": designation.status,
        "listed_on": "2024-03-04",
        "listed_precision": "",
        "delisted_precision": "",
        "locked_fields": "[]",
        "curated_reason": "Shielded gold and diamond smugglers in exchange for bribes.",
        "categories": [corruption.pk],
        f"{prefix}-TOTAL_FORMS": 1,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-0-field": "curated_reason",
        f"{prefix}-0-url": "https://home.treasury.gov/news/press-releases/jy2147",
        f"{prefix}-0-title": "Treasury Sanctions Zimbabwean President",
        f"{prefix}-0-published_on": "2024-03-04",
        "events-TOTAL_FORMS": 1,
        "events-INITIAL_FORMS": 1,
        "events-0-id": world["designationevent"].pk,
        "events-0-designation": designation.pk,
    }

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    designation.refresh_from_db()
    assert list(designation.categories.all()) == [corruption]
    assert designation.citations.get().field == "curated_reason"
    version = designation.history.first()
    assert version.history_user == editor_client.user
    assert version.curated_reason.startswith("Shielded gold")

    # Revert through the designation's history: back to the version before the edit.
    before = designation.history.order_by("history_id").first()
    revert = {k: v for k, v in data.items() if not k.startswith((prefix, "events-"))}
    revert.update(curated_reason=before.curated_reason, categories=[])
    response = editor_client.post(
        reverse("admin:designations_designation_simple_history", args=[designation.pk, before.history_id]), revert
    )

    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.curated_reason == ""
    assert designation.history.first().history_user == editor_client.user
    assert designation.history.first().curated_reason == ""


# ---- what each role may do -----------------------------------------------------------------------
def test_viewer_reads_everything_and_changes_nothing(viewer_client, world):
    president = world["designee"]
    for model in ("designee", "designation", "designationevent", "abusecategory", "designeemerge"):
        assert viewer_client.get(reverse(f"admin:designations_{model}_changelist")).status_code == 200, model
    assert viewer_client.get(reverse("admin:programs_citation_changelist")).status_code == 200
    change_url = reverse("admin:designations_designee_change", args=[president.pk])
    page = viewer_client.get(change_url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert viewer_client.get(reverse("admin:designations_designee_history", args=[president.pk])).status_code == 200

    assert viewer_client.post(change_url, {"name": "X"}).status_code == 403
    assert viewer_client.get(reverse("admin:designations_designee_add")).status_code == 403
    assert viewer_client.post(reverse("admin:designations_designee_revert", args=[president.pk, 1])).status_code == 403
    assert viewer_client.get(reverse("admin:importers_importrun_start")).status_code == 403
    listing = viewer_client.get(reverse("admin:designations_designee_changelist"))
    assert listing.context["action_form"] is None or not [
        name for name, _ in listing.context["action_form"].fields["action"].choices if name
    ]
    president.refresh_from_db()
    assert president.name == "MNANGAGWA, Emmerson Dambudzo"


def test_editor_curates_reviews_merges_and_runs_imports_but_deletes_no_designee(editor_client, world):
    listing = editor_client.get(reverse("admin:designations_designee_changelist"))
    actions = {name for name, _ in listing.context["action_form"].fields["action"].choices if name}

    assert actions == {"mark_reviewed", "mark_needs_attention", "lock_whole_record", "unlock_whole_record", "merge_two"}
    assert editor_client.get(reverse("admin:designations_designee_add")).status_code == 200
    assert editor_client.get(reverse("admin:importers_importrun_start")).status_code == 200
    assert (
        editor_client.get(reverse("admin:designations_designee_delete", args=[world["designee"].pk])).status_code == 403
    )
    assert editor_client.get(reverse("admin:designations_abusecategory_add")).status_code == 403
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_staff_without_a_group_sees_nothing(client, world):
    _member(client, "nobody", None)

    assert client.get(reverse("admin:designations_designee_changelist")).status_code == 403
    assert client.get(reverse("admin:importers_importrun_changelist")).status_code == 403


def test_superuser_may_change_the_vocabulary(admin_client):
    response = admin_client.post(
        reverse("admin:designations_abusecategory_add"),
        {"code": "hostage-taking", "name": "Hostage-taking", "description": ""},
    )

    assert response.status_code == 302
    assert AbuseCategory.objects.filter(code="hostage-taking").exists()


# ---- query counts of the new pages ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("url_name", "params", "limit"),
    [
        ("admin:designations_designee_changelist", {"queue": "changed"}, 6),
        ("admin:designations_designee_changelist", {"review_state__exact": "unreviewed"}, 6),
        ("admin:designations_designation_changelist", {"queue": "changed"}, 8),
        ("admin:programs_citation_changelist", {}, 7),  # with the date and content type filters
        ("admin:designations_designeemerge_changelist", {}, 5),
        ("admin:designations_abusecategory_changelist", {}, 5),
    ],
)
def test_editorial_changelists_cost_the_same_queries_for_3_and_30_rows(
    admin_client, world, django_assert_num_queries, url_name, params, limit
):
    rows = sdn_rows("GLOMAG", 30)
    url = reverse(url_name)

    def grow(designees):
        for designee in designees:
            Citation.objects.create(content_object=designee, url="https://ofac.treasury.gov/", title=designee.name)
            DesigneeMerge.objects.create(
                kept=world["designee"], merged=designee, undone_at=datetime.datetime.now(datetime.UTC)
            )
            AbuseCategory.objects.create(code=f"c{designee.pk}", name=f"Category {designee.pk}")

    grow(add_sdn_designees(world["program"], rows[:3], world["china"]))
    admin_client.get(url, params)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url, params)
    grow(add_sdn_designees(world["program"], rows[3:30], world["china"]))

    with django_assert_num_queries(len(few)):
        response = admin_client.get(url, params)

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) >= 30
    assert len(few) <= limit


# ---- edit conflicts: a form opened before an import must not write its stale values over it ----
def test_a_designee_form_opened_before_an_import_refuses_to_overwrite_it(editor_client, world):
    from django.utils import timezone

    from designations.models import Designee

    president = world["designee"]
    url = reverse("admin:designations_designee_change", args=[president.pk])
    data = designee_post_data(editor_client, president, name="EDITED NAME")  # the form as opened
    # An import changes the record while the editor's form is open.
    Designee.objects.filter(pk=president.pk).update(title="Former President", updated_at=timezone.now())
    original_name = president.name

    refused = editor_client.post(url, data)

    assert refused.status_code == 200
    assert "changed since you opened it" in refused.content.decode()
    president.refresh_from_db()
    assert (president.name, president.title) == (original_name, "Former President")
    # The refused form carries the current token: saving it again is a deliberate choice and goes through.
    data["edit_token"] = refused.context["adminform"].form.data["edit_token"]
    data["title"] = "Former President"
    saved = editor_client.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    president.refresh_from_db()
    assert (president.name, president.title) == ("EDITED NAME", "Former President")


def test_a_designee_form_saves_when_nothing_changed_meanwhile(editor_client, world):
    president = world["designee"]
    data = designee_post_data(editor_client, president, name="EDITED NAME")
    assert data["edit_token"]
    response = editor_client.post(reverse("admin:designations_designee_change", args=[president.pk]), data)
    assert response.status_code == 302
