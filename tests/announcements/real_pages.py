"""Scoring the announcement parsers on the real pages of the data directory (``announcements/real/``).

``truth.tsv`` gives, read by hand from each page, its date and each name it designates (``designated``),
updates (``updated``) or none. A parsed designee is an entry the page designates: ``listed`` (Treasury)
or ``visa_designation`` (State); names are compared after ``comparable`` (case, spacing and accents
folded, a parenthesised short form after the name allowed). Used by ``test_real_pages.py`` and by
``bench/announcements_bench.py``; no database, no Django settings.
"""

from __future__ import annotations

import csv
import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from announcements.parsers.base import Action, ParsedAnnouncement

DESIGNATING = (Action.LISTED, Action.VISA_DESIGNATION)


@dataclass(frozen=True)
class RealPage:
    file: str  # relative to the folder: "treasury-press/sm704.html"
    url: str
    kind: str  # treasury-press | state-press
    date: datetime.date
    designated: tuple[str, ...]
    updated: tuple[str, ...]


@dataclass
class Score:
    """Designated names found (tp), missed (fn) and parsed without being designated (fp)."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    pages: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    def add(self, other: Score) -> None:
        self.tp, self.fn, self.fp = self.tp + other.tp, self.fn + other.fn, self.fp + other.fp
        self.pages += other.pages
        self.misses += other.misses
        self.extras += other.extras


def comparable(name: str) -> str:
    """A name with case, spacing and accents folded and a trailing "(Short)" left out."""
    name = re.sub(r"\s*\([^()]*\)\s*$", "", name)
    name = unicodedata.normalize("NFKD", name)
    name = "".join(char for char in name if not unicodedata.combining(char))
    return " ".join(name.casefold().split())


def real_pages(folder: Path) -> list[RealPage]:
    """Every page of ``pages.csv`` with its truth."""
    with (folder / "pages.csv").open(encoding="utf-8", newline="") as handle:
        urls = {row["file"]: row["url"] for row in csv.DictReader(handle)}
    dates: dict[str, str] = {}
    names: dict[tuple[str, str], list[str]] = defaultdict(list)
    with (folder / "truth.tsv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            key = f"{row['kind']}/{row['file']}"
            dates[key] = row["date"]
            if row["action"] in ("designated", "updated"):
                names[(key, row["action"])].append(row["name"])
    return [
        RealPage(
            file=file,
            url=url,
            kind=file.split("/", 1)[0],
            date=datetime.date.fromisoformat(dates[file]),
            designated=tuple(names[(file, "designated")]),
            updated=tuple(names[(file, "updated")]),
        )
        for file, url in urls.items()
    ]


def parse_page(folder: Path, page: RealPage) -> ParsedAnnouncement:
    """Parse a real page as saved: Treasury releases without a title (the saved ``<article>`` has
    none), State statements with the truth's date as the caller's (two of the texts carry none)."""
    from announcements.parsers.state import parse_statement
    from announcements.parsers.treasury import parse_release

    content = (folder / page.file).read_bytes()
    if page.kind == "treasury-press":
        return parse_release(content, page.url)
    return parse_statement(content, page.url, published_on=page.date)


def score_page(page: RealPage, parsed: ParsedAnnouncement) -> Score:
    truth = {comparable(name): name for name in page.designated}
    found = [entry.name for entry in parsed.entries if entry.action in DESIGNATING]
    keys = {comparable(name) for name in found}
    score = Score(pages=1)
    for key, name in truth.items():
        if key in keys:
            score.tp += 1
        else:
            score.fn += 1
            score.misses.append(f"{page.file}: {name}")
    for name in found:
        if comparable(name) not in truth:
            score.fp += 1
            score.extras.append(f"{page.file}: {name}")
    return score


def scores_by_group(folder: Path) -> dict[tuple[str, int], Score]:
    """Scores per (kind, year of the page's date)."""
    groups: dict[tuple[str, int], Score] = defaultdict(Score)
    for page in real_pages(folder):
        groups[(page.kind, page.date.year)].add(score_page(page, parse_page(folder, page)))
    return dict(sorted(groups.items()))
