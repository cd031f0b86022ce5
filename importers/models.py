"""Import runs: one row per attempt to bring a source into the tracker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from tracker.models import TimeStampedModel


class ImportRun(TimeStampedModel):
    """One import of one source.

    Legal status transitions, made by ``importers.services`` (``import_run_execute`` unless named):

    * PENDING -> RUNNING (claimed by compare-and-swap, so two workers never run one row)
    * RUNNING -> SUCCEEDED (data written) | UNCHANGED (raw file identical to the last success) |
      FAILED (error recorded, the transaction rolled back, nothing written) |
      NEEDS_REVIEW (it would delist more than ``IMPORT_REVIEW_DELIST_COUNT`` designations: nothing
      written, the raw files kept and the plan in ``stats["planned_delistings"]``)
    * RUNNING -> PENDING (a transient error on a non-final attempt: the task's retry claims it again)
    * PENDING -> FAILED (refused before start, e.g. another run of the source is already running)
    * NEEDS_REVIEW -> CONFIRMED (``import_run_confirm``: an editor confirmed the plan; a new PENDING run
      with ``reviewed_run`` pointing here imports the same kept files, allowed to delist exactly the
      planned designations) | REJECTED (``import_run_reject``: an editor turned it down, with a note)

    SUCCEEDED, UNCHANGED, FAILED, CONFIRMED and REJECTED are final. Only one run per source may be
    RUNNING at a time (a partial unique constraint).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        UNCHANGED = "unchanged", "Unchanged"
        FAILED = "failed", "Failed"
        NEEDS_REVIEW = "needs_review", "Held for review"
        CONFIRMED = "confirmed", "Confirmed (published by a later run)"
        REJECTED = "rejected", "Rejected"

    class Trigger(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MANUAL = "manual", "Manual (admin)"
        CLI = "cli", "Command line"
        SEED = "seed", "Seed on first start"

    source = models.CharField(max_length=50, help_text="Adapter slug, e.g. 'ofac-sdn'.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    path = models.CharField(max_length=1000, blank=True, help_text="Local file or folder imported instead of fetching.")
    as_of = models.DateField(null=True, blank=True, help_text="Date the imported data describes.")
    dry_run = models.BooleanField(default=False)
    max_delist_share = models.FloatField(
        null=True,
        blank=True,
        help_text="Override of IMPORT_MAX_DELIST_SHARE for this run, when an editor confirmed mass removals.",
    )
    allow_missing_end_marker = models.BooleanField(
        default=False,
        help_text="A person vouched that files without OFAC's 0x1A end-of-file marker are whole (not cut short).",
    )
    approve_delistings = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="A person approved up to this many delistings, beyond IMPORT_REVIEW_DELIST_COUNT and "
        "IMPORT_MAX_DELIST_COUNT.",
    )
    reviewed_run = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="confirmations",
        help_text="The run held for review that this run publishes, as an editor confirmed it.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who confirmed or rejected the run held for review.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="Why the editor confirmed or rejected it.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    raw_sha256 = models.CharField(max_length=64, blank=True)
    raw_file = models.CharField(max_length=500, blank=True, help_text="Raw bytes kept under MEDIA_ROOT, by hash.")
    records = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    delisted = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    stats = models.JSONField(
        default=dict, blank=True, help_text="Source-specific figures (e.g. unparsed remarks share)."
    )
    skipped_changes = models.JSONField(default=list, blank=True, help_text="Changes not applied to locked fields.")
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=255, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The editor who started the run from the admin.",
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=("source", "status"))]
        permissions = [("review_importrun", "Can confirm or reject an import held for review")]
        constraints = [
            models.UniqueConstraint(
                fields=("source",),
                condition=models.Q(status="running"),
                name="%(app_label)s_%(class)s_one_running_per_source",
                violation_error_message="Another import of this source is already running.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} #{self.pk} ({self.get_status_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    def get_absolute_url(self) -> str:
        return reverse("admin:importers_importrun_change", args=[self.pk])
