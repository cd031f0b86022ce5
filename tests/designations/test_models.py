"""Database constraints and model behaviour of countries, designees and designations."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from designations.models import Country, Designation, DesigneeCountry, SourceDocument
from tests.factories import (
    CountryFactory,
    DesignationFactory,
    DesigneeCountryFactory,
    DesigneeFactory,
    ProgramFactory,
    SourceDocumentFactory,
)

pytestmark = pytest.mark.django_db


def test_one_active_designation_per_designee_and_program():
    designation = DesignationFactory(status=Designation.Status.ACTIVE)

    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationFactory(designee=designation.designee, program=designation.program, status="active")


def test_a_delisted_episode_and_a_new_active_one_may_coexist():
    designation = DesignationFactory(
        status="delisted", listed_on=datetime.date(2020, 9, 2), delisted_on=datetime.date(2021, 4, 2)
    )

    again = DesignationFactory(designee=designation.designee, program=designation.program, status="active")

    assert again.pk != designation.pk


def test_an_active_designation_cannot_carry_a_delisting_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationFactory(status="active", delisted_on=datetime.date(2021, 4, 2))


def test_a_designation_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        DesignationFactory(
            status="delisted", listed_on=datetime.date(2021, 4, 2), delisted_on=datetime.date(2020, 9, 2)
        )


def test_designee_source_keys_are_unique_but_curated_rows_need_none():
    DesigneeFactory(source="ofac-sdn", source_uid="26093")

    with pytest.raises(IntegrityError), transaction.atomic():
        DesigneeFactory(source="ofac-sdn", source_uid="26093")
    # The same entry number on another list is another record.
    DesigneeFactory(source="ofac-consolidated", source_uid="26093")
    # Designees entered by editors carry no source key; any number of them may exist.
    DesigneeFactory(source="", source_uid="")
    DesigneeFactory(source="", source_uid="")


def test_source_document_keys_are_unique():
    SourceDocumentFactory(source="ofac-sdn", source_uid="abc")

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceDocumentFactory(source="ofac-sdn", source_uid="abc")


def test_country_code_must_be_two_capital_letters():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(code="cn", name="lower case")


def test_a_country_role_is_recorded_once_per_designee():
    link = DesigneeCountryFactory(role=DesigneeCountry.Role.NATIONALITY)

    with pytest.raises(IntegrityError), transaction.atomic():
        DesigneeCountry.objects.create(designee=link.designee, country=link.country, role="nationality")
    DesigneeCountry.objects.create(designee=link.designee, country=link.country, role="address")


def test_country_natural_key_round_trips():
    country = CountryFactory(code="QX", name="Test land")

    assert Country.objects.get_by_natural_key(*country.natural_key()) == country


def test_in_force_on_excludes_later_listings_and_earlier_delistings():
    program = ProgramFactory(code="ICC-EO13928")
    bensouda = DesignationFactory(
        program=program, status="delisted", listed_on=datetime.date(2020, 9, 2), delisted_on=datetime.date(2021, 4, 2)
    )

    assert list(Designation.objects.in_force_on(datetime.date(2020, 12, 31))) == [bensouda]
    assert not Designation.objects.in_force_on(datetime.date(2020, 9, 1)).exists()
    assert not Designation.objects.in_force_on(datetime.date(2021, 4, 2)).exists()


def test_for_country_counts_a_designee_once_whatever_the_roles():
    china = CountryFactory(code="QC", name="Q China")
    chen = DesigneeFactory(name="CHEN, Quanguo")
    DesigneeCountryFactory(designee=chen, country=china, role="place_of_birth")
    DesigneeCountryFactory(designee=chen, country=china, role="nationality")
    DesignationFactory(designee=chen)

    assert Designation.objects.for_country("qc").count() == 1
    assert Designation.objects.for_country("QC", role="nationality").count() == 1
    assert Designation.objects.for_country("QC", role="address").count() == 0


def test_str_is_what_a_person_would_say():
    designation = DesignationFactory(designee__name="LAM, Carrie", program__code="HK-EO13936")
    document = SourceDocument(title="OFAC SDN list as of 02 Jul 2024")

    assert str(designation) == "LAM, Carrie [HK-EO13936]"
    assert str(document) == "OFAC SDN list as of 02 Jul 2024"
    assert designation.get_absolute_url() == designation.designee.get_absolute_url()
