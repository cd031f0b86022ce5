"""The delisting gates: how many designations one run may end, and who must agree to more.

Checked on the plan, before any write (``judge_delistings`` gives the verdict, ``enforce`` acts on it):

1. A complete snapshot that would delist more than the allowed share of the list's active designations
   (``IMPORT_MAX_DELIST_SHARE`` or the run's own) is refused (``ImportSafetyError``), approved or not.
2. A ``DelistApproval`` that covers the planned delistings lifts the count gates below.
3. More than ``IMPORT_MAX_DELIST_COUNT``: refused, whatever the share.
4. More than ``IMPORT_REVIEW_DELIST_COUNT``: held for an editor (``ReviewRequired``, with what the run
   would delist); a dry run reports it in a warning instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from importers.upsert.plan import DelistingGate, Verdict

PLAN_SAMPLE = 20  # delistings named in a held run's plan


class ImportSafetyError(Exception):
    """The snapshot looks wrong (far too many delistings): nothing was written."""


class ReviewRequired(Exception):
    """The run would delist more designations than a run may without an editor's review: nothing was written.

    ``plan`` says what it would have done: ``count``, a ``sample`` of the delistings (entry number, name,
    program) and every planned ``designations`` pk, which a confirmation approves exactly.
    """

    def __init__(self, message: str, plan: dict) -> None:
        super().__init__(message)
        self.plan = plan


@dataclass(frozen=True)
class DelistApproval:
    """A person's approval of a run's delistings beyond the review threshold and the absolute cap.

    At most ``count`` delistings, and when ``designations`` is given only those (the plan an editor
    reviewed). The share cap (``IMPORT_MAX_DELIST_SHARE`` or the run's own) still applies.
    """

    count: int
    designations: frozenset[int] | None = None

    def allows(self, planned: Sequence[int]) -> bool:
        return len(planned) <= self.count and (self.designations is None or set(planned) <= self.designations)


@dataclass(frozen=True)
class DelistLimits:
    """The gates' numbers: the share of a list's active designations, the absolute cap, the review threshold."""

    max_share: float
    max_count: int
    review_count: int

    @classmethod
    def from_settings(cls, max_share: float | None = None) -> DelistLimits:
        return cls(
            max_share=settings.IMPORT_MAX_DELIST_SHARE if max_share is None else max_share,
            max_count=settings.IMPORT_MAX_DELIST_COUNT,
            review_count=settings.IMPORT_REVIEW_DELIST_COUNT,
        )


@dataclass(frozen=True, slots=True)
class PlannedDelisting:
    """One designation the plan ends, as a held run names it."""

    designation: int
    entry: str  # the designee's source_uid
    name: str
    program: str


def judge_delistings(
    planned: Sequence[PlannedDelisting],
    *,
    limits: DelistLimits,
    approval: DelistApproval | None,
    active_total: int | None = None,
) -> DelistingGate:
    """The verdict on ``planned`` (module docstring); ``active_total`` (a complete snapshot's) enables the share cap."""
    count = len(planned)
    if active_total is not None and active_total >= 100 and count > limits.max_share * active_total:
        return DelistingGate(
            Verdict.REFUSE,
            f"This snapshot would delist {count} of {active_total} active designations "
            f"({count / active_total:.1%}), above the allowed {limits.max_share:.0%}. Nothing was written. "
            "Check the download; if the removals are real, rerun with a higher IMPORT_MAX_DELIST_SHARE.",
        )
    pks = [p.designation for p in planned]
    if approval is not None and approval.allows(pks):
        note = ""
        if count > limits.review_count:
            note = f"{count} delistings made under a person's approval (of up to {approval.count})."
        return DelistingGate(Verdict.APPROVED, note)
    not_approved = ""
    if approval is not None:
        not_approved = (
            f" The approval given covers up to {approval.count} delistings"
            + (" of the plan an editor reviewed" if approval.designations is not None else "")
            + ", not these."
        )
    if count > limits.max_count:
        return DelistingGate(
            Verdict.REFUSE,
            f"This run would delist {count} designations, above the {limits.max_count} one run may delist "
            f"(IMPORT_MAX_DELIST_COUNT). Nothing was written.{not_approved} Check the files; if the removals are "
            f"real, import them again with --approve-delistings {count}.",
        )
    if count > limits.review_count:
        return DelistingGate(
            Verdict.HOLD,
            f"This run would delist {count} designations, more than the {limits.review_count} one run may delist "
            f"without an editor's review (IMPORT_REVIEW_DELIST_COUNT).{not_approved}",
            _review(planned),
        )
    return DelistingGate(Verdict.PASS)


def _review(planned: Sequence[PlannedDelisting]) -> dict:
    """What a held run would delist: the count, a sample by entry number, and every designation pk."""
    ordered = sorted(planned, key=lambda p: (int(p.entry) if p.entry.isdigit() else 0, p.entry, p.program))
    return {
        "count": len(planned),
        "sample": [
            {"designation": p.designation, "entry": p.entry, "name": p.name, "program": p.program}
            for p in ordered[:PLAN_SAMPLE]
        ],
        "designations": sorted(p.designation for p in planned),
    }


def enforce(gate: DelistingGate, *, review: bool) -> tuple[list[str], dict]:
    """Act on the verdict before anything is written: raise, or return the run's warnings and stats about it.

    ``review=False`` (a dry run) reports a run that would be held for review instead of holding it.
    """
    if gate.verdict == Verdict.REFUSE:
        raise ImportSafetyError(gate.message)
    if gate.verdict == Verdict.HOLD:
        if review:
            raise ReviewRequired(gate.message, dict(gate.review))
        return [f"{gate.message} A real run would be held for review."], {"planned_delistings": dict(gate.review)}
    return ([gate.message] if gate.message else []), {}
