"""API representations of countries, designees, designations and source documents. Dates are ISO 8601.

Every date that may be known only roughly travels with its ``*_precision`` (and, for a bracket between
two list snapshots, its ``*_earliest`` bound); see ``designations.models.DatePrecision``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from designations.api.coverage import DESIGNATION_COVERAGE_SCHEMA
from designations.models import (
    FACT_LISTS,
    Address,
    Alias,
    BirthDate,
    Citation,
    Country,
    Designation,
    DesignationEvent,
    Designee,
    DesigneeCountry,
    DesigneeFact,
    Identifier,
    PlaceOfBirth,
    Relationship,
    SourceDocument,
    cited_documents,
)
from designations.selectors import normalised_identifier
from programs.api.serializers import AuthorityBriefSerializer, ProgramBriefSerializer
from programs.models import Agency


class CountrySerializer(serializers.ModelSerializer):
    """A country, with how many designees tied to it (in any role) are actively designated."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:country-detail", lookup_field="code")
    active_designees = serializers.IntegerField(
        read_only=True, help_text="Distinct designees tied to the country with an active designation."
    )

    class Meta:
        model = Country
        fields = ("code", "name", "numeric", "url", "active_designees")


class SourceDocumentBriefSerializer(serializers.ModelSerializer):
    """A source document as nested in events; ``url`` is the document's own address."""

    class Meta:
        model = SourceDocument
        fields = ("id", "kind", "title", "url", "published_on")


class SourceDocumentSerializer(serializers.ModelSerializer):
    """What facts come from: a list snapshot, a notice, a press release, a report."""

    class Meta:
        model = SourceDocument
        fields = ("id", "kind", "agency", "source", "source_uid", "title", "url", "published_on", "content_sha256")


FACT_SOURCE_HELP = (
    "The id of the document this fact was read from (listed in the record's `source_documents`): the first "
    "imported document that gave it as it stands. Null when an editor entered or changed it, or when it was "
    "stored before facts kept their source."
)


def fact_source() -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True, help_text=FACT_SOURCE_HELP)


class DesigneeBriefSerializer(serializers.ModelSerializer):
    """A designee as nested in designations."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:designee-detail")

    class Meta:
        model = Designee
        fields = ("id", "url", "kind", "name", "entry_number")


class AliasSerializer(serializers.ModelSerializer):
    source_document = fact_source()

    class Meta:
        model = Alias
        fields = ("name", "kind", "strength", "script", "source_document")


class IdentifierSerializer(serializers.ModelSerializer):
    """An identifier as published (``value``), and as compared (``normalised_value``)."""

    value = serializers.CharField(read_only=True, help_text="As published, e.g. 'IMO 9245316'.")
    normalised_value = serializers.SerializerMethodField(
        help_text="The value without a registry prefix (IMO), spaces or lower case: '9245316', 'KJ0505670'."
    )
    country = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="Issuing country (ISO alpha-2), where known."
    )

    source_document = fact_source()

    class Meta:
        model = Identifier
        fields = (
            "kind",
            "value",
            "normalised_value",
            "country",
            "country_text",
            "issued_on",
            "expires_on",
            "note",
            "source_document",
        )

    def get_normalised_value(self, identifier: Identifier) -> str:
        return normalised_identifier(identifier.value)


class BirthDateSerializer(serializers.ModelSerializer):
    """A date of birth as published (``raw``: "13 May 1957", "circa 1970", "1966 to 1968"), with the days
    that bound it (equal for one day) and which parts of it are known."""

    date_from = serializers.DateField(read_only=True, allow_null=True, help_text="First day it may be.")
    date_to = serializers.DateField(read_only=True, allow_null=True, help_text="Last day it may be.")
    # A plain string in the schema, as ``kind`` above: "precision" is an enum already (DatePrecision).
    precision = serializers.CharField(
        read_only=True, help_text=f"Which parts are known: {', '.join(BirthDate.Precision.values)} (blank: none)."
    )
    is_range = serializers.BooleanField(read_only=True, help_text="Published as a range ('1966 to 1968').")
    circa = serializers.BooleanField(read_only=True, help_text="Published as approximate ('circa').")

    source_document = fact_source()

    class Meta:
        model = BirthDate
        fields = ("raw", "date_from", "date_to", "precision", "is_range", "circa", "source_document")


class PlaceOfBirthSerializer(serializers.ModelSerializer):
    """A place of birth as published, with the country it names (ISO alpha-2), where known."""

    country = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    country_name = serializers.CharField(source="country.name", read_only=True, allow_null=True)

    source_document = fact_source()

    class Meta:
        model = PlaceOfBirth
        fields = ("place", "country", "country_name", "source_document")


class DesigneeFactSerializer(serializers.ModelSerializer):
    """A fact the list states with no field of its own: when an organisation was established, its type of
    activity, an aircraft's manufacture date, a vessel's year of build or former flag, a target type, an
    occupation, a position held, or a nationality or citizenship OFAC gives only as possible ("nationality
    possibly Palestinian"), which is never among the designee's ``countries``."""

    kind = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(DesigneeFact.Kind.values)}.")
    value = serializers.CharField(
        read_only=True, help_text="As published, without its label: '31 Mar 2008', 'Financial leasing', 'Palestinian'."
    )
    date_from = serializers.DateField(
        read_only=True, allow_null=True, help_text="For a date (established, manufactured, built): its first day."
    )
    date_to = serializers.DateField(
        read_only=True, allow_null=True, help_text="For a date: its last day ('1996' ends on 31 Dec 1996)."
    )
    precision = serializers.CharField(
        read_only=True,
        help_text=f"For a date, which parts are known: {', '.join(BirthDate.Precision.values)} (blank: not a date).",
    )
    alt = serializers.BooleanField(read_only=True, help_text="An alternative value (OFAC's 'alt.').")

    source_document = fact_source()

    class Meta:
        model = DesigneeFact
        fields = ("kind", "value", "date_from", "date_to", "precision", "alt", "source_document")


class AddressSerializer(serializers.ModelSerializer):
    """An address as published: street, city (with state and postal code), country."""

    country = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="ISO alpha-2, where the country is known."
    )
    country_name = serializers.CharField(source="country.name", read_only=True, allow_null=True)

    source_document = fact_source()

    class Meta:
        model = Address
        fields = ("street", "city", "country", "country_name", "country_text", "remarks", "source_document")


class RelationshipOutSerializer(serializers.ModelSerializer):
    """A link this designee's entry makes to another party ("Linked To: ..."). ``name`` is as published;
    ``designee`` is the party's record, null while the name is not resolved to one."""

    # A plain string in the schema (see ``ChangeSerializer.kind``): a second enum named "kind" would need an
    # entry in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
    kind = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(Relationship.Kind.values)}.")
    designee = DesigneeBriefSerializer(source="to_designee", read_only=True, allow_null=True)
    name = serializers.CharField(source="to_name", read_only=True)

    source_document = fact_source()

    class Meta:
        model = Relationship
        fields = ("kind", "designee", "name", "source_document")


class RelationshipInSerializer(serializers.ModelSerializer):
    """A link another designee's entry makes to this one."""

    kind = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(Relationship.Kind.values)}.")
    designee = DesigneeBriefSerializer(source="from_designee", read_only=True)
    name = serializers.CharField(source="from_designee.name", read_only=True)

    source_document = fact_source()

    class Meta:
        model = Relationship
        fields = ("kind", "designee", "name", "source_document")


class DesigneeCountrySerializer(serializers.ModelSerializer):
    """A country tied to a designee, and the role that ties it."""

    code = serializers.CharField(source="country.code", read_only=True)
    name = serializers.CharField(source="country.name", read_only=True)

    source_document = fact_source()

    class Meta:
        model = DesigneeCountry
        fields = ("code", "name", "role", "source_document")


class DesignationBriefSerializer(serializers.ModelSerializer):
    """A designation as nested in its designee."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:designation-detail")
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Designation
        fields = (
            "id",
            "url",
            "program",
            "status",
            "listed_on",
            "listed_precision",
            "listed_earliest",
            "delisted_on",
            "delisted_precision",
            "delisted_earliest",
        )


class CitationSerializer(serializers.ModelSerializer):
    """A source an editor cites for a curated fact (``field``; blank for the whole record)."""

    class Meta:
        model = Citation
        fields = ("field", "url", "title", "published_on")


class DesigneeSerializer(serializers.ModelSerializer):
    """A designated individual, entity, vessel or aircraft, with its names, identifiers and designations."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:designee-detail")
    aliases = AliasSerializer(many=True, read_only=True)
    identifiers = IdentifierSerializer(many=True, read_only=True)
    countries = DesigneeCountrySerializer(source="country_links", many=True, read_only=True)
    designations = DesignationBriefSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)
    source_documents = serializers.SerializerMethodField(
        help_text="The documents this record's facts were read from (each fact's `source_document`), oldest first."
    )

    class Meta:
        model = Designee
        fields = (
            "id",
            "url",
            "kind",
            "name",
            "entry_number",
            "title",
            "gender",
            "remarks",
            "call_sign",
            "vessel_type",
            "vessel_flag",
            "vessel_owner",
            "tonnage",
            "gross_registered_tonnage",
            "aircraft_model",
            "aircraft_operator",
            "source",
            "source_uid",
            "aliases",
            "identifiers",
            "countries",
            "designations",
            "review_state",
            "merged_into",
            "citations",
            "source_documents",
            "created_at",
            "updated_at",
        )

    @extend_schema_field(SourceDocumentBriefSerializer(many=True))
    def get_source_documents(self, designee: Designee) -> list[dict]:
        cited = {
            fact.source_document_id
            for key, relation in FACT_LISTS.items()
            if key in self.fields
            for fact in getattr(designee, relation).all()
            if fact.source_document_id
        }
        return SourceDocumentBriefSerializer(cited_documents(cited), many=True).data


class DesigneeDetailSerializer(DesigneeSerializer):
    """A designee's whole record: what the list gives, and its birth dates, places of birth, addresses,
    relationships both ways and other stated facts (in lists with ``?expand=facts``).

    Each fact names the document it was read from (``source_document``, an id of ``source_documents``); the
    designations' ``events`` name the documents that listed and delisted it.
    """

    birth_dates = BirthDateSerializer(many=True, read_only=True)
    places_of_birth = PlaceOfBirthSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    relationships_out = RelationshipOutSerializer(
        source="relationships_from", many=True, read_only=True, help_text="Links this entry makes to others."
    )
    relationships_in = RelationshipInSerializer(
        source="relationships_to", many=True, read_only=True, help_text="Links other entries make to this one."
    )
    stated_facts = DesigneeFactSerializer(
        many=True,
        read_only=True,
        help_text="Other facts the list states, in published order (positions, established and build dates, "
        "organization and target types, possible nationalities...).",
    )

    class Meta(DesigneeSerializer.Meta):
        fields = (
            *DesigneeSerializer.Meta.fields[: DesigneeSerializer.Meta.fields.index("designations")],
            "birth_dates",
            "places_of_birth",
            "addresses",
            "relationships_out",
            "relationships_in",
            "stated_facts",
            *DesigneeSerializer.Meta.fields[DesigneeSerializer.Meta.fields.index("designations") :],
        )


class DesigneeRowSerializer(DesigneeDetailSerializer):
    """A row of the designee list: the facts of the detail only with ``?expand=facts`` (the schema's view
    of the list; rows are read by ``designations.selectors.designee_rows``)."""

    birth_dates = BirthDateSerializer(many=True, required=False, help_text="With `?expand=facts`.")
    places_of_birth = PlaceOfBirthSerializer(many=True, required=False, help_text="With `?expand=facts`.")
    addresses = AddressSerializer(many=True, required=False, help_text="With `?expand=facts`.")
    relationships_out = RelationshipOutSerializer(
        source="relationships_from", many=True, required=False, help_text="With `?expand=facts`."
    )
    relationships_in = RelationshipInSerializer(
        source="relationships_to", many=True, required=False, help_text="With `?expand=facts`."
    )
    stated_facts = DesigneeFactSerializer(many=True, required=False, help_text="With `?expand=facts`.")


class DesignationEventSerializer(serializers.ModelSerializer):
    """One dated change to a designation and the document that announced it."""

    source_document = SourceDocumentBriefSerializer(read_only=True)

    class Meta:
        model = DesignationEvent
        fields = ("kind", "occurred_on", "precision", "earliest", "source_document", "changes", "note")


class DesignationSerializer(serializers.ModelSerializer):
    """One designee under one program during one period, with its dated events."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:designation-detail")
    designee = DesigneeBriefSerializer(read_only=True)
    program = ProgramBriefSerializer(read_only=True)
    authority = AuthorityBriefSerializer(read_only=True, allow_null=True)
    events = DesignationEventSerializer(many=True, read_only=True)
    categories = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Abuse or conduct categories editors assigned."
    )
    citations = CitationSerializer(many=True, read_only=True)
    reason_source = SourceDocumentBriefSerializer(
        read_only=True, allow_null=True, help_text="The announcement `reason` and `legal_basis` were taken from."
    )

    class Meta:
        model = Designation
        fields = (
            "id",
            "url",
            "designee",
            "program",
            "authority",
            "agency",
            "status",
            "listed_on",
            "listed_precision",
            "listed_earliest",
            "delisted_on",
            "delisted_precision",
            "delisted_earliest",
            "legal_basis",
            "reason",
            "reason_source",
            "curated_reason",
            "categories",
            "citations",
            "review_state",
            "source",
            "events",
            "created_at",
            "updated_at",
        )


class ChangeDesignationSerializer(serializers.ModelSerializer):
    """The designation a change is about, in brief."""

    url = serializers.HyperlinkedIdentityField(view_name="designations-api:designation-detail")
    designee = DesigneeBriefSerializer(read_only=True)
    program = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Designation
        fields = ("id", "url", "designee", "program", "status")


class ChangeSerializer(serializers.ModelSerializer):
    """One designation event as the changes feed lists it.

    ``created_at`` is when the tracker recorded the change (the feed's cursor); ``occurred_on`` with its
    ``precision`` (and ``earliest`` for a bracket) is when the change happened.
    """

    # A plain string in the schema: a second choice field over DesignationEvent.Kind would need an entry in
    # SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] to keep the enum's name stable.
    kind = serializers.CharField(read_only=True, help_text=f"One of: {', '.join(DesignationEvent.Kind.values)}.")
    designation = ChangeDesignationSerializer(read_only=True)
    source_document = SourceDocumentBriefSerializer(read_only=True, allow_null=True)
    import_run = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = DesignationEvent
        fields = (
            "id",
            "created_at",
            "kind",
            "occurred_on",
            "precision",
            "earliest",
            "designation",
            "source_document",
            "import_run",
            "changes",
            "note",
        )


class StatsRowSerializer(serializers.Serializer):
    """One group of the statistics: a key per requested grouping, and the count.

    Only the groupings asked for in ``group_by`` appear; ``country`` comes with ``country_name``.
    """

    program = serializers.CharField(required=False, allow_null=True, help_text="Program code.")
    authority = serializers.CharField(required=False, allow_null=True, help_text="Authority code.")
    country = serializers.CharField(required=False, allow_null=True, help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.CharField(required=False, allow_null=True)
    year = serializers.IntegerField(required=False, allow_null=True)
    month = serializers.CharField(required=False, allow_null=True, help_text="YYYY-MM.")
    kind = serializers.ChoiceField(choices=Designee.Kind.choices, required=False, allow_null=True)
    agency = serializers.ChoiceField(choices=Agency.choices, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Designation.Status.choices, required=False, allow_null=True)
    jurisdiction = serializers.CharField(
        required=False,
        help_text="`us`, or an ally that designated the same party: `uk`, `eu`, `ca`, `au`.",
    )
    count = serializers.IntegerField()


@extend_schema_field(DESIGNATION_COVERAGE_SCHEMA)
class DesignationCoverageField(serializers.JSONField):
    """The ``coverage`` object of a dated designation answer (``designations.coverage.designation_coverage``)."""


# One object, not a list of them, although /api/stats/ is a list view (drf-spectacular's override).
@extend_schema_serializer(many=False)
class StatsSerializer(serializers.Serializer):
    """The statistics: the data's own date, what the counts' dates rest on, and the groups."""

    data_as_of = serializers.DateField(
        allow_null=True, help_text="The data's own date: the OFAC SDN list as of this day (the newest imported)."
    )
    coverage = DesignationCoverageField()
    results = StatsRowSerializer(many=True)
