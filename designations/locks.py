"""What an editor can lock on a designee against imports: the lock vocabulary.

A designee's ``locked_fields`` holds names from here: ``LOCK_ALL`` (the whole record), a field imports
write (``SCALAR_FIELDS``), or a child collection imports replace as a set (``CHILD_COLLECTIONS``, the
keys of ``designations.models.DESIGNEE_COLLECTIONS``). The importers honour exactly these names and
record the change a lock made them skip.
"""

from __future__ import annotations

from collections.abc import Collection

LOCK_ALL = "*"
# Designee fields an import copies from the list entry; an editor can lock any of them.
SCALAR_FIELDS: tuple[str, ...] = (
    "kind",
    "name",
    "title",
    "gender",
    "remarks",
    "call_sign",
    "vessel_type",
    "vessel_flag",
    "vessel_owner",
    "tonnage",
    "gross_registered_tonnage",
    "aircraft_model",
    "aircraft_operator",
)
# Child collections an import replaces as a set; each can be locked by this name.
CHILD_COLLECTIONS: tuple[str, ...] = (
    "aliases",
    "identifiers",
    "addresses",
    "birth_dates",
    "places_of_birth",
    "country_links",
    "relationships",
    "stated_facts",
)
DESIGNEE_LOCKABLE: tuple[str, ...] = (LOCK_ALL, *SCALAR_FIELDS, *CHILD_COLLECTIONS)


def is_locked(locks: Collection[str] | None, *names: str) -> bool:
    """Whether ``locks`` (a designee's or designation's ``locked_fields``) keeps any of ``names`` from imports."""
    return bool(locks) and (LOCK_ALL in locks or any(name in locks for name in names))
