"""The Celery application. Workers: ``celery -A tracker worker``; schedule: ``celery -A tracker beat``."""

import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _configure_logging(*args, **kwargs):
    """Let Django's LOGGING setting drive worker logging too."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
