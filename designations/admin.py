"""Admin for countries, source documents, designees and their designations.

The designee and designation tables hold tens of thousands of rows: foreign keys to them use
autocomplete widgets (never a select of every row), their changelists skip the unfiltered count, and
counts and related names are annotated or prefetched so a changelist costs the same number of queries
whatever the page size.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

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

# Fields an importer owns: editors see them but never type over them.
SOURCE_FIELDS = ("source", "source_uid", "record_hash")


class CountryNameInline(admin.TabularInline):
    model = CountryName
    extra = 0


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "numeric", "spelling_count")
    search_fields = ("code", "name", "spellings__name")
    readonly_fields = ("created_at", "updated_at")
    inlines = (CountryNameInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_spelling_count=Count("spellings"))

    @admin.display(description="Spellings", ordering="_spelling_count")
    def spelling_count(self, obj):
        return obj._spelling_count


@admin.register(CountryName)
class CountryNameAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    search_fields = ("name", "country__name", "=country__code")
    list_select_related = ("country",)
    autocomplete_fields = ("country",)


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "agency", "source", "published_on")
    list_filter = ("kind", "agency", "source")
    search_fields = ("title", "url", "source_uid", "content_sha256")
    date_hierarchy = "published_on"
    readonly_fields = ("source", "source_uid", "content_sha256", "created_at", "updated_at")
    show_full_result_count = False
    # A URL typed without a scheme is https (the default from Django 6.0 on).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0
    fields = ("name", "kind", "strength", "script", "source_uid")
    readonly_fields = ("source_uid",)


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0
    fields = ("kind", "value", "country", "country_text", "issued_on", "expires_on", "note")
    autocomplete_fields = ("country",)


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("street", "city", "country", "country_text", "remarks", "source_uid")
    readonly_fields = ("source_uid",)
    autocomplete_fields = ("country",)


class BirthDateInline(admin.TabularInline):
    model = BirthDate
    extra = 0
    fields = ("raw", "date_from", "date_to", "precision", "is_range", "circa")


class PlaceOfBirthInline(admin.TabularInline):
    model = PlaceOfBirth
    extra = 0
    autocomplete_fields = ("country",)


class DesigneeCountryInline(admin.TabularInline):
    model = DesigneeCountry
    extra = 0
    autocomplete_fields = ("country",)


class RelationshipInline(admin.TabularInline):
    model = Relationship
    fk_name = "from_designee"
    extra = 0
    fields = ("kind", "to_name", "to_designee")
    autocomplete_fields = ("to_designee",)


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    fields = ("program", "authority", "agency", "status", "listed_on", "listed_precision", "delisted_on", "source")
    readonly_fields = ("source",)
    autocomplete_fields = ("program", "authority")
    show_change_link = True


@admin.register(Designee)
class DesigneeAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "entry_number", "program_codes", "active_designations", "source")
    list_filter = ("kind", "source", "designations__status", "designations__program__family")
    search_fields = ("name", "aliases__name", "identifiers__value", "=entry_number")
    readonly_fields = (*SOURCE_FIELDS, "created_at", "updated_at")
    show_full_result_count = False
    list_per_page = 50
    inlines = (
        AliasInline,
        IdentifierInline,
        AddressInline,
        BirthDateInline,
        PlaceOfBirthInline,
        DesigneeCountryInline,
        RelationshipInline,
        DesignationInline,
    )
    fieldsets = (
        (None, {"fields": ("kind", "name", "entry_number", "title", "gender", "remarks", "unparsed_remarks")}),
        (
            "Vessel or aircraft",
            {
                "fields": (
                    "call_sign",
                    "vessel_type",
                    "vessel_flag",
                    "vessel_owner",
                    "tonnage",
                    "gross_registered_tonnage",
                    "aircraft_model",
                    "aircraft_operator",
                ),
                "classes": ("collapse",),
            },
        ),
        ("Import", {"fields": (*SOURCE_FIELDS, "locked_fields", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        # The count is a correlated subquery rather than a join with GROUP BY, so the changelist's own
        # COUNT(*) stays a plain count over designees; the program codes come from one prefetch query.
        active_designations = (
            Designation.objects.filter(designee=OuterRef("pk"), status=Designation.Status.ACTIVE)
            .order_by()
            .values("designee")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(_active_designations=Coalesce(Subquery(active_designations), 0))
            .prefetch_related(
                Prefetch(
                    "designations",
                    queryset=Designation.objects.select_related("program").order_by("program__code", "pk"),
                    to_attr="_designations",
                )
            )
        )

    @admin.display(description="Programs")
    def program_codes(self, obj):
        return ", ".join(
            designation.program.code
            if designation.status == Designation.Status.ACTIVE
            else f"({designation.program.code})"
            for designation in obj._designations
        )

    @admin.display(description="Active", ordering="_active_designations")
    def active_designations(self, obj):
        return obj._active_designations


class DesignationEventInline(admin.TabularInline):
    """The designation's history, as the importers and editors recorded it: shown, never edited here."""

    model = DesignationEvent
    extra = 0
    can_delete = False
    fields = ("kind", "occurred_on", "precision", "earliest", "source_document", "import_run", "changes", "note")
    readonly_fields = fields
    ordering = ("-occurred_on", "-pk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source_document", "import_run")


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin):
    list_display = ("designee", "program", "authority", "agency", "status", "listed_on", "delisted_on")
    list_filter = ("status", "agency", "program__family", "listed_precision", "program")
    search_fields = ("designee__name", "designee__aliases__name", "=designee__entry_number", "=program__code")
    list_select_related = ("designee", "program", "authority")
    autocomplete_fields = ("designee", "program", "authority")
    readonly_fields = ("source", "created_at", "updated_at")
    date_hierarchy = "listed_on"
    show_full_result_count = False
    inlines = (DesignationEventInline,)


@admin.register(DesignationEvent)
class DesignationEventAdmin(admin.ModelAdmin):
    list_display = ("designation", "kind", "occurred_on", "precision", "source_document", "import_run")
    list_filter = ("kind", "precision")
    search_fields = ("designation__designee__name", "=designation__designee__entry_number", "note")
    list_select_related = ("designation__designee", "designation__program", "source_document", "import_run")
    autocomplete_fields = ("designation", "source_document")
    raw_id_fields = ("import_run",)
    readonly_fields = ("created_at", "updated_at")
    date_hierarchy = "occurred_on"
    show_full_result_count = False
