"""The ammitto scrapes: one YAML document per publisher record, in a tar.gz (shared by four parsers).

The ammitto project (github.com/ammitto/data-uk, data-eu, data-ca, data-au) fetches each publisher's
list daily and rewrites every record as ``processed/<id>.yaml``, beside ``processed/_index.yaml``
(``source``, ``count``, ``fetched_at``, ``schema: ammitto:sources:<publisher>:v1``). The copies held are
described in ``$TRACKER_DATA_DIR/allied/PROVENANCE.md``: field names and values are the publisher's, but
each converter drops some fields (the UK scrape has no dates of birth, the EU one no designation date, the
Canadian one no aliases).

``_index.yaml``'s ``fetched_at`` is the day of the scrape, which stands in for the list's own date. Its
``count`` does not match the documents held (6,334 against 6,349 for the UK scrape), so it is reported in
the figures and not checked.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterator

from allies.parsers.common import Regimes, finish
from allies.records import AlliedRecord, ParsedAlliedSource
from allies.safefiles import BadDocument, load_yaml, tar_files
from importers.sources.base import SourceError

INDEX = "_index.yaml"


class Doc:
    """Pop-and-audit access to a YAML mapping: keys never popped are reported as unknown fields."""

    def __init__(self, data: object, path: str, unknown: Counter) -> None:
        if not isinstance(data, dict):
            raise ValueError(f"{path} is a {type(data).__name__}, not a mapping")
        self.data = dict(data)
        self.path = path
        self.unknown = unknown

    def text(self, key: str, *, required: bool = False) -> str:
        """A scalar as text ("" when absent); a list or mapping here is a bad record."""
        value = self.data.pop(key, None)
        if value is None:
            text = ""
        elif value.__class__ is str:  # nearly always: the loader keeps scalars as text
            text = value.strip()
        elif isinstance(value, (list, dict)):
            raise ValueError(f"{self.path}.{key} is a {type(value).__name__}, not a value")
        else:
            text = str(value).strip()
        if required and not text:
            raise ValueError(f"{self.path} lacks the required field {key!r}")
        return text

    def flag(self, key: str) -> bool | None:
        """A YAML boolean ("true" / "false"), or None when absent."""
        value = self.text(key).casefold()
        if not value:
            return None
        if value in {"true", "false"}:
            return value == "true"
        raise ValueError(f"{self.path}.{key} is not true or false")

    def number(self, key: str) -> int | None:
        """A whole number, or None when absent."""
        value = self.text(key)
        if not value:
            return None
        if value.isdigit():
            return int(value)
        raise ValueError(f"{self.path}.{key} is not a whole number")

    def items(self, key: str) -> list[Doc]:
        """A list of mappings, each as a ``Doc``."""
        value = self.data.pop(key, None)
        if value is None:
            return []
        if not isinstance(value, list):
            raise ValueError(f"{self.path}.{key} is not a list")
        return [Doc(item, f"{self.path}.{key}[]", self.unknown) for item in value]

    def texts(self, key: str) -> list[str]:
        """A list of scalars as text."""
        value = self.data.pop(key, None)
        if value is None:
            return []
        if not isinstance(value, list) or any(isinstance(item, list | dict) for item in value):
            raise ValueError(f"{self.path}.{key} is not a list of values")
        return [item.strip() for item in value if item is not None and item.strip()]

    def mapping(self, key: str) -> Doc | None:
        value = self.data.pop(key, None)
        return None if value is None else Doc(value, f"{self.path}.{key}", self.unknown)

    def drop(self, *keys: str) -> None:
        """Fields read and deliberately not carried into records."""
        for key in keys:
            self.data.pop(key, None)

    def done(self) -> None:
        for key in self.data:
            self.unknown[f"{self.path}.{key}"] += 1


def documents(
    data: bytes, *, what: str, publisher: str, result: ParsedAlliedSource, stats: Counter
) -> Iterator[tuple[str, object]]:
    """Yield ``(member name, loaded YAML)`` for each record document of a scrape.

    1. Read the archive safely (``allies.safefiles.tar_files``).
    2. Check ``_index.yaml``'s ``schema`` names this publisher (``SourceError`` for another publisher's
       scrape) and take ``fetched_at`` as the list's date.
    3. A document that is not YAML, is too large or uses aliases is skipped with a warning.
    """
    files, warnings = tar_files(data, what=what)
    result.warnings.extend(warnings)
    index = [content for name, content in files if name.rsplit("/", 1)[-1] == INDEX]
    if len(index) != 1:
        result.warnings.append(f"{what}: no {INDEX}; the scrape has no date")
    else:
        try:
            info = Doc(load_yaml(index[0]), INDEX, Counter())
            schema = info.text("schema")
            fetched = info.text("fetched_at")
            stats["index_count"] = info.number("count") or 0
        except (BadDocument, ValueError) as exc:
            raise SourceError(f"{what}: unreadable {INDEX}: {exc}") from exc
        if schema and not schema.startswith(f"ammitto:sources:{publisher}:"):
            raise SourceError(f"{what}: {INDEX} says schema {schema!r}: not the {publisher} scrape")
        try:
            result.published_on = datetime.datetime.fromisoformat(fetched.replace("Z", "+00:00")).date()
        except ValueError:
            result.warnings.append(f"{what}: {INDEX} has no readable fetched_at ({fetched!r})")
    for name, content in files:
        base = name.rsplit("/", 1)[-1]
        if base == INDEX:
            continue
        if base.startswith("."):  # ".gitkeep": the scrape's repository housekeeping
            stats["other_files"] += 1
            continue
        if not base.endswith((".yaml", ".yml")):
            result.warnings.append(f"{what}: skipped {name!r}, which is not a YAML document")
            continue
        stats["documents"] += 1
        try:
            yield name, load_yaml(content)
        except BadDocument as exc:
            stats["skipped"] += 1
            result.warnings.append(f"{what}: skipped {name}: {exc}")


def parse_scrape(
    data: bytes,
    *,
    what: str,
    publisher: str,
    read: Callable[[Doc, Regimes, Counter], AlliedRecord],
) -> ParsedAlliedSource:
    """Parse a scrape with ``read`` (one document -> one record); a document it rejects is skipped."""
    result = ParsedAlliedSource()
    stats: Counter = Counter()
    unknown: Counter = Counter()
    regime_table = Regimes(publisher, what)
    seen: set[str] = set()
    for name, loaded in documents(data, what=what, publisher=publisher, result=result, stats=stats):
        try:
            record = read(Doc(loaded, "record", unknown), regime_table, stats)
            if record.source_uid in seen:
                raise ValueError(f"a second document for {record.source_uid!r}")
        except ValueError as exc:
            stats["skipped"] += 1
            result.warnings.append(f"{what}: skipped {name}: {exc}")
            continue
        seen.add(record.source_uid)
        result.records.append(record)
    return finish(result, regime_warnings=regime_table.warnings(), stats=stats, unknown=unknown, what=what)
