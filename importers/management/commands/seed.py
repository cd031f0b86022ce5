"""``manage.py seed``: fill an empty tracker with real OFAC data.

With a data directory (``TRACKER_DATA_DIR``, by default ``../shared/data`` beside the checkout) the seed
imports the real files it holds; without one it downloads OFAC's current SDN list instead, and says so.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from importers.models import ImportRun

SNAPSHOT_DATE = datetime.date(2024, 7, 2)
ANNOUNCEMENTS = settings.BASE_DIR / "fixtures" / "announcements"

# What the seed reads from the data directory (see its ofac/PROVENANCE.md and ofac/history-pre2021/PROVENANCE.md):
# the list of 2 July 2024 with the aliases, addresses and remark spill-overs of the December 2025 files for the
# same entries; the list history 2015-2024 (the derived pre-2021 intervals chained with the 2021-2024 ones) for
# listing and delisting brackets; then OFAC's own "Created" dates and the Recent Actions pages, which date a
# listing to the day where the day falls inside its bracket.
SDN_SNAPSHOT = ("ofac", "sdn_2024-07-02")
SDN_EXTRAS = ("ofac", "sdn_2025-12-24_partial")
PRE2021 = ("ofac", "history-pre2021", "derived")
HISTORY_PRE2021 = (*PRE2021, "sdn_presence_intervals_2015-01_2021-05-22.csv")
HISTORY = ("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
CREATED_DATES = (*PRE2021, "advanced_entry_created_dates_partial_2024-03.csv")
RECENT_ACTIONS = (*PRE2021, "recent_actions_dates_2001-2018_sanctionsexplorer.csv")
# Earlier full sets, newest first: who the entries gone before 2024-07-02 were (names, aliases, addresses,
# countries), from the newest set that lists them.
RAW_PRE2021 = ("ofac", "history-pre2021", "raw")
EARLIER_SETS = (
    ("ofac", "sdn_2021-06-29"),
    (*RAW_PRE2021, "2021-04_garybogle_etl_spark"),
    (*RAW_PRE2021, "2021-01_invaa_files"),
    (*RAW_PRE2021, "2020-06_dfritsch1_Bahama"),
    (*RAW_PRE2021, "2019-01_moov-io_watchman"),
    (*RAW_PRE2021, "2018-01_archerimpact_SanctionsExplorer"),
    (*RAW_PRE2021, "2015-01_seavoyage_BigDataMiner"),
)


def seed_steps(data_dir: Path | None) -> list[tuple[str, list[str], datetime.date | None]]:
    """The imports of a seed, in order: (source, paths, as-of date); no paths means download."""
    if data_dir is not None:
        parts = (SDN_SNAPSHOT, SDN_EXTRAS, HISTORY_PRE2021, HISTORY, CREATED_DATES, RECENT_ACTIONS, *EARLIER_SETS)
        files = [data_dir.joinpath(*part) for part in parts]
        missing = [str(path) for path in files if not path.exists()]
        if missing:
            raise CommandError(
                f"The data directory {data_dir} lacks {', '.join(missing)}. Point TRACKER_DATA_DIR at a complete "
                "copy, or unset it (and move ../shared/data away) to download OFAC's current list instead."
            )
        lists = [
            ("ofac-sdn", [str(files[0]), str(files[1])], SNAPSHOT_DATE),
            ("ofac-history", [str(files[2]), str(files[3])], None),
            ("ofac-sdn-archive", [str(path) for path in files[6:]], None),
            ("ofac-entry-dates", [str(files[4]), str(files[5])], None),
        ]
    else:
        lists = [("ofac-sdn", [], None)]
    # Announcements date the listings they made and give their reasons (reconstructed pages:
    # fixtures/README.md).
    pages = [
        ("ofac-recent-actions", [str(ANNOUNCEMENTS / "ofac")], None),
        ("treasury-press", [str(ANNOUNCEMENTS / "treasury")], None),
        ("state-press", [str(ANNOUNCEMENTS / "state")], None),
    ]
    return lists + pages


class Command(BaseCommand):
    help = (
        "Seed the tracker on first start: reference data, then real OFAC data. With a data directory "
        "(TRACKER_DATA_DIR, default ../shared/data) the SDN list of 2 July 2024 (with the December 2025 aliases, "
        "addresses and remark spill-overs of the same entries), the 2015-2024 list history, the earlier full "
        "sets for the entries gone since, and the exact days OFAC's own dates and Recent Actions pages give; "
        "without one, "
        "OFAC's current SDN list downloaded from treasury.gov. Then the announcements of fixtures/announcements. "
        "Does nothing for a source already imported; `make run` calls it."
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
        data_dir = settings.TRACKER_DATA_DIR
        steps = seed_steps(data_dir)
        for source, paths, as_of in steps:
            done = ImportRun.objects.filter(
                source=source, status__in=[ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED]
            )
            if paths:
                # The same files: a seed that reads more (the history from 2015 after the 2021-2024 one) imports
                # them into a tracker seeded before.
                done = done.filter(path="\n".join(paths))
            if done.exists() and not force:
                self.stdout.write(f"{source}: already imported, skipped.")
                continue
            if not paths:
                self.stdout.write(
                    f"{source}: no data directory (TRACKER_DATA_DIR unset and no ../shared/data): downloading "
                    f"OFAC's current list from {settings.IMPORT_SOURCE_URLS[source]} ..."
                )
            args = [source, "--trigger", ImportRun.Trigger.SEED]
            if paths:
                args += ["--path", *paths]
            if as_of:
                args += ["--as-of", as_of.isoformat()]
            if verbosity < 2:
                args.append("--no-progress")
            try:
                call_command("import_source", *args, stdout=self.stdout, verbosity=verbosity)
            except CommandError as exc:
                if paths:
                    raise
                raise CommandError(
                    f"Could not download OFAC's list ({exc}). The seed needs either the internet or a data "
                    "directory of real files: set TRACKER_DATA_DIR (see README, 'Data')."
                ) from exc
