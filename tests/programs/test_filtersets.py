"""AuthorityFilterSet and ProgramFilterSet: three objects each, one filter at a time."""

from __future__ import annotations

import datetime

import pytest

from programs.filtersets import AuthorityFilterSet, ProgramFilterSet
from programs.models import Agency, Authority, Program
from tests.factories import AuthorityFactory, CountryFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def count(filterset_class, data) -> int:
    filterset = filterset_class(data, queryset=filterset_class.Meta.model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


class TestAuthorityFilterSet:
    @pytest.fixture
    def authorities(self):
        syria, belarus = CountryFactory(code="QM"), CountryFactory(code="QN")
        act = AuthorityFactory(
            code="glomag-act",
            kind=Authority.Kind.STATUTE,
            name="Global Magnitsky Human Rights Accountability Act",
            short_name="",
            citation="Pub. L. 114-328",
            issuer=Agency.CONGRESS,
            is_human_rights=True,
        )
        order = AuthorityFactory(
            code="eo-13818",
            kind=Authority.Kind.EXECUTIVE_ORDER,
            name="Blocking the Property of Persons Involved in Serious Human Rights Abuse or Corruption",
            short_name="E.O. 13818",
            issuer=Agency.PRESIDENT,
            is_human_rights=True,
        )
        order.implements.add(act)
        revoked = AuthorityFactory(
            code="eo-13894",
            kind=Authority.Kind.EXECUTIVE_ORDER,
            name="Blocking Property and Suspending Entry of Certain Persons Contributing to the Situation in Syria",
            short_name="E.O. 13894",
            issuer=Agency.PRESIDENT,
            status=Authority.Status.REVOKED,
            ended_on=datetime.date(2025, 6, 30),
        )
        revoked.target_countries.add(syria)
        act.target_countries.add(belarus)
        return act, order, revoked

    def test_kind(self, authorities):
        assert count(AuthorityFilterSet, {"kind": ["statute"]}) == 1
        assert count(AuthorityFilterSet, {"kind": ["statute", "executive_order"]}) == 3

    def test_issuer(self, authorities):
        assert count(AuthorityFilterSet, {"issuer": ["PRESIDENT"]}) == 2

    def test_status(self, authorities):
        assert count(AuthorityFilterSet, {"status": ["revoked"]}) == 1
        assert count(AuthorityFilterSet, {"status": ["in_force"]}) == 2

    def test_is_human_rights(self, authorities):
        assert count(AuthorityFilterSet, {"is_human_rights": "true"}) == 2
        assert count(AuthorityFilterSet, {"is_human_rights": "false"}) == 1

    def test_country_by_code_in_either_case(self, authorities):
        assert count(AuthorityFilterSet, {"country": "QM"}) == 1
        assert count(AuthorityFilterSet, {"country": "qn"}) == 1

    def test_implements_by_code_and_by_id(self, authorities):
        act, _order, _revoked = authorities
        assert count(AuthorityFilterSet, {"implements": ["glomag-act"]}) == 1
        assert count(AuthorityFilterSet, {"implements_id": [act.pk]}) == 1

    def test_ended_by_by_code_and_by_id(self, authorities):
        _act, _order, revoked = authorities
        successor = AuthorityFactory(code="eo-14312")
        revoked.ended_by = successor
        revoked.save()
        assert count(AuthorityFilterSet, {"ended_by": ["eo-14312"]}) == 1
        assert count(AuthorityFilterSet, {"ended_by_id": [successor.pk]}) == 1

    def test_q_searches_code_name_short_name_and_citation(self, authorities):
        assert count(AuthorityFilterSet, {"q": "magnitsky"}) == 1
        assert count(AuthorityFilterSet, {"q": "E.O. 13"}) == 2
        assert count(AuthorityFilterSet, {"q": "114-328"}) == 1
        assert count(AuthorityFilterSet, {"q": "eo-13894"}) == 1

    def test_blank_q_changes_nothing(self, authorities):
        assert count(AuthorityFilterSet, {"q": "  "}) == 3

    def test_unknown_country_is_invalid(self, authorities):
        filterset = AuthorityFilterSet({"country": "QZ"}, queryset=Authority.objects.all())
        assert not filterset.is_valid()
        assert "country" in filterset.errors


class TestProgramFilterSet:
    @pytest.fixture
    def programs(self):
        eo = AuthorityFactory(code="eo-13818")
        caesar = AuthorityFactory(code="caesar-act")
        syria = CountryFactory(code="QM")
        glomag = ProgramFactory(
            code="GLOMAG",
            name="Global Magnitsky",
            family=Program.Family.HUMAN_RIGHTS,
            is_human_rights=True,
            description="Serious human rights abuse and corruption.",
        )
        glomag.authorities.add(eo)
        caesar_program = ProgramFactory(code="SYRIA-CAESAR", name="Caesar Act", family=Program.Family.COUNTRY)
        caesar_program.authorities.add(caesar, eo)
        caesar_program.target_countries.add(syria)
        visa = ProgramFactory(
            code="7031C",
            name="Section 7031(c) visa restrictions",
            agency=Agency.STATE,
            family=Program.Family.HUMAN_RIGHTS,
            status=Program.Status.ENDED,
            is_human_rights=True,
        )
        return glomag, caesar_program, visa

    def test_agency(self, programs):
        assert count(ProgramFilterSet, {"agency": ["STATE"]}) == 1
        assert count(ProgramFilterSet, {"agency": ["OFAC"]}) == 2

    def test_family(self, programs):
        assert count(ProgramFilterSet, {"family": ["human_rights"]}) == 2

    def test_status(self, programs):
        assert count(ProgramFilterSet, {"status": ["ended"]}) == 1

    def test_is_human_rights(self, programs):
        assert count(ProgramFilterSet, {"is_human_rights": "true"}) == 2

    def test_authority_by_code_counts_each_program_once(self, programs):
        assert count(ProgramFilterSet, {"authority": ["eo-13818"]}) == 2
        assert count(ProgramFilterSet, {"authority": ["caesar-act"]}) == 1
        # SYRIA-CAESAR has both authorities: it is still one program.
        assert count(ProgramFilterSet, {"authority": ["eo-13818", "caesar-act"]}) == 2

    def test_authority_by_id(self, programs):
        caesar = Authority.objects.get(code="caesar-act")
        assert count(ProgramFilterSet, {"authority_id": [caesar.pk]}) == 1

    def test_country(self, programs):
        assert count(ProgramFilterSet, {"country": "QM"}) == 1

    def test_replaced_by_by_code_and_by_id(self, programs):
        glomag, _caesar, _visa = programs
        ProgramFactory(code="GLOMAG-OLD", status=Program.Status.RENAMED, replaced_by=glomag)
        assert count(ProgramFilterSet, {"replaced_by": ["GLOMAG"]}) == 1
        assert count(ProgramFilterSet, {"replaced_by_id": [glomag.pk]}) == 1

    def test_q_searches_code_name_and_description(self, programs):
        assert count(ProgramFilterSet, {"q": "caesar"}) == 1
        assert count(ProgramFilterSet, {"q": "7031"}) == 1
        assert count(ProgramFilterSet, {"q": "corruption"}) == 1

    def test_unknown_program_code_is_invalid(self, programs):
        filterset = ProgramFilterSet({"replaced_by": ["NOPE"]}, queryset=Program.objects.all())
        assert not filterset.is_valid()
        assert "replaced_by" in filterset.errors
