"""Editorial services: locks, review states, merges, history and revert, imported values taken, roles."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.utils import timezone

from designations import services
from designations.models import (
    Alias,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeMerge,
    Identifier,
    ReviewState,
)
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return User.objects.create_user("ada", password="pw", is_staff=True)


@pytest.fixture
def president():
    """MNANGAGWA, Emmerson Dambudzo, entry 7513 of the 2024-07-02 SDN list, as the import writes him."""
    designee = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL,
        name="MNANGAGWA, Emmerson Dambudzo",
        entry_number=7513,
        title="President of Zimbabwe",
        source="ofac-sdn",
        source_uid="7513",
        record_hash="a" * 64,
    )
    Alias.objects.create(designee=designee, name="CROCODILE", strength=Alias.Strength.WEAK)
    Identifier.objects.create(designee=designee, kind="Passport", value="AD005831")
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky")
    Designation.objects.create(designee=designee, program=glomag, listed_on=datetime.date(2024, 3, 4))
    return designee


@pytest.fixture
def wife(president):
    """MNANGAGWA, Auxillia, entry 48160, designated with him on 4 March 2024."""
    designee = Designee.objects.create(
        kind=Designee.Kind.INDIVIDUAL,
        name="MNANGAGWA, Auxillia",
        entry_number=48160,
        source="ofac-sdn",
        source_uid="48160",
    )
    Identifier.objects.create(designee=designee, kind="Passport", value="ED000003")
    Designation.objects.create(
        designee=designee, program=president.designations.get().program, listed_on=datetime.date(2024, 3, 4)
    )
    return designee


# ---- locks ---------------------------------------------------------------------------------------
def test_locking_adds_fields_in_a_stable_order_and_records_a_version_by_the_editor(president, editor):
    services.designee_lock_fields(designee=president, fields=["aliases", "title"], user=editor)
    services.designee_lock_fields(designee=president, fields=["title"], user=editor)  # already locked: no-op

    president.refresh_from_db()
    assert president.locked_fields == ["title", "aliases"]
    created, version = president.history.order_by("history_id")  # the fixture's create, then the lock
    assert created.history_type == "+" and version.history_type == "~"
    assert version.history_user == editor
    assert version.history_change_reason == "Locked aliases, title"
    assert version.children["aliases"][0]["name"] == "CROCODILE"


def test_locking_an_unknown_field_is_refused(president, editor):
    with pytest.raises(ValidationError, match="review_state"):
        services.designee_lock_fields(designee=president, fields=["review_state"], user=editor)

    president.refresh_from_db()
    assert president.locked_fields == []


def test_unlocking_leaves_other_locks(president, editor):
    services.designee_lock_fields(designee=president, fields=["*", "title"], user=editor)
    services.designee_unlock_fields(designee=president, fields=["*"], user=editor)

    president.refresh_from_db()
    assert president.locked_fields == ["title"]


# ---- review --------------------------------------------------------------------------------------
def test_new_records_start_unreviewed(president):
    assert president.review_state == ReviewState.UNREVIEWED
    assert president.designations.get().review_state == ReviewState.UNREVIEWED


def test_reviewing_stamps_who_and_when_without_touching_history_or_updated_at(president, editor):
    before = Designee.objects.get(pk=president.pk).updated_at

    services.record_review(record=president, state=ReviewState.REVIEWED, user=editor)

    president.refresh_from_db()
    assert president.review_state == ReviewState.REVIEWED
    assert president.reviewed_by == editor
    assert president.reviewed_at is not None
    assert president.updated_at == before
    assert president.history.count() == 1  # only the creation


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (ReviewState.UNREVIEWED, ReviewState.REVIEWED, True),
        (ReviewState.UNREVIEWED, ReviewState.NEEDS_ATTENTION, True),
        (ReviewState.REVIEWED, ReviewState.NEEDS_ATTENTION, True),
        (ReviewState.NEEDS_ATTENTION, ReviewState.REVIEWED, True),
        (ReviewState.REVIEWED, ReviewState.UNREVIEWED, False),
        (ReviewState.NEEDS_ATTENTION, ReviewState.UNREVIEWED, False),
    ],
)
def test_review_transitions(president, editor, start, target, allowed):
    designation = president.designations.get()
    Designation.objects.filter(pk=designation.pk).update(review_state=start)
    designation.refresh_from_db()

    if allowed:
        services.record_review(record=designation, state=target, user=editor)
        designation.refresh_from_db()
        assert designation.review_state == target
    else:
        with pytest.raises(ValidationError, match="cannot go from"):
            services.record_review(record=designation, state=target, user=editor)
        designation.refresh_from_db()
        assert designation.review_state == start


def test_bulk_review_moves_only_records_allowed_to_move(president, wife, editor):
    services.record_review(record=wife, state=ReviewState.NEEDS_ATTENTION, user=editor)

    moved = services.records_review(
        queryset=Designee.objects.filter(pk__in=[president.pk, wife.pk]), state=ReviewState.UNREVIEWED, user=editor
    )
    reviewed = services.records_review(queryset=Designee.objects.all(), state=ReviewState.REVIEWED, user=editor)

    assert moved == 0
    assert reviewed == 2
    assert set(Designee.objects.values_list("review_state", flat=True)) == {ReviewState.REVIEWED}


def in_queue(model=Designee) -> set[int]:
    return set(model.objects.filter(services.changed_since_review(model)).values_list("pk", flat=True))


def test_review_queue_holds_what_changed_since_the_last_review(president, wife, editor):
    assert in_queue() == {president.pk, wife.pk}  # never reviewed

    services.records_review(queryset=Designee.objects.all(), state=ReviewState.REVIEWED, user=editor)
    assert in_queue() == set()

    # An import updates the entry (its raw UPDATE bumps updated_at) ...
    Designee.objects.filter(pk=president.pk).update(
        title="Former President", updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    # ... and delists the wife's designation, with an event.
    event = DesignationEvent.objects.create(designation=wife.designations.get(), kind="delisted")
    DesignationEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() + datetime.timedelta(seconds=1))

    assert in_queue() == {president.pk, wife.pk}
    assert in_queue(Designation) == {president.designations.get().pk, wife.designations.get().pk}


def test_flagging_moves_reviewed_records_changed_since_to_needs_attention(president, wife, editor):
    services.records_review(queryset=Designee.objects.all(), state=ReviewState.REVIEWED, user=editor)
    services.records_review(queryset=Designation.objects.all(), state=ReviewState.REVIEWED, user=editor)
    Designee.objects.filter(pk=wife.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=1))

    counts = services.review_flag_changed()

    assert counts == {"designee": 1, "designation": 0}
    assert Designee.objects.get(pk=wife.pk).review_state == ReviewState.NEEDS_ATTENTION
    assert Designee.objects.get(pk=president.pk).review_state == ReviewState.REVIEWED


# ---- merge and undo ------------------------------------------------------------------------------
def _merged_into(survivor: Designee) -> list[int]:
    return sorted(Designee.objects.filter(merged_into=survivor).values_list("pk", flat=True))


def test_merge_keeps_both_records_and_everything_they_hold(president, wife, editor):
    merge = services.designee_merge(kept=president, merged=wife, user=editor, note="test merge")

    wife.refresh_from_db()
    assert wife.merged_into == president
    assert Designee.objects.filter(pk__in=[president.pk, wife.pk]).count() == 2
    assert set(Identifier.objects.values_list("value", "designee")) == {
        ("AD005831", president.pk),
        ("ED000003", wife.pk),
    }
    assert Designation.objects.count() == 2
    assert merge.merged_by == editor and merge.note == "test merge" and merge.undone_at is None
    assert _merged_into(president) == [wife.pk]
    assert wife.history.first().history_change_reason == f"Merged into {president} (#{president.pk})"


def test_merge_into_itself_or_of_a_merged_record_is_refused(president, wife, editor):
    third = Designee.objects.create(kind="individual", name="CHEN, Quanguo", source="ofac-sdn", source_uid="29220")
    services.designee_merge(kept=president, merged=wife, user=editor)

    with pytest.raises(ValidationError, match="into itself"):
        services.designee_merge(kept=president, merged=president, user=editor)
    with pytest.raises(ValidationError, match="already merged"):
        services.designee_merge(kept=third, merged=wife, user=editor)
    with pytest.raises(ValidationError, match="itself merged"):
        services.designee_merge(kept=wife, merged=third, user=editor)
    assert DesigneeMerge.objects.count() == 1


def test_merging_a_survivor_brings_its_merged_records_along(president, wife, editor):
    third = Designee.objects.create(kind="individual", name="CHEN, Quanguo", source="ofac-sdn", source_uid="29220")
    services.designee_merge(kept=president, merged=wife, user=editor)

    services.designee_merge(kept=third, merged=president, user=editor)

    assert _merged_into(third) == sorted([president.pk, wife.pk])
    assert _merged_into(president) == []


def test_undoing_a_merge_separates_the_records_and_keeps_the_trail(president, wife, editor):
    merge = services.designee_merge(kept=president, merged=wife, user=editor)

    services.designee_unmerge(merge=merge, user=editor)

    wife.refresh_from_db()
    merge.refresh_from_db()
    assert wife.merged_into is None
    assert merge.undone_by == editor and merge.undone_at is not None
    assert _merged_into(president) == []
    with pytest.raises(ValidationError, match="already undone"):
        services.designee_unmerge(merge=merge, user=editor)
    # The same pair can be merged again after the undo.
    services.designee_merge(kept=president, merged=wife, user=editor)
    assert DesigneeMerge.objects.count() == 2


# ---- history and revert --------------------------------------------------------------------------
def edit(designee: Designee, user, **fields) -> None:
    for name, value in fields.items():
        setattr(designee, name, value)
    designee._history_user = user
    designee.save()


def test_every_save_is_a_version_with_who_and_the_child_rows(president, editor):
    edit(president, editor, title="President of the Republic of Zimbabwe")

    version = president.history.first()
    assert version.history_user == editor
    assert version.title == "President of the Republic of Zimbabwe"
    assert [row["value"] for row in version.children["identifiers"]] == ["AD005831"]


def test_revert_restores_fields_and_child_rows_and_locks_them(president, editor):
    edit(president, editor, title="President of Zimbabwe")  # version 1: as imported
    first = president.history.first()
    Alias.objects.filter(designee=president).update(name="NGWENA")
    Alias.objects.create(designee=president, name="ED")
    edit(president, editor, title="Typo President")  # version 2: a bad edit

    services.designee_revert(designee=president, history_id=first.history_id, user=editor)

    president.refresh_from_db()
    assert president.title == "President of Zimbabwe"
    assert list(president.aliases.values_list("name", flat=True)) == ["CROCODILE"]
    assert president.locked_fields == ["title", "aliases"]
    latest = president.history.first()
    assert latest.history_change_reason.startswith("Reverted to the version of")
    assert latest.history_user == editor
    assert president.history.count() == 4  # created, two edits, the revert


# ---- values imports brought for locked fields ---------------------------------------------------
def test_taking_an_imported_field_value_keeps_the_lock_and_records_a_version(president, editor):
    president.locked_fields = ["title", "aliases"]
    president.save()

    services.designee_take_imported(
        designee=president, field="title", value="Former President", user=editor, source="import run #7"
    )

    president.refresh_from_db()
    assert president.title == "Former President"
    assert president.locked_fields == ["title", "aliases"]
    latest = president.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Accepted the change skipped by import run #7",
        editor,
    )


def test_taking_an_imported_collection_unlocks_it_for_the_next_import(president, editor):
    president.locked_fields = ["title", "aliases"]
    president.save()

    services.designee_take_imported(designee=president, field="aliases", value="(set)", user=editor, source="a run")

    president.refresh_from_db()
    assert president.locked_fields == ["title"]
    assert president.record_hash == ""  # the next import sees the entry as changed and writes its aliases


def test_taking_an_imported_value_of_a_field_imports_do_not_write_is_refused(president, editor):
    with pytest.raises(ValidationError, match="Unknown field 'review_state'"):
        services.designee_take_imported(
            designee=president, field="review_state", value="reviewed", user=editor, source="a run"
        )


# ---- roles ---------------------------------------------------------------------------------------
def test_roles_sync_is_idempotent_and_gives_viewers_only_view_permissions():
    first = services.roles_sync()
    second = services.roles_sync()

    assert first == second
    viewers = Group.objects.get(name="Viewers")
    assert viewers.permissions.exclude(codename__startswith="view_").count() == 0
    assert viewers.permissions.filter(codename="view_importrun").exists()
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    assert {"change_designee", "review_designee", "merge_designee", "add_importrun", "add_citation"} <= codenames
    assert "review_importrun" in codenames  # confirm or reject an import held for review
    assert {"delete_designee", "delete_designation", "change_abusecategory", "change_importrun"}.isdisjoint(codenames)


def test_the_migrations_give_editors_what_roles_sync_gives_them():
    """A database migrated from scratch (the test database) has the groups without running setup_roles."""
    migrated = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename"))

    services.roles_sync()

    synced = set(Group.objects.get(name="Editors").permissions.values_list("content_type__app_label", "codename"))
    assert ("importers", "review_importrun") in migrated
    assert migrated == synced
