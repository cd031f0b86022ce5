"""What screening costs, in units of about a microsecond (``ScreeningCost``), and the budget a request may
spend (``ScreeningBudget``)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass


class ScreeningBudgetExceeded(Exception):
    """Screening stopped because it used up its budget of cost units (``"cost"``) or time (``"time"``)."""

    def __init__(self, limit: str, cost: ScreeningCost) -> None:
        super().__init__(f"screening exceeded its {limit} budget after {cost.names} names and {cost.units} cost units")
        self.limit = limit
        self.cost = cost


@dataclass(slots=True)
class ScreeningCost:
    """What screening has done so far.

    The unit of ``units`` is one comparison of a query word with a word of a list name, about a
    microsecond: a candidate name is bounded for ``query words x name words`` units (``_Bounds``), scored
    for ``SCORE_UNITS`` times as many (``_score_name``), and ``POSTINGS_PER_UNIT`` entries of the inverted
    index read to find candidates count one unit.
    """

    names: int = 0
    tokens: int = 0  # query words, as the matcher counts them (``token_count``)
    postings: int = 0  # inverted-index entries read
    examined: int = 0  # candidate names bounded
    scored: int = 0  # candidate names scored in full
    units: int = 0


class ScreeningBudget:
    """The cost units and seconds one screening (a request) may use, checked as it goes.

    ``NameIndex.search`` charges it for each name, for reading the index, for bounding the candidates
    and for each candidate it scores; ``charge`` raises ``ScreeningBudgetExceeded`` once the units or the
    seconds are spent, so a hostile batch stops early instead of running until a worker is killed. No
    signal, no thread: the check is a comparison at each charge. The default is unlimited: the budget
    then only counts.
    """

    __slots__ = ("_deadline", "cost", "seconds", "units")

    def __init__(self, *, units: int | None = None, seconds: float | None = None) -> None:
        self.cost = ScreeningCost()
        self.units = units
        self.seconds = seconds
        self._deadline = math.inf if seconds is None else time.monotonic() + seconds

    def charge(self, units: int) -> None:
        """Count ``units`` more, and stop when the budget is spent."""
        self.cost.units += units
        if self.units is not None and self.cost.units > self.units:
            raise ScreeningBudgetExceeded("cost", self.cost)
        if time.monotonic() >= self._deadline:
            raise ScreeningBudgetExceeded("time", self.cost)
