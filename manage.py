#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

# Commands that sign nothing and serve nothing may run without a secret key (a fresh checkout checking its
# migrations, a build collecting static files). The placeholder starts with "django-insecure-", which
# `check --deploy` reports; serving requests without DJANGO_SECRET_KEY stays an error.
OFFLINE_COMMANDS = {
    "makemigrations",
    "migrate",
    "showmigrations",
    "sqlmigrate",
    "check",
    "collectstatic",
    "spectacular",
}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", "django-insecure-placeholder-for-offline-management-commands")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
