"""Abstract model bases shared by every app. No domain code lives here."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` to a model."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
