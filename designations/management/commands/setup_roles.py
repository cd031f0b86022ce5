"""Create or update the Editors and Viewers groups of the admin."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from designations.services import roles_sync


class Command(BaseCommand):
    help = (
        "Create or update the Editors group (curate, review, merge, run imports) and the Viewers group "
        "(read the admin). Migrations create both; run this after an upgrade that changes what a role may "
        "do. Safe to re-run. Add people to a group in the admin (Users), and give them staff status."
    )

    def handle(self, *args, **options) -> None:
        counts = roles_sync()
        for group, count in counts.items():
            self.stdout.write(f"{group}: {count} permissions")
