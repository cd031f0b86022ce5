from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from allies.tasks import resolution_deferred
from importers.models import ImportRun

# The allied lists the data directory holds (allied/PROVENANCE.md), newest copy of each list.
ALLIED_LISTS = (
    ("uk-ofsi-conlist-xlsx", ("allied", "uk", "ofsi-conlist_2025-04-14")),
    ("uk-sanctions-list-ammitto", ("allied", "uk", "ammitto-data-uk_2026-08-22")),
    ("eu-fsf-ammitto", ("allied", "eu", "ammitto-data-eu_2026-05-01")),
    ("ca-sema-lmes-ammitto", ("allied", "ca", "ammitto-data-ca_2026-08-22")),
    ("au-dfat-consolidated-ammitto", ("allied", "au", "ammitto-data-au_2026-08-22")),
)


class Command(BaseCommand):
    help = (
        "Import the UK, EU, Canadian and Australian lists the data directory holds (allied/), each once, then "
        "tie their entries to the US designees of the same party. `make run` calls it after `seed`; without a "
        "data directory it does nothing (import the publishers' files with import_source --path)."
    )

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        data_dir = settings.TRACKER_DATA_DIR
        if data_dir is None or not (data_dir / "allied").is_dir():
            self.stdout.write("No allied lists in the data directory: nothing to import.")
            return
        with resolution_deferred():
            for source, parts in ALLIED_LISTS:
                path = str(data_dir.joinpath(*parts))
                done = ImportRun.objects.filter(
                    source=source, path=path, status__in=[ImportRun.Status.SUCCEEDED, ImportRun.Status.UNCHANGED]
                )
                if done.exists():
                    self.stdout.write(f"{source}: already imported, skipped.")
                    continue
                args = [source, "--path", path, "--trigger", ImportRun.Trigger.SEED]
                if verbosity < 2:
                    args.append("--no-progress")
                call_command("import_source", *args, stdout=self.stdout, verbosity=verbosity)
