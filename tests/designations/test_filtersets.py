"""Country, designation, designee and source document filtersets: three objects, one filter at a time."""

from __future__ import annotations

import datetime

import pytest

from designations.filtersets import (
    CountryFilterSet,
    DesignationFilterSet,
    DesigneeFilterSet,
    SourceDocumentFilterSet,
)
from designations.models import Designation, Designee, DesigneeCountry, SourceDocument
from programs.models import Agency
from tests.factories import (
    AliasFactory,
    AuthorityFactory,
    CountryFactory,
    CountryNameFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    IdentifierFactory,
    ProgramFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db


def filtered(filterset_class, data):
    filterset = filterset_class(data, queryset=filterset_class.Meta.model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def count(filterset_class, data) -> int:
    return filtered(filterset_class, data).count()


def errors(filterset_class, data) -> dict:
    filterset = filterset_class(data, queryset=filterset_class.Meta.model.objects.all())
    assert not filterset.is_valid()
    return filterset.errors


class TestCountryFilterSet:
    @pytest.fixture(autouse=True)
    def countries(self):
        burma = CountryFactory(code="QM", name="Myanmar")
        CountryNameFactory(name="Burma", country=burma)
        CountryFactory(code="QN", name="Korea, Democratic People's Republic of")
        CountryFactory(code="QO", name="Iran")

    def test_q_matches_code_exactly_in_either_case(self):
        assert count(CountryFilterSet, {"q": "qn"}) == 1

    def test_q_matches_part_of_the_name(self):
        assert count(CountryFilterSet, {"q": "korea"}) == 1

    def test_q_matches_a_spelling_a_source_uses(self):
        assert list(filtered(CountryFilterSet, {"q": "burma"}).values_list("code", flat=True)) == ["QM"]

    def test_blank_q_changes_nothing(self):
        assert count(CountryFilterSet, {"q": ""}) == 3


class TestDesignationFilterSet:
    @pytest.fixture
    def designations(self):
        """Three designations of three designees, different on every filtered field."""
        glomag, hk, syria = (ProgramFactory(code=c) for c in ("GLOMAG", "HK-EO13936", "SYRIA"))
        eo_13818, eo_13936 = AuthorityFactory(code="eo-13818"), AuthorityFactory(code="eo-13936")
        china, syria_country = CountryFactory(code="QM"), CountryFactory(code="QN")

        chen = DesigneeFactory(name="CHEN, Quanguo", kind=Designee.Kind.INDIVIDUAL)
        DesigneeCountryFactory(designee=chen, country=china, role=DesigneeCountry.Role.PLACE_OF_BIRTH)
        AliasFactory(designee=chen, name="CHEN Quan-guo")
        first = DesignationFactory(
            designee=chen, program=glomag, authority=eo_13818, listed_on=datetime.date(2020, 7, 9)
        )

        lam = DesigneeFactory(name="LAM, Carrie", kind=Designee.Kind.INDIVIDUAL)
        DesigneeCountryFactory(designee=lam, country=china, role=DesigneeCountry.Role.NATIONALITY)
        # Tied to China in a second role: still one designation, not two.
        DesigneeCountryFactory(designee=lam, country=china, role=DesigneeCountry.Role.ADDRESS)
        IdentifierFactory(designee=lam, value="H0001234")
        second = DesignationFactory(
            designee=lam,
            program=hk,
            authority=eo_13936,
            agency=Agency.OFAC,
            listed_on=datetime.date(2020, 8, 7),
            status=Designation.Status.DELISTED,
            delisted_on=datetime.date(2025, 7, 14),
        )

        bank = DesigneeFactory(name="COMMERCIAL BANK OF SYRIA", kind=Designee.Kind.ENTITY)
        DesigneeCountryFactory(designee=bank, country=syria_country, role=DesigneeCountry.Role.ADDRESS)
        third = DesignationFactory(
            designee=bank, program=syria, authority=None, agency=Agency.STATE, listed_on=datetime.date(2011, 8, 10)
        )
        return first, second, third

    def test_program_by_code(self, designations):
        assert count(DesignationFilterSet, {"program": ["GLOMAG"]}) == 1

    def test_several_programs_mean_either(self, designations):
        assert count(DesignationFilterSet, {"program": ["GLOMAG", "HK-EO13936"]}) == 2

    def test_program_by_id(self, designations):
        first, second, _third = designations
        assert count(DesignationFilterSet, {"program_id": [first.program_id, second.program_id]}) == 2

    def test_authority_by_code_and_by_id(self, designations):
        first, _second, _third = designations
        assert count(DesignationFilterSet, {"authority": ["eo-13936"]}) == 1
        assert count(DesignationFilterSet, {"authority_id": [first.authority_id]}) == 1

    def test_designee_by_id(self, designations):
        first, _second, _third = designations
        assert list(filtered(DesignationFilterSet, {"designee_id": first.designee_id})) == [first]

    def test_agency(self, designations):
        assert count(DesignationFilterSet, {"agency": ["STATE"]}) == 1
        assert count(DesignationFilterSet, {"agency": ["OFAC"]}) == 2

    def test_country_in_any_role_counts_each_designation_once(self, designations):
        assert count(DesignationFilterSet, {"country": "QM"}) == 2
        assert count(DesignationFilterSet, {"country": "qn"}) == 1

    def test_country_role_narrows_country(self, designations):
        assert count(DesignationFilterSet, {"country": "QM", "country_role": "place_of_birth"}) == 1
        assert count(DesignationFilterSet, {"country": "QM", "country_role": "flag"}) == 0

    def test_country_role_alone_changes_nothing(self, designations):
        assert count(DesignationFilterSet, {"country_role": "flag"}) == 3

    def test_designee_kind(self, designations):
        assert count(DesignationFilterSet, {"kind": ["entity"]}) == 1
        assert count(DesignationFilterSet, {"kind": ["individual"]}) == 2

    def test_status(self, designations):
        assert count(DesignationFilterSet, {"status": ["delisted"]}) == 1
        assert count(DesignationFilterSet, {"status": ["active"]}) == 2

    def test_listed_dates_are_inclusive(self, designations):
        assert count(DesignationFilterSet, {"listed_after": "2020-07-09"}) == 2
        assert count(DesignationFilterSet, {"listed_before": "2020-07-09"}) == 2
        assert count(DesignationFilterSet, {"listed_after": "2020-07-10", "listed_before": "2020-12-31"}) == 1

    def test_delisted_dates(self, designations):
        assert count(DesignationFilterSet, {"delisted_after": "2025-01-01"}) == 1
        assert count(DesignationFilterSet, {"delisted_before": "2025-01-01"}) == 0

    def test_q_searches_designee_names_aliases_and_identifiers(self, designations):
        assert count(DesignationFilterSet, {"q": "bank of syria"}) == 1
        assert count(DesignationFilterSet, {"q": "quan-guo"}) == 1
        assert count(DesignationFilterSet, {"q": "H0001234"}) == 1

    def test_q_matching_a_designee_twice_returns_its_designation_once(self, designations):
        first, _second, _third = designations
        AliasFactory(designee=first.designee, name="CHEN, Q.")
        assert count(DesignationFilterSet, {"q": "chen"}) == 1

    def test_blank_q_changes_nothing(self, designations):
        assert count(DesignationFilterSet, {"q": " "}) == 3

    @pytest.mark.parametrize(
        ("data", "parameter"),
        [
            ({"listed_after": "2020-02-30"}, "listed_after"),
            ({"delisted_before": "soon"}, "delisted_before"),
            ({"program": ["NOPE"]}, "program"),
            ({"country": "XX1"}, "country"),
            ({"status": ["pending"]}, "status"),
        ],
    )
    def test_bad_values_are_errors_on_their_parameter(self, designations, data, parameter):
        assert list(errors(DesignationFilterSet, data)) == [parameter]


class TestDesigneeFilterSet:
    @pytest.fixture
    def designees(self):
        """Three designees: one active under GLOMAG, one only delisted, one active under two programs."""
        glomag, hk = ProgramFactory(code="GLOMAG"), ProgramFactory(code="HK-EO13936")
        eo_13818 = AuthorityFactory(code="eo-13818")
        china = CountryFactory(code="QM")

        chen = DesigneeFactory(name="CHEN, Quanguo", kind=Designee.Kind.INDIVIDUAL, entry_number=23522)
        DesigneeCountryFactory(designee=chen, country=china, role=DesigneeCountry.Role.PLACE_OF_BIRTH)
        DesignationFactory(designee=chen, program=glomag, authority=eo_13818, listed_on=datetime.date(2020, 7, 9))

        lam = DesigneeFactory(name="LAM, Carrie", kind=Designee.Kind.INDIVIDUAL, entry_number=28600)
        DesigneeCountryFactory(designee=lam, country=china, role=DesigneeCountry.Role.NATIONALITY)
        DesigneeCountryFactory(designee=lam, country=china, role=DesigneeCountry.Role.ADDRESS)
        IdentifierFactory(designee=lam, value="H0001234")
        DesignationFactory(
            designee=lam,
            program=hk,
            listed_on=datetime.date(2020, 8, 7),
            status=Designation.Status.DELISTED,
            delisted_on=datetime.date(2025, 7, 14),
        )

        vessel = DesigneeFactory(name="OCEAN STAR", kind=Designee.Kind.VESSEL, entry_number=30001)
        AliasFactory(designee=vessel, name="SEA STAR")
        DesignationFactory(designee=vessel, program=glomag, listed_on=datetime.date(2022, 1, 1))
        DesignationFactory(designee=vessel, program=hk, listed_on=datetime.date(2023, 1, 1))
        return chen, lam, vessel

    def test_kind(self, designees):
        assert count(DesigneeFilterSet, {"kind": ["vessel"]}) == 1
        assert count(DesigneeFilterSet, {"kind": ["individual"]}) == 2

    def test_country_in_any_role_counts_each_designee_once(self, designees):
        assert count(DesigneeFilterSet, {"country": "qm"}) == 2

    def test_country_role(self, designees):
        chen, _lam, _vessel = designees
        assert list(filtered(DesigneeFilterSet, {"country": "QM", "country_role": "place_of_birth"})) == [chen]

    def test_program_counts_each_designee_once(self, designees):
        assert count(DesigneeFilterSet, {"program": ["GLOMAG"]}) == 2
        assert count(DesigneeFilterSet, {"program": ["GLOMAG", "HK-EO13936"]}) == 3

    def test_program_by_id(self, designees):
        chen, _lam, _vessel = designees
        program_id = chen.designations.get().program_id
        assert count(DesigneeFilterSet, {"program_id": [program_id]}) == 2

    def test_authority_by_code_and_by_id(self, designees):
        chen, _lam, _vessel = designees
        assert list(filtered(DesigneeFilterSet, {"authority": ["eo-13818"]})) == [chen]
        authority_id = chen.designations.get().authority_id
        assert list(filtered(DesigneeFilterSet, {"authority_id": [authority_id]})) == [chen]

    def test_status_active_means_at_least_one_active_designation(self, designees):
        assert count(DesigneeFilterSet, {"status": "active"}) == 2

    def test_status_delisted_means_no_active_designation(self, designees):
        _chen, lam, _vessel = designees
        assert list(filtered(DesigneeFilterSet, {"status": "delisted"})) == [lam]

    def test_program_and_status_apply_to_the_same_designation(self, designees):
        _chen, lam, vessel = designees
        # The vessel is active under HK-EO13936; Lam was delisted from it.
        assert list(filtered(DesigneeFilterSet, {"program": ["HK-EO13936"], "status": "active"})) == [vessel]
        assert list(filtered(DesigneeFilterSet, {"program": ["HK-EO13936"], "status": "delisted"})) == [lam]

    def test_listed_dates_are_inclusive(self, designees):
        assert count(DesigneeFilterSet, {"listed_after": "2020-08-07"}) == 2
        assert count(DesigneeFilterSet, {"listed_before": "2020-08-07"}) == 2

    def test_listed_dates_and_program_apply_to_the_same_designation(self, designees):
        # The vessel was listed under GLOMAG in 2022 and under HK-EO13936 in 2023.
        assert count(DesigneeFilterSet, {"program": ["GLOMAG"], "listed_after": "2023-01-01"}) == 0
        assert count(DesigneeFilterSet, {"program": ["HK-EO13936"], "listed_after": "2023-01-01"}) == 1

    def test_entry_number(self, designees):
        assert count(DesigneeFilterSet, {"entry_number": "28600"}) == 1

    def test_identifier_matches_the_whole_value(self, designees):
        assert count(DesigneeFilterSet, {"identifier": "H0001234"}) == 1
        assert count(DesigneeFilterSet, {"identifier": "H000"}) == 0

    def test_q_searches_names_aliases_and_identifiers(self, designees):
        assert count(DesigneeFilterSet, {"q": "carrie"}) == 1
        assert count(DesigneeFilterSet, {"q": "sea star"}) == 1
        assert count(DesigneeFilterSet, {"q": "star"}) == 1
        assert count(DesigneeFilterSet, {"q": "0001234"}) == 1

    def test_blank_q_changes_nothing(self, designees):
        assert count(DesigneeFilterSet, {"q": ""}) == 3

    @pytest.mark.parametrize(
        ("data", "parameter"),
        [
            ({"listed_before": "2020-07-32"}, "listed_before"),
            ({"status": "gone"}, "status"),
            ({"authority": ["nope"]}, "authority"),
            ({"kind": ["person"]}, "kind"),
            ({"country_role": "home"}, "country_role"),
        ],
    )
    def test_bad_values_are_errors_on_their_parameter(self, designees, data, parameter):
        assert list(errors(DesigneeFilterSet, data)) == [parameter]


class TestSourceDocumentFilterSet:
    @pytest.fixture(autouse=True)
    def documents(self):
        SourceDocumentFactory(
            kind=SourceDocument.Kind.PRESS_RELEASE,
            agency=Agency.OFAC,
            title="Treasury Sanctions Officials",
            published_on=datetime.date(2020, 7, 9),
        )
        SourceDocumentFactory(
            kind=SourceDocument.Kind.PRESS_STATEMENT,
            agency=Agency.STATE,
            source="state-press",
            title="Public Designation Due to Gross Violations of Human Rights",
            published_on=datetime.date(2021, 3, 1),
        )
        SourceDocumentFactory(
            kind=SourceDocument.Kind.LIST_SNAPSHOT,
            source="ofac-sdn",
            title="SDN list",
            url="",
            published_on=datetime.date(2024, 7, 2),
        )

    def test_kind(self):
        assert count(SourceDocumentFilterSet, {"kind": ["press_release", "press_statement"]}) == 2

    def test_agency(self):
        assert count(SourceDocumentFilterSet, {"agency": ["STATE"]}) == 1

    def test_source(self):
        assert count(SourceDocumentFilterSet, {"source": "ofac-sdn"}) == 1

    def test_published_dates_are_inclusive(self):
        assert count(SourceDocumentFilterSet, {"published_after": "2021-03-01"}) == 2
        assert count(SourceDocumentFilterSet, {"published_before": "2021-03-01"}) == 2

    def test_q_searches_titles(self):
        assert count(SourceDocumentFilterSet, {"q": "human rights"}) == 1

    def test_unknown_kind_is_an_error(self):
        assert list(errors(SourceDocumentFilterSet, {"kind": ["tweet"]})) == ["kind"]


@pytest.mark.django_db
def test_designations_filter_by_abuse_category_and_review_state():
    from designations.filtersets import DesignationFilterSet
    from designations.models import AbuseCategory, Designation, ReviewState
    from tests.factories import DesignationFactory

    torture, _ = AbuseCategory.objects.get_or_create(code="torture", defaults={"name": "Torture"})
    corruption, _ = AbuseCategory.objects.get_or_create(code="corruption", defaults={"name": "Corruption"})
    first, second, third = (DesignationFactory() for _ in range(3))
    first.categories.add(torture)
    second.categories.add(torture, corruption)
    Designation.objects.filter(pk=third.pk).update(review_state=ReviewState.NEEDS_ATTENTION)
    queryset = Designation.objects.all()

    assert DesignationFilterSet({"category": ["torture"]}, queryset).qs.count() == 2
    assert DesignationFilterSet({"category": ["corruption"]}, queryset).qs.count() == 1
    assert DesignationFilterSet({"review_state": "needs_attention"}, queryset).qs.count() == 1
    assert not DesignationFilterSet({"category": ["no-such-thing"]}, queryset).is_valid()
