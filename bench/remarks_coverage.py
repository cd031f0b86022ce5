"""How much of OFAC's remarks the grammar in ``importers/remarks.py`` recognises.

Usage: ``.venv/bin/python bench/remarks_coverage.py [path/to/sdn.csv]`` (default: the bundled
2024-07-02 ``sdn.csv``). Prints the items read, the items left unparsed and their share, and the 30
most frequent prefixes (first two words, digits masked) of the unparsed items. Needs no Django
settings: the parser and the CSV reader are plain Python.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from importers.remarks import parse_remarks  # noqa: E402
from importers.sources.ofac_sdn import sdn_csv_rows, value  # noqa: E402
from tracker.datadir import data_path  # noqa: E402

DEFAULT = data_path("ofac", "sdn_2024-07-02", "sdn.csv")
KINDS = {"individual": "individual", "vessel": "vessel", "aircraft": "aircraft", "": "entity"}


def prefix(item: str) -> str:
    """The first two words of an item, digits masked, so similar items group together."""
    return re.sub(r"\d+", "#", " ".join(item.split()[:2]))


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    warnings: list[str] = []
    total = unparsed = entries = 0
    prefixes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for row in sdn_csv_rows(path.read_bytes(), path.name, columns=12, warnings=warnings):
        entries += 1
        kind = KINDS.get(value(row[2]).strip(), "")
        result = parse_remarks(value(row[11]), title=value(row[4]), kind=kind)
        total += result.items
        unparsed += len(result.unparsed)
        for item in result.unparsed:
            prefixes[prefix(item)] += 1
            examples.setdefault(prefix(item), item)
    for warning in warnings:
        print(f"warning: {warning}")
    share = unparsed / total if total else 0.0
    print(f"file:           {path}")
    print(f"entries:        {entries:,}")
    print(f"items total:    {total:,}")
    print(f"items unparsed: {unparsed:,}")
    print(f"unparsed share: {share:.3%}")
    print("most frequent unparsed prefixes:")
    for text, count in prefixes.most_common(30):
        print(f"{count:6,}  {text:<30}  e.g. {examples[text][:70]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
