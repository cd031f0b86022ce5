"""Constraints and natural keys of authorities and programs."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from programs.models import Authority, AuthorityEvent, Program
from tests.factories import AuthorityFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_an_authority_no_longer_in_force_needs_its_end_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorityFactory(status=Authority.Status.REVOKED, ended_on=None)

    revoked = AuthorityFactory(status=Authority.Status.REVOKED, ended_on=datetime.date(2021, 4, 1))
    assert revoked.status == "revoked"


def test_a_program_cannot_replace_itself():
    program = ProgramFactory(code="BELARUS-EO")
    program.replaced_by = program

    with pytest.raises(IntegrityError), transaction.atomic():
        program.save()


def test_program_codes_are_unique_and_kept_exactly_as_published():
    program = ProgramFactory(code="CAATSA - RUSSIA")

    assert Program.objects.get_by_natural_key("CAATSA - RUSSIA") == program
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.create(code="CAATSA - RUSSIA", name="duplicate")


def test_authority_events_are_unique_per_kind_and_day():
    authority = AuthorityFactory(code="eo-13928")
    AuthorityEvent.objects.create(authority=authority, kind="revoked", occurred_on=datetime.date(2021, 4, 1))

    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorityEvent.objects.create(authority=authority, kind="revoked", occurred_on=datetime.date(2021, 4, 1))


def test_authority_natural_key_round_trips():
    authority = AuthorityFactory(code="eo-13818")

    assert Authority.objects.get_by_natural_key(*authority.natural_key()) == authority
