"""Admin for announcements: the pages and their versions (read-only, with diffs), the mention review
queue with its decisions, and the reconciliation report."""

from __future__ import annotations

import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from announcements import services
from announcements.api.views import SECTIONS
from announcements.models import Announcement, AnnouncementVersion, Mention
from designations.models import Designee
from programs.models import Program

REPORT_ROWS = 100


class ReadOnlyAdminMixin:
    """Imports write these records; people read them (and decide mentions through their own views)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MentionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Mention
    extra = 0
    fields = ("order", "action", "name", "status", "designee", "score", "in_current_version")
    readonly_fields = fields
    show_change_link = True
    can_delete = False


class VersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AnnouncementVersion
    extra = 0
    fields = ("created_at", "content_sha256", "title", "published_on", "diff_link")
    readonly_fields = fields
    can_delete = False

    @admin.display(description="Changes")
    def diff_link(self, obj):
        url = reverse("admin:announcements_announcementversion_diff", args=[obj.pk])
        return format_html('<a href="{}">diff with the previous version</a>', url)


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "source", "published_on", "number", "mention_count", "open_count")
    list_filter = ("source", "document__kind")
    search_fields = ("document__title", "url", "number", "mentions__name")
    date_hierarchy = "document__published_on"
    list_select_related = ("document",)
    readonly_fields = (
        "document",
        "source",
        "url",
        "number",
        "summary",
        "authorities",
        "programs",
        "sections",
        "warnings",
        "import_run",
    )
    fields = readonly_fields
    inlines = (VersionInline, MentionInline)

    @admin.display(description="Published", ordering="document__published_on")
    def published_on(self, obj):
        return obj.document.published_on

    @admin.display(description="Title", ordering="document__title")
    def title(self, obj):
        return obj.document.title

    @admin.display(description="Mentions")
    def mention_count(self, obj):
        return obj.mentions.count()

    @admin.display(description="Waiting")
    def open_count(self, obj):
        return obj.mentions.filter(status__in=Mention.OPEN_STATUSES, in_current_version=True).count()

    def get_urls(self):
        diff = path(
            "versions/<int:version_id>/diff/",
            self.admin_site.admin_view(self.diff_view),
            name="announcements_announcementversion_diff",
        )
        return [diff, *super().get_urls()]

    def diff_view(self, request, version_id):
        version = get_object_or_404(AnnouncementVersion.objects.select_related("announcement"), pk=version_id)
        if not self.has_view_permission(request, version.announcement):
            raise PermissionDenied
        previous = (
            AnnouncementVersion.objects.filter(announcement=version.announcement, created_at__lt=version.created_at)
            .order_by("-created_at", "-pk")
            .first()
        )
        lines = []
        if previous is not None:
            for line in difflib.unified_diff(
                previous.text.splitlines(), version.text.splitlines(), "before", "after", lineterm="", n=2
            ):
                css = {"+": "diff-added", "-": "diff-removed", "@": "diff-hunk"}.get(line[:1], "")
                lines.append((css, line))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Changes to {version.announcement}",
            "opts": self.model._meta,
            "announcement": version.announcement,
            "version": version,
            "previous": previous,
            "lines": lines,
        }
        return TemplateResponse(request, "admin/announcements/announcement/diff.html", context)


@admin.register(Mention)
class MentionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "action", "status", "announcement_link", "designee", "score_display", "decide_link")
    list_filter = ("status", "action", "announcement__source", "in_current_version")
    search_fields = ("name", "raw", "name_variants")
    list_select_related = ("announcement__document", "designee")
    readonly_fields = (
        "announcement",
        "action",
        "name",
        "name_variants",
        "raw",
        "kind",
        "programs",
        "country",
        "position",
        "reason",
        "legal_basis",
        "family_covered",
        "family_members",
        "section",
        "error",
        "in_current_version",
        "status",
        "designee",
        "designation",
        "score",
        "candidates",
        "decided_by",
        "decided_at",
    )
    fields = (*readonly_fields, "note")
    actions = ("accept_best", "create_designees", "reject")

    def has_review_permission(self, request):
        return request.user.has_perm("announcements.review_mention")

    @admin.display(description="Announcement", ordering="announcement__document__published_on")
    def announcement_link(self, obj):
        url = reverse("admin:announcements_announcement_change", args=[obj.announcement_id])
        document = obj.announcement.document
        return format_html('<a href="{}">{} ({})</a>', url, document.title[:80], document.published_on)

    @admin.display(description="Score", ordering="score")
    def score_display(self, obj):
        return f"{obj.score:.2f}" if obj.score is not None else "-"

    @admin.display(description="")
    def decide_link(self, obj):
        if obj.status not in (*Mention.OPEN_STATUSES, Mention.Status.LINKED):
            return ""
        url = reverse("admin:announcements_mention_decide", args=[obj.pk])
        return format_html('<a href="{}">Decide</a>', url)

    def _decide_many(self, request, queryset, decide, verb):
        done, failed = 0, []
        for mention in queryset.select_related("announcement__document"):
            try:
                decide(mention=mention, user=request.user)
                done += 1
            except services.MentionDecisionError as exc:
                failed.append(f"{mention.name}: {exc}")
        self.message_user(request, f"{done} mentions {verb}.", messages.SUCCESS)
        for message in failed[:20]:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Accept the best candidate of the selected mentions", permissions=("review",))
    def accept_best(self, request, queryset):
        self._decide_many(request, queryset, services.mention_accept, "accepted")

    @admin.action(description="Create a new designee for each selected mention", permissions=("review",))
    def create_designees(self, request, queryset):
        self._decide_many(request, queryset, services.mention_create_designee, "given a new designee")

    @admin.action(description="Reject the selected mentions (they name no tracked designee)", permissions=("review",))
    def reject(self, request, queryset):
        self._decide_many(request, queryset, services.mention_reject, "rejected")

    def get_urls(self):
        urls = [
            path(
                "reconciliation/",
                self.admin_site.admin_view(self.reconciliation_view),
                name="announcements_reconciliation",
            ),
            path(
                "<int:object_id>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name="announcements_mention_decide",
            ),
        ]
        return [*urls, *super().get_urls()]

    def decide_view(self, request, object_id):
        mention = get_object_or_404(Mention.objects.select_related("announcement__document", "designee"), pk=object_id)
        if not self.has_view_permission(request, mention):
            raise PermissionDenied
        can_decide = self.has_review_permission(request)
        if request.method == "POST":
            if not can_decide:
                raise PermissionDenied
            result = self._apply_decision(request, mention)
            if result is not None:
                return result
        candidates = []
        known = {d.pk: d for d in Designee.objects.filter(pk__in=[c["designee"] for c in mention.candidates])}
        for candidate in mention.candidates:
            designee = known.get(candidate["designee"])
            if designee is not None:
                candidates.append({**candidate, "designee_obj": designee})
        context = {
            **self.admin_site.each_context(request),
            "title": f"Decide: {mention.name}",
            "opts": self.model._meta,
            "mention": mention,
            "candidates": candidates,
            "can_decide": can_decide and mention.status in (*Mention.OPEN_STATUSES, Mention.Status.LINKED),
        }
        return TemplateResponse(request, "admin/announcements/mention/decide.html", context)

    def _apply_decision(self, request, mention):
        decision = request.POST.get("decision", "")
        note = request.POST.get("note", "")[:2000]
        try:
            if decision == "accept":
                chosen = request.POST.get("designee", "").strip()
                if not chosen.isdigit():
                    self.message_user(request, "Pick a candidate or give a designee id.", messages.ERROR)
                    return None
                designee = Designee.objects.filter(pk=int(chosen)).first()
                if designee is None:
                    self.message_user(request, f"No designee has id {chosen}.", messages.ERROR)
                    return None
                services.mention_accept(mention=mention, user=request.user, designee=designee, note=note)
            elif decision == "create":
                services.mention_create_designee(mention=mention, user=request.user, note=note)
            elif decision == "reject":
                services.mention_reject(mention=mention, user=request.user, note=note)
            else:
                self.message_user(request, "Choose accept, create or reject.", messages.ERROR)
                return None
        except services.MentionDecisionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return None
        mention.refresh_from_db()
        self.message_user(request, f"{mention.name}: {mention.get_status_display().lower()}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:announcements_mention_changelist") + "?status__exact=review")

    def reconciliation_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        program = request.GET.get("program", "").strip()[:50] or None
        section = request.GET.get("section", "")
        if section not in SECTIONS:
            section = SECTIONS[0]
        report = services.reconciliation(program=program)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reconciliation: announcements against the lists",
            "opts": self.model._meta,
            "program": program or "",
            "programs": Program.objects.order_by("code").values_list("code", flat=True),
            "sections": [(name, name.replace("_", " ").capitalize(), report[name].count()) for name in SECTIONS],
            "section": section,
            "rows": list(report[section][:REPORT_ROWS]),
            "row_limit": REPORT_ROWS,
            "mentions_section": section == "announced_unmatched",
        }
        return TemplateResponse(request, "admin/announcements/reconciliation.html", context)
