"""Map country texts as sources publish them ("Korea, North", "POB Pingyu, Henan, China") to ISO codes.

Pure helpers: nothing here touches the database at import time. ``CountryResolver.from_db()`` reads
the ``Country`` and ``CountryName`` tables once; importers build one resolver per run and call
``resolve()`` for every country text in their records.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_SPACES = re.compile(r"\s+")
_PARENTHESISED = re.compile(r"\s*\([^()]*\)\s*")
_TRAILING_PARENTHESIS = re.compile(r"\(([^()]+)\)$")


def normalise_country_text(text: str) -> str:
    """Strip, collapse runs of white space to one space and drop one trailing period.

    OFAC ends every remarks item with a period ("nationality Iran.") and its files sometimes
    carry doubled spaces ("Cabo Verde.  Previously Cape Verde."), so both sides of a lookup are
    compared in this form.
    """
    text = _SPACES.sub(" ", text).strip()
    if text.endswith("."):
        text = text[:-1].rstrip()
    return text


class CountryResolver:
    """Resolve published country texts to ISO 3166-1 alpha-2 codes (plus XK and a few historic codes).

    Built from a mapping of spellings to codes. ``resolve()`` tries, in order:

    1. the whole text, exactly (after ``normalise_country_text``);
    2. the whole text, ignoring case ("IRAQ", "MEXICO" in some places of birth);
    3. for comma-separated texts such as places of birth, the trailing parts, longest first, so
       "Kinshasa, Congo, Democratic Republic of the" finds "Congo, Democratic Republic of the"
       and "Pingyu, Henan, China" finds "China";
    4. the text without parenthesised asides ("Al-Madinah, (Medina) Saudi Arabia"), then the
       content of a final parenthesis ("Tunisi (Tunisia)"), each through steps 1 to 3.

    A text no step resolves (a city or region with no country, "undetermined") gives ``None``;
    the caller keeps the published text.
    """

    def __init__(self, spellings: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = spellings.items() if isinstance(spellings, Mapping) else spellings
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str | None] = {}
        for spelling, code in pairs:
            key = normalise_country_text(spelling)
            if not key:
                continue
            self._exact.setdefault(key, code)
            folded = key.casefold()
            if folded in self._folded and self._folded[folded] != code:
                # Two spellings that differ only in case name different countries: refuse to guess.
                self._folded[folded] = None
            else:
                self._folded[folded] = code

    @classmethod
    def from_db(cls) -> CountryResolver:
        """A resolver over every ``Country`` name and every ``CountryName`` spelling (two queries)."""
        from designations.models import Country, CountryName

        pairs = list(Country.objects.values_list("name", "code"))
        pairs += list(CountryName.objects.values_list("name", "country__code"))
        return cls(pairs)

    def __len__(self) -> int:
        return len(self._exact)

    def _lookup(self, text: str) -> str | None:
        code = self._exact.get(text)
        if code is not None:
            return code
        return self._folded.get(text.casefold())

    def _lookup_with_parts(self, text: str) -> str | None:
        code = self._lookup(text)
        if code is not None or "," not in text:
            return code
        parts = [part.strip() for part in text.split(",")]
        for start in range(1, len(parts)):
            suffix = ", ".join(part for part in parts[start:] if part)
            if suffix:
                code = self._lookup(suffix)
                if code is not None:
                    return code
        return None

    def resolve(self, text: str | None) -> str | None:
        """The country code ``text`` names, or ``None`` when it names no known country."""
        if not text:
            return None
        text = normalise_country_text(text)
        if not text:
            return None
        code = self._lookup_with_parts(text)
        if code is not None or "(" not in text:
            return code
        without_asides = normalise_country_text(_PARENTHESISED.sub(" ", text).replace(" ,", ","))
        if without_asides and without_asides != text:
            code = self._lookup_with_parts(without_asides)
            if code is not None:
                return code
        trailing = _TRAILING_PARENTHESIS.search(text)
        if trailing:
            return self._lookup_with_parts(normalise_country_text(trailing.group(1)))
        return None
