"""factory-boy factories, one per model, with sequence-numbered names and codes.

Generated country codes start in the ISO 3166 user-assigned range ``XA``..``XZ`` (XK, Kosovo as OFAC
uses it, is skipped) and never start with ``Q``: tests that need a country they name choose a code from
``QM``..``QZ``, which no factory hands out.
"""

from __future__ import annotations

import datetime
import string

import factory
from factory.django import DjangoModelFactory

from designations.models import (
    Address,
    Alias,
    BirthDate,
    Country,
    CountryName,
    DatePrecision,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    Identifier,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
)
from importers.models import ImportRun
from programs.models import Agency, Authority, AuthorityEvent, Program

_GENERATED_COUNTRY_CODES = [f"X{c}" for c in string.ascii_uppercase if c != "K"] + [
    a + b for a in string.ascii_uppercase if a not in "QX" for b in string.ascii_uppercase
]


def _country_code(n: int) -> str:
    return _GENERATED_COUNTRY_CODES[n % len(_GENERATED_COUNTRY_CODES)]


class CountryFactory(DjangoModelFactory[Country]):
    code = factory.Sequence(_country_code)
    name = factory.Sequence(lambda n: f"Country {n}")
    numeric = factory.Sequence(lambda n: f"{900 + n % 100:03d}")

    class Meta:
        model = Country
        django_get_or_create = ("code",)


class CountryNameFactory(DjangoModelFactory[CountryName]):
    name = factory.Sequence(lambda n: f"Spelling {n}")
    country = factory.SubFactory(CountryFactory)

    class Meta:
        model = CountryName


class AuthorityFactory(DjangoModelFactory[Authority]):
    code = factory.Sequence(lambda n: f"eo-{14000 + n}")
    kind = Authority.Kind.EXECUTIVE_ORDER
    name = factory.Sequence(lambda n: f"Executive Order {14000 + n}")
    short_name = factory.Sequence(lambda n: f"E.O. {14000 + n}")
    issuer = Agency.PRESIDENT
    signed_on = datetime.date(2021, 3, 1)
    status = Authority.Status.IN_FORCE

    class Meta:
        model = Authority
        django_get_or_create = ("code",)


class AuthorityEventFactory(DjangoModelFactory[AuthorityEvent]):
    authority = factory.SubFactory(AuthorityFactory)
    kind = AuthorityEvent.Kind.SIGNED
    occurred_on = factory.Sequence(lambda n: datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    description = "Signed by the President."

    class Meta:
        model = AuthorityEvent


class ProgramFactory(DjangoModelFactory[Program]):
    code = factory.Sequence(lambda n: f"PROG-{n}")
    name = factory.Sequence(lambda n: f"Program {n}")
    agency = Agency.OFAC
    family = Program.Family.OTHER
    status = Program.Status.ACTIVE

    class Meta:
        model = Program
        django_get_or_create = ("code",)


class SourceDocumentFactory(DjangoModelFactory[SourceDocument]):
    kind = SourceDocument.Kind.PRESS_RELEASE
    agency = Agency.OFAC
    source = "treasury-press"
    source_uid = factory.Sequence(lambda n: f"sb{1000 + n}")
    url = factory.Sequence(lambda n: f"https://home.treasury.gov/news/press-releases/sb{1000 + n}")
    title = factory.Sequence(lambda n: f"Treasury Sanctions Network {n}")
    published_on = datetime.date(2022, 12, 9)

    class Meta:
        model = SourceDocument


class DesigneeFactory(DjangoModelFactory[Designee]):
    kind = Designee.Kind.INDIVIDUAL
    name = factory.Sequence(lambda n: f"DESIGNEE, Person {n}")
    # Far above any real entry number, so a factory designee never collides with an imported real one.
    entry_number = factory.Sequence(lambda n: 900000 + n)
    source = "ofac-sdn"
    source_uid = factory.Sequence(lambda n: str(900000 + n))

    class Meta:
        model = Designee


class AliasFactory(DjangoModelFactory[Alias]):
    designee = factory.SubFactory(DesigneeFactory)
    name = factory.Sequence(lambda n: f"ALIAS, Name {n}")

    class Meta:
        model = Alias


class IdentifierFactory(DjangoModelFactory[Identifier]):
    designee = factory.SubFactory(DesigneeFactory)
    kind = "Passport"
    value = factory.Sequence(lambda n: f"P{700000 + n}")
    country = factory.SubFactory(CountryFactory)

    class Meta:
        model = Identifier


class AddressFactory(DjangoModelFactory[Address]):
    designee = factory.SubFactory(DesigneeFactory)
    street = factory.Sequence(lambda n: f"{n} Main Street")
    city = "Springfield"
    country = factory.SubFactory(CountryFactory)

    class Meta:
        model = Address


class BirthDateFactory(DjangoModelFactory[BirthDate]):
    designee = factory.SubFactory(DesigneeFactory)
    raw = "01 Jan 1970"
    date_from = datetime.date(1970, 1, 1)
    date_to = datetime.date(1970, 1, 1)
    precision = BirthDate.Precision.DAY

    class Meta:
        model = BirthDate


class PlaceOfBirthFactory(DjangoModelFactory[PlaceOfBirth]):
    designee = factory.SubFactory(DesigneeFactory)
    place = factory.Sequence(lambda n: f"Town {n}")
    country = factory.SubFactory(CountryFactory)

    class Meta:
        model = PlaceOfBirth


class DesigneeCountryFactory(DjangoModelFactory[DesigneeCountry]):
    designee = factory.SubFactory(DesigneeFactory)
    country = factory.SubFactory(CountryFactory)
    role = DesigneeCountry.Role.NATIONALITY

    class Meta:
        model = DesigneeCountry


class RelationshipFactory(DjangoModelFactory[Relationship]):
    from_designee = factory.SubFactory(DesigneeFactory)
    to_designee = factory.SubFactory(DesigneeFactory)
    to_name = factory.LazyAttribute(lambda o: o.to_designee.name if o.to_designee else "UNRESOLVED PARTY")
    kind = Relationship.Kind.LINKED_TO

    class Meta:
        model = Relationship


class DesignationFactory(DjangoModelFactory[Designation]):
    designee = factory.SubFactory(DesigneeFactory)
    program = factory.SubFactory(ProgramFactory)
    authority = None
    agency = Agency.OFAC
    status = Designation.Status.ACTIVE
    listed_on = datetime.date(2021, 6, 1)
    listed_precision = DatePrecision.DAY
    source = "ofac-sdn"

    class Meta:
        model = Designation


class DesignationEventFactory(DjangoModelFactory[DesignationEvent]):
    designation = factory.SubFactory(DesignationFactory)
    kind = DesignationEvent.Kind.LISTED
    occurred_on = factory.LazyAttribute(lambda o: o.designation.listed_on)
    precision = DatePrecision.DAY
    source_document = factory.SubFactory(SourceDocumentFactory)

    class Meta:
        model = DesignationEvent


class ImportRunFactory(DjangoModelFactory[ImportRun]):
    source = "ofac-sdn"
    status = ImportRun.Status.SUCCEEDED
    trigger = ImportRun.Trigger.SCHEDULED
    raw_sha256 = factory.Sequence(lambda n: f"{n:064x}")

    class Meta:
        model = ImportRun
