"""The registry of source adapters, by slug.

Apps register their adapters when they are ready: the importers the OFAC list formats
(``importers.apps``, through ``@register`` on each class), the announcements their pages
(``announcements.apps``). Adding a source: write its adapter class, register it, and register a writer
for its ``record_type`` if no app writes that type yet (``importers.writers``).
"""

from __future__ import annotations

from importers.sources.base import SourceAdapter

_REGISTRY: dict[str, type[SourceAdapter]] = {}


def register(cls: type[SourceAdapter]) -> type[SourceAdapter]:
    """Class decorator: make an adapter available under its ``slug``."""
    if cls.slug in _REGISTRY and _REGISTRY[cls.slug] is not cls:
        raise ValueError(f"two adapters registered as {cls.slug!r}")
    _REGISTRY[cls.slug] = cls
    return cls


def get_adapter(slug: str) -> SourceAdapter:
    """Return a new adapter for ``slug``; ``KeyError`` names the known slugs."""
    try:
        return _REGISTRY[slug]()
    except KeyError:
        raise KeyError(f"unknown source {slug!r}; known sources: {', '.join(sorted(_REGISTRY))}") from None


def all_slugs() -> list[str]:
    return sorted(_REGISTRY)


def adapters() -> list[type[SourceAdapter]]:
    """Every registered adapter class, by slug."""
    return [_REGISTRY[slug] for slug in sorted(_REGISTRY)]
