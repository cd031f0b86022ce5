"""Announcements (OFAC Recent Actions notices, Treasury press releases, State statements and reports),
their versions, and the people and entities they name.

An announcement is the dated, explained record of an action: a notice dates a listing to the day, a
press release gives the reasons and the legal basis, a State statement is the only public record of a
7031(c) visa designation. Each one is a ``SourceDocument`` (so events and reasons cite it like any
other source) with the extra facts kept here. Each person or entity it names is a ``Mention``, tied to
a designee automatically when the matcher is confident and otherwise waiting in the editors' queue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tracker.models import TimeStampedModel


class Announcement(TimeStampedModel):
    """One announcement page, at one URL, with what its latest version says."""

    document = models.OneToOneField(
        "designations.SourceDocument", on_delete=models.CASCADE, related_name="announcement"
    )
    source = models.CharField(
        max_length=50, help_text="Adapter slug: ofac-recent-actions, treasury-press, state-press."
    )
    url = models.URLField(max_length=500)
    number = models.CharField(max_length=50, blank=True, help_text="The release number, e.g. 'sm1143'.")
    summary = models.TextField(blank=True, help_text="The lead paragraph: who was designated and why.")
    authorities = models.JSONField(default=list, blank=True, help_text="Legal bases cited, e.g. 'E.O. 13818'.")
    programs = models.JSONField(default=list, blank=True, help_text="OFAC tags or program codes concerned.")
    sections = models.JSONField(default=list, blank=True, help_text="Section headings found, verbatim.")
    warnings = models.JSONField(default=list, blank=True)
    reconstructed = models.BooleanField(
        default=False,
        db_default=False,
        help_text="The page was written from reports of the release, not saved from the publisher: its wording "
        "is not the publisher's own (the demo pages of fixtures/announcements/).",
    )
    import_run = models.ForeignKey(
        "importers.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="announcements"
    )

    class Meta:
        ordering = ("-document__published_on", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "url"),
                name="%(app_label)s_%(class)s_unique_url",
                violation_error_message="This source already has an announcement at that URL.",
            ),
        ]

    def __str__(self) -> str:
        return str(self.document)

    @property
    def title(self) -> str:
        return self.document.title

    @property
    def published_on(self):
        return self.document.published_on


class AnnouncementVersion(TimeStampedModel):
    """The page as fetched once: a new version is recorded whenever the bytes at the URL change."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="versions")
    content_sha256 = models.CharField(max_length=64)
    raw_file = models.CharField(max_length=500, blank=True, help_text="Raw page kept under MEDIA_ROOT, by hash.")
    title = models.CharField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="The body as plain text, one paragraph per line.")
    import_run = models.ForeignKey(
        "importers.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("announcement", "content_sha256"),
                name="%(app_label)s_%(class)s_unique_content",
                violation_error_message="This version of the page is already recorded.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.announcement} ({self.created_at:%Y-%m-%d %H:%M})" if self.created_at else str(self.announcement)


class Mention(TimeStampedModel):
    """One person, entity, vessel or aircraft an announcement names, and what became of the link.

    ``status`` says how the mention stands: ``linked`` (the matcher was confident, ``score`` records
    how much), ``review`` (waiting for an editor: no candidate was clear, or two were equally good),
    ``accepted`` (an editor confirmed or picked the designee), ``created`` (a new designee was made for
    it, by the import for notices and 7031(c) statements or by an editor), ``rejected`` (an editor said
    it names no designee we track) and ``unparsed`` (the entry text could not be read; kept verbatim).
    """

    class Status(models.TextChoices):
        LINKED = "linked", "Linked automatically"
        REVIEW = "review", "Needs review"
        ACCEPTED = "accepted", "Accepted by an editor"
        CREATED = "created", "New designee created"
        REJECTED = "rejected", "Rejected"
        UNPARSED = "unparsed", "Entry not parsed"

    OPEN_STATUSES = (Status.REVIEW, Status.UNPARSED)
    DECIDED_STATUSES = (Status.ACCEPTED, Status.REJECTED)

    class Action(models.TextChoices):
        LISTED = "listed", "Listed"
        DELISTED = "delisted", "Delisted"
        AMENDED = "amended", "Entry amended"
        VISA_DESIGNATION = "visa_designation", "Visa designation (7031(c))"
        IDENTIFIED = "identified", "Identified in a report"
        MENTIONED = "mentioned", "Mentioned"

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="mentions")
    key = models.CharField(max_length=64, help_text="Hash of the action and the text: stable across versions.")
    order = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=20, choices=Action.choices)
    name = models.CharField(max_length=500)
    raw = models.TextField(help_text="The text the mention was read from, verbatim.")
    kind = models.CharField(max_length=20, blank=True)
    programs = models.JSONField(default=list, blank=True)
    name_variants = models.JSONField(default=list, blank=True)
    country = models.CharField(max_length=100, blank=True)
    position = models.CharField(max_length=500, blank=True)
    reason = models.TextField(blank=True)
    legal_basis = models.CharField(max_length=500, blank=True)
    family_covered = models.BooleanField(default=False)
    family_members = models.JSONField(default=list, blank=True)
    section = models.CharField(max_length=500, blank=True)
    record = models.JSONField(default=dict, blank=True, help_text="The entry parsed in list format, where it is one.")
    error = models.TextField(blank=True, help_text="Why the entry could not be parsed.")
    in_current_version = models.BooleanField(default=True, help_text="False when a later version dropped it.")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REVIEW)
    designee = models.ForeignKey(
        "designations.Designee", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    designation = models.ForeignKey(
        "designations.Designation", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    score = models.FloatField(null=True, blank=True, help_text="The matcher's score for the linked designee.")
    candidates = models.JSONField(
        default=list, blank=True, help_text="Designees the matcher proposed: id, name, score, matched name."
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("announcement", "order", "pk")
        permissions = [("review_mention", "Can decide mentions in the review queue")]
        indexes = [models.Index(fields=("status",)), models.Index(fields=("action", "status"))]
        constraints = [
            models.UniqueConstraint(
                fields=("announcement", "key"),
                name="%(app_label)s_%(class)s_unique_key",
                violation_error_message="This announcement already has this mention.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["linked", "accepted", "created"]) | models.Q(designee__isnull=False),
                name="%(app_label)s_%(class)s_linked_has_designee",
                violation_error_message="A linked, accepted or created mention names its designee.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_action_display()})"
