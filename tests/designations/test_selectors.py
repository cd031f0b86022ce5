"""The selectors answer exactly what the serializers answer, byte for byte, on real data.

The API reads its lists and details through ``designations.selectors`` and ``programs.api.selectors``; the
DRF serializers stay the schema and the reference. Each test asks the real endpoint and a reference view
(the same viewset, with DRF's own ``list`` and ``retrieve`` serialising model instances) the same question,
and compares the rendered JSON: same fields, same order, same nulls, same dates, same URLs.

The data: 39 real entries of the 2 July 2024 SDN list, their 2021-2024 history (ranges, amendments,
delistings) and a few entries known only from the history, plus what editors add: abuse categories,
citations, a reason's source document, a merge, review states, and a program code with spaces.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from rest_framework import mixins
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory

from designations.api.changes import ChangesView
from designations.api.serializers import ChangeSerializer
from designations.api.views import CountryViewSet, DesignationViewSet, DesigneeViewSet, SourceDocumentViewSet
from designations.models import (
    AbuseCategory,
    Citation,
    Designation,
    DesignationEvent,
    Designee,
    ReviewState,
    SourceDocument,
)
from importers.models import ImportRun
from importers.services import import_run_create, import_run_execute
from importers.sources import get_adapter
from programs.api.views import AuthorityViewSet, ProgramViewSet
from programs.models import Authority, Program
from tests.datafiles import data_path, requires_data, selection
from tests.dbstate import settle_constraints
from tests.factories import DesignationEventFactory, DesignationFactory, ProgramFactory, SourceDocumentFactory

pytestmark = requires_data

SELECTION = selection("sdn_2024-07-02_selection")
HISTORY = data_path("ofac", "history", "sdn_presence_intervals_2021-05-22_2024-07-02.csv")
# Entries removed before 2 July 2024, known only from the history: a duplicate record (36459) and a few
# GLOMAG, Belarus and Russia entries, so that delisting brackets and retagged programs are in the data.
HISTORY_ONLY = 12


def history_excerpt(tmp_path_factory) -> str:
    """The history rows of the selection's entries and of the first ``HISTORY_ONLY`` entries gone by 2024."""
    entries = set((SELECTION / "sdn.csv").read_bytes().decode("ascii").split("\r\n"))
    entries = {line.split(",", 1)[0] for line in entries if line[:1].isdigit()}
    with HISTORY.open(newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    gone = [row for row in rows if row["first_absent"] and row["ent_num"] not in entries][:HISTORY_ONLY]
    kept = [row for row in rows if row["ent_num"] in entries] + gone
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(kept)
    path = tmp_path_factory.mktemp("history") / HISTORY.name
    path.write_text(out.getvalue())
    return str(path)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The real data, then the editors' additions; once for the module, rolled back after."""
    adapters = [type(get_adapter(slug)) for slug in ("ofac-sdn", "ofac-history")]
    floors = [adapter.min_records for adapter in adapters]
    history = history_excerpt(tmp_path_factory)
    with django_db_blocker.unblock(), transaction.atomic():
        for adapter in adapters:
            adapter.min_records = 5
        try:
            call_command("load_reference_data", verbosity=0)
            steps = (("ofac-sdn", [str(SELECTION)], datetime.date(2024, 7, 2)), ("ofac-history", [history], None))
            for source, paths, as_of in steps:
                run = import_run_execute(run_id=import_run_create(source=source, path=paths, as_of=as_of).pk)
                assert run.status == ImportRun.Status.SUCCEEDED, run.error
        finally:
            for adapter, floor in zip(adapters, floors, strict=True):
                adapter.min_records = floor
        editors_additions()
        settle_constraints()
        yield
        transaction.set_rollback(True)


def editors_additions() -> None:
    designations = list(Designation.objects.order_by("pk"))
    designees = list(Designee.objects.order_by("pk"))
    first, second = (
        AbuseCategory.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in (("test-zeta", "Zeta conduct"), ("test-alpha", "Alpha conduct"))
    )
    designations[0].categories.add(first, second)  # listed by name: alpha, then zeta
    designations[1].categories.add(first)
    release = SourceDocumentFactory(
        kind=SourceDocument.Kind.PRESS_RELEASE, title="Treasury Sanctions", published_on=datetime.date(2020, 7, 9)
    )
    SourceDocumentFactory(kind=SourceDocument.Kind.REPORT, title="", url="", published_on=None)
    Designation.objects.filter(pk=designations[0].pk).update(
        reason_source=release, reason="Serious human rights abuse.", curated_reason="Ordered detentions."
    )
    Designation.objects.filter(pk=designations[2].pk).update(authority=None, review_state=ReviewState.REVIEWED)
    for record, field, published_on in (
        (designations[0], "curated_reason", datetime.date(2020, 7, 9)),
        (designations[0], "", None),
        (designees[0], "aliases", None),
        (designees[0], "", datetime.date(2021, 1, 2)),
    ):
        Citation.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=record.pk,
            field=field,
            url=f"https://example.org/{record.pk}/{field}",
            title=f"Cited for {field or 'the record'}",
            published_on=published_on,
        )
    Designee.objects.filter(pk=designees[1].pk).update(merged_into=designees[0], review_state="needs_attention")
    DesignationEventFactory(
        designation=designations[3],
        kind=DesignationEvent.Kind.AMENDED,
        source_document=None,
        changes={"reason": ["old", "new"], "legal_basis": [None, "E.O. 13818"]},
        note="Amended by an editor.",
    )
    spaced = DesignationFactory(program=ProgramFactory(code="CAATSA - RUSSIA"), designee=designees[2])
    DesignationEventFactory(designation=spaced, source_document=release)


factory = APIRequestFactory()


class SerializedRead:
    """DRF's own list and retrieve: the page's model instances through the viewset's serializer."""

    def list(self, request, *args, **kwargs):
        return mixins.ListModelMixin.list(self, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return mixins.RetrieveModelMixin.retrieve(self, request, *args, **kwargs)


def reference(viewset, action: str, path: str, params: dict, **kwargs) -> bytes:
    view = type(f"Serialized{viewset.__name__}", (SerializedRead, viewset), {}).as_view({"get": action})
    response = view(factory.get(path, params, HTTP_ACCEPT="application/json"), **kwargs)
    assert response.status_code == 200, response.data
    return response.render().content


def assert_same(actual: bytes, expected: bytes) -> None:
    assert json.loads(actual) == json.loads(expected)  # a readable difference first
    assert actual == expected  # then the bytes: key order and number formats too


def ask(api_client, path: str, params: dict) -> bytes:
    response = api_client.get(path, params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    return response.content


LISTS = {
    "designations": (
        "/api/designations/",
        DesignationViewSet,
        [
            {},
            {"limit": 500},
            {"limit": 7, "offset": 5},
            {"program": "GLOMAG"},
            {"ordering": "designee__name"},
            {"ordering": "-delisted_on", "limit": 500},
            {"ordering": "program__code", "status": "delisted"},
            {"as_of": "2022-01-01", "limit": 500},
            {"as_of": "2021-06-01", "ordering": "-listed_on"},
            {"country": "CN", "limit": 500},
            {"category": "test-zeta"},
            {"q": "chen"},
        ],
    ),
    "designees": (
        "/api/designees/",
        DesigneeViewSet,
        [
            {},
            {"limit": 500},
            {"limit": 5, "offset": 3},
            {"ordering": "-entry_number", "limit": 500},
            {"kind": "vessel"},
            {"as_of": "2022-01-01", "limit": 500},
            {"program": "GLOMAG", "status": "active"},
            {"status": "delisted"},
            {"country": "CN", "country_role": "place_of_birth"},
        ],
    ),
    "countries": (
        "/api/countries/",
        CountryViewSet,
        [{}, {"limit": 500}, {"ordering": "-active_designees", "limit": 20}, {"q": "korea"}, {"offset": 100}],
    ),
    "source-documents": (
        "/api/source-documents/",
        SourceDocumentViewSet,
        [{}, {"ordering": "published_on"}, {"kind": "press_release"}],
    ),
    "authorities": (
        "/api/authorities/",
        AuthorityViewSet,
        [{}, {"limit": 500}, {"ordering": "-signed_on", "limit": 500}, {"kind": "executive_order"}],
    ),
    "programs": (
        "/api/programs/",
        ProgramViewSet,
        [{}, {"limit": 500}, {"ordering": "-name", "limit": 30, "offset": 10}, {"authority": "eo-13818"}],
    ),
}


@pytest.mark.usefixtures("world")
class TestSameAnswers:
    @pytest.mark.parametrize(
        ("name", "params"),
        [(name, params) for name, (_, _, cases) in LISTS.items() for params in cases],
        ids=lambda value: value if isinstance(value, str) else urlencode(value) or "plain",
    )
    def test_list(self, db, api_client, name, params):
        path, viewset, _ = LISTS[name]

        actual = ask(api_client, path, params)

        assert json.loads(actual)["results"], "a comparison of empty pages proves nothing"
        assert_same(actual, reference(viewset, "list", path, params))

    def test_every_designation_detail(self, db, api_client):
        for pk in Designation.objects.values_list("pk", flat=True):
            path = f"/api/designations/{pk}/"
            assert_same(ask(api_client, path, {}), reference(DesignationViewSet, "retrieve", path, {}, pk=pk))

    def test_every_designee_detail(self, db, api_client):
        for pk in Designee.objects.values_list("pk", flat=True):
            path = f"/api/designees/{pk}/"
            assert_same(ask(api_client, path, {}), reference(DesigneeViewSet, "retrieve", path, {}, pk=pk))

    def test_every_source_document_detail(self, db, api_client):
        for pk in SourceDocument.objects.values_list("pk", flat=True):
            path = f"/api/source-documents/{pk}/"
            assert_same(ask(api_client, path, {}), reference(SourceDocumentViewSet, "retrieve", path, {}, pk=pk))

    @pytest.mark.parametrize(
        ("viewset", "prefix", "codes"),
        [
            (CountryViewSet, "/api/countries/", ["CN", "RU", "IR", "AQ"]),
            (AuthorityViewSet, "/api/authorities/", None),  # every one
            (ProgramViewSet, "/api/programs/", None),
        ],
    )
    def test_reference_details(self, db, api_client, viewset, prefix, codes):
        codes = codes or list(viewset.queryset.model.objects.values_list("code", flat=True))
        for code in codes:
            path = f"{prefix}{code}/"
            expected = reference(viewset, "retrieve", path, {}, code=code)
            assert_same(ask(api_client, path.replace(" ", "%20"), {}), expected)

    @pytest.mark.parametrize(
        "params",
        [
            {"changed_since": "2000-01-01T00:00:00Z", "limit": 1000},
            {"changed_since": "2000-01-01T00:00:00Z", "limit": 3},
            {"changed_since": "2000-01-01T00:00:00Z", "kind": "amended"},
            {"changed_since": "2000-01-01T00:00:00Z", "program": "GLOMAG", "country": "CN"},
        ],
        ids=urlencode,
    )
    def test_changes(self, db, api_client, params):
        actual = json.loads(ask(api_client, "/api/changes/", params))
        view = ChangesView()
        view.setup(factory.get("/api/changes/", params))
        view.request = view.initialize_request(view.request)
        view.format_kwarg = None
        events = view.filter_queryset(view.get_queryset())[: params["limit"] if "limit" in params else 100]
        expected = ChangeSerializer(events, many=True, context={"request": view.request}).data

        assert actual["results"], "a comparison of empty pages proves nothing"
        assert_same(JSONRenderer().render(actual["results"]), JSONRenderer().render(json.loads(json.dumps(expected))))


@pytest.mark.usefixtures("world")
def test_the_data_holds_what_the_comparisons_are_about(db):
    """Without these the comparisons above would pass over empty fields."""
    assert Designation.objects.filter(status="delisted").exists()
    assert Designation.objects.filter(listed_precision="range").exists()
    assert DesignationEvent.objects.filter(kind=DesignationEvent.Kind.AMENDED).exclude(changes={}).exists()
    assert Designation.objects.filter(authority__isnull=True).exists()
    assert Designation.objects.filter(authority__isnull=False).exists()
    assert Designation.objects.filter(reason_source__isnull=False).exists()
    assert Designee.objects.filter(aliases__isnull=False).exists()
    assert Designee.objects.filter(identifiers__country__isnull=False).exists()
    assert Designee.objects.filter(country_links__isnull=False).exists()
    assert Designee.objects.filter(merged_into__isnull=False).exists()
    assert Program.objects.filter(code__contains=" ", designations__isnull=False).exists()
    assert Authority.objects.filter(events__isnull=False, implements__isnull=False).exists()
