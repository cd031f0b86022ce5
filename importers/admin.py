"""Admin for import runs: a read-only record of every import, from which editors start imports.

Editors start an import now (from the source's URL or an uploaded file), re-parse a run's kept raw
file, accept or dismiss the changes an import skipped because a field was locked, and confirm or reject
a run held for review because it would delist many designations (permission
``importers.review_importrun``). Imports go through Celery (``import_run_enqueue``); the run's page
refreshes itself until the run has finished.
"""

from __future__ import annotations

import json
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from importers.models import ImportRun
from importers.services import start
from importers.services.skipped import skipped_changes_pending


def _source_choices() -> list[tuple[str, str]]:
    from importers.sources import adapters

    return [(cls.slug, f"{cls.name or cls.slug} ({cls.slug})") for cls in adapters()]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class StartImportForm(forms.Form):
    source = forms.ChoiceField(choices=_source_choices)
    files = MultipleFileField(
        required=False,
        help_text="Optional: the source's files (e.g. sdn.csv, alt.csv) instead of downloading them. "
        "CSV or XML only, at most 128 MB each.",
    )
    as_of = forms.DateField(required=False, help_text="The date the data describes (YYYY-MM-DD); default: today.")
    dry_run = forms.BooleanField(required=False, help_text="Parse and compare, but write nothing.")
    allow_missing_end_marker = forms.BooleanField(
        required=False,
        label="The files lack the end marker",
        help_text="Only if you checked that the files are whole: OFAC's CSV files end with a 0x1A byte, and one "
        "without it may have been cut at a line end (a list cut short delists everyone after the cut). "
        "Without this, such files are refused.",
    )

    def clean_files(self):
        limit = start.MAX_UPLOAD_BYTES  # the limit ``import_run_start`` applies, read when the form is checked
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.size > limit:
                raise ValidationError(f"{upload.name} is larger than {limit // (1024 * 1024)} MB.")
        return files


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
        "pending_skipped_changes",
        "started_by",
    )
    list_filter = ("source", "status", "trigger", "dry_run")
    list_select_related = ("started_by",)
    search_fields = ("source", "=raw_sha256", "error", "task_id")
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ("run_again", "reparse", "confirm_and_publish", "reject")
    readonly_fields = (
        "duration_display",
        "warnings_pretty",
        "stats_pretty",
        "skipped_changes_pretty",
        "raw_file_display",
        "review_display",
        "review_buttons",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "source",
                    "status",
                    "trigger",
                    "started_by",
                    "path",
                    "as_of",
                    "dry_run",
                    "allow_missing_end_marker",
                    "approve_delistings",
                    "task_id",
                )
            },
        ),
        ("Review", {"fields": ("review_display",)}),
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

    def has_review_permission(self, request):
        """Confirming a held run publishes its delistings: it takes its own permission."""
        return request.user.has_perm("importers.review_importrun")

    def get_fieldsets(self, request, obj=None):
        """The Review section shows a held run's plan to all, and its buttons to those who may decide."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status == ImportRun.Status.NEEDS_REVIEW and self.has_review_permission(request):
            fieldsets = tuple(
                (name, {**options, "fields": (*options["fields"], "review_buttons")} if name == "Review" else options)
                for name, options in fieldsets
            )
        return fieldsets

    @admin.action(description="Confirm and publish (runs held for review)", permissions=("review",))
    def confirm_and_publish(self, request, queryset):
        from importers.services import import_run_confirm

        for run in queryset.order_by("pk"):
            try:
                new_run = import_run_confirm(run=run, user=request.user)
            except ValidationError as exc:  # not held (any more), or its raw file is gone: say so and go on
                self.message_user(request, f"{run}: not confirmed: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(request, f"{run}: confirmed; {new_run} publishes it.", messages.SUCCESS)

    @admin.action(description="Reject (runs held for review)", permissions=("review",))
    def reject(self, request, queryset):
        from importers.services import import_run_reject

        for run in queryset.order_by("pk"):
            try:
                import_run_reject(run=run, user=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{run}: not rejected: {' '.join(exc.messages)}", messages.ERROR)
                continue
            self.message_user(request, f"{run}: rejected; nothing was published.", messages.SUCCESS)

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

    @admin.action(description="Re-parse the kept raw file (a new run)", permissions=("run",))
    def reparse(self, request, queryset):
        from importers.services import import_run_reparse

        for run in queryset.order_by("pk"):
            try:
                new_run = import_run_reparse(run=run, user=request.user)
            except Exception as exc:  # report each refusal (no kept file, unknown source) and go on
                self.message_user(request, f"{run}: not re-parsed: {exc}", messages.ERROR)
                continue
            self.message_user(request, f"{run}: re-parsing as {new_run}.", messages.SUCCESS)

    def get_urls(self):
        urls = super().get_urls()
        extra = [
            path("start/", self.admin_site.admin_view(self.start_view), name="importers_importrun_start"),
            path(
                "<int:run_id>/skipped/<int:index>/<str:decision>/",
                self.admin_site.admin_view(self.skipped_change_view),
                name="importers_importrun_skipped_change",
            ),
            path(
                "<int:run_id>/review/<str:decision>/",
                self.admin_site.admin_view(self.review_view),
                name="importers_importrun_review",
            ),
        ]
        return [*extra, *urls]

    def start_view(self, request):
        """Start an import now, from the source's URL or from uploaded files; then show the new run."""
        from importers.services import import_run_start

        if not self.has_run_permission(request):
            raise PermissionDenied
        form = StartImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            files = {upload.name: upload.read() for upload in form.cleaned_data["files"]}
            try:
                # The run's task is queued when the outermost transaction commits: the flag is set first.
                with transaction.atomic():
                    run = import_run_start(
                        source=form.cleaned_data["source"],
                        user=request.user,
                        files=files or None,
                        as_of=form.cleaned_data["as_of"],
                        dry_run=form.cleaned_data["dry_run"],
                    )
                    if form.cleaned_data["allow_missing_end_marker"]:
                        ImportRun.objects.filter(pk=run.pk).update(allow_missing_end_marker=True)
                run.refresh_from_db()
            except ValidationError as exc:
                form.add_error(None, exc)
            except Exception as exc:  # a failed run is recorded on the run; show it there
                run = ImportRun.objects.filter(started_by=request.user).order_by("-pk").first()
                self.message_user(request, f"The import failed: {exc}", messages.ERROR)
                if run is None:
                    return HttpResponseRedirect(reverse("admin:importers_importrun_changelist"))
                return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[run.pk]))
            else:
                self.message_user(request, f"{run} started.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Start an import",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/importers/importrun/start.html", context)

    def skipped_change_view(self, request, run_id, index, decision):
        """Accept or dismiss one change an import skipped because a field was locked."""
        from importers.services import skipped_change_accept, skipped_change_dismiss

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm("designations.change_designee"):
            raise PermissionDenied
        run = get_object_or_404(ImportRun, pk=run_id)
        service = {"accept": skipped_change_accept, "dismiss": skipped_change_dismiss}.get(decision)
        if service is None:
            raise PermissionDenied
        try:
            change = service(run=run, index=index, user=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            self.message_user(
                request,
                f"{change['field']} of entry {change.get('source_uid')}: {change['decision']}.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[run.pk]))

    def review_view(self, request, run_id, decision):
        """Confirm (and publish) or reject a run held for review; the note comes with the form."""
        from importers.services import import_run_confirm, import_run_reject

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_review_permission(request):
            raise PermissionDenied
        service = {"confirm": import_run_confirm, "reject": import_run_reject}.get(decision)
        if service is None:
            raise Http404("Unknown decision.")
        run = get_object_or_404(ImportRun, pk=run_id)
        note = request.POST.get("review_note", "")[:2000]
        try:
            result = service(run=run, user=request.user, note=note)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[run.pk]))
        if decision == "confirm":
            self.message_user(request, f"{run}: confirmed; {result} publishes it.", messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[result.pk]))
        self.message_user(request, f"{run}: rejected; nothing was published.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:importers_importrun_change", args=[run.pk]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "can_decide": request.user.has_perm("designations.change_designee")}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_start": self.has_run_permission(request)}
        return super().changelist_view(request, extra_context)

    @admin.display(description="Locked changes pending")
    def pending_skipped_changes(self, obj):
        return skipped_changes_pending(obj)

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
        """One row per skipped change, with Accept and Dismiss buttons while it is undecided.

        The buttons post to their own URL through ``formaction``, inside the page's one form.
        """
        changes = obj.skipped_changes or []
        if not changes:
            return "-"
        rows = []
        for index, change in enumerate(changes):
            designee_url = reverse("admin:designations_designee_change", args=[change.get("designee")])
            if change.get("decision"):
                decision = format_html(
                    "{} by {} at {}", change["decision"], change.get("decided_by") or "?", change.get("decided_at", "")
                )
            else:
                accept = reverse("admin:importers_importrun_skipped_change", args=[obj.pk, index, "accept"])
                dismiss = reverse("admin:importers_importrun_skipped_change", args=[obj.pk, index, "dismiss"])
                decision = format_html(
                    '<button type="submit" class="button" formmethod="post" formaction="{}" '
                    'data-accept="{}">Accept</button> '
                    '<button type="submit" class="button" formmethod="post" formaction="{}" '
                    'data-dismiss="{}">Dismiss</button>',
                    accept,
                    index,
                    dismiss,
                    index,
                )
            rows.append(
                (
                    designee_url,
                    change.get("source_uid", ""),
                    change.get("field", ""),
                    _value(change.get("current")),
                    _value(change.get("imported")),
                    decision,
                )
            )
        return format_html(
            '<table class="skipped-changes"><thead><tr><th>Entry</th><th>Field</th><th>Kept (locked)</th>'
            "<th>The import had</th><th>Decision</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join(
                "",
                '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
                rows,
            ),
        )

    @admin.display(description="Planned delistings and decision")
    def review_display(self, obj):
        """A held run's plan (count and sample), and the decision once an editor made it."""
        plan = (obj.stats or {}).get("planned_delistings")
        parts = []
        if obj.reviewed_run_id:
            url = reverse("admin:importers_importrun_change", args=[obj.reviewed_run_id])
            parts.append(
                format_html('<p>Publishes run <a href="{}">#{}</a>, as confirmed.</p>', url, obj.reviewed_run_id)
            )
        if plan:
            rows = format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((item["entry"], item["name"], item["program"]) for item in plan.get("sample", [])),
            )
            parts.append(
                format_html(
                    "<p>{} designations would be delisted; the first by entry number:</p>"
                    '<table class="planned-delistings"><thead><tr><th>Entry</th><th>Name</th><th>Program</th></tr>'
                    "</thead><tbody>{}</tbody></table>",
                    f"{plan.get('count', 0):,}",
                    rows,
                )
            )
        if obj.status in (ImportRun.Status.CONFIRMED, ImportRun.Status.REJECTED):
            parts.append(
                format_html(
                    "<p>{} by {} at {}: {}</p>",
                    obj.get_status_display(),
                    obj.reviewed_by or "?",
                    obj.reviewed_at.isoformat(timespec="seconds") if obj.reviewed_at else "?",
                    obj.review_note or "-",
                )
            )
            for confirmation in obj.confirmations.order_by("pk"):
                url = reverse("admin:importers_importrun_change", args=[confirmation.pk])
                parts.append(format_html('<p>Published by <a href="{}">{}</a>.</p>', url, confirmation))
        if not parts:
            return "-"
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description="Decision")
    def review_buttons(self, obj):
        """Confirm and publish, or reject, with a note; the buttons post to their own URL (``formaction``)."""
        if obj.status != ImportRun.Status.NEEDS_REVIEW:
            return "-"
        confirm = reverse("admin:importers_importrun_review", args=[obj.pk, "confirm"])
        reject = reverse("admin:importers_importrun_review", args=[obj.pk, "reject"])
        return format_html(
            '<textarea name="review_note" rows="2" cols="60" placeholder="Note (why)"></textarea><br>'
            '<button type="submit" class="button default" formmethod="post" formaction="{}" data-review="confirm">'
            "Confirm and publish</button> "
            '<button type="submit" class="button" formmethod="post" formaction="{}" data-review="reject">'
            "Reject</button>",
            confirm,
            reject,
        )

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


def _value(value) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
