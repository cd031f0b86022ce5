"""Abstract model bases shared by every app. No domain code lives here."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds ``created_at`` and ``updated_at`` to a model.

    ``updated_at`` is indexed: the API's Last-Modified is the newest one over the data tables, read on
    every request, and an index turns that MAX into a single index lookup.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True
