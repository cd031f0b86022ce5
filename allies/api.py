"""``/api/coordination/``: each US human-rights designation with the allies that designated the same party,
under which regime and when relative to the US; ``/api/coordination/summary/``: the figures per ally.

Both take the designations' filters (``program``, ``country`` with ``country_role``, ``status``, ``as_of``,
listing dates...); the rows also ``ally`` (uk, eu, ca, au; comma list) with ``relation`` (the ally's
relation, one of ``allies.coordination.RELATIONS``).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, serializers, views
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from allies.coordination import ALLIES, RELATIONS, coordination_rows, overlap, regime_table, summary
from designations.api.changes import FILTERS_WITHOUT_ORDERING
from designations.filtersets import DesignationFilterSet
from designations.models import Designation
from tracker.api import StrictQueryParamsMixin
from tracker.csv import CSV_RESPONSE, FORMAT_PARAMETER, CsvExportMixin, csv_response, csv_value, wants_csv
from tracker.filters import split_values


class AlliedDesignationSerializer(serializers.Serializer):
    regime_code = serializers.CharField(help_text="Normalised regime: 'UK-GHR', 'EU-HR', 'CA-JVCFOA', ...")
    regime = serializers.CharField(help_text="As the list publishes it.")
    theme = serializers.CharField(help_text="human_rights, anti_corruption, human_rights_and_corruption, ... or blank.")
    list = serializers.CharField(help_text="The allied list: 'uk-ofsi-conlist', 'uk-sanctions-list', 'eu-fsf', ...")
    entry = serializers.CharField(help_text="The publisher's own id of the entry.")
    name = serializers.CharField()
    reference = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="The ally's listing day, or the latest it may be.")
    date_earliest = serializers.DateField(allow_null=True, help_text="Set when the date is a bracket.")
    date_kind = serializers.CharField(
        allow_null=True,
        help_text="What the date rests on: listed (the publisher's own date), first_listed (OFSI), "
        "regulation_published (EU stand-in: the earliest legal act cited, never before the listing), "
        "control_date (DFAT: last change, the listing on or before it).",
    )
    stand_in = serializers.BooleanField(allow_null=True, help_text="True when the date is not the publisher's own.")
    still_listed = serializers.BooleanField()
    link = serializers.CharField(help_text="How the entry was tied to the US designee: linked, confirmed, manual.")


class AllyRelationSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=RELATIONS)
    possible = serializers.ListField(child=serializers.CharField(), help_text="Every relation the dates allow.")
    days = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Fewest and most days from the US listing to the ally's (negative: the ally first).",
    )
    date_kind = serializers.CharField(required=False)
    stand_in = serializers.BooleanField(required=False)
    designations = AlliedDesignationSerializer(many=True)


class CoordinationRowSerializer(serializers.Serializer):
    designation_id = serializers.IntegerField()
    designee_id = serializers.IntegerField()
    designee_name = serializers.CharField()
    designee_kind = serializers.CharField()
    program = serializers.CharField()
    us_listed = serializers.DictField(help_text="on, earliest (a bracket's start), precision, status, delisted_on.")
    countries = serializers.ListField(child=serializers.CharField(), help_text="Personal countries (ISO).")
    allies = serializers.DictField(child=AllyRelationSerializer(), help_text="uk, eu, ca, au.")


class CoordinationPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = 500


ALLY_PARAMETERS = [
    OpenApiParameter("ally", OpenApiTypes.STR, description=f"Only rows an ally acted on: {', '.join(ALLIES)}."),
    OpenApiParameter(
        "relation",
        OpenApiTypes.STR,
        description=f"With `ally`: that ally's relation, one or more of {', '.join(RELATIONS)}.",
    ),
    FORMAT_PARAMETER,
]


def _choices(request, name: str, allowed) -> list[str]:
    values = [value.lower() for value in split_values(request.query_params.getlist(name))]
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise ValidationError({name: [f"Unknown {name} {', '.join(unknown)}. Choose from: {', '.join(allowed)}."]})
    return values


class _CoordinationBase(generics.GenericAPIView):
    queryset = Designation.objects.all()
    filterset_class = DesignationFilterSet
    filter_backends = FILTERS_WITHOUT_ORDERING
    extra_query_params = ("ally", "relation")

    def rows(self, request):
        allies = _choices(request, "ally", ALLIES)
        relations = _choices(request, "relation", RELATIONS)
        if relations and not allies:
            raise ValidationError({"relation": ["Goes with `ally`: whose relation to the US date?"]})
        rows = coordination_rows(self.filter_queryset(self.get_queryset()))
        if allies:
            wanted = set(relations) or set(RELATIONS) - {"never"}
            rows = [row for row in rows if any(row.allies[ally]["relation"] in wanted for ally in allies)]
        return rows


@extend_schema(
    parameters=ALLY_PARAMETERS,
    responses={(200, "application/json"): CoordinationRowSerializer(many=True), (200, "text/csv"): CSV_RESPONSE},
)
class CoordinationView(CsvExportMixin, _CoordinationBase, generics.ListAPIView):
    """US designations under human-rights and anti-corruption programs, each with what each ally (UK, EU,
    Canada, Australia) did about the same party: `relation` to the US listing date (`same_day`,
    `within_30_days`, `ally_before`, `ally_after` beyond 30 days, `never`; `uncertain` when the dates are
    brackets that allow several, listed in `possible`), the days between (fewest, most), and every allied
    designation of the linked entries with its date and what the date rests on (`date_kind`, `stand_in`).

    Parties are tied by the cross-list resolution (score and features in the admin's party links); only
    links made automatically with confidence or confirmed by an editor count. Method and limits:
    `docs/coordination.md`.
    """

    serializer_class = CoordinationRowSerializer
    pagination_class = CoordinationPagination

    def list(self, request, *args, **kwargs):
        rows = self.rows(request)
        if wants_csv(request):
            return csv_response("coordination.csv", CSV_HEADER, (csv_row(row) for row in rows))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response([vars(row) for row in page])


CSV_HEADER = [
    "designation_id",
    "designee_id",
    "designee_name",
    "program",
    "us_listed_on",
    "us_listed_earliest",
    "us_listed_precision",
    "countries",
    *(
        f"{ally}_{column}"
        for ally in ALLIES
        for column in ("relation", "days_min", "days_max", "date", "date_kind", "regimes")
    ),
]


def csv_row(row) -> list:
    cells = [
        row.designation_id,
        row.designee_id,
        row.designee_name,
        row.program,
        row.us_listed["on"],
        row.us_listed["earliest"],
        row.us_listed["precision"],
        "|".join(row.countries),
    ]
    for ally in ALLIES:
        answer = row.allies[ally]
        days = answer["days"] or [None, None]
        first = min((d for d in answer["designations"] if d["date"]), key=lambda d: d["date"], default=None)
        cells += [
            answer["relation"],
            days[0],
            days[1],
            first["date"] if first else None,
            first["date_kind"] if first else None,
            "|".join(sorted({d["regime_code"] for d in answer["designations"]})),
        ]
    return [csv_value(cell) for cell in cells]


class AllySummarySerializer(serializers.Serializer):
    us_designations = serializers.IntegerField()
    designated_by_ally = serializers.IntegerField()
    relations = serializers.DictField(child=serializers.IntegerField())
    median_days_us_to_ally = serializers.FloatField(allow_null=True)
    exactly_dated_pairs = serializers.IntegerField()
    exactly_dated_pairs_on_stand_ins = serializers.IntegerField()
    ally_first = serializers.IntegerField()
    us_first = serializers.IntegerField()
    same_day = serializers.IntegerField()
    by_us_year = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))


class OverlapSerializer(serializers.Serializer):
    allies = serializers.ListField(
        child=serializers.ChoiceField(choices=ALLIES), help_text="The allies that also designated; [] = the US alone."
    )
    count = serializers.IntegerField()


class CoordinationSummarySerializer(serializers.Serializer):
    uk = AllySummarySerializer(required=False)
    eu = AllySummarySerializer(required=False)
    ca = AllySummarySerializer(required=False)
    au = AllySummarySerializer(required=False)
    overlap = OverlapSerializer(many=True)


@extend_schema(parameters=ALLY_PARAMETERS[:1], responses=CoordinationSummarySerializer)
class CoordinationSummaryView(_CoordinationBase):
    """Per ally: of the US human-rights designations matching the filters, how many the ally also designated,
    how (`relations`), the share by US listing year (`by_us_year`: coordinated = same day or within 30 days,
    certain only; a year only when the US date's bracket lies in it), the median days from the US listing to
    the ally's and who moved first (over pairs dated to one day on both sides, with how many of those rest
    on a stand-in date of the ally's). `overlap`: how many of the US designations each combination of allies
    also designated (under any relation in time), largest first; `allies: []` counts the US alone."""

    serializer_class = CoordinationSummarySerializer
    extra_query_params = ("ally",)
    pagination_class = None

    def get(self, request, *args, **kwargs):
        allies = _choices(request, "ally", ALLIES) or list(ALLIES)
        rows = coordination_rows(self.filter_queryset(self.get_queryset()))
        figures = summary(rows)
        return Response({**{ally: figures[ally] for ally in allies}, "overlap": overlap(rows)})


class InstrumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    citation = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="The dated step of the instrument's lifecycle.")
    date_kind = serializers.ChoiceField(choices=["in_force", "adopted", "assented", "registered"])
    source = serializers.URLField(help_text="Where the date was checked.")
    verified = serializers.BooleanField(help_text="False: the date could not be checked against its source.")


class RegimeListSerializer(serializers.Serializer):
    list = serializers.CharField(help_text="The allied list held: 'uk-ofsi-conlist', 'eu-fsf', ...")
    listed = serializers.IntegerField(help_text="Entries the list still carries under the regime.")
    removed = serializers.IntegerField(help_text="Entries a later copy of the list no longer carried.")
    first_listed_on = serializers.DateField(allow_null=True, help_text="The earliest listing date the list gives.")
    tied_to_us = serializers.IntegerField(help_text="Entries tied to a US designee as the same party.")


class RegimeSerializer(serializers.Serializer):
    code = serializers.CharField()
    ally = serializers.ChoiceField(choices=ALLIES)
    agency = serializers.CharField()
    title = serializers.CharField()
    theme = serializers.CharField(
        help_text="human_rights, anti_corruption, human_rights_and_corruption, cyber or country."
    )
    instruments = InstrumentSerializer(many=True)
    lists = RegimeListSerializer(many=True)


@extend_schema(responses=RegimeSerializer(many=True))
class RegimesView(StrictQueryParamsMixin, views.APIView):
    """The allied regimes compared with the US human-rights and anti-corruption programs: each with its ally,
    the agency, its legal instruments (the UK's Global Human Rights Sanctions Regulations 2020, the EU's
    Regulation 2020/1998 and Decision (CFSP) 2020/1999, Canada's Sergei Magnitsky Law, Australia's 2021
    thematic sanctions act, ...) and the dated step of each one's lifecycle with its source, and what each
    list held carries under it."""

    def get(self, request, *args, **kwargs):
        return Response(regime_table())
