"""Designees, their designations and the documents the facts come from.

Countries, their spellings and citations are reference data (``programs.models``), re-exported here.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from designations.querysets import DesignationQuerySet, DesigneeQuerySet

# The reference layer's models, re-exported: callers of this app keep importing them from here.
from programs.models import Agency, Citation, Country, CountryName  # noqa: F401
from tracker.models import TimeStampedModel


class DatePrecision(models.TextChoices):
    """How exactly a date is known.

    ``day``: the date itself. ``month``/``year``: only that part is known (the date is its first day).
    ``range``: somewhere between ``*_earliest`` and the date (a bracket between two list snapshots).
    ``on_or_before``: no earlier bound (first seen on the first snapshot we hold).
    """

    DAY = "day", "Exact day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    RANGE = "range", "Between two dates"
    ON_OR_BEFORE = "on_or_before", "On or before"


class ReviewState(models.TextChoices):
    """Where an imported or edited record stands with the editors.

    Legal transitions (``designations.services.record_review``): UNREVIEWED -> REVIEWED or
    NEEDS_ATTENTION; REVIEWED -> NEEDS_ATTENTION; NEEDS_ATTENTION -> REVIEWED. A record never goes back
    to UNREVIEWED by hand; a reviewed record that changes afterwards is in the review queue again.
    """

    UNREVIEWED = "unreviewed", "Unreviewed"
    REVIEWED = "reviewed", "Reviewed"
    NEEDS_ATTENTION = "needs_attention", "Needs attention"


# Bookkeeping that is not part of a record's curated content: left out of its history.
HISTORY_EXCLUDED = ["review_state", "reviewed_at", "reviewed_by", "updated_at"]


class SourceDocument(TimeStampedModel):
    """What facts come from: a list snapshot (by hash and date), a notice, a press release, a report."""

    class Kind(models.TextChoices):
        LIST_SNAPSHOT = "list_snapshot", "List snapshot"
        # One file of a list's set published on another day than the set's main file (an alias file): it
        # describes part of some entries, never the list's state.
        LIST_FILE = "list_file", "List file (part of a set)"
        LIST_HISTORY = "list_history", "List history"
        RECENT_ACTION = "recent_action", "OFAC Recent Actions notice"
        PRESS_RELEASE = "press_release", "Press release"
        PRESS_STATEMENT = "press_statement", "Press statement"
        REPORT = "report", "Report"
        FEDERAL_REGISTER = "federal_register", "Federal Register notice"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    agency = models.CharField(max_length=20, choices=Agency.choices, default=Agency.OFAC)
    source = models.CharField(max_length=50, help_text="The adapter or list that produced it.")
    source_uid = models.CharField(max_length=255, help_text="The source's own id, or the content hash.")
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ("-published_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "source_uid"),
                name="%(app_label)s_%(class)s_unique_source_key",
                violation_error_message="This source already has a document with that id.",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.published_on or ''}".strip()


class FactSource(models.Model):
    """A published fact of a designee (a name, an identifier, an address, a date...) with the document the
    tracker read it from: the first imported document that gave the fact as it stands (a later import that
    gives it again keeps it; one that changes it points at itself). None when an editor entered or changed
    the fact, or when it was stored before facts kept their source."""

    source_document = models.ForeignKey(
        SourceDocument,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The document this fact was read from; empty when an editor entered or changed it.",
    )

    class Meta:
        abstract = True


class DesigneeHistoryBase(models.Model):
    """Extra columns of a designee's historical record: its child rows as they stood at that moment.

    Aliases, identifiers, addresses and the other child rows are part of what an editor curates on
    the designee's page, so each version of the designee keeps them (``children``: collection name ->
    list of rows), which is what the per-record diff and the revert use.
    """

    children = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class Designee(TimeStampedModel):
    """Whoever is designated: an individual, entity, vessel or aircraft.

    Imported rows are keyed by ``(source, source_uid)``: for OFAC's lists the source is the list
    (``ofac-sdn``) and the uid its entry number, exactly as published. ``remarks`` keeps the list's
    remarks verbatim; the structured facts parsed from them live in the child rows.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        ENTITY = "entity", "Entity"
        VESSEL = "vessel", "Vessel"
        AIRCRAFT = "aircraft", "Aircraft"

    class Gender(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=500, help_text="Primary name as published.")
    entry_number = models.PositiveIntegerField(null=True, blank=True, help_text="OFAC entry number (ent_num).")
    title = models.CharField(max_length=500, blank=True)
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    remarks = models.TextField(blank=True, help_text="Remarks as published, verbatim.")
    unparsed_remarks = models.JSONField(default=list, blank=True, help_text="Remarks items kept verbatim, unparsed.")
    # Vessel and aircraft details, as published.
    call_sign = models.CharField(max_length=50, blank=True)
    vessel_type = models.CharField(max_length=100, blank=True)
    vessel_flag = models.CharField(max_length=100, blank=True)
    vessel_owner = models.CharField(max_length=300, blank=True)
    tonnage = models.CharField(max_length=50, blank=True)
    gross_registered_tonnage = models.CharField(max_length=50, blank=True)
    aircraft_model = models.CharField(max_length=200, blank=True)
    aircraft_operator = models.CharField(max_length=300, blank=True)
    # Import bookkeeping.
    source = models.CharField(max_length=50, blank=True)
    source_uid = models.CharField(max_length=100, blank=True)
    record_hash = models.CharField(max_length=64, blank=True)
    locked_fields = models.JSONField(default=list, blank=True, help_text="Fields imports must not overwrite.")
    # Editorial workflow. Imports write rows with raw SQL, so new columns carry database defaults.
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.UNREVIEWED, db_default=ReviewState.UNREVIEWED
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        help_text="The designee this one was merged into (the same party); both source records are kept.",
    )
    citations = GenericRelation("programs.Citation")

    objects = DesigneeQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[*HISTORY_EXCLUDED, "record_hash"], bases=[DesigneeHistoryBase])

    class Meta:
        ordering = ("name", "pk")
        permissions = [
            ("review_designee", "Can mark designees reviewed or needing attention"),
            ("merge_designee", "Can merge designees and undo merges"),
        ]
        indexes = [
            models.Index(fields=("entry_number",)),
            models.Index(fields=("kind",)),
            models.Index(fields=("review_state",)),
            # The default order: a page deep in the list skips index entries instead of sorting every row.
            models.Index(fields=("name", "id")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("source", "source_uid"),
                condition=~models.Q(source=""),
                name="%(app_label)s_%(class)s_unique_source_key",
                violation_error_message="This source already has a designee with that id.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("designations:designee_detail", kwargs={"pk": self.pk})


class Alias(FactSource):
    """Another name of a designee: a.k.a., f.k.a. or n.k.a.; strong or weak; in any script."""

    class Kind(models.TextChoices):
        AKA = "aka", "a.k.a."
        FKA = "fka", "f.k.a."
        NKA = "nka", "n.k.a."

    class Strength(models.TextChoices):
        STRONG = "strong", "Strong"
        WEAK = "weak", "Weak"

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=500)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.AKA)
    strength = models.CharField(max_length=6, choices=Strength.choices, default=Strength.STRONG)
    script = models.CharField(max_length=20, blank=True, help_text="ISO 15924 code, e.g. Latn, Cyrl, Arab, Hans.")
    source_uid = models.CharField(max_length=50, blank=True, help_text="OFAC alt_num where there is one.")

    class Meta:
        verbose_name_plural = "aliases"
        ordering = ("designee", "pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


# A registry's name OFAC writes before the number ("IMO 9245316"): not part of the identifier itself.
_IDENTIFIER_PREFIX = re.compile(r"^\s*IMO[\s:#.-]*(?=\d)", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def normalised_identifier(value: str) -> str:
    """An identifier's value as compared: without a registry prefix (``IMO``), spaces or lower case.

    ``"IMO 9245316"`` gives ``"9245316"``, ``"kj 0505670"`` gives ``"KJ0505670"``. Letters that are part
    of the number itself (a passport's, a company register's ``HE``) stay.
    """
    return _SPACES.sub("", _IDENTIFIER_PREFIX.sub("", value)).upper()


class IdentifierManager(models.Manager):
    def bulk_create(self, objs, *args, **kwargs):
        """``bulk_create`` skips ``save()``: fill each identifier's ``normalised_value`` here too."""
        objs = list(objs)
        for identifier in objs:
            identifier.normalised_value = normalised_identifier(identifier.value)
        return super().bulk_create(objs, *args, **kwargs)


class Identifier(FactSource):
    """A document or number identifying a designee: passport, national ID, tax ID, IMO, crypto address...

    ``normalised_value`` is ``value`` as the ``identifier`` filter compares it (``normalised_identifier``),
    stored and indexed. Every write fills it: ``save()`` and ``objects.bulk_create()`` here, the importers'
    raw inserts in their row (``importers.upsert.children.IdentifierRow``).
    """

    # Derived from other columns: left out of a designee's history snapshot, refilled on every write.
    DERIVED_FIELDS = ("normalised_value",)

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=150, help_text="As published, e.g. 'Passport', 'Tax ID No.'.")
    value = models.CharField(max_length=500)
    normalised_value = models.CharField(
        max_length=500,
        blank=True,
        default="",
        editable=False,
        db_index=True,
        help_text="The value as compared: no registry prefix (IMO), no spaces, upper case.",
    )
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    country_text = models.CharField(max_length=100, blank=True, help_text="Issuing country as published.")
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    objects = IdentifierManager()

    class Meta:
        ordering = ("designee", "pk")
        indexes = [models.Index(fields=("value",))]

    def __str__(self) -> str:
        return f"{self.kind} {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.normalised_value = normalised_identifier(self.value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "value" in update_fields:
            kwargs["update_fields"] = {*update_fields, "normalised_value"}
        super().save(*args, **kwargs)


class Address(FactSource):
    """An address of a designee, as published (street, city/region/postal code, country)."""

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="addresses")
    street = models.CharField(max_length=800, blank=True)
    city = models.CharField(max_length=300, blank=True, help_text="City, state/province and postal code.")
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    country_text = models.CharField(max_length=250, blank=True)
    remarks = models.CharField(max_length=300, blank=True)
    source_uid = models.CharField(max_length=50, blank=True, help_text="OFAC add_num where there is one.")

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ("designee", "pk")

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street, self.city, self.country_text) if part)


class BirthDate(FactSource):
    """A date of birth as published, kept at its real precision.

    ``raw`` is the published text ("circa 1970", "Aug 1970", "1966 to 1968"). ``date_from`` and
    ``date_to`` bound it (equal for a single day); ``precision`` says which parts are known.
    """

    class Precision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="birth_dates")
    raw = models.CharField(max_length=100)
    date_from = models.DateField(null=True, blank=True)
    date_to = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    is_range = models.BooleanField(default=False)
    circa = models.BooleanField(default=False)

    class Meta:
        ordering = ("designee", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True)
                | models.Q(date_to__isnull=True)
                | models.Q(date_from__lte=models.F("date_to")),
                name="%(app_label)s_%(class)s_range_ordered",
                violation_error_message="A birth date range must not end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.raw


class PlaceOfBirth(FactSource):
    """A place of birth as published, with the country it names."""

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="places_of_birth")
    place = models.CharField(max_length=300)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "places of birth"
        ordering = ("designee", "pk")

    def __str__(self) -> str:
        return self.place


class DesigneeCountry(FactSource):
    """A country tied to a designee, with the role that ties it (nationality, address, place of birth...)."""

    class Role(models.TextChoices):
        NATIONALITY = "nationality", "Nationality"
        CITIZENSHIP = "citizenship", "Citizenship"
        ADDRESS = "address", "Address"
        PLACE_OF_BIRTH = "place_of_birth", "Place of birth"
        FLAG = "flag", "Vessel flag"
        REGISTRATION = "registration", "Registration"
        OTHER = "other", "Other"

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="country_links")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="designee_links")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        verbose_name_plural = "designee countries"
        ordering = ("designee", "role", "country")
        constraints = [
            models.UniqueConstraint(
                fields=("designee", "country", "role"),
                name="%(app_label)s_%(class)s_unique_role",
                violation_error_message="This designee already has that country in that role.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.designee}: {self.get_role_display()} {self.country.code}"


class Relationship(FactSource):
    """A link between designees ("Linked To", owned or controlled by, family member of, acting for).

    ``to_name`` keeps the name as published, so a link to a party not (yet) resolved is not lost.
    """

    class Kind(models.TextChoices):
        LINKED_TO = "linked_to", "Linked to"
        OWNED_BY = "owned_by", "Owned or controlled by"
        FAMILY = "family", "Family member of"
        ACTING_FOR = "acting_for", "Acting for or on behalf of"
        ASSOCIATE = "associate", "Associate of"
        LEADER = "leader", "Leader or official of"
        SUPPORT = "support", "Providing support to"
        OTHER = "other", "Other"

    from_designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="relationships_from")
    to_designee = models.ForeignKey(
        Designee, null=True, blank=True, on_delete=models.SET_NULL, related_name="relationships_to"
    )
    to_name = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LINKED_TO)

    class Meta:
        ordering = ("from_designee", "pk")

    def __str__(self) -> str:
        return f"{self.from_designee} {self.get_kind_display().lower()} {self.to_name}"


class DesigneeFact(FactSource):
    """A fact the list states about a designee that has no field of its own: when an organisation was
    established and what it does, when an aircraft was made or a vessel built, a position held, a former
    flag, a nationality given only as possible.

    ``value`` is the text as published, without its label. Dated facts carry ``date_from``/``date_to``
    and ``precision`` as birth dates do ("1996" is 1 January to 31 December 1996, precision year).
    ``alt`` marks an alternative value (OFAC's "alt." prefix).
    """

    class Kind(models.TextChoices):
        ORGANIZATION_ESTABLISHED = "organization_established", "Organization established"
        ORGANIZATION_TYPE = "organization_type", "Organization type"
        AIRCRAFT_MANUFACTURE_DATE = "aircraft_manufacture_date", "Aircraft manufacture date"
        VESSEL_YEAR_OF_BUILD = "vessel_year_of_build", "Vessel year of build"
        FORMER_VESSEL_FLAG = "former_vessel_flag", "Former vessel flag"
        TARGET_TYPE = "target_type", "Target type"
        OCCUPATION = "occupation", "Occupation"
        POSITION = "position", "Position"
        POSSIBLE_NATIONALITY = "possible_nationality", "Possible nationality"
        POSSIBLE_CITIZENSHIP = "possible_citizenship", "Possible citizenship"

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="stated_facts")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    value = models.CharField(max_length=500, help_text="As published, without its label.")
    date_from = models.DateField(null=True, blank=True, help_text="First day the value can mean, when it is a date.")
    date_to = models.DateField(null=True, blank=True, help_text="Last day the value can mean, when it is a date.")
    precision = models.CharField(max_length=5, choices=BirthDate.Precision.choices, blank=True)
    alt = models.BooleanField(default=False, help_text="An alternative value (published with 'alt.').")

    class Meta:
        verbose_name = "stated fact"
        ordering = ("designee", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True)
                | models.Q(date_to__isnull=True)
                | models.Q(date_from__lte=models.F("date_to")),
                name="%(app_label)s_%(class)s_range_ordered",
                violation_error_message="A dated fact must not end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        prefix = "alt. " if self.alt else ""
        return f"{prefix}{self.get_kind_display()}: {self.value}"


class Designation(TimeStampedModel):
    """One designee under one program during one period.

    ``listed_on`` is the listing date at ``listed_precision``; with ``range`` precision the listing
    happened between ``listed_earliest`` and ``listed_on``. Delisting works the same way. History is
    never deleted: a delisted designation keeps its row with ``status=delisted`` and its end date, and
    a later relisting is a new row.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        DELISTED = "delisted", "Delisted"

    designee = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="designations")
    program = models.ForeignKey("programs.Program", on_delete=models.PROTECT, related_name="designations")
    authority = models.ForeignKey(
        "programs.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="designations"
    )
    agency = models.CharField(max_length=20, choices=Agency.choices, default=Agency.OFAC)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    listed_on = models.DateField(null=True, blank=True)
    listed_precision = models.CharField(max_length=15, choices=DatePrecision.choices, blank=True)
    listed_earliest = models.DateField(null=True, blank=True)
    delisted_on = models.DateField(null=True, blank=True)
    delisted_precision = models.CharField(max_length=15, choices=DatePrecision.choices, blank=True)
    delisted_earliest = models.DateField(null=True, blank=True)
    legal_basis = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    reason_source = models.ForeignKey(
        SourceDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The announcement the reason and legal basis were taken from.",
    )
    source = models.CharField(max_length=50, blank=True)
    locked_fields = models.JSONField(default=list, blank=True)
    # Editorial additions. Imports write rows with raw SQL, so new columns carry database defaults.
    curated_reason = models.TextField(
        blank=True, db_default="", help_text="The editors' account of why this party was designated."
    )
    categories = models.ManyToManyField(
        "designations.AbuseCategory",
        blank=True,
        related_name="designations",
        help_text="The conduct the designation is for, from the controlled vocabulary.",
    )
    review_state = models.CharField(
        max_length=20, choices=ReviewState.choices, default=ReviewState.UNREVIEWED, db_default=ReviewState.UNREVIEWED
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    citations = GenericRelation("programs.Citation")

    objects = DesignationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=HISTORY_EXCLUDED, m2m_fields=["categories"])

    class Meta:
        ordering = ("-listed_on", "pk")
        permissions = [("review_designation", "Can mark designations reviewed or needing attention")]
        indexes = [
            models.Index(fields=("review_state",)),
            models.Index(fields=("status", "program")),
            models.Index(fields=("listed_on",)),
            models.Index(fields=("delisted_on",)),
            # The API's orders by date (the default, newest listing first): a deep page skips index entries
            # instead of sorting every row.
            models.Index(fields=("-listed_on", "id")),
            models.Index(fields=("listed_on", "id")),
            models.Index(fields=("-delisted_on", "id")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("designee", "program"),
                condition=models.Q(status="active"),
                name="%(app_label)s_%(class)s_one_active_per_program",
                violation_error_message="This designee already has an active designation under this program.",
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", delisted_on__isnull=True) | models.Q(status="delisted"),
                name="%(app_label)s_%(class)s_active_not_delisted",
                violation_error_message="An active designation cannot have a delisting date.",
            ),
            models.CheckConstraint(
                condition=models.Q(listed_on__isnull=True)
                | models.Q(delisted_on__isnull=True)
                | models.Q(listed_on__lte=models.F("delisted_on")),
                name="%(app_label)s_%(class)s_delisted_after_listed",
                violation_error_message="A designation cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.designee} [{self.program}]"

    def get_absolute_url(self) -> str:
        return self.designee.get_absolute_url()


class DesignationEvent(TimeStampedModel):
    """One change to a designation (listed, amended, delisted, relisted), dated and sourced."""

    class Kind(models.TextChoices):
        LISTED = "listed", "Listed"
        AMENDED = "amended", "Amended"
        DELISTED = "delisted", "Delisted"
        RELISTED = "relisted", "Relisted"
        REMOVED_DUPLICATE = "removed_duplicate", "Record removed (duplicate of another entry)"

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(null=True, blank=True)
    precision = models.CharField(max_length=15, choices=DatePrecision.choices, blank=True)
    earliest = models.DateField(null=True, blank=True)
    source_document = models.ForeignKey(
        SourceDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    import_run = models.ForeignKey(
        "importers.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    changes = models.JSONField(default=dict, blank=True, help_text="Field: [old, new] for amendments.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ("-occurred_on", "-pk")
        indexes = [models.Index(fields=("created_at",)), models.Index(fields=("occurred_on",))]

    def __str__(self) -> str:
        return f"{self.designation}: {self.get_kind_display()} {self.occurred_on or ''}".strip()


class AbuseCategory(TimeStampedModel):
    """A kind of conduct a designation is for (corruption, torture, arbitrary detention...).

    A controlled vocabulary: editors pick from it, only administrators change it, so filtering by
    category means the same thing everywhere.
    """

    code = models.SlugField(max_length=50, unique=True, help_text="Stable identifier, e.g. 'torture'.")
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "abuse or conduct category"
        verbose_name_plural = "abuse and conduct categories"
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"),
                name="%(app_label)s_%(class)s_code_is_slug",
                violation_error_message="A category code is lower-case words joined by hyphens.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class DesigneeMerge(TimeStampedModel):
    """The trail of one merge: ``merged`` was found to be the same party as ``kept``.

    Nothing is moved or deleted: ``merged`` keeps its source record, aliases, identifiers and
    designations (so its source goes on updating it) and points at ``kept`` through ``merged_into``.
    Undoing the merge clears that pointer and stamps ``undone_at``; the row stays as the trail.
    """

    kept = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="merges_kept")
    merged = models.ForeignKey(Designee, on_delete=models.CASCADE, related_name="merges_merged")
    note = models.TextField(blank=True, help_text="Why the two records are the same party.")
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kept=models.F("merged")),
                name="%(app_label)s_%(class)s_not_into_itself",
                violation_error_message="A designee cannot be merged into itself.",
            ),
            models.UniqueConstraint(
                fields=("merged",),
                condition=models.Q(undone_at__isnull=True),
                name="%(app_label)s_%(class)s_one_live_merge",
                violation_error_message="This designee is already merged into another one.",
            ),
        ]

    def __str__(self) -> str:
        state = " (undone)" if self.undone_at else ""
        return f"{self.merged} merged into {self.kept}{state}"


# --------------------------------------------------------------------------------------------------
# History of designees: each version keeps the child rows as they stood
# --------------------------------------------------------------------------------------------------
# Collection name (as locks and imports name it) -> (model, foreign key to the designee).
DESIGNEE_COLLECTIONS: dict[str, tuple[type[models.Model], str]] = {
    "aliases": (Alias, "designee"),
    "identifiers": (Identifier, "designee"),
    "addresses": (Address, "designee"),
    "birth_dates": (BirthDate, "designee"),
    "places_of_birth": (PlaceOfBirth, "designee"),
    "country_links": (DesigneeCountry, "designee"),
    "relationships": (Relationship, "from_designee"),
    "stated_facts": (DesigneeFact, "designee"),
}


# A designee record's fact lists as the API and the pages name them -> the relation each is read from (every
# one a ``FactSource``): the collections above, and the links other entries make to the designee.
FACT_LISTS: dict[str, str] = {
    "aliases": "aliases",
    "identifiers": "identifiers",
    "countries": "country_links",
    "birth_dates": "birth_dates",
    "places_of_birth": "places_of_birth",
    "addresses": "addresses",
    "relationships_out": "relationships_from",
    "relationships_in": "relationships_to",
    "stated_facts": "stated_facts",
}


def cited_documents(ids) -> models.QuerySet[SourceDocument]:
    """The source documents ``ids`` (those a designee's facts cite), oldest first, undated last."""
    return SourceDocument.objects.filter(pk__in=ids).order_by(models.F("published_on").asc(nulls_last=True), "pk")


def designee_children_snapshot(designee: Designee) -> dict[str, list[dict]]:
    """The designee's child rows as plain JSON values: collection -> rows (field attname -> value).

    Row ids, the link back to the designee and derived columns (``DERIVED_FIELDS``) are left out: a version
    is what the rows say, and a revert recreates them.
    """
    snapshot: dict[str, list[dict]] = {}
    for name, (model, fk) in DESIGNEE_COLLECTIONS.items():
        skipped = ("id", fk, *getattr(model, "DERIVED_FIELDS", ()))
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in skipped]
        rows = model.objects.filter(**{fk: designee}).order_by("pk").values(*columns)
        snapshot[name] = [
            {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()}
            for row in rows
        ]
    return snapshot


def _snapshot_children(sender, instance, history_instance, **kwargs) -> None:
    history_instance.children = designee_children_snapshot(instance)


# simple-history's own extension point: fill the extra column just before the version is saved.
pre_create_historical_record.connect(
    _snapshot_children, sender=Designee.history.model, dispatch_uid="designee_children_snapshot"
)
