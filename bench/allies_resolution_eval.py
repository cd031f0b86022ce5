"""Allied cross-list resolution: precision and recall against pairs read by hand (``bench/allied_pairs.csv``).

Run on a database filled by ``manage.py seed`` and ``manage.py seed_allies`` (the database comes from the
environment, as for the site)::

    DJANGO_DEBUG=true .venv/bin/python bench/allies_resolution_eval.py

The file holds pairs of an allied entry and a US entry (OFAC's entry number) read by a person from both
records (names, birth dates, nationalities, roles, statements of reasons), labelled ``same`` yes or no, and
allied entries for which no US designee was found (``us_entry`` empty). Two samples, reported apart:

* ``development``: pairs drawn from the resolver's own links and review queue per rule, and a random sample
  of allied human-rights and anti-corruption entries with their US counterpart, read before the second
  screening and the same-birth-day rule were added (those rules were written with these pairs in view);
* ``held-out``: another random sample of those allied entries, drawn and read after the rules were set.

The resolver (``allies.resolution.candidate_links``, nothing written) is run once. A link counts as right
when its pair is labelled ``yes``; as wrong when it is labelled ``no``, when the entry has no US counterpart,
or when the entry's counterpart is another US entry; other links (to entries whose counterpart nobody
established) are not judged.
Precision = right / (right + wrong); recall = labelled ``yes`` pairs linked / all labelled ``yes`` pairs
(and, with the review queue, linked or waiting for an editor).
"""

from __future__ import annotations

import csv
import os
import platform
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "bench" / "allied_pairs.csv"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.db import connection

    from allies.models import AlliedEntry, PartyLink
    from allies.resolution import candidate_links
    from designations.models import Designee

    with PAIRS.open(encoding="utf-8") as handle:
        labelled = list(csv.DictReader(handle))
    if not AlliedEntry.objects.exists():
        print("No allied entries in this database: run `manage.py seed_allies` first.", file=sys.stderr)
        return 2
    found = candidate_links()
    entries = {pk: (slug, uid) for pk, slug, uid in AlliedEntry.objects.values_list("pk", "list_slug", "source_uid")}
    designee_ids = {designee_id for designee_id, _ in found}
    us = dict(Designee.objects.filter(pk__in=designee_ids).values_list("pk", "source_uid"))
    states = {(us[d], *entries[e]): values["state"] for (d, e), values in found.items()}

    print(f"{len(found)} candidate pairs ({sum(v == 'linked' for v in states.values())} linked) on {connection.vendor}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    for sample in ("development", "held-out"):
        rows = [row for row in labelled if row["sample"] == sample]
        report(sample, rows, states, PartyLink.State)
    return 0


def report(sample: str, rows: list[dict], states: dict, State) -> None:
    positives = {(row["us_entry"], row["list"], row["allied_uid"]) for row in rows if row["same"] == "yes"}
    negatives = {
        (row["us_entry"], row["list"], row["allied_uid"]) for row in rows if row["same"] == "no" and row["us_entry"]
    }
    counterpart: dict[tuple[str, str], set[str]] = defaultdict(set)
    alone = {(row["list"], row["allied_uid"]) for row in rows if not row["us_entry"]}  # no US counterpart
    for row in rows:
        if row["same"] == "yes":
            counterpart[(row["list"], row["allied_uid"])].add(row["us_entry"])
    # An entry is judged when it was read whole: its US counterpart is known, or it has none.
    read = alone | set(counterpart)
    right, wrong = [], []
    for (us_entry, slug, uid), state in states.items():
        pair = (us_entry, slug, uid)
        if state != State.LINKED or ((slug, uid) not in read and pair not in negatives):
            continue
        if pair in positives:
            right.append(pair)
        else:  # labelled different, or an entry with no US counterpart, or whose counterpart is another
            wrong.append(pair)
    linked = sum(1 for pair in positives if states.get(pair) == State.LINKED)
    queued = sum(1 for pair in positives if states.get(pair) == State.PENDING)
    precision = len(right) / (len(right) + len(wrong)) if right or wrong else None
    print(
        f"\n{sample}: {len(positives)} pairs labelled the same party, {len(negatives)} labelled different, "
        f"{len(alone)} entries with no US counterpart"
    )
    print(f"  links judged: {len(right)} right, {len(wrong)} wrong; precision {fmt(precision)}")
    print(
        f"  recall: linked {linked}/{len(positives)} ({fmt(linked / len(positives) if positives else None)}); "
        f"linked or for review {linked + queued}/{len(positives)} "
        f"({fmt((linked + queued) / len(positives) if positives else None)})"
    )
    for pair in sorted(wrong):
        print(f"  wrong link: US {pair[0]} ~ {pair[1]} {pair[2][:16]}")
    for pair in sorted(positives):
        if states.get(pair) != State.LINKED:
            print(f"  not linked ({states.get(pair, 'not a candidate')}): US {pair[0]} ~ {pair[1]} {pair[2][:16]}")


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


if __name__ == "__main__":
    sys.exit(main())
