"""Name screening over the API: ``GET /api/match/`` for one name, ``POST /api/match/`` for up to 100.

Both are reads: anyone may call them, the POST included (it changes nothing, and takes a JSON body
only because a batch does not fit a query string). DRF's session authentication checks CSRF only for
a signed-in session; an anonymous or token client posts without a CSRF token.

What a request may cost is bounded before and while it runs (``tracker/settings.py`` has the limits):

1. Before: ``threshold`` no lower than ``MATCH_MIN_THRESHOLD``, at most ``MATCH_MAX_TOKENS_PER_NAME``
   words in a name and ``MATCH_MAX_TOKENS_PER_BATCH`` in a batch (a 400 naming the field).
2. While: the matcher counts what it does (``matching.ScreeningCost``) against ``MATCH_COST_BUDGET``
   cost units and ``MATCH_TIME_BUDGET_SECONDS``, as it goes; a request that goes past either stops and
   is answered 413 (``screening_budget_exceeded``).
3. Over time: ``ScreeningRateThrottle`` counts names, not requests (a 429).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from designations import matching
from designations.models import BirthDate, DatePrecision, Designation, Designee, DesigneeCountry
from tracker.api import StrictQueryParametersFilter

MAX_QUERIES = 100
RESULT_UNITS = 20  # cost units of one result answered (its explanation, its URL, its JSON)
_ID_MARK = 918273645546372819  # an id no designee has, to reverse a designee's URL once per request


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


_RESULT_EXAMPLE = {
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
_BUDGET_RESPONSE = OpenApiResponse(
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
_COSTS = (
    " A name may have at most `MATCH_MAX_TOKENS_PER_NAME` words to compare and `threshold` may not go below "
    "`MATCH_MIN_THRESHOLD` (a 400 naming the field). Screening that goes past the cost or time one request may "
    "use stops and is answered 413. Each name screened counts one against `API_MATCH_ANON_RATE` (per client "
    "address) or `API_MATCH_USER_RATE` (per user) names a minute, on top of the request rates (a 429)."
)


def _query_fields(data: dict) -> dict[str, str]:
    return {key: data.get(key) or "" for key in ("name", "birth_date", "country", "kind")}


class ScreeningRateThrottle(throttling.BaseThrottle):
    """Names screened per minute (or per the rate's period), per user or per client address.

    Screening costs by the name, so a batch of N names counts N and a ``GET`` counts one. The rates are
    ``DEFAULT_THROTTLE_RATES["match_user"]`` and ``["match_anon"]`` (``API_MATCH_USER_RATE``,
    ``API_MATCH_ANON_RATE``), read at each request; ``None`` turns the throttle off. A request this throttle
    refuses counts nothing: a smaller batch, or a single name, still passes while the rate allows it. A batch
    counts at most ``MAX_QUERIES`` (more is refused anyway). The history is kept in the default cache as
    ``(time, names)`` pairs, newest first, like DRF's own throttles.
    """

    scope = "match"
    cache = throttling.SimpleRateThrottle.cache
    timer = throttling.SimpleRateThrottle.timer
    parse_rate = throttling.SimpleRateThrottle.parse_rate

    def allow_request(self, request, view) -> bool:
        signed_in = bool(request.user and request.user.is_authenticated)
        scope = "match_user" if signed_in else "match_anon"
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        allowed, period = self.parse_rate(rate)
        names = view.screening_weight(request)
        key = f"throttle_{scope}_{request.user.pk if signed_in else self.get_ident(request)}"
        now = self.timer()
        history = [(at, count) for at, count in self.cache.get(key, []) if at > now - period]
        used = sum(count for _, count in history)
        if used + names > allowed:
            raise exceptions.Throttled(
                wait=self._wait(history, used + names - allowed, now, period),
                detail=(
                    f"This request screens {names} name{'s' if names != 1 else ''}; "
                    f"{max(0, allowed - used)} of the {allowed} names allowed per {rate.split('/')[1]} remain."
                    + (" Send smaller batches." if names > allowed else "")
                ),
            )
        history.insert(0, (now, names))
        self.cache.set(key, history, period)
        return True

    @staticmethod
    def _wait(history: list[tuple[float, int]], excess: int, now: float, period: int) -> float:
        """Seconds until enough of the oldest names have left the window (the whole period when never)."""
        for at, count in reversed(history):
            excess -= count
            if excess <= 0:
                return max(1.0, at + period - now)
        return float(period)


class MatchView(APIView):
    """Screen names against every designee's name and aliases (strong and weak)."""

    permission_classes = (AllowAny,)
    throttle_classes = (*api_settings.DEFAULT_THROTTLE_CLASSES, ScreeningRateThrottle)
    extra_query_params = ("name", "birth_date", "country", "kind", "threshold", "limit", "include_delisted")

    def check_throttles(self, request):
        """The first throttle to refuse answers (so the names of a request refused anyway are not counted)."""
        for throttle in self.get_throttles():
            if not throttle.allow_request(request, self):
                self.throttled(request, throttle.wait())

    def screening_weight(self, request) -> int:
        """The names a request asks to screen, for ``ScreeningRateThrottle``: one for a ``GET``."""
        if request.method != "POST":
            return 1
        queries = request.data.get("queries") if isinstance(request.data, dict) else None
        return min(len(queries), MAX_QUERIES) if isinstance(queries, list) and queries else 1

    @extend_schema(
        operation_id="match_retrieve",
        summary="Screen one name",
        description=(
            "Ranks designees whose primary name or alias resembles `name`, regardless of word order, "
            "transliteration (Cyrillic, Arabic, Chinese), diacritics, articles (al-, van...) and spelling "
            "variants; a filiation particle (bin, ibn, bint) must still match. Weak aliases score lower. "
            "`birth_date`, `country` and `kind` raise the score when they agree and lower it when they disagree. "
            "Each result explains its score and carries the designee's status, designations, birth dates as "
            "published and countries with their roles; delisted designees are answered, marked, unless "
            "`include_delisted=false`; records OFAC removed as duplicates never are." + _COSTS
        ),
        parameters=[MatchParametersSerializer],
        responses={200: MatchResponseSerializer, 413: _BUDGET_RESPONSE},
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
        try:
            answers = self._answer(request, index, [_query_fields(data)], data)
        except matching.ScreeningBudgetExceeded as exc:
            return _over_budget(exc, 1)
        response = Response(answers[0])
        # The answer is as new as the index it came from (rebuilt whenever the data changes). Saying so
        # spares the conditional-GET middleware its own, costlier, look-up over the tables.
        response.headers["Last-Modified"] = http_date(index.built_at)
        return response

    @extend_schema(
        operation_id="match_batch",
        summary="Screen up to 100 names",
        description=(
            "The same screening as `GET /api/match/` for a batch of names, with one `threshold` and "
            "`limit`. A read: no authentication or CSRF token needed. A batch may have at most "
            "`MATCH_MAX_TOKENS_PER_BATCH` words to compare in all, and counts one per name against the "
            "names-per-minute rate." + _COSTS
        ),
        request=MatchBatchSerializer,
        responses={
            200: MatchBatchResponseSerializer,
            400: OpenApiResponse(
                response=_BATCH_ERRORS,
                description=(
                    "A parameter or a query of the batch is invalid: among others a `threshold` below the floor, "
                    "a name with too many words (under `queries`, by position) or a batch with too many words."
                ),
            ),
            413: _BUDGET_RESPONSE,
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
        try:
            answers = self._answer(request, index, queries, data)
        except matching.ScreeningBudgetExceeded as exc:
            return _over_budget(exc, len(queries))
        return Response({"responses": answers})

    def _answer(self, request, index: matching.NameIndex, queries: list[dict[str, str]], options: dict) -> list[dict]:
        """Each query with its ranked designees. Names, kind and entry number come from the index; each
        candidate's designations, birth dates and countries are read for all the request's candidates at once
        (``screening_facts``): a request costs one database query (``get_index`` checking the data version),
        and three more when anything matched, whatever the number of names and candidates.

        The whole request shares one budget (``MATCH_COST_BUDGET``, ``MATCH_TIME_BUDGET_SECONDS``): the
        matcher charges it as it works, and the results answered count too. Raises
        ``matching.ScreeningBudgetExceeded`` once it is spent.
        """
        budget = matching.ScreeningBudget(units=settings.MATCH_COST_BUDGET, seconds=settings.MATCH_TIME_BUDGET_SECONDS)
        # A designee's URL: reversed once, its id put in place for each result.
        head, tail = reverse("designations-api:designee-detail", kwargs={"pk": _ID_MARK}, request=request).split(
            str(_ID_MARK)
        )

        def url_of(designee_id: int) -> str:
            return f"{head}{designee_id}{tail}"

        ranked = []
        for query in queries:
            results = index.search(
                query["name"],
                birth_date=query["birth_date"] or None,
                country=query["country"] or None,
                kind=query["kind"] or None,
                threshold=options["threshold"],
                limit=options["limit"],
                budget=budget,
                include_delisted=options["include_delisted"],
            )
            budget.charge(RESULT_UNITS * len(results))
            ranked.append((query, results))
        facts = screening_facts({r.designee_id for _, results in ranked for r in results})
        return [
            {"query": query, "results": [self._result(index, r, url_of, facts) for r in results]}
            for query, results in ranked
        ]

    def _result(self, index: matching.NameIndex, result: matching.MatchResult, url_of, facts: dict) -> dict:
        known = index.designees[result.designee_id]
        held = facts.get(result.designee_id, _NO_FACTS)
        designations = held["designations"]
        if any(d["status"] == Designation.Status.ACTIVE for d in designations):
            standing = "active"
        else:
            standing = "delisted" if designations else "no_designation"
        return {
            "id": result.designee_id,
            "url": url_of(result.designee_id),
            "name": result.name,
            "kind": known.kind,
            "entry_number": known.entry_number,
            "status": standing,
            "programs": sorted({d["program"] for d in designations if d["status"] == Designation.Status.ACTIVE}),
            "designations": designations,
            "birth_dates": held["birth_dates"],
            "countries": held["countries"],
            "score": result.score,
            "matched_name": result.matched_name,
            "matched_field": result.matched_field,
            "explanation": result.explanation,
        }


_NO_FACTS = {"designations": [], "birth_dates": [], "countries": []}
_DESIGNATION_FIELDS = (
    "status",
    "listed_on",
    "listed_earliest",
    "listed_precision",
    "delisted_on",
    "delisted_earliest",
    "delisted_precision",
)


def screening_facts(designee_ids: set[int]) -> dict[int, dict[str, list[dict]]]:
    """Each designee's designations (by program), birth dates as published and countries with their roles,
    in three queries for any number of designees (none for none)."""
    if not designee_ids:
        return {}
    facts: dict[int, dict[str, list[dict]]] = {
        pk: {"designations": [], "birth_dates": [], "countries": []} for pk in designee_ids
    }
    designations = Designation.objects.filter(designee_id__in=designee_ids).order_by(
        "designee_id", "program__code", "listed_on", "pk"
    )
    for designee_id, program, *values in designations.values_list("designee_id", "program__code", *_DESIGNATION_FIELDS):
        facts[designee_id]["designations"].append(
            {"program": program, **dict(zip(_DESIGNATION_FIELDS, values, strict=True))}
        )
    birth_dates = BirthDate.objects.filter(designee_id__in=designee_ids).order_by("designee_id", "pk")
    for designee_id, raw, start, end, precision, circa in birth_dates.values_list(
        "designee_id", "raw", "date_from", "date_to", "precision", "circa"
    ):
        facts[designee_id]["birth_dates"].append(
            {"raw": raw, "date_from": start, "date_to": end, "precision": precision, "circa": circa}
        )
    countries = DesigneeCountry.objects.filter(designee_id__in=designee_ids).order_by(
        "designee_id", "role", "country__code"
    )
    for designee_id, code, name, role in countries.values_list("designee_id", "country__code", "country__name", "role"):
        facts[designee_id]["countries"].append({"code": code, "name": name, "role": role})
    return facts


def _over_budget(exc: matching.ScreeningBudgetExceeded, names: int) -> Response:
    """413, saying which budget ran out and how far the screening got."""
    if exc.limit == "time":
        spent = f"the {settings.MATCH_TIME_BUDGET_SECONDS:g} seconds one request may take"
    else:
        spent = f"the {settings.MATCH_COST_BUDGET} cost units one request may use"
    return Response(
        {
            "detail": (
                f"Screening stopped at name {exc.cost.names} of {names}: the request went past {spent}. "
                "Send fewer or shorter names, a higher threshold or a lower limit."
            ),
            "code": "screening_budget_exceeded",
            "limit": exc.limit,
            "names_screened": exc.cost.names,
            "cost_units": exc.cost.units,
        },
        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
