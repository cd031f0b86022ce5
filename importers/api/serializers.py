"""API representation of import runs.

The run's local ``path``, its kept ``raw_file``, the Celery ``task_id`` and the ``error`` traceback describe
the server, not the data, and stay in the admin.
"""

from __future__ import annotations

from rest_framework import serializers

from importers.models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    """One import of one source: when it ran, how it ended and what it counted.

    ``status`` ``needs_review`` means the run would have delisted more designations than a run may without
    an editor's review: nothing was published, and ``stats.planned_delistings`` says what it would have
    done. An editor's decision makes it ``confirmed`` (the run whose ``reviewed_run`` points to it
    publishes it) or ``rejected`` (``review_note`` says why).
    """

    url = serializers.HyperlinkedIdentityField(view_name="importers-api:importrun-detail")

    class Meta:
        model = ImportRun
        fields = (
            "id",
            "url",
            "source",
            "status",
            "trigger",
            "as_of",
            "dry_run",
            "allow_missing_end_marker",
            "approve_delistings",
            "reviewed_run",
            "reviewed_at",
            "review_note",
            "started_at",
            "finished_at",
            "raw_sha256",
            "records",
            "created",
            "updated",
            "unchanged",
            "delisted",
            "skipped",
            "failed",
            "warnings",
            "stats",
            "created_at",
        )
