"""Admin for import runs: a read-only record of every import, with a "Run again" action."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from importers.models import ImportRun


def _format_duration(delta) -> str:
    seconds = delta.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Runs are written only by the import services, so the admin shows them and can start a new one."""

    list_display = (
        "__str__",
        "source",
        "status",
        "trigger",
        "as_of",
        "started_at",
        "finished_at",
        "duration_display",
        "records",
        "created",
        "updated",
        "unchanged",
        "delisted",
        "skipped",
        "warning_count",
    )
    list_filter = ("source", "status", "trigger", "dry_run")
    search_fields = ("source", "=raw_sha256", "error", "task_id")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("run_again",)
    readonly_fields = (
        "duration_display",
        "warnings_pretty",
        "stats_pretty",
        "skipped_changes_pretty",
        "raw_file_display",
    )
    fieldsets = (
        (None, {"fields": ("source", "status", "trigger", "path", "as_of", "dry_run", "task_id")}),
        ("Timing", {"fields": ("created_at", "started_at", "finished_at", "duration_display")}),
        (
            "Counts",
            {"fields": ("records", "created", "updated", "unchanged", "delisted", "skipped", "failed")},
        ),
        ("Raw file", {"fields": ("raw_sha256", "raw_file_display")}),
        ("Problems", {"fields": ("warnings_pretty", "error", "skipped_changes_pretty")}),
        ("Statistics", {"fields": ("stats_pretty",)}),
    )

    # Read-only: no add, change or delete, only view (and the action below, for those allowed to add runs).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_run_permission(self, request):
        """Starting a run creates one, so it takes the model's add permission."""
        return request.user.has_perm("importers.add_importrun")

    @admin.action(description="Run again (same source, path and date)", permissions=("run",))
    def run_again(self, request, queryset):
        from importers.services import import_run_enqueue

        for run in queryset.order_by("pk"):
            try:
                new_run = import_run_enqueue(
                    source=run.source, trigger=ImportRun.Trigger.MANUAL, path=run.path, as_of=run.as_of
                )
            except Exception as exc:  # report each refusal (unknown source, a run already going) and go on
                self.message_user(request, f"{run}: not started: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"{run}: started again as {new_run}.", messages.SUCCESS)

    @admin.display(description="Duration")
    def duration_display(self, obj):
        return _format_duration(obj.duration) if obj.duration is not None else "-"

    @admin.display(description="Warnings")
    def warning_count(self, obj):
        return len(obj.warnings or [])

    @admin.display(description="Warnings")
    def warnings_pretty(self, obj):
        warnings = obj.warnings or []
        if warnings and all(isinstance(warning, str) for warning in warnings):
            return format_html(
                '<ol style="margin: 0; padding-left: 1.5em">{}</ol>',
                format_html_join("", "<li>{}</li>", ((warning,) for warning in warnings)),
            )
        return _pretty_json(warnings)

    @admin.display(description="Statistics")
    def stats_pretty(self, obj):
        return _pretty_json(obj.stats)

    @admin.display(description="Changes not applied to locked fields")
    def skipped_changes_pretty(self, obj):
        return _pretty_json(obj.skipped_changes)

    @admin.display(description="Raw file")
    def raw_file_display(self, obj):
        if not obj.raw_file:
            return "-"
        path = Path(obj.raw_file)
        if not path.is_absolute():
            path = Path(settings.MEDIA_ROOT) / path
        try:
            size = path.stat().st_size
        except OSError:
            return format_html("{} <strong>(missing from disk)</strong>", obj.raw_file)
        return format_html("{} ({} bytes)", obj.raw_file, f"{size:,}")


def _pretty_json(value) -> str:
    if not value:
        return "-"
    return format_html(
        '<pre style="white-space: pre-wrap; margin: 0">{}</pre>',
        json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True),
    )
