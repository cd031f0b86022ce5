"""Admin for countries, source documents, designees and their designations.

The designee and designation tables hold tens of thousands of rows: foreign keys to them use
autocomplete widgets (never a select of every row), their changelists skip the unfiltered count, and
counts and related names are annotated or prefetched so a changelist costs the same number of queries
whatever the page size.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from designations import services
from designations.locks import CHILD_COLLECTIONS, SCALAR_FIELDS
from designations.models import (
    DESIGNEE_COLLECTIONS,
    AbuseCategory,
    Address,
    Alias,
    BirthDate,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    DesigneeFact,
    DesigneeMerge,
    FactSource,
    Identifier,
    PlaceOfBirth,
    Relationship,
    ReviewState,
    SourceDocument,
)
from programs.admin import CitationInline as BaseCitationInline
from programs.admin import HistoryAdmin

# Fields an importer owns: editors see them but never type over them.
SOURCE_FIELDS = ("source", "source_uid", "record_hash")
REVIEW_FIELDS = ("review_state", "reviewed_at", "reviewed_by")
# Inline formset prefix (the reverse accessor) -> the collection name locks use.
INLINE_COLLECTIONS = {"relationships_from": "relationships"} | {name: name for name in CHILD_COLLECTIONS}


class ReviewQueueFilter(admin.SimpleListFilter):
    """What changed since it was last reviewed: new, edited or re-imported records, or new events."""

    title = "review queue"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return (("changed", "Changed since last review"),)

    def queryset(self, request, queryset):
        if self.value() == "changed":
            return queryset.filter(services.changed_since_review(queryset.model))
        return queryset


class MergedFilter(admin.SimpleListFilter):
    title = "merge"
    parameter_name = "merged"

    def lookups(self, request, model_admin):
        return (("no", "Not merged into another"), ("yes", "Merged into another"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(merged_into__isnull=self.value() == "no")
        return queryset


class CitationInline(BaseCitationInline):
    """Citations of a designee's or a designation's curated facts (a designee's collections included)."""

    excluded_facts = (*SOURCE_FIELDS, *REVIEW_FIELDS, "locked_fields", "created_at", "updated_at")

    @property
    def extra_facts(self) -> tuple[str, ...]:
        return tuple(DESIGNEE_COLLECTIONS) if self.parent_model is Designee else ()


class ReviewActionsMixin:
    """Bulk review actions and the review columns, for designees and designations."""

    review_permission = ""

    def has_review_permission(self, request):
        return request.user.has_perm(self.review_permission)

    def _review(self, request, queryset, state):
        total = queryset.count()
        count = services.records_review(queryset=queryset, state=state, user=request.user)
        skipped = total - count
        self.message_user(request, f"{count} marked {ReviewState(state).label.lower()}.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} could not move to that state.", messages.WARNING)

    @admin.action(description="Mark selected as reviewed", permissions=("review",))
    def mark_reviewed(self, request, queryset):
        self._review(request, queryset, ReviewState.REVIEWED)

    @admin.action(description="Mark selected as needing attention", permissions=("review",))
    def mark_needs_attention(self, request, queryset):
        self._review(request, queryset, ReviewState.NEEDS_ATTENTION)


class EditConflictFormMixin(forms.ModelForm):
    """Refuse to save a record that changed since its form was opened (an import or another editor).

    The form carries the record's ``updated_at`` as it was when opened. Saving the whole form over a
    newer record would write the values it was opened with back over whatever changed since, losing
    that change without a word. The refused form comes back with the editor's values and the current
    token: the editor checks them against the record as it now is and saves again on purpose.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.updated_at:
            self.fields["edit_token"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        key = self.add_prefix("edit_token")
        token = self.data.get(key, "")
        current = self.instance.updated_at.isoformat() if self.instance.pk and self.instance.updated_at else ""
        if token and current and token != current:
            self.data = self.data.copy()
            self.data[key] = current
            raise forms.ValidationError(
                "This record changed since you opened it (an import or another editor saved it). Nothing was "
                "saved. Check your changes below against the current record (open it in another tab), then "
                "save again to keep them.",
                code="edit_conflict",
            )
        return cleaned


class LockedFieldsFormMixin(forms.ModelForm):
    """Locks as checkboxes: the whole record, each field imports write, each child collection."""

    locked_fields = forms.MultipleChoiceField(
        choices=[("*", "The whole record")]
        + [(name, name.replace("_", " ").capitalize()) for name in (*SCALAR_FIELDS, *CHILD_COLLECTIONS)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Imports never overwrite a locked field; they list what they would have changed on the run.",
    )

    def clean_locked_fields(self):
        return services._ordered_locks(self.cleaned_data["locked_fields"])


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


class FactInline(admin.TabularInline):
    """A designee's published facts, each with the document it was read from (read-only). A fact an editor
    adds or changes has none: it is the editor's (``DesigneeAdmin.save_formset``)."""

    extra = 0
    readonly_fields = ("source_document",)


class AliasInline(FactInline):
    model = Alias
    fields = ("name", "kind", "strength", "script", "source_uid", "source_document")
    readonly_fields = ("source_uid", "source_document")


class IdentifierInline(FactInline):
    model = Identifier
    fields = ("kind", "value", "country", "country_text", "issued_on", "expires_on", "note", "source_document")
    autocomplete_fields = ("country",)


class AddressInline(FactInline):
    model = Address
    fields = ("street", "city", "country", "country_text", "remarks", "source_uid", "source_document")
    readonly_fields = ("source_uid", "source_document")
    autocomplete_fields = ("country",)


class BirthDateInline(FactInline):
    model = BirthDate
    fields = ("raw", "date_from", "date_to", "precision", "is_range", "circa", "source_document")


class PlaceOfBirthInline(FactInline):
    model = PlaceOfBirth
    autocomplete_fields = ("country",)


class DesigneeCountryInline(FactInline):
    model = DesigneeCountry
    autocomplete_fields = ("country",)


class RelationshipInline(FactInline):
    model = Relationship
    fk_name = "from_designee"
    fields = ("kind", "to_name", "to_designee", "source_document")
    autocomplete_fields = ("to_designee",)


class DesigneeFactInline(FactInline):
    model = DesigneeFact
    fields = ("kind", "value", "date_from", "date_to", "precision", "alt", "source_document")


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    fields = ("program", "authority", "agency", "status", "listed_on", "listed_precision", "delisted_on", "source")
    readonly_fields = ("source",)
    autocomplete_fields = ("program", "authority")
    show_change_link = True


class DesigneeForm(EditConflictFormMixin, LockedFieldsFormMixin, forms.ModelForm):
    class Meta:
        model = Designee
        fields = (
            "kind",
            "name",
            "entry_number",
            "title",
            "gender",
            "remarks",
            "unparsed_remarks",
            "call_sign",
            "vessel_type",
            "vessel_flag",
            "vessel_owner",
            "tonnage",
            "gross_registered_tonnage",
            "aircraft_model",
            "aircraft_operator",
            "locked_fields",
        )


@admin.register(Designee)
class DesigneeAdmin(ReviewActionsMixin, HistoryAdmin):
    form = DesigneeForm
    list_display = (
        "name",
        "kind",
        "entry_number",
        "program_codes",
        "active_designations",
        "source",
        "review_state",
        "lock_summary",
    )
    list_filter = (
        ReviewQueueFilter,
        "review_state",
        "kind",
        "source",
        "designations__status",
        "designations__program__family",
        MergedFilter,
    )
    search_fields = ("name", "aliases__name", "identifiers__value", "=entry_number")
    readonly_fields = (*SOURCE_FIELDS, *REVIEW_FIELDS, "merged_into", "created_at", "updated_at")
    show_full_result_count = False
    list_per_page = 50
    actions = ("mark_reviewed", "mark_needs_attention", "lock_whole_record", "unlock_whole_record", "merge_two")
    review_permission = "designations.review_designee"
    object_history_list_template = "admin/designations/designee/object_history_list.html"
    inlines = (
        AliasInline,
        IdentifierInline,
        AddressInline,
        BirthDateInline,
        PlaceOfBirthInline,
        DesigneeCountryInline,
        RelationshipInline,
        DesigneeFactInline,
        DesignationInline,
        CitationInline,
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
        ("Locks", {"fields": ("locked_fields", "edit_token")}),
        ("Review", {"fields": (*REVIEW_FIELDS, "merged_into")}),
        ("Import", {"fields": (*SOURCE_FIELDS, "created_at", "updated_at")}),
    )

    def has_merge_permission(self, request):
        return request.user.has_perm("designations.merge_designee")

    @admin.display(description="Locked")
    def lock_summary(self, obj):
        locks = obj.locked_fields or []
        return "whole record" if "*" in locks else ", ".join(locks) or "-"

    # ---- saving: one version per edit, and what the editor changed is locked against imports ----
    def save_model(self, request, obj, form, change):
        obj._admin_auto_locks = []
        if change and obj.source and "locked_fields" not in form.changed_data:
            obj._admin_auto_locks = [name for name in form.changed_data if name in SCALAR_FIELDS]
        # The version is recorded in save_related, once the inlines are saved too (simple-history's
        # own revert form saves no inlines and calls no save_related: it records the version itself).
        if not getattr(request, "_history_revert", False):
            obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._history_revert = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_formset(self, request, form, formset, change):
        # A fact an editor adds or changes is the editor's, not the document's any more.
        if issubclass(formset.model, FactSource):
            for inline_form in formset.forms:
                if inline_form.has_changed():
                    inline_form.instance.source_document = None
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.__dict__.pop("skip_history_when_saving", None)
        changed_collections = [
            INLINE_COLLECTIONS[fs.prefix] for fs in formsets if fs.prefix in INLINE_COLLECTIONS and fs.has_changed()
        ]
        auto_locks = list(getattr(obj, "_admin_auto_locks", []))
        if change and obj.source and "locked_fields" not in form.changed_data:
            auto_locks += changed_collections
        held = obj.locked_fields or []
        new_locks = [name for name in dict.fromkeys(auto_locks) if "*" not in held and name not in held]
        if new_locks:
            obj.locked_fields = services._ordered_locks([*(obj.locked_fields or []), *new_locks])
            Designee.objects.filter(pk=obj.pk).update(locked_fields=obj.locked_fields)
            self.message_user(
                request,
                f"Locked against imports, since you edited them: {', '.join(new_locks)}.",
                messages.INFO,
            )
        if not change or form.has_changed() or changed_collections or any(fs.has_changed() for fs in formsets):
            edited = [*form.changed_data, *changed_collections]
            reason = "Created" if not change else ("Changed " + ", ".join(edited) if edited else "Changed")
            services.designee_version_record(designee=obj, user=request.user, reason=reason, created=not change)

    # ---- bulk locks ----
    @admin.action(description="Lock the whole record against imports", permissions=("change",))
    def lock_whole_record(self, request, queryset):
        for designee in queryset:
            services.designee_lock_fields(designee=designee, fields=["*"], user=request.user)
        self.message_user(request, f"{len(queryset)} locked.", messages.SUCCESS)

    @admin.action(description="Remove the whole-record lock", permissions=("change",))
    def unlock_whole_record(self, request, queryset):
        for designee in queryset:
            services.designee_unlock_fields(designee=designee, fields=["*"], user=request.user)
        self.message_user(request, f"{len(queryset)} unlocked.", messages.SUCCESS)

    # ---- merge ----
    @admin.action(description="Merge two selected designees (the same party)", permissions=("merge",))
    def merge_two(self, request, queryset):
        designees = list(queryset.order_by("pk")[:3])
        if len(designees) != 2:
            self.message_user(request, "Select exactly two designees to merge.", messages.ERROR)
            return None
        if "confirm" in request.POST:
            kept_pk = request.POST.get("kept")
            kept = next((d for d in designees if str(d.pk) == kept_pk), None)
            if kept is None:
                self.message_user(request, "Choose the designee to keep.", messages.ERROR)
                return None
            merged = designees[1] if kept is designees[0] else designees[0]
            try:
                services.designee_merge(kept=kept, merged=merged, user=request.user, note=request.POST.get("note", ""))
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                return None
            self.message_user(request, f"{merged} merged into {kept}. Undo it under Designee merges.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge two designees",
            "opts": self.model._meta,
            "designees": designees,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/designations/designee/merge.html", context)

    # ---- history: revert a version (fields and child rows) ----
    def get_urls(self):
        urls = super().get_urls()
        revert = path(
            "<path:object_id>/history/<int:history_id>/revert/",
            self.admin_site.admin_view(self.revert_view),
            name="designations_designee_revert",
        )
        return [revert, *urls]

    def revert_view(self, request, object_id, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self.check_history_ids(object_id, history_id)
        designee = get_object_or_404(Designee, pk=unquote(object_id))
        if not self.has_change_permission(request, designee):
            raise PermissionDenied
        try:
            services.designee_revert(designee=designee, history_id=history_id, user=request.user)
        except Designee.history.model.DoesNotExist:
            raise Http404(f"{designee} has no version #{history_id}.") from None
        self.message_user(request, f"{designee} reverted to version #{history_id}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:designations_designee_history", args=[designee.pk]))

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {**(extra_context or {}), "can_revert": self.has_change_permission(request)}
        return super().history_view(request, object_id, extra_context=extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return super().get_history_queryset(request, history_manager, pk_name, object_id).select_related("history_user")

    history_list_display = ["child_changes"]

    def child_changes(self, record):
        """What changed in the child rows since the previous version, as added and removed rows."""
        previous = record.prev_record
        if previous is None:
            return "First version recorded"
        before = previous.children or {}
        after = record.children or {}
        lines = []
        for name in DESIGNEE_COLLECTIONS:
            old, new = before.get(name, []), after.get(name, [])
            added = [row for row in new if row not in old]
            removed = [row for row in old if row not in new]
            for row in added:
                lines.append(f"{name}: + {_row_text(row)}")
            for row in removed:
                lines.append(f"{name}: - {_row_text(row)}")
        return format_html("<br>".join(["{}"] * len(lines)), *lines) if lines else "-"

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


class DesignationForm(EditConflictFormMixin, forms.ModelForm):
    class Meta:
        model = Designation
        fields = "__all__"  # noqa: DJ007 - the admin picks the fields it shows; this form adds the edit token


@admin.register(Designation)
class DesignationAdmin(ReviewActionsMixin, HistoryAdmin):
    form = DesignationForm
    list_display = (
        "designee",
        "program",
        "authority",
        "agency",
        "status",
        "listed_on",
        "delisted_on",
        "review_state",
    )
    list_filter = (
        ReviewQueueFilter,
        "review_state",
        "status",
        "agency",
        "categories",
        "program__family",
        "listed_precision",
        "program",
    )
    search_fields = ("designee__name", "designee__aliases__name", "=designee__entry_number", "=program__code")
    list_select_related = ("designee", "program", "authority")
    autocomplete_fields = ("designee", "program", "authority")
    readonly_fields = ("source", *REVIEW_FIELDS, "created_at", "updated_at")
    date_hierarchy = "listed_on"
    show_full_result_count = False
    list_per_page = 50
    actions = ("mark_reviewed", "mark_needs_attention")
    review_permission = "designations.review_designation"
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = (CitationInline, DesignationEventInline)
    fieldsets = (
        (None, {"fields": ("designee", "program", "authority", "agency", "status")}),
        (
            "Dates",
            {
                "fields": (
                    ("listed_on", "listed_precision", "listed_earliest"),
                    ("delisted_on", "delisted_precision", "delisted_earliest"),
                )
            },
        ),
        ("As published", {"fields": ("legal_basis", "reason")}),
        ("Editorial", {"fields": ("curated_reason", "categories")}),
        ("Review", {"fields": REVIEW_FIELDS}),
        ("Import", {"fields": ("source", "locked_fields", "created_at", "updated_at")}),
    )

    def save_model(self, request, obj, form, change):
        # Categories are saved after the row; the version is recorded once they are (save_related),
        # except through simple-history's revert form, which calls no save_related.
        if not getattr(request, "_history_revert", False):
            obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request._history_revert = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        obj.__dict__.pop("skip_history_when_saving", None)
        if not change or form.has_changed():
            obj._history_user = request.user
            obj._change_reason = "Created" if not change else "Changed " + ", ".join(form.changed_data)
            obj.save(update_fields=["updated_at"])


@admin.register(AbuseCategory)
class AbuseCategoryAdmin(HistoryAdmin):
    """The controlled vocabulary of conduct: administrators maintain it, editors pick from it."""

    list_display = ("name", "code", "designation_count")
    search_fields = ("name", "code")
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_designation_count=Count("designations"))

    @admin.display(description="Designations", ordering="_designation_count")
    def designation_count(self, obj):
        return obj._designation_count


@admin.register(DesigneeMerge)
class DesigneeMergeAdmin(admin.ModelAdmin):
    """The trail of merges: read-only, with an "Undo" action."""

    list_display = ("__str__", "kept", "merged", "merged_by", "created_at", "undone_at", "undone_by")
    list_filter = (("undone_at", admin.EmptyFieldListFilter),)
    search_fields = ("kept__name", "merged__name", "=kept__entry_number", "=merged__entry_number", "note")
    list_select_related = ("kept", "merged", "merged_by", "undone_by")
    readonly_fields = ("kept", "merged", "note", "merged_by", "created_at", "undone_at", "undone_by")
    show_full_result_count = False
    actions = ("undo",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_undo_permission(self, request):
        return request.user.has_perm("designations.merge_designee")

    @admin.action(description="Undo the selected merges", permissions=("undo",))
    def undo(self, request, queryset):
        for merge in queryset.filter(undone_at__isnull=True):
            services.designee_unmerge(merge=merge, user=request.user)
            self.message_user(request, f"Undone: {merge.merged} stands on its own again.", messages.SUCCESS)


def _row_text(row: dict) -> str:
    """A child row as one line for the history page: its non-empty values."""
    return "; ".join(f"{key}={value}" for key, value in row.items() if value not in ("", None, False, []))


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
