"""What a run checks about its files before it writes: held or rejected files, end markers, approvals.

Each check carries a person's word where one was given: a run an editor confirmed, a number of
delistings approved on the command line, files vouched for without OFAC's end marker.
"""

from __future__ import annotations

from importers.models import ImportRun
from importers.records import ParsedSource
from importers.sources.base import SourceError
from importers.upsert import DelistApproval


def approval(run: ImportRun) -> DelistApproval | None:
    """The delistings a person approved for ``run``: exactly a reviewed plan, or up to a number."""
    if run.reviewed_run_id:
        plan = (run.reviewed_run.stats or {}).get("planned_delistings") or {}
        return DelistApproval(count=plan.get("count", 0), designations=frozenset(plan.get("designations", [])))
    if run.approve_delistings is not None:
        return DelistApproval(count=run.approve_delistings)
    return None


def refuse_held_files(run: ImportRun, sha256: str) -> None:
    """Refuse files a run of the source was held for review or rejected for, unless this run is approved.

    Without this every scheduled run would hold the same files again, or publish what an editor rejected.
    """
    if run.dry_run or run.reviewed_run_id or run.approve_delistings is not None:
        return
    held = (
        ImportRun.objects.filter(
            source=run.source,
            raw_sha256=sha256,
            status__in=[ImportRun.Status.NEEDS_REVIEW, ImportRun.Status.REJECTED],
        )
        .exclude(pk=run.pk)
        .order_by("-pk")
        .first()
    )
    if held is None:
        return
    if held.status == ImportRun.Status.NEEDS_REVIEW:
        raise SourceError(
            f"These are the files import run #{held.pk} holds for review; nothing was written. Confirm or reject "
            f"run #{held.pk} in the admin."
        )
    raise SourceError(
        f"These are the files an editor rejected in import run #{held.pk} ({held.review_note or 'no note'}); "
        "nothing was written. To import them after all, run again with --approve-delistings."
    )


def check_end_markers(run: ImportRun, parsed: ParsedSource, sha256: str) -> None:
    """Refuse files without the end marker their format guarantees, unless a person vouched for them.

    A file cut at a line end parses cleanly: only the missing marker tells it from a whole one, and a
    list cut short delists everyone after the cut. A person vouches with the run's
    ``allow_missing_end_marker``, or did so for the very same bytes in an earlier run of the source
    (a re-parse of its kept files).
    """
    missing = parsed.end_marker_missing
    if not missing:
        return
    names = ", ".join(missing)
    vouched = (
        ImportRun.objects.filter(source=run.source, raw_sha256=sha256, allow_missing_end_marker=True)
        .exclude(pk=run.pk)
        .order_by("pk")
        .first()
    )
    if vouched is not None and not run.allow_missing_end_marker:
        parsed.warnings.append(
            f"{names} {'lacks' if len(missing) == 1 else 'lack'} OFAC's 0x1A end-of-file marker; imported because "
            f"a person vouched for these same files in import run #{vouched.pk}."
        )
        return
    if not run.allow_missing_end_marker:
        raise SourceError(
            f"{names} {'does' if len(missing) == 1 else 'do'} not end with OFAC's 0x1A end-of-file marker: the "
            "file may have been cut at a line end (a list cut short delists every entry after the cut). Nothing "
            "was written. If you checked the files are whole (a copy that lost the marker), import them again "
            "with --no-end-marker (admin: 'The files lack the end marker')."
        )
    parsed.warnings.append(
        f"{names} {'lacks' if len(missing) == 1 else 'lack'} OFAC's 0x1A end-of-file marker; imported because "
        "the run vouches that the files are whole (--no-end-marker)."
    )
