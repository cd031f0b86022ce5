"""A small seeded catalogue for the security tests, and the site's URL patterns as concrete paths."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.module_loading import import_string

from designations.matching import reset_index
from tests.factories import (
    AddressFactory,
    AliasFactory,
    AuthorityFactory,
    BirthDateFactory,
    CountryFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    ImportRunFactory,
    PlaceOfBirthFactory,
    ProgramFactory,
    RelationshipFactory,
    SourceDocumentFactory,
)

# A value that fits any URL converter here (int, str, slug and DRF's [^/.]+), found again after reverse().
SENTINEL = "987654321"


@pytest.fixture
def world(db):
    """Two countries, an authority, two programs (one code with spaces), three designees with every kind of
    child row, designations with events and a press release, and a finished import run."""
    cache.clear()
    reset_index()
    iran = CountryFactory(code="QR", name="Qiranland")
    china = CountryFactory(code="QC", name="Qhinaland")
    authority = AuthorityFactory(code="eo-13818", short_name="E.O. 13818")
    glomag = ProgramFactory(code="GLOMAG", name="Global Magnitsky")
    spaced = ProgramFactory(code="CAATSA - RUSSIA", name="CAATSA Russia")
    chen = DesigneeFactory(name="CHEN, Quanguo")
    AliasFactory(designee=chen, name="陈全国")
    IdentifierFactory(designee=chen, country=china)
    AddressFactory(designee=chen, country=china)
    BirthDateFactory(designee=chen)
    PlaceOfBirthFactory(designee=chen, country=china)
    DesigneeCountryFactory(designee=chen, country=china)
    corps = DesigneeFactory(name="XINJIANG CORPS", kind="entity")
    DesigneeCountryFactory(designee=corps, country=china, role="address")
    RelationshipFactory(from_designee=corps, to_designee=chen)
    other = DesigneeFactory(name="KOROBOV, Igor")
    DesigneeCountryFactory(designee=other, country=iran)
    release = SourceDocumentFactory()
    for designee, program in ((chen, glomag), (corps, glomag), (other, spaced)):
        designation = DesignationFactory(designee=designee, program=program, authority=authority)
        DesignationEventFactory(designation=designation, source_document=release)
    delisted = DesignationFactory(
        designee=other, program=glomag, status="delisted", delisted_on=datetime.date(2023, 1, 5)
    )
    DesignationEventFactory(designation=delisted, kind="delisted", occurred_on=datetime.date(2023, 1, 5))
    ImportRunFactory()
    yield {"chen": chen, "glomag": glomag, "china": china, "authority": authority}
    cache.clear()
    reset_index()


def row_counts() -> dict[str, int]:
    """Rows of every model, to show that a request changed nothing."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@dataclass
class Endpoint:
    """One URL pattern of the site, as a concrete path, with what the view behind it is known to read."""

    name: str
    route: str
    path: str
    view: object
    kwargs: tuple[str, ...] = ()
    path_template: str = ""  # the path with SENTINEL where the first URL argument goes
    view_class: type | None = None
    parameters: set[str] = field(default_factory=set)
    # The parameters to try one by one here: those no other endpoint reads through the same code.
    first_hand: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return self.name


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin is tested on its own (test_permissions.py)
            space = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern), pattern


def _model_of(view_class) -> type[models.Model] | None:
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    return getattr(view_class, "model", None)


# Pages whose view class does not declare the model its URL argument names (feeds, get_queryset() views).
ARGUMENT_MODELS = {
    "programs:program_detail": "programs.Program",
    "programs:program_feed": "programs.Program",
    "programs:authority_detail": "programs.Authority",
    "designations:country_detail": "programs.Country",
    "designations:country_feed": "programs.Country",
    "designations:designee_detail": "designations.Designee",
}
# The page where each FilterSet shared by HTML pages is tried parameter by parameter.
FILTERSET_PAGES = {"designations:designation_list", "designations:country_list"}
# What the HTML pages read from the query string besides their FilterSet (designations/views.py).
_PAGE = {"page", "as_of", "filtered", "sort", "q"}
PAGE_PARAMETERS = {
    "designations:country_list": ("designations.filtersets.CountryFilterSet", _PAGE),
    "designations:country_detail": ("designations.filtersets.DesignationFilterSet", _PAGE),
    "designations:designation_list": ("designations.filtersets.DesignationFilterSet", _PAGE),
    "designations:search": (None, _PAGE),
    "programs:program_detail": ("designations.filtersets.DesignationFilterSet", _PAGE),
    "programs:authority_detail": ("designations.filtersets.DesignationFilterSet", _PAGE),
    "programs:program_list": (None, _PAGE),
    "programs:authority_list": (None, _PAGE),
    "home": (None, _PAGE),
    # drf-spectacular's views read the schema's language and version.
    "schema": (None, {"lang", "version"}),
    "api-docs": (None, {"lang", "version"}),
}


def _argument_value(name: str, view_class, argument: str) -> str:
    """A real object's value for ``argument`` (a code or a pk), or SENTINEL when there is none."""
    label = ARGUMENT_MODELS.get(name)
    model = apps.get_model(label) if label else _model_of(view_class)
    if model is None:
        raise LookupError(f"{name}: no model known for its argument {argument!r}; add it to ARGUMENT_MODELS")
    lookup = getattr(view_class, "lookup_field", None) or argument
    if lookup not in {f.name for f in model._meta.get_fields()} and lookup != "pk":
        lookup = "pk"
    obj = model._default_manager.order_by("pk").first()
    return str(getattr(obj, lookup)) if obj is not None else SENTINEL


def _filterset_parameters(filterset_class) -> set[str]:
    from tracker.api import filterset_parameter_names

    return set(filterset_parameter_names(filterset_class)) if filterset_class else set()


def endpoint_names() -> list[str]:
    """The names of every named, non-admin URL pattern of the site (no database needed: for parametrize)."""
    return [name for name, _, _ in _walk(get_resolver().url_patterns)]


def endpoint(name: str) -> Endpoint:
    """The pattern called ``name`` as a concrete path, with a real object's value for its argument."""
    route, pattern = next(
        (route, pattern) for found, route, pattern in _walk(get_resolver().url_patterns) if found == name
    )
    callback = pattern.callback
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    arguments = tuple(pattern.pattern.regex.groupindex)
    kwargs = {argument: _argument_value(name, view_class, argument) for argument in arguments}
    path = reverse(name, kwargs=kwargs)
    template = reverse(name, kwargs={**kwargs, arguments[0]: SENTINEL}) if arguments else ""
    parameters = _filterset_parameters(getattr(view_class, "filterset_class", None))
    parameters |= set(getattr(view_class, "extra_query_params", ()))
    if hasattr(callback, "cls"):  # DRF: the renderer's, the paginator's and the ordering filter's
        parameters.add("format")
        if getattr(view_class, "pagination_class", None):
            parameters |= {"limit", "offset"}
        if getattr(view_class, "ordering_fields", None):
            parameters.add("ordering")
    first_hand = set(parameters)
    if hasattr(callback, "cls") and arguments:
        first_hand = {"format"}  # a detail view filters through its list's FilterSet, tried on the list
    if name in PAGE_PARAMETERS:
        filterset_path, extra = PAGE_PARAMETERS[name]
        shared = _filterset_parameters(import_string(filterset_path) if filterset_path else None)
        parameters |= shared | extra
        # The pages with a designations table read DesignationFilterSet through designation_filterset(), as
        # the designations list does: there its filters are tried one by one, here all at once.
        first_hand = parameters if name in FILTERSET_PAGES else set(extra)
    return Endpoint(name, route, path, callback, arguments, template, view_class, parameters, first_hand)
