"""Load the reference data in ``fixtures/``: countries, country spellings, authorities, programs."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from designations.models import Country, CountryName
from programs.models import Authority, AuthorityEvent, Program

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# Order matters: spellings point at countries, authorities at countries (and at each other), programs
# at authorities and countries.
FIXTURES = ("countries.json", "country_names.json", "authorities.json", "programs.json")


class Command(BaseCommand):
    help = (
        "Load the reference data from fixtures/ (countries, country spellings, authorities with their "
        "lifecycle events, programs). Run it once after `migrate` on a new database, before the first "
        "import, and again whenever the fixtures change. Safe to re-run: rows are matched on their natural "
        "keys and updated in place, so a second run changes nothing."
    )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        paths = [FIXTURES_DIR / name for name in FIXTURES]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"Reference data fixtures not found: {', '.join(missing)}")

        # One transaction for all four files, so a broken fixture leaves the previous data intact.
        with transaction.atomic():
            for path in paths:
                call_command("loaddata", str(path), verbosity=0)
                if verbosity >= 2:
                    self.stdout.write(f"Loaded {path.name}")

        if verbosity >= 1:
            counts = (
                ("countries", Country.objects.count()),
                ("country spellings", CountryName.objects.count()),
                ("authorities", Authority.objects.count()),
                ("authority events", AuthorityEvent.objects.count()),
                ("programs", Program.objects.count()),
            )
            summary = ", ".join(f"{count} {label}" for label, count in counts)
            self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}."))
