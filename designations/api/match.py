"""Name screening over the API: ``GET /api/match/`` for one name, ``POST /api/match/`` for up to 100.

Both are reads: anyone may call them, the POST included (it changes nothing, and takes a JSON body
only because a batch does not fit a query string). DRF's session authentication checks CSRF only for
a signed-in session; an anonymous or token client posts without a CSRF token.
"""

from __future__ import annotations

import re

from django.utils.http import http_date
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from designations import matching
from designations.models import Designee
from tracker.api import StrictQueryParametersFilter

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


class MatchOptionsSerializer(serializers.Serializer):
    threshold = serializers.FloatField(
        min_value=0.0,
        max_value=1.0,
        default=matching.DEFAULT_THRESHOLD,
        help_text="Lowest score returned, 0 to 1.",
    )
    limit = serializers.IntegerField(
        min_value=1,
        max_value=matching.MAX_LIMIT,
        default=matching.DEFAULT_LIMIT,
        help_text="Most designees returned per name, 1 to 100.",
    )


class MatchParametersSerializer(MatchQuerySerializer, MatchOptionsSerializer):
    """The query parameters of ``GET /api/match/``."""


class MatchBatchSerializer(MatchOptionsSerializer):
    """The body of ``POST /api/match/``: up to 100 names, screened with one threshold and limit."""

    queries = serializers.ListField(
        child=MatchQuerySerializer(), min_length=1, max_length=MAX_QUERIES, help_text="Up to 100 names to screen."
    )


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
    particles_ignored = serializers.CharField(help_text="Particles (al-, bin, van...) left out of the comparison.")
    weak_alias_penalty = serializers.FloatField(help_text="Negative when the name matched is a weak alias.")
    birth_date = serializers.FloatField(help_text="Adjustment for birth-date agreement (+) or disagreement (-).")
    country = serializers.FloatField(help_text="Adjustment for country agreement (+) or disagreement (-).")
    kind = serializers.FloatField(help_text="Adjustment for kind agreement (+) or disagreement (-).")


class MatchResultSerializer(serializers.Serializer):
    """A designee whose name or alias resembles the query."""

    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The designee in the API.")
    name = serializers.CharField(help_text="Primary name as published.")
    kind = serializers.ChoiceField(choices=Designee.Kind.choices)
    entry_number = serializers.IntegerField(allow_null=True, help_text="OFAC entry number.")
    programs = serializers.ListField(
        child=serializers.CharField(), help_text="Programs the designee is actively designated under."
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


_RESULT_EXAMPLE = {
    "id": 1234,
    "url": "http://127.0.0.1:8000/api/designees/1234/",
    "name": "AL-QAHTANI, Saud",
    "kind": "individual",
    "entry_number": 26093,
    "programs": ["GLOMAG"],
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
        "weak_alias_penalty": 0.0,
        "birth_date": 0.05,
        "country": 0.03,
        "kind": 0.0,
    },
}
_QUERY_EXAMPLE = {"name": "Saud al-Qahtani", "birth_date": "1978", "country": "SA", "kind": ""}
# A batch's 400 names a bad query by its position under ``queries`` ({"queries": {"1": {"name": [...]}}}),
# one level deeper than the answer ``tracker.schema.AutoSchema`` documents for every endpoint (which
# still documents the GET's).
_MESSAGES = {"type": "array", "items": {"type": "string"}}
_BATCH_ERRORS = {
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


def _query_fields(data: dict) -> dict[str, str]:
    return {key: data.get(key) or "" for key in ("name", "birth_date", "country", "kind")}


class MatchView(APIView):
    """Screen names against every designee's name and aliases (strong and weak)."""

    permission_classes = (AllowAny,)
    extra_query_params = ("name", "birth_date", "country", "kind", "threshold", "limit")

    @extend_schema(
        operation_id="match_retrieve",
        summary="Screen one name",
        description=(
            "Ranks designees whose primary name or alias resembles `name`, regardless of word order, "
            "transliteration (Cyrillic, Arabic, Chinese), diacritics, particles (al-, bin, van...) and "
            "spelling variants. Weak aliases score lower. `birth_date`, `country` and `kind` raise the "
            "score when they agree and lower it when they disagree. Each result explains its score."
        ),
        parameters=[MatchParametersSerializer],
        responses={200: MatchResponseSerializer},
        examples=[
            OpenApiExample(
                "A name from a press release",
                value={"query": _QUERY_EXAMPLE, "results": [_RESULT_EXAMPLE]},
                response_only=True,
            ),
        ],
        tags=["match"],
    )
    def get(self, request, format=None):
        StrictQueryParametersFilter().filter_queryset(request, None, self)
        serializer = MatchParametersSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        index = matching.get_index()
        response = Response(self._answer(request, index, [_query_fields(data)], data["threshold"], data["limit"])[0])
        # The answer is as new as the index it came from (rebuilt whenever the data changes). Saying so
        # spares the conditional-GET middleware its own, costlier, look-up over the tables.
        response.headers["Last-Modified"] = http_date(index.built_at)
        return response

    @extend_schema(
        operation_id="match_batch",
        summary="Screen up to 100 names",
        description=(
            "The same screening as `GET /api/match/` for a batch of names, with one `threshold` and "
            "`limit`. A read: no authentication or CSRF token needed."
        ),
        request=MatchBatchSerializer,
        responses={
            200: MatchBatchResponseSerializer,
            400: OpenApiResponse(response=_BATCH_ERRORS, description="A parameter or a query of the batch is invalid."),
        },
        examples=[
            OpenApiExample(
                "Two names",
                value={
                    "queries": [
                        {"name": "Saud al-Qahtani", "birth_date": "1978", "country": "SA"},
                        {"name": "Кадыров Рамзан", "kind": "individual"},
                    ],
                    "threshold": 0.7,
                    "limit": 5,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Two names answered",
                value={"responses": [{"query": _QUERY_EXAMPLE, "results": [_RESULT_EXAMPLE]}]},
                response_only=True,
            ),
        ],
        tags=["match"],
    )
    def post(self, request, format=None):
        serializer = MatchBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        queries = [_query_fields(query) for query in data["queries"]]
        index = matching.get_index()
        return Response({"responses": self._answer(request, index, queries, data["threshold"], data["limit"])})

    def _answer(
        self, request, index: matching.NameIndex, queries: list[dict[str, str]], threshold: float, limit: int
    ) -> list[dict]:
        """Each query with its ranked designees. The designees' kind, entry number and programs come from
        the index, so a request costs one database query (``get_index`` checking the data version).
        """
        answers = []
        for query in queries:
            results = index.search(
                query["name"],
                birth_date=query["birth_date"] or None,
                country=query["country"] or None,
                kind=query["kind"] or None,
                threshold=threshold,
                limit=limit,
            )
            answers.append({"query": query, "results": [self._result(request, index, r) for r in results]})
        return answers

    def _result(self, request, index: matching.NameIndex, result: matching.MatchResult) -> dict:
        facts = index.designees[result.designee_id]
        return {
            "id": result.designee_id,
            "url": reverse("designations-api:designee-detail", kwargs={"pk": result.designee_id}, request=request),
            "name": result.name,
            "kind": facts.kind,
            "entry_number": facts.entry_number,
            "programs": list(facts.programs),
            "score": result.score,
            "matched_name": result.matched_name,
            "matched_field": result.matched_field,
            "explanation": result.explanation,
        }
