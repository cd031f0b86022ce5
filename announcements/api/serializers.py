"""API representation of announcements, their mentions and the reconciliation report.

A mention's decision is public: its ``status``, the designee it was tied to and ``decided_at``. Who decided
is never shown, and the editor's ``note`` (the reasoning behind a decision, which may name sources or
doubts) only to editors: staff users and holders of ``announcements.change_mention``.
"""

from __future__ import annotations

from rest_framework import serializers

from announcements.models import Announcement, AnnouncementVersion, Mention
from designations.models import Designation

# Mention fields shown only to editors (``sees_internal_notes``).
EDITOR_ONLY_FIELDS = ("note",)


def sees_internal_notes(request) -> bool:
    """Whether the signed-in user of ``request`` (a DRF or Django request, or None) may read editors' notes."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.has_perm("announcements.change_mention")


class MentionSerializer(serializers.ModelSerializer):
    """One party an announcement names, and how it was tied to a designee.

    ``note`` is left out of the answer unless the request's user is an editor (``sees_internal_notes``).
    """

    url = serializers.HyperlinkedIdentityField(view_name="announcements-api:mention-detail")
    announcement = serializers.HyperlinkedRelatedField(
        view_name="announcements-api:announcement-detail", read_only=True
    )
    designee = serializers.HyperlinkedRelatedField(view_name="designations-api:designee-detail", read_only=True)
    designee_name = serializers.CharField(source="designee.name", read_only=True, default=None)
    designation = serializers.HyperlinkedRelatedField(view_name="designations-api:designation-detail", read_only=True)

    class Meta:
        model = Mention
        fields = (
            "id",
            "url",
            "announcement",
            "action",
            "status",
            "name",
            "name_variants",
            "kind",
            "programs",
            "country",
            "position",
            "reason",
            "legal_basis",
            "family_covered",
            "family_members",
            "section",
            "raw",
            "error",
            "in_current_version",
            "designee",
            "designee_name",
            "designation",
            "score",
            "candidates",
            "decided_at",
            "note",
        )
        extra_kwargs = {
            "note": {
                "help_text": "The deciding editor's internal note: present only for editors (staff users and "
                "holders of the change-mention permission)."
            }
        }

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not sees_internal_notes(self.context.get("request")):
            for name in EDITOR_ONLY_FIELDS:
                data.pop(name, None)
        return data


class AnnouncementVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnouncementVersion
        fields = ("id", "content_sha256", "title", "published_on", "created_at")


class AnnouncementSerializer(serializers.ModelSerializer):
    """An announcement: what it is, when it was published, what it cites, and whom it names."""

    url = serializers.HyperlinkedIdentityField(view_name="announcements-api:announcement-detail")
    page_url = serializers.URLField(source="url", read_only=True)
    kind = serializers.CharField(source="document.kind", read_only=True)
    agency = serializers.CharField(source="document.agency", read_only=True)
    title = serializers.CharField(source="document.title", read_only=True)
    published_on = serializers.DateField(source="document.published_on", read_only=True)
    source_document = serializers.HyperlinkedRelatedField(
        source="document", view_name="designations-api:sourcedocument-detail", read_only=True
    )

    class Meta:
        model = Announcement
        fields = (
            "id",
            "url",
            "source",
            "kind",
            "agency",
            "title",
            "published_on",
            "number",
            "page_url",
            "authorities",
            "programs",
            "summary",
            "sections",
            "warnings",
            "reconstructed",
            "source_document",
        )
        extra_kwargs = {
            "reconstructed": {
                "help_text": "True for a page written from reports of the release (the bundled demo pages), not "
                "saved from the publisher: its summary and the reasons taken from it are not the release's own words."
            }
        }


class AnnouncementDetailSerializer(AnnouncementSerializer):
    mentions = MentionSerializer(many=True, read_only=True)
    versions = AnnouncementVersionSerializer(many=True, read_only=True)

    class Meta(AnnouncementSerializer.Meta):
        fields = (*AnnouncementSerializer.Meta.fields, "versions", "mentions")


class MentionDecisionSerializer(serializers.Serializer):
    """An editor's decision on a mention in the review queue."""

    decision = serializers.ChoiceField(choices=["accept", "create", "reject"])
    designee = serializers.IntegerField(
        required=False, help_text="accept: the designee the mention names (default: the best candidate)."
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReconciliationDesignationSerializer(serializers.ModelSerializer):
    designation = serializers.HyperlinkedIdentityField(view_name="designations-api:designation-detail")
    designee = serializers.HyperlinkedRelatedField(view_name="designations-api:designee-detail", read_only=True)
    designee_name = serializers.CharField(source="designee.name")
    program = serializers.CharField(source="program.code")

    class Meta:
        model = Designation
        fields = (
            "id",
            "designation",
            "designee",
            "designee_name",
            "program",
            "status",
            "source",
            "listed_on",
            "listed_precision",
            "delisted_on",
            "delisted_precision",
        )
