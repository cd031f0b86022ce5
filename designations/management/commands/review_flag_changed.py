"""Flag reviewed records that changed since their review as needing attention."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from designations.services import review_flag_changed


class Command(BaseCommand):
    help = (
        "Move reviewed designees and designations that were edited or re-imported since their review to "
        "'needs attention', so the review filters show them. Run it after imports (or daily). Safe to re-run."
    )

    def handle(self, *args, **options) -> None:
        counts = review_flag_changed()
        self.stdout.write(", ".join(f"{name}: {count} flagged" for name, count in counts.items()))
