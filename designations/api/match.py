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

The request and response shapes, with their OpenAPI examples, are ``designations.api.match_schema``'s.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, status, throttling
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from designations import matching
from designations.api.match_schema import (
    BATCH_ERRORS,
    BUDGET_RESPONSE,
    COSTS,
    MAX_QUERIES,
    QUERY_EXAMPLE,
    RESULT_EXAMPLE,
    MatchBatchResponseSerializer,
    MatchBatchSerializer,
    MatchParametersSerializer,
    MatchResponseSerializer,
)
from designations.models import BirthDate, Designation, DesigneeCountry
from tracker.api import StrictQueryParametersFilter

RESULT_UNITS = 20  # cost units of one result answered (its explanation, its URL, its JSON)
_ID_MARK = 918273645546372819  # an id no designee has, to reverse a designee's URL once per request


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
            "`include_delisted=false`; records OFAC removed as duplicates never are." + COSTS
        ),
        parameters=[MatchParametersSerializer],
        responses={200: MatchResponseSerializer, 413: BUDGET_RESPONSE},
        examples=[
            OpenApiExample(
                "A name from a press release",
                value={"query": QUERY_EXAMPLE, "results": [RESULT_EXAMPLE]},
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
            "names-per-minute rate." + COSTS
        ),
        request=MatchBatchSerializer,
        responses={
            200: MatchBatchResponseSerializer,
            400: OpenApiResponse(
                response=BATCH_ERRORS,
                description=(
                    "A parameter or a query of the batch is invalid: among others a `threshold` below the floor, "
                    "a name with too many words (under `queries`, by position) or a batch with too many words."
                ),
            ),
            413: BUDGET_RESPONSE,
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
                value={"responses": [{"query": QUERY_EXAMPLE, "results": [RESULT_EXAMPLE]}]},
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
