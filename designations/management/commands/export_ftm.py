"""``manage.py export_ftm``: every designee and designation as FollowTheMoney JSON lines."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from designations.exports import ftm_lines
from designations.models import Designee


class Command(BaseCommand):
    help = (
        "Write every designee as a FollowTheMoney entity (Person, Organization, Vessel, Airplane), each followed "
        "by its Sanction entities and its relationship entities (Family, Associate, UnknownLink, ...), one JSON "
        "object a line: the same file as GET /api/export/ftm/. Run it to "
        "publish a bulk file or to load the tracker into an FtM tool (Aleph, yente, nomenklatura)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")

    def handle(self, *args, output=None, **options):
        lines = ftm_lines(Designee.objects.all())
        if not output:
            for piece in lines:
                self.stdout.write(piece, ending="")
            return
        try:
            with open(output, "w", encoding="utf-8") as handle:
                for piece in lines:
                    handle.write(piece)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(f"Wrote {output}.")
