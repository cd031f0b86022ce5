"""Editors' decisions on the mentions that wait for them, and the review queue."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from announcements.models import Mention
from announcements.services.common import MentionDecisionError
from announcements.services.effects import apply_mention, create_designee
from designations.models import (
    Designee,
)


def _check_open(mention: Mention) -> None:
    if mention.status not in (*Mention.OPEN_STATUSES, Mention.Status.LINKED):
        raise MentionDecisionError(f"This mention is already decided ({mention.get_status_display().lower()}).")


@transaction.atomic
def mention_accept(
    *, mention: Mention, user: AbstractBaseUser | None, designee: Designee | None = None, note: str = ""
) -> Mention:
    """Link the mention to ``designee`` (default: the best candidate) and apply it."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    if mention.status == Mention.Status.UNPARSED and designee is None:
        raise MentionDecisionError("The entry text was not parsed: pick the designee it names.")
    if designee is None:
        if not mention.candidates:
            raise MentionDecisionError("No candidate was proposed: pick a designee or create one.")
        designee = Designee.objects.get(pk=mention.candidates[0]["designee"])
    mention.designee = designee
    mention.status = Mention.Status.ACCEPTED
    mention.score = next((c["score"] for c in mention.candidates if c["designee"] == designee.pk), None)
    mention.decided_by = user
    mention.decided_at = timezone.now()
    mention.note = note or mention.note
    mention.save()
    apply_mention(mention)
    return mention


@transaction.atomic
def mention_create_designee(*, mention: Mention, user: AbstractBaseUser | None, note: str = "") -> Mention:
    """Make a new designee for the mention (an editor found it names nobody the tracker holds)."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    if not mention.name:
        raise MentionDecisionError("The mention has no name to create a designee from.")
    mention.note = note or mention.note
    return create_designee(mention, user=user)


@transaction.atomic
def mention_reject(*, mention: Mention, user: AbstractBaseUser | None, note: str = "") -> Mention:
    """Record that the mention names no designee the tracker should link (the link, if any, is removed)."""
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    _check_open(mention)
    mention.status = Mention.Status.REJECTED
    mention.designee = None
    mention.designation = None
    mention.decided_by = user
    mention.decided_at = timezone.now()
    mention.note = note or mention.note
    mention.save()
    return mention


def review_queue() -> QuerySet[Mention]:
    """Mentions waiting for an editor, in the current version of their announcement."""
    return Mention.objects.filter(status__in=Mention.OPEN_STATUSES, in_current_version=True)
