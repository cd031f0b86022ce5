from django.core.management.base import BaseCommand

from allies.resolution import resolve_links


class Command(BaseCommand):
    help = (
        "Tie US designees under human-rights programs to the allied list entries of the same party, now, in "
        "this process. Each allied import does it once it commits; run it after an OFAC import to see the US "
        "side's changes at once. Editors' decisions (confirmed, rejected, linked by hand) stand."
    )

    def handle(self, *args, **options):
        figures = resolve_links()
        self.stdout.write(
            f"{figures['linked']} linked, {figures['pending']} waiting for review "
            f"({figures['created']} new, {figures['changed']} changed, {figures['dropped']} dropped) "
            f"in {figures['seconds']} s"
        )
