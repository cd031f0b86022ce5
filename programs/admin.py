"""Admin for authorities (with their lifecycle events) and programs.

Every change is kept in the record's history (who, when, what), viewable and revertible from its
"History" page; citations back the curated facts.
"""

from django.contrib import admin
from django.db import models
from django.db.models import Count, Q

from designations.admin import CitationInline, HistoryAdmin
from programs.models import Authority, AuthorityEvent, Program

# Official URLs typed without a scheme are https (the default from Django 6.0 on).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class AuthorityEventInline(admin.TabularInline):
    model = AuthorityEvent
    extra = 0
    formfield_overrides = HTTPS_URLS
    fields = ("kind", "occurred_on", "verified", "description", "source_url")


@admin.register(Authority)
class AuthorityAdmin(HistoryAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "issuer",
        "status",
        "signed_on",
        "ended_on",
        "is_human_rights",
        "program_count",
    )
    list_filter = ("kind", "status", "issuer", "is_human_rights")
    search_fields = ("code", "name", "short_name", "citation")
    list_select_related = ("ended_by",)
    autocomplete_fields = ("ended_by",)
    filter_horizontal = ("implements", "target_countries")
    readonly_fields = ("created_at", "updated_at")
    inlines = (AuthorityEventInline, CitationInline)
    formfield_overrides = HTTPS_URLS
    fieldsets = (
        (None, {"fields": ("code", "kind", "name", "short_name", "citation", "issuer", "is_human_rights")}),
        ("Lifecycle", {"fields": ("signed_on", "effective_on", "status", "ended_on", "ended_by", "date_note")}),
        ("Links", {"fields": ("implements", "target_countries", "official_url", "summary")}),
        ("Record", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_program_count=Count("programs", distinct=True))

    @admin.display(description="Programs", ordering="_program_count")
    def program_count(self, obj):
        return obj._program_count


@admin.register(AuthorityEvent)
class AuthorityEventAdmin(HistoryAdmin):
    list_display = ("authority", "kind", "occurred_on", "verified")
    list_filter = ("kind", "verified")
    search_fields = ("authority__code", "authority__name", "authority__short_name", "description")
    list_select_related = ("authority",)
    autocomplete_fields = ("authority",)
    date_hierarchy = "occurred_on"
    readonly_fields = ("created_at", "updated_at")
    formfield_overrides = HTTPS_URLS


@admin.register(Program)
class ProgramAdmin(HistoryAdmin):
    list_display = (
        "code",
        "name",
        "agency",
        "family",
        "status",
        "is_human_rights",
        "active_designations",
        "first_seen_on",
        "last_seen_on",
    )
    list_filter = ("agency", "family", "status", "is_human_rights")
    search_fields = ("code", "name")
    list_select_related = ("replaced_by",)
    autocomplete_fields = ("replaced_by",)
    filter_horizontal = ("authorities", "target_countries")
    readonly_fields = ("created_at", "updated_at")
    inlines = (CitationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_active_designations=Count("designations", filter=Q(designations__status="active")))
        )

    @admin.display(description="Active designations", ordering="_active_designations")
    def active_designations(self, obj):
        return obj._active_designations
