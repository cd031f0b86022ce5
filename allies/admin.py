"""Admin for the allied lists: their entries and designations (read-only: imports write them) and the editors'
review of party links, where editors confirm or reject what the resolver proposed, or link by hand.

The resolver (``allies.resolution``) never changes a link an editor decided (``PartyLink.EDITOR_STATES``), so
a decision made here survives every later import.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from allies.models import AlliedDesignation, AlliedEntry, PartyLink
from tracker import dataversion

# How the resolver's features read to an editor (allies.resolution.candidate_links writes them).
FEATURE_LABELS = {
    "name": "Name score",
    "name_ours": "US name compared",
    "name_theirs": "Allied name matched",
    "birth_date": "Birth date",
    "countries": "Countries",
    "identifier": "Identifier",
    "unique_name": "Only close name on either side",
    "rule": "Decided by the rule",
}
# The review queue's order: what waits for an editor first, then the resolver's own links, then decisions.
STATE_ORDER = Case(
    When(state=PartyLink.State.PENDING, then=Value(0)),
    When(state=PartyLink.State.LINKED, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def party_links_decide(*, links: QuerySet[PartyLink], state: str, user) -> int:
    """Record an editor's decision (``confirmed`` or ``rejected``) on ``links``; returns how many changed.

    The decision is kept with who made it and when; the resolver leaves such links alone from then on.
    """
    if state not in (PartyLink.State.CONFIRMED, PartyLink.State.REJECTED):
        raise ValueError(f"Not a decision: {state}")
    now = timezone.now()
    with transaction.atomic():
        changed = links.update(state=state, decided_by=user, decided_at=now, updated_at=now)
    # A bulk update sends no signal: the pages and API caches must still see the new state.
    transaction.on_commit(dataversion.bump_generation)
    return changed


def feature_lines(features: dict) -> list[tuple[str, str]]:
    """The resolver's features as (label, value) lines an editor reads, in the order of ``FEATURE_LABELS``."""
    lines = []
    for key, label in FEATURE_LABELS.items():
        if key not in features:
            continue
        value = features[key]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, float):
            value = f"{value:.2f}"
        lines.append((label, str(value)))
    lines += [
        (key.replace("_", " ").capitalize(), str(value)) for key, value in features.items() if key not in FEATURE_LABELS
    ]
    return lines


class ReadOnlyAdminMixin:
    """Imports write these records; people read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AlliedDesignationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AlliedDesignation
    extra = 0
    fields = ("regime_code", "regime", "theme", "reference", "listed_on", "dates_display", "instrument", "is_listed")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="Dates given")
    def dates_display(self, obj):
        return format_dates(obj.dates)


def format_dates(dates: list[dict]):
    """Every date an allied designation gives, with what it is evidence of."""
    if not dates:
        return "-"
    return format_html_join(
        "",
        "<div>{} <small>({})</small></div>",
        ((item.get("date") or item.get("raw") or "?", item.get("kind", "?")) for item in dates),
    )


class PartyLinkInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PartyLink
    extra = 0
    fields = ("designee", "state", "score", "decided_by", "decided_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(AlliedEntry)
class AlliedEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "publisher", "list_slug", "source_uid", "kind", "regimes", "is_listed", "list_date")
    list_filter = ("publisher", "list_slug", "kind", "is_listed", "designations__regime_code")
    search_fields = ("name", "=source_uid", "designations__reference")
    show_full_result_count = False
    readonly_fields = (
        "publisher",
        "list_slug",
        "source_uid",
        "source",
        "kind",
        "name",
        "names",
        "birth_dates",
        "nationalities",
        "countries",
        "identifiers",
        "gender",
        "reasons",
        "is_listed",
        "list_date",
        "removed_seen_on",
        "import_run",
        "record_hash",
    )
    fields = readonly_fields
    inlines = (AlliedDesignationInline, PartyLinkInline)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("designations")

    @admin.display(description="Regimes")
    def regimes(self, obj):
        return ", ".join(sorted(designation.regime_code for designation in obj.designations.all()))


@admin.register(AlliedDesignation)
class AlliedDesignationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "entry",
        "publisher",
        "regime_code",
        "theme",
        "reference",
        "listed_on",
        "dates_display",
        "is_listed",
    )
    list_filter = ("entry__publisher", "theme", "regime_code", "is_listed")
    search_fields = ("entry__name", "=entry__source_uid", "reference", "regime")
    list_select_related = ("entry",)
    show_full_result_count = False
    readonly_fields = (
        "entry",
        "regime",
        "regime_code",
        "theme",
        "reference",
        "listed_on",
        "dates_display",
        "instrument",
        "is_listed",
    )
    fields = readonly_fields

    @admin.display(description="Publisher", ordering="entry__publisher")
    def publisher(self, obj):
        return obj.entry.get_publisher_display()

    @admin.display(description="Dates given")
    def dates_display(self, obj):
        return format_dates(obj.dates)


class ManualLinkForm(forms.ModelForm):
    """An editor ties a US designee to an allied entry by hand."""

    class Meta:
        model = PartyLink
        fields = ("designee", "entry")

    def clean(self):
        # The pair may already be proposed or decided: say what to do rather than "already exists".
        cleaned = super().clean()
        designee, entry = cleaned.get("designee"), cleaned.get("entry")
        if designee is not None and entry is not None:
            existing = PartyLink.objects.filter(designee=designee, entry=entry).first()
            if existing is not None:
                raise forms.ValidationError(
                    f"These two are already linked ({existing.get_state_display().lower()}): confirm or reject "
                    "that link from the list instead."
                )
        return cleaned


@admin.register(PartyLink)
class PartyLinkAdmin(admin.ModelAdmin):
    """The editors' review queue: links waiting for review come first, best scores first."""

    list_display = (
        "state",
        "designee_display",
        "entry_display",
        "score_display",
        "features_display",
        "decided_by",
        "decided_at",
    )
    list_display_links = ("state",)
    list_filter = ("state", "entry__publisher", "entry__list_slug")
    search_fields = ("designee__name", "=designee__entry_number", "entry__name", "=entry__source_uid")
    list_select_related = ("designee", "entry", "decided_by")
    autocomplete_fields = ("designee", "entry")
    ordering = (STATE_ORDER, "-score", "pk")
    actions = ("confirm", "reject")
    show_full_result_count = False
    readonly_fields = (
        "designee",
        "entry",
        "entry_display",
        "state",
        "score",
        "features_display",
        "decided_by",
        "decided_at",
        "created_at",
        "updated_at",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ManualLinkForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("designee", "entry")
        return (
            "designee",
            "entry_display",
            "state",
            "score",
            "features_display",
            "decided_by",
            "decided_at",
            "created_at",
            "updated_at",
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A rejection is kept (the resolver would otherwise propose the pair again): reject, never delete.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.state = PartyLink.State.MANUAL
            obj.decided_by = request.user
            obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)

    @admin.display(description="US designee", ordering="designee__name")
    def designee_display(self, obj):
        designee = obj.designee
        number = f" (OFAC {designee.entry_number})" if designee.entry_number else ""
        return format_html(
            '<a href="{}">{}</a>{} <a href="{}" target="_blank" rel="noopener">page</a>',
            reverse("admin:designations_designee_change", args=[designee.pk]),
            designee.name,
            number,
            designee.get_absolute_url(),
        )

    @admin.display(description="Allied entry", ordering="entry__name")
    def entry_display(self, obj):
        entry = obj.entry
        return format_html(
            '{} · {} · {}<br><a href="{}">{}</a>',
            entry.get_publisher_display(),
            entry.list_slug,
            entry.source_uid,
            reverse("admin:allies_alliedentry_change", args=[entry.pk]),
            entry.name,
        )

    @admin.display(description="Score", ordering="score")
    def score_display(self, obj):
        return f"{obj.score:.2f}" if obj.score is not None else "-"

    @admin.display(description="What decided it")
    def features_display(self, obj):
        lines = feature_lines(obj.features or {})
        if not lines:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: <strong>{}</strong></li>", lines))

    def _decide(self, request, queryset, state, verb):
        changed = party_links_decide(links=queryset, state=state, user=request.user)
        self.message_user(request, f"{changed} party link{'s' if changed != 1 else ''} {verb}.", messages.SUCCESS)

    @admin.action(description="Confirm: the selected pairs are one party", permissions=("change",))
    def confirm(self, request, queryset):
        self._decide(request, queryset, PartyLink.State.CONFIRMED, "confirmed")

    @admin.action(description="Reject: the selected pairs are not one party", permissions=("change",))
    def reject(self, request, queryset):
        self._decide(request, queryset, PartyLink.State.REJECTED, "rejected")
