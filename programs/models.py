"""The reference layer: countries and their spellings, agencies, authorities (the legal instruments), programs
(the regimes lists name) and the citations editors attach to any record.

Country, CountryName and Citation began in the designations app: their tables keep its names
(``designations_country`` ...), so moving them here changed no table (see the 0004 migrations).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from programs.querysets import AuthorityQuerySet, CountryQuerySet, ProgramQuerySet
from tracker.models import TimeStampedModel


class Agency(models.TextChoices):
    """The US body that designates, or that publishes the list a designation appears on."""

    OFAC = "OFAC", "Treasury / OFAC"
    STATE = "STATE", "Department of State"
    COMMERCE = "COMMERCE", "Department of Commerce"
    PRESIDENT = "PRESIDENT", "The President"
    CONGRESS = "CONGRESS", "Congress"


class CountryManager(models.Manager.from_queryset(CountryQuerySet)):
    def get_by_natural_key(self, code: str) -> Country:
        return self.get(code=code)


class Country(TimeStampedModel):
    """A country or territory by its ISO 3166-1 alpha-2 code (plus XK for Kosovo, as OFAC uses it)."""

    code = models.CharField(max_length=2, unique=True)
    name = models.CharField(max_length=100)
    numeric = models.CharField(max_length=3, blank=True, help_text="ISO 3166-1 numeric code, for maps.")

    objects = CountryManager()

    class Meta:
        db_table = "designations_country"  # created by the designations app, where the model began
        verbose_name_plural = "countries"
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                name="designations_country_code_is_alpha2",
                violation_error_message="A country code is two upper-case letters.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_absolute_url(self) -> str:
        return reverse("designations:country_detail", kwargs={"code": self.code})


class CountryNameManager(models.Manager):
    def get_by_natural_key(self, name: str) -> CountryName:
        return self.get(name=name)


class CountryName(models.Model):
    """A spelling a source uses for a country ("Korea, North", "Burma", "Russian Federation")."""

    name = models.CharField(max_length=100, unique=True, help_text="Spelled exactly as the source publishes it.")
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="spellings")

    objects = CountryNameManager()

    class Meta:
        db_table = "designations_countryname"
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} -> {self.country.code}"

    def natural_key(self) -> tuple[str]:
        return (self.name,)

    natural_key.dependencies = ["programs.country"]


class AuthorityManager(models.Manager.from_queryset(AuthorityQuerySet)):
    def get_by_natural_key(self, code: str) -> Authority:
        return self.get(code=code)


class Authority(TimeStampedModel):
    """A legal instrument under which designations are made.

    A statute (the Global Magnitsky Human Rights Accountability Act), an executive order
    (E.O. 13818), a regulation (31 CFR Part 583) or an appropriations provision (section 7031(c)).
    An executive order can implement a statute; its lifecycle (signed, in force, amended, expired,
    revoked, repealed) is kept as dated ``AuthorityEvent`` rows, and ``status`` holds where it stands.
    """

    class Kind(models.TextChoices):
        STATUTE = "statute", "Statute"
        EXECUTIVE_ORDER = "executive_order", "Executive order"
        REGULATION = "regulation", "Regulation"
        APPROPRIATIONS = "appropriations", "Appropriations provision"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REPEALED = "repealed", "Repealed"

    code = models.SlugField(max_length=64, unique=True, help_text="Stable identifier, e.g. 'eo-13818'.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=100, blank=True)
    citation = models.CharField(max_length=255, blank=True, help_text="e.g. 'Pub. L. 114-328, Title XII, Subtitle F'.")
    issuer = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    implements = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="implemented_by",
        blank=True,
        help_text="The statutes (or orders) this instrument implements.",
    )
    signed_on = models.DateField(null=True, blank=True, help_text="Signed or enacted.")
    effective_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    ended_on = models.DateField(null=True, blank=True, help_text="Expired, revoked or repealed on.")
    ended_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ended",
        help_text="The instrument that revoked or repealed this one.",
    )
    is_human_rights = models.BooleanField(default=False, help_text="A human-rights or anti-corruption authority.")
    target_countries = models.ManyToManyField("programs.Country", related_name="authorities", blank=True)
    summary = models.TextField(blank=True)
    official_url = models.URLField(max_length=500, blank=True)
    date_note = models.TextField(blank=True, help_text="Where a date comes from, or that it is unverified.")
    citations = GenericRelation("programs.Citation")

    objects = AuthorityManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name_plural = "authorities"
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="in_force") | models.Q(ended_on__isnull=False),
                name="%(app_label)s_%(class)s_ended_has_date",
                violation_error_message="An authority that is no longer in force needs the date it ended.",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_absolute_url(self) -> str:
        return reverse("programs:authority_detail", kwargs={"code": self.code})


class AuthorityEvent(TimeStampedModel):
    """One dated step in an authority's life: signed, effective, amended, expired, revoked, repealed."""

    class Kind(models.TextChoices):
        ENACTED = "enacted", "Enacted"
        SIGNED = "signed", "Signed"
        EFFECTIVE = "effective", "Took effect"
        AMENDED = "amended", "Amended"
        CONTINUED = "continued", "Emergency continued"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"
        REPEALED = "repealed", "Repealed"

    authority = models.ForeignKey(Authority, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_on = models.DateField()
    description = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    verified = models.BooleanField(default=True, help_text="False when the date is reported but not confirmed.")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ("authority", "occurred_on", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("authority", "kind", "occurred_on"),
                name="%(app_label)s_%(class)s_unique_step",
                violation_error_message="This authority already has that event on that date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.authority}: {self.get_kind_display()} {self.occurred_on:%d %b %Y}"

    def natural_key(self) -> tuple:
        return (*self.authority.natural_key(), self.kind, self.occurred_on.isoformat())

    natural_key.dependencies = ["programs.authority"]


class ProgramManager(models.Manager.from_queryset(ProgramQuerySet)):
    def get_by_natural_key(self, code: str) -> Program:
        return self.get(code=code)


class Program(TimeStampedModel):
    """A sanctions regime as a list names it.

    ``code`` is OFAC's tag spelled exactly as published (``GLOMAG``, ``CAATSA - RUSSIA`` with its
    spaces), or our own code for a non-OFAC regime (``7031C`` for State's visa designations).
    Placeholder tags that OFAC later renamed point at their successor through ``replaced_by``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RENAMED = "renamed", "Renamed"
        ENDED = "ended", "Ended"

    class Family(models.TextChoices):
        HUMAN_RIGHTS = "human_rights", "Human rights and corruption"
        COUNTRY = "country", "Country program"
        TERRORISM = "terrorism", "Terrorism"
        NARCOTICS = "narcotics", "Narcotics and organised crime"
        PROLIFERATION = "proliferation", "Non-proliferation"
        CYBER = "cyber", "Cyber and elections"
        OTHER = "other", "Other"

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    agency = models.CharField(max_length=20, choices=Agency.choices, default=Agency.OFAC)
    family = models.CharField(max_length=20, choices=Family.choices, default=Family.OTHER)
    authorities = models.ManyToManyField(Authority, related_name="programs", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        help_text="The tag that replaced this placeholder or retired tag.",
    )
    target_countries = models.ManyToManyField("programs.Country", related_name="programs", blank=True)
    is_human_rights = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    first_seen_on = models.DateField(null=True, blank=True)
    last_seen_on = models.DateField(null=True, blank=True)
    citations = GenericRelation("programs.Citation")

    objects = ProgramManager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ("code",)
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(replaced_by=models.F("pk")),
                name="%(app_label)s_%(class)s_not_replaced_by_itself",
                violation_error_message="A program cannot replace itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    def get_absolute_url(self) -> str:
        return reverse("programs:program_detail", kwargs={"code": self.code})


class Citation(TimeStampedModel):
    """A source an editor cites for a curated fact: a URL, its title and its date.

    It hangs on any record (a designee, a designation, a program, an authority) through
    ``content_type``/``object_id``; ``field`` names the fact it supports (a field such as
    ``curated_reason`` or a collection such as ``aliases``), blank for the record as a whole.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    field = models.CharField(max_length=50, blank=True, help_text="The fact cited; blank for the whole record.")
    url = models.URLField(max_length=1000)
    title = models.CharField(max_length=500)
    published_on = models.DateField(null=True, blank=True, help_text="Date of the cited document.")
    note = models.CharField(max_length=500, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], table_name="designations_historicalcitation")

    class Meta:
        db_table = "designations_citation"
        ordering = ("content_type", "object_id", "field", "pk")
        indexes = [models.Index(fields=("content_type", "object_id"))]

    def __str__(self) -> str:
        return f"{self.title} ({self.published_on:%d %b %Y})" if self.published_on else self.title
