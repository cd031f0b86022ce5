"""Words of the records mapped onto the reference while a plan is computed: program tags, countries, names.

Each plan makes its own ``Programs`` and ``Countries``: they note what the reference lacks (tags the
tracker has not seen, country spellings no rule maps) for the plan to create or report.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable

from designations.countries import normalise_country_text
from importers.upsert.state import Reference


def name_key(name: str) -> str:
    """A name compared as "Linked To"s and duplicate entries compare it: upper case, spaces folded."""
    return " ".join(name.upper().split())


class Programs:
    """Program tags by code; a tag the reference lacks is noted once, for the plan to create."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.new: list[str] = []

    def code(self, tag: str) -> str:
        if tag not in self.reference.programs and tag not in self.new:
            self.new.append(tag)
        return tag

    def codes(self, tags: Iterable[str]) -> list[str]:
        """The codes of ``tags`` in published order, each once."""
        return list(dict.fromkeys(self.code(tag) for tag in tags))

    def authority(self, code: str) -> int | None:
        return self.reference.authority_for(code)

    def successor(self, code: str) -> str | None:
        program = self.reference.programs.get(code)
        return program.replaced_by if program else None

    def same_authority(self, old: str, new: str) -> bool:
        """Both tags are known and their designations are made under one authority (``BPI-RUSSIA-EO14024`` ->
        ``RUSSIA-EO14024``); a tag the registry does not know, or without an authority, is never the same."""
        authority = self.authority(old)
        return authority is not None and authority == self.authority(new)

    def authority_ended(self, code: str) -> datetime.date | None:
        return self.reference.authority_ended(code)

    def warnings(self) -> list[str]:
        return [
            f"New program tag {code!r} created; an editor should name it and link its authorities." for code in self.new
        ]


def pair_retags(programs: Programs, removed: list[str], added: list[str]) -> list[tuple[str, str]]:
    """Pair programs that vanished from an entry with programs that appeared on it: the re-tags that keep
    the designation (amendments).

    First by the ``replaced_by`` link between tags (a renamed placeholder, ``BELARUS-EO`` ->
    ``BELARUS-EO14038``); then, when exactly one tag went and one came, only if both are under the same
    authority. A move to a program under another authority (``ZIMBABWE`` -> ``GLOMAG``, ``SDNTK`` ->
    ``SDGT``) is not paired: the designation under the old authority ends and one under the new begins.
    """
    pairs: list[tuple[str, str]] = []
    removed, added = list(removed), list(added)
    for old in list(removed):
        successor = programs.successor(old)
        if successor in added:
            pairs.append((old, successor))
            removed.remove(old)
            added.remove(successor)
    if len(removed) == 1 and len(added) == 1 and programs.same_authority(removed[0], added[0]):
        pairs.append((removed[0], added[0]))
    return pairs


class Countries:
    """Country texts as published -> ``Country`` pks; spellings no rule maps are counted, per use."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.unmapped: Counter[str] = Counter()
        self._seen: dict[str, tuple[int | None, str | None]] = {}  # text -> (pk, its unmapped spelling or None)

    def country(self, text: str) -> int | None:
        if not text:
            return None
        found = self._seen.get(text)
        if found is None:
            code = self.reference.resolver.resolve(text)
            if code is None:
                found = (None, normalise_country_text(text))
            else:
                found = (self.reference.countries.get(code), None)
            self._seen[text] = found
        pk, unmapped = found
        if unmapped is not None:
            self.unmapped[unmapped] += 1
        return pk

    def warnings(self) -> list[str]:
        if not self.unmapped:
            return []
        top = sorted(self.unmapped.items(), key=lambda kv: -kv[1])[:10]
        return [
            f"{len(self.unmapped)} country spellings could not be mapped to a code "
            f"({sum(self.unmapped.values())} uses), e.g. " + ", ".join(f"{k!r} x{v}" for k, v in top)
        ]
