"""``manage.py create_api_token <username>``: the API token of an existing user, made on first use."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = (
        "Print the API token of an existing user, creating it if the user has none. Run it to give a "
        "researcher a higher request rate, or an editor API writes (grant the model permissions in the admin). "
        "Clients send it as `Authorization: Token <key>`. --reset replaces the token, which revokes the old one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user's username (create the user first, e.g. in the admin).")
        parser.add_argument("--reset", action="store_true", help="Replace the user's token with a new one.")

    def handle(self, *args, username, reset=False, **options):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive; a token would not authenticate.")
        with transaction.atomic():
            if reset:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        if options.get("verbosity", 1) >= 2:
            self.stderr.write("Created a new token." if created else "The user already had this token.")
        self.stdout.write(token.key)
