"""What apps above ``designations`` add to its pages, registered in their ``AppConfig.ready()``.

``designations`` cannot import the apps built on it (the layers go one way: ``tracker`` -> the reference
data -> ``designations`` -> ``importers`` -> ``announcements``, ``allies``), so those apps register here:

- a lookup of which source documents are reconstructions (``announcements``: pages written from reports of
  a release, not saved from the publisher), which the designee page then never quotes as the publisher's;
- panels for a designee's page and for the pages of a country, a program or an authority (``allies``: the
  designee's entries on allied lists, what each ally designated under its own regimes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from designations.models import Designee

# --------------------------------------------------------------------------------------------------
# Reconstructed documents
# --------------------------------------------------------------------------------------------------
# Apps above this one that know which documents are reconstructions (the announcements: pages written from
# reports of a release, not saved from the publisher) register a lookup here: document ids -> those of them
# that are reconstructions.
_reconstruction_lookups: list[Callable[[list[int]], set[int]]] = []


def register_reconstruction_lookup(lookup: Callable[[list[int]], set[int]]) -> None:
    """Register ``lookup`` (document ids -> the reconstructed ones among them); registering twice is once."""
    if lookup not in _reconstruction_lookups:
        _reconstruction_lookups.append(lookup)


def reconstructed_documents(ids: Iterable[int | None]) -> set[int]:
    """Which of the source documents ``ids`` are reconstructions, never to be shown as the publisher's words.

    One query per registered lookup, none without ids."""
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return set()
    found: set[int] = set()
    for lookup in _reconstruction_lookups:
        found |= lookup(wanted)
    return found


# --------------------------------------------------------------------------------------------------
# Designee page panels
# --------------------------------------------------------------------------------------------------
# Apps above this one that know more about a designee (the allies: its entries on allied lists) register a
# panel here: designee -> None, or a dict with the ``template`` to include and that template's context.
_designee_panels: list[Callable[[Designee], dict | None]] = []


def register_designee_panel(panel: Callable[[Designee], dict | None]) -> None:
    """Register ``panel`` (designee -> a panel's ``template`` and context, or None); registering twice is once."""
    if panel not in _designee_panels:
        _designee_panels.append(panel)


def designee_panels(designee: Designee) -> list[dict]:
    """The registered panels that have something to show about ``designee``, in the order registered."""
    return [found for panel in _designee_panels if (found := panel(designee)) is not None]


# The same for the pages of a country, a program or an authority: subject -> None, or a panel.
_subject_panels: list[Callable[[Any], dict | None]] = []


def register_subject_panel(panel: Callable[[Any], dict | None]) -> None:
    """Register ``panel`` (a ``Country``, ``Program`` or ``Authority`` -> a panel, or None); twice is once."""
    if panel not in _subject_panels:
        _subject_panels.append(panel)


def subject_panels(subject: Any) -> list[dict]:
    """The registered panels that have something to show about a country, a program or an authority."""
    return [found for panel in _subject_panels if (found := panel(subject)) is not None]
