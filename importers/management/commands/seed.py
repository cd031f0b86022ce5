"""``manage.py seed``: fill an empty tracker with the real OFAC data bundled in ``fixtures/``."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from importers.models import ImportRun

OFAC = settings.BASE_DIR / "fixtures" / "ofac"
SDN_SNAPSHOT = OFAC / "sdn_2024-07-02"
SDN_EXTRAS = OFAC / "sdn_2025-12-24"
HISTORY = OFAC / "history" / "sdn_presence_intervals_2021-05-22_2024-07-02.csv"
SNAPSHOT_DATE = datetime.date(2024, 7, 2)
ANNOUNCEMENTS = settings.BASE_DIR / "fixtures" / "announcements"


class Command(BaseCommand):
    help = (
        "Seed the tracker on first start: reference data, the real OFAC SDN list of 2 July 2024 (with the "
        "aliases, addresses and remark spill-overs of the December 2025 files for the same entries), then the "
        "2021-2024 list history for listing and delisting dates, then the announcements of "
        "fixtures/announcements. Does nothing for a source already imported; "
        "`make run` calls it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Import again even if a source was imported.")

    def handle(self, *args, force=False, **options):
        verbosity = options.get("verbosity", 1)
        from designations.models import Country

        # Reference data is loaded once: later starts must not overwrite what editors have curated since.
        # Run `manage.py load_reference_data` to refresh it from fixtures/ deliberately.
        if force or not Country.objects.exists():
            call_command("load_reference_data", verbosity=verbosity)
        steps = [
            ("ofac-sdn", [str(SDN_SNAPSHOT), str(SDN_EXTRAS)], SNAPSHOT_DATE),
            ("ofac-history", [str(HISTORY)], None),
            # Announcements date the listings they made and give their reasons (reconstructed pages:
            # fixtures/announcements/README.md).
            ("ofac-recent-actions", [str(ANNOUNCEMENTS / "ofac")], None),
            ("treasury-press", [str(ANNOUNCEMENTS / "treasury")], None),
            ("state-press", [str(ANNOUNCEMENTS / "state")], None),
        ]
        for source, paths, as_of in steps:
            done = ImportRun.objects.filter(
                source=source, status__in=[ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED]
            ).exists()
            if done and not force:
                self.stdout.write(f"{source}: already imported, skipped.")
                continue
            args = [source, "--path", *paths, "--trigger", ImportRun.Trigger.SEED]
            if as_of:
                args += ["--as-of", as_of.isoformat()]
            if verbosity < 2:
                args.append("--no-progress")
            call_command("import_source", *args, stdout=self.stdout, verbosity=verbosity)
