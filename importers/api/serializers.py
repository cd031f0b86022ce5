"""API representation of import runs.

The run's local ``path``, its kept ``raw_file``, the Celery ``task_id`` and the ``error`` traceback describe
the server, not the data, and stay in the admin.
"""

from __future__ import annotations

from rest_framework import serializers

from importers.models import ImportRun


class ImportRunSerializer(serializers.ModelSerializer):
    """One import of one source: when it ran, how it ended and what it counted."""

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
