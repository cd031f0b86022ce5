"""What was announced against what the lists say."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from announcements.models import Mention
from announcements.services.common import ANNOUNCEMENT_SOURCES
from announcements.services.decisions import review_queue
from designations.models import (
    Designation,
    DesignationEvent,
)


def _announced(kind: str) -> Exists:
    return Exists(
        DesignationEvent.objects.filter(
            designation=OuterRef("pk"), kind=kind, source_document__announcement__isnull=False
        )
    )


def reconciliation(*, program: str | None = None) -> dict[str, QuerySet]:
    """What the announcements and the lists disagree on.

    * ``announced_not_listed``: designations only announcements vouch for (no list import holds
      them), and listings announced whose party no designee matched yet (mentions in review).
    * ``listed_not_announced``: designations on a list with no announcement dating their listing.
    * ``delisted_without_notice``: delistings no announcement records.
    """
    designations = Designation.objects.select_related("designee", "program")
    if program:
        designations = designations.filter(program__code=program)
    announced_only = designations.filter(source__in=ANNOUNCEMENT_SOURCES)
    unmatched = review_queue().filter(action__in=[Mention.Action.LISTED, Mention.Action.VISA_DESIGNATION])
    if program:
        quoted = f'"{program}"'
        unmatched = unmatched.filter(Q(programs__icontains=quoted) | Q(announcement__programs__icontains=quoted))
    on_lists = designations.exclude(source__in=ANNOUNCEMENT_SOURCES)
    return {
        "announced_not_listed": announced_only.order_by("-listed_on", "pk"),
        "announced_unmatched": unmatched.select_related("announcement__document").order_by("pk"),
        "listed_not_announced": on_lists.filter(~_announced(DesignationEvent.Kind.LISTED)).order_by("-listed_on", "pk"),
        "delisted_without_notice": designations.filter(status=Designation.Status.DELISTED)
        .filter(~_announced(DesignationEvent.Kind.DELISTED))
        .order_by("-delisted_on", "pk"),
    }
