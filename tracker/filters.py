"""Project-wide DRF filter backends, and the multi-value filters every FilterSet builds on.

A multi-value filter takes its values repeated (``?program=GLOMAG&program=UHRPA``), as a comma-separated
list (``?program=GLOMAG,UHRPA``), or both; empty items (``a,,b``) are ignored. Values are matched without
regard to case (``glomag``, ``Active``). A value that matches nothing stays a validation error on its
parameter, naming the value, which the API answers as a 400 ``{"program": ["Select a valid choice. ..."]}``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Upper
from django_filters import fields
from rest_framework import filters

from tracker.api import MAX_INTEGER


def is_bounded_id(text: str) -> bool:
    """A primary key as typed: digits only, within a 64-bit integer column (``tracker.api.MAX_INTEGER``), so a
    larger id is refused before it reaches the database driver."""
    text = text.strip()
    return text.isascii() and text.isdigit() and int(text) <= MAX_INTEGER


class OrderingFilter(filters.OrderingFilter):
    """``?ordering=`` that always ends with the primary key, so pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not any(term.lstrip("-") in ("pk", "id") for term in ordering):
            ordering = [*ordering, "pk"]
        return ordering


def split_values(value: Any) -> list:
    """Each item of a multi-value parameter: every text value split at commas and stripped, empty items
    dropped, duplicates kept once. One text value counts as a list of one; other values pass as they are.

    ``["GLOMAG,UHRPA", " SDGT", "a,,b"]`` gives ``["GLOMAG", "UHRPA", "SDGT", "a", "b"]``.
    """
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)):
        return values  # the field's own check refuses it
    items: list = []
    for item in values:
        if isinstance(item, str):
            items += [part.strip() for part in item.split(",") if part.strip()]
        else:
            items.append(item)
    return list(dict.fromkeys(items))


class _FoldedValues(list):
    """The values a widget shows as chosen, compared in any case (``"glomag" in values`` for ``GLOMAG``)."""

    def __init__(self, values) -> None:
        super().__init__(values)
        self._folded = {str(value).casefold() for value in values}

    def __contains__(self, item) -> bool:
        return str(item).casefold() in self._folded


class _ListValuesMixin:
    """A multi-value widget that reads comma-separated values as several and shows a value given in another
    case as its choice (``status=Active,delisted``, ``program=glomag``): what the filter does, the page shows.
    The choices are not read for it (a model field's would cost a query): the options compare themselves with
    the values in any case."""

    def value_from_datadict(self, data, files, name):
        return split_values(super().value_from_datadict(data, files, name))

    def format_value(self, value):
        return _FoldedValues(super().format_value(value))


class ListSelectMultiple(_ListValuesMixin, forms.SelectMultiple):
    """A multiple select reading comma-separated values as several, so a page shows ``a,b`` chosen as both."""


class ListCheckboxSelectMultiple(_ListValuesMixin, forms.CheckboxSelectMultiple):
    """Check boxes reading comma-separated values as several, in any case."""


class ListChoiceField(fields.MultipleChoiceField):
    """Several fixed choices, repeated or comma-separated, in any case (``status=Active,delisted``)."""

    widget = ListSelectMultiple

    def to_python(self, value):
        canonical: dict[str, str] = {}
        for key, label in self.choices:
            for choice in label if isinstance(label, (list, tuple)) else [(key, label)]:
                canonical.setdefault(str(choice[0]).casefold(), str(choice[0]))
        items = split_values(value)
        if not isinstance(items, list):
            return super().to_python(items)
        return list(dict.fromkeys(canonical.get(str(item).casefold(), str(item)) for item in items))


class ListModelChoiceField(fields.ModelMultipleChoiceField):
    """Several related objects, repeated or comma-separated: by ``to_field_name`` in any case (``cn``
    finds ``CN``), else by primary key (a 64-bit integer)."""

    widget = ListSelectMultiple

    def clean(self, value):
        items = split_values(value)
        if not items and not self.required:
            return []  # not Django's ``queryset.none()``: a filter's ``method`` is then not called at all
        return super().clean(items)

    def _check_values(self, value):
        key = self.to_field_name
        if not key:
            for pk in value:
                if not is_bounded_id(str(pk)):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
            return super()._check_values(value)
        wanted = {str(item).upper(): item for item in value}
        found = list(self.queryset.annotate(filter_folded_key=Upper(key)).filter(filter_folded_key__in=list(wanted)))
        known = {str(getattr(obj, key)).upper() for obj in found}
        for folded, item in wanted.items():
            if folded not in known:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return found


class ListChoiceFilter(django_filters.MultipleChoiceFilter):
    """A ``MultipleChoiceFilter`` taking comma-separated values too, in any case (module docstring)."""

    field_class = ListChoiceField


class ListModelChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    """A ``ModelMultipleChoiceFilter`` taking comma-separated values too, codes in any case (module docstring)."""

    field_class = ListModelChoiceField
