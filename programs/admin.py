"""Admin for the reference data: countries and their spellings, authorities (with their lifecycle events),
programs and citations; and the history admin every curated model uses.

Every change is kept in the record's history (who, when, what), viewable and revertible from its
"History" page; citations back the curated facts.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from programs.models import Authority, AuthorityEvent, Citation, Country, CountryName, Program

# Official URLs typed without a scheme are https (the default from Django 6.0 on).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin, where a record or version id that is malformed or missing is a 404.

    simple-history hands the URL's ``object_id`` and version id to the ORM as they come, so a version id
    of ``abc`` raised ``ValueError`` (a 500); a missing version was already a 404 there. The revert view
    of ``DesigneeAdmin`` checks its ids the same way.
    """

    def check_history_ids(self, object_id: str, version_id: str | int | None = None) -> None:
        """``Http404`` unless ``object_id`` (and ``version_id``) are values the primary keys can hold."""
        history_model = getattr(self.model, self.model._meta.simple_history_manager_attribute).model
        try:
            self.model._meta.pk.to_python(unquote(object_id))
            if version_id is not None:
                history_model._meta.pk.to_python(version_id)
        except ValidationError:
            raise Http404("No such record or version.") from None

    def history_view(self, request, object_id, extra_context=None):
        self.check_history_ids(object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.check_history_ids(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class CitationInline(GenericTabularInline):
    """Citations (URL, title, date) of the record's curated facts, each naming the fact it supports.

    ``fact_choices`` lists the facts of the record the inline sits on: its editable fields, without the
    bookkeeping an importer or the review owns (``excluded_facts``), plus ``extra_facts`` (a designee's
    collections, say).
    """

    model = Citation
    extra = 0
    fields = ("field", "url", "title", "published_on", "note")
    formfield_overrides = HTTPS_URLS
    excluded_facts: tuple[str, ...] = ("locked_fields", "created_at", "updated_at")
    extra_facts: tuple[str, ...] = ()

    def fact_choices(self) -> list[tuple[str, str]]:
        choices = [("", "The whole record")]
        choices += [
            (f.name, f.verbose_name.capitalize())
            for f in self.parent_model._meta.get_fields()
            if getattr(f, "editable", False) and not f.auto_created and f.concrete and f.name not in self.excluded_facts
        ]
        choices += [(name, name.replace("_", " ").capitalize()) for name in self.extra_facts]
        return choices

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "field":
            return forms.ChoiceField(choices=self.fact_choices(), required=False, label="Fact")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


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


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    list_display = ("title", "published_on", "url", "content_type", "object_id", "field")
    list_filter = ("content_type",)
    search_fields = ("title", "url", "note")
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_id", "created_at", "updated_at")
    date_hierarchy = "published_on"
    show_full_result_count = False
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request):
        return False  # citations are added on the record they cite, through its page
