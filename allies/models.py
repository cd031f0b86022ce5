"""Allied list entries as each list gives them, their designations, and their links to US designees.

Each allied list keeps its own record (``AlliedEntry``, one per publisher's id in one list): its names,
birth dates, nationalities and identifiers as published, in JSON, because they are read whole and never
filtered on. Its designations (``AlliedDesignation``, one per regime) keep every date the list gives with
what the date is evidence of (``allies.records.DATE_KINDS``); ``listed_on`` is set only from the publisher's
own listing date, the EU's stand-in stays in ``dates``. A ``PartyLink`` says a US designee and an allied entry
are one party: made by the resolver with its score and the features that decided it, or by an editor.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from tracker.models import TimeStampedModel

PUBLISHER_CHOICES = [("uk", "United Kingdom"), ("eu", "European Union"), ("ca", "Canada"), ("au", "Australia")]
KIND_CHOICES = [("individual", "Individual"), ("entity", "Entity"), ("vessel", "Vessel"), ("aircraft", "Aircraft")]


class AlliedEntry(TimeStampedModel):
    """One entry of an allied list, as the list publishes it."""

    publisher = models.CharField(max_length=2, choices=PUBLISHER_CHOICES)
    list_slug = models.CharField(max_length=50, help_text="The list, shared by its formats: 'uk-ofsi-conlist'.")
    source_uid = models.CharField(max_length=255, help_text="The publisher's own id, exactly as published.")
    source = models.CharField(max_length=50, help_text="The parser (list and format) that read it last.")
    kind = models.CharField(max_length=20, choices=KIND_CHOICES)
    name = models.CharField(max_length=500, help_text="Primary name as published.")
    names = models.JSONField(default=list, blank=True, help_text="Other names: name, kind, script, weak.")
    birth_dates = models.JSONField(default=list, blank=True, help_text="raw, date_from, date_to, precision, circa.")
    nationalities = models.JSONField(default=list, blank=True, help_text="Nationalities and citizenships as published.")
    countries = models.JSONField(
        default=list, blank=True, help_text="ISO codes of the nationalities, citizenships and places of birth."
    )
    identifiers = models.JSONField(default=list, blank=True, help_text="kind, value, normalised_value, country_text.")
    gender = models.CharField(max_length=10, blank=True)
    reasons = models.TextField(blank=True, help_text="The statement of reasons, as published.")
    record_hash = models.CharField(max_length=64, blank=True)
    is_listed = models.BooleanField(default=True, help_text="On the last complete list imported.")
    list_date = models.DateField(null=True, blank=True, help_text="The date of the list that last carried it.")
    removed_seen_on = models.DateField(
        null=True, blank=True, help_text="Date of the first list imported that no longer carried it."
    )
    import_run = models.ForeignKey(
        "importers.ImportRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The import that last wrote its facts: their source file and date.",
    )

    class Meta:
        verbose_name_plural = "allied entries"
        constraints = [models.UniqueConstraint(fields=["list_slug", "source_uid"], name="allied_entry_unique_uid")]
        indexes = [models.Index(fields=["publisher", "kind"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.publisher.upper()} {self.source_uid})"


class AlliedDesignation(models.Model):
    """An allied entry under one regime, with every date the list gives and what each is evidence of."""

    entry = models.ForeignKey(AlliedEntry, on_delete=models.CASCADE, related_name="designations")
    regime = models.CharField(max_length=300, help_text="As published.")
    regime_code = models.CharField(max_length=64, help_text="Normalised: 'UK-GHR', 'EU-HR', 'CA-JVCFOA'.")
    theme = models.CharField(max_length=40, blank=True, help_text="human_rights, anti_corruption, ... or blank.")
    reference = models.CharField(max_length=100, blank=True)
    listed_on = models.DateField(null=True, blank=True, help_text="The publisher's own listing date, if given.")
    dates = models.JSONField(default=list, blank=True, help_text="kind, date, raw, note: every date given.")
    instrument = models.CharField(max_length=500, blank=True)
    is_listed = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "regime_code"], name="allied_designation_unique")]
        indexes = [models.Index(fields=["regime_code"])]

    def __str__(self) -> str:
        return f"{self.entry.name} under {self.regime_code}"


class PartyLink(TimeStampedModel):
    """A US designee and an allied entry that are one party.

    ``state``: ``linked`` (the resolver was confident), ``pending`` (for an editor), ``confirmed`` or
    ``rejected`` (an editor decided; the resolver never changes these), ``manual`` (an editor linked them).
    """

    class State(models.TextChoices):
        LINKED = "linked", "Linked automatically"
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed by an editor"
        REJECTED = "rejected", "Rejected by an editor"
        MANUAL = "manual", "Linked by an editor"

    EDITOR_STATES = (State.CONFIRMED, State.REJECTED, State.MANUAL)
    SAME_PARTY = (State.LINKED, State.CONFIRMED, State.MANUAL)

    designee = models.ForeignKey("designations.Designee", on_delete=models.CASCADE, related_name="party_links")
    entry = models.ForeignKey(AlliedEntry, on_delete=models.CASCADE, related_name="party_links")
    state = models.CharField(max_length=10, choices=State.choices)
    score = models.FloatField(null=True, blank=True)
    features = models.JSONField(default=dict, blank=True, help_text="What decided the score.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["designee", "entry"], name="party_link_unique")]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.designee_id} ~ {self.entry_id} ({self.state})"
