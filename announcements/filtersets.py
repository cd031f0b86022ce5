"""Filters for announcements and mentions, shared by the admin and the API."""

from __future__ import annotations

import django_filters

from announcements.models import Announcement, Mention
from designations.models import SourceDocument


class AnnouncementFilterSet(django_filters.FilterSet):
    """Announcements by source, kind, program concerned and publication date (bounds inclusive)."""

    source = django_filters.CharFilter()
    kind = django_filters.MultipleChoiceFilter(
        field_name="document__kind", choices=SourceDocument.Kind.choices, distinct=False
    )
    program = django_filters.CharFilter(method="filter_program", help_text="An OFAC tag or program code.")
    published_after = django_filters.DateFilter(field_name="document__published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="document__published_on", lookup_expr="lte")

    class Meta:
        model = Announcement
        fields = ("source", "kind", "program", "published_after", "published_before")

    def filter_program(self, queryset, name, value):
        return queryset.filter(programs__icontains=f'"{value}"')


class MentionFilterSet(django_filters.FilterSet):
    """Mentions by status (``review`` is the editors' queue), action, announcement and designee."""

    status = django_filters.MultipleChoiceFilter(choices=Mention.Status.choices, distinct=False)
    action = django_filters.MultipleChoiceFilter(choices=Mention.Action.choices, distinct=False)
    announcement = django_filters.NumberFilter(field_name="announcement_id")
    designee = django_filters.NumberFilter(field_name="designee_id")
    source = django_filters.CharFilter(field_name="announcement__source")
    current = django_filters.BooleanFilter(field_name="in_current_version")

    class Meta:
        model = Mention
        fields = ("status", "action", "announcement", "designee", "source", "current")
