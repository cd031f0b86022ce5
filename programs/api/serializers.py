"""API representations of authorities and programs. Dates are ISO 8601."""

from __future__ import annotations

from rest_framework import serializers

from programs.models import Authority, AuthorityEvent, Program


class AuthorityBriefSerializer(serializers.ModelSerializer):
    """An authority as nested in other objects."""

    url = serializers.HyperlinkedIdentityField(view_name="programs-api:authority-detail", lookup_field="code")

    class Meta:
        model = Authority
        fields = ("code", "name", "short_name", "url")


class ProgramBriefSerializer(serializers.ModelSerializer):
    """A program as nested in other objects."""

    url = serializers.HyperlinkedIdentityField(view_name="programs-api:program-detail", lookup_field="code")

    class Meta:
        model = Program
        fields = ("code", "name", "url")


class AuthorityEventSerializer(serializers.ModelSerializer):
    """One dated step in an authority's life."""

    class Meta:
        model = AuthorityEvent
        fields = ("kind", "occurred_on", "description", "source_url", "verified")


class AuthoritySerializer(serializers.ModelSerializer):
    """A legal instrument, its lifecycle and what it targets."""

    url = serializers.HyperlinkedIdentityField(view_name="programs-api:authority-detail", lookup_field="code")
    implements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    ended_by = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target_countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    events = AuthorityEventSerializer(many=True, read_only=True)

    class Meta:
        model = Authority
        fields = (
            "code",
            "url",
            "kind",
            "name",
            "short_name",
            "citation",
            "issuer",
            "implements",
            "signed_on",
            "effective_on",
            "status",
            "ended_on",
            "ended_by",
            "is_human_rights",
            "target_countries",
            "summary",
            "events",
            "official_url",
            "date_note",
        )


class ProgramSerializer(serializers.ModelSerializer):
    """A sanctions program (a list's tag), the authorities behind it and the countries it targets."""

    url = serializers.HyperlinkedIdentityField(view_name="programs-api:program-detail", lookup_field="code")
    replaced_by = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    authorities = AuthorityBriefSerializer(many=True, read_only=True)
    target_countries = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Program
        fields = (
            "code",
            "url",
            "name",
            "agency",
            "family",
            "status",
            "replaced_by",
            "authorities",
            "target_countries",
            "is_human_rights",
            "description",
            "first_seen_on",
            "last_seen_on",
        )
