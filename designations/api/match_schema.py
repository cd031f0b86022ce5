"""The name-screening API's request and response shapes (``designations.api.match``): the serializers that
validate a query or a batch and document the answers, with the OpenAPI examples and the 400 and 413 bodies."""

from __future__ import annotations

import re

from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers

from designations import matching
from designations.models import BirthDate, DatePrecision, Designation, Designee, DesigneeCountry

MAX_QUERIES = 100


class MatchQuerySerializer(serializers.Serializer):
    """One name to screen, with the facts that sharpen the match."""

    name = serializers.CharField(
        max_length=matching.MAX_NAME_LENGTH,
        help_text="The name to screen, in any order and any script (Latin, Cyrillic, Arabic, Chinese...).",
    )
    birth_date = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Date of birth as YYYY, YYYY-MM or YYYY-MM-DD. Agreement raises the score, disagreement lowers it.",
    )
    country = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2 code; agrees with any country tied to the designee (nationality, address...).",
    )
    kind = serializers.ChoiceField(
        choices=Designee.Kind.choices, required=False, allow_blank=True, help_text="The kind of party sought."
    )

    def validate_name(self, value: str) -> str:
        if not matching.searchable(value):
            raise serializers.ValidationError("The name has no letters or digits to match on.")
        words, most = matching.token_count(value), settings.MATCH_MAX_TOKENS_PER_NAME
        if words > most:
            raise serializers.ValidationError(
                f"The name has {words} words to compare; a name may have at most {most} "
                "(particles such as al-, bin or van not counted)."
            )
        return value

    def validate_birth_date(self, value: str) -> str:
        if value:
            try:
                matching.parse_birth_date(value)
            except ValueError as exc:
                raise serializers.ValidationError(str(exc)) from None
        return value

    def validate_country(self, value: str) -> str:
        if value and not re.fullmatch(r"[A-Za-z]{2}", value):
            raise serializers.ValidationError("Give an ISO 3166-1 alpha-2 code, e.g. SA.")
        return value.upper()


def _threshold_field() -> serializers.FloatField:
    """``threshold``, from ``MATCH_MIN_THRESHOLD`` as configured now (the schema shows the same floor)."""
    floor = settings.MATCH_MIN_THRESHOLD
    return serializers.FloatField(
        min_value=floor,
        max_value=1.0,
        default=matching.DEFAULT_THRESHOLD,
        help_text=(
            f"Lowest score returned, {floor:g} to 1. Lower thresholds are refused: below {floor:g} nearly every "
            "list name sharing a common word with the query would match."
        ),
        error_messages={
            "min_value": (
                "Ensure this value is greater than or equal to {min_value}: below it nearly every list name "
                "sharing a common word with the query matches."
            )
        },
    )


class MatchOptionsSerializer(serializers.Serializer):
    threshold = _threshold_field()
    limit = serializers.IntegerField(
        min_value=1,
        max_value=matching.MAX_LIMIT,
        default=matching.DEFAULT_LIMIT,
        help_text="Most designees returned per name, 1 to 100.",
    )
    include_delisted = serializers.BooleanField(
        default=True,
        help_text=(
            "Default true: designees none of whose designations is in force are answered too, marked "
            "`status: delisted`, so nothing disappears without saying so. False leaves them out. Records OFAC "
            "removed as duplicates of another entry are never answered."
        ),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["threshold"] = _threshold_field()
        return fields


class MatchParametersSerializer(MatchQuerySerializer, MatchOptionsSerializer):
    """The query parameters of ``GET /api/match/``."""


class MatchBatchSerializer(MatchOptionsSerializer):
    """The body of ``POST /api/match/``: up to 100 names, screened with one threshold and limit."""

    queries = serializers.ListField(
        child=MatchQuerySerializer(),
        min_length=1,
        max_length=MAX_QUERIES,
        help_text=(
            f"Up to {MAX_QUERIES} names to screen, with at most {settings.MATCH_MAX_TOKENS_PER_BATCH} words in all."
        ),
    )

    def validate_queries(self, value: list[dict]) -> list[dict]:
        words = sum(matching.token_count(query["name"]) for query in value)
        most = settings.MATCH_MAX_TOKENS_PER_BATCH
        if words > most:
            raise serializers.ValidationError(
                f"The batch has {words} words to compare in all; a batch may have at most {most}. "
                "Send it in smaller batches."
            )
        return value


class MatchExplanationSerializer(serializers.Serializer):
    """Why a designee scored what it did, feature by feature."""

    name_score = serializers.FloatField(help_text="The name's score before birth date, country and kind.")
    token_similarity = serializers.FloatField(help_text="Word-by-word similarity, in any order.")
    compact_similarity = serializers.FloatField(help_text="Whole-name similarity with spaces removed.")
    phonetic_agreement = serializers.FloatField(
        help_text="Share of the inexactly matched words whose Metaphone or NYSIIS keys agree."
    )
    matched_tokens = serializers.CharField(help_text="How many words of each side found a partner.")
    word_order = serializers.ChoiceField(choices=["same", "reordered"])
    transliteration = serializers.CharField(help_text="Scripts transliterated from the query, or 'none'.")
    particles_ignored = serializers.CharField(
        help_text="Articles, particles and titles (al-, van, Dr...) left out of the comparison."
    )
    particles_unmatched = serializers.CharField(
        help_text=(
            "Filiation particles of the query (bin, ibn, bint...) whose name the candidate does not write after one: "
            "each counts as a query word not found."
        )
    )
    weak_alias_penalty = serializers.FloatField(help_text="Negative when the name matched is a weak alias.")
    birth_date = serializers.FloatField(help_text="Adjustment for birth-date agreement (+) or disagreement (-).")
    country = serializers.FloatField(help_text="Adjustment for country agreement (+) or disagreement (-).")
    kind = serializers.FloatField(help_text="Adjustment for kind agreement (+) or disagreement (-).")


class MatchDesignationSerializer(serializers.Serializer):
    """One designation of a candidate: a program, in force or ended, with its dates and what they rest on."""

    program = serializers.CharField(help_text="Program code as published.")
    status = serializers.ChoiceField(choices=Designation.Status.choices)
    listed_on = serializers.DateField(
        allow_null=True, help_text="Listed on this day, or by it (see `listed_precision`); null when unknown."
    )
    listed_earliest = serializers.DateField(
        allow_null=True, help_text="For a listing known only between two list states: the earliest day it may be."
    )
    listed_precision = serializers.ChoiceField(
        choices=[*DatePrecision.choices, ("", "Unknown")],
        help_text="`day`: the exact day; `range`: between `listed_earliest` and `listed_on`; `on_or_before`...",
    )
    delisted_on = serializers.DateField(allow_null=True, help_text="For an ended designation: delisted on or by.")
    delisted_earliest = serializers.DateField(allow_null=True)
    delisted_precision = serializers.ChoiceField(choices=[*DatePrecision.choices, ("", "Unknown")])


class MatchBirthDateSerializer(serializers.Serializer):
    """A birth date as the list publishes it, with the days it may be."""

    raw = serializers.CharField(help_text='As published: "13 May 1957", "circa 1970", "1966 to 1968".')
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    precision = serializers.ChoiceField(choices=[*BirthDate.Precision.choices, ("", "Unknown")])
    circa = serializers.BooleanField(help_text="Published as approximate.")


class MatchCountrySerializer(serializers.Serializer):
    """A country tied to a candidate, in one role."""

    code = serializers.CharField(help_text="ISO 3166-1 alpha-2.")
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=DesigneeCountry.Role.choices)


class MatchResultSerializer(serializers.Serializer):
    """A designee whose name or alias resembles the query, with what a person needs to act on it."""

    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The designee in the API.")
    name = serializers.CharField(help_text="Primary name as published.")
    kind = serializers.ChoiceField(choices=Designee.Kind.choices)
    entry_number = serializers.IntegerField(allow_null=True, help_text="OFAC entry number.")
    status = serializers.ChoiceField(
        choices=[("active", "Active"), ("delisted", "Delisted"), ("no_designation", "No designation")],
        help_text=(
            "`active`: at least one designation is in force (on the data's own date, the newest list state "
            "imported); `delisted`: every designation has ended; `no_designation`: the tracker holds none."
        ),
    )
    programs = serializers.ListField(
        child=serializers.CharField(), help_text="Programs the designee is actively designated under."
    )
    designations = MatchDesignationSerializer(
        many=True, help_text="Every designation, in force or ended, by program: the history behind `status`."
    )
    birth_dates = MatchBirthDateSerializer(many=True, help_text="As published, in the list's order.")
    countries = MatchCountrySerializer(
        many=True, help_text="Countries with their role (nationality, citizenship, address, place of birth...)."
    )
    score = serializers.FloatField(help_text="0 to 1.")
    matched_name = serializers.CharField(help_text="The name or alias that matched, as published.")
    matched_field = serializers.ChoiceField(choices=["name", "alias", "weak_alias"])
    explanation = MatchExplanationSerializer()


class MatchResponseSerializer(serializers.Serializer):
    """The name screened, as received, and the designees ranked best first."""

    query = MatchQuerySerializer()
    results = MatchResultSerializer(many=True)


class MatchBatchResponseSerializer(serializers.Serializer):
    responses = MatchResponseSerializer(many=True, help_text="One per query, in the order sent.")


RESULT_EXAMPLE = {
    "id": 1234,
    "url": "http://127.0.0.1:8000/api/designees/1234/",
    "name": "AL-QAHTANI, Saud",
    "kind": "individual",
    "entry_number": 26093,
    "status": "active",
    "programs": ["GLOMAG"],
    "designations": [
        {
            "program": "GLOMAG",
            "status": "active",
            "listed_on": "2018-11-15",
            "listed_earliest": None,
            "listed_precision": "day",
            "delisted_on": None,
            "delisted_earliest": None,
            "delisted_precision": "",
        }
    ],
    "birth_dates": [
        {"raw": "07 Jul 1978", "date_from": "1978-07-07", "date_to": "1978-07-07", "precision": "day", "circa": False}
    ],
    "countries": [
        {"code": "SA", "name": "Saudi Arabia", "role": "nationality"},
        {"code": "SA", "name": "Saudi Arabia", "role": "place_of_birth"},
    ],
    "score": 1.0,
    "matched_name": "AL-QAHTANI, Saud",
    "matched_field": "name",
    "explanation": {
        "name_score": 1.0,
        "token_similarity": 1.0,
        "compact_similarity": 0.0,
        "phonetic_agreement": 0.0,
        "matched_tokens": "2 of 2 query words, 2 of 2 name words",
        "word_order": "same",
        "transliteration": "none",
        "particles_ignored": "al",
        "particles_unmatched": "",
        "weak_alias_penalty": 0.0,
        "birth_date": 0.05,
        "country": 0.03,
        "kind": 0.0,
    },
}
QUERY_EXAMPLE = {"name": "Saud al-Qahtani", "birth_date": "1978", "country": "SA", "kind": ""}
# A batch's 400 names a bad query by its position under ``queries`` ({"queries": {"1": {"name": [...]}}}),
# one level deeper than the answer ``tracker.schema.AutoSchema`` documents for every endpoint (which
# still documents the GET's).
_MESSAGES = {"type": "array", "items": {"type": "string"}}
BATCH_ERRORS = {
    "type": "object",
    "description": (
        "Each invalid parameter with its messages; an invalid query of the batch is named by its position "
        "under `queries`, with its own invalid fields."
    ),
    "additionalProperties": {
        "oneOf": [
            {"type": "string"},
            _MESSAGES,
            {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": _MESSAGES}},
        ]
    },
}


_BUDGET_EXCEEDED = {
    "type": "object",
    "description": "The request would cost more than one request may; nothing was answered.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string", "enum": ["screening_budget_exceeded"]},
        "limit": {
            "type": "string",
            "enum": ["cost", "time"],
            "description": "`cost`: MATCH_COST_BUDGET cost units; `time`: MATCH_TIME_BUDGET_SECONDS.",
        },
        "names_screened": {"type": "integer", "description": "Names begun when the budget ran out."},
        "cost_units": {"type": "integer", "description": "Cost units counted by then."},
    },
    "required": ["detail", "code", "limit"],
}
BUDGET_RESPONSE = OpenApiResponse(
    response=_BUDGET_EXCEEDED,
    description=(
        "The screening went past the cost units (`MATCH_COST_BUDGET`) or seconds (`MATCH_TIME_BUDGET_SECONDS`) "
        "one request may use, and stopped: send fewer or shorter names, a higher `threshold` or a lower `limit`."
    ),
    examples=[
        OpenApiExample(
            "Over budget",
            value={
                "detail": (
                    "Screening stopped at name 37 of 100: the request went past the 2000000 cost units one "
                    "request may use. Send fewer or shorter names, a higher threshold or a lower limit."
                ),
                "code": "screening_budget_exceeded",
                "limit": "cost",
                "names_screened": 37,
                "cost_units": 2000012,
            },
        )
    ],
)
COSTS = (
    " A name may have at most `MATCH_MAX_TOKENS_PER_NAME` words to compare and `threshold` may not go below "
    "`MATCH_MIN_THRESHOLD` (a 400 naming the field). Screening that goes past the cost or time one request may "
    "use stops and is answered 413. Each name screened counts one against `API_MATCH_ANON_RATE` (per client "
    "address) or `API_MATCH_USER_RATE` (per user) names a minute, on top of the request rates (a 429)."
)
