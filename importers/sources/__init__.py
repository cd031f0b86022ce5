"""The registry of source adapters, by slug.

Adding a source: copy an existing module, decorate its class with ``@register`` and import the module
in ``_load()`` below.
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


def _load() -> None:
    import importlib

    for module in ("ofac_sdn", "ofac_xml", "ofac_advanced", "ofac_history"):
        try:
            importlib.import_module(f"importers.sources.{module}")
        except ModuleNotFoundError as exc:  # an adapter module not written yet
            if exc.name != f"importers.sources.{module}":
                raise
    importlib.import_module("announcements.sources")


def get_adapter(slug: str) -> SourceAdapter:
    """Return a new adapter for ``slug``; ``KeyError`` names the known slugs."""
    _load()
    try:
        return _REGISTRY[slug]()
    except KeyError:
        raise KeyError(f"unknown source {slug!r}; known sources: {', '.join(sorted(_REGISTRY))}") from None


def all_slugs() -> list[str]:
    _load()
    return sorted(_REGISTRY)
