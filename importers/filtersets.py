"""Filters for import runs, shared by the pages and the API."""

from __future__ import annotations

import django_filters

from importers.models import ImportRun


class ImportRunFilterSet(django_filters.FilterSet):
    """Import runs by source slug, status, trigger and start date (bounds inclusive)."""

    source = django_filters.CharFilter()
    status = django_filters.MultipleChoiceFilter(choices=ImportRun.Status.choices, distinct=False)
    trigger = django_filters.MultipleChoiceFilter(choices=ImportRun.Trigger.choices, distinct=False)
    started_after = django_filters.DateFilter(field_name="started_at", lookup_expr="date__gte")
    started_before = django_filters.DateFilter(field_name="started_at", lookup_expr="date__lte")

    class Meta:
        model = ImportRun
        fields = ("source", "status", "trigger", "started_after", "started_before")
