"""Reusable reads for authorities and programs."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q


class AuthorityQuerySet(models.QuerySet):
    def in_force(self) -> AuthorityQuerySet:
        return self.filter(status="in_force")

    def human_rights(self) -> AuthorityQuerySet:
        return self.filter(is_human_rights=True)

    def with_related(self) -> AuthorityQuerySet:
        return self.select_related("ended_by").prefetch_related("implements", "target_countries", "events")


class ProgramQuerySet(models.QuerySet):
    def human_rights(self) -> ProgramQuerySet:
        return self.filter(is_human_rights=True)

    def for_country(self, code: str) -> ProgramQuerySet:
        return self.filter(target_countries__code=code.upper())

    def with_related(self) -> ProgramQuerySet:
        return self.select_related("replaced_by").prefetch_related("authorities", "target_countries")


class CountryQuerySet(models.QuerySet):
    def with_active_counts(self) -> CountryQuerySet:
        """Annotate each country with the number of distinct designees actively designated and tied to it."""
        return self.annotate(
            active_designees=Count(
                "designee_links__designee",
                filter=Q(designee_links__designee__designations__status="active"),
                distinct=True,
            )
        )
