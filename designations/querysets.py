"""Reusable reads for designees and designations. Queries only: no writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from django.db import models
from django.db.models import Q

_WORD = re.compile(r"\w+")

# A role the country filters accept beyond the stored ``DesigneeCountry.Role`` values: the person's own
# country, whichever of these the list gives (OFAC gives only a place of birth for some people).
PERSONAL_ROLE = "personal"
PERSONAL_ROLES = ("nationality", "citizenship", "place_of_birth")
# Another: the country that issued one of the designee's identifiers (a passport, a national ID, a company
# registration), read from the identifiers themselves. A role of its own, asked for by name: "any role" means
# the stored ones, since an issuing country is no nationality, residence or seat (a Colombian passport of a
# Venezuelan official, a Hong Kong registration of a mainland firm).
IDENTIFIER_ROLE = "identifier"


def designees_in_countries(codes: str | Iterable[str], role: str | None = None) -> models.QuerySet:
    """The ids (``designee_id``) of designees tied to any of the countries (ISO codes, either case).

    Tied in any stored role, or in ``role``: a stored ``DesigneeCountry.Role`` value, ``"personal"`` for a
    nationality, a citizenship or a place of birth, or ``"identifier"`` for the issuer of an identifier.
    """
    from designations.models import DesigneeCountry, Identifier

    codes = [codes] if isinstance(codes, str) else list(codes)
    codes = [code.upper() for code in codes]
    if role == IDENTIFIER_ROLE:
        return Identifier.objects.filter(country__code__in=codes).values("designee_id")
    links = DesigneeCountry.objects.filter(country__code__in=codes)
    if role:
        links = links.filter(role__in=stored_roles(role))
    return links.values("designee_id")


def stored_roles(role: str) -> tuple[str, ...]:
    """The stored ``DesigneeCountry.Role`` values a country role asked for stands for."""
    return PERSONAL_ROLES if role == PERSONAL_ROLE else (role,)


class DesigneeQuerySet(models.QuerySet):
    def active(self) -> DesigneeQuerySet:
        return self.filter(designations__status="active").distinct()

    def for_country(self, code: str | Iterable[str], role: str | None = None) -> DesigneeQuerySet:
        """Designees tied to the country, or to any of the countries (``designees_in_countries``).

        A subquery rather than a join, so a designee tied to a country in two roles appears once.
        """
        return self.filter(pk__in=designees_in_countries(code, role))

    def search(self, text: str) -> DesigneeQuerySet:
        """Designees whose name or one alias contains every word of ``text``, in any order and case ("Huo
        Liujun" finds "HUO, Liujun"), or whose identifier contains ``text`` as published or normalised
        ("kj 0505670" finds "KJ0505670").

        Text in another script than the list's also matches as the name matcher transliterates it ("陈全国"
        finds "CHEN, Quanguo", "Кадыров" finds "KADYROV"; accents dropped), beside the text as typed (which
        finds aliases published in that script).

        Aliases and identifiers are matched in subqueries rather than joins, so each designee appears once.
        """
        from designations.matching.normalise import transliterate
        from designations.models import Alias, Identifier, normalised_identifier

        every_word = Q()
        for word in _WORD.findall(text) or [text]:
            every_word &= Q(name__icontains=word)
        if not text.isascii() and (latin := transliterate(text)) and latin.lower() != text.lower():
            in_latin = Q()
            for word in _WORD.findall(latin):
                in_latin &= Q(name__icontains=word)
            every_word |= in_latin
        identifiers = Q(value__icontains=text)
        normalised = normalised_identifier(text)
        if normalised:
            identifiers |= Q(normalised_value__contains=normalised)
        return self.filter(
            every_word
            | Q(pk__in=Alias.objects.filter(every_word).values("designee_id"))
            | Q(pk__in=Identifier.objects.filter(identifiers).values("designee_id"))
        )

    def with_related(self) -> DesigneeQuerySet:
        return self.prefetch_related(
            "aliases",
            "identifiers__country",
            "country_links__country",
            "designations__program",
            "designations__authority",
        )


class DesignationQuerySet(models.QuerySet):
    def active(self) -> DesignationQuerySet:
        return self.filter(status="active")

    def delisted(self) -> DesignationQuerySet:
        return self.filter(status="delisted")

    def in_force_on(self, day: datetime.date) -> DesignationQuerySet:
        """Designations listed on or before ``day`` and not delisted by then."""
        return self.filter(listed_on__lte=day).exclude(delisted_on__lte=day)

    def for_program(self, code: str) -> DesignationQuerySet:
        return self.filter(program__code=code)

    def for_country(self, code: str | Iterable[str], role: str | None = None) -> DesignationQuerySet:
        """Designations of designees tied to the country, or to any of the countries (in any role, in
        ``role``, or with ``role="personal"`` by nationality, citizenship or place of birth).

        A subquery rather than a join, so a designee tied to a country in two roles is not counted twice.
        """
        return self.filter(designee_id__in=designees_in_countries(code, role))

    def with_related(self) -> DesignationQuerySet:
        return self.select_related("designee", "program", "authority", "reason_source")

    def with_events(self) -> DesignationQuerySet:
        """Prefetch each designation's events with the source document each one cites."""
        from designations.models import DesignationEvent

        return self.prefetch_related(
            models.Prefetch("events", queryset=DesignationEvent.objects.select_related("source_document"))
        )
