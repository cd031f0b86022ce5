"""The designations and designees filters answer what researchers type: comma lists, codes in any case, the
``personal`` country role and identifiers compared normalised (stored in ``Identifier.normalised_value``)."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from designations.filtersets import DesignationEventFilterSet, DesigneeFilterSet
from designations.models import (
    Country,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    designee_children_snapshot,
    normalised_identifier,
)
from importers.records import DesigneeRecord, IdentifierRecord
from importers.upsert.children import IdentifierRow, _identifiers
from programs.models import Agency
from tests.datafiles import requires_data
from tests.factories import (
    CountryFactory,
    DesignationEventFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    ProgramFactory,
)
from tests.tracker.conftest import import_sdn_selection

pytestmark = pytest.mark.django_db

DESIGNATIONS = reverse("designations-api:designation-list")
DESIGNEES = reverse("designations-api:designee-list")
ENDPOINTS = [DESIGNATIONS, DESIGNEES]

fill_migration = importlib.import_module("designations.migrations.0008_identifier_normalised_value")


@pytest.fixture
def world() -> dict[str, Designee]:
    """Five designees, each with one designation, different on every filtered field.

    - chen: individual, born in CN (no nationality given, as OFAC lists CHEN Quanguo), GLOMAG, OFAC, active,
      passport KJ0505670;
    - lam: individual, citizen of RU, UHRPA, STATE, delisted, national ID "HE 123456";
    - firm: entity, address in CN, SYRIA, OFAC, active;
    - ship: vessel, flag of IR, SYRIA, STATE, active, "IMO 9245316";
    - nat: individual, national of IR, UHRPA, COMMERCE, active.
    """
    glomag, uhrpa, syria = (ProgramFactory(code=code) for code in ("GLOMAG", "UHRPA", "SYRIA"))
    china, russia, iran = (CountryFactory(code=code) for code in ("CN", "RU", "IR"))
    Role, Kind = DesigneeCountry.Role, Designee.Kind

    def designee(name, kind, country, role, program, agency, status=Designation.Status.ACTIVE):
        person = DesigneeFactory(name=name, kind=kind)
        DesigneeCountryFactory(designee=person, country=country, role=role)
        delisted = datetime.date(2023, 1, 1) if status == Designation.Status.DELISTED else None
        DesignationFactory(designee=person, program=program, agency=agency, status=status, delisted_on=delisted)
        return person

    world = {
        "chen": designee("CHEN, Quanguo", Kind.INDIVIDUAL, china, Role.PLACE_OF_BIRTH, glomag, Agency.OFAC),
        "lam": designee(
            "LAM, Test", Kind.INDIVIDUAL, russia, Role.CITIZENSHIP, uhrpa, Agency.STATE, Designation.Status.DELISTED
        ),
        "firm": designee("FIRM LLC", Kind.ENTITY, china, Role.ADDRESS, syria, Agency.OFAC),
        "ship": designee("SHIP", Kind.VESSEL, iran, Role.FLAG, syria, Agency.STATE),
        "nat": designee("NATIONAL, Ann", Kind.INDIVIDUAL, iran, Role.NATIONALITY, uhrpa, Agency.COMMERCE),
    }
    IdentifierFactory(designee=world["chen"], kind="Passport", value="KJ0505670")
    IdentifierFactory(designee=world["lam"], kind="National ID No.", value="HE 123456")
    IdentifierFactory(designee=world["ship"], kind="Vessel Registration Identification", value="IMO 9245316")
    return world


def found(api_client, path: str, query: str) -> set[int]:
    """The designees the endpoint answers with (a designation's designee, on /api/designations/)."""
    response = api_client.get(f"{path}?{query}&limit=500")
    assert response.status_code == 200, response.content[:300]
    rows = response.json()["results"]
    return {row["designee"]["id"] if path == DESIGNATIONS else row["id"] for row in rows}


def named(world, *names: str) -> set[int]:
    return {world[name].pk for name in names}


# --------------------------------------------------------------------------------------------------
# 1. Several values in one parameter
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("comma", "repeated", "expected"),
    [
        ("program=GLOMAG,UHRPA", "program=GLOMAG&program=UHRPA", ("chen", "lam", "nat")),
        ("country=CN,RU", "country=CN&country=RU", ("chen", "lam", "firm")),
        ("agency=STATE,COMMERCE", "agency=STATE&agency=COMMERCE", ("lam", "ship", "nat")),
        ("kind=entity,vessel", "kind=entity&kind=vessel", ("firm", "ship")),
        ("status=active,delisted", "status=active&status=delisted", ("chen", "lam", "firm", "ship", "nat")),
    ],
)
def test_a_comma_list_means_the_parameter_repeated(api_client, world, path, comma, repeated, expected):
    assert found(api_client, path, comma) == named(world, *expected)
    assert found(api_client, path, repeated) == named(world, *expected)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_empty_items_of_a_comma_list_are_ignored(api_client, world, path):
    assert found(api_client, path, "program=,GLOMAG,,SYRIA,") == named(world, "chen", "firm", "ship")
    assert found(api_client, path, "status=,delisted,,") == named(world, "lam")
    assert found(api_client, path, "country=IR,,&kind=,individual") == named(world, "nat")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_comma_lists_and_repeats_add_up(api_client, world, path):
    assert found(api_client, path, "program=GLOMAG,UHRPA&program=SYRIA&status=active") == named(
        world, "chen", "firm", "ship", "nat"
    )


@pytest.mark.parametrize("path", ENDPOINTS)
def test_program_ids_take_a_comma_list_too(api_client, world, path):
    chen, firm = world["chen"].designations.get(), world["firm"].designations.get()

    assert found(api_client, path, f"program_id={chen.program_id},{firm.program_id}") == named(
        world, "chen", "firm", "ship"
    )


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("name", "value", "bad"),
    [
        ("program", "GLOMAG,NO-SUCH-TAG", "NO-SUCH-TAG"),
        ("country", "CN,,XQ9", "XQ9"),
        ("agency", "OFAC,FBI", "FBI"),
        ("kind", "individual,person", "person"),
        ("status", "active,gone", "gone"),
        ("program_id", "1,abc", "abc"),
    ],
)
def test_an_unknown_value_in_a_list_is_a_400_naming_parameter_and_value(api_client, world, path, name, value, bad):
    response = api_client.get(path, {name: value})

    assert response.status_code == 400
    assert list(response.json()) == [name]
    assert bad in response.json()[name][0]


# --------------------------------------------------------------------------------------------------
# 2. Codes in any case
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("program=glomag", ("chen",)),
        ("program=Uhrpa,syria", ("lam", "nat", "firm", "ship")),
        ("country=cn", ("chen", "firm")),
        ("country=ir,Ru", ("lam", "ship", "nat")),
        ("agency=state", ("lam", "ship")),
        ("kind=VESSEL", ("ship",)),
        ("status=Delisted", ("lam",)),
    ],
)
def test_codes_and_choices_match_in_any_case(api_client, world, path, query, expected):
    assert found(api_client, path, query) == named(world, *expected)


def test_a_lower_case_authority_code_is_found_in_upper_case(api_client, world):
    from tests.factories import AuthorityFactory

    authority = AuthorityFactory(code="glomag-act")
    Designation.objects.filter(designee=world["chen"]).update(authority=authority)

    for path in ENDPOINTS:
        assert found(api_client, path, "authority=GLOMAG-ACT") == named(world, "chen")


# --------------------------------------------------------------------------------------------------
# 3. country_role=personal
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("CN", ("chen",)),  # born there; the firm's address there is not personal
        ("RU", ("lam",)),  # a citizen
        ("IR", ("nat",)),  # a national; the ship's flag is not personal
        ("cn,RU,ir", ("chen", "lam", "nat")),
    ],
)
def test_personal_role_is_nationality_citizenship_or_place_of_birth(api_client, world, path, country, expected):
    assert found(api_client, path, f"country={country}&country_role=personal") == named(world, *expected)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_stored_roles_still_narrow_a_country_list(api_client, world, path):
    assert found(api_client, path, "country=CN,IR&country_role=address") == named(world, "firm")
    assert found(api_client, path, "country=CN,IR&country_role=flag") == named(world, "ship")
    assert found(api_client, path, "country=CN,IR") == named(world, "chen", "firm", "ship", "nat")


def test_personal_role_is_offered_and_documented_in_the_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    for path in ("/api/designations/", "/api/designees/", "/api/changes/"):
        [role] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "country_role"]
        assert {"personal", "identifier"} <= set(role["schema"]["enum"]), path


def test_personal_role_narrows_the_changes_too(world):
    for designation in Designation.objects.all():
        DesignationEventFactory(designation=designation)
    events = DesignationEventFilterSet(
        {"country": "CN", "country_role": "personal"}, queryset=DesignationEvent.objects.all()
    )

    assert events.is_valid(), events.errors
    assert {event.designation.designee_id for event in events.qs} == named(world, "chen")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_identifier_role_is_the_country_that_issued_an_identifier(api_client, world, path):
    """A passport issued by Iran ties its holder to Iran in the role ``identifier`` only: not in "any role"
    (the stored ties), nor as a personal country."""
    iran = Country.objects.get(code="IR")
    IdentifierFactory(designee=world["lam"], kind="Passport", value="H37045909", country=iran)

    assert found(api_client, path, "country=IR&country_role=identifier") == named(world, "lam")
    assert found(api_client, path, "country=ir,cn&country_role=identifier") == named(world, "lam")
    assert found(api_client, path, "country=IR") == named(world, "ship", "nat")
    assert found(api_client, path, "country=IR&country_role=personal") == named(world, "nat")


def test_identifier_role_in_the_statistics(api_client, world):
    iran = Country.objects.get(code="IR")
    IdentifierFactory(designee=world["lam"], kind="Passport", value="H37045909", country=iran)
    IdentifierFactory(designee=world["lam"], kind="National ID No.", value="1234567", country=iran)

    rows = api_client.get("/api/stats/", {"group_by": "country", "country_role": "identifier"}).json()["results"]

    # Each designation once per issuing country: lam's under IR (two identifiers, one count); firm and nat,
    # with no identifier, under none.
    counts = {row["country"]: row["count"] for row in rows}
    assert counts["IR"] == 1 and counts[None] == 2
    issuers = Identifier.objects.exclude(country__code="IR").values_list("country__code", flat=True)
    assert set(counts) == {"IR", None, *issuers}


# --------------------------------------------------------------------------------------------------
# 4. Identifiers compared normalised
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("identifier=9245316", ("ship",)),  # stored "IMO 9245316"
        ("identifier=imo 9245316", ("ship",)),
        ("identifier=IMO9245316", ("ship",)),
        ("identifier=kj 0505670", ("chen",)),  # stored "KJ0505670"
        ("identifier=KJ0505670", ("chen",)),
        ("identifier=he123456", ("lam",)),  # stored "HE 123456": the register's letters stay
        ("identifier=0505670", ()),  # the whole value, not a part of it
        ("identifier=123456", ()),
        ("identifier_type=passport&identifier=kj 0505670", ("chen",)),
        ("identifier_type=Vessel Registration Identification&identifier=9245316", ("ship",)),
        ("identifier_type=Passport&identifier=9245316", ()),  # the same identifier must answer both
    ],
)
def test_identifier_is_compared_normalised_both_ways(api_client, world, path, query, expected):
    assert found(api_client, path, query) == named(world, *expected)


def test_identifier_filter_reads_the_stored_normalised_column(world):
    filterset = DesigneeFilterSet({"identifier": "9245316"}, queryset=Designee.objects.all())

    assert filterset.is_valid()
    assert '"normalised_value" =' in str(filterset.qs.query)
    assert list(filterset.qs) == [world["ship"]]
    Identifier.objects.filter(designee=world["ship"]).update(normalised_value="")  # a stale column: not found
    assert not DesigneeFilterSet({"identifier": "9245316"}, queryset=Designee.objects.all()).qs.exists()


def test_normalised_value_column_is_indexed():
    field = Identifier._meta.get_field("normalised_value")

    assert field.db_index


def test_every_write_path_fills_normalised_value():
    saved = IdentifierFactory(value="imo 1234567")
    assert saved.normalised_value == "1234567"
    saved.value = "ab 12 34"
    saved.save(update_fields=["value"])
    saved.refresh_from_db()
    assert saved.normalised_value == "AB1234"

    [bulk] = Identifier.objects.bulk_create([Identifier(designee=saved.designee, kind="Tax ID No.", value="x 9")])
    assert Identifier.objects.get(pk=bulk.pk).normalised_value == "X9"

    record = DesigneeRecord(
        source_uid="1",
        kind="vessel",
        name="TEST",
        programs=("SYRIA",),
        identifiers=(IdentifierRecord(kind="IMO", value="IMO 7654321"),),
    )
    [row] = _identifiers(record, frozenset(), _NoCountries())
    assert isinstance(row, IdentifierRow)
    assert (row.value, row.normalised_value) == ("IMO 7654321", "7654321")


class _NoCountries:
    def country(self, text: str) -> int | None:
        return None

    def designee_named(self, name: str) -> str | None:
        return None


def test_history_snapshot_leaves_the_derived_column_out():
    identifier = IdentifierFactory(value="IMO 9245316")

    [row] = designee_children_snapshot(identifier.designee)["identifiers"]

    assert row["value"] == "IMO 9245316"
    assert "normalised_value" not in row


@requires_data
def test_the_import_stores_normalised_values_and_the_filter_finds_them(api_client, monkeypatch):
    import_sdn_selection(monkeypatch)
    stored = list(Identifier.objects.values_list("value", "normalised_value"))

    assert stored
    assert all(normalised == normalised_identifier(value) for value, normalised in stored)
    lam = Designee.objects.get(identifiers__value="KJ0505670")  # LAM Cheng Yuet-ngor's passport
    assert found(api_client, DESIGNEES, "identifier=kj 0505670") == {lam.pk}


# --------------------------------------------------------------------------------------------------
# The migration fills the rows already there
# --------------------------------------------------------------------------------------------------
def test_migration_fill_normalises_existing_rows(monkeypatch):
    values = ["IMO 9245316", "kj 0505670", "HE 123456", "imo9245317", "A 1 2"]
    identifiers = [IdentifierFactory(value=value) for value in values]
    Identifier.objects.update(normalised_value="")  # as the column stands right after AddField
    monkeypatch.setattr(fill_migration, "BATCH", 2)  # several batches, and a last partial one

    fill_migration.fill_normalised_values(apps, None)

    stored = dict(
        Identifier.objects.filter(pk__in=[i.pk for i in identifiers]).values_list("value", "normalised_value")
    )
    assert stored == {
        "IMO 9245316": "9245316",
        "kj 0505670": "KJ0505670",
        "HE 123456": "HE123456",
        "imo9245317": "9245317",
        "A 1 2": "A12",
    }


# --------------------------------------------------------------------------------------------------
# 5. Free text (q): every word, in any order; identifiers as published or normalised
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Quanguo%20Chen", {"chen"}),  # the list's order is "CHEN, Quanguo"
        ("q=chen,%20quanguo", {"chen"}),
        ("q=Quanguo%20Lam", set()),  # every word, in the same name
        ("q=kj%200505670", {"chen"}),  # the passport, typed with a space
        ("q=9245316", {"ship"}),
        ("q=he123456", {"lam"}),
        ("q=LLC", {"firm"}),
    ],
)
def test_q_finds_every_word_in_any_order_and_identifiers_as_typed(api_client, world, path, query, expected):
    assert found(api_client, path, query) == named(world, *expected)


def test_q_words_may_come_from_one_alias(api_client, world):
    world["nat"].aliases.create(name="TESTER, Ann Marie", kind="aka", strength="strong")

    assert found(api_client, DESIGNEES, "q=marie%20tester") == named(world, "nat")
    assert found(api_client, DESIGNEES, "q=marie%20national") == set()  # one word from the name, one an alias


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=陈全国", {"chen"}),  # Chinese script: family name, then given name, as pinyin
        ("q=全国%20陈", {"chen"}),
        ("q=Натионал", {"nat"}),  # Cyrillic, transliterated letter by letter
        ("q=Nâtional", {"nat"}),  # accents dropped
        ("q=陈国全", set()),  # "chen guoquan": a different given name
    ],
)
def test_q_finds_names_typed_in_another_script(api_client, world, path, query, expected):
    assert found(api_client, path, query) == named(world, *expected)


def test_q_in_another_script_still_finds_aliases_published_in_it(api_client, world):
    world["lam"].aliases.create(name="林测试", kind="aka", strength="strong", script="Hani")

    assert found(api_client, DESIGNEES, "q=林测试") == named(world, "lam")
    assert found(api_client, DESIGNEES, "q=陈测试") == set()


@pytest.mark.parametrize(
    ("query", "selected", "checked"),
    [
        # Programs are a picker of check boxes: the programs chosen are checked, in their own case.
        ("program=glomag,uhrpa", set(), {"GLOMAG", "UHRPA"}),
        ("program=GLOMAG&program=syria", set(), {"GLOMAG", "SYRIA"}),
        ("status=Active,DELISTED&kind=individual,Entity", set(), {"active", "delisted", "individual", "entity"}),
    ],
)
def test_the_page_form_shows_what_the_filter_applied(client, world, query, selected, checked):
    """A comma list or a value in another case filters the page (tested above) and shows as chosen in its
    form: the options selected and the boxes checked are the filter's values."""
    page = client.get(f"{reverse('designations:designation_list')}?{query}").content.decode()
    assert set(re.findall(r'<option value="([^"]+)"[^>]*selected', page)) == selected
    assert set(re.findall(r'<input type="checkbox" name="\w+" value="([^"]+)"[^>]*checked', page)) == checked
