"""What the recording, the linking and the effects share: thresholds, source lists, the editors' decision
error, and small helpers on dates, authorities and records."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from designations.models import (
    DatePrecision,
)
from importers.records import DesigneeRecord
from programs.models import Agency

AUTO_LINK_SCORE = 0.9
AUTO_LINK_MARGIN = 0.05
CONTEXT_LINK_SCORE = 0.85
CANDIDATE_LIMIT = 5
VISA_PROGRAM = "7031C"
ANNOUNCEMENT_SOURCES = ("ofac-recent-actions", "treasury-press", "state-press")
# Announcement sources whose entries are authoritative enough to create a designee and its designation.
LIST_ENTRY_SOURCES = ("ofac-recent-actions",)
AGENCY_OF = {"ofac": Agency.OFAC, "treasury": Agency.OFAC, "state": Agency.STATE}
DATE_RANK = {
    DatePrecision.ON_OR_BEFORE: 1,
    DatePrecision.RANGE: 2,
    DatePrecision.YEAR: 3,
    DatePrecision.MONTH: 4,
    DatePrecision.DAY: 5,
}


_EXECUTIVE_ORDER = re.compile(r"\bE\.?\s?O\.?\s*(\d{5})\b")


class MentionDecisionError(Exception):
    """An editor's decision cannot be applied (wrong state, no designee to accept)."""


def date_fits(on: datetime.date | None, precision: str, earliest: datetime.date | None, day: datetime.date) -> bool:
    """Whether an announcement's ``day`` can be the date a bracket (``on``, ``precision``) stands for."""
    if on is None or not precision:
        return True
    if precision == DatePrecision.DAY:
        return on == day
    if precision == DatePrecision.ON_OR_BEFORE:
        return day <= on
    if precision == DatePrecision.RANGE:
        return (earliest is None or earliest < day) and day <= on
    if precision == DatePrecision.MONTH:
        return (on.year, on.month) == (day.year, day.month)
    if precision == DatePrecision.YEAR:
        return on.year == day.year
    return False


def authority_codes(texts) -> set[str]:
    """Authority codes of the legal bases an announcement cites ("E.O. 13405" -> "eo-13405", names too)."""
    from programs.models import Authority

    codes, names = set(), []
    for text in texts:
        orders = _EXECUTIVE_ORDER.findall(text or "")
        codes.update(f"eo-{number}" for number in orders)
        if not orders and text:
            names.append(text.strip())
    if names:
        codes.update(
            Authority.objects.filter(Q(short_name__in=names) | Q(name__in=names) | Q(code__in=names)).values_list(
                "code", flat=True
            )
        )
    return codes


def record_json(record: DesigneeRecord | None) -> dict:
    """The record as JSON values: dates as ISO strings (``_record_from_json`` reads them back)."""
    if record is None:
        return {}
    return json.loads(json.dumps(dataclasses.asdict(record), cls=DjangoJSONEncoder))
