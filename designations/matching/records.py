"""What a search answers (``MatchResult``), what it knows of a designee (``DesigneeFacts``) and a batch's query
(``MatchQuery``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TypedDict


@dataclass(frozen=True)
class MatchResult:
    """A designee whose name or alias resembles the query, with the score and why."""

    designee_id: int
    name: str
    score: float
    matched_name: str
    matched_field: str
    explanation: dict[str, float | str] = field(hash=False, compare=False)


@dataclass(frozen=True, slots=True)
class DesigneeFacts:
    """What the matcher knows about a designee beyond its names."""

    id: int
    name: str
    kind: str
    entry_number: int | None
    birth_dates: tuple[tuple[datetime.date, datetime.date], ...]
    countries: frozenset[str]
    programs: tuple[str, ...]  # active programs only


class MatchQuery(TypedDict, total=False):
    """One name to screen, as the batch call takes it."""

    name: str
    birth_date: str | None
    country: str | None
    kind: str | None
