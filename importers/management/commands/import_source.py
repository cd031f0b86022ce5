"""``manage.py import_source <slug>``: import one source now, from the web or from local files."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from importers.models import ImportRun
from importers.services import ImportRefused, import_run_create, import_run_execute
from importers.sources import all_slugs


class Command(BaseCommand):
    help = (
        "Import a source now, in this process (no worker needed). Run it to load a list from a file you "
        "downloaded (--path), to backfill history (ofac-history), or to refresh a list outside the schedule. "
        "A run that would delist more than IMPORT_REVIEW_DELIST_COUNT designations is held for an editor's "
        "review (exit status 1, nothing published) unless --approve-delistings covers it. "
        "Sources: " + ", ".join(all_slugs()) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="Source slug, e.g. ofac-sdn.")
        parser.add_argument(
            "--path",
            nargs="+",
            default=[],
            help="Files or folders to read instead of downloading; earlier ones win for the same file name.",
        )
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, help="Date the data describes (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Parse and diff, report, then roll back.")
        parser.add_argument(
            "--max-delist-share",
            type=float,
            help="Allow this share (0-1) of active designations to be delisted by a complete snapshot, e.g. when "
            "importing a list years newer than the last one. Default: IMPORT_MAX_DELIST_SHARE.",
        )
        parser.add_argument(
            "--approve-delistings",
            type=int,
            metavar="N",
            help="You checked the removals: allow up to N delistings without an editor's review and beyond "
            "IMPORT_MAX_DELIST_COUNT (the share cap, --max-delist-share, still applies).",
        )
        parser.add_argument(
            "--no-end-marker",
            action="store_true",
            help="You checked the files are whole although they lack OFAC's 0x1A end-of-file marker (a copy that "
            "lost it); without this such files are refused, since a list cut at a line end looks just like them.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not show a progress bar.")
        parser.add_argument("--trigger", default=ImportRun.Trigger.CLI, choices=ImportRun.Trigger.values)

    def handle(
        self,
        *args,
        source,
        path,
        as_of,
        dry_run,
        no_progress,
        trigger,
        max_delist_share,
        approve_delistings=None,
        no_end_marker=False,
        **options,
    ):
        if source not in all_slugs():
            raise CommandError(f"Unknown source {source!r}. Known sources: {', '.join(all_slugs())}.")
        try:
            run = import_run_create(
                source=source,
                trigger=trigger,
                path=path,
                as_of=as_of,
                dry_run=dry_run,
                max_delist_share=max_delist_share,
                allow_missing_end_marker=no_end_marker,
                approve_delistings=approve_delistings,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        bar = None
        if not no_progress and options.get("verbosity", 1) > 0:
            from tqdm import tqdm

            bar = tqdm(desc=f"{source} rows written", unit=" rows", file=self.stderr._out, leave=False)
        try:
            run = import_run_execute(run_id=run.pk, progress=bar.update if bar is not None else None)
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        except Exception as exc:
            run.refresh_from_db()
            raise CommandError(
                f"Import run #{run.pk} of {source} failed: {run.error.strip().splitlines()[-1] if run.error else exc}"
            ) from exc
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(self._summary(run))
        if run.status == ImportRun.Status.NEEDS_REVIEW:
            planned = (run.stats or {}).get("planned_delistings", {}).get("count")
            raise CommandError(
                f"Import run #{run.pk} of {source} is held for review: it would delist {planned} designations, so "
                "nothing was published. An editor confirms or rejects it in the admin (Import runs); if you "
                f"checked the removals yourself, import again with --approve-delistings {planned}."
            )

    def _summary(self, run: ImportRun) -> str:
        duration = run.duration.total_seconds() if run.duration else 0.0
        dry = " (dry run, rolled back)" if run.dry_run else ""
        lines = [
            f"Import run #{run.pk} of {run.source}: {run.get_status_display()}{dry} in {duration:.1f}s",
            f"  records {run.records}, created {run.created}, updated {run.updated}, unchanged {run.unchanged}, "
            f"delisted {run.delisted}, warnings {len(run.warnings)}",
        ]
        stats = run.stats or {}
        for key in ("listed", "relisted", "amended", "removed_duplicates", "remarks_unparsed_share"):
            if key in stats:
                lines.append(f"  {key.replace('_', ' ')}: {stats[key]}")
        for warning in run.warnings[:20]:
            lines.append(f"  warning: {warning}")
        if len(run.warnings) > 20:
            lines.append(f"  ... and {len(run.warnings) - 20} more warnings (see the run in the admin)")
        if run.skipped_changes:
            lines.append(f"  {len(run.skipped_changes)} changes to locked fields were not applied")
        return "\n".join(lines)
