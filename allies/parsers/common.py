"""Helpers shared by the allied parsers: picking the input file, cleaning cells, names, regimes, warnings."""

from __future__ import annotations

import dataclasses
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from allies import regimes
from allies.records import NameRecord, ParsedAlliedSource
from importers.sources.base import SourceError

logger = logging.getLogger(__name__)

RawBundle = dict[str, bytes]

# Values that mean "nothing here" in DFAT's and Canada's free-text cells.
EMPTY_MARKERS = frozenset({"", "na", "n/a", "-", "--", "none", "unknown"})


def pick_file(raw: RawBundle, *, what: str, suffixes: tuple[str, ...]) -> tuple[str, bytes]:
    """The one file of the bundle whose name ends with one of ``suffixes`` (case-insensitive)."""
    matches = [name for name in raw if name.lower().endswith(suffixes)]
    if len(matches) != 1:
        raise SourceError(f"{what}: expected one {' or '.join(suffixes)} file, got {sorted(raw) or 'none'}")
    return matches[0], raw[matches[0]]


def cell(value: object) -> str:
    """A spreadsheet or YAML value as text, surrounding whitespace removed; a whole float loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """The non-empty values, first occurrence kept, in order."""
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return tuple(seen)


def meaningful(value: str) -> str:
    """``value``, or "" when it is one of the lists' placeholders ("NA", "-", "unknown")."""
    return "" if value.strip().casefold() in EMPTY_MARKERS else value.strip()


_NUMBERED = re.compile(r"\(\d{1,2}\)\s*")


def split_numbered(text: str) -> list[str]:
    """OFSI's numbered lists: "(1) Germany. (2) Morocco" -> ["Germany", "Morocco"]; plain text -> [text]."""
    if not text:
        return []
    if not _NUMBERED.match(text):
        return [text]
    items = [item.strip().rstrip(".").strip() for item in _NUMBERED.split(text)]
    return [item for item in items if item and item != "-"]


def gender(raw: str) -> str:
    """ "Male", "M", "male" -> "male"; "Female", "F" -> "female"; anything else -> ""."""
    value = raw.strip().casefold()
    if value in {"male", "m"}:
        return "male"
    if value in {"female", "f"}:
        return "female"
    return ""


_SCRIPTS = (
    ("LATIN", "Latn"),
    ("CYRILLIC", "Cyrl"),
    ("ARABIC", "Arab"),
    ("CJK", "Hani"),
    ("HANGUL", "Hang"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("GEORGIAN", "Geor"),
    ("HEBREW", "Hebr"),
    ("GREEK", "Grek"),
    ("THAI", "Thai"),
    ("MYANMAR", "Mymr"),
    ("ARMENIAN", "Armn"),
    ("DEVANAGARI", "Deva"),
)


def script_of(text: str) -> str:
    """The ISO 15924 code of the script of the first letter of ``text``; "" when none is recognised."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            for prefix, code in _SCRIPTS:
                if name.startswith(prefix):
                    return code
            return ""
    return ""


def other_names(names: Iterable[NameRecord], primary: NameRecord | None) -> tuple[NameRecord, ...]:
    """Every name but the primary one, once each; a second name marked primary becomes a primary variation."""
    others = (
        dataclasses.replace(name, kind="primary_variation") if name.kind == "primary" else name
        for name in names
        if name is not primary
    )
    return tuple(dict.fromkeys(others))


def join_name(parts: Iterable[str]) -> str:
    return " ".join(part for part in parts if part)


class Regimes:
    """Resolves published regime labels for one parse and warns once per label not in the table."""

    def __init__(self, publisher: str, what: str) -> None:
        self.publisher = publisher
        self.what = what
        self._cache: dict[str, regimes.RegimeMatch] = {}
        self.unknown: Counter[str] = Counter()

    def code(self, label: str) -> str:
        match = self._cache.get(label)
        if match is None:
            match = self._cache[label] = regimes.resolve(self.publisher, label)
        if not match.known:
            self.unknown[label] += 1
        return match.code

    def match(self, label: str) -> regimes.RegimeMatch:
        self.code(label)
        return self._cache[label]

    def warnings(self) -> list[str]:
        return [
            f"{self.what}: regime {label!r} is not in the allied regime table; coded "
            f"{self._cache[label].code} ({count} records)"
            for label, count in sorted(self.unknown.items())
        ]


def finish(result: ParsedAlliedSource, *, regime_warnings: list[str], stats: Counter, unknown: Counter, what: str):
    """Add the regime and unknown-field warnings, the figures, and log every warning."""
    result.warnings.extend(regime_warnings)
    for name, count in sorted(unknown.items()):
        result.warnings.append(f"{what}: unknown field {name!r} ({count} times), not imported")
    per_regime: Counter[str] = Counter()
    per_kind: Counter[str] = Counter()
    for record in result.records:
        per_kind[record.kind] += 1
        for code in unique(record.regime_codes):
            per_regime[code] += 1
    result.stats = {
        "records": len(result.records),
        **dict(sorted(stats.items())),
        "kinds": dict(sorted(per_kind.items())),
        "regimes": dict(sorted(per_regime.items())),
    }
    for warning in result.warnings:
        logger.warning(warning)
    return result
